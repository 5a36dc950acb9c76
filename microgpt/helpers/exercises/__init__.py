"""Checkers for the chapters' exercises: each says what is wrong and gives a hint."""
import linecache
import sys
import textwrap

WIDTH = 79  # characters: what a cell's output shows unbroken at 1024 px, file browser open


class Check:
    "The verdict on one answer; prints as a short message in a notebook."

    def __init__(self, ok, message):
        self.ok, self.message = ok, message
        exercise = _learners_exercise()
        if exercise:
            from ..progress import record
            record(exercise, ok)

    def __bool__(self):
        return self.ok

    def __repr__(self):
        return ('Correct! ' if self.ok else 'Not yet: ') + self.message

    def _repr_pretty_(self, printer, cycle):
        "As a notebook shows it: wrapped between words, never mid-word at the cell's edge."
        printer.text(wrap(repr(self)))


def wrap(text):
    """Each line of text wrapped at WIDTH between words, its continuations indented by two spaces.
    Brackets stay on one line where that costs no extra line: a list or a call, [4, 5, 8] or
    mlp(rmsnorm(x), ...)."""
    return '\n'.join(_fill(line) for line in text.split('\n'))


_BOUND = '\x00'  # a space inside brackets, which textwrap does not break at


def _fill(line):
    def fill(text):
        return textwrap.fill(text, WIDTH, subsequent_indent='  ', break_long_words=False, break_on_hyphens=False)
    plain, bound = fill(line), fill(_bind(line)).replace(_BOUND, ' ')
    fits = all(len(part) <= WIDTH for part in bound.split('\n'))
    return bound if fits and bound.count('\n') <= plain.count('\n') else plain


def _bind(line):
    "The line, each space inside an outermost closed pair of brackets made _BOUND."
    chars, opened = list(line), []
    for i, char in enumerate(line):
        if char in '([{':
            opened.append(i)
        elif char in ')]}' and opened:
            start = opened.pop()
            if not opened:
                chars[start:i] = [_BOUND if c == ' ' else c for c in chars[start:i]]
    return ''.join(chars)


def passed(message='well done.'):
    return Check(True, message)


def failed(problem, hint):
    return Check(False, f'{problem}\nHint: {hint}')


def _learners_exercise():
    """'ch06.check_query' when the verdict comes from a checker that the learner's code called;
    None for the course's own reference solutions, which must not count as the learner's."""
    frame, exercise = sys._getframe(2), None
    while frame and frame.f_globals.get('__name__', '').startswith(__name__):
        module, function = frame.f_globals['__name__'], frame.f_code.co_name
        if module != __name__ and function.startswith('check_'):
            exercise = f'{module.rpartition(".")[2]}.{function}'  # the outermost checker
        frame = frame.f_back
    if not exercise or not frame or frame.f_globals.get('__name__', '').startswith('microgpt'):
        return None
    names = (frame.f_code.co_name, *frame.f_code.co_names, *frame.f_code.co_varnames)
    first = linecache.getline(frame.f_code.co_filename, 1).lower()
    if any(n.startswith('solution_') for n in names) or 'solution' in first:
        return None  # a solution cell: solution_NAME, or opened by a '# A solution' comment
    return exercise


def guarded(check):
    """The checker, made safe for any answer: one that breaks it (a wrong type or shape, a function
    that raises) gets a 'Not yet' verdict naming the problem, never the checker's own traceback."""
    import functools

    @functools.wraps(check)
    def safe(*args, **kwargs):
        try:
            return check(*args, **kwargs)
        except Exception as err:  # noqa: BLE001 - whatever the answer did, the learner gets a verdict
            return failed(f'your answer is not of the kind this exercise asks for ({type(err).__name__}: '
                          f'{err})', 'compare its type and shape with what the exercise asks for, '
                          'and run your code on one example first')
    return safe
