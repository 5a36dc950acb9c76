import math

from .autograd import zero_grad
from .embeddings import softmax
from .model import gpt, kv_cache


def cosine_lr(step, num_steps, lr):
    "The learning rate at `step`: starts at lr and glides down half a cosine to zero at num_steps."
    return lr * 0.5 * (1 + math.cos(math.pi * step / num_steps))


class Adam:
    "Gradient descent with momentum (m) and a per-parameter step size (from v)."

    def __init__(self, params, lr=1e-2, betas=(0.9, 0.95), eps=1e-8):
        self.params, self.lr, self.betas, self.eps = params, lr, betas, eps
        self.m = [0.0] * len(params)  # moving average of gradients
        self.v = [0.0] * len(params)  # moving average of squared gradients
        self.t = 0                    # steps taken, for bias correction

    def step(self, lr=None):
        "Update every parameter from its gradient, then reset the gradients."
        lr = self.lr if lr is None else lr
        beta1, beta2 = self.betas
        self.t += 1
        for i, p in enumerate(self.params):
            self.m[i] = beta1 * self.m[i] + (1 - beta1) * p.grad
            self.v[i] = beta2 * self.v[i] + (1 - beta2) * p.grad ** 2
            m_hat = self.m[i] / (1 - beta1 ** self.t)  # the averages start at 0: undo that bias
            v_hat = self.v[i] / (1 - beta2 ** self.t)
            p.data -= lr * m_hat / (v_hat ** 0.5 + self.eps)
        zero_grad(self.params)


def document_loss(tokens, state_dict, config):
    "Mean cross-entropy of predicting each next token of one sequence, fed one token at a time."
    keys, values = kv_cache(config)
    n = len(tokens) - 1
    losses = [-softmax(gpt(tokens[pos], pos, keys, values, state_dict, config))[tokens[pos + 1]].log()
              for pos in range(n)]
    return (1 / n) * sum(losses)


def train_step(tokens, state_dict, config, optimizer, lr):
    "Forward, loss, backward, update (which also resets the gradients). Returns the loss as a number."
    loss = document_loss(tokens, state_dict, config)
    loss.backward()
    optimizer.step(lr)
    return loss.data


def train(docs, tokenizer, state_dict, config, optimizer, num_steps):
    "Train on one document per step, cycling through docs; yields (step, loss) after each step."
    if not isinstance(num_steps, int) or num_steps < 1:
        raise ValueError(f"num_steps must be a positive whole number, got {num_steps!r}")
    for step in range(num_steps):
        tokens = tokenizer.sequence(docs[step % len(docs)], config.block_size)
        lr = cosine_lr(step, num_steps, optimizer.lr)
        yield step + 1, train_step(tokens, state_dict, config, optimizer, lr)
