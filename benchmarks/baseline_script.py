"""The straightforward scalar GPT, written as a plain top-to-bottom script: the baseline that
`bench_step.py` holds microgpt to. Same algorithm and numbers as microgpt; no care for speed.

    python benchmarks/baseline_script.py STEPS    # prints the first loss and seconds per step
"""
import math
import random
import sys
import time
from pathlib import Path

steps = int(sys.argv[1])
random.seed(42)
docs = [line.strip() for line in (Path(__file__).parent.parent / 'data' / 'names.txt').read_text().split('\n') if line.strip()]
random.shuffle(docs)
chars = sorted(set(''.join(docs)))
BOS, vocab_size = len(chars), len(chars) + 1


class Value:
    def __init__(self, data, children=(), local_grads=()):
        self.data, self.grad, self.children, self.local_grads = data, 0, children, local_grads

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), (1, 1))

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data))

    def __pow__(self, k): return Value(self.data ** k, (self,), (k * self.data ** (k - 1),))
    def log(self): return Value(math.log(self.data), (self,), (1 / self.data,))
    def exp(self): return Value(math.exp(self.data), (self,), (math.exp(self.data),))
    def relu(self): return Value(max(0, self.data), (self,), (float(self.data > 0),))
    def __neg__(self): return self * -1
    def __radd__(self, other): return self + other
    def __sub__(self, other): return self + (-other)
    def __rmul__(self, other): return self * other
    def __truediv__(self, other): return self * other ** -1

    def backward(self):
        order, seen = [], set()

        def visit(v):
            if v not in seen:
                seen.add(v)
                for child in v.children:
                    visit(child)
                order.append(v)
        visit(self)
        self.grad = 1
        for v in reversed(order):
            for child, local in zip(v.children, v.local_grads):
                child.grad += local * v.grad


sys.setrecursionlimit(10_000)
n_embd, n_head, n_layer, block_size = 16, 4, 1, 8
head_dim = n_embd // n_head
def matrix(rows, cols, std=0.02): return [[Value(random.gauss(0, std)) for _ in range(cols)] for _ in range(rows)]
sd = {'wte': matrix(vocab_size, n_embd), 'wpe': matrix(block_size, n_embd), 'lm_head': matrix(vocab_size, n_embd)}
for i in range(n_layer):
    sd.update({f'{i}.wq': matrix(n_embd, n_embd), f'{i}.wk': matrix(n_embd, n_embd), f'{i}.wv': matrix(n_embd, n_embd),
               f'{i}.wo': matrix(n_embd, n_embd, 0), f'{i}.fc1': matrix(4 * n_embd, n_embd),
               f'{i}.fc2': matrix(n_embd, 4 * n_embd, 0)})
params = [p for mat in sd.values() for row in mat for p in row]
def linear(x, w): return [sum(wi * xi for wi, xi in zip(row, x)) for row in w]


def softmax(logits):
    top = max(v.data for v in logits)
    exps = [(v - top).exp() for v in logits]
    total = sum(exps)
    return [e / total for e in exps]


def rmsnorm(x):
    scale = (sum(xi * xi for xi in x) / len(x) + 1e-5) ** -0.5
    return [xi * scale for xi in x]


def gpt(token, pos, keys, values):
    x = rmsnorm([t + p for t, p in zip(sd['wte'][token], sd['wpe'][pos])])
    for i in range(n_layer):
        skip, x = x, rmsnorm(x)
        q = linear(x, sd[f'{i}.wq'])
        keys[i].append(linear(x, sd[f'{i}.wk']))
        values[i].append(linear(x, sd[f'{i}.wv']))
        heads = []
        for h in range(0, n_embd, head_dim):
            scores = [sum(q[h + j] * k[h + j] for j in range(head_dim)) / head_dim ** 0.5 for k in keys[i]]
            weights = softmax(scores)
            heads += [sum(weights[t] * values[i][t][h + j] for t in range(len(weights))) for j in range(head_dim)]
        x = [a + b for a, b in zip(linear(heads, sd[f'{i}.wo']), skip)]
        skip, x = x, rmsnorm(x)
        x = [a + b for a, b in zip(linear([h.relu() ** 2 for h in linear(x, sd[f'{i}.fc1'])], sd[f'{i}.fc2']), skip)]
    return linear(x, sd['lm_head'])


m, v = [0.0] * len(params), [0.0] * len(params)
start = time.perf_counter()
for step in range(steps):
    tokens = [BOS] + [chars.index(ch) for ch in docs[step]] + [BOS]
    n = min(block_size, len(tokens) - 1)
    keys, values = [[] for _ in range(n_layer)], [[] for _ in range(n_layer)]
    loss = (1 / n) * sum(-softmax(gpt(tokens[p], p, keys, values))[tokens[p + 1]].log() for p in range(n))
    loss.backward()
    lr = 0.01 * 0.5 * (1 + math.cos(math.pi * step / 500))
    for i, p in enumerate(params):
        m[i] = 0.9 * m[i] + 0.1 * p.grad
        v[i] = 0.95 * v[i] + 0.05 * p.grad ** 2
        p.data -= lr * (m[i] / (1 - 0.9 ** (step + 1))) / ((v[i] / (1 - 0.95 ** (step + 1))) ** 0.5 + 1e-8)
        p.grad = 0
    if step == 0:
        print(f'first loss: {loss.data:.4f}')
print(f'seconds per step: {(time.perf_counter() - start) / steps:.4f}')
