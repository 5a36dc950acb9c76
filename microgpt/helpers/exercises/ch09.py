"""Checkers for chapter 09 (sampling)."""
import math
import random

from . import failed, guarded, passed


def _tempered(scores, temperature):
    "The reference: softmax of scores / temperature, shifted by the max so exp() cannot overflow."
    scaled = [s / temperature for s in scores]
    top = max(scaled)
    exps = [math.exp(s - top) for s in scaled]
    return [e / sum(exps) for e in exps]


def _close(a, b):
    return len(a) == len(b) and all(abs(x - y) <= 1e-9 for x, y in zip(a, b))


@guarded
def check_tempered_probs(tempered_probs):
    "Exercise: tempered_probs(scores, temperature) returns softmax(scores / temperature) as floats."
    for scores, t in [([1.0, 2.0, 3.0], 0.5), ([0.3, -1.2, 2.2, 0.0], 2.0), ([1.0, 2.0, 3.0], 1.0),
                      ([800.0, 801.0, 790.0], 1.0)]:
        try:
            got = [float(p) for p in tempered_probs(scores, t)]
        except OverflowError:
            return failed(f'exp() overflowed on the scores {scores}',
                          'subtract the largest (scaled) score before exp(): the probabilities do not change')
        except Exception as e:
            return failed(f'tempered_probs({scores}, {t}) raised {type(e).__name__}: {e}',
                          'divide each score by the temperature, then take the softmax')
        expected = _tempered(scores, t)
        if _close(got, expected):
            continue
        if _close(got, _tempered([s * t * t for s in scores], t)):
            return failed(f'at temperature {t} your distribution is {"flatter" if t < 1 else "sharper"} '
                          'than it should be: you multiplied by the temperature',
                          'divide the scores by the temperature: low T sharpens, high T flattens')
        if abs(sum(got) - 1) > 1e-9:
            return failed(f'your probabilities add up to {sum(got):.4f}', 'divide each exp by the sum of all of them')
        return failed(f'tempered_probs({scores}, {t}) = {[round(p, 4) for p in got]}: '
                      'not the softmax of the scores divided by the temperature',
                      'first divide every score by the temperature, then take the stable softmax of chapter 05')
    return passed('low temperature sharpens the distribution, high temperature flattens it.')


class _Runaway(Exception):
    "Raised inside the toy model when a generation loop will not stop."


def _toy_model(bos, no_end=False, contexts=None):
    """A bigram model over the tokens 0, 1, 2 and BOS (3): next_probs(ids) draws from the last id's
    row, and notes every context it is given in `contexts` (a GPT reads them all)."""
    table = {0: [0.1, 0.5, 0.2, 0.2], 1: [0.4, 0.1, 0.3, 0.2], 2: [0.3, 0.3, 0.1, 0.3], bos: [0.5, 0.3, 0.2, 0.0]}
    contexts = [] if contexts is None else contexts

    def next_probs(ids):
        contexts.append(list(ids))
        if len(contexts) > 200:
            raise _Runaway
        probs = table[ids[-1]]
        return probs[:3] + [0.0] if no_end else probs
    return next_probs


def _generate(next_probs, bos, block_size, rng):
    "The reference: from [BOS], draw tokens until BOS or block_size tokens."
    ids = [bos]
    while len(ids) <= block_size:
        probs = next_probs(ids)
        token = rng.choices(range(len(probs)), weights=probs)[0]
        if token == bos:
            break
        ids.append(token)
    return ids[1:]


@guarded
def check_generate(generate):
    "Exercise: generate(next_probs, bos, block_size, rng) returns the ids of one generated document."
    bos, block_size = 3, 5
    for no_end in (False, True):
        for seed in range(12):
            contexts = []
            try:
                got = generate(_toy_model(bos, no_end, contexts), bos, block_size, random.Random(seed))
            except _Runaway:
                return failed('your loop never stopped when the model never chose BOS',
                              f'stop after block_size ({block_size}) tokens at the latest')
            except Exception as e:
                return failed(f'generate raised {type(e).__name__}: {e}',
                              'start from ids = [bos] and call next_probs(ids) for each new token')
            expected = _generate(_toy_model(bos, no_end), bos, block_size, random.Random(seed))
            if not isinstance(got, list):
                return failed(f'generate returned {type(got).__name__}, not a list of token ids',
                              'collect the drawn ids in a list (without the BOS you started from)')
            if bos in got:
                return failed(f'the result {got} contains BOS',
                              'BOS only marks the start and the end: leave it out, and stop when it is drawn')
            if len(got) > block_size:
                return failed(f'with block_size = {block_size} you generated {len(got)} tokens: {got}',
                              f'stop once {block_size} tokens follow BOS (BOS itself does not count)')
            seen = next((c for k, c in enumerate(contexts) if c != [bos] + got[:k]), None)
            if seen is not None and got == expected[:len(got)]:
                k = contexts.index(seen)
                return failed(f'to draw token {k + 1} you passed next_probs {seen}, not all {k + 1} ids so far',
                              'pass the whole list, BOS first: each token is chosen given all the ones before it')
            if len(got) == block_size - 1 and len(expected) == block_size and got == expected[:-1]:
                return failed(f'with block_size = {block_size} you stopped at {len(got)} tokens: {got}',
                              f'BOS does not count: {block_size} tokens may follow it')
            if got != expected:
                drew = f'you got {got}, a different draw' if got else 'your loop drew no token'
                return failed(f'with random.Random({seed}) {drew}',
                              'draw each token with rng.choices(range(len(probs)), weights=probs)[0], '
                              'passing all ids so far (starting with BOS) to next_probs')
    return passed('one token at a time, each chosen given all the ones before: that is autoregressive.')


def _probabilities(got, n):
    "got as a list of n floats, or None."
    try:
        got = [float(q) for q in got]
    except (TypeError, ValueError):
        return None
    return got if len(got) == n else None


def _check_trim(fn, name, cases, reference, mistakes):
    """Run fn on every case; the first answer that differs from the reference is explained by the
    first mistake that reproduces it, else described."""
    for probs, arg in cases:
        try:
            got = fn(list(probs), arg)
        except Exception as e:
            return failed(f'{name}({probs}, {arg}) raised {type(e).__name__}: {e}',
                          'sort the token ids from the likeliest down, keep some, share their probability out')
        want = reference(probs, arg)
        got_list = _probabilities(got, len(probs))
        if got_list is None:
            return failed(f'{name}({probs}, {arg}) returned {got!r}: not {len(probs)} probabilities',
                          'return one number per token, in the same order, with 0 for the tokens you drop')
        if _close(got_list, want):
            continue
        if abs(sum(got_list) - 1) > 1e-9:
            return failed(f'{name}({probs}, {arg}) adds up to {sum(got_list):.4f}',
                          'divide each kept probability by the sum of the kept ones')
        for mistake, hint in mistakes:
            if _close(got_list, mistake(probs, arg)):
                return failed(f'{name}({probs}, {arg}) = {[round(q, 4) for q in got_list]}', hint)
        return failed(f'{name}({probs}, {arg}) = {[round(q, 4) for q in got_list]}: '
                      'not the likeliest tokens, shared out again',
                      'sort the token ids by probability, the likeliest first, and keep from the front')
    return None


def _keep(probs, kept):
    total = sum(probs[i] for i in kept)
    return [q / total if i in kept else 0.0 for i, q in enumerate(probs)]


def _order(probs, reverse=False):
    return sorted(range(len(probs)), key=lambda i: probs[i] if reverse else -probs[i])


@guarded
def check_keep_top_k(keep_top_k):
    "Exercise: keep_top_k(probs, k) keeps the k likeliest probabilities, shared out again, 0 elsewhere."
    from ...sample import keep_top_k as reference
    cases = [([0.1, 0.4, 0.2, 0.3], 2), ([0.5, 0.3, 0.2], 1), ([0.05, 0.6, 0.05, 0.3], 3),
             ([0.25, 0.25, 0.25, 0.25], 2), ([0.2, 0.3, 0.5], 3)]
    mistakes = [
        (lambda p, k: _keep(p, {i for i, q in enumerate(p) if q >= sorted(p, reverse=True)[k - 1]}),
         'you kept every token that ties at the cut: keep exactly k, the lower token ids first'),
        (lambda p, k: list(p), 'you kept every token: keep only the k likeliest'),
        (lambda p, k: _keep(p, set(_order(p, reverse=True)[:k])),
         'you kept the least likely tokens: sort from the likeliest down'),
        (lambda p, k: _keep(p, set(_order(p)[:k + 1])), 'you kept one token too many: keep exactly k'),
        (lambda p, k: _keep(p, set(_order(p)[:max(k - 1, 1)])), 'you kept one token too few: keep exactly k'),
        (lambda p, k: _keep(p, set(sorted(range(len(p)), key=lambda i: (-p[i], -i))[:k])),
         'where probabilities tie at the cut, keep the lower token ids (sorted() keeps equal ones in order)'),
    ]
    problem = _check_trim(keep_top_k, 'keep_top_k', cases, reference, mistakes)
    return problem if problem is not None else passed('k tokens stay in the draw, whatever the model thinks '
                                                      'of the rest.')


def _top_p_before(probs, p, reverse=False):
    "The mistake of stopping before the token that takes the sum to p."
    kept, total = set(), 0.0
    for i in _order(probs, reverse):
        if kept and total + probs[i] > p:
            break
        kept.add(i)
        total += probs[i]
    return _keep(probs, kept)


def _top_p_strict(probs, p, reverse=False):
    "The mistake of going on until the sum is above p, not at least p (or from the least likely up)."
    kept, total = set(), 0.0
    for i in _order(probs, reverse):
        kept.add(i)
        total += probs[i]
        if total > p or (reverse and total >= p):
            break
    return _keep(probs, kept)


@guarded
def check_keep_top_p(keep_top_p):
    "Exercise: keep_top_p(probs, p) keeps the fewest likeliest tokens that add up to at least p."
    from ...sample import keep_top_p as reference
    cases = [([0.1, 0.6, 0.3], 0.5), ([0.1, 0.6, 0.3], 0.65), ([0.5, 0.25, 0.125, 0.125], 0.75),
             ([0.05, 0.15, 0.2, 0.6], 0.9), ([0.2, 0.3, 0.5], 1.0)]
    mistakes = [
        (lambda p, q: list(p), 'you kept every token: stop as soon as the kept ones add up to at least p'),
        (_top_p_before, 'keep the token that takes the sum to p or past it, too: the kept ones must add up '
                        'to at least p'),
        (_top_p_strict, 'stop as soon as the kept probabilities add up to at least p (>=, not >)'),
        (lambda p, q: _top_p_strict(p, q, reverse=True), 'go through the tokens from the likeliest down'),
    ]
    problem = _check_trim(keep_top_p, 'keep_top_p', cases, reference, mistakes)
    return problem if problem is not None else passed('few tokens where the model is sure, many where it '
                                                      'hesitates.')
