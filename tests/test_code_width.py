"""Every code cell of every chapter fits a cell at 1024x768 with the file browser open: lines of
at most 79 characters, checked by ruff's line-length rule (E501) on the notebooks themselves."""
import re
import subprocess
import sys

from conftest import ROOT, notebook_cells

LIMIT = 79
FINDING = re.compile(r'^(?P<nb>[^:]+\.ipynb):cell (?P<cell>\d+):(?P<line>\d+):\d+: E501 Line too long \((?P<n>\d+)')


def long_lines():
    "[(notebook, cell, line, length)] of every code line over the limit, as ruff reports them."
    notebooks = sorted(str(p.relative_to(ROOT)) for p in (ROOT / 'chapters').glob('*.ipynb'))
    done = subprocess.run([sys.executable, '-m', 'ruff', 'check', '--isolated', '--no-cache', '--select', 'E501',
                           f'--line-length={LIMIT}', '--output-format=concise', *notebooks],
                          cwd=ROOT, capture_output=True, text=True)
    if 'No module named ruff' in done.stderr:
        raise AssertionError('ruff is not installed: pip install "microgpt-course[dev]" (or pip install ruff)')
    found = [FINDING.match(line) for line in done.stdout.splitlines()]
    found = [(m['nb'], int(m['cell']), int(m['line']), int(m['n'])) for m in found if m]
    assert found or done.returncode == 0, f'ruff failed: {done.stdout}{done.stderr}'
    return found


def first_line(notebook, cell):
    "The start of a cell's code, to find it by eye."
    source = notebook_cells(ROOT / notebook)[cell - 1]['source']
    return ''.join(source).split('\n', 1)[0][:50]


def test_every_code_line_fits_79_characters():
    found = long_lines()
    cells = {}
    for nb, cell, line, n in found:
        cells.setdefault((nb, cell), []).append(f'line {line} ({n} characters)')
    report = [f'{nb}, cell {cell} (counting every cell from 1, {first_line(nb, cell)!r}): {", ".join(lines)}'
              for (nb, cell), lines in cells.items()]
    assert not report, (f'{len(found)} code lines in {len(report)} cells are longer than {LIMIT} characters '
                        'and run past the cell at 1024 px; wrap them:\n' + '\n'.join(report))


def test_the_check_sees_a_long_line(tmp_path, monkeypatch):
    "The rule finds a line one character too long in a notebook's code cell (so a pass means something)."
    import nbformat
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell('x' * 200),
                                         nbformat.v4.new_code_cell('x = 1\ny = ' + '1' * (LIMIT - 3))])
    (tmp_path / 'chapters').mkdir()
    nbformat.write(nb, tmp_path / 'chapters' / 'x.ipynb')
    monkeypatch.setattr(sys.modules[__name__], 'ROOT', tmp_path)
    assert long_lines() == [('chapters/x.ipynb', 2, 2, LIMIT + 1)]
