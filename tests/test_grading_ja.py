"""Grading follows the course's language: with ``COURSE_LANG=ja`` the graded check cells of the
feedback and the learner's results page read in Japanese; in English they are unchanged.

The grader writes a check cell's output with :func:`autograder.instructor.trusted.trusted_text` (the
autograded notebook, hence nbgrader's feedback) and each learner's results page with
:func:`autograder.instructor.report.render_student`; grades.csv keeps its English values (data).
"""
from __future__ import annotations

import re

import pytest

from autograder.instructor import report
from autograder.instructor.trusted import Trusted, trusted_text
from autograder.learner.evaluate import ExerciseResult
from autograder.learner.registry import live_exercises

from .support import write_grading_dir

AND_GATE = next(e for e in live_exercises() if e.id == "sprint1.and_gate")
OR_HINT = AND_GATE.mistakes[0].hint


def _failed(points=2.0) -> Trusted:
    result = ExerciseResult(id=AND_GATE.id, title=AND_GATE.title, status="failed", passed=3,
                            total=5, points=points, score=0.0,
                            message="public case 2 of 3: wrong value", hints=[OR_HINT])
    return Trusted(result, n_public=3, n_hidden=2)


def test_the_graded_check_line_in_english_is_unchanged(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "en")
    lines = trusted_text(_failed()).splitlines()
    assert lines[0].endswith("  sprint1.and_gate  Problem 3: the AND gate")
    assert lines[1] == ("Graded by the course's grader, outside the notebook: 0 of 2 points, "
                        "3 of 5 cases passed (3 public, 2 hidden).")
    assert lines[2:] == ["    public case 2 of 3: wrong value", f"    Hint: {OR_HINT}"]
    assert "0 of 1 point, " in trusted_text(_failed(points=1.0))


def test_the_graded_check_line_reads_in_japanese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "ja")
    text = trusted_text(_failed())
    lines = text.splitlines()
    assert lines[0].endswith("  sprint1.and_gate  問題3: AND ゲート")
    assert lines[1] == ("コースの採点器がノートブックの外で採点しました: 2 点中 0 点、"
                        "5 ケース中 3 ケース合格（公開テスト 3、隠しテスト 2）。")
    assert lines[-1].startswith("    ヒント: このゲートは入力の*どちらか*が 1 なら発火します")
    for english in ("Graded by", "Hint:", "the AND gate", OR_HINT[:20]):
        assert english not in text
    assert trusted_text(_failed(points=1.0)).splitlines()[1].startswith(
        "コースの採点器がノートブックの外で採点しました: 1 点中 0 点")


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_learners_results_page_follows_the_course_language(lang, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_LANG", lang)
    written = report.write_report(write_grading_dir(tmp_path))
    page = written["pages"][0].read_text(encoding="utf-8")
    words = {"en": ['<html lang="en">', ": results of ", "<th>exercise</th><th>status</th>"
                    "<th>score</th><th>what is wrong, and hints</th>", "Graded by the course's"],
             "ja": ['<html lang="ja">', " さんの結果</h1>", "<th>問題</th><th>結果</th>"
                    "<th>得点</th><th>違っているところとヒント</th>", "点中"]}
    for word in words[lang]:
        assert word in page, (word, page[:1500])
    other = words["ja" if lang == "en" else "en"]
    assert not any(word in page for word in other)
    statuses = {"en": {"passed", "failed"}, "ja": {"合格", "不合格"}}[lang]
    shown = set(re.findall(r'<td class="(?:passed|failed)">([^<]*)</td>', page))
    assert shown and shown <= statuses, shown
    (tmp_path / "other").mkdir()
    monkeypatch.setenv("COURSE_LANG", "ja" if lang == "en" else "en")
    other_csv = report.write_report(write_grading_dir(tmp_path / "other"))["csv"]
    assert other_csv.read_bytes() == written["csv"].read_bytes()   # data: the same in both
