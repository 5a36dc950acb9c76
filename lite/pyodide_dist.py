"""A local copy of Pyodide for the site, so that it runs with no internet.

The site's kernel (jupyterlite-pyodide-kernel, pinned in pyproject.toml's `lite` extra) is made for
one Pyodide release: PYODIDE_VERSION. Given that release as an archive, a folder or the npm
`pyodide` package's files, stage_pyodide() copies it where `jupyter lite build` takes it from.

The npm package (and Pyodide's "core" archive) holds the interpreter and the standard library
only. The kernel also needs a few pure-Python packages that Pyodide's full release carries
(micropip, IPython and theirs): the same releases, fetched from PyPI by pip at build time. Pyodide
repacks the wheels it ships, so their bytes differ from PyPI's: the site's copy of the lock file
gets the SHA-256 of the wheels it actually serves (Pyodide checks every download against it).
"""
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile

PYODIDE_VERSION = '314.0.6'
# What the kernel loads as it starts (micropip, then IPython through piplite), and tqdm.
KERNEL_NEEDS = ['micropip', 'packaging', 'ipython', 'jedi', 'tqdm']


class PyodideError(SystemExit):
    "A Pyodide that cannot be used; the message says what to give instead."


def _unpack(path, cache):
    "The folder holding pyodide.mjs, from an archive, a release folder or the npm package."
    if path.is_file() and path.name.endswith(('.tar.bz2', '.tar.gz', '.tgz', '.tar')):
        dest = cache / ('unpacked-' + path.name)
        if not dest.exists():
            tmp = dest.with_name(dest.name + '.part')
            shutil.rmtree(tmp, ignore_errors=True)
            with tarfile.open(path) as tar:
                tar.extractall(tmp, filter='data')
            tmp.rename(dest)
        path = dest
    if not path.is_dir():
        raise PyodideError(f'--pyodide {path}: not found, or not a folder nor a .tar.bz2/.tgz archive')
    found = sorted(path.rglob('pyodide.mjs'), key=lambda p: len(p.parts))
    if not found:
        raise PyodideError(f'--pyodide {path}: no pyodide.mjs inside; give a Pyodide {PYODIDE_VERSION} release '
                           '(pyodide-*.tar.bz2 or its folder) or the npm package (`npm pack pyodide@'
                           f'{PYODIDE_VERSION}`, see .ci/lite.sh)')
    return found[0].parent


def _lock(folder):
    lock = json.loads((folder / 'pyodide-lock.json').read_text(encoding='utf-8'))
    npm = folder / 'package.json'  # the lock names no release; the npm package's manifest does
    version = json.loads(npm.read_text(encoding='utf-8')).get('version') if npm.exists() else None
    if version and version != PYODIDE_VERSION:
        raise PyodideError(f'--pyodide: this is Pyodide {version}; the kernel needs {PYODIDE_VERSION}')
    return lock


def _closure(packages, names):
    "The names and every package they depend on, by Pyodide's lock."
    seen, stack = set(), list(names)
    while stack:
        name = stack.pop().lower().replace('_', '-')
        if name not in seen:
            seen.add(name)
            stack += packages[name]['depends']
    return sorted(seen)


def _fetch_missing(dest, lock, cache):
    "Download from PyPI the kernel's packages that the given Pyodide lacks; lock them by SHA-256."
    packages = lock['packages']
    for name in _closure(packages, KERNEL_NEEDS):
        entry = packages[name]
        target = dest / entry['file_name']
        if not target.exists():
            if not entry['file_name'].endswith('-none-any.whl'):
                raise PyodideError(f'--pyodide: {entry["file_name"]} is missing and is not pure Python: '
                                   'give the full Pyodide release')
            cached = cache / entry['file_name']
            if not cached.exists():
                subprocess.run([sys.executable, '-m', 'pip', '--disable-pip-version-check', 'download',
                                '--quiet', '--no-deps', '--only-binary', ':all:', '--python-version', '3.14',
                                '--implementation', 'py', '-d', str(cache),
                                f'{entry["name"]}=={entry["version"]}'], check=True)
            shutil.copy2(cached, target)
            entry['sha256'] = hashlib.sha256(target.read_bytes()).hexdigest()
    (dest / 'pyodide-lock.json').write_text(json.dumps(lock, separators=(',', ':')), encoding='utf-8')


def stage_pyodide(path, dest, cache):
    "Copy the Pyodide at `path` to `dest`, completed with what the kernel needs to start offline."
    cache.mkdir(parents=True, exist_ok=True)
    source = _unpack(path.resolve(), cache)
    lock = _lock(source)
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns('*.map', '*.d.ts', 'package.json',
                                                                 'README.md', 'console*.html'))
    _fetch_missing(dest, lock, cache / 'pyodide-wheels')
    return dest
