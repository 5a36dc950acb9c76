"""Chapter 09's checkers pass the reference solutions and fail wrong answers with a useful hint."""
import json

import numpy as np
import pytest

from conftest import ROOT
from microgpt.exercises.ch09 import check_attention_loop, check_linear_backward


def solution(name):
    "The reference solution as the chapter stores it: the hidden cell that defines `name`."
    nb = json.loads((ROOT / 'chapters' / '09_efficiency.ipynb').read_text(encoding='utf-8'))
    for cell in nb['cells']:
        source = ''.join(cell['source'])
        if cell['metadata'].get('jupyter', {}).get('source_hidden') and f'def {name}(' in source:
            namespace = {'np': np}
            exec(source.split('\ncheck_')[0], namespace)  # the definition, without the check call
            return namespace[name]
    raise LookupError(f'no hidden solution cell defines {name}')


def loop_attention(causal=True, scaled=True):
    def attention_loop(q, k, v):
        out = np.zeros_like(q)
        for t in range(len(q)):
            end = t + 1 if causal else len(q)
            scores = k[:end] @ q[t] / (q.shape[1] ** 0.5 if scaled else 1)
            weights = np.exp(scores - scores.max())
            out[t] = weights / weights.sum() @ v[:end]
        return out
    return attention_loop


def test_the_chapters_solutions_pass():
    assert check_attention_loop(solution('attention_loop'))
    assert check_linear_backward(solution('linear_backward'))
    assert repr(check_linear_backward(solution('linear_backward'))).startswith('Correct!')


@pytest.mark.parametrize('answer, words', [
    (loop_attention(causal=False), 'later positions'),
    (loop_attention(scaled=False), 'not scaled'),
    (lambda q, k, v: np.zeros_like(q), 'all zeros'),
    (lambda q, k, v: None, 'return statement'),
    (lambda q, k, v: q[:, :2], 'shape'),
    (lambda q, k, v: v, 'position 0 is right'),
    (lambda q, k, v: v + 1, 'already at position 0'),
    (lambda q, k, v: q @ k, 'raised ValueError'),
    (np.zeros(3), 'expected a function'),
])
def test_wrong_attention_loops_fail_with_a_hint(answer, words):
    verdict = check_attention_loop(answer)
    assert not verdict
    assert words in repr(verdict) and 'Hint:' in repr(verdict)


@pytest.mark.parametrize('answer, words', [
    (lambda x, w, dy: (np.zeros_like(x), np.zeros_like(w)), 'dx is not right'),
    (lambda x, w, dy: (dy @ w, (dy.T @ x).T), 'shape'),
    (lambda x, w, dy: (dy @ w, dy.T @ x / len(x)), 'divided by the number of positions'),
    (lambda x, w, dy: (dy @ w, -(dy.T @ x)), 'dw is not right'),
    (lambda x, w, dy: (w.T @ dy.T, dy.T @ x), 'shape'),
    (lambda x, w, dy: dy @ w, 'pair'),
    (lambda x, w, dy: (None, None), 'None'),
    (lambda x, w, dy: x @ dy, 'raised ValueError'),
])
def test_wrong_linear_backwards_fail_with_a_hint(answer, words):
    verdict = check_linear_backward(answer)
    assert not verdict
    assert words in repr(verdict) and 'Hint:' in repr(verdict)
