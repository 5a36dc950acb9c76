"""Checkers for chapter 02 (autograd): call them on your answer."""
import math
from numbers import Real

from . import failed, guarded, passed

FIELDS = ('data', 'grad', '_children', '_local_grads', '_op')


def _is_number(x):
    return isinstance(x, Real) and not isinstance(x, bool)


def _is_value(x):
    return all(hasattr(x, field) for field in FIELDS)


def _close(a, b, tol=1e-6):
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


@guarded
def check_prediction(x_grad, y_grad):
    "Exercise 1: x.grad and y.grad after z = x * y + x**2 and z.backward(), at x = 2, y = -1."
    if not (_is_number(x_grad) and _is_number(y_grad)):
        return failed(f'give two numbers, got {x_grad!r} and {y_grad!r}',
                      'replace each ... with the gradient you predict')
    if _close(x_grad, 2) and _close(y_grad, 3):
        return failed('the two gradients are swapped', 'the first number is x.grad, the second y.grad')
    if not _close(x_grad, 3):
        if _close(x_grad, -1):
            return failed('x.grad = -1 counts only the path through x * y',
                          'x is used twice: the path through x**2 adds its own share (gradients accumulate)')
        if _close(x_grad, 4):
            return failed('x.grad = 4 counts only the path through x**2',
                          'x is used twice: the path through x * y adds its own share (gradients accumulate)')
        return failed(f'x.grad = {x_grad} is not right',
                      'add up one contribution per use of x: y from x * y, and 2*x from x**2')
    if not _close(y_grad, 2):
        return failed(f'y.grad = {y_grad} is not right',
                      'y appears once, in x * y, whose local gradient for y is x')
    return passed('x.grad = y + 2*x = 3 (two paths, added) and y.grad = x = 2. '
                  'Run z.backward() to see it.')


def _call(tanh, v):
    "Run the learner's tanh on v; the problem as text if it failed, else the result."
    try:
        return tanh(v), None
    except Exception as err:
        return None, f'tanh(Value({v.data})) raised {type(err).__name__}: {err}'


@guarded
def check_tanh(tanh, Value):
    """Exercise 2: tanh(v) returns a new Value holding math.tanh(v.data), with v as its only child
    and the local gradient 1 - t**2. Pass your function and the Value class it builds on."""
    if not callable(tanh):
        return failed(f'pass your function itself, not a {type(tanh).__name__}',
                      'write check_tanh(tanh, Value), without calling tanh')
    v = Value(0.5)
    out, problem = _call(tanh, v)
    if problem:
        return failed(problem, 'compute t = math.tanh(v.data), then return a Value built from t, its children '
                               'and its local gradients, as the operations of Value do')
    if not _is_value(out):
        return failed(f'tanh returned {out!r}, not a Value',
                      'wrap the number in a Value that also remembers its child and its local gradient, '
                      'as the operations of Value do')
    t = math.tanh(0.5)
    if not _is_number(out.data) or not _close(out.data, t):
        got = f'{out.data:.4g}' if _is_number(out.data) else repr(out.data)
        return failed(f'tanh(Value(0.5)).data is {got}, not the tanh of 0.5',
                      'compute the forward value from the input number: t = math.tanh(v.data)')
    if not isinstance(out._children, (tuple, list)) or len(out._children) != 1 or out._children[0] is not v:
        return failed(f'the children should be (v,), a tuple holding v alone, got {out._children!r}',
                      'pass (v,) as the children, a tuple of one: that is how backward() finds v')
    if (not isinstance(out._local_grads, (tuple, list)) or len(out._local_grads) != 1
            or not _is_number(out._local_grads[0])):
        return failed(f'the local gradients should be a tuple of one number, got {out._local_grads!r}',
                      'one local gradient per child, in a tuple like the children: (slope,)')
    local = out._local_grads[0]
    if not _close(local, 1 - t ** 2):
        if _close(local, t):
            hint = 'that is tanh itself; the local gradient is its slope, in terms of t (chapter 01, exercise 2)'
        elif _close(local, 1 - t):
            hint = '1 - t is close, but not the slope: is it 1 minus t, or 1 minus some power of t?'
        else:
            hint = 'the local gradient is the slope of tanh, which chapter 01\'s exercise 2 wrote in terms of t'
        return failed(f'the local gradient is {local:.4g}, not the slope of tanh at 0.5', hint)
    w = Value(-1.2)
    a, problem = _call(tanh, w)
    if problem:
        return failed(problem, 'it must work for any input, negative ones too')
    z = a * 3 + a  # a used twice: backward must add both shares
    z.backward()
    want = 4 * (1 - math.tanh(-1.2) ** 2)
    if not _close(w.grad, want):
        return failed(f'after backward() through 3 * tanh(w) + tanh(w), w.grad is {w.grad:.4g}: not 4 slopes',
                      'let backward() do the work: do not set any grad yourself inside tanh')
    return passed('tanh is now an operation like any other: backward() knows its local gradient.')
