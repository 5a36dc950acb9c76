"""Predict first: the learner writes a guess down, then the model's answer is compared with it.

`reveal('6.3', my_guess)` prints "you predicted ..., the model gives ...: right / close / far" for
each part of the guess. While the guess is still `...` it asks for one and shows nothing else, so
running a whole chapter gives no prediction away. Every truth is measured, not typed in.
"""
import random
from numbers import Real

from ...autograd import Value
from ...embeddings import GPTConfig, init_state_dict, parameters
from . import wrap


def _recipe(config=None):
    config = config or GPTConfig()
    return config, init_state_dict(config, random.Random(42))


def _query():
    from .ch06 import toy_weights
    short, long = toy_weights([1.0, 2.0])[2], toy_weights([2.0, 4.0])[2]
    word = 'more' if long > short + 1e-9 else 'less' if long < short - 1e-9 else 'same'
    return [(word, f'{long:.0%} with [2, 4], {short:.0%} with [1, 2]')], (
        'the same direction, twice as long, doubles every score: the softmax sharpens')


def _mask():
    from .ch06 import reference_causal_weights
    rng = random.Random(0)
    scores = [[rng.uniform(-3, 3) for _ in range(4)] for _ in range(4)]
    row_0 = reference_causal_weights(scores)[0]
    last = reference_causal_weights([[1.0] * 4 for _ in range(4)])[-1]
    return [(row_0, 'row 0'), (last, 'the last row, equal scores')], (
        'position 0 sees only itself; equal scores share the weight evenly')


def _cache_numbers(n_head):
    from ...model import gpt, kv_cache
    config, sd = _recipe(GPTConfig(n_head=n_head))
    keys, values = kv_cache(config)
    for pos in range(config.block_size):
        gpt(0, pos, keys, values, sd, config)
    return sum(len(vector) for layer in keys + values for vector in layer)


def _cache():
    four, two = _cache_numbers(4), _cache_numbers(2)
    return [(four, 'numbers after 8 tokens'), ('same' if two == four else 'changes', f'{two} with 2 heads')], (
        'a key and a value of n_embd numbers per token and layer; heads only split them')


def _layer():
    from ...attention import attention
    config, sd = _recipe()
    x = [Value(random.Random(1).gauss(0, 1)) for _ in range(config.n_embd)]
    out = attention(x, sd, 0, [], [], config.n_head)  # the starting my_layer
    word = ('zeros' if all(o.data == 0 for o in out)
            else 'x' if all(abs(o.data - xi.data) < 1e-12 for o, xi in zip(out, x))
            else 'other')
    return [(word, 'what attention alone returns')], (
        'attn_wo starts at zero, so attention alone returns zeros; a correct layer returns x, '
        'and so would a layer missing a block: only non-zero weights tell them apart')


def _counts(n_embd):
    config, sd = _recipe(GPTConfig(n_embd=n_embd))
    outer = sum(len(m) * len(m[0]) for name, m in sd.items() if not name.startswith('layer'))
    return outer, len(parameters(sd)) - outer


def _growth():
    (outer, inner), (outer2, inner2) = _counts(16), _counts(32)
    return [(outer2 / outer, f'embeddings and head: {outer:,} to {outer2:,}'),
            (inner2 / inner, f'the layer: {inner:,} to {inner2:,}')], (
        'the embeddings grow with n_embd, the layers\' square matrices with its square')


def _first_average():
    from .ch08 import _smoothed
    firsts = {_smoothed([2.0, 7.0, 1.0], beta)[0] for beta in (0.5, 0.9, 0.99)}
    [first] = firsts
    return [(first, 'the first average, for beta 0.5, 0.9 and 0.99')], (
        '(1 - beta) * x, divided by the correction 1 - beta: the first value itself')


def _forgotten_backward():
    from ...optim import Adam, document_loss
    config, sd = _recipe()
    params = parameters(sd)
    before = [p.data for p in params]
    optimizer = Adam(params)
    document_loss([config.vocab_size - 1, 0, 1, config.vocab_size - 1], sd, config)
    optimizer.step(0.01)  # no backward: every gradient is still 0
    moved = sum(p.data != b for p, b in zip(params, before))
    return [('quiet', f'no error; {moved} of {len(params):,} parameters moved')], (
        'a gradient of 0 gives Adam a step of 0: nothing moves, nothing complains')


def _hot():
    from .ch09 import _tempered
    rng = random.Random(0)
    probs = _tempered([rng.uniform(-5, 5) for _ in range(27)], 1000.0)
    return [(max(probs), f'the largest of 27 at temperature 1000; the smallest {min(probs):.4f}')], (
        'scores divided by a huge temperature are all near 0: every token gets about 1/27')


def _loop():
    from .ch09 import _generate, _toy_model
    model, calls = _toy_model(3, no_end=True), []
    ids = _generate(lambda ids: calls.append(1) or model(ids), 3, 8, random.Random(0))
    return [(len(ids), 'the longest list'), (len(calls), 'calls to next_probs')], (
        'one call per drawn token, and the first one is made from [BOS] alone')


def _one_token():
    from ...sample import keep_top_k, next_token_probs
    logits = [random.Random(0).uniform(-3, 3) for _ in range(27)]
    kept = keep_top_k(next_token_probs(logits, 1.5), 1)
    word = 'greedy' if kept == next_token_probs(logits, 0) else 'other'
    return [(word, 'k = 1 at temperature 1.5, against temperature 0')], (
        'the one token left gets all the probability: the likeliest, which greedy decoding takes')


def _nucleus():
    from ...floats import float_weights, gpt_floats
    from ...model import kv_cache
    from ...sample import keep_top_p, next_token_probs
    from ..checkpoint import load_checkpoint
    ckpt = load_checkpoint()
    keys, values = kv_cache(ckpt.config)
    logits = gpt_floats(ckpt.tokenizer.bos, 0, keys, values, float_weights(ckpt.state_dict), ckpt.config)
    kept = sum(q > 0 for q in keep_top_p(next_token_probs(logits, 1.0), 0.9))
    return [(kept, 'tokens kept for the first letter, p = 0.9')], (
        'a first letter is open: many letters share the probability, so the nucleus is wide')


def _first_output():
    import numpy as np

    from .ch10 import _causal_attention
    q, k, v = np.random.default_rng(0).normal(size=(3, 5, 4))
    out = _causal_attention(q, k, v)
    return [('v[0]' if np.allclose(out[0], v[0]) else 'other', 'out[0]')], (
        'position 0 attends to itself alone, with weight 1')


def _calls():
    n = len(parameters(_recipe()[1]))
    return [(2 * n, f'calls for the {n:,} weights')], (
        'two forward passes per weight: check a few weights, not the whole model')


def _pooled():
    from .ch11 import reference_pooled_loss
    pooled = reference_pooled_loss([2.0, 3.0], [1, 3])
    return [(pooled, 'the pooled loss; the mean of the losses is 2.5')], (
        'larger than the mean when the longer names have the higher losses')


def _bigram_held_out():
    "The bigram table's held-out loss, as chapter 05 measures it."
    from ...loss import bigram_counts, bigram_loss, bigram_probs
    from ...tokenizer import Tokenizer, held_out_split, load_docs
    docs = load_docs()
    random.Random(42).shuffle(docs)
    tok = Tokenizer.from_docs(docs)
    train_docs, held_out = held_out_split(docs)
    return bigram_loss(bigram_probs(bigram_counts(train_docs, tok, 8)), held_out, tok, 8)


def _bigram():
    return [(_bigram_held_out(), 'the bigram table on the held-out names')], (
        'knowing only the token before (a letter, or BOS at the start) cuts the loss from ln 27 = 3.30 '
        'by about a quarter')


def _bigram_perplexity():
    import math
    loss = _bigram_held_out()
    return [(math.exp(loss), f'e ** {loss:.4f}, the bigram table\'s held-out perplexity')], (
        'a loss of about 2.48 nats: as unsure as a choice among about 12 equally likely letters')


def _batch_noise():
    import numpy as np

    from ... import fast
    from ...practice import batch_gradient
    from ...tokenizer import held_out_split, load_docs
    from ..checkpoint import load_checkpoint
    ckpt = load_checkpoint()  # the reference model, as chapter 12 retrains it
    docs = load_docs()
    random.Random(42).shuffle(docs)
    params, pool, tok = fast.from_state_dict(ckpt.state_dict), held_out_split(docs)[0][:1024], ckpt.tokenizer
    per_name = [batch_gradient([d], tok, params, ckpt.config)[1] for d in pool]
    whole, draw = np.mean(per_name, axis=0), random.Random(0)
    noise = {B: np.mean([np.linalg.norm(np.mean(draw.sample(per_name, B), axis=0) - whole) for _ in range(32)])
             for B in (1, 16)}
    return [(float(noise[1] / noise[16]), 'times less noise with 16 names than with 1')], (
        'the noise of a mean of B independent gradients falls as 1 / sqrt(B): sqrt(16) = 4')


def _best_rate():
    from ... import fast
    from ...practice import train_in_batches
    from ...scale import mean_loss
    from ..checkpoint import load_checkpoint
    from ...tokenizer import held_out_split, load_docs
    config, tok = load_checkpoint().config, load_checkpoint().tokenizer
    docs = load_docs()
    random.Random(42).shuffle(docs)
    train_docs, val_docs = held_out_split(docs)
    scores = {}
    for lr in (0.01, 0.02, 0.04, 0.08):
        weights = fast.init_params(config, random.Random(42))
        weights.data[:] = weights.data.round(6)
        for _ in train_in_batches(train_docs[:512], tok, weights, config, fast.Adam(weights, lr=lr), 16):
            pass
        scores[lr] = mean_loss(val_docs[:300], tok, weights, config)
    return [(min(scores, key=scores.get), 'the best rate for B = 16, 32 steps')], (
        'fewer, less noisy steps: each can afford to be longer')


def _schedule():
    from .ch12 import reference_warmup_then_decay
    return [(reference_warmup_then_decay(150, 300, 0.7, 100), 'the rate at step 150')], (
        'a quarter of the way along the cosine: 0.07 + 0.5 * (1 + cos(pi / 4)) * 0.63')


def _letter():
    from .ch13 import _activations
    fires = _activations(57, 1)
    return [(max(fires, key=fires.get), 'the letter unit 57 likes at position 1')], (
        'where a letter stands changes what a unit switches on')


def _padding():
    from ...tokenizer import Tokenizer, load_docs
    tok = Tokenizer.from_docs(load_docs())
    seqs = [tok.sequence(name, 8) for name in ('ava', 'emma', 'isabella')]
    rows, width = len(seqs), max(len(s) for s in seqs) - 1
    return [(rows * width, 'targets in the table'), (sum(len(s) - 1 for s in seqs), 'that count')], (
        'three rows as long as the longest (8); 4 + 5 + 8 targets are real, the other 7 are -1')


# exercise: (how to write the guess, what measures the truth)
PREDICTIONS = {
    '5.1': ('a number', _bigram),
    '6.1': ("'more', 'less' or 'same'", _query),
    '6.2': ('(row 0, last row): two lists of 4 weights', _mask),
    '6.3': ("(a number, 'same' or 'changes')", _cache),
    '7.1': ("'x', 'zeros' or 'other'", _layer),
    '7.2': ('(factor for embeddings and head, factor for the layer)', _growth),
    '8.1': ('a number', _first_average),
    '8.2': ("'crash' or 'quiet'", _forgotten_backward),
    '9.1': ('a number', _hot),
    '9.2': ('(longest list, calls)', _loop),
    '9.3': ("'greedy', 'uniform' or 'unchanged'", _one_token),
    '9.4': ('a number', _nucleus),
    '10.1': ("'v[0]', 'q[0]', 'the mean of v' or 'zeros'", _first_output),
    '10.2': ('a number', _calls),
    '11.1': ('a number', _pooled),
    '11.2': ('a number', _bigram_perplexity),
    '12.1': ('a number', _batch_noise),
    '12.2': ('0.01, 0.02, 0.04 or 0.08', _best_rate),
    '12.3': ('a number', _schedule),
    '13.1': ("a letter, e.g. 's'", _letter),
    '14.1': ('(targets in the table, targets that count)', _padding),
}


def _words(x):
    return str(x).strip().strip('\'"').lower().replace(' ', '')


def _compare(guess, truth):
    "right, close or far."
    if isinstance(truth, str):
        return 'right' if _words(guess) == _words(truth) else 'not this time'
    if isinstance(truth, list):
        if not isinstance(guess, (list, tuple)) or len(guess) != len(truth):
            return f'far: {len(truth)} numbers are expected'
        if not all(isinstance(g, Real) for g in guess):
            return 'far: numbers are expected'
        worst = max(abs(g - t) for g, t in zip(guess, truth))
        return 'right' if worst <= 0.005 else 'close' if worst <= 0.05 else 'far'
    if not isinstance(guess, Real) or isinstance(guess, bool):
        return 'far: a number is expected'
    gap = abs(guess - truth) / max(abs(truth), 1e-12)
    return 'right' if gap <= 0.005 else 'close' if gap <= 0.1 else 'far'


def _shown(x):
    if isinstance(x, float):
        return f'{x:.4g}'
    if isinstance(x, int) and not isinstance(x, bool):
        return f'{x:,}'
    if isinstance(x, list):
        return '[' + ', '.join(f'{v:.3g}' for v in x) + ']'
    return repr(x)


def _say(text):
    "One sentence, wrapped as the checkers' verdicts are: it fits a cell at 1024 px."
    print(wrap(text))


def reveal(exercise, guess):
    "Print the guess next to the model's answer, part by part; without a guess, ask for one."
    form, measure = PREDICTIONS[exercise]
    if guess is ... or (isinstance(guess, tuple) and any(g is ... for g in guess)):
        # Two short lines: a cell's output must fit a 1024 px screen.
        print('Write your guess in my_guess first, then run the cell again.\n'
              f'The form of a guess: {form}')
        return
    parts, why = measure()
    guesses = guess if len(parts) > 1 and isinstance(guess, tuple) else (guess,)
    if len(guesses) != len(parts):
        _say(f'my_guess should be {form}, got {guess!r}.')
        return
    for g, (truth, what) in zip(guesses, parts):
        _say(f'You predicted {_shown(g)}, the model gives {_shown(truth)} ({what}): {_compare(g, truth)}.')
    _say(f'Why: {why}.')
