"""The stubs' ``NotImplementedError`` message in the Japanese edition.

A generated stub raises ``NotImplementedError("Affine.forward: not implemented yet")``; the
Japanese stubs (a release ``--lang ja``, a clone after ``./course start --lang ja``) say
``"Affine.forward: まだ実装されていません"`` beside their Japanese docstrings. Whatever language
the file is in, the check calls it "not implemented yet" in the language it shows, and
``needs()`` knows the stub.
"""
from __future__ import annotations

import shutil
import sys

import pytest

from autograder.authoring import docstrings, stubs
from autograder.learner import i18n, needs
from autograder.learner.check import run_checks
from autograder.learner.evaluate import NOT_IMPLEMENTED
from autograder.learner.verdict import Outcome, render

from .conftest import ROOT

LOCALE_VARS = ("COURSE_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
JA_WORDS = "まだ実装されていません"


@pytest.fixture
def lang(monkeypatch):
    for var in LOCALE_VARS:
        monkeypatch.delenv(var, raising=False)
    return lambda value: monkeypatch.setenv("COURSE_LANG", value)


def test_the_japanese_words_are_the_catalogs():
    assert i18n.not_yet("ja") == JA_WORDS
    assert i18n.not_yet("en") == "not implemented yet"
    assert list(i18n.stub_messages()) == ["not implemented yet", JA_WORDS]   # English first


def test_localizing_a_stub_changes_its_messages_only():
    english = stubs.expected_helpers()["layers.py"]
    ja = stubs.localize_messages(english, "ja")
    assert 'raise NotImplementedError("Affine.forward: まだ実装されていません")\n' in ja
    assert ': not implemented yet")' not in ja
    assert ja.count(JA_WORDS) == english.count(': not implemented yet")') > 3
    assert ja.replace(JA_WORDS, "not implemented yet") == english
    assert stubs.localize_messages(english, "en") == english
    # the learner's own message is not a stub's: left alone
    own = 'raise NotImplementedError("I will do this after lunch: not implemented yet, sorry")\n'
    assert stubs.localize_messages(own, "ja") == own


def test_a_japanese_release_writes_japanese_stub_messages(tmp_path):
    helpers = tmp_path / "helpers"
    stubs.write_helpers(helpers)
    docstrings.localize_helpers(helpers, "ja")
    text = (helpers / "layers.py").read_text("utf-8")
    assert 'raise NotImplementedError("Affine.forward: まだ実装されていません")' in text
    for path in helpers.glob("*.py"):
        assert ": not implemented yet" not in path.read_text("utf-8"), path.name
    assert 'raise NotImplementedError("Optimizer.update: まだ実装されていません")' in (
        helpers / "optimizers.py").read_text("utf-8")      # the base class's own, too


@pytest.mark.parametrize("shown", ["ja", "en"])
@pytest.mark.parametrize("written", ["ja", "en"])
def test_the_check_says_not_implemented_in_the_language_shown(lang, tmp_path, shown, written):
    helpers = tmp_path / "helpers"
    helpers.mkdir()
    (helpers / "__init__.py").write_text("")
    source = stubs.expected_helpers()["layers.py"]
    (helpers / "layers.py").write_text(stubs.localize_messages(source, written), "utf-8")
    lang(shown)
    result = run_checks(["sprint4.affine"], helpers=helpers, save=False).results[0]
    assert result.status == NOT_IMPLEMENTED
    words = JA_WORDS if shown == "ja" else "not implemented yet"
    assert result.message == f"Affine.forward: {words}"


def test_a_learners_own_not_implemented_message_is_shown_as_written(lang):
    lang("ja")
    for own in ("forward: I am on it", "Affine.forward: not yet, see below", "まだです"):
        assert render(Outcome("not_implemented", detail=own)) == own
    assert render(Outcome("not_implemented", detail="Affine.forward: not implemented yet")) \
        == f"Affine.forward: {JA_WORDS}"
    lang("en")
    assert render(Outcome("not_implemented", detail=f"Affine.forward: {JA_WORDS}")) \
        == "Affine.forward: not implemented yet"


@pytest.mark.parametrize("written", ["ja", "en"])
def test_needs_knows_a_stub_in_either_language(tmp_path, monkeypatch, written):
    helpers = tmp_path / "helpers"
    stubs.write_helpers(helpers)
    if written == "ja":
        docstrings.localize_helpers(helpers, "ja")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m == "helpers" or m.startswith("helpers.")]:
        monkeypatch.delitem(sys.modules, name)
    assert needs.is_stub("layers", "Affine", helpers)
    path = helpers / "warmup.py"
    path.write_text(path.read_text("utf-8").replace(
        f'raise NotImplementedError("as_column: {i18n.not_yet(written)}")',
        "return v.reshape(-1, 1)"), "utf-8")
    assert not needs.is_stub("warmup", "as_column", helpers)
    assert needs.is_stub("warmup", "add_bias", helpers)


def test_switching_a_clone_rewrites_stubs_switched_before_their_messages_were(tmp_path):
    """A clone switched to Japanese before the stubs' messages were translated (Japanese
    docstrings, English messages) is still an untouched stub: switching rewrites it."""
    helpers = tmp_path / "helpers"
    shutil.copytree(ROOT / "helpers", helpers, ignore=shutil.ignore_patterns("__pycache__"))
    docstrings.localize_helpers(helpers, "ja")
    path = helpers / "layers.py"
    current = path.read_text("utf-8")
    path.write_text(current.replace(JA_WORDS, "not implemented yet"), "utf-8")   # the older one
    done = {s.file: s.action for s in docstrings.switch_helpers("ja", helpers)}
    assert done["layers.py"] == "rewritten" and path.read_text("utf-8") == current
    done = {s.file: s.action for s in docstrings.switch_helpers("en", helpers)}
    assert done["layers.py"] == "rewritten"
    assert stubs.differences(helpers) == []
