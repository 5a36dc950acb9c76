"""One notebook in a JupyterLab page, driven and read as a learner would.

Expected outputs come from the notebook file itself (its stored outputs, as the chapter's author
saved them after Restart & Run All, which nbval holds to a fresh run), so every chapter is covered
without hand-written expectations: every printed text output, and at least as many rendered
widgets, plots and drawings as it stores.
"""
import configparser
import re
import time
from pathlib import Path

import nbformat

from .lab import NOTEBOOK_RUN_TIMEOUT, UI_TIMEOUT

PAGE_JS = (Path(__file__).parent / 'page.js').read_text(encoding='utf-8')
WIDGET_MIME = 'application/vnd.jupyter.widget-view+json'


class NotebookError(AssertionError):
    "The notebook did not open or run in the page; the message says what was seen."


# Stored outputs ----------------------------------------------------------------------------

def sanitizer(cfg_path):
    "The replacements of nbval's sanitize file (volatile timings), as a function on text."
    rules = []
    if cfg_path.exists():
        parser = configparser.RawConfigParser()
        parser.read(cfg_path, encoding='utf-8')
        rules = [(re.compile(parser[s]['regex']), parser[s]['replace']) for s in parser.sections()
                 if 'regex' in parser[s] and 'replace' in parser[s]]

    def sanitize(text):
        for regex, replace in rules:
            text = regex.sub(replace, text)
        return text
    return sanitize


ANSI = re.compile(r'\x1b\[[0-9;]*[A-Za-z]')


def normalize(text):
    "Text as a page shows it: colour codes and carriage returns applied, lines stripped, blank lines dropped."
    lines = []
    for line in ANSI.sub('', text).replace('\r\n', '\n').split('\n'):
        line = line.rsplit('\r', 1)[-1].strip()
        if line:
            lines.append(re.sub(r'\s+', ' ', line))
    return '\n'.join(lines)


def _text(value):
    return ''.join(value) if isinstance(value, list) else value


def first_line(source):
    lines = [l for l in source.splitlines() if l.strip()]
    return (lines[0][:70] + ('...' if len(lines[0]) > 70 else '')) if lines else '(empty)'


class Stored:
    "What a notebook's saved outputs promise a learner will see after Restart & Run All."

    def __init__(self, path, sanitize):
        self.path = Path(path)
        self.bytes = self.path.read_bytes()
        self.nb = nbformat.reads(self.bytes.decode('utf-8'), as_version=4)
        self.sanitize = sanitize
        self.cells = []
        for i, cell in enumerate(self.nb['cells']):
            counts = {'png': 0, 'svg': 0, 'widgets': 0}
            texts = []
            for out in cell.get('outputs', []):
                data = out.get('data', {})
                if out['output_type'] == 'stream' and out.get('name') == 'stdout':
                    texts.append(_text(out['text']))
                elif out['output_type'] == 'execute_result' and set(data) == {'text/plain'}:
                    texts.append(_text(data['text/plain']))
                counts['png'] += 'image/png' in data
                html = _text(data.get('text/html', '')) if 'image/png' not in data else ''
                counts['svg'] += 'image/svg+xml' in data or '<svg' in html or 'data:image/svg+xml' in html
                counts['widgets'] += WIDGET_MIME in data
            texts = [normalize(self.sanitize(t)) for t in texts]
            self.cells.append({'index': i, 'type': cell['cell_type'], 'counts': counts,
                               'texts': [t for t in texts if t],
                               'tags': cell.get('metadata', {}).get('tags', []),
                               'source': _text(cell['source'])})

    @property
    def has_widgets(self):
        return any(c['counts']['widgets'] for c in self.cells)


# The page ----------------------------------------------------------------------------------

class Notebook:
    """A notebook open in its own browser page of the test JupyterLab, or in a tab of `host`, a page
    where JupyterLab already runs (opening a notebook there costs a third less than loading JupyterLab
    again; the notebooks before it must be closed or done with)."""

    def __init__(self, browser, server, root, path, viewport=(1280, 900), host=None):
        self.server = server
        self.path = Path(path)
        self.rel = self.path.relative_to(root).as_posix()
        self.name = self.path.name
        self.host = host
        if host is None:
            # A browser context of its own: no storage or window state carries over between notebooks
            # (JupyterLab sends a second window sharing storage to another workspace while it loads).
            self.context = browser.new_context(viewport={'width': viewport[0], 'height': viewport[1]})
            self.page = self.context.new_page()
        else:
            self.context, self.page = None, host
            self.page.set_viewport_size({'width': viewport[0], 'height': viewport[1]})
        self.page.set_default_timeout(UI_TIMEOUT * 1000)
        self.timings = {}

    def _js(self, name, *args):
        return self.page.evaluate(f'(a) => window.__mg.{name}(...a)', list(args))

    def _wait(self, name, timeout, *args):
        "Wait until window.__mg.NAME(path, ...) is truthy; returns its value (None on timeout)."
        try:
            handle = self.page.wait_for_function(f'(a) => window.__mg.{name}(...a)', arg=[self.rel, *args],
                                                 timeout=timeout * 1000, polling=250)
            return handle.json_value()
        except Exception as e:  # playwright's TimeoutError (not imported: playwright may be missing)
            if 'Timeout' not in type(e).__name__:
                raise
            return None

    def open(self):
        start = time.monotonic()
        # A workspace of its own, emptied first: only this notebook opens (JupyterLab would otherwise
        # restore every notebook opened before, each with a kernel).
        workspace = re.sub(r'[^A-Za-z0-9_-]+', '-', self.path.stem)
        if self.host is not None and self.page.evaluate('() => !!(window.jupyterapp && window.__mg)'):
            self.page.evaluate('(p) => { window.jupyterapp.commands.execute("docmanager:open", {path: p}); }', self.rel)
        else:
            self.page.goto(f'{self.server.url}/lab/workspaces/{workspace}/tree/{self.rel}?reset&token={self.server.token}')
            self.page.wait_for_function('() => window.jupyterapp && window.jupyterapp.shell')
            self.page.evaluate(PAGE_JS)
        state = self._wait('ready', UI_TIMEOUT + 60)
        if not state or isinstance(state, dict):
            raise NotebookError(f'{self.name}: did not open with an idle kernel in JupyterLab within '
                                f'{UI_TIMEOUT + 60} s; ' + (f'a dialog says: {state["dialog"]}' if state else
                                                            f'kernel: {self._safe_status()}'))
        # More room for the notebook (and the screenshots): fold the file browser away.
        self.page.evaluate('() => window.jupyterapp.shell.collapseLeft()')
        self.timings['open'] = time.monotonic() - start
        return self

    def _safe_status(self):
        try:
            return self._js('kernelStatus', self.rel)
        except Exception as e:  # the page may be gone; say so rather than hide the first problem
            return f'unknown ({e})'

    def restart_and_run_all(self):
        "Kernel > Restart Kernel and Run All Cells..., confirm, and wait until every cell has run."
        start = time.monotonic()
        self._js('watchRun', self.rel)
        self.page.click('.lm-MenuBar-item:has-text("Kernel")')
        self.page.click('.lm-Menu-item[data-command="runmenu:restart-and-run-all"]')
        self.page.click('.jp-Dialog .jp-Dialog-button.jp-mod-accept')
        self.page.wait_for_selector('.jp-Dialog', state='detached')
        state = self._wait('runState', NOTEBOOK_RUN_TIMEOUT)
        self.timings['run'] = time.monotonic() - start
        if not state:
            running = [c for c in self.cells() if c['type'] == 'code' and '*' in c.get('prompt', '')]
            where = (f'cell {running[0]["index"]} ({first_line(running[0]["source"])}) still shows [*]'
                     if running else f'kernel status: {self._safe_status()}')
            raise NotebookError(f'{self.name}: Restart & Run All did not finish within {NOTEBOOK_RUN_TIMEOUT} s; {where}')
        if state.get('dialog'):
            raise NotebookError(f'{self.name}: while running, JupyterLab showed a dialog: {state["dialog"]}')
        if state.get('dead'):
            raise NotebookError(f'{self.name}: the kernel died while running (prompts: {state["prompts"]})')
        return self

    def cells(self):
        return self._js('cells', self.rel)

    def cell_locator(self, index):
        return self.page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell').nth(index)

    def screenshot(self, path):
        "The whole notebook: the page is made tall enough to show every cell (in parts if very long)."
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        page = self.page
        size = page.viewport_size
        scroller = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer').first
        geometry = scroller.evaluate('(s) => ({top: s.getBoundingClientRect().top, height: s.scrollHeight})')
        top, height = int(geometry['top']), int(geometry['height'])
        part = 15000 - top  # browsers draw at most about 16,000 pixels at once
        parts = max(1, -(-height // part))
        page.set_viewport_size({'width': size['width'], 'height': min(height, part) + top + 30})
        try:
            written = []
            for k in range(parts):
                scroller.evaluate('(s, y) => { s.scrollTop = y; }', k * part)
                page.evaluate('() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))')
                target = path if parts == 1 else path.with_name(f'{path.stem}-part{k + 1}{path.suffix}')
                page.screenshot(path=str(target))
                written.append(target)
            return written
        finally:
            page.set_viewport_size(size)

    def screenshot_cell(self, index, path):
        "One cell, whole: the page is made tall enough to show it."
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        cell = self.cell_locator(index)
        size = self.page.viewport_size
        height = cell.evaluate('(c) => c.getBoundingClientRect().height')
        self.page.set_viewport_size({'width': size['width'], 'height': min(max(size['height'], int(height) + 200), 15000)})
        try:
            cell.evaluate('(c) => c.scrollIntoView({block: "start"})')
            self.page.evaluate('() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))')
            cell.screenshot(path=str(path))
        finally:
            self.page.set_viewport_size(size)

    def activate(self):
        "Bring this notebook's tab to the front (in a host page other notebooks may be open)."
        self.page.evaluate(ACTIVATE_JS, self.rel)

    def close(self):
        try:
            if self.host is None:
                self.context.close()
            else:  # its tab only, unsaved (the run changed it; the file must stay as it is)
                self.page.evaluate(ACTIVATE_JS.replace('app.shell.activateById(w.id)',
                                                       'w.context.model.dirty = false; w.dispose()'), self.rel)
        finally:
            self.server.shut_down_kernels_of(self.rel)


ACTIVATE_JS = """(path) => {
  const app = window.jupyterapp;
  for (const w of [...app.shell.widgets('main')]) {
    if (w.context && w.context.path === path) { app.shell.activateById(w.id); }
  }
}"""


# Checks ------------------------------------------------------------------------------------

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


def too_wide(outputs):
    return [f'{o["what"]} {o["text"]!r}: {o["widest"]:.0f} px in {o["width"]} px' for o in outputs
            if o['widest'] > o['width'] + 1]


# Per code cell whose code shows: how far its longest line runs past the editor's visible width.
CODE_WIDTH_JS = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const cells = [...panel.querySelectorAll('.jp-Notebook .jp-Cell')];
  return cells.map((c, index) => {
    const s = c.classList.contains('jp-CodeCell') && c.querySelector('.jp-InputArea .cm-scroller');
    if (!s || !s.offsetParent) { return null; }
    const line = c.querySelector('.cm-line');
    return {index, over: s.scrollWidth - s.clientWidth, width: s.clientWidth,
            text: line ? line.innerText.slice(0, 60) : ''};
  }).filter((c) => c && c.over > 1);
}"""


def set_theme(nb, theme):
    "Change the theme (a setting of the server) and wait until the page shows it."
    nb.page.evaluate('(t) => window.jupyterapp.commands.execute("apputils:change-theme", {theme: t})', theme)
    nb.page.wait_for_function('(t) => document.body.dataset.jpThemeName === t', arg=theme)
    nb.page.evaluate('() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))')


def show_file_browser(nb, show=True):
    "The left sidebar with the file browser, as `python3 course.py lab` opens it (or folded again)."
    nb.page.evaluate('(show) => { const shell = window.jupyterapp.shell; if (show) { '
                     'shell.activateById("filebrowser"); shell.expandLeft(); } else { shell.collapseLeft(); } }',
                     show)
    nb.page.wait_for_timeout(500)  # the notebook is laid out again in the narrower area


def code_cut(nb):
    "Code cells with a line that runs past the cell's right edge (hidden behind a scroll bar)."
    return [f'cell {c["index"]} {c["text"]!r}: {c["over"]:.0f} px hidden of a {c["width"]:.0f} px cell'
            for c in nb.page.evaluate(CODE_WIDTH_JS)]


def scroll_through(nb):
    """Cells are put on the page as they come into view: scroll until every cell is there and its
    pictures are loaded (once there, a cell stays: a resize or a theme lays it out again)."""
    nb.page.evaluate(SCROLL_THROUGH_JS)


SCROLL_THROUGH_JS = """async () => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const widget = [...window.jupyterapp.shell.widgets('main')].find((w) => w.node === panel);
  const total = widget ? widget.content.widgets.length : Infinity;
  const s = panel.querySelector('.jp-WindowedPanel-outer');
  const onPage = () => panel.querySelectorAll('.jp-Cell').length;
  const settle = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 20))));
  for (let y = 0; y < s.scrollHeight && onPage() < total; y += s.clientHeight / 2) {
    s.scrollTop = y;
    for (let before = -1; onPage() !== before;) { before = onPage(); await settle(); }  // until no more cells come
  }
  s.scrollTop = 0;
  const end = Date.now() + 10000;
  while ([...panel.querySelectorAll('img')].some((i) => !i.complete) && Date.now() < end) await settle();
}"""


def problems(stored, shown):
    """Everything the page shows that differs from what the stored notebook promises.

    Returns (pending, final): pending ones may still resolve (widgets and pictures render after the
    kernel is idle), final ones will not."""
    pending, final = [], []
    name = stored.path.name
    for want, got in zip(stored.cells, shown):
        if want['type'] != 'code' or got['type'] != 'code':
            continue
        where = f'{name} cell {want["index"]} ({first_line(want["source"])})'
        if not isinstance(got['executionCount'], int) and want['source'].strip():
            final.append(f'{where}: did not run (prompt {got["prompt"] or "hidden"!r}); an earlier cell failed?')
        if got['errors'] and 'raises-exception' not in want['tags']:
            final.append(f'{where}: shows an error: {"; ".join(got["errors"])[:500]}')
        for err in got['widgetErrors']:
            (pending if err.startswith('Loading') else final).append(f'{where}: a widget shows {err!r}')
        for kind, label in (('widgets', 'widget'), ('png', 'plot (PNG image)'), ('svg', 'drawing (SVG)')):
            if kind == 'widgets' and any(not e.startswith('Loading') for e in got['widgetErrors']):
                continue  # reported above; it will not render by waiting
            if got[kind] < want['counts'][kind]:
                pending.append(f'{where}: {want["counts"][kind]} {label}(s) expected from the saved notebook, '
                               f'{got[kind]} rendered on the page')
        if got['brokenImages']:
            pending.append(f'{where}: {got["brokenImages"]} image(s) not displayed (not loaded or empty)')
    if stored.path.read_bytes() != stored.bytes:
        final.append(f'{name}: the file changed on disk while open in JupyterLab (it must never be saved by a test)')
    if len(shown) != len(stored.cells):
        final.append(f'{name}: the page shows {len(shown)} cells, the file has {len(stored.cells)}')
    for want, got in zip(stored.cells, shown):
        if not want['texts'] or got['type'] != 'code':
            continue
        seen = normalize(stored.sanitize(got['text']))
        missing = [t for t in want['texts'] if t not in seen]
        if missing:
            final.append(f'{name} cell {want["index"]} ({first_line(want["source"])}): the printed output\n'
                         f'{_indent(missing[0])}\nis not on the page, which shows\n{_indent(seen or "(nothing)")}')
    return pending, final


def _indent(text, limit=1500):
    text = text if len(text) <= limit else text[:limit] + ' ...'
    return '\n'.join('    ' + line for line in text.splitlines())


def check_rendered(nb, stored):
    """Wait (within UI_TIMEOUT) for widgets and pictures to render, then return every problem seen."""
    deadline = time.monotonic() + UI_TIMEOUT
    scroll_through(nb)  # a cell out of view may not be on the page yet, nor its outputs
    while True:
        pending, final = problems(stored, nb.cells())
        if not pending or time.monotonic() > deadline:
            return final + pending
        nb.page.wait_for_timeout(500)  # polling interval while widgets and pictures render


# Sliders -----------------------------------------------------------------------------------

class Slider:
    "An ipywidgets slider on the page, found by its description, moved with the mouse."

    def __init__(self, nb, description):
        self.nb, self.description = nb, description
        page = nb.page
        label = page.locator('label.widget-label').filter(
            has_text=re.compile(rf'^\s*{re.escape(description)}\s*$'))
        self.root = page.locator('.widget-slider').filter(has=label).first
        try:
            self.root.wait_for(state='attached', timeout=UI_TIMEOUT * 1000)
        except Exception as e:
            if 'Timeout' not in type(e).__name__:
                raise
            seen = page.locator('.widget-slider label.widget-label').all_text_contents()
            raise NotebookError(f'{nb.name}: no slider described {description!r} on the page '
                                f'(sliders seen: {seen or "none"})') from None
        self.cell_node = self.root.evaluate_handle("(s) => s.closest('.jp-Cell')")
        self.cell = self.root.evaluate(
            "(s) => [...s.closest('.jp-Notebook').querySelectorAll('.jp-Cell')].indexOf(s.closest('.jp-Cell'))")
        self.where = f'{nb.name} cell {self.cell}, slider {description!r}'

    @property
    def readout(self):
        return self.root.locator('.widget-readout').text_content().strip()

    def move_to(self, fraction):
        """Click the slider's track at `fraction` of its length (0 = left end, 1 = right end), as a
        learner does; wait until the readout shows a new value and return that value (as shown)."""
        before = self.readout
        track = self.root.locator('.noUi-target')
        box = track.bounding_box()
        # Playwright scrolls the track into view and waits until it stops moving (cells around it
        # are laid out as they come into view) before it clicks.
        track.click(position={'x': fraction * box['width'], 'y': box['height'] / 2})
        try:
            self.nb.page.wait_for_function('([s, before]) => s.querySelector(".widget-readout").textContent.trim() !== before',
                                           arg=[self.root.element_handle(), before], timeout=UI_TIMEOUT * 1000)
        except Exception as e:
            if 'Timeout' not in type(e).__name__:
                raise
            raise NotebookError(f'{self.where}: clicking at {fraction:.0%} of the track did not move it '
                                f'(the readout still shows {before!r})') from None
        return self.readout

    def pictures(self):
        "A fingerprint (SHA-256 of the image bytes) of every picture in the slider's cell output."
        return self.cell_node.evaluate(PICTURES_JS)

    def text(self):
        "The text of the slider's cell output, as shown (in view: text out of view is not laid out)."
        self.cell_node.scroll_into_view_if_needed()
        return self.cell_node.evaluate("(c) => c.querySelector('.jp-Cell-outputArea').innerText")

    def wait_for(self, what, predicate, timeout=UI_TIMEOUT):
        """Wait until predicate() is true; returns the seconds it took, or raises with `what` and the
        last value seen. predicate returns (ok, seen)."""
        start = time.monotonic()
        while True:
            ok, seen = predicate()
            if ok:
                return time.monotonic() - start
            if time.monotonic() - start > timeout:
                raise NotebookError(f'{self.where}: {what} within {timeout} s; the page shows:\n{_indent(str(seen))}')
            self.nb.page.wait_for_timeout(100)  # polling interval while the picture redraws

    def screenshot(self, path):
        "The slider's cell (code and output) as it is now."
        self.nb.screenshot_cell(self.cell, path)


PICTURES_JS = """async (cell) => {
  const imgs = [...cell.querySelectorAll('.jp-Cell-outputArea img')];
  const out = [];
  for (const img of imgs) {
    if (!(img.complete && img.naturalWidth > 0)) { out.push('not loaded'); continue; }
    const bytes = await (await fetch(img.src)).arrayBuffer();
    const hash = await crypto.subtle.digest('SHA-256', bytes);
    out.push([...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, '0')).join('').slice(0, 16));
  }
  return out;
}"""
