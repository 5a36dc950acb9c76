"""Build the course as a static JupyterLite site: every chapter, runnable in a browser tab.

    python lite/build.py [--pyodide PATH] [--out DIR] [--serve [--port N]]

(`python3 course.py lite` runs this in the course environment, with the `lite` extra installed.)

The site holds the chapters and data/ side by side (so the chapters' `../data/names.txt` works),
the course's own wheel and the pinned wheels of lite/wheels.txt, which the chapters' first cell
installs with piplite. Python itself is Pyodide: loaded from its CDN unless --pyodide names a
Pyodide release (archive or folder, or the npm `pyodide` package's files), which makes the site
work with no internet at all.
"""
import argparse
import functools
import hashlib
import http.server
import json
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pyodide_dist import PYODIDE_VERSION, stage_pyodide  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / 'lite'
OUT = ROOT / 'build' / 'lite'
WORK = ROOT / 'build' / 'lite-src'       # JupyterLite's "lite dir": what the site is built from
CACHE = ROOT / 'build' / 'lite-cache'    # downloaded wheels, kept between builds
CONTENTS = [*sorted((ROOT / 'chapters').glob('*.ipynb')), ROOT / 'chapters' / 'sanitize.cfg',
            ROOT / 'data' / 'names.txt', ROOT / 'data' / 'checkpoint.json', ROOT / 'data' / 'README.md']


def pinned_wheels():
    "The requirement lines of lite/wheels.txt."
    lines = (HERE / 'wheels.txt').read_text(encoding='utf-8').splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith('#')]


def pip(*args):
    subprocess.run([sys.executable, '-m', 'pip', '--disable-pip-version-check', *args], check=True)


def gather_wheels(pypi):
    "The course's wheel, built from this checkout, and the pinned pure-Python wheels."
    pypi.mkdir(parents=True)
    # setuptools adds to build/lib and never empties it: a module moved or deleted since the last
    # build would still ride along in the wheel.
    shutil.rmtree(ROOT / 'build' / 'lib', ignore_errors=True)
    pip('wheel', '--quiet', '--no-deps', '-w', str(pypi), str(ROOT))
    CACHE.mkdir(parents=True, exist_ok=True)
    pip('download', '--quiet', '--no-deps', '--only-binary', ':all:', '--python-version', '3.14',
        '--implementation', 'py', '-d', str(CACHE), *pinned_wheels())
    for req in pinned_wheels():
        name, version = req.split('==')
        stem = f"{name.replace('-', '_')}-{version}-"
        found = [w for w in CACHE.glob('*.whl') if w.name.lower().startswith(stem.lower())]
        if not found:
            sys.exit(f'lite build: no wheel for {req} in {CACHE}')
        shutil.copy2(found[0], pypi)


def stage_contents(folder):
    "The chapters and the data, in the same layout as the repository."
    for path in CONTENTS:
        dest = folder / path.relative_to(ROOT)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, dest)
    return hashlib.sha256(b''.join(p.read_bytes() for p in CONTENTS)).hexdigest()[:12]


def write_config(work, contents_hash, offline):
    """jupyter-lite.json from lite/jupyter-lite.json. Notebooks a learner changes are kept in the
    browser under a name that includes the contents' hash: a rebuilt site with updated chapters
    shows the new chapters, not stale saved copies."""
    config = json.loads((HERE / 'jupyter-lite.json').read_text(encoding='utf-8'))
    options = config['jupyter-config-data']
    options['contentsStorageName'] = f'microgpt-course-{contents_hash}'
    if offline:  # a classroom without internet: never try PyPI
        kernel = options['litePluginSettings']['@jupyterlite/pyodide-kernel-extension:kernel']
        kernel['disablePyPIFallback'] = True
    (work / 'jupyter-lite.json').write_text(json.dumps(config, indent=2), encoding='utf-8')


def build(out=OUT, pyodide=None):
    "Build the site into `out`; returns it."
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    gather_wheels(WORK / 'pypi')
    contents_hash = stage_contents(WORK / 'contents')
    if pyodide:
        stage_pyodide(Path(pyodide), WORK / 'static' / 'pyodide', CACHE)
    write_config(WORK, contents_hash, offline=bool(pyodide))
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([sys.executable, '-m', 'jupyter', 'lite', 'build', '--lite-dir', str(WORK),
                    '--contents', 'contents', '--output-dir', str(out), '--no-sourcemaps',
                    '--apps', 'lab', '--apps', 'notebook'], cwd=WORK, check=True)
    where = f'Pyodide {PYODIDE_VERSION} from {pyodide} (works offline)' if pyodide else \
        f'Pyodide {PYODIDE_VERSION} loaded from its CDN at run time'
    print(f'Built the site in {out}: {where}.')
    return out


class Handler(http.server.SimpleHTTPRequestHandler):
    "Static files, with the types a browser insists on for WebAssembly and JavaScript modules."
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      '.wasm': 'application/wasm', '.mjs': 'text/javascript', '.js': 'text/javascript'}

    def log_message(self, *args):
        if not self.server.quiet:
            super().log_message(*args)


def static_server(site, port=0, quiet=False):
    """A server of the site's files on 127.0.0.1 only (a learner's own machine, not the network),
    not yet serving; port 0 takes any free port (its server_port says which). quiet: no request log.
    The browser tests serve the site they test with it too."""
    server = http.server.ThreadingHTTPServer(('127.0.0.1', port), functools.partial(Handler, directory=str(site)))
    server.quiet = quiet
    return server


def serve(site, port):
    "Serve the site until Ctrl+C."
    with static_server(site, port) as server:
        print(f'Serving the course at http://127.0.0.1:{server.server_port}/lab/index.html '
              '(Ctrl+C stops it)', flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


def main(argv=None):
    parser = argparse.ArgumentParser(prog='course.py lite', description=__doc__.split('\n\n')[2],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--pyodide', metavar='PATH',
                        help='a Pyodide release archive (.tar.bz2) or folder, or the npm pyodide '
                             f'package ({PYODIDE_VERSION}): build a site that needs no internet')
    parser.add_argument('--out', type=Path, default=OUT, help=f'where to build (default {OUT.relative_to(ROOT)})')
    parser.add_argument('--serve', action='store_true', help='then serve it on http://127.0.0.1:PORT')
    parser.add_argument('--port', type=int, default=8000, help='for --serve (default 8000; 0: any free port)')
    args = parser.parse_args(argv)
    site = build(args.out.resolve(), args.pyodide)
    if args.serve:
        serve(site, args.port)


if __name__ == '__main__':
    main()
