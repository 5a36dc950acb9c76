"""Checkers for chapter 11 (training at scale): the held-out loss pools every prediction."""
from numbers import Real

from . import failed, guarded, passed

# (each name's mean loss, its number of predictions): a short name and a long one, then a mix.
CASES = [([2.0, 3.0], [1, 3]), ([1.5, 2.5, 3.5, 2.0], [8, 2, 5, 1]), ([2.4], [6])]


def reference_pooled_loss(name_losses, counts):
    "Mean loss per predicted token: every name's total loss (mean times count), over all predictions."
    return sum(loss * n for loss, n in zip(name_losses, counts)) / sum(counts)


@guarded
def check_pooled_loss(fn):
    "Exercise 1: fn(name_losses, counts) pools per-name mean losses into the loss per predicted token."
    if not callable(fn):
        return failed(f'expected a function, got a {type(fn).__name__}',
                      'pass the function itself, without calling it: check_pooled_loss(pooled_loss)')
    for losses, counts in CASES:
        want = reference_pooled_loss(losses, counts)
        try:
            got = fn(list(losses), list(counts))
        except Exception as e:  # any error in the learner's code is reported, not raised
            return failed(f'your function raised {type(e).__name__}: {e}',
                          'name_losses and counts are two lists of numbers of the same length.')
        if not isinstance(got, Real) or isinstance(got, bool):
            return failed(f'pooled_loss({losses}, {counts}) returned {got!r}', 'return one number.')
        if abs(got - want) < 1e-9:
            continue
        if abs(got - sum(losses) / len(losses)) < 1e-9:
            return failed(f'pooled_loss({losses}, {counts}) = {got:.4f}: the mean of the names\' losses.',
                          'a name with more predictions holds more of them: weigh each loss by its count.')
        if abs(got - sum(l * n for l, n in zip(losses, counts)) / len(losses)) < 1e-9:
            return failed(f'pooled_loss({losses}, {counts}) = {got:.4f}: the total, divided by the number of names.',
                          'divide by the number of predictions, sum(counts), not by the number of names.')
        return failed(f'pooled_loss({losses}, {counts}) = {got:.4f}, which is not the loss per predicted token.',
                      "each name's total loss is its mean times its count; add them up and divide by all predictions.")
    return passed('every prediction counts once, whatever name it belongs to: the loss per predicted token.')


@guarded
def check_reading_a_loss(perplexity, bits_per_char):
    "Exercise 2: perplexity(loss) = e ** loss and bits_per_char(loss) = loss / ln 2, for a loss in nats."
    import math
    for name, fn in (('perplexity', perplexity), ('bits_per_char', bits_per_char)):
        if not callable(fn):
            return failed(f'{name} is a {type(fn).__name__}, not a function',
                          'pass the function itself: check_reading_a_loss(perplexity, bits_per_char)')
    for loss in (math.log(27), 2.4817, 0.0, 1.0):
        try:
            got_p, got_b = perplexity(loss), bits_per_char(loss)
        except Exception as e:
            return failed(f'with loss {loss:.4f} your functions raised {type(e).__name__}: {e}',
                          'each takes one number, a loss in nats, and returns one number')
        if not all(isinstance(g, Real) and not isinstance(g, bool) for g in (got_p, got_b)):
            return failed(f'with loss {loss:.4f} they returned {got_p!r} and {got_b!r}', 'return numbers')
        if abs(got_p - math.exp(loss)) > 1e-9 * max(1.0, math.exp(loss)):
            hint = ('that is 2 to the loss: the loss is in nats, so raise e to it' if abs(got_p - 2 ** loss) < 1e-9
                    else 'the perplexity is e raised to the loss: math.exp(loss)')
            return failed(f'perplexity({loss:.4f}) = {got_p:.4f}', hint)
        if abs(got_b - loss / math.log(2)) > 1e-9:
            hint = ('you multiplied by ln 2: divide by it' if abs(got_b - loss * math.log(2)) < 1e-9
                    else 'a nat is 1 / ln 2 bits: divide the loss by math.log(2)')
            return failed(f'bits_per_char({loss:.4f}) = {got_b:.4f}', hint)
    return passed('one surprise, three units: nats, bits and the number of equally likely choices.')
