"""The JupyterLite site under test: built offline, served on 127.0.0.1, and a notebook in it.

The site is built by `course.py lite --pyodide PYODIDE` with PYODIDE the release named by
MICROGPT_PYODIDE (a full Pyodide release: every chapter can run) or else Pyodide's core from npm
(.ci/lite.sh: the course's own code runs; NumPy and matplotlib are not there). Each page's browser
context refuses every request that does not go to the site's own 127.0.0.1 server and records it.
"""
import importlib.util
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from .lab import NOTEBOOK_RUN_TIMEOUT, UI_TIMEOUT
from .notebook import PAGE_JS, Notebook, NotebookError, first_line

ROOT = Path(__file__).resolve().parents[2]
# lite/build.py, by its path: its name alone would be taken by any package called `build`
_spec = importlib.util.spec_from_file_location('lite_build', ROOT / 'lite' / 'build.py')
lite_build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lite_build)
SITE = ROOT / 'build' / 'lite-test'
KERNEL_START_TIMEOUT = 300  # s: Pyodide, micropip and IPython load in the page's worker first


def pyodide_release():
    """(path, full): MICROGPT_PYODIDE if set (a full release), else Pyodide's core from npm;
    (None, why) when npm cannot provide it."""
    full = os.environ.get('MICROGPT_PYODIDE')
    if full:
        return full, True
    core = subprocess.run(['bash', str(ROOT / '.ci' / 'lite.sh')], capture_output=True, text=True)
    if core.returncode:
        return None, core.stderr.strip()
    return core.stdout.strip().splitlines()[-1], False


def build_site(pyodide):
    "The site, built as a learner builds it; the tests also ask JupyterLite to expose its app object."
    subprocess.run([sys.executable, str(ROOT / 'course.py'), 'lite', '--pyodide', pyodide, '--out', str(SITE)],
                   check=True, cwd=ROOT)
    config_path = SITE / 'jupyter-lite.json'
    config = json.loads(config_path.read_text(encoding='utf-8'))
    config['jupyter-config-data']['exposeAppInBrowser'] = True  # window.jupyterapp, read by page.js
    config_path.write_text(json.dumps(config, indent=2), encoding='utf-8')
    return SITE


class StaticServer:
    "The built site served on 127.0.0.1 from a thread of the test process, as `course.py lite --serve` does."

    token = ''

    def __init__(self, site):
        self.httpd = lite_build.static_server(site, quiet=True)
        self.url = f'http://127.0.0.1:{self.httpd.server_port}'
        self.outside = []  # every request the pages tried to send elsewhere (all refused)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def shut_down_kernels_of(self, path):
        "The kernel lives in the page: closing the page ends it."

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class LiteNotebook(Notebook):
    "A notebook of the JupyterLite site, in a browser context that reaches 127.0.0.1 only."

    def __init__(self, browser, server, root, path):
        super().__init__(browser, server, root, path)
        self.context.route('**/*', self._only_local)
        self.console = []
        self.page.on('worker', lambda w: w.on('console', lambda m: self.console.append(m.text)))

    def _only_local(self, route):
        url = route.request.url
        if url.startswith(self.server.url + '/') or url.startswith(('data:', 'blob:')):
            route.continue_()
        else:
            self.server.outside.append(url)
            route.abort()

    def open(self):
        start = time.monotonic()
        self.page.goto(f'{self.server.url}/lab/index.html?path={self.rel}')
        self.page.wait_for_function('() => window.jupyterapp && window.jupyterapp.shell')
        self.page.evaluate(PAGE_JS)
        state = self._wait('ready', KERNEL_START_TIMEOUT)
        if not state or isinstance(state, dict):
            raise NotebookError(f'{self.name}: the Pyodide kernel was not ready within {KERNEL_START_TIMEOUT} s; '
                                + (f'a dialog says: {state["dialog"]}' if state else
                                   f'kernel: {self._safe_status()}; its log: {self.console[-5:]}'))
        self.page.evaluate('() => window.jupyterapp.shell.collapseLeft()')
        self.timings['open'] = time.monotonic() - start
        return self

    def restart_and_run_all(self):
        """Run > Run All Cells (the kernel the page just started is fresh: a restart would load Pyodide
        again), until every cell has run or the kernel stopped. No cell may stop the run: the
        chapters catch their deliberate errors and print them."""
        start = time.monotonic()
        self.page.click('.lm-MenuBar-item:has-text("Run")')
        self.page.click('.lm-Menu-item[data-command="runmenu:run-all"]')
        self._settled(start + NOTEBOOK_RUN_TIMEOUT)
        self.timings['run'] = time.monotonic() - start
        return self

    def _settled(self, deadline):
        "The cells, once the kernel is idle and no cell waits or runs (three looks in a row)."
        calm = 0
        while calm < 3:
            if time.monotonic() > deadline:
                running = [c for c in self.cells() if c['type'] == 'code' and '*' in c.get('prompt', '')]
                where = (f'cell {running[0]["index"]} ({first_line(running[0]["source"])}) still shows [*]'
                         if running else f'kernel status: {self._safe_status()}')
                raise NotebookError(f'{self.name}: Run All did not finish within {NOTEBOOK_RUN_TIMEOUT} s; {where}')
            self.page.wait_for_timeout(500)  # polling interval while the cells run
            cells = self.cells()
            busy = self._safe_status() != 'idle' or any('*' in c.get('prompt', '') for c in cells if c['type'] == 'code')
            calm = 0 if busy else calm + 1
        return cells

    def svgs(self):
        "Per code cell, the drawings its outputs hold (SVG, or the HTML image holding it), as the kernel sent them."
        return self.page.evaluate(SVGS_JS, self.rel)

    def execute(self, code, timeout=UI_TIMEOUT):
        "Run code in the notebook's kernel; returns (printed text, error or None)."
        result = self.page.evaluate(EXECUTE_JS, [self.rel, code, timeout * 1000])
        return result['text'], result['error']


SVGS_JS = """(path) => {
  const panel = [...window.jupyterapp.shell.widgets('main')].find((w) => w.context && w.context.path === path);
  return panel.content.widgets.filter((c) => c.model.type === 'code').map((c) => {
    const found = [];
    for (let j = 0; j < c.model.outputs.length; j++) {
      const data = c.model.outputs.get(j).toJSON().data || {};
      const svg = [].concat(data['image/svg+xml'] || []).join('');
      const html = [].concat(data['text/html'] || []).join('');  // microgpt.helpers.draw: an <img> holding the SVG
      if (svg) found.push(svg);
      else if (html.includes('data:image/svg+xml')) found.push(html);
    }
    return found;
  });
}"""

EXECUTE_JS = """async ([path, code, timeout]) => {
  const panel = [...window.jupyterapp.shell.widgets('main')].find((w) => w.context && w.context.path === path);
  const future = panel.sessionContext.session.kernel.requestExecute({ code });
  const result = { text: '', error: null };
  future.onIOPub = (msg) => {
    const c = msg.content;
    if (msg.header.msg_type === 'stream') result.text += c.text;
    if (msg.header.msg_type === 'error') result.error = `${c.ename}: ${c.evalue}`;
  };
  await Promise.race([future.done, new Promise((_, no) => setTimeout(() => no(new Error('timed out')), timeout))]);
  return result;
}"""
