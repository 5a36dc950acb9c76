"""Every chapter carries the slide metadata tools.slides derives from it, and that derivation
keeps its promises: each heading starts a slide, and a slide holds no more than a screen."""
import base64
import copy
import io
import json
import struct
import sys
import zlib
from pathlib import Path

import pytest

from tools import slides

from conftest import ROOT

CHAPTERS = sorted((ROOT / 'chapters').glob('[0-9]*.ipynb'))
FIX = 'run `python3 course.py slides --write` and commit the chapters it rewrites'


def load(path):
    return json.loads(path.read_text(encoding='utf-8'))


@pytest.mark.parametrize('path', CHAPTERS, ids=lambda p: p.name)
def test_every_heading_starts_a_slide(path):
    cells = load(path)['cells']
    for i, cell in enumerate(cells):
        kind = cell['metadata'].get('slideshow', {}).get('slide_type')
        if slides.heading_level(cell) or i == 0:
            assert kind in ('slide', 'subslide'), (f'{path.name} cell {i} ({cell["source"][0].strip()!r}) is a '
                                                   f'heading but its slide type is {kind!r}: {FIX}')


@pytest.mark.parametrize('path', CHAPTERS, ids=lambda p: p.name)
def test_slide_metadata_is_what_the_script_derives(path):
    nb = load(path)
    stored = [cell['metadata'].get('slideshow', {}).get('slide_type') for cell in nb['cells']]
    derived = slides.slide_types(nb['cells'])
    wrong = [f'cell {i}: {s!r}, derived {d!r}' for i, (s, d) in enumerate(zip(stored, derived)) if s != d]
    assert not wrong, f'{path.name}: the slide metadata is out of date ({"; ".join(wrong[:5])}): {FIX}'
    assert nb['metadata'].get('rise') == slides.RISE, f'{path.name}: no RISE settings in its metadata: {FIX}'


# The derivation, on made-up notebooks ---------------------------------------------------------

def md(text):
    return {'cell_type': 'markdown', 'metadata': {}, 'source': text}


def code(lines, outputs=()):
    return {'cell_type': 'code', 'metadata': {}, 'source': '\n'.join(f'x{i} = {i}' for i in range(lines)),
            'outputs': list(outputs), 'execution_count': 1}


def png_output(width, height):
    "A real (blank) PNG of the given size, as a notebook stores it."
    row = b'\x00' + b'\xff' * width
    body = zlib.compress(row * height)
    chunk = lambda kind, data: (struct.pack('>I', len(data)) + kind + data +
                                struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff))
    data = (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 0, 0, 0, 0)) +
            chunk(b'IDAT', body) + chunk(b'IEND', b''))
    return {'output_type': 'display_data', 'metadata': {},
            'data': {'image/png': base64.b64encode(data).decode(), 'text/plain': '<Figure>'}}


def test_headings_start_slides_and_the_rest_continues_them():
    cells = [md('# Title\n\nIntro.'), code(1), md('## A section\n\nProse.'), code(3), md('More prose.'),
             md('Prose, then a heading:\n\n### A subsection'), code(2)]
    assert slides.slide_types(cells) == ['slide', '-', 'slide', '-', '-', 'subslide', '-']


def test_a_section_taller_than_a_screen_continues_on_sub_slides_that_fit():
    cells = [md('## Pictures')] + [code(2, [png_output(640, 300)]) for _ in range(5)]
    types = slides.slide_types(cells)
    assert types[0] == 'slide' and 'subslide' in types[1:]
    starts = [i for i, t in enumerate(types) if t in ('slide', 'subslide')] + [len(cells)]
    for a, b in zip(starts, starts[1:]):
        assert sum(slides.cell_height(c) for c in cells[a:b]) <= slides.BUDGET, f'slide of cells {a}..{b - 1} overflows'


def test_picture_heights_come_from_the_stored_image():
    assert slides.output_height(png_output(400, 300)) == pytest.approx(310)
    # Wider than a slide: scaled down to its width, keeping the proportions.
    assert slides.output_height(png_output(2 * slides.WIDTH, 600)) == pytest.approx(310)


def test_a_folded_solution_counts_as_its_first_line_and_its_result():
    result = {'output_type': 'stream', 'name': 'stdout', 'text': 'Correct!\n'}
    solution = {**code(20, [result]), 'metadata': {'jupyter': {'source_hidden': True, 'outputs_hidden': True}}}
    assert slides.cell_height(solution) == slides.FOLDED + slides.output_height(result)  # the result, once run
    assert slides.slide_types([md('## Exercise'), code(20), solution]) == ['slide', '-', '-']  # on the exercise's slide


def test_a_closed_solution_block_counts_as_its_summary_line():
    block = '<details><summary>A solution</summary>\n\n```python\n' + 'x = 1\n' * 30 + '```\n\n</details>'
    assert slides.markdown_height(block) == 2 * slides.LINE
    assert slides.slide_types([md('## Exercise'), code(20), md(block)]) == ['slide', '-', '-']


def test_cells_taller_than_a_screen_are_listed():
    cells = [md('## Long'), code(60), code(3)]
    assert slides.too_tall(cells) == [1]


def test_nbdev_directives_are_skipped():
    cells = [md('# T'), {**code(0), 'source': '#| default_exp model'}, code(2)]
    assert slides.slide_types(cells)[1] == 'skip'


def test_applying_twice_changes_nothing():
    nb = load(CHAPTERS[0])
    for cell in nb['cells']:
        cell['metadata'].pop('slideshow', None)
    first = copy.deepcopy(nb)
    assert slides.apply(first) is True
    second = copy.deepcopy(first)
    assert slides.apply(second) is False and second == first


def test_write_keeps_the_file_as_nbformat_writes_it(tmp_path):
    import nbformat
    path = tmp_path / 'chapter.ipynb'
    path.write_bytes(CHAPTERS[0].read_bytes())
    slides.write([path])
    before = path.read_bytes()
    slides.write([path])
    assert path.read_bytes() == before
    assert nbformat.writes(nbformat.read(io.StringIO(before.decode()), as_version=4)) + '\n' == before.decode()


def course_module():
    import importlib.util
    spec = importlib.util.spec_from_file_location('course', ROOT / 'course.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize('name', ['../*', '*', '09_sampling/../..', ''])
def test_a_chapter_name_that_is_no_chapter_is_one_line(name, monkeypatch):
    course = course_module()
    monkeypatch.setattr(course, 'env_python', lambda: pytest.fail('set up the environment for a bad name'))
    with pytest.raises(SystemExit) as stop:
        course.slides([name])
    assert str(stop.value).startswith('Say which chapter to present, e.g. `python3 course.py slides 09_sampling`')


@pytest.mark.parametrize('command, args', [('lab', []), ('slides', ['09'])])
def test_running_as_root_says_to_add_allow_root(command, args, monkeypatch):
    course = course_module()
    monkeypatch.setattr(course.os, 'geteuid', lambda: 0, raising=False)
    monkeypatch.setattr(course, 'env_python', lambda: pytest.fail('Jupyter started as root without --allow-root'))
    with pytest.raises(SystemExit) as stop:
        getattr(course, command)(args)
    assert 'is running as root, which Jupyter refuses' in str(stop.value)
    assert f'`python3 course.py {command} {" ".join([*args, "--allow-root"])}`' in str(stop.value)


def test_presenting_never_autosaves_the_chapter(tmp_path):
    folder = slides.presenting_settings(tmp_path)
    settings = json.loads((folder / '@jupyterlab' / 'docmanager-extension' / 'plugin.jupyterlab-settings').read_text())
    assert settings == {'autosave': False}


def test_course_py_slides_presents_with_those_settings(monkeypatch):
    course = course_module()
    monkeypatch.setattr(course.os, 'geteuid', lambda: 1000, raising=False)
    monkeypatch.setattr(course, 'env_python', lambda: 'python')
    started = {}
    monkeypatch.setattr(course, 'serve', lambda cmd, env=None: started.update(cmd=cmd, env=env))
    course.slides(['09'])
    assert '--LabApp.default_url=/rise/chapters/09_sampling.ipynb' in started['cmd']
    folder = Path(started['env']['JUPYTERLAB_SETTINGS_DIR'])
    assert json.loads((folder / '@jupyterlab' / 'docmanager-extension' / 'plugin.jupyterlab-settings').read_text()) \
        == {'autosave': False}


def test_presenting_runs_a_cell_in_place_and_keeps_the_slide_keys(tmp_path):
    "Shift+Enter runs where the cell is (RISE's own binding moves on); Home and End work without a focused cell."
    folder = slides.presenting_settings(tmp_path)
    keys = json.loads((folder / '@jupyterlab' / 'shortcuts-extension' / 'shortcuts.jupyterlab-settings')
                      .read_text())['shortcuts']
    bound = {(k['command'], k['keys'][0]) for k in keys if not k.get('disabled')}
    assert ('notebook:run-cell', 'Shift Enter') in bound and ('RISE:smart-exec', 'Shift Enter') not in bound
    assert {('RISE:firstSlide', 'Home'), ('RISE:lastSlide', 'End')} <= bound
    # JupyterLab turns a binding off only when command, keys and selector are RISE's own, to the letter.
    schema = Path(sys.prefix, 'share', 'jupyter', 'labextensions', 'jupyterlab-rise', 'schemas', 'jupyterlab-rise',
                  'plugin.json')
    if not schema.exists():
        pytest.skip('jupyterlab-rise is not installed in this environment')
    rise = json.loads(schema.read_text())['jupyter.lab.shortcuts']
    lab = json.loads(Path(sys.prefix, 'share', 'jupyter', 'lab', 'schemas', '@jupyterlab', 'notebook-extension',
                          'tracker.json').read_text())['jupyter.lab.shortcuts']
    off = [{k: v for k, v in key.items() if k != 'disabled'} for key in keys if key.get('disabled')]
    assert len(off) == 3 and all(key in rise + lab for key in off), f'not a binding of RISE or JupyterLab: {off}'
