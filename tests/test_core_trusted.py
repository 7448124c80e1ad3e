"""The trusted grade's arithmetic and texts, in process: combine, the check-cell text, the CSV.

``autograder.instructor.trusted`` joins an exercise's public run and hidden run into one result and
words it for the check cell and grades.csv. These tests build the two runs' results by hand
(no child process), so each rule is checked on its own and fast: the status of a mix of runs,
the score's sum and rounding, which run's outcome and hints are shown, the texts' plural and
hint lines, the CSV's extra columns and reading the hints back. Mutation testing
(``python -m benchmarks.mutation --only trusted``) runs this file first.
"""
from __future__ import annotations

import json

import pytest

from autograder.instructor import trusted
from autograder.learner import evaluate
from autograder.learner.compare import Tolerance
from autograder.learner.evaluate import BLOCKED, ERROR, FAILED, NOT_IMPLEMENTED, PASSED
from autograder.learner.registry import Spec
from autograder.learner.verdict import Outcome, render


def spec(points=2.0):
    return Spec("sprint9.thing", points, "things", "thing", "A thing", Tolerance())


def result(status, passed, total, *, hints=(), outcome=None, seconds=0.0, points=2.0):
    if outcome is None and status != PASSED:
        outcome = Outcome("value", case=1, of=total, where="return", detail="wrong value here")
    return evaluate.ExerciseResult(
        id="sprint9.thing", title="A thing", status=status, passed=passed, total=total,
        points=points, score=0.0, message=render(outcome), hints=list(hints), seconds=seconds,
        outcome=outcome)


# --------------------------------------------------------------------------- combine
@pytest.mark.parametrize("pub,hid,status", [
    ((PASSED, 3, 3), (PASSED, 12, 12), PASSED),
    ((PASSED, 3, 3), (FAILED, 11, 12), FAILED),
    ((FAILED, 2, 3), (PASSED, 12, 12), FAILED),
    ((NOT_IMPLEMENTED, 0, 3), (NOT_IMPLEMENTED, 0, 12), NOT_IMPLEMENTED),
    ((ERROR, 0, 3), (FAILED, 5, 12), ERROR),
    ((PASSED, 3, 3), (ERROR, 0, 12), ERROR),
    ((BLOCKED, 0, 3), (PASSED, 12, 12), BLOCKED),
    ((BLOCKED, 0, 3), (FAILED, 1, 12), FAILED),
    ((NOT_IMPLEMENTED, 0, 3), (FAILED, 4, 12), FAILED),
])
def test_combine_status_of_a_public_and_a_hidden_run(pub, hid, status):
    t = trusted.combine(spec(), result(*pub), result(*hid), 3, 12)
    assert t.result.status == status, (
        f"combine: public {pub[0]} + hidden {hid[0]} must be {status}, got {t.result.status}")
    assert (t.n_public, t.n_hidden) == (3, 12), "combine keeps the case counts it was given"


@pytest.mark.parametrize("passed,total,points,score", [
    (15, 15, 2.0, 2.0), (14, 15, 2.0, 1.87), (1, 3, 1.0, 0.33), (2, 3, 1.0, 0.67),
    (0, 15, 3.0, 0.0), (7, 15, 1.0, 0.47)])
def test_combine_scores_points_times_the_share_of_all_cases_rounded_to_cents(
        passed, total, points, score):
    pub_passed = min(passed, 3)
    pub = result(PASSED if pub_passed == 3 else FAILED, pub_passed, 3, points=points)
    hid = result(PASSED if passed - pub_passed == total - 3 else FAILED, passed - pub_passed,
                 total - 3, points=points)
    t = trusted.combine(spec(points), pub, hid, 3, total - 3)
    assert (t.result.passed, t.result.total) == (passed, total), \
        "combine: the cases passed and in all are the sums of both runs"
    assert t.result.score == score, (
        f"combine: {passed} of {total} cases at {points} points must score {score} "
        f"(points × share, rounded to cents), got {t.result.score}")
    assert t.result.points == points


def test_combine_with_a_run_missing_and_with_no_cases_at_all():
    only_public = trusted.combine(spec(), result(PASSED, 3, 3), None, 3, 0)
    assert only_public.result.status == PASSED and only_public.result.score == 2.0, \
        "combine: a public run alone that passes is full marks"
    only_hidden = trusted.combine(spec(), None, result(FAILED, 6, 12), 0, 12)
    assert only_hidden.result.status == FAILED and only_hidden.result.score == 1.0
    nothing = trusted.combine(spec(), None, None, 0, 0)
    assert nothing.result.score == 0.0 and nothing.result.total == 0, \
        "combine: no cases at all scores nothing (and does not divide by zero)"
    assert nothing.result.status != PASSED, "combine: no case passed is not a pass"


def test_combine_shows_the_public_failure_first_with_its_own_hints_and_adds_the_time():
    pub_outcome = Outcome("shape", case=2, of=3, where="return", detail="public shape problem")
    hid_outcome = Outcome("value", case=4, of=12, hidden=True, where="return")
    pub = result(FAILED, 2, 3, outcome=pub_outcome, hints=["public hint"], seconds=0.25)
    hid = result(FAILED, 3, 12, outcome=hid_outcome, hints=["hidden hint"], seconds=0.5)
    t = trusted.combine(spec(), pub, hid, 3, 12).result
    assert t.outcome == pub_outcome, "combine: a failing public run's outcome is the one shown"
    assert t.hints == ["public hint"], "combine: the hints are those of the run shown"
    assert t.message == render(pub_outcome, graded=True), \
        "combine: the message is render(outcome, graded=True)"
    assert "public case 2 of 3" in t.message
    assert t.seconds == 0.75, "combine: the time is the sum of both runs"
    t2 = trusted.combine(spec(), result(PASSED, 3, 3, hints=["never"]), hid, 3, 12).result
    assert t2.outcome == hid_outcome and t2.hints == ["hidden hint"], \
        "combine: when the public run passes, the hidden run's outcome and hints are shown"
    t3 = trusted.combine(spec(), result(PASSED, 3, 3), result(PASSED, 12, 12), 3, 12).result
    assert t3.outcome is None and t3.hints == [] and t3.message == "", \
        "combine: a pass shows no outcome, no hint, no message"


def test_combine_copies_the_hints_it_shows():
    pub = result(FAILED, 0, 3, hints=["h"])
    t = trusted.combine(spec(), pub, None, 3, 0).result
    t.hints.append("later")
    assert pub.hints == ["h"], "combine: the combined hints are a new list, not the run's own"


# --------------------------------------------------------------------------- texts
def test_trusted_text_names_score_points_and_cases_and_lists_message_and_hints():
    t = trusted.combine(spec(1.0), result(FAILED, 2, 3, hints=["check the axis"], points=1.0),
                        result(PASSED, 12, 12, points=1.0), 3, 12)
    text = trusted.trusted_text(t)
    assert text.endswith("\n")
    first, second, *rest = text.splitlines()
    assert "✘ FAIL" in first and "sprint9.thing" in first and "A thing" in first
    assert "0.93 of 1 point," in second, f"trusted_text: '1 point' is singular: {second!r}"
    assert "14 of 15 cases passed (3 public, 12 hidden)" in second
    assert rest == [f"    {line}" for line in t.result.message.splitlines()] + \
        ["    Hint: check the axis"], "trusted_text: the message, then one Hint: line per hint"
    full = trusted.combine(spec(2.0), result(PASSED, 3, 3), result(PASSED, 12, 12), 3, 12)
    text = trusted.trusted_text(full)
    assert "2 of 2 points," in text, "trusted_text: more than one point is plural"
    assert len(text.splitlines()) == 2, "trusted_text: a pass has no message or hint lines"


def test_hidden_message_renders_the_outcome_or_caps_an_old_message():
    o = Outcome("value", case=3, of=12, hidden=True, where="return")
    assert trusted.hidden_message(result(FAILED, 0, 12, outcome=o)) == render(o, graded=True)
    old = evaluate.ExerciseResult("a.b", "t", FAILED, 0, 1, 1.0, 0.0, message="x" * 1000)
    text = trusted.hidden_message(old)
    assert len(text) == 300 and text.endswith("…"), \
        "hidden_message: a result without outcome shows its message cut to 300 characters"


def test_csv_message_is_the_message_then_one_hint_line_each():
    r = result(FAILED, 0, 3, hints=["one", "two"])
    assert trusted.csv_message(r) == f"{r.message}\nHint: one\nHint: two"
    r.message = ""
    assert trusted.csv_message(r) == "Hint: one\nHint: two", \
        "csv_message: no empty first line when there is no message"


def test_csv_extra_columns_and_hints_read_back():
    o = Outcome("dtype", case=5, of=12, hidden=True, where="return")
    r = result(FAILED, 4, 12, outcome=o, hints=["é hint"])
    kind, case, hidden, hints = trusted.csv_extra(r)
    assert (kind, case, hidden) == ("dtype", "5", "yes")
    assert json.loads(hints) == ["é hint"] and "é" in hints, "csv_extra: hints as JSON, UTF-8"
    row = dict(zip(trusted.CSV_EXTRA_COLUMNS, trusted.csv_extra(r)))
    assert trusted.hints_from_row(row) == ["é hint"]
    public = result(FAILED, 0, 3, outcome=Outcome("value", case=1, of=3))
    assert trusted.csv_extra(public)[:3] == ["value", "1", "no"]
    whole_run = result(ERROR, 0, 3, outcome=Outcome("timeout"))
    assert trusted.csv_extra(whole_run)[:3] == ["timeout", "", "no"], \
        "csv_extra: an outcome of the whole run (case 0) has an empty case column"
    passed = result(PASSED, 3, 3)
    assert trusted.csv_extra(passed) == ["", "", "", "[]"]


@pytest.mark.parametrize("raw,hints", [
    (None, None), ("", []), ("[]", []), ('["a", 3, "b"]', ["a", "b"]), ("not json", []),
    ('{"a": 1}', []), ('"text"', [])])
def test_hints_from_row_reads_only_a_json_list_of_strings(raw, hints):
    row = {} if raw is None else {"hints": raw}
    assert trusted.hints_from_row(row) == hints


# --------------------------------------------------------------------------- helpers
@pytest.mark.parametrize("text,line", [
    ("", ""), (None, ""), ("   \n  ", ""), ("  first\nsecond", "first"),
    ("x" * 300, "x" * 300), ("y" * 301, "y" * 299 + "…")])
def test_first_line_is_stripped_and_cut_to_its_limit(text, line):
    assert trusted._first_line(text) == line


def test_learner_sources_are_regular_small_python_files_only(tmp_path):
    (tmp_path / "layers.py").write_text("x = 1\n")
    (tmp_path / "notes.txt").write_text("not python")
    (tmp_path / "big.py").write_bytes(b"#" * 2_000_001)
    (tmp_path / "edge.py").write_bytes(b"#" * 2_000_000)
    (tmp_path / "link.py").symlink_to(tmp_path / "layers.py")
    (tmp_path / "folder.py").mkdir()
    got = trusted._learner_sources(tmp_path)
    assert got == {"edge": b"#" * 2_000_000, "layers": b"x = 1\n"}, \
        "_learner_sources: regular .py files up to 2 MB, no symlink, no folder"


def test_an_exercise_without_registry_entry_has_no_overlay(tmp_path):
    assert trusted.overlay_of(spec(), tmp_path) == {}


def test_hidden_message_words_a_public_failure_as_a_public_case():
    o = Outcome("value", case=1, of=3, where="return", detail="return: wrong value")
    assert trusted.hidden_message(result(FAILED, 2, 3, outcome=o)) == \
        "public case 1 of 3: return: wrong value", \
        "hidden_message renders with graded=True: 'public case'"


def test_grade_exercises_runs_public_and_hidden_apart_grouped_by_overlay(monkeypatch, tmp_path):
    calls = []

    def fake_evaluate_many(work, helpers_dir, *, timeout=None, overlay=None):
        calls.append(([s.id for s, _ in work], [len(c) for _, c in work], timeout, overlay))
        return [result(PASSED, len(c), len(c)) for _, c in work]

    overlays = {"a.one": {"layers": b"x"}, "a.two": {"layers": b"x"}, "a.three": {}}
    monkeypatch.setattr(trusted, "evaluate_many", fake_evaluate_many)
    monkeypatch.setattr(trusted, "overlay_of", lambda s, h: overlays[s.id])
    specs = [Spec(i, 1.0, "m", "f", "t", Tolerance()) for i in overlays]
    prepared = [(specs[0], [1, 2, 3], [1] * 12), (specs[1], [1], []), (specs[2], [1, 2], [1])]
    got = trusted.grade_exercises(prepared, tmp_path, timeout=7)
    assert sorted(calls, key=str) == sorted([
        (["a.one", "a.two"], [3, 1], 7, {"layers": b"x"}),   # public, with the overlay
        (["a.one"], [12], 7, {"layers": b"x"}),              # hidden apart; a.two has none
        (["a.three"], [2], 7, None),                         # no overlay: None, not {}
        (["a.three"], [1], 7, None)], key=str), calls
    assert [(t.n_public, t.n_hidden, t.result.total) for t in got] == \
        [(3, 12, 15), (1, 0, 1), (2, 1, 3)], "one Trusted per exercise, in order"


def test_grade_exercises_starts_no_child_for_a_set_without_cases(monkeypatch, tmp_path):
    calls = []

    def fake_evaluate_many(work, helpers_dir, *, timeout=None, overlay=None):
        calls.append([len(c) for _, c in work])
        return [result(PASSED, len(c), len(c)) for _, c in work]

    monkeypatch.setattr(trusted, "evaluate_many", fake_evaluate_many)
    monkeypatch.setattr(trusted, "overlay_of", lambda s, h: {})
    [t] = trusted.grade_exercises([(spec(), [1, 2], [])], tmp_path)
    assert calls == [[2]], f"grade_exercises: only the public set has cases to run, got {calls}"
    assert (t.n_public, t.n_hidden, t.result.total, t.result.status) == (2, 0, 2, PASSED)


def test_combine_every_case_passed_is_a_pass_whatever_a_run_without_cases_says():
    crashed_empty = result(ERROR, 0, 0, outcome=Outcome("crashed"))
    t = trusted.combine(spec(), result(PASSED, 3, 3), crashed_empty, 3, 0)
    assert (t.result.status, t.result.score) == (PASSED, 2.0), \
        "combine: the status follows the cases (3 of 3 passed), not the status of a run with none"


# --------------------------------------------------------------------------- staged reveal
def hidden_case(expected, label="", **inputs):
    from autograder.learner.registry import Prepared

    return Prepared({"args": [], "kwargs": {}, "label": label, **inputs}, expected, [], True,
                    None)


def test_a_revealed_case_shows_its_inputs_keywords_steps_and_expected_output():
    import numpy as np

    from autograder.learner.registry import RAISES

    case = hidden_case({"return": 4.0}, label="two", args=[np.array([1.0, 2.0])],
                       kwargs={"k": 3}, steps=[["fit", [np.array([5.0])], {}]])
    assert trusted.revealed_text(case) == (
        "After the deadline, this hidden case is revealed: two: inputs ([1., 2.], k=3), "
        "then fit([5.])\nExpected: return: 4.0")
    raising = hidden_case({RAISES: "ValueError"})
    assert trusted.revealed_text(raising) == (
        "After the deadline, this hidden case is revealed: no inputs\nExpected: raises ValueError")


def test_a_revealed_value_is_an_array_with_its_shape_past_six_values_and_capped():
    import numpy as np

    assert trusted._describe_value(np.arange(6)) == "[0, 1, 2, 3, 4, 5]"
    assert trusted._describe_value(np.arange(7)) == "array(7,) [0, 1, 2, 3, 4, 5, 6]"
    assert trusted._describe_value(np.arange(25)) == "array(25,) [ 0, 1, 2, ..., 22, 23, 24]", \
        "_describe_value: more than 24 values are summarised"
    assert trusted._describe_value(np.array([1 / 3])) == "[0.333333]", "six decimals"
    long = trusted._describe_value("x" * 1000)
    assert len(long) == 600 and long.endswith("…"), "_describe_value: capped at 600 characters"


def test_reveal_adds_the_failing_hidden_case_only_when_its_number_is_one_of_them():
    cases = [hidden_case({"return": 1.0}, label="one"), hidden_case({"return": 2.0}, label="two")]
    for number in (1, 2):
        r = result(FAILED, 0, 2, outcome=Outcome("value", case=number, of=2, hidden=True))
        before = r.message
        trusted.reveal(r, cases)
        assert r.message == f"{before}\n{trusted.revealed_text(cases[number - 1])}", \
            f"reveal: hidden case {number} of 2 is shown"
    for outcome in (None, Outcome("value", case=1, of=2), Outcome("crashed", hidden=True),
                    Outcome("value", case=3, of=3, hidden=True)):
        r = result(FAILED, 0, 2, outcome=outcome) if outcome else result(PASSED, 2, 2)
        before = r.message
        trusted.reveal(r, cases)
        assert r.message == before, f"reveal: nothing to reveal for {outcome}"


def test_grade_exercises_reveals_a_failing_hidden_case_of_revealed_cases_only(monkeypatch,
                                                                             tmp_path):
    failing = Outcome("value", case=1, of=1, hidden=True)
    monkeypatch.setattr(trusted, "evaluate_many", lambda work, h, **kw: [
        result(FAILED, 0, len(c), outcome=failing) for _, c in work])
    monkeypatch.setattr(trusted, "overlay_of", lambda s, h: {})
    cases = [hidden_case({"return": 1.0}, label="secret one")]
    [shown] = trusted.grade_exercises([(spec(), [], trusted.RevealedCases(cases))], tmp_path)
    assert "secret one" in shown.result.message, "grade_exercises: RevealedCases are revealed"
    [kept] = trusted.grade_exercises([(spec(), [], list(cases))], tmp_path)
    assert "secret one" not in kept.result.message, "grade_exercises: a plain list never is"


def test_prepare_sprint_copies_the_public_cases_and_marks_revealed_ones(monkeypatch):
    s = Spec("sprint9.thing", 1.0, "things", "thing", "A thing", Tolerance(),
             stored_public=["p"])
    monkeypatch.setattr(Spec, "hidden_cases", lambda self, salt="": [f"h-{salt}"])
    [(got, public, hidden)] = trusted.prepare_sprint([s], "salt")
    assert got is s and public == ["p"] and public is not s.stored_public, \
        "prepare_sprint: the public cases are a copy (a caller may change its list)"
    assert hidden == ["h-salt"] and not isinstance(hidden, trusted.RevealedCases), \
        "prepare_sprint: hidden cases are not revealed by default"
    [(_, _, revealed)] = trusted.prepare_sprint([s], "salt", revealed=True)
    assert isinstance(revealed, trusted.RevealedCases)


def test_for_student_gives_each_exercise_the_student_s_own_hidden_cases(monkeypatch):
    monkeypatch.setattr(Spec, "hidden_cases", lambda self, salt="": [f"h-{salt}"])
    s = spec()
    mine = [f"h-{trusted.student_salt('salt', 'ana')}"]
    out = trusted.for_student([(s, ["p"], ["old"]), (s, ["p"], trusted.RevealedCases(["old"]))],
                              "salt", "ana")
    assert out == [(s, ["p"], mine), (s, ["p"], mine)], f"for_student: one per exercise, got {out}"
    assert [isinstance(h, trusted.RevealedCases) for _, _, h in out] == [False, True]


def test_combine_keeps_the_fingerprints_of_both_runs_public_first():
    pub, hid = result(PASSED, 1, 1), result(FAILED, 0, 1)
    pub.fingerprints, hid.fingerprints = ["a:1"], ["b:2"]
    assert trusted.combine(spec(), pub, hid, 1, 1).result.fingerprints == ["a:1", "b:2"]
