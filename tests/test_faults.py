"""Faults and odd input around the command line and checkpoints: a clear message, exit status 2 (or the
right error from the library), and never a trained model lost. Real files, pipes and signals where the
machine allows them; an injected error only where it cannot be made real (root reads any file)."""
import errno
import json
import os
import random
import signal
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import ROOT
from microgpt import checkpoint as ck
from microgpt.autograd import Value
from microgpt.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from microgpt.cli import main
from microgpt.embeddings import GPTConfig, init_state_dict, parameters
from microgpt.optim import Adam, TrainingDiverged, train
from microgpt.tokenizer import Tokenizer, load_docs

POSIX = pytest.mark.skipif(os.name == 'nt', reason='POSIX signals, FIFOs and devices')
TINY = ['--n-embd', '4', '--n-head', '1', '--block-size', '4', '--num-samples', '2']
CONFIG = GPTConfig(vocab_size=6, n_embd=4, n_head=2, n_layer=1, block_size=5)
TOKENIZER = Tokenizer('abcde')


@pytest.fixture(autouse=True)
def own_home(tmp_path, monkeypatch):
    monkeypatch.setenv('MICROGPT_HOME', str(tmp_path / 'home'))
    return tmp_path / 'home'


def run(args, capsys):
    status = main(args)
    out, err = capsys.readouterr()
    return status, out, err


def cli(*args, **kwargs):
    "`python -m microgpt ARGS` as its own process, on this checkout's package."
    return subprocess.Popen([sys.executable, '-m', 'microgpt', *args], cwd=ROOT, text=True, encoding='utf-8',
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


# A process inherits an ignored SIGINT (a shell without job control ignores it in `cmd &`), and Python
# then keeps ignoring it: started from such a shell, the suite would see Ctrl-C do nothing. The child
# resets it itself (preexec_fn would do it between fork and exec, which is unsafe with threads).
AT_A_TERMINAL = ('import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); '
                 'runpy.run_module("microgpt", run_name="__main__", alter_sys=True)')


def cli_at_a_terminal(*args):
    "`python -m microgpt ARGS` with Ctrl-C at its default, as a terminal starts it."
    return subprocess.Popen([sys.executable, '-c', AT_A_TERMINAL, *args], cwd=ROOT, text=True, encoding='utf-8',
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def small_model(seed=0):
    return init_state_dict(CONFIG, random.Random(seed))


# ---- Unreadable files ----------------------------------------------------------------------------------

def unreadable(path, monkeypatch):
    "A file with no read permission. Root reads it anyway, so then reading it is made to fail as it would."
    path.chmod(0)
    if os.access(path, os.R_OK):
        real = Path.read_text

        def refuse(self, *args, **kwargs):
            if self == path:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
            return real(self, *args, **kwargs)
        monkeypatch.setattr(Path, 'read_text', refuse)
    return path


def test_an_unreadable_data_file_is_one_line(tmp_path, monkeypatch, capsys):
    data = tmp_path / 'names.txt'
    data.write_text('ann\nbob\n', encoding='utf-8')
    status, out, err = run(['train', '--data', str(unreadable(data, monkeypatch)), '--steps', '1'], capsys)
    assert status == 2 and out == ''
    assert err == f'error: {data}: Permission denied: check its permissions, or give another file\n'


def test_an_unreadable_checkpoint_is_one_line(tmp_path, monkeypatch, capsys):
    ckpt = tmp_path / 'model.json'
    save_checkpoint(ckpt, small_model(), CONFIG, TOKENIZER)
    status, out, err = run(['sample', '--checkpoint', str(unreadable(ckpt, monkeypatch))], capsys)
    assert status == 2 and out == '' and err.startswith(f'error: {ckpt}: Permission denied')


# ---- A full disk ---------------------------------------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path):
    "A 100 KB tmpfs when this machine lets us mount one; None otherwise (the full disk is then injected)."
    folder = tmp_path / 'disk'
    folder.mkdir()
    try:
        mounted = subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=100k', 'tmpfs', str(folder)],
                                 capture_output=True).returncode == 0
    except OSError:  # no mount command here
        mounted = False
    yield folder if mounted else None
    if mounted:
        subprocess.run(['umount', str(folder)], check=True)


def test_a_full_disk_keeps_the_trained_model_elsewhere(tmp_path, small_disk, monkeypatch, capsys):
    fallback = tmp_path / 'fallback'
    fallback.mkdir()
    monkeypatch.setattr(tempfile, 'tempdir', str(fallback))
    disk = small_disk or tmp_path
    target = disk / 'model.json'
    assert run(['train', '--steps', '1', '--save', str(target), *TINY], capsys)[0] == 0  # a small old model
    before = target.read_bytes()
    if small_disk is None:
        def no_space(obj, f, **kwargs):
            f.write('{"format": "microgpt checkpoint", ')
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        monkeypatch.setattr(ck.json, 'dump', no_space)
    status, out, err = run(['train', '--steps', '2', '--num-samples', '3', '--save', str(target)], capsys)
    saved = fallback / f'microgpt-trained-{os.getpid()}.json'
    assert status == 2 and out.splitlines()[-4] == '--- inference ---'  # the samples are still shown
    assert err == (f'error: could not save to {target} (No space left on device); the trained model is saved at '
                   f'{saved} instead: `python -m microgpt sample --checkpoint {saved}` samples from it\n')
    assert load_checkpoint(saved).training['steps'] == 2
    assert target.read_bytes() == before and sorted(disk.iterdir()) == [target]  # old model whole, no temp file


# ---- A closed pipe, signals ----------------------------------------------------------------------------

@POSIX
def test_a_reader_that_stops_early_ends_sampling_quietly():
    process = cli('sample', '--num-samples', '100000')  # far more than a pipe holds
    assert process.stdout.readline() == ('sampling from the shipped checkpoint '
                                         '(`python -m microgpt train` makes yours)\n')
    process.stdout.close()  # as `| head -1` does after its line
    assert process.wait(timeout=120) == 141
    assert process.stderr.read() == ''


@POSIX
@pytest.mark.parametrize('signum', [signal.SIGINT, signal.SIGTERM], ids=['ctrl-c', 'sigterm'])
def test_a_signal_during_training_keeps_the_model_trained_so_far(signum, tmp_path):
    target = tmp_path / 'model.json'
    process = cli_at_a_terminal('train', '--save', str(target))
    while not process.stdout.readline().startswith('step    3 /'):
        pass
    process.send_signal(signum)
    assert process.wait(timeout=60) == 130
    partial = tmp_path / 'model.interrupted.json'
    record = load_checkpoint(partial).training
    assert record['steps'] >= 3 and record['planned_steps'] == 500 and len(record['losses']) == record['steps']
    assert process.stderr.read() == (f"error: interrupted after step {record['steps']} of 500: the model trained so "
                                     f'far is saved at {partial} (`python -m microgpt sample --checkpoint {partial}` '
                                     'samples from it)\n')
    assert sorted(tmp_path.iterdir()) == [partial]


SLOW_SAVE = '''
import os, sys, time
sys.path.insert(0, {root!r})
real_fsync = os.fsync
def slow_fsync(fd):  # a slow disk: the signal arrives while the file is being written
    print('MARK saving', file=sys.stderr, flush=True)
    time.sleep(2)
    real_fsync(fd)
os.fsync = slow_fsync
'''


def slow_saver(code, *args):
    script = SLOW_SAVE.format(root=str(ROOT)) + code
    process = subprocess.Popen([sys.executable, '-c', script, *args], text=True, encoding='utf-8',
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    while process.stderr.readline() != 'MARK saving\n':
        assert process.poll() is None, process.stderr.read()
    return process


@POSIX
def test_sigterm_during_the_save_finishes_it_first(tmp_path):
    target = tmp_path / 'model.json'
    process = slow_saver('from microgpt.cli import main\nsys.exit(main(sys.argv[1:]))',
                         'train', '--steps', '2', '--save', str(target), *TINY)
    process.terminate()
    assert process.wait(timeout=60) == 130
    assert process.stderr.read() == (f'saved the trained model to {target}: `python -m microgpt sample '
                                      f'--checkpoint {target}` samples from it\nerror: interrupted\n')
    assert load_checkpoint(target).training['steps'] == 2 and sorted(tmp_path.iterdir()) == [target]


@POSIX
def test_a_killed_save_leaves_nothing_the_next_save_trips_over(tmp_path):
    target = tmp_path / 'model.json'
    save_checkpoint(target, small_model(1), CONFIG, TOKENIZER)
    process = slow_saver('from microgpt.checkpoint import save_checkpoint\n'
                         'from microgpt.embeddings import GPTConfig, init_state_dict\n'
                         'from microgpt.tokenizer import Tokenizer\nimport random\n'
                         f'config = GPTConfig(**{vars(CONFIG)!r})\n'
                         'save_checkpoint(sys.argv[1], init_state_dict(config, random.Random(2)), config, '
                         'Tokenizer("abcde"))', str(target))
    process.kill()  # SIGKILL: no handler runs, the temporary file stays
    process.wait(timeout=60)
    [leftover] = [p for p in tmp_path.iterdir() if p != target]
    assert leftover.name.startswith('.model.json.') and leftover.name.endswith('.tmp')
    save_checkpoint(target, small_model(3), CONFIG, TOKENIZER)
    assert sorted(tmp_path.iterdir()) == [target]


@POSIX
def test_a_save_in_progress_elsewhere_is_left_alone(tmp_path):
    target = tmp_path / 'model.json'
    running = tmp_path / f'.model.json.{os.getpid()}-abc123.tmp'  # this process is alive
    dead = tmp_path / '.model.json.999999999-abc123.tmp'  # beyond any process id
    running.write_text('{', encoding='utf-8')
    dead.write_text('{', encoding='utf-8')
    save_checkpoint(target, small_model(), CONFIG, TOKENIZER)
    assert sorted(tmp_path.iterdir()) == sorted([running, target])


# ---- Where a checkpoint is saved -----------------------------------------------------------------------

@POSIX
def test_saving_through_a_symbolic_link_writes_its_target(tmp_path, capsys):
    real = tmp_path / 'models' / 'latest.json'
    real.parent.mkdir()
    link = tmp_path / 'model.json'
    link.symlink_to(real)
    assert run(['train', '--steps', '1', '--save', str(link), *TINY], capsys)[0] == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert load_checkpoint(real).training['steps'] == 1
    assert sorted(real.parent.iterdir()) == [real]


def device_file(path):
    "A character device like /dev/null: made with mknod where allowed, else a link to /dev/null."
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except OSError:
        path.symlink_to('/dev/null')
    return path


@POSIX
@pytest.mark.parametrize('kind', ['fifo', 'device'])
def test_saving_over_a_special_file_is_refused_before_training(kind, tmp_path, capsys):
    path = tmp_path / kind
    if kind == 'fifo':
        os.mkfifo(path)
    else:
        device_file(path)
    mode = path.stat().st_mode
    status, out, err = run(['train', '--save', str(path), *TINY], capsys)
    name = 'FIFO (named pipe)' if kind == 'fifo' else 'character device'
    assert status == 2 and out == ''
    assert err == f'error: {path} is a {name}, not a regular file: a checkpoint is saved only as a regular file ' \
                  '(give another file name)\n'
    assert path.stat().st_mode == mode  # still the same special file


# ---- Numbers that are not usable -----------------------------------------------------------------------

@pytest.mark.parametrize('text', ['1e400', '-1e400', '1' + '0' * 400])
def test_a_checkpoint_with_an_infinite_weight_is_refused_by_name(text, tmp_path, capsys):
    path = tmp_path / 'model.json'
    save_checkpoint(path, small_model(), CONFIG, TOKENIZER)
    data = json.loads(path.read_text(encoding='utf-8'))
    data['state_dict']['lm_head'][2][1] = 12345.5
    path.write_text(json.dumps(data).replace('12345.5', text), encoding='utf-8')
    with pytest.raises(CheckpointError, match=r"matrix 'lm_head' holds -?inf at row 2, column 1"):
        load_checkpoint(path)
    status, out, err = run(['sample', '--checkpoint', str(path)], capsys)
    assert status == 2 and out == '' and "'lm_head' holds" in err


@pytest.mark.parametrize('lr', ['3', '100', '1e6'])
def test_divergence_is_named_with_the_learning_rate(lr, capsys):
    status, out, err = run(['train', '--lr', lr, '--num-samples', '1'], capsys)
    assert status == 2 and '--- inference ---' not in out
    assert err.startswith(f'error: training diverged at step ') and f'with learning rate {float(lr):g} (' in err
    assert 'train again with a smaller learning rate' in err


def test_a_loss_that_is_not_a_number_is_divergence():
    sd = init_state_dict(GPTConfig(vocab_size=6), random.Random(0))
    sd['wte'][0][0].data = float('nan')
    steps = train(['abc', 'de'], TOKENIZER, sd, GPTConfig(vocab_size=6), Adam(parameters(sd), lr=0.5), 10)
    with pytest.raises(TrainingDiverged, match=r'at step 1 with learning rate 0.5 \(the loss is nan\)'):
        next(steps)


def test_exp_overflow_names_the_number():
    with pytest.raises(OverflowError, match=r'exp\(5000.0\) is too large for a float'):
        Value(5000.0).exp()
    assert Value(709.0).exp().data == pytest.approx(8.218407461554972e307)


# ---- A byte-order mark ---------------------------------------------------------------------------------

def test_a_byte_order_mark_is_not_part_of_the_data(tmp_path, capsys):
    data = tmp_path / 'pets.txt'
    data.write_text('\ufeffrex\nfido\n', encoding='utf-8')
    assert load_docs(data) == ['rex', 'fido']
    status, out, _ = run(['train', '--data', str(data), '--steps', '1', *TINY], capsys)
    assert status == 0 and 'vocab size: 8\n' in out  # r e x f i d o, and BOS
