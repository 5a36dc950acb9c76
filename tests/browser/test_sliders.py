"""The sliders work in JupyterLab: moving one redraws what it controls, and shows what the kernel
computes for the new value. Each state is saved as a screenshot in test-artifacts/browser/."""
import functools
import re

import pytest

from .conftest import ARTIFACTS, CHAPTERS, ROOT
from .notebook import Slider

# A learner should see a redraw at once; the widgets promise 2 s. The limit allows a busy machine.
REDRAW_LIMIT = 10  # s


def chapter(prefix):
    found = [p for p in CHAPTERS if p.name.startswith(prefix)]
    if not found:
        pytest.skip(f'no chapter {prefix}*.ipynb in chapters/ yet')
    return found[0]


def slug(text):
    return re.sub(r'[^a-z0-9.]+', '-', text.lower()).strip('-')


def redrawn(slider, before):
    def predicate():
        now = slider.pictures()
        return bool(now) and now != before and 'not loaded' not in now, now
    return predicate


@pytest.mark.parametrize('prefix, description', [('08_', 'learning rate'), ('11_', 'learning rate (fast)')],
                         ids=['08 learning rate', '11 learning rate (fast)'])
def test_learning_rate_slider_redraws_the_loss_picture(prefix, description, runs):
    path = chapter(prefix)
    nb, _ = runs.get(path)
    slider = Slider(nb, description)
    shots = ARTIFACTS / f'{path.stem}-{slug(description)}'
    slider.screenshot(f'{shots}-{slug(slider.readout)}.png')
    for fraction in (0.2, 0.9):
        before = slider.pictures()
        assert before and 'not loaded' not in before, f'{slider.where}: no picture shown before the move ({before})'
        value = slider.move_to(fraction)
        seconds = slider.wait_for(f'the picture was not redrawn after moving to {value}', redrawn(slider, before))
        slider.screenshot(f'{shots}-{slug(value)}.png')
        assert seconds <= REDRAW_LIMIT, f'{slider.where}: the picture took {seconds:.1f} s to redraw after moving to {value}'


@functools.lru_cache(maxsize=None)
def expected_names(temperature):
    "What chapter 09's slider must show at `temperature`: the names and which are already in the data."
    from microgpt.helpers.checkpoint import load_checkpoint
    from microgpt.helpers.widgets import names_at_temperature
    ckpt = load_checkpoint(ROOT / 'data' / 'checkpoint.json')
    names = names_at_temperature(ckpt.state_dict, ckpt.config, ckpt.tokenizer, temperature, num_samples=20, seed=0)
    known = set((ROOT / 'data' / 'names.txt').read_text(encoding='utf-8').split())
    return names, known


def shows_names(text, names, known):
    """Whether the text lists `names` in order, one per line, the known ones marked with a trailing *,
    and a line 'new names: N of M' with the right counts. Returns (ok, what is wrong)."""
    lines = [line.strip() for line in text.splitlines()]
    want = [(name, name in known) for name in names]
    shown = [(m.group(1), bool(m.group(2))) for m in (re.fullmatch(r'(\S*?)\s*(\*)?', line) for line in lines) if m]
    if not any(shown[i:i + len(want)] == want for i in range(len(shown) - len(want) + 1)):
        listing = '\n'.join(f'{n}{" *" if k else ""}' for n, k in want)
        return False, f'expected these names (* = in the data set), one per line:\n{listing}'
    new = sum(not k for _, k in want)
    counts = re.search(r'new names:\s*(\d+)\s*of\s*(\d+)', text)
    if not counts or (int(counts.group(1)), int(counts.group(2))) != (new, len(names)):
        return False, f'expected the line "new names: {new} of {len(names)} (...)"'
    return True, ''


@pytest.mark.parametrize('prefix', ['09_'], ids=['09 temperature'])
def test_temperature_slider_shows_what_the_kernel_computes(prefix, runs):
    path = chapter(prefix)
    nb, _ = runs.get(path)
    slider = Slider(nb, 'temperature')
    shots = ARTIFACTS / f'{path.stem}-temperature'
    slider.screenshot(f'{shots}-{slider.readout}.png')
    seen = {}
    for fraction in (0.1, 0.75, 0.1):  # low, high, and low again: the same value shows the same again
        before = slider.pictures()
        value = slider.move_to(fraction)
        names, known = expected_names(float(value))

        def page_matches():
            text = slider.text()
            ok, wrong = shows_names(text, names, known)
            pictures = slider.pictures()
            if ok and (pictures == before or 'not loaded' in pictures):
                ok, wrong = False, f'the distribution picture was not redrawn ({before} -> {pictures})'
            return ok, f'{text}\n--- but {wrong}'
        slider.wait_for(f'at temperature {value}, the page does not show what the model gives', page_matches)
        slider.screenshot(f'{shots}-{value}.png')
        pictures = slider.pictures()
        if value in seen:
            assert seen[value] == pictures, (f'{slider.where}: back at temperature {value}, the distribution '
                                             f'picture differs from the first time ({seen[value]} vs {pictures})')
        seen[value] = pictures
    low, high = sorted(seen, key=float)
    assert float(low) <= 0.5 < 1.0 <= float(high), f'{slider.where}: the moves reached {low} and {high}, not a low and a high temperature'
    assert seen[low] != seen[high], f'{slider.where}: the distribution picture is the same at {low} and {high}'
    assert expected_names(float(low))[0] != expected_names(float(high))[0], 'the names at a low and a high temperature are the same'
