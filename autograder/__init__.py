"""The course's checker and autograder.

Learners use :func:`check` (``from autograder import check``) or ``python -m autograder
check``; instructors use ``python -m autograder course|release|grade``. See the README.
"""
import sys as _sys

from .check import check, run_checks
from .hints import hint
from .needs import done, needs

if "matplotlib" in _sys.modules:       # a notebook's setup cell: Japanese labels render too
    from .plot_fonts import use_japanese_fallback as _use_japanese_fallback

    _use_japanese_fallback()

__all__ = ["check", "done", "hint", "needs", "run_checks"]
