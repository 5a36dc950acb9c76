"""Every chapter, opened in JupyterLab and run with Restart & Run All, shows what it promises.

No cell shows an error (unless tagged raises-exception), every widget, plot and drawing renders,
and the page shows every printed output the notebook stores (its key outputs, e.g. the final
samples, among them; timings masked as nbval masks them). Expectations come from the notebook's
own saved outputs, so a new chapter needs no test of its own.
"""
import pytest

from .conftest import CHAPTERS, screenshot
from .notebook import check_rendered


@pytest.mark.parametrize('path', CHAPTERS, ids=lambda p: p.name)
def test_chapter_runs_and_shows_its_outputs_in_jupyterlab(path, runs):
    nb, stored = runs.get(path)
    try:
        found = check_rendered(nb, stored)
    finally:
        screenshot(nb, path.stem)
        runs.done_with(path)
    if found:
        pytest.fail(f'{path.name} after Restart & Run All in JupyterLab:\n' + '\n'.join(found), pytrace=False)
