"""PyTorch for chapter 14, where it can be had: an optional extra (`pip install "microgpt-course[torch]"`).

`import_torch()` returns the torch module, set up as the chapter uses it. Without PyTorch it prints one
line saying how to get it where the notebook runs and returns a stand-in: any use of it, and any cell
that fails for want of torch, prints that same line instead of a traceback (Run All stops there).
Every other error keeps its usual traceback.
"""
import importlib.util
import sys

INSTALL = ('pip install "microgpt-course[torch]" (or pip install torch; for the smaller CPU-only build '
           'add --index-url https://download.pytorch.org/whl/cpu), then restart the kernel')


def missing_message():
    "Why there is no PyTorch here, and what to do, in the words of the place the notebook runs."
    if sys.platform == 'emscripten':
        return ('Chapter 14 needs PyTorch, which cannot run in a browser tab (JupyterLite): open the '
                'chapter on Colab, which has PyTorch, or on your own machine: ' + INSTALL + '.')
    return 'Chapter 14 needs PyTorch, which is not installed here: ' + INSTALL + '.'


class MissingTorch:
    "Stands in for torch where it is missing: false, and any use raises the one line of how to get it."

    def __init__(self, message):
        self.message = message

    def __bool__(self):
        return False

    def __getattr__(self, name):
        raise ModuleNotFoundError(self.message, name='torch')


def import_torch(threads=1):
    "torch with `threads` threads and float64 as its default type, or a MissingTorch (after saying how to get it)."
    if importlib.util.find_spec('torch') is None:
        message = missing_message()
        print(message)
        _one_line_for_missing_torch(message)
        return MissingTorch(message)
    import torch
    torch.set_num_threads(threads)
    torch.set_default_dtype(torch.float64)
    return torch


def _one_line_for_missing_torch(message):
    """In a notebook: a cell that fails because torch is missing prints the message, not a traceback. A
    NameError (a name a failed cell never defined, or a typo) prints its own line, then the message."""
    try:
        shell = get_ipython()  # noqa: F821 (defined in IPython only)
    except NameError:
        return

    def handler(shell, etype, value, tb, tb_offset=None):
        if issubclass(etype, ModuleNotFoundError) and value.name == 'torch':
            print(message)
            return None
        if issubclass(etype, NameError):  # a typo, or a name only a cell that needs torch defines
            print(f'{etype.__name__}: {value}. If a cell above that needs PyTorch was to define it: {message}')
            return None
        stb = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
        shell._showtraceback(etype, value, stb)
        return None

    shell.set_custom_exc((ModuleNotFoundError, NameError), handler)
