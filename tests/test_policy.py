"""Deadlines, grace, late penalties, extensions and standing accommodations.

Every expected value is worked out by hand in the comments from the policy below (Tokyo is
UTC+9, so sprint1's due date 2026-10-05 23:59 Tokyo is 14:59 UTC and, with 10 minutes of
grace, a submission is late from 15:09:00 UTC on).
"""
from __future__ import annotations

import csv
from datetime import UTC, datetime

import pytest

from autograder import __main__ as cli
from autograder.instructor import policy as pol

from .support import TOKYO_POLICY

POLICY = TOKYO_POLICY + """
[sprints.sprint2]
due = 2026-10-12T23:59:00+09:00
grace_minutes = 0
late_penalty_per_day = 0.25

[extensions.alice]
sprint1 = 3

[extensions.dave]
sprint2 = 2026-10-20T12:00:00

[accommodations]
bob = 2
dave = 5
carol_typo = 1
"""


@pytest.fixture
def policy():
    return pol.parse_policy(POLICY)


@pytest.mark.parametrize("student, sprint, stamp, status, days, penalty", [
    # sprint1: late from 2026-10-05 15:09:00 UTC
    ("eve", "sprint1", "2026-10-05 15:09:00.000000 UTC", pol.ON_TIME, 0, 0.0),
    ("eve", "sprint1", "2026-10-05 15:09:01.000000 UTC", pol.LATE, 1, 0.1),
    ("eve", "sprint1", "2026-10-07 15:09:00 UTC", pol.LATE, 2, 0.2),       # exactly 2 days
    ("eve", "sprint1", "2026-10-07 15:09:01 UTC", pol.LATE, 3, 0.3),
    ("eve", "sprint1", "2026-10-15 00:00:00 UTC", pol.LATE, 10, 0.3),      # capped
    ("eve", "sprint1", "2026-10-06 00:05:00", pol.ON_TIME, 0, 0.0),        # Tokyo time
    ("eve", "sprint1", "2026-10-06T00:09:30+09:00", pol.LATE, 1, 0.1),
    ("eve", "sprint1", "2026-10-06 00:09:30 +0900", pol.LATE, 1, 0.1),
    ("eve", "sprint1", "2026-10-05T15:09:30Z", pol.LATE, 1, 0.1),
    ("eve", "sprint1", "2026-10-06 00:08:00 Asia/Tokyo", pol.ON_TIME, 0, 0.0),
    # alice: 3 more days on sprint1, late from 2026-10-08 15:09:00 UTC
    ("alice", "sprint1", "2026-10-08 15:00:00 UTC", pol.ON_TIME, 0, 0.0),
    ("alice", "sprint1", "2026-10-09 15:10:00 UTC", pol.LATE, 2, 0.2),
    ("alice", "sprint2", "2026-10-12 15:00:00 UTC", pol.LATE, 1, 0.25),    # no extension here
    # bob: 2 more days on every sprint; sprint2 has no grace and 0.25 a day
    ("bob", "sprint1", "2026-10-07 15:00:00 UTC", pol.ON_TIME, 0, 0.0),
    ("bob", "sprint2", "2026-10-14 14:59:00 UTC", pol.ON_TIME, 0, 0.0),
    ("bob", "sprint2", "2026-10-14 15:00:00 UTC", pol.LATE, 1, 0.25),
    ("bob", "sprint2", "2026-10-16 15:00:00 UTC", pol.LATE, 3, 0.3),       # 0.75 capped
    # dave: sprint2 moved to 2026-10-20 12:00 Tokyo (03:00 UTC); his 5 days are not added
    ("dave", "sprint2", "2026-10-20 03:00:00 UTC", pol.ON_TIME, 0, 0.0),
    ("dave", "sprint2", "2026-10-20 03:00:01 UTC", pol.LATE, 1, 0.25),
    ("dave", "sprint1", "2026-10-10 14:59:00 UTC", pol.ON_TIME, 0, 0.0),   # 5 days on sprint1
    ("dave", "sprint1", "2026-10-10 15:09:01 UTC", pol.LATE, 1, 0.1),
])
def test_the_policy_as_written(policy, student, sprint, stamp, status, days, penalty):
    rec = pol.assess(policy, student, sprint, stamp)
    assert (rec.status, rec.days_late, rec.penalty) == (status, days, pytest.approx(penalty))
    assert rec.submitted is not None and rec.submitted.tzinfo is not None


def test_nbgraders_own_timestamp_format_is_read_to_the_instant(policy):
    """``nbgrader submit`` writes datetime.now(tz).strftime("%Y-%m-%d %H:%M:%S.%f %Z")."""
    when = datetime(2026, 10, 5, 15, 9, 0, 250000, tzinfo=UTC)
    stamp = when.strftime("%Y-%m-%d %H:%M:%S.%f %Z")
    assert stamp == "2026-10-05 15:09:00.250000 UTC"
    assert pol.parse_timestamp(stamp, policy.zone) == when
    assert pol.assess(policy, "eve", "sprint1", stamp).status == pol.LATE


@pytest.mark.parametrize("stamp, says", [
    (None, "no timestamp.txt"), ("", "empty"), ("  \n", "empty"),
    ("yesterday", "malformed"), ("5", "malformed"), ("2026-10-05", "malformed"),
    ("2026-13-05 10:00:00 UTC", "malformed"),
    ("2026-10-05 15:00:00 JST", "unknown time zone"),   # nbgrader would read it as UTC
    ("2026-10-05 15:00:00 UTC; rm -rf /", "malformed"),
    ("\ufffd", "malformed"),
])
def test_no_or_a_malformed_timestamp_is_flagged_never_on_time(policy, stamp, says):
    rec = pol.assess(policy, "eve", "sprint1", stamp)
    assert rec.status == pol.FLAGGED and rec.penalty == 0 and says in rec.note


def test_a_sprint_without_a_due_date_is_flagged(policy):
    rec = pol.assess(policy, "eve", "sprint3", "2026-10-05 15:00:00 UTC")
    assert rec.status == pol.FLAGGED and "no due date for sprint3" in rec.note


@pytest.mark.parametrize("text, says", [
    ("[sprints.sprint1]\ndue = 2026-10-05\n", "give a time too"),
    ("[sprints.sprint1]\n", "needs a due"),
    ("late_penalty_per_day = 10\n[sprints.sprint1]\ndue = 2026-10-05T23:59:00\n",
     "between 0 and 1"),
    ("timezone = \"Mars/Olympus\"\n[sprints.sprint1]\ndue = 2026-10-05T23:59:00\n",
     "time zone"),
    ("[sprints.sprint1]\ndue = 2026-10-05T23:59:00\n[extensions.a]\nsprint2 = 1\n",
     "no due date for sprint2"),
    ("[sprints.sprint1]\ndue = 2026-10-05T23:59:00\n[accommodations]\na = -1\n", "0 or more"),
    ("late_penalty = 0.1\n[sprints.sprint1]\ndue = 2026-10-05T23:59:00\n", "unknown key"),
    ("", "no [sprints"),
    ("due = [", "not valid TOML"),
])
def test_a_bad_policy_is_explained(text, says):
    with pytest.raises(pol.PolicyError, match=None) as info:
        pol.parse_policy(text)
    assert says in str(info.value)


def test_penalties_apply_to_grades_rows(policy):
    rows = [{"student": "eve", "assignment": "sprint1", "exercise": "sprint1.xor_gate",
             "score": 2.0, "max_score": 2.0, "status": "passed", "message": ""},
            {"student": "eve", "assignment": "sprint2", "exercise": "sprint2.relu",
             "score": 1.0, "max_score": 1.0, "status": "passed", "message": ""}]
    lateness = {("eve", "sprint1"): pol.assess(policy, "eve", "sprint1",
                                              "2026-10-07 15:09:00 UTC"),
                ("eve", "sprint2"): pol.assess(policy, "eve", "sprint2", None)}
    out = pol.apply_to_rows(rows, lateness)
    assert out[0]["final_score"] == "1.6" and out[0]["late_status"] == "late"
    assert out[1]["final_score"] == "1" and out[1]["late_status"] == "flagged"
    assert rows[0].get("final_score") is None      # the input rows are not changed


GRADES = ("student,assignment,exercise,score,max_score,status,message\n"
          "alice,sprint1,sprint1.and_gate,1,1,passed,\n"
          "alice,sprint1,sprint1.xor_gate,2,2,passed,\n"
          "bob,sprint1,sprint1.xor_gate,1,2,failed,\n"
          "eve,sprint1,sprint1.xor_gate,2,2,passed,\n"
          'frank,sprint1,sprint1.xor_gate,2,2,passed,"hidden case 2 of 3: wrong value\n'
          'Hint: a, with ""quotes"""\n')
STAMPS = {"alice": "2026-10-09 15:10:00.000000 UTC",   # 2 days late after her extension
          "bob": "2026-10-07 15:00:00.000000 UTC",     # on time with his accommodation
          "frank": "2026-10-20 00:00:00 UTC"}          # 15 days late: capped at 0.3
#                                                        eve: no timestamp.txt


def grading_folder(tmp_path):
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "policy.toml").write_text(POLICY)
    (tmp_path / "grades.csv").write_text(GRADES)
    for student in ("alice", "bob", "eve", "frank"):
        folder = tmp_path / "submitted" / student / "sprint1"
        folder.mkdir(parents=True)
        if student in STAMPS:
            (folder / "timestamp.txt").write_text(STAMPS[student])
    return tmp_path


def read_rows(path):
    return list(csv.DictReader(open(path, newline="", encoding="utf-8")))


def test_the_command_writes_the_late_columns_into_grades_csv(tmp_path, capsys):
    grading = grading_folder(tmp_path / "grading")
    assert cli.main(["late", str(grading), "--policy", str(grading / "policy.toml")]) == 0
    shown = capsys.readouterr().out
    assert "2 on time" not in shown and "1 on time, 2 late, 1 flagged" in shown
    assert "carol_typo" in shown
    rows = read_rows(grading / "grades.csv")
    assert list(rows[0])[:7] == ["student", "assignment", "exercise", "score", "max_score",
                                 "status", "message"]
    got = {(r["student"], r["exercise"]): r for r in rows}
    alice = got[("alice", "sprint1.xor_gate")]
    assert (alice["late_status"], alice["days_late"], alice["penalty"], alice["score"],
            alice["final_score"]) == ("late", "2", "0.2", "2", "1.6")
    assert got[("alice", "sprint1.and_gate")]["final_score"] == "0.8"
    assert "extension +3 day(s)" in alice["late_note"]
    bob = got[("bob", "sprint1.xor_gate")]
    assert (bob["late_status"], bob["final_score"]) == ("on time", "1")
    assert "accommodation +2 day(s)" in bob["late_note"]
    eve = got[("eve", "sprint1.xor_gate")]
    assert (eve["late_status"], eve["final_score"], eve["penalty"]) == ("flagged", "2", "0")
    assert "no timestamp.txt" in eve["late_note"]
    frank = got[("frank", "sprint1.xor_gate")]
    assert (frank["days_late"], frank["penalty"], frank["final_score"]) == ("15", "0.3", "1.4")
    assert frank["message"] == 'hidden case 2 of 3: wrong value\nHint: a, with "quotes"'
    assert (grading / "policy.toml").read_text() == POLICY
    assert cli.main(["late", str(grading), "--policy", str(grading / "none.toml")]) == 1


def test_applying_again_replaces_the_columns_with_the_policys_new_word(tmp_path):
    """An extension granted after grading: `late` again, and only the late columns change."""
    grading = grading_folder(tmp_path / "grading")
    elsewhere = tmp_path / "policy.toml"
    elsewhere.write_text(POLICY)
    pol.apply_policy(grading, elsewhere)
    before = read_rows(grading / "grades.csv")
    elsewhere.write_text(POLICY.replace("[extensions.alice]\nsprint1 = 3",
                                        "[extensions.alice]\nsprint1 = 5"))
    report = pol.apply_policy(grading, elsewhere)
    after = read_rows(grading / "grades.csv")
    assert list(after[0]) == list(before[0])          # the columns once, not twice
    alice = [r for r in after if r["student"] == "alice"][0]
    assert (alice["late_status"], alice["final_score"]) == ("on time", "1")
    for b, a in zip(before, after):
        assert {k: b[k] for k in b if k not in pol.LATE_COLUMNS} == \
            {k: a[k] for k in a if k not in pol.LATE_COLUMNS}
    # the grading folder keeps the policy it applied: a later run without --policy uses it
    assert "sprint1 = 5" in (grading / "policy.toml").read_text()
    assert [r.status for r in report.records] == [pol.ON_TIME, pol.ON_TIME, pol.FLAGGED,
                                                  pol.LATE]
    (grading / "grades.csv").write_text(GRADES)     # as a new `grade` run writes it
    text = pol.after_grading(grading)
    assert "2 on time, 1 late, 1 flagged" in text
    assert read_rows(grading / "grades.csv")[0]["late_status"] == "on time"


def test_a_course_without_a_policy_is_left_alone_and_a_bad_one_is_said(tmp_path):
    (tmp_path / "grades.csv").write_text(GRADES)
    assert pol.after_grading(tmp_path) == ""
    assert "late_status" not in (tmp_path / "grades.csv").read_text()
    (tmp_path / "policy.toml").write_text("due = [")
    assert pol.after_grading(tmp_path).startswith("DEADLINES NOT APPLIED")
    assert cli.main(["late", str(tmp_path / "nowhere")]) == 1


def test_late_out_writes_elsewhere_and_leaves_grades_csv(tmp_path):
    grading = grading_folder(tmp_path / "grading")
    out = tmp_path / "copy.csv"
    assert cli.main(["late", str(grading), "--policy", str(grading / "policy.toml"),
                     "--out", str(out)]) == 0
    assert (grading / "grades.csv").read_text() == GRADES
    assert read_rows(out)[0]["late_status"] == "late"


def test_submission_times_from_a_platforms_csv_win_over_timestamp_txt(tmp_path, policy):
    folder = tmp_path / "submitted" / "eve" / "sprint1"
    folder.mkdir(parents=True)
    (folder / "timestamp.txt").write_text("2026-10-05 10:00:00 UTC")       # on time
    (tmp_path / "times.csv").write_text(
        "student,assignment,submitted_at\n"
        "eve,sprint1,2026-10-06T15:10:00Z\n"          # 1 day 1 minute after 15:09 UTC: 2 days
        "bob,sprint1,\n")                              # listed without a time: flagged
    times = pol.load_times(tmp_path / "times.csv")
    got = pol.assess_folder(policy, tmp_path / "submitted", [("eve", "sprint1"),
                                                             ("bob", "sprint1")], times)
    assert (got[("eve", "sprint1")].status, got[("eve", "sprint1")].days_late) == (pol.LATE, 2)
    assert got[("bob", "sprint1")].status == pol.FLAGGED
    assert got[("bob", "sprint1")].note.startswith("empty submitted_at in the times CSV")
    (tmp_path / "times.csv").write_text("student,submitted_at\neve,2026-10-06T15:10:00Z\n")
    with pytest.raises(pol.PolicyError, match="assignment"):
        pol.load_times(tmp_path / "times.csv")
    (tmp_path / "times.csv").write_text("student,assignment,submitted_at\neve\n")
    with pytest.raises(pol.PolicyError, match=r"times.csv, line 2: no cell for assignment"):
        pol.load_times(tmp_path / "times.csv")


def test_a_short_row_in_grades_csv_stops_late_with_its_line(tmp_path, capsys):
    grading = grading_folder(tmp_path / "grading")
    (grading / "grades.csv").write_text(GRADES + "bob\n")
    before = (grading / "grades.csv").read_text()
    assert cli.main(["late", str(grading), "--policy", str(grading / "policy.toml")]) == 1
    line = len(before.splitlines())
    assert f"line {line}: no cell for assignment, score" in capsys.readouterr().err
    assert (grading / "grades.csv").read_text() == before         # nothing written


def test_late_refuses_a_score_that_is_not_points_and_writes_nothing(tmp_path, capsys):
    grading = grading_folder(tmp_path / "grading")
    bad = GRADES.replace("bob,sprint1,sprint1.xor_gate,1,2,", "bob,sprint1,sprint1.xor_gate,nan,2,")
    (grading / "grades.csv").write_text(bad)
    assert cli.main(["late", str(grading), "--policy", str(grading / "policy.toml")]) == 1
    assert "line 4: score 'nan' is not a number from 0 to max_score (2)" in \
        capsys.readouterr().err
    assert (grading / "grades.csv").read_text() == bad


def test_a_policy_file_with_a_bom_reads_and_one_in_shift_jis_is_refused(tmp_path, capsys):
    """Notepad's "UTF-8 with BOM" reads as plain UTF-8; a Japanese comment saved as Shift_JIS
    stops `late` and the Gradescope bundle with advice, not a traceback."""
    path = tmp_path / "policy.toml"
    path.write_bytes(POLICY.encode("utf-8-sig"))
    assert pol.load_policy(path) == pol.parse_policy(POLICY)
    path.write_bytes(("# 締め切りは日本時間\n" + POLICY).encode("shift_jis"))
    with pytest.raises(pol.PolicyError, match=r"policy.toml: not UTF-8 text.*Shift_JIS"):
        pol.load_policy(path)
    grading = grading_folder(tmp_path / "grading")
    assert cli.main(["late", str(grading), "--policy", str(path)]) == 1
    assert "not UTF-8 text" in capsys.readouterr().err


def test_late_reads_a_spreadsheets_csv_utf8_and_refuses_shift_jis(tmp_path, capsys):
    grading = grading_folder(tmp_path / "grading")
    grades = grading / "grades.csv"
    grades.write_bytes(GRADES.encode("utf-8-sig"))             # "CSV UTF-8": a BOM first
    assert cli.main(["late", str(grading), "--policy", str(grading / "policy.toml")]) == 0
    assert read_rows(grades)[0]["student"] == "alice"          # the column found, BOM gone
    japanese = GRADES.replace("passed,\n", "passed,ヒント\n", 1).encode("shift_jis")
    grades.write_bytes(japanese)
    assert cli.main(["late", str(grading), "--policy", str(grading / "policy.toml")]) == 1
    assert "grades.csv is not UTF-8 text" in capsys.readouterr().err
    assert grades.read_bytes() == japanese                      # nothing written
    (tmp_path / "times.csv").write_bytes("student,assignment,submitted_at\n佐藤,sprint1,\n"
                                         .encode("shift_jis"))
    with pytest.raises(pol.PolicyError, match="times.csv is not UTF-8 text"):
        pol.load_times(tmp_path / "times.csv")


def test_the_worked_example_in_class_md_is_what_the_policy_does():
    """docs/class.md section 6: its policy file, and the sentence that works it out."""
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "class.md").read_text()
    text = re.search(r"## 6\..*?```toml\n(.*?)```", doc, re.S).group(1)
    rules = pol.parse_policy(text)
    assert rules.hidden.per_student and rules.hidden.reveal_after_deadline
    # due 2026-10-05 23:59 Tokyo, 10 minutes of grace, 0.1 a started day, capped at 0.5
    for stamp, days, penalty in [("2026-10-06 00:09:00", 0, 0.0), ("2026-10-06 00:10:00", 1, 0.1),
                                 ("2026-10-09 00:10:00", 4, 0.4),   # 3 days and a minute
                                 ("2026-10-10 00:09:30", 5, 0.5),   # the fifth started day
                                 ("2026-10-12 00:10:00", 7, 0.5)]:
        rec = pol.assess(rules, "eve", "sprint1", stamp)
        assert (rec.days_late, rec.penalty) == (days, pytest.approx(penalty)), stamp
    assert "at 00:09 Tokyo time on 6 October is on time" in doc
    assert "three days and a minute after the grace it is four days late (−40 %)" in \
        " ".join(doc.split())


def test_a_learners_own_timestamp_txt_never_becomes_the_submission_time(tmp_path, policy):
    """Attack: the uploaded zip carries sprint1/timestamp.txt dated before the deadline (or a
    loose alice_sprint1_timestamp.txt). collect-zip leaves it out: with no time from the
    platform the submission is flagged, with one the platform's time stands."""
    import zipfile

    from autograder.instructor import collect

    download = tmp_path / "download"
    download.mkdir()
    with zipfile.ZipFile(download / "alice_sprint1.zip", "w") as zf:
        zf.writestr("sprint1/helpers/perceptron.py", "x = 1\n")
        zf.writestr("sprint1/timestamp.txt", "2026-10-01 00:00:00 UTC")
    (download / "bob_sprint1_timestamp.txt").write_text("2026-10-01 00:00:00 UTC")
    (download / "bob_sprint1_perceptron.py").write_text("x = 1\n")
    report = collect.collect_zip(download, "sprint1", tmp_path / "submitted")
    assert {c.student for c in report.collected} == {"alice", "bob"}
    for c in report.collected:
        assert not (c.folder / "timestamp.txt").exists()
        assert any("timestamp.txt in the upload was left out" in n for n in c.notes)
        assert pol.assess(policy, c.student, "sprint1",
                          pol.read_stamp(c.folder)).status == pol.FLAGGED
    # a pattern with the platform's time: that time, not the learner's
    pattern = r"^(?P<student_id>[^_]+)_(?P<assignment>sprint\d+)_(?P<timestamp>[^_]+)\.zip$"
    (download / "alice_sprint1.zip").rename(download / "alice_sprint1_2026-10-09T12:00Z.zip")
    for f in download.glob("bob_*"):
        f.unlink()
    report = collect.collect_zip(download, "sprint1", tmp_path / "again", pattern=pattern)
    folder = report.collected[0].folder
    assert (folder / "timestamp.txt").read_text() == "2026-10-09T12:00Z"
    assert pol.assess(policy, "alice", "sprint1", pol.read_stamp(folder)).status == pol.LATE


def test_grade_keeps_the_policy_before_grading_anything(tmp_path):
    (tmp_path / "given.toml").write_text(POLICY)
    (tmp_path / "grading").mkdir()
    rules = pol.course_policy(tmp_path / "grading", tmp_path / "given.toml")
    assert (tmp_path / "grading" / "policy.toml").read_text() == POLICY
    assert pol.course_policy(tmp_path / "grading").sprints == rules.sprints
    assert pol.course_policy(tmp_path / "empty") is None
    (tmp_path / "bad.toml").write_text("due = [")
    with pytest.raises(pol.PolicyError):
        pol.course_policy(tmp_path / "grading", tmp_path / "bad.toml")
    assert (tmp_path / "grading" / "policy.toml").read_text() == POLICY   # not replaced
