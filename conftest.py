"""How `python3 course.py test` shares the suite between processes (pytest-xdist, `-n auto`), and
which tests it leaves to `python3 course.py machines`.

Some tests must run in one process, one after another: the cells of a notebook (nbval runs them in
order, in one kernel), a chapter's run in JupyterLab and the tests of its sliders (one page), the
tests of one server (the JupyterLite site, the Voila playground), the tests that install the
course's wheel (built once), and the tests that share the reference run (the `reference_run` fixture of tests/conftest.py, done once per process). The
scheduler below hands out each such group whole, and the longest work first, so that no process is
left alone with a long piece at the end. Without pytest-xdist this changes nothing. (xdist's own
`--dist loadgroup --no-loadscope-reorder`, with an `xdist_group` mark per group, makes the same
work units in the same order up to pytest 9.1; with pytest 9.2 it silently stops grouping, and a
notebook's cells run in two kernels: pytest-xdist issue 1386.)

tests/test_machines.py (nbval again under simulated BLAS kernels, SIMD levels, maths libraries and
PyTorch) is collected only with --machines or when named: `python3 course.py machines`, which CI runs.
"""
import os
import re
import tempfile
from pathlib import Path

import pytest

MACHINES = Path(__file__).parent / 'tests' / 'test_machines.py'
# The longest groups, longest first (from `--durations`); everything else follows in its own order.
LONGEST = ['reference-run', 'wheel', 'tests/browser/test_lite.py', 'tests/browser/test_slides.py', 'browser 08',
           'browser 13', 'browser 10', 'browser 11', 'browser 12', 'chapters/13_inside.ipynb',
           'tests/browser/test_playground.py', 'chapters/11_scale.ipynb', 'chapters/12_practice.ipynb', 'chapters/14_pytorch.ipynb', 'chapters/08_adam.ipynb', 'browser 09', 'browser',
           'tests/browser/test_first_view.py', 'tests/test_fast.py',
           'chapters/10_efficiency.ipynb', 'chapters/09_sampling.ipynb', 'tests/browser/']
# Test files whose tests share a module-scoped fixture: a server of their own, or an installed wheel.
ONE_SETUP = ('tests/browser/test_lite.py', 'tests/browser/test_playground.py')
# Test files that install the course's wheel (built once per process: the course_wheel fixture).
WHEEL = ('tests/test_install.py', 'tests/test_lite_colab.py')


def group(nodeid):
    "The group of a test: tests of one group run in one process. A test on its own is its own group."
    path = nodeid.split('::')[0]
    if path in ('tests/browser/test_chapters.py', 'tests/browser/test_sliders.py'):
        return 'browser ' + re.search(r'\[(\d\d)', nodeid).group(1)  # ids start with the chapter's number
    if path in ONE_SETUP or path.endswith('.ipynb'):
        return path
    if path in WHEEL:
        return 'wheel'
    if 'reference_run' in nodeid:
        return 'reference-run'
    return nodeid


def rank(item):
    name = group(item.nodeid)
    return next((i for i, prefix in enumerate(LONGEST) if name.startswith(prefix)), len(LONGEST))


def fresh_progress_folder():
    "An empty folder for the learner's progress (microgpt/helpers/progress.py): never the developer's own."
    os.environ['MICROGPT_PROGRESS_DIR'] = tempfile.mkdtemp(prefix='microgpt-progress-')


fresh_progress_folder()


# Chapters that need PyTorch, an optional extra. MICROGPT_TORCH_PATH names a folder holding it installed
# apart (`pip install --target DIR torch`, as .ci/run does): their kernels alone get it, appended to
# sys.path by tests/machines/sitecustomize.py; every other kernel meets the environment a learner gets.
# Where PyTorch is neither installed nor there, these chapters are skipped, and say why.
NEEDS_TORCH = ('14_pytorch.ipynb',)
TORCH_PATH = os.environ.get('MICROGPT_TORCH_PATH')
SITE = Path(__file__).parent / 'tests' / 'machines'


def torch_available():
    import importlib.util
    return importlib.util.find_spec('torch') is not None or bool(TORCH_PATH and Path(TORCH_PATH, 'torch').is_dir())


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_setup(item):
    """Each notebook's kernel (started before its first cell) gets an empty progress folder of its own,
    and a chapter that needs PyTorch gets MICROGPT_TORCH_PATH on its path (for its kernel's start only)."""
    first = str(item.path).endswith('.ipynb') and item.parent is not getattr(pytest_runtest_setup, 'notebook', None)
    saved = {key: os.environ.get(key) for key in ('PYTHONPATH', 'MICROGPT_EXTRA_PATH')}
    if first:
        pytest_runtest_setup.notebook = item.parent
        fresh_progress_folder()
        if item.path.name in NEEDS_TORCH and TORCH_PATH:
            os.environ['MICROGPT_EXTRA_PATH'] = TORCH_PATH
            os.environ['PYTHONPATH'] = os.pathsep.join(filter(None, [str(SITE), saved['PYTHONPATH']]))
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def pytest_addoption(parser):
    parser.addoption('--machines', action='store_true',
                     help='also run tests/test_machines.py (other machines, simulated): minutes of nbval')


def left_to_machines(config):
    "True when this run covers tests/test_machines.py only through a folder, without --machines."
    if config.getoption('--machines'):
        return False
    paths = [Path(config.rootpath, arg.split('::')[0]).resolve() for arg in config.args]
    return MACHINES not in paths and any(p in MACHINES.parents for p in paths)


def pytest_ignore_collect(collection_path, config):
    if collection_path == MACHINES and left_to_machines(config):
        return True


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        if 'reference_run' in getattr(item, 'fixturenames', ()) and group(item.nodeid) != 'reference-run':
            raise pytest.UsageError(f'{item.nodeid} uses the reference_run fixture: put "reference_run" in '
                                    'its name, so that it runs in the process that has the run')
    if not torch_available():
        skip = pytest.mark.skip(reason='needs PyTorch, which is not installed: pip install "microgpt-course[torch]", '
                                       'or set MICROGPT_TORCH_PATH to a folder holding it (.ci/run does)')
        for item in items:
            if item.path.name in NEEDS_TORCH:
                item.add_marker(skip)
    items.sort(key=rank)  # stable: a notebook's cells stay in order


def pytest_terminal_summary(terminalreporter, config):
    if left_to_machines(config):
        terminalreporter.write_line('Other machines (BLAS kernels, SIMD levels, maths libraries, PyTorch) are '
                                    'simulated by `python3 course.py machines`, which CI runs too.')


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
