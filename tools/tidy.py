"""Two idempotent passes over the chapters, run by `python3 course.py tidy` (safe to re-run).

- Solutions stay closed until the learner opens one: a solution written as a code cell (folded, or
  starting with a `# Solution` / `# A solution` comment) becomes a markdown cell holding a closed
  `<details>` block with the code inside. Run All never runs it, so no verdict gives an answer away,
  in JupyterLab, JupyterLite, Colab and VS Code alike; the tests run it against its checker.
  Names the learner would otherwise keep apart (`solution_NAME`) become `NAME` again: copied into
  the exercise's cell, the solution replaces the learner's attempt.
- Glossary links land on their heading: a link `NN_x.ipynb#Some-Heading` becomes
  `NN_x.ipynb#cell-id=ID`, the id of the markdown cell holding that heading.
  JupyterLab finds a cell by id as soon as the notebook is open; a heading anchor only once its
  markdown is rendered, so on a first click it stayed at the top.
"""
import re
import sys
from pathlib import Path

import nbformat

CHAPTERS = Path(__file__).resolve().parent.parent / 'chapters'
SOLUTION_COMMENT = re.compile(r'#\s*(a |reference )?solution\b', re.IGNORECASE)
SUMMARY = '<details><summary>A solution (open it once you have tried)</summary>'
# A cell that only announces the solution below it ("A solution (click the bar to open it):").
LEAD_IN = re.compile(r'^A (reference )?solution\b[^\n]*:$')
# A closed block of hints before the code, as in chapter 06: its prose goes in with the code.
HINT = re.compile(r'^<details><summary>[^<]*</summary>\s*(?P<prose>.*?)\s*</details>$', re.S)


def is_solution(cell):
    if cell.cell_type != 'code':
        return False
    first = cell.source.lstrip().split('\n', 1)[0]
    return bool(cell.metadata.get('jupyter', {}).get('source_hidden') or SOLUTION_COMMENT.match(first))


def solution_block(code, prose=''):
    "A closed <details> block with the code of a solution (and any prose before it)."
    code = re.sub(r'\bsolution_(\w)', r'\1', code.strip())
    parts = [SUMMARY, prose, f'```python\n{code}\n```', '</details>']
    return '\n\n'.join(p for p in parts if p)


def tidy_solutions(nb):
    changed = False
    for i, cell in enumerate(list(nb.cells)):
        if not is_solution(cell):
            continue
        block = nbformat.v4.new_markdown_cell(id=cell.id, metadata={
            k: v for k, v in cell.metadata.items() if k not in ('jupyter', 'tags', 'execution')})
        before = nb.cells[nb.cells.index(cell) - 1]
        prose = ''
        if before.cell_type == 'markdown' and (LEAD_IN.match(before.source.strip())
                                               or HINT.match(before.source.strip())):
            hint = HINT.match(before.source.strip())
            prose = hint['prose'] if hint else ''
            kind = before.metadata.get('slideshow', {}).get('slide_type', '-')
            if kind != '-':  # the announcement opened a slide: the block does now
                block.metadata.setdefault('slideshow', {})['slide_type'] = kind
            nb.cells.remove(before)
        block.source = solution_block(cell.source, prose)
        nb.cells[nb.cells.index(cell)] = block
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
