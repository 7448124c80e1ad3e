"""The ``./course`` script's own messages in the course's language (``COURSE_LANG=ja``, a
Japanese locale, ``./course start --lang ja``), from the message catalog
(:mod:`autograder.learner.script_messages`); English before ``.venv`` can translate."""
from __future__ import annotations

import hashlib
import re
import shlex
import shutil
import subprocess
import sys

import pytest

from autograder.learner import i18n, script_messages

from .conftest import ROOT
from .support import env_without_locale

PREFIX = "\033[1m[course]\033[0m "
SCRIPT = ROOT / "course"
needs_venv = pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "python").is_file(),
                                reason="./course translates with the course's .venv")


def _run(script, *args, **env):
    return subprocess.run([str(script), *args], capture_output=True, text=True, timeout=120,
                          env={**env_without_locale(), **env})


def _said(out) -> list:
    """The lines the script said (its ``[course]`` lines, without the prefix)."""
    return [line[len(PREFIX):] for line in out.stderr.splitlines() if line.startswith(PREFIX)]


# --------------------------------------------------------------------------- the script
@needs_venv
@pytest.mark.parametrize("env", [{"COURSE_LANG": "ja"}, {"LANG": "ja_JP.UTF-8"},
                                 {"LANGUAGE": "ja:en", "COURSE_LANG": "ja"}])
def test_an_unknown_command_is_told_in_japanese(env):
    out = _run(SCRIPT, "bogus", **env)
    assert out.returncode == 2, out.stderr
    assert _said(out) == ["bogus というコマンドはありません"], out.stderr
    assert out.stdout.startswith("このコースの入り口です。")           # the help follows


@needs_venv
@pytest.mark.parametrize("env", [{}, {"COURSE_LANG": "en"}, {"LANG": "ja_JP.UTF-8",
                                                              "COURSE_LANG": "en"}])
def test_an_unknown_command_is_told_in_english_otherwise(env):
    out = _run(SCRIPT, "bogus", **env)
    assert out.returncode == 2, out.stderr
    assert _said(out) == ["unknown command: bogus"], out.stderr
    assert out.stdout.startswith("The course's entry point.")


@pytest.mark.parametrize("word", ["bogus", "a&b", "x\\y", "{command}", "\u3042 b"])
def test_before_the_venv_exists_the_script_says_its_english_itself(tmp_path, word):
    """A fresh clone (no .venv): nothing can translate yet, the script fills the English in
    itself, exactly as the catalog's English reads (bash's ``&`` and ``\\`` in a replacement
    are special; a value that looks like a placeholder stays as it is)."""
    shutil.copy2(SCRIPT, tmp_path / "course")
    out = _run(tmp_path / "course", word, COURSE_LANG="ja")
    assert out.returncode == 2, out.stderr
    assert _said(out) == [f"unknown command: {word}"], out.stderr
    assert not (tmp_path / ".venv").exists()


def test_the_scripts_english_fallback_and_the_module_agree_on_several_messages(tmp_path):
    """One call, several messages (``--`` between them), each filled from its own fields: the
    script's own English filling and the module print the same lines."""
    shutil.copy2(SCRIPT, tmp_path / "course")
    args = ["opening JupyterLab on {url} (Ctrl+C twice to stop)", "url=http://h:1",
            "--", "start with {notebook}", "notebook=n/a b.ipynb"]
    quoted = " ".join(shlex.quote(a) for a in args)
    # the script's functions without its command dispatch (everything before `case`)
    head = SCRIPT.read_text(encoding="utf-8").split('\ncase "${1:-help}" in', 1)[0]
    (tmp_path / "tell.sh").write_text(head.replace('cd "$(dirname "$0")"', "")
                                      + f"\ntell {quoted}\n", encoding="utf-8")
    out = subprocess.run(["bash", str(tmp_path / "tell.sh")], cwd=tmp_path, capture_output=True,
                         text=True, timeout=60, env=env_without_locale())
    assert out.returncode == 0, out.stderr
    assert _said(out) == ["opening JupyterLab on http://h:1 (Ctrl+C twice to stop)",
                          "start with n/a b.ipynb"]
    mod = subprocess.run([sys.executable, "-m", "autograder.learner.script_messages", *args],
                         cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env={**env_without_locale(), "COURSE_LANG": "ja"})
    assert mod.returncode == 0, mod.stderr
    assert mod.stdout.splitlines() == ["JupyterLab を http://h:1 で開きます（止めるには Ctrl+C "
                                       "を 2 回押します）", "n/a b.ipynb から始めてください"]


def _told() -> list:
    """``[(message, [field names])]`` of every ``tell`` in the script (its messages and
    fields, as the shell would pass them)."""
    text = SCRIPT.read_text(encoding="utf-8").replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        m = re.search(r"(?:^|[\s;{|&])tell (.*)", line)
        if not m or line.lstrip().startswith("#"):
            continue
        lexer = shlex.shlex(m.group(1), posix=True, punctuation_chars=";&|")
        lexer.whitespace_split = True
        words = []
        for word in lexer:
            if word in (";", "&&", "||", "}", ")"):
                break
            words.append(word)
        group = []
        for word in [*words, "--"]:
            if word == "--":
                out.append((group[0], [f.split("=", 1)[0] for f in group[1:]]))
                group = []
            else:
                group.append(word)
    return out


def test_every_message_the_script_tells_is_in_the_catalog_with_its_fields():
    told = _told()
    assert len(told) >= 12, told                   # the parse found the script's messages
    assert {m for m, _ in told} == set(script_messages.MESSAGES), \
        "a message the script tells but the module does not list (or one nobody tells)"
    for message, fields in told:
        assert sorted(fields) == sorted(set(re.findall(r"\{(\w+)\}", message))), message
    ids = {m.id for m in i18n.extract_messages([]) if m.id}
    assert set(script_messages.MESSAGES) <= ids


def test_every_message_is_translated_with_its_placeholders():
    catalog = i18n.read_catalog(i18n.catalog_path("ja"), "ja")
    for message in script_messages.MESSAGES:
        entry = catalog.get(message)
        assert entry is not None and entry.string and not entry.fuzzy, message
        assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", entry.string), entry.string
        assert sorted(re.findall(r"\{\w+\}", entry.string)) == \
            sorted(re.findall(r"\{\w+\}", message)), entry.string


# --------------------------------------------------------------------------- the module
def test_the_module_refuses_a_message_the_catalog_does_not_list(capsys, monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "en")
    assert script_messages.main(["unknown cmd: {command}", "command=x"]) == 2
    assert script_messages.main(["unknown command: {command}", "command"]) == 2   # not N=V
    assert script_messages.main(["unknown command: {command}"]) == 2              # unfilled
    assert capsys.readouterr().out == ""
    assert script_messages.main(["unknown command: {command}", "command=a=b"]) == 0
    assert capsys.readouterr().out == "unknown command: a=b\n"


def _start(tmp_path, *args, **env) -> list:
    """What ``./course start ARGS`` says, in a course whose ``.venv`` python stands in for
    JupyterLab and for the translation commands (their own tests are tests/test_display_ja.py's
    and the translate command's): only the script's choices and messages run."""
    course = tmp_path / "course"
    (course / ".venv" / "bin").mkdir(parents=True)
    for name in ("course", "requirements.txt"):
        shutil.copy2(ROOT / name, course / name)
    (course / "autograder").symlink_to(ROOT / "autograder")
    python = course / ".venv" / "bin" / "python"
    python.write_text("#!/bin/sh\n"
                      'case "$1 $2 $3" in "-m jupyter lab"|"-m autograder translate") exit 0 ;; '
                      "esac\n"
                      f'exec {sys.executable} "$@"\n')
    python.chmod(0o755)
    digest = hashlib.sha256((ROOT / "requirements.txt").read_bytes()).hexdigest()[:16]
    (course / ".venv" / f".installed-{digest}").touch()                    # no pip install
    out = _run(course / "course", "start", *args,
               **{"JUPYTERLAB_DIR": str(tmp_path / "lab-app"), **env})
    assert out.returncode == 0, out.stderr
    return _said(out)


@needs_venv
@pytest.mark.parametrize("args, env", [(["--lang", "ja"], {}), ([], {"COURSE_LANG": "ja"}),
                                       ([], {"LANG": "ja_JP.UTF-8"})])
def test_course_start_in_japanese_says_where_to_start_in_japanese(tmp_path, args, env):
    assert _start(tmp_path, *args, **env) == [
        "JupyterLab を http://127.0.0.1:8888 で開きます（止めるには Ctrl+C を 2 回押します）",
        "notebooks/ja/sprint0_start_here.ipynb から始めてください"]


@needs_venv
def test_course_start_in_english_says_it_in_english(tmp_path):
    assert _start(tmp_path, COURSE_PORT="8899") == [
        "opening JupyterLab on http://127.0.0.1:8899 (Ctrl+C twice to stop)",
        "start with notebooks/sprint0_start_here.ipynb"]


@needs_venv
def test_menus_that_stay_english_are_told_in_japanese(tmp_path):
    """JupyterLab's settings cannot be written (its app folder is a file): the start goes on,
    and says why the menus stay English, in Japanese."""
    (tmp_path / "not-a-folder").write_text("")
    said = _start(tmp_path, "--lang", "ja", JUPYTERLAB_DIR=str(tmp_path / "not-a-folder"))
    assert said[0] == "JupyterLab 自身のメニューは英語のままです（ja の設定を書き込めませんでした）"
    assert said[-1] == "notebooks/ja/sprint0_start_here.ipynb から始めてください"
