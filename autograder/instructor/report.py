"""The class report and per-student result pages, from a grading folder's ``grades.csv``.

``python -m autograder report GRADING [--out GRADING/report.html] [--threshold 0.5]`` reads
``GRADING/grades.csv`` (written by ``python -m autograder grade``: one row per student,
assignment and exercise) and writes, all self-contained (plots as inline PNG, no script, no
link to the internet, so it opens offline and can be mailed):

* ``report.html``, for the instructor or the study group's facilitator: the score
  distribution, the pass rate of each exercise, the most common mistake hints of each exercise,
  the students who need help, each student's score, and the problems the grader noted (the
  record of its run, ``summary.json``: :mod:`autograder.instructor.grading.summary`; a folder
  graded before that record existed says so and points to its ``summary.txt``);
* ``report.csv`` (beside it): one row per student, the score of each assignment, the total,
  the percentage and whether the student needs help: the table to import into a gradebook;
* the **class's own mistakes** (when ``GRADING/state/`` holds the graded answers'
  fingerprints, :mod:`autograder.instructor.mistake_groups`): each exercise's wrong answers grouped
  by what they output, each group's size, whether it is a known mistake (its hint) or one
  nobody catalogued, the first differing case, its members and one member's function (the
  report is the instructor's: it names students and shows their code);
* ``results/<student>/<assignment>.html``: one page per student and assignment listing each
  exercise's status, score, what is wrong with the first failing case and the hints. It is
  made only of ``grades.csv``, which holds the public case's message and, for a hidden case,
  only its number and the kind of problem: never a hidden input or reference code.

A student **needs help** when their score is below ``threshold`` (default 50 %) of the points
of the assignments they submitted, or when any of their exercises ends in ``error`` (the code
does not import, crashes or times out: usually a setup problem worth a minute in person).
"""
from __future__ import annotations

import base64
import csv
import html
import io
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from ..learner.errors import CourseError
from ..learner.i18n import N_, _, language, pgettext
from ..learner.plot_fonts import use_japanese_fallback
from ..learner.sprints import sprint_key
from . import late_report
from .csv_files import open_csv
from .policy import LATE_COLUMNS
from .trusted import hints_from_row

if TYPE_CHECKING:
    from ..learner.notes import Note
    from .mistake_groups import ExerciseMistakes

REQUIRED_COLUMNS = ("student", "assignment", "exercise", "score", "max_score", "status",
                    "message")
DEFAULT_THRESHOLD = 0.5
HINT_PREFIX = "Hint: "
TOP_HINTS = 3


MAX_MESSAGE_CHARS = 2000   # of one message, as grades.csv holds them


@dataclass(frozen=True)
class GradeRow:
    """One row of ``grades.csv``: one student's result on one exercise, as graded."""

    student: str
    assignment: str
    exercise: str
    score: float
    max_score: float
    status: str
    message: str = ""
    #: the hints column (a JSON list); None for a grades.csv written before it existed
    hints: list[str] | None = None
    #: the late columns (``policy.LATE_COLUMNS``: column -> text) present, once the course's
    #: policy is applied; None without them
    late: dict[str, str] | None = None

    @classmethod
    def from_csv(cls, row: dict[str, str]) -> GradeRow:
        """The row as :class:`csv.DictReader` gives it; raises ``ValueError`` saying which
        cell is wrong when its points are not points (:func:`points_problem`)."""
        if why := points_problem(row):
            raise ValueError(why)
        message = row.get("message") or ""
        if len(message) > MAX_MESSAGE_CHARS:
            message = message[:MAX_MESSAGE_CHARS - 1] + "…"
        late = {c: row[c] for c in LATE_COLUMNS if c in row}
        return cls(row["student"], row["assignment"], row["exercise"], float(row["score"]),
                   float(row["max_score"]), row["status"], message, hints_from_row(row),
                   late or None)


def points_problem(row: Mapping[str, str | float]) -> str:
    """What is wrong with the points of a grades.csv row, or ``""``: ``max_score`` (where the
    row has it) must be a number of points, 0 or more; ``score`` and, once the course's policy
    is applied, ``final_score`` a number from 0 to ``max_score``. A hand-edited cell that is
    empty, ``nan``, ``inf`` or negative would otherwise reach a platform's gradebook."""
    most = math.inf
    if "max_score" in row:
        most = _points(row["max_score"])
        if not 0 <= most < math.inf:
            return f"max_score {row['max_score']!r} is not a number of points (0 or more)"
    for column in ("score", "final_score"):
        if column not in row:
            continue
        value = _points(row[column])
        if not (0 <= value <= most and math.isfinite(value)):
            return (f"{column} {row[column]!r} is not a number from 0 to max_score ({most:g})"
                    if most < math.inf else
                    f"{column} {row[column]!r} is not a number of points (0 or more)")
    return ""


def _points(cell: str | float | None) -> float:
    """A cell as a number; NaN (which no comparison holds for) when it is not one."""
    try:
        return float(cell) if cell is not None else math.nan
    except ValueError:          # not a number, or an empty cell
        return math.nan


class ReportError(CourseError):
    """The grading folder has no usable ``grades.csv`` (or a damaged ``summary.json``)."""


# --------------------------------------------------------------------------- reading
def load_grades(path: Path) -> list[GradeRow]:
    """The rows of a ``grades.csv``."""
    path = Path(path)
    if not path.is_file():
        raise ReportError(f"no {path.name} in {path.parent}: run `python -m autograder grade` "
                          "first (its --out folder is the grading folder)")
    # a message may be long (a grades.csv of an older grader kept them whole): each message
    # is cut to MAX_MESSAGE_CHARS
    with open_csv(path, ReportError) as table:
        missing = [c for c in REQUIRED_COLUMNS if c not in table.columns]
        if missing:
            raise ReportError(f"{path} lacks the column(s) {', '.join(missing)}: is it the "
                              "grades.csv of `python -m autograder grade`?")
        rows = []
        for number, row in table.rows(REQUIRED_COLUMNS):
            try:
                rows.append(GradeRow.from_csv(row))
            except ValueError as exc:
                raise table.error_at(number, str(exc)) from None
    if not rows:
        raise ReportError(f"{path} has no grades in it")
    return rows


def hints_of(message: str) -> list[str]:
    """The ``Hint: ...`` lines of a grades.csv message, without the prefix.

    >>> hints_of("public case 1 of 3 (x=1): wrong value\\nHint: use np.maximum")
    ['use np.maximum']
    """
    return [ln[len(HINT_PREFIX):].strip() for ln in (message or "").splitlines()
            if ln.startswith(HINT_PREFIX)]


def problem_of(message: str) -> str:
    """The first line of a message that is not a hint: what went wrong."""
    for ln in (message or "").splitlines():
        if ln.strip() and not ln.startswith(HINT_PREFIX):
            return ln.strip()
    return ""


# --------------------------------------------------------------------------- statistics
@dataclass
class ExerciseStats:
    """How the class did on one exercise."""

    exercise: str
    assignment: str
    points: float
    submissions: int = 0
    passed: int = 0
    score_sum: float = 0.0
    statuses: Counter[str] = field(default_factory=Counter)   # status -> results
    hints: Counter[str] = field(default_factory=Counter)   # hint -> students who got it

    @property
    def pass_rate(self) -> float:
        return self.passed / self.submissions if self.submissions else 0.0

    @property
    def mean_score(self) -> float:
        return self.score_sum / self.submissions if self.submissions else 0.0


@dataclass(frozen=True)
class Reason:
    """Why a student needs help, as data: the English sentence and its values. report.html
    shows it in the course's language; report.csv keeps the English (data, as grades.csv)."""

    template: str
    values: dict[str, str | int]     # str.format's values of ``template``

    def text(self, translated: bool = True) -> str:
        return (_(self.template) if translated else self.template).format(**self.values)


@dataclass
class StudentStats:
    """One student's scores per assignment and why they may need help."""

    student: str
    scores: dict[str, tuple[float, float]] = field(default_factory=dict)  # assignment: (score, max)
    errors: list[str] = field(default_factory=list)     # exercises that ended in "error"
    reasons: list[Reason] = field(default_factory=list)

    @property
    def score(self) -> float:
        return sum(s for s, _ in self.scores.values())

    @property
    def max_score(self) -> float:
        return sum(m for _, m in self.scores.values())

    @property
    def fraction(self) -> float:
        return self.score / self.max_score if self.max_score else 0.0

    @property
    def needs_help(self) -> bool:
        return bool(self.reasons)


@dataclass
class ClassStats:
    assignments: list[str]
    exercises: list[ExerciseStats]    # course order
    students: list[StudentStats]      # by name
    threshold: float


def class_stats(rows: list[GradeRow], threshold: float = DEFAULT_THRESHOLD) -> ClassStats:
    """Per-exercise and per-student figures of a class, from grades.csv rows."""
    exercises: dict[str, ExerciseStats] = {}
    students: dict[str, StudentStats] = {}
    for r in rows:
        ex = exercises.setdefault(r.exercise, ExerciseStats(r.exercise, r.assignment,
                                                            r.max_score))
        ex.submissions += 1
        ex.passed += r.status == "passed"
        ex.score_sum += r.score
        ex.statuses[r.status] += 1
        # the hints column; older files: the message's Hint lines
        for h in dict.fromkeys(hints_of(r.message) if r.hints is None else r.hints):
            ex.hints[h] += 1
        st = students.setdefault(r.student, StudentStats(r.student))
        got, top = st.scores.get(r.assignment, (0.0, 0.0))
        st.scores[r.assignment] = (got + r.score, top + r.max_score)
        if r.status == "error":
            st.errors.append(r.exercise)
    for st in students.values():
        if st.fraction < threshold:
            st.reasons.append(Reason(N_("{percent}% of the points, below {threshold}%"), {
                "percent": f"{100 * st.fraction:.0f}", "threshold": f"{100 * threshold:.0f}"}))
        if st.errors:
            st.reasons.append(Reason(N_("code that does not run (error) in {count} "
                                        "exercise(s): {exercises}"),
                                     {"count": len(st.errors), "exercises": ", ".join(st.errors)}))
    assignments = sorted({r.assignment for r in rows}, key=sprint_key)
    order = {a: i for i, a in enumerate(assignments)}
    first_seen = {e: i for i, e in enumerate(exercises)}
    ex_list = sorted(exercises.values(),
                     key=lambda e: (order[e.assignment], first_seen[e.exercise]))
    return ClassStats(assignments, ex_list, [students[s] for s in sorted(students)], threshold)


# --------------------------------------------------------------------------- plots
def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def plot_distribution(stats: ClassStats) -> str:
    """A histogram of the students' percentages, one series per assignment (a PNG data URI)."""
    from matplotlib.figure import Figure

    use_japanese_fallback()      # (Japanese labels; an English figure is unchanged)
    fig = Figure(figsize=(7, 3.6))
    ax = fig.subplots()
    series = [[100 * s / m for st in stats.students
               for (a, (s, m)) in st.scores.items() if a == assignment and m]
              for assignment in stats.assignments]
    ax.hist(series, bins=list(range(0, 101, 10)), label=stats.assignments, stacked=True,
            edgecolor="white")
    ax.axvline(100 * stats.threshold, color="tab:red", linestyle="--",
               label=_("needs help below {threshold}%").format(
                   threshold=f"{100 * stats.threshold:.0f}"))
    ax.set_xlabel(_("score (% of the assignment's points)"))
    ax.set_ylabel(_("students"))
    ax.set_title(_("Score distribution"))
    ax.set_xlim(0, 100)
    # the default locator, an AutoLocator, is a MaxNLocator: it takes integer=
    ax.yaxis.get_major_locator().set_params(integer=True)  # type: ignore[call-arg]
    ax.legend(fontsize="small")
    return _png(fig)


def plot_pass_rates(stats: ClassStats) -> str:
    """A horizontal bar per exercise: the share of students who passed it (a PNG data URI)."""
    from matplotlib.figure import Figure

    names = [e.exercise for e in stats.exercises]
    use_japanese_fallback()
    fig = Figure(figsize=(7, 0.9 + 0.32 * len(names)))
    ax = fig.subplots()
    rates = [100 * e.pass_rate for e in stats.exercises]
    ax.barh(range(len(names)), rates, color="tab:green")
    ax.set_yticks(range(len(names)), names, fontsize="small")
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel(_("students who passed (%)"))
    ax.set_ylabel(_("exercise"))
    ax.set_title(_("Pass rate per exercise"))
    return _png(fig)


# --------------------------------------------------------------------------- HTML
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.passed { color: #1a7f37; } .failed, .error { color: #c62828; } .not-implemented { color: #777; }
pre { white-space: pre-wrap; margin: 0; font-size: 0.9em; }
details pre { background: #fafafa; border: 1px solid #eee; padding: 0.4em; }
img { max-width: 100%; }
"""


#: A result's status as the per-student page words it (grades.csv keeps the English value).
STATUS_WORDS = {"passed": N_("passed"), "failed": N_("failed"),
                "not implemented": N_("not implemented"), "blocked": N_("blocked"),
                "error": N_("error")}


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _attr(text: str) -> str:
    """The course's own ``text`` as an HTML attribute's value (in double quotes)."""
    return text.replace("&", "&amp;").replace('"', "&quot;")


def _num(x: float) -> str:
    return f"{x:g}"


def _page(title: str, body: list[str]) -> str:
    return (f"<!DOCTYPE html>\n<html lang=\"{language()}\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{_e(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


#: a cell of :func:`_table`: text or a number, or ``(text, css class)``
Cell = str | int | float | tuple[str, str]


def _table(table_id: str, header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> str:
    """A table; a cell is text, or ``(text, css class)``; numbers are right-aligned."""
    out = [f'<table id="{table_id}">', "<tr>" + "".join(f"<th>{_e(h)}</th>" for h in header)
           + "</tr>"]
    for row in rows:
        cells = []
        for c in row:
            css = ""
            if isinstance(c, tuple):
                c, css = c
            elif isinstance(c, (int, float)):
                css = "num"
            cells.append(f'<td class="{css}">{_e(c)}</td>' if css else f"<td>{_e(c)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def render_mistakes(mistakes: list[ExerciseMistakes]) -> list[str]:
    """The section on the class's own mistakes (HTML parts): groups of two students or more
    and the known mistakes, each with its first differing case, members and one function."""
    body = ["<h2>" + _("This class's own mistakes (このクラスの間違い)") + "</h2>",
            "<p>" + _("The wrong answers of each exercise, grouped by what they output on the "
                      "cases every one of them was graded on (the same answers, case by case, "
                      "up to the exercise's tolerance). <em>Not catalogued</em> groups are "
                      "mistakes the grader has no hint for yet: to give the next class one, "
                      "run the command shown (it writes a declaration to review and paste, see "
                      "docs/class.md). The code is one member's, for you only: this section "
                      "never reaches a learner's page.") + "</p>"]
    rows = []
    for em in mistakes:
        shown = [g for g in em.groups if g.known or g.size > 1]
        for g in shown:
            what = (_e(pgettext(em.exercise, g.known_hint)) if g.known else
                    "<strong>" + _("not catalogued") + "</strong><br><code>python -m "
                    "autograder mistakes "
                    f"promote GRADING {_e(em.exercise)} {_e(g.group)} --hint \"...\"</code>")
            code = ("<details><summary>" + _("{student}'s code").format(
                student=_e(g.representative)) + "</summary><pre>"
                    f"{_e(g.source)}</pre></details>" if g.source else "")
            rows.append(f"<tr><td>{_e(em.exercise)}</td><td>{_e(g.group)}</td>"
                        f"<td class=\"num\">{g.size}</td><td>{what}</td>"
                        f"<td>{_e(g.case_text())}</td><td>{_e(', '.join(g.students))}{code}"
                        "</td></tr>")
        if em.unique_unknown:
            rows.append(f"<tr><td>{_e(em.exercise)}</td><td></td><td class=\"num\">"
                        f"{em.unique_unknown}</td><td>"
                        + _("other wrong answers, each given by one student only")
                        + "</td><td></td><td></td></tr>")
    if not rows:
        return body + ["<p>" + _("No wrong answers to group.") + "</p>"]
    header = (_("exercise"), _("group"), _("students"), _("known mistake (its hint)"),
              _("first differing case"), _("who, and one member's code"))
    return body + ['<table id="class-mistakes">',
                   "<tr>" + "".join(f"<th>{h}</th>" for h in header) + "</tr>",
                   *rows, "</table>"]


def render_report(stats: ClassStats, *, source: str = "", problems: list[str] | None = None,
                  problems_unrecorded: bool = False,
                  late: late_report.Lates | None = None,
                  mistakes: list[ExerciseMistakes] | None = None,
                  similarity: list[tuple[str, str]] | None = None) -> str:
    """The class report as one self-contained HTML page."""
    n = len(stats.students)
    helped = [s for s in stats.students if s.needs_help]
    alt_distribution = _("histogram of the students' scores")
    alt_pass_rates = _("pass rate per exercise")
    body = ["<h1>" + _("Class report (クラスの成績)") + "</h1>",
            "<p>" + _("{count} student(s), assignment(s) {assignments}; from <code>{source}"
                      "</code>, {when}. A student needs help below {threshold}% of the points "
                      "or when some of their code does not run (status <em>error</em>).").format(
                count=n, assignments=_e(", ".join(stats.assignments)), source=_e(source),
                when=f"{datetime.now():%Y-%m-%d %H:%M}",
                threshold=f"{100 * stats.threshold:.0f}") + "</p>",
            "<h2>" + _("Score distribution (得点分布)") + "</h2>",
            f'<img id="distribution" alt="{_attr(alt_distribution)}" '
            f'src="{plot_distribution(stats)}">',
            "<h2>" + _("Pass rate per exercise (正答率)") + "</h2>",
            f'<img id="pass-rate-plot" alt="{_attr(alt_pass_rates)}" '
            f'src="{plot_pass_rates(stats)}">',
            _table("pass-rate", [_("exercise"), _("points"), _("students"), _("passed"),
                                 _("pass rate"), _("mean score"), _("failed"),
                                 _("not implemented"), _("error")],
                   [[e.exercise, e.points, e.submissions, e.passed,
                     (f"{100 * e.pass_rate:.1f}%", "num"), round(e.mean_score, 2),
                     e.statuses.get("failed", 0), e.statuses.get("not implemented", 0),
                     e.statuses.get("error", 0)] for e in stats.exercises]),
            "<h2>" + _("Most common mistakes (よくある間違い)") + "</h2>",
            "<p>" + _("The hints the grader gave, by how many students got each (at most "
                      "{top} per exercise): each is a known mistake worth a minute of "
                      "discussion.").format(top=TOP_HINTS) + "</p>"]
    hint_rows: list[list[Cell]] = [[e.exercise, pgettext(e.exercise, h), c]
                                   for e in stats.exercises
                                   for h, c in e.hints.most_common(TOP_HINTS)]
    body.append(_table("hints", [_("exercise"), _("hint"), _("students")], hint_rows)
                if hint_rows else
                "<p>" + _("No hints: no known mistake was recognised.") + "</p>")
    if mistakes is not None:
        body += render_mistakes(mistakes)
    if similarity:
        body.append("<h2>" + _("Code similarity, for review") + "</h2>")
        body.append("<p>" + _("Pairs of students ranked by how alike their graded functions "
                              "are (<code>python -m autograder similarity</code>): for a "
                              "person to read side by side, never a verdict.") + " " + ", ".join(
                        f'<a href="{_e(href)}">{_e(name)}</a>' for name, href in similarity)
                    + "</p>")
    body.append("<h2>" + _("Students who need help ({count} of {total})").format(
        count=len(helped), total=n) + "</h2>")
    body.append(_table("needs-help", [_("student"), _("score"), _("points"), _("percent"),
                                      _("why")],
                       [[s.student, s.score, s.max_score, (f"{100 * s.fraction:.1f}%", "num"),
                         "; ".join(r.text() for r in s.reasons)] for s in helped])
                if helped else "<p>" + _("Nobody: every student is above the threshold and "
                                         "their code runs.") + "</p>")
    body.append("<h2>" + _("Scores") + "</h2>")
    body.append(_table("scores", [_("student"), *stats.assignments, _("total"), _("points"),
                                  _("percent")],
                       [[s.student, *[(_num(s.scores[a][0]) if a in s.scores else "-", "num")
                                      for a in stats.assignments],
                         s.score, s.max_score, (f"{100 * s.fraction:.1f}%", "num")]
                        for s in stats.students]))
    body += late_report.report_section(late)   # the course's deadlines, if applied
    if problems:
        body.append("<h2>" + _("Problems the grader reported") + "</h2>")
        body.append("<pre id=\"problems\">" + _e("\n".join(problems)) + "</pre>")
    elif problems_unrecorded:
        body.append("<h2>" + _("Problems the grader reported") + "</h2>")
        body.append("<p id=\"problems-unrecorded\">" + _(
            "This folder was graded by an earlier version of the grader, which kept its "
            "problems only as text: read them in <code>summary.txt</code>. To list them here, "
            "grade the folder again with the same command (it grades again only what changed "
            "since, the grader included).") + "</p>")
    return _page(_("Class report"), body)


def _shown_message(row: GradeRow) -> str:
    """A grades.csv row's message as the learner's page shows it: what is wrong, then each
    hint in the course's language (grades.csv keeps the English hints, ``Hint: ...``)."""
    hints = hints_of(row.message) if row.hints is None else row.hints
    lines = [ln for ln in row.message.splitlines() if not ln.startswith(HINT_PREFIX)]
    lines += [_("Hint: {hint}").format(hint=pgettext(row.exercise, h)) for h in hints]
    return "\n".join(lines)


def render_student(student: str, assignment: str, rows: list[GradeRow],
                   late: late_report.Lates | None = None, notes: list[Note] | None = None,
                   ) -> str:
    """One student's results for one assignment, exercise by exercise, and ``notes``: the
    grader's notes on the submission (:class:`~autograder.learner.notes.Note`), rendered in
    the course's language."""
    got = sum(r.score for r in rows)
    top = sum(r.max_score for r in rows)
    # The learner reads this page: its words are in the course's language (COURSE_LANG).
    body = ["<h1>" + _e(_("{assignment}: results of {student}").format(
                assignment=assignment, student=student)) + "</h1>",
            "<p>" + _("Graded by the course's grader on public and hidden cases: "
                      "<strong>{got} of {top} points</strong>. For each exercise that is not "
                      "passed: what is wrong with the first failing case and the hints (ヒント) "
                      "of the known mistakes it matches. Hidden cases show only their number "
                      "and the kind of problem. Run <code>python -m autograder check</code> in "
                      "your folder to see the public cases again.").format(
                got=_num(got), top=_num(top)) + "</p>"]
    body.append(late_report.student_line(late, student, assignment))
    out = ['<table id="results">', "<tr>" + "".join(
        f"<th>{_e(h)}</th>" for h in (_("exercise"), _("status"), _("score"),
                                      _("what is wrong, and hints"))) + "</tr>"]
    for r in rows:
        css = r.status.replace(" ", "-")
        status = _(STATUS_WORDS[r.status]) if r.status in STATUS_WORDS else r.status
        out.append(f"<tr><td>{_e(r.exercise)}</td><td class=\"{css}\">{_e(status)}"
                   f"</td><td class=\"num\">{_num(r.score)} / {_num(r.max_score)}</td>"
                   f"<td><pre>{_e(_shown_message(r))}</pre></td></tr>")
    out.append("</table>")
    body.append("\n".join(out))
    if notes:
        from .grading.text import printable

        body.append("<h2>" + _e(_("The grader's notes on this submission")) + "</h2>")
        body.append('<pre id="notes">' + _e("\n".join(
            printable(f"- {note.render()}", keep="") for note in notes)) + "</pre>")
    return _page(f"{assignment}: {student}", body)


def _notes_of(grading_dir: Path) -> dict[str, list[Note]]:
    """``{"student/assignment": [notes]}`` from the grader's record of its run (``{}``
    without one: the learners' pages then show no notes)."""
    from .grading.summary import load_summary

    try:
        record = load_summary(grading_dir)
    except CourseError:
        return {}
    out: dict[str, list[Note]] = {}
    for p in record.problems if record else []:
        if p.where:
            out.setdefault(p.where, []).append(p.note)
    return out


def export_csv(path: Path, stats: ClassStats, late: late_report.Lates | None = None) -> Path:
    """One row per student: each assignment's score, total, percent and needs-help."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["student", *stats.assignments, "total", "max_total", "percent",
                    "needs_help", "why", *late_report.csv_columns(late, stats.assignments)])
        for s in stats.students:
            w.writerow([s.student, *[_num(round(s.scores[a][0], 2)) if a in s.scores else ""
                                     for a in stats.assignments],
                        _num(round(s.score, 2)), _num(s.max_score),
                        f"{100 * s.fraction:.1f}", "yes" if s.needs_help else "no",
                        "; ".join(r.text(translated=False) for r in s.reasons),
                        *late_report.csv_cells(late, s.student, stats.assignments)])
    return Path(path)


def _problems(grading_dir: Path) -> tuple[list[str], bool]:
    """``(problems, unrecorded)``: the problems of the grader's record of its run, each as
    one line (``ann/sprint1: ...``; the course's own problems too), and whether the folder
    was graded before that record existed (a ``summary.txt`` alone, never parsed)."""
    from .grading.summary import TEXT_FILE, load_summary, problem_lines

    try:
        record = load_summary(grading_dir)
    except CourseError as exc:
        raise ReportError(str(exc)) from None
    if record is None:
        return [], (grading_dir / TEXT_FILE).is_file()
    return problem_lines(record) + record.course_problems, False


def _safe_name(name: str) -> str:
    """``name`` as one file name: itself when it is plain, else its plain form followed by
    ``+`` and a digest of the name (``+`` is in no id and in no plain form), so that two ids
    never share a page (``ann.`` and ``ann``; ``a‿b`` and ``a_b``) — a learner would get the
    other's results."""
    import hashlib

    plain = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "_"
                    for ch in name).strip(".") or "_"
    if plain == name:
        return name
    return f"{plain[:64]}+{hashlib.sha256(name.encode('utf-8', 'surrogatepass')).hexdigest()[:16]}"


class Written(TypedDict):
    """What :func:`write_report` wrote (its paths) and found."""

    report: Path
    csv: Path
    pages: list[Path]
    stats: ClassStats
    mistakes: list[ExerciseMistakes] | None   # None: no state files


def printed_summary(written: Written) -> str:
    """What ``python -m autograder report`` prints of :func:`write_report`'s ``written``."""
    helped = [s.student for s in written["stats"].students if s.needs_help]
    return "\n".join([
        _("class report: {path}").format(path=written["report"]),
        _("grades per student (CSV): {path}").format(path=written["csv"]),
        _("per-student result pages: {count} in {folder}/").format(
            count=len(written["pages"]), folder=written["report"].parent / "results"),
        _("students who need help: {students}").format(
            students=", ".join(helped) or _("none"))])


def write_report(grading_dir: Path, out: Path | None = None, *,
                 threshold: float = DEFAULT_THRESHOLD, submitted_dir: Path | None = None,
                 ) -> Written:
    """Write the report, the CSV export and the per-student pages; returns their paths (and
    ``mistakes``: the class's own mistakes, or ``None`` without state files).
    ``submitted_dir``: where the learners' code is (default ``GRADING/submitted``)."""
    grading_dir = Path(grading_dir)
    if not 0 <= threshold <= 1:
        raise ReportError(f"the threshold is a fraction of the points, 0 to 1 (got {threshold})")
    rows = load_grades(grading_dir / "grades.csv")
    stats = class_stats(rows, threshold)
    late = late_report.submissions(rows)   # None unless the course's policy was applied
    out = Path(out) if out else grading_dir / "report.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    mistakes: list[ExerciseMistakes] | None = None
    if (grading_dir / "state").is_dir():
        from .mistake_groups import MistakeError, class_mistakes

        try:
            mistakes = class_mistakes(grading_dir, submitted_dir)
        except MistakeError:
            mistakes = None
    import os

    sim_pages = sorted((grading_dir / "similarity").glob("sprint*.html"),
                       key=lambda p: sprint_key(p.stem))
    links = [(p.stem, Path(os.path.relpath(p, out.parent)).as_posix()) for p in sim_pages]
    problems, unrecorded = _problems(grading_dir)
    out.write_text(render_report(stats, source=str(grading_dir / "grades.csv"),
                                 problems=problems, problems_unrecorded=unrecorded, late=late,
                                 mistakes=mistakes, similarity=links), encoding="utf-8")
    csv_path = export_csv(out.with_suffix(".csv"), stats, late)
    pages = []
    by_key: dict[tuple[str, str], list[GradeRow]] = {}
    for r in rows:
        by_key.setdefault((r.student, r.assignment), []).append(r)
    notes = _notes_of(grading_dir)
    for (student, assignment), items in sorted(by_key.items()):
        page = out.parent / "results" / _safe_name(student) / f"{_safe_name(assignment)}.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(render_student(student, assignment, items, late,
                                       notes.get(f"{student}/{assignment}")),
                        encoding="utf-8")
        pages.append(page)
    return {"report": out, "csv": csv_path, "pages": pages, "stats": stats,
            "mistakes": mistakes}
