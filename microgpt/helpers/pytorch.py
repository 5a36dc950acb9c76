"""PyTorch for chapter 12, where it can be had: an optional extra (`pip install "microgpt-course[torch]"`).

`import_torch()` returns the torch module, set up as the chapter uses it, or None. Without PyTorch it
prints one line saying how to get it where the notebook runs, and every later cell that needs torch
stops with that same line instead of a traceback (Run All stops there too).
"""
import importlib.util
import sys

INSTALL = ('pip install "microgpt-course[torch]" (or pip install torch; for the smaller CPU-only build '
           'add --index-url https://download.pytorch.org/whl/cpu), then restart the kernel')


def missing_message():
    "Why there is no PyTorch here, and what to do, in the words of the place the notebook runs."
    if sys.platform == 'emscripten':
        return ('Chapter 12 needs PyTorch, which cannot run in a browser tab (JupyterLite): open the '
                'chapter on Colab, which has PyTorch, or on your own machine: ' + INSTALL + '.')
    return 'Chapter 12 needs PyTorch, which is not installed here: ' + INSTALL + '.'


def import_torch(threads=1):
    "torch with `threads` threads and float64 as its default type, or None (after saying how to get it)."
    if importlib.util.find_spec('torch') is None:
        message = missing_message()
        print(message)
        _stop_later_cells_with(message)
        return None
    import torch
    torch.set_num_threads(threads)
    torch.set_default_dtype(torch.float64)
    return torch


def _stop_later_cells_with(message):
    "In a notebook, a cell that fails for want of torch prints the one line, not a traceback."
    try:
        shell = get_ipython()  # noqa: F821 (defined in IPython only)
    except NameError:
        return

    def one_line(shell, etype, value, tb, tb_offset=None):
        print(message)

    shell.set_custom_exc((NameError, ImportError), one_line)
