"""The playground's pictures (microgpt/helpers/playground.py): a retraining's loss against the reference run's,
and what the model makes of a name's first letters."""
import numpy as np

from .plots import PETROFF10, nice_top, png

SMOOTH = 20  # the loss curve is a moving mean over this many steps (one name per step is noisy)
FONT = 15    # points, for every figure: legible on a projector


def _figure(width, height):
    import matplotlib.pyplot as plt
    plt.rcParams.update({'font.size': FONT})
    return plt.figure(figsize=(width, height))


def _done(fig):
    import matplotlib.pyplot as plt
    fig.tight_layout()
    data = png(fig)
    plt.close(fig)
    return data


def loss_picture(losses, reference, lr):
    "The loss of a retraining run against the reference run's, both smoothed, as PNG bytes."
    fig = _figure(11, 4.2)
    ax = fig.add_subplot()
    window = np.ones(SMOOTH) / SMOOTH
    steps = range(SMOOTH, len(reference) + 1)
    ax.plot(steps, np.convolve(reference, window, mode='valid'), color='0.6', lw=2, label='reference run (lr 0.01)')
    diverged = len(losses) < len(reference)  # the rest of a diverged run is drawn off the top
    padded = np.minimum(np.nan_to_num(list(losses) + [1e3] * (len(reference) - len(losses)), nan=1e3), 1e3)
    smoothed = np.convolve(padded, window, mode='valid')
    ax.plot(steps, smoothed, color=PETROFF10[0], lw=3, label=f'lr {lr:g}')
    ax.set_ylim(1.5, 6.0)  # the reference run stays readable; a diverging run leaves at the top
    off = ' (rose above 6: off the picture)' if smoothed.max() > 6.0 else ''
    end = f'diverged at step {len(losses) + 1}' if diverged else f'loss {losses[-1]:.4f} after {len(losses)} steps'
    ax.set(xlabel='step', ylabel=f'loss (mean of {SMOOTH} steps)', title=f'learning rate {lr:g}: {end}{off}')
    ax.legend(loc='upper right')
    return _done(fig)


def inside_picture(inside):
    "The next-letter probabilities (bars) and each head's attention weights (heat maps), as PNG bytes."
    probs, attention, tokens = inside['probs'], inside['attention'], inside['tokens']
    n_head = len(attention)
    fig = _figure(11, 5.2)
    grid = fig.add_gridspec(2, n_head, height_ratios=[1, 1.25])
    bars = fig.add_subplot(grid[0, :])
    letters = list(probs)
    bars.bar(range(len(letters)), list(probs.values()), color=PETROFF10[0])
    bars.set_xticks(range(len(letters)), [l if l != 'end' else '.' for l in letters])
    best = max(probs, key=probs.get)
    bars.set(ylim=(0, nice_top(probs[best])), ylabel='probability',  # axis scaled to the data
             title=f'after "{"".join(tokens[1:])}": next letter (. = end), most likely {best!r} {probs[best]:.0%}')
    for h in range(n_head):
        ax = fig.add_subplot(grid[1, h])
        ax.imshow(attention[h], vmin=0, vmax=1, cmap='Blues')
        ticks = range(len(tokens))
        labels = ['^' if t == 'BOS' else t for t in tokens]
        ax.set_xticks(ticks, labels)
        ax.set_yticks(ticks, labels if h == 0 else [])
        ax.set(title=f'head {h}', xlabel='looks at')
        if h == 0:
            ax.set_ylabel('position (^ = start)')
    return _done(fig)
