"""Chapter 00's set-up check speaks to the place the notebook runs: it lists only what can be fixed
there, with the fix that works there."""
import importlib.util
import sys

import pytest

from microgpt.helpers import setup_check
from microgpt.helpers.setup_check import check_environment, drawing_fix, where

ABSENT = {'numpy', 'tqdm', 'jupyterlab', 'wasmtime'}  # a kernel where these are not installed


@pytest.fixture
def some_missing(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(setup_check.importlib.util, 'find_spec',
                        lambda name, *a: None if name in ABSENT else real(name, *a))


def check(place, capsys):
    ready = check_environment(place)
    return ready, capsys.readouterr().out


def test_where_it_runs(monkeypatch):
    for key in ('VSCODE_PID', 'VSCODE_CWD', 'VSCODE_IPC_HOOK_CLI'):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.delitem(sys.modules, 'google.colab', raising=False)
    assert where() == 'jupyterlab'
    monkeypatch.setenv('VSCODE_PID', '1234')
    assert where() == 'vscode'
    monkeypatch.setitem(sys.modules, 'google.colab', type(sys)('google.colab'))
    assert where() == 'colab'
    monkeypatch.setattr(sys, 'platform', 'emscripten')
    assert where() == 'jupyterlite'


def test_jupyterlab_names_the_course_command(some_missing, capsys):
    ready, out = check('jupyterlab', capsys)
    assert not ready and out.count('MISSING') == 4 and 'MISSING  jupyterlab (notebooks)' in out
    assert 'MISSING  numpy (fast engine): run `python3 course.py lab` from the course folder' in out
    assert out.endswith('Fix the lines marked above, then restart the kernel and run this cell again.\n')


def test_jupyterlite_asks_for_nothing_it_cannot_do(some_missing, capsys):
    ready, out = check('jupyterlite', capsys)
    assert ready and 'MISSING' not in out and 'course.py' not in out and '%pip' not in out
    assert 'jupyterlab' not in out and 'wasmtime' not in out  # the site is the lab; the browser runs the wasm
    assert "LATER    numpy (fast engine): the chapters that use it load it from Pyodide's full release" in out
    assert 'LATER    tqdm (progress bars): the first cell of each chapter that uses it installs it' in out
    assert out.endswith('All set.\n')
    assert 'course.py' not in drawing_fix('jupyterlite')


@pytest.mark.parametrize('place, restart', [('colab', 'Runtime > Restart session'),
                                            ('vscode', "Restart in the notebook's toolbar")])
def test_colab_and_vscode_install_in_the_kernel(place, restart, some_missing, capsys):
    ready, out = check(place, capsys)
    missing = [line for line in out.splitlines() if line.startswith('MISSING')]
    assert not ready and len(missing) == 3 and 'jupyterlab' not in out and 'course.py' not in out
    assert all(f'`%pip install {name}` in a cell' in line and restart in line
               for line, name in zip(missing, ['numpy', 'wasmtime', 'tqdm']))
    assert 'course.py' not in drawing_fix(place) and '%pip install' in drawing_fix(place)


def test_everything_present_is_ok(capsys):
    ready, out = check('jupyterlab', capsys)
    assert ready and 'MISSING' not in out and out.endswith('\nAll set.\n')
