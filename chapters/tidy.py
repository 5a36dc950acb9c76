"""Two idempotent passes over the chapters, run by `python3 course.py tidy` (safe to re-run).

- Solutions stay folded: every solution cell (a code cell whose code is hidden, or that starts
  with a `# Solution` / `# A solution` comment) gets its code *and* its outputs hidden, and the
  names it defines become `solution_NAME`, so running it checks the solution without replacing
  the learner's own `NAME`.
- Glossary links land on their heading: a link `NN_x.ipynb#Some-Heading` becomes
  `NN_x.ipynb#cell-id=ID`, the id of the markdown cell holding that heading.
  JupyterLab finds a cell by id as soon as the notebook is open; a heading anchor only once its
  markdown is rendered, so on a first click it stayed at the top.
"""
import ast
import io
import re
import sys
import tokenize
from pathlib import Path

import nbformat

CHAPTERS = Path(__file__).resolve().parent
PREFIX = 'solution_'
SOLUTION_COMMENT = re.compile(r'#\s*(a |reference )?solution\b', re.IGNORECASE)


def is_solution(cell):
    if cell.cell_type != 'code':
        return False
    first = cell.source.lstrip().split('\n', 1)[0]
    return bool(cell.metadata.get('jupyter', {}).get('source_hidden') or SOLUTION_COMMENT.match(first))


def bound_names(source):
    "Names the cell binds at its top level (def, class, assignment, import)."
    names = set()
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return {n for n in names if not n.startswith(PREFIX)}


def rename(source, names):
    "The source with every use of `names` (not attributes, keywords, strings or comments) prefixed."
    if not names:
        return source
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    edits = []
    for i, tok in enumerate(tokens):
        before = tokens[i - 1].string if i else ''
        after = tokens[i + 1].string if i + 1 < len(tokens) else ''
        keyword_arg = after == '=' and before in ('(', ',')
        if tok.type == tokenize.NAME and tok.string in names and before != '.' and not keyword_arg:
            edits.append(tok.start)
    lines = source.splitlines(keepends=True)
    for row, col in reversed(edits):
        line = lines[row - 1]
        lines[row - 1] = line[:col] + PREFIX + line[col:]
    return ''.join(lines)


def tidy_solutions(nb):
    changed = False
    for cell in nb.cells:
        if not is_solution(cell):
            continue
        new = rename(cell.source, bound_names(cell.source))
        hidden = cell.metadata.setdefault('jupyter', {})
        if new != cell.source or not hidden.get('source_hidden') or not hidden.get('outputs_hidden'):
            cell.source = new
            hidden.update(source_hidden=True, outputs_hidden=True)
            changed = True
    return changed


def anchor(heading):
    "The anchor JupyterLab gives a markdown heading: formatting dropped, spaces to dashes."
    return re.sub(r'[`*]', '', heading).strip().replace(' ', '-')


def heading_cells(nb):
    "{anchor: id of the markdown cell holding that heading}."
    found = {}
    for cell in nb.cells:
        if cell.cell_type == 'markdown':
            for m in re.finditer(r'^#+\s+(.*)$', cell.source, flags=re.M):
                found.setdefault(anchor(m[1]), cell.id)
    return found


LINK = re.compile(r'\]\((?P<nb>\d\d_\w+\.ipynb)#(?P<anchor>(?!cell-id=)[^)\s]+)\)')


def tidy_links(nb, chapters=CHAPTERS):
    changed, targets = False, {}

    def to_cell(m):
        path = chapters / m['nb']
        if path not in targets:
            targets[path] = heading_cells(nbformat.read(path, 4)) if path.exists() else {}
        cell_id = targets[path].get(m['anchor'])
        return f']({m["nb"]}#cell-id={cell_id})' if cell_id else m[0]

    for cell in nb.cells:
        if cell.cell_type == 'markdown':
            new = LINK.sub(to_cell, cell.source)
            changed |= new != cell.source
            cell.source = new
    return changed


def main(paths):
    for path in paths or sorted(CHAPTERS.glob('[0-9]*.ipynb')):
        nb = nbformat.read(path, 4)
        if tidy_solutions(nb) | tidy_links(nb, Path(path).parent):
            nbformat.write(nb, path)
            print(f'tidied {Path(path).name}')


if __name__ == '__main__':
    main([Path(p) for p in sys.argv[1:]])
