"""The summary of a grading run as a record: ``OUT/summary.json``, and its human rendering.

``python -m autograder grade`` ends with a :class:`GradingSummary`: how many submissions it
graded, each student's score per assignment, the problems it noted per submission (and the
folders it skipped), the course's own problems and the run's notes. The record is what other
code reads (:func:`load_summary`: the class report lists the problems from it);
``OUT/summary.txt`` and what ``grade`` prints are only :func:`render_summary` of it, in the
course's language (``COURSE_LANG``), so nothing ever parses the text back.

A problem is a :class:`~autograder.learner.notes.Note`: the grader's English message with
``{placeholders}`` and its values (``helpers/{file} has a syntax error ...``), stored as such in
the record (``{"where": ..., "note": {"message": ..., "values": {...}}}``) and rendered, like
everything around it, in the course's language when shown (``summary.txt``, what ``grade``
prints, the class report). A note an older grader wrote as a plain string (in a state file,
or a record of format 1, whose problems have a ``text``) is shown as it was written. A grading
folder made before the record existed has a ``summary.txt`` and no ``summary.json``:
:func:`load_summary` returns ``None`` for it, and grading the folder again writes the record
(as any run, it resumes from ``OUT/state/`` what neither the submission nor the grader changed
since, and grades the rest again).
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ...learner.errors import CourseError
from ...learner.i18n import _
from ...learner.notes import Note
from ...learner.sprints import sprint_key
from ..course import SALT_FILE
from .submission import Submission
from .text import printable

RECORD_FILE = "summary.json"
TEXT_FILE = "summary.txt"
FORMAT = 2                 # the record's format; a reader refuses a newer one
# format 2: a problem's note is a record (message and values); format 1 had its English text


class SummaryError(CourseError):
    """A ``summary.json`` that cannot be read as this grader's record."""


@dataclass(frozen=True)
class Problem:
    """Something the grader noted about one submission (``where``: ``student/assignment``),
    or about a folder it did not grade (``where`` empty: the note names the folder). A
    plain string given as ``note`` is a finished text (a literal note)."""

    where: str
    note: Note

    def __post_init__(self):
        if isinstance(self.note, str):
            object.__setattr__(self, "note", Note.text(self.note))

    def as_json(self) -> dict[str, Any]:
        return {"where": self.where, "note": self.note.as_json()}

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Problem:   # JSON of as_json
        """A problem of the record: format 2's ``note``, or format 1's English ``text``."""
        if "note" in doc:
            return cls(str(doc["where"]), Note.from_json(doc["note"]))
        return cls(str(doc["where"]), Note.text(doc["text"]))


@dataclass(frozen=True)
class Score:
    """One student's total on one assignment."""

    student: str
    assignment: str
    score: float
    points: float


@dataclass
class GradingSummary:
    """What one run of ``grade`` did (see the module)."""

    submissions: int
    students: list[str]
    assignments: list[str]
    scores: list[Score]
    problems: list[Problem]                 # per submission, then the skipped folders
    course_problems: list[str]              # the grader could not record every grade
    seconds: float
    out_dir: str
    resumed: int = 0                        # kept from OUT/state/, not graded again
    stale: int = 0                          # graded again: the grader changed
    grader_version: str = ""
    own_salt: bool = False                  # hidden cases from the course folder's salt
    unjailed: str = ""                      # the jail's warning when learner code ran unjailed
    deadlines: str = ""                     # what applying the course's deadlines reported
    format: int = FORMAT

    def score_of(self, student: str, assignment: str) -> Score | None:
        return next((s for s in self.scores
                     if s.student == student and s.assignment == assignment), None)


def build_summary(subs: list[Submission], skipped: list[Note], course_problems: list[str],
                  out_dir: Path, seconds: float, **notes: Any) -> GradingSummary:
    """The record of a run over the submissions ``subs`` (each with its results and
    problems), the folders ``skipped`` (each a :class:`Note`) and ``course_problems``;
    ``notes``: the other fields of :class:`GradingSummary` (``resumed``, ``stale``...)."""
    ordered = sorted(subs, key=lambda s: (s.student, sprint_key(s.assignment)))
    return GradingSummary(
        submissions=len(subs),
        students=sorted({s.student for s in subs}),
        assignments=sorted({s.assignment for s in subs}, key=sprint_key),
        scores=[Score(s.student, s.assignment, sum(r.score for r in s.results),
                      sum(r.points for r in s.results)) for s in ordered],
        problems=[Problem(s.key, p) for s in sorted(subs, key=lambda s: (s.student,
                                                                         s.assignment))
                  for p in s.problems] + [Problem("", p) for p in skipped],
        course_problems=list(course_problems), seconds=float(seconds), out_dir=str(out_dir),
        **notes)


# --------------------------------------------------------------------------- the record
def write_summary(out_dir: Path, record: GradingSummary) -> tuple[Path, Path]:
    """``OUT/summary.json`` (the record) and ``OUT/summary.txt`` (its rendering), each
    written atomically; returns their paths."""
    out_dir = Path(out_dir)
    doc = asdict(record) | {"problems": [p.as_json() for p in record.problems]}
    paths = (out_dir / RECORD_FILE, out_dir / TEXT_FILE)
    for path, text in zip(paths, (json.dumps(doc, indent=1, ensure_ascii=False) + "\n",
                                  render_summary(record) + "\n")):
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    return paths


def load_summary(grading_dir: Path) -> GradingSummary | None:
    """The record of ``GRADING/summary.json``; ``None`` when the folder has none (graded
    before the record existed: see the module). Raises :class:`SummaryError` for a record
    that is damaged or of a newer format."""
    path = Path(grading_dir) / RECORD_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SummaryError(f"{path} could not be read ({exc.strerror})") from None
    try:
        doc = json.loads(text)
        if not isinstance(doc, dict):
            raise TypeError("not an object")
        version = doc.get("format")
        if not isinstance(version, int) or version > FORMAT:
            raise SummaryError(f"{path} is a grading summary of format {version!r}, newer "
                               f"than this grader's ({FORMAT}): update the course's code")
        known = set(GradingSummary.__dataclass_fields__)
        fields = {k: v for k, v in doc.items() if k in known}
        fields["scores"] = [Score(**s) for s in fields.get("scores", [])]
        fields["problems"] = [Problem.from_json(p) for p in fields.get("problems", [])]
        record = GradingSummary(**fields)
    except SummaryError:
        raise
    except (ValueError, TypeError, KeyError) as exc:
        raise SummaryError(f"{path} is not a grading summary ({type(exc).__name__}: {exc})"
                           ) from None
    return record


# --------------------------------------------------------------------------- the text
def problem_lines(record: GradingSummary) -> list[str]:
    """Each problem as one line, in the course's language: ``ann/sprint1: <its note>``, or
    the note of a skipped folder (it names the folder). One problem is one line, whatever
    its values hold: control characters, newlines included, are shown escaped
    (:func:`printable`)."""
    return [printable(f"{p.where}: {p.note.render()}" if p.where else p.note.render(),
                      keep="") for p in record.problems]


def render_summary(record: GradingSummary) -> str:
    """The summary as ``grade`` prints it and ``summary.txt`` keeps it, in the course's
    language; control characters of the learners' names and files shown escaped."""
    out_dir = Path(record.out_dir)
    head = _("student")
    width = max([len(head), *map(len, record.students)]) + 2
    lines = []
    if record.unjailed:
        lines += [_("LEARNER CODE RAN UNJAILED: {warning}").format(warning=record.unjailed), ""]
    lines += [_("Graded {count} submission(s) of {students} student(s) ({assignments}) in "
                "{seconds} s.").format(count=record.submissions, students=len(record.students),
                                       assignments=", ".join(record.assignments),
                                       seconds=f"{record.seconds:.0f}"),
              _("Grades: {grades}   feedback: {feedback}/").format(
                  grades=out_dir / "grades.csv", feedback=out_dir / "feedback"),
              _("Free-text answers are graded by hand (nbgrader formgrader, course folder "
                "{folder}).").format(folder=out_dir), "",
              head.ljust(width) + "".join(a.ljust(12) for a in record.assignments)
              + _("total")]
    for st in record.students:
        row, got, tot = st.ljust(width), 0.0, 0.0
        for a in record.assignments:
            s = record.score_of(st, a)
            if s is None:
                row += "-".ljust(12)
                continue
            got, tot = got + s.score, tot + s.points
            row += f"{s.score:g}/{s.points:g}".ljust(12)
        lines.append(row + f"{got:g}/{tot:g}")
    lines.append("")
    if record.problems:
        lines.append(_("Problems:"))
        lines += [f"  {ln}" for ln in problem_lines(record)]
    else:
        lines.append(_("Problems: none"))
    if record.course_problems:
        lines += ["", _("Course problems (the grader could not record every grade):")]
        lines += [f"  {printable(p, keep='')}" for p in record.course_problems]
    notes = [record.deadlines] if record.deadlines else []
    if record.resumed:
        notes.append(_("{count} submission(s) already graded with the same files and grader: "
                       "kept from {folder}/ (use --regrade STUDENT to regrade)").format(
                           count=record.resumed, folder=out_dir / "state"))
    if record.stale:
        notes.append(_("{count} submission(s) graded again: the grader (its code, the "
                       "exercises or the reference) changed since they were graded").format(
                           count=record.stale))
    if record.grader_version:
        notes.append(_("Grader version {version} (a hash of autograder/ and solutions/)."
                       ).format(version=record.grader_version))
    if record.own_salt:
        notes.append(_("Hidden cases: the course's own salt ({file} in {folder}; keep it "
                       "private)").format(file=SALT_FILE, folder=out_dir))
    if record.unjailed:
        notes.append(_("WARNING: {warning}").format(warning=record.unjailed))
    if notes:
        lines += ["", *notes]
    return printable("\n".join(lines))
