"""What a learner sees on opening a chapter of a fresh clone, before running anything: the stored
drawings as pictures (JupyterLab does not trust a fresh clone's notebooks), every output within
the page's width, glossary links that land on their heading, and solutions that stay folded.
Screenshots of each state go to test-artifacts/browser/ (light and dark theme, two window sizes)."""
import pytest

from .conftest import ARTIFACTS, ROOT
from .notebook import Notebook

SIZES = [(1400, 900), (1024, 768)]

# Per output: its width and the widest picture or line in it (pictures in a closed <details> are
# not laid out and count 0), and the text JupyterLab shows in place of a picture it will not render.
OUTPUTS_JS = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  return [...panel.querySelectorAll('.jp-OutputArea-output')].map((o) => {
    const parts = [...o.querySelectorAll('img, svg, canvas, pre, table')]
      .filter((e) => !e.parentElement.closest('svg') && !e.closest('details:not([open])'));
    const sizes = parts.map((e) => [e.getBoundingClientRect().width, e.tagName + '.' + e.className]);
    const [widest, what] = sizes.reduce((a, b) => (b[0] > a[0] ? b : a), [0, '']);
    return {width: o.clientWidth, widest, what, text: o.innerText.slice(0, 80),
            svgImages: o.querySelectorAll('img[src^="data:image/svg+xml"]').length};
  });
}"""


def opened(browser, lab, name, size=(1400, 900), theme=None):
    nb = Notebook(browser, lab, ROOT, ROOT / 'chapters' / name, viewport=size).open()
    if theme:
        nb.page.evaluate('(t) => window.jupyterapp.commands.execute("apputils:change-theme", {theme: t})', theme)
        nb.page.wait_for_timeout(1000)  # the theme's style sheet loads
    # Cells are laid out as they come into view: scroll through once so every output is drawn.
    nb.page.evaluate("""async () => {
      const s = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer');
      for (let y = 0; y < s.scrollHeight; y += 500) { s.scrollTop = y; await new Promise(r => setTimeout(r, 60)); }
      s.scrollTop = 0; }""")
    return nb


def shot(nb, name):
    try:
        nb.screenshot(ARTIFACTS / f'{name}.png')
    except Exception as e:  # a failed screenshot fails nothing; the test reports what it checks
        print(f'no screenshot {name}.png: {e}')


@pytest.mark.parametrize('name, drawings', [('00_start_here.ipynb', 1), ('02_autograd.ipynb', 1), ('06_mlp.ipynb', 1)])
def test_stored_drawings_show_as_pictures_before_anything_runs(name, drawings, browser, lab):
    nb = opened(browser, lab, name)
    try:
        outputs = nb.page.evaluate(OUTPUTS_JS)
        shot(nb, f'first-open-{name[:-6]}')
        placeholders = [o['text'] for o in outputs if o['text'].startswith('<SVG drawing')]
        assert not placeholders, f'{name}: drawings shown as text, not pictures: {placeholders}'
        shown = sum(o['svgImages'] > 0 for o in outputs)
        assert shown >= drawings, f'{name}: {shown} drawings shown before running, {drawings} stored'
    finally:
        nb.close()


@pytest.mark.parametrize('size', SIZES, ids=lambda s: f'{s[0]}x{s[1]}')
@pytest.mark.parametrize('name', ['02_autograd.ipynb', '06_mlp.ipynb'])
@pytest.mark.parametrize('theme', ['JupyterLab Light', 'JupyterLab Dark'], ids=['light', 'dark'])
def test_no_output_is_cut_off(name, size, theme, browser, lab):
    nb = opened(browser, lab, name, size, theme)
    try:
        outputs = nb.page.evaluate(OUTPUTS_JS)
        shot(nb, f'fit-{name[:-6]}-{size[0]}x{size[1]}-{theme.split()[-1].lower()}')
        cut = [f'{o["what"]} {o["text"]!r}: {o["widest"]:.0f} px in {o["width"]} px' for o in outputs
               if o['widest'] > o['width'] + 1]
        assert not cut, f'{name} at {size[0]} px wide: outputs wider than their area: {cut}'
    finally:
        nb.close()


@pytest.mark.parametrize('name', ['02_autograd.ipynb', '06_mlp.ipynb'])
def test_no_output_is_cut_off_after_running(name, browser, lab):
    # Run, the outputs are the kernel's own (trusted): what a learner sees after Run All.
    nb = Notebook(browser, lab, ROOT, ROOT / 'chapters' / name, viewport=(1024, 768)).open().restart_and_run_all()
    try:
        outputs = nb.page.evaluate(OUTPUTS_JS)
        shot(nb, f'fit-{name[:-6]}-1024x768-after-run')
        cut = [f'{o["what"]} {o["text"]!r}: {o["widest"]:.0f} px in {o["width"]} px' for o in outputs
               if o['widest'] > o['width'] + 1]
        assert not cut, f'{name} at 1024 px wide, after Run All: outputs wider than their area: {cut}'
    finally:
        nb.close()


def test_a_glossary_link_lands_on_its_heading_at_the_first_click(browser, lab):
    nb = opened(browser, lab, '99_glossary.ipynb')
    try:
        link = nb.page.locator('.jp-MarkdownCell a[href*="07_adam.ipynb"]').first
        href = link.get_attribute('href')
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
        nb.page.wait_for_timeout(1500)  # let the scroll settle
        top = nb.page.viewport_size['height']
        in_view = [h.text_content() for h in heading.all()
                   if 0 <= (h.bounding_box() or {'y': -1})['y'] < top]
        nb.page.screenshot(path=str(ARTIFACTS / 'glossary-link-first-click.png'))
        assert in_view, f'after one click on {href}, no heading of 07_adam is in view'
    finally:
        nb.close()


def test_a_solution_shows_no_result_until_opened(browser, lab):
    nb = opened(browser, lab, '02_autograd.ipynb')
    try:
        index = next(i for i, c in enumerate(nb.cells()) if 'check_prediction(-1.0' in c['source'])
        cell = nb.cell_locator(index)
        cell.scroll_into_view_if_needed()
        # Laid out once in view: its folded code shows its first line.
        nb.page.wait_for_function('(c) => c.innerText.includes("solution")', arg=cell.element_handle(), timeout=30000)
        nb.page.wait_for_timeout(2000)  # and its output, were it shown
        shot(nb, 'solution-folded')
        stored = 'Correct! x.grad'
        assert stored in cell.text_content(), '02_autograd: the solution cell has no stored result to hide'
        assert stored not in cell.inner_text(), "02_autograd: a solution's result shows before it is opened"
    finally:
        nb.close()
