"""The instructor's class report in the course's language (COURSE_LANG=ja): report.html and the
learners' result pages; report.csv is data (a gradebook import reads it, as grades.csv): its
headers and values, the reasons in words included, are the same in every language."""
from __future__ import annotations

import csv
import re
import warnings

import pytest

from autograder.instructor import policy, report
from autograder.instructor.mistake_groups import MistakeGroup
from autograder.learner.registry import live_exercises

from .support import write_grading_dir

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
LOCALE_VARS = ("COURSE_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


#: sprint1 due 2026-10-05 23:59 UTC, 25 % a started day late (capped at 50 %); carol has 3
#: more days: alice on time, bob a day late, carol on time with her days, erin flagged
POLICY = """
late_penalty_per_day = 0.25
max_penalty = 0.5
[sprints.sprint1]
due = 2026-10-05T23:59:00Z
[accommodations]
carol = 3
"""
STAMPS = {"alice": "2026-10-05 12:00:00 UTC", "bob": "2026-10-06 00:00:30 UTC",
          "carol": "2026-10-08 23:59:00 UTC", "dave": "2026-10-12 00:00:00 UTC",
          "erin": "last tuesday"}


def make_grading(folder):
    """A graded class with the deadline policy applied: 2 of 3 points each, but dave 3 and
    erin 0 (she needs help)."""
    lines = ["student,assignment,exercise,score,max_score,status,message"]
    for student in STAMPS:
        good, xor = student == "dave", 0 if student == "erin" else 2
        lines.append(f"{student},sprint1,sprint1.and_gate,{int(good)},1,"
                     f"{'passed' if good else 'failed'},")
        lines.append(f"{student},sprint1,sprint1.xor_gate,{xor},2,"
                     f"{'passed' if xor else 'failed'},")
        (folder / "submitted" / student / "sprint1").mkdir(parents=True)
        (folder / "submitted" / student / "sprint1" / "timestamp.txt").write_text(STAMPS[student])
    (folder / "grades.csv").write_text("\n".join(lines) + "\n")
    (folder / "policy.toml").write_text(POLICY)
    policy.apply_policy(folder, folder / "policy.toml")
    return folder


def table(page: str, table_id: str) -> list:
    """The rows (cell texts) of the table ``table_id`` of ``page``."""
    part = page[page.index(f'<table id="{table_id}">'):]
    part = part[:part.index("</table>")]
    return [[re.sub(r"<[^>]+>", "", c).strip()
             for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
            for row in part.split("<tr>")[1:]]


@pytest.fixture
def lang(monkeypatch):
    for var in LOCALE_VARS:
        monkeypatch.delenv(var, raising=False)
    return lambda value: monkeypatch.setenv("COURSE_LANG", value)


def _visible_text(page: str) -> str:
    """The page's text as a reader sees it (no tags, no style, no image data)."""
    page = re.sub(r"<style>.*?</style>|<code>.*?</code>|<pre.*?</pre>", " ", page, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


#: English words of the report's own text (not data: not the ids, names or hints)
ENGLISH = re.compile(r"\b(Class report|Score distribution|Pass rate|Most common mistakes|"
                     r"need help|Scores|Problems the grader|student\(s\)|exercise|points|"
                     r"percent|total|why|hint|on time|late|flagged|Deadlines)\b")


def test_the_japanese_class_report_has_no_english_of_its_own(lang, tmp_path):
    grading = make_grading(tmp_path)
    lang("ja")
    written = report.write_report(grading)
    page = written["report"].read_text(encoding="utf-8")
    text = _visible_text(page)
    assert '<html lang="ja">' in page
    for words in ("クラスの成績", "得点分布", "正答率", "よくある間違い", "手助けが必要な学習者",
                  "提出期限", "遅延", "要確認"):
        assert words in text, words
    assert not ENGLISH.search(text), ENGLISH.search(text)
    assert table(page, "pass-rate")[0][:3] == ["問題", "配点", "学習者数"]
    assert [r[2] for r in table(page, "late")[1:]] == ["要確認", "遅延", "遅延"]
    assert table(page, "needs-help")[1][0] == "erin" and "得点が配点の 0%" in text


def test_the_english_class_report_is_as_before(lang, tmp_path):
    grading = make_grading(tmp_path)
    lang("en")
    page = report.write_report(grading)["report"].read_text(encoding="utf-8")
    text = _visible_text(page)
    for words in ("Class report (クラスの成績)", "Score distribution (得点分布)",
                  "Students who need help (", "Deadlines (提出期限)",
                  "2 on time, 2 late, 1 flagged"):
        assert words in text, words
    # its only Japanese: the glosses of the English headings
    assert set(JAPANESE.findall(text)) <= set("クラスの成績得点分布正答率よくある間違い提出期限")


def test_report_csv_is_the_same_in_every_language(lang, tmp_path):
    grading = make_grading(tmp_path)
    rows = {}
    for value in ("en", "ja"):
        lang(value)
        path = report.write_report(grading, out=tmp_path / value / "report.html")["csv"]
        with open(path, encoding="utf-8") as fh:
            rows[value] = list(csv.DictReader(fh))
    assert list(rows["en"][0]) == list(rows["ja"][0]) == [
        "student", "sprint1", "total", "max_total", "percent", "needs_help", "why",
        "sprint1_final", "final_total", "late"]
    assert rows["en"] == rows["ja"]            # data, as grades.csv: the same in both
    assert any("of the points" in r["why"] for r in rows["ja"])


def test_a_learners_page_shows_the_hints_in_japanese(lang, tmp_path):
    ex = next(e for e in live_exercises({"sprint0"}) if e.id == "sprint0.add_bias")
    hint = ex.mistakes[0].hint
    (tmp_path / "grades.csv").write_text(
        "student,assignment,exercise,score,max_score,status,message,hints\n"
        f'ann,sprint0,sprint0.add_bias,0,1,failed,"case 1 of 5: wrong\nHint: {hint}",'
        f'"[""{hint}""]"\n', encoding="utf-8")
    lang("ja")
    written = report.write_report(tmp_path)
    page = (tmp_path / "results" / "ann" / "sprint0.html").read_text(encoding="utf-8")
    assert "ヒント: b を行ごとに" in page and hint not in page
    assert "b を行ごとに" in written["report"].read_text(encoding="utf-8")   # the common mistakes
    lang("en")
    report.write_report(tmp_path)
    page = (tmp_path / "results" / "ann" / "sprint0.html").read_text(encoding="utf-8")
    assert f"Hint: {hint}" in page


def test_a_learners_deadline_line_is_in_japanese(lang, tmp_path):
    grading = make_grading(tmp_path)
    lang("ja")
    report.write_report(grading)
    bob = (grading / "results" / "bob" / "sprint1.html").read_text(encoding="utf-8")
    assert "1 日の遅れ、−25%: 最終得点は 3 点中 1.5 点（採点時は 2 点）" in bob
    carol = (grading / "results" / "carol" / "sprint1.html").read_text(encoding="utf-8")
    assert "期限内です。" in carol


def test_the_report_plots_japanese_without_a_missing_glyph(lang, tmp_path):
    grading = write_grading_dir(tmp_path)
    lang("ja")
    stats = report.class_stats(report.load_grades(grading / "grades.csv"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report.plot_distribution(stats)
        report.plot_pass_rates(stats)
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing


def test_the_class_mistakes_case_is_worded_in_the_language(lang):
    group = MistakeGroup("sprint0.add_bias", "G1", ("ann", "bob"), first_case=1,
                         first_case_label="X (2, 3) + b (3,) from the text")
    lang("ja")
    assert group.case_text() == "公開テスト 1 件目 (本文の X (2, 3) + b (3,))"
    lang("en")
    assert group.case_text() == "public case 1 (X (2, 3) + b (3,) from the text)"


def test_the_report_command_prints_in_the_language(lang, tmp_path, capsys):
    from autograder.__main__ import main

    grading = make_grading(tmp_path)
    lang("ja")
    assert main(["report", str(grading)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        f"クラスの成績: {grading / 'report.html'}",
        f"学習者ごとの成績（CSV）: {grading / 'report.csv'}",
        f"学習者ごとの結果のページ: {grading / 'results'}/ に 5 件",
        "手助けが必要な学習者: erin"]
    lang("en")
    assert main(["report", str(grading)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"class report: {grading / 'report.html'}",
        f"grades per student (CSV): {grading / 'report.csv'}",
        f"per-student result pages: 5 in {grading / 'results'}/",
        "students who need help: erin"]
