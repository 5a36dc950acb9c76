"""Sliders for chapters 08, 09 and 11 (ipywidgets and matplotlib: the edge of the package, not the core).

The contract these widgets keep, which the browser tests rely on:

- `learning_rate_slider(paths, loss)` (chapter 08) shows an ipywidgets slider whose description is
  exactly `learning rate`. Moving it redraws a matplotlib picture (the loss picture: the paths of the
  optimizers on the loss surface, and their loss step by step) within 2 s.
- `temperature_slider(state_dict, config, tokenizer, docs)` (chapter 09) shows an ipywidgets slider
  whose description is exactly `temperature`, on the grid 0.0, 0.1, ..., 2.0. Moving it redraws,
  within 100 ms, the next-token distribution (a bar chart) and a batch of names as text, one per
  line; names that exist in the data set carry a trailing `*` (a legend says so), and a line such as
  `new names: 14 of 20 (70%)` gives the share of new ones. Every grid value is computed before the
  slider is shown, so a move only swaps prepared pictures and text.
- `fast_learning_rate_slider(retrain)` (chapter 11) shows a slider described `learning rate (fast)`;
  moving it retrains (`retrain(lr)` returns the losses step by step) and redraws the loss curve.
- Where widgets cannot run (a notebook JupyterLab does not trust yet, a static viewer), each slider
  shows a line saying to run its cell instead of the widget's text.
- What the slider shows for temperature T is exactly
  `names_at_temperature(state_dict, config, tokenizer, T, num_samples=20, seed=0)`,
  a plain function that tests can call outside the widget.
"""
import base64
import html

from ..floats import float_weights, gpt_floats
from ..inside import sample_names
from ..model import kv_cache
from ..optim import TrainingDiverged
from .plots import LossCurvePicture, PathsPicture, distribution_figure, distribution_pictures  # noqa: F401
from ..sample import next_token_probs

TEMPERATURES = [round(0.1 * i, 1) for i in range(21)]  # the slider's grid: 0.0 to 2.0


# Sampling needs no gradients: the slider's many names come from the float engine (chapter 08's
# microgpt/floats.py), which gives gpt()'s logits to the last bit, so they equal sample()'s.

def names_at_temperature(state_dict, config, tokenizer, temperature, num_samples=20, seed=0):
    "The names the temperature slider shows for `temperature`: sample() with random.Random(seed)."
    return sample_names(state_dict, config, tokenizer, num_samples, temperature, seed)


def first_token_probs(state_dict, config, temperature):
    "The distribution of the first character of a name (the token after BOS) at `temperature`."
    keys, values = kv_cache(config)
    bos = config.vocab_size - 1
    return next_token_probs(gpt_floats(bos, 0, keys, values, float_weights(state_dict), config), temperature)


def names_report(names, known):
    "The names one per line, known ones starred, then the share of new names."
    new = sum(name not in known for name in names)
    lines = [name + (' *' if name in known else '') for name in names]
    return lines + ['(* = already in the data set)',
                    f'new names: {new} of {len(names)} ({100 * new / len(names):.0f}%)']


# --- The sliders --------------------------------------------------------------------------------
# Each slider's track is long (one position every 20 px or more) and its picture sits next to what
# it changes, so that a move shows its effect without scrolling.

TRACK = {'width': '560px', 'max_width': '100%'}


# ipywidgets draws a slider's handle (role "slider") apart from its description: this names every
# handle after its description, so that a screen reader announces "temperature, 0.5". Once per page;
# it labels the sliders drawn later too.
LABEL_SLIDERS_JS = """(() => {
  if (window.mgSliderLabels) { return; }
  window.mgSliderLabels = true;
  const label = () => document.querySelectorAll('.widget-slider').forEach((s) => {
    const name = s.querySelector('.widget-label');
    s.querySelectorAll('.noUi-handle').forEach((h) => {
      if (name && h.getAttribute('aria-label') !== name.textContent.trim()) {
        h.setAttribute('aria-label', name.textContent.trim());
      }
    });
  });
  label();
  new MutationObserver(label).observe(document.body, {childList: true, subtree: true});
})();"""


def label_sliders():
    "Give every slider on the page the name a screen reader reads (see LABEL_SLIDERS_JS)."
    from IPython.display import Javascript, display
    display(Javascript(LABEL_SLIDERS_JS))


def _runnable(box, what):
    "The box, with a line of HTML shown where widgets cannot run (instead of the widget's repr)."
    label_sliders()
    widget_bundle = box._repr_mimebundle_

    def bundle(**kwargs):
        return {**widget_bundle(**kwargs), 'text/html': f'<p><b>{what}</b> appears here once the notebook '
                                                       'runs: Run &gt; Run All Cells.</p>'}
    box._repr_mimebundle_ = bundle
    return box


def picture_place(width=760):
    """A place for a picture, shown at `width` CSS px (its PNGs have twice as many pixels: sharp
    on any screen). An <img> in HTML rather than an image widget: it carries its text alternative."""
    import ipywidgets as widgets
    place = widgets.HTML(layout={'max_width': '100%'})
    place.mg_width = width
    return place


def show_picture(place, png, alt):
    "Put a PNG into a place made by picture_place, with `alt`, the text a screen reader reads instead."
    data = base64.b64encode(png).decode('ascii')
    place.value = (f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}" '
                   f'style="width: {place.mg_width}px; max-width: 100%; height: auto">')


def temperature_slider(state_dict, config, tokenizer, docs, num_samples=20, seed=0, value=0.5):
    "A temperature slider over TEMPERATURES: the first-letter distribution and a batch of names."
    import ipywidgets as widgets
    known = set(docs)
    charts = distribution_pictures({t: first_token_probs(state_dict, config, t) for t in TEMPERATURES},
                                   tokenizer)
    texts = {t: '<pre style="margin: 0; line-height: 1.25">' + '\n'.join(names_report(
        names_at_temperature(state_dict, config, tokenizer, t, num_samples, seed), known)) + '</pre>'
        for t in TEMPERATURES}  # all work happens here, so a move only swaps prepared results
    slider = widgets.FloatSlider(value=value, min=0.0, max=2.0, step=0.1, description='temperature',
                                 readout_format='.1f', continuous_update=True, layout=TRACK,
                                 style={'description_width': 'initial'})  # the whole label, not 'temperat...'
    chart, names = picture_place(width=520), widgets.HTML(layout={'margin': '0 0 0 12px'})

    def show(change=None):
        t = round(slider.value, 1)
        names.value = texts[t]
        show_picture(chart, charts[t], f'bar chart: the probability of each first letter of a name at '
                                       f'temperature {t:.1f}')

    slider.observe(show, names='value')
    show()
    # Chart and names side by side (one under the other in a narrow window).
    view = widgets.HBox([chart, names], layout={'flex_flow': 'row wrap', 'align_items': 'flex-start'})
    return _runnable(widgets.VBox([slider, view]), 'The temperature slider')


def _log_slider(description, value, low, high, update):
    "A learning-rate slider on a log scale, four steps per decade, redrawing through update(lr)."
    import ipywidgets as widgets
    slider = widgets.FloatLogSlider(value=value, base=10, min=low, max=high, step=0.25, description=description,
                                    readout_format='.3g', continuous_update=False, layout=TRACK,
                                    style={'description_width': 'initial'})
    slider.observe(lambda change: update(float(f'{change["new"]:.3g}')), names='value')
    update(float(f'{value:.3g}'))
    return slider


def learning_rate_slider(paths, loss, value=0.1):
    """A learning-rate slider from 0.001 to 1 (four steps per decade), redrawing the loss picture.

    `paths(lr)` returns {optimizer name: [(x, y), ...]}, the points each optimizer visits on the
    surface of `loss(x, y)`. Each picture is drawn on the first visit and kept.
    """
    import ipywidgets as widgets
    image, cache, picture = picture_place(), {}, None

    def show(lr):
        nonlocal picture
        if lr not in cache:
            visited = paths(lr)
            picture = picture or PathsPicture(loss, list(visited))
            cache[lr] = picture.png(visited, f'learning rate {lr:g}')
        show_picture(image, cache[lr], f'learning rate {lr:g}: the path of each optimizer over the loss surface, '
                                'and its loss step by step')

    slider = _log_slider('learning rate', value, -3, 0, show)
    return _runnable(widgets.VBox([slider, image]), 'The learning-rate slider')


def fast_learning_rate_slider(retrain, value=1e-2):
    """Chapter 11's slider, from 1e-4 to 1: `retrain(lr)` trains the model again at that peak
    learning rate and returns its losses; the picture shows their curve. Each is kept once drawn."""
    import ipywidgets as widgets
    image, cache, picture = picture_place(), {}, LossCurvePicture()

    def show(lr):
        if lr not in cache:
            try:
                cache[lr] = picture.png(retrain(lr), lr)
            except TrainingDiverged:  # fast.train stops a diverging run, as the scalar engine does
                cache[lr] = picture.diverged(lr)
        show_picture(image, cache[lr], f'the loss of a training run at learning rate {lr:g}, step by step')

    slider = _log_slider('learning rate (fast)', value, -4, 0, show)
    return _runnable(widgets.VBox([slider, image]), 'The fast learning-rate slider')
