"""Checkers cannot be fooled and give nothing away: the typical wrong answers a learner writes get a
'Not yet' with a hint (the loop that shows the model only the last token included), and a verdict on
a wrong answer never states the value the exercise asks for."""
import math

import pytest

from microgpt.autograd import Value
from microgpt.helpers.exercises import ch01, ch02, ch03, ch04, ch05, ch08, ch09


def not_yet(verdict, *words):
    text = repr(verdict)
    assert not verdict and text.startswith('Not yet: '), text
    for word in words:
        assert word in text, f'{word!r} not in {text!r}'
    return text


def last_token_only(next_probs, bos, block_size, rng):
    ids = [bos]
    while len(ids) <= block_size:
        probs = next_probs([ids[-1]])  # the model sees one token, not the context
        token = rng.choices(range(len(probs)), weights=probs)[0]
        if token == bos:
            break
        ids.append(token)
    return ids[1:]


def one_short(next_probs, bos, block_size, rng):
    ids = [bos]
    while len(ids) < block_size:  # counts BOS as one of the block_size tokens
        probs = next_probs(ids)
        token = rng.choices(range(len(probs)), weights=probs)[0]
        if token == bos:
            break
        ids.append(token)
    return ids[1:]


def test_a_loop_that_passes_only_the_last_token_is_not_autoregressive():
    not_yet(ch09.check_generate(last_token_only), 'to draw token 2', 'all 2 ids so far', 'whole list')


def test_stopping_one_token_early_names_the_block_size_it_used():
    not_yet(ch09.check_generate(one_short), 'block_size = 5', 'BOS does not count')


@pytest.mark.parametrize('children, grads', [
    ('v', (0.5,)),          # the child itself, not a tuple of it
    ((), (0.5,)),           # no child
    (('v', 'v'), (0.5,)),   # two children
    (('v',), 0.5),          # the local gradient as a bare number
    (('v',), ()),           # no local gradient
    (('v',), ('slope',)),   # not a number
])
def test_tanh_with_malformed_children_or_local_gradients_gets_a_hint(children, grads):
    def tanh(v):
        kids = v if children == 'v' else tuple(v if c == 'v' else c for c in children)
        return Value(math.tanh(v.data), kids, grads, 'tanh')
    not_yet(ch02.check_tanh(tanh, Value), 'Hint:')


def expected_not_stated(verdict, *answers):
    text = not_yet(verdict)
    for answer in answers:
        assert answer not in text, f'the verdict on a wrong answer states {answer!r}: {text}'


def test_wrong_answers_are_not_told_the_answer():
    t = math.tanh(0.3)
    expected_not_stated(ch01.check_tanh_local_grad(lambda x: 1 - math.tanh(x)), f'{1 - t * t:.4g}', 'square')
    expected_not_stated(ch01.check_tanh_local_grad(lambda x: 2.0), f'{1 - math.tanh(-2.0) ** 2:.4g}')
    for grads in [(1.0,), (math.tanh(0.5),), 1.0]:  # wrong, tanh itself, not a tuple
        expected_not_stated(ch02.check_tanh(lambda v: Value(math.tanh(v.data), (v,), grads, 'tanh'), Value),
                            f'{1 - math.tanh(0.5) ** 2:.4g}', '1 - t')
    expected_not_stated(ch02.check_tanh(lambda v: ..., Value), '(v,)', 'Value(t')
    expected_not_stated(ch03.check_training_pairs(lambda ts: [(ts[:i - 1], ts[i]) for i in range(1, len(ts))]),
                        'expected')
    no_wpe = lambda c: 2 * c.vocab_size * c.n_embd + c.n_layer * 12 * c.n_embd ** 2  # noqa: E731
    expected_not_stated(ch04.check_count_parameters(no_wpe), '4,064', '4064')
    expected_not_stated(ch05.check_stable_softmax(lambda xs: [1 / len(xs)] * len(xs)), '0.0900', '0.6652')
    expected_not_stated(ch08.check_smoothed(lambda vs, beta: [v * 0.9 for v in vs]), 'expected')
    uniform = lambda scores, t: [1 / len(scores)] * len(scores)  # noqa: E731
    expected_not_stated(ch09.check_tempered_probs(uniform), '0.8668', 'exp(s / T - max)')
