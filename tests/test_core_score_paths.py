"""evaluate.score on the paths the other checker-core tests do not take, in process.

A documented raise (passed, not raised, the wrong exception), a case blocked by an earlier
sprint's stub, an input returned where a new array is promised, a child's result of the wrong
form or a missing one, each kind of crash, a sealed run, the result read back from its row,
and the tolerance a case gets (integer inputs, per-output kinds). Each test builds the child's
results by hand, so it runs in milliseconds; mutation testing (``python -m benchmarks.mutation
--only evaluate``) runs this file first.
"""
from __future__ import annotations

import numpy as np
import pytest

from autograder.learner import evaluate
from autograder.learner.compare import Tolerance
from autograder.learner.evaluate import ExerciseResult, _case_tol, score
from autograder.learner.fingerprint import PASSED as SAME
from autograder.learner.fingerprint import answer_digest, case_print
from autograder.learner.registry import RAISES, MistakeOutputs, Prepared, Spec
from autograder.learner.sandbox import RunResult
from autograder.learner.verdict import Outcome


def spec(points=1.0, tol=None, id="sprint9.f", module="mod", name="f"):
    return Spec(id, points, module, name, "Problem: f", tol or Tolerance())


def prep(expected, *, hidden=False, mistakes=(), label="x=1", batch=None, **case):
    return Prepared({"args": [], "kwargs": {}, "label": label, **case}, expected,
                    [MistakeOutputs(**m) for m in mistakes], hidden, batch)


def ok(mutated=(), aliased=None, **outputs):
    r = {"status": "ok", "outputs": outputs, "mutated": list(mutated)}
    if aliased is not None:
        r["aliased"] = aliased
    return r


def error(kind="ValueError", bases=None, message="bad input"):
    return {"status": "error", "error_type": kind, "message": message,
            "error_bases": [kind, "Exception", "BaseException"] if bases is None else bases}


# --------------------------------------------------------------------------- raises
def test_a_documented_raise_passes_by_the_exception_or_a_subclass():
    case = prep({RAISES: "ValueError"})
    r = score(spec(), [case], RunResult([error()]))
    assert (r.status, r.passed) == (evaluate.PASSED, 1), \
        "score: raising the documented error passes"
    sub = error("MyError", ["MyError", "ValueError", "Exception"])
    assert score(spec(), [case], RunResult([sub])).status == evaluate.PASSED, \
        "score: a subclass of the documented exception passes (error_bases)"


@pytest.mark.parametrize("res", [error("TypeError"), error("ValueError", bases="ValueError"),
                                 error("ValueError", bases=[])])
def test_a_documented_raise_fails_on_another_exception_naming_both(res):
    r = score(spec(), [prep({RAISES: "ValueError"}, label="n=-1")], RunResult([res]))
    assert (r.status, r.passed) == (evaluate.FAILED, 0), \
        "score: an exception that is not the documented one (by error_bases) fails"
    assert r.outcome.kind == "error"
    assert r.message.startswith("case 1 of 1 (n=-1): expected ValueError (the docstring's "
                                "Raises), got bad input"), r.message


def test_returning_where_a_raise_is_documented_fails_as_no_raise():
    r = score(spec(), [prep({RAISES: "ValueError"}, label="n=-1"), prep({"return": 1.0})],
              RunResult([ok(**{"return": 3.0}), ok(**{"return": 1.0})]))
    assert (r.status, r.passed) == (evaluate.FAILED, 1)
    assert r.outcome.kind == "no_raise" and r.outcome.case == 1
    assert "expected ValueError (the docstring's Raises), but the call returned" in r.message
    hidden = score(spec(), [prep({RAISES: "ValueError"}, hidden=True)],
                   RunResult([ok(**{"return": 3.0})]))
    assert hidden.outcome.kind == "no_raise" and hidden.outcome.detail == "", \
        "score: a hidden case keeps no detail"


def test_an_error_without_a_documented_raise_is_an_ordinary_failure():
    r = score(spec(), [prep({"return": 1.0}, label="z")], RunResult([error()]))
    assert r.status == evaluate.FAILED and r.message == "case 1 of 1 (z): bad input"


# --------------------------------------------------------------------------- blocked
def blocked(qualname="Affine.forward", module="layers"):
    return {"status": "not_implemented", "message": "stub", "raised_in": module,
            "raised_by": qualname}


def test_a_stub_of_an_earlier_sprint_blocks_and_names_the_exercise():
    s = spec(id="sprint5.fit", module="classifier", name="ScratchNeuralNetClassifier")
    r = score(s, [prep({"return": 1.0})] * 2, RunResult([blocked()] * 2))
    assert r.status == evaluate.BLOCKED and r.score == 0.0
    assert r.outcome.blocked_by == "sprint4.affine", r.outcome
    assert r.message == "blocked: needs sprint4.affine (not implemented yet)"
    mixed = score(s, [prep({"return": 1.0}), prep({"return": 1.0}, label="b")],
                  RunResult([ok(**{"return": 1.0}), blocked()]))
    assert (mixed.status, mixed.passed) == (evaluate.FAILED, 1)
    assert (mixed.outcome.kind, mixed.outcome.case, mixed.outcome.blocked_by) == \
        ("blocked", 2, "sprint4.affine"), "score: a blocked case among passing ones is named"


def test_a_stub_of_the_same_module_is_not_implemented_not_blocked():
    s = spec(id="sprint4.affine", module="layers", name="Affine")
    r = score(s, [prep({"return": 1.0})], RunResult([blocked()]))
    assert r.status == evaluate.NOT_IMPLEMENTED and r.message == "stub"


# --------------------------------------------------------------------------- new arrays
def test_returning_an_input_fails_only_for_an_output_promised_new():
    fresh = prep({"return": 1.0, "forward() [step 1]": 2.0}, fresh=["forward()"])
    bad = score(spec(), [fresh], RunResult([ok(aliased=["forward() [step 1]"], **{
        "return": 1.0, "forward() [step 1]": 2.0})]))
    assert bad.status == evaluate.FAILED and bad.outcome.kind == "aliased", \
        "score: forward() [step 1] is forward(), promised new: returning its input fails"
    assert "forward() [step 1] is the input array itself" in bad.message
    fine = score(spec(), [fresh], RunResult([ok(aliased=["return"], **{
        "return": 1.0, "forward() [step 1]": 2.0})]))
    assert fine.status == evaluate.PASSED, "score: an output not promised new may be the input"
    none = score(spec(), [prep({"return": 1.0})], RunResult([ok(aliased=["return"],
                                                                 **{"return": 1.0})]))
    assert none.status == evaluate.PASSED, "score: without `fresh`, returning an input passes"


def test_a_wrong_value_is_reported_before_an_in_place_change_or_an_alias():
    case = prep({"return": 1.0}, fresh=["return"])
    r = score(spec(), [case], RunResult([ok(mutated=["argument 1"], aliased=["return"],
                                            **{"return": 2.0})]))
    assert r.outcome.kind == "value"
    r = score(spec(), [case], RunResult([ok(mutated=["argument 1"], aliased=["return"],
                                            **{"return": 1.0})]))
    assert r.outcome.kind == "mutated", "score: an in-place change is named before an alias"


def test_the_names_of_modified_inputs_are_listed_up_to_ten():
    names = [f"argument {i}" for i in range(1, 13)]
    r = score(spec(), [prep({"return": 1.0})], RunResult([ok(mutated=names, **{"return": 1.0})]))
    assert "argument 10 was modified" in r.message and "argument 11" not in r.message


# --------------------------------------------------------------------------- the child's form
@pytest.mark.parametrize("bad", [
    "ok", None, {"status": "fine"}, {"status": "ok", "outputs": [1.0]},
    {"status": "ok", "outputs": {"return": 1.0}, "mutated": "argument 1"},
    {"status": "ok", "outputs": {"return": 1.0}, "mutated": [], "aliased": "return"}])
def test_a_result_of_the_wrong_form_is_unreadable(bad):
    r = score(spec(), [prep({"return": 1.0})], RunResult([bad]))
    assert (r.status, r.passed) == (evaluate.FAILED, 0) and r.outcome.kind == "unreadable", \
        f"score: a child's result {bad!r} is not trusted"


def test_missing_results_are_unreadable_and_extra_ones_ignored():
    cases = [prep({"return": 1.0}, label="a"), prep({"return": 1.0}, label="b")]
    r = score(spec(), cases, RunResult([ok(**{"return": 1.0})]))
    assert (r.status, r.passed, r.total) == (evaluate.FAILED, 1, 2), \
        "score: a case the child gave no result for fails"
    assert (r.outcome.kind, r.outcome.case) == ("unreadable", 2)
    r = score(spec(), cases[:1], RunResult([ok(**{"return": 1.0}), ok(**{"return": 5.0})]))
    assert (r.status, r.passed, r.total) == (evaluate.PASSED, 1, 1), \
        "score: results beyond the cases are not counted"


@pytest.mark.parametrize("kind,shown", [("timeout", "timeout"), ("unreadable", "unreadable"),
                                        ("crashed", "crashed"), ("", "crashed"),
                                        ("other", "crashed")])
def test_each_kind_of_crash(kind, shown):
    r = score(spec(), [prep({"return": 1.0})], RunResult(crashed="it ended", crash_kind=kind))
    assert (r.status, r.outcome.kind) == (evaluate.ERROR, shown)
    assert r.outcome.detail == "it ended"
    hidden = score(spec(), [prep({"return": 1.0}, hidden=True)],
                   RunResult(crashed="it ended 0.25", crash_kind=kind))
    assert hidden.outcome.detail == "" and "0.25" not in hidden.message, \
        "score: a crash of a run with hidden cases keeps no detail"


def test_a_hidden_not_implemented_or_import_error_keeps_no_detail():
    r = score(spec(), [prep({"return": 1.0}, hidden=True)],
              RunResult([{"status": "not_implemented", "message": "secret 0.5"}]))
    assert r.status == evaluate.NOT_IMPLEMENTED and r.outcome.detail == "" and r.outcome.hidden
    r = score(spec(), [prep({"return": 1.0}, hidden=True)],
              RunResult([{"status": "import_error", "message": "secret 0.5"}]))
    assert r.status == evaluate.ERROR and r.outcome.detail == "" and r.outcome.hidden


def test_import_error_is_named_by_the_first_case_and_a_sealed_missing_still_names_it():
    cases = [prep({"return": 1.0}), prep({"return": 1.0})]
    r = score(spec(), cases, RunResult([{"status": "missing"}, {"status": "import_error"}]))
    assert r.status == evaluate.ERROR and r.outcome.kind == "missing", \
        "score: the first case's problem is the one named"
    sealed = score(spec(), cases[:1], RunResult([{"status": "missing"}]), sealed=True)
    assert sealed.outcome.sealed and sealed.message == "helpers/mod.py has no `f`", \
        "score: a missing name is the grader's own words, shown even in a sealed run"
    sealed = score(spec(), cases[:1], RunResult([{"status": "import_error", "message": "oops"}]),
                   sealed=True)
    assert "oops" not in sealed.message, "score: a sealed run shows no learner text"


def test_a_mistake_hint_counts_only_the_cases_that_ran():
    mistake = {"hint": "Off by one.", "outputs": {"return": 2.0}}
    cases = [prep({"return": 1.0}, mistakes=[mistake]), prep({"return": 1.0}, mistakes=[mistake])]
    r = score(spec(), cases, RunResult([ok(**{"return": 2.0}), error()]))
    assert r.hints == ["Off by one."]


# --------------------------------------------------------------------------- the row
def test_a_result_reads_back_from_its_row():
    o = Outcome("value", case=2, of=3, where="return", detail="d")
    r = ExerciseResult("sprint9.f", "t", evaluate.FAILED, 2, 3, 1.0, 0.67, message="m", hints=["h"],
                       seconds=1.5, outcome=o)
    row = dict(r.as_row(), title="t", seconds=1.5)
    assert ExerciseResult.from_row(row) == r
    bare = ExerciseResult.from_row({"id": "a.b", "status": evaluate.PASSED, "passed": 1, "total": 1,
                                    "points": 1.0, "score": 1.0})
    assert (bare.title, bare.message, bare.hints, bare.seconds, bare.outcome) == \
        ("", "", [], 0.0, None), "from_row: the documented defaults"
    assert bare.ok and not ExerciseResult.from_row(row).ok


# --------------------------------------------------------------------------- tolerance
def test_integer_inputs_allow_floats_for_integers_unless_a_kind_is_declared():
    s = spec()
    ints = np.array([1, 2])
    for case in ({"args": [ints]}, {"kwargs": {"x": [ints]}},
                 {"steps": [["fit", [ints], {}]]}, {"args": [{"k": (1.0, ints)}]}):
        assert _case_tol(s, case).float_for_int, f"_case_tol: integer array in {case}"
    for case in ({"args": [np.array([1.0])]}, {"args": [3]}, {"steps": []}, {}):
        assert not _case_tol(s, case).float_for_int, f"_case_tol: no integer array in {case}"
    assert not _case_tol(spec(tol=Tolerance(dtype="int")), {"args": [ints]}).float_for_int
    labels = spec(tol=Tolerance(output_dtypes=(("predict()", "int"),)))
    assert _case_tol(labels, {}, "predict() [step 2]").dtype == "int"
    assert _case_tol(labels, {"args": [ints]}, "predict() [step 2]").float_for_int is False
    assert _case_tol(labels, {}, "fit() [step 1]").dtype is None


def test_float_labels_fail_per_output_while_other_outputs_stay_free():
    tol = Tolerance(output_dtypes=(("predict()", "int"),))
    case = prep({"predict() [step 2]": np.array([0, 1]), "proba() [step 3]": np.array([0.0, 1.0])})
    r = score(spec(tol=tol), [case], RunResult([ok(**{"predict() [step 2]": np.array([0.0, 1.0]),
                                                      "proba() [step 3]": np.array([0, 1])})]))
    assert r.status == evaluate.FAILED and r.outcome.kind == "dtype" and \
        r.outcome.where == "predict() [step 2]"


# --------------------------------------------------------------------------- choices and caps
def test_of_mistakes_with_the_same_output_the_most_consistent_hint_wins():
    def mistakes(*outs):
        return [{"hint": h, "outputs": {"return": o}} for h, o in zip("AB", outs)]

    def chosen(cases, outputs):
        return score(spec(), cases, RunResult([ok(**{"return": o}) for o in outputs])).hints

    # case 1: A and B both give the learner's 2.0; case 2: only B gives the learner's 5.0
    cases = [prep({"return": 1.0}, mistakes=mistakes(2.0, 2.0)),
             prep({"return": 1.0}, mistakes=mistakes(3.0, 5.0))]
    assert chosen(cases, [2.0, 5.0]) == ["B"], \
        "score: the mistake that explains more cases wins (+1 per case explained)"
    # case 2: A gives another output than the learner's (-1), B the right answer as the
    # learner does (0): B wins, although A is declared first
    cases = [prep({"return": 1.0}, mistakes=mistakes(2.0, 2.0)),
             prep({"return": 1.0}, mistakes=mistakes(3.0, 1.0))]
    assert chosen(cases, [2.0, 1.0]) == ["B"], \
        "score: a mistake that disagrees with the learner's output on a case loses a point"
    # case 2: A gives the right answer as the learner does (0, not +1), B disagrees (-1)
    cases = [prep({"return": 1.0}, mistakes=mistakes(2.0, 2.0)),
             prep({"return": 1.0}, mistakes=mistakes(1.0, 7.0)),
             prep({"return": 1.0}, mistakes=mistakes(4.0, 1.0))]
    # A: +1, 0, -1 = 0; B: +1, -1, 0 = 0
    assert chosen(cases, [2.0, 1.0, 1.0]) == ["A"], "score: on a tie the first declared wins"
    cases = [prep({"return": 1.0}, mistakes=mistakes(2.0, 2.0)),
             prep({"return": 1.0}, mistakes=mistakes(1.0, 7.0)),
             prep({"return": 1.0}, mistakes=mistakes(1.0, 1.0))]
    # A: +1, 0 (right like the learner), 0 = 1; B: +1, -1, 0 = 0
    assert chosen(cases, [2.0, 1.0, 1.0]) == ["A"]
    cases = [prep({"return": 1.0}, mistakes=mistakes(2.0, 2.0)),
             prep({"return": 1.0}, mistakes=mistakes(1.0, 1.0)),
             prep({"return": 1.0}, mistakes=mistakes(9.0, 1.0))]
    # A: +1, 0, -1 = 0; B: +1, 0, 0 = 1 (a right answer explains nothing: 0, never +1)
    assert chosen(cases, [2.0, 1.0, 1.0]) == ["B"], \
        "score: a mistake that gives the right answer where the learner does scores 0"


@pytest.mark.parametrize("field", ["mutated", "aliased"])
def test_the_list_of_input_names_is_cut_at_500_characters(field):
    names = [f"argument {i} " + "x" * 90 for i in range(1, 11)]
    case = prep({"return": 1.0}, fresh=["argument"] if field == "aliased" else [])
    case.case["fresh"] = [n.split(" [")[0] for n in names]
    res = ok(**{"return": 1.0}, mutated=names if field == "mutated" else [])
    if field == "aliased":
        res["aliased"] = names
    r = score(spec(), [case], RunResult([res]))
    listed = r.outcome.detail.split(" was modified" if field == "mutated" else " is the input")[0]
    listed = listed.removeprefix("the right answer, but ").removeprefix("the right values, but ")
    assert len(listed) == 500 and listed.endswith("…"), \
        f"score: the names of the inputs ({field}) are cut to 500 characters, got {len(listed)}"


def test_a_learner_message_is_kept_up_to_four_times_the_shown_limit():
    long = "y" * 20_000
    r = score(spec(), [prep({"return": 1.0})], RunResult([error(message=long)]))
    assert len(r.outcome.detail) == 8000 and r.outcome.detail.endswith("…"), \
        "score: a child's text is capped at 4 × MAX_DETAIL (8000) characters"
    assert len(r.message) <= 2000 + len("case 1 of 1 (x=1): ")


def test_a_sealed_run_still_says_a_documented_raise_did_not_happen():
    r = score(spec(), [prep({RAISES: "ValueError"})], RunResult([ok(**{"return": 3.0})]),
              sealed=True)
    assert "expected ValueError (the docstring's Raises), but the call returned" in r.message, \
        "score: the no-raise detail is the grader's words: shown in a sealed run too"


def test_a_sealed_run_shows_the_graders_numbers_but_no_returned_text():
    r = score(spec(), [prep({"return": 1.0}, label="a")], RunResult([ok(**{"return": 5.0})]),
              sealed=True)
    assert r.message == "case 1 of 1 (a): return: wrong value: expected 1, got 5", \
        "score: a value mismatch is the grader's words: shown in a sealed run"
    r = score(spec(), [prep({"return": "relu"}, label="a")],
              RunResult([ok(**{"return": "secret text"})]), sealed=True)
    assert "secret" not in r.message and r.outcome.kind == "value", \
        "score: a returned string is learner text: never shown in a sealed run"
    r = score(spec(), [prep({"return": "relu"}, label="a")],
              RunResult([ok(**{"return": "other"})]))
    assert "'other'" in r.message, "score: a public run shows the returned string"


def test_numeric_hints_are_kept_from_hidden_cases_and_others_are_not():
    e = np.array([1.0, 2.0, -3.0])
    for factor, what in ((4.0, "batch size"), (0.25, "batch size"), (3.0, "times 3")):
        got = RunResult([ok(**{"return": e * factor})])
        pub = score(spec(), [prep({"return": e}, label="a", batch=4)], got)
        hid = score(spec(), [prep({"return": e}, hidden=True, batch=4)], got)
        assert len(pub.hints) == 1 and what in pub.hints[0] and not hid.hints, \
            f"score: a factor hint ({factor}) quotes a number of the case: never for a hidden case"
    hid = score(spec(), [prep({"return": e}, hidden=True)], RunResult([ok(**{"return": -e})]))
    assert hid.hints == ["Your answer is the expected one with the sign flipped."], \
        "score: the sign hint quotes no number: kept for a hidden case"


def test_a_crash_of_a_sealed_run_is_sealed():
    r = score(spec(), [prep({"return": 1.0})],
              RunResult(crashed="printed 0.123", crash_kind="crashed"), sealed=True)
    assert r.outcome.sealed and "0.123" not in r.message, \
        "score: what a sealed run's crash left (learner output) is never shown"


def test_a_result_that_is_not_ok_never_counts_for_a_mistake_even_with_outputs():
    mistakes = [{"hint": h, "outputs": {"return": o}} for h, o in (("A", 2.0), ("B", 2.0))]
    later = [{"hint": "A", "outputs": {"return": 3.0}}, {"hint": "B", "outputs": {"return": 5.0}}]
    cases = [prep({"return": 1.0}, mistakes=mistakes), prep({"return": 1.0}, mistakes=later)]
    odd = dict(error(), outputs={"return": 5.0})   # an error that also sent outputs
    r = score(spec(), cases, RunResult([ok(**{"return": 2.0}), odd]))
    assert r.hints == ["A"], \
        "score: a case that raised is not evidence for a mistake, whatever outputs it carries"


def test_a_sealed_run_never_quotes_the_keys_the_learner_returned():
    case = prep({"return": {"W1": np.ones(2)}}, label="a")
    got = RunResult([ok(**{"return": {"secret_key": np.ones(2)}})])
    public = score(spec(), [case], got)
    assert public.outcome.kind == "keys" and "secret_key" in public.message
    sealed = score(spec(), [case], got, sealed=True)
    assert sealed.outcome.kind == "keys" and "secret_key" not in sealed.message, \
        "score: dict keys the learner's code returned are learner text: hidden in a sealed run"


def test_a_mistake_that_explains_two_cases_but_disagrees_on_three_loses_to_a_steadier_one():
    def case(a, b):
        return prep({"return": 1.0}, mistakes=[{"hint": "A", "outputs": {"return": a}},
                                               {"hint": "B", "outputs": {"return": b}}])
    cases = [case(2.0, 2.0), case(3.0, 4.0), case(9.0, 1.0), case(9.0, 1.0), case(9.0, 1.0)]
    r = score(spec(), cases, RunResult([ok(**{"return": v}) for v in (2.0, 3.0, 1.0, 1.0, 1.0)]))
    assert r.hints == ["B"], \
        "score: +1 per case a mistake explains, -1 per case it disagrees (A: 2 - 3, B: 1 - 1)"


def test_a_sealed_not_implemented_shows_no_learner_text():
    r = score(spec(), [prep({"return": 1.0})],
              RunResult([{"status": "not_implemented", "message": "secret 0.5"}]), sealed=True)
    assert r.outcome.sealed and "secret" not in r.message, \
        "score: a sealed run's NotImplementedError message is learner text: not shown"


def test_a_mistake_right_where_the_learner_is_right_earns_nothing():
    def A(v):
        return {"hint": "A", "outputs": {"return": v}}

    def B(v):
        return {"hint": "B", "outputs": {"return": v}}

    cases = [prep({"return": 1.0}, mistakes=[A(2.0), B(2.0)]),
             prep({"return": 1.0}, mistakes=[A(3.0), B(4.0)]),
             *[prep({"return": 1.0}, mistakes=[B(1.0)]) for _ in range(3)]]  # A crashed there
    r = score(spec(), cases, RunResult([ok(**{"return": v}) for v in (2.0, 3.0, 1.0, 1.0, 1.0)]))
    assert r.hints == ["A"], \
        "score: A explains 2 cases (+2); B explains 1, disagrees on 1 and is merely right on 3 " \
        "(0 each, never +1)"


def test_a_returned_result_with_forged_error_bases_is_still_no_raise():
    forged = dict(ok(**{"return": 3.0}), error_bases=["ValueError"])
    r = score(spec(), [prep({RAISES: "ValueError"})], RunResult([forged]))
    assert (r.status, r.outcome.kind) == (evaluate.FAILED, "no_raise"), \
        "score: only a result that raised (status error) can pass a documented raise"


def test_a_crash_of_a_run_with_hidden_cases_is_a_hidden_outcome():
    r = score(spec(), [prep({"return": 1.0}), prep({"return": 1.0}, hidden=True)],
              RunResult(crashed="killed", crash_kind="timeout"))
    assert r.outcome.hidden and r.message.startswith("hidden cases:"), r.message


# --------------------------------------------------------------------------- more paths
def test_a_result_read_from_a_row_owns_its_hints_as_a_list():
    row = {"id": "a.b", "status": evaluate.FAILED, "passed": 0, "total": 1, "points": 1.0,
           "score": 0.0, "hints": ["h"]}
    r = ExerciseResult.from_row(row)
    row["hints"].append("added to the row later")
    assert r.hints == ["h"], "from_row: the result's hints are a copy, not the row's list"
    assert ExerciseResult.from_row(dict(row, hints=("h",))).hints == ["h"], \
        "from_row: hints read back as a list whatever sequence the row held"


def test_a_passing_result_has_an_empty_list_of_hints():
    r = score(spec(), [prep({"return": 1.0})], RunResult([ok(**{"return": 1.0})]))
    assert r.status == evaluate.PASSED and r.hints == [] and isinstance(r.hints, list), \
        f"score: ExerciseResult.hints is a list, got {r.hints!r}"


def test_a_mistake_matches_whatever_dtype_the_exercise_asks_for():
    # the mistake's output plays the expected one: its own dtype, not the exercise's
    twice = {"hint": "Doubled.", "outputs": {"return": np.array([2.0, 4.0], np.float32)}}
    kept = spec(tol=Tolerance(same_dtype=True))
    r = score(kept, [prep({"return": np.array([1.0, 2.0], np.float32)}, mistakes=[twice])],
              RunResult([ok(**{"return": np.array([2.0, 4.0])})]))
    assert r.status == evaluate.FAILED and r.hints == ["Doubled."], \
        f"_best_mistake_hint: same_dtype must not stop a float64 answer matching, got {r.hints}"
    flipped = {"hint": "Flipped labels.", "outputs": {"return": np.array([0.0, 1.0])}}
    ints = spec(tol=Tolerance(dtype="int"))
    r = score(ints, [prep({"return": np.array([1, 0])}, mistakes=[flipped])],
              RunResult([ok(**{"return": np.array([0.0, 1.0])})]))
    assert r.status == evaluate.FAILED and r.hints == ["Flipped labels."], \
        f"_best_mistake_hint: the exercise's dtype must not stop a mistake matching, got {r.hints}"


def test_integer_arrays_among_other_keyword_arguments_allow_floats_for_integers():
    assert _case_tol(spec(), {"kwargs": {"x": np.array([1, 2]), "lr": 0.5}}).float_for_int, \
        "_has_int_array: one integer array among a dict's values is enough (any, not all)"


def test_a_blocked_or_missing_run_of_hidden_cases_is_a_hidden_outcome():
    s = spec(id="sprint5.fit", module="classifier", name="ScratchNeuralNetClassifier")
    r = score(s, [prep({"return": 1.0}, hidden=True)], RunResult([blocked()]))
    assert r.status == evaluate.BLOCKED and r.outcome.hidden, \
        "score: a blocked hidden run is hidden"
    r = score(spec(), [prep({"return": 1.0}, hidden=True)], RunResult([{"status": "missing"}]))
    assert r.status == evaluate.ERROR and r.outcome.kind == "missing" and r.outcome.hidden, \
        "score: a missing name in a hidden run is a hidden outcome"


def test_a_crash_is_an_outcome_of_the_whole_run_case_0_of_0():
    r = score(spec(), [prep({"return": 1.0})] * 2, RunResult(crashed="it ended",
                                                             crash_kind="timeout"))
    assert (r.outcome.case, r.outcome.of) == (0, 0), \
        f"Outcome: a whole-run outcome has case 0 and of 0 (the defaults), got {r.outcome}"


def test_a_case_that_raises_as_documented_is_passed_once_and_never_shown_as_failing():
    cases = [prep({RAISES: "ValueError"}), prep({"return": 1.0}, label="b")]
    r = score(spec(), cases, RunResult([error(), ok(**{"return": 2.0})]))
    assert (r.passed, r.outcome.kind, r.outcome.case) == (1, "value", 2), \
        f"score: the documented raise of case 1 passed; case 2 is the failure, got {r.outcome}"
    assert r.fingerprints[0] == case_print(cases[0].case, SAME), \
        "score: a documented raise is fingerprinted as passed"


def test_a_missing_raise_is_fingerprinted_by_what_the_call_returned():
    cases = [prep({RAISES: "ValueError"}), prep({"return": 1.0}, label="b")]
    r = score(spec(), cases, RunResult([ok(**{"return": 3.0}), ok(**{"return": 1.0})]))
    tol = spec().tol
    assert r.fingerprints == [
        case_print(cases[0].case, answer_digest({"return": 3.0}, tol.rtol, tol.atol)),
        case_print(cases[1].case, SAME)], \
        "score: one fingerprint per case, the no_raise case's by its returned answer"


def test_an_error_is_fingerprinted_by_its_exception_and_another_failure_by_its_kind():
    """Two learners whose code raises the same exception on a case share that case's
    fingerprint (``error-<exception>``), and one that raises another does not; a case whose
    module is missing is fingerprinted by the outcome's kind."""
    cases = [prep({"return": 1.0}), prep({"return": 1.0}, label="b")]
    r = score(spec(), cases, RunResult([error("ValueError"), ok(**{"return": 1.0})]))
    assert r.fingerprints == [case_print(cases[0].case, "error-ValueError"),
                              case_print(cases[1].case, SAME)], \
        "score: an error is fingerprinted as error-<its standard exception>"
    other = score(spec(), cases, RunResult([error("KeyError"), ok(**{"return": 1.0})]))
    assert other.fingerprints[0] == case_print(cases[0].case, "error-KeyError")
    missing = {"status": "missing", "message": "helpers/mod.py has no `f`"}
    r = score(spec(), cases, RunResult([missing, missing]))
    assert r.fingerprints == [case_print(c.case, "missing") for c in cases], \
        "score: a case without an answer is fingerprinted by its outcome's kind"


def test_an_in_place_change_or_an_alias_is_fingerprinted_by_its_kind_a_wrong_value_by_value():
    """A right value reached by modifying the input (or returning it) is one answer whatever
    the value, so such learners share the fingerprint `mutated` / `aliased`; a wrong value is
    fingerprinted by the value itself."""
    case = prep({"return": 1.0}, fresh=["return"])
    tol = spec().tol
    mutated = score(spec(), [case], RunResult([ok(mutated=["argument 1"], **{"return": 1.0})]))
    aliased = score(spec(), [case], RunResult([ok(aliased=["return"], **{"return": 1.0})]))
    wrong = score(spec(), [case], RunResult([ok(**{"return": 2.0})]))
    assert mutated.fingerprints == [case_print(case.case, "mutated")]
    assert aliased.fingerprints == [case_print(case.case, "aliased")]
    assert wrong.fingerprints == [
        case_print(case.case, answer_digest({"return": 2.0}, tol.rtol, tol.atol))], \
        "score: a wrong value is fingerprinted by the value it returned"
