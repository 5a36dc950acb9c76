"""Checkpoints: exact round trips, atomic saves, and clear errors for files that do not fit."""
import json
import random
import subprocess
import sys

import pytest

from conftest import ROOT
from microgpt.helpers import checkpoint as ck
from microgpt.helpers.checkpoint import CheckpointError, check_writable, load_checkpoint, save_checkpoint
from microgpt.helpers.safe_save import UnsafeTarget
from microgpt.embeddings import GPTConfig, init_state_dict, parameters
from microgpt.sample import sample
from microgpt.tokenizer import Tokenizer

CONFIG = GPTConfig(vocab_size=6, n_embd=4, n_head=2, n_layer=1, block_size=5)
TOKENIZER = Tokenizer('abcde')


@pytest.fixture
def saved(tmp_path):
    "A small model with awkward floats, saved; returns (path, state_dict)."
    rng = random.Random(0)
    sd = init_state_dict(CONFIG, rng, std=1.0)
    for p in parameters(sd):
        p.data = p.data / 3 * 1e-7 if rng.random() < 0.5 else p.data * 1e5 / 7
    path = tmp_path / 'model.json'
    save_checkpoint(path, sd, CONFIG, TOKENIZER, {'steps': 3, 'losses': [3.1, 2.9, 2.8]}, rng)
    return path, sd


def test_round_trip_is_exact(saved):
    path, sd = saved
    ckpt = load_checkpoint(path)
    assert ckpt.config == CONFIG and ckpt.tokenizer.chars == TOKENIZER.chars
    assert [p.data for p in parameters(ckpt.state_dict)] == [p.data for p in parameters(sd)]
    assert ckpt.training == {'steps': 3, 'losses': [3.1, 2.9, 2.8]}
    names = [sample(sd, CONFIG, TOKENIZER, 1.0, random.Random(5)) for _ in range(5)]
    assert [sample(ckpt.state_dict, CONFIG, TOKENIZER, 1.0, random.Random(5)) for _ in range(5)] == names


def test_the_saved_random_stream_continues(saved):
    path, _ = saved
    first, second = load_checkpoint(path).rng, load_checkpoint(path).rng
    assert [first.random() for _ in range(3)] == [second.random() for _ in range(3)]


def test_a_failed_save_keeps_the_old_checkpoint(saved, monkeypatch):
    path, sd = saved
    before = path.read_bytes()

    def broken_dump(obj, f, **kwargs):
        f.write('{"format": "microgpt checkpoint", "state_di')  # half a file, then the crash
        raise KeyboardInterrupt

    monkeypatch.setattr(ck.json, 'dump', broken_dump)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint(path, sd, CONFIG, TOKENIZER)
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind


def test_diverged_weights_are_not_saved(tmp_path):
    sd = init_state_dict(CONFIG, random.Random(0))
    sd['wte'][0][0].data = float('nan')
    with pytest.raises(CheckpointError, match='NaN or infinity'):
        save_checkpoint(tmp_path / 'model.json', sd, CONFIG, TOKENIZER)
    assert not list(tmp_path.iterdir())


def test_unwritable_places_are_named_before_work(tmp_path):
    with pytest.raises(UnsafeTarget, match='does not exist'):
        check_writable(tmp_path / 'missing' / 'model.json')
    with pytest.raises(UnsafeTarget, match='is a directory'):
        check_writable(tmp_path)
    check_writable(tmp_path / 'model.json')  # fine, and leaves nothing behind
    assert not list(tmp_path.iterdir())


def edit(path, change):
    data = json.loads(path.read_text(encoding='utf-8'))
    change(data)
    path.write_text(json.dumps(data), encoding='utf-8')


@pytest.mark.parametrize('change, message', [
    (lambda d: d['state_dict']['wte'].pop(), "matrix 'wte' does not fit the config: expected 6 rows of 4"),
    (lambda d: d['state_dict']['lm_head'][2].append(0.5), "matrix 'lm_head' does not fit the config"),
    (lambda d: d['state_dict'].pop('layer0.mlp_fc1'), "'state_dict' must hold exactly"),
    (lambda d: d['state_dict']['wpe'][0].__setitem__(1, 'x'), "matrix 'wpe' holds something that is not a number"),
    (lambda d: d['config'].update(n_embd=8), "matrix 'wte' does not fit the config"),
    (lambda d: d['config'].update(n_head=3), 'bad config: n_embd (4) must be divisible by n_head (3)'),
    (lambda d: d['config'].pop('n_layer'), "'config' must hold exactly"),
    (lambda d: d.update(chars='abcdef'), '6 characters plus BOS make 7 tokens, but the config says vocab_size=6'),
    (lambda d: d.update(chars='aacde'), "'chars' must be a string of distinct characters"),
    (lambda d: d.update(version=99), 'checkpoint version 99; this code reads version 1'),
    (lambda d: d.update(format='something else'), 'is JSON but not a microgpt checkpoint'),
    (lambda d: d.update(rng_state=[3, [1, 2], None]), "'rng_state' is not a saved random-number state"),
])
def test_files_that_do_not_fit_are_clear_errors(saved, change, message):
    path, _ = saved
    edit(path, change)
    with pytest.raises(CheckpointError) as err:
        load_checkpoint(path)
    assert message in str(err.value) and str(path) in str(err.value)


@pytest.mark.parametrize('text, message', [
    (None, 'no checkpoint at'),
    ('', 'corrupt or not JSON'),
    ('{"format": "microgpt checkpoint", "state_di', 'corrupt or not JSON'),
    ('[1, 2, 3]', 'is JSON but not a microgpt checkpoint'),
    ('{"format": "microgpt checkpoint", "x": NaN}', 'holds NaN'),
])
def test_corrupt_or_missing_files_are_clear_errors(tmp_path, text, message):
    path = tmp_path / 'model.json'
    if text is not None:
        path.write_text(text, encoding='utf-8')
    with pytest.raises(CheckpointError) as err:
        load_checkpoint(path)
    assert message in str(err.value) and str(path) in str(err.value)


def test_binary_garbage_is_a_clear_error(tmp_path):
    path = tmp_path / 'model.json'
    path.write_bytes(b'\x80\x02\x63pickle')
    with pytest.raises(CheckpointError, match='corrupt or not JSON'):
        load_checkpoint(path)


def tiny_file_of_a_huge_model(path, **config):
    "A checkpoint of a few hundred bytes whose configuration claims an enormous model."
    sizes = {**dict(vocab_size=6, n_embd=4, n_head=2, n_layer=1, block_size=5), **config}
    path.write_text(json.dumps({'format': 'microgpt checkpoint', 'version': 1, 'config': sizes, 'chars': 'abcde',
                                'state_dict': {}}), encoding='utf-8')
    return path


UNDER_A_MEMORY_LIMIT = '''
import resource, sys
sys.path.insert(0, {root!r})
from microgpt.helpers.checkpoint import CheckpointError, load_checkpoint
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))  # 1 GB of address space for the whole process
try:
    load_checkpoint(sys.argv[1])
except CheckpointError as e:
    print(e)
'''


@pytest.mark.skipif(sys.platform != 'linux', reason='RLIMIT_AS limits memory on Linux')
@pytest.mark.parametrize('field', ['n_layer', 'block_size'])
def test_a_tiny_file_claiming_a_huge_model_is_refused_without_building_it(field, tmp_path):
    path = tiny_file_of_a_huge_model(tmp_path / 'model.json', **{field: 10 ** 12})
    assert path.stat().st_size < 200
    result = subprocess.run([sys.executable, '-c', UNDER_A_MEMORY_LIMIT.format(root=str(ROOT)), str(path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stderr == ''
    assert result.stdout.startswith(f'{path}: its config makes a model of ') and 'more than this code loads' in result.stdout


def test_a_file_too_small_for_the_model_it_claims_is_refused(tmp_path):
    path = tiny_file_of_a_huge_model(tmp_path / 'model.json', n_embd=200, n_head=4)  # 483,400 parameters
    with pytest.raises(CheckpointError, match='its config claims 483,400 parameters, which 1[0-9]{2} bytes cannot hold'):
        load_checkpoint(path)


def test_a_file_larger_than_any_checkpoint_is_refused_unread(saved, monkeypatch):
    path, _ = saved
    monkeypatch.setattr(ck, 'MAX_BYTES', 1000)
    monkeypatch.setattr(ck.Path, 'read_text', lambda *a, **k: pytest.fail('the file was read'))
    with pytest.raises(CheckpointError, match=r'bytes, more than any checkpoint this code loads \(1,000\)'):
        load_checkpoint(path)


@pytest.mark.parametrize('text, message', [
    ('[' * 100_000 + ']' * 100_000, 'its JSON is nested too deeply to read'),
    ('{"format": "microgpt checkpoint", "version": ' + '7' * 5000 + '}', 'a whole number thousands of digits long'),
])
def test_json_that_python_refuses_is_a_clear_error(tmp_path, text, message):
    path = tmp_path / 'model.json'
    path.write_text(text, encoding='utf-8')
    with pytest.raises(CheckpointError) as err:
        load_checkpoint(path)
    assert message in str(err.value) and 'set_int_max_str_digits' not in str(err.value)
