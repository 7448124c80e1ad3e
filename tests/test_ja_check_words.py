"""The Japanese check's words where a learner read English in a Japanese check."""
from __future__ import annotations

import numpy as np
import pytest

from autograder.learner.compare import compare
from autograder.learner.verdict import Outcome, render


def test_the_step_of_a_case_reads_in_japanese_and_english_is_unchanged(lang):
    """``fit() [step 1]`` names the first call of a case: in a Japanese check
    ``fit() [ステップ 1]``; the name other modules read (``Mismatch.where``) is the same."""
    a = np.arange(4.0)
    lang("en")
    en = compare(a, a + 1, where="backward() [step 2][0]")
    assert en.message.startswith("backward() [step 2][0]: wrong value at index (0,): ")
    lang("ja")
    ja = compare(a, a + 1, where="backward() [step 2][0]")
    assert ja.message.startswith("backward() [ステップ 2][0]: インデックス (0,) の値が違います")
    assert en.where == ja.where == "backward() [step 2][0]"


def test_a_step_in_an_outcome_without_detail_reads_in_japanese_and_a_hidden_one_has_none(lang):
    public = Outcome("no_output", case=1, of=3, where="record() [step 3]['steps']")
    hidden = Outcome("value", case=2, of=9, hidden=True, where="fit() [step 12]")
    lang("en")
    assert render(public) == "case 1 of 3: record() [step 3]['steps']: an output is missing"
    assert render(hidden).startswith("hidden case 2 of 9: fit(): wrong value")
    lang("ja")
    assert render(public) == \
        "ケース 3 件中 1 件目: record() [ステップ 3]['steps']: 出力が足りません"
    assert "12" not in render(hidden) and "ステップ" not in render(hidden)


def test_a_mistyped_exercise_is_explained_in_japanese_and_english_is_unchanged(lang):
    from autograder.learner.registry import load_exercises, select

    specs = load_exercises()
    lang("en")
    with pytest.raises(KeyError) as en:
        select(specs, ["sprint1.and_gat"])
    assert en.value.args[0].startswith("no exercise or sprint called 'sprint1.and_gat'; "
                                       "sprints are sprint0, sprint1, ")
    lang("ja")
    with pytest.raises(KeyError) as ja:
        select(specs, ["sprint1.and_gat"])
    assert ja.value.args[0].startswith("'sprint1.and_gat' という問題もスプリントもありません。"
                                       "スプリントは sprint0, sprint1, ")


def test_the_list_of_exercises_shows_the_titles_in_the_course_language(lang, capsys):
    from autograder.__main__ import main

    lang("ja")
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "helpers/perceptron.py:AND  問題3: AND ゲート" in out
    lang("en")
    assert main(["list"]) == 0
    assert "helpers/perceptron.py:AND  Problem 3: the AND gate" in capsys.readouterr().out
