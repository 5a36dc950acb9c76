"""The command line, for demos and scripts.

    python -m microgpt train [--steps 500 --seed 42 --lr 0.01 ... --save PATH]
    python -m microgpt sample [--checkpoint PATH --temperature 0.5 --num-samples 20 --seed S]

`train` is the reference run: with the defaults it prints exactly the reference's losses and names.
Bad input ends with a one-line `error: ...` on stderr and exit status 2, before any long work starts.
"""
import argparse
import math
import random
import sys
from pathlib import Path

from .checkpoint import SHIPPED, CheckpointError, check_writable, load_checkpoint, save_checkpoint
from .embeddings import GPTConfig, init_state_dict, parameters
from .optim import Adam, train
from .sample import check_temperature, sample
from .tokenizer import Tokenizer, load_docs

NAMES = Path(__file__).resolve().parent.parent / 'data' / 'names.txt'
DEFAULTS = GPTConfig()
WORDS = {int: 'a whole number', float: 'a number'}


class UsageError(Exception):
    "Bad input from the command line: printed as one line, no traceback."


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def positive(kind):
    "An argparse type: a number of `kind` that is greater than zero (and finite)."
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {WORDS[kind]}, got {text!r}") from None
        if not value > 0 or not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"must be a finite number greater than zero, got {text}")
        return value
    return parse


def temperature(text):
    "An argparse type: 0 (greedy) or a positive, finite number."
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    try:
        return check_temperature(value)
    except (TypeError, ValueError):
        raise argparse.ArgumentTypeError(f"must be 0 (greedy) or a positive, finite number, got {text}") from None


def make_parser():
    parser = Parser(prog='python -m microgpt', description='Train the tiny GPT on names, or sample from it.')
    commands = parser.add_subparsers(dest='command', required=True)

    t = commands.add_parser('train', help='train from scratch, print the losses and some samples')
    t.add_argument('--data', type=Path, default=NAMES, help='UTF-8 text file, one document per line')
    t.add_argument('--steps', type=positive(int), default=500, help='training steps, one document each')
    t.add_argument('--seed', type=int, default=42, help='seeds the shuffle, the weights and the samples')
    t.add_argument('--lr', type=positive(float), default=1e-2, help='peak learning rate (cosine decay to 0)')
    t.add_argument('--n-embd', type=positive(int), default=DEFAULTS.n_embd)
    t.add_argument('--n-head', type=positive(int), default=DEFAULTS.n_head)
    t.add_argument('--n-layer', type=positive(int), default=DEFAULTS.n_layer)
    t.add_argument('--block-size', type=positive(int), default=DEFAULTS.block_size)
    t.add_argument('--save', type=Path, metavar='PATH', help='write the trained model to this checkpoint')
    add_sampling_flags(t)

    s = commands.add_parser('sample', help='generate names from a saved checkpoint')
    s.add_argument('--checkpoint', type=Path, default=SHIPPED, metavar='PATH',
                   help='checkpoint to load (default: the shipped data/checkpoint.json)')
    s.add_argument('--seed', type=int, help="default: continue the saved run's random stream")
    add_sampling_flags(s)
    return parser


def add_sampling_flags(parser):
    parser.add_argument('--temperature', type=temperature, default=0.5, help='0 is greedy; higher is wilder')
    parser.add_argument('--num-samples', type=positive(int), default=20)


def run_train(args):
    shape = dict(n_embd=args.n_embd, n_head=args.n_head, n_layer=args.n_layer, block_size=args.block_size)
    try:
        GPTConfig(**shape)  # check the shape before reading any data
    except ValueError as e:
        raise UsageError(str(e).replace('n_embd', '--n-embd').replace('n_head', '--n-head')) from None
    if args.save:
        check_writable(args.save)
    rng = random.Random(args.seed)
    docs = load_docs(args.data)
    rng.shuffle(docs)
    tokenizer = Tokenizer.from_docs(docs)
    config = GPTConfig(vocab_size=tokenizer.vocab_size, **shape)
    state_dict = init_state_dict(config, rng)
    params = parameters(state_dict)
    print(f'num docs: {len(docs)}\nvocab size: {tokenizer.vocab_size}\nnum params: {len(params)}', flush=True)
    optimizer, losses = Adam(params, lr=args.lr), []
    for step, loss in train(docs, tokenizer, state_dict, config, optimizer, args.steps):
        losses.append(loss)
        print(f'step {step:4d} / {args.steps:4d} | loss {loss:.4f}', flush=True)
    if args.save:
        record = {'data': Path(args.data).name, 'seed': args.seed, 'steps': args.steps, 'lr': args.lr,
                  'losses': losses}
        save_checkpoint(args.save, state_dict, config, tokenizer, record, rng)
    print_samples(state_dict, config, tokenizer, args, rng)
    if args.save:
        print(f'saved the trained model to {args.save}')


def run_sample(args):
    ckpt = load_checkpoint(args.checkpoint)
    if args.seed is not None:
        rng = random.Random(args.seed)
    else:
        rng = ckpt.rng or random.Random(42)
    print_samples(ckpt.state_dict, ckpt.config, ckpt.tokenizer, args, rng)


def print_samples(state_dict, config, tokenizer, args, rng):
    print('--- inference ---')
    for i in range(args.num_samples):
        print(f'sample {i + 1:2d}: {sample(state_dict, config, tokenizer, args.temperature, rng)}', flush=True)


def main(argv=None):
    try:
        args = make_parser().parse_args(argv)
        (run_train if args.command == 'train' else run_sample)(args)
    except (UsageError, CheckpointError, FileNotFoundError, ValueError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print('error: interrupted', file=sys.stderr)
        return 130
    return 0
