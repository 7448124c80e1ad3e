"""The public cases' labels in Japanese: the check names a failing case in the course's language.

Each case declares an English label (``case(..., label="X (2, 3) + b (3,) from the text")``);
the labels of the *public* cases are extracted into the message catalog (context: the exercise
id) and translated when the check shows them. A hidden case's label is never shown and never
extracted: the catalog ships to learners.
"""
from __future__ import annotations

import re
from dataclasses import replace

import pytest

from autograder.learner import i18n
from autograder.learner.check import run_checks
from autograder.learner.registry import Spec, live_exercises
from autograder.learner.verdict import Outcome, render

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
LOCALE_VARS = ("COURSE_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

#: sprint 0 with a wrong add_bias (adds 1 too many): its first case, the text's, fails
WRONG_WARMUP = '''
import numpy as np
def as_column(v):
    return v.reshape(-1, 1)
def add_bias(X, b):
    return X + b + 1
def affine(X, W, b):
    return X @ W + b
def row_means(X):
    return X.mean(axis=1, keepdims=True)
def normalize_rows(X):
    return X / X.sum(axis=1, keepdims=True)
'''
#: sprint 1's step function written for 1-D input only: it passes the text's case and the
#: first random one, and fails a 2-D random case, which declares no label (its inputs
#: describe it)
ONE_D_STEP = '''
import numpy as np
def step_function(x):
    return np.array([1 if v > 0 else 0 for v in x])
'''


@pytest.fixture
def lang(monkeypatch):
    for var in LOCALE_VARS:
        monkeypatch.delenv(var, raising=False)
    return lambda value: monkeypatch.setenv("COURSE_LANG", value)


def _check(tmp_path, module: str, source: str, selectors) -> str:
    pkg = tmp_path / "helpers"
    pkg.mkdir(exist_ok=True)
    (pkg / "__init__.py").write_text("")
    (pkg / f"{module}.py").write_text(source)
    return run_checks(selectors, helpers=pkg, save=False).render()


def test_a_japanese_check_names_the_failing_case_in_japanese(lang, tmp_path):
    lang("ja")
    printed = _check(tmp_path, "warmup", WRONG_WARMUP, ["sprint0.add_bias"])
    assert "ケース 5 件中 1 件目 (本文の X (2, 3) + b (3,)): " in printed, printed
    assert "from the text" not in printed


def test_the_english_check_keeps_the_english_label(lang, tmp_path):
    lang("en")
    printed = _check(tmp_path, "warmup", WRONG_WARMUP, ["sprint0.add_bias"])
    assert "case 1 of 5 (X (2, 3) + b (3,) from the text): " in printed, printed
    assert not JAPANESE.search(printed)


def test_a_case_without_a_label_is_described_in_japanese(lang, tmp_path):
    lang("ja")
    printed = _check(tmp_path, "perceptron", ONE_D_STEP, ["sprint1.step_function"])
    assert re.search(r"件目 \(入力 \(array\(\d+, \d+\)\)\): ", printed), printed
    lang("en")
    printed = _check(tmp_path, "perceptron", ONE_D_STEP, ["sprint1.step_function"])
    assert re.search(r"case \d+ of \d+ \(inputs \(array\(\d+, \d+\)\)\): ", printed), printed


def test_a_label_is_translated_when_shown_so_a_stored_outcome_switches_language(lang):
    outcome = Outcome("value", case=1, of=5, where="return", exercise="sprint0.add_bias",
                      label="X (2, 3) + b (3,) from the text")
    lang("ja")
    assert render(outcome).startswith("ケース 5 件中 1 件目 (本文の X (2, 3) + b (3,)): ")
    lang("en")
    assert render(outcome).startswith("case 1 of 5 (X (2, 3) + b (3,) from the text): ")


def test_a_label_without_a_translation_shows_in_english(lang):
    lang("ja")
    new = Outcome("value", case=1, of=5, where="return", exercise="sprint0.add_bias",
                  label="a label nobody translated")
    assert "(a label nobody translated)" in render(new)
    other = replace(new, exercise="sprint0.row_means", label="X (2, 3) + b (3,) from the text")
    assert "(X (2, 3) + b (3,) from the text)" in render(other), "the context is the exercise"


def test_a_hidden_case_shows_no_label_in_either_language(lang):
    hidden = Outcome("value", case=3, of=12, hidden=True, where="return",
                     exercise="sprint0.add_bias", label="X (2, 3) + b (3,) from the text")
    for value in ("ja", "en"):
        lang(value)
        assert "X (2, 3)" not in render(hidden) and "本文" not in render(hidden)


def test_every_public_label_is_in_the_catalog_with_its_exercise_as_context():
    catalog = i18n.read_catalog(i18n.catalog_path("ja"))
    count = 0
    for ex in live_exercises():
        for c in ex.public_inputs():
            label = c.label
            if label:
                entry = catalog.get(label, context=ex.id)
                assert entry is not None and entry.string, (ex.id, label)
                count += 1
    assert count > 300          # the course declares labels for most of its public cases


@pytest.mark.parametrize("salt", ["", "a course's salt"])
def test_no_hidden_case_label_reaches_the_catalog(salt):
    """The catalog ships to learners: a hidden case's label (its inputs' shapes, its edge)
    must not be in it unless a public case has the same label."""
    text = i18n.catalog_path("ja").read_text(encoding="utf-8")
    catalog = i18n.read_catalog(i18n.catalog_path("ja"))
    leaked = []
    for ex in live_exercises():
        public = {c.label for c in ex.public_inputs()}
        for c in ex.hidden_inputs(salt):
            label = c.label
            if label and label not in public and catalog.get(label, context=ex.id):
                leaked.append((ex.id, label))
    assert not leaked, leaked
    assert "a label nobody translated" not in text


def test_a_changed_label_makes_its_translation_stale():
    ex = next(e for e in live_exercises({"sprint0"}) if e.id == "sprint0.add_bias")
    new_label = "X (2, 3) + b (3,) from the book"
    first = ex.examples[0]            # a case: a dict, or a record with a label
    first = dict(first, label=new_label) if isinstance(first, dict) else \
        replace(first, label=new_label)
    changed = replace(ex, examples=[first, *ex.examples[1:]])
    spec = Spec(ex.id, ex.points, ex.module, ex.name, ex.title, ex.tol, exercise=changed)
    found = i18n.problems(i18n.extract_messages([spec]),
                          i18n.read_catalog(i18n.catalog_path("ja")), "course.po")
    units = [p.unit for p in found if p.kind != "obsolete"]
    assert units == ["sprint0.add_bias: X (2, 3) + b (3,) from the book"], found
