"""Exercise solutions give nothing away until the learner opens them, and running one leaves the
learner's own answer alone. (`python3 course.py tidy` makes every chapter so.)"""
import ast
import json
import re

import pytest

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / 'chapters').glob('*.ipynb'))


def solution_cells(path):
    "Code cells whose code is folded, or that start with a '# Solution' comment."
    cells = json.loads(path.read_text(encoding='utf-8'))['cells']
    for i, cell in enumerate(cells):
        source = ''.join(cell['source'])
        first = source.lstrip().split('\n', 1)[0]
        folded = cell['metadata'].get('jupyter', {}).get('source_hidden')
        if cell['cell_type'] == 'code' and (folded or re.match(r'#\s*(a |reference )?solution\b', first, re.I)):
            yield i, cell, source


def top_level_names(source):
    names = set()
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        for target in getattr(node, 'targets', [getattr(node, 'target', None)]):
            names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)} if target else set()
    return names


def test_the_chapters_have_solutions():
    assert sum(1 for path in NOTEBOOKS for _ in solution_cells(path)) >= 10


@pytest.mark.parametrize('path', NOTEBOOKS, ids=lambda p: p.name)
def test_a_solution_hides_its_code_and_its_result(path):
    for i, cell, _ in solution_cells(path):
        hidden = cell['metadata'].get('jupyter', {})
        assert hidden.get('source_hidden') and hidden.get('outputs_hidden'), \
            f'{path.name} cell {i}: a solution must fold its code and its output (run `python3 course.py tidy`)'


@pytest.mark.parametrize('path', NOTEBOOKS, ids=lambda p: p.name)
def test_running_a_solution_keeps_the_learners_names(path):
    for i, _, source in solution_cells(path):
        mine = sorted(n for n in top_level_names(source) if not n.startswith('solution_'))
        assert not mine, (f'{path.name} cell {i}: the solution redefines {mine}, replacing the learner\'s own; '
                          'name them solution_NAME (run `python3 course.py tidy`)')
