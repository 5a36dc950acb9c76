"""A private JupyterLab server and a learner's view of a notebook in it.

LabServer starts `jupyter lab` from this environment on 127.0.0.1 with its own settings, config
and runtime folders, so a learner's own Jupyter settings neither interfere nor get touched.
Notebook drives one notebook in a browser page as a learner does: open it, Kernel > Restart
Kernel and Run All Cells, and read what the page shows.
"""
import atexit
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from course import LAB_DEFAULTS

# Generous limits: the machine may be slow or busy. Every wait is for a state, with a limit.
SERVER_START_TIMEOUT = 180      # s, from `jupyter lab` to an answering server
NOTEBOOK_RUN_TIMEOUT = 600      # s, Restart & Run All of one notebook
UI_TIMEOUT = 120                # s, anything the page should show soon (dialogs, widgets, pictures)

# What the browser tests set for JupyterLab, in the user settings folder of the private server.
LAB_SETTINGS = {
    # Keep the notebooks on disk as they are: run outputs must never be saved into the checkout.
    '@jupyterlab/docmanager-extension/plugin': {'autosave': False},
    # What `python3 course.py lab` sets: no news or update pop-ups over the page, code at 12 px.
    **{plugin.replace(':', '/'): values for plugin, values in LAB_DEFAULTS.items()},
}


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class LabServer:
    "`jupyter lab` serving root_dir on 127.0.0.1, with a token and private Jupyter folders."

    def __init__(self, root_dir):
        self.root_dir = Path(root_dir)
        self.token = secrets.token_hex(16)
        self.tmp = Path(tempfile.mkdtemp(prefix='microgpt-lab-'))
        self.proc = None
        self.port = None
        self.log_path = self.tmp / 'jupyter-lab.log'
        # The kernels keep the learner's progress here, never in the user's own data folder.
        self.progress_dir = self.tmp / 'progress'

    @property
    def url(self):
        return f'http://127.0.0.1:{self.port}'

    def _prepare(self):
        dirs = {name: self.tmp / name for name in
                ('config', 'runtime', 'data', 'ipython', 'settings', 'workspaces', 'checkpoints')}
        for d in dirs.values():
            d.mkdir()
        # No language-server extension: it would write .virtual_documents/ into the checkout.
        (dirs['config'] / 'jupyter_server_config.json').write_text(
            json.dumps({'ServerApp': {'jpserver_extensions': {'jupyter_lsp': False}}}), encoding='utf-8')
        for plugin, values in LAB_SETTINGS.items():
            path = dirs['settings'] / f'{plugin.replace(":", "/")}.jupyterlab-settings'
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values), encoding='utf-8')
        # The kernel is this environment's Python, whatever kernels a learner has installed.
        spec = dirs['data'] / 'kernels' / 'python3'
        spec.mkdir(parents=True)
        (spec / 'kernel.json').write_text(json.dumps({
            'argv': [sys.executable, '-m', 'ipykernel_launcher', '-f', '{connection_file}'],
            'display_name': 'Python 3 (ipykernel)', 'language': 'python'}), encoding='utf-8')
        env = dict(os.environ, JUPYTER_CONFIG_DIR=str(dirs['config']), JUPYTER_RUNTIME_DIR=str(dirs['runtime']),
                   JUPYTER_DATA_DIR=str(dirs['data']), IPYTHONDIR=str(dirs['ipython']),
                   JUPYTER_PLATFORM_DIRS='1', MICROGPT_PROGRESS_DIR=str(self.progress_dir))
        env.pop('JUPYTER_PREFER_ENV_PATH', None)
        # Chapter 14 needs PyTorch, which .ci/run installs apart: the kernels find it there (through
        # tests/machines/sitecustomize.py, which appends MICROGPT_EXTRA_PATH to sys.path and does nothing
        # else). Of the other chapters only chapter 11's peer check looks for it, and its output is masked.
        if os.environ.get('MICROGPT_TORCH_PATH'):
            env['MICROGPT_EXTRA_PATH'] = os.environ['MICROGPT_TORCH_PATH']
            env['PYTHONPATH'] = os.pathsep.join(filter(None, [str(Path(__file__).parents[1] / 'machines'),
                                                              env.get('PYTHONPATH')]))
        return dirs, env

    def start(self):
        dirs, env = self._prepare()
        for attempt in range(3):  # another program may take the free port before the server does
            self.port = free_port()
            cmd = [sys.executable, '-m', 'jupyter', 'lab', '--no-browser', '--ip=127.0.0.1',
                   f'--port={self.port}', '--port-retries=0',
                   f'--IdentityProvider.token={self.token}',
                   f'--ServerApp.root_dir={self.root_dir}',
                   '--ServerApp.open_browser=False',
                   '--ServerApp.allow_root=True',  # CI runs as root
                   # The checkpoints JupyterLab makes when it opens a notebook: not in the checkout.
                   f'--FileCheckpoints.checkpoint_dir={dirs["checkpoints"]}',
                   '--LabApp.expose_app_in_browser=True',
                   f'--LabApp.user_settings_dir={dirs["settings"]}',
                   f'--LabApp.workspaces_dir={dirs["workspaces"]}',
                   '--LabApp.news_url=None',
                   '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate']
            with open(self.log_path, 'ab') as log:
                # A session of its own, so that stopping it reaches its kernels too.
                self.proc = subprocess.Popen(cmd, cwd=self.root_dir, env=env, stdin=subprocess.DEVNULL,
                                             stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            if self._wait_until_up():
                atexit.register(self.stop)  # should the test run end without its teardown
                return self
            self.stop(keep_tmp=True)
        raise RuntimeError(f'JupyterLab did not start; its log:\n{self.log()}')

    def _wait_until_up(self):
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                self.api('GET', 'status')
                return True
            except (OSError, urllib.error.URLError):
                time.sleep(0.25)  # polling interval while waiting for the server to answer
        return False

    def api(self, method, path, timeout=30):
        "Call the server's REST API; returns the decoded JSON (or None)."
        req = urllib.request.Request(f'{self.url}/api/{path}', method=method,
                                     headers={'Authorization': f'token {self.token}'})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            body = r.read()
        return json.loads(body) if body else None

    def shut_down_kernels_of(self, path):
        "End the kernel of the notebook at path (relative to root_dir): its test is done with it."
        try:
            for session in self.api('GET', 'sessions'):
                if session.get('path') == path:
                    self.api('DELETE', f'sessions/{session["id"]}')
        except (OSError, urllib.error.URLError):
            pass

    def log(self):
        try:
            return self.log_path.read_text(errors='replace')[-5000:]
        except OSError:
            return '(no log)'

    def stop(self, keep_tmp=False):
        "Stop the server and its kernels, whatever state they are in."
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            try:
                self.api('POST', 'shutdown', timeout=10)
                asked = True
            except (OSError, urllib.error.URLError):
                asked = False  # no answer (or no API, as Voila): nothing to wait for
            try:
                proc.wait(timeout=30 if asked else 0)
            except subprocess.TimeoutExpired:
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        if proc is not None:
            try:  # anything the server started and left behind, in the session it led
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError, AttributeError):
                pass
        if not keep_tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
