"""`python -m microgpt train`: train, print, save, sample, and keep the trained model whatever happens.

A model that cannot fit in this machine's memory is refused before training. The model is saved before
the samples are drawn, so nothing after training can lose it. If the save fails (a full disk, a folder
made read-only meanwhile) the model goes to a fallback file in a new private folder and the error says
where. A target that another run saved to meanwhile is kept, and this model goes beside it (NAME.2.json).
The default target's previous model is kept as trained.previous.json. Ctrl-C, SIGTERM or SIGHUP during
training keeps the model trained so far (and every later signal waits for that save, interrupts.py);
during a save, it takes effect once the file is complete. A long run also keeps the model trained so far
every KEEP_EVERY seconds, so even `kill -9` loses at most that much training.
"""
import random
import sys
import time
from pathlib import Path

from .checkpoint import CheckpointError, save_checkpoint
from ..embeddings import GPTConfig, init_state_dict, parameters
from .interrupts import signals_held
from .memory import check_fits
from ..optim import Adam, train
from .resources import trained_checkpoint
from .safe_save import TargetChanged, UnsafeTarget, check_writable, fingerprint, keep_previous, private_file, \
    sibling
from ..sample import sample
from ..tokenizer import Tokenizer, load_docs

KEEP_EVERY = 60.0  # seconds between saves of the model trained so far, in a long run


def run_train(args):
    "The whole `train` command; returns its exit status."
    shape = dict(n_embd=args.n_embd, n_head=args.n_head, n_layer=args.n_layer, block_size=args.block_size)
    try:
        GPTConfig(**shape)  # check the shape before reading any data
    except ValueError as e:
        raise ValueError(str(e).replace('n_embd', '--n-embd').replace('n_head', '--n-head')) from None
    target = check_writable(args.save or default_target())
    seen = fingerprint(target)  # to notice another run saving here while this one trains
    rng = random.Random(args.seed)
    docs = load_docs(args.data)
    rng.shuffle(docs)
    tokenizer = Tokenizer.from_docs(docs)
    config = GPTConfig(vocab_size=tokenizer.vocab_size, **shape)
    check_fits(config)
    state_dict = init_state_dict(config, rng)
    params = parameters(state_dict)
    print(f'num docs: {len(docs)}\nvocab size: {tokenizer.vocab_size}\nnum params: {len(params)}', flush=True)
    model, losses = (state_dict, config, tokenizer), []
    record = {'data': Path(args.data or 'names.txt').name, 'seed': args.seed, 'steps': args.steps, 'lr': args.lr,
              'losses': losses}
    partial = Path(target).with_name(f'{Path(target).stem}.interrupted.json')
    so_far = lambda: dict(record, steps=len(losses), planned_steps=args.steps)  # noqa: E731
    last_kept, kept_partial = time.monotonic(), False
    try:
        for _, loss in progress(train(docs, tokenizer, state_dict, config, Adam(params, lr=args.lr), args.steps),
                                args.steps):
            losses.append(loss)
            if time.monotonic() - last_kept >= KEEP_EVERY and len(losses) < args.steps:
                kept_partial |= save_somewhere([partial], model, so_far(), rng)[0] is not None
                last_kept = time.monotonic()  # a long run killed late keeps all but this much
    except KeyboardInterrupt:
        return keep_interrupted(partial, model, so_far(), rng)
    status = keep(target, model, record, rng, args.save is None, seen)
    if kept_partial and partial.is_file():  # superseded by the finished model
        partial.unlink()
    print_samples(*model, args.num_samples, args.temperature, rng)
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


def keep(target, model, record, rng, default, seen):
    "Save to target, else beside it or to a fallback file; say where on stderr. Returns the exit status."
    previous = None
    if default and fingerprint(target) == seen:
        try:
            previous = keep_previous(target)
        except (OSError, UnsafeTarget, UnicodeDecodeError):  # the old model stays where it is, replaced
            pass
    saved, errors, interrupted = save_somewhere([target], model, record, rng, seen)
    if saved is None:
        try:  # another run saved to target meanwhile: keep both, side by side
            place = sibling(target) if errors[0] == TAKEN else private_file(target.name)
        except (OSError, UnsafeTarget):
            place = private_file(target.name)
        saved, more, late = save_somewhere([place], model, record, rng)
        errors, interrupted = errors + more, interrupted or late
    sample_it = f'`python -m microgpt sample --checkpoint {saved}` samples from it'
    if saved == target:
        kept = f' (the previous model is kept at {previous})' if previous else ''
        note(f"saved the trained model to {target}{kept}: "
             + ('`python -m microgpt sample` samples from it' if default else sample_it))
    elif saved and errors[0] == TAKEN:
        note(f'error: {target} was saved by another run while this one trained: it is kept, and this model '
             f'is saved at {saved} ({sample_it})')
    elif saved:
        note(f'error: could not save to {target} ({errors[0]}); the trained model is saved at {saved} instead: '
             + sample_it)
    else:
        note(f"error: could not save the trained model ({'; '.join(errors)}): only the samples below are left; "
             'train again with --save PATH on a disk that has room')
    return stop_if(interrupted, 0 if saved == target else 2)


def stop_if(interrupted, status):
    if interrupted:  # Ctrl-C or SIGTERM came during the save, which was finished first
        raise KeyboardInterrupt
    return status


def keep_interrupted(partial, model, record, rng):
    "Ctrl-C, SIGTERM or SIGHUP during training: save what was trained so far next to the target (or in temp)."
    if not record['losses']:
        note('error: interrupted before the first step: nothing to save')
        return 130
    saved, errors, _ = save_somewhere([partial], model, record, rng)
    if saved is None:
        saved, _, _ = save_somewhere([private_file(partial.name)], model, record, rng)
    done = f"interrupted after step {record['steps']} of {record['planned_steps']}"
    if saved:
        note(f'error: {done}: the model trained so far is saved at {saved} '
             f'(`python -m microgpt sample --checkpoint {saved}` samples from it)')
    else:
        note(f"error: {done}; the model could not be saved ({'; '.join(errors)})")
    return 130


TAKEN = 'saved by another run'


def save_somewhere(places, model, record, rng, seen=False):
    """Try each place in turn. Returns the place saved to (or None), the reasons the others failed, and
    whether Ctrl-C or SIGTERM came meanwhile."""
    errors = []
    with signals_held() as received:
        for place in places:
            try:
                save_checkpoint(place, *model, record, rng, unchanged_since=seen)
                return place, errors, bool(received)
            except TargetChanged:
                errors.append(TAKEN)
            except (OSError, CheckpointError, UnsafeTarget) as e:
                errors.append(e.strerror if isinstance(e, OSError) and e.strerror else str(e))
    return None, errors, bool(received)


def print_samples(state_dict, config, tokenizer, num_samples, temperature, rng):
    print('--- inference ---')
    for i in range(num_samples):
        print(f'sample {i + 1:2d}: {sample(state_dict, config, tokenizer, temperature, rng)}', flush=True)


def note(message):
    "Where files went and what went wrong: stderr, so that stdout holds only the run itself."
    try:
        print(message, file=sys.stderr, flush=True)
    except OSError:  # the terminal is gone (SIGHUP): the files are saved all the same
        pass
