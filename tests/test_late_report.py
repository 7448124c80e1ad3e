"""The course's deadlines in the class report, report.csv and the per-student pages.

Policy (UTC, no grace): sprint1 due 2026-10-05 23:59, 0.25 of the points a started day late,
capped at 0.5; carol has a standing accommodation of 3 days. Worked out by hand:

* alice: 2026-10-05 12:00, on time: 3 of 3.
* bob: 2026-10-06 00:00:30, 30 s past the due date: 1 day, -25 %: 2 of 2 becomes 1.5.
* carol: 2026-10-08 23:59, on time with her 3 days (due 2026-10-08 23:59): 1 of 3.
* dave: 2026-10-12 00:00, 6 days and 1 minute late: 7 started days, capped at 50 %: 3
  becomes 1.5.
* erin: "last tuesday": flagged, keeps 2 of 3.
"""
from __future__ import annotations

import csv
import re

from autograder.instructor import policy, report

from .support import UTC_POLICY

POLICY = UTC_POLICY + """
[accommodations]
carol = 3
"""
SCORES = {"alice": (1, 2), "bob": (0, 2), "carol": (1, 0), "dave": (1, 2), "erin": (0, 2)}
STAMPS = {"alice": "2026-10-05 12:00:00 UTC", "bob": "2026-10-06 00:00:30 UTC",
          "carol": "2026-10-08 23:59:00 UTC", "dave": "2026-10-12 00:00:00 UTC",
          "erin": "last tuesday"}


def make_grading(tmp_path):
    lines = ["student,assignment,exercise,score,max_score,status,message"]
    for student, (a, b) in SCORES.items():
        lines.append(f"{student},sprint1,sprint1.and_gate,{a},1,"
                     f"{'passed' if a == 1 else 'failed'},")
        lines.append(f"{student},sprint1,sprint1.xor_gate,{b},2,"
                     f"{'passed' if b == 2 else 'failed'},")
        folder = tmp_path / "submitted" / student / "sprint1"
        folder.mkdir(parents=True)
        (folder / "timestamp.txt").write_text(STAMPS[student])
    (tmp_path / "grades.csv").write_text("\n".join(lines) + "\n")
    (tmp_path / "policy.toml").write_text(POLICY)
    return tmp_path


def test_the_class_report_lists_late_and_flagged_submissions(tmp_path):
    grading = make_grading(tmp_path)
    policy.apply_policy(grading, grading / "policy.toml")
    written = report.write_report(grading)
    page = written["report"].read_text()
    assert "3 on time, 2 late, 1 flagged" not in page
    assert re.search(r"2 on time, 2 late, 1 flagged", page)
    table = page[page.index('<table id="late">'):]
    table = table[:table.index("</table>")]
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", r) for r in table.split("<tr>")[2:]]
    got = {r[0]: r[2:8] for r in rows}
    # student: status, days late, penalty, as graded, final, points
    assert got == {"erin": ["flagged", "0", "0%", "2", "2", "3"],
                   "bob": ["late", "1", "25%", "2", "1.5", "3"],
                   "dave": ["late", "7", "50%", "3", "1.5", "3"]}
    assert [r[0] for r in rows] == ["erin", "bob", "dave"]    # flagged first

    exported = {r["student"]: r for r in csv.DictReader(open(written["csv"]))}
    assert exported["bob"]["sprint1"] == "2" and exported["bob"]["sprint1_final"] == "1.5"
    assert exported["dave"]["final_total"] == "1.5"
    assert exported["carol"]["sprint1_final"] == "1" and exported["carol"]["late"] == ""
    assert exported["bob"]["late"] == "sprint1: late 1 d −25%"
    assert exported["erin"]["late"] == "sprint1: flagged"


def test_each_learner_page_says_when_it_was_submitted_and_what_it_cost(tmp_path):
    grading = make_grading(tmp_path)
    policy.apply_policy(grading, grading / "policy.toml")
    report.write_report(grading)
    page = {s: (grading / "results" / s / "sprint1.html").read_text() for s in SCORES}
    assert "1 day(s) late, −25%: final score 1.5 of 3 (as graded 2)" in page["bob"]
    assert "on time" in page["carol"] and "accommodation +3 day(s)" in page["carol"]
    assert "under review by the instructor" in page["erin"]
    assert "malformed timestamp.txt" in page["erin"]


def test_without_a_policy_the_reports_are_as_before(tmp_path):
    grading = make_grading(tmp_path)
    written = report.write_report(grading)
    assert "Deadlines" not in written["report"].read_text()
    assert "final_total" not in written["csv"].read_text()
    assert 'id="deadline"' not in (grading / "results" / "bob" / "sprint1.html").read_text()
