"""The course's checker and autograder.

Learners use :func:`check` (``from autograder import check``) or ``python -m autograder
check``; instructors use ``python -m autograder course|release|grade``. See the README and
``autograder/README.md`` (which folder runs where).
"""
from .learner.check import check, run_checks
from .learner.hints import hint
from .learner.needs import done, needs
from .learner.progress import progress

__all__ = ["check", "done", "hint", "needs", "progress", "run_checks"]
