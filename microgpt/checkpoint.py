"""Save and load a trained model as JSON: its configuration, vocabulary and weights.

JSON and never pickle: loading a checkpoint from a stranger only reads numbers, it cannot run code.
Floats are written by repr, which reads back to the identical float, so a loaded model samples
exactly like the one that was saved. Saving writes a temporary file and renames it over the old
one, so an interrupted save never destroys the previous checkpoint.
"""
import json
import math
import os
import random
import tempfile
from dataclasses import asdict, dataclass, fields
from numbers import Real
from pathlib import Path

from .autograd import Value
from .embeddings import GPTConfig, init_state_dict
from .tokenizer import Tokenizer

FORMAT = 'microgpt checkpoint'
VERSION = 1
SHIPPED = Path(__file__).resolve().parent.parent / 'data' / 'checkpoint.json'
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


def check_writable(path):
    "Fail now, not after a long training, if a checkpoint cannot be written to `path`."
    path = Path(path)
    if path.is_dir():
        raise CheckpointError(f"{path} is a directory: give a file name, e.g. {path / 'checkpoint.json'}")
    folder = path.parent
    if not folder.is_dir():
        raise CheckpointError(f"cannot save to {path}: the folder {folder} does not exist (create it first)")
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as e:
        raise CheckpointError(f"cannot save to {path}: the folder {folder} is not writable ({e.strerror})") from None


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
    check_writable(path)
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f'.{path.name}.', suffix='.tmp')
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


def load_checkpoint(path=SHIPPED):
    "Read a checkpoint written by save_checkpoint, checking every part before trusting it."
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"no checkpoint at {path}: {HOW_TO_MAKE}")
    try:
        data = json.loads(path.read_text(encoding='utf-8'), parse_constant=_reject_constant)
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
        state_dict[name] = [[Value(float(x)) for x in row] for row in mat]
    return state_dict


def _rng(state):
    try:
        version, internal, gauss_next = state
        rng = random.Random()
        rng.setstate((version, tuple(internal), gauss_next))
        return rng
    except (TypeError, ValueError):
        raise CheckpointError("'rng_state' is not a saved random-number state") from None
