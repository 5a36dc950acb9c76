import hashlib
import string

import pytest

from conftest import ROOT
from microgpt.tokenizer import load_docs

NAMES = ROOT / 'data' / 'names.txt'


def test_names_file_is_the_published_data_set():
    raw = NAMES.read_bytes()
    assert hashlib.sha256(raw).hexdigest() == '91691165b471c338ee35387260590f0fdc23fcb50509b9ccfe1c879c7ac39a1e'
    lines = raw.decode('ascii').split('\n')
    assert lines[-1] == ''  # every line ends in a newline
    names = lines[:-1]
    assert len(names) == 32469
    assert set(''.join(names)) == set(string.ascii_lowercase)
    assert all(names)


def test_load_docs_reads_one_document_per_line(tmp_path):
    f = tmp_path / 'docs.txt'
    f.write_text('ana\n\n  bo \nzoë\n', encoding='utf-8')
    assert load_docs(f) == ['ana', 'bo', 'zoë']
    assert len(load_docs(NAMES)) == 32469


@pytest.mark.parametrize('content, message', [
    (None, 'no data file'),
    (b'', 'holds no documents'),
    (b'\n \n', 'holds no documents'),
    (b'caf\xe9\n', 'not UTF-8'),
])
def test_load_docs_names_the_file_and_the_fix(tmp_path, content, message):
    f = tmp_path / 'names.txt'
    if content is not None:
        f.write_bytes(content)
    with pytest.raises((FileNotFoundError, ValueError)) as err:
        load_docs(f)
    assert message in str(err.value) and str(f) in str(err.value)
