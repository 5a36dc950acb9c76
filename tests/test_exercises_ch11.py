"""Chapter 11's checkers pass the reference solutions and fail wrong answers with a useful hint."""
import math

import pytest

from conftest import hidden_solution
from microgpt.helpers.exercises.ch11 import check_pooled_loss, check_reading_a_loss, check_warmup_then_decay


def solution(name):
    return hidden_solution('11_scale.ipynb', name)


def test_the_chapters_solution_passes():
    assert repr(check_pooled_loss(solution('pooled_loss'))).startswith('Correct!')


@pytest.mark.parametrize('wrong, words', [
    (lambda losses, counts: sum(losses) / len(losses), ["mean of the names' losses", 'weigh each loss']),
    (lambda losses, counts: sum(l * n for l, n in zip(losses, counts)) / len(losses), ['sum(counts)']),
    (lambda losses, counts: sum(l * n for l, n in zip(losses, counts)), ['not the loss per predicted token']),
    (lambda losses, counts: None, ['returned None', 'one number']),
    (lambda losses, counts: losses[3], ['raised IndexError']),
    ('pooled_loss', ['expected a function']),
])
def test_wrong_answers_fail_with_a_hint(wrong, words):
    verdict = check_pooled_loss(wrong)
    assert not verdict
    assert 'Hint:' in repr(verdict)
    for word in words:
        assert word in repr(verdict), verdict


def test_the_reading_a_loss_solution_passes():
    perplexity = hidden_solution('11_scale.ipynb', 'perplexity', {'math': math})
    bits = hidden_solution('11_scale.ipynb', 'bits_per_char', {'math': math})
    assert repr(check_reading_a_loss(perplexity, bits)).startswith('Correct!')


@pytest.mark.parametrize('perplexity, bits, words', [
    (lambda l: 2 ** l, lambda l: l / math.log(2), ['2 to the loss', 'raise e']),
    (lambda l: math.exp(l), lambda l: l * math.log(2), ['multiplied by ln 2']),
    (lambda l: math.exp(l), lambda l: l / math.log(10), ['bits_per_char', 'math.log(2)']),
    (lambda l: ..., lambda l: l, ['return numbers']),
    (None, lambda l: l, ['not a function']),
])
def test_reading_a_loss_mistakes_get_their_hint(perplexity, bits, words):
    text = repr(check_reading_a_loss(perplexity, bits))
    assert text.startswith('Not yet') and all(w in text for w in words), text


def test_the_schedule_solution_passes():
    schedule = hidden_solution('11_scale.ipynb', 'warmup_then_decay', {'math': math})
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
