#!/usr/bin/env bash
# Pyodide's core for an offline JupyterLite site: the npm `pyodide` package, at the version the
# site's kernel is made for (PYODIDE_VERSION in lite/pyodide_dist.py). Unpacked once into
# build/pyodide-npm/; prints the folder to give `course.py lite --pyodide`. Needs npm (Node.js).
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n "s/^PYODIDE_VERSION = '\(.*\)'$/\1/p" lite/pyodide_dist.py)
dest=build/pyodide-npm/$version
if [ ! -f "$dest/package/pyodide.mjs" ]; then
    if ! command -v npm >/dev/null; then
        echo "npm is needed to fetch Pyodide's core (Debian/Ubuntu: sudo apt-get install npm)" >&2
        exit 1
    fi
    rm -rf "$dest" && mkdir -p "$dest"
    (cd "$dest" && npm pack --silent "pyodide@$version" >/dev/null && tar xzf "pyodide-$version.tgz")
fi
echo "$PWD/$dest/package"
