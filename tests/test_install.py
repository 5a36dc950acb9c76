"""A normal install works on its own: the wheel, installed into a fresh virtual environment, carries the
names and the shipped checkpoint, runs a chapter copied alone to an empty folder, and the command line
with its defaults. Slow (it builds a wheel and installs the course's dependencies): `-m slow` selects it."""
import shutil
import subprocess

import pytest

from conftest import ROOT, fresh_venv, pip_install, run_ok

pytestmark = pytest.mark.slow


@pytest.fixture(scope='module')
def installed(tmp_path_factory, course_wheel):
    "The Python of a fresh virtual environment with the wheel (and what its kernel needs) installed."
    python = fresh_venv(tmp_path_factory.mktemp('install') / 'venv', with_pip=False)
    # From the index pip is configured with (or its cache): what a chapter's kernel needs (the kernel
    # extra and ipykernel; JupyterLab, RISE and Voila add nothing to what runs) and nbval to run it.
    pip_install(python, f'{course_wheel}[kernel]', 'ipykernel', 'pytest', 'nbval')
    return python


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    "An empty folder with no checkout near it, and an empty folder for the model `train` saves."
    monkeypatch.setenv('MICROGPT_HOME', str(tmp_path / 'home'))
    (tmp_path / 'work').mkdir()
    return tmp_path / 'work'


def test_the_data_travel_with_the_package(installed, elsewhere):
    code = ('import microgpt, microgpt.helpers.checkpoint as c, microgpt.tokenizer as t\n'
            'print(microgpt.__file__); print(c.SHIPPED); print(len(t.load_docs()))')
    package, shipped, docs = run_ok(installed, '-c', code, cwd=elsewhere).stdout.splitlines()
    venv = installed.parent.parent
    assert package.startswith(str(venv)) and shipped.startswith(str(venv))
    assert docs == '32469'


def test_a_chapter_alone_passes_nbval(installed, elsewhere):
    shutil.copyfile(ROOT / 'chapters' / '09_sampling.ipynb', elsewhere / '09_sampling.ipynb')
    result = subprocess.run([installed, '-m', 'pytest', '-q', '-p', 'no:cacheprovider', '--nbval',
                             '--nbval-current-env', f'--nbval-sanitize-with={ROOT / "chapters" / "sanitize.cfg"}',
                             '09_sampling.ipynb'], cwd=elsewhere, capture_output=True, text=True, encoding='utf-8')
    assert result.returncode == 0, result.stdout[-3000:]


def test_the_command_line_with_its_defaults(installed, elsewhere):
    shipped = run_ok(installed, '-m', 'microgpt', 'sample', '--num-samples', '3', cwd=elsewhere)
    assert shipped.stdout == ('sampling from the shipped checkpoint (`python -m microgpt train` makes yours)\n'
                              '--- inference ---\nsample  1: marra\nsample  2: sran\nsample  3: aralh\n')
    trained = run_ok(installed, '-m', 'microgpt', 'train', '--steps', '3', '--num-samples', '2', cwd=elsewhere)
    assert trained.stdout.startswith('num docs: 32469\n') and 'step    3 /    3 | loss ' in trained.stdout
    saved = elsewhere.parent / 'home' / 'trained.json'
    assert trained.stderr == f'saved the trained model to {saved}: `python -m microgpt sample` samples from it\n'
    again = run_ok(installed, '-m', 'microgpt', 'sample', '--num-samples', '2', cwd=elsewhere)
    note, *lines = again.stdout.splitlines()
    assert note == f'sampling from the model `train` saved at {saved} (--checkpoint chooses another)'
    assert lines == trained.stdout.splitlines()[-3:]  # the model just trained
