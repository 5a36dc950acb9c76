"""Chapter 12's checker passes the reference solution and fails wrong answers with a useful hint."""
import math

import pytest

from conftest import hidden_solution
from microgpt.helpers.exercises.ch12 import check_warmup_then_decay


def test_the_schedule_solution_passes():
    schedule = hidden_solution('12_practice.ipynb', 'warmup_then_decay', {'math': math})
    assert repr(check_warmup_then_decay(schedule)).startswith('Correct!')


def _cosine(step, num_steps, lr, low=0.0):
    return low + 0.5 * (1 + math.cos(math.pi * step / num_steps)) * (lr - low)


@pytest.mark.parametrize('wrong, words', [
    # the starter: warm-up, then the peak held
    (lambda s, n, lr, w: lr * min(1, (s + 1) / w), ['does not stay at lr', 'half a cosine']),
    (lambda s, n, lr, w: lr * s / w if s < w else _cosine(s - w, n - w, lr, lr / 10) if s < n else lr / 10,
     ['would not move', '(step + 1) / warmup']),
    (lambda s, n, lr, w: lr * (s + 1) / w if s < w else _cosine(s - w, n - w, lr) if s < n else lr / 10,
     ['not to zero']),
    (lambda s, n, lr, w: lr * (s + 1) / w if s < w else _cosine(s, n, lr) if s < n else lr / 10,
     ['where the warm-up ends']),
    (lambda s, n, lr, w: lr * (s + 1) / w if s < w else _cosine(s - w, n - w, lr, lr / 10),
     ['climb back up']),
    (lambda s, n, lr, w: 'fast', ['returned', 'one number']),
    (lambda s, n, lr, w: 1 / (s - s), ['raised ZeroDivisionError']),
    (0.7, ['expected a function']),
])
def test_schedule_mistakes_get_their_hint(wrong, words):
    text = repr(check_warmup_then_decay(wrong))
    assert text.startswith('Not yet') and all(w in text for w in words), text
