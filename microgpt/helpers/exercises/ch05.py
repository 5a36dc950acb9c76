"""Checkers for the exercises of chapter 05 (softmax and the cross-entropy loss)."""
import math
from numbers import Real

from . import failed, guarded, passed

# Exercise 2 asks about a vocabulary of this size (the characters of a play, say).
VOCAB_SIZE = 65


def _reference_softmax(xs):
    m = max(xs)
    exps = [math.exp(x - m) for x in xs]
    return [e / sum(exps) for e in exps]


@guarded
def check_stable_softmax(stable_softmax):
    "Exercise 1: stable_softmax(xs) on plain floats, safe for very large and very small logits."
    for xs in ([1.0, 2.0, 3.0], [1000.0, 999.0, 998.0], [-1000.0, -1001.0], [0.5]):
        try:
            got = stable_softmax(list(xs))
        except (OverflowError, ZeroDivisionError) as e:
            return failed(f'stable_softmax({xs}) raised {type(e).__name__}: {e}',
                          'subtract the largest logit before exp(): the biggest term becomes exp(0), which is 1, '
                          'so nothing overflows and the total is at least 1')
        except Exception as e:
            return failed(f'stable_softmax({xs}) raised {type(e).__name__}: {e}',
                          'take a list of floats and return a list of floats, using math.exp')
        if got is None:
            return failed('stable_softmax returned None', 'end the function with `return probs`')
        if not isinstance(got, (list, tuple)):
            return failed(f'stable_softmax({xs}) returned {got!r}', 'return a list: one probability per logit')
        got = [getattr(p, 'data', p) for p in got]  # accept Values too
        if len(got) != len(xs) or not all(isinstance(p, Real) for p in got):
            return failed(f'stable_softmax({xs}) returned {got!r}', 'return one probability (a float) per logit')
        if abs(sum(got) - 1) > 1e-9:
            return failed(f'for {xs} the probabilities add up to {sum(got):.6g}',
                          'divide every exp() by their total, so that they add up to 1')
        expected = _reference_softmax(xs)
        if any(abs(p - q) > 1e-9 for p, q in zip(got, expected)):
            return failed(f'stable_softmax({xs}) gave {[round(p, 4) for p in got]}: not the softmax of {xs}',
                          'exp(x - max) for every x, each divided by the total of them all')
    return passed('the same probabilities as the naive formula, without the overflow.')


@guarded
def check_initial_loss(answer):
    "Exercise 2: the loss of a uniform guess over VOCAB_SIZE tokens."
    expected = math.log(VOCAB_SIZE)
    if isinstance(answer, bool) or not isinstance(answer, Real):
        return failed(f'the answer should be a number, got {answer!r}', 'compute it with math.log')
    if abs(answer - expected) < 1e-3:
        return passed(f'ln {VOCAB_SIZE} = {expected:.4f}: a model that knows nothing starts near here.')
    mistakes = [(math.log2(VOCAB_SIZE), 'that is the logarithm base 2: cross-entropy uses the natural log, math.log'),
                (math.log10(VOCAB_SIZE), 'that is the logarithm base 10: cross-entropy uses the natural log, math.log'),
                (1 / VOCAB_SIZE, 'that is the probability of the right token; the loss is minus its log'),
                (-expected, 'check the sign: the loss is minus the log of a probability, so it is positive')]
    for value, hint in mistakes:
        if abs(answer - value) < 1e-3:
            return failed(f'{answer:.4g} is not the loss', hint)
    return failed(f'{answer:.4g} is not the loss',
                  f'a uniform guess gives every token probability 1/{VOCAB_SIZE}; the loss is -log of that')
