"""How `python3 course.py test` shares the suite between processes (pytest-xdist, `-n auto`).

Some tests must run in one process, one after another: the cells of a notebook (nbval runs them in
order, in one kernel), the browser tests (one JupyterLab and one Chromium for all of them), and the
tests that share the reference run (the `reference_run` fixture of tests/conftest.py, done once per
process). The scheduler below hands out each such group whole, and the longest work first, so that
no process is left alone with a long piece at the end. Without pytest-xdist this changes nothing.
"""
import pytest

# The longest pieces, longest first (from `--durations`); everything else follows in its own order.
LONGEST = ['browser', 'reference-run', 'tests/test_machines.py', 'chapters/07_adam.ipynb',
           'chapters/10_scale.ipynb', 'chapters/09_efficiency.ipynb', 'tests/test_fast.py',
           'chapters/08_sampling.ipynb']


def group(nodeid):
    "The group of a test: tests of one group run in one process. A test on its own is its own group."
    path = nodeid.split('::')[0]
    if path.startswith('tests/browser/'):
        return 'browser'
    if path.endswith('.ipynb'):
        return path
    if 'reference_run' in nodeid:
        return 'reference-run'
    return nodeid


def rank(item):
    path = item.nodeid.split('::')[0]
    return next((i for i, name in enumerate(LONGEST) if name in (group(item.nodeid), path)), len(LONGEST))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        if 'reference_run' in getattr(item, 'fixturenames', ()) and group(item.nodeid) != 'reference-run':
            raise pytest.UsageError(f'{item.nodeid} uses the reference_run fixture: put "reference_run" in '
                                    'its name, so that it runs in the process that has the run')
    items.sort(key=rank)  # stable: a notebook's cells stay in order


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue('dist') not in ('load', 'loadgroup'):
        return None  # another mode asked for by name: pytest-xdist's own
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        "Each group whole to one process, in collection order (longest first)."

        def __init__(self, config, log=None):
            super().__init__(config, log)
            config.option.loadscopereorder = False  # keep our order, not groups sorted by size

        def _split_scope(self, nodeid):
            return group(nodeid)

    return GroupScheduling(config, log)
