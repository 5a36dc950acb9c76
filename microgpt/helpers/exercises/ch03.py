"""Checkers for the exercises of chapter 03 (the tokenizer)."""
import string

from . import failed, guarded, passed

# The vocabulary of the shipped names: 'a'..'z' get ids 0..25 and BOS gets 26.
CHARS = string.ascii_lowercase
BOS = len(CHARS)
# The documents of exercise 3: a data set with a character that is not a letter.
OTHER_DOCS = ['hello world', 'hi there']


def _sequence(doc, block_size=8):
    return ([BOS] + [CHARS.index(ch) for ch in doc] + [BOS])[:block_size + 1]


def _is_int(x):
    return isinstance(x, int) and not isinstance(x, bool)


@guarded
def check_sequence_by_hand(answer):
    "Exercise 1: the token ids of the training sequence for 'zoe', block size 8, written by hand."
    if not isinstance(answer, (list, tuple)) or not all(_is_int(i) for i in answer):
        return failed(f'the answer should be a list of whole numbers, got {answer!r}',
                      'write the ids in a list, like [26, ...]')
    answer, expected = list(answer), _sequence('zoe')
    letters = expected[1:-1]
    if answer == expected:
        return passed("BOS, z, o, e, BOS: the model learns to start a name and to end it.")
    if not answer:
        return failed('the list is empty', 'a sequence is BOS, then one id per letter, then BOS again')
    if answer == letters:
        return failed("these are the letters' ids, but a sequence is more than its letters",
                      f'wrap them in BOS (id {BOS}) on both sides')
    if answer[0] != BOS:
        return failed(f'the sequence starts with {answer[0]}',
                      f"every sequence starts with BOS, whose id is {BOS}: one after the last letter 'z'")
    if answer[-1] != BOS:
        return failed(f'the sequence ends with {answer[-1]}',
                      f'it ends with BOS ({BOS}) too: that is how the model learns where a name stops')
    if len(answer) != len(expected):
        return failed(f'the sequence has {len(answer)} ids',
                      "'zoe' has 3 letters; with a BOS on each side that makes 5 ids (well within block size 8)")
    if answer[1:-1] == [i + 1 for i in letters]:
        return failed('each letter id is one too high', "ids start at 0: 'a' is 0, so 'z' is 25")
    return failed(f"the letter ids {answer[1:-1]} do not spell 'zoe'",
                  "a letter's id is its position in tok.chars, counting from 0 ('a' is 0)")


def _pairs_problem(training_pairs, tokens):
    "What is wrong with training_pairs on one sequence, or None if nothing is."
    expected = [(tokens[:i], tokens[i]) for i in range(1, len(tokens))]
    try:
        got = training_pairs(list(tokens))
    except Exception as e:
        return failed(f'training_pairs({tokens}) raised {type(e).__name__}: {e}',
                      'call it on a short list and print what comes out')
    if got is None:
        return failed('training_pairs returned None', 'end the function with `return pairs`')
    try:
        got = [(list(context), target) for context, target in got]
    except (TypeError, ValueError):
        return failed(f'training_pairs({tokens}) returned {got!r}',
                      'return a list of (context, target) pairs, where context is a list of tokens')
    if got == expected:
        return None
    if len(got) == len(tokens):
        return failed(f'{len(tokens)} tokens gave {len(got)} pairs, one per token',
                      'the last token is only a target: nothing comes after it, so n tokens give n - 1 pairs')
    if len(got) != len(expected):
        return failed(f'{len(tokens)} tokens gave {len(got)} pairs',
                      f'n tokens give n - 1 pairs: here {len(expected)}')
    wrong = next(i for i, pair in enumerate(got) if pair != expected[i])
    return failed(f'for {tokens}, pair {wrong} is {got[wrong]}: not the right (context, target)',
                  'the context is the list of every token before the target, from the first BOS on')


@guarded
def check_training_pairs(training_pairs):
    "Exercise 2: training_pairs(tokens) lists the (context, target) pairs of one sequence."
    for tokens in ([26, 4, 12, 12, 0, 26], _sequence('zoe'), [26, 0]):
        problem = _pairs_problem(training_pairs, tokens)
        if problem is not None:
            return problem
    return passed('n tokens give n - 1 predictions, each made from everything before it.')


@guarded
def check_vocab_size(answer):
    "Exercise 3: the vocab size of a tokenizer built from OTHER_DOCS."
    chars = set(''.join(OTHER_DOCS))
    if not _is_int(answer):
        return failed(f'the answer should be a whole number, got {answer!r}', 'count the tokens: a number like 12')
    if answer == len(chars) + 1:
        return passed(f'{len(chars)} different characters (the space is one of them) plus BOS.')
    if answer == len(chars):
        return failed(f'{answer} is one short',
                      'count every different character, the space included, then add one for BOS')
    if answer == len(chars) - 1:
        return failed(f'{answer} is two short', 'the space is a character too, and BOS is a token of its own')
    if answer in (len(''.join(OTHER_DOCS)), len(''.join(OTHER_DOCS)) + 1):
        return failed(f'{answer} counts every character each time it appears',
                      "the vocabulary holds each character once: think of set(''.join(docs))")
    return failed(f'{answer} is not the vocab size',
                  "list the different characters of both documents, then add one for BOS")
