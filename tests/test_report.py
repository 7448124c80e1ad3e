"""The class report: read back as a browser would, its numbers checked against grades.csv.

The grading folder here is written by hand (a grades.csv in ``grade``'s format for a small
class over two sprints, and a summary.txt), so every figure the report shows can be
recomputed by the test from the CSV alone. ``tests/test_collect.py`` runs the report on a
class graded by the real pipeline.
"""
from __future__ import annotations

import base64
import csv
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from autograder.__main__ import main
from autograder.instructor import report

from .support import HINT_BIAS, HINT_OR, INJECTED, ROWS, write_grading_dir


class Page(HTMLParser):
    """The tables (by id: rows of cell texts), images and links of an HTML page."""

    def __init__(self, text: str):
        super().__init__()
        self.tables, self.images, self.refs, self.scripts = {}, [], [], 0
        self._table = self._row = self._cell = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self._table = self.tables.setdefault(a.get("id"), [])
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "img":
            self.images.append(a)
        elif tag == "script":
            self.scripts += 1
        for key in ("src", "href"):
            if key in a and tag != "img":
                self.refs.append(a[key])

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._table.append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table(page: Page, table_id: str) -> list:
    """The table's rows as dicts keyed by its header."""
    header, *rows = page.tables[table_id]
    return [dict(zip(header, r)) for r in rows]


@pytest.fixture
def grading_dir(tmp_path) -> Path:
    return write_grading_dir(tmp_path)


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """The report of the hand-written grading folder (plots take a while: made once)."""
    return report.write_report(write_grading_dir(tmp_path_factory.mktemp("grading")))


def expected_students(threshold=0.5) -> dict:
    """student -> (score, max, needs help), computed from ROWS alone."""
    out = {}
    for student, _, _, score, top, status, _ in ROWS:
        s, m, err = out.get(student, (0.0, 0.0, False))
        out[student] = (s + score, m + top, err or status == "error")
    return {k: (s, m, s / m < threshold or err) for k, (s, m, err) in out.items()}


def test_report_is_self_contained_html_with_embedded_plots(written):
    text = written["report"].read_text(encoding="utf-8")
    page = Page(text)
    assert page.scripts == 0 and page.refs == []
    assert not re.search(r"https?://", text)
    assert len(page.images) == 2
    for img in page.images:
        assert img["src"].startswith("data:image/png;base64,"), img["src"][:40]
        png = base64.b64decode(img["src"].split(",", 1)[1])
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 2000
        assert img.get("alt")


def test_pass_rates_match_grades_csv(written):
    page = Page(written["report"].read_text(encoding="utf-8"))
    rows = {r["exercise"]: r for r in table(page, "pass-rate")}
    exercises = list(dict.fromkeys(r[2] for r in ROWS))
    assert list(rows) == exercises
    for ex in exercises:
        mine = [r for r in ROWS if r[2] == ex]
        passed = sum(r[5] == "passed" for r in mine)
        assert rows[ex]["students"] == str(len(mine))
        assert rows[ex]["passed"] == str(passed)
        assert rows[ex]["pass rate"] == f"{100 * passed / len(mine):.1f}%"
        assert float(rows[ex]["mean score"]) == pytest.approx(
            sum(r[3] for r in mine) / len(mine), abs=0.01)
        assert rows[ex]["error"] == str(sum(r[5] == "error" for r in mine))


def test_most_common_hints_are_counted_per_exercise(written):
    page = Page(written["report"].read_text(encoding="utf-8"))
    hints = [(r["exercise"], r["hint"], int(r["students"])) for r in table(page, "hints")]
    assert ("sprint1.and_gate", HINT_OR, 2) in hints
    per = [h for h in hints if h[0] == "sprint1.perceptron"]
    assert per[0] == ("sprint1.perceptron", HINT_BIAS, 2)   # most common first
    assert ("sprint1.perceptron", HINT_OR, 1) in per


def test_students_who_need_help_and_scores(written):
    page = Page(written["report"].read_text(encoding="utf-8"))
    expected = expected_students()
    helped = {r["student"]: r for r in table(page, "needs-help")}
    assert set(helped) == {s for s, (_, _, need) in expected.items() if need}
    assert set(helped) == {"ben", "dan"}     # 1/4 of the points; code that does not import
    assert "error" in helped["dan"]["why"] and "25%" in helped["ben"]["why"]
    scores = {r["student"]: r for r in table(page, "scores")}
    for student, (s, m, _) in expected.items():
        assert float(scores[student]["total"]) == pytest.approx(s)
        assert float(scores[student]["points"]) == pytest.approx(m)
    assert scores["chie"]["sprint2"] == "-"          # did not submit sprint 2
    assert "syntax error" in written["report"].read_text(encoding="utf-8")   # summary problems


def test_threshold_changes_who_needs_help(grading_dir):
    rows = report.load_grades(grading_dir / "grades.csv")
    stats = report.class_stats(rows, threshold=0.9)
    expected = expected_students(0.9)
    assert {s.student for s in stats.students if s.needs_help} == \
        {k for k, v in expected.items() if v[2]}
    with pytest.raises(report.ReportError, match="0 to 1"):
        report.write_report(grading_dir, threshold=50)


def test_csv_export_has_one_row_per_student(written):
    rows = list(csv.DictReader(open(written["csv"], encoding="utf-8")))
    expected = expected_students()
    assert [r["student"] for r in rows] == sorted(expected)
    for r in rows:
        s, m, need = expected[r["student"]]
        assert float(r["total"]) == pytest.approx(s) and float(r["max_total"]) == m
        assert float(r["percent"]) == pytest.approx(100 * s / m, abs=0.05)
        assert r["needs_help"] == ("yes" if need else "no")
    assert next(r for r in rows if r["student"] == "chie")["sprint2"] == ""


def test_student_pages_list_each_exercise_escaped(written):
    pages = {(p.parent.name, p.stem): p for p in written["pages"]}
    assert set(pages) == {(r[0], r[1]) for r in ROWS}
    text = pages[("chie", "sprint1")].read_text(encoding="utf-8")
    page = Page(text)
    results = table(page, "results")
    assert [r["exercise"] for r in results] == ["sprint1.and_gate", "sprint1.perceptron"]
    assert results[0]["status"] == "failed" and results[0]["score"] == "0 / 1"
    assert f"Hint: {HINT_OR}" in results[0]["what is wrong, and hints"]
    assert page.scripts == 0 and INJECTED not in text     # the learner's text is escaped
    assert "1 of 3 points" in pages[("ben", "sprint1")].read_text(encoding="utf-8")
    assert "aiko" not in text and "ben" not in text       # one student's page only


def test_missing_or_malformed_grades_are_clear_errors(tmp_path, capsys):
    with pytest.raises(report.ReportError, match="run `python -m autograder grade` first"):
        report.write_report(tmp_path)
    (tmp_path / "grades.csv").write_text("student,score\nx,1\n")
    with pytest.raises(report.ReportError, match="lacks the column"):
        report.write_report(tmp_path)
    assert main(["report", str(tmp_path)]) == 1
    assert "lacks the column" in capsys.readouterr().err


def test_a_short_row_in_grades_csv_is_a_clear_error(tmp_path, capsys):
    """A row with fewer cells than the header (a hand-edited or cut file) names its line and
    the missing cells, for `report` and `lms` alike, instead of a traceback."""
    (tmp_path / "grades.csv").write_text(
        "student,assignment,exercise,score,max_score,status,message\n"
        "ann,sprint1,sprint1.and_gate,1,1,passed,\n"
        "bob,sprint1\n")
    with pytest.raises(report.ReportError, match=r"grades.csv, line 3: no cell for exercise, "
                                                 r"score, max_score, status, message"):
        report.load_grades(tmp_path / "grades.csv")
    assert main(["report", str(tmp_path)]) == 1
    assert "line 3: no cell for exercise" in capsys.readouterr().err
    (tmp_path / "roster.csv").write_text("student\nann\nbob\n")
    assert main(["lms", str(tmp_path), "--roster", str(tmp_path / "roster.csv")]) == 1
    assert "line 3: no cell for exercise" in capsys.readouterr().err


@pytest.mark.parametrize("cells, said", [
    ("nan,1", "score 'nan' is not a number from 0 to max_score (1)"),
    ("inf,1", "score 'inf' is not a number from 0 to max_score (1)"),
    ("-3,1", "score '-3' is not a number from 0 to max_score (1)"),
    ("2,1", "score '2' is not a number from 0 to max_score (1)"),
    (",1", "score '' is not a number from 0 to max_score (1)"),
    ("1,two", "max_score 'two' is not a number of points (0 or more)"),
    ("0,inf", "max_score 'inf' is not a number of points (0 or more)"),
])
def test_points_a_gradebook_would_not_take_stop_report_and_lms(tmp_path, capsys, cells, said):
    """A hand-edited grades.csv cell that is not points (empty, nan, inf, negative, above the
    maximum) stops `report` and `lms` with its line, before it reaches a platform."""
    (tmp_path / "grades.csv").write_text(
        "student,assignment,exercise,score,max_score,status,message\n"
        "ann,sprint1,sprint1.and_gate,0.5,1,failed,\n"
        f"bob,sprint1,sprint1.and_gate,{cells},passed,\n")
    with pytest.raises(report.ReportError, match=re.escape(f"line 3: {said}")):
        report.load_grades(tmp_path / "grades.csv")
    (tmp_path / "roster.csv").write_text("student\nann\nbob\n")
    assert main(["lms", str(tmp_path), "--roster", str(tmp_path / "roster.csv")]) == 1
    assert f"line 3: {said}" in capsys.readouterr().err
    assert not list(tmp_path.glob("grades-*.csv"))                 # no import written


def test_points_without_a_max_score_must_still_be_finite_and_not_negative():
    """`late` checks a grades.csv that may lack max_score: any finite score of 0 or more."""
    assert report.points_problem({"score": "1.5"}) == ""
    assert report.points_problem({"score": "0", "max_score": "0"}) == ""
    for bad in ("inf", "-1", "nan", ""):
        assert report.points_problem({"score": bad}) == \
            f"score {bad!r} is not a number of points (0 or more)"


def test_a_hand_edited_final_score_is_checked_too(tmp_path):
    columns = "student,assignment,exercise,score,max_score,status,message,final_score\n"
    (tmp_path / "grades.csv").write_text(columns + "ann,sprint1,sprint1.and_gate,1,1,passed,,\n")
    with pytest.raises(report.ReportError, match="line 2: final_score '' is not a number"):
        report.load_grades(tmp_path / "grades.csv")
    (tmp_path / "grades.csv").write_text(columns + "ann,sprint1,sprint1.and_gate,1,1,passed,,"
                                                   "0.8\n")
    assert report.load_grades(tmp_path / "grades.csv")[0].late == {"final_score": "0.8"}


def test_a_shifted_row_or_a_repeated_column_is_refused_not_misread(tmp_path, capsys):
    """A comma in a cell that is not quoted shifts every later cell into the wrong column (a
    roster's Canvas ID would become part of a name); a header naming a column twice would keep
    one of the two cells silently. Both stop the command with what to fix."""
    (tmp_path / "grades.csv").write_text(
        "student,assignment,exercise,score,max_score,status,message\n"
        "ann,sprint1,sprint1.and_gate,1,1,passed,\n")
    roster = tmp_path / "roster.csv"
    roster.write_text("student,name,canvas_id\nann,Sato, Hanako,12345\n")
    assert main(["lms", str(tmp_path), "--roster", str(roster), "--format", "canvas"]) == 1
    assert ("roster.csv, line 2: 1 cell(s) more than the header: put a cell that holds a comma "
            "in double quotes") in capsys.readouterr().err
    roster.write_text('student,name,canvas_id\nann,"Sato, Hanako",12345\n')
    assert main(["lms", str(tmp_path), "--roster", str(roster), "--format", "canvas"]) == 0
    capsys.readouterr()
    roster.write_text("student,name,student\nann,A,bob\n")
    assert main(["lms", str(tmp_path), "--roster", str(roster)]) == 1
    assert "roster.csv: the header names student more than once" in capsys.readouterr().err
    (tmp_path / "grades.csv").write_text(
        "student,assignment,exercise,score,max_score,status,message\n"
        "ann,sprint1,sprint1.and_gate,1,1,failed,Hint: a, b\n")
    with pytest.raises(report.ReportError, match="line 2: 1 cell.s. more than the header"):
        report.load_grades(tmp_path / "grades.csv")


GRADES_JA = ("student,assignment,exercise,score,max_score,status,message\n"
             "ann,sprint1,sprint1.and_gate,1,1,failed,ヒント: 重みを見直す\n")


def test_grades_csv_saved_by_a_spreadsheet_is_read_or_refused_clearly(tmp_path, capsys):
    """Saved again by a spreadsheet: "CSV UTF-8" (a byte-order mark first) reads as the
    grader wrote it; Shift_JIS (Excel's default on a Japanese Windows) is refused with what to
    do, by `report` and `lms` alike, instead of a traceback or garbled names."""
    grades = tmp_path / "grades.csv"
    grades.write_bytes(GRADES_JA.encode("utf-8-sig"))
    rows = report.load_grades(grades)
    assert [(r.student, r.message) for r in rows] == [("ann", "ヒント: 重みを見直す")]
    grades.write_bytes(GRADES_JA.encode("shift_jis"))
    with pytest.raises(report.ReportError, match=r"grades.csv is not UTF-8 text.*Shift_JIS.*"
                                                 r"\"CSV UTF-8\""):
        report.load_grades(grades)
    assert main(["report", str(tmp_path)]) == 1
    assert "is not UTF-8 text" in capsys.readouterr().err
    roster = tmp_path / "roster.csv"
    roster.write_bytes("student,name\nann,佐藤\n".encode("shift_jis"))
    grades.write_bytes(GRADES_JA.encode("utf-8"))
    assert main(["lms", str(tmp_path), "--roster", str(roster)]) == 1
    assert "roster.csv is not UTF-8 text" in capsys.readouterr().err


def test_command_line_writes_everything_where_asked(grading_dir, tmp_path, capsys):
    out = tmp_path / "share" / "class.html"
    assert main(["report", str(grading_dir), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert out.is_file() and out.with_suffix(".csv").is_file()
    assert (out.parent / "results" / "ben" / "sprint2.html").is_file()
    assert "students who need help: ben, dan" in printed


def test_a_huge_message_in_grades_csv_is_read_and_cut(tmp_path):
    """A 20 MB message (past the csv module's 128 kB field limit) does not stop the report."""
    grading = write_grading_dir(tmp_path)
    rows = list(csv.reader(open(grading / "grades.csv", encoding="utf-8")))
    rows[1][-1] = "M" * 20_000_000
    with open(grading / "grades.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    loaded = report.load_grades(grading / "grades.csv")
    assert len(loaded[0].message) == report.MAX_MESSAGE_CHARS
    assert len(loaded) == len(ROWS)
