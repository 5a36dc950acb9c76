"""Evaluating at scale (microgpt/scale.py, built by chapters/11_scale.ipynb): the held-out loss and the
PyTorch peer."""
import math
import random

import numpy as np
import pytest

from conftest import ROOT, course_split
from microgpt import fast, floats, scale
from microgpt.helpers.checkpoint import load_checkpoint
from microgpt.embeddings import GPTConfig
from microgpt.tokenizer import Tokenizer, load_docs

DOCS = load_docs(ROOT / 'data' / 'names.txt')
TOK = Tokenizer.from_docs(DOCS)
DEFAULT = GPTConfig(vocab_size=TOK.vocab_size)


def test_mean_loss_is_the_per_token_loss_of_the_forward_pass():
    params = fast.init_params(DEFAULT, random.Random(0))
    tokens = TOK.sequence('olivia', DEFAULT.block_size)
    assert scale.mean_loss(['olivia'], TOK, params, DEFAULT) == pytest.approx(
        fast.loss_and_grad(tokens, params, DEFAULT), abs=1e-12)
    assert scale.mean_loss(['olivia'], TOK, params, DEFAULT) == pytest.approx(math.log(TOK.vocab_size), abs=0.05)


def test_both_engines_measure_the_same_held_out_loss():
    "Chapter 08 (scalar model, plain floats) and chapter 11 (fast engine) print one measure, per predicted token."
    ckpt = load_checkpoint()
    _, held_out = course_split()
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
