"""Run every chapter in a fresh kernel, each on its own, and report how long each takes.

    python benchmarks/time_chapters.py            # all chapters
    python benchmarks/time_chapters.py 08 09      # chapters whose names start so

The budget is 60 s per chapter; the notebooks are not modified (outputs go nowhere). Chapter 14
needs PyTorch: where it is installed apart, MICROGPT_TORCH_PATH=DIR gives it to that chapter's kernel.
"""
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

CHAPTERS = Path(__file__).resolve().parent.parent / 'chapters'
BUDGET = 60.0


def run(path):
    nb = nbformat.read(path, as_version=4)
    if path.name.startswith('14_') and os.environ.get('MICROGPT_TORCH_PATH'):
        # the kernel inherits these: tests/machines/sitecustomize.py appends the folder to sys.path
        os.environ['MICROGPT_EXTRA_PATH'] = os.environ['MICROGPT_TORCH_PATH']
        os.environ['PYTHONPATH'] = os.pathsep.join(
            filter(None, [str(CHAPTERS.parent / 'tests' / 'machines'), os.environ.get('PYTHONPATH')]))
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
