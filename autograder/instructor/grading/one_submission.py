"""Grading one submission end to end in a worker: intake, trusted run, nbgrader,
gradebook, feedback, state."""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...learner.i18n import N_
from ...learner.notes import Note
from .. import course
from ..trusted import PreparedExercise, for_student
from .feedback import clean_feedback, regular_only, rewrite_check_cells
from .gradebook import write_gradebook
from .nbgrader_run import _quiet, run_autograde
from .state import write_state
from .submission import Submission, _timed
from .submitted import _copy_tree, preflight
from .trusted_run import grade_prepared

if TYPE_CHECKING:
    from ..jail import Jail


@dataclass
class Context:
    """What a worker needs, prepared once in the grading process (inherited by fork)."""

    submitted_dir: Path
    out_dir: Path
    api: Any                 # nbgrader's NbGraderAPI (no type information)
    released: dict[str, bytes]                       # assignment: its released notebook
    prepared: dict[str, list[PreparedExercise]]      # assignment: its exercises' cases
    jail: Jail
    timeout: float | None
    version: str = ""       # grader_version(): recorded in each state file
    salt: str = ""
    per_student: bool = False   # hidden cases of each student's own (the course's policy)
    execute: bool = False   # run each notebook in a jailed kernel (``--execute-notebooks``)


def grade_submission(ctx: Context, sub: Submission, fp: str) -> None:
    """Grade one submission end to end and record it (gradebook rows and state file)."""
    out_dir = ctx.out_dir
    dest = out_dir / "submitted" / sub.student / sub.assignment
    with _timed(sub, "intake"):
        if dest.exists():
            shutil.rmtree(dest)
        _copy_tree(ctx.submitted_dir / sub.student / sub.assignment, dest, sub)
        preflight(sub, dest, ctx.released[sub.assignment])
    with _timed(sub, "trusted"):
        prepared = ctx.prepared[sub.assignment]
        if ctx.per_student:
            prepared = for_student(prepared, ctx.salt, sub.student)
        grade_prepared(sub, prepared, ctx.timeout)
    with _timed(sub, "autograde"):
        run_autograde(ctx.api, sub, out_dir, out_dir / "logs", ctx.released[sub.assignment],
                      execute=ctx.execute)
    with _timed(sub, "gradebook"):
        # No kernel ran, or it worked on a private copy (jail.kernel_main): this folder holds
        # what the grader and nbgrader wrote. Checked all the same before the feedback.
        regular_only(out_dir / "autograded" / sub.student / sub.assignment, sub)
        problems = write_gradebook(ctx.api, [sub])
        sub.course_problems += [p for p in problems if p not in sub.course_problems]
        rewrite_check_cells(sub, out_dir)
    with _timed(sub, "feedback"):
        _feedback(ctx, sub)
    write_state(out_dir, sub, fp, "failed" if problems else "graded", ctx.version)


def _feedback(ctx: Context, sub: Submission) -> None:
    """nbgrader's feedback page of ``sub``, and nothing else in its feedback folder."""
    out_dir = ctx.out_dir
    if sub.autograded:
        log = out_dir / "logs" / f"{sub.assignment}__{sub.student}.feedback.log"
        with _quiet(log):
            result = ctx.api.generate_feedback(sub.assignment, sub.student, force=True)
        with open(log, "a", encoding="utf-8") as fh:
            fh.write((result.get("log") or "") + (result.get("error") or ""))
        folder = out_dir / "feedback" / sub.student / sub.assignment
        clean_feedback(folder, f"{sub.sprint.notebook_id}.html")
        if not (folder / f"{sub.sprint.notebook_id}.html").is_file():
            sub.note(Note.of(N_("nbgrader generate_feedback wrote no feedback ({error})"),
                             error=course.failure_text(result)[:200]))


def record_not_graded(ctx: Context, sub: Submission, fp: str) -> None:
    """Gradebook rows (0 points, the reason as the check cells' comment) and the state."""
    try:
        write_gradebook(ctx.api, [sub])
    except Exception as exc:  # noqa: BLE001 - the state file still says why
        sub.note(Note.of(N_("the gradebook could not be written ({error}: {detail})"),
                         error=type(exc).__name__, detail=str(exc)))
    write_state(ctx.out_dir, sub, fp, "not graded", ctx.version)
