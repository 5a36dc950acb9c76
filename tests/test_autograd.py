"""Value and backward(): gradients agree with measurement, deep graphs work, bad input is refused."""
import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microgpt.autograd import Value, topological_order, zero_grad
from microgpt.derivatives import numerical_gradient


# Random expressions ------------------------------------------------------------------------
# An expression is a recipe of steps over a growing pool of intermediate results; each step picks
# an operation and operands from the pool, so results are reused freely. The same recipe runs on
# Values (for backward) and on floats (for the measured gradient). Steps that would land near a
# point where the operation is undefined or has a kink are replaced by an addition, decided from
# the unperturbed inputs and replayed exactly for the nudged ones.

def _log(x): return x.log() if isinstance(x, Value) else math.log(x)
def _exp(x): return x.exp() if isinstance(x, Value) else math.exp(x)
def _relu(x): return x.relu() if isinstance(x, Value) else max(0.0, x)
def _data(x): return x.data if isinstance(x, Value) else x


POWERS = [2, 3, -1, -2, 0.5, 1.5, -0.5]
OPS = {
    'add': (lambda a, b: a + b, lambda a, b: True),
    'sub': (lambda a, b: a - b, lambda a, b: True),
    'mul': (lambda a, b: a * b, lambda a, b: abs(a * b) < 1e3),
    'div': (lambda a, b: a / b, lambda a, b: abs(b) > 0.5 and abs(a / b) < 1e3),
    'neg': (lambda a, b: -a, lambda a, b: True),
    'rmul': (lambda a, b: 2.5 * a, lambda a, b: abs(a) < 1e3),
    'rsub': (lambda a, b: 1 - a, lambda a, b: True),
    'rdiv': (lambda a, b: 1 / a, lambda a, b: abs(a) > 0.5),
    'radd': (lambda a, b: 0.5 + a, lambda a, b: True),
    'log': (lambda a, b: _log(a), lambda a, b: a > 0.5),
    'exp': (lambda a, b: _exp(a), lambda a, b: abs(a) < 3),
    'relu': (lambda a, b: _relu(a), lambda a, b: abs(a) > 0.1),
}
for _n in POWERS:
    OPS[f'pow{_n}'] = (lambda a, b, n=_n: a ** n,
                       lambda a, b, n=_n: (a > 0.5 if n != int(n) else abs(a) > 0.5 or n > 0) and abs(a) ** n < 1e3)


def run(recipe, inputs, plan=None):
    "Evaluate the recipe; plan (the ops actually used) is decided on the first run and then replayed."
    pool, used = list(inputs), []
    for k, (op, i, j) in enumerate(recipe):
        a, b = pool[i % len(pool)], pool[j % len(pool)]
        if plan is None:
            f, ok = OPS[op]
            op = op if ok(_data(a), _data(b)) else 'add'
        else:
            op = plan[k]
        used.append(op)
        pool.append(OPS[op][0](a, b))
    return sum(pool[len(inputs):], pool[0]), used  # every result counts towards the output


recipes = st.lists(st.tuples(st.sampled_from(sorted(OPS)), st.integers(0, 99), st.integers(0, 99)),
                   min_size=1, max_size=12)
inputs = st.lists(st.floats(-3, 3), min_size=1, max_size=3)


@settings(max_examples=300, deadline=None)
@given(recipes, inputs)
def test_backward_agrees_with_central_differences(recipe, xs):
    values = [Value(x) for x in xs]
    out, plan = run(recipe, values)
    out.backward()
    measured = numerical_gradient(lambda *ys: run(recipe, ys, plan)[0], xs, eps=1e-6)
    scale = 1 + max(abs(m) for m in measured)
    for v, m in zip(values, measured):
        assert math.isclose(v.grad, m, rel_tol=1e-4, abs_tol=1e-5 * scale), (plan, xs)


@settings(max_examples=100, deadline=None)
@given(recipes, inputs)
def test_forward_pass_matches_plain_floats(recipe, xs):
    out, plan = run(recipe, [Value(x) for x in xs])
    assert out.data == pytest.approx(run(recipe, xs, plan)[0], rel=1e-12, abs=1e-12)


# Particular cases ---------------------------------------------------------------------------

def grads(f, *xs):
    vs = [Value(x) for x in xs]
    f(*vs).backward()
    return [v.grad for v in vs]


@pytest.mark.parametrize('f, xs, want', [
    (lambda a, b: a + b, (2.0, 3.0), [1, 1]),
    (lambda a, b: a * b, (2.0, 3.0), [3.0, 2.0]),
    (lambda a, b: a - b, (2.0, 3.0), [1, -1]),
    (lambda a, b: a / b, (3.0, 2.0), [0.5, -0.75]),
    (lambda a: a ** 3, (2.0,), [12.0]),
    (lambda a: a ** -1, (4.0,), [-0.0625]),
    (lambda a: a ** 0.5, (4.0,), [0.25]),
    (lambda a: a ** -2, (-2.0,), [0.25]),
    (lambda a: a.log(), (4.0,), [0.25]),
    (lambda a: a.exp(), (0.0,), [1.0]),
    (lambda a: a.relu(), (2.0,), [1.0]),
    (lambda a: a.relu(), (-2.0,), [0.0]),
    (lambda a: a.relu(), (0.0,), [0.0]),  # the kink: 0 by convention
    (lambda a: -a, (2.0,), [-1]),
    (lambda a: 2 * a, (5.0,), [2]),
    (lambda a: 2 + a, (5.0,), [1]),
    (lambda a: 1 - a, (5.0,), [-1]),
    (lambda a: 1 / a, (4.0,), [-0.0625]),
    (lambda a: a + a, (3.0,), [2]),      # used twice: the shares add up
    (lambda a: a * a, (3.0,), [6.0]),
    (lambda a, b: a * b + a ** 2, (2.0, -1.0), [3.0, 2.0]),
])
def test_local_gradients_and_accumulation(f, xs, want):
    assert grads(f, *xs) == pytest.approx(want)


def test_reflected_forms_compute_the_right_numbers():
    v = Value(4.0)
    assert [(2 * v).data, (1 - v).data, (1 / v).data, (3 + v).data, (v - 1).data, (v / 2).data] == [8.0, -3.0, 0.25, 7.0, 3.0, 2.0]


@pytest.mark.slow
def test_a_chain_of_100000_operations_backpropagates():
    x = Value(1.0)
    y = x
    for _ in range(100_000):
        y = y * 1.00001
    y.backward()  # a recursive topological sort would hit the recursion limit (about 1000)
    assert x.grad == pytest.approx(1.00001 ** 100_000) and x.grad == pytest.approx(math.e, rel=1e-4)


def test_topological_order_puts_inputs_first_each_once():
    a, b = Value(2.0), Value(3.0)
    c = a * b
    out = c + a + c.exp()
    order = topological_order(out)
    assert order[-1] is out and len(order) == len(set(order)) == 6  # a, b, c, c + a, exp, the sum
    where = {v: i for i, v in enumerate(order)}
    for v in order:
        assert all(where[child] < where[v] for child in v._children)
    assert order[:2] == [a, b]  # children in the order they were given


def test_backward_twice_accumulates_and_zero_grad_resets():
    a = Value(3.0)
    b = a * a
    b.backward()
    b.backward()
    assert a.grad == 12.0  # 6 + 6
    zero_grad([a, b])
    assert (a.grad, b.grad) == (0, 0)
    b.backward()
    assert a.grad == 6.0


@pytest.mark.parametrize('make, error, message', [
    (lambda: Value(0.0).log(), ValueError, 'log is only defined for positive numbers, got 0.0'),
    (lambda: Value(-1.0).log(), ValueError, 'log is only defined for positive numbers, got -1.0'),
    (lambda: Value(2.0) ** Value(3.0), TypeError, 'a Value exponent is not supported'),
    (lambda: Value(2.0) ** '2', TypeError, 'the exponent must be a number, not a str'),
    (lambda: Value(0.0) ** -1, ZeroDivisionError, '0 ** -1 has no finite derivative'),
    (lambda: 1 / Value(0.0), ZeroDivisionError, 'has no finite derivative'),
    (lambda: Value(-2.0) ** 0.5, ValueError, 'a negative base needs a whole-number exponent'),
    (lambda: Value(1.0) + '2.5', TypeError, "cannot apply + to a Value and a str ('2.5')"),
    (lambda: '2.5' + Value(1.0), TypeError, 'cannot apply + to a Value and a str'),
    (lambda: Value(1.0) * [2], TypeError, 'cannot apply * to a Value and a list'),
    (lambda: Value(1.0) - None, TypeError, 'cannot apply - to a Value and a NoneType'),
    (lambda: Value(1.0) / '2', TypeError, 'cannot apply / to a Value and a str'),
    (lambda: Value('3'), TypeError, 'a Value holds a real number, not a str'),
])
def test_bad_input_is_a_clear_error_at_the_operation(make, error, message):
    with pytest.raises(error, match=re.escape(message)):
        make()


def test_repr_shows_data_and_grad_to_four_significant_digits():
    v = Value(3.14159265)
    assert repr(v) == 'Value(data=3.142, grad=0)'
