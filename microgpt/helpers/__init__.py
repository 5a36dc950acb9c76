"""The course's helpers: what the notebooks use around the GPT the chapters build.

Drawings (draw, browser), plots and widgets, the exercise checkers (exercises/), the learner's
progress, the set-up check, checkpoints and the command line (`python -m microgpt`), the playground.
They import the chapters' modules (microgpt/*.py); those never import them (ARCHITECTURE.md).
"""
