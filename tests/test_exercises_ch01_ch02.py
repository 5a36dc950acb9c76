"""The exercise checkers of chapters 01 and 02: the reference solutions pass, wrong answers fail with a hint."""
import math

import pytest

from microgpt.autograd import Value
from microgpt.helpers.exercises.ch01 import check_chain_rule, check_gradient_prediction, check_tanh_local_grad
from microgpt.helpers.exercises.ch02 import check_prediction, check_tanh


def ok(check):
    assert check.ok and repr(check).startswith('Correct!'), repr(check)


def not_yet(check, *words):
    text = repr(check)
    assert not check.ok and text.startswith('Not yet: ') and '\nHint: ' in text, text
    for word in words:
        assert word in text, text


# Chapter 01 ---------------------------------------------------------------------------------

def test_ch01_tanh_local_grad():
    ok(check_tanh_local_grad(lambda x: 1 - math.tanh(x) ** 2))
    not_yet(check_tanh_local_grad(lambda x: ...), 'returned Ellipsis, not a number', 'replace the ...')
    not_yet(check_tanh_local_grad(math.tanh), 'tanh(x) itself', 'slope of tanh, not its value')
    not_yet(check_tanh_local_grad(lambda x: 1 - math.tanh(x)), 'close, but not the slope', 'some power of t')
    not_yet(check_tanh_local_grad(lambda x: 1.0), 'at x = -2.0 you return 1', 'numerical_derivative(math.tanh, x)')
    not_yet(check_tanh_local_grad(math.sqrt), 'tanh_local_grad(-2.0) raised ValueError')
    not_yet(check_tanh_local_grad(0.42), 'pass your function itself')


def test_ch01_gradient_prediction():
    ok(check_gradient_prediction([12, 10]))
    ok(check_gradient_prediction((12.0, 10.0)))
    not_yet(check_gradient_prediction([..., ...]), 'a list of two numbers')
    not_yet(check_gradient_prediction([12]), 'a list of two numbers')
    not_yet(check_gradient_prediction([10, 12]), 'swapped')
    not_yet(check_gradient_prediction([6, 10]), 'df/dx = 6 is not right', 'hold y fixed')
    not_yet(check_gradient_prediction([12, 9]), 'df/dy = 9 is not right', 'hold x fixed')


def test_ch01_chain_rule():
    ok(check_chain_rule(54))
    ok(check_chain_rule(54.0000001))
    not_yet(check_chain_rule(27), 'only the outer local gradient')
    not_yet(check_chain_rule(2), 'only the inner local gradient')
    not_yet(check_chain_rule(9), '9 is not the slope')
    not_yet(check_chain_rule(...), 'one number')


# Chapter 02 ---------------------------------------------------------------------------------

def test_ch02_prediction():
    ok(check_prediction(3, 2))
    not_yet(check_prediction(..., ...), 'two numbers')
    not_yet(check_prediction(2, 3), 'swapped')
    not_yet(check_prediction(-1, 2), 'only the path through x * y', 'accumulate')
    not_yet(check_prediction(4, 2), 'only the path through x**2')
    not_yet(check_prediction(7, 2), 'x.grad = 7 is not right')
    not_yet(check_prediction(3, -1), 'y.grad = -1 is not right')


def reference_tanh(v):
    t = math.tanh(v.data)
    return Value(t, (v,), (1 - t**2,), 'tanh')


def test_ch02_tanh_reference_passes():
    ok(check_tanh(reference_tanh, Value))


@pytest.mark.parametrize('tanh, words', [
    (lambda v: ..., ['returned Ellipsis, not a Value']),
    (lambda v: math.tanh(v.data), ['not a Value', 'remembers its child']),
    (lambda v: Value(math.tanh(v.data)), ['a tuple holding v alone', '(v,)']),
    (lambda v: Value(v.data, (v,), (1.0,), 'tanh'), ['not the tanh of 0.5']),
    (lambda v: Value(math.tanh(v.data), (v,), (math.tanh(v.data),), 'tanh'), ['that is tanh itself']),
    (lambda v: Value(math.tanh(v.data), (v,), (1 - math.tanh(v.data),), 'tanh'), ['1 - t is close']),
    (lambda v: Value(math.tanh(v.data), (v,), (), 'tanh'), ['a tuple of one number']),
    (lambda v: Value(math.tanh(v.data), (Value(v.data),), (1 - math.tanh(v.data) ** 2,), 'tanh'), ['a tuple holding v alone']),
    (lambda v: 1 / 0, ['tanh(Value(0.5)) raised ZeroDivisionError']),
    (lambda v: v.log(), ['tanh(Value(0.5)).data is -0.6931, not the tanh of 0.5']),
    # right at 0.5 but raises for the negative input of the second test
    (lambda v: reference_tanh(v) if v.data > 0 else math.sqrt(v.data), ['tanh(Value(-1.2)) raised ValueError', 'negative ones too']),
])
def test_ch02_tanh_wrong_answers_fail_with_a_hint(tanh, words):
    not_yet(check_tanh(tanh, Value), *words)


def test_ch02_tanh_that_sets_grad_itself_fails():
    def meddling(v):
        t = math.tanh(v.data)
        v.grad = 1.0  # backward() should be the only one to touch grad
        return Value(t, (v,), (1 - t**2,), 'tanh')
    not_yet(check_tanh(meddling, Value), 'w.grad is', 'do not set any grad')
