"""Every chapter, opened in JupyterLab and run with Restart & Run All, shows what it promises.

No cell shows an error (unless tagged raises-exception), every widget and drawing renders, and the
page shows the notebook's key outputs: the cells tagged key-output, or else its last text output
(e.g. the final samples). Expectations come from the notebook's own saved outputs.
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
