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


def test_a_run_without_a_result_is_explained_in_japanese_and_english_is_unchanged(lang):
    from autograder.learner.verdict import ended_words, exit_words, input_words, timeout_words

    lang("en")
    assert timeout_words(20.0) == ("stopped after 20 s: the code did not finish in time (an "
                                   "endless loop, or far too slow?)")
    assert ended_words(exit_words(3), ["Traceback", "boom"]) == (
        "the checker's process ended without a result (exit status 3: did the code call "
        "sys.exit, or run out of memory?):\n  Traceback\n  boom")
    assert exit_words(-9, "SIGKILL") == "signal SIGKILL, out of memory or killed"
    assert exit_words(-2, "SIGINT") == "signal SIGINT"
    assert input_words("argument 1") == "argument 1"
    assert input_words("forward() argument 'x'") == "forward() argument 'x'"
    lang("ja")
    assert timeout_words(20.0).startswith("20 秒で止めました: コードが時間内に終わりませんでした")
    assert ended_words(exit_words(3), ["boom"]) == (
        "採点器のプロセスが結果を返さずに終了しました（終了コード 3: コードが sys.exit を"
        "呼んだか、メモリが足りなくなったのではありませんか?）:\n  boom")
    assert exit_words(-9, "SIGKILL") == "シグナル SIGKILL: メモリ不足か、強制終了されました"
    assert exit_words(0).startswith("結果を書く前に終了コード 0 で終了しました")
    assert input_words("argument 1") == "引数 1"
    assert input_words("forward() argument 'x'") == "forward() の引数 'x'"
    assert input_words("X") == "X"


def test_an_endless_loop_and_an_exit_are_explained_in_japanese(lang, tmp_path):
    """The check of a learner's code that never returns, or ends the process, in Japanese."""
    from autograder.learner.evaluate import evaluate
    from autograder.learner.registry import load_exercises

    from .conftest import make_helpers, plant_mistake

    spec = next(s for s in load_exercises() if s.id == "sprint0.as_column")

    def endless(v):
        while True:
            pass

    def leaves(v):
        import os
        os._exit(3)

    lang("ja")
    for impl, words in ((endless, "秒で止めました"), (leaves, "終了コード 3")):
        pkg = make_helpers(tmp_path / impl.__name__)
        plant_mistake(pkg, spec.module, spec.name, impl)
        result = evaluate(spec, spec.public_cases(), pkg, timeout=2)
        assert result.status == "error" and words in result.message, result.message


def test_a_dtype_detail_names_its_step_in_japanese(lang):
    a = np.arange(4)
    lang("ja")
    m = compare(a, a.astype(float), where="predict() [step 3]")
    assert m.kind == "dtype" and m.message.startswith("predict() [ステップ 3]: "), m.message


def test_a_syntax_error_is_explained_in_japanese_and_english_is_unchanged(lang, tmp_path):
    from autograder.learner.evaluate import evaluate
    from autograder.learner.registry import load_exercises

    from .conftest import make_helpers

    spec = next(s for s in load_exercises() if s.id == "sprint0.as_column")
    pkg = make_helpers(tmp_path)
    with open(pkg / f"{spec.module}.py", "a", encoding="utf-8") as fh:
        fh.write("\n\ndef broken(:\n    pass\n")
    line = (pkg / f"{spec.module}.py").read_text(encoding="utf-8").count("\n") - 1
    lang("en")
    english = evaluate(spec, spec.public_cases(), pkg)
    lang("ja")
    japanese = evaluate(spec, spec.public_cases(), pkg)
    assert english.message.startswith(
        f"could not import helpers/warmup.py: SyntaxError in helpers/warmup.py line {line}: ")
    assert japanese.message.startswith(
        f"helpers/warmup.py を import できませんでした: helpers/warmup.py の {line} 行目に "
        "SyntaxError があります: ")
    assert (english.status, english.score) == (japanese.status, japanese.score) == ("error", 0)
