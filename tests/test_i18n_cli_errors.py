"""argparse's own error messages in the course's language: ``python -m autograder`` and
``./course check|hint|pack`` under ``COURSE_LANG=ja`` say ``エラー: 次の引数が必要です: ...``;
in English argparse's own words, unchanged; any other parser in the process is untouched."""
from __future__ import annotations

import argparse
import gettext
import re
import subprocess
import sys

import pytest

from autograder.__main__ import build_parser
from autograder.learner import cli_i18n, i18n

from .conftest import ROOT
from .support import env_without_locale

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")

# argv, argparse's English (the end of its message), the Japanese the catalog gives
CASES = [
    (["gradescope"], "error: the following arguments are required: out_zip, --sprint",
     "エラー: 次の引数が必要です: out_zip, --sprint"),
    (["check", "--bogus"], "error: unrecognized arguments: --bogus",
     "エラー: 認識できない引数があります: --bogus"),
    (["nosuch"], "error: argument command: invalid choice: 'nosuch' (choose from 'list', ",
     "エラー: 引数 command: 'nosuch' は選べません（'list', "),
    (["grade", "sub", "--workers"], "error: argument --workers: expected one argument",
     "エラー: 引数 --workers: 引数が 1 つ必要です"),
    (["grade", "sub", "--workers", "many"],
     "error: argument --workers: invalid int value: 'many'",
     "エラー: 引数 --workers: int の値として正しくありません: 'many'"),
]


def _error(argv, capsys) -> str:
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(argv)
    assert exit_.value.code == 2
    return capsys.readouterr().err


@pytest.mark.parametrize("argv, english, japanese", CASES)
def test_argparse_errors_follow_the_course_language(argv, english, japanese, lang, capsys):
    lang("en")
    text = _error(argv, capsys)
    assert english in text and not JAPANESE.search(text), text
    lang("ja")
    text = _error(argv, capsys)
    assert japanese in text, text
    assert text.startswith("使い方: ")
    assert not re.search(r"\b(error|required|unrecognized|invalid|expected)\b", text), text


def test_the_english_errors_are_argparses_own(lang, capsys):
    """The same parse by a plain argparse parser prints the same error."""
    lang("en")
    mine = _error(["gradescope"], capsys).splitlines()[-1]
    plain = argparse.ArgumentParser(prog="python -m autograder gradescope")
    plain.add_argument("out_zip")
    plain.add_argument("--sprint", required=True)
    with pytest.raises(SystemExit):
        plain.parse_args([])
    assert capsys.readouterr().err.splitlines()[-1] == mine


def test_argparse_is_put_back_and_other_parsers_stay_english(lang, capsys):
    lang("ja")
    _error(["gradescope"], capsys)
    assert argparse._ is gettext.gettext and argparse.ngettext is gettext.ngettext
    plain = argparse.ArgumentParser(prog="other")
    plain.add_argument("x")
    with pytest.raises(SystemExit):
        plain.parse_args([])
    assert "other: error: the following arguments are required: x" in capsys.readouterr().err


def test_every_argparse_error_is_in_the_catalog_and_keeps_its_placeholders():
    catalog = i18n.read_catalog(i18n.catalog_path("ja"), "ja")
    source = open(argparse.__file__, encoding="utf-8").read()
    for message in cli_i18n.ARGPARSE_ERRORS:
        assert repr(message)[1:-1] in source or message in source, message  # argparse's own
        entry = catalog.get(message)
        assert entry is not None and entry.string and not entry.fuzzy, message
        placeholders = sorted(re.findall(r"%(?:\(\w+\))?[sr]", message))
        assert sorted(re.findall(r"%(?:\(\w+\))?[sr]", entry.string)) == placeholders, message


@pytest.mark.parametrize("command", [[sys.executable, "-m", "autograder", "pack", "a", "b",
                                      "c"], [str(ROOT / "course"), "check", "--bogus"]])
def test_the_command_lines_errors_in_japanese(command):
    env = {**env_without_locale(), "PYTHONPATH": str(ROOT), "COURSE_LANG": "ja"}
    proc = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert ": エラー: " in proc.stderr and "error:" not in proc.stderr, proc.stderr


def test_the_promote_confirmation_follows_the_course_language(lang, tmp_path):
    from autograder.instructor.mistake_groups import promoted_text

    path = tmp_path / "mistakes" / "sprint1.xor-g1.py"
    lang("en")
    assert promoted_text(path).startswith(f"wrote {path}: a learner's function as a known "
                                          "mistake with your hint.\nRead it line by line")
    lang("ja")
    text = promoted_text(path)
    assert text.startswith(f"{path} を書き出しました: ") and "よくある間違い" in text
    assert len(text.splitlines()) == 2 and not re.search(r"\b(wrote|Read)\b", text)


def test_the_commands_own_errors_and_the_list_follow_the_course_language(lang, capsys):
    """`error: ...` before a command's own message (a mistyped exercise here), and the
    exercise list's points, in the course's language; English as it was."""
    from autograder.__main__ import main

    lang("en")
    assert main(["check", "sprint1.and_gat"]) == 2
    english = capsys.readouterr().err
    assert english.startswith("error: no exercise or sprint called 'sprint1.and_gat'"), english
    assert main(["list"]) == 0
    listed = capsys.readouterr().out
    assert re.search(r"^sprint1\.and_gate +\d+ pt  \S*perceptron\.py:AND", listed, re.M), listed
    assert re.search(r"^\d+ exercises, \d+ points$", listed, re.M), listed[-200:]
    lang("ja")
    assert main(["check", "sprint1.and_gat"]) == 2
    japanese = capsys.readouterr().err
    assert japanese.startswith("エラー: ") and "error:" not in japanese, japanese
    assert main(["list"]) == 0
    listed = capsys.readouterr().out
    assert re.search(r"^sprint1\.and_gate +\d+ 点  \S*perceptron\.py:AND", listed, re.M), listed
    assert re.search(r"^\d+ 問、\d+ 点$", listed, re.M), listed[-200:]
    assert " pt " not in listed and "exercises," not in listed
