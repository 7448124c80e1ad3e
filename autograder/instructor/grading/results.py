"""``grades.csv``: one row per student, assignment and exercise (the summary of a run is
:mod:`.summary`)."""
from __future__ import annotations

import csv
from pathlib import Path

from ...learner.sprints import sprint_key
from ..trusted import CSV_EXTRA_COLUMNS, csv_extra, csv_message
from .submission import Submission
from .text import capped

CSV_COLUMNS = ["student", "assignment", "exercise", "score", "max_score", "status", "message",
               *CSV_EXTRA_COLUMNS]


def write_csv(path: Path, subs: list[Submission]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
        for sub in sorted(subs, key=lambda s: (s.student, sprint_key(s.assignment))):
            for r in sub.results:
                writer.writerow([sub.student, sub.assignment, r.id, f"{r.score:g}",
                                 f"{r.points:g}", r.status, capped(csv_message(r)),
                                 *csv_extra(r)])
