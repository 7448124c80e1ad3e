"""What the grader takes of a learner's ``helpers/``: files up to a size, that compile.

One rule for every place that reads a submission: ``grade`` (nbgrader), the Gradescope
runner, and ``pack``, which tells the learner before they submit. A file over
:data:`MAX_HELPER_BYTES` is not graded; one that does not compile is graded, and its
exercises score 0. Nothing here runs learner code: :func:`compile` only parses it. The
learner's release ships this module with ``pack``.

Its notes are :class:`~.notes.Note` records, rendered in the course's language when shown.
"""
from __future__ import annotations

from dataclasses import dataclass

from .i18n import N_
from .notes import Note

MAX_HELPER_BYTES = 1_000_000   # a larger helpers/*.py is not graded


@dataclass(frozen=True)
class CompileFailure:
    """Why a helper file does not compile."""

    kind: str              # the exception's class: "SyntaxError", "ValueError" (null bytes)...
    message: str           # its message: "invalid syntax", "source code string cannot contain..."
    line: int | None       # the line of a syntax error, else None

    @property
    def syntax(self) -> bool:
        return self.line is not None


def compile_failure(data: bytes, filename: str) -> CompileFailure | None:
    """Why ``data``, a helper's source (``filename`` in messages), does not compile, or None."""
    try:
        compile(data, filename, "exec", dont_inherit=True)
    except SyntaxError as exc:
        return CompileFailure(type(exc).__name__, str(exc.msg), exc.lineno or 0)
    except Exception as exc:  # noqa: BLE001 - null bytes, nesting too deep, out of memory...
        return CompileFailure(type(exc).__name__, str(exc), None)
    return None


def size_note(name: str, data: bytes) -> Note | None:
    """The grader's note on ``helpers/<name>`` when it is too large to be graded, else None."""
    if len(data) <= MAX_HELPER_BYTES:
        return None
    return Note.of(N_("helpers/{file} is larger than {kb} kB: not graded"),
                   file=name, kb=MAX_HELPER_BYTES // 1000)


def compile_note(name: str, data: bytes) -> Note | None:
    """The grader's note on ``helpers/<name>`` when it does not compile, else None.

    Python's own message (``invalid syntax``) is a value, shown in English as Python says it.
    """
    failure = compile_failure(data, f"helpers/{name}")
    if failure is None:
        return None
    if failure.syntax:
        return Note.of(N_("helpers/{file} has a syntax error (line {line}: {error}): its "
                          "exercises score 0"), file=name, line=failure.line,
                       error=failure.message)
    return Note.of(N_("helpers/{file} cannot be compiled ({error}): its exercises score 0"),
                   file=name, error=failure.kind)
