import math
from dataclasses import dataclass

from .autograd import Value


@dataclass
class GPTConfig:
    "The hyperparameters: the model's shape, chosen before training and fixed during it."
    vocab_size: int = 27
    n_embd: int = 16     # width of every vector that flows through the model
    n_head: int = 4      # attention heads, each n_embd // n_head wide
    n_layer: int = 1     # transformer layers
    block_size: int = 8  # the longest context the model sees

    def __post_init__(self):
        for name, value in vars(self).items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive whole number, got {value!r}")
        if self.n_embd % self.n_head:
            raise ValueError(f"n_embd ({self.n_embd}) must be divisible by n_head ({self.n_head}): "
                             "every head gets an equal slice of the embedding")

    @property
    def head_dim(self):
        return self.n_embd // self.n_head


def matrix(nout, nin, rng, std=0.02):
    "A weight matrix of nout rows and nin columns, drawn row by row from a Gaussian."
    return [[Value(rng.gauss(0, std)) for _ in range(nin)] for _ in range(nout)]


def init_state_dict(config, rng, std=0.02):
    "Every weight of the model by name. Output projections start at zero (std 0, still drawn)."
    c = config
    state_dict = {'wte': matrix(c.vocab_size, c.n_embd, rng, std),
                  'wpe': matrix(c.block_size, c.n_embd, rng, std),
                  'lm_head': matrix(c.vocab_size, c.n_embd, rng, std)}
    for i in range(c.n_layer):
        state_dict[f'layer{i}.attn_wq'] = matrix(c.n_embd, c.n_embd, rng, std)
        state_dict[f'layer{i}.attn_wk'] = matrix(c.n_embd, c.n_embd, rng, std)
        state_dict[f'layer{i}.attn_wv'] = matrix(c.n_embd, c.n_embd, rng, std)
        state_dict[f'layer{i}.attn_wo'] = matrix(c.n_embd, c.n_embd, rng, 0)
        state_dict[f'layer{i}.mlp_fc1'] = matrix(4 * c.n_embd, c.n_embd, rng, std)
        state_dict[f'layer{i}.mlp_fc2'] = matrix(c.n_embd, 4 * c.n_embd, rng, 0)
    return state_dict


def parameters(state_dict):
    "All weights as one flat list, in state-dict order."
    return [p for mat in state_dict.values() for row in mat for p in row]


def embed(token_id, pos_id, state_dict):
    "What the token is plus where it stands: the sum of two table rows."
    return [t + p for t, p in zip(state_dict['wte'][token_id], state_dict['wpe'][pos_id])]


def linear(x, w):
    "Multiply a vector by a matrix: one dot product per row of w."
    return [sum(wi * xi for wi, xi in zip(row, x)) for row in w]


def softmax(logits):
    "Turn scores into probabilities. Subtracting the max changes nothing but keeps exp() from overflowing."
    max_val = max(v.data for v in logits)
    exps = [(v - max_val).exp() for v in logits]
    total = sum(exps)
    return [e / total for e in exps]


def cross_entropy(logits, target):
    "The loss: minus the log of the probability given to the right answer."
    return -softmax(logits)[target].log()
