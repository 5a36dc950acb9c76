"""Checkers for the exercises of chapter 04 (embeddings, softmax, cross-entropy)."""
import math
from numbers import Real

from ...embeddings import GPTConfig
from . import failed, guarded, passed

# Model shapes the parameter count is tried on: the default and two others.
CONFIGS = [GPTConfig(), GPTConfig(vocab_size=65, n_embd=32, n_head=4, n_layer=3, block_size=64),
           GPTConfig(vocab_size=11, n_embd=8, n_head=2, n_layer=2, block_size=4)]
# Exercise 3 asks about a vocabulary of this size (the characters of a play, say).
VOCAB_SIZE = 65


def _count(c):
    "wte and lm_head, wpe, then per layer four attention matrices and an MLP of 4x width."
    return 2 * c.vocab_size * c.n_embd + c.block_size * c.n_embd + c.n_layer * 12 * c.n_embd ** 2


def _count_hint(c, missing):
    "A hint from how many parameters are missing (negative: too many)."
    e2 = c.n_embd ** 2
    # A list, not a dict: two mistakes can miss the same count (n_layer=3,
    # n_embd=32: 2 layers of 12 e2 = 3 layers of 8 e2). The defaults
    # (n_layer=1) are checked first, so a miss that shows only on another
    # config is the forgotten n_layer: its hint comes first.
    known = [((c.n_layer - 1) * 12 * e2, 'every layer has its own attention and MLP: multiply by n_layer'),
             (c.vocab_size * c.n_embd, 'wte and lm_head are both vocab_size x n_embd: count both'),
             (c.block_size * c.n_embd, 'the position table wpe (block_size x n_embd) is missing'),
             (c.n_layer * 6 * e2, 'mlp_fc1 is (4 n_embd) x n_embd and mlp_fc2 is n_embd x (4 n_embd)'),
             (c.n_layer * 4 * e2, 'the four attention matrices (attn_wq, wk, wv, wo) are n_embd x n_embd each'),
             (c.n_layer * 8 * e2, 'the two MLP matrices are missing')]
    return next((hint for count, hint in known if count == missing),
                'add rows x columns over every matrix that init_state_dict makes')


@guarded
def check_count_parameters(count_parameters):
    "Exercise 1: count_parameters(config) computes the number of parameters from the shapes alone."
    for c in CONFIGS:
        try:
            got = count_parameters(c)
        except Exception as e:
            return failed(f'count_parameters({c}) raised {type(e).__name__}: {e}',
                          'use the fields of the config: c.vocab_size, c.n_embd, c.block_size, c.n_layer')
        expected = _count(c)
        if not isinstance(got, int) or isinstance(got, bool):
            return failed(f'count_parameters({c}) returned {got!r}, not a whole number',
                          'return an int: a sum of rows x columns')
        if got != expected:
            return failed(f'count_parameters({c}) returned {got:,}: too {"few" if got < expected else "many"}',
                          _count_hint(c, expected - got))
    return passed(f'{_count(CONFIGS[0]):,} for the defaults; the n_embd ** 2 terms grow fastest.')


def _reference_softmax(xs):
    m = max(xs)
    exps = [math.exp(x - m) for x in xs]
    return [e / sum(exps) for e in exps]


@guarded
def check_stable_softmax(stable_softmax):
    "Exercise 2: stable_softmax(xs) on plain floats, safe for very large and very small logits."
    for xs in ([1.0, 2.0, 3.0], [1000.0, 999.0, 998.0], [-1000.0, -1001.0], [0.5]):
        try:
            got = stable_softmax(list(xs))
        except (OverflowError, ZeroDivisionError) as e:
            return failed(f'stable_softmax({xs}) raised {type(e).__name__}: {e}',
                          'subtract the largest logit before exp(): the biggest term becomes exp(0) = 1, '
                          'so nothing overflows and the total is at least 1')
        except Exception as e:
            return failed(f'stable_softmax({xs}) raised {type(e).__name__}: {e}',
                          'take a list of floats and return a list of floats, using math.exp')
        if got is None:
            return failed('stable_softmax returned None', 'end the function with `return probs`')
        if not isinstance(got, (list, tuple)):
            return failed(f'stable_softmax({xs}) returned {got!r}', 'return a list: one probability per logit')
        got = [getattr(p, 'data', p) for p in got]  # accept Values too
        if len(got) != len(xs) or not all(isinstance(p, Real) for p in got):
            return failed(f'stable_softmax({xs}) returned {got!r}', 'return one probability (a float) per logit')
        if abs(sum(got) - 1) > 1e-9:
            return failed(f'for {xs} the probabilities add up to {sum(got):.6g}',
                          'divide every exp() by their total, so that they add up to 1')
        expected = _reference_softmax(xs)
        if any(abs(p - q) > 1e-9 for p, q in zip(got, expected)):
            return failed(f'stable_softmax({xs}) gave {[round(p, 4) for p in got]}: not the softmax of {xs}',
                          'exp(x - max) for every x, each divided by the total of them all')
    return passed('the same probabilities as the naive formula, without the overflow.')


@guarded
def check_initial_loss(answer):
    "Exercise 3: the loss of a uniform guess over VOCAB_SIZE tokens."
    expected = math.log(VOCAB_SIZE)
    if isinstance(answer, bool) or not isinstance(answer, Real):
        return failed(f'the answer should be a number, got {answer!r}', 'compute it with math.log')
    if abs(answer - expected) < 1e-3:
        return passed(f'ln {VOCAB_SIZE} = {expected:.4f}: a model that knows nothing starts near here.')
    mistakes = [(math.log2(VOCAB_SIZE), 'that is the logarithm base 2: cross-entropy uses the natural log, math.log'),
                (math.log10(VOCAB_SIZE), 'that is the logarithm base 10: cross-entropy uses the natural log, math.log'),
                (1 / VOCAB_SIZE, 'that is the probability of the right token; the loss is minus its log'),
                (-expected, 'check the sign: the loss is minus the log of a probability, so it is positive')]
    for value, hint in mistakes:
        if abs(answer - value) < 1e-3:
            return failed(f'{answer:.4g} is not the loss', hint)
    return failed(f'{answer:.4g} is not the loss',
                  f'a uniform guess gives every token probability 1/{VOCAB_SIZE}; the loss is -log of that')
