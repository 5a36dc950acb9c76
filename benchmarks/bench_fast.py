"""Scalar engine versus NumPy engine (microgpt/fast.py), measured side by side in one run.

    python benchmarks/bench_fast.py [--steps 20]

Both engines run the reference recipe (seed 42, shuffled names, default model, Adam) step by step,
and their losses are compared. Timing goes in rounds, so that whatever else the machine is doing slows
both alike: each round times one scalar step, then a block of consecutive fast steps, the way the fast
engine trains (one step alone, right after a scalar step has filled the caches with some 60,000
Python objects, is slower; that figure is printed too). Checks the course's targets: a fast training
step at least 200x faster than a scalar one, and a 300-step retrain (the learning-rate slider of
chapter 10) within 1 s. Exits with status 1 when a target is missed.
"""
import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from microgpt import fast, optim  # noqa: E402
from microgpt.embeddings import GPTConfig, init_state_dict, parameters  # noqa: E402
from microgpt.tokenizer import Tokenizer, load_docs  # noqa: E402

SPEED_TARGET = 200   # fast step vs scalar step
BLOCK = 25           # consecutive fast steps timed per round
RETRAIN_STEPS, RETRAIN_TARGET = 300, 1.0  # seconds


def timed(steps):
    "Advance a training generator by one step; return (loss, seconds taken)."
    start = time.perf_counter()
    _, loss = next(steps)
    return loss, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--steps', type=int, default=20, help='training steps timed for each engine')
    args = parser.parse_args()

    docs = load_docs(ROOT / 'data' / 'names.txt')
    random.Random(42).shuffle(docs)
    tok = Tokenizer.from_docs(docs)
    config = GPTConfig(vocab_size=tok.vocab_size)
    sd = init_state_dict(config, random.Random(42))
    params = fast.init_params(config, random.Random(42))
    scalar_steps = optim.train(docs, tok, sd, config, optim.Adam(parameters(sd)), 500)
    fast_steps = fast.train(docs, tok, params, config, fast.Adam(params), 500)

    warm = fast.init_params(config, random.Random(42))
    warm_steps = fast.train(docs, tok, warm, config, fast.Adam(warm), args.steps * BLOCK)
    scalar_time = cold_time = warm_time = worst = 0.0
    for _ in range(args.steps):  # rounds: the same documents, the same machine load
        scalar_loss, seconds = timed(scalar_steps)
        scalar_time += seconds
        fast_loss, seconds = timed(fast_steps)  # one step right after the scalar one
        cold_time += seconds
        worst = max(worst, abs(scalar_loss - fast_loss))
        start = time.perf_counter()
        for _ in range(BLOCK):
            next(warm_steps)
        warm_time += (time.perf_counter() - start) / BLOCK
    ratio = scalar_time / warm_time
    print(f'default model, {args.steps} rounds (one scalar step, then {BLOCK} fast steps in a row)')
    print(f'  scalar engine: {scalar_time / args.steps * 1e3:9.3f} ms per step')
    print(f'  fast engine:   {warm_time / args.steps * 1e3:9.3f} ms per step '
          f'({cold_time / args.steps * 1e3:.3f} ms for a single step after a scalar one)')
    print(f'  largest loss difference, same steps: {worst:.1e}')
    print(f'  speed-up: {ratio:.0f}x (target {SPEED_TARGET}x)')

    start = time.perf_counter()
    retrain = fast.init_params(config, random.Random(42))
    for _ in fast.train(docs, tok, retrain, config, fast.Adam(retrain), RETRAIN_STEPS):
        pass
    retrain_time = time.perf_counter() - start
    print(f'retrain from scratch, {RETRAIN_STEPS} steps: {retrain_time:.3f} s (target {RETRAIN_TARGET} s)')

    large = GPTConfig(vocab_size=tok.vocab_size, n_embd=32, n_head=4, n_layer=4, block_size=16)
    big = fast.init_params(large, random.Random(42))
    start = time.perf_counter()
    for _ in fast.train(docs, tok, big, large, fast.Adam(big), 200):
        pass
    print(f'chapter 10 larger model (n_layer 4, n_embd 32, block 16): '
          f'{(time.perf_counter() - start) / 200 * 1e3:.3f} ms per step')

    missed = [f'speed-up {ratio:.0f}x < {SPEED_TARGET}x'] * (ratio < SPEED_TARGET)
    missed += [f'retrain {retrain_time:.2f} s > {RETRAIN_TARGET} s'] * (retrain_time > RETRAIN_TARGET)
    print('FAIL: ' + '; '.join(missed) if missed else 'PASS: all targets met')
    return 1 if missed else 0


if __name__ == '__main__':
    sys.exit(main())
