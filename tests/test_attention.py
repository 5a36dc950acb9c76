"""Attention (chapter 06): scaled dot-product weights, heads on slices, the KV cache and causality."""
import math
import random

import pytest

from microgpt.attention import attention, attention_head, attention_weights
from microgpt.autograd import Value
from microgpt.embeddings import GPTConfig, embed, init_state_dict, matrix


def vec(xs):
    return [Value(float(x)) for x in xs]


def data(values):
    return [v.data for v in values]


def identity(n):
    return [[Value(float(i == j)) for j in range(n)] for i in range(n)]


def test_scores_are_divided_by_the_square_root_of_head_dim():
    # q·k is 2 and 0; with head_dim 4 the scaled scores are 1 and 0.
    weights = data(attention_weights(vec([2, 0, 0, 0]), [vec([1, 0, 0, 0]), vec([0, 0, 0, 0])]))
    assert weights == pytest.approx([math.e / (math.e + 1), 1 / (math.e + 1)])


def test_weights_sum_to_one_and_equal_keys_share_equally():
    rng = random.Random(0)
    q = vec(rng.gauss(0, 1) for _ in range(4))
    keys = [vec(rng.gauss(0, 3) for _ in range(4)) for _ in range(6)]
    assert sum(data(attention_weights(q, keys))) == pytest.approx(1)
    assert data(attention_weights(q, [keys[0]] * 3)) == pytest.approx([1 / 3] * 3)


def test_a_head_returns_the_weighted_sum_of_the_values():
    q, keys = vec([1, 2]), [vec([1, 0]), vec([0, 1]), vec([1, 1])]
    values = [vec([10, 0]), vec([0, 10]), vec([5, 5])]
    w = data(attention_weights(q, keys))
    expected = [sum(wi * v[j].data for wi, v in zip(w, values)) for j in range(2)]
    assert data(attention_head(q, keys, values)) == pytest.approx(expected)
    assert data(attention_head(q, keys[:1], values[:1])) == [10, 0]  # one key: its value, exactly


def test_each_head_attends_over_its_own_slice():
    # With identity weight matrices q = k = v = x, and the output is the heads' outputs side by side.
    sd = {f'layer0.attn_{m}': identity(4) for m in ('wq', 'wk', 'wv', 'wo')}
    xs = [vec([1, -2, 3, 0.5]), vec([0, 1, -1, 2]), vec([2, 2, -3, 1])]

    def last_output(n_head):
        keys, values = [], []
        return [data(attention(x, sd, 0, keys, values, n_head)) for x in xs][-1]

    expected = []
    for h in (slice(0, 2), slice(2, 4)):
        expected += data(attention_head(xs[-1][h], [x[h] for x in xs], [x[h] for x in xs]))
    assert last_output(2) == pytest.approx(expected)
    assert last_output(1) != pytest.approx(expected)  # splitting into heads changes the result


@pytest.mark.parametrize('n_embd, n_head', [(16, 4), (8, 2), (12, 3), (6, 1), (8, 8)])
def test_output_width_and_cache_growth(n_embd, n_head):
    config = GPTConfig(n_embd=n_embd, n_head=n_head, n_layer=2)
    sd = init_state_dict(config, random.Random(0))
    keys, values = [], []
    for pos, token in enumerate([3, 1, 4]):
        out = attention(embed(token, pos, sd), sd, 1, keys, values, n_head)
        assert len(out) == n_embd
        assert len(keys) == len(values) == pos + 1
        assert all(len(k) == len(v) == n_embd for k, v in zip(keys, values))


def test_heads_that_do_not_share_the_width_equally_are_refused():
    sd = init_state_dict(GPTConfig(), random.Random(0))
    with pytest.raises(ValueError, match='3 heads cannot share equally.*divides n_embd'):
        attention(embed(0, 0, sd), sd, 0, [], [], 3)


def test_a_token_attends_only_to_itself_and_the_past():
    config = GPTConfig()
    rng = random.Random(1)
    sd = init_state_dict(config, rng, std=0.5)
    sd['layer0.attn_wo'] = matrix(16, 16, rng, 0.5)  # non-zero, so that outputs carry information

    def outputs(tokens):
        keys, values = [], []
        return [data(attention(embed(t, pos, sd), sd, 0, keys, values, config.n_head))
                for pos, t in enumerate(tokens)]

    a, b = outputs([26, 14, 11, 8, 21]), outputs([26, 14, 11, 4, 17])
    assert a[:3] == b[:3]  # the same past gives bit-identical outputs
    assert a[3] != b[3] and a[4] != b[4]
