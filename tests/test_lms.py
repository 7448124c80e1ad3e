"""Grade exports for Canvas, Moodle and any spreadsheet, from a grading folder's grades.csv.

The expected files are written by hand from the platforms' documentation, not from the code:

* Canvas, "How do I import grades in the Gradebook?" (Instructor Guide): the first columns
  are Student, ID, SIS User ID, SIS Login ID, Section (one of Student / ID / SIS User ID
  identifies the student); each assignment column is "Name (assignment id)" to update an
  existing assignment, a bare name to create one; an optional second row "Points Possible"
  holds each assignment's points; an empty cell changes nothing.
* Moodle, Grades > Import > CSV file (grade/import/csv): a header row; one column identifies
  the user, mapped on the import page to id, username, idnumber or email address; every other
  column is mapped to a grade item (or a new one).
"""
from __future__ import annotations

import csv
import io

import pytest

from autograder import __main__ as cli
from autograder.instructor import lms

GRADES = """student,assignment,exercise,score,max_score,status,message
alice,sprint1,sprint1.and_gate,1,1,passed,
alice,sprint1,sprint1.xor_gate,2,2,passed,
alice,sprint2,sprint2.relu,0.5,1,failed,"hidden case 2 of 3: wrong value
Hint: use np.maximum"
bob,sprint1,sprint1.and_gate,0,1,failed,
bob,sprint1,sprint1.xor_gate,2,2,passed,
"山田",sprint1,sprint1.and_gate,1,1,passed,
"山田",sprint1,sprint1.xor_gate,0,2,error,
"""

ROSTER = """student,name,canvas_id,sis_user_id,sis_login_id,section,email,idnumber
alice,"Smith, Alice",101,S001,asmith,Section A,alice@uni.example,2024001
bob,"Jones, Bob",102,S002,bjones,Section A,bob@uni.example,2024002
山田,"山田, 太郎",103,S003,tyamada,Section B,yamada@uni.example,2024003
carol,"Lee, Carol",104,S004,clee,Section B,carol@uni.example,2024004
"""

# Canvas: the documented header, a Points Possible row, one row per roster student.
CANVAS = """Student,ID,SIS User ID,SIS Login ID,Section,Sprint 1 (4821),sprint2
Points Possible,,,,,3,1
"Smith, Alice",101,S001,asmith,Section A,3,0.5
"Jones, Bob",102,S002,bjones,Section A,2,
"Lee, Carol",104,S004,clee,Section B,,
"山田, 太郎",103,S003,tyamada,Section B,1,
"""

# Moodle, identified by email address: one identifier column, then one column per item.
MOODLE = """Email address,sprint1,sprint2
alice@uni.example,3,0.5
bob@uni.example,2,
carol@uni.example,,
yamada@uni.example,1,
"""


@pytest.fixture
def grading(tmp_path):
    (tmp_path / "grades.csv").write_text(GRADES, encoding="utf-8")
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    return tmp_path


def rows(text: str) -> list:
    return list(csv.reader(io.StringIO(text)))


def by_first_column(table: list) -> dict:
    return {r[0]: r for r in table[1:]}


def test_canvas_export_is_the_documented_layout(grading):
    path, result = lms.write_export(grading, grading / "roster.csv", "canvas",
                                    columns={"sprint1": "Sprint 1 (4821)"})
    got, want = rows(path.read_text(encoding="utf-8")), rows(CANVAS)
    assert got[0] == want[0] and got[1] == want[1]
    assert by_first_column(got) == by_first_column(want)
    assert result.ungraded == ["carol"]


def test_moodle_export_is_the_documented_layout(grading):
    path, _ = lms.write_export(grading, grading / "roster.csv", "moodle")
    got, want = rows(path.read_text(encoding="utf-8")), rows(MOODLE)
    assert got[0] == want[0]
    assert by_first_column(got) == by_first_column(want)


def test_moodle_by_idnumber(grading):
    _, result = lms.write_export(grading, grading / "roster.csv", "moodle", moodle_id="idnumber")
    table = rows(result.text)
    assert table[0] == ["ID number", "sprint1", "sprint2"]
    assert by_first_column(table)["2024003"] == ["2024003", "1", ""]


def test_generic_export_has_totals_out_of_every_assignment(grading):
    _, result = lms.write_export(grading, grading / "roster.csv", "generic")
    table = rows(result.text)
    assert table[0][0] == "student" and table[0][-2:] == ["total", "max_total"]
    bob = by_first_column(table)["bob"]
    assert bob[-4:] == ["2", "", "2", "4"]      # sprint1 2 of 3, no sprint2: 2 of 4 in all


def test_a_graded_student_missing_from_the_roster_is_refused(grading):
    roster = grading / "roster.csv"
    roster.write_text("\n".join(row for row in ROSTER.splitlines() if not row.startswith("bob")))
    with pytest.raises(lms.LmsError, match="bob"):
        lms.write_export(grading, roster, "canvas")


def test_moodle_refuses_a_missing_or_shared_identifier(grading):
    roster = grading / "roster.csv"
    roster.write_text(ROSTER.replace("bob@uni.example", ""))
    with pytest.raises(lms.LmsError, match="no email for bob"):
        lms.write_export(grading, roster, "moodle")
    roster.write_text(ROSTER.replace("bob@uni.example", "alice@uni.example"))
    with pytest.raises(lms.LmsError, match="shared"):
        lms.write_export(grading, roster, "moodle")


def test_canvas_refuses_a_student_it_could_not_find(grading):
    roster = grading / "roster.csv"
    roster.write_text("student,email\n" + "".join(
        f"{s},{s}@x.example\n" for s in ("alice", "bob", "山田")))
    with pytest.raises(lms.LmsError, match="Canvas finds a student"):
        lms.write_export(grading, roster, "canvas")


@pytest.mark.parametrize("roster_text, says", [
    ("name,email\nAlice,a@x\n", "no 'student' column"),
    ("student,phone\nalice,123\n", "unknown column"),
    ("student,email\nalice,a@x\nalice,b@x\n", "listed twice"),
])
def test_a_bad_roster_is_explained(grading, roster_text, says):
    (grading / "roster.csv").write_text(roster_text)
    with pytest.raises(lms.LmsError, match=says):
        lms.load_roster(grading / "roster.csv")


def test_the_command(grading, capsys):
    out = grading / "canvas.csv"
    code = cli.main(["lms", str(grading), "--roster", str(grading / "roster.csv"),
                     "--format", "canvas", "--column", "sprint1=Sprint 1 (4821)",
                     "--out", str(out)])
    assert code == 0
    assert rows(out.read_text(encoding="utf-8"))[0][5] == "Sprint 1 (4821)"
    assert "carol" in capsys.readouterr().out
    assert cli.main(["lms", str(grading), "--roster", str(grading / "roster.csv"),
                     "--column", "sprint9=X"]) == 1
    assert cli.main(["lms", str(grading), "--roster", str(grading / "roster.csv"),
                     "--column", "sprint1"]) == 2


LATE_POLICY = """
late_penalty_per_day = 0.2
max_penalty = 0.5
[sprints.sprint1]
due = 2026-10-05T23:59:00Z
[sprints.sprint2]
due = 2026-10-12T23:59:00Z
[extensions."山田"]
sprint1 = 2
"""
STAMPS = {("alice", "sprint1"): "2026-10-06 10:00:00 UTC",   # 1 started day late: -20 %
          ("alice", "sprint2"): "2026-10-12 10:00:00 UTC",   # on time
          ("bob", "sprint1"): "2026-10-05 20:00:00 UTC",     # on time
          ("山田", "sprint1"): "2026-10-07 12:00:00 UTC"}     # on time with 2 more days


def test_final_scores_after_the_late_policy_are_exported_and_flags_stop_it(grading):
    from autograder.instructor import policy

    for (student, sprint), stamp in STAMPS.items():
        folder = grading / "submitted" / student / sprint
        folder.mkdir(parents=True)
        (folder / "timestamp.txt").write_text(stamp)
    (grading / "policy.toml").write_text(LATE_POLICY, encoding="utf-8")
    policy.apply_policy(grading, grading / "policy.toml")
    # by default the final scores: alice's sprint1 lost 20 % (3 -> 2.4)
    _, result = lms.write_export(grading, grading / "roster.csv", "moodle")
    table = by_first_column(rows(result.text))
    assert table["alice@uni.example"] == ["alice@uni.example", "2.4", "0.5"]
    assert table["bob@uni.example"] == ["bob@uni.example", "2", ""]
    assert table["yamada@uni.example"] == ["yamada@uni.example", "1", ""]
    _, result = lms.write_export(grading, grading / "roster.csv", "moodle", late=False)
    assert by_first_column(rows(result.text))["alice@uni.example"][1] == "3"
    # a submission without a time: flagged, and the export refuses until a human decides
    (grading / "submitted" / "山田" / "sprint1" / "timestamp.txt").unlink()
    policy.apply_policy(grading)
    with pytest.raises(lms.LmsError, match="山田/sprint1"):
        lms.write_export(grading, grading / "roster.csv", "canvas")
    assert cli.main(["lms", str(grading), "--roster", str(grading / "roster.csv")]) == 1
    assert cli.main(["lms", str(grading), "--roster", str(grading / "roster.csv"),
                     "--raw"]) == 0


def test_late_insists_on_the_late_columns(grading):
    with pytest.raises(lms.LmsError, match="no late columns"):
        lms.write_export(grading, grading / "roster.csv", "moodle", late=True)
