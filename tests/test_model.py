"""The whole GPT (chapter 07): its pieces, gradients, causality, errors and the reference numbers."""
import random

import pytest

from microgpt.autograd import Value
from microgpt.embeddings import GPTConfig, embed, init_state_dict, linear, matrix, parameters
from microgpt.loss import cross_entropy
from microgpt.model import gpt, kv_cache, mlp, rmsnorm
from microgpt.optim import document_loss

from conftest import reference_setup

TINY = GPTConfig(vocab_size=5, n_embd=4, n_head=2, n_layer=2, block_size=4)


def vec(xs):
    return [Value(float(x)) for x in xs]


def data(values):
    return [v.data for v in values]


def busy_model(config, seed=0):
    "A model whose every weight is non-zero (the recipe starts attn_wo and mlp_fc2 at zero)."
    rng = random.Random(seed)
    sd = init_state_dict(config, rng, std=0.5)
    for i in range(config.n_layer):
        sd[f'layer{i}.attn_wo'] = matrix(config.n_embd, config.n_embd, rng, 0.5)
        sd[f'layer{i}.mlp_fc2'] = matrix(config.n_embd, 4 * config.n_embd, rng, 0.5)
    return sd


def all_logits(tokens, sd, config):
    keys, values = kv_cache(config)
    return [data(gpt(t, pos, keys, values, sd, config)) for pos, t in enumerate(tokens)]


def test_rmsnorm_scales_to_unit_rms_with_eps_1e_5():
    out = data(rmsnorm(vec([3, 4])))  # mean square 12.5
    assert out == [3 * (12.5 + 1e-5) ** -0.5, 4 * (12.5 + 1e-5) ** -0.5]
    assert data(rmsnorm(vec([0, 0, 0]))) == [0, 0, 0]


def test_mlp_widens_applies_relu_squared_and_narrows():
    sd = {'layer0.mlp_fc1': [vec([1]), vec([-1]), vec([2]), vec([0.5])],  # 1 -> 4
          'layer0.mlp_fc2': [vec([1, 1, 1, 1])]}                          # 4 -> 1
    # hidden: 3, -3, 6, 1.5 -> relu squared: 9, 0, 36, 2.25
    assert data(mlp(vec([3]), sd, 0)) == [47.25]


def test_default_model_has_4064_parameters():
    assert len(parameters(init_state_dict(GPTConfig(), random.Random(0)))) == 4064


def test_first_training_step_loss_of_the_reference_recipe():
    _, docs, tok, config, sd = reference_setup()
    assert round(document_loss(tok.sequence(docs[0], config.block_size), sd, config).data, 4) == 3.2999


def test_a_fresh_layer_passes_its_input_through():
    # attn_wo and mlp_fc2 start at zero, so every residual block adds exactly zero.
    config = GPTConfig()
    sd = init_state_dict(config, random.Random(3))
    logits = data(gpt(5, 0, *kv_cache(config), sd, config))
    assert logits == data(linear(rmsnorm(embed(5, 0, sd)), sd['lm_head']))


def test_gradients_match_finite_differences():
    sd = busy_model(TINY)
    tokens = [4, 1, 3, 0]

    def loss():
        keys, values = kv_cache(TINY)
        losses = [cross_entropy(gpt(tokens[pos], pos, keys, values, sd, TINY), tokens[pos + 1])
                  for pos in range(len(tokens) - 1)]
        return sum(losses) / len(losses)

    loss().backward()
    h = 1e-6
    rng = random.Random(0)
    sample = [p for mat in sd.values() for p in rng.sample([p for row in mat for p in row], 5)]
    assert any(p.grad for p in sample)
    for p in sample:  # five from every matrix: the whole check would take half a minute
        original = p.data
        p.data = original + h
        up = loss().data
        p.data = original - h
        down = loss().data
        p.data = original
        assert p.grad == pytest.approx((up - down) / (2 * h), rel=1e-4, abs=1e-7)


def test_a_later_token_cannot_change_an_earlier_output():
    sd = busy_model(TINY)
    a, b = all_logits([4, 1, 3, 0], sd, TINY), all_logits([4, 1, 2, 2], sd, TINY)
    assert a[:2] == b[:2]  # the same past gives bit-identical logits
    assert a[2] != b[2] and a[3] != b[3]


def test_an_earlier_token_does_change_later_outputs():
    sd = busy_model(TINY)
    a, b = all_logits([4, 1, 3, 0], sd, TINY), all_logits([4, 2, 3, 0], sd, TINY)
    assert a[0] == b[0]
    assert all(x != y for x, y in zip(a[1:], b[1:]))  # attention carries position 1 forward


@pytest.mark.parametrize('pos', [TINY.block_size, TINY.block_size + 3, -1])
def test_positions_beyond_the_block_size_are_refused(pos):
    with pytest.raises(IndexError, match=f'position {pos} is beyond the block size 4'):
        gpt(0, pos, *kv_cache(TINY), busy_model(TINY), TINY)


@pytest.mark.parametrize('token', [TINY.vocab_size, -1])
def test_token_ids_outside_the_vocabulary_are_refused(token):
    with pytest.raises(IndexError, match=rf'token id {token} is outside the vocabulary \(0..4\)'):
        gpt(token, 0, *kv_cache(TINY), busy_model(TINY), TINY)


@pytest.mark.parametrize('config', [
    GPTConfig(),
    GPTConfig(vocab_size=5, n_embd=4, n_head=2, n_layer=2, block_size=4),
    GPTConfig(vocab_size=11, n_embd=12, n_head=3, n_layer=3, block_size=6),
    GPTConfig(vocab_size=3, n_embd=8, n_head=1, n_layer=1, block_size=2),
], ids=lambda c: f'V{c.vocab_size}-E{c.n_embd}-H{c.n_head}-L{c.n_layer}-B{c.block_size}')
def test_logits_and_cache_shapes(config):
    sd = init_state_dict(config, random.Random(0))
    keys, values = kv_cache(config)
    assert len(keys) == len(values) == config.n_layer
    for pos in range(config.block_size):
        logits = gpt(pos % config.vocab_size, pos, keys, values, sd, config)
        assert len(logits) == config.vocab_size
        for cache in keys + values:
            assert len(cache) == pos + 1 and all(len(v) == config.n_embd for v in cache)
