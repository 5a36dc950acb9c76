"""The playground page (`python3 course.py playground`) served by Voila, used as an instructor does:
each control moved, what it shows checked against what the model computes, then `reset`.
Screenshots at 1400x900 and 1024x768 go to test-artifacts/browser/playground-*.png; axe-core checks
the page for accessibility (accessibility.py)."""
import functools
import os
import re
import subprocess
import sys
import time
import urllib.request

import pytest

from .accessibility import check_page
from .conftest import ARTIFACTS, ROOT
from .lab import SERVER_START_TIMEOUT, UI_TIMEOUT, LabServer, free_port

NOTEBOOK = ROOT / 'playground' / 'playground.ipynb'
SIZES = [{'width': 1400, 'height': 900}, {'width': 1024, 'height': 768}]


class VoilaServer(LabServer):
    "Voila serving the playground on 127.0.0.1, with the private Jupyter folders and kernel of LabServer."

    def start(self):
        from microgpt.helpers.playground_server import TEMPLATES, options
        _, env = self._prepare()
        env['JUPYTER_PATH'] = os.pathsep.join(filter(None, [str(TEMPLATES), env.get('JUPYTER_PATH')]))
        self.port = free_port()
        # As `course.py playground` serves it (a token, its template, a cap on kernels), with this token.
        cmd = [sys.executable, '-m', 'voila', str(NOTEBOOK), *options(), f'--Voila.token={self.token}',
               '--no-browser', f'--port={self.port}', '--VoilaConfiguration.show_tracebacks=True']
        with open(self.log_path, 'ab') as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                urllib.request.urlopen(f'{self.url}/voila/static/', timeout=5)
            except urllib.error.HTTPError:
                return self  # it answers (a 404 for a folder is an answer)
            except OSError:
                time.sleep(0.25)  # polling while the server starts
            else:
                return self
        raise RuntimeError(f'Voila did not start; its log:\n{self.log()}')

    def api(self, *args, **kwargs):  # no Jupyter API to ask for a shutdown: LabServer.stop terminates it
        raise OSError('no API')


@pytest.fixture(scope='module')
def voila(browser):
    server = VoilaServer(ROOT)
    try:
        yield server.start()
    finally:
        server.stop()


@functools.lru_cache(maxsize=None)
def model():
    from microgpt.helpers.playground import Model
    return Model()


def picture(page):
    "A fingerprint (SHA-256 of the bytes) of the picture in the visible tab; None while none is shown."
    images = page.locator('.mg-playground img:visible')
    if not images.count():
        return None
    return images.first.evaluate("""async (img) => {
      if (!(img.complete && img.naturalWidth > 0)) return null;
      const bytes = await (await fetch(img.src)).arrayBuffer();
      const hash = await crypto.subtle.digest('SHA-256', bytes);
      return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, '0')).join('').slice(0, 16);
    }""")


def move(page, description, fraction):
    "Click a slider's track at `fraction` of its length; the new value as its readout shows it."
    label = page.locator('label.widget-label').filter(has_text=re.compile(rf'^\s*{description}\s*$'))
    slider = page.locator('.widget-slider').filter(has=label).first
    before = slider.locator('.widget-readout').text_content().strip()
    box = slider.locator('.noUi-target').bounding_box()
    slider.locator('.noUi-target').click(position={'x': fraction * box['width'], 'y': box['height'] / 2})
    page.wait_for_function('([s, b]) => s.querySelector(".widget-readout").textContent.trim() !== b',
                           arg=[slider.element_handle(), before])
    return slider.locator('.widget-readout').text_content().strip()


def named_slider(page, name):
    "The slider is announced by its name: a screen reader reads its label with its value."
    handles = page.evaluate('''() => [...document.querySelectorAll('[role="slider"]')].map(
        (h) => [h.getAttribute('aria-label'), h.className, !!h.offsetParent])''')
    assert page.get_by_role('slider', name=name).count() == 1, \
        f'playground: no slider a screen reader calls {name!r}; the sliders: {handles}'


def wait_until(page, what, check):
    for _ in range(UI_TIMEOUT * 10):
        if check():
            return
        page.wait_for_timeout(100)  # polling while the kernel answers
    pytest.fail(f'playground: {what} within {UI_TIMEOUT} s', pytrace=False)


def shots(page, name):
    "Screenshots at both sizes; at each, nothing may reach past the right edge of the window."
    for size in SIZES:
        page.set_viewport_size(size)
        page.wait_for_timeout(300)  # the layout follows the new size
        page.screenshot(path=str(ARTIFACTS / f'playground-{name}-{size["width"]}x{size["height"]}.png'), full_page=True)
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= size['width'], f'playground ({name}): the page is {wide} px wide in a {size["width"]} px window'


def tab(page, title):
    page.locator('.lm-TabBar-tab').filter(has_text=title).click()
    page.wait_for_timeout(300)  # the tab's panel is laid out


def test_the_playground_responds_to_every_control_and_resets(browser, voila):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=SIZES[0])
    page = context.new_page()
    page.set_default_timeout(UI_TIMEOUT * 1000)
    outside = []  # requests to anywhere but the playground's server (a CDN)
    page.on('request', lambda r: r.url.startswith((voila.url, 'data:', 'blob:')) or outside.append(r.url))
    try:
        page.goto(f'{voila.url}/?token={voila.token}', timeout=(UI_TIMEOUT + 120) * 1000)
        names = page.locator('.mg-playground pre').first
        names.wait_for(timeout=(UI_TIMEOUT + 120) * 1000)  # Voila runs the notebook before it shows it
        start_names = names.inner_text()
        assert start_names.split('\n')[:20] == _names(0.5)[:20], 'playground: the names at 0.5 are not the model\'s'
        shots(page, 'start')

        value = move(page, 'temperature', 0.85)
        wait_until(page, f'the names at temperature {value} are not shown',
                   lambda: names.inner_text().split('\n')[:20] == _names(float(value))[:20])
        shots(page, f'temperature-{value}')

        tab(page, 'learning rate')
        named_slider(page, 'learning rate')
        start_loss = picture(page)
        value = move(page, 'learning rate', 0.9)
        wait_until(page, f'the loss picture was not redrawn at learning rate {value}',
                   lambda: picture(page) not in (None, start_loss))
        shots(page, 'learning-rate')

        tab(page, 'inside a name')
        start_inside = picture(page)
        box = page.locator('.widget-text input').first
        box.fill('sop')
        wait_until(page, 'the picture of "sop" was not drawn', lambda: picture(page) not in (None, start_inside))
        shots(page, 'inside-sop')
        box.fill('zoë')
        wait_until(page, 'no message for a letter the model does not know',
                   lambda: "'ë'" in page.locator('.mg-playground').inner_text())
        shots(page, 'inside-bad-letter')

        page.locator('button').filter(has_text='reset').click()
        wait_until(page, 'reset did not bring back the starting names', lambda: names.inner_text() == start_names)
        wait_until(page, 'reset did not bring back the name "emma"', lambda: box.input_value() == 'emma')
        readouts = page.locator('.widget-readout').all_text_contents()
        assert [float(r) for r in readouts] == [0.5, 0.01], f'playground: after reset the sliders show {readouts}'
        tab(page, 'learning rate')
        wait_until(page, 'reset did not bring back the first loss picture', lambda: picture(page) == start_loss)
        tab(page, 'inside a name')
        wait_until(page, 'reset did not bring back the picture of "emma"', lambda: picture(page) == start_inside)
        assert not outside, f'playground: the page loaded from outside its server: {outside}'
        tab(page, 'temperature')
        named_slider(page, 'temperature')
        found = check_page(page, 'playground')
        assert not found, 'playground: accessibility (axe-core):\n' + '\n'.join(found)
    finally:
        context.close()


def _names(temperature):
    from microgpt.helpers.playground import names
    return names(model(), temperature)
