"""`python -m microgpt`: the reference run for every flag combination, and one-line errors."""
import os
import random
import re
import struct
import subprocess
import sys

import pytest

from conftest import ROOT
from microgpt.helpers.checkpoint import SHIPPED
from microgpt.helpers.cli import main, make_parser
from microgpt.embeddings import GPTConfig, init_state_dict, parameters
from microgpt.optim import Adam, train
from microgpt.sample import sample
from microgpt.tokenizer import Tokenizer, load_docs

SMALL = ['--steps', '4', '--seed', '3', '--lr', '0.02', '--n-embd', '8', '--n-head', '2', '--n-layer', '2',
         '--block-size', '5', '--temperature', '0.8', '--num-samples', '3']


def recipe(data, steps, seed, lr, n_embd, n_head, n_layer, block_size, temperature, num_samples):
    "The reference recipe, written out with the library, for any hyperparameters."
    rng = random.Random(seed)
    docs = load_docs(data)
    rng.shuffle(docs)
    tok = Tokenizer.from_docs(docs)
    config = GPTConfig(tok.vocab_size, n_embd, n_head, n_layer, block_size)
    sd = init_state_dict(config, rng)
    lines = [f'num docs: {len(docs)}', f'vocab size: {tok.vocab_size}', f'num params: {len(parameters(sd))}']
    lines += [f'step {step:4d} / {steps:4d} | loss {loss:.4f}'
              for step, loss in train(docs, tok, sd, config, Adam(parameters(sd), lr=lr), steps)]
    lines.append('--- inference ---')
    lines += [f'sample {i + 1:2d}: {sample(sd, config, tok, temperature, rng)}' for i in range(num_samples)]
    return lines


@pytest.fixture(autouse=True)
def own_home(tmp_path, monkeypatch):
    "Where `train` saves by default and `sample` looks first: a fresh folder for each test."
    monkeypatch.setenv('MICROGPT_HOME', str(tmp_path / 'home'))
    return tmp_path / 'home'


def run(args, capsys):
    status = main(args)
    out, err = capsys.readouterr()
    return status, out.splitlines(), err


@pytest.mark.parametrize('data', ['names', 'custom'])
def test_train_flags_give_the_recipes_numbers(data, tmp_path, capsys):
    path = ROOT / 'data' / 'names.txt'
    if data == 'custom':
        path = tmp_path / 'pets.txt'
        path.write_text('rex\nfido\nbella\nmax\nluna\n', encoding='utf-8')
    status, lines, err = run(['train', '--data', str(path), *SMALL], capsys)
    assert status == 0 and err.startswith('saved the trained model to ')  # stderr: stdout is the run alone
    assert lines == recipe(path, 4, 3, 0.02, 8, 2, 2, 5, 0.8, 3)


def test_train_defaults_start_like_the_reference(capsys):
    status, lines, _ = run(['train', '--steps', '2', '--num-samples', '1'], capsys)
    assert lines[:5] == ['num docs: 32469', 'vocab size: 27', 'num params: 4064',
                         'step    1 /    2 | loss 3.2999', 'step    2 /    2 | loss 3.2621']


@pytest.mark.slow
def test_sample_continues_the_saved_run(tmp_path, capsys):
    ckpt = tmp_path / 'model.json'
    _, trained, err = run(['train', '--steps', '3', '--num-samples', '4', '--save', str(ckpt)], capsys)
    assert err == (f'saved the trained model to {ckpt}: '
                   f'`python -m microgpt sample --checkpoint {ckpt}` samples from it\n')
    status, sampled, err = run(['sample', '--checkpoint', str(ckpt), '--num-samples', '4'], capsys)
    assert status == 0 and sampled[1:] == trained[-5:]  # '--- inference ---' and the same four names
    assert sampled[0] == f'sampling from the checkpoint {ckpt}' and err == ''  # stdout: not an error
    _, seeded, _ = run(['sample', '--checkpoint', str(ckpt), '--num-samples', '4', '--seed', '7'], capsys)
    assert seeded != sampled
    _, greedy, _ = run(['sample', '--checkpoint', str(ckpt), '--num-samples', '3', '--temperature', '0'], capsys)
    assert len({line.split(': ')[1] for line in greedy[2:]}) == 1  # greedy: the same name every time


def test_sample_defaults_to_the_shipped_checkpoint(capsys):
    status, lines, err = run(['sample', '--num-samples', '3'], capsys)
    assert status == 0 and lines[1:] == ['--- inference ---', 'sample  1: marra', 'sample  2: sran', 'sample  3: aralh']
    assert lines[0].startswith('sampling from the shipped checkpoint') and err == ''


def test_sample_names_the_shipped_checkpoint_when_given_it(own_home, capsys):
    "A notebook pins the shipped model by its path, even when `train` has saved one of the learner's own."
    run(['train', '--steps', '1', '--num-samples', '1'], capsys)
    status, lines, err = run(['sample', '--checkpoint', str(SHIPPED), '--num-samples', '3'], capsys)
    assert status == 0 and lines[2:] == ['sample  1: marra', 'sample  2: sran', 'sample  3: aralh']
    assert lines[0].startswith('sampling from the shipped checkpoint') and err == ''


@pytest.mark.slow
def test_train_saves_where_sample_then_looks(own_home, capsys):
    status, trained, err = run(['train', '--steps', '3', '--num-samples', '4'], capsys)
    saved = own_home / 'trained.json'
    assert status == 0 and err == f'saved the trained model to {saved}: `python -m microgpt sample` samples from it\n'
    status, sampled, err = run(['sample', '--num-samples', '4'], capsys)
    assert status == 0 and sampled[1:] == trained[-5:]  # the model just trained, continuing its random stream
    assert sampled[0].startswith(f'sampling from the model `train` saved at {saved}') and err == ''


def test_every_flag_has_help(capsys):
    for command in ('train', 'sample'):
        parser = make_parser()._subparsers._group_actions[0].choices[command]
        for action in parser._actions:
            assert action.help, f'{command} {action.option_strings} has no help text'


@pytest.mark.parametrize('args, message', [
    (['train', '--n-embd', '10'], '--n-embd (10) must be divisible by --n-head (4)'),
    (['train', '--steps', '0'], 'argument --steps: must be a finite number greater than zero, got 0'),
    (['train', '--steps', 'ten'], "argument --steps: expected a whole number, got 'ten'"),
    (['train', '--lr', '-0.1'], 'argument --lr: must be a finite number greater than zero'),
    (['train', '--block-size', '0'], 'argument --block-size: must be a finite number greater than zero'),
    (['train', '--data', 'no/such/file.txt'], 'no data file at no/such/file.txt'),
    (['train', '--temperature', '-1'], 'must be 0 (greedy) or a positive, finite number, got -1'),
    (['train', '--temperature', 'hot'], "argument --temperature: expected a number, got 'hot'"),
    (['sample', '--temperature', 'nan'], 'must be 0 (greedy) or a positive, finite number, got nan'),
    (['sample', '--temperature', '1e-310'], '1e-310 is too small to divide the scores by: use 0 for greedy'),
    (['train', '--temperature', '5e-324'], '5e-324 is too small to divide the scores by'),
    (['sample', '--num-samples', '-2'], 'argument --num-samples: must be a finite number greater than zero'),
    (['train', '--save', 'no/such/folder/model.json'], 'the folder no/such/folder does not exist'),
    (['sample', '--checkpoint', 'no/such/model.json'], 'no checkpoint at no/such/model.json'),
    (['fly'], "invalid choice: 'fly'"),
])
def test_bad_input_is_one_line_before_any_work(args, message, capsys):
    status, out, err = run(args, capsys)
    assert status == 2 and out == []  # nothing trained, nothing printed
    assert err.startswith('error: ') and message in err and err.count('\n') == 1


def test_save_to_a_folder_is_refused_before_training(tmp_path, capsys):
    status, out, err = run(['train', '--save', str(tmp_path)], capsys)
    assert status == 2 and out == [] and 'is a directory' in err


def test_no_command_prints_the_usage():
    result = subprocess.run([sys.executable, '-m', 'microgpt'], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr == ''
    assert result.stdout.startswith('usage: python -m microgpt') and '{train,sample}' in result.stdout


def test_python_dash_m_exits_2_without_a_traceback():
    result = subprocess.run([sys.executable, '-m', 'microgpt', 'train', '--n-head', '3'],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2 and result.stdout == ''
    assert result.stderr == ('error: --n-embd (16) must be divisible by --n-head (3): '
                             'every head gets an equal slice of the embedding\n')


def run_in(stdout, own_home, *args):
    env = dict(os.environ, MICROGPT_HOME=str(own_home))
    return subprocess.Popen([sys.executable, '-m', 'microgpt', *args], cwd=ROOT, env=env, stdout=stdout,
                            stderr=subprocess.PIPE)


@pytest.mark.slow
@pytest.mark.skipif(os.name == 'nt', reason='pseudo-terminals are POSIX')
def test_a_terminal_shows_a_progress_bar(own_home):
    import fcntl
    import pty
    import termios
    leader, follower = pty.openpty()  # a real terminal, as an instructor's: 30 rows of 100 columns
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack('HHHH', 30, 100, 0, 0))
    process = run_in(follower, own_home, 'train', '--steps', '30', '--num-samples', '2')
    os.close(follower)
    shown = b''
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal's other end closed: the run is over
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert process.wait(timeout=60) == 0
    text = shown.decode()
    assert text.startswith('num docs: 32469\r\nvocab size: 27\r\nnum params: 4064\r\n')
    assert 'step    1 /' not in text  # the bar instead of a line per step
    bars = [part for part in text.split('\r') if part.startswith('training:')]
    assert len(bars) > 2  # redrawn in place as the steps go
    assert re.search(r'training: 100%\|█+\| 30/30 \[\d\d:\d\d<00:00, +[\d.]+step/s, loss \d\.\d{4}\]', bars[-1])
    assert re.search(r'\[\d\d:\d\d<\d\d:\d\d', bars[1])  # elapsed<remaining: the ETA
    assert re.search(r'\n--- inference ---\r\nsample  1: [a-z]+\r\nsample  2: [a-z]+\r\n$', text)
    assert process.stderr.read().decode().startswith('saved the trained model to ')


def test_piped_output_is_the_line_by_line_run(own_home):
    process = run_in(subprocess.PIPE, own_home, 'train', *SMALL)
    out, _ = process.communicate(timeout=60)
    expected = recipe(ROOT / 'data' / 'names.txt', 4, 3, 0.02, 8, 2, 2, 5, 0.8, 3)
    assert process.returncode == 0 and out == ('\n'.join(expected) + '\n').encode()


UNDER_A_MEMORY_LIMIT = ('import resource, runpy, sys; sys.path.insert(0, {root!r}); '
                        'resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30)); '
                        'runpy.run_module("microgpt", run_name="__main__", alter_sys=True)')


@pytest.mark.skipif(sys.platform != 'linux', reason='RLIMIT_AS limits memory on Linux')
@pytest.mark.parametrize('flag, value', [('--n-embd', '100000'), ('--n-layer', '1000000'),
                                         ('--block-size', str(10 ** 8))])
def test_a_model_too_large_for_memory_is_refused_before_training(flag, value, own_home):
    result = subprocess.run([sys.executable, '-c', UNDER_A_MEMORY_LIMIT.format(root=str(ROOT)), 'train', flag, value,
                             '--n-head', '1'], capture_output=True, text=True, timeout=120,
                            env=dict(os.environ, MICROGPT_HOME=str(own_home)))
    assert result.returncode == 2 and result.stdout == ''
    assert re.fullmatch(r'error: a model of [\d,]+ parameters needs about [\d.e+]+ GB to train, and this machine '
                        r'has [\d.e+-]+ GB free: choose a smaller --n-embd, --n-layer or --block-size\n',
                        result.stderr), result.stderr[-500:]
