"""Scalar engine, NumPy engine (microgpt/fast.py) and PyTorch eager, measured side by side in one run.

    python benchmarks/bench_fast.py [--steps 20] [--torch-path DIR]

Every engine runs the reference recipe (seed 42, shuffled names, default model, Adam, cosine decay
over 500 steps, one name per step) step by step from the same weights, and their losses are
compared. The NumPy engine runs twice: with NumPy's own arithmetic (`@`, `np.exp`: the default)
and with the exact arithmetic of microgpt/exact.py (`use_exact_arithmetic()`, what the chapters
use where they print numbers). PyTorch runs the same model in float64 with torch.optim.Adam, when
it can be imported (--torch-path, or MICROGPT_TORCH_PATH, names a folder holding it, as .ci/run's).

Timing goes in rounds, so that whatever else the machine is doing slows every engine alike: each
round times one scalar step, then a block of consecutive steps of each of the others, the way they
train. Checks the course's targets: a NumPy step (default arithmetic) at least 200x faster than a
scalar one; faster than a PyTorch eager step, when PyTorch is there; and a 300-step retrain (the
learning-rate slider of chapter 11, with the exact arithmetic that chapter runs) within 1 s. Exits with status 1 when a target is missed.
"""
import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from microgpt import fast, optim  # noqa: E402
from microgpt.embeddings import GPTConfig, init_state_dict, parameters  # noqa: E402
from microgpt.tokenizer import Tokenizer, load_docs  # noqa: E402

SPEED_TARGET = 200   # NumPy step vs scalar step
BLOCK = 25           # consecutive steps timed per round, for each fast engine
RETRAIN_STEPS, RETRAIN_TARGET = 300, 1.0  # seconds


def torch_training(torch, params, config, docs, tok, num_steps):
    """The course's GPT in PyTorch eager, float64, from the same weights: a generator of (step, loss)
    with the reference recipe, as fast.train is."""
    F = torch.nn.functional
    w = {name: torch.tensor(a, dtype=torch.float64, requires_grad=True) for name, a in params.w.items()}
    opt = torch.optim.Adam(list(w.values()), lr=1e-2, betas=(0.9, 0.95), eps=1e-8)
    C, H = config.n_embd, config.n_head
    causal = torch.tril(torch.ones(config.block_size, config.block_size, dtype=torch.bool))

    def rmsnorm(x):
        return x / torch.sqrt((x * x).mean(-1, keepdim=True) + 1e-5)

    for step in range(num_steps):
        ids = torch.tensor(tok.sequence(docs[step % len(docs)], config.block_size))
        x, T = rmsnorm(w['wte'][ids[:-1]] + w['wpe'][:len(ids) - 1]), len(ids) - 1
        for i in range(config.n_layer):
            h = rmsnorm(x)
            q, k, v = ((h @ w[f'layer{i}.attn_{n}'].T).view(T, H, C // H).transpose(0, 1)
                       for n in ('wq', 'wk', 'wv'))
            att = (q @ k.transpose(1, 2)) / (C // H) ** 0.5
            att = att.masked_fill(~causal[:T, :T], float('-inf')).softmax(-1)
            x = x + (att @ v).transpose(0, 1).reshape(T, C) @ w[f'layer{i}.attn_wo'].T
            x = x + F.relu(rmsnorm(x) @ w[f'layer{i}.mlp_fc1'].T) ** 2 @ w[f'layer{i}.mlp_fc2'].T
        loss = F.cross_entropy(x @ w['lm_head'].T, ids[1:])
        opt.zero_grad()
        loss.backward()
        opt.param_groups[0]['lr'] = optim.cosine_lr(step, num_steps, 1e-2)
        opt.step()
        yield step + 1, loss.item()


def import_torch(path):
    "PyTorch, or None: from `path` if given, else wherever Python finds it."
    if path:
        sys.path.insert(0, path)
    try:
        import torch
    except ImportError:
        return None
    return torch


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--steps', type=int, default=20, help='rounds: scalar steps timed, each followed by '
                        f'{BLOCK} steps of every other engine')
    parser.add_argument('--torch-path', default=os.environ.get('MICROGPT_TORCH_PATH'),
                        help='a folder holding PyTorch (pip install --target DIR torch)')
    args = parser.parse_args()
    torch = import_torch(args.torch_path)

    docs = load_docs(ROOT / 'data' / 'names.txt')
    random.Random(42).shuffle(docs)
    tok = Tokenizer.from_docs(docs)
    config = GPTConfig(vocab_size=tok.vocab_size)
    steps = args.steps * BLOCK
    sd = init_state_dict(config, random.Random(42))
    scalar = optim.train(docs, tok, sd, config, optim.Adam(parameters(sd)), steps)  # the same schedule
    engines = {}  # name -> (arithmetic for fast.py or None, training generator)
    for name, exact in (('NumPy, NumPy arithmetic', False), ('NumPy, exact arithmetic', True)):
        p = fast.init_params(config, random.Random(42))
        engines[name] = (exact, fast.train(docs, tok, p, config, fast.Adam(p), steps))
    if torch is not None:
        p = fast.init_params(config, random.Random(42))
        engines['PyTorch eager'] = (None, torch_training(torch, p, config, docs, tok, steps))

    scalar_time, times, losses, scalar_losses = 0.0, dict.fromkeys(engines, 0.0), {n: [] for n in engines}, []
    for _ in range(args.steps):  # rounds: the same machine load for every engine
        start = time.perf_counter()
        scalar_losses.append(next(scalar)[1])
        scalar_time += time.perf_counter() - start
        for name, (exact, run) in engines.items():
            if exact is not None:
                fast.use_exact_arithmetic(exact)
            start = time.perf_counter()
            losses[name] += [next(run)[1] for _ in range(BLOCK)]
            times[name] += (time.perf_counter() - start) / BLOCK
    fast.use_exact_arithmetic(False)

    per_step = {name: t / args.steps for name, t in times.items()}
    print(f'default model, {args.steps} rounds (one scalar step, then {BLOCK} steps of each other engine)')
    print(f'  {"scalar engine":25} {scalar_time / args.steps * 1e3:9.3f} ms per step')
    for name, t in per_step.items():
        print(f'  {name:25} {t * 1e3:9.3f} ms per step, {scalar_time / args.steps / t:5.0f}x the scalar engine')
    for name, found in losses.items():  # the scalar engine's steps are every engine's first ones
        worst = max(abs(a - b) for a, b in zip(scalar_losses, found))
        print(f'  largest loss difference from the scalar engine, {name}: {worst:.1e}')
    if torch is None:
        print('  PyTorch: not importable here (pass --torch-path DIR); its comparison is skipped')
    else:
        print(f'  PyTorch {torch.__version__}, {torch.get_num_threads()} threads')

    ratio = scalar_time / args.steps / per_step['NumPy, NumPy arithmetic']
    exact_cost = per_step['NumPy, exact arithmetic'] / per_step['NumPy, NumPy arithmetic']
    print(f'speed-up of the NumPy engine: {ratio:.0f}x (target {SPEED_TARGET}x); '
          f'exact arithmetic makes a step {exact_cost:.1f}x as long')

    fast.use_exact_arithmetic()  # as chapter 11's slider retrains: its set-up switches it on
    start = time.perf_counter()
    retrain = fast.init_params(config, random.Random(42))
    for _ in fast.train(docs, tok, retrain, config, fast.Adam(retrain), RETRAIN_STEPS):
        pass
    retrain_time = time.perf_counter() - start
    fast.use_exact_arithmetic(False)
    print(f'retrain from scratch, {RETRAIN_STEPS} steps, exact arithmetic as in chapter 11: '
          f'{retrain_time:.3f} s (target {RETRAIN_TARGET} s)')

    large = GPTConfig(vocab_size=tok.vocab_size, n_embd=32, n_head=4, n_layer=4, block_size=16)
    for exact in (False, True):
        fast.use_exact_arithmetic(exact)
        big = fast.init_params(large, random.Random(42))
        start = time.perf_counter()
        for _ in fast.train(docs, tok, big, large, fast.Adam(big), 200):
            pass
        print(f'chapter 11 larger model (n_layer 4, n_embd 32, block 16), {"exact" if exact else "NumPy"} '
              f'arithmetic: {(time.perf_counter() - start) / 200 * 1e3:.3f} ms per step')
    fast.use_exact_arithmetic(False)

    missed = [f'speed-up {ratio:.0f}x < {SPEED_TARGET}x'] * (ratio < SPEED_TARGET)
    if torch is not None and per_step['PyTorch eager'] <= per_step['NumPy, NumPy arithmetic']:
        missed.append('PyTorch eager is as fast as the NumPy engine or faster')
    missed += [f'retrain {retrain_time:.2f} s > {RETRAIN_TARGET} s'] * (retrain_time > RETRAIN_TARGET)
    print('FAIL: ' + '; '.join(missed) if missed else 'PASS: all targets met')
    return 1 if missed else 0


if __name__ == '__main__':
    sys.exit(main())
