"""Checkers for the chapters' exercises: each says what is wrong and gives a hint."""


class Check:
    "The verdict on one answer; prints as a short message in a notebook."

    def __init__(self, ok, message):
        self.ok, self.message = ok, message

    def __bool__(self):
        return self.ok

    def __repr__(self):
        return ('Correct! ' if self.ok else 'Not yet: ') + self.message


def passed(message='well done.'):
    return Check(True, message)


def failed(problem, hint):
    return Check(False, f'{problem}\nHint: {hint}')


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
