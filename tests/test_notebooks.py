"""The committed notebooks are as a learner and nbval will meet them."""
import json
import os
import re
import tempfile

import nbformat
import pytest

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / 'chapters').glob('*.ipynb'))
# Places on the machine that made the outputs: none may show in them.
LOCAL = [p.rstrip('/') + '/' for p in {str(ROOT.parent), os.path.expanduser('~'), tempfile.gettempdir()}
         if len(p) > 1]


BINARY = ('image/png', 'image/jpeg')


def load(path):
    return nbformat.read(path, as_version=4)


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == 'code' and c.source.strip()]


def test_there_are_chapters():
    assert len(NOTEBOOKS) >= 1


@pytest.mark.parametrize('path', NOTEBOOKS, ids=lambda p: p.name)
def test_executed_top_to_bottom_in_one_run(path):
    counts = [c.execution_count for c in code_cells(load(path))]
    assert counts == list(range(1, len(counts) + 1)), f'{path.name}: run Restart & Run All, then save'


@pytest.mark.parametrize('path', NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_hold_no_addresses_paths_or_errors(path):
    for i, cell in enumerate(load(path).cells):
        for out in cell.get('outputs', []):
            # Base64 pictures are left out: their letters can spell '0x' and six hex digits by chance.
            data = {k: v for k, v in out.get('data', {}).items() if k not in BINARY}
            text = json.dumps({**out, 'data': data})
            where = f'{path.name} cell {i}'
            assert not re.search(r'0x[0-9a-fA-F]{6,}', text), f'{where}: a memory address in the output'
            assert not any(p in text for p in LOCAL), f'{where}: a local path in the output'
            # An error stops Run All in JupyterLite: a deliberate one is caught and its message printed.
            assert out['output_type'] != 'error', f'{where}: an error output (catch it and print its message)'
        assert 'raises-exception' not in cell['metadata'].get('tags', []), \
            f'{path.name} cell {i}: tagged raises-exception (catch the error and print its message instead)'


@pytest.mark.parametrize('path', [p for p in NOTEBOOKS if p.name[0].isdigit()], ids=lambda p: p.name)
def test_first_cell_names_the_module_it_builds(path):
    nb = load(path)
    first = nb.cells[0].source
    exports = [re.search(r'#\|\s*default_exp\s+(\S+)', c.source) for c in code_cells(nb)]
    modules = [m.group(1) for m in exports if m]
    for module in modules:
        assert f'microgpt/{module}.py' in first, f'{path.name}: say in the first cell that it builds microgpt/{module}.py'
    if not modules:
        assert 'builds no module' in first or 'microgpt/' in first, f'{path.name}: name what it builds'


def test_the_quick_tier_leaves_out_chapters_that_exist():
    # `course.py test --quick` runs every chapter but these: a renamed one would slip back in
    from course import SLOW_CHAPTERS
    assert set(SLOW_CHAPTERS) <= {p.stem for p in NOTEBOOKS}, 'course.py SLOW_CHAPTERS names no chapter'
