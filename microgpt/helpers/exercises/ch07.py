"""Checkers for the exercises of chapter 07 (MLP, normalization, residuals, the whole GPT)."""
import random

from ...attention import attention
from ...autograd import Value
from ...embeddings import GPTConfig, init_state_dict, matrix, parameters
from ...model import mlp, rmsnorm
from . import failed, guarded, passed


def _add(a, b):
    return [ai + bi for ai, bi in zip(a, b)]


def reference_layer(x, state_dict, layer, keys, values, n_head):
    "One layer as gpt() runs it: attention, then the MLP, each on a normalized copy and each added."
    x = _add(attention(rmsnorm(x), state_dict, layer, keys, values, n_head), x)
    return _add(mlp(rmsnorm(x), state_dict, layer), x)


# Layers with one typical slip each, and what to say when an answer matches one of them.
def _no_attention_residual(x, sd, layer, keys, values, n_head):
    x = attention(rmsnorm(x), sd, layer, keys, values, n_head)
    return _add(mlp(rmsnorm(x), sd, layer), x)


def _no_mlp_residual(x, sd, layer, keys, values, n_head):
    x = _add(attention(rmsnorm(x), sd, layer, keys, values, n_head), x)
    return mlp(rmsnorm(x), sd, layer)


def _post_norm(x, sd, layer, keys, values, n_head):
    x = rmsnorm(_add(attention(x, sd, layer, keys, values, n_head), x))
    return rmsnorm(_add(mlp(x, sd, layer), x))


def _norm_the_stream(x, sd, layer, keys, values, n_head):
    x = rmsnorm(x)
    x = rmsnorm(_add(attention(x, sd, layer, keys, values, n_head), x))
    return _add(mlp(x, sd, layer), x)


def _no_norm(x, sd, layer, keys, values, n_head):
    x = _add(attention(x, sd, layer, keys, values, n_head), x)
    return _add(mlp(x, sd, layer), x)


def _mlp_first(x, sd, layer, keys, values, n_head):
    x = _add(mlp(rmsnorm(x), sd, layer), x)
    return _add(attention(rmsnorm(x), sd, layer, keys, values, n_head), x)


SLIPS = [
    (_no_attention_residual, 'the attention block replaces x instead of adding to it.',
     'x = [a + xi for a, xi in zip(attention_output, x)]: add, don\'t replace.'),
    (_no_mlp_residual, 'the MLP block replaces x instead of adding to it.',
     'return the MLP output added to x, element by element.'),
    (_post_norm, 'you normalize after adding (post-normalization).',
     'normalize the *input* of each block: attention(rmsnorm(x), ...) and mlp(rmsnorm(x), ...).'),
    (_norm_the_stream, 'you normalize x itself, so the residual adds to the normalized vector.',
     'give each block a normalized copy, rmsnorm(x), but add its output to the original x.'),
    (_no_norm, 'the blocks see x without normalization.', 'pass rmsnorm(x) to attention and to mlp.'),
    (_mlp_first, 'the MLP runs before attention.', 'attention first (gather from the past), then the MLP.'),
]


def _layer_inputs():
    "A tiny model whose every weight is non-zero, and three input vectors not yet normalized."
    config = GPTConfig(vocab_size=5, n_embd=8, n_head=2, n_layer=1, block_size=4)
    rng = random.Random(6)
    sd = init_state_dict(config, rng, std=0.5)
    sd['layer0.attn_wo'] = matrix(8, 8, rng, 0.5)  # the recipe starts these at zero, which would
    sd['layer0.mlp_fc2'] = matrix(8, 32, rng, 0.5)  # hide whether an output is added or not
    xs = [[Value(rng.gauss(0, 3)) for _ in range(8)] for _ in range(3)]
    return config, sd, xs


class CacheMisuse(Exception):
    "The layer under test did not add exactly one key and one value per position."


def _run(layer_fn, config, sd, xs, check_cache=False):
    "Feed the inputs through layer_fn one position at a time with one cache; the outputs as numbers."
    keys, values, outs = [], [], []
    for pos, x in enumerate(xs):
        out = layer_fn(x, sd, 0, keys, values, config.n_head)
        if check_cache and (len(keys) != pos + 1 or len(values) != pos + 1):
            raise CacheMisuse(f'after position {pos} the cache holds {len(keys)} keys and {len(values)} '
                              f'values, but it should hold {pos + 1} of each')
        outs.append([float(getattr(o, 'data', o)) for o in out])
    return outs


def _close(a, b, tol=1e-9):
    return len(a) == len(b) and all(len(ra) == len(rb) and all(abs(x - y) <= tol for x, y in zip(ra, rb))
                                    for ra, rb in zip(a, b))


@guarded
def check_layer(fn):
    "Exercise 1: fn(x, state_dict, layer, keys, values, n_head) runs one transformer layer."
    config, sd, xs = _layer_inputs()
    try:
        got = _run(fn, config, sd, xs, check_cache=True)
    except CacheMisuse as e:
        return failed(str(e), 'call attention exactly once per position, passing it the keys and values you were given.')
    except Exception as e:
        return failed(f'your layer raised {type(e).__name__}: {e}',
                      'use attention(...), mlp(x, state_dict, layer) and rmsnorm(x) from this chapter.')
    if _close(got, _run(reference_layer, config, sd, xs)):
        return passed('attention then MLP, each with pre-normalization and a residual connection.')
    for slip, problem, hint in SLIPS:
        if _close(got, _run(slip, config, sd, xs)):
            return failed(problem, hint)
    return failed('the output differs from the layer in gpt().',
                  'two steps, one after the other:\n  x = x + attention(rmsnorm(x), ...)\n  x = x + mlp(rmsnorm(x), ...)')


def _parts(c):
    "The model's weight matrices in groups, and how many numbers each group holds."
    return {'the token embedding wte (vocab_size x n_embd)': c.vocab_size * c.n_embd,
            'the position embedding wpe (block_size x n_embd)': c.block_size * c.n_embd,
            'the language-model head lm_head (vocab_size x n_embd)': c.vocab_size * c.n_embd,
            'the attention weights (4 matrices n_embd x n_embd per layer)': 4 * c.n_layer * c.n_embd ** 2,
            'the MLP weights (2 matrices 4*n_embd x n_embd per layer)': 8 * c.n_layer * c.n_embd ** 2}


@guarded
def check_parameter_count(fn):
    "Exercise 2: fn(config) gives the number of parameters of a model of that shape."
    configs = [GPTConfig(), GPTConfig(vocab_size=10, n_embd=8, n_head=2, n_layer=2, block_size=5),
               GPTConfig(vocab_size=50, n_embd=32, n_head=8, n_layer=2, block_size=16)]
    for c in configs:
        want = len(parameters(init_state_dict(c, random.Random(0))))
        try:
            got = fn(c)
        except Exception as e:
            return failed(f'your function raised {type(e).__name__}: {e}',
                          'read the sizes from config.vocab_size, n_embd, n_layer and block_size.')
        if got == want:
            continue
        shape = (f'vocab_size={c.vocab_size}, n_embd={c.n_embd}, n_head={c.n_head}, '
                 f'n_layer={c.n_layer}, block_size={c.block_size}')
        parts = _parts(c).items()
        missing = [part for part, size in parts if got == want - size]
        if missing:
            return failed(f'for {shape} you counted {got!r}: you left out {" or ".join(missing)}.', 'add it in.')
        doubled = [part for part, size in parts if got == want + size]
        if doubled:
            return failed(f'for {shape} you counted {got!r}: you counted {" or ".join(doubled)} twice.',
                          'count each matrix once.')
        per_layer = 12 * c.n_embd ** 2
        if c.n_layer > 1 and got == want - (c.n_layer - 1) * per_layer:
            return failed(f'for {shape} you counted {got!r}: one layer only.',
                          'every layer has its own attention and MLP weights: multiply by n_layer.')
        return failed(f'for {shape} you counted {got!r}.',
                      'add up ' + '; '.join(_parts(c)) + '.')
    return passed('every matrix counted, for every shape.')
