"""The maintainers' tools: slide metadata, tidying the chapters, regenerating the figures.

Not part of the package a learner installs (pyproject.toml ships microgpt/ only).
"""
