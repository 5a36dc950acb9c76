"""Whether a model can be trained in this machine's memory: refuse at once what cannot fit, rather
than grow towards an out-of-memory crash (`python -m microgpt train --n-layer 1000000`).

The estimate counts a Value per parameter and the Values one training step builds (its graph), at
the sizes measured on CPython (tracemalloc, one step of three model shapes): about 115 bytes per
parameter and 235 to 246 per Value of a step, rounded up.
"""
import os

from .checkpoint import num_params

VALUE_BYTES, STEP_BYTES = 120, 250  # memory per parameter, and per Value a step makes


def estimate_bytes(config):
    "Memory a training run of this configuration needs: its parameters, and the Values one step makes."
    c = config
    per_step = 2 * c.block_size * (c.n_layer * (12 * c.n_embd ** 2 + 2 * c.block_size * c.n_embd)
                                   + c.vocab_size * c.n_embd)
    return VALUE_BYTES * num_params(config) + STEP_BYTES * per_step


def check_fits(config):
    "Refuse, before any work, a model whose training cannot fit in the memory this process may use."
    need, have = estimate_bytes(config), available_memory()
    if have is not None and need > have:
        raise ValueError(f"a model of {num_params(config):,} parameters needs about {need / 1e9:.3g} GB to train, "
                         f"and this machine has {have / 1e9:.3g} GB free: choose a smaller --n-embd, --n-layer or "
                         "--block-size")


def available_memory():
    "Bytes this process may still use: the machine's available memory, less if a limit is set (None: unknown)."
    found = []
    try:
        with open('/proc/meminfo', encoding='ascii') as f:
            found += [int(line.split()[1]) * 1024 for line in f if line.startswith('MemAvailable:')]
    except OSError:  # not Linux
        try:
            found.append(os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE'))
        except (AttributeError, ValueError, OSError):  # Windows
            pass
    try:
        import resource
        limit = resource.getrlimit(resource.RLIMIT_AS)[0]
        if limit != resource.RLIM_INFINITY:
            with open('/proc/self/statm', encoding='ascii') as f:  # pages of address space in use
                used = int(f.read().split()[0]) * os.sysconf('SC_PAGE_SIZE')
            found.append(limit - used)
    except (ImportError, OSError, ValueError):
        pass
    return min(found) if found else None
