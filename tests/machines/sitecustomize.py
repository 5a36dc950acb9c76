"""Python started with this folder on PYTHONPATH imitates another machine (tests/test_machines.py).

Python imports `sitecustomize` by itself at start-up, before any other code, so every process of a
test run picks it up: pytest, and the Jupyter kernel nbval starts (it inherits the environment).
What it does is chosen by environment variables; with none of them set it does nothing.

MICROGPT_LIBM=SEED:SHARE   another platform's maths library: math.exp, math.log and the other
    functions below return a result one unit in the last place (ulp) away on about SHARE of inputs.
    Which inputs, and which way, is a hash of (SEED, function, input): like a real libm it is a
    function, the same input always gives the same output, and a run is reproducible.
MICROGPT_EXTRA_PATH=DIR    DIR is searched for packages after the environment's own (an optional
    package such as torch, installed apart so that it does not change the environment).
MICROGPT_MACHINES_LOG=DIR  each process that imported this writes DIR/<pid>.txt with its command
    line and how many results it changed (rewritten at 1, 10, 100... changes and at exit: nbval kills
    its kernel), so a test can check that the kernel took part.
"""
import atexit
import math
import os
import struct
import sys

# Correctly rounded everywhere (sqrt, fabs, floor...) is left alone: those never differ.
FUNCTIONS = ('exp', 'expm1', 'log', 'log1p', 'log2', 'log10', 'pow', 'sin', 'cos', 'tan', 'atan',
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
    # random binds math's functions at import (gauss uses log, cos and sin): imported already, rebind.
    rnd = sys.modules.get('random')
    if rnd is not None:
        for name in ('log', 'exp', 'cos', 'sin'):
            setattr(rnd, f'_{name}', getattr(math, name))


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
