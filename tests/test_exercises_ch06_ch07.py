"""The exercise checkers of chapters 06 and 07: the reference answers pass, wrong ones fail with a hint."""
import math

import pytest

from microgpt.attention import attention
from microgpt.helpers.exercises import ch06, ch07
from microgpt.model import mlp, rmsnorm


def assert_fails(check, *words):
    assert not check, check
    assert 'Hint:' in repr(check)
    for word in words:
        assert word in repr(check), check


# Chapter 06, exercise 1: a query that puts 90% of the weight on the third toy key.

def test_a_long_query_along_the_third_key_passes():
    assert ch06.check_query([10.0, 10.0])
    assert ch06.check_query((6, 7))


def test_a_query_that_favors_another_key_fails():
    assert_fails(ch06.check_query([5.0, -5.0]), 'another key beats the third')


def test_a_query_that_ties_the_first_and_third_keys_is_not_told_to_grow():
    # [10, 0] scores keys 1 and 3 equally: no length breaks that tie
    verdict = ch06.check_query([10.0, 0.0])
    assert_fails(verdict, 'ties with the third', 'both entries positive')
    assert 'longer' not in repr(verdict)


def test_a_query_too_short_to_be_decisive_fails():
    assert_fails(ch06.check_query([1.0, 2.0]), 'only 58%', 'make q longer')


@pytest.mark.parametrize('q', [[1.0], 'ab', None, [True, 1.0]])
def test_a_query_that_is_not_two_numbers_fails(q):
    assert_fails(ch06.check_query(q), 'two numbers')


# Chapter 06, exercise 2: causal masking of a full table of scores.

def causal_weights(scores):
    out = []
    for i, row in enumerate(scores):
        top = max(row[:i + 1])
        exps = [math.exp(s - top) for s in row[:i + 1]]
        out.append([e / sum(exps) for e in exps] + [0.0] * (len(row) - i - 1))
    return out


def naive_causal_weights(scores):
    "Right on small scores, but math.exp of a large score overflows."
    out = []
    for i, row in enumerate(scores):
        exps = [math.exp(s) for s in row[:i + 1]]
        out.append([e / sum(exps) for e in exps] + [0.0] * (len(row) - i - 1))
    return out


def softmax_rows(scores, keep):
    rows = []
    for i, row in enumerate(scores):
        exps = [math.exp(s) if keep(i, j) else 0.0 for j, s in enumerate(row)]
        rows.append([e / sum(exps) for e in exps])
    return rows


def test_the_reference_causal_weights_pass():
    assert ch06.check_causal_weights(causal_weights)


@pytest.mark.parametrize('wrong, words', [
    (lambda s: softmax_rows(s, lambda i, j: True), ['the future included']),
    (lambda s: softmax_rows(s, lambda i, j: j >= i), ['flipped']),
    (lambda s: softmax_rows(s, lambda i, j: j <= i + 1), ['row 0 gives weight to position 1']),
    (lambda s: [[w * 0.9 for w in row] for row in causal_weights(s)], ['sums to 1']),
    (lambda s: [[w / len(row) for w in row] for row in softmax_rows(s, lambda i, j: j <= i)], ['sums to 1']),
    (lambda s: [[1 / (i + 1) if j <= i else 0.0 for j in range(len(s))] for i in range(len(s))], ['differ']),
    (lambda s: [[math.exp(x) if j <= i else 0.0 for j, x in enumerate(row)] for i, row in enumerate(s)],
     ['sums to 1']),
    (lambda s: [row[:i + 1] for i, row in enumerate(causal_weights(s))], ['keep the zeros']),
    (lambda s: None, ['returned None']),
    (lambda s: s[0].exp(), ['raised AttributeError', 'math.exp']),
])
def test_wrong_causal_weights_fail_with_a_hint(wrong, words):
    assert_fails(ch06.check_causal_weights(wrong), *words)


def test_causal_weights_without_the_max_subtracted_fail_on_large_scores():
    assert_fails(ch06.check_causal_weights(naive_causal_weights), 'OverflowError', 'largest allowed score')


def test_a_mask_that_hides_the_diagonal_fails():
    def no_diagonal(scores):  # row 0 has nothing left: give it zeros
        rows = []
        for i, row in enumerate(scores):
            exps = [math.exp(s) if j < i else 0.0 for j, s in enumerate(row)]
            rows.append([e / sum(exps) for e in exps] if i else [0.0] * len(row))
        return rows
    assert not ch06.check_causal_weights(no_diagonal)


# Chapter 06, exercise 3: the size of the KV cache.

def test_the_reference_cache_size_passes():
    assert ch06.check_cache_size(lambda c, n: 2 * c.n_layer * n * c.n_embd)


@pytest.mark.parametrize('wrong, words', [
    (lambda c, n: c.n_layer * n * c.n_embd, ['key and its value']),
    (lambda c, n: 2 * n * c.n_embd, ['own cache']),
    (lambda c, n: 2 * c.n_layer * n * c.head_dim, ['not per head']),
    (lambda c, n: 2 * c.n_layer * n * c.n_embd + 1, ['each n_embd numbers']),
    (lambda c, n: c.missing, ['raised AttributeError']),
])
def test_wrong_cache_sizes_fail_with_a_hint(wrong, words):
    assert_fails(ch06.check_cache_size(wrong), *words)


# Chapter 07, exercise 1: one transformer layer.

def my_layer(x, state_dict, layer, keys, values, n_head):
    a = attention(rmsnorm(x), state_dict, layer, keys, values, n_head)
    x = [ai + xi for ai, xi in zip(a, x)]
    m = mlp(rmsnorm(x), state_dict, layer)
    return [mi + xi for mi, xi in zip(m, x)]


def test_the_reference_layer_passes():
    assert ch07.check_layer(my_layer)


@pytest.mark.parametrize('slip, problem, hint', ch07.SLIPS, ids=lambda v: getattr(v, '__name__', ''))
def test_each_typical_slip_gets_its_own_hint(slip, problem, hint):
    assert_fails(ch07.check_layer(slip), problem, hint)


def test_attention_alone_fails():
    assert_fails(ch07.check_layer(lambda x, sd, layer, k, v, n_head: attention(x, sd, layer, k, v, n_head)),
                 'differs from the layer in gpt()')


def test_a_layer_that_skips_the_cache_fails():
    assert_fails(ch07.check_layer(lambda x, sd, layer, k, v, n_head: my_layer(x, sd, layer, [], [], n_head)),
                 'the cache holds 0 keys', 'exactly once per position')


def test_a_layer_that_raises_fails():
    assert_fails(ch07.check_layer(lambda x, sd, layer, k, v, n_head: mlp(x, sd, 1)), 'raised KeyError')


# Chapter 07, exercise 2: counting parameters.

def parameter_count(config):
    c = config
    return 2 * c.vocab_size * c.n_embd + c.block_size * c.n_embd + 12 * c.n_layer * c.n_embd ** 2


def test_the_reference_parameter_count_passes():
    assert ch07.check_parameter_count(parameter_count)


@pytest.mark.parametrize('wrong, words', [
    (lambda c: parameter_count(c) - c.vocab_size * c.n_embd, ['left out', 'wte', 'or', 'lm_head']),
    (lambda c: parameter_count(c) - c.block_size * c.n_embd, ['left out', 'position embedding wpe']),
    (lambda c: parameter_count(c) - 8 * c.n_layer * c.n_embd ** 2, ['left out', 'MLP weights']),
    (lambda c: parameter_count(c) + 4 * c.n_layer * c.n_embd ** 2, ['twice', 'attention weights']),
    (lambda c: parameter_count(c) - 12 * (c.n_layer - 1) * c.n_embd ** 2, ['one layer only', 'n_layer']),
    (lambda c: 2 * c.vocab_size * c.n_embd, ['add up']),
    (lambda c: 1 / 0, ['raised ZeroDivisionError']),
])
def test_wrong_parameter_counts_fail_with_a_hint(wrong, words):
    assert_fails(ch07.check_parameter_count(wrong), *words)
