"""Time one default training step of microgpt against straightforward scalar baselines.

    python benchmarks/bench_step.py [--steps 30]

All train the default model (n_embd 16, 4 heads, 1 layer, block size 8) on the same shuffled names
from the same initial weights and agree on the losses. Every process first imports NumPy, matplotlib
and ipywidgets, as a notebook kernel of the course has: their many objects are what Python's cycle
collector scans again and again while a scalar step makes its 100,000 Values, unless it is paused.

- The target: microgpt's training loop (`microgpt.optim.train`) runs a step at least 2.5x the speed of
  the straightforward scalar implementation, written as a plain top-to-bottom script
  (`baseline_script.py`, run as its own process on the same steps). The script exits with status 1
  when the target is missed.
- For information: the same baseline rewritten as functions (below), taking turns with microgpt
  step by step in this process.
"""
import argparse
import gc
import math
import subprocess
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from microgpt.embeddings import GPTConfig, init_state_dict, parameters  # noqa: E402
from microgpt.optim import Adam, train  # noqa: E402
from microgpt.tokenizer import Tokenizer, load_docs  # noqa: E402


# ---- The baseline for comparison: the plainest scalar autograd and model. -------------------------
# Recursive topological sort, no __slots__, exp computed twice, division as its own operation.

class BaselineValue:
    def __init__(self, data, children=(), local_grads=()):
        self.data, self.grad = data, 0
        self._children, self._local_grads = children, local_grads

    def __add__(self, other):
        other = other if isinstance(other, BaselineValue) else BaselineValue(other)
        return BaselineValue(self.data + other.data, (self, other), (1, 1))

    def __mul__(self, other):
        other = other if isinstance(other, BaselineValue) else BaselineValue(other)
        return BaselineValue(self.data * other.data, (self, other), (other.data, self.data))

    def __pow__(self, k):
        return BaselineValue(self.data ** k, (self,), (k * self.data ** (k - 1),))

    def log(self):
        return BaselineValue(math.log(self.data), (self,), (1 / self.data,))

    def exp(self):
        return BaselineValue(math.exp(self.data), (self,), (math.exp(self.data),))

    def relu(self):
        return BaselineValue(max(0, self.data), (self,), (float(self.data > 0),))

    def __neg__(self): return self * -1
    def __radd__(self, other): return self + other
    def __sub__(self, other): return self + (-other)
    def __rmul__(self, other): return self * other
    def __truediv__(self, other): return self * other ** -1

    def backward(self):
        topo, visited = [], set()

        def build(v):
            if v not in visited:
                visited.add(v)
                for child in v._children:
                    build(child)
                topo.append(v)

        build(self)
        self.grad = 1
        for v in reversed(topo):
            for child, local_grad in zip(v._children, v._local_grads):
                child.grad += local_grad * v.grad


def baseline_linear(x, w):
    return [sum(wi * xi for wi, xi in zip(row, x)) for row in w]


def baseline_softmax(logits):
    m = max(v.data for v in logits)
    exps = [(v - m).exp() for v in logits]
    total = sum(exps)
    return [e / total for e in exps]


def baseline_rmsnorm(x):
    scale = (sum(xi * xi for xi in x) / len(x) + 1e-5) ** -0.5
    return [xi * scale for xi in x]


def baseline_gpt(token_id, pos_id, keys, values, sd, c):
    x = baseline_rmsnorm([t + p for t, p in zip(sd['wte'][token_id], sd['wpe'][pos_id])])
    hd = c.n_embd // c.n_head
    for i in range(c.n_layer):
        x_res, x = x, baseline_rmsnorm(x)
        q = baseline_linear(x, sd[f'layer{i}.attn_wq'])
        keys[i].append(baseline_linear(x, sd[f'layer{i}.attn_wk']))
        values[i].append(baseline_linear(x, sd[f'layer{i}.attn_wv']))
        out = []
        for h in range(c.n_head):
            s = h * hd
            scores = [sum(q[s + j] * k[s + j] for j in range(hd)) / hd ** 0.5 for k in keys[i]]
            w = baseline_softmax(scores)
            out += [sum(w[t] * values[i][t][s + j] for t in range(len(w))) for j in range(hd)]
        x = [a + b for a, b in zip(baseline_linear(out, sd[f'layer{i}.attn_wo']), x_res)]
        x_res, x = x, baseline_rmsnorm(x)
        x = [h.relu() ** 2 for h in baseline_linear(x, sd[f'layer{i}.mlp_fc1'])]
        x = [a + b for a, b in zip(baseline_linear(x, sd[f'layer{i}.mlp_fc2']), x_res)]
    return baseline_linear(x, sd['lm_head'])


def baseline_train_step(tokens, sd, c, params, m, v, step, num_steps, lr=1e-2, b1=0.9, b2=0.95, eps=1e-8):
    keys, values = [[] for _ in range(c.n_layer)], [[] for _ in range(c.n_layer)]
    n = len(tokens) - 1
    losses = [-baseline_softmax(baseline_gpt(tokens[p], p, keys, values, sd, c))[tokens[p + 1]].log()
              for p in range(n)]
    loss = (1 / n) * sum(losses)
    loss.backward()
    lr_t = lr * 0.5 * (1 + math.cos(math.pi * step / num_steps))
    for i, p in enumerate(params):
        m[i] = b1 * m[i] + (1 - b1) * p.grad
        v[i] = b2 * v[i] + (1 - b2) * p.grad ** 2
        p.data -= lr_t * (m[i] / (1 - b1 ** (step + 1))) / ((v[i] / (1 - b2 ** (step + 1))) ** 0.5 + eps)
        p.grad = 0
    return loss.data

# ---- End of the baseline. ----------------------------------------------------------------------------


# What a notebook kernel of the course has imported, in every process timed here.
HEAVY = 'import numpy, matplotlib.pyplot, ipywidgets'
TARGET = 2.5


def run_script(steps):
    "baseline_script.py as its own process, after the same imports as here."
    script = ROOT / 'benchmarks' / 'baseline_script.py'
    code = f'{HEAVY}\nimport runpy, sys\nsys.argv = [{str(script)!r}, {str(steps)!r}]\nrunpy.run_path(sys.argv[0])'
    return subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True).stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--steps', type=int, default=30, help='timed steps for each implementation')
    steps = parser.parse_args().steps
    sys.setrecursionlimit(10_000)  # the baseline's recursive sort goes as deep as the graph
    exec(HEAVY)

    rng = random.Random(42)
    docs = load_docs(ROOT / 'data' / 'names.txt')
    rng.shuffle(docs)
    tok = Tokenizer.from_docs(docs)
    config = GPTConfig(vocab_size=tok.vocab_size)
    sd = init_state_dict(config, rng)
    baseline_sd = {k: [[BaselineValue(p.data) for p in row] for row in mat] for k, mat in sd.items()}
    batch = [tok.sequence(doc, config.block_size) for doc in docs[:steps]]

    # Alternate the two, step by step, so that changes in machine load hit both alike.
    ours_steps = train(docs, tok, sd, config, Adam(parameters(sd)), 500)  # the 500-step schedule
    params = parameters(baseline_sd)
    m, v = [0.0] * len(params), [0.0] * len(params)
    ours, base, ours_time, base_time = [], [], 0.0, 0.0
    for step, tokens in enumerate(batch):
        start = time.perf_counter()
        ours.append(next(ours_steps)[1])
        middle = time.perf_counter()
        base.append(baseline_train_step(tokens, baseline_sd, config, params, m, v, step, 500))
        ours_time += (middle - start) / steps
        base_time += (time.perf_counter() - middle) / steps

    assert all(abs(a - b) < 1e-9 for a, b in zip(ours, base)), 'the two implementations disagree'
    script = run_script(steps)
    assert f'first loss: {ours[0]:.4f}' in script, 'the baseline script disagrees'
    script_time = float(script.split('seconds per step:')[1])
    ratio = script_time / ours_time
    print(f'same losses for {steps} steps (first: {ours[0]:.4f}), '
          f'with {len(gc.get_objects()):,} objects tracked by the collector')
    print(f'straightforward script:     {script_time:.3f} s per step')
    print(f'microgpt:                   {ours_time:.3f} s per step')
    print(f'microgpt is {ratio:.2f}x the speed of the straightforward script '
          f"(target {TARGET}x: {'met' if ratio >= TARGET else 'MISSED'})")
    print(f'function-scoped baseline:   {base_time:.3f} s per step, in turns with microgpt in this process '
          f'(microgpt at {base_time / ours_time:.2f}x its speed; for information)')
    return 0 if ratio >= TARGET else 1


if __name__ == '__main__':
    sys.exit(main())
