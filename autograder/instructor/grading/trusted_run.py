"""The trusted grading of one submission's helper code (:mod:`autograder.instructor.trusted`,
which the Gradescope runner uses too), and the problems it notes for the summary."""
from __future__ import annotations

import tempfile
from pathlib import Path

from ...learner.evaluate import ERROR, ExerciseResult
from ...learner.verdict import render
from ..trusted import _first_line, grade_exercises
from .submission import Submission


def _note_error(sub: Submission, spec, result: ExerciseResult) -> None:
    """A problem for the summary: a module that does not import, a crash, a timeout."""
    module = f"helpers/{spec.module}.py"
    if result.outcome is not None and result.outcome.kind == "import_error":
        if f"{spec.module}.py" in sub.not_compiled:     # the intake said why already
            return
        detail = _first_line(render(result.outcome, graded=True), 200)
        sub.note(f"{module} could not be imported ({detail}): its exercises score 0")
    else:
        sub.note(f"{spec.id}: {_first_line(render(result.outcome, graded=True), 200)}")


def grade_prepared(sub: Submission, prepared: list, timeout) -> None:
    """Trusted grading of one submission on cases prepared once per exercise."""
    sub.trusted = []
    with tempfile.TemporaryDirectory(prefix="course-grade-") as tmp:
        helpers_dir = Path(tmp) / "helpers"
        helpers_dir.mkdir()
        for name, data in (sub.helpers or {}).items():
            (helpers_dir / name).write_bytes(data)
        for (spec, _, _), trusted in zip(prepared,
                                         grade_exercises(prepared, helpers_dir, timeout)):
            sub.trusted.append(trusted)
            if trusted.result.status == ERROR and sub.helpers is not None and \
                    f"{spec.module}.py" in sub.helpers:
                _note_error(sub, spec, trusted.result)
