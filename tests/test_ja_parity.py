"""Pass/fail parity of the two editions: every exercise passes and fails exactly the same in
Japanese and in English.

The learner's code runs in a child that sees no locale (``sandbox`` gives it ``PATH`` and
``HOME`` only), so a language can only change a verdict where the check *scores* and *shows*
that run. Each known mistake of the registry (planted in a copy of the reference, as
``tests/test_exercises.py`` does) is run once on the public cases (the learner's check) and on
the public and hidden cases (the grader), and each run is scored in English and in Japanese:
the same status, cases passed, points, failing case and hints — only the words differ, and
the Japanese words are Japanese. The untouched stubs, English and Japanese (a release
``--lang ja`` says ``まだ実装されていません``), get the same verdicts in both languages too.
"""
from __future__ import annotations

import re

import pytest

from autograder.authoring import stubs
from autograder.learner import sandbox
from autograder.learner.check import CheckReport
from autograder.learner.evaluate import PASSED, evaluate_many, score
from autograder.learner.i18n import pgettext
from autograder.learner.registry import live_exercises, load_exercises

from .conftest import make_helpers, plant_mistake
from .support import JAPANESE

EXERCISES = {e.id: e for e in live_exercises()}
SPECS = {s.id: s for s in load_exercises()}
SPRINTS = sorted({s.sprint for s in SPECS.values()}, key=lambda s: int(s[6:]))
LATIN_WORD = re.compile(r"\b(?:the|is|are|was|expected|got|case|should|your|argument|step)\b")


def _verdict(r) -> tuple:
    """What decides a learner's grade and what the check points at: no words."""
    o = r.outcome
    return (r.status, r.passed, r.total, r.score,
            (o.kind, o.case, o.of, o.hidden, o.where, o.exception, o.blocked_by) if o else None,
            list(r.hints))


def _both(lang, spec, cases, run):
    lang("en")
    english = score(spec, cases, run)
    lang("ja")
    japanese = score(spec, cases, run)
    shown = CheckReport([japanese]).render()
    japanese_hints = [pgettext(spec.id, h) for h in english.hints]
    lang("en")
    return english, japanese, shown, japanese_hints


def _runs(spec, pkg):
    """One child: the public cases, then the public and hidden ones (the grader's)."""
    public, graded = spec.public_cases(), spec.public_cases() + spec.hidden_cases("ci")
    jobs = [sandbox.Job(spec.module, spec.name, [p.case.call() for p in cases],
                        sandbox.DEFAULT_TIMEOUT) for cases in (public, graded)]
    return zip((public, graded), sandbox.run_jobs(pkg, jobs))


def _assert_same(spec, english, japanese, shown, japanese_hints, what):
    assert _verdict(english) == _verdict(japanese), (what, english.message, japanese.message)
    if english.message:
        # the Japanese check shows its verdict in Japanese, not the English words
        assert JAPANESE.search(japanese.message), (what, japanese.message)
        assert not LATIN_WORD.search(japanese.message.replace(spec.name, "")), \
            (what, japanese.message)
    for h, japanese_hint in zip(english.hints, japanese_hints):
        # a hint is data (its English, the same in both); the check shows its translation
        assert JAPANESE.search(japanese_hint), (what, h)
        assert " ".join(japanese_hint.split()) in " ".join(shown.split()), (what, shown)


@pytest.mark.slow
@pytest.mark.parametrize("sprint", SPRINTS)
def test_every_known_mistake_gets_the_same_verdict_and_score_in_both_languages(
        sprint, lang, tmp_path):
    checked = 0
    for ex in (e for e in EXERCISES.values() if e.sprint == sprint):
        spec = SPECS[ex.id]
        for index, mistake in enumerate(ex.mistakes):
            pkg = make_helpers(tmp_path / f"{ex.id}-{index}")
            plant_mistake(pkg, ex.module, ex.name, mistake.implementation)
            for cases, run in _runs(spec, pkg):
                english, japanese, shown, japanese_hints = _both(lang, spec, cases, run)
                what = f"{ex.id} mistake {index} on {len(cases)} cases"
                assert english.status != PASSED, what
                _assert_same(spec, english, japanese, shown, japanese_hints, what)
                checked += 1
    assert checked >= 2 * sum(len(e.mistakes) for e in EXERCISES.values()
                              if e.sprint == sprint)


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
        assert _verdict(e) == _verdict(j), spec.id
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
    assert [_verdict(r) for r in english] == [_verdict(r) for r in japanese]
    assert all(r.status == PASSED and r.score == r.points for r in japanese)
