"""Signals that stop a command without losing its work: Ctrl-C, SIGTERM and SIGHUP (terminal closed).

The first of them raises KeyboardInterrupt, so that the command stops where it is and keeps what it
has; every later one is only noted. A second Ctrl-C a few milliseconds after the first (an impatient
key, a job scheduler that sends SIGTERM twice) therefore cannot interrupt the save of the model.
A signal that the command was started ignoring (`nohup`, `cmd &` in a plain shell) stays ignored.
"""
import signal
import threading
from contextlib import contextmanager

STOPPING = [s for s in (signal.SIGINT, getattr(signal, 'SIGTERM', None), getattr(signal, 'SIGHUP', None)) if s]


def _main_thread():
    return threading.current_thread() is threading.main_thread()  # only the main thread gets signals


@contextmanager
def interrupts():
    "The first stopping signal raises KeyboardInterrupt; later ones are appended to the list yielded."
    received = []
    if not _main_thread():
        yield received
        return

    def note(signum, frame):
        received.append(signum)

    def first(signum, frame):
        received.append(signum)
        for s in handled:
            signal.signal(s, note)
        raise KeyboardInterrupt

    previous = {s: signal.getsignal(s) for s in STOPPING}
    handled = [s for s, handler in previous.items() if handler is not signal.SIG_IGN]
    for s in handled:
        signal.signal(s, first)
    try:
        yield received
    finally:
        for s in handled:
            signal.signal(s, previous[s])


@contextmanager
def signals_held():
    "Stopping signals during a save are noted in the list yielded, not acted on: the save is finished first."
    received = []
    if not _main_thread():
        yield received
        return
    previous = {s: signal.getsignal(s) for s in STOPPING}
    for s, handler in previous.items():
        if handler is not signal.SIG_IGN:
            signal.signal(s, lambda signum, frame: received.append(signum))
    try:
        yield received
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
