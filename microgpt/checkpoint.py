"""Save and load a trained model as JSON: its configuration, vocabulary and weights.

JSON and never pickle: loading a checkpoint from a stranger only reads numbers, it cannot run code.
Floats are written by repr, which reads back to the identical float, so a loaded model samples
exactly like the one that was saved. Saving writes a temporary file and renames it over the old
one, so an interrupted save never destroys the previous checkpoint; a temporary file left by a save
that was killed outright is removed by the next save to the same place.
"""
import glob
import json
import math
import os
import random
import re
import stat
import tempfile
from dataclasses import asdict, dataclass, fields
from numbers import Real
from pathlib import Path

from .autograd import Value
from .embeddings import GPTConfig, init_state_dict
from .resources import data_file
from .tokenizer import Tokenizer

FORMAT = 'microgpt checkpoint'
VERSION = 1
SHIPPED = data_file('checkpoint.json')
HOW_TO_MAKE = 'make one with `python -m microgpt train --save PATH` (or `python course.py checkpoint`)'


class CheckpointError(ValueError):
    "A file that is not a usable checkpoint; the message says what is wrong with it."


@dataclass
class Checkpoint:
    "Everything a checkpoint holds. `training` is a record of the run; `rng` continues its random stream."
    state_dict: dict
    config: GPTConfig
    tokenizer: Tokenizer
    training: dict
    rng: random.Random = None


SPECIAL = {stat.S_IFIFO: 'FIFO (named pipe)', stat.S_IFCHR: 'character device', stat.S_IFBLK: 'block device',
           stat.S_IFSOCK: 'socket'}


def check_writable(path):
    """Fail now, not after a long training, if a checkpoint cannot be written to `path`.
    Returns the file that will be written: a symbolic link's target, so that the link stays a link."""
    path = Path(path)
    if path.is_dir():
        raise CheckpointError(f"{path} is a directory: give a file name, e.g. {path / 'checkpoint.json'}")
    target = Path(os.path.realpath(path))
    if target.exists() and not target.is_file():
        kind = SPECIAL.get(stat.S_IFMT(target.stat().st_mode), 'special file')
        raise CheckpointError(f"{path} is a {kind}, not a regular file: a checkpoint is saved only as a regular "
                              "file (give another file name)")
    folder = target.parent if path.is_symlink() else path.parent  # named as the user gave it
    if not folder.is_dir():
        raise CheckpointError(f"cannot save to {path}: the folder {folder} does not exist (create it first)")
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as e:
        raise CheckpointError(f"cannot save to {path}: the folder {folder} is not writable ({e.strerror})") from None
    return target


def save_checkpoint(path, state_dict, config, tokenizer, training=None, rng=None):
    "Write the model to `path` as JSON, atomically. `rng`, if given, lets sampling continue its stream."
    weights = {name: [[p.data for p in row] for row in mat] for name, mat in state_dict.items()}
    if not all(math.isfinite(x) for mat in weights.values() for row in mat for x in row):
        raise CheckpointError("the weights hold NaN or infinity (training diverged): "
                              "nothing was saved; train again with a smaller --lr")
    data = {'format': FORMAT, 'version': VERSION, 'config': asdict(config), 'chars': ''.join(tokenizer.chars),
            'training': training or {}, 'state_dict': weights}
    if rng is not None:
        data['rng_state'] = rng.getstate()
    path = check_writable(path)
    _remove_stale_temporary_files(path)
    # The process id in the name tells a later save whether this file's writer is still running.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f'.{path.name}.{os.getpid()}-', suffix='.tmp')
    try:
        os.chmod(tmp, 0o644)  # mkstemp makes a private file; a checkpoint is an ordinary one
        with os.fdopen(fd, 'w', encoding='utf-8', newline='\n') as f:  # the same bytes on Windows
            json.dump(data, f, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)  # atomic: the old file stays whole until the new one is complete
    except BaseException:
        os.unlink(tmp)
        raise


def _remove_stale_temporary_files(path):
    "Delete the temporary files of earlier saves to `path` whose process died mid-save (killed, power cut)."
    pattern = re.compile(re.escape(f'.{path.name}.') + r'(?:(\d+)-)?\w+\.tmp')
    for leftover in path.parent.glob(f'.{glob.escape(path.name)}.*.tmp'):
        match = pattern.fullmatch(leftover.name)
        if match and not (match[1] and _running(int(match[1]))):
            try:
                leftover.unlink()
            except OSError:  # gone already, or (on Windows) still open in a running process
                pass


def _running(pid):
    if os.name == 'nt':  # Windows refuses to delete a file that a running process holds open
        return False
    try:
        os.kill(pid, 0)  # signal 0 only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, and belongs to another user
        return True
    return True


def load_checkpoint(path=None):
    "Read a checkpoint written by save_checkpoint (default: the shipped one), checking every part first."
    path = SHIPPED if path is None else Path(path)
    if not path.is_file():
        raise CheckpointError(f"no checkpoint at {path}: {HOW_TO_MAKE}")
    try:
        data = json.loads(path.read_text(encoding='utf-8-sig'), parse_constant=_reject_constant)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise CheckpointError(f"{path} is not a checkpoint (corrupt or not JSON: {e}): {HOW_TO_MAKE}") from None
    except ValueError as e:
        raise CheckpointError(f"{path}: {e}") from None
    if not isinstance(data, dict) or data.get('format') != FORMAT:
        raise CheckpointError(f"{path} is JSON but not a microgpt checkpoint: {HOW_TO_MAKE}")
    if data.get('version') != VERSION:
        raise CheckpointError(f"{path} is checkpoint version {data.get('version')!r}; this code reads version "
                              f"{VERSION}: {HOW_TO_MAKE}")
    try:
        config = _config(data.get('config'))
        tokenizer = _tokenizer(data.get('chars'), config)
        state_dict = _state_dict(data.get('state_dict'), config)
        rng = _rng(data['rng_state']) if 'rng_state' in data else None
    except CheckpointError as e:
        raise CheckpointError(f"{path}: {e}") from None
    return Checkpoint(state_dict, config, tokenizer, data.get('training') or {}, rng)


def _reject_constant(name):
    raise ValueError(f"the file holds {name}, which no trained weight can be")


def _config(config):
    names = {f.name for f in fields(GPTConfig)}
    if not isinstance(config, dict) or set(config) != names:
        raise CheckpointError(f"'config' must hold exactly {sorted(names)}")
    try:
        return GPTConfig(**config)
    except ValueError as e:
        raise CheckpointError(f"bad config: {e}") from None


def _tokenizer(chars, config):
    if not isinstance(chars, str) or len(set(chars)) != len(chars):
        raise CheckpointError("'chars' must be a string of distinct characters (the vocabulary)")
    if len(chars) + 1 != config.vocab_size:
        raise CheckpointError(f"{len(chars)} characters plus BOS make {len(chars) + 1} tokens, "
                              f"but the config says vocab_size={config.vocab_size}")
    return Tokenizer(chars)


def _state_dict(weights, config):
    "The weights as Values, after checking that every matrix has the shape the configuration asks for."
    shapes = {name: (len(mat), len(mat[0])) for name, mat in init_state_dict(config, random.Random(0)).items()}
    if not isinstance(weights, dict) or set(weights) != set(shapes):
        raise CheckpointError(f"'state_dict' must hold exactly the matrices {sorted(shapes)}")
    state_dict = {}
    for name, (rows, cols) in shapes.items():
        mat = weights[name]
        if (not isinstance(mat, list) or len(mat) != rows
                or not all(isinstance(row, list) and len(row) == cols for row in mat)):
            raise CheckpointError(f"matrix {name!r} does not fit the config: expected {rows} rows "
                                  f"of {cols} numbers")
        if not all(isinstance(x, Real) and not isinstance(x, bool) for row in mat for x in row):
            raise CheckpointError(f"matrix {name!r} holds something that is not a number")
        state_dict[name] = [[Value(_finite(x, name, r, c)) for c, x in enumerate(row)] for r, row in enumerate(mat)]
    return state_dict


def _finite(x, name, row, col):
    "JSON reads 1e400 as infinity (and a long integer may not fit a float): no trained weight is either."
    try:
        x = float(x)
    except OverflowError:
        x = math.inf
    if not math.isfinite(x):
        raise CheckpointError(f"matrix {name!r} holds {x} at row {row}, column {col}: trained weights are finite "
                              f"numbers (the file was edited or damaged): {HOW_TO_MAKE}")
    return x


def _rng(state):
    try:
        version, internal, gauss_next = state
        rng = random.Random()
        rng.setstate((version, tuple(internal), gauss_next))
        return rng
    except (TypeError, ValueError):
        raise CheckpointError("'rng_state' is not a saved random-number state") from None
