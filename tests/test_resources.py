"""Where the course's files are found: data/ in a checkout, and the user's folder for a trained model."""
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from microgpt.helpers import resources
from microgpt.helpers.checkpoint import SHIPPED
from microgpt.tokenizer import data_file, load_docs


def test_a_checkout_reads_the_data_folder():
    # The checkout has no microgpt/data/ (only a built wheel has): data/ is the one place to look at.
    assert not (ROOT / 'microgpt' / 'data').exists()
    assert data_file('names.txt') == ROOT / 'data' / 'names.txt'
    assert SHIPPED == ROOT / 'data' / 'checkpoint.json'
    assert load_docs() == load_docs(ROOT / 'data' / 'names.txt')


@pytest.mark.skipif(sys.platform in ('win32', 'darwin'), reason='the Linux and BSD default')
def test_the_trained_model_goes_to_the_users_data_folder(monkeypatch):
    monkeypatch.delenv('MICROGPT_HOME')
    monkeypatch.delenv('XDG_DATA_HOME', raising=False)
    assert resources.trained_checkpoint() == Path.home() / '.local' / 'share' / 'microgpt' / 'trained.json'
    monkeypatch.setenv('XDG_DATA_HOME', '/somewhere')
    assert resources.trained_checkpoint() == Path('/somewhere/microgpt/trained.json')
    monkeypatch.setenv('MICROGPT_HOME', '/elsewhere')
    assert resources.trained_checkpoint() == Path('/elsewhere/trained.json')
