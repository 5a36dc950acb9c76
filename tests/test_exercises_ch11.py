"""Chapter 11's checkers pass the reference solutions and fail wrong answers with a useful hint."""
import math

import pytest

from conftest import hidden_solution
from microgpt.helpers.exercises.ch11 import check_pooled_loss, check_reading_a_loss


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
