"""How `python3 course.py test` shares the suite between two processes (pytest-xdist, `--dist loadgroup`).

Tests that must run in one process get one xdist group: the cells of a notebook (nbval runs them in
order, in one kernel), the browser tests (one JupyterLab and one Chromium for all of them), and the
tests that share the reference run (the `reference_run` fixture in tests/conftest.py). The longest
work is queued first, so that neither process is left alone with a long piece at the end.
Without pytest-xdist the groups change nothing.
"""
import pytest

# The longest pieces, longest first (seconds on 2 idle cores, from `--durations`); the rest follows.
LONGEST = ['browser', 'reference-run', 'tests/test_machines.py', 'chapters/07_adam.ipynb',
           'chapters/09_efficiency.ipynb', 'tests/test_fast.py', 'chapters/08_sampling.ipynb']


def group(item):
    "The xdist group an item must share, or None."
    path = item.path.relative_to(item.config.rootpath).as_posix()
    if path.endswith('.ipynb'):
        return path
    if path.startswith('tests/browser/'):
        return 'browser'
    if 'reference_run' in getattr(item, 'fixturenames', ()):
        return 'reference-run'
    return None


def rank(item):
    path = item.path.relative_to(item.config.rootpath).as_posix()
    for i, name in enumerate(LONGEST):
        if group(item) == name or path == name:
            return i
    return len(LONGEST)


def pytest_configure(config):
    config.addinivalue_line('markers', 'xdist_group(name): run in the same pytest-xdist worker as its group')


def pytest_collection_modifyitems(config, items):
    for item in items:
        name = group(item)
        if name:
            item.add_marker(pytest.mark.xdist_group(name))
    items.sort(key=rank)  # stable: a notebook's cells stay in order
