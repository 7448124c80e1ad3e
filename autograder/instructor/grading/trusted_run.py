"""The trusted grading of one submission's helper code (:mod:`autograder.instructor.trusted`,
which the Gradescope runner uses too), and the problems it notes for the summary."""
from __future__ import annotations

import tempfile
from pathlib import Path

from ...learner.evaluate import ERROR, ExerciseResult
from ...learner.i18n import N_
from ...learner.notes import Note
from ...learner.registry import Spec
from ..trusted import PreparedExercise, grade_exercises
from .submission import Submission


def _note_error(sub: Submission, spec: Spec, result: ExerciseResult) -> None:
    """A problem for the summary: a module that does not import, a crash, a timeout. The
    check's verdict is kept as its outcome (a record), so it is shown in the summary's
    language as the check shows it (its first line)."""
    if result.outcome is not None and result.outcome.kind == "import_error":
        if f"{spec.module}.py" in sub.not_compiled:     # the intake said why already
            return
        sub.note(Note.of(N_("helpers/{file} could not be imported ({verdict}): its exercises "
                            "score 0"), file=f"{spec.module}.py", verdict=result.outcome))
    elif result.outcome is not None:
        sub.note(Note.of(N_("{exercise}: {verdict}"), exercise=spec.id,
                         verdict=result.outcome))
    else:
        sub.note(Note.of(N_("{exercise}: {verdict}"), exercise=spec.id,
                         verdict=Note.text(result.message or "")))


def grade_prepared(sub: Submission, prepared: list[PreparedExercise],
                   timeout: float | None) -> None:
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
