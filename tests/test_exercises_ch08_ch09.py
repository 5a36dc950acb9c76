"""The exercise checkers of chapters 08 and 09: the chapters' solutions pass, typical mistakes get their hint."""
import math

import pytest

from conftest import hidden_solution
from microgpt.helpers.exercises.ch08 import check_smoothed, check_train_step
from microgpt.helpers.exercises.ch09 import check_generate, check_keep_top_k, check_keep_top_p, check_tempered_probs
from microgpt.optim import document_loss


@pytest.mark.parametrize('chapter, name, checker', [
    ('08_adam.ipynb', 'smoothed', check_smoothed),
    ('08_adam.ipynb', 'my_train_step', check_train_step),
    ('09_sampling.ipynb', 'tempered_probs', check_tempered_probs),
    ('09_sampling.ipynb', 'generate', check_generate),
    ('09_sampling.ipynb', 'keep_top_k', check_keep_top_k),
    ('09_sampling.ipynb', 'keep_top_p', check_keep_top_p),
])
def test_the_chapters_solutions_pass(chapter, name, checker):
    namespace = {'math': math, 'document_loss': document_loss}
    assert checker(hidden_solution(chapter, name, namespace))


def fails_with(result, *words):
    text = repr(result)
    return not result and text.startswith('Not yet') and all(w in text for w in words)


def uncorrected(values, beta):
    avg, out = 0.0, []
    for x in values:
        avg = beta * avg + (1 - beta) * x
        out.append(avg)
    return out


def test_smoothed_mistakes():
    assert fails_with(check_smoothed(uncorrected), '1 - beta ** t')
    assert fails_with(check_smoothed(lambda v, b: [sum(v) / len(v)] * len(v)), 'not the smoothed averages')
    assert fails_with(check_smoothed(lambda v, b: v[:1]), 'one average per value')
    assert fails_with(check_smoothed(lambda v, b: 1 / 0), 'ZeroDivisionError')


def test_train_step_mistakes():
    def no_backward(tokens, sd, config, optimizer, lr):
        loss = document_loss(tokens, sd, config)
        optimizer.step(lr)
        return loss.data

    def returns_value(tokens, sd, config, optimizer, lr):
        loss = document_loss(tokens, sd, config)
        loss.backward()
        optimizer.step(lr)
        return loss

    def backward_after_step(tokens, sd, config, optimizer, lr):
        loss = document_loss(tokens, sd, config)
        loss.backward()
        optimizer.step(lr)
        loss.backward()
        return loss.data

    def twice(tokens, sd, config, optimizer, lr):
        for _ in range(2):
            loss = document_loss(tokens, sd, config)
            loss.backward()
            optimizer.step(lr)
        return loss.data

    assert fails_with(check_train_step(no_backward), 'did not move', 'loss.backward()')
    assert fails_with(check_train_step(returns_value), 'return loss.data')
    assert fails_with(check_train_step(backward_after_step), 'gradients are left over')
    assert fails_with(check_train_step(twice), 'differs from the reference step')


def test_tempered_probs_mistakes():
    def times_t(scores, t):
        exps = [math.exp(s * t - max(scores) * t) for s in scores]
        return [e / sum(exps) for e in exps]

    def no_max(scores, t):
        exps = [math.exp(s / t) for s in scores]
        return [e / sum(exps) for e in exps]

    def unnormalised(scores, t):
        return [math.exp(s / t - max(scores) / t) for s in scores]

    assert fails_with(check_tempered_probs(times_t), 'multiplied by the temperature')
    assert fails_with(check_tempered_probs(no_max), 'overflowed', 'subtract the largest')
    assert fails_with(check_tempered_probs(unnormalised), 'add up to')
    assert fails_with(check_tempered_probs(lambda s, t: [1 / len(s)] * len(s)), 'not the softmax')


def test_generate_mistakes():
    def keeps_bos(next_probs, bos, block_size, rng):
        ids = [bos]
        while len(ids) <= block_size:
            probs = next_probs(ids)
            ids.append(rng.choices(range(len(probs)), weights=probs)[0])
            if ids[-1] == bos:
                break
        return ids[1:]

    def never_stops(next_probs, bos, block_size, rng):
        ids = [bos]
        while True:  # neither BOS nor the block size ends it
            probs = next_probs(ids)
            ids.append(rng.choices(range(len(probs)), weights=probs)[0])

    def one_too_many(next_probs, bos, block_size, rng):
        ids = [bos]
        while len(ids) <= block_size + 1:
            probs = next_probs(ids)
            token = rng.choices(range(len(probs)), weights=probs)[0]
            if token == bos:
                break
            ids.append(token)
        return ids[1:]

    def argmax(next_probs, bos, block_size, rng):
        ids = [bos]
        while len(ids) <= block_size:
            probs = next_probs(ids)
            token = probs.index(max(probs))
            if token == bos:
                break
            ids.append(token)
        return ids[1:]

    assert fails_with(check_generate(keeps_bos), 'contains BOS')
    assert fails_with(check_generate(never_stops), 'never stopped')
    assert fails_with(check_generate(one_too_many), 'block_size = 5', 'generated 6 tokens')
    assert fails_with(check_generate(argmax), 'rng.choices')
    assert fails_with(check_generate(lambda p, b, n, r: 'abc'), 'not a list')


def _shared(probs, kept):
    total = sum(probs[i] for i in kept)
    return [q / total if i in kept else 0.0 for i, q in enumerate(probs)]


def _likeliest(probs, key=None):
    return sorted(range(len(probs)), key=key or (lambda i: -probs[i]))


def test_keep_top_k_mistakes():
    def unshared(probs, k):
        kept = set(_likeliest(probs)[:k])
        return [q if i in kept else 0.0 for i, q in enumerate(probs)]

    assert fails_with(check_keep_top_k(lambda p, k: list(p)), 'kept every token')
    assert fails_with(check_keep_top_k(unshared), 'adds up to', 'divide each kept probability')
    assert fails_with(check_keep_top_k(lambda p, k: sorted(p, reverse=True)[:k]), 'not 4 probabilities')
    assert fails_with(check_keep_top_k(lambda p, k: _shared(p, set(_likeliest(p, lambda i: p[i])[:k]))),
                      'least likely')
    assert fails_with(check_keep_top_k(lambda p, k: _shared(p, set(_likeliest(p)[:k + 1]))), 'one token too many')
    assert fails_with(check_keep_top_k(lambda p, k: _shared(p, set(_likeliest(p, lambda i: (-p[i], -i))[:k]))),
                      'lower token ids')
    assert fails_with(check_keep_top_k(lambda p, k: 1 / 0), 'ZeroDivisionError')
    ties_kept = lambda p, k: _shared(p, {i for i, q in enumerate(p) if q >= sorted(p, reverse=True)[k - 1]})
    assert fails_with(check_keep_top_k(ties_kept), 'ties at the cut', 'keep exactly k')


def test_keep_top_p_mistakes():
    def stops_short(probs, p):
        kept, total = set(), 0.0
        for i in _likeliest(probs):
            if kept and total + probs[i] > p:
                break
            kept.add(i)
            total += probs[i]
        return _shared(probs, kept)

    def strictly_above(probs, p):
        kept, total = set(), 0.0
        for i in _likeliest(probs):
            kept.add(i)
            total += probs[i]
            if total > p:
                break
        return _shared(probs, kept)

    assert fails_with(check_keep_top_p(lambda p, q: list(p)), 'kept every token')
    assert fails_with(check_keep_top_p(stops_short), 'takes the sum to p')
    assert fails_with(check_keep_top_p(strictly_above), '>=, not >')
