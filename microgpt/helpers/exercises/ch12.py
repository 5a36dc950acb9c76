"""Checkers for chapter 12 (training in practice): nanoGPT's learning-rate schedule."""
from numbers import Real

from . import failed, guarded, passed


def reference_warmup_then_decay(step, num_steps, lr, warmup):
    "nanoGPT's shape of schedule: a linear warm-up, half a cosine down to lr / 10, then lr / 10."
    import math
    if step < warmup:
        return lr * (step + 1) / warmup
    if step >= num_steps:
        return lr / 10
    progress = (step - warmup) / (num_steps - warmup)
    return lr / 10 + 0.5 * (1 + math.cos(math.pi * progress)) * (lr - lr / 10)


# (num_steps, peak lr, warm-up steps): the exercise's run, a short one, and a warm-up of one step.
SCHEDULES = [(300, 0.7, 100), (20, 1.0, 5), (10, 0.01, 1)]


@guarded
def check_warmup_then_decay(fn):
    "Exercise 1: fn(step, num_steps, lr, warmup) is a linear warm-up, then a cosine down to lr / 10."
    import math
    if not callable(fn):
        return failed(f'expected a function, got a {type(fn).__name__}',
                      'pass the function itself: check_warmup_then_decay(warmup_then_decay)')
    for num_steps, lr, warmup in SCHEDULES:
        for step in range(num_steps + 10):
            want = reference_warmup_then_decay(step, num_steps, lr, warmup)
            call = f'warmup_then_decay({step}, {num_steps}, {lr}, {warmup})'
            try:
                got = fn(step, num_steps, lr, warmup)
            except Exception as e:  # any error in the learner's code is reported, not raised
                return failed(f'{call} raised {type(e).__name__}: {e}',
                              'step, num_steps and warmup are whole numbers, lr a number; return a number')
            if not isinstance(got, Real) or isinstance(got, bool):
                return failed(f'{call} returned {got!r}', 'return one number: the learning rate of that step')
            if abs(got - want) <= 1e-12 * lr:
                continue
            if step < warmup:
                hint = ('the first step would not move at all: ramp with (step + 1) / warmup'
                        if step == 0 and abs(got) < 1e-12 else
                        'during the warm-up the rate is lr * (step + 1) / warmup')
            elif step >= num_steps:
                hint = ('past num_steps the rate stays at lr / 10: the cosine would climb back up'
                        if step > num_steps else 'at num_steps the cosine has come down to lr / 10')
            elif abs(got - lr) < 1e-12 * lr:
                hint = 'after the warm-up the rate does not stay at lr: it falls along half a cosine to lr / 10'
            elif abs(got - 0.5 * (1 + math.cos(math.pi * step / num_steps)) * lr) < 1e-12 * lr:
                hint = ('start the cosine where the warm-up ends: progress = (step - warmup) / '
                        '(num_steps - warmup), and end it at lr / 10')
            elif abs(got - 0.5 * (1 + math.cos(math.pi * (step - warmup) / (num_steps - warmup))) * lr) \
                    < 1e-12 * lr:
                hint = 'the cosine comes down to a tenth of the peak, lr / 10, not to zero'
            else:
                hint = ('from step == warmup: lr / 10 + 0.5 * (1 + cos(pi * progress)) * (lr - lr / 10), '
                        'with progress going from 0 to 1')
            return failed(f'{call} = {got:.6g}, the schedule gives {want:.6g}', hint)
    return passed('a warm-up, a long glide down, and a floor: the shape of most GPT training runs.')
