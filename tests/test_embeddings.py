import math
import random

import pytest
from hypothesis import given, strategies as st

from conftest import reference_setup
from microgpt.autograd import Value
from microgpt.embeddings import GPTConfig, embed, init_state_dict, linear, matrix, parameters
from microgpt.loss import cross_entropy, softmax

# Counted by hand: 2 * vocab * embd (wte, lm_head) + block * embd (wpe) + layers * 12 * embd ** 2.
COUNTS = [(GPTConfig(), 4064),
          (GPTConfig(vocab_size=27, n_embd=8, n_head=2, n_layer=2, block_size=16), 2096),
          (GPTConfig(vocab_size=65, n_embd=32, n_head=4, n_layer=3, block_size=64), 43072),
          (GPTConfig(vocab_size=5, n_embd=4, n_head=1, n_layer=1, block_size=1), 236)]


def shapes(c):
    expected = {'wte': (c.vocab_size, c.n_embd), 'wpe': (c.block_size, c.n_embd),
                'lm_head': (c.vocab_size, c.n_embd)}
    for i in range(c.n_layer):
        for name in ['attn_wq', 'attn_wk', 'attn_wv', 'attn_wo']:
            expected[f'layer{i}.{name}'] = (c.n_embd, c.n_embd)
        expected[f'layer{i}.mlp_fc1'] = (4 * c.n_embd, c.n_embd)
        expected[f'layer{i}.mlp_fc2'] = (c.n_embd, 4 * c.n_embd)
    return expected


@pytest.mark.parametrize('config, count', COUNTS, ids=str)
def test_parameter_count(config, count):
    params = parameters(init_state_dict(config, random.Random(0)))
    assert len(params) == count
    assert len({id(p) for p in params}) == count  # every parameter is its own Value
    assert all(isinstance(p, Value) for p in params)


@pytest.mark.parametrize('config', [c for c, _ in COUNTS], ids=str)
def test_state_dict_names_and_shapes(config):
    sd = init_state_dict(config, random.Random(0))
    assert list(sd) == list(shapes(config))  # the order in which the matrices are drawn
    for name, (rows, cols) in shapes(config).items():
        assert len(sd[name]) == rows and all(len(row) == cols for row in sd[name]), name


@pytest.mark.parametrize('config, count', COUNTS, ids=str)
def test_output_projections_start_at_zero_but_still_use_up_random_numbers(config, count):
    rng, reference = random.Random(7), random.Random(7)
    sd = init_state_dict(config, rng)
    for _ in range(count):
        reference.gauss(0, 1)
    assert rng.getstate() == reference.getstate()
    for name, mat in sd.items():
        zero = name.endswith(('attn_wo', 'mlp_fc2'))
        assert all((p.data == 0) == zero for row in mat for p in row), name


def test_weights_are_gaussian_with_the_requested_spread():
    weights = [v.data for row in matrix(200, 100, random.Random(3), std=0.02) for v in row]
    mean = sum(weights) / len(weights)
    std = (sum((w - mean) ** 2 for w in weights) / len(weights)) ** 0.5
    assert abs(mean) < 0.001 and abs(std - 0.02) < 0.001


def reference_init():
    return reference_setup()[1:]


def test_the_reference_initialisation_is_reproduced_exactly():
    _, _, _, sd = reference_init()
    params = parameters(sd)
    assert params[0].data == 0.0007596797518602651
    assert sd['layer0.mlp_fc1'][63][15].data == -0.0029209296141577126
    assert sum(p.data for p in params) == -0.6564567277929736


def test_the_loss_at_initialisation_sits_near_ln_27():
    docs, tok, config, sd = reference_init()
    losses = []
    for doc in docs[:20]:
        tokens = tok.sequence(doc, config.block_size)
        losses += [cross_entropy(linear(embed(t, pos, sd), sd['lm_head']), target).data
                   for pos, (t, target) in enumerate(zip(tokens, tokens[1:]))]
    assert abs(sum(losses) / len(losses) - math.log(27)) < 0.005


@pytest.mark.parametrize('kwargs, message', [
    ({'n_embd': 0}, 'n_embd must be a positive whole number, got 0'),
    ({'n_head': -1}, 'n_head must be a positive whole number'),
    ({'block_size': 2.5}, 'block_size must be a positive whole number, got 2.5'),
    ({'n_layer': True}, 'n_layer must be a positive whole number, got True'),
    ({'vocab_size': '27'}, "vocab_size must be a positive whole number, got '27'"),
    ({'n_embd': 16, 'n_head': 5}, r'n_embd \(16\) must be divisible by n_head \(5\)'),
])
def test_gpt_config_refuses_impossible_shapes(kwargs, message):
    with pytest.raises(ValueError, match=message):
        GPTConfig(**kwargs)


def test_head_dim():
    assert GPTConfig().head_dim == 4
    assert GPTConfig(n_embd=32, n_head=2).head_dim == 16


def test_embed_adds_the_token_row_and_the_position_row():
    sd = init_state_dict(GPTConfig(), random.Random(0))
    x = embed(4, 3, sd)
    assert [v.data for v in x] == [t.data + p.data for t, p in zip(sd['wte'][4], sd['wpe'][3])]


def test_linear_is_one_dot_product_per_row():
    assert linear([1, 1], [[1, 2], [3, 4], [5, 6]]) == [3, 7, 11]
    out = linear([Value(2.0), Value(-1.0)], [[Value(0.5), Value(3.0)]])
    assert out[0].data == -2.0


@pytest.mark.parametrize('logits', [[1000.0, 999.0, 998.0], [-1000.0, -1001.0], [1e308, 0.0], [710.0] * 4])
def test_softmax_is_stable_on_large_logits(logits):
    probs = [p.data for p in softmax([Value(l) for l in logits])]
    assert all(math.isfinite(p) and 0 <= p <= 1 for p in probs)
    assert math.isclose(sum(probs), 1)
    m = max(logits)
    exps = [math.exp(l - m) for l in logits]
    assert all(math.isclose(p, e / sum(exps)) for p, e in zip(probs, exps))


@given(st.lists(st.floats(-50, 50), min_size=1, max_size=10), st.floats(-1e4, 1e4))
def test_softmax_ignores_a_shift_of_all_logits(logits, shift):
    a = softmax([Value(l) for l in logits])
    b = softmax([Value(l + shift) for l in logits])
    assert all(math.isclose(p.data, q.data, rel_tol=1e-6, abs_tol=1e-12) for p, q in zip(a, b))


def test_softmax_gradients_stay_finite_on_large_logits():
    logits = [Value(1000.0), Value(999.0), Value(998.0)]
    cross_entropy(logits, 1).backward()
    probs = [p.data for p in softmax(logits)]
    # d loss / d logit = probability - (1 for the target, else 0)
    expected = [p - (i == 1) for i, p in enumerate(probs)]
    assert all(math.isclose(l.grad, g) for l, g in zip(logits, expected))


@pytest.mark.parametrize('vocab_size', [2, 27, 65])
def test_cross_entropy_of_a_uniform_guess_is_ln_vocab_size(vocab_size):
    loss = cross_entropy([Value(0.3)] * vocab_size, vocab_size - 1)
    assert math.isclose(loss.data, math.log(vocab_size))


def test_cross_entropy_is_minus_the_log_of_the_target_probability():
    logits = [Value(1.0), Value(2.0), Value(3.0)]
    for target in range(3):
        assert math.isclose(cross_entropy(logits, target).data, -math.log(softmax(logits)[target].data))
    assert cross_entropy([Value(100.0), Value(0.0)], 0).data < 1e-40


# The bigram baseline of chapter 05, pure Python, against the NumPy engine's independent version.
def test_bigram_counts_count_each_pair_of_every_sequence():
    from microgpt.loss import bigram_counts
    from microgpt.tokenizer import Tokenizer
    tok = Tokenizer(['a', 'b'])  # BOS is 2
    # 'ab' gives BOS a, a b, b BOS; 'b' gives BOS b, b BOS; 'bbbbb', cut to block size 3, BOS b, b b, b b.
    counts = bigram_counts(['ab', 'b', 'bbbbb'], tok, block_size=3)
    assert counts == [[0, 1, 0], [0, 2, 2], [1, 2, 0]]


def test_bigram_probs_make_every_pair_possible_and_rows_add_up_to_one():
    from microgpt.loss import bigram_probs
    counts = [[0, 3, 1], [2, 0, 0], [5, 5, 0]]
    probs = bigram_probs(counts)
    assert all(math.isclose(sum(row), 1) for row in probs)
    assert min(min(row) for row in probs) > 0
    assert probs[0] == pytest.approx([1 / 7, 4 / 7, 2 / 7])
    assert bigram_probs(counts, smoothing=0)[1] == [1.0, 0.0, 0.0]  # no smoothing: counts as they are


def test_bigram_baseline_matches_the_numpy_engine_on_the_held_out_split():
    np = pytest.importorskip('numpy')
    from microgpt.loss import bigram_counts, bigram_loss, bigram_probs
    from microgpt.tokenizer import held_out_split
    _, docs, tok, config, _ = reference_setup()
    train_docs, val_docs = held_out_split(docs)
    probs = bigram_probs(bigram_counts(train_docs, tok, config.block_size))
    counts = np.ones((tok.vocab_size, tok.vocab_size))  # the same table, counted by NumPy
    for doc in train_docs:
        tokens = tok.sequence(doc, config.block_size)
        np.add.at(counts, (tokens[:-1], tokens[1:]), 1)
    logprobs = np.log(counts / counts.sum(axis=1, keepdims=True))
    assert np.allclose(np.log(probs), logprobs, rtol=0, atol=1e-12)
    for split in (val_docs, train_docs[:2000]):
        pairs = [(a, b) for doc in split for a, b in zip(tok.sequence(doc, config.block_size),
                                                          tok.sequence(doc, config.block_size)[1:])]
        assert bigram_loss(probs, split, tok, config.block_size) == pytest.approx(
            -sum(logprobs[a, b] for a, b in pairs) / len(pairs), abs=1e-12)
    baseline = bigram_loss(probs, val_docs, tok, config.block_size)
    assert baseline < math.log(tok.vocab_size) - 0.5  # far better than guessing uniformly


def test_without_smoothing_a_held_out_pair_never_seen_in_training_makes_the_loss_infinite():
    from microgpt.loss import bigram_counts, bigram_loss, bigram_probs
    from microgpt.tokenizer import held_out_split
    _, docs, tok, config, _ = reference_setup()
    train_docs, val_docs = held_out_split(docs)
    counts = bigram_counts(train_docs, tok, config.block_size)
    with pytest.raises(ValueError):  # log(0): chapter 05's reason for adding one to every count
        bigram_loss(bigram_probs(counts, smoothing=0), val_docs, tok, config.block_size)
    assert math.isfinite(bigram_loss(bigram_probs(counts), val_docs, tok, config.block_size))
