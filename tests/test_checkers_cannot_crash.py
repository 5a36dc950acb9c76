"""Every exercise checker answers any malformed answer with a 'Not yet' verdict, never a traceback:
None, strings, lists of the wrong length, nested junk, NaN, functions that raise or return junk,
objects without the attributes it reads. (A property-based test: hypothesis makes the answers.)"""
import importlib
import inspect
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microgpt.autograd import Value
from microgpt.helpers.exercises import Check

MODULES = [importlib.import_module(f'microgpt.helpers.exercises.ch{n:02}') for n in range(1, 15)]
CHECKERS = [f for m in MODULES for name, f in vars(m).items()
            if name.startswith('check_') and inspect.isfunction(f) and f.__module__ == m.__name__]


class Bare:
    "An object with no attribute a checker could read."
    __slots__ = ()


def raising(error):
    def answer(*args, **kwargs):
        raise error
    return answer


def returning(value):
    return lambda *args, **kwargs: value


# Never a plain finite number or a one-letter string: junk must not be a right answer by chance.
ATOMS = st.one_of(st.none(), st.just(math.nan), st.just(math.inf), st.just(-math.inf), st.just(1e308),
                  st.text(min_size=2, max_size=5), st.booleans(), st.builds(Bare), st.just(...),
                  st.just(Value), st.just(b'bytes'), st.builds(Value, st.just(math.nan)))
JUNK = st.recursive(ATOMS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.tuples(inner, inner), st.dictionaries(st.text(max_size=2), inner, max_size=2),
    st.sets(st.sampled_from([None, 'ab', 2.5]), max_size=2)), max_leaves=6)
ERRORS = st.sampled_from([ValueError('bad'), TypeError('bad'), ZeroDivisionError(), KeyError('k'),
                          IndexError('i'), AttributeError('a'), OverflowError('o'), RecursionError()])


class Fake:
    "Looks like a Value from outside, with junk inside."
    def __init__(self, data, children, local_grads):
        self.data, self.grad, self._children, self._local_grads, self._op = data, 0, children, local_grads, 'x'


REAL = st.one_of(st.floats(allow_nan=True), st.just(math.tanh(0.5)))
FAKES = st.builds(Fake, st.one_of(REAL, JUNK), st.one_of(JUNK, st.builds(Value, REAL)), st.one_of(JUNK, REAL))
ANSWERS = st.one_of(JUNK, FAKES, st.builds(raising, ERRORS), st.builds(returning, st.one_of(JUNK, FAKES)))


def call(checker, answer, other):
    "The checker on the answer, its other parameters filled with junk or their usual value."
    name = checker.__name__
    if name == 'check_tanh':
        return checker(answer, Value)
    if name == 'check_prediction':
        return checker(answer, other)
    if name == 'check_loss_increases':
        return checker(answer, ['ab', 'cd'], other)
    return checker(answer)


def test_every_chapter_with_exercises_has_checkers():
    assert len(CHECKERS) >= 25


@pytest.mark.parametrize('checker', CHECKERS, ids=lambda f: f'{f.__module__[-4:]}.{f.__name__}')
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer=ANSWERS, other=JUNK)
def test_a_malformed_answer_gets_not_yet_never_a_traceback(checker, answer, other):
    verdict = call(checker, answer, other)
    assert isinstance(verdict, Check) and not verdict, f'{checker.__name__}: {verdict!r}'
    assert repr(verdict).startswith('Not yet: '), repr(verdict)
