import contextlib
import io
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Test this checkout's package, whatever else is installed.
sys.path.insert(0, str(ROOT))
# `python -m microgpt train` saves its model in the user's folder and `sample` looks there first: the
# tests, and the notebook kernels nbval starts (they inherit this), get an empty folder of their own.
os.environ['MICROGPT_HOME'] = tempfile.mkdtemp(prefix='microgpt-home-')


def reference_setup():
    "The reference recipe: seed 42, shuffled names, their tokenizer, the default model's initial weights."
    import random

    from microgpt.embeddings import GPTConfig, init_state_dict
    from microgpt.tokenizer import Tokenizer, load_docs
    rng = random.Random(42)
    docs = load_docs(ROOT / 'data' / 'names.txt')
    rng.shuffle(docs)
    tokenizer = Tokenizer.from_docs(docs)
    config = GPTConfig(vocab_size=tokenizer.vocab_size)
    return rng, docs, tokenizer, config, init_state_dict(config, rng)


def course_split():
    "The course's split: names shuffled with seed 42, 1,000 distinct names held out (chapter 03)."
    import random

    from microgpt.tokenizer import held_out_split, load_docs
    docs = load_docs(ROOT / 'data' / 'names.txt')
    random.Random(42).shuffle(docs)
    return held_out_split(docs)


@pytest.fixture(scope='session')
def reference_run(tmp_path_factory):
    """The 500-step reference run, as `python -m microgpt train --save PATH` does it: the lines it prints
    and the checkpoint it saves (its losses are the scalar engine's, step by step).

    The longest computation of the suite, done once per session and shared; the root conftest.py keeps
    the tests that use it on one pytest-xdist worker."""
    from microgpt.helpers.cli import main
    path = tmp_path_factory.mktemp('reference-run') / 'checkpoint.json'
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        status = main(['train', '--save', str(path)])
    assert status == 0, printed.getvalue()[-2000:]
    return printed.getvalue().splitlines(), path


WHEEL_SOURCES = ['microgpt', 'setup.py', 'MANIFEST.in', 'pyproject.toml', 'README.md', 'data/names.txt',
                 'data/checkpoint.json']


def run_ok(*cmd, **kwargs):
    "Run a command (its parts made strings); fail with the end of its output unless it succeeds."
    result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, encoding='utf-8',
                            errors='replace', **kwargs)
    assert result.returncode == 0, f'{[str(c) for c in cmd[:4]]} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}'
    return result


def fresh_venv(folder, with_pip=True):
    "A new virtual environment in folder (with pip of its own unless with_pip is False); returns its Python."
    run_ok(sys.executable, '-m', 'venv', *([] if with_pip else ['--without-pip']), folder)
    return Path(folder) / ('Scripts/python.exe' if os.name == 'nt' else 'bin/python')


def pip_install(python, *requirements):
    """Install into the environment of `python` with this environment's pip (pip --python: quicker than
    the copy a new environment gets). --no-compile: Python compiles what it imports when it imports it."""
    run_ok(sys.executable, '-m', 'pip', '--python', python, 'install', '--quiet', '--no-compile', *requirements)


@pytest.fixture(scope='session')
def course_wheel(tmp_path_factory):
    """The course's wheel, built once per process from a copy of what it is made of (building in the
    checkout would leave build/ and *.egg-info there). The root conftest.py keeps its users together."""
    import shutil
    work = tmp_path_factory.mktemp('wheel')
    source = work / 'source'
    for name in WHEEL_SOURCES:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copyfile
        copy(ROOT / name, source / name)
    run_ok(sys.executable, '-m', 'pip', 'wheel', '--no-deps', '--quiet', '-w', work / 'dist', source)
    [wheel] = (work / 'dist').glob('microgpt_course-*.whl')
    return wheel


def notebook_cells(path):
    "A notebook's cells as nbformat reads them: each cell's source is one string."
    import nbformat
    return nbformat.read(path, as_version=4).cells


SOLUTION = re.compile(r'<details><summary>[^<]*</summary>.*?```python\n(?P<code>.*?)\n```.*?</details>', re.S)


def solutions(chapter):
    """[(cell index, code)] of a chapter's solutions: closed `<details>` blocks of markdown holding a
    python code block, which Run All never runs (`course.py tidy` writes them so)."""
    import nbformat
    nb = nbformat.read(ROOT / 'chapters' / chapter, as_version=4)
    return [(i, m['code']) for i, cell in enumerate(nb.cells) if cell.cell_type == 'markdown'
            for m in SOLUTION.finditer(cell.source)]


def solution_source(chapter, name):
    "The code of the chapter's solution that defines the function `name`."
    [code] = [code for _, code in solutions(chapter) if f'def {name}(' in code]
    return code


def hidden_solution(chapter, name, namespace=None):
    """The chapter's reference solution of the function `name`, defined without running its checker
    call (the code before the first line that calls a checker)."""
    namespace = dict(namespace or {})
    code = solution_source(chapter, name)
    exec(re.split(r'\n(?:\w+\.)?check_', code)[0], namespace)
    return namespace[name]
