"""The course's deadlines as the class report, the per-student pages and report.csv show them.

grades.csv carries the late columns once the course's policy is applied (``grade --policy``
or ``late``, :mod:`autograder.instructor.policy`): every exercise row repeats its submission's
lateness. :func:`submissions` reads them back into one :class:`SubmissionLate` per student and
assignment; the renderers below are what :mod:`autograder.instructor.report` adds to its pages. A
grades.csv without the late columns gives ``None`` and the reports are as before.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..learner.i18n import N_, _
from .policy import FLAGGED, LATE, LATE_COLUMNS, ON_TIME

if TYPE_CHECKING:
    from .report import GradeRow

#: A submission's lateness as the report words it (grades.csv keeps the policy's value).
STATUS_WORDS = {ON_TIME: N_("on time"), LATE: N_("late"), FLAGGED: N_("flagged")}


@dataclass(frozen=True)
class SubmissionLate:
    """One submission's lateness and its raw and final scores (the sum of its exercises)."""

    student: str
    assignment: str
    status: str            # policy.ON_TIME, LATE or FLAGGED
    days_late: int
    penalty: float         # the fraction of the points lost
    raw: float             # the score as graded
    final: float           # after the penalty
    max_score: float
    submitted_at: str      # ISO 8601, "" when unknown
    due_at: str
    note: str              # the extension applied, or why it is flagged

    def summary(self) -> str:
        """One sentence for the learner's page."""
        when = (_("submitted {time}").format(time=self.submitted_at) if self.submitted_at
                else _("submitted at an unknown time"))
        due = _("due {time}").format(time=self.due_at) if self.due_at else _("no due date")
        ext = f" ({self.note})" if self.note and self.status != FLAGGED else ""
        if self.status == LATE:
            return _("{when}, {due}{extension}: {days} day(s) late, −{penalty}: final score "
                     "{final} of {points} (as graded {raw}).").format(
                when=when, due=due, extension=ext, days=self.days_late,
                penalty=f"{self.penalty:.0%}", final=f"{self.final:g}",
                points=f"{self.max_score:g}", raw=f"{self.raw:g}")
        if self.status == FLAGGED:
            return _("{when}, {due}: the lateness of this submission is under review by the "
                     "instructor ({note}); score as graded {raw} of {points}.").format(
                when=when, due=due, note=self.note, raw=f"{self.raw:g}",
                points=f"{self.max_score:g}")
        return _("{when}, {due}{extension}: on time.").format(when=when, due=due,
                                                               extension=ext)


#: ``{(student, assignment): SubmissionLate}``
Lates = dict[tuple[str, str], SubmissionLate]


def _float(text, default: float = 0.0) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        return default


def submissions(rows: list[GradeRow]) -> Lates | None:
    """``{(student, assignment): SubmissionLate}`` from grades.csv rows
    (:class:`autograder.instructor.report.GradeRow`), or None when they carry no late
    columns."""
    if not rows or rows[0].late is None or any(c not in rows[0].late for c in LATE_COLUMNS):
        return None
    totals: dict[tuple[str, str], tuple[float, float, float, GradeRow]] = {}
    for r in rows:
        key = (r.student, r.assignment)
        raw, final, top, first = totals.get(key, (0.0, 0.0, 0.0, r))
        totals[key] = (raw + _float(r.score), final + _float((r.late or {}).get("final_score")),
                       top + _float(r.max_score), first)
    out = {}
    for (student, assignment), (raw, final, top, r) in sorted(totals.items()):
        late = r.late
        assert late is not None   # the rows of one grades.csv have the same columns
        status = late["late_status"] if late["late_status"] in (ON_TIME, LATE, FLAGGED) \
            else FLAGGED
        out[(student, assignment)] = SubmissionLate(
            student, assignment, status, int(_float(late["days_late"])),
            _float(late["penalty"]), round(raw, 4), round(final, 4), round(top, 4),
            late["submitted_at"], late["due_at"],
            late["late_note"] if status == late["late_status"] else
            f"unreadable late status {late['late_status']!r}")
    return out


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def report_section(late: Lates | None) -> list[str]:
    """The class report's section: counts, then every late or flagged submission."""
    if late is None:
        return []
    records = list(late.values())
    counts = {s: sum(r.status == s for r in records) for s in (ON_TIME, LATE, FLAGGED)}
    body = ["<h2>" + _("Deadlines (提出期限)") + "</h2>",
            '<p id="late-counts">' + _(
                "{on_time} on time, {late} late, {flagged} flagged for review, by the course's "
                "policy. Scores elsewhere in this report are as graded; the final score is "
                "after the late penalty. A flagged submission (no or an unreadable submission "
                "time, or no due date) keeps its score until someone decides.").format(
                on_time=counts[ON_TIME], late=counts[LATE], flagged=counts[FLAGGED]) + "</p>"]
    shown = [r for r in records if r.status != ON_TIME]
    if not shown:
        return body
    rows = ["<tr>" + "".join(f"<th>{h}</th>" for h in (
        _("student"), _("assignment"), _("status"), _("days late"), _("penalty"),
        _("as graded"), _("final score"), _("points"), _("submitted"), _("due"), _("note")))
        + "</tr>"]
    for r in sorted(shown, key=lambda r: (r.status != FLAGGED, r.student, r.assignment)):
        css = "error" if r.status == FLAGGED else "failed"
        status = _(STATUS_WORDS[r.status]) if r.status in STATUS_WORDS else r.status
        rows.append("<tr>" + "".join([
            f"<td>{_e(r.student)}</td>", f"<td>{_e(r.assignment)}</td>",
            f'<td class="{css}">{_e(status)}</td>', f'<td class="num">{r.days_late}</td>',
            f'<td class="num">{r.penalty:.0%}</td>', f'<td class="num">{r.raw:g}</td>',
            f'<td class="num">{r.final:g}</td>', f'<td class="num">{r.max_score:g}</td>',
            f"<td>{_e(r.submitted_at)}</td>", f"<td>{_e(r.due_at)}</td>",
            f"<td>{_e(r.note)}</td>"]) + "</tr>")
    return body + ['<table id="late">', *rows, "</table>"]


def student_line(late: Lates | None, student: str, assignment: str) -> str:
    """The per-student page's paragraph (empty without late columns)."""
    rec = (late or {}).get((student, assignment))
    return f'<p id="deadline">{_e(rec.summary())}</p>' if rec else ""


def csv_columns(late: Lates | None, assignments: list[str]) -> list[str]:
    """report.csv's extra headers: each assignment's final score, the final total, and the
    late or flagged submissions in words."""
    if late is None:
        return []
    return [f"{a}_final" for a in assignments] + ["final_total", "late"]


def csv_cells(late: Lates | None, student: str, assignments: list[str]) -> list[str]:
    if late is None:
        return []
    recs = [late.get((student, a)) for a in assignments]
    words = [f"{r.assignment}: {r.status}" + (f" {r.days_late} d −{r.penalty:.0%}"
                                              if r.status == LATE else "")
             for r in recs if r is not None and r.status != ON_TIME]
    return ([f"{r.final:g}" if r else "" for r in recs] +
            [f"{round(sum(r.final for r in recs if r), 4):g}", "; ".join(words)])
