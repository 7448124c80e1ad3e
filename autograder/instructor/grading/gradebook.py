"""The trusted scores into nbgrader's gradebook (one writer at a time)."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .submission import Submission


def write_gradebook(api: Any, subs: list[Submission]) -> list[str]:   # Any: NbGraderAPI
    """Put the trusted scores in the gradebook; returns course-level problems.

    Only the rows of ``subs`` change; the write holds the course's gradebook lock.
    """
    from nbgrader.api import Gradebook, MissingEntry

    problems = []
    with gradebook_lock(api), Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        for sub in subs:
            nb_id = sub.sprint.notebook_id
            for spec, result in zip(sub.sprint.exercises, sub.results):
                try:
                    grade = gb.find_grade(spec.grade_id, nb_id, sub.assignment, sub.student)
                except MissingEntry:
                    try:
                        gb.update_or_create_submission(sub.assignment, sub.student)
                        grade = gb.find_grade(spec.grade_id, nb_id, sub.assignment, sub.student)
                    except MissingEntry:
                        problems.append(f"{sub.assignment}: the notebook has no check cell "
                                        f"with grade_id {spec.grade_id!r}")
                        continue
                if grade.max_score != spec.points:
                    problems.append(f"{sub.assignment}: check cell {spec.grade_id} gives "
                                    f"{grade.max_score:g} points, the registry {spec.points:g}")
                grade.auto_score = float(result.score)
                grade.manual_score = None
                grade.extra_credit = None
                grade.needs_manual_grade = False
                _set_comment(gb, spec.grade_id, nb_id, sub,
                             sub.reason.render() if sub.reason else "")
        gb.db.commit()
    return sorted(set(problems))


@contextmanager
def gradebook_lock(api: Any) -> Iterator[None]:
    """One writer at a time on the gradebook (workers grade in parallel; SQLite locks)."""
    import fcntl

    path = Path(api.coursedir.root) / ".gradebook.lock"
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ensure_students(api: Any, students: list[str]) -> None:
    """Every student in the gradebook before the workers start.

    nbgrader's autograde creates a missing student (find, then insert): two workers grading
    two assignments of the same new student at once could both insert it.
    """
    from nbgrader.api import Gradebook

    with gradebook_lock(api), Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        known = {s.id for s in gb.students}
        for student in students:
            if student not in known:
                gb.add_student(student)


def _set_comment(gb, grade_id: str, nb_id: str, sub: Submission, text: str) -> None:
    """The check cell's comment in the gradebook: why it scored 0 when it was not graded."""
    from nbgrader.api import MissingEntry

    try:
        comment = gb.find_comment(grade_id, nb_id, sub.assignment, sub.student)
    except MissingEntry:
        return
    comment.auto_comment = text or None
