"""Every chapter, opened in JupyterLab and run with Restart & Run All, shows what it promises.

No cell shows an error (unless tagged raises-exception), every widget, plot and drawing renders,
the page shows every printed output the notebook stores (its key outputs, e.g. the final samples,
among them; timings masked as nbval masks them), and in a 1024x768 window no output is wider than
its area and, with the file browser open as `python3 course.py lab` opens it, no code line runs
past its cell; axe-core finds no serious or critical accessibility problem in the chapter's own
content (accessibility.py). Screenshots at 1024x768 with the file browser open, light and dark. Expectations come from the notebook's own saved outputs, so a new chapter needs no test
of its own.
"""
import pytest

from .accessibility import check_notebook
from .conftest import CHAPTERS, screenshot
from .notebook import OUTPUTS_JS, set_theme, check_rendered, code_cut, scroll_through, show_file_browser, too_wide


@pytest.mark.parametrize('path', CHAPTERS, ids=lambda p: p.name)
def test_chapter_runs_and_shows_its_outputs_in_jupyterlab(path, runs):
    nb, stored = runs.get(path)
    try:
        try:
            found = check_rendered(nb, stored)
        finally:
            screenshot(nb, path.stem)
        size = nb.page.viewport_size
        nb.page.set_viewport_size({'width': 1024, 'height': 768})  # a projector's, or a small laptop's
        scroll_through(nb)
        found += [f'in a 1024 px wide window, an output is wider than its area: {cut}'
                  for cut in too_wide(nb.page.evaluate(OUTPUTS_JS))]
        show_file_browser(nb)
        scroll_through(nb)
        found += [f'in a 1024 px wide window with the file browser open, a code line is cut: {cut}'
                  for cut in code_cut(nb)]
        screenshot(nb, f'{path.stem}-1024x768-file-browser-light')
        set_theme(nb, 'JupyterLab Dark')
        try:
            screenshot(nb, f'{path.stem}-1024x768-file-browser-dark')
            found += [f'accessibility (axe-core), dark theme: {problem}'
                      for problem in check_notebook(nb, f'{path.stem} (dark)')]
        finally:
            set_theme(nb, 'JupyterLab Light')
        found += [f'accessibility (axe-core): {problem}' for problem in check_notebook(nb, path.stem)]
        show_file_browser(nb, False)
        nb.page.set_viewport_size(size)
    finally:
        runs.done_with(path)
    if found:
        pytest.fail(f'{path.name} after Restart & Run All in JupyterLab:\n' + '\n'.join(found), pytrace=False)
