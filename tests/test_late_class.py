"""A generated class of 40 through the late policy, the report and both LMS imports.

Each student is built to be late by a chosen number of started days, so the expected penalty
is written down beforehand, not computed the way the policy computes it:

* the sprint is due 2026-10-05 23:59 UTC, 30 minutes of grace, 0.15 a started day, cap 0.6;
* a student meant to be ``k`` days late submits ``k`` days minus one hour after their own
  due date plus the grace (so ``k`` started days; ``k = 0``: an hour before it);
* every fifth student has a standing accommodation of 2 days, every seventh an extension of
  3 days on sprint1 (both add up), one has an extension to a date-time, and two submitted
  with no time at all (flagged until the platform's times are given).
"""
from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from autograder.instructor import lms, policy, report

DUE = datetime(2026, 10, 5, 23, 59, tzinfo=UTC)
GRACE = timedelta(minutes=30)
RATE, CAP = 0.15, 0.6
EXERCISES = [("sprint1.and_gate", 1.0), ("sprint1.xor_gate", 2.0), ("sprint1.perceptron", 2.0)]


def design(n: int = 40) -> list:
    """``[(student, extra_days, days_late, penalty, fixed_due, stamped)]``"""
    out = []
    for i in range(n):
        student = f"s{i:02d}"
        extra = (2 if i % 5 == 0 else 0) + (3 if i % 7 == 0 else 0)
        days = [0, 0, 1, 2, 3, 4, 5, 9][i % 8]
        penalty = {0: 0.0, 1: 0.15, 2: 0.3, 3: 0.45, 4: 0.6, 5: 0.6, 9: 0.6}[days]
        out.append([student, extra, days, penalty, None, i not in (11, 23)])
    out[13][4] = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)   # an extension to a date
    return out


def policy_text(plan) -> str:
    lines = ['timezone = "UTC"', f"late_penalty_per_day = {RATE}", f"max_penalty = {CAP}",
             "grace_minutes = 30", "[sprints.sprint1]", "due = 2026-10-05T23:59:00Z"]
    for student, _extra, _, _, fixed, _ in plan:
        ext = 3 if int(student[1:]) % 7 == 0 else 0
        if fixed is not None:
            lines += [f"[extensions.{student}]", f"sprint1 = {fixed:%Y-%m-%dT%H:%M:%SZ}"]
        elif ext:
            lines += [f"[extensions.{student}]", f"sprint1 = {ext}"]
    lines.append("[accommodations]")
    lines += [f"{s} = 2" for s, *_ in plan if int(s[1:]) % 5 == 0]
    return "\n".join(lines) + "\n"


@pytest.fixture
def graded_class(tmp_path):
    plan = design()
    rows = ["student,assignment,exercise,score,max_score,status,message"]
    roster = ["student,name,canvas_id,sis_user_id,email"]
    for i, (student, extra, days, _, fixed, stamped) in enumerate(plan):
        for j, (exercise, points) in enumerate(EXERCISES):
            score = points if (i + j) % 3 else points / 2
            rows.append(f"{student},sprint1,{exercise},{score:g},{points:g},"
                        f"{'passed' if score == points else 'failed'},")
        roster.append(f"{student},Student {i},{1000 + i},SIS{i:03d},{student}@uni.example")
        own_due = fixed if fixed is not None else DUE + timedelta(days=extra)
        when = own_due + GRACE + (timedelta(days=days) - timedelta(hours=1) if days
                                  else -timedelta(hours=1))
        folder = tmp_path / "submitted" / student / "sprint1"
        folder.mkdir(parents=True)
        if stamped:
            (folder / "timestamp.txt").write_text(when.strftime("%Y-%m-%d %H:%M:%S.%f UTC"))
    (tmp_path / "grades.csv").write_text("\n".join(rows) + "\n")
    (tmp_path / "roster.csv").write_text("\n".join(roster) + "\n")
    (tmp_path / "policy.toml").write_text(policy_text(plan))
    raw = {}
    for r in csv.DictReader(io.StringIO("\n".join(rows))):
        raw[r["student"]] = raw.get(r["student"], 0.0) + float(r["score"])
    return tmp_path, plan, raw


def test_forty_students_get_exactly_the_policys_penalties(graded_class):
    folder, plan, raw = graded_class
    result = policy.apply_policy(folder, folder / "policy.toml")
    got = {r.student: r for r in result.records}
    for student, _, days, penalty, _, stamped in plan:
        rec = got[student]
        if not stamped:
            assert rec.status == policy.FLAGGED, student
            continue
        assert (rec.days_late, rec.penalty) == (days, pytest.approx(penalty)), student
        assert rec.status == (policy.LATE if days else policy.ON_TIME), student
    # the extension to a date-time replaces the due date; accommodations add to extensions
    assert "extension to 2026-10-20" in got["s13"].note
    assert "accommodation +2" in got["s35"].note and "extension +3" in got["s35"].note

    # flagged ones stop the export; the platform's times settle them
    with pytest.raises(lms.LmsError, match="s11/sprint1, s23/sprint1"):
        lms.write_export(folder, folder / "roster.csv", "canvas")
    (folder / "times.csv").write_text("student,assignment,submitted_at\n"
                                      "s11,sprint1,2026-10-05T12:00:00Z\n"
                                      "s23,sprint1,2026-10-07T00:00:00Z\n")  # 1 day: -15 %
    policy.apply_policy(folder, times_path=folder / "times.csv")
    expected = {s: raw[s] * (1 - p) for s, _, _, p, _, stamped in plan if stamped}
    expected["s11"] = raw["s11"]
    expected["s23"] = raw["s23"] * (1 - 0.15)

    path, _ = lms.write_export(folder, folder / "roster.csv", "canvas")
    table = list(csv.reader(open(path, encoding="utf-8")))
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "sprint1"]
    assert table[1] == ["Points Possible", "", "", "", "", "5"]
    canvas = {r[1]: float(r[5]) for r in table[2:]}
    assert len(canvas) == 40
    for i, (student, *_) in enumerate(plan):
        assert canvas[str(1000 + i)] == pytest.approx(expected[student], abs=1e-4), student

    path, _ = lms.write_export(folder, folder / "roster.csv", "moodle")
    table = list(csv.reader(open(path, encoding="utf-8")))
    assert table[0] == ["Email address", "sprint1"]
    moodle = {r[0]: float(r[1]) for r in table[1:]}
    assert moodle == {f"{s}@uni.example": pytest.approx(expected[s], abs=1e-4)
                      for s, *_ in plan}

    written = report.write_report(folder)
    exported = {r["student"]: r for r in csv.DictReader(open(written["csv"]))}
    for student, value in expected.items():
        assert float(exported[student]["sprint1_final"]) == pytest.approx(value, abs=1e-4)
