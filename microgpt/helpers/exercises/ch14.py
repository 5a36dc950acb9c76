"""Checkers for chapter 14 (the same GPT in PyTorch): a batch of names, padded and masked."""
from . import failed, guarded, passed

BOS = 26
# Token sequences as tokenizer.sequence gives them (BOS, letters, BOS), of unequal lengths.
CASES = [
    [[BOS, 0, 21, 0, BOS], [BOS, 4, 12, 12, 0, BOS], [BOS, 8, 18, 0, 1, 4, 11, 11, 0]],
    [[BOS, 1, 2, BOS]],
    [[BOS, 3, BOS], [BOS, 5, 6, 7, 8, BOS]],
]


def reference_pad(seqs, bos):
    "Inputs padded with bos and targets padded with -1, every row as long as the longest sequence's inputs."
    T = max(len(s) for s in seqs) - 1
    inputs = [s[:-1] + [bos] * (T - len(s) + 1) for s in seqs]
    targets = [s[1:] + [-1] * (T - len(s) + 1) for s in seqs]
    return inputs, targets


def _rows(x):
    "A table as a list of lists of ints (a tensor, a NumPy array and lists all qualify)."
    x = x.tolist() if hasattr(x, 'tolist') else x
    return [[int(v) for v in row] for row in x]


@guarded
def check_pad(fn):
    "Exercise 1: fn(seqs, bos) -> (inputs, targets), padded at the end: bos in the inputs, -1 in the targets."
    if not callable(fn):
        return failed(f'expected a function, got a {type(fn).__name__}',
                      'pass the function itself: check_pad(pad)')
    for seqs in CASES:
        copies = [list(s) for s in seqs]
        try:
            answer = fn(copies, BOS)
        except Exception as e:  # any error in the learner's code is reported, not raised
            return failed(f'pad raised {type(e).__name__}: {e}',
                          'seqs is a list of lists of token ids; return two tables, inputs and targets')
        if copies != seqs:
            return failed('pad changed the sequences it was given',
                          'build new rows (s[:-1] + [...], for instance) instead of appending to s')
        if not isinstance(answer, (tuple, list)) or len(answer) != 2:
            return failed(f'pad returned {type(answer).__name__}, not a pair', 'return inputs, targets')
        inputs, targets = (_rows(x) for x in answer)
        want_in, want_out = reference_pad(seqs, BOS)
        if inputs == want_in and targets == want_out:
            continue
        T = len(want_in[0])
        if any(len(row) != T for row in inputs + targets) or len(inputs) != len(seqs):
            return failed(f'for {len(seqs)} sequences, the longest of {T + 1} tokens, the rows have lengths '
                          f'{[len(r) for r in inputs]} and {[len(r) for r in targets]}',
                          f'one row per sequence, each {T} long: the longest sequence minus one token')
        if inputs == want_in and targets == [s[1:] + [BOS] * (T - len(s) + 1) for s in seqs]:
            return failed('the padded targets are BOS, so the loss would count them: the model would be '
                          'taught to say BOS again and again after the end',
                          'pad the targets with -1, which ignore_index=-1 leaves out of the mean')
        if inputs == [[BOS] * (T - len(s) + 1) + s[:-1] for s in seqs]:
            return failed('the padding is at the start of the rows',
                          'pad at the end: then every real position stands where it stood alone, and '
                          'causal attention never lets it see the padding after it')
        if (inputs, targets) == (want_out, want_in) or inputs == [s[1:] + [BOS] * (T - len(s) + 1) for s in seqs]:
            return failed('inputs and targets are swapped', 'the inputs are s[:-1], the targets s[1:]')
        return failed(f'for {seqs} you gave inputs {inputs} and targets {targets}',
                      'inputs: s[:-1] then bos up to the length; targets: s[1:] then -1 up to the length')
    return passed('one table for the whole batch, and -1 wherever there is nothing to predict.')
