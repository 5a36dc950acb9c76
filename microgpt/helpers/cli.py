"""The command line, for demos and scripts.

    python -m microgpt train [--steps 500 --seed 42 --lr 0.01 ... --save PATH]
    python -m microgpt sample [--checkpoint PATH --temperature 0.5 --num-samples 20 --seed S]

`train` is the reference run: with the defaults it prints exactly the reference's losses and names
(a progress bar replaces the loss lines when the output is a terminal), and saves the model where
`sample` looks first. `sample` says on stdout which model it samples from; where `train` saved its
file goes to stderr, so that stdout is the run and nothing else.
Bad input ends with a one-line `error: ...` on stderr and exit status 2, before any long work starts;
a failure after training still keeps the trained model, and says where.
"""
import argparse
import math
import os
import random
import sys
from pathlib import Path

from .checkpoint import SHIPPED, CheckpointError, load_checkpoint
from ..embeddings import GPTConfig
from .interrupts import interrupts
from ..optim import TrainingDiverged
from .resources import trained_checkpoint
from ..sample import SMALLEST_TEMPERATURE, check_temperature
from .train_command import note, print_samples, run_train

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
    "An argparse type: 0 (greedy) or a positive, finite number that can be divided by."
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if 0 < value < SMALLEST_TEMPERATURE:
        raise argparse.ArgumentTypeError(f"{text} is too small to divide the scores by: use 0 for greedy "
                                         f"sampling, or at least {SMALLEST_TEMPERATURE:g}")
    try:
        return check_temperature(value)
    except (TypeError, ValueError):
        raise argparse.ArgumentTypeError(f"must be 0 (greedy) or a positive, finite number, got {text}") from None


def make_parser():
    parser = Parser(prog='python -m microgpt', description='Train the tiny GPT on names, or sample from it.')
    commands = parser.add_subparsers(dest='command', required=True)

    t = commands.add_parser('train', help='train from scratch, print the losses and some samples, save the model')
    t.add_argument('--data', type=Path, default=None, metavar='PATH',
                   help="UTF-8 text file, one document per line (default: the course's names.txt)")
    t.add_argument('--steps', type=positive(int), default=500, metavar='N',
                   help='training steps, one document each (default: %(default)s)')
    t.add_argument('--seed', type=int, default=42, metavar='S',
                   help='seeds the shuffle, the weights and the samples (default: %(default)s)')
    t.add_argument('--lr', type=positive(float), default=1e-2, metavar='LR',
                   help='peak learning rate, decaying to 0 along a cosine (default: %(default)s)')
    t.add_argument('--n-embd', type=positive(int), default=DEFAULTS.n_embd, metavar='N',
                   help='width of the vectors inside the model, a multiple of --n-head (default: %(default)s)')
    t.add_argument('--n-head', type=positive(int), default=DEFAULTS.n_head, metavar='N',
                   help='attention heads per layer (default: %(default)s)')
    t.add_argument('--n-layer', type=positive(int), default=DEFAULTS.n_layer, metavar='N',
                   help='transformer layers (default: %(default)s)')
    t.add_argument('--block-size', type=positive(int), default=DEFAULTS.block_size, metavar='N',
                   help='longest context in characters; longer documents are cut (default: %(default)s)')
    t.add_argument('--save', type=Path, metavar='PATH',
                   help=f'write the trained model here (default: {trained_checkpoint()}, where sample looks first)')
    add_sampling_flags(t)

    s = commands.add_parser('sample', help='generate names from a saved checkpoint')
    s.add_argument('--checkpoint', type=Path, default=None, metavar='PATH',
                   help='checkpoint to load (default: the model train saved last, else the shipped one)')
    s.add_argument('--seed', type=int, metavar='S',
                   help="seeds the samples (default: continue the saved run's random stream)")
    add_sampling_flags(s)
    return parser


def add_sampling_flags(parser):
    parser.add_argument('--temperature', type=temperature, default=0.5, metavar='T',
                        help='0 is greedy; higher is wilder (default: %(default)s)')
    parser.add_argument('--num-samples', type=positive(int), default=20, metavar='N',
                        help='how many names to print (default: %(default)s)')


def run_sample(args):
    path = args.checkpoint or default_checkpoint()
    ckpt = load_checkpoint(path)
    # Which model speaks: part of the run, so stdout (in a notebook, stderr shows as an error).
    if path.resolve() == SHIPPED.resolve():
        print('sampling from the shipped checkpoint (`python -m microgpt train` makes yours)')
    elif args.checkpoint:
        print(f'sampling from the checkpoint {path}')
    else:
        print(f'sampling from the model `train` saved at {path} (--checkpoint chooses another)')
    rng = random.Random(args.seed) if args.seed is not None else ckpt.rng or random.Random(42)
    print_samples(ckpt.state_dict, ckpt.config, ckpt.tokenizer, args.num_samples, args.temperature, rng)
    return 0


def default_checkpoint():
    "The model `train` saved by default, if there is one; else the one the course ships."
    trained = trained_checkpoint()
    return trained if trained.is_file() else SHIPPED


def describe(error):
    "One line for an error: what went wrong, with which file, and what to do."
    if isinstance(error, OSError) and error.filename:
        hint = ': check its permissions, or give another file' if isinstance(error, PermissionError) else ''
        return f"{error.filename}: {error.strerror}{hint}"
    return str(error)


def main(argv=None):
    "Run a command; returns the exit status (0, 2 for bad input or a failure, 130 when interrupted)."
    try:
        with interrupts():  # Ctrl-C, SIGTERM and SIGHUP stop a command; the model trained so far is kept
            parser = make_parser()
            argv = sys.argv[1:] if argv is None else argv
            if not argv:  # no command: say what there is, as `--help` does
                print(parser.format_help(), end='')
                return 0
            args = parser.parse_args(argv)
            return run_train(args) if args.command == 'train' else run_sample(args)
    except BrokenPipeError:
        # The reader stopped reading (`... | head -1`): stop quietly, as command-line tools do. Point
        # stdout at nothing, so that Python's last flush at exit does not complain about the pipe.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # what a shell reports for a program stopped by a closed pipe (128 + SIGPIPE)
    except (UsageError, CheckpointError, TrainingDiverged, OSError, ValueError) as e:
        note(f'error: {describe(e)}')
        return 2
    except MemoryError:
        note('error: out of memory: choose a smaller model (--n-embd, --n-layer, --block-size), fewer '
             '--num-samples, or close other programs')
        return 2
    except KeyboardInterrupt:
        note('error: interrupted')
        return 130
