"""Checkers for the exercises of chapter 06 (attention)."""
import math
import random
from numbers import Real

from ...autograd import Value
from ...attention import attention_weights
from ...embeddings import GPTConfig
from . import failed, guarded, passed

# The keys of the chapter's worked example: exercise 1 asks for a query that picks the third.
TOY_KEYS = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]


def toy_weights(q):
    "The attention weights of query q over TOY_KEYS, as plain numbers."
    keys = [[Value(k) for k in key] for key in TOY_KEYS]
    return [w.data for w in attention_weights([Value(x) for x in q], keys)]


@guarded
def check_query(q):
    "Exercise 1: a query q (two numbers) that puts at least 90% of the weight on the third toy key."
    if (not isinstance(q, (list, tuple)) or len(q) != 2
            or not all(isinstance(x, Real) and not isinstance(x, bool) for x in q)):
        return failed(f'q should be a list of two numbers, got {q!r}', 'write it like q = [1.0, 2.0]')
    weights = toy_weights(q)
    shown = ', '.join(f'{w:.3f}' for w in weights)
    if weights[2] >= 0.9:
        return passed(f'the weights are [{shown}]: {weights[2]:.1%} on the third key.')
    if weights[2] < max(weights[:2]) + 1e-9:  # [10, 0] ties keys 1 and 3
        beaten = 'beats' if weights[2] < max(weights[:2]) - 1e-9 else 'ties with'
        return failed(f'the weights are [{shown}]: another key {beaten} the third one.',
                      'the scores are q[0], q[1] and q[0] + q[1] (before scaling): '
                      'make both entries positive, so that the third key scores highest.')
    return failed(f'the weights are [{shown}]: the third key wins, but with only {weights[2]:.0%}.',
                  'softmax sharpens as the scores move apart: make q longer (try multiplying it by 10).')


def reference_causal_weights(scores):
    "Row i: softmax over scores[i][0..i]; positions after i get weight 0."
    out = []
    for i, row in enumerate(scores):
        seen = row[:i + 1]
        top = max(seen)
        exps = [math.exp(s - top) for s in seen]
        out.append([e / sum(exps) for e in exps] + [0.0] * (len(row) - i - 1))
    return out


def _softmax_rows(scores, keep):
    "Softmax of each row over the positions j where keep(i, j); the others get 0."
    out = []
    for i, row in enumerate(scores):
        exps = [math.exp(s) if keep(i, j) else 0.0 for j, s in enumerate(row)]
        out.append([e / sum(exps) for e in exps] if sum(exps) else [float('nan')] * len(row))
    return out


def _close(a, b, tol=1e-9):
    return all(len(ra) == len(rb) and all(abs(x - y) <= tol for x, y in zip(ra, rb)) for ra, rb in zip(a, b))


@guarded
def check_causal_weights(fn):
    "Exercise 2: fn(scores) masks a square table of scores causally and softmaxes each row."
    rng = random.Random(5)
    scores = [[round(rng.uniform(-2, 2), 2) for _ in range(5)] for _ in range(5)]
    try:
        got = fn([row[:] for row in scores])
    except Exception as e:
        return failed(f'your function raised {type(e).__name__}: {e}',
                      'it receives a list of rows of plain numbers; use math.exp, not Value methods.')
    try:
        got = [[float(getattr(w, 'data', w)) for w in row] for row in got]
    except TypeError:
        return failed(f'your function returned {got!r}', 'return a list of rows, each a list of numbers.')
    if len(got) != len(scores) or any(len(row) != len(scores) for row in got):
        return failed(f'the result should be {len(scores)} rows of {len(scores)} numbers',
                      'keep the zeros for the masked positions, so that every row is as long as the input.')
    if _close(got, reference_causal_weights(scores)):
        return _check_large_scores(fn)
    if _close(got, _softmax_rows(scores, lambda i, j: True)):
        return failed('each row is a softmax over all positions, the future included.',
                      'before the softmax, drop (or set to -inf) every score with j > i.')
    if _close(got, _softmax_rows(scores, lambda i, j: j >= i)):
        return failed('row i attends to positions i, i+1, ...: the mask is flipped.',
                      'row i is the query at position i; it may look at columns j <= i only.')
    if _close(got, _softmax_rows(scores, lambda i, j: j < i)):
        return failed('a position never attends to itself.', 'keep the diagonal: row i may look at columns 0..i, i included.')
    ahead = [(i, j) for i, row in enumerate(got) for j, w in enumerate(row) if j > i and w != 0]
    if ahead:
        i, j = ahead[0]
        return failed(f'row {i} gives weight to position {j}, which comes later.',
                      'row i may look at columns 0..i only: mask every score with j > i.')
    if any(abs(sum(row) - 1) > 1e-6 for row in got):
        return failed('not every row sums to 1.', 'apply softmax to each row (after masking), so its weights add up to 1.')
    return failed('the weights differ from a softmax over the allowed scores.',
                  'for row i: take exp of scores[i][0..i], divide each by their sum, then pad with zeros.')


def _check_large_scores(fn):
    "Scores in the hundreds, as a trained model can give: exp() of them overflows unless the max is subtracted."
    scores = [[1000.0, 990.0, 1010.0], [-1000.0, -999.0, 0.0], [500.0, 501.0, 502.0]]
    try:
        got = [[float(getattr(w, 'data', w)) for w in row] for row in fn([row[:] for row in scores])]
    except (OverflowError, ZeroDivisionError) as e:
        return failed(f'with scores as large as 1000 your function raised {type(e).__name__}: {e}',
                      "subtract the largest allowed score of each row before math.exp, as chapter 05's "
                      'softmax does: the weights stay the same, and exp never sees a number above 0.')
    if not _close(got, reference_causal_weights(scores)):
        return failed('with scores as large as 1000 the weights come out wrong.',
                      'subtract the largest allowed score of each row before math.exp.')
    return passed('every row sums to 1 and no position looks ahead: the same weights the KV cache gives.')


def reference_cache_size(config, n_tokens):
    "A key and a value of n_embd numbers, for every token, in every layer."
    return 2 * config.n_layer * n_tokens * config.n_embd


@guarded
def check_cache_size(fn):
    "Exercise 3: fn(config, n_tokens) counts the numbers the KV cache holds after n_tokens tokens."
    cases = [(GPTConfig(), 8), (GPTConfig(n_embd=32, n_head=8, n_layer=3), 5), (GPTConfig(n_layer=2), 1)]
    for config, n in cases:
        want = reference_cache_size(config, n)
        try:
            got = fn(config, n)
        except Exception as e:
            return failed(f'your function raised {type(e).__name__}: {e}',
                          'use config.n_layer, config.n_embd and n_tokens.')
        if got == want:
            continue
        case = f'n_layer={config.n_layer}, n_embd={config.n_embd}, n_head={config.n_head}, {n} tokens'
        if got == want // 2:
            hint = 'the cache keeps two vectors per token: its key and its value.'
        elif got == want // config.n_layer:
            hint = 'every layer has its own attention, so its own cache.'
        elif got == want // config.n_head or got == want * config.n_head:
            hint = 'the heads share one n_embd-wide key (each takes a slice): count n_embd per key, not per head.'
        else:
            hint = 'per token and per layer the cache stores a key and a value, each n_embd numbers.'
        return failed(f'for {case} you counted {got!r}.', hint)
    return passed('keys and values, every token, every layer.')
