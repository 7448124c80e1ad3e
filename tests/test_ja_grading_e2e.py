"""End to end in Japanese: the Japanese class release (``release --lang ja``), a class of
submissions, real nbgrader, and the grades and feedback of ``COURSE_LANG=ja grade``.

The same submissions are graded once in Japanese and once in English: the same scores and
statuses in grades.csv (the editions pass and fail exactly the same); the Japanese feedback
shows the learner's Japanese notebook, the graded check cells' lines and the known mistake's
hint in Japanese, and none of the English words of those lines.
"""
from __future__ import annotations

import csv
import io
import shutil

import nbformat
import pytest

from autograder.instructor import course, grading
from autograder.learner.registry import live_exercises

from .conftest import make_helpers, plant_mistake
from .support import JAPANESE, SPRINT, course_repo, visible_text

AND_GATE = next(e for e in live_exercises() if e.id == "sprint1.and_gate")
OR_GATE = AND_GATE.mistakes[0]          # the AND gate that fires like OR
STUDENTS = ("full", "or_gate", "untouched")


def _notebook(folder):
    return next(folder.glob(f"{SPRINT}_*.ipynb"))


def _grade(tmp, submitted, repo, lang, monkeypatch) -> tuple:
    out = tmp / f"course-{lang}"
    with monkeypatch.context() as m:
        m.setenv("COURSE_LANG", lang)
        code = grading.grade(submitted, out, salt="test-salt", sprints=[SPRINT], repo=repo,
                             stream=io.StringIO(), progress=False, execute_notebooks=False)
    rows = list(csv.DictReader(open(out / "grades.csv", encoding="utf-8")))
    return code, out, rows


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("grading-ja")
    repo = course_repo(tmp)
    release = course.release(tmp / "release", [SPRINT], repo=repo, lang="ja")
    submitted = tmp / "submitted"
    for student in STUDENTS:
        shutil.copytree(release / SPRINT, submitted / student / SPRINT)
    make_helpers(submitted / "full" / SPRINT)
    plant_mistake(make_helpers(submitted / "or_gate" / SPRINT), AND_GATE.module, AND_GATE.name,
                  OR_GATE.implementation)
    with pytest.MonkeyPatch.context() as mp:
        return {"release": release,
                "ja": _grade(tmp, submitted, repo, "ja", mp),
                "en": _grade(tmp, submitted, repo, "en", mp)}


def _verdicts(rows) -> list:
    return sorted((r["student"], r["exercise"], r["status"], r["score"]) for r in rows)


@pytest.mark.slow
def test_the_japanese_release_grades_exactly_as_in_english(graded):
    code_ja, _, rows_ja = graded["ja"]
    code_en, _, rows_en = graded["en"]
    assert code_ja == code_en == 0
    assert _verdicts(rows_ja) == _verdicts(rows_en)
    by = {(r["student"], r["exercise"]): r for r in rows_ja}
    assert by[("full", AND_GATE.id)]["status"] == "passed"
    assert by[("or_gate", AND_GATE.id)]["status"] == "failed"
    assert by[("untouched", AND_GATE.id)]["status"] == "not implemented"
    released = nbformat.read(_notebook(graded["release"] / SPRINT), as_version=4)
    assert released.metadata.get("course_language") == "ja"


@pytest.mark.slow
def test_the_japanese_feedback_reads_in_japanese(graded, lang):
    _, out, _ = graded["ja"]
    page = visible_text(next((out / "feedback" / "or_gate" / SPRINT).glob("*.html")))
    assert "パーセプトロン" in page                                  # the Japanese notebook
    assert "コースの採点器がノートブックの外で採点しました" in page      # the graded lines
    assert "Graded by the course's grader" not in page
    lang("ja")
    from autograder.learner.i18n import pgettext
    hint = pgettext(AND_GATE.id, OR_GATE.hint)
    assert JAPANESE.search(hint) and " ".join(hint.split())[:40] in " ".join(page.split())
    assert OR_GATE.hint[:40] not in page
    _, out_en, _ = graded["en"]
    english = visible_text(next((out_en / "feedback" / "or_gate" / SPRINT).glob("*.html")))
    assert "Graded by the course's grader, outside the notebook" in english
    assert OR_GATE.hint[:40] in " ".join(english.split())
