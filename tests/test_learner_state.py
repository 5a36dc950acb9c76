"""Every chapter shows what it stores whatever the learner has done on their machine.

`python -m microgpt train` saves a model of the learner's own in their data folder, and `python -m
microgpt sample` then samples from it. A chapter that reached that model would print other names
than it stores. Here a learner's own checkpoint sits where `train` puts it (HOME and XDG_DATA_HOME
of their own, no MICROGPT_HOME), and nbval runs every chapter whose code can reach the user's folder.
"""
import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT, notebook_cells
from course import NBVAL

# What reaches the user's folder: the command line, and where it keeps its files.
REACHES_USER_STATE = re.compile(r'microgpt\.helpers\.(cli|resources|train_command)\b|trained_checkpoint|user_folder|'
                                r'default_checkpoint|MICROGPT_HOME')


def chapters_reaching_user_state():
    found = []
    for path in sorted((ROOT / 'chapters').glob('[0-9]*.ipynb')):
        cells = notebook_cells(path)
        if any(c['cell_type'] == 'code' and REACHES_USER_STATE.search(''.join(c['source'])) for c in cells):
            found.append(path)
    return found


@pytest.fixture
def learner_env(tmp_path):
    "The environment of a learner who has run `python -m microgpt train`: their model is in their data folder."
    env = {k: v for k, v in os.environ.items() if not k.startswith('PYTEST_') and k != 'MICROGPT_HOME'}
    env.update(HOME=str(tmp_path / 'home'), XDG_DATA_HOME=str(tmp_path / 'data'))
    env['MPLCONFIGDIR'] = os.environ.get('MPLCONFIGDIR', os.path.expanduser('~/.config/matplotlib'))
    env['PYTHONPATH'] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get('PYTHONPATH')]))
    # A model of their own: other weights than the shipped one, saved where `train` saves by default.
    make = ('import random, sys\n'
            'from microgpt.helpers.checkpoint import save_checkpoint\n'
            'from microgpt.helpers.cli import default_checkpoint\n'
            'from microgpt.embeddings import GPTConfig, init_state_dict\n'
            'from microgpt.helpers.resources import trained_checkpoint\n'
            'from microgpt.tokenizer import Tokenizer, load_docs\n'
            'tok = Tokenizer.from_docs(load_docs())\n'
            'config = GPTConfig(vocab_size=tok.vocab_size)\n'
            'path = trained_checkpoint()\n'
            'path.parent.mkdir(parents=True)\n'
            'save_checkpoint(path, init_state_dict(config, random.Random(7), std=0.5), config, tok)\n'
            'print(default_checkpoint())\n')
    made = subprocess.run([sys.executable, '-c', make], env=env, cwd=ROOT, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr[-2000:]
    # The set-up is real: `python -m microgpt sample` would now sample from the learner's model.
    assert made.stdout.strip() == str(tmp_path / 'data' / 'microgpt' / 'trained.json')
    return env


def test_chapter_09_samples_from_the_shipped_model():
    assert 'chapters/09_sampling.ipynb' in [p.relative_to(ROOT).as_posix() for p in chapters_reaching_user_state()]


@pytest.mark.slow
def test_chapters_show_their_stored_outputs_with_a_learners_own_model(learner_env):
    chapters = [str(p) for p in chapters_reaching_user_state()]
    result = subprocess.run([sys.executable, '-m', 'pytest', '-q', '-p', 'no:cacheprovider', '-p', 'no:xdist',
                             *NBVAL, *chapters], env=learner_env, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, ('with a model of the learner\'s own in their data folder, a chapter no '
                                    f'longer shows what it stores:\n{result.stdout[-4000:]}')
