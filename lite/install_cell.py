"""Give every chapter its set-up cell: the first code cell, which installs the course where it is
missing (a browser tab with JupyterLite, or Colab) and does nothing on a machine set up with
`python3 course.py lab`, where it prints nothing (so the stored outputs stay as they are).

    python lite/install_cell.py [NOTEBOOK ...]    # default: every chapter with code

Idempotent: a chapter that has the cell gets its text brought up to date; one that has not gets it
inserted right after the title, numbered 1, with the later cells' execution counts moved up by one
(as Restart & Run All would number them). Nothing else in the notebook changes. Re-run it after
merging chapters edited elsewhere, or after changing the version in pyproject.toml.
"""
import hashlib
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
VERSION = re.search(r'^version = "(.+)"$', (ROOT / 'pyproject.toml').read_text(encoding='utf-8'), re.M)[1]
MARKER = '# Set-up:'  # the first line of every set-up cell, how the script finds it again
# A pinned release, by the version in pyproject.toml: a chapter installs the course it was written
# for, never whatever a branch holds today (and the cell shows no repository address).
PIP_TARGET = f'microgpt-course[kernel]=={VERSION}'
# What the browser needs besides the course, by what a chapter's code mentions.
NEEDS = [('numpy', r'\bnumpy\b'), ('matplotlib', r'matplotlib|distribution_figure|_slider\('),
         ('ipywidgets', r'ipywidgets|_slider\('), ('tqdm', r'\btqdm\b')]

CELL = '''\
# Set-up: in a browser tab (JupyterLite) or on Colab, this installs the
# course; set up with `python3 course.py lab`, it does nothing.
# (MICROGPT_PIP_TARGET overrides what pip installs.)
import importlib.util, os, sys
if sys.platform == 'emscripten':
    import piplite
    await piplite.install('microgpt-course')
    from microgpt.helpers.browser import setup
    await setup({needs})
elif importlib.util.find_spec('microgpt') is None:
    print('microgpt is not installed here: installing it with pip ...')
    target = '{target}'
    target = os.environ.get('MICROGPT_PIP_TARGET', target)
    %pip install --quiet "{{target}}"
    importlib.invalidate_caches()'''


def cell_source(nb):
    "The set-up cell for this notebook: what its code needs, in the browser."
    code = '\n'.join(c.source for c in nb.cells if c.cell_type == 'code' and not c.source.startswith(MARKER))
    needs = ', '.join(repr(name) for name, pattern in NEEDS if re.search(pattern, code))
    return CELL.format(needs=needs, target=PIP_TARGET)


def apply(path):
    "Insert or update the set-up cell of one notebook; returns what was done."
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == 'code']
    if not code:
        return 'no code: no set-up cell needed'
    source = cell_source(nb)
    if code[0].source.startswith(MARKER):
        if code[0].source == source:
            return 'up to date'
        code[0].source = source
        done = 'updated'
    else:
        cell = nbformat.v4.new_code_cell(source)
        cell.id = hashlib.sha256(f'set-up {path.name}'.encode()).hexdigest()[:8]
        cell.execution_count = 1
        for c in code:
            if c.execution_count is not None:
                c.execution_count += 1
        nb.cells.insert(1, cell)
        done = 'inserted'
    nbformat.write(nb, path)
    return done


def main(args):
    paths = [Path(a) for a in args] or sorted((ROOT / 'chapters').glob('[0-9]*.ipynb'))
    for path in paths:
        print(f'{path.name}: {apply(path)}')


if __name__ == '__main__':
    main(sys.argv[1:])
