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
