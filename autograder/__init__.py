"""The course's checker and autograder.

Learners use :func:`check` (``from autograder import check``) or ``python -m autograder
check``; instructors use ``python -m autograder course|release|grade``. See the README.
"""
from .check import check, run_checks
from .hints import hint
from .needs import done, needs

__all__ = ["check", "done", "hint", "needs", "run_checks"]
