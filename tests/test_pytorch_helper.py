"""Chapter 14 without PyTorch: one line saying how to get it, never a traceback for its absence (helpers/pytorch.py)."""
import pytest

from microgpt.helpers import pytorch


class FakeShell:
    "What the handler needs of IPython's shell: set_custom_exc, and the usual traceback for other errors."

    def __init__(self):
        self.shown = []
        self.InteractiveTB = self

    def set_custom_exc(self, kinds, handler):
        self.kinds, self.handler = kinds, handler

    def structured_traceback(self, etype, value, tb, tb_offset=None):
        return [f'traceback of {etype.__name__}']

    def _showtraceback(self, etype, value, stb):
        self.shown.append(stb)


@pytest.fixture
def missing(monkeypatch, capsys):
    "import_torch where torch cannot be found, in a notebook's shell."
    shell = FakeShell()
    monkeypatch.setattr(pytorch.importlib.util, 'find_spec', lambda name: None)
    monkeypatch.setattr(pytorch, 'get_ipython', lambda: shell, raising=False)
    return pytorch.import_torch(), shell


def test_without_torch_a_false_stand_in_whose_every_use_says_how_to_get_it(missing, capsys):
    torch, _ = missing
    message = capsys.readouterr().out.strip()
    assert message.startswith('Chapter 14 needs PyTorch') and 'microgpt-course[torch]' in message
    assert not torch
    with pytest.raises(ModuleNotFoundError) as err:
        torch.tensor([1.0])
    assert err.value.name == 'torch' and str(err.value) == message


def test_a_cell_failing_for_want_of_torch_prints_one_line(missing, capsys):
    torch, shell = missing
    message = capsys.readouterr().out.strip()
    try:
        torch.zeros(3)
    except ModuleNotFoundError as e:
        shell.handler(shell, type(e), e, e.__traceback__)
    assert capsys.readouterr().out.strip() == message and not shell.shown


def test_a_typo_says_what_it_is_before_pointing_at_torch(missing, capsys):
    _, shell = missing
    capsys.readouterr()
    error = NameError("name 'chek_pad' is not defined", name='chek_pad')
    shell.handler(shell, NameError, error, None)
    out = capsys.readouterr().out
    assert out.startswith("NameError: name 'chek_pad' is not defined.") and 'needs PyTorch' in out


def test_any_other_missing_module_keeps_its_traceback(missing, capsys):
    _, shell = missing
    capsys.readouterr()
    error = ModuleNotFoundError("No module named 'pandas'", name='pandas')
    shell.handler(shell, ModuleNotFoundError, error, None)
    assert shell.shown == [['traceback of ModuleNotFoundError']] and capsys.readouterr().out == ''


def test_the_browser_tab_gets_its_own_words(monkeypatch):
    monkeypatch.setattr(pytorch.sys, 'platform', 'emscripten')
    assert 'cannot run in a browser tab' in pytorch.missing_message()
