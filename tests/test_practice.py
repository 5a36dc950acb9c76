"""Training in practice (microgpt/practice.py, built by chapters/12_practice.ipynb): batches,
weight decay, warm-up, clipping and the measurements of a run."""
import itertools
import random

import numpy as np
import pytest

from conftest import ROOT, course_split
from microgpt import fast, practice, scale
from microgpt.helpers.checkpoint import load_checkpoint
from microgpt.embeddings import GPTConfig
from microgpt.tokenizer import Tokenizer, load_docs

DOCS = load_docs(ROOT / 'data' / 'names.txt')
TOK = Tokenizer.from_docs(DOCS)


def small_run(weight_decay, num_steps=60, every=10):
    "A model on 3 names with a large learning rate, watched: it overfits within 20 steps."
    train_docs, val_docs = course_split()
    config = GPTConfig(vocab_size=TOK.vocab_size, n_embd=16, n_head=2)
    params = fast.init_params(config, random.Random(1))
    curve, best = practice.train_watching(train_docs[:3], val_docs[:20], TOK, params, config,
                                          practice.AdamW(params, lr=0.05, weight_decay=weight_decay), num_steps, every)
    return config, params, curve, best


def test_a_batch_gradient_is_the_mean_of_its_names_gradients():
    train_docs, _ = course_split()
    params = fast.from_state_dict(load_checkpoint().state_dict)
    config, batch = load_checkpoint().config, train_docs[:5]
    singles = [practice.batch_gradient([d], TOK, params, config) for d in batch]
    loss, grad = practice.batch_gradient(batch, TOK, params, config)
    assert loss == pytest.approx(np.mean([l for l, _ in singles]), abs=1e-12)
    assert np.allclose(grad, np.mean([g for _, g in singles], axis=0), rtol=0, atol=1e-15)
    assert not params.grad.any()  # left at zero for the next step
    with pytest.raises(ValueError, match='a batch needs at least one document'):
        practice.batch_gradient([], TOK, params, config)


def test_adamw_without_decay_is_adam_and_with_it_shrinks_first():
    config = GPTConfig(vocab_size=TOK.vocab_size, n_embd=8, n_head=2)
    a, b, c = (fast.init_params(config, random.Random(2)) for _ in range(3))
    for p in (a, b, c):
        p.grad[:] = np.linspace(-1, 1, len(p))
    fast.Adam(a).step(0.01)
    practice.AdamW(b, weight_decay=0.0).step(0.01)
    assert np.array_equal(a.data, b.data)
    before = c.data.copy()
    practice.AdamW(c, weight_decay=0.5).step(0.01)
    shrunk = fast.init_params(config, random.Random(2))
    shrunk.data *= 1 - 0.01 * 0.5
    shrunk.grad[:] = np.linspace(-1, 1, len(shrunk))
    fast.Adam(shrunk).step(0.01)
    assert np.array_equal(c.data, shrunk.data) and not np.array_equal(c.data, before)


def test_train_watching_keeps_the_weights_of_the_best_held_out_step():
    config, params, curve, (best, at, weights) = small_run(0.0)
    assert [s for s, _, _ in curve] == [10, 20, 30, 40, 50, 60]
    assert best == min(u for _, _, u in curve) and at == [s for s, _, u in curve if u == best][0]
    assert at < 60 and curve[-1][2] > best  # it overfits: the best step is not the last
    train_docs, val_docs = course_split()
    params.data[:] = weights  # the kept weights score the best held-out loss
    assert scale.mean_loss(val_docs[:20], TOK, params, config) == pytest.approx(best, abs=1e-12)


def test_weight_decay_pulls_the_weights_toward_zero():
    _, plain, _, _ = small_run(0.0)
    _, decayed, _, _ = small_run(5.0)
    assert np.linalg.norm(decayed.data) < np.linalg.norm(plain.data)


def test_one_name_per_batch_is_the_usual_training():
    train_docs, _ = course_split()
    config = GPTConfig(vocab_size=TOK.vocab_size, n_embd=8, n_head=2)
    a, b = (fast.init_params(config, random.Random(3)) for _ in range(2))
    usual = [loss for _, loss in fast.train(train_docs[:40], TOK, a, config, fast.Adam(a), 40)]
    batched = [loss for _, loss in practice.train_in_batches(train_docs[:40], TOK, b, config, fast.Adam(b), 1)]
    assert usual == batched and np.array_equal(a.data, b.data)


def test_train_in_batches_takes_one_step_per_batch_on_the_batch_gradient():
    train_docs, _ = course_split()
    config = GPTConfig(vocab_size=TOK.vocab_size, n_embd=8, n_head=2)
    a, b = (fast.init_params(config, random.Random(3)) for _ in range(2))
    steps = list(practice.train_in_batches(train_docs[:10], TOK, a, config, practice.SGD(a, 0.5), 4))
    assert [s for s, _ in steps] == [1, 2]  # 10 names, batches of 4: two steps, the last 2 names unused
    for step, first in enumerate((0, 4)):
        loss, grad = practice.batch_gradient(train_docs[first:first + 4], TOK, b, config)
        assert loss == steps[step][1]
        b.data -= fast.cosine_lr(step, 2, 0.5) * grad
    assert np.array_equal(a.data, b.data)


def test_warmup_ramps_then_follows_the_cosine():
    lr = practice.warmup_cosine_lr
    assert [lr(s, 100, 1.0, 0) for s in range(100)] == [fast.cosine_lr(s, 100, 1.0) for s in range(100)]
    assert lr(0, 100, 1.0, 4) == pytest.approx(0.25 * fast.cosine_lr(0, 100, 1.0), abs=1e-15)
    assert lr(3, 100, 1.0, 4) == fast.cosine_lr(3, 100, 1.0)  # the ramp ends on step warmup - 1
    assert [lr(s, 100, 1.0, 4) for s in range(4, 100)] == [fast.cosine_lr(s, 100, 1.0) for s in range(4, 100)]


def test_clipping_shortens_long_gradients_only_and_keeps_their_direction():
    g = np.array([3.0, 4.0])  # length 5
    assert practice.clip_gradient(g, 1.0) == 5.0 and np.allclose(g, [0.6, 0.8], rtol=0, atol=1e-15)
    short = np.array([0.3, 0.4])
    assert practice.clip_gradient(short, 1.0) == pytest.approx(0.5) and np.array_equal(short, [0.3, 0.4])
    assert practice.clip_gradient(g * 10, None) == pytest.approx(10.0)  # None measures, changes nothing


def diagnosed_config():
    return GPTConfig(vocab_size=TOK.vocab_size, n_embd=8, n_head=2, n_layer=2)


def test_train_diagnosed_with_its_switches_off_is_train():
    train_docs, _ = course_split()
    config = diagnosed_config()
    a, b = (fast.init_params(config, random.Random(4)) for _ in range(2))
    usual = [loss for _, loss in fast.train(train_docs, TOK, a, config, fast.Adam(a), 30)]
    records = list(practice.train_diagnosed(train_docs, TOK, b, config, fast.Adam(b), 30, every=10))
    assert [loss for _, loss, _, _ in records] == usual and np.array_equal(a.data, b.data)
    assert [s for s, *_ in records] == list(range(1, 31))
    assert [s for s, _, _, layers in records if layers] == [10, 20, 30]


def test_train_diagnosed_measures_what_it_says():
    train_docs, _ = course_split()
    config = diagnosed_config()
    params = fast.init_params(config, random.Random(4))
    run = practice.train_diagnosed(train_docs, TOK, params, config, practice.SGD(params, 0.3), 10, every=5)
    records = list(itertools.islice(run, 4))
    before, tokens = params.data.copy(), TOK.sequence(train_docs[4], config.block_size)
    step, loss, length, layers = next(run)  # step 5: measured
    assert step == 5 and len(layers) == 2
    check = fast.init_params(config, random.Random(0))
    check.data[:] = before
    assert fast.loss_and_grad(tokens, check, config) == loss
    assert length == pytest.approx(np.sqrt((check.grad ** 2).sum()), rel=1e-12)
    _, (_, _, caches) = fast.forward(tokens[:-1], check, config)
    for i, (stream, grad, update) in enumerate(layers):
        names = [n for n in check.w if n.startswith(f'layer{i}.')]
        rms = lambda arrays: np.sqrt(np.mean(np.concatenate([arrays[n].ravel() for n in names]) ** 2))
        assert stream == pytest.approx(np.sqrt(np.mean(caches[i + 1][0][0] ** 2)), rel=1e-12)
        assert grad == pytest.approx(rms(check.g), rel=1e-12)
        step_lr = practice.warmup_cosine_lr(4, 10, 0.3)
        assert update == pytest.approx(step_lr * rms(check.g) / rms(check.w), rel=1e-9)
    assert records[0][3] is None


def test_clipping_bounds_every_step_of_plain_gradient_descent():
    train_docs, _ = course_split()
    config = diagnosed_config()
    params = fast.init_params(config, random.Random(4))
    previous = params.data.copy()
    for step, _, length, _ in practice.train_diagnosed(train_docs, TOK, params, config, practice.SGD(params, 5.0),
                                                     20, clip=0.1):
        moved = np.sqrt(((params.data - previous) ** 2).sum())
        assert moved <= 5.0 * 0.1 * (1 + 1e-12) and (length <= 0.1 or moved > 0)
        previous = params.data.copy()


def test_a_diverging_run_stops_instead_of_yielding_nonsense():
    train_docs, _ = course_split()
    config = diagnosed_config()
    params = fast.init_params(config, random.Random(4))
    records = list(practice.train_diagnosed(train_docs, TOK, params, config, practice.SGD(params, 1e4), 100))
    assert 0 < len(records) < 100 and all(loss < 10 for _, loss, _, _ in records)


def test_the_gradients_measured_are_those_before_clipping():
    train_docs, _ = course_split()
    config = diagnosed_config()
    runs = []
    for clip in (None, 1e-6):
        params = fast.init_params(config, random.Random(4))
        runs.append(next(practice.train_diagnosed(train_docs, TOK, params, config, practice.SGD(params, 0.3), 5,
                                               clip=clip, every=1)))
    (_, _, length, plain), (_, _, clipped_length, clipped) = runs
    assert clipped_length == length > 1e-6  # the length reported is the one before clipping
    assert [g for _, g, _ in clipped] == [g for _, g, _ in plain]
    assert all(u < 1e-3 * v for (_, _, u), (_, _, v) in zip(clipped, plain))  # yet the step was clipped
