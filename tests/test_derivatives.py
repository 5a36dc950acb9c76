"""numerical_derivative and numerical_gradient: central differences, and clear errors."""
import math
import re

import pytest

from microgpt.autograd import Value
from microgpt.derivatives import numerical_derivative, numerical_gradient


@pytest.mark.parametrize('f, x, slope', [
    (lambda x: 3 * x**2 - 4 * x + 5, 3.0, 14.0),
    (lambda x: x * x * x, 2.0, 12.0),
    (math.exp, 1.0, math.e),
    (math.log, 4.0, 0.25),
    (math.tanh, 0.3, 1 - math.tanh(0.3) ** 2),
    (lambda x: 7.0, 1.0, 0.0),
])
def test_numerical_derivative_measures_the_slope(f, x, slope):
    assert numerical_derivative(f, x) == pytest.approx(slope, rel=1e-8, abs=1e-8)


def test_it_is_the_central_difference():
    f = lambda x: x ** 2  # the central difference is exact for a parabola; the forward one is off by eps
    assert numerical_derivative(f, 3.0, eps=0.5) == 6.0
    assert numerical_derivative(lambda x: max(0.0, x), 0.0) == 0.5  # straddles ReLU's kink


def test_the_default_epsilon_beats_larger_and_smaller_ones():
    def error(eps):
        return abs(numerical_derivative(lambda x: x * x * x, 2.0, eps) - 12)
    assert error(1e-5) < error(1e-3) and error(1e-5) < error(1e-8)
    assert error(1e-5) < 1e-9


def test_numerical_gradient_nudges_one_input_at_a_time():
    grad = numerical_gradient(lambda a, b, c: a * b + c, [2.0, -3.0, 10.0])
    assert grad == pytest.approx([-3.0, 2.0, 1.0])
    assert numerical_gradient(lambda x, y: x**2 * y + y, (3.0, 2.0)) == pytest.approx([12.0, 10.0])
    assert numerical_gradient(lambda: 1.0, []) == []


def test_a_function_built_from_values_is_measured_through_its_data():
    grad = numerical_gradient(lambda a, b: (Value(a) * Value(b)).exp().data, [0.5, 2.0])
    assert grad == pytest.approx([2 * math.exp(1), 0.5 * math.exp(1)])


@pytest.mark.parametrize('call, error, message', [
    (lambda: numerical_derivative(math.exp, 1.0, eps=0), ValueError, 'eps must be a small positive number such as 1e-5, got 0'),
    (lambda: numerical_derivative(math.exp, 1.0, eps=-1e-5), ValueError, 'eps must be a small positive number'),
    (lambda: numerical_derivative(math.exp, 1.0, eps='small'), ValueError, 'eps must be a small positive number'),
    (lambda: numerical_derivative(3.0, 1.0), TypeError, 'f must be a function of one number, got a float'),
    (lambda: numerical_derivative(math.exp, '1'), TypeError, 'x must be a number, got a str'),
    (lambda: numerical_derivative(lambda x: Value(x), 1.0), TypeError, 'f must return a number, got a Value: return its .data'),
    (lambda: numerical_derivative(lambda x: [x], 1.0), TypeError, 'f must return a number, got a list'),
    (lambda: numerical_gradient(lambda a: a, [1.0], eps=0.0), ValueError, 'eps must be a small positive number'),
])
def test_bad_input_is_a_clear_error(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call()
