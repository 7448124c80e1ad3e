"""The accuracy corpus, graded as the course grades: every correct answer gets full marks,
every mistake loses points and, where its hint is known, gets it (see ``tests/corpus``).

The whole corpus is graded once per session, in a few helper packages
(:func:`tests.corpus.packages`), each through :func:`autograder.instructor.trusted.grade_exercises`
(public and hidden cases, two child processes per package).
"""
from __future__ import annotations

import ast
import functools
import importlib
import inspect

import pytest

from autograder.instructor.grading import grade_exercises
from autograder.learner.registry import load_exercises

from .conftest import ROOT, make_helpers, plain_source
from .corpus import all_entries, packages

SALT = "corpus"
SPECS = {s.id: s for s in load_exercises()}
ENTRIES = all_entries()


@functools.cache
def _prepared(ex_id: str):
    spec = SPECS[ex_id]
    return spec, spec.public_cases(), spec.hidden_cases(SALT)


@pytest.fixture(scope="session")
def verdicts(tmp_path_factory) -> dict:
    """``{entry key: Trusted}`` for every corpus entry."""
    modules = {k: s.exercise for k, s in SPECS.items()}
    out = {}
    for package in packages(ENTRIES, modules):
        pkg = make_helpers(tmp_path_factory.mktemp(package.name))
        package.plant(pkg, modules)
        ids = list(dict.fromkeys(e.exercise for e in package.entries))
        trusted = dict(zip(ids, grade_exercises([_prepared(i) for i in ids], pkg)))
        for e in package.entries:
            out[e.key] = trusted[e.exercise]
    return out


def _param(e):
    reason = e.expected_failure(SPECS[e.exercise].exercise)
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(e, id=e.key, marks=marks)


def test_every_exercise_has_two_correct_implementations_and_a_mistake():
    correct = {i: 0 for i in SPECS}
    wrong = {i: 0 for i in SPECS}
    for e in ENTRIES:
        assert e.exercise in SPECS, f"{e.key}: no such exercise"
        if not e.undetectable:
            (correct if e.correct else wrong)[e.exercise] += 1
    thin = [i for i in SPECS if correct[i] < 2 or wrong[i] < 1]
    assert not thin, f"exercises with fewer than 2 correct and 1 wrong implementations: {thin}"


def test_a_correct_class_that_subclasses_the_reference_replaces_one_of_its_methods():
    """Else the reference itself is graded under the entry's name (a misspelt ``def forwad``
    leaves the reference's ``forward`` in place), and the entry proves nothing."""
    idle = []
    for e in ENTRIES:
        ex = SPECS[e.exercise].exercise
        reference = getattr(importlib.import_module(f"solutions.{ex.module}"), ex.name)
        impl = e.implementation
        if not (e.correct and inspect.isclass(impl) and issubclass(impl, reference)):
            continue
        own = {name for cls in impl.__mro__[:impl.__mro__.index(reference)]
               for name, v in vars(cls).items()
               if inspect.isfunction(v) and not name.startswith("__")}
        if not own & set(dir(reference)):
            idle.append(e.key)
    assert not idle, f"correct entries that change none of the reference's methods: {idle}"


@functools.cache
def _code(implementation) -> str:
    """``implementation``'s code without its name, decorators, docstrings and comments."""
    node = ast.parse(plain_source(implementation)).body[0]
    node.name = "_"
    for n in ast.walk(node):
        if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and ast.get_docstring(n) is not None:
            n.body = n.body[1:] or [ast.Pass()]
    return ast.dump(node)


def test_no_mistake_of_the_corpus_is_a_copy_of_a_known_mistake_of_its_exercise():
    """A known mistake is registered as it is (``mistake(...)(_AddSingle)``), not copied: a
    copy is one more place to keep in step with the declarations, and adds no verdict."""
    copies = []
    for e in ENTRIES:
        if e.correct:
            continue
        known = [m.implementation for m in SPECS[e.exercise].exercise.mistakes
                 if not isinstance(m.implementation, functools.partial)]
        if any(k is not e.implementation and _code(k) == _code(e.implementation)
               for k in known):
            copies.append(e.key)
    assert not copies, f"register the known mistake instead of copying it: {copies}"


@pytest.mark.parametrize("entry", [_param(e) for e in ENTRIES if e.undetectable])
def test_a_mistake_no_output_reveals_gets_full_marks_and_is_documented(entry, verdicts):
    r = verdicts[entry.key].result
    assert r.ok, ("the harness now catches this mistake: make it a @mistake and drop it from "
                  f"the list in docs/authoring.md ({r.message})")
    doc = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    assert entry.implementation.__name__ in doc, "list it, with how a human catches it"


@pytest.mark.parametrize("entry", [_param(e) for e in ENTRIES
                                   if e.correct and not e.undetectable])
def test_a_correct_implementation_gets_full_marks(entry, verdicts):
    r = verdicts[entry.key].result
    assert r.ok and r.score == r.points, f"{r.status} {r.score}/{r.points}: {r.message} {r.hints}"


@pytest.mark.parametrize("entry", [_param(e) for e in ENTRIES if not e.correct])
def test_a_mistake_loses_points_with_its_hint(entry, verdicts):
    r = verdicts[entry.key].result
    assert "NameError" not in r.message, f"the entry uses a name its module lacks: {r.message}"
    assert not r.ok and r.score < r.points, "the mistake gets full marks"
    if entry.hint:
        assert any(entry.hint in h for h in r.hints), (r.message, r.hints)
