"""The browser tests' own checks, on made-up pages: they catch what they are meant to catch.
(No browser needed: these run everywhere.)"""
import nbformat

from .notebook import Stored, normalize, problems, sanitizer
from .test_sliders import shows_names


def notebook(tmp_path, cells):
    path = tmp_path / '01_made_up.ipynb'
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    (tmp_path / 'sanitize.cfg').write_text('[timings]\nregex: time: \\d+(\\.\\d+)? ?(s|ms)\nreplace: time: TIME\n')
    return Stored(path, sanitizer(tmp_path / 'sanitize.cfg'))


def code(source, outputs=(), tags=()):
    return nbformat.v4.new_code_cell(source, metadata={'tags': list(tags)}, execution_count=1,
                                     outputs=[nbformat.from_dict(o) for o in outputs])


def shown(count=1, errors=(), text='', png=0, svg=0, widgets=0, widget_errors=(), broken=0):
    return {'type': 'code', 'executionCount': count, 'prompt': f'[{count}]:', 'errors': list(errors),
            'text': text, 'png': png, 'svg': svg, 'widgets': widgets, 'widgetErrors': list(widget_errors),
            'brokenImages': broken}


STDOUT = {'output_type': 'stream', 'name': 'stdout', 'text': ['samples: ava\n', 'time: 1.5 s\n']}
PLOT = {'output_type': 'display_data', 'data': {'image/png': 'iVBOR', 'text/plain': '<Figure>'}, 'metadata': {}}
SLIDER = {'output_type': 'display_data', 'metadata': {},
          'data': {'application/vnd.jupyter.widget-view+json': {'model_id': 'x'}, 'text/plain': 'VBox()'}}


def test_a_page_showing_everything_passes(tmp_path):
    stored = notebook(tmp_path, [code('print(samples)', [STDOUT, PLOT]), code('slider', [SLIDER])])
    page = [shown(text='samples: ava\ntime: 0.2 s\n', png=1), shown(2, widgets=1)]
    assert problems(stored, page) == ([], [])


def test_an_error_in_an_untagged_cell_is_reported_with_its_cell(tmp_path):
    stored = notebook(tmp_path, [code('1/0'), code('1/0', tags=['raises-exception'])])
    pending, final = problems(stored, [shown(errors=['ZeroDivisionError: division by zero']),
                                       shown(2, errors=['ZeroDivisionError: division by zero'])])
    assert final == ['01_made_up.ipynb cell 0 (1/0): shows an error: ZeroDivisionError: division by zero']


def test_a_cell_that_did_not_run_is_reported(tmp_path):
    stored = notebook(tmp_path, [code('x = 1')])
    _, final = problems(stored, [shown(count=None)])
    assert 'cell 0 (x = 1): did not run' in final[0]


def test_missing_pictures_and_widgets_are_pending_then_reported(tmp_path):
    stored = notebook(tmp_path, [code('plot', [PLOT]), code('slider', [SLIDER])])
    pending, final = problems(stored, [shown(png=0, broken=1), shown(2, widgets=0)])
    assert any('cell 0 (plot): 1 plot (PNG image)(s) expected' in p for p in pending)
    assert any('cell 0 (plot): 1 image(s) not displayed' in p for p in pending)
    assert any('cell 1 (slider): 1 widget(s) expected' in p for p in pending)


def test_a_widget_that_cannot_display_is_final(tmp_path):
    stored = notebook(tmp_path, [code('slider', [SLIDER])])
    pending, final = problems(stored, [shown(widget_errors=['Error displaying widget: model not found'])])
    assert pending == [] and "a widget shows 'Error displaying widget: model not found'" in final[0]


def test_a_printed_output_not_on_the_page_is_reported_with_what_the_page_shows(tmp_path):
    stored = notebook(tmp_path, [code('print(samples)', [STDOUT])])
    _, final = problems(stored, [shown(text='samples: eve\ntime: 3 ms\n')])
    assert 'cell 0 (print(samples)): the printed output' in final[0]
    assert 'samples: ava' in final[0] and 'samples: eve' in final[0]


def test_normalize_applies_carriage_returns_and_drops_colours():
    assert normalize('50%\r100%\n\x1b[31mred\x1b[0m  text\n\n') == '100%\nred text'


NAMES = ['ava', 'zorb', '']
KNOWN = {'ava', 'emma'}


def test_shows_names_accepts_the_names_in_order_with_their_marks():
    assert shows_names('ava *\nzorb\n\n(* = in the data)\nnew names: 2 of 3 (67%)', NAMES, KNOWN) == (True, '')


def test_shows_names_rejects_a_missing_mark_other_names_or_wrong_counts():
    assert not shows_names('ava\nzorb\n\nnew names: 2 of 3 (67%)', NAMES, KNOWN)[0]
    assert not shows_names('emma *\nzorb\n\nnew names: 2 of 3 (67%)', NAMES, KNOWN)[0]
    assert not shows_names('ava *\nzorb\n\nnew names: 1 of 3 (33%)', NAMES, KNOWN)[0]
