"""Run All never shows an answer: every solution waits, closed, in a markdown `<details>` block that
only the learner opens (Run All runs no markdown, in JupyterLab, JupyterLite, Colab or VS Code), and
no exercise left unsolved prints "Correct!". The solutions themselves pass their checkers, run in
the chapter's own state. (`python3 course.py tidy` turns a solution cell into such a block.)"""
import ast
import importlib.util
import json
import os
import re

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import ROOT, notebook_cells, solutions

NOTEBOOKS = sorted((ROOT / 'chapters').glob('*.ipynb'))
WITH_SOLUTIONS = [p for p in NOTEBOOKS if solutions(p.name)]
SOLUTION_COMMENT = re.compile(r'#\s*(a |reference )?solution\b', re.I)


def cells(path):
    return notebook_cells(path)


def test_the_chapters_have_solutions():
    assert sum(len(solutions(p.name)) for p in NOTEBOOKS) >= 20


@pytest.mark.parametrize('path', NOTEBOOKS, ids=lambda p: p.name)
def test_no_solution_is_a_code_cell(path):
    for i, cell in enumerate(cells(path)):
        source = ''.join(cell['source'])
        folded = cell['metadata'].get('jupyter', {}).get('source_hidden')
        assert not (cell['cell_type'] == 'code' and (folded or SOLUTION_COMMENT.match(source.lstrip()))), \
            f'{path.name} cell {i}: a solution in a code cell runs with Run All (run `python3 course.py tidy`)'


@pytest.mark.parametrize('path', WITH_SOLUTIONS, ids=lambda p: p.name)
def test_a_solution_stays_closed_and_fits_its_cell(path):
    for i, code in solutions(path.name):
        source = ''.join(cells(path)[i]['source'])
        assert '<details open' not in source, f'{path.name} cell {i}: a solution opens only on a click'
        long = [line for line in code.splitlines() if len(line) > 79]
        assert not long, f'{path.name} cell {i}: solution lines longer than 79 characters: {long}'
        ast.parse(code)


@pytest.mark.parametrize('path', NOTEBOOKS, ids=lambda p: p.name)
def test_no_stored_output_says_correct(path):
    for i, cell in enumerate(cells(path)):
        text = json.dumps(cell.get('outputs', []))
        assert 'Correct!' not in text, f'{path.name} cell {i}: Run All shows a solved exercise'


def printing_its_verdict(code):
    "The solution's code, printing the checker's verdict that its last line returns."
    tree = ast.parse(code)
    last = tree.body[-1]
    assert isinstance(last, ast.Expr), 'a solution ends with the call of its checker'
    tree.body[-1] = ast.Expr(ast.Call(ast.Name('print', ast.Load()),
                                      [ast.Call(ast.Name('repr', ast.Load()), [last.value], [])], []))
    return ast.unparse(ast.fix_missing_locations(tree))


def verdicts(outputs):
    return ''.join(o.get('text', '') + o.get('data', {}).get('text/plain', '') for o in outputs)


@pytest.mark.slow
@pytest.mark.parametrize('path', WITH_SOLUTIONS, ids=lambda p: p.name)
def test_run_all_shows_no_answer_and_every_solution_passes(path, monkeypatch):
    """A fresh run of the chapter, with every solution run where it stands in a copy of the kernel's
    names (the learner's own stay as they are): only the solutions say "Correct!"."""
    if path.name == '14_pytorch.ipynb':  # needs PyTorch: from MICROGPT_TORCH_PATH, as nbval gets it
        torch_path = os.environ.get('MICROGPT_TORCH_PATH')
        if torch_path:
            monkeypatch.setenv('MICROGPT_EXTRA_PATH', torch_path)
            monkeypatch.setenv('PYTHONPATH', os.pathsep.join(
                filter(None, [str(ROOT / 'tests' / 'machines'), os.environ.get('PYTHONPATH')])))
        elif importlib.util.find_spec('torch') is None:
            pytest.skip('chapter 14 needs PyTorch: pip install "microgpt-course[torch]" or set MICROGPT_TORCH_PATH')
    nb = nbformat.read(path, 4)
    blocks = dict(solutions(path.name))
    last = max(blocks)
    run = nbformat.v4.new_notebook(metadata=nb.metadata)
    for i, cell in enumerate(nb.cells[:last + 1]):
        if cell.cell_type == 'code':
            run.cells.append(nbformat.v4.new_code_cell(cell.source, metadata={'where': i}))
        elif i in blocks:
            code = printing_its_verdict(blocks[i])
            run.cells.append(nbformat.v4.new_code_cell(
                f'exec({code!r}, dict(globals()))', metadata={'where': i, 'solution': True}))
    NotebookClient(run, timeout=600, resources={'metadata': {'path': str(path.parent)}}).execute()
    for cell in run.cells:
        said = verdicts(cell.outputs)
        where = f'{path.name} cell {cell.metadata["where"]}'
        if cell.metadata.get('solution'):
            assert 'Correct!' in said and 'Not yet' not in said, \
                f'{where}: the solution does not pass its checker: {said}'
        else:
            assert 'Correct!' not in said, f'{where}: Run All shows a solved exercise: {said}'
