"""The course's checker and autograder.

Learners use :func:`check` (``from autograder import check``) or ``python -m autograder
check``; instructors use ``python -m autograder course|release|grade``. See the README and
``autograder/README.md`` (which folder runs where).
"""
import sys as _sys

from .learner.check import check, run_checks
from .learner.hints import hint
from .learner.needs import done, needs
from .learner.progress import progress

if "matplotlib" in _sys.modules:       # a notebook's setup cell: Japanese labels render too
    from .learner.plot_fonts import use_japanese_fallback as _use_japanese_fallback

    _use_japanese_fallback()

__all__ = ["check", "done", "hint", "needs", "progress", "run_checks"]
