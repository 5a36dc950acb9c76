"""Checkers for chapter 08 (sampling)."""
import math
import random

from . import failed, passed


def _tempered(scores, temperature):
    "The reference: softmax of scores / temperature, shifted by the max so exp() cannot overflow."
    scaled = [s / temperature for s in scores]
    top = max(scaled)
    exps = [math.exp(s - top) for s in scaled]
    return [e / sum(exps) for e in exps]


def _close(a, b):
    return len(a) == len(b) and all(abs(x - y) <= 1e-9 for x, y in zip(a, b))


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
        return failed(f'tempered_probs({scores}, {t}) = {[round(p, 4) for p in got]}, '
                      f'expected {[round(p, 4) for p in expected]}',
                      'probs = exp(s / T - max) / sum of those, for each score s')
    return passed('low temperature sharpens the distribution, high temperature flattens it.')


class _Runaway(Exception):
    "Raised inside the toy model when a generation loop will not stop."


def _toy_model(bos, no_end=False):
    "A bigram model over the tokens 0, 1, 2 and BOS (3): next_probs(ids) looks at the last id only."
    table = {0: [0.1, 0.5, 0.2, 0.2], 1: [0.4, 0.1, 0.3, 0.2], 2: [0.3, 0.3, 0.1, 0.3], bos: [0.5, 0.3, 0.2, 0.0]}
    calls = []

    def next_probs(ids):
        calls.append(1)
        if len(calls) > 200:
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


def check_generate(generate):
    "Exercise: generate(next_probs, bos, block_size, rng) returns the ids of one generated document."
    bos, block_size = 3, 5
    for no_end in (False, True):
        for seed in range(12):
            try:
                got = generate(_toy_model(bos, no_end), bos, block_size, random.Random(seed))
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
                return failed(f'you generated {len(got)} tokens, more than block_size={block_size}',
                              'the model cannot see further back than block_size: stop there')
            if got != expected:
                return failed(f'with random.Random({seed}) you got {got}, the reference gets {expected}',
                              'draw each token with rng.choices(range(len(probs)), weights=probs)[0], '
                              'passing all ids so far (starting with BOS) to next_probs')
    return passed('one token at a time, each chosen given all the ones before: that is autoregressive.')
