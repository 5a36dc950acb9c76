"""The optimizer and the training loop (microgpt/optim.py, built by chapters/08_adam.ipynb)."""
import random

import pytest

from microgpt.autograd import Value
from microgpt.embeddings import GPTConfig, init_state_dict, parameters
from microgpt.loss import cross_entropy
from microgpt.model import gpt, kv_cache
from microgpt.floats import float_weights, gpt_floats, mean_loss
from microgpt.optim import Adam, cosine_lr, document_loss, train, train_step
from microgpt.tokenizer import Tokenizer

CONFIG = GPTConfig(vocab_size=4, n_embd=4, n_head=2, n_layer=1, block_size=4)
TOKENIZER = Tokenizer('abc')


def test_cosine_schedule_glides_from_lr_to_zero():
    lrs = [cosine_lr(step, 100, 0.01) for step in range(101)]
    assert lrs[0] == 0.01 and lrs[50] == pytest.approx(0.005) and lrs[100] == pytest.approx(0, abs=1e-18)
    assert all(a > b for a, b in zip(lrs, lrs[1:]))


def test_adam_is_the_reference_formula_bit_for_bit():
    rng = random.Random(1)
    params = [Value(rng.uniform(-1, 1)) for _ in range(5)]
    mirror = [p.data for p in params]
    m, v = [0.0] * 5, [0.0] * 5
    opt = Adam(params, lr=0.1)
    for t in range(1, 6):
        grads = [rng.gauss(0, 1) for _ in params]
        for p, g in zip(params, grads):
            p.grad = g
        lr_t = cosine_lr(t - 1, 5, 0.1)
        opt.step(lr_t)
        for i, g in enumerate(grads):
            m[i] = 0.9 * m[i] + (1 - 0.9) * g
            v[i] = 0.95 * v[i] + (1 - 0.95) * g ** 2
            m_hat, v_hat = m[i] / (1 - 0.9 ** t), v[i] / (1 - 0.95 ** t)
            mirror[i] -= lr_t * m_hat / (v_hat ** 0.5 + 1e-8)
        assert [p.data for p in params] == mirror
        assert all(p.grad == 0 for p in params)  # step() resets the gradients


def test_first_adam_step_moves_each_parameter_by_the_learning_rate():
    # Thanks to bias correction the first step is lr * g / |g|, whatever the gradient's size.
    params = [Value(0.0), Value(0.0), Value(0.0)]
    for p, g in zip(params, [0.02, -3.0, 250.0]):
        p.grad = g
    Adam(params, lr=0.01).step()
    assert [p.data for p in params] == pytest.approx([-0.01, 0.01, -0.01], rel=1e-6)


def test_document_loss_is_the_mean_cross_entropy():
    sd = init_state_dict(CONFIG, random.Random(0), std=0.5)
    tokens = [3, 0, 1, 2, 3]
    keys, values = kv_cache(CONFIG)
    per_position = [cross_entropy(gpt(tokens[i], i, keys, values, sd, CONFIG), tokens[i + 1]).data for i in range(4)]
    assert document_loss(tokens, sd, CONFIG).data == pytest.approx(sum(per_position) / 4, rel=1e-12)


def test_train_step_lowers_the_loss_on_its_document():
    sd = init_state_dict(CONFIG, random.Random(0), std=0.5)
    opt = Adam(parameters(sd))
    tokens = TOKENIZER.sequence('abc', CONFIG.block_size)
    losses = [train_step(tokens, sd, CONFIG, opt, 0.05) for _ in range(5)]
    assert losses == sorted(losses, reverse=True) and losses[-1] < losses[0] - 0.1


def test_train_cycles_through_the_documents_and_counts_from_one():
    sd = init_state_dict(CONFIG, random.Random(0))
    steps = [step for step, loss in train(['ab', 'c'], TOKENIZER, sd, CONFIG, Adam(parameters(sd)), 5)]
    assert steps == [1, 2, 3, 4, 5]


@pytest.mark.parametrize('num_steps', [0, -3, 2.5, '10'])
def test_train_refuses_a_bad_number_of_steps(num_steps):
    sd = init_state_dict(CONFIG, random.Random(0))
    with pytest.raises(ValueError, match='num_steps must be a positive whole number'):
        next(train(['ab'], TOKENIZER, sd, CONFIG, Adam(parameters(sd)), num_steps))


def every_weight_random(config, seed):
    "A state dict with no zero matrices, so that attention and the MLP both count in the output."
    rng = random.Random(seed)
    return {name: [[Value(rng.gauss(0, 0.5)) for _ in row] for row in mat]
            for name, mat in init_state_dict(config, rng).items()}


def test_gpt_floats_gives_the_logits_of_gpt():
    config = GPTConfig(vocab_size=4, n_embd=4, n_head=2, n_layer=2, block_size=4)
    state_dict = every_weight_random(config, 3)
    weights = float_weights(state_dict)
    (keys, values), (float_keys, float_values) = kv_cache(config), kv_cache(config)
    for pos, token in enumerate([3, 0, 2, 1]):
        want = [logit.data for logit in gpt(token, pos, keys, values, state_dict, config)]
        assert gpt_floats(token, pos, float_keys, float_values, weights, config) == want  # to the last bit


def test_mean_loss_is_the_cross_entropy_per_predicted_token():
    state_dict = every_weight_random(CONFIG, 4)
    docs = ['abcab', 'a', 'cab']  # 'abcab' is cut to the block size: 4 predictions, like 'cab'; 'a' has 2
    sequences = [TOKENIZER.sequence(doc, CONFIG.block_size) for doc in docs]
    per_name = [document_loss(s, state_dict, CONFIG).data for s in sequences]
    counts = [len(s) - 1 for s in sequences]
    per_token = sum(loss * n for loss, n in zip(per_name, counts)) / sum(counts)
    got = mean_loss(docs, TOKENIZER, state_dict, CONFIG)
    assert got == pytest.approx(per_token, rel=1e-12)
    assert got != pytest.approx(sum(per_name) / len(per_name), rel=1e-6)  # not the mean of per-name losses
