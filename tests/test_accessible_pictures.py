"""Charts keep colours colour-blind readers tell apart, and every picture a slider shows carries a
text alternative."""
import re

import pytest

from microgpt.helpers.plots import PETROFF10, PathsPicture, colour_blind_safe

plt = pytest.importorskip('matplotlib.pyplot')


def test_the_colours_are_matplotlibs_petroff10():
    style = plt.style.library.get('petroff10')
    if style is None:
        pytest.skip('this matplotlib has no petroff10 style to compare with (it came in 3.10)')
    assert PETROFF10 == [c.lower() for c in style['axes.prop_cycle'].by_key()['color']]


def test_charts_draw_in_the_petroff_colours():
    with plt.rc_context():
        colour_blind_safe()
        fig, ax = plt.subplots()
        lines = [ax.plot([0, 1])[0] for _ in range(3)]
        assert [line.get_color() for line in lines] == PETROFF10[:3]
        plt.close(fig)
    picture = PathsPicture(lambda x, y: x ** 2 + y ** 2, ['gradient descent', 'momentum', 'Adam'])
    assert [line.get_color() for line in picture.paths.values()] == PETROFF10[:3]
    assert [line.get_color() for line in picture.curves.values()] == PETROFF10[:3]


def test_every_slider_picture_has_a_text_alternative():
    pytest.importorskip('ipywidgets')
    from microgpt.helpers.widgets import learning_rate_slider
    box = learning_rate_slider(lambda lr: {'a': [(1.0, 1.0), (0.5, 0.5)]}, lambda x, y: x * x + y * y)
    html = box.children[1].value
    assert re.search(r'<img src="data:image/png;base64,[^"]+" alt="learning rate 0.1: [^"]+"', html)
