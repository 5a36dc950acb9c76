"""The course as a static JupyterLite site (`course.py lite`), in Chromium, with no internet.

The site is built offline (--pyodide) and served on 127.0.0.1; every page refuses any request
elsewhere, and the last test checks that none was even tried. With Pyodide's core (from npm, as
.ci/run provides it) the tests run the course's own code: chapter 02 top to bottom with every
drawing byte for byte the stored one, a backward pass, sampling and the temperature names from
the shipped checkpoint; a chapter that needs NumPy or matplotlib says that the site lacks them.
With a full Pyodide release named by MICROGPT_PYODIDE, every chapter runs and the sliders move.
"""
import contextlib
import io
from pathlib import Path

import nbformat
import pytest

from .conftest import CHAPTERS, ROOT, TIMINGS, Runs, screenshot, unavailable
from .lite_site import LiteNotebook, StaticServer, build_site, pyodide_release
from .notebook import Stored, check_rendered
from .test_chapters import test_chapter_runs_and_shows_its_outputs_in_jupyterlab as chapter_test
from .test_sliders import (test_learning_rate_slider_redraws_the_loss_picture as learning_rate_test,
                           test_temperature_slider_shows_what_the_kernel_computes as temperature_test)

FULL_ONLY = ('needs a full Pyodide release (NumPy, matplotlib): set MICROGPT_PYODIDE to a '
             'pyodide-<version>.tar.bz2 or its folder (CONTRIBUTING.md: "The site in a browser")')


@pytest.fixture(scope='module')
def lite(browser):
    path, full = pyodide_release()
    if path is None:
        unavailable(f"no Pyodide for an offline site ({full}); .ci/lite.sh fetches it with npm")
    server = StaticServer(build_site(path))
    server.full = full
    try:
        yield server
    finally:
        server.stop()


class LiteRuns(Runs):
    "As the JupyterLab tests' runs, with the site's notebooks."

    def get(self, path):
        path = Path(path)
        if path not in self.open:
            nb = LiteNotebook(self.browser, self.lab, ROOT, path)
            try:
                nb.open().restart_and_run_all()
            except Exception:
                screenshot(nb, f'lite-{path.stem}')
                nb.close()
                raise
            self.open[path] = (nb, Stored(path, self.sanitize))
            TIMINGS.append((f'lite {path.name}', nb.timings['open'], nb.timings['run']))
        return self.open[path]


@pytest.fixture(scope='module')
def runs(browser, lite, sanitize):
    "This module's notebooks are the site's (the slider and chapter tests reused below take them)."
    runs = LiteRuns(browser, lite, sanitize)
    try:
        yield runs
    finally:
        runs.close()


def chapter(prefix):
    return next(p for p in CHAPTERS if p.name.startswith(prefix))


def drawing(data):
    "An output's drawing: SVG, or the HTML image holding it (how microgpt.helpers.draw shows one), else None."
    for kind in ('image/svg+xml', 'text/html'):
        text = ''.join(data.get(kind, ''))
        if kind == 'image/svg+xml' and text or 'data:image/svg+xml' in text:
            return text
    return None


def stored_svgs(path):
    "Per code cell, the drawings the notebook file stores (SVG bytes, or the HTML image that holds them)."
    cells = nbformat.read(path, as_version=4).cells
    return [[d for o in c.get('outputs', []) if (d := drawing(o.get('data', {})))]
            for c in cells if c['cell_type'] == 'code']


def test_chapter_02_runs_with_every_drawing_as_stored(runs, lite):
    path = chapter('02_')
    nb, stored = runs.get(path)
    try:
        found = check_rendered(nb, stored)
    finally:
        screenshot(nb, f'lite-{path.stem}')
    assert not found, f'{path.name} in the JupyterLite site:\n' + '\n'.join(found)
    want, got = stored_svgs(path), nb.svgs()
    assert sum(map(len, want)) >= 3, 'chapter 02 stores fewer drawings than expected'
    for i, (w, g) in enumerate(zip(want, got)):
        assert g == w, f'{path.name} code cell {i}: the browser drew {len(g)} SVG(s) that differ from the stored {len(w)}'


# The course's core in the browser, compared with the same code run here. DATA is the data folder.
CORE = '''
import random
from microgpt.autograd import Value
from microgpt.helpers.checkpoint import load_checkpoint
from microgpt.sample import sample
from microgpt.helpers.widgets import names_at_temperature
a, b = Value(2.0), Value(-3.0)
loss = ((a * b).exp() + (a - b) ** 2).log()
loss.backward()
print('loss', *(f'{x:.10g}' for x in (loss.data, a.grad, b.grad)))  # 10 digits: libms differ in the last bit
ckpt = load_checkpoint(DATA + '/checkpoint.json')
rng = random.Random(42)
print('sampled', [sample(ckpt.state_dict, ckpt.config, ckpt.tokenizer, 0.5, rng) for _ in range(5)])
for t in (0.5, 1.0):
    print('temperature', t, names_at_temperature(ckpt.state_dict, ckpt.config, ckpt.tokenizer, t, num_samples=8))
'''


def test_the_core_runs_in_the_browser_as_here(runs, lite):
    nb, _ = runs.get(chapter('02_'))  # a kernel with the course installed by the chapter's set-up cell
    here = io.StringIO()
    with contextlib.redirect_stdout(here):
        exec(CORE.replace('DATA', repr(str(ROOT / 'data'))), {})
    there, error = nb.execute(CORE.replace('DATA', repr('../data')))
    assert error is None, f'the core failed in the browser: {error}'
    assert there == here.getvalue(), f'the browser printed\n{there}\nwhere this machine prints\n{here.getvalue()}'


def test_a_chapter_needing_numpy_says_the_site_lacks_it(runs, lite):
    if lite.full:
        pytest.skip('this site has NumPy and matplotlib: test_every_chapter_in_the_browser runs chapter 01')
    path = chapter('01_')  # imports matplotlib
    set_up = next(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == 'code')
    nb, _ = runs.get(chapter('02_'))  # chapter 01's set-up cell, run in a kernel of the site (one Pyodide less to load)
    _, error = nb.execute(set_up)
    assert error and 'NeedsPyodidePackages' in error, f'{path.name}: the set-up cell gives {error or "no error"}'
    for words in ('needs matplotlib', "Pyodide's full release", 'course.py lite --pyodide'):
        assert words in error, f'{path.name}: the set-up cell does not say {words!r}: {error}'


@pytest.mark.parametrize('path', CHAPTERS, ids=lambda p: p.name)
def test_every_chapter_in_the_browser(path, runs, lite):
    if not lite.full:
        pytest.skip(FULL_ONLY)
    chapter_test(path, runs)


@pytest.mark.parametrize('prefix, description', [('08_', 'learning rate'), ('11_', 'learning rate (fast)')])
def test_learning_rate_sliders_in_the_browser(prefix, description, runs, lite):
    if not lite.full:
        pytest.skip(FULL_ONLY)
    learning_rate_test(prefix, description, runs)


def test_temperature_slider_in_the_browser(runs, lite):
    if not lite.full:
        pytest.skip(FULL_ONLY)
    temperature_test('09_', runs)


def test_no_page_asked_for_anything_outside_this_machine(runs, lite):
    runs.get(chapter('02_'))
    assert not lite.outside, f'the site asked for {len(lite.outside)} outside address(es): {lite.outside[:5]}'
