"""What a learner sees on opening a chapter of a fresh clone, before running anything: the stored
drawings as pictures (JupyterLab does not trust a fresh clone's notebooks), every output within
the page's width, glossary links that land on their heading, and solutions that stay closed.
Screenshots of each state go to test-artifacts/browser/ (light and dark theme, two window sizes).
After Run All, every chapter's outputs must fit too: tests/browser/test_chapters.py checks that."""
import contextlib
import re

import nbformat
import pytest

from .conftest import ARTIFACTS, ROOT
from .notebook import OUTPUTS_JS, Notebook, scroll_through, set_theme, too_wide

SIZES = [(1400, 900), (1024, 768)]
THEMES = ['JupyterLab Light', 'JupyterLab Dark']


@contextlib.contextmanager
def opened(runs, name, size=SIZES[0]):
    """The chapter as a learner first sees it (opened, not run), in a tab of this process's JupyterLab
    page, scrolled through once; closed after, unsaved. After a failure the next test gets a fresh page."""
    nb = Notebook(runs.browser, runs.lab, ROOT, ROOT / 'chapters' / name, viewport=size, host=runs.host_page())
    done = False
    try:
        nb.open()
        scroll_through(nb)
        yield nb
        done = True
    finally:
        nb.close()
        if not done:
            runs.drop_host()


def shot(nb, name):
    try:
        nb.screenshot(ARTIFACTS / f'{name}.png')
    except Exception as e:  # a failed screenshot fails nothing; the test reports what it checks
        print(f'no screenshot {name}.png: {e}')


SOLUTION = re.compile(r'<details><summary>[^<]*</summary>.*?```python\n(?P<code>.*?)\n```', re.S)


def solutions(name):
    "[(cell index, code)] of the chapter's solutions, as tests/conftest.py finds them."
    cells = nbformat.read(ROOT / 'chapters' / name, as_version=4).cells
    return [(i, m['code']) for i, c in enumerate(cells) if c.cell_type == 'markdown'
            for m in SOLUTION.finditer(c.source)]


def closed_solutions_shown(nb, name):
    """Problems with the chapter's solutions (closed <details> blocks, written by `course.py tidy`): a
    solution's code that shows on the page, or that is not on it at all (then the check would prove
    nothing)."""
    found, checked = [], 0
    for i, code in solutions(name):
        line = next(l.strip() for l in code.splitlines() if l.strip())
        shown = nb.cell_locator(i)
        shown.scroll_into_view_if_needed()
        # Laid out once in view: a closed block shows its summary (before that it shows nothing at all).
        nb.page.wait_for_function('(c) => c.innerText.trim() !== ""', arg=shown.element_handle(), timeout=30000)
        if line not in shown.text_content():
            found.append(f'cell {i}: its solution {line!r} is not on the page, closed or not')
        elif line in shown.inner_text():
            found.append(f'cell {i}: a solution shows before it is opened: {line!r}')
        checked += 1
        if checked == 1:  # the first closed solution: a screenshot of its cell
            try:
                nb.screenshot_cell(i, ARTIFACTS / f'solution-closed-{name[:-6]}.png')
            except Exception as e:  # a failed screenshot fails nothing; the checks above decide
                print(f'no screenshot of cell {i}: {e}')
    return found, checked


@pytest.mark.parametrize('name, drawings, solutions', [('00_start_here.ipynb', 1, 0), ('02_autograd.ipynb', 1, 2),
                                                       ('07_mlp.ipynb', 1, 2)])
def test_first_view_shows_the_drawings_and_fits_every_theme_and_size(name, drawings, solutions, runs):
    """Before anything runs: the stored drawings show as pictures, solutions stay closed, and no
    output is wider than its area in either theme at either window size (one page, its theme and size
    changed in turn)."""
    found = []
    with opened(runs, name) as nb:
        try:
            problems, checked = closed_solutions_shown(nb, name)
            found += problems
            if checked < solutions:
                found.append(f'{checked} closed solutions checked, {solutions} expected')
            # A busy machine may render a cell's outputs a moment after the cell itself: wait for them
            # (up to 15 s), then judge what is on the page.
            for _ in range(60):
                outputs = nb.page.evaluate(OUTPUTS_JS)
                shown = sum(o['svgImages'] > 0 for o in outputs)
                if shown >= drawings:
                    break
                nb.page.wait_for_timeout(250)
            placeholders = [o['text'] for o in outputs if o['text'].startswith('<SVG drawing')]
            if placeholders:
                found.append(f'drawings shown as text, not pictures: {placeholders}')
            if shown < drawings:
                found.append(f'{shown} drawings shown before running, {drawings} stored')
            for theme in THEMES:
                set_theme(nb, theme)
                for width, height in SIZES:
                    nb.page.set_viewport_size({'width': width, 'height': height})
                    outputs = nb.page.evaluate(OUTPUTS_JS)
                    shot(nb, f'first-view-{name[:-6]}-{width}x{height}-{theme.split()[-1].lower()}')
                    found += [f'{theme}, {width} px wide: an output wider than its area: {cut}' for cut in too_wide(outputs)]
        finally:
            set_theme(nb, THEMES[0])  # the theme is a setting of the server: later pages get the default again
    assert not found, f'{name} on first opening:\n' + '\n'.join(found)


def test_a_glossary_link_lands_on_its_heading_at_the_first_click(runs):
    # A page of its own, where the chapter opens fresh from the link, as it does for a learner who
    # has not opened it yet. (In the shared page another test may have left chapter 08 open and run;
    # JupyterLab then may stop a cell short or past the target: a limit of its windowed notebook.)
    nb = Notebook(runs.browser, runs.lab, ROOT, ROOT / 'chapters' / '99_glossary.ipynb', viewport=SIZES[0])
    target = ROOT / 'chapters' / '08_adam.ipynb'
    try:
        nb.open()
        scroll_through(nb)
        link = nb.page.locator('.jp-MarkdownCell a[href*="08_adam.ipynb"]').first
        href = link.get_attribute('href')
        named = link.text_content().split('·', 1)[1].strip()  # "08 · Adam": the heading it names
        link.click()
        heading = nb.page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownCell h1, '
                                  '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownCell h2, '
                                  '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownCell h3')
        try:  # wait until the chapter has opened and scrolled (it stays at its top when the link fails)
            nb.page.wait_for_function('() => document.querySelector(".jp-NotebookPanel:not(.lm-mod-hidden)")'
                                      '.querySelector(".jp-WindowedPanel-outer").scrollTop > 0', timeout=30000)
        except Exception as e:
            if 'Timeout' not in type(e).__name__:
                raise
        # In view: below the notebook's toolbar (a heading behind it cannot be read) and above the
        # window's bottom edge.
        area = nb.page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer').bounding_box()
        first, top = area['y'], nb.page.viewport_size['height']
        # The scroll settles and the cells in view render (markdown lazily, on a busy machine
        # seconds later): look again for up to 20 s, but only for the heading the link names.
        for _ in range(40):
            nb.page.wait_for_timeout(500)
            in_view = [h.text_content().replace('¶', '').strip() for h in heading.all()
                       if first <= (h.bounding_box() or {'y': -1})['y'] < top]
            if named in in_view:
                break
        nb.page.screenshot(path=str(ARTIFACTS / 'glossary-link-first-click.png'))
    finally:
        nb.close()  # its page, with the tab the link opened
        if target not in runs.open:  # the kernel the link started, unless another test's run uses it
            runs.lab.shut_down_kernels_of(target.relative_to(ROOT).as_posix())
    # The heading the link names, not just any: the chapter's title is in view when the link fails.
    assert named in in_view, f'after one click on {href}, its heading {named!r} is not in view (in view: {in_view})'
