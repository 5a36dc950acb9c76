"""Chapter 14's checker passes the reference solution and fails wrong answers with a useful hint."""
import pytest

from conftest import hidden_solution
from microgpt.helpers.exercises.ch14 import check_pad


def test_the_chapters_solution_passes():
    assert repr(check_pad(hidden_solution('14_pytorch.ipynb', 'pad'))).startswith('Correct!')


def _end(seqs, fill_in, fill_out):
    T = max(len(s) for s in seqs) - 1
    return ([s[:-1] + [fill_in] * (T - len(s) + 1) for s in seqs],
            [s[1:] + [fill_out] * (T - len(s) + 1) for s in seqs])


def _appending(seqs, bos):
    T = max(len(s) for s in seqs) - 1
    for s in seqs:
        s += [bos] * (T + 1 - len(s))
    return [s[:-1] for s in seqs], [s[1:] for s in seqs]


@pytest.mark.parametrize('wrong, words', [
    (lambda seqs, bos: ([s[:-1] for s in seqs], [s[1:] for s in seqs]), ['rows have lengths', 'longest sequence']),
    (lambda seqs, bos: _end(seqs, bos, bos), ['padded targets are BOS', '-1']),
    (lambda seqs, bos: ([[bos] * (max(map(len, seqs)) - len(s)) + s[:-1] for s in seqs],
                        [[-1] * (max(map(len, seqs)) - len(s)) + s[1:] for s in seqs]), ['at the start']),
    (lambda seqs, bos: _end(seqs, bos, -1)[::-1], ['swapped']),
    (lambda seqs, bos: _end(seqs, 0, -1), ['you gave inputs']),
    (_appending, ['changed the sequences']),
    (lambda seqs, bos: _end(seqs, bos, -1)[0], ['not a pair']),
    (lambda seqs, bos: seqs[5], ['raised IndexError']),
    ('pad', ['expected a function']),
])
def test_mistakes_get_their_hint(wrong, words):
    text = repr(check_pad(wrong))
    assert text.startswith('Not yet') and all(w in text for w in words), text
