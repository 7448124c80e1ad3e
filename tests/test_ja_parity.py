"""Pass/fail parity of the two editions: every exercise passes and fails exactly the same in
Japanese and in English.

The learner's code runs in a child that sees no locale (``sandbox`` gives it ``PATH`` and
``HOME`` only), so a language can only change a verdict where the check *scores* and *shows*
that run. Every known mistake of the registry is scored in both languages where it is run
already, in ``tests/test_exercises.py`` (``test_each_hint_fires_on_the_mistake_it_names``: its
public run, and the first mistake of each exercise also as the grader runs it, with the hidden
cases): the same status, cases passed, points, failing case and hints; only the words differ,
and the Japanese words are Japanese. Here: the untouched stubs, English and Japanese (a release
``--lang ja`` says ``まだ実装されていません``), and the reference get the same verdicts in both
languages too.
"""
from __future__ import annotations

import pytest

from autograder.authoring import stubs
from autograder.learner.evaluate import PASSED, evaluate_many
from autograder.learner.registry import load_exercises

from .conftest import make_helpers
from .support import JAPANESE, verdict_of

SPECS = {s.id: s for s in load_exercises()}


@pytest.mark.parametrize("written", ["en", "ja"])
def test_the_untouched_stubs_get_the_same_verdicts_in_both_languages(written, lang, tmp_path,
                                                                     stub_helpers):
    """The English stubs and the Japanese ones (a release ``--lang ja``): not implemented, or
    blocked by the same earlier exercise, whichever language the check speaks."""
    pkg = make_helpers(tmp_path / "helpers", stub_helpers)
    if written == "ja":
        for path in pkg.glob("*.py"):
            path.write_text(stubs.localize_messages(path.read_text(encoding="utf-8"), "ja"),
                            encoding="utf-8")
        assert "まだ実装されていません" in (pkg / "perceptron.py").read_text(encoding="utf-8")
    work = [(s, s.public_cases()) for s in SPECS.values()]
    lang("en")
    english = evaluate_many(work, pkg)
    lang("ja")
    japanese = evaluate_many(work, pkg)
    for (spec, _), e, j in zip(work, english, japanese):
        assert verdict_of(e) == verdict_of(j), spec.id
        assert e.status in ("not implemented", "blocked"), (spec.id, e.message)
        assert "not implemented yet" in e.message or e.status == "blocked", e.message
        assert JAPANESE.search(j.message) and "not implemented" not in j.message, j.message


@pytest.mark.slow
def test_the_reference_passes_in_both_languages(lang, reference_helpers):
    work = [(s, s.public_cases() + s.hidden_cases("ci")) for s in SPECS.values()]
    lang("en")
    english = evaluate_many(work, reference_helpers)
    lang("ja")
    japanese = evaluate_many(work, reference_helpers)
    assert [verdict_of(r) for r in english] == [verdict_of(r) for r in japanese]
    assert all(r.status == PASSED and r.score == r.points for r in japanese)
