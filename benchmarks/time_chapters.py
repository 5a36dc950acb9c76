"""Run every chapter in a fresh kernel, each on its own, and report how long each takes.

    python benchmarks/time_chapters.py            # all chapters
    python benchmarks/time_chapters.py 07 08      # chapters whose names start so

The budget is 60 s per chapter; the notebooks are not modified (outputs go nowhere).
"""
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

CHAPTERS = Path(__file__).resolve().parent.parent / 'chapters'
BUDGET = 60.0


def run(path):
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name='python3', resources={'metadata': {'path': str(CHAPTERS)}}).execute()
    return time.perf_counter() - start


def main(prefixes):
    paths = [p for p in sorted(CHAPTERS.glob('[0-9]*.ipynb')) if not prefixes or p.name.startswith(tuple(prefixes))]
    total, over = 0.0, []
    print('| chapter | seconds |\n| --- | ---: |')
    for path in paths:
        seconds = run(path)
        total += seconds
        over += [path.name] if seconds > BUDGET else []
        print(f'| `{path.stem}` | {seconds:.1f} |', flush=True)
    print(f'| all, one after another | {total:.1f} |')
    if over:
        sys.exit(f'over the {BUDGET:.0f} s budget: {", ".join(over)}')


if __name__ == '__main__':
    main(sys.argv[1:])
