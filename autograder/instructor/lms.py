"""Grades in the files learning platforms import: ``python -m autograder lms GRADING``.

From a grading folder's ``grades.csv`` (one row per student, assignment and exercise) this
writes one row per student and one column per assignment (the sum of its exercises' scores),
in the layout a gradebook import reads:

* **Canvas** (Grades > Import, "How do I import grades in the Gradebook?"): the columns
  ``Student, ID, SIS User ID, SIS Login ID, Section`` then one column per assignment. A column
  named ``Name (assignment id)`` updates that Canvas assignment; a name without an id creates a
  new one. The second row is ``Points Possible`` with each assignment's maximum. Canvas needs
  one of Student (name), ID or SIS User ID to find the student; an empty score cell leaves the
  grade as it is.
* **Moodle** (Grades > Import > CSV file, ``grade/import/csv``): a header row, one column that
  identifies the user (Moodle maps it to ``userid``, ``username``, ``useridnumber`` or
  ``useremail``; here ``Email address``, ``ID number`` or ``Username``), then one column per
  grade item, mapped to an existing item or "new grade item" on the import page.
* **generic**: ``student``, the roster's identifiers, one column per assignment, ``total`` and
  ``max_total`` (every graded assignment's points), for any other platform or a spreadsheet.

Once the course's policy is applied (``grade --policy`` or ``late``), the scores exported are
the final ones, after the late penalty (:func:`late_adjusted`; a flagged submission stops the
export until someone decides); ``late=False`` exports them as graded.

The roster (CSV) maps the course's student ids (the folder names of ``SUBMITTED/``) to the
platform's identifiers; its columns are ``student`` and any of ``name``, ``canvas_id``,
``sis_user_id``, ``sis_login_id``, ``section``, ``email``, ``idnumber``, ``username``. A
graded student missing from the roster is never dropped silently: the export refuses and
names them. A roster student with no grade gets an empty cell (the platform keeps what it has).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..learner.errors import CourseError
from ..learner.sprints import sprint_key
from .csv_files import open_csv
from .report import GradeRow, load_grades

FORMATS = ("canvas", "moodle", "generic")
ROSTER_COLUMNS = ("name", "canvas_id", "sis_user_id", "sis_login_id", "section", "email",
                  "idnumber", "username")
CANVAS_FIXED = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_FROM_ROSTER = dict(zip(CANVAS_FIXED, ("name", "canvas_id", "sis_user_id",
                                             "sis_login_id", "section")))
MOODLE_IDENTIFIERS = {"email": "Email address", "idnumber": "ID number",
                      "username": "Username"}


#: ``{student id: {roster column: value}}`` (:func:`load_roster`)
Roster = dict[str, dict[str, str]]


class LmsError(CourseError):
    """The roster or the grades cannot make an import the platform would take."""


@dataclass(frozen=True)
class StudentTotals:
    """One student's score per assignment (absent: not graded in that assignment)."""

    student: str
    scores: dict[str, float]     # assignment -> points scored


@dataclass
class Gradebook:
    """The class's totals per assignment, ready to be written in a platform's layout."""

    assignments: list[str]            # course order
    max_points: dict[str, float]      # assignment -> points possible
    students: list[StudentTotals]     # by student id


def gradebook(rows: list[GradeRow]) -> Gradebook:
    """Sum ``grades.csv`` rows (as :func:`autograder.instructor.report.load_grades` reads them)."""
    scores: dict[str, dict[str, float]] = {}      # student -> {assignment: points scored}
    maxima: dict[str, dict[str, float]] = {}      # assignment -> {exercise: max_score}
    for r in rows:
        a = r.assignment
        scores.setdefault(r.student, {}).setdefault(a, 0.0)
        scores[r.student][a] += r.score
        maxima.setdefault(a, {})[r.exercise] = max(r.max_score,
                                                   maxima.get(a, {}).get(r.exercise, 0))
    assignments = sorted(maxima, key=sprint_key)
    return Gradebook(assignments, {a: sum(maxima[a].values()) for a in assignments},
                     [StudentTotals(s, scores[s]) for s in sorted(scores)])


def load_roster(path: Path) -> Roster:
    """``{student id: {column: value}}`` from the roster CSV (``student`` plus identifiers)."""
    path = Path(path)
    if not path.is_file():
        raise LmsError(f"no roster file {path}")
    with open_csv(path, LmsError) as table:
        columns = [c.strip() for c in table.columns]
        if "student" not in columns:
            raise LmsError(f"{path} has no 'student' column (the course's student ids, as "
                           f"in SUBMITTED/<student>/); its columns: {', '.join(columns)}")
        unknown = [c for c in columns if c not in ("student", *ROSTER_COLUMNS)]
        if unknown:
            raise LmsError(f"{path}: unknown column(s) {', '.join(unknown)}; a roster has "
                           f"'student' and any of {', '.join(ROSTER_COLUMNS)}")
        roster: Roster = {}
        for number, cells in table.rows():
            row = {k.strip(): (v or "").strip() for k, v in cells.items() if k}
            sid = row.pop("student")
            if not sid:
                raise table.error_at(number, "no student id")
            if sid in roster:
                raise table.error_at(number, f"student {sid!r} listed twice")
            roster[sid] = row
    return roster


@dataclass
class Export:
    """The file's text and what a human should know before importing it."""

    text: str
    ungraded: list[str] = field(default_factory=list)   # roster students with no grade at all


#: What a spreadsheet reads as a formula at the start of a cell (OWASP's "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert(text: str) -> str:
    """A text cell a spreadsheet shows as text: a leading ``'`` before a formula start."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _number(x: float) -> str:
    return f"{round(x, 4):g}"


def _headers(book: Gradebook, columns: dict[str, str] | None) -> list[str]:
    columns = columns or {}
    unknown = sorted(set(columns) - set(book.assignments))
    if unknown:
        raise LmsError(f"column names given for {', '.join(unknown)}, which no grade is for "
                       f"(assignments graded: {', '.join(book.assignments)})")
    return [columns.get(a, a) for a in book.assignments]


def export(book: Gradebook, roster: Roster, fmt: str, *, columns: dict[str, str] | None = None,
           moodle_id: str = "email") -> Export:
    """The import file for ``fmt`` (``canvas``, ``moodle`` or ``generic``).

    ``columns`` names each assignment's column (e.g. ``{"sprint1": "Sprint 1 (4821)"}`` for a
    Canvas assignment whose id is 4821); by default the column is the assignment id.
    """
    if fmt not in FORMATS:
        raise LmsError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
    graded = {s.student: s for s in book.students}
    missing = sorted(set(graded) - set(roster))
    if missing:
        raise LmsError(f"{len(missing)} graded student(s) not in the roster: "
                       f"{', '.join(missing)}; add them (or they would get no grade)")
    headers = _headers(book, columns)
    ident: list[str | None]      # the roster column of each fixed column (None: the student id)
    if fmt == "canvas":
        need = [s for s, r in roster.items()
                if not (r.get("name") or r.get("canvas_id") or r.get("sis_user_id"))]
        if need:
            raise LmsError("Canvas finds a student by name, Canvas ID or SIS User ID; the "
                           f"roster gives none of them for {', '.join(sorted(need))}")
        fixed = list(CANVAS_FIXED)
        ident = [CANVAS_FROM_ROSTER[c] for c in CANVAS_FIXED]
    elif fmt == "moodle":
        if moodle_id not in MOODLE_IDENTIFIERS:
            raise LmsError(f"Moodle identifies users here by one of "
                           f"{', '.join(MOODLE_IDENTIFIERS)}, not {moodle_id!r}")
        need = [s for s, r in roster.items() if not r.get(moodle_id)]
        if need:
            raise LmsError(f"the roster has no {moodle_id} for {', '.join(sorted(need))}")
        values = [r[moodle_id] for r in roster.values()]
        doubled = sorted({v for v in values if values.count(v) > 1})
        if doubled:
            raise LmsError(f"{moodle_id} shared by several students: {', '.join(doubled)}")
        fixed = [MOODLE_IDENTIFIERS[moodle_id]]
        ident = [moodle_id]
    else:
        present = [c for c in ROSTER_COLUMNS if any(r.get(c) for r in roster.values())]
        fixed = ["student", *present]
        ident = [None, *present]
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(fixed + headers + (["total", "max_total"] if fmt == "generic" else []))
    if fmt == "canvas":
        w.writerow(["Points Possible"] + [""] * (len(fixed) - 1) +
                   [_number(book.max_points[a]) for a in book.assignments])
    ungraded = []
    for sid in sorted(roster):
        r = roster[sid]
        scores = graded[sid].scores if sid in graded else {}
        if not scores:
            ungraded.append(sid)
        # Roster text can be a learner's own (a display name): no cell may start a formula
        # when the instructor opens the file. The cell the platform matches the student on
        # must stay exact, so such an identifier is refused instead.
        match = {"canvas": ("canvas_id", "sis_user_id") if r.get("canvas_id") or
                 r.get("sis_user_id") else ("name",),
                 "moodle": (moodle_id,)}.get(fmt, ())
        bad = [c for c in match if r.get(c, "").startswith(FORMULA_START)]
        if bad:
            raise LmsError(f"{sid}: the roster's {bad[0]} {r[bad[0]]!r} starts like a "
                           "spreadsheet formula; identify this student by another column")
        cells = [sid if c is None else r.get(c, "") if c in match else _inert(r.get(c, ""))
                 for c in ident]
        cells += [_number(scores[a]) if a in scores else "" for a in book.assignments]
        if fmt == "generic":
            cells += [_number(sum(scores.values())),
                      _number(sum(book.max_points.values()))]
        w.writerow(cells)
    return Export(out.getvalue(), ungraded)


def late_adjusted(rows: list[GradeRow]) -> list[GradeRow]:
    """grades.csv rows with ``score`` replaced by ``final_score``, the score after the
    course's late penalty (the columns ``grade --policy`` or ``late`` write); refuses while a
    submission is flagged (a human decides its lateness first)."""
    if not rows or "final_score" not in (rows[0].late or {}):
        raise LmsError("grades.csv has no late columns: give the course's policy (`python -m "
                       "autograder late GRADING --policy policy.toml`), or export --raw scores")
    flagged = sorted({f"{r.student}/{r.assignment}" for r in rows
                      if (r.late or {}).get("late_status") == "flagged"})
    if flagged:
        raise LmsError(f"{len(flagged)} submission(s) flagged by the late policy "
                       f"({', '.join(flagged)}): give their time (`late --times`), an "
                       "extension or a due date in the policy first, or export --raw scores")
    return [replace(r, score=float((r.late or {})["final_score"])) for r in rows]


def write_export(grading_dir: Path, roster_path: Path, fmt: str, out: Path | None = None, *,
                 columns: dict[str, str] | None = None, moodle_id: str = "email",
                 late: bool | None = None) -> tuple[Path, Export]:
    """Write GRADING_DIR/grades-<fmt>.csv (or ``out``); returns ``(path, Export)``.

    ``late``: None (default) exports the final scores (after the late penalty) when
    grades.csv carries the course's late columns, the scores as graded when it has none;
    True insists on the final scores, False exports the raw scores as graded.
    """
    rows = load_grades(Path(grading_dir) / "grades.csv")
    if late is None:
        late = "final_score" in (rows[0].late or {})
    book = gradebook(late_adjusted(rows) if late else rows)
    result = export(book, load_roster(roster_path), fmt, columns=columns, moodle_id=moodle_id)
    path = Path(out) if out else Path(grading_dir) / f"grades-{fmt}.csv"
    path.write_text(result.text, encoding="utf-8")
    return path, result
