"""microgpt.exact, the fixed-order arithmetic of chapter 10 (section 7), and the switch that puts it in the engine."""
import math
import random

import numpy as np
import pytest

from microgpt import exact, fast
from microgpt.embeddings import GPTConfig
from microgpt.tokenizer import Tokenizer


@pytest.fixture
def numpy_arithmetic_after():
    "Whatever a test switches to, the next one starts from the engine's default."
    yield
    fast.use_exact_arithmetic(False)


@pytest.mark.parametrize('shape', [(1, 1, 1), (8, 16, 27), (3, 5, 7, 2), (3, 16, 1), (1, 64, 1), (4, 1, 8, 1)],
                         ids=['1x1', '8x16x27', 'batched', 'one column', 'one dot product', 'batched columns'])
def test_matmul_adds_in_index_order_like_the_scalar_engine(shape):
    rng = np.random.default_rng(1)
    if len(shape) == 4:
        a, b = rng.normal(size=shape[:3]), rng.normal(size=(shape[0], shape[2], shape[3]))
        want = [[[sum(a[n, i, j] * b[n, j, m] for j in range(shape[2])) for m in range(shape[3])]
                 for i in range(shape[1])] for n in range(shape[0])]
    else:
        a, b = rng.normal(size=shape[:2]), rng.normal(size=shape[1:])
        want = [[sum(a[i, j] * b[j, m] for j in range(shape[1])) for m in range(shape[2])] for i in range(shape[0])]
    assert np.array_equal(exact.matmul(a, b), want)  # bit for bit, not approximately


def test_exp_is_within_an_ulp_or_two_of_math_exp_and_handles_the_ends():
    xs = np.concatenate([np.random.default_rng(2).uniform(-745, 709, 20_000), [-30.0, -1e-12, 0.0, 1e-12, 1.0]])
    got, want = exact.exp(xs), np.array([math.exp(x) for x in xs])
    assert np.all(np.abs(got - want) <= 2 * np.spacing(want))
    assert exact.exp(np.array([-np.inf, -746.0, -800.0])).tolist() == [0.0, 0.0, 0.0]
    assert exact.exp(np.array([0.0]))[0] == 1.0


def test_cos_agrees_with_math_cos_over_the_schedule():
    for x in np.linspace(0, math.pi, 1001):
        assert abs(exact.cos(x) - math.cos(x)) < 1e-15


def test_the_switch_swaps_all_three_and_back(numpy_arithmetic_after):
    assert (fast.matmul, fast.exp, fast.cos) == (np.matmul, np.exp, math.cos)
    fast.use_exact_arithmetic()
    assert (fast.matmul, fast.exp, fast.cos) == (exact.matmul, exact.exp, exact.cos)
    fast.use_exact_arithmetic(False)
    assert (fast.matmul, fast.exp, fast.cos) == (np.matmul, np.exp, math.cos)


def test_exact_arithmetic_trains_as_numpys_does_to_1e9(numpy_arithmetic_after):
    tok = Tokenizer.from_docs(['anna', 'bob', 'emma', 'olivia', 'ava'])
    config = GPTConfig(vocab_size=tok.vocab_size, n_embd=8, n_head=2, block_size=8)
    docs = ['anna', 'bob', 'emma', 'olivia', 'ava'] * 4
    runs = []
    for on in (False, True):
        fast.use_exact_arithmetic(on)
        params = fast.init_params(config, random.Random(3))
        runs.append([loss for _, loss in fast.train(docs, tok, params, config, fast.Adam(params), 20)])
    assert max(abs(a - b) for a, b in zip(*runs)) < 1e-9
