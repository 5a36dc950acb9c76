"""A checker's verdict, as a notebook shows it, fits a cell at 1024 px: JupyterLab breaks a longer
line wherever the cell ends, mid-word ('(num' / '_steps - warmup)')."""
import glob

import nbformat
import pytest
from IPython.lib.pretty import pretty

from conftest import ROOT
from microgpt.helpers.exercises import WIDTH, failed, passed

LONG = failed('warmup_then_decay(100, 300, 0.7, 100) = 0.525, the schedule gives 0.7',
              'start the cosine where the warm-up ends: progress = (step - warmup) / '
              '(num_steps - warmup), and end it at lr / 10')


@pytest.mark.parametrize('verdict', [LONG, passed('x' * 100), passed('a ' * 100)])
def test_a_verdict_is_shown_in_lines_that_fit_and_keeps_every_word(verdict):
    shown = pretty(verdict)
    assert all(len(line) <= WIDTH for line in shown.split('\n') if ' ' in line.strip()), shown
    assert shown.split() == repr(verdict).split()  # the same words, none cut in two


def test_the_hint_starts_its_own_line():
    assert '\nHint: start the cosine' in pretty(LONG)


def test_brackets_are_never_split():
    # a list or a call split across lines reads wrong, and pastes as broken code
    shown = pretty(failed('for 3 sequences, the longest of 9 tokens, the rows have lengths [4, 5, 8] and [4, 5, 8]',
                          'two steps: x = x + attention(rmsnorm(x), ...), then x = x + mlp(rmsnorm(x), ...).'))
    assert '[4, 5, 8] and [4, 5, 8]' in shown and 'mlp(rmsnorm(x), ...)' in shown, shown
    assert pretty(failed('an open (bracket ' + 'word ' * 30, 'x')).count('\n') >= 2  # unclosed: wraps as usual
    # a pair too long for a line of its own wraps as usual
    assert all(len(line) <= WIDTH for line in pretty(failed('(' + 'word ' * 30 + ')', 'x')).split('\n'))


def stored_verdicts():
    for path in sorted(glob.glob(str(ROOT / 'chapters' / '[0-9]*.ipynb'))):
        for cell in nbformat.read(path, as_version=4).cells:
            for out in cell.get('outputs', []):
                text = out.get('data', {}).get('text/plain', '')
                if text.startswith(('Correct!', 'Not yet')):
                    yield path.rsplit('/', 1)[1], cell.id, text


def test_every_stored_verdict_fits_a_cell():
    verdicts = list(stored_verdicts())
    assert len(verdicts) >= 13  # every chapter with an exercise shows at least one
    wide = [(name, cid, line) for name, cid, text in verdicts for line in text.split('\n') if len(line) > WIDTH]
    assert not wide, wide
