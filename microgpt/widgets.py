"""Sliders for chapters 07 and 08 (ipywidgets and matplotlib: the edge of the package, not the core).

The contract these widgets keep, which the browser tests rely on:

- `learning_rate_slider(paths, loss)` (chapter 07) shows an ipywidgets slider whose description is
  exactly `learning rate`. Moving it redraws a matplotlib picture (the loss picture: the paths of the
  optimizers on the loss surface, and their loss step by step) within 2 s.
- `temperature_slider(state_dict, config, tokenizer, docs)` (chapter 08) shows an ipywidgets slider
  whose description is exactly `temperature`, on the grid 0.0, 0.1, ..., 2.0. Moving it redraws,
  within 100 ms, the next-token distribution (a bar chart) and a batch of names as text, one per
  line; names that exist in the data set carry a trailing `*` (a legend says so), and a line such as
  `new names: 14 of 20 (70%)` gives the share of new ones. Every grid value is computed before the
  slider is shown, so a move only swaps prepared pictures and text.
- What the slider shows for temperature T is exactly
  `names_at_temperature(state_dict, config, tokenizer, T, num_samples=20, seed=0)`,
  a plain function that tests can call outside the widget.
"""
import io
import math
import random

from .sample import next_token_probs

TEMPERATURES = [round(0.1 * i, 1) for i in range(21)]  # the slider's grid: 0.0 to 2.0


# --- Fast, graph-free inference, for the slider's many names -----------------------------------
# Sampling needs no gradients, so the slider runs the model on plain floats. Every operation below
# mirrors microgpt.model.gpt in the same order (division as multiplication by x ** -1, as Value
# does it), so the logits are bit for bit those of gpt() and the names equal sample()'s;
# tests/test_sample.py checks both.

def float_weights(state_dict):
    "The weights as plain floats."
    return {name: [[p.data for p in row] for row in mat] for name, mat in state_dict.items()}


def _linear(x, w):
    return [sum(wi * xi for wi, xi in zip(row, x)) for row in w]


def _softmax(scores):
    max_s = max(scores)
    exps = [math.exp(s + -max_s) for s in scores]
    inv_total = sum(exps) ** -1
    return [e * inv_total for e in exps]


def _rmsnorm(x):
    scale = (sum(xi * xi for xi in x) * len(x) ** -1 + 1e-5) ** -0.5
    return [xi * scale for xi in x]


def float_gpt(token_id, pos_id, keys, values, w, config):
    "microgpt.model.gpt on float weights `w`: the same logits, as floats, with no graph."
    x = _rmsnorm([t + p for t, p in zip(w['wte'][token_id], w['wpe'][pos_id])])
    hd = config.head_dim
    for layer in range(config.n_layer):
        h = _rmsnorm(x)
        q = _linear(h, w[f'layer{layer}.attn_wq'])
        keys[layer].append(_linear(h, w[f'layer{layer}.attn_wk']))
        values[layer].append(_linear(h, w[f'layer{layer}.attn_wv']))
        out = []
        for s in range(0, len(x), hd):
            scores = [sum(qj * kj for qj, kj in zip(q[s:s + hd], k[s:s + hd])) * (hd ** 0.5) ** -1
                      for k in keys[layer]]
            weights = _softmax(scores)
            out += [sum(a * v[s + j] for a, v in zip(weights, values[layer])) for j in range(hd)]
        x = [ai + xi for ai, xi in zip(_linear(out, w[f'layer{layer}.attn_wo']), x)]
        m = [(hi if hi > 0 else 0.0) ** 2 for hi in _linear(_rmsnorm(x), w[f'layer{layer}.mlp_fc1'])]
        x = [mi + xi for mi, xi in zip(_linear(m, w[f'layer{layer}.mlp_fc2']), x)]
    return _linear(x, w['lm_head'])


def _sample_floats(w, config, tokenizer, temperature, rng):
    "microgpt.sample.sample on float weights."
    keys, values = [[] for _ in range(config.n_layer)], [[] for _ in range(config.n_layer)]
    token_id, out = tokenizer.bos, []
    for pos_id in range(config.block_size):
        probs = next_token_probs(float_gpt(token_id, pos_id, keys, values, w, config), temperature)
        token_id = rng.choices(range(tokenizer.vocab_size), weights=probs)[0]
        if token_id == tokenizer.bos:
            break
        out.append(token_id)
    return tokenizer.decode(out)


def names_at_temperature(state_dict, config, tokenizer, temperature, num_samples=20, seed=0):
    "The names the temperature slider shows for `temperature`: sample() with random.Random(seed)."
    w, rng = float_weights(state_dict), random.Random(seed)
    return [_sample_floats(w, config, tokenizer, temperature, rng) for _ in range(num_samples)]


def first_token_probs(state_dict, config, temperature):
    "The distribution of the first character of a name (the token after BOS) at `temperature`."
    keys, values = [[] for _ in range(config.n_layer)], [[] for _ in range(config.n_layer)]
    bos = config.vocab_size - 1
    return next_token_probs(float_gpt(bos, 0, keys, values, float_weights(state_dict), config), temperature)


def names_report(names, known):
    "The names one per line, known ones starred, then the share of new names."
    new = sum(name not in known for name in names)
    lines = [name + (' *' if name in known else '') for name in names]
    return lines + ['(* = already in the data set)',
                    f'new names: {new} of {len(names)} ({100 * new / len(names):.0f}%)']


# --- Drawing ------------------------------------------------------------------------------------
# A slider redraws one figure made once: moving lines or bars and saving a PNG is several times
# faster than building a new figure (contours, layout) for every position.

def png(fig):
    "A matplotlib figure as PNG bytes."
    buffer = io.BytesIO()
    fig.savefig(buffer, format='png', dpi=80)
    return buffer.getvalue()


def distribution_figure(probs, tokenizer, title):
    "A bar chart of a next-token distribution; BOS (the end of the name) is drawn as '.'."
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 2.6))
    ax.bar(range(len(probs)), probs, color='tab:blue')
    ax.set_xticks(range(len(probs)), tokenizer.chars + ['.'])
    ax.set_ylim(0, 1)
    ax.set_ylabel('probability')
    ax.set_title(title)
    fig.tight_layout()
    return fig


def distribution_pictures(state_dict, config, tokenizer):
    "PNG bar charts of the first-letter distribution, one for each temperature of the slider."
    import matplotlib.pyplot as plt
    fig = distribution_figure([0.0] * config.vocab_size, tokenizer, '')
    ax, pictures = fig.axes[0], {}
    for t in TEMPERATURES:
        for bar, p in zip(ax.patches, first_token_probs(state_dict, config, t)):
            bar.set_height(p)
        ax.set_title(f'first letter of a name at temperature {t:.1f}')
        pictures[t] = png(fig)
    plt.close(fig)
    return pictures


class PathsPicture:
    "Left: each optimizer's path over the contours of the loss. Right: its loss, step by step."

    def __init__(self, loss, names):
        import matplotlib.pyplot as plt
        import numpy as np
        self.loss = loss
        self.fig, (self.left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
        X, Y = np.meshgrid(np.linspace(-5, 5, 120), np.linspace(-3, 3, 80))
        self.left.contour(X, Y, loss(X, Y), levels=np.geomspace(0.01, 50, 14), colors='0.75', linewidths=0.8)
        self.left.plot(0, 0, 'k*', markersize=10)
        self.left.set(xlim=(-5, 5), ylim=(-3, 3), xlabel='x', ylabel='y')
        self.paths = {name: self.left.plot([], [], '.-', markersize=3, linewidth=1)[0] for name in names}
        self.curves = {name: right.plot([], [], label=name)[0] for name in names}
        right.set(yscale='log', ylim=(1e-6, 1e4), xlabel='step', ylabel='loss (log scale)',
                  title='loss along the path')
        right.legend(loc='upper right', fontsize=8)
        self.right = right
        self.fig.tight_layout()
        plt.close(self.fig)  # drawn on demand as PNG, never shown by the notebook itself

    def png(self, paths, title):
        for name, points in paths.items():
            self.paths[name].set_data(*zip(*points))
            self.curves[name].set_data(range(len(points)), [max(self.loss(x, y), 1e-12) for x, y in points])
        self.right.set_xlim(0, max(len(points) for points in paths.values()) - 1)
        self.left.set_title(title)
        return png(self.fig)


# --- The sliders --------------------------------------------------------------------------------

def temperature_slider(state_dict, config, tokenizer, docs, num_samples=20, seed=0, value=0.5):
    "A temperature slider over TEMPERATURES: the first-letter distribution and a batch of names."
    import ipywidgets as widgets
    known = set(docs)
    charts = distribution_pictures(state_dict, config, tokenizer)
    texts = {t: '<pre>' + '\n'.join(names_report(
        names_at_temperature(state_dict, config, tokenizer, t, num_samples, seed), known)) + '</pre>'
        for t in TEMPERATURES}  # all work happens here, so a move only swaps prepared results
    slider = widgets.FloatSlider(value=value, min=0.0, max=2.0, step=0.1, description='temperature',
                                 readout_format='.1f', continuous_update=True,
                                 style={'description_width': 'initial'})  # the whole label, not 'temperat...'
    chart, names = widgets.Image(format='png'), widgets.HTML()

    def show(change=None):
        t = round(slider.value, 1)
        chart.value, names.value = charts[t], texts[t]

    slider.observe(show, names='value')
    show()
    return widgets.VBox([slider, chart, names])


def learning_rate_slider(paths, loss, value=0.1):
    """A learning-rate slider from 0.001 to 1 (four steps per decade), redrawing the loss picture.

    `paths(lr)` returns {optimizer name: [(x, y), ...]}, the points each optimizer visits on the
    surface of `loss(x, y)`. Each picture is drawn on the first visit and kept.
    """
    import ipywidgets as widgets
    slider = widgets.FloatLogSlider(value=value, base=10, min=-3, max=0, step=0.25, description='learning rate',
                                    readout_format='.3g', continuous_update=False,
                                    style={'description_width': 'initial'})
    image, cache, picture = widgets.Image(format='png'), {}, None

    def show(change=None):
        nonlocal picture
        lr = float(f'{slider.value:.3g}')
        if lr not in cache:
            visited = paths(lr)
            picture = picture or PathsPicture(loss, list(visited))
            cache[lr] = picture.png(visited, f'learning rate {lr:g}')
        image.value = cache[lr]

    slider.observe(show, names='value')
    show()
    return widgets.VBox([slider, image])
