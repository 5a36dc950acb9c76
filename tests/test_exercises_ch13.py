"""The exercise checkers of chapter 13: the chapter's solutions pass, typical mistakes get their hint."""

from conftest import hidden_solution
from microgpt.helpers.checkpoint import load_checkpoint
from microgpt.helpers.exercises.ch13 import UNITS, check_loss_increases, check_strongest_letter
from microgpt.floats import mean_loss
from microgpt.inside import trace

CKPT = load_checkpoint()
SD, CONFIG, TOK = CKPT.state_dict, CKPT.config, CKPT.tokenizer
DOCS = ['giuliana', 'ebrima', 'heidie', 'astraia', 'mattew', 'lukah']


def fails_with(result, *words):
    text = repr(result)
    return not result and text.startswith('Not yet') and all(w in text for w in words)


def run_solution(name):
    namespace = {'trace': trace, 'mean_loss': mean_loss, 'sd': SD, 'config': CONFIG, 'tok': TOK}
    return hidden_solution('13_inside.ipynb', name, namespace)


def test_strongest_letter_solution_passes_and_mistakes_get_hints():
    assert check_strongest_letter(run_solution('strongest_letter'))

    def at(pos, pick):
        def strongest(unit):
            acts = {c: trace(c, SD, CONFIG, TOK)[pos].mlp[0][unit] for c in TOK.chars}
            return pick(acts, key=acts.get)
        return strongest

    assert fails_with(check_strongest_letter(at(0, max)), 'read position 1')
    assert fails_with(check_strongest_letter(at(1, min)), 'largest activation')
    assert fails_with(check_strongest_letter(lambda unit: 3), 'not a letter')
    assert fails_with(check_strongest_letter(lambda unit: 1 / 0), 'ZeroDivisionError')


def test_the_checked_units_have_one_clear_favourite():
    "A near tie could flip on another machine's last bits: each unit's winner leads by a wide margin."
    for unit in UNITS:
        acts = sorted(trace(c, SD, CONFIG, TOK)[1].mlp[0][unit] for c in TOK.chars)
        assert acts[-1] - acts[-2] > 0.05


def test_loss_increases_solution_passes_and_reveals_the_answer():
    result = check_loss_increases(run_solution('loss_increases'), DOCS, prediction=1)
    assert result and 'head 0:' in repr(result) and 'You predicted head 1' in repr(result)


def test_loss_increases_without_a_prediction_says_none_was_made():
    "The cell's placeholder `prediction = ...` is no head: the checker must not report 'head Ellipsis'."
    result = check_loss_increases(run_solution('loss_increases'), DOCS, prediction=...)
    assert result and 'no prediction' in repr(result) and 'Ellipsis' not in repr(result)


def test_loss_increases_mistakes_get_hints():
    def whole(docs):
        return mean_loss(docs, TOK, SD, CONFIG)

    def ablated(docs, h):
        return mean_loss(docs, TOK, SD, CONFIG, ablate=[(0, h)])

    assert fails_with(check_loss_increases(lambda d: [whole(d) - ablated(d, h) for h in range(4)], DOCS), 'sign')
    assert fails_with(check_loss_increases(lambda d: [ablated(d, h) for h in range(4)], DOCS), 'subtract')
    all_off = [(0, h) for h in range(4)]
    assert fails_with(check_loss_increases(
        lambda d: [mean_loss(d, TOK, SD, CONFIG, all_off) - whole(d)] * 4, DOCS), 'one head at a time')
    assert fails_with(check_loss_increases(lambda d: [0.1, 0.2, 0.3, 0.4], DOCS), 'for each head h')
    assert fails_with(check_loss_increases(lambda d: [0.0] * 4, DOCS), 'no head was switched off')
    assert fails_with(check_loss_increases(lambda d: [0.0] * 3, DOCS), 'list of 4 numbers')
    assert fails_with(check_loss_increases(lambda d: None, DOCS), 'list of 4 numbers')
