"""The exercise checkers of chapters 03 to 05: reference solutions pass, wrong answers fail with a hint."""
import math

import pytest

from microgpt.helpers.exercises import ch03, ch04, ch05


def fails_with(check, *words):
    assert not check, f'a wrong answer passed: {check}'
    assert 'Hint:' in repr(check)
    for word in words:
        assert word in repr(check), f'{word!r} not in {check!r}'


# Chapter 03, exercise 1: the sequence of 'zoe' by hand.

def test_sequence_by_hand_reference_passes():
    assert ch03.check_sequence_by_hand([26, 25, 14, 4, 26])


@pytest.mark.parametrize('answer, words', [
    ([], ['empty']),
    ([25, 14, 4], ['wrap them in BOS']),
    ([0, 25, 14, 4, 0], ['starts with 0', 'BOS']),
    ([26, 25, 14, 4], ['ends with 4']),
    ([26, 25, 14, 4, 26, 26], ['6 ids']),
    ([26, 26, 15, 5, 26], ['one too high']),
    ([26, 25, 4, 14, 26], ['do not spell']),
    ('zoe', ['list of whole numbers']),
])
def test_sequence_by_hand_wrong_answers_fail(answer, words):
    fails_with(ch03.check_sequence_by_hand(answer), *words)


# Chapter 03, exercise 2: training_pairs.

def test_training_pairs_reference_passes():
    assert ch03.check_training_pairs(lambda t: [(t[:i], t[i]) for i in range(1, len(t))])
    assert ch03.check_training_pairs(lambda t: [(tuple(t[:i]), t[i]) for i in range(1, len(t))])


def unfinished(tokens):
    ...


@pytest.mark.parametrize('attempt, words', [
    (unfinished, ['returned None']),
    (lambda t: [(t[:i], t[i]) for i in range(len(t))], ['one per token', 'n - 1']),
    (lambda t: [(t[:i], t[i]) for i in range(2, len(t))], ['gave 4 pairs']),
    (lambda t: [(t[:i + 1], t[i]) for i in range(1, len(t))], ['pair 0', 'before the target']),
    (lambda t: [(t[i - 1], t[i]) for i in range(1, len(t))], ['returned']),
    (lambda t: t[99], ['raised IndexError']),
])
def test_training_pairs_wrong_answers_fail(attempt, words):
    fails_with(ch03.check_training_pairs(attempt), *words)


def test_training_pairs_hint_does_not_give_the_solution_code():
    # a wrong context must not be answered with the one-line solution
    for attempt in (lambda t: [(t[:i + 1], t[i]) for i in range(1, len(t))],
                    lambda t: [([t[i - 1]], t[i]) for i in range(1, len(t))]):
        verdict = repr(ch03.check_training_pairs(attempt))
        assert 'tokens[:i]' not in verdict and 'for i' not in verdict, verdict


# Chapter 03, exercise 3: the vocab size of OTHER_DOCS.

def test_vocab_size_reference_passes():
    from microgpt.tokenizer import Tokenizer
    assert ch03.check_vocab_size(Tokenizer.from_docs(ch03.OTHER_DOCS).vocab_size)


@pytest.mark.parametrize('answer, words', [
    (10, ['one short', 'BOS']), (9, ['two short', 'space']), (19, ['each time']),
    (0, ['not the vocab size']), (11.0, ['whole number']),
])
def test_vocab_size_wrong_answers_fail(answer, words):
    fails_with(ch03.check_vocab_size(answer), *words)


# Chapter 04, exercise 1: count_parameters.

def reference_count(c):
    return 2 * c.vocab_size * c.n_embd + c.block_size * c.n_embd + c.n_layer * 12 * c.n_embd ** 2


def test_count_parameters_reference_passes():
    assert ch04.check_count_parameters(reference_count)


def test_count_parameters_checker_agrees_with_real_state_dicts():
    import random
    from microgpt.embeddings import init_state_dict, parameters
    for c in ch04.CONFIGS:
        assert reference_count(c) == len(parameters(init_state_dict(c, random.Random(0))))


@pytest.mark.parametrize('attempt, words', [
    (lambda c: None, ['not a whole number']),
    (lambda c: reference_count(c) - c.vocab_size * c.n_embd, ['count both']),
    (lambda c: reference_count(c) - c.block_size * c.n_embd, ['wpe']),
    (lambda c: 2 * c.vocab_size * c.n_embd + c.block_size * c.n_embd + 12 * c.n_embd ** 2, ['n_layer']),
    (lambda c: reference_count(c) - c.n_layer * 6 * c.n_embd ** 2, ['4 n_embd']),
    (lambda c: reference_count(c) - c.n_layer * 4 * c.n_embd ** 2, ['attention']),
    (lambda c: reference_count(c) + 1, ['rows x columns']),
    (lambda c: c.nope, ['raised AttributeError']),
    (lambda c: float(reference_count(c)), ['not a whole number']),
])
def test_count_parameters_wrong_answers_fail(attempt, words):
    fails_with(ch04.check_count_parameters(attempt), *words)


def test_count_parameters_forgotten_n_layer_is_named_not_the_mlp():
    # n_layer=3, n_embd=32 and n_layer=2, n_embd=8: a forgotten n_layer
    # misses exactly as many parameters as a missing MLP or MLP shape
    def one_layer(c):
        return reference_count(c) - (c.n_layer - 1) * 12 * c.n_embd ** 2
    verdict = ch04.check_count_parameters(one_layer)
    fails_with(verdict, 'multiply by n_layer')
    assert 'are missing' not in repr(verdict), verdict
    assert 'mlp_fc1' not in repr(verdict), verdict


# Chapter 05, exercise 1: stable_softmax.

def test_stable_softmax_reference_passes():
    def stable_softmax(xs):
        exps = [math.exp(x - max(xs)) for x in xs]
        return [e / sum(exps) for e in exps]
    assert ch05.check_stable_softmax(stable_softmax)


def naive(xs):
    exps = [math.exp(x) for x in xs]
    return [e / sum(exps) for e in exps]


@pytest.mark.parametrize('attempt, words', [
    (naive, ['OverflowError', 'subtract the largest']),
    (lambda xs: naive([x - 1000 for x in xs]), ['ZeroDivisionError']),
    (lambda xs: [math.exp(x - max(xs)) for x in xs], ['add up to', 'divide']),
    (lambda xs: [1 / len(xs)] * len(xs), ['not the softmax']),
    (lambda xs: None, ['returned None']),
    (lambda xs: [1.0], ['one probability']),
    (lambda xs: 1.0, ['return a list']),
])
def test_stable_softmax_wrong_answers_fail(attempt, words):
    fails_with(ch05.check_stable_softmax(attempt), *words)


# Chapter 05, exercise 2: the loss at initialisation for 65 tokens.

def test_initial_loss_reference_passes():
    assert ch05.check_initial_loss(-math.log(1 / 65))


@pytest.mark.parametrize('answer, words', [
    (math.log2(65), ['base 2']), (math.log10(65), ['base 10']), (1 / 65, ['probability']),
    (-math.log(65), ['sign']), (math.log(27), ['1/65']), ('4.17', ['a number']),
])
def test_initial_loss_wrong_answers_fail(answer, words):
    fails_with(ch05.check_initial_loss(answer), *words)
