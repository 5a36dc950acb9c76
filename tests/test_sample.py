"""Sampling (microgpt/sample.py, built by chapters/09_sampling.ipynb) and the sliders that show it."""
import math
import random
import re

import pytest

from conftest import ROOT
from microgpt.autograd import Value
from microgpt.helpers.checkpoint import load_checkpoint
from microgpt.embeddings import GPTConfig, init_state_dict
from microgpt.loss import softmax
from microgpt.model import gpt, kv_cache
from microgpt.sample import check_temperature, keep_top_k, keep_top_p, next_token_probs, sample
from microgpt.tokenizer import Tokenizer
from microgpt.floats import float_weights, gpt_floats
from microgpt.helpers.widgets import TEMPERATURES, names_at_temperature, names_report

SHIPPED = load_checkpoint(ROOT / 'data' / 'checkpoint.json')
ODD = GPTConfig(vocab_size=6, n_embd=12, n_head=3, n_layer=2, block_size=6)  # no powers of two


@pytest.mark.parametrize('t', [0, 0.0, 0.5, 1, 2.0])
def test_good_temperatures_pass(t):
    assert check_temperature(t) == t


@pytest.mark.parametrize('t, error, message', [
    (-0.1, ValueError, 'temperature must be 0 (greedy) or positive, got -0.1'),
    ('hot', TypeError, "temperature must be a finite number, got 'hot'"),
    (None, TypeError, 'got None'),
    (True, TypeError, 'got True'),
    (math.nan, TypeError, 'got nan'),
    (math.inf, TypeError, 'got inf'),
])
def test_bad_temperatures_are_clear_errors(t, error, message):
    with pytest.raises(error) as err:
        check_temperature(t)
    assert message in str(err.value)


@pytest.mark.parametrize('t', [0.1, 0.5, 1.0, 1.7, 3])
def test_probs_are_exactly_the_value_softmax_of_logits_over_t(t):
    rng = random.Random(2)
    logits = [Value(rng.gauss(0, 3)) for _ in range(27)]
    expected = [p.data for p in softmax([l / t for l in logits])]
    assert next_token_probs(logits, t) == expected
    assert next_token_probs([l.data for l in logits], t) == expected  # plain floats work too


def test_temperature_zero_is_greedy():
    logits = [Value(x) for x in (0.3, 2.5, -1.0, 2.4)]
    assert next_token_probs(logits, 0) == [0.0, 1.0, 0.0, 0.0]
    names = {sample(SHIPPED.state_dict, SHIPPED.config, SHIPPED.tokenizer, 0, random.Random(s)) for s in range(3)}
    assert len(names) == 1


def test_low_temperature_sharpens_high_flattens():
    logits = [Value(x) for x in (1.0, 2.0, 3.0)]
    top = [next_token_probs(logits, t)[2] for t in (0.25, 0.5, 1.0, 2.0, 4.0)]
    assert top == sorted(top, reverse=True) and top[0] > 0.98 and top[-1] < 0.45


@pytest.mark.slow
def test_sample_stops_at_bos_or_the_block_size():
    tok = Tokenizer('abcde')
    sd = init_state_dict(ODD, random.Random(0), std=1.0)
    names = [sample(sd, ODD, tok, 2.0, random.Random(s)) for s in range(30)]
    assert max(map(len, names)) == ODD.block_size and min(map(len, names)) < ODD.block_size
    assert all(set(name) <= set('abcde') for name in names)


@pytest.mark.parametrize('config', [SHIPPED.config, ODD], ids=['shipped', 'odd'])
def test_float_model_gives_the_value_models_logits_bit_for_bit(config):
    sd = SHIPPED.state_dict if config is SHIPPED.config else init_state_dict(ODD, random.Random(0), std=1.0)
    w, (k1, v1), (k2, v2) = float_weights(sd), kv_cache(config), kv_cache(config)
    for pos in range(config.block_size):
        token = (7 * pos + 3) % config.vocab_size
        assert gpt_floats(token, pos, k2, v2, w, config) == [l.data for l in gpt(token, pos, k1, v1, sd, config)]


@pytest.mark.parametrize('t', [0.0, 0.5, 1.0, 2.0])
def test_names_at_temperature_are_samples_with_that_seed(t):
    sd, config, tok = SHIPPED.state_dict, SHIPPED.config, SHIPPED.tokenizer
    rng = random.Random(3)
    assert names_at_temperature(sd, config, tok, t, 6, seed=3) == [sample(sd, config, tok, t, rng) for _ in range(6)]


def test_names_report_marks_known_names_and_counts_new_ones():
    assert names_report(['ana', 'zorp', 'ana', 'bix'], {'ana', 'bo'}) == [
        'ana *', 'zorp', 'ana *', 'bix', '(* = already in the data set)', 'new names: 2 of 4 (50%)']


@pytest.mark.slow
def test_temperature_slider_shows_what_names_at_temperature_computes():
    pytest.importorskip('ipywidgets')
    docs = (ROOT / 'data' / 'names.txt').read_text(encoding='utf-8').split()
    from microgpt.helpers.widgets import temperature_slider
    box = temperature_slider(SHIPPED.state_dict, SHIPPED.config, SHIPPED.tokenizer, docs)
    slider, (chart, names) = box.children[0], box.children[1].children
    assert slider.description == 'temperature' and (slider.min, slider.max, slider.step) == (0.0, 2.0, 0.1)
    pictures = set()
    for t in (0.0, 1.5, 0.5):
        slider.value = t
        expected = names_report(names_at_temperature(SHIPPED.state_dict, SHIPPED.config, SHIPPED.tokenizer, t),
                                set(docs))
        assert names.value.endswith('>' + '\n'.join(expected) + '</pre>')
        pictures.add(chart.value)
    assert len(pictures) == 3 and TEMPERATURES == [i / 10 for i in range(21)]
    # Where widgets cannot run (an untrusted notebook), a line says how to get the slider, not its repr.
    assert 'Run All Cells' in box._repr_mimebundle_()['text/html']


def test_learning_rate_slider_redraws_the_picture():
    pytest.importorskip('ipywidgets')
    from microgpt.helpers.widgets import learning_rate_slider
    calls = []

    def paths(lr):
        calls.append(lr)
        return {'descent': [(4.0, 2.0), (4.0 * (1 - lr), 2.0 * (1 - lr))]}

    box = learning_rate_slider(paths, lambda x, y: x ** 2 + y ** 2)
    slider, picture = box.children
    assert slider.description == 'learning rate'
    before = picture.value
    slider.value = 0.01
    assert picture.value != before and calls == [0.1, 0.01]


def drawn_shares(weights, draws=40_000, seed=0):
    "How often rng.choices draws each token with these weights: the sampler's own draw, counted."
    rng, counts = random.Random(seed), [0] * len(weights)
    for token in rng.choices(range(len(weights)), weights=weights, k=draws):
        counts[token] += 1
    return [c / draws for c in counts]


@pytest.mark.parametrize('trim, arg, kept', [(keep_top_k, 3, {1, 3, 4}), (keep_top_p, 0.7, {1, 3}),
                                             (keep_top_p, 0.71, {1, 3, 4}), (keep_top_k, 1, {1})])
def test_a_trimmed_draw_picks_only_the_kept_tokens_in_their_shares(trim, arg, kept):
    probs = [0.05, 0.4, 0.05, 0.3, 0.15, 0.05]
    trimmed = trim(probs, arg)
    assert {i for i, q in enumerate(trimmed) if q > 0} == kept
    total = sum(probs[i] for i in kept)
    shares = drawn_shares(trimmed)
    for i, share in enumerate(shares):
        want = probs[i] / total if i in kept else 0.0
        assert abs(share - want) <= 4 * math.sqrt(want * (1 - want) / 40_000) + 1e-12, (i, share, want)


def test_top_k_of_the_whole_vocabulary_and_top_p_of_one_change_nothing():
    probs = next_token_probs([0.3, -1.0, 2.0, 0.7], 1.0)
    assert keep_top_k(probs, 4) == pytest.approx(probs) and keep_top_k(probs, 10) == pytest.approx(probs)
    assert keep_top_p(probs, 1.0) == pytest.approx(probs)


@pytest.mark.parametrize('call, error, words', [
    (lambda: keep_top_k([0.5, 0.5], 0), ValueError, 'at least 1 token, got 0'),
    (lambda: keep_top_k([0.5, 0.5], 1.5), TypeError, 'whole number of tokens, got 1.5'),
    (lambda: keep_top_k([0.5, 0.5], True), TypeError, 'got True'),
    (lambda: keep_top_p([0.5, 0.5], 0), ValueError, '0 < p <= 1, got 0'),
    (lambda: keep_top_p([0.5, 0.5], 1.2), ValueError, 'got 1.2'),
    (lambda: keep_top_p([0.5, 0.5], 'most'), TypeError, "share of the probability, got 'most'"),
])
def test_bad_k_or_p_is_a_clear_error(call, error, words):
    with pytest.raises(error, match=re.escape(words)):
        call()


def test_k_may_be_any_whole_number_type():
    import numpy as np
    assert keep_top_k([0.2, 0.5, 0.3], np.int64(2)) == keep_top_k([0.2, 0.5, 0.3], 2)


def test_sampling_options_change_nothing_when_left_out_and_k_1_is_greedy():
    sd, config, tok = SHIPPED.state_dict, SHIPPED.config, SHIPPED.tokenizer
    w = float_weights(sd)
    plain = [sample(w, config, tok, 0.5, random.Random(4), gpt_floats) for _ in range(1)]
    assert plain == [sample(sd, config, tok, 0.5, random.Random(4))]  # the float engine draws the same name
    rng_a, rng_b = random.Random(5), random.Random(5)
    assert [sample(w, config, tok, 0.5, rng_a, gpt_floats) for _ in range(10)] == \
        [sample(w, config, tok, 0.5, rng_b, gpt_floats, top_k=None, top_p=None) for _ in range(10)]
    greedy = sample(w, config, tok, 0.0, random.Random(6), gpt_floats)
    assert {sample(w, config, tok, 1.5, random.Random(s), gpt_floats, top_k=1) for s in range(5)} == {greedy}
    assert {sample(w, config, tok, 1.5, random.Random(s), gpt_floats, top_p=1e-9) for s in range(5)} == {greedy}


def neumaier_sum(terms, start=0):
    "sum() as Python 3.12 computes it for floats (rounding compensated); other terms are added in turn."
    terms = list(terms)
    if not all(isinstance(t, float) for t in terms):
        total = start
        for t in terms:
            total = total + t
        return total
    total, compensation = float(start), 0.0
    for t in terms:
        bigger, smaller = (total, t) if abs(total) >= abs(t) else (t, total)
        new = total + t
        compensation += (bigger - new) + smaller
        total = new
    return total + compensation


def test_the_float_engine_keeps_its_bits_where_sum_compensates(monkeypatch):
    "Python 3.12's sum() of floats rounds otherwise: the float engine must not lean on it."
    import builtins
    monkeypatch.setattr(builtins, 'sum', neumaier_sum)
    assert sum([0.1] * 10) == 1.0 and 0.1 + 0.1 + 0.1 + 0.1 + 0.1 + 0.1 + 0.1 + 0.1 + 0.1 + 0.1 != 1.0
    sd = init_state_dict(ODD, random.Random(0), std=1.0)
    w, (k1, v1), (k2, v2) = float_weights(sd), kv_cache(ODD), kv_cache(ODD)
    for pos in range(ODD.block_size):
        token = (5 * pos + 1) % ODD.vocab_size
        assert gpt_floats(token, pos, k2, v2, w, ODD) == [l.data for l in gpt(token, pos, k1, v1, sd, ODD)]
