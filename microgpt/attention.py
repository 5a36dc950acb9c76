from .embeddings import linear, softmax


def attention_head(q, keys, values):
    "One head: score every cached key against the query, then average the values by those weights."
    scale = len(q) ** 0.5
    scores = [sum(qj * kj for qj, kj in zip(q, k)) / scale for k in keys]
    weights = softmax(scores)
    return [sum(w * v[j] for w, v in zip(weights, values)) for j in range(len(q))]


def attention(x, state_dict, layer, keys, values, n_head):
    "Multi-head attention for one new token. Its key and value join the cache, so it sees only the past."
    q = linear(x, state_dict[f'layer{layer}.attn_wq'])
    keys.append(linear(x, state_dict[f'layer{layer}.attn_wk']))
    values.append(linear(x, state_dict[f'layer{layer}.attn_wv']))
    head_dim = len(x) // n_head
    out = []
    for h in range(0, len(x), head_dim):
        out += attention_head(q[h:h + head_dim], [k[h:h + head_dim] for k in keys],
                              [v[h:h + head_dim] for v in values])
    return linear(out, state_dict[f'layer{layer}.attn_wo'])
