"""Checkers for chapter 08 (Adam and the training loop)."""
import random

from ...embeddings import GPTConfig, init_state_dict, parameters
from ...optim import Adam, train_step
from . import failed, guarded, passed


def _smoothed(values, beta):
    "The reference: an exponential moving average from 0, bias-corrected."
    avg, out = 0.0, []
    for t, x in enumerate(values, start=1):
        avg = beta * avg + (1 - beta) * x
        out.append(avg / (1 - beta ** t))
    return out


def _close(a, b):
    return len(a) == len(b) and all(abs(x - y) <= 1e-9 * max(1.0, abs(y)) for x, y in zip(a, b))


@guarded
def check_smoothed(smoothed):
    "Exercise: smoothed(values, beta) returns the bias-corrected exponential moving average of values."
    rng = random.Random(7)
    cases = [([5.0] * 4, 0.9), ([rng.gauss(3, 1) for _ in range(30)], 0.8), ([1.0, -2.0, 0.5], 0.5)]
    for values, beta in cases:
        try:
            got = list(smoothed(values, beta))
        except Exception as e:
            return failed(f'smoothed({values[:3]}..., {beta}) raised {type(e).__name__}: {e}',
                          'loop over the values, keeping the running average in a variable that starts at 0.0')
        if len(got) != len(values):
            return failed(f'got {len(got)} numbers for {len(values)} values', 'return one average per value')
        if _close(got, _smoothed(values, beta)):
            continue
        uncorrected = [s * (1 - beta ** t) for t, s in enumerate(_smoothed(values, beta), start=1)]
        if _close(got, uncorrected):
            return failed(f'for {values[:4]} you return {[round(g, 3) for g in got[:4]]}: the first averages '
                          'are pulled towards the 0 they started from',
                          'that is the bias: divide the average after t values by 1 - beta ** t (t counts from 1)')
        if _close(got, _smoothed(values, 1 - beta)):
            return failed('beta and 1 - beta are swapped',
                          'beta is the weight of the old average: avg = beta * avg + (1 - beta) * x')
        return failed(f'for {values[:4]} with beta={beta} you return {[round(g, 3) for g in got[:4]]}: '
                      'not the smoothed averages',
                      'avg = beta * avg + (1 - beta) * x, then report avg / (1 - beta ** t)')
    return passed('a constant sequence now averages to itself from the very first step.')


@guarded
def check_train_step(my_train_step):
    "Exercise: my_train_step(tokens, state_dict, config, optimizer, lr) does one training step, returns the loss."
    config = GPTConfig(vocab_size=5, n_embd=4, n_head=2, n_layer=1, block_size=5)
    tokens = [4, 0, 1, 2, 3, 4]
    mine, ref = (init_state_dict(config, random.Random(3), std=0.5) for _ in range(2))
    opt_mine, opt_ref = Adam(parameters(mine)), Adam(parameters(ref))
    start = [p.data for p in parameters(mine)]
    for step in range(2):
        try:
            loss = my_train_step(tokens[:config.block_size + 1], mine, config, opt_mine, 0.05)
        except Exception as e:
            return failed(f'your step raised {type(e).__name__}: {e}',
                          'document_loss(tokens, state_dict, config) gives the loss as a Value')
        expected = train_step(tokens[:config.block_size + 1], ref, config, opt_ref, 0.05)
        if not isinstance(loss, float):
            return failed(f'your step returned {type(loss).__name__} {loss!r}, not a plain number',
                          'return loss.data: a float, so that nobody keeps the whole graph alive')
        if [p.data for p in parameters(mine)] == start:
            return failed('the parameters did not move',
                          'call loss.backward() to fill in the gradients, then optimizer.step(lr)')
        if any(p.grad for p in parameters(mine)):
            return failed('gradients are left over after the step',
                          'optimizer.step(lr) resets them; do not call backward() after it')
        if loss != expected or [p.data for p in parameters(mine)] != [p.data for p in parameters(ref)]:
            return failed(f'after step {step + 1} your model differs from the reference step',
                          'forward (document_loss), backward (loss.backward()), update (optimizer.step(lr)), '
                          'in that order, once each')
    return passed('forward, loss, backward, update, reset: that is all a training step is.')
