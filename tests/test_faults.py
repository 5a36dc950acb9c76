"""Faults and odd input around the command line and checkpoints: a clear message, exit status 2 (or the
right error from the library), and never a trained model lost. Real files, pipes and signals where the
machine allows them; an injected error only where it cannot be made real (root reads any file)."""
import errno
import json
import os
import random
import re
import signal
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import ROOT
from microgpt.helpers import checkpoint as ck
from microgpt.autograd import Value
from microgpt.helpers.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from microgpt.helpers.cli import main
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
    [folder] = fallback.iterdir()
    saved = folder / 'model.json'
    assert status == 2 and out.splitlines()[-4] == '--- inference ---'  # the samples are still shown
    assert err == (f'error: could not save to {target} (No space left on device); the trained model is saved at '
                   f'{saved} instead: `python -m microgpt sample --checkpoint {saved}` samples from it\n')
    assert folder.name.startswith('microgpt-') and stat.S_IMODE(folder.stat().st_mode) == 0o700  # private
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


@pytest.mark.slow
@POSIX
def test_sigterm_during_the_save_finishes_it_first(tmp_path):
    target = tmp_path / 'model.json'
    process = slow_saver('from microgpt.helpers.cli import main\nsys.exit(main(sys.argv[1:]))',
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
    process = slow_saver('from microgpt.helpers.checkpoint import save_checkpoint\n'
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
    assert err.startswith('error: training diverged at step ') and f'with learning rate {float(lr):g} (' in err
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


# ---- Saves that cannot be turned against a file, nor lose one ------------------------------------------

def failing_first_save(monkeypatch):
    "The first save fails as a full disk does; later ones (the fallback) succeed."
    real, calls = ck.json.dump, []

    def dump(obj, f, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(obj, f, **kwargs)
    monkeypatch.setattr(ck.json, 'dump', dump)


@POSIX
def test_planted_links_cannot_turn_the_fallback_save_against_a_file(tmp_path, monkeypatch, capsys):
    shared = tmp_path / 'tmp'  # the temporary folder every user can write to
    shared.mkdir()
    monkeypatch.setattr(tempfile, 'tempdir', str(shared))
    victim = tmp_path / 'victim.txt'
    victim.write_text('precious', encoding='utf-8')
    for kind in ('trained', 'interrupted'):  # the names another user could predict
        (shared / f'microgpt-{kind}-{os.getpid()}.json').symlink_to(victim)
    failing_first_save(monkeypatch)
    target = tmp_path / 'model.json'
    status, out, err = run(['train', '--steps', '1', '--save', str(target), *TINY], capsys)
    assert victim.read_text(encoding='utf-8') == 'precious'
    [folder] = [p for p in shared.iterdir() if not p.is_symlink()]
    assert status == 2 and f'the trained model is saved at {folder / "model.json"} instead' in err
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and load_checkpoint(folder / 'model.json')


@POSIX
def test_a_private_checkpoint_stays_private(tmp_path, capsys):
    target = tmp_path / 'model.json'
    target.write_text('{}', encoding='utf-8')
    target.chmod(0o600)
    assert run(['train', '--steps', '1', '--save', str(target), *TINY], capsys)[0] == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600 and load_checkpoint(target).training['steps'] == 1


@POSIX
def test_a_read_only_checkpoint_is_refused_before_training(tmp_path, capsys):
    target = tmp_path / 'model.json'
    target.write_text('{"old": 1}', encoding='utf-8')
    target.chmod(0o444)
    status, out, err = run(['train', '--save', str(target), *TINY], capsys)
    assert status == 2 and out == ''
    assert err == (f'error: {target} is read-only: it is kept as it is (make it writable with `chmod u+w {target}` '
                   'to replace it, or give another file name)\n')
    assert target.read_text(encoding='utf-8') == '{"old": 1}' and sorted(tmp_path.iterdir()) == [target]


def test_the_previous_default_model_is_kept(own_home, capsys):
    assert run(['train', '--steps', '1', *TINY], capsys)[0] == 0
    trained = own_home / 'trained.json'
    first = trained.read_bytes()
    status, _, err = run(['train', '--steps', '2', *TINY], capsys)
    previous = own_home / 'trained.previous.json'
    assert status == 0 and previous.read_bytes() == first and load_checkpoint(trained).training['steps'] == 2
    assert err == (f'saved the trained model to {trained} (the previous model is kept at {previous}): '
                   '`python -m microgpt sample` samples from it\n')


@pytest.mark.slow
@POSIX
def test_concurrent_trainings_saving_to_one_path_keep_every_model(tmp_path):
    target = tmp_path / 'model.json'
    runs = [cli('train', '--steps', '60', '--seed', str(seed), '--num-samples', '1', '--save', str(target))
            for seed in (1, 2, 3)]
    errors = [process.communicate(timeout=300)[1] for process in runs]
    models = sorted(p.name for p in tmp_path.iterdir())
    assert models == ['model.2.json', 'model.3.json', 'model.json'], errors
    assert sorted(load_checkpoint(tmp_path / m).training['seed'] for m in models) == [1, 2, 3]
    assert sum('was saved by another run while this one trained: it is kept' in e for e in errors) == 2


# ---- Signals: every one keeps the model -----------------------------------------------------------------

def trained_to_step(process, step):
    while not process.stdout.readline().startswith(f'step {step:4d} /'):
        assert process.poll() is None, process.stderr.read()


# The second signal comes while the first one's work is being kept (the moment a presenter's impatient
# second Ctrl-C lands 1 to 20 ms after the first): sent from inside, so that it lands there every time.
SECOND_SIGNAL = '''
import os, runpy, signal, sys, time
sys.path.insert(0, {root!r})
signal.signal(signal.SIGINT, signal.default_int_handler)
import microgpt.helpers.train_command as train_command
keep = train_command.keep_interrupted
def twice(*args, **kwargs):
    os.kill(os.getpid(), {second})
    time.sleep(0.05)  # the signal's handler runs meanwhile
    return keep(*args, **kwargs)
train_command.keep_interrupted = twice
runpy.run_module("microgpt", run_name="__main__", alter_sys=True)
'''


@POSIX
@pytest.mark.parametrize('second', [signal.SIGINT, signal.SIGTERM], ids=['ctrl-c', 'sigterm'])
def test_a_second_signal_soon_after_the_first_still_keeps_the_model(second, tmp_path):
    target = tmp_path / 'model.json'
    script = SECOND_SIGNAL.format(root=str(ROOT), second=int(second))
    process = subprocess.Popen([sys.executable, '-c', script, 'train', '--save', str(target)], text=True,
                               encoding='utf-8', stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    trained_to_step(process, 3)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 130
    assert 'the model trained so far is saved at' in process.stderr.read()
    assert load_checkpoint(tmp_path / 'model.interrupted.json').training['steps'] >= 3


@POSIX
def test_a_closed_terminal_keeps_the_model_trained_so_far(tmp_path):
    target = tmp_path / 'model.json'
    process = cli_at_a_terminal('train', '--save', str(target))
    trained_to_step(process, 3)
    process.send_signal(signal.SIGHUP)
    assert process.wait(timeout=60) == 130
    assert load_checkpoint(tmp_path / 'model.interrupted.json').training['steps'] >= 3


KEEP_OFTEN = ('import runpy, sys; sys.path.insert(0, {root!r}); import microgpt.helpers.train_command as t; '
              't.KEEP_EVERY = 0.0; runpy.run_module("microgpt", run_name="__main__", alter_sys=True)')


@POSIX
def test_a_long_run_killed_outright_keeps_the_model_trained_so_far(tmp_path):
    target = tmp_path / 'model.json'
    process = subprocess.Popen([sys.executable, '-c', KEEP_OFTEN.format(root=str(ROOT)), 'train', '--save',
                                str(target)], text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    trained_to_step(process, 6)
    process.kill()  # SIGKILL: no handler runs
    process.wait(timeout=60)
    record = load_checkpoint(tmp_path / 'model.interrupted.json').training
    assert record['steps'] >= 5 and record['planned_steps'] == 500


def test_a_finished_run_leaves_no_partial_model(tmp_path, monkeypatch, capsys):
    import microgpt.helpers.train_command as train_command
    monkeypatch.setattr(train_command, 'KEEP_EVERY', 0.0)
    target = tmp_path / 'model.json'
    assert run(['train', '--steps', '3', '--save', str(target), *TINY], capsys)[0] == 0
    assert sorted(tmp_path.iterdir()) == [target]


# ---- The library's own guards: one clear error, never a traceback from deep inside ---------------------

def test_a_temperature_too_small_to_divide_by_is_refused_by_the_library():
    from microgpt import fast
    from microgpt.sample import next_token_probs
    with pytest.raises(ValueError, match='too small to divide by: use 0 .greedy. or at least 1e-300'):
        next_token_probs([1.0, 2.0], 1e-310)
    ckpt = load_checkpoint()
    with pytest.raises(ValueError, match='too small to divide by'):
        fast.sample(fast.from_state_dict(ckpt.state_dict), ckpt.config, ckpt.tokenizer, 1e-310, random.Random(0))


@pytest.mark.parametrize('lr', [1e6, float('nan')])
def test_the_fast_engine_stops_on_divergence_as_the_scalar_one_does(lr):
    from microgpt import fast
    ckpt = load_checkpoint()
    docs = load_docs()
    params = fast.init_params(ckpt.config, random.Random(42))
    diverged = rf'training diverged at step \d+ with learning rate {re.escape(f"{lr:g}")} '
    with pytest.raises(TrainingDiverged, match=diverged):
        for _ in fast.train(docs, ckpt.tokenizer, params, ckpt.config, fast.Adam(params, lr=lr), 50):
            pass


def test_decoding_a_token_id_that_is_not_whole_is_a_clear_error():
    with pytest.raises(TypeError, match=r'token ids are whole numbers, got 1\.0'):
        TOKENIZER.decode([1.0])


def test_the_mean_loss_of_no_documents_is_a_clear_error():
    from microgpt.floats import mean_loss
    with pytest.raises(ValueError, match='mean_loss needs at least one document, got none'):
        mean_loss([], TOKENIZER, small_model(), CONFIG)


@POSIX
@pytest.mark.parametrize('kind', ['folder', 'fifo', 'device'])
def test_data_that_is_not_a_regular_file_is_named_for_what_it_is(kind, tmp_path, capsys):
    path = tmp_path / kind
    if kind == 'folder':
        path.mkdir()
    elif kind == 'fifo':
        os.mkfifo(path)
    else:
        path = Path(os.devnull)
    status, out, err = run(['train', '--data', str(path), *TINY], capsys)
    what = 'a folder' if kind == 'folder' else 'not a regular file'
    assert status == 2 and out == ''
    assert err == (f'error: {path} is {what}: pass a UTF-8 text file with one document per line (the course '
                   'ships data/names.txt)\n')


def test_running_out_of_memory_is_one_line(monkeypatch, capsys):
    import microgpt.helpers.cli as cli_module

    def exhausted(args):
        raise MemoryError
    monkeypatch.setattr(cli_module, 'run_train', exhausted)
    status, out, err = run(['train'], capsys)
    assert status == 2 and out == ''
    assert err == ('error: out of memory: choose a smaller model (--n-embd, --n-layer, --block-size), fewer '
                   '--num-samples, or close other programs\n')


def test_every_mean_loss_of_no_documents_is_a_clear_error():
    "The fast engine's (chapter 11) and the inspector's (chapter 13) too, not a ZeroDivisionError."
    from microgpt import fast, floats, scale
    params = fast.from_state_dict(small_model())
    with pytest.raises(ValueError, match='at least one document'):
        scale.mean_loss([], TOKENIZER, params, CONFIG)
    with pytest.raises(ValueError, match='at least one document'):
        floats.mean_loss([], TOKENIZER, small_model(), CONFIG)
