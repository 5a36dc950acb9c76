"""Save and load a trained model as JSON: its configuration, vocabulary and weights.

JSON and never pickle: loading a checkpoint from a stranger only reads numbers, it cannot run code.
Floats are written by repr, which reads back to the identical float, so a loaded model samples
exactly like the one that was saved. Saving is atomic and keeps the target's permissions (safe_save.py).
A file is checked before it is built: its size, the parameters its configuration claims (counted by
arithmetic, never by building them) against what the file can hold, then every matrix's shape.
"""
import json
import math
import random
from dataclasses import asdict, dataclass, fields
from numbers import Real
from pathlib import Path

from ..autograd import Value
from ..embeddings import GPTConfig
from ..tokenizer import Tokenizer, data_file
from .safe_save import check_writable, write_atomically  # noqa: F401 (check_writable: for callers)

FORMAT = 'microgpt checkpoint'
VERSION = 1
SHIPPED = data_file('checkpoint.json')
MAX_PARAMS = 2_000_000  # 500 times the course's model; its Values take about 1 GB in memory
MAX_BYTES = 100_000_000  # a checkpoint of MAX_PARAMS parameters takes about 50 MB
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


def save_checkpoint(path, state_dict, config, tokenizer, training=None, rng=None, unchanged_since=False):
    """Write the model to `path` as JSON, atomically (safe_save.py). `rng`, if given, lets sampling continue
    its stream; `unchanged_since`, a fingerprint, refuses to replace a file another process wrote meanwhile."""
    weights = {name: [[p.data for p in row] for row in mat] for name, mat in state_dict.items()}
    if not all(math.isfinite(x) for mat in weights.values() for row in mat for x in row):
        raise CheckpointError("the weights hold NaN or infinity (training diverged): "
                              "nothing was saved; train again with a smaller --lr")
    data = {'format': FORMAT, 'version': VERSION, 'config': asdict(config), 'chars': ''.join(tokenizer.chars),
            'training': training or {}, 'state_dict': weights}
    if rng is not None:
        data['rng_state'] = rng.getstate()
    return write_atomically(path, lambda f: json.dump(data, f, indent=1), unchanged_since)


def load_checkpoint(path=None):
    "Read a checkpoint written by save_checkpoint (default: the shipped one), checking every part first."
    path = SHIPPED if path is None else Path(path)
    if not path.is_file():
        raise CheckpointError(f"no checkpoint at {path}: {HOW_TO_MAKE}")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise CheckpointError(f"{path} holds {size:,} bytes, more than any checkpoint this code loads "
                              f"({MAX_BYTES:,}): it is not a microgpt checkpoint, or its model is too large")
    try:
        data = json.loads(path.read_text(encoding='utf-8-sig'), parse_constant=_reject_constant)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise CheckpointError(f"{path} is not a checkpoint (corrupt or not JSON: {e}): {HOW_TO_MAKE}") from None
    except RecursionError:
        raise CheckpointError(f"{path} is not a checkpoint (its JSON is nested too deeply to read): "
                              f"{HOW_TO_MAKE}") from None
    except ValueError as e:
        if 'int_max_str_digits' in str(e):  # Python refuses to read a whole number of thousands of digits
            e = 'the file holds a whole number thousands of digits long, which no weight or setting is'
        raise CheckpointError(f"{path}: {e}") from None
    if not isinstance(data, dict) or data.get('format') != FORMAT:
        raise CheckpointError(f"{path} is JSON but not a microgpt checkpoint: {HOW_TO_MAKE}")
    if data.get('version') != VERSION:
        raise CheckpointError(f"{path} is checkpoint version {data.get('version')!r}; this code reads version "
                              f"{VERSION}: {HOW_TO_MAKE}")
    try:
        config = _config(data.get('config'), size)
        tokenizer = _tokenizer(data.get('chars'), config)
        state_dict = _state_dict(data.get('state_dict'), config)
        rng = _rng(data['rng_state']) if 'rng_state' in data else None
    except CheckpointError as e:
        raise CheckpointError(f"{path}: {e}") from None
    return Checkpoint(state_dict, config, tokenizer, data.get('training') or {}, rng)


def _reject_constant(name):
    raise ValueError(f"the file holds {name}, which no trained weight can be")


def _config(config, size):
    names = {f.name for f in fields(GPTConfig)}
    if not isinstance(config, dict) or set(config) != names:
        raise CheckpointError(f"'config' must hold exactly {sorted(names)}")
    try:
        config = GPTConfig(**config)
    except ValueError as e:
        raise CheckpointError(f"bad config: {e}") from None
    count = num_params(config)  # arithmetic only: building the model first could exhaust the memory
    if count > MAX_PARAMS:
        raise CheckpointError(f"its config makes a model of {count:,} parameters, more than this code loads "
                              f"({MAX_PARAMS:,}): the file was edited or damaged, or is not for this course")
    if 2 * count > size:  # each number takes at least two characters: a digit and a comma
        raise CheckpointError(f"its config claims {count:,} parameters, which {size:,} bytes cannot hold "
                              f"(the file is cut short or was edited): {HOW_TO_MAKE}")
    return config


def num_params(config):
    "How many numbers the model of this configuration has (as init_state_dict makes it), without making it."
    c = config
    return (2 * c.vocab_size + c.block_size) * c.n_embd + c.n_layer * 12 * c.n_embd ** 2


def shapes(config):
    "(rows, columns) of every matrix, by name, in init_state_dict's order."
    c, d = config, config.n_embd
    found = {'wte': (c.vocab_size, d), 'wpe': (c.block_size, d), 'lm_head': (c.vocab_size, d)}
    for i in range(c.n_layer):
        found.update({f'layer{i}.attn_{w}': (d, d) for w in ('wq', 'wk', 'wv', 'wo')})
        found.update({f'layer{i}.mlp_fc1': (4 * d, d), f'layer{i}.mlp_fc2': (d, 4 * d)})
    return found


def _tokenizer(chars, config):
    if not isinstance(chars, str) or len(set(chars)) != len(chars):
        raise CheckpointError("'chars' must be a string of distinct characters (the vocabulary)")
    if len(chars) + 1 != config.vocab_size:
        raise CheckpointError(f"{len(chars)} characters plus BOS make {len(chars) + 1} tokens, "
                              f"but the config says vocab_size={config.vocab_size}")
    return Tokenizer(chars)


def _state_dict(weights, config):
    "The weights as Values, after checking that every matrix has the shape the configuration asks for."
    expected = shapes(config)
    if not isinstance(weights, dict) or set(weights) != set(expected):
        raise CheckpointError(f"'state_dict' must hold exactly the matrices {sorted(expected)}")
    state_dict = {}
    for name, (rows, cols) in expected.items():
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
