"""Resuming: each submission's state file (its fingerprint, the grader's version, its
results), so a killed run resumes and an unchanged submission is not graded again."""
from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from ...learner.evaluate import ERROR, ExerciseResult
from ...learner.i18n import N_
from ...learner.notes import Note
from .. import course
from ..trusted import Trusted
from .submission import Submission
from .submitted import MAX_FILE_BYTES
from .text import MAX_MESSAGE_CHARS, capped


def fingerprint(folder: Path, salt: str, released: bytes, version: str = "") -> str:
    """What a submission's grade depends on: its files, the salt, the released notebook and
    the grader's ``version`` (:func:`grader_version`: a fix to the grader regrades).

    Files are hashed in chunks, links and special files by name only, and files past
    :data:`MAX_FILE_BYTES` by name and size (they are not graded either).
    """
    import hashlib

    h = hashlib.sha256()
    h.update(salt.encode() + b"\0" + hashlib.sha256(released).digest() + b"\0" +
             version.encode())
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames, key=os.fsencode):
            path = os.path.join(dirpath, name)
            h.update(os.fsencode(os.path.relpath(path, folder)) + b"\0")
            info = os.lstat(path)
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
                h.update(f"{stat.S_IFMT(info.st_mode)}:{info.st_size}".encode())
                continue
            h.update(_file_digest(path))
    return h.hexdigest()


def _file_digest(path) -> bytes:
    import hashlib

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        return f"unreadable:{type(exc).__name__}".encode()
    with open(fd, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").digest()


def grader_version(repo: Path | None = None) -> str:
    """A hash of what grading depends on besides the submission: the grader's code with the
    exercise declarations (``autograder/``) and the reference (``solutions/``)."""
    import hashlib

    h = hashlib.sha256()
    roots = [Path(__file__).resolve().parents[2], Path(repo or course.ROOT).resolve() / "solutions"]
    if repo is not None:
        roots.append(Path(repo).resolve() / "autograder")
    for root in dict.fromkeys(roots):
        for path in sorted(root.rglob("*.py")):
            if "__pycache__" not in path.parts and path.is_file():
                h.update(str(path.relative_to(root)).encode() + b"\0")
                h.update(_file_digest(path))
    return h.hexdigest()[:16]


def state_path(out_dir: Path, student: str, assignment: str) -> Path:
    return out_dir / "state" / f"{student}-{assignment}.json"


def write_state(out_dir: Path, sub: Submission, fp: str, status: str, version: str = "",
                ) -> None:
    """``OUT/state/<student>-<assignment>.json``, written atomically (rename)."""
    import json

    path = state_path(out_dir, sub.student, sub.assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"student": sub.student, "assignment": sub.assignment, "status": status,
           "fingerprint": fp, "version": version,
           "reason": sub.reason.as_json() if sub.reason else "",
           "problems": [note.as_json() for note in sub.problems],
           "course_problems": sub.course_problems, "autograded": sub.autograded,
           "timing": {step: t.as_dict() for step, t in sub.timing.items()},
           "results": [r.as_row() | {"title": r.title, "seconds": r.seconds,
                                     "message": capped(r.message, 4 * MAX_MESSAGE_CHARS)}
                       for r in sub.results]}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def read_state(out_dir: Path, sub: Submission) -> dict[str, Any] | None:   # JSON of write_state
    import json

    try:
        return json.loads(state_path(out_dir, sub.student, sub.assignment).read_text("utf-8"))
    except (OSError, ValueError):
        return None


def restore(sub: Submission, doc: dict[str, Any]) -> None:
    """Fill ``sub`` from its state record (a submission graded by an earlier run). Notes
    an older grader wrote as plain strings are kept as they were (literal notes)."""
    sub.problems = [Note.from_json(note) for note in doc.get("problems", [])]
    sub.course_problems = list(doc.get("course_problems", []))
    reason = doc.get("reason")
    sub.reason = Note.from_json(reason) if reason else None
    sub.autograded = doc.get("autograded", False)
    sub.trusted = []
    for row in doc.get("results", []):
        sub.trusted.append(Trusted(ExerciseResult.from_row(row), 0, 0))


def _restore_or_not_graded(sub: Submission, doc: dict[str, Any]) -> None:
    try:
        restore(sub, doc)
    except Exception as exc:  # noqa: BLE001 - a damaged state file: this submission only
        not_graded(sub, Note.of(N_("its state file could not be read ({error})"),
                                error=type(exc).__name__))


def not_graded(sub: Submission, reason: Note) -> None:
    """Every exercise of ``sub`` scores 0, with ``reason``. Its results keep the reason in
    English (data: grades.csv's message); the summary renders the note."""
    sub.reason = reason
    sub.note(reason)
    sub.trusted = [Trusted(ExerciseResult(id=spec.id, title=spec.title, status=ERROR,
                                          passed=0, total=0, points=spec.points, score=0.0,
                                          message=f"not graded: {reason.english()}"), 0, 0)
                   for spec in sub.sprint.exercises]
