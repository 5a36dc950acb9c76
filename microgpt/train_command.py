"""`python -m microgpt train`: train, print, save, sample, and keep the trained model whatever happens.

The model is saved before the samples are drawn, so nothing after training can lose it. If the save
fails (a full disk, a folder made read-only meanwhile) the model goes to a fallback file and the error
says where. Ctrl-C or SIGTERM during training keeps the model trained so far; during a save, it takes
effect once the file is complete (a fraction of a second), so it never throws the trained model away.
"""
import os
import random
import signal
import sys
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

from .checkpoint import CheckpointError, check_writable, save_checkpoint
from .embeddings import GPTConfig, init_state_dict, parameters
from .optim import Adam, train
from .resources import trained_checkpoint
from .sample import sample
from .tokenizer import Tokenizer, load_docs


def run_train(args):
    "The whole `train` command; returns its exit status."
    shape = dict(n_embd=args.n_embd, n_head=args.n_head, n_layer=args.n_layer, block_size=args.block_size)
    try:
        GPTConfig(**shape)  # check the shape before reading any data
    except ValueError as e:
        raise ValueError(str(e).replace('n_embd', '--n-embd').replace('n_head', '--n-head')) from None
    target = args.save or default_target()
    check_writable(target)
    rng = random.Random(args.seed)
    docs = load_docs(args.data)
    rng.shuffle(docs)
    tokenizer = Tokenizer.from_docs(docs)
    config = GPTConfig(vocab_size=tokenizer.vocab_size, **shape)
    state_dict = init_state_dict(config, rng)
    params = parameters(state_dict)
    print(f'num docs: {len(docs)}\nvocab size: {tokenizer.vocab_size}\nnum params: {len(params)}', flush=True)
    model, losses = (state_dict, config, tokenizer), []
    record = {'data': Path(args.data or 'names.txt').name, 'seed': args.seed, 'steps': args.steps, 'lr': args.lr,
              'losses': losses}
    try:
        for _, loss in progress(train(docs, tokenizer, state_dict, config, Adam(params, lr=args.lr), args.steps),
                                args.steps):
            losses.append(loss)
    except KeyboardInterrupt:
        return keep_interrupted(target, model, dict(record, steps=len(losses), planned_steps=args.steps), rng)
    status = keep(target, model, record, rng, sample_hint(args.save, target))
    print_samples(*model, args, rng)
    return status


def default_target():
    "The trained model's default place, its folder made if need be."
    path = trained_checkpoint()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise CheckpointError(f"cannot make the folder {path.parent} for the trained model ({e.strerror}): "
                              "give --save PATH, or set MICROGPT_HOME to a folder of yours") from None
    return path


def progress(steps, total):
    "Each step's loss: a line per step when piped (the reference output), a progress bar on a terminal."
    bar = progress_bar(total)
    try:
        for step, loss in steps:
            yield step, loss  # first, so that a step shown is a step counted, should Ctrl-C come now
            if bar is None:
                print(f'step {step:4d} / {total:4d} | loss {loss:.4f}', flush=True)
            else:
                bar.set_postfix_str(f'loss {loss:.4f}', refresh=False)
                bar.update()
    finally:
        if bar is not None:
            bar.close()


def progress_bar(total):
    if not sys.stdout.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # tqdm comes with the course's extras; without it, the lines are shown
        return None
    return tqdm(total=total, desc='training', unit='step', file=sys.stdout, dynamic_ncols=True)


def sample_hint(chosen, target):
    if chosen:
        return f'`python -m microgpt sample --checkpoint {target}` samples from it'
    return '`python -m microgpt sample` samples from it'


def keep(target, model, record, rng, hint):
    "Save to target, else to a fallback file; say where on stderr. Returns the exit status."
    fallback = Path(tempfile.gettempdir()) / f'microgpt-trained-{os.getpid()}.json'
    saved, errors, interrupted = save_somewhere([target, fallback], model, record, rng)
    if saved == target:
        note(f'saved the trained model to {target}: {hint}')
    elif saved:
        note(f'error: could not save to {target} ({errors[0]}); the trained model is saved at {saved} instead: '
             f'`python -m microgpt sample --checkpoint {saved}` samples from it')
    else:
        note(f"error: could not save the trained model ({'; '.join(errors)}): only the samples below are left; "
             'train again with --save PATH on a disk that has room')
    if interrupted:  # Ctrl-C or SIGTERM came during the save, which was finished first
        raise KeyboardInterrupt
    return 0 if saved == target else 2


def keep_interrupted(target, model, record, rng):
    "Ctrl-C or SIGTERM during training: save what was trained so far next to the target (or in temp)."
    if not record['losses']:
        note('error: interrupted before the first step: nothing to save')
        return 130
    partial = Path(target).with_name(f'{Path(target).stem}.interrupted.json')
    fallback = Path(tempfile.gettempdir()) / f'microgpt-interrupted-{os.getpid()}.json'
    saved, errors, _ = save_somewhere([partial, fallback], model, record, rng)
    done = f"interrupted after step {record['steps']} of {record['planned_steps']}"
    if saved:
        note(f'error: {done}: the model trained so far is saved at {saved} '
             f'(`python -m microgpt sample --checkpoint {saved}` samples from it)')
    else:
        note(f"error: {done}; the model could not be saved ({'; '.join(errors)})")
    return 130


def save_somewhere(places, model, record, rng):
    """Try each place in turn. Returns the place saved to (or None), the reasons the others failed, and
    whether Ctrl-C or SIGTERM came meanwhile."""
    errors = []
    with signals_held() as received:
        for place in places:
            try:
                save_checkpoint(place, *model, record, rng)
                return place, errors, bool(received)
            except (OSError, CheckpointError) as e:
                errors.append(e.strerror if isinstance(e, OSError) and e.strerror else str(e))
    return None, errors, bool(received)


@contextmanager
def signals_held():
    "Ctrl-C and SIGTERM during a save are noted in the list yielded, not acted on: the save is finished first."
    received = []
    if threading.current_thread() is not threading.main_thread():  # only the main thread gets signals
        yield received
        return
    previous = {s: signal.signal(s, lambda signum, frame: received.append(signum))
                for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield received
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def print_samples(state_dict, config, tokenizer, args, rng):
    print('--- inference ---')
    for i in range(args.num_samples):
        print(f'sample {i + 1:2d}: {sample(state_dict, config, tokenizer, args.temperature, rng)}', flush=True)


def note(message):
    "Where files went and what went wrong: stderr, so that stdout holds only the run itself."
    print(message, file=sys.stderr, flush=True)
