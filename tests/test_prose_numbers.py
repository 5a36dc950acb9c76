"""Every number a chapter states in words is printed by one of its cells or written in its code.

A number in a chapter's Markdown or in a comment of its code (digits, or number words next to a
unit or a ratio: "ten times", "two or three", "a minute") must appear among the chapter's stored
outputs or in its code, so that no sentence can drift from the result it describes. A stated number
may round a printed one ("2.48" for 2.4817). What the prose may state without printing it (a year, a
paper's figure, a definition) stands in REVIEWED below, each with its reason.
"""
import io
import re
import tokenize
from fractions import Fraction

import pytest

from conftest import ROOT, notebook_cells

CHAPTERS = sorted((ROOT / 'chapters').glob('[01][0-9]_*.ipynb'))
WORDS = {'two': 2, 'three': 3, 'four': 4, 'five': 5, 'six': 6, 'seven': 7, 'eight': 8, 'nine': 9,
         'ten': 10, 'eleven': 11, 'twelve': 12, 'twenty': 20, 'fifty': 50, 'hundred': 100,
         'thousand': 1000, 'million': 10 ** 6, 'a minute': None, 'an hour': None, 'a second': None,
         'half': Fraction(1, 2), 'a third': Fraction(1, 3), 'a quarter': Fraction(1, 4),
         'a tenth': Fraction(1, 10), 'hundreds': None, 'thousands': None, 'millions': None, 'dozens': None}
NUMBER_WORD = '|'.join(WORDS)
UNIT = (r'(?:times|fold|x|×|percent|per ?cent|seconds?|minutes?|hours?|days?|milliseconds?|ms|faster|slower|'
        r'larger|smaller|bigger|longer|shorter|quicker|or\s+(?:more|less|so))')
WORD_NUMBERS = [
    # "ten times", "hundreds of times faster", "half a second", "a minute or more"
    re.compile(rf'\b(?P<word>{NUMBER_WORD})(?:\s+(?:of|a|an))*\s+{UNIT}(?!\w)', re.IGNORECASE),
    # "two or three": a range in words is a comparison too
    re.compile(rf'\b(?P<range>{NUMBER_WORD})\s+(?:or|to)\s+(?:{NUMBER_WORD})\b', re.IGNORECASE),
]
DIGITS = re.compile(r'(?<![\w.^])(?P<num>-?\d[\d,]*\d(?:\.\d+)?(?:e[-+]?\d+)?|-?\d(?:\.\d+)?(?:e[-+]?\d+)?)(?!\w)')
SUPERSCRIPT = str.maketrans('⁰¹²³⁴⁵⁶⁷⁸⁹⁻', '0123456789-')
# References, not results: to chapters, exercises and sections, and names with a digit in them.
NOT_STATED = [
    re.compile(r'\]\([^)]*\)'),                                        # a link's address
    re.compile(r'\b\d\d\s*·'),                                          # a link to chapter NN
    re.compile(r'\b[Cc]hapters?\s+\d\d(?:(?:\s*,\s*|\s+and\s+|\s*(?:–|-|to)\s*)\d\d)*'),
    re.compile(r'\b(?:[Ee]xercises?|[Ss]ections?|[Pp]art|[Cc]ells?)\s+\d+(?:\.\d+)?(?:\s*(?:and|–|to)\s*\d+)?'),
    re.compile(r'^#+\s+\d+\.', re.MULTILINE),                           # a numbered section
    re.compile(r'\b(?:GPT-\d|IEEE 754|AVX-512)'),                       # names
    re.compile(r'^\s*\d+\.\s', re.MULTILINE),                              # a numbered list's items
    re.compile(r'(?<![\d,.])(?:1[89]\d\d|20[0-3]\d)(?![\d,.]\d)'),      # a year (of a paper, a book)
]
# Numbers stated without a cell printing them, by chapter: {number as written: the reason}.
SIZE = "the model's size: chapters 04 and 07 print it"
RUN = "the reference run's length, a definition (chapter 08 prints its losses at each checkpoint)"
INIT = "the spread the weights are drawn with, a definition (init_state_dict's std)"
REVIEWED = {
    '00_start_here': {'32,000': "the data set's size, rounded: chapter 03 prints it"},
    '01_derivatives': {'1e-8': "Adam's epsilon, a definition: chapter 08's code",
                       '100': "the table's rows go down by factors of 100 in eps: 1e-01, 1e-03, 1e-05",
                       '10,000': 'from the printed central errors 1.0e-02 and 1.0e-06'},
    '02_autograd': {'1000': "CPython's recursion limit, a fact of the interpreter",
                    '3000': "Pyodide's recursion limit, a fact of the interpreter",
                    '60': "draw_graph's default max_nodes (microgpt/helpers/draw.py)"},
    '03_tokenizer': {'five to seven': 'read off the histogram of name lengths the cell above draws'},
    '05_loss': {'65': "exercise 2's vocabulary, a definition (VOCAB_SIZE of its checker)", '4,064': SIZE,
                '7': "a name's positions: wpe's touched 112 of 128 printed above are 7 rows of 16, and a "
                     "name of 7 letters fills the block size of 8 predictions"},
    '06_attention': {'90': "the exercise's target, a definition (its checker tests it)",
                     '0.02': INIT, '1000': 'an example input, math.exp(1000)', '500': RUN},
    '07_mlp': {'0.02': INIT, '0.028': 'derived in the sentence: √2 × 0.02'},
    '08_adam': {'4064': SIZE, '0.316': "the slider's notches: 10 ** -0.5 and 10 ** -0.25 (a log slider, step 0.25)",
                '0.562': "the slider's notches: 10 ** -0.5 and 10 ** -0.25 (a log slider, step 0.25)"},
    '09_sampling': {'26': 'the letters of the alphabet: 27 tokens less BOS'},
    '10_efficiency': {'1e-16': "one unit in the last place of a number near 1: a float's precision",
                      '200': "the benchmark's target (SPEED_TARGET in benchmarks/bench_fast.py)"},
    '11_scale': {'four or five': 'weights of about 0.02 rounded to six decimals: 0.0xxxxx',
                 '0.02': INIT},
    '12_practice': {'3,000': "the length of chapter 11's two runs, printed there ('3000 steps')",
                    '0.5': "half a cosine's 0.5 * (1 + cos), in the exercise's solution",
                    **dict.fromkeys(['12', '768', '1,024', '50,257', '124', '0.1', '2,000', '1.0'],
                                    "GPT-2's published shape (Radford et al. 2019) and nanoGPT's train.py defaults"),
                    '1e-3': 'a rule of thumb for the update / weights ratio (Karpathy, makemore part 3), not a result',
                    '150': "the step the exercise asks about; the prediction's answer is measured by reveal('12.3')"},
    '13_inside': {'4,064': SIZE, '500': RUN},
    '14_pytorch': dict.fromkeys(['50,257', '1,024'], "GPT-2's published vocabulary and block size (Radford et al. 2019)"),
}


def cells(path):
    return notebook_cells(path)


def code_and_comments(source):
    "A code cell's source split into its code and its comments (prose: they state numbers too)."
    lines = source.splitlines()
    python = '\n'.join('' if line.lstrip().startswith(('%', '!')) else line for line in lines)
    comments = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(python + '\n').readline):
            if tok.type == tokenize.COMMENT:
                comments.append(tok)
    except (tokenize.TokenError, SyntaxError):
        return source, ''
    for tok in reversed(comments):
        row, col = tok.start
        lines[row - 1] = lines[row - 1][:col]
    return '\n'.join(lines), '\n'.join(tok.string for tok in comments)


def value(text):
    "A number as written, as an exact fraction: '4,064' -> 4064, '1e-5' -> 1/100000."
    try:
        return Fraction(text.replace(',', ''))
    except ValueError:
        return None


def printed_or_coded(path):
    "Every number in the chapter's code (comments aside) and stored outputs, as fractions."
    found = set()
    for cell in cells(path):
        if cell['cell_type'] != 'code':
            continue
        texts = [code_and_comments(''.join(cell['source']))[0]]
        for out in cell.get('outputs', []):
            texts += [''.join(out.get('text', '')), ''.join(out.get('data', {}).get('text/plain', ''))]
        for text in texts:
            text = re.sub(r'(?<=\d)_(?=\d)', '', text).translate(SUPERSCRIPT)  # 10_000; 10⁻⁵
            found |= {abs(v) for m in DIGITS.finditer(text) if (v := value(m['num'])) is not None}
    return found


def prose(path):
    "(cell index, text) of every Markdown cell and every code cell's comments."
    for i, cell in enumerate(cells(path)):
        source = ''.join(cell['source'])
        yield i, source if cell['cell_type'] == 'markdown' else code_and_comments(source)[1]


def stated(text):
    "(number as written, its value, or None for a vague one like 'hundreds of times') in a text."
    for pattern in NOT_STATED:
        text = pattern.sub(' ', text)
    for pattern in WORD_NUMBERS:
        for m in pattern.finditer(text):
            vague = 'range' in m.groupdict()  # "two or three" is no one number
            yield ' '.join(m[0].split()), None if vague else WORDS[m['word'].lower()]
    text = re.sub(r'10\^\{?(-?\d+)\}?', r'1e\1', text)                      # LaTeX 10^{-5}
    text = re.sub(r'10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)', lambda m: '1e' + m[1].translate(SUPERSCRIPT), text)  # 10⁻⁵
    for m in DIGITS.finditer(text):
        yield m['num'], value(m['num'])


def rounds(written, known):
    "A number written with two or more significant digits after rounding, e.g. '2.48' for 2.4817."
    if '.' not in written or 'e' in written.lower():
        return False
    decimals = len(written.split('.')[1])
    digits = written.replace(',', '').replace('.', '').replace('-', '').lstrip('0')
    target = abs(value(written))
    return len(digits) >= 2 and any(round(k, decimals) == target for k in known)


def unfounded(path):
    known = printed_or_coded(path)
    reviewed = REVIEWED.get(path.stem, {})
    for i, text in prose(path):
        for written, v in stated(text):
            if written in reviewed or (v is not None and (abs(v) in known or rounds(written, known))):
                continue
            yield f'cell {i}: {written!r}'


def test_the_reviewed_numbers_are_still_stated():
    for stem, numbers in REVIEWED.items():
        said = {w for _, text in prose(ROOT / 'chapters' / f'{stem}.ipynb') for w, _ in stated(text)}
        assert not set(numbers) - said, f'{stem}: no longer states {set(numbers) - said}: drop them from REVIEWED'


@pytest.mark.parametrize('path', CHAPTERS, ids=lambda p: p.stem)
def test_every_number_the_prose_states_is_printed_or_reviewed(path):
    missing = list(unfounded(path))
    assert not missing, (f'{path.name}: neither printed by a cell nor in its code; print it, derive the words '
                         f'from what is printed, or add it to REVIEWED with the reason:\n' + '\n'.join(missing))


def test_chapter_14_quotes_chapter_11s_held_out_losses_as_chapter_11_prints_them():
    "Chapter 14 types in the two held-out losses of chapter 11's long runs (retraining them costs half a minute)."
    quoted = next(c['source'] for c in cells(ROOT / 'chapters' / '14_pytorch.ipynb') if 'CHAPTER_11 = {' in c['source'])
    small, large = re.findall(r"'(small|large) model, 3,000 steps': (\d\.\d{4})", quoted)
    printed = '\n'.join(o.get('text', '') for c in cells(ROOT / 'chapters' / '11_scale.ipynb')
                        for o in c.get('outputs', []))
    for name, loss in (small, large):
        assert re.search(rf'{name}: held-out {loss}, bigram', printed), f'chapter 11 no longer prints {name} {loss}'
