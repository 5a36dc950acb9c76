"""Python started with this folder on PYTHONPATH imitates another machine (tests/test_machines.py).

Python imports `sitecustomize` by itself at start-up, before any other code, so every process of a
test run picks it up: pytest, and the Jupyter kernel nbval starts (it inherits the environment).
What it does is chosen by environment variables; with none of them set it does nothing.

MICROGPT_LIBM=SEED:SHARE   another platform's maths library: math.exp, math.log and the other
    functions below return a result one unit in the last place (ulp) away on about SHARE of inputs.
    Which inputs, and which way, is a hash of (SEED, function, input): like a real libm it is a
    function, the same input always gives the same output, and a run is reproducible. The `**` of
    numbers calls the library's pow too, so it is moved the same way: the microgpt package's modules
    and a Jupyter kernel's cells are compiled with `a ** b` rewritten as a call of the moved pow.
MICROGPT_EXTRA_PATH=DIR    DIR is searched for packages after the environment's own (an optional
    package such as torch, installed apart so that it does not change the environment).
MICROGPT_MACHINES_LOG=DIR  each process that imported this writes DIR/<pid>.txt with its command
    line and how many results it changed (rewritten at 1, 10, 100... changes and at exit: nbval kills
    its kernel), so a test can check that the kernel took part.
"""
import ast
import atexit
import builtins
import importlib.machinery
import math
import operator
import os
import struct
import sys
import tempfile

# fabs, floor and the like are exact everywhere and left alone. sqrt is correctly rounded by IEEE 754,
# but moved too: code that agrees with itself only because it takes every root the same way (math.sqrt
# here, x ** 0.5 there) should not pass.
FUNCTIONS = ('exp', 'expm1', 'log', 'log1p', 'log2', 'log10', 'pow', 'sqrt', 'sin', 'cos', 'tan', 'atan',
             'atan2', 'sinh', 'cosh', 'tanh', 'erf', 'erfc')
MASK = (1 << 64) - 1
changed = [0]
report = []  # called with the new count at 1, 10, 100... changes


def mix(x):
    "splitmix64's finaliser: 64 well-mixed bits from 64 bits."
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9 & MASK
    x = (x ^ (x >> 27)) * 0x94D049BB133111EB & MASK
    return x ^ (x >> 31)


def bits(x):
    return struct.unpack('<Q', struct.pack('<d', x))[0]


def perturbed(name, f, seed, share):
    threshold = int(share * (1 << 63))
    salt = mix(seed * 1000003 + sum(map(ord, name)))

    def g(*args):
        y = f(*args)
        if not isinstance(y, float) or not math.isfinite(y) or y == 0.0:
            return y
        h = salt
        for a in args:
            h = mix(h ^ bits(float(a)))
        if (h >> 1) >= threshold:
            return y
        changed[0] += 1
        if report and changed[0] in (1, 10, 100, 1000, 10000, 100000, 1000000):
            report[0]()
        return math.nextafter(y, math.inf if h & 1 else -math.inf)

    g.__name__, g.__doc__, g.__wrapped__ = name, f.__doc__, f
    return g


def perturb_libm(spec):
    try:
        seed, share = spec.split(':')
        seed, share = int(seed), float(share)
    except ValueError:
        sys.exit(f'MICROGPT_LIBM must be SEED:SHARE, e.g. 1:0.05, not {spec!r}')
    for name in FUNCTIONS:
        setattr(math, name, perturbed(name, getattr(math, name), seed, share))
    perturb_pow_operator(seed, share)
    # random binds math's functions at import (gauss uses log, cos and sin): imported already, rebind.
    rnd = sys.modules.get('random')
    if rnd is not None:
        for name in ('log', 'exp', 'cos', 'sin'):
            setattr(rnd, f'_{name}', getattr(math, name))


class PowCallsLibm(ast.NodeTransformer):
    "a ** b becomes __libm_pow__(a, b): the perturbed pow for numbers, plain ** for anything else."

    def visit_BinOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.Pow):
            return ast.copy_location(ast.Call(ast.Name('__libm_pow__', ast.Load()), [node.left, node.right], []),
                                     node)
        return node


class PowLoader(importlib.machinery.SourceFileLoader):
    def get_code(self, fullname):  # always from source: a cached .pyc would skip the rewrite (or keep it)
        tree = PowCallsLibm().visit(ast.parse(self.get_data(self.path), self.path))
        return compile(ast.fix_missing_locations(tree), self.path, 'exec', dont_inherit=True)


class MicrogptFinder:
    "Finds the microgpt package as usual, and has its modules compiled by PowLoader."

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name.split('.')[0] != 'microgpt':
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and isinstance(spec.loader, importlib.machinery.SourceFileLoader):
            spec.loader = PowLoader(spec.loader.name, spec.loader.path)
        return spec


def perturb_pow_operator(seed, share):
    pow_ = perturbed('pow', operator.pow, seed, share)

    def libm_pow(a, b):
        if type(a) in (int, float) and type(b) in (int, float):
            return pow_(a, b)  # a float result is moved like math.pow's; an int one is exact
        return a ** b  # a Value, an array: their own __pow__ (which calls this for its numbers)

    builtins.__libm_pow__ = libm_pow
    sys.meta_path.insert(0, MicrogptFinder)
    # At start-up sys.argv holds '-m' where the module's name will be: orig_argv has the command as run.
    if any('ipykernel' in arg for arg in getattr(sys, 'orig_argv', sys.argv)):  # a notebook's cells: a startup file
        startup = os.path.join(tempfile.mkdtemp(prefix='microgpt-libm-'), 'profile_default', 'startup')
        os.makedirs(startup)
        with open(os.path.join(startup, 'libm_pow.py'), 'w', encoding='utf-8') as f:
            f.write('import sitecustomize\nget_ipython().ast_transformers.append(sitecustomize.PowCallsLibm())\n')
        os.environ['IPYTHONDIR'] = os.path.dirname(os.path.dirname(startup))


def log_process(folder):
    def write():
        with open(os.path.join(folder, f'{os.getpid()}.txt'), 'w', encoding='utf-8') as f:
            f.write(f'{" ".join(getattr(sys, "orig_argv", sys.argv))}\nchanged {changed[0]}\n')
    write()  # at once: the process took part, even if killed later
    report.append(write)
    atexit.register(write)


if os.environ.get('MICROGPT_LIBM'):
    perturb_libm(os.environ['MICROGPT_LIBM'])
if os.environ.get('MICROGPT_EXTRA_PATH'):
    sys.path.append(os.environ['MICROGPT_EXTRA_PATH'])
if os.environ.get('MICROGPT_MACHINES_LOG'):
    log_process(os.environ['MICROGPT_MACHINES_LOG'])
