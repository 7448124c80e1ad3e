"""The course's policy: deadlines, extensions, late penalties, and how hidden cases are dealt.

Applied by ``python -m autograder grade SUBMITTED --out GRADING --policy P`` once grades.csv
is written, and again (without regrading) by ``python -m autograder late GRADING``: grades.csv
gets the late columns (:data:`LATE_COLUMNS`), which the class report, the per-student pages
(:mod:`autograder.instructor.late_report`) and the LMS exports (:mod:`autograder.instructor.lms`)
read; the Gradescope bundle applies the same file to Gradescope's submission times.

One policy file per course (TOML)::

    timezone = "Asia/Tokyo"        # due dates and timestamps written without an offset
    late_penalty_per_day = 0.1     # fraction of the points lost per started day late
    max_penalty = 0.5              # the penalty never exceeds this fraction
    grace_minutes = 10             # default grace after every due date

    [sprints.sprint1]
    due = 2026-10-05T23:59:00      # a TOML date-time (with or without an offset)
    grace_minutes = 30             # optional: this sprint's grace
    late_penalty_per_day = 0.2     # optional: this sprint's penalty per day

    [extensions.alice]             # per student and sprint: extra days, or a new due date
    sprint1 = 3
    sprint2 = 2026-10-20T12:00:00

    [accommodations]               # standing: extra days on every sprint's due date
    bob = 2

    [hidden]                       # optional (HiddenCases)
    per_student = true             # hidden cases seeded from the salt and the student's id
    reveal_after_deadline = true   # details of a failing hidden case once the sprint is over

A student's due date is the sprint's, plus their standing accommodation's days, plus their
extension's days for that sprint; an extension given as a date-time replaces the due date
(the accommodation is not added to it). A submission is late when its time is after the due
date plus the grace; it is then late by the number of started days past that moment, and loses
``min(days * late_penalty_per_day, max_penalty)`` of its points.

The submission's time is nbgrader's ``timestamp.txt`` (``nbgrader submit`` writes
``%Y-%m-%d %H:%M:%S.%f %Z``, e.g. ``2026-10-05 14:59:01.123456 UTC``; ``collect-zip`` writes
the platform's time from the file name). A missing, empty or unreadable timestamp, or a sprint
the policy gives no due date, is **flagged** for a human — never counted as on time.
"""
from __future__ import annotations

import csv
import math
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..learner.errors import CourseError
from .csv_files import open_csv

ON_TIME, LATE, FLAGGED = "on time", "late", "flagged"
TIMESTAMP_FILE = "timestamp.txt"
TIMES_SOURCE = "submitted_at in the times CSV"   # a time from load_times, in the notes
DAY = timedelta(days=1)

# What a timestamp may look like (strict: a lenient parser reads "5" as a day of this month)
_STAMP = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[ T](?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)"
    r"(?:\s*(?P<offset>Z|[+-]\d{2}:?\d{2})|\s+(?P<zone>[A-Za-z][A-Za-z0-9_+/-]*))?$")


class PolicyError(CourseError):
    """The policy file cannot be used (its reason names the key)."""


@dataclass(frozen=True)
class HiddenCases:
    """The course's ``[hidden]`` settings.

    ``per_student``: every student gets hidden cases of their own (seeded from the course's
    salt and their id, :func:`autograder.instructor.trusted.student_salt`), so answers passed around
    do not carry. ``reveal_after_deadline``: once a sprint is over for the whole class
    (:meth:`Policy.last_due`, by the grader's clock), feedback shows the failing hidden
    case's inputs and expected output."""

    per_student: bool = False
    reveal_after_deadline: bool = False


@dataclass(frozen=True)
class SprintRule:
    due: datetime              # aware
    grace: timedelta
    per_day: float
    cap: float


@dataclass
class Policy:
    zone: ZoneInfo
    sprints: dict[str, SprintRule]
    #: student -> {sprint: extra days, or a new due date (aware)}
    extensions: dict[str, dict[str, float | datetime]] = field(default_factory=dict)
    accommodations: dict[str, float] = field(default_factory=dict)  # student -> days
    #: the course-wide grace, penalty per day and cap (a sprint's rule may override them)
    default: SprintRule | None = None
    hidden: HiddenCases = field(default_factory=HiddenCases)

    def __post_init__(self):
        if self.hidden is None:   # given as None: the defaults
            self.hidden = HiddenCases()

    def last_due(self, sprint: str) -> datetime | None:
        """The moment the sprint is over for the whole class: the latest due date any
        student has (their extension, their accommodation) plus the grace; None when the
        policy gives the sprint no due date."""
        if sprint not in self.sprints:
            return None
        students = [""] + sorted(self.students_named())
        return max(self.due_for(s, sprint)[0] for s in students) + self.sprints[sprint].grace

    def reveals(self, sprint: str, now: datetime) -> bool:
        """Whether feedback may show the sprint's hidden cases at ``now`` (the grader's
        clock, never a submission's): only when the course says so and the sprint is over
        for every student (:meth:`last_due`)."""
        last = self.last_due(sprint)
        return bool(self.hidden.reveal_after_deadline and last is not None and now > last)

    def with_due(self, sprint: str, due: datetime) -> Policy:
        """This policy, with ``due`` as ``sprint``'s due date where it gives none (the
        course-wide grace, penalty and cap apply): Gradescope's own due date, for one."""
        if sprint in self.sprints or self.default is None:
            return self
        rule = SprintRule(due, self.default.grace, self.default.per_day, self.default.cap)
        return Policy(self.zone, {**self.sprints, sprint: rule}, self.extensions,
                      self.accommodations, self.default, self.hidden)

    def students_named(self) -> set[str]:
        return set(self.extensions) | set(self.accommodations)

    def due_for(self, student: str, sprint: str) -> tuple[datetime, str]:
        """``(due, why)``: the student's due date for the sprint (before the grace)."""
        rule = self.sprints[sprint]
        ext = self.extensions.get(student, {}).get(sprint)
        if isinstance(ext, datetime):
            return ext, f"extension to {ext.isoformat()}"
        due, why = rule.due, []
        extra = self.accommodations.get(student, 0)
        if extra:
            due += timedelta(days=extra)
            why.append(f"accommodation +{extra:g} day(s)")
        if ext:
            due += timedelta(days=ext)
            why.append(f"extension +{ext:g} day(s)")
        return due, ", ".join(why)


@dataclass(frozen=True)
class Lateness:
    """What the policy says of one submission."""

    student: str
    assignment: str
    status: str                    # ON_TIME, LATE or FLAGGED
    submitted: datetime | None     # aware, None when flagged for its timestamp
    due: datetime | None           # the student's due date (with extensions), before grace
    days_late: int = 0
    penalty: float = 0.0           # fraction of the points lost (0 unless LATE)
    note: str = ""                 # extensions applied, or why it is flagged

    def as_row(self) -> dict[str, str | int]:
        return {"late_status": self.status, "days_late": self.days_late,
                "penalty": f"{self.penalty:g}",
                "submitted_at": self.submitted.isoformat() if self.submitted else "",
                "due_at": self.due.isoformat() if self.due else "", "late_note": self.note}


# --------------------------------------------------------------------------- reading
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise PolicyError(f"timezone {name!r} is not a time zone name such as 'UTC' or "
                          "'Asia/Tokyo'") from None


def _fraction(value, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise PolicyError(f"{key} = {value!r}: a fraction of the points, between 0 and 1")
    return float(value)


def _days(value, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        unit = "minutes" if key.endswith("minutes") else "days"
        raise PolicyError(f"{key} = {value!r}: a number of {unit} (0 or more)")
    return float(value)


def _when(value, key: str, zone: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, date):
        raise PolicyError(f"{key} = {value}: give a time too (e.g. {value}T23:59:00), a date "
                          "alone is ambiguous")
    raise PolicyError(f"{key} = {value!r}: a TOML date-time such as 2026-10-05T23:59:00")


def parse_policy(text: str) -> Policy:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"not valid TOML: {exc}") from None
    known = {"timezone", "late_penalty_per_day", "max_penalty", "grace_minutes", "sprints",
             "extensions", "accommodations", "hidden"}
    unknown = sorted(set(doc) - known)
    if unknown:
        raise PolicyError(f"unknown key(s) {', '.join(unknown)} "
                          f"(known: {', '.join(sorted(known))})")
    zone = _zone(doc.get("timezone", "UTC"))
    per_day = _fraction(doc.get("late_penalty_per_day", 0.0), "late_penalty_per_day")
    cap = _fraction(doc.get("max_penalty", 1.0), "max_penalty")
    grace = _days(doc.get("grace_minutes", 0), "grace_minutes")
    sprints = {}
    for sprint, spec in doc.get("sprints", {}).items():
        if not isinstance(spec, dict) or "due" not in spec:
            raise PolicyError(f"[sprints.{sprint}] needs a due date-time")
        extra = sorted(set(spec) - {"due", "grace_minutes", "late_penalty_per_day",
                                    "max_penalty"})
        if extra:
            raise PolicyError(f"[sprints.{sprint}]: unknown key(s) {', '.join(extra)}")
        key = f"sprints.{sprint}"
        sprints[sprint] = SprintRule(
            _when(spec["due"], f"{key}.due", zone),
            timedelta(minutes=_days(spec.get("grace_minutes", grace), f"{key}.grace_minutes")),
            _fraction(spec.get("late_penalty_per_day", per_day), f"{key}.late_penalty_per_day"),
            _fraction(spec.get("max_penalty", cap), f"{key}.max_penalty"))
    if not sprints:
        raise PolicyError("no [sprints.sprintN] with a due date: nothing to apply")
    extensions = {}
    for student, given in doc.get("extensions", {}).items():
        if not isinstance(given, dict):
            raise PolicyError(f"[extensions.{student}]: a table of sprint = days or date-time")
        ext = {}
        for sprint, value in given.items():
            key = f"extensions.{student}.{sprint}"
            if sprint not in sprints:
                raise PolicyError(f"{key}: the policy has no due date for {sprint}")
            ext[sprint] = (_when(value, key, zone) if isinstance(value, (datetime, date))
                           else _days(value, key))
        extensions[student] = ext
    accommodations = {s: _days(v, f"accommodations.{s}")
                      for s, v in doc.get("accommodations", {}).items()}
    default = SprintRule(datetime.min.replace(tzinfo=UTC),
                         timedelta(minutes=grace), per_day, cap)
    hidden = doc.get("hidden", {})
    if not isinstance(hidden, dict):
        raise PolicyError("[hidden]: a table of per_student = true/false and "
                          "reveal_after_deadline = true/false")
    extra = sorted(set(hidden) - {"per_student", "reveal_after_deadline"})
    if extra:
        raise PolicyError(f"[hidden]: unknown key(s) {', '.join(extra)} (known: per_student, "
                          "reveal_after_deadline)")
    for key, value in hidden.items():
        if not isinstance(value, bool):
            raise PolicyError(f"hidden.{key} = {value!r}: true or false")
    return Policy(zone, sprints, extensions, accommodations, default,
                  HiddenCases(hidden.get("per_student", False),
                              hidden.get("reveal_after_deadline", False)))


def policy_text(path: Path) -> str:
    """The text of a policy file: UTF-8, with or without the byte-order mark some editors
    write first; other text (an editor's Shift_JIS) raises :class:`PolicyError`."""
    try:
        return Path(path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PolicyError(f"not UTF-8 text ({exc.reason}): the editor may have saved it in "
                          "another encoding, such as Shift_JIS; save it again as UTF-8"
                          ) from None


def load_policy(path: Path) -> Policy:
    path = Path(path)
    if not path.is_file():
        raise PolicyError(f"no policy file {path}")
    try:
        return parse_policy(policy_text(path))
    except PolicyError as exc:
        raise PolicyError(f"{path}: {exc}") from None


def parse_timestamp(text: str, zone: ZoneInfo) -> datetime:
    """An aware datetime from a ``timestamp.txt``; ``ValueError`` when it cannot be read.

    nbgrader's form ``2026-10-05 14:59:01.123456 UTC`` (a zone name or a numeric offset as
    third part), ISO 8601 (``2026-10-05T14:59:01+09:00``, ``...Z``), and a time without zone,
    read in the course's ``zone``. An unknown zone name is an error, not UTC.
    """
    m = _STAMP.match(text.strip())
    if not m:
        raise ValueError(f"not a date and time: {text.strip()[:60]!r}")
    base = datetime.fromisoformat(f"{m['date']}T{m['time']}")
    if m["offset"]:
        off = m["offset"].replace("Z", "+00:00")
        if ":" not in off:
            off = off[:3] + ":" + off[3:]
        return datetime.fromisoformat(base.isoformat() + off)
    if m["zone"]:
        name = m["zone"]
        if name.upper() in ("UTC", "GMT", "Z"):
            return base.replace(tzinfo=UTC)
        try:
            return base.replace(tzinfo=ZoneInfo(name))
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {name!r} in {text.strip()!r}") from None
    return base.replace(tzinfo=zone)


# --------------------------------------------------------------------------- applying
def assess(policy: Policy, student: str, assignment: str, stamp: str | None,
           source: str = TIMESTAMP_FILE) -> Lateness:
    """The policy applied to one submission whose ``timestamp.txt`` holds ``stamp``
    (None: no such file); ``source`` names where the time comes from, for the notes."""
    if assignment not in policy.sprints:
        return Lateness(student, assignment, FLAGGED, None, None,
                        note=f"the policy gives no due date for {assignment}")
    due, why = policy.due_for(student, assignment)
    if stamp is None:
        return Lateness(student, assignment, FLAGGED, None, due,
                        note=f"no {source}: the submission time is unknown")
    if not stamp.strip():
        return Lateness(student, assignment, FLAGGED, None, due,
                        note=f"empty {source}: the submission time is unknown")
    try:
        when = parse_timestamp(stamp, policy.zone)
    except ValueError as exc:
        return Lateness(student, assignment, FLAGGED, None, due,
                        note=f"malformed {source}: {exc}")
    rule = policy.sprints[assignment]
    over = when - (due + rule.grace)
    if over <= timedelta(0):
        return Lateness(student, assignment, ON_TIME, when, due, note=why)
    days = math.ceil(over / DAY)
    penalty = min(days * rule.per_day, rule.cap)
    return Lateness(student, assignment, LATE, when, due, days, round(penalty, 10), why)


MAX_STAMP_BYTES = 4096      # a timestamp is one short line; more is read as malformed


def read_stamp(folder: Path) -> str | None:
    """The text of ``folder``'s ``timestamp.txt``: ``None`` when there is no regular file
    (a link is not followed, a FIFO or device is not opened), ``"\ufffd"`` (flagged as
    malformed) when it is not UTF-8 or larger than :data:`MAX_STAMP_BYTES`."""
    import os
    import stat as stat_

    path = Path(folder) / TIMESTAMP_FILE
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        if not stat_.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb") as fh:
            fd = -1
            data = fh.read(MAX_STAMP_BYTES + 1)
        if len(data) > MAX_STAMP_BYTES:
            return "\ufffd"
        return data.decode("utf-8", errors="strict")
    except (OSError, UnicodeDecodeError):
        return "\ufffd"   # unreadable: flagged as malformed
    finally:
        if fd >= 0:
            os.close(fd)


def assess_folder(policy: Policy, submitted_dir: Path, pairs: Iterable[tuple[str, str]],
                  times: dict[tuple[str, str], str] | None = None,
                  ) -> dict[tuple[str, str], Lateness]:
    """``{(student, assignment): Lateness}`` for the pairs, from ``submitted_dir``'s
    ``timestamp.txt`` files, or from ``times`` (:func:`load_times`) where it has the pair."""
    times = times or {}
    return {(s, a): (assess(policy, s, a, times[(s, a)], source=TIMES_SOURCE) if (s, a) in times
                     else assess(policy, s, a, read_stamp(Path(submitted_dir) / s / a)))
            for s, a in pairs}


def load_times(path: Path) -> dict[tuple[str, str], str]:
    """``{(student, assignment): timestamp text}`` from a CSV with the columns ``student``,
    ``assignment`` and ``submitted_at`` (a platform's submission times, for downloads whose
    file names carry none). Its times are read like ``timestamp.txt``."""
    path = Path(path)
    if not path.is_file():
        raise PolicyError(f"no file {path}")
    with open_csv(path, PolicyError) as table:
        missing = [c for c in ("student", "assignment", "submitted_at")
                   if c not in table.columns]
        if missing:
            raise PolicyError(f"{path} lacks the column(s) {', '.join(missing)} (student, "
                              "assignment, submitted_at)")
        times: dict[tuple[str, str], str] = {}
        for number, row in table.rows(("student", "assignment")):
            key = (row["student"].strip(), row["assignment"].strip())
            if key in times:
                raise table.error_at(number, f"{key[0]}/{key[1]} listed twice")
            times[key] = row["submitted_at"] or ""
    return times


#: The columns the policy adds to grades.csv (each exercise's row repeats its submission's
#: lateness; ``score`` stays the raw score, ``final_score`` = score x (1 - penalty)).
LATE_COLUMNS = ("late_status", "days_late", "penalty", "final_score", "submitted_at",
                "due_at", "late_note")
POLICY_FILE = "policy.toml"               # the grading folder's copy of the course's policy
TIMES_FILE = "submission_times.csv"       # ... and of the platform's submission times


def final_score(score: float, penalty: float) -> str:
    return f"{round(score * (1 - penalty), 4):g}"


def apply_to_rows(rows: Iterable[Mapping[str, Any]],   # text cells; ``score`` may be a float
                  lateness: dict[tuple[str, str], Lateness]) -> list[dict[str, Any]]:
    """grades.csv rows with the late columns (``score`` a float or its text). A flagged
    submission keeps its score (``final_score`` = ``score``) and says why."""
    out = []
    for r in rows:
        rec = lateness[(r["student"], r["assignment"])]
        row = dict(r)
        row.update(rec.as_row())
        row["final_score"] = final_score(float(r["score"]), rec.penalty)
        out.append(row)
    return out


@dataclass
class LateReport:
    path: Path
    records: list[Lateness]        # by student and assignment
    unknown_students: list[str]    # named in the policy, graded nowhere (a typo?)

    def render(self) -> str:
        counts = {s: sum(r.status == s for r in self.records) for s in (ON_TIME, LATE, FLAGGED)}
        lines = [f"deadlines applied to {self.path}: {counts[ON_TIME]} on time, "
                 f"{counts[LATE]} late, {counts[FLAGGED]} flagged"]
        for r in self.records:
            if r.status == LATE:
                lines.append(f"  late     {r.student}/{r.assignment}: {r.days_late} day(s), "
                             f"-{r.penalty:.0%}" + (f" ({r.note})" if r.note else ""))
            elif r.status == FLAGGED:
                lines.append(f"  FLAGGED  {r.student}/{r.assignment}: {r.note}")
        if self.unknown_students:
            lines.append("named in the policy but graded nowhere (a typo?): "
                         + ", ".join(self.unknown_students))
        return "\n".join(lines)


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """``(columns, rows)`` of a grades.csv, every cell as written (nothing cut or rounded)."""
    from .report import ReportError, points_problem

    if not path.is_file():
        raise ReportError(f"no {path.name} in {path.parent}: run `python -m autograder grade` "
                          "first (its --out folder is the grading folder)")
    with open_csv(path, ReportError) as table:
        columns = table.columns
        missing = [c for c in ("student", "assignment", "score") if c not in columns]
        if missing:
            raise ReportError(f"{path} lacks the column(s) {', '.join(missing)}")
        rows = []
        for number, row in table.rows(("student", "assignment", "score")):
            if why := points_problem({c: row[c] for c in ("score", "max_score") if c in row}):
                raise table.error_at(number, why)
            rows.append(row)
    if not rows:
        raise ReportError(f"{path} has no grades in it")
    return columns, rows


def _keep(src: Path, dest: Path) -> None:
    """Copy ``src`` to ``dest`` (the grading folder's copy), unless it is that file."""
    src, dest = Path(src), Path(dest)
    if not src.is_file():
        raise PolicyError(f"no file {src}")
    if not dest.exists() or not src.resolve().samefile(dest.resolve()):
        dest.write_bytes(src.read_bytes())


def apply_policy(grading_dir: Path, policy_path: Path | None = None, *,
                 times_path: Path | None = None, out: Path | None = None,
                 submitted_dir: Path | None = None) -> LateReport | None:
    """Apply the course's deadlines to GRADING_DIR/grades.csv: its late columns
    (:data:`LATE_COLUMNS`) are written (or replaced) in place, or into ``out``.

    ``policy_path`` (and ``times_path``, :func:`load_times`) are kept in the grading folder
    (:data:`POLICY_FILE`, :data:`TIMES_FILE`), so that a later ``grade`` of the same folder
    applies them again; without ``policy_path`` the kept copy is used, and without one this
    does nothing (returns None). The submission times are the ``timestamp.txt`` of
    GRADING_DIR/submitted/<student>/<assignment>/ (the grader's copy of each submission),
    unless the times CSV has the pair.
    """
    grading_dir = Path(grading_dir)
    kept, kept_times = grading_dir / POLICY_FILE, grading_dir / TIMES_FILE
    if policy_path is None and not kept.is_file():
        return None
    policy = load_policy(policy_path or kept)      # a bad policy is refused before any copy
    times = load_times(times_path) if times_path else (
        load_times(kept_times) if kept_times.is_file() else None)
    if out is None:
        if policy_path is not None:
            _keep(policy_path, kept)
        if times_path is not None:
            _keep(times_path, kept_times)
    path = grading_dir / "grades.csv"
    columns, rows = _read_csv(path)
    pairs = sorted({(r["student"], r["assignment"]) for r in rows})
    lateness = assess_folder(policy, submitted_dir or grading_dir / "submitted", pairs, times)
    columns = [c for c in columns if c not in LATE_COLUMNS] + list(LATE_COLUMNS)
    target = Path(out) if out else path
    part = target.with_name(target.name + ".part")
    with open(part, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, columns, extrasaction="ignore")
        w.writeheader()
        w.writerows(apply_to_rows(rows, lateness))
    part.replace(target)
    graded = {s for s, _ in pairs}
    return LateReport(target, [lateness[p] for p in pairs],
                      sorted(policy.students_named() - graded))


def write_late(grading_dir: Path, policy_path: Path, out: Path | None = None,
               submitted_dir: Path | None = None, times_path: Path | None = None) -> LateReport:
    """``python -m autograder late``: :func:`apply_policy` with this policy file."""
    report = apply_policy(grading_dir, policy_path, times_path=times_path, out=out,
                          submitted_dir=submitted_dir)
    assert report is not None   # None only without a policy_path
    return report


def course_policy(grading_dir: Path, policy_path: Path | None = None) -> Policy | None:
    """The policy ``grade`` works with: ``policy_path`` (then kept in the grading folder at
    once, so that a run killed half-way resumes under the same policy), else the grading
    folder's kept copy, else None."""
    kept = Path(grading_dir) / POLICY_FILE
    if policy_path is not None:
        rules = load_policy(policy_path)
        _keep(policy_path, kept)
        return rules
    return load_policy(kept) if kept.is_file() else None


def after_grading(grading_dir: Path, policy_path: Path | None = None) -> str:
    """What ``grade`` calls once grades.csv is written: the course's deadlines applied
    (``policy_path``, or the grading folder's kept copy); the text for the summary ("" when
    the course has no policy). A policy that cannot be read is said, never ignored."""
    try:
        report = apply_policy(grading_dir, policy_path)
    except PolicyError as exc:
        return f"DEADLINES NOT APPLIED: {exc}"
    return report.render() if report else ""
