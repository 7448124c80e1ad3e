"""The course's policy through real grading: `grade --policy` then `report` and `lms`.

A class of four on sprint1, due 2026-10-05 23:59 UTC, 0.25 a started day, no grace; the
policy asks for per-student hidden cases and the reveal after the deadline (which passed
long ago by the grader's clock). Worked out by hand:

* alice (the reference), 2026-10-05 20:00: on time, full marks;
* bob (the reference), 2026-10-07 10:00: 1 day 10 h late, 2 started days: -50 %;
* carol: step_function wrong only when every input is 0 (a hidden edge case, never a public
  one): on time, loses part of that exercise, and her feedback reveals the case;
* dave (the reference), no timestamp.txt: flagged, keeps his score.
"""
from __future__ import annotations

import csv
import re

import numpy as np
import pytest

from autograder.instructor import grading, lms, policy, report
from autograder.instructor.trusted import for_student, prepare_sprint

from .conftest import make_helpers
from .support import SPRINT, UTC_POLICY, course_repo, sprint_specs

SALT = "deadlines-salt"
POLICY = UTC_POLICY + """
[hidden]
per_student = true
reveal_after_deadline = true
"""
STAMPS = {"alice": "2026-10-05 20:00:00.000000 UTC", "bob": "2026-10-07 10:00:00.000000 UTC",
          "carol": "2026-10-05 21:00:00.000000 UTC"}
WRONG_AT_ZERO = '''

def step_function(x):
    import numpy as np
    x = np.asarray(x)
    if not np.any(x):
        return np.ones(x.shape, dtype=int)
    return (x > 0).astype(int)
'''


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("deadlines")
    repo = course_repo(tmp)
    submitted = tmp / "submitted"
    for student in ("alice", "bob", "carol", "dave"):
        folder = submitted / student / SPRINT
        pkg = make_helpers(folder)
        if student == "carol":
            (pkg / "perceptron.py").write_text((pkg / "perceptron.py").read_text()
                                               + WRONG_AT_ZERO)
        if student in STAMPS:
            (folder / "timestamp.txt").write_text(STAMPS[student])
    (tmp / "policy.toml").write_text(POLICY)
    out = tmp / "grading"
    with open(tmp / "summary.txt", "w") as stream:
        code = grading.grade(submitted, out, salt=SALT, sprints=[SPRINT], repo=repo,
                             progress=False, policy=tmp / "policy.toml", stream=stream)
    rows = list(csv.DictReader(open(out / "grades.csv", encoding="utf-8")))
    return {"tmp": tmp, "out": out, "code": code, "rows": rows}


@pytest.mark.slow
def test_grades_csv_carries_the_policys_verdict(graded):
    assert graded["code"] == 0
    full = sum(s.points for s in sprint_specs())
    by = {}
    for r in graded["rows"]:
        raw, final = by.get(r["student"], (0.0, 0.0))
        by[r["student"]] = (raw + float(r["score"]), final + float(r["final_score"]))
        assert r["late_status"] == {"alice": "on time", "bob": "late", "carol": "on time",
                                    "dave": "flagged"}[r["student"]]
    assert by["alice"] == (full, full)
    assert by["bob"][0] == full and by["bob"][1] == pytest.approx(full / 2)
    assert by["dave"] == (full, full)
    assert by["carol"][0] < full
    assert {r["days_late"] for r in graded["rows"] if r["student"] == "bob"} == {"2"}
    assert (graded["out"] / "policy.toml").read_text() == POLICY
    summary = (graded["tmp"] / "summary.txt").read_text()
    assert "2 on time, 1 late, 1 flagged" in summary and "FLAGGED  dave/sprint1" in summary


@pytest.mark.slow
def test_carols_own_hidden_case_is_revealed_after_the_deadline(graded):
    row = next(r for r in graded["rows"]
               if r["student"] == "carol" and r["exercise"] == "sprint1.step_function")
    assert row["status"] == "failed"
    assert "After the deadline, this hidden case is revealed" in row["message"]
    assert "Expected: return: " in row["message"]
    # the case shown is carol's own: its number is that of the all-zeros case among her
    # hidden cases (seeded from the salt and her id)
    spec = next(s for s in sprint_specs() if s.id == "sprint1.step_function")
    mine = for_student(prepare_sprint([spec], SALT), SALT, "carol")[0][2]
    zeros = [i + 1 for i, c in enumerate(mine) if not np.any(c.case["args"][0])]
    number = int(re.search(r"hidden case (\d+) of", row["message"]).group(1))
    assert number == zeros[0]
    course_order = prepare_sprint([spec], SALT)[0][2]
    assert [repr(c.case["args"][0]) for c in mine] != \
        [repr(c.case["args"][0]) for c in course_order]
    feedback = (graded["out"] / "feedback" / "carol" / SPRINT).glob("*.html")
    assert any("this hidden case is revealed" in f.read_text() for f in feedback)


@pytest.mark.slow
def test_report_and_lms_follow_from_grades_csv(graded):
    out = graded["out"]
    written = report.write_report(out)
    page = written["report"].read_text()
    assert "2 on time, 1 late, 1 flagged" in page
    assert "−50%" in (out / "results" / "bob" / f"{SPRINT}.html").read_text()
    (out / "roster.csv").write_text("student,name\nalice,A\nbob,B\ncarol,C\ndave,D\n")
    with pytest.raises(lms.LmsError, match="dave/sprint1"):
        lms.write_export(out, out / "roster.csv", "canvas")
    (out / "submission_times.csv").write_text(
        "student,assignment,submitted_at\ndave,sprint1,2026-10-05T12:00:00Z\n")
    result = policy.apply_policy(out)   # the kept policy and the kept times: dave on time
    assert [r.status for r in result.records if r.student == "dave"] == [policy.ON_TIME]
    path, _ = lms.write_export(out, out / "roster.csv", "canvas")
    table = {r[0]: r for r in csv.reader(open(path))}
    full = sum(s.points for s in sprint_specs())
    assert table["B"][5] == f"{full / 2:g}" and table["D"][5] == f"{full:g}"
