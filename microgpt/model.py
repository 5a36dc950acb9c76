from .attention import attention
from .embeddings import embed, linear


def rmsnorm(x):
    "Rescale a vector to root-mean-square 1, so that no layer's input grows or shrinks without bound."
    ms = sum(xi * xi for xi in x) / len(x)
    scale = (ms + 1e-5) ** -0.5
    return [xi * scale for xi in x]


def mlp(x, state_dict, layer):
    "Widen 4x, apply ReLU squared, narrow back: each position thinks on its own."
    h = linear(x, state_dict[f'layer{layer}.mlp_fc1'])
    h = [hi.relu() ** 2 for hi in h]
    return linear(h, state_dict[f'layer{layer}.mlp_fc2'])


def kv_cache(config):
    "Empty key and value lists, one pair per layer, filled as tokens are fed in."
    return [[] for _ in range(config.n_layer)], [[] for _ in range(config.n_layer)]


def gpt(token_id, pos_id, keys, values, state_dict, config):
    "The whole model for one position: logits over the next token, given this token and the cached past."
    if not 0 <= pos_id < config.block_size:
        raise IndexError(f"position {pos_id} is beyond the block size {config.block_size}: "
                         "cut sequences to block_size tokens")
    x = rmsnorm(embed(token_id, pos_id, state_dict))
    for layer in range(config.n_layer):
        a = attention(rmsnorm(x), state_dict, layer, keys[layer], values[layer], config.n_head)
        x = [ai + xi for ai, xi in zip(a, x)]  # residual: add, don't replace
        m = mlp(rmsnorm(x), state_dict, layer)
        x = [mi + xi for mi, xi in zip(m, x)]
    return linear(x, state_dict['lm_head'])
