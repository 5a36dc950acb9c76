"""Browser tests: every chapter in a real JupyterLab, in headless Chromium, as a learner uses it.

They need the `playwright` Python package (in the dev extra) and a Chromium. Without them the tests
are skipped, with a message saying how to enable them, unless MICROGPT_BROWSER_TESTS=required
(set by .ci/run): then a missing browser fails the run.
"""
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from .lab import UI_TIMEOUT, LabServer
from .notebook import Notebook, Stored, sanitizer

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / 'chapters').glob('*.ipynb'))
ARTIFACTS = ROOT / 'test-artifacts' / 'browser'
REQUIRED = os.environ.get('MICROGPT_BROWSER_TESTS', '').lower() == 'required'
HOW_TO = ('To run them: `python -m pip install playwright`, then install Chromium (Debian: `sudo apt-get '
          'install chromium-headless-shell` or `chromium`; elsewhere: `python -m playwright install chromium`), then '
          '`python3 course.py browser-test`. A Chromium elsewhere: set MICROGPT_CHROMIUM=/path/to/chromium.')
# Chromium in a closed network, with no first-run work: fewer things to go wrong or wait for.
CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                 '--disable-background-networking', '--disable-component-update', '--disable-sync']
# The headless shell first where it is installed (Debian: `apt-get install chromium-headless-shell`):
# the same Blink without the browser around it: a fifth less processor time in Chromium per run.
SYSTEM_CHROMIUMS = ['/usr/bin/chromium-headless-shell', 'chromium-headless-shell', '/usr/bin/chromium', 'chromium',
                    'chromium-browser', 'google-chrome', 'google-chrome-stable']


SKIPPED = []  # why the browser tests were skipped, for the summary at the end of the run


def unavailable(why):
    "Skip with the how-to, or fail when the browser tests are required."
    message = f'browser tests cannot run: {why}. {HOW_TO}'
    if REQUIRED:
        pytest.fail(f'{message} (MICROGPT_BROWSER_TESTS=required)', pytrace=False)
    SKIPPED.append(message)
    pytest.skip(message)


TIMINGS = []  # (notebook, seconds to open, seconds for Restart & Run All)


def pytest_terminal_summary(terminalreporter):
    "Say why the browser tests were skipped and how to enable them, where a learner will see it."
    if SKIPPED:
        terminalreporter.write_sep('-', 'browser tests skipped')
        terminalreporter.write_line(SKIPPED[0])
    if TIMINGS:
        terminalreporter.write_sep('-', 'browser tests: seconds per notebook in JupyterLab')
        for name, opened, ran in TIMINGS:
            terminalreporter.write_line(f'{name:32} open {opened:5.1f}   Restart & Run All {ran:6.1f}')


def system_chromium():
    for candidate in filter(None, [os.environ.get('MICROGPT_CHROMIUM'), *SYSTEM_CHROMIUMS]):
        found = shutil.which(candidate)
        if found:
            return found
    return None


@pytest.fixture(scope='session')
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable('the playwright package is not installed')
    executable = system_chromium()
    playwright = sync_playwright().start()
    try:
        if executable is None and not Path(playwright.chromium.executable_path).exists():
            unavailable('no Chromium found (looked for MICROGPT_CHROMIUM, ' + ', '.join(SYSTEM_CHROMIUMS) +
                        ", and Playwright's own download)")
        profile = tempfile.mkdtemp(prefix='microgpt-chromium-')
        try:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS,
                                                 headless=True, timeout=UI_TIMEOUT * 1000,
                                                 env=dict(os.environ, HOME=profile))
        except Exception as e:  # a browser that is there but does not start is a failure, not a skip
            pytest.fail(f'Chromium ({executable or "Playwright download"}) did not start: {e}', pytrace=False)
        try:
            yield browser
        finally:
            browser.close()
            shutil.rmtree(profile, ignore_errors=True)
    finally:
        playwright.stop()


@pytest.fixture(scope='session')
def lab(browser):
    "JupyterLab serving this checkout (one per pytest-xdist process), stopped at the end, whatever happens."
    server = LabServer(ROOT)
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope='session')
def sanitize():
    return sanitizer(ROOT / 'chapters' / 'sanitize.cfg')


def screenshot(nb, name):
    "Save what the page shows as test-artifacts/browser/NAME.png; a failed screenshot fails nothing."
    try:
        return nb.screenshot(ARTIFACTS / f'{name}.png')
    except Exception as e:  # the page may be broken: the test reports the first problem, not this
        print(f'no screenshot {name}.png: {e}')
        return []


class Runs:
    """Notebooks opened and run (Restart & Run All) once, each in a tab of one JupyterLab page.

    Notebooks with widgets stay open after their chapter test, for the slider tests."""

    def __init__(self, browser, lab, sanitize):
        self.browser, self.lab, self.sanitize = browser, lab, sanitize
        self.open = {}
        self.host = None  # one JupyterLab page for the notebooks, each in a tab while it is tested

    def host_page(self):
        "The page the notebooks open in; a fresh one after a failure (a dialog may be left on it)."
        if self.host is None:
            self.host_context = self.browser.new_context(viewport={'width': 1280, 'height': 900})
            self.host = self.host_context.new_page()
        return self.host

    def drop_host(self):
        if self.host is not None:
            self.open = {p: v for p, v in self.open.items() if v[0].page is not self.host}
            self.host_context.close()
            self.host = None

    def get(self, path):
        path = Path(path)
        if path not in self.open:
            stored = Stored(path, self.sanitize)
            nb = Notebook(self.browser, self.lab, ROOT, path, host=self.host_page())
            try:
                nb.open().restart_and_run_all()
            except Exception:
                screenshot(nb, path.stem)
                nb.close()
                self.drop_host()
                raise
            self.open[path] = (nb, stored)
            TIMINGS.append((path.name, nb.timings['open'], nb.timings['run']))
        nb, stored = self.open[path]
        nb.activate()
        return nb, stored

    def done_with(self, path):
        "Close a notebook that no later test needs (one without widgets)."
        nb, stored = self.open.get(Path(path), (None, None))
        if nb is not None and not stored.has_widgets:
            del self.open[Path(path)]
            nb.close()

    def close(self):
        for nb, _ in self.open.values():
            nb.close()
        self.drop_host()


@pytest.fixture(scope='session')
def runs(browser, lab, sanitize):
    runs = Runs(browser, lab, sanitize)
    try:
        yield runs
    finally:
        runs.close()


