"""The command line's help in Japanese: ``python -m autograder [COMMAND] --help`` and
``./course help`` under ``COURSE_LANG=ja``; the English help is argparse's own, unchanged."""
from __future__ import annotations

import argparse
import re
import subprocess
import sys

import pytest

from autograder.__main__ import build_parser
from autograder.learner import cli_i18n, i18n

from .conftest import ROOT
from .support import env_without_locale

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _wide(monkeypatch):
    """Help wrapped at 100 columns, whatever the terminal."""
    monkeypatch.setenv("COLUMNS", "100")


def _parsers():
    return list(cli_i18n._walk(build_parser()))


def _env(**more):
    env = env_without_locale()
    return {**env, "PYTHONPATH": str(ROOT), "COLUMNS": "100", **more}


def test_the_help_of_every_command_is_in_japanese(lang):
    lang("ja")
    parsers = _parsers()
    assert len(parsers) > 20
    for parser in parsers:
        shown = parser.format_help()
        assert shown.startswith("使い方: "), shown
        flat = " ".join(shown.split())
        for action in parser._actions:
            if action.help and action.help is not argparse.SUPPRESS:
                english = " ".join(action.help.split())
                assert english not in flat, (parser.prog, english)
        assert "オプション:" in shown and "このヘルプを表示して終了します" in shown


def test_the_english_help_is_argparses_own(lang):
    lang("en")
    for parser in _parsers():
        ours = parser.format_help()
        parser.formatter_class, kept = argparse.HelpFormatter, parser.formatter_class
        try:
            theirs = parser.format_help()
        finally:
            parser.formatter_class = kept
        assert ours == theirs, parser.prog
        assert not JAPANESE.search(ours), parser.prog


def test_help_from_a_terminal_follows_course_lang():
    run = [sys.executable, "-m", "autograder", "check", "--help"]
    ja = subprocess.run(run, cwd=ROOT, env=_env(COURSE_LANG="ja"), capture_output=True,
                        text=True, timeout=120)
    assert ja.returncode == 0, ja.stderr
    assert "使い方: python -m autograder check" in ja.stdout
    assert "確認する helpers/ フォルダ（既定: 最も近いもの）" in ja.stdout, ja.stdout
    by_locale = subprocess.run(run, cwd=ROOT, env=_env(LANG="ja_JP.UTF-8"),
                               capture_output=True, text=True, timeout=120)
    assert by_locale.stdout == ja.stdout
    en = subprocess.run(run, cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=120)
    assert en.stdout.startswith("usage: python -m autograder check")
    assert "the helpers/ folder to check" in en.stdout and not JAPANESE.search(en.stdout)


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "python").exists(),
                    reason="./course help translates with the course's .venv")
def test_course_help_is_japanese_under_course_lang_ja():
    def run(**env):
        return subprocess.run([str(ROOT / "course"), "help"], cwd=ROOT, env=_env(**env),
                              capture_output=True, text=True, timeout=120).stdout
    en = run(COURSE_LANG="en")
    assert en == cli_i18n.script_help(ROOT / "course"), "the block the script prints"
    ja = run(COURSE_LANG="ja")
    assert ja.startswith("このコースの入り口です。") and "./course start --lang ja" in ja
    # the commands and the environment variables, in the same places
    for line_en, line_ja in zip(en.splitlines(), ja.splitlines(), strict=True):
        for word in re.findall(r"(?:\./course \w+|COURSE_\w+=\w+)", line_en):
            assert line_ja.lstrip().startswith(word) or word in line_ja, (line_en, line_ja)


def test_every_help_text_is_in_the_catalog():
    catalog = i18n.read_catalog(i18n.catalog_path("ja"))
    texts = [t for t, _where, _comment in i18n.command_line_texts()]
    assert "check your helpers/ on the public cases" in texts and "options" in texts
    for text in texts:
        entry = catalog.get(text)
        assert entry is not None and entry.string and not entry.fuzzy, text


def test_a_changed_help_text_is_stale():
    parser = cli_i18n.ArgumentParser(prog="x", description="Checks, releases and grades it.")
    parser.add_argument("--quiet", action="store_true", help="one line per exercise")
    texts = cli_i18n.parser_texts(parser)
    assert texts[:4] == list(cli_i18n.ARGPARSE_WORDS)
    assert "Checks, releases and grades it." in texts and "one line per exercise" in texts
    catalog = i18n.read_catalog(i18n.catalog_path("ja"))
    assert catalog.get("Checks, releases and grades it.") is None     # so: missing, not shown
    assert catalog.get("one line per exercise").string


@pytest.mark.parametrize("width", [20, 37, 60])
def test_japanese_wraps_to_the_width_without_a_bad_line_break(width):
    text = ("--hidden と一緒に: 採点のソルト（`grade --salt SALT` の隠しテストになります。"
            "採点フォルダ自身のソルトは GRADING/.course_salt にあります）")
    lines = cli_i18n.wrap(text, width)
    assert len(lines) > 1
    for line in lines:
        # (a single token wider than the line, GRADING/.course_salt, stays whole)
        assert cli_i18n._width(line) <= width or "GRADING/.course_salt" in line, line
        assert line[0] not in cli_i18n._NO_LINE_START and line[-1] not in cli_i18n._NO_LINE_END
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert cli_i18n.wrap("one line per exercise", 10) == ["one line", "per", "exercise"]
