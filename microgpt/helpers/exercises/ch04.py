"""Checkers for the exercises of chapter 04 (parameters and embeddings)."""
from ...embeddings import GPTConfig
from . import failed, guarded, passed

# Model shapes the parameter count is tried on: the default and two others.
CONFIGS = [GPTConfig(), GPTConfig(vocab_size=65, n_embd=32, n_head=4, n_layer=3, block_size=64),
           GPTConfig(vocab_size=11, n_embd=8, n_head=2, n_layer=2, block_size=4)]


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
