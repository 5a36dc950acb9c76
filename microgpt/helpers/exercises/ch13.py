"""Checkers for chapter 13 (inside the trained model). They compare with the shipped checkpoint."""
from functools import lru_cache

from . import failed, guarded, passed
from ..checkpoint import load_checkpoint
from ...floats import mean_loss
from ...inside import trace

UNITS = (57, 27, 31)  # units with one clear favourite letter right after BOS (see the tests)


@lru_cache(maxsize=1)
def _model():
    ckpt = load_checkpoint()
    return ckpt.state_dict, ckpt.config, ckpt.tokenizer


def _activations(unit, pos):
    "Unit `unit` of layer 0 at position `pos` of every one-letter name, by letter."
    sd, config, tok = _model()
    return {ch: trace(ch, sd, config, tok)[pos].mlp[0][unit] for ch in tok.chars}


@guarded
def check_strongest_letter(strongest_letter):
    "Exercise: strongest_letter(unit) is the letter that, fed right after BOS, makes the unit fire most."
    for unit in UNITS:
        try:
            got = strongest_letter(unit)
        except Exception as e:
            return failed(f'strongest_letter({unit}) raised {type(e).__name__}: {e}',
                          'trace each letter as a one-letter name and read positions[1].mlp[0][unit]')
        acts = _activations(unit, 1)
        if not isinstance(got, str) or got not in acts:
            return failed(f'strongest_letter({unit}) returned {got!r}, not a letter',
                          'return the letter itself (a one-character string), not its activation or index')
        best = max(acts, key=acts.get)
        if got != best:
            return failed(f'unit {unit} gives {acts[got]:.3f} for {got!r}, but another letter gives {acts[best]:.3f}',
                          'read position 1, where the letter goes in (position 0 is BOS for every name), '
                          'and keep the letter with the largest activation')
    return passed('one letter wins each unit: unit 57 is a "d" detector here, although on average over '
                  'names it fires most for "s" (where a letter stands changes what it switches on).')


@lru_cache(maxsize=4)
def _increases(docs):
    sd, config, tok = _model()
    whole = mean_loss(docs, tok, sd, config)
    return whole, [mean_loss(docs, tok, sd, config, ablate=[(0, h)]) - whole for h in range(config.n_head)]


@guarded
def check_loss_increases(loss_increases, docs, prediction=None):
    "Exercise: loss_increases(docs) lists, for each head of layer 0, ablated loss minus the whole model's."
    docs = tuple(docs)
    try:
        got = loss_increases(list(docs))
    except Exception as e:
        return failed(f'loss_increases raised {type(e).__name__}: {e}',
                      'call mean_loss once for the whole model and once with ablate=[(0, h)] for each head')
    whole, expected = _increases(docs)
    if not isinstance(got, (list, tuple)) or len(got) != len(expected):
        return failed(f'expected a list of {len(expected)} numbers (one per head), got {got!r}',
                      'return [loss with head h off - loss of the whole model for h in range(4)]')
    got = [float(x) for x in got]
    if all(abs(g - e) < 1e-9 for g, e in zip(got, expected)):
        best = max(range(len(expected)), key=lambda h: expected[h])
        if prediction is None:
            verdict = ''
        elif prediction is ...:  # the cell's placeholder, left as it was
            verdict = ' You wrote no prediction: set prediction before you run the cell.'
        else:
            verdict = f' You predicted head {prediction}: {"right" if prediction == best else "not this time"}.'
        costs = (f'switching off head {best} costs most' if expected[best] > 0 else
                 f'switching off any one head lowers the loss on these names; head {best} lowers it least')
        return passed(', '.join(f'head {h}: {e:+.4f}' for h, e in enumerate(expected)) + f'. So {costs}.{verdict}')
    if all(abs(g + e) < 1e-9 for g, e in zip(got, expected)):
        return failed('your numbers have the wrong sign', 'subtract the whole model\'s loss from the ablated loss')
    if all(abs(g - (e + whole)) < 1e-9 for g, e in zip(got, expected)):
        return failed('these are the ablated losses themselves', 'subtract the whole model\'s loss from each')
    if not any(got):
        return failed('every number is 0: no head was switched off yet',
                      'for each head h: mean_loss(docs, ..., ablate=[(0, h)]) minus mean_loss(docs, ...)')
    if len(set(round(g, 12) for g in got)) == 1:
        return failed('every head gives the same number', 'switch off one head at a time: ablate=[(0, h)]')
    return failed(f'got {[round(g, 4) for g in got]}',
                  'for each head h: mean_loss(docs, ..., ablate=[(0, h)]) minus mean_loss(docs, ...)')
