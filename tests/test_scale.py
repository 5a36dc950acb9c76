"""Training and evaluating at scale (microgpt/scale.py, built by chapters/10_scale.ipynb)."""
import math
import random

import numpy as np
import pytest

from conftest import ROOT
from microgpt import fast, floats, scale
from microgpt.helpers.checkpoint import load_checkpoint
from microgpt.embeddings import GPTConfig
from microgpt.tokenizer import Tokenizer, held_out_split, load_docs

DOCS = load_docs(ROOT / 'data' / 'names.txt')
TOK = Tokenizer.from_docs(DOCS)
DEFAULT = GPTConfig(vocab_size=TOK.vocab_size)


def split():
    "The course's split: names shuffled with seed 42, 1,000 distinct names held out (chapter 03)."
    docs = list(DOCS)
    random.Random(42).shuffle(docs)
    return held_out_split(docs)


def test_mean_loss_is_the_per_token_loss_of_the_forward_pass():
    params = fast.init_params(DEFAULT, random.Random(0))
    tokens = TOK.sequence('olivia', DEFAULT.block_size)
    assert scale.mean_loss(['olivia'], TOK, params, DEFAULT) == pytest.approx(
        fast.loss_and_grad(tokens, params, DEFAULT), abs=1e-12)
    assert scale.mean_loss(['olivia'], TOK, params, DEFAULT) == pytest.approx(math.log(TOK.vocab_size), abs=0.05)


def test_both_engines_measure_the_same_held_out_loss():
    "Chapter 07 (scalar model, plain floats) and chapter 10 (fast engine) print one measure, per predicted token."
    ckpt = load_checkpoint()
    _, held_out = split()
    some = held_out[:40]  # names of every length: a long one counts for more than a short one
    ours = scale.mean_loss(some, ckpt.tokenizer, fast.from_state_dict(ckpt.state_dict), ckpt.config)
    assert ours == pytest.approx(floats.mean_loss(some, ckpt.tokenizer, ckpt.state_dict, ckpt.config), abs=1e-12)
    per_name = np.mean([scale.mean_loss([doc], ckpt.tokenizer, fast.from_state_dict(ckpt.state_dict), ckpt.config)
                        for doc in some])
    assert abs(ours - per_name) > 1e-4  # the measure pools predictions; a mean of per-name means would differ


def test_pytorch_peer_gives_the_same_loss_and_gradients():
    torch = pytest.importorskip('torch', reason='PyTorch is not installed: the optional peer check is skipped')
    rng = random.Random(42)
    docs = list(DOCS)
    rng.shuffle(docs)
    params = fast.init_params(DEFAULT, rng)
    for step, _ in fast.train(docs, TOK, params, DEFAULT, fast.Adam(params), 500):
        if step == 50:
            break
    tokens = TOK.sequence('christopher', DEFAULT.block_size)
    ours = fast.loss_and_grad(tokens, params, DEFAULT)
    theirs, w = scale.torch_loss(tokens, params, DEFAULT)
    theirs.backward()
    assert theirs.dtype == torch.float64 and theirs.item() == pytest.approx(ours, abs=1e-12)
    for key in w:
        assert np.abs(w[key].grad.numpy() - params.g[key]).max() < 1e-10, key


def small_run(weight_decay, num_steps=60, every=10):
    "A model on 3 names with a large learning rate, watched: it overfits within 20 steps."
    train_docs, val_docs = split()
    config = GPTConfig(vocab_size=TOK.vocab_size, n_embd=16, n_head=2)
    params = fast.init_params(config, random.Random(1))
    curve, best = scale.train_watching(train_docs[:3], val_docs[:20], TOK, params, config,
                                       scale.AdamW(params, lr=0.05, weight_decay=weight_decay), num_steps, every)
    return config, params, curve, best


def test_a_batch_gradient_is_the_mean_of_its_names_gradients():
    train_docs, _ = split()
    params = fast.from_state_dict(load_checkpoint().state_dict)
    config, batch = load_checkpoint().config, train_docs[:5]
    singles = [scale.batch_gradient([d], TOK, params, config) for d in batch]
    loss, grad = scale.batch_gradient(batch, TOK, params, config)
    assert loss == pytest.approx(np.mean([l for l, _ in singles]), abs=1e-12)
    assert np.allclose(grad, np.mean([g for _, g in singles], axis=0), rtol=0, atol=1e-15)
    assert not params.grad.any()  # left at zero for the next step
    with pytest.raises(ValueError, match='a batch needs at least one document'):
        scale.batch_gradient([], TOK, params, config)


def test_adamw_without_decay_is_adam_and_with_it_shrinks_first():
    config = GPTConfig(vocab_size=TOK.vocab_size, n_embd=8, n_head=2)
    a, b, c = (fast.init_params(config, random.Random(2)) for _ in range(3))
    for p in (a, b, c):
        p.grad[:] = np.linspace(-1, 1, len(p))
    fast.Adam(a).step(0.01)
    scale.AdamW(b, weight_decay=0.0).step(0.01)
    assert np.array_equal(a.data, b.data)
    before = c.data.copy()
    scale.AdamW(c, weight_decay=0.5).step(0.01)
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
    train_docs, val_docs = split()
    params.data[:] = weights  # the kept weights score the best held-out loss
    assert scale.mean_loss(val_docs[:20], TOK, params, config) == pytest.approx(best, abs=1e-12)


def test_weight_decay_pulls_the_weights_toward_zero():
    _, plain, _, _ = small_run(0.0)
    _, decayed, _, _ = small_run(5.0)
    assert np.linalg.norm(decayed.data) < np.linalg.norm(plain.data)
