"""A chapter as slides (RISE), presented as an instructor does on a 1024x768 projector.

The test opens chapter 09 at RISE's URL with the settings `course.py slides` presents with, checks
that the widget manager loaded (the trouble of jupyterlab-contrib/rise issue 119), then walks
through the chapter with the keyboard only: the down arrow selects the next cell (the slides
follow it) and Shift+Enter runs a code cell where it is, on its own slide. Every cell runs, each
step is screenshotted to test-artifacts/browser/slides-09_sampling-*.png, and no slide may reach
past the screen's edges (a folded solution's first line included). The temperature slider must
show on its cell's slide when run, and moving it must show the names the model gives. Then the
left arrow, Home and End must move between slides, also after a click into a cell and Escape.
Presenting leaves the chapter as committed (`git status` clean).

The page logs "RangeError: Maximum call stack size exceeded" 10 to 16 times as it loads. A
two-cell notebook without slide metadata, rise.css or widgets logs it too: it comes from the web
components jupyterlab-rise 0.43.1 bundles (@microsoft/fast-foundation 2.50.0, whose
`Store.delete` notifies and re-enters itself; see jupyterlab-contrib/search-replace pull 148). It
is RISE's own, it stops nothing on the slides, and this test does not count it.
"""
import json
import re
import subprocess
import time

import nbformat
import pytest

from .conftest import ARTIFACTS, CHAPTERS, ROOT
from .lab import UI_TIMEOUT
from .test_sliders import expected_names, shows_names

SCREEN = {'width': 1024, 'height': 768}
MARGIN = 20  # px reveal keeps above and below a slide
TALL = []    # slides overflowing because one cell is taller than the screen: reported, not failed
WIDGETS_BROKEN = 'Failed to create module: package: @jupyter-widgets/jupyterlab-manager'

# The slide on screen: where its cells reach, and its tallest cell (a cell taller than the screen
# cannot be split by slide metadata: RISE scrolls it).
PRESENT_JS = """() => {
  const s = document.querySelector('.reveal .slides section.present:not(.stack)');
  if (!s) return null;
  const boxes = [...s.querySelectorAll('.jp-Cell')].filter((c) => c.offsetParent).map((c) => c.getBoundingClientRect());
  // A folded cell's first line (JupyterLab's placeholder) is text that is cut, not scrolled, when too wide.
  const lines = [...s.querySelectorAll('.jp-PlaceholderText')].filter((e) => e.offsetParent).map((e) => e.getBoundingClientRect());
  return {hash: location.hash, top: Math.min(...boxes.map((b) => b.top)), bottom: Math.max(...boxes.map((b) => b.bottom)),
          right: Math.max(...boxes.map((b) => b.right), ...lines.map((b) => b.right)),
          tallest: Math.max(...boxes.map((b) => b.height)),
          sliders: [...s.querySelectorAll('.widget-slider')].filter((e) => e.offsetParent).length};
}"""
# A cell has run: no cell shows [*] (JupyterLab shows it as soon as a cell is sent to the kernel,
# and until its reply).
IDLE_JS = "() => ![...document.querySelectorAll('.jp-InputPrompt')].some((p) => p.textContent.includes('*'))"
HASH_JS = '() => location.hash'


def user_settings(lab):
    "The settings `course.py slides` presents with (no autosave, the keys), where the test server's pages read them."
    from tools.slides import presenting_settings
    presenting_settings(lab.tmp / 'settings')  # LabServer's --LabApp.user_settings_dir, which RISE's page reads too


def active_cell(page):
    return page.evaluate("() => +document.querySelector('.jp-Cell.jp-mod-active').dataset.windowedListIndex")


class KernelReplies:
    "Counts the kernel's execute replies that reach the page (through its websocket): a code cell has run when one more came."
    REPLY = re.compile(rb'"msg_type":\s*"execute_reply"')

    def __init__(self, page):
        self.count = 0
        page.on('websocket', lambda ws: ws.on('framereceived', self._frame))

    def _frame(self, payload):
        self.count += len(self.REPLY.findall(payload.encode() if isinstance(payload, str) else payload))


# The code cell RISE selects on its own on a new slide (its auto_select setting, 'code', some
# 450 ms after the move): the slide's first code cell, or none.
AUTO_SELECTED_JS = """() => {
  const s = document.querySelector('.reveal .slides section.present:not(.stack)');
  const code = s && s.querySelector('.jp-CodeCell');
  return code ? +code.dataset.windowedListIndex : -1;
}"""


def settle(page, hash_before):
    """Wait for reveal's move to another slide, the layout, and RISE's selection of the new slide's
    first code cell (or two frames when the slide stayed). A presenter's next key acts from there."""
    if page.evaluate(HASH_JS) != hash_before:
        page.wait_for_timeout(400)  # reveal's move to the next slide, and the layout
        selected = page.evaluate(AUTO_SELECTED_JS)
        if selected > active_cell(page):
            page.wait_for_function(f'() => +document.querySelector(".jp-Cell.jp-mod-active")'
                                   f'.dataset.windowedListIndex === {selected}', timeout=10000, polling=50)
            page.wait_for_timeout(100)
    else:
        page.evaluate('() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))')


def select_next_cell(page):
    "The down arrow, as a presenter presses it: the next cell is selected and the slides follow it."
    cell, hash_before = active_cell(page), page.evaluate(HASH_JS)
    page.keyboard.press('ArrowDown')
    try:
        page.wait_for_function(f'() => +document.querySelector(".jp-Cell.jp-mod-active").dataset.windowedListIndex '
                               f'=== {cell + 1}', timeout=10000, polling=50)
    except Exception as e:
        if 'Timeout' not in type(e).__name__:
            raise
        raise AssertionError(f'slides: the down arrow did not select cell {cell + 1} after cell {cell} '
                             f'(focus: {page.evaluate("() => document.activeElement.className")})') from None
    settle(page, hash_before)


def run_active_cell(page, replies):
    "Shift+Enter, as a presenter presses it: the cell runs, and the presenter stays on its slide."
    cell, before, hash_before = active_cell(page), replies.count, page.evaluate(HASH_JS)
    page.keyboard.press('Shift+Enter')
    deadline = time.monotonic() + UI_TIMEOUT
    while replies.count == before and time.monotonic() < deadline:
        page.wait_for_timeout(50)  # polling while the kernel runs the cell
    if replies.count == before:
        state = page.evaluate('''() => [location.hash, document.activeElement && document.activeElement.className,
            [...document.querySelectorAll('.jp-InputPrompt')].map((p) => p.textContent.trim()).join(' ')]''')
        raise AssertionError(f'slides: cell {cell} did not run within {UI_TIMEOUT} s of Shift+Enter '
                             f'(slide, focus, prompts: {state})')
    page.wait_for_function(IDLE_JS, timeout=UI_TIMEOUT * 1000, polling=100)
    page.wait_for_timeout(500)  # RISE's move, were it to follow a newly selected cell
    where = page.evaluate(HASH_JS), active_cell(page)
    assert where == (hash_before, cell), (f'slides: Shift+Enter on cell {cell} (slide {hash_before}) left for '
                                          f'cell {where[1]} on slide {where[0]}: its output shows on a slide the '
                                          f'presenter has left')


def moves(page, key, expected):
    "Press a key for the slides; the slide on screen must become one whose hash starts with expected."
    page.keyboard.press(key)
    try:
        page.wait_for_function(f'() => location.hash.startsWith({json.dumps(expected)})', timeout=10000, polling=50)
    except Exception as e:
        if 'Timeout' not in type(e).__name__:
            raise
        raise AssertionError(f'slides: {key} shows {page.evaluate(HASH_JS)}, not {expected} (focus: '
                             f'{page.evaluate("() => document.activeElement.className")})') from None
    page.wait_for_timeout(600)  # RISE selects a cell of the new slide, which must not move the slides again
    assert page.evaluate(HASH_JS).startswith(expected), f'slides: after {key} the slides went on to {page.evaluate(HASH_JS)}'


def keys_move_between_slides(page):
    "The left arrow, End and Home move between slides, as the instructors' notes say; also after a cell's editor."
    last = page.evaluate("() => Math.max(...[...document.querySelectorAll('.reveal .slides section[id^=slide-]')]"
                         ".map((s) => +s.id.split('-')[1]))")
    now = int(page.evaluate(HASH_JS).split('-')[1])
    moves(page, 'ArrowLeft', f'#/slide-{now - 1}-')
    moves(page, 'Home', '#/slide-0-0')
    moves(page, 'End', f'#/slide-{last}-')
    moves(page, 'Home', '#/slide-0-0')
    moves(page, 'Space', '#/slide-1-0')
    # A click into a code cell opens its editor, where the keys edit the code; Escape leaves it.
    page.click('.reveal section.present .jp-CodeCell .cm-content')
    page.keyboard.press('Escape')
    moves(page, 'End', f'#/slide-{last}-')
    moves(page, 'ArrowLeft', f'#/slide-{last - 1}-')
    moves(page, 'ArrowRight', f'#/slide-{last}-')
    moves(page, 'Home', '#/slide-0-0')


def look_at_slide(page, seen):
    "Screenshot the slide on screen (its last state is kept); return how it overflows the screen, if it does."
    now = page.evaluate(PRESENT_JS)
    slide = re.sub(r'[^a-z0-9-]+', '_', now['hash'].strip('#/').split('/')[0])
    seen.add(slide)
    page.screenshot(path=str(ARTIFACTS / f'slides-09_sampling-{slide}.png'))
    found = []
    if now['right'] > SCREEN['width'] + 1:
        found.append(f'{now["hash"]}: it reaches {now["right"]:.0f} px, past the right edge')
    if now['top'] < -1 or now['bottom'] > SCREEN['height'] + 1:
        where = f'{now["hash"]}: its cells span {now["top"]:.0f} to {now["bottom"]:.0f} px'
        if now['tallest'] > SCREEN['height'] - 2 * MARGIN:
            TALL.append(f'{where}, one cell is {now["tallest"]:.0f} px tall on its own (RISE scrolls it)')
        else:
            found.append(where)
    return found


def starts_slide(cell):
    return cell['metadata'].get('slideshow', {}).get('slide_type') in ('slide', 'subslide')


def output_text(slider):
    return slider.evaluate("(s) => s.closest('.jp-Cell').querySelector('.jp-Cell-outputArea').innerText")


def move_temperature_slider(page, shots):
    "Click the slider's track low and high; the names shown must be the model's at each temperature."
    label = page.locator('label.widget-label').filter(has_text=re.compile(r'^\s*temperature\s*$'))
    slider = page.locator('section.present .widget-slider').filter(has=label).first
    seen = {}
    for fraction in (0.1, 0.8):
        before = slider.locator('.widget-readout').text_content().strip()
        for _ in range(3):  # the readout follows a click at once, but a slider drawn a moment ago may miss one
            box = slider.locator('.noUi-target').bounding_box()
            slider.locator('.noUi-target').click(position={'x': fraction * box['width'], 'y': box['height'] / 2})
            try:
                page.wait_for_function('([s, b]) => s.querySelector(".widget-readout").textContent.trim() !== b',
                                       arg=[slider.element_handle(), before], timeout=10000, polling=100)
                break
            except Exception as e:
                if 'Timeout' not in type(e).__name__:
                    raise
        else:
            raise AssertionError(f'slides: three clicks at {fraction:.0%} of the temperature slider did not move it '
                                 f'(it still shows {before})')
        value = slider.locator('.widget-readout').text_content().strip()
        names, known = expected_names(float(value))
        deadline_ok = False
        for _ in range(UI_TIMEOUT * 10):
            ok, wrong = shows_names(output_text(slider), names, known)
            if ok:
                deadline_ok = True
                break
            page.wait_for_timeout(100)  # polling while the kernel answers the move
        assert deadline_ok, f'slides: at temperature {value} the slide shows\n{output_text(slider)}\nbut {wrong}'
        wrapping = page.evaluate('''(s) => { const pre = s.closest('.jp-Cell').querySelector('.widget-html-content pre');
            const style = getComputedStyle(pre); return [style.wordBreak, style.overflowWrap]; }''', slider.element_handle())
        assert wrapping == ['normal', 'normal'], f'slides: the names may wrap mid-word (word-break, overflow-wrap: {wrapping})'
        page.screenshot(path=str(shots / f'slides-09_sampling-temperature-{value}.png'))
        seen[value] = output_text(slider)
    low, high = seen
    assert seen[low] != seen[high], 'slides: the slider showed the same at two temperatures'


def test_chapter_09_as_slides_runs_and_its_slider_works(browser, lab):
    path = next((p for p in CHAPTERS if p.name.startswith('09_')), None)
    if path is None:
        pytest.skip('no chapter 09')
    before, cells = path.read_bytes(), nbformat.read(path, as_version=4).cells
    status_before = subprocess.run(['git', 'status', '--porcelain', '--', str(path)], cwd=ROOT,
                                   capture_output=True, text=True).stdout  # a checkout being edited may differ
    user_settings(lab)
    context = browser.new_context(viewport=SCREEN)
    page = context.new_page()
    page.set_default_timeout(UI_TIMEOUT * 1000)
    console = []
    page.on('console', lambda m: console.append(m.text))
    replies = KernelReplies(page)
    rel = path.relative_to(lab.root_dir).as_posix()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        page.goto(f'{lab.url}/rise/{rel}?token={lab.token}')
        page.wait_for_selector('.reveal.ready .slides section.present .jp-Cell')
        page.wait_for_timeout(2000)  # extensions finish loading (the widget manager among them)
        assert not any(WIDGETS_BROKEN in m for m in console), (
            'slides: the ipywidgets extension did not load in RISE (jupyterlab-contrib/rise issue 119): '
            'keep ipywidgets below 8.1.3 in pyproject.toml')
        overflows, slider_moved, seen = [], False, set()
        look_at_slide(page, seen)
        # Keyboard only, from the first cell to the last (the down arrow on the last would leave the cells).
        while active_cell(page) < len(cells) - 1:
            select_next_cell(page)
            cell = cells[active_cell(page)]
            if cell['cell_type'] == 'code' and ''.join(cell['source']).strip():
                run_active_cell(page, replies)
            overflows += look_at_slide(page, seen)
            if 'temperature_slider(' in ''.join(cell['source']):
                page.wait_for_function(f'() => ({PRESENT_JS})().sliders > 0', timeout=UI_TIMEOUT * 1000)
                page.screenshot(path=str(ARTIFACTS / 'slides-09_sampling-slider-where-it-ran.png'))
                move_temperature_slider(page, ARTIFACTS)
                # Off the slider, whose handle takes the arrow keys: a click on the cell's prompt selects the cell.
                page.click(f'.reveal section.present .jp-Cell[data-windowed-list-index="{active_cell(page)}"] '
                           '.jp-InputPrompt')
                slider_moved = True
        assert slider_moved, 'slides: the temperature slider never appeared on a slide while presenting chapter 09'
        shown = page.evaluate("() => [...document.querySelectorAll('.jp-OutputArea-output')].map((o) => o.innerText)")
        assert not [t for t in shown if 'Traceback' in t], 'slides: a cell shows an error'
        if overflows:
            pytest.fail('slides: slides reach past a 1024x768 screen:\n' + '\n'.join(dict.fromkeys(overflows)), pytrace=False)
        for note in dict.fromkeys(TALL):
            print(f'slides: taller than the screen, {note}')
        slides = sum(map(starts_slide, cells))
        assert len(seen) >= slides - 1, f'slides: only {sorted(seen)} of {slides} slides were shown'
        keys_move_between_slides(page)
    finally:
        context.close()
        lab.shut_down_kernels_of(rel)
        assert path.read_bytes() == before, f'{path.name} changed on disk while presented (a test must never save it)'
        status = subprocess.run(['git', 'status', '--porcelain', '--', str(path)], cwd=ROOT,
                                capture_output=True, text=True).stdout
        assert not status or status_before, f'slides: presenting left {path.name} modified: {status}'
