"""The course's own error: :class:`CourseError`, the base of every error a command reports.

Each module raises its own subclass (an unsafe archive, a policy file that does not parse, a
pack that would not grade...) with a message written for the person who ran the command;
``python -m autograder`` catches the base once, prints ``error: <message>`` and exits with
the class's ``exit_code``. Anything else that escapes is a bug in the course, and shows its
traceback. The learner's release ships this module with the checker.
"""
from __future__ import annotations


class CourseError(RuntimeError):
    """A failure the person running a command can fix: the message says how."""

    exit_code = 1   # the command's exit status: 1 it failed, 2 it was called wrongly
