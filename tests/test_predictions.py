"""Predict first: every such exercise takes the learner's guess before it shows the model's answer."""
import re
from pathlib import Path

import numpy as np
import pytest

from microgpt.helpers.exercises.predictions import PREDICTIONS, reveal
from conftest import notebook_cells

CHAPTERS = Path(__file__).resolve().parent.parent / 'chapters'

# A right guess for each prediction: the numbers and words the chapters' questions expect.
RIGHT = {'5.1': 2.48, '6.1': 'more', '6.2': ([1, 0, 0, 0], [0.25] * 4), '6.3': (256, 'same'), '7.1': 'zeros',
         '7.2': (2, 4),
         '8.1': 2.0, '8.2': 'quiet', '9.1': 1 / 27, '9.2': (8, 8), '9.3': 'greedy', '9.4': 18,
         '10.1': 'v[0]', '10.2': 8128, '11.1': 2.75, '11.2': 11.96, '12.1': 3.946, '12.2': 0.04, '12.3': 0.6077,
         '13.1': 'd', '14.1': (24, 17)}
WRONG = {'5.1': 3.3, '6.1': 'less', '6.2': ([0.25] * 4, [1, 0, 0, 0]), '6.3': (128, 'changes'), '7.1': 'x',
         '7.2': (4, 2), '8.1': 0.2, '8.2': 'crash', '9.1': 0.5, '9.2': (9, 10), '9.3': 'unchanged', '9.4': 5,
         '10.1': 'the mean of v',
         '10.2': 4064, '11.1': 2.5, '11.2': 27, '12.1': 16, '12.2': 0.01, '12.3': 0.35, '13.1': 's', '14.1': (17, 24)}


def test_every_prediction_has_a_right_and_a_wrong_guess_here():
    assert set(RIGHT) == set(WRONG) == set(PREDICTIONS)


@pytest.mark.parametrize('key', PREDICTIONS)
def test_without_a_guess_nothing_is_revealed(key, capsys):
    reveal(key, ...)
    out = capsys.readouterr().out
    assert out.startswith('Write your guess in my_guess first') and out.count('\n') == 2
    assert all(len(line) <= 79 for line in out.splitlines())
    assert 'predicted' not in out and 'model gives' not in out


def sentences(out):
    "What reveal printed, one sentence per item: a line indented by two spaces continues the one before."
    lines = out.splitlines()
    assert all(len(line) <= 79 for line in lines), f'a line wider than a cell at 1024 px: {lines}'
    found = []
    for line in lines:
        if line.startswith('  ') and found:
            found[-1] += ' ' + line.strip()
        else:
            found.append(line)
    return found


@pytest.mark.parametrize('key', PREDICTIONS)
def test_a_right_guess_is_right_and_a_wrong_one_is_not(key, capsys):
    reveal(key, RIGHT[key])
    right = sentences(capsys.readouterr().out)
    assert right[-1].startswith('Why: ')
    assert right[:-1] and all(line.startswith('You predicted') and line.endswith(': right.') for line in right[:-1])
    reveal(key, WRONG[key])
    wrong = sentences(capsys.readouterr().out)
    assert len(wrong) == len(right) and not any(line.endswith(': right.') for line in wrong)


def test_close_is_told_apart_from_far(capsys):
    reveal('10.2', 8000)
    reveal('10.2', 100)
    verdicts = [line.rsplit(': ', 1)[1] for line in sentences(capsys.readouterr().out) if line.startswith('You')]
    assert verdicts == ['close.', 'far.']


@pytest.mark.parametrize('guess', [256, (256,), ('many', 'same'), (np.ones(4), ...), 'two', None])
def test_a_malformed_guess_gets_a_sentence_not_a_traceback(guess, capsys):
    reveal('6.3', guess)
    reveal('6.2', guess)
    out = capsys.readouterr().out
    assert 'Traceback' not in out and out.strip()


def predict_first_cells():
    "(chapter, the markdown cell asking for a prediction, the code cell after it) for every chapter."
    for path in sorted(CHAPTERS.glob('[0-9]*.ipynb')):
        cells = notebook_cells(path)
        for i, cell in enumerate(cells):
            if cell['cell_type'] == 'markdown' and re.search(r'predict first', ''.join(cell['source']), re.I):
                yield path.name, ''.join(cell['source']), cells[i + 1]


def test_chapters_05_to_14_ask_for_predictions():
    assert {name[:2] for name, _, _ in predict_first_cells()} >= {f'{n:02}' for n in range(5, 15)}


CELLS = list(predict_first_cells())


@pytest.mark.parametrize('chapter, text, cell', CELLS, ids=[f'{c[0][:2]}-{i}' for i, c in enumerate(CELLS)])
def test_every_prediction_is_written_down_before_the_reveal(chapter, text, cell):
    source = ''.join(cell['source'])
    assert cell['cell_type'] == 'code'
    if 'prediction = ' in source:  # 13.2: the checker itself compares the prediction
        assert ', prediction)' in source
        return
    assert 'my_guess' in text, f'{chapter}: the question should say where the guess goes'
    assert re.search(r'^my_guess = \.\.\.  # ', source, re.M), f'{chapter}: no guess to fill in'
    key = re.search(r"^reveal\('([\d.]+)', my_guess\)$", source, re.M).group(1)
    assert key.split('.')[0].zfill(2) == chapter[:2]
    shown = ''.join(''.join(o.get('text', '')) for o in cell['outputs'])
    assert 'Write your guess in my_guess first' in shown and 'You predicted' not in shown
