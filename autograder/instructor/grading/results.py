"""``grades.csv`` and the summary printed at the end of a run."""
from __future__ import annotations

import csv
from pathlib import Path

from ...learner.sprints import sprint_key
from ..trusted import CSV_EXTRA_COLUMNS, csv_extra, csv_message
from .text import capped

CSV_COLUMNS = ["student", "assignment", "exercise", "score", "max_score", "status", "message",
               *CSV_EXTRA_COLUMNS]


def write_csv(path: Path, subs: list) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
        for sub in sorted(subs, key=lambda s: (s.student, sprint_key(s.assignment))):
            for r in sub.results:
                writer.writerow([sub.student, sub.assignment, r.id, f"{r.score:g}",
                                 f"{r.points:g}", r.status, capped(csv_message(r)),
                                 *csv_extra(r)])


def summary(subs: list, skipped: list, course_problems: list, out_dir: Path,
            seconds: float) -> str:
    students = sorted({s.student for s in subs})
    assignments = sorted({s.assignment for s in subs}, key=sprint_key)
    table = {(s.student, s.assignment): s for s in subs}
    width = max([len("student"), *map(len, students)]) + 2
    lines = [f"Graded {len(subs)} submission(s) of {len(students)} student(s) "
             f"({', '.join(assignments)}) in {seconds:.0f} s.",
             f"Grades: {out_dir / 'grades.csv'}   feedback: {out_dir / 'feedback'}/",
             "Free-text answers are graded by hand (nbgrader formgrader, course folder "
             f"{out_dir}).", "",
             "student".ljust(width) + "".join(a.ljust(12) for a in assignments) + "total"]
    for st in students:
        row, got, tot = st.ljust(width), 0.0, 0.0
        for a in assignments:
            sub = table.get((st, a))
            if sub is None:
                row += "-".ljust(12)
                continue
            score = sum(r.score for r in sub.results)
            points = sum(r.points for r in sub.results)
            got, tot = got + score, tot + points
            row += f"{score:g}/{points:g}".ljust(12)
        lines.append(row + f"{got:g}/{tot:g}")
    problems = [(s.key, p) for s in sorted(subs, key=lambda s: (s.student, s.assignment))
                for p in s.problems]
    lines.append("")
    if problems or skipped:
        lines.append("Problems:")
        lines += [f"  {key}: {p}" for key, p in problems]
        lines += [f"  {p}" for p in skipped]
    else:
        lines.append("Problems: none")
    if course_problems:
        lines += ["", "Course problems (the grader could not record every grade):"]
        lines += [f"  {p}" for p in course_problems]
    return "\n".join(lines)
