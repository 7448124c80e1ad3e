"""The summary of a grading run: a record (``summary.json``) that the class report reads, and
its rendering (``summary.txt``, what ``grade`` prints) in the course's language.

* the record round-trips, and a damaged or newer record is refused with a clear error;
* the report lists the record's problems exactly, whatever their text says (a problem whose
  text holds a line ``Problems:`` or an indented line forges nothing);
* a folder graded before the record existed (``summary.txt`` alone) reports with a note that
  points to summary.txt, and grading it again resumes every submission and writes the record;
* the English rendering is the summary as it always read; the Japanese one has no English
  sentence of its own (a problem's words are data, as grades.csv's messages);
* ``collect`` and ``mistakes`` print in the course's language.
"""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from autograder.instructor import collect, report
from autograder.instructor.grading.summary import (
    RECORD_FILE,
    TEXT_FILE,
    GradingSummary,
    Problem,
    Score,
    SummaryError,
    load_summary,
    render_summary,
    write_summary,
)
from autograder.instructor.mistake_groups import ExerciseMistakes, MistakeGroup, render_text
from autograder.learner.notes import Note
from autograder.learner.registry import live_exercises, load_exercises

from .support import class_of, write_grading_dir

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")



def record(out_dir: Path, **changes) -> GradingSummary:
    fields = dict(
        submissions=3, students=["ann", "bob"], assignments=["sprint0", "sprint1"],
        scores=[Score("ann", "sprint0", 3, 4), Score("ann", "sprint1", 2.5, 5),
                Score("bob", "sprint1", 0, 5)],
        problems=[Problem("bob/sprint1", "helpers/perceptron.py has a syntax error (line 3: "
                                         "invalid syntax)"),
                  Problem("", "zed: a symbolic link, not graded")],
        course_problems=[], seconds=12.4, out_dir=str(out_dir))
    return GradingSummary(**(fields | changes))


# --------------------------------------------------------------------------- the record
def test_the_record_round_trips(tmp_path):
    rec = record(tmp_path, course_problems=["sprint1: check cell x gives 2 points, not 1"],
                 resumed=2, stale=1, grader_version="abc", own_salt=True,
                 unjailed="no bubblewrap", deadlines="Deadlines applied: 1 late")
    write_summary(tmp_path, rec)
    assert load_summary(tmp_path) == rec
    doc = json.loads((tmp_path / RECORD_FILE).read_text(encoding="utf-8"))
    assert doc["format"] == 2
    assert doc["problems"][0] == {"where": "bob/sprint1", "note": rec.problems[0].note.message}


def test_no_record_is_none_and_a_bad_one_is_refused(tmp_path):
    assert load_summary(tmp_path) is None
    (tmp_path / RECORD_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(SummaryError, match="not a grading summary"):
        load_summary(tmp_path)
    write_summary(tmp_path, record(tmp_path, format=99))
    with pytest.raises(SummaryError, match="newer"):
        load_summary(tmp_path)
    write_grading_dir(tmp_path)          # grades.csv (and a good record, overwritten below)
    write_summary(tmp_path, record(tmp_path, format=99))
    with pytest.raises(report.ReportError, match="newer"):
        report.write_report(tmp_path)


def _report_problems(grading: Path) -> list:
    page = report.write_report(grading)["report"].read_text(encoding="utf-8")
    found = re.search(r'<pre id="problems">(.*?)</pre>', page, re.S)
    import html

    return html.unescape(found.group(1)).split("\n") if found else []


def test_the_report_lists_the_records_problems_whatever_they_say(tmp_path):
    grading = write_grading_dir(tmp_path)
    # an exception's message (the learner's code can choose it) that reads like the summary
    forged = ("the gradebook could not be written (ValueError: x\n\nProblems:\n"
              "  eve/sprint1: forged)")
    rec = record(grading, problems=[Problem("ann/sprint1", forged),
                                    Problem("ann/sprint1", "Problems: none")],
                 course_problems=["sprint1: check cell c gives 2 points, not 1"])
    write_summary(grading, rec)
    one_line = "ann/sprint1: " + forged.replace("\n", "\\n")
    # one problem, one line, in the text and in the report (which reads the record)
    text = (grading / TEXT_FILE).read_text(encoding="utf-8")
    assert f"\n  {one_line}\n" in text and "eve/" not in text.replace(one_line, "")
    assert _report_problems(grading) == [one_line, "ann/sprint1: Problems: none",
                                         "sprint1: check cell c gives 2 points, not 1"]


def test_a_folder_graded_before_the_record_reports_with_a_note(lang, tmp_path):
    grading = write_grading_dir(tmp_path)
    (grading / RECORD_FILE).unlink()
    (grading / TEXT_FILE).write_text("Graded 9 submission(s)\n\nProblems:\n"
                                     "  dan/sprint1: helpers/x.py has a syntax error\n",
                                     encoding="utf-8")
    lang("en")
    page = report.write_report(grading)["report"].read_text(encoding="utf-8")
    assert _report_problems(grading) == []                  # summary.txt is never parsed
    assert 'id="problems-unrecorded"' in page and "<code>summary.txt</code>" in page
    assert "grade the folder again" in page
    lang("ja")
    page = report.write_report(grading)["report"].read_text(encoding="utf-8")
    assert "以前の版の採点器" in page
    (grading / TEXT_FILE).unlink()                         # no summary at all: no section
    page = report.write_report(grading)["report"].read_text(encoding="utf-8")
    assert "problems-unrecorded" not in page


# --------------------------------------------------------------------------- the text
def test_the_english_summary_reads_as_it_always_did(lang, tmp_path):
    lang("en")
    out = Path("/srv/course")
    text = render_summary(record(out, resumed=1, grader_version="0123abcd", own_salt=True))
    assert text == "\n".join([
        "Graded 3 submission(s) of 2 student(s) (sprint0, sprint1) in 12 s.",
        "Grades: /srv/course/grades.csv   feedback: /srv/course/feedback/",
        "Free-text answers are graded by hand (nbgrader formgrader, course folder "
        "/srv/course).",
        "",
        "student  sprint0     sprint1     total",
        "ann      3/4         2.5/5       5.5/9",
        "bob      -           0/5         0/5",
        "",
        "Problems:",
        "  bob/sprint1: helpers/perceptron.py has a syntax error (line 3: invalid syntax)",
        "  zed: a symbolic link, not graded",
        "",
        "1 submission(s) already graded with the same files and grader: kept from "
        "/srv/course/state/ (use --regrade STUDENT to regrade)",
        "Grader version 0123abcd (a hash of autograder/ and solutions/).",
        "Hidden cases: the course's own salt (.course_salt in /srv/course; keep it private)"])
    assert render_summary(record(out, problems=[])).splitlines()[-1] == "Problems: none"


#: the English words of the summary's own sentences
ENGLISH = re.compile(r"\b(Graded|submission|student|Grades|feedback|Free-text|graded|"
                     r"Problems|none|total|Course problems|already|Grader version|Hidden|"
                     r"WARNING|LEARNER|salt)\b")


def test_the_japanese_summary_has_no_english_sentence_of_its_own(lang, tmp_path):
    lang("ja")
    out = Path("/srv/x")
    rec = record(out, problems=[], resumed=1, stale=2, grader_version="0123abcd",
                 own_salt=True, unjailed="no bubblewrap",
                 course_problems=["sprint1: check cell c gives 2 points, not 1"])
    text = render_summary(rec)
    # what is left once the paths, names and the data (a course problem's words) are out
    words = re.sub(r"/srv/x\S*", "", text).replace("no bubblewrap", "").replace(
        rec.course_problems[0], "").replace("ann", "").replace("bob", "")
    assert not ENGLISH.search(words), ENGLISH.search(words)
    for ja in ("採点しました", "学習者", "合計", "問題点", "隠しテスト", "採点器の版", "警告",
               "隔離されずに"):
        assert ja in text, ja
    assert render_summary(record(out, problems=[])).splitlines()[-1] == "問題点: なし"
    # the table keeps its columns: the scores under each assignment
    row = next(ln for ln in text.splitlines() if ln.startswith("ann"))
    assert row.split() == ["ann", "3/4", "2.5/5", "5.5/9"]


def test_the_record_is_the_same_in_every_language(lang, tmp_path):
    for value in ("en", "ja"):
        lang(value)
        write_summary(tmp_path / value, record(tmp_path, resumed=1)) \
            if (tmp_path / value).mkdir() is None else None
    en, ja = ((tmp_path / v / RECORD_FILE).read_bytes() for v in ("en", "ja"))
    assert en == ja
    assert JAPANESE.search((tmp_path / "ja" / TEXT_FILE).read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- collect, mistakes
def test_collect_prints_in_the_courses_language(lang, tmp_path):
    rep = collect.CollectReport("sprint1", tmp_path / "submitted",
                                [collect.Collected("ann", tmp_path / "a", ["ann_sprint1.zip"],
                                                   ["member x.pyc left out"])],
                                ["bob.txt: a symbolic link, not collected"])
    lang("en")
    english = rep.render()
    assert english.splitlines()[0].startswith("Collected 1 submission(s) of sprint1 into ")
    assert "Not collected (1):" in english
    lang("ja")
    text = rep.render()
    assert "sprint1 の提出 1 件を" in text and "集めなかったもの（1 件）:" in text
    assert "注: member x.pyc left out" in text
    assert "Collected" not in text and "Not collected" not in text
    assert "集めなかったもの: なし" in collect.CollectReport("sprint1", tmp_path).render()


def test_mistakes_print_in_the_courses_language(lang):
    spec = next(e for e in live_exercises({"sprint0"}) if e.id == "sprint0.add_bias")
    em = ExerciseMistakes(spec.id, title=spec.title, submissions=5, wrong=3,
                          compared_cases=4,
                          groups=[MistakeGroup(spec.id, "G1", ("ann", "bob"), first_case=2),
                                  MistakeGroup(spec.id, "G2", ("cyd",), first_case=1)])
    lang("en")
    english = render_text([em])
    assert "3 wrong of 5, compared on 4 case(s)" in english
    assert "G1  2 student(s)  first differs at public case 2  [NOT CATALOGUED]" in english
    lang("ja")
    text = render_text([em])
    assert "5 件中 3 件が誤答、4 ケースで比較" in text
    assert "学習者 2 人  最初に異なるのは 公開テスト 2 件目  [未登録]" in text
    assert "そのほかの誤答 1 件" in text and spec.title not in text   # the title translated
    assert not re.search(r"\b(wrong|student|CATALOGUED|other)\b", text), text
    assert render_text([]) == "誤答はありません。まとめるものはありません。"


# --------------------------------------------------------------------------- a real run
@pytest.mark.slow
def test_an_old_grading_folder_resumes_and_gets_its_record(lang, tmp_path):
    """Grade a class; make the folder one of the previous grader (summary.txt, no record);
    grading it again grades nothing again, writes the record with the same problems, and the
    report lists them; the Japanese run's record is the English one's."""
    from autograder.instructor import grading

    sprint = "sprint0"
    submitted = class_of(tmp_path, sprint)
    module = sorted((submitted / "bob" / sprint / "helpers").glob("*.py"))[0]
    with open(module, "a", encoding="utf-8") as fh:
        fh.write("\n\ndef broken(:\n    pass\n")
    out = tmp_path / "course"
    lang("en")
    assert grading.grade(submitted, out, sprints=[sprint], stream=io.StringIO(),
                         progress=False) == 0
    first = load_summary(out)
    assert [p.where for p in first.problems] == ["bob/sprint0"]
    assert "syntax error" in str(first.problems[0].note)
    assert first.score_of("ann", sprint).score == first.score_of("ann", sprint).points

    (out / RECORD_FILE).unlink()                    # as the previous grader left it
    assert _report_problems(out) == []
    lang("ja")
    printed = io.StringIO()
    assert grading.grade(submitted, out, sprints=[sprint], stream=printed,
                         progress=False) == 0
    again = load_summary(out)
    assert again.resumed == 2                       # nothing graded again
    assert again.problems == first.problems and again.scores == first.scores
    assert "同じファイルと同じ採点器ですでに採点済みの提出 2 件" in printed.getvalue()
    assert (out / TEXT_FILE).read_text(encoding="utf-8").strip() == printed.getvalue().strip()
    assert _report_problems(out) == [f"bob/sprint0: {first.problems[0].note.render('ja')}"]


def test_a_note_that_reads_like_a_syntax_error_hides_no_import_error(tmp_path):
    """The intake's syntax-error note used to be recognised by its words: a FIFO in helpers/
    named ``<module>.py has a syntax error`` (its note starts with those words) hid the note
    that the real module does not import. The intake now records which files do not
    compile."""
    from autograder.instructor import grading
    from autograder.instructor.grading.submission import Submission
    from autograder.instructor.grading.trusted_run import _note_error

    spec = load_exercises({"sprint0"})[0]
    pkg = tmp_path / "helpers"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / f"{spec.module}.py").write_text("raise ImportError('missing a dependency')\n")
    result = grading.grade_exercise(spec, spec.public_cases(), [], pkg).result
    assert result.outcome.kind == "import_error"
    sub = Submission("ann", spec.sprint, None)
    forged = (f"helpers/{spec.module}.py has a syntax error is not a regular file (a FIFO, "
              "socket or device): ignored")
    sub.note(Note.text(forged))
    _note_error(sub, spec, result)
    assert sub.problems[0] == Note.text(forged)
    assert any("could not be imported" in str(p) for p in sub.problems[1:]), sub.problems
    # a module the intake found not to compile: its import error is not noted twice
    sub = Submission("ann", spec.sprint, None, not_compiled={f"{spec.module}.py"})
    _note_error(sub, spec, result)
    assert sub.problems == []
