"""microgpt/torch_gpt.py (chapter 14): the course's GPT in PyTorch gives our engine's numbers.

PyTorch is optional: these tests are skipped without it. MICROGPT_TORCH_PATH, when set, names a
folder holding it installed apart (as .ci/run does), searched after this environment's packages.
"""
import os
import random
import sys

import pytest

from conftest import reference_setup

if os.environ.get('MICROGPT_TORCH_PATH'):
    sys.path.append(os.environ['MICROGPT_TORCH_PATH'])
torch = pytest.importorskip('torch', reason='PyTorch is not installed: chapter 14 and its module are skipped')

from microgpt import torch_gpt  # noqa: E402
from microgpt.embeddings import parameters  # noqa: E402
from microgpt.helpers.checkpoint import load_checkpoint, shapes  # noqa: E402
from microgpt.optim import Adam, cosine_lr, document_loss  # noqa: E402

NAMES = ['emma', 'ava', 'isabella', 'olivia']


@pytest.fixture
def shipped():
    "The shipped checkpoint, and the PyTorch model holding its weights (float64)."
    ckpt = load_checkpoint()
    model = torch_gpt.GPT(ckpt.config).double()
    model.load_state_dict(torch_gpt.torch_state_dict(ckpt.state_dict))
    return ckpt, model


def largest_difference(model, state_dict, attribute):
    return max(abs(t - getattr(v, attribute))
               for key, p in model.named_parameters()
               for t, v in zip(getattr(p, attribute).flatten().tolist(),
                               (v for row in state_dict[key.removesuffix('.weight')] for v in row)))


def test_switches_off_the_module_has_the_course_names_and_shapes(shipped):
    ckpt, model = shipped
    assert {k: tuple(v.shape) for k, v in model.state_dict().items()} == \
        {f'{name}.weight': shape for name, shape in shapes(ckpt.config).items()}


@pytest.mark.parametrize('name', NAMES)
def test_loss_and_gradients_are_the_scalar_engines(shipped, name):
    ckpt, model = shipped
    ours = document_loss(ckpt.tokenizer.sequence(name, 8), ckpt.state_dict, ckpt.config)
    theirs = torch_gpt.batch_loss(model, *torch_gpt.pad_batch([name], ckpt.tokenizer, 8))
    assert theirs.dtype == torch.float64 and abs(theirs.item() - ours.data) < 1e-12
    ours.backward()
    theirs.backward()
    assert largest_difference(model, ckpt.state_dict, 'grad') < 1e-12
    assert max(abs(v.grad) for v in parameters(ckpt.state_dict)) > 1e-3  # not trivially zero


def test_one_adam_step_is_ours(shipped):
    ckpt, model = shipped
    ours = document_loss(ckpt.tokenizer.sequence('emma', 8), ckpt.state_dict, ckpt.config)
    theirs = torch_gpt.batch_loss(model, *torch_gpt.pad_batch(['emma'], ckpt.tokenizer, 8))
    ours.backward()
    theirs.backward()
    torch.optim.Adam(model.parameters(), lr=0.01, betas=(0.9, 0.95), eps=1e-8).step()
    Adam(parameters(ckpt.state_dict), lr=0.01).step()
    assert largest_difference(model, ckpt.state_dict, 'data') < 1e-12


def test_the_padded_batch_loss_is_the_mean_over_the_names_real_targets(shipped):
    ckpt, model = shipped
    inputs, targets = torch_gpt.pad_batch(NAMES, ckpt.tokenizer, 8)
    lengths = [len(ckpt.tokenizer.sequence(n, 8)) - 1 for n in NAMES]
    assert [(row != -1).sum().item() for row in targets] == lengths
    assert all((row[n:] == -1).all() and (row[:n] != -1).all() for row, n in zip(targets, lengths))
    with torch.no_grad():
        padded = torch_gpt.batch_loss(model, inputs, targets).item()
        total = sum(document_loss(ckpt.tokenizer.sequence(n, 8), ckpt.state_dict, ckpt.config).data * count
                    for n, count in zip(NAMES, lengths))
    assert abs(padded - total / sum(lengths)) < 1e-12


def test_the_first_steps_of_the_reference_run():
    rng, docs, tok, config, state_dict = reference_setup()
    model = torch_gpt.GPT(config).double()
    model.load_state_dict(torch_gpt.torch_state_dict(state_dict))
    adam = torch.optim.Adam(model.parameters(), lr=0.01, betas=(0.9, 0.95), eps=1e-8)
    expected = load_checkpoint().training['losses']
    for step in range(5):
        loss = torch_gpt.batch_loss(model, *torch_gpt.pad_batch([docs[step]], tok, config.block_size))
        loss.backward()
        for group in adam.param_groups:
            group['lr'] = cosine_lr(step, 500, 0.01)
        adam.step()
        adam.zero_grad()
        assert abs(loss.item() - expected[step]) < 1e-10, step


def test_each_switch_changes_the_model_and_dropout_only_in_training():
    config = load_checkpoint().config
    ids = torch.tensor([[26, 4, 12, 12, 0]])

    def logits(switches, train=False):
        model = torch_gpt.GPT(config, switches).double()
        torch_gpt.gauss_init(model, random.Random(0))
        model.train(train)
        torch.manual_seed(0)
        return model(ids)

    plain = logits(torch_gpt.Switches())
    for switch in ({'layernorm': True}, {'gelu': True}, {'tie': True}):
        assert not torch.allclose(logits(torch_gpt.Switches(**switch)), plain), switch
    model = torch_gpt.GPT(config, torch_gpt.Switches(tie=True))
    assert model.lm_head.weight is model.wte.weight
    assert torch.equal(logits(torch_gpt.Switches(dropout=0.5)), plain)
    assert not torch.allclose(logits(torch_gpt.Switches(dropout=0.5), train=True), plain)


def test_warmup_then_cosine_to_a_tenth():
    lrs = [torch_gpt.warmup_then_decay(s, 100, 1.0, 10) for s in range(100)]
    assert lrs[0] == pytest.approx(0.1) and lrs[9] == pytest.approx(1.0) and lrs[10] == pytest.approx(1.0)
    assert lrs[-1] == pytest.approx(0.1, abs=1e-3) and all(a >= b for a, b in zip(lrs[10:], lrs[11:]))


def test_the_schedule_is_chapter_12s_exercise():
    from microgpt.helpers.exercises.ch12 import reference_warmup_then_decay
    for num_steps, lr, warmup in ((300, 5e-3, 30), (20, 1.0, 5)):
        for step in range(num_steps + 5):
            assert torch_gpt.warmup_then_decay(step, num_steps, lr, warmup) == pytest.approx(
                reference_warmup_then_decay(step, num_steps, lr, warmup), rel=1e-15)
