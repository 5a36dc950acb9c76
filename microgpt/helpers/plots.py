"""The pictures the sliders redraw (matplotlib: the edge of the package, not the core).

Figures are sized in inches at 100 CSS px per inch, for a notebook's output area (about 760 px in
a 1024 px window), with text of at least 10 points (13 px); their PNGs are drawn at twice that
density, so they stay sharp on high-density screens and projectors.
A slider redraws one figure made once: moving lines or bars and saving a PNG is several times
faster than building a new figure (contours, layout) for every position.
"""
import io
import math

CSS_DPI = 100  # CSS px per inch of a figure, as displayed
DENSITY = 2    # image pixels per CSS px
# Matthew Petroff's ten colours, chosen to stay apart for colour-blind readers (matplotlib ships
# them as the `petroff10` style from 3.10 on; Pyodide's matplotlib may be older).
PETROFF10 = ['#3f90da', '#ffa90e', '#bd1f01', '#94a4a2', '#832db6', '#a96b59', '#e76300',
             '#b9ac70', '#717581', '#92dadd']


def colour_blind_safe():
    "Draw every later chart's lines and bars in the Petroff colours, one after another."
    import matplotlib.pyplot as plt
    from cycler import cycler
    plt.rcParams['axes.prop_cycle'] = cycler(color=PETROFF10)


def png(fig):
    "A matplotlib figure as PNG bytes, at twice the pixels it is displayed with."
    buffer = io.BytesIO()
    fig.savefig(buffer, format='png', dpi=CSS_DPI * DENSITY)
    return buffer.getvalue()


def nice_top(largest):
    "A round upper limit just above `largest` (0.27 -> 0.3, 0.9 -> 1.0), at most 1."
    step = 10 ** math.floor(math.log10(max(largest, 1e-3)))
    return min(1.0, math.ceil(largest * 1.05 / step) * step)


def distribution_figure(probs, tokenizer, title):
    "A bar chart of a next-token distribution, its y axis scaled to it; BOS (the end of the name) is drawn as '.'."
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(5.2, 3.0), dpi=CSS_DPI)
    ax.bar(range(len(probs)), probs, color=PETROFF10[0])
    ax.set_xticks(range(len(probs)), tokenizer.chars + ['.'], fontsize=9)
    ax.set_ylim(0, nice_top(max(probs)))
    ax.set_ylabel('probability')
    ax.set_title(title, fontsize=11)
    fig.tight_layout()
    return fig


def distribution_pictures(probs_at, tokenizer):
    "PNG bar charts of the first-letter distribution, one for each temperature: {temperature: probs}."
    import matplotlib.pyplot as plt
    fig = distribution_figure([1.0] + [0.0] * (tokenizer.vocab_size - 1), tokenizer, '')
    ax, pictures = fig.axes[0], {}
    for t, probs in probs_at.items():
        for bar, p in zip(ax.patches, probs):
            bar.set_height(p)
        ax.set_ylim(0, nice_top(max(probs)))
        ax.set_title(f'first letter of a name at temperature {t:.1f}', fontsize=11)
        pictures[t] = png(fig)
    plt.close(fig)
    return pictures


class PathsPicture:
    "Left: each optimizer's path over the contours of the loss. Right: its loss, step by step."

    def __init__(self, loss, names):
        import matplotlib.pyplot as plt
        import numpy as np
        self.loss = loss
        self.fig, (self.left, right) = plt.subplots(1, 2, figsize=(7.6, 3.3), dpi=CSS_DPI)
        X, Y = np.meshgrid(np.linspace(-5, 5, 120), np.linspace(-3, 3, 80))
        self.left.contour(X, Y, loss(X, Y), levels=np.geomspace(0.01, 50, 14), colors='0.75', linewidths=0.8)
        self.left.plot(0, 0, 'k*', markersize=10)
        self.left.set(xlim=(-5, 5), ylim=(-3, 3), xlabel='x', ylabel='y')
        self.paths = {name: self.left.plot([], [], '.-', markersize=3, linewidth=1, color=c)[0]
                      for name, c in zip(names, PETROFF10)}
        self.curves = {name: right.plot([], [], label=name, color=c)[0] for name, c in zip(names, PETROFF10)}
        right.set(yscale='log', ylim=(1e-6, 1e4), xlabel='step', ylabel='loss (log scale)',
                  title='loss along the path')
        right.legend(loc='upper right', fontsize=9)
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


class LossCurvePicture:
    "Chapter 11's slider: a training run's loss, smoothed over `window` steps, at one learning rate."

    def __init__(self, window=20):
        import matplotlib.pyplot as plt
        self.window = window
        self.fig, self.ax = plt.subplots(figsize=(7.6, 3.0), dpi=CSS_DPI)
        self.line, = self.ax.plot([], [], color=PETROFF10[0])
        self.ax.set_xlabel('step')
        self.ax.set_ylabel(f'loss (mean of the last {window})')
        plt.close(self.fig)  # drawn on demand as PNG, never shown by the notebook itself

    def png(self, losses, lr):
        import numpy as np
        smoothed = np.convolve(losses, np.ones(self.window) / self.window, mode='valid')
        self.line.set_data(range(self.window, len(losses) + 1), smoothed)
        self.ax.set_xlim(0, len(losses))
        self.ax.set_ylim(1.5, max(3.6, 1.05 * smoothed.max()))  # a diverging run stays in the picture
        self.ax.set_title(f'learning rate {lr:.4g}: final loss {losses[-1]:.4f}')
        self.fig.tight_layout()  # after the labels are set: the x label is never clipped
        return png(self.fig)

    def diverged(self, lr):
        "The picture of a run that fast.train stopped because it diverged: no curve, and the title says so."
        self.line.set_data([], [])
        self.ax.set_title(f'learning rate {lr:.4g}: training diverged (the updates grew too large)')
        self.fig.tight_layout()
        return png(self.fig)
