"""Chapter 10's checkers pass the reference solutions and fail wrong answers with a useful hint."""
import numpy as np
import pytest

from conftest import hidden_solution
from microgpt.helpers.exercises.ch10 import check_attention_loop, check_numerical_gradient


def solution(name):
    return hidden_solution('10_efficiency.ipynb', name, {'np': np})


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
    assert check_numerical_gradient(solution('numerical_gradient'))
    assert repr(check_numerical_gradient(solution('numerical_gradient'))).startswith('Correct!')


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


def measured(scale=1.0, restore=True, all_at_once=False, h=1e-5):
    def numerical_gradient(f, x, h=h):
        grad = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            old = x[i]
            if all_at_once:
                up, down = f(x + h), f(x - h)
            else:
                x[i] = old + h
                up = f(x)
                x[i] = old - h
                down = f(x)
            if restore:
                x[i] = old
            grad[i] = scale * (up - down) / (2 * h)
        return grad
    return numerical_gradient


@pytest.mark.parametrize('answer, words', [
    (lambda f, x, h=1e-5: np.zeros_like(x), 'all zeros'),
    (measured(scale=2.0), 'twice too large'),
    (measured(restore=False), 'x is changed'),
    (measured(all_at_once=True), 'the same'),
    (measured(scale=-1.0), 'differs from the derivative'),
    (lambda f, x, h=1e-5: None, 'return statement'),
    (lambda f, x, h=1e-5: np.zeros(3), 'shape'),
    (lambda f, x, h=1e-5: f(x[0]), 'shape'),
    (lambda f: f, 'raised TypeError'),
])
def test_wrong_numerical_gradients_fail_with_a_hint(answer, words):
    verdict = check_numerical_gradient(answer)
    assert not verdict
    assert words in repr(verdict) and 'Hint:' in repr(verdict)
