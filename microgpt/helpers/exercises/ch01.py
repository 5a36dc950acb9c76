"""Checkers for chapter 01 (derivatives): call them on your answer."""
import math
from numbers import Real

from . import failed, guarded, passed


def _is_number(x):
    return isinstance(x, Real) and not isinstance(x, bool)


def _close(a, b, tol=1e-6):
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


@guarded
def check_gradient_prediction(gradient):
    "Exercise 1: the gradient [df/dx, df/dy] of f(x, y) = x**2 * y + y at x = 3, y = 2."
    want = [12, 10]
    if not isinstance(gradient, (list, tuple)) or len(gradient) != 2 or not all(map(_is_number, gradient)):
        return failed(f'the answer should be a list of two numbers [df/dx, df/dy], got {gradient!r}',
                      'one partial derivative per input, in the order x, y')
    dx, dy = gradient
    if _close(dx, want[1]) and _close(dy, want[0]):
        return failed('the two numbers are swapped', 'the gradient lists df/dx first, then df/dy')
    if not _close(dx, want[0]):
        return failed(f'df/dx = {dx} is not right',
                      'hold y fixed at 2: f is then 2*x**2 + 2, and the slope of x**2 is 2*x')
    if not _close(dy, want[1]):
        return failed(f'df/dy = {dy} is not right',
                      'hold x fixed at 3: f is then 9*y + y, a straight line in y')
    return passed('df/dx = 2*x*y = 12 and df/dy = x**2 + 1 = 10. Check it: '
                  'numerical_gradient(lambda x, y: x**2 * y + y, [3.0, 2.0]).')


@guarded
def check_tanh_local_grad(tanh_local_grad):
    "Exercise 2: tanh_local_grad(x) should return the slope of math.tanh at x."
    if not callable(tanh_local_grad):
        return failed(f'pass your function itself, not a {type(tanh_local_grad).__name__}',
                      'write check_tanh_local_grad(tanh_local_grad), without calling it')
    for x in (-2.0, -0.5, 0.0, 0.3, 1.5):
        try:
            got = tanh_local_grad(x)
        except Exception as err:
            return failed(f'tanh_local_grad({x}) raised {type(err).__name__}: {err}',
                          'the body only needs math.tanh(x) and arithmetic')
        if not _is_number(got):
            return failed(f'tanh_local_grad({x}) returned {got!r}, not a number',
                          'replace the ... with a formula in x, and return it')
        want, t = 1 - math.tanh(x) ** 2, math.tanh(x)
        if _close(want, got):
            continue
        if _close(got, t):
            return failed(f'at x = {x} you return tanh(x) itself, {got:.4g}',
                          'the local gradient is the slope of tanh, not its value: '
                          'compare with numerical_derivative(math.tanh, x)')
        if _close(got, 1 - t):
            return failed(f'at x = {x} you return 1 - tanh(x) = {got:.4g}: close, but not the slope',
                          'print numerical_derivative(math.tanh, x) next to t = math.tanh(x) at a few x: '
                          'is it 1 minus t, or 1 minus some power of t?')
        return failed(f'at x = {x} you return {got:.4g}, which is not the slope of tanh there',
                      'measure it with numerical_derivative(math.tanh, x) and look for a formula '
                      'in terms of t = math.tanh(x)')
    return passed('the slope of tanh is 1 - tanh(x)**2: steepest (1) at 0, flat far from 0.')


@guarded
def check_chain_rule(slope):
    "Exercise 3: the derivative of h(x) = (2*x + 1)**3 at x = 1, by the chain rule."
    if not _is_number(slope):
        return failed(f'the answer should be one number, got {slope!r}',
                      'multiply the local gradients along the chain')
    if _close(slope, 54):
        return passed('outer 3*u**2 = 27 at u = 3, times inner 2: 54.')
    if _close(slope, 27):
        return failed('27 is only the outer local gradient, d(u**3)/du at u = 3',
                      'the chain rule multiplies it by the inner one, du/dx for u = 2*x + 1')
    if _close(slope, 2):
        return failed('2 is only the inner local gradient, du/dx for u = 2*x + 1',
                      'multiply it by the outer one, the slope of u**3 at u = 3')
    return failed(f'{slope} is not the slope of (2*x + 1)**3 at x = 1',
                  'name u = 2*x + 1 (so u = 3 at x = 1), then multiply d(u**3)/du by du/dx')
