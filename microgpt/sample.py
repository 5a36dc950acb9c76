import math
import random
from numbers import Real

from .autograd import Value
from .model import gpt, kv_cache


def check_temperature(temperature):
    if isinstance(temperature, bool) or not isinstance(temperature, Real) or not math.isfinite(temperature):
        raise TypeError(f"temperature must be a finite number, got {temperature!r}")
    if temperature < 0:
        raise ValueError(f"temperature must be 0 (greedy) or positive, got {temperature}")
    return temperature


def next_token_probs(logits, temperature):
    "Probabilities of the next token: softmax of logits / temperature. Temperature 0 puts all on the argmax."
    check_temperature(temperature)
    scores = [l.data if isinstance(l, Value) else l for l in logits]  # Values from gpt(), or plain floats
    if temperature == 0:
        best = scores.index(max(scores))
        return [float(i == best) for i in range(len(scores))]
    scores = [s * temperature ** -1 for s in scores]  # as Value division does: s * (1/T)
    max_s = max(scores)
    exps = [math.exp(s - max_s) for s in scores]
    total = sum(exps)
    return [e * total ** -1 for e in exps]


def sample(state_dict, config, tokenizer, temperature=0.5, rng=random):
    "Generate one document: start from BOS, draw each next token, stop at BOS or the block size."
    keys, values = kv_cache(config)
    token_id, out = tokenizer.bos, []
    for pos_id in range(config.block_size):
        probs = next_token_probs(gpt(token_id, pos_id, keys, values, state_dict, config), temperature)
        token_id = rng.choices(range(tokenizer.vocab_size), weights=probs)[0]
        if token_id == tokenizer.bos:
            break
        out.append(token_id)
    return tokenizer.decode(out)
