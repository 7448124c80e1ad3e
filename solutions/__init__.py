"""Reference implementation of the course's helper package.

This package mirrors ``helpers/`` module for module: copying ``solutions/*.py`` over
``helpers/`` gives a full-marks submission. ``python -m autograder stubs`` generates
``helpers/`` from it, replacing each ``### BEGIN SOLUTION`` region with a stub.
Modules import each other relatively (``from .activations import sigmoid``) so that the
copy works.
"""
