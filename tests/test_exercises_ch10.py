"""Chapter 10's checker passes the reference solution and fails wrong answers with a useful hint."""
import pytest

from conftest import hidden_solution
from microgpt.helpers.exercises.ch10 import check_pooled_loss


def solution(name):
    return hidden_solution('10_scale.ipynb', name)


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
