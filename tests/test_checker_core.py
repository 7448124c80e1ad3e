"""The checker core through its public functions: each path of compare, score and run_case.

These tests exist because mutation testing (``python -m benchmarks.mutation --part core``)
found that deleting or inverting these checks left every other test green: the numeric-dtype
check, hints on *every* output, the dict / None / type paths, the missing-output path, the
score's arithmetic and rounding, and dtype changes in the in-place modification check. Each
test states the verdict a learner must get, so it holds for any implementation of the core.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from autograder.learner import registry, sandbox_child
from autograder.learner.compare import Hint, Tolerance, compare, generic_hints, matches
from autograder.learner.evaluate import ERROR, FAILED, NOT_IMPLEMENTED, PASSED, score
from autograder.learner.registry import (
    Case,
    Exercise,
    Mistake,
    MistakeOutputs,
    Prepared,
    Spec,
    case,
    class_case,
    prepare,
)
from autograder.learner.sandbox import RunResult


def msg(expected, actual, **tol):
    m = compare(expected, actual, Tolerance(**tol))
    return None if m is None else m.message


def hints(*args, **kwargs):
    """The texts of :func:`generic_hints`."""
    return [h.text for h in generic_hints(*args, **kwargs)]


# --------------------------------------------------------------------------- compare
def test_a_tolerance_is_a_frozen_value_shared_safely_as_a_default():
    tol = Tolerance()
    with pytest.raises(dataclasses.FrozenInstanceError):
        tol.rtol = 1.0
    assert len({Tolerance(), Tolerance()}) == 1, "equal tolerances hash alike"
    assert (tol.rtol, tol.atol, tol.dtype) == (1e-6, 1e-8, None)


@pytest.mark.parametrize("kind,good,bad", [
    ("float", np.array([0.5, 1.0]), np.array([0, 1])),
    ("int", np.array([0, 1], dtype=np.uint8), np.array([0.0, 1.0])),
    ("bool", np.array([True, False]), np.array([1, 0])),
])
def test_the_requested_dtype_kind_is_enforced(kind, good, bad):
    expected = good.copy()
    assert msg(expected, good, dtype=kind) is None
    text = msg(expected, bad, dtype=kind)
    assert text is not None and f"expected {kind} values" in text and str(bad.dtype) in text


def test_bool_arrays_count_neither_as_int_nor_as_float():
    # numpy bools fail where ints are declared (x > 0 gives bools: labels must be integers)
    text = msg(np.array([0, 1]), np.array([False, True]), dtype="int")
    assert text is not None and "expected int values, got dtype bool" in text
    assert ".astype(int)" in text
    assert "expected float values" in msg(np.array([0.0, 1.0]), np.array([False, True]),
                                          dtype="float")
    # bools against integer or float expected values fail without a declared kind too
    assert "expected int values, got dtype bool" in msg(np.array([0, 1]),
                                                         np.array([False, True]))
    assert "expected float values, got dtype bool" in msg(np.array([0.0, 1.0]),
                                                           np.array([False, True]))
    # a Python bool is the number it means (True is 1), even where ints are declared
    assert msg(np.int64(1), True, dtype="int") is None
    assert msg(np.array([0, 1]), np.array([0, 1], dtype=np.int8), dtype="int") is None


@pytest.mark.parametrize("actual", [np.array(["1", "2"]), np.array([1 + 0j, 2 + 0j]),
                                    np.array([1, 2], dtype=object)])
def test_a_non_numeric_array_is_refused_even_when_its_values_look_right(actual):
    text = msg(np.array([1.0, 2.0]), actual)
    assert text is not None and "expected numbers" in text and str(actual.dtype) in text


@pytest.mark.parametrize("actual", [(1, 2), [1.0, 2.0], np.array([1, 2], dtype=np.int32)])
def test_numbers_in_a_list_tuple_or_int_array_are_the_array_they_mean(actual):
    assert msg(np.array([1.0, 2.0]), actual) is None


@pytest.mark.parametrize("actual", [[1, "a"], "12", {"a": 1}, [[1, 2], [3]]])
def test_what_is_not_an_array_of_numbers_is_named_by_its_type(actual):
    text = msg(np.array([1.0, 2.0]), actual)
    assert text is not None and type(actual).__name__ in text


def test_python_and_numpy_scalars_compare_as_numbers():
    assert msg(np.float64(2.0), 2) is None
    assert msg(np.float64(1.0), True) is None
    assert msg(3, np.int64(3)) is None
    assert msg(0.5, np.float32(0.5)) is None


def test_none_expected_and_none_returned():
    assert msg(None, None) is None
    assert msg(None, 0) == "return: expected None (nothing returned), got a int"
    assert msg(None, sandbox_child.SELF) is None, "`return self` where nothing is promised"
    assert msg(sandbox_child.SELF, sandbox_child.SELF) is None
    assert "(`return self`)" in msg(sandbox_child.SELF, None)
    assert "got the object itself" in msg(np.ones(2), sandbox_child.SELF)
    assert "forget to `return`" in msg(np.ones(2), None)
    assert "forget to `return`" in msg(1.5, None)


def test_strings_must_be_equal():
    assert msg("self", "self") is None
    text = msg("self", "other")
    assert "expected 'self', got 'other'" in text


def test_dict_paths_type_keys_and_values():
    exp = {"W": np.eye(2), "b": np.zeros(2)}
    assert "expected a dict, got list" in msg(exp, [np.eye(2), np.zeros(2)])
    assert "expected a dict, got NoneType" in msg(exp, None)
    assert "expected keys ['W', 'b'], got ['W']" in msg(exp, {"W": np.eye(2)})
    text = msg(exp, {"W": np.eye(2), "b": np.ones(2)})
    assert text.startswith("return['b']: wrong value")
    assert msg(exp, {"b": np.zeros(2), "W": np.eye(2)}) is None


def test_tuple_and_list_paths_type_length_and_place():
    exp = (np.ones(2), 3.0)
    assert "expected a tuple of 2 values, got ndarray" in msg(exp, np.ones(2))
    assert "expected 2 values, got 1" in msg(exp, (np.ones(2),))
    assert msg(exp, [np.ones(2), 3.0]) is None
    assert msg(exp, (np.ones(2), 4.0)).startswith("return[1]: wrong value")
    nested = [np.ones(2), np.zeros(3)]          # a list of arrays is a list of values
    assert "expected 2 values, got 3" in msg(nested, [np.ones(2), np.zeros(3), 1])
    assert msg([1.0, 2.0], np.array([1.0, 2.0])) is None   # a list of numbers is an array


def test_a_list_of_arrays_is_compared_item_by_item_and_a_list_of_strings_too():
    assert "expected a list of 2 values, got ndarray" in msg([np.ones(2), np.ones(2)],
                                                             np.ones((2, 2)))
    mixed = [np.float64(1.0), np.array(2.0)]   # one item is an array: a list of values
    assert "expected a list of 2 values, got ndarray" in msg(mixed, np.array([1.0, 2.0]))
    assert msg(["a", "b"], ["a", "c"]) == "return[1]: expected 'b', got 'c'"
    assert msg(("a", 1.0), ["a", 1.0]) is None


def test_shape_hints_for_a_scalar_answer_and_a_reshape():
    assert "expected a single number" in msg(np.float64(1.0), np.ones(3))
    assert "same number of values" in msg(np.zeros((2, 3)), np.zeros((3, 1, 2, 1)))
    assert "transpose" not in msg(np.zeros((2, 3)), np.zeros((3, 1, 2, 1)))
    text = msg(np.zeros((2, 2, 2)), np.zeros((2, 4)))  # one axis too few, not a transpose
    assert "one axis too few" in text
    text = msg(np.zeros(4), np.zeros(5))
    assert text == "return: wrong shape: expected (4,), got (5,)"


def test_non_finite_values_are_counted_and_nan_matches_nan():
    text = msg(np.array([1.0, 2.0, 3.0]), np.array([1.0, np.inf, -np.inf]))
    assert "got inf at index (1,) where 2 was expected" in text and "2 non-finite" in text
    assert msg(np.array([np.nan, 1.0]), np.array([np.nan, 1.0])) is None
    assert msg(np.array([np.inf]), np.array([np.inf])) is None
    assert msg(np.array([1.0]), np.array([np.nan])) is not None


def test_value_messages_exact_numbers():
    assert msg(1.0, 2.0) == "return: wrong value: expected 1, got 2"
    text = msg(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.5, 3.0]))
    assert text == ("return: wrong value at index (1,): expected 2, got 2.5; 1 of 3 values "
                    "differ, largest error 0.5")
    assert msg(np.array([1.0, 2.0]), np.array([1.0, 3.0])) == \
        ("return: wrong value at index (1,): expected 2, got 3; 1 of 2 values differ, "
         "largest error 1")
    assert msg(np.array([1.0]), np.array([1.5])) == \
        "return: wrong value at index (0,): expected 1, got 1.5"


def test_bool_answers_are_shown_as_numbers_and_the_largest_error_is_absolute():
    assert msg(np.array([0, 0]), [False, True]).startswith(
        "return: wrong value at index (1,): expected 0, got 1;")
    assert msg(np.array([True, False]), np.array([True, True]), dtype="bool").startswith(
        "return: wrong value at index (1,): expected 0, got 1;")
    assert any("sign" in h for h in hints(np.array([1, 2], dtype=np.uint8),
                                                  np.array([-1, -2]))), "unsigned expected"
    assert msg(np.zeros(2), np.array([0.5, -2.0])).endswith(
        "2 of 2 values differ, largest error 2")


def test_comparing_infinities_emits_no_numpy_warning():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        text = msg(np.array([np.inf, 1.0]), np.array([np.inf, 2.0]))
    assert text.startswith("return: wrong value at index (1,)")


def test_tolerance_boundaries_absolute_and_relative():
    assert msg(0.0, 1e-9) is None            # within the default atol 1e-8
    assert msg(0.0, 1e-7) is not None
    assert msg(0.0, 1e-7, atol=1e-6) is None
    assert msg(100.0, 100.0 + 5e-5) is None  # within rtol 1e-6 of 100
    assert msg(100.0, 100.0 + 2e-4) is not None
    assert matches(np.ones(2), [1.0, 1.0]) and not matches(np.ones(2), [1.0, 2.0])


def test_generic_hints_need_every_value_to_fit():
    e = np.array([0.0, 1.0, 2.0])
    assert any("times 3" in h for h in hints(e, 3 * e))
    assert hints(e, np.array([0.5, 3.0, 6.0])) == []   # the zero is not zero
    assert hints(e, np.array([-0.5, 3.0, 6.0])) == []  # nor a negative one
    assert hints(e, np.array([0.0, 3.0, 7.0])) == []   # not one constant factor
    assert hints(e, e) == []
    assert hints(np.zeros(3), np.ones(3)) == []
    assert hints(e, np.array([0.0, -1.0])) == []       # other shape: no sign hint
    assert hints(np.array(["a"]), np.array(["b"])) == []
    assert hints(np.eye(2), np.eye(2).T * 2) != []      # square: factor, not transpose
    assert not any("transpose" in h for h in hints(np.eye(2), np.eye(2)))
    assert any("sign" in h for h in hints(2.0, -2.0))
    assert any("sign" in h for h in hints(np.ones(3), -np.ones(3))), "all ones"
    assert any("batch size" in h for h in hints(e, 8 * e, batch=8))
    assert not any("batch" in h for h in hints(e, 3 * e, batch=8))


def test_a_factor_hint_allows_zeros_within_the_absolute_tolerance():
    e = np.array([0.0, 1.0, 2.0])
    assert any("times 3" in h for h in hints(e, np.array([1e-8, 3.0, 6.0])))
    assert hints(e, np.array([2e-8, 3.0, 6.0])) == []
    tiny = np.array([1e-13, 1.0, 2.0])   # up to 1e-12 counts as a zero of the expected answer
    assert any("times 2" in h for h in hints(tiny, np.array([0.0, 2.0, 4.0])))
    edge = np.array([1e-12, 1.0, 2.0])
    assert any("times 2" in h for h in hints(edge, np.array([0.0, 2.0, 4.0])))
    above = np.array([2e-12, 1.0, 2.0])   # a nonzero value with a ratio of 0: no factor
    assert hints(above, np.array([0.0, 2.0, 4.0])) == []


def test_a_factor_hint_needs_one_factor_to_a_millionth():
    e = np.array([1.0, 2.0])
    assert hints(e, np.array([3.0, 6.0 * (1 + 5e-6)])) == []
    assert any("times 3" in h for h in hints(e, np.array([3.0, 6.0 * (1 + 5e-7)])))


def test_sign_and_transpose_hints_use_the_exercise_tolerance():
    loose_abs = Tolerance(atol=1e-5)
    found = hints(np.array([0.0, 1.0]), np.array([-1e-6, -1.0]), loose_abs)
    assert any("sign" in h for h in found), found
    m = np.arange(6.0).reshape(2, 3)
    assert any("transpose" in h for h in hints(m, m.T + 1e-6, loose_abs))
    assert not any("transpose" in h for h in hints(m, m.T + 1e-6))
    m1 = np.arange(1.0, 7.0).reshape(2, 3)
    loose_rel = Tolerance(rtol=1e-3)
    assert any("transpose" in h for h in hints(m1, m1.T * (1 + 1e-4), loose_rel))
    assert not any("transpose" in h for h in hints(m1, m1.T * (1 + 1e-4)))
    e = np.array([1.0, 2.0])
    assert any("sign" in h for h in hints(e, -e * (1 + 1e-4), loose_rel))


def test_transpose_hint_only_for_the_values_transposed():
    m = np.arange(6.0).reshape(2, 3)
    assert hints(m, m.T + 1) == []
    assert generic_hints(m, m.T) == [Hint("Your answer is the transpose of the expected one.")]
    assert generic_hints(m, m.T)[0].numeric is False
    [factor] = generic_hints(np.array([1.0, 2.0]), np.array([3.0, 6.0]))
    assert factor.numeric is True, "a ratio is a number of the case: never on a hidden case"


def test_a_factor_hint_needs_two_nonzero_expected_values():
    assert hints(2.0, 6.0) == [], "a single number is a multiple of anything"
    assert hints(np.array([0.0, 2.0]), np.array([0.0, 6.0])) == [], "one nonzero value"
    assert any("times 3" in h for h in hints(np.array([1.0, 2.0]), np.array([3.0, 6.0])))
    assert any("times 3" in h for h in hints(np.array([0.0, 1.0, 2.0]),
                                             np.array([0.0, 3.0, 6.0])))


# --------------------------------------------------------------------------- score
def spec(points=1.0, tol=None):
    return Spec("sprint9.f", points, "mod", "f", "Problem: f", tol or Tolerance())


def prep(expected, *, hidden=False, mistakes=(), label="x=1", batch=None):
    return Prepared(Case(label=label, hidden=hidden), expected,
                    [MistakeOutputs(**m) for m in mistakes], batch)


def ok(**outputs):
    return {"status": "ok", "outputs": outputs, "mutated": []}


def test_all_right_is_full_marks():
    cases = [prep({"return": np.ones(2)}), prep({"return": 2.0})]
    r = score(spec(3.0), cases, RunResult([ok(**{"return": [1.0, 1.0]}), ok(**{"return": 2.0})]))
    assert (r.status, r.passed, r.total, r.score, r.message) == (PASSED, 2, 2, 3.0, "")


@pytest.mark.parametrize("points,passed,expected", [(1.0, 1, 0.33), (1.0, 2, 0.67),
                                                      (2.0, 1, 0.67), (5.0, 2, 3.33)])
def test_partial_score_is_points_times_the_share_passed_rounded_to_cents(points, passed,
                                                                           expected):
    cases = [prep({"return": 1.0}, label=f"case{i}") for i in range(3)]
    results = [ok(**{"return": 1.0})] * passed + [ok(**{"return": 0.0})] * (3 - passed)
    r = score(spec(points), cases, RunResult(results))
    assert r.status == FAILED and r.passed == passed and r.total == 3
    assert r.score == expected


def test_the_first_failing_case_is_named_with_its_label():
    cases = [prep({"return": 1.0}, label="a"), prep({"return": 1.0}, label="b"),
             prep({"return": 1.0}, label="c")]
    r = score(spec(), cases, RunResult([ok(**{"return": 1.0}), ok(**{"return": 5.0}),
                                        ok(**{"return": 7.0})]))
    assert r.message == "case 2 of 3 (b): return: wrong value: expected 1, got 5"


def test_the_run_time_is_kept_in_the_result():
    r = score(spec(), [prep({"return": 1.0})], RunResult([ok(**{"return": 1.0})], seconds=1.5))
    assert r.seconds == 1.5
    r = score(spec(), [prep({"return": 1.0})], RunResult(crashed="killed", seconds=2.5))
    assert r.seconds == 2.5


def test_a_crash_is_an_error_with_no_points():
    r = score(spec(), [prep({"return": 1.0})], RunResult(crashed="timed out after 5 s"))
    assert (r.status, r.score, r.passed, r.message) == (ERROR, 0.0, 0, "timed out after 5 s")


def test_every_case_not_implemented_is_not_implemented():
    res = [{"status": "not_implemented", "message": "write f"}] * 2
    r = score(spec(), [prep({"return": 1.0})] * 2, RunResult(res))
    assert (r.status, r.score, r.passed, r.message) == (NOT_IMPLEMENTED, 0.0, 0, "write f")
    r = score(spec(), [prep({"return": 1.0})], RunResult([{"status": "not_implemented"}]))
    assert r.message == "not implemented yet"


def test_some_cases_not_implemented_is_a_failure_naming_the_case():
    res = [ok(**{"return": 1.0}), {"status": "not_implemented", "message": "branch"}]
    r = score(spec(), [prep({"return": 1.0}), prep({"return": 1.0}, label="y")], RunResult(res))
    assert r.status == FAILED and r.passed == 1
    assert (r.outcome.kind, r.outcome.case, r.outcome.of) == ("not_implemented", 2, 2)
    assert r.message == "case 2 of 2 (y): branch", "a public case shows the learner's text"
    r = score(spec(), [prep({"return": 1.0}), prep({"return": 1.0}, hidden=True, label="y")],
              RunResult(res))
    assert r.status == FAILED and r.message == "hidden case 2 of 2: not implemented yet"


@pytest.mark.parametrize("status,message,final", [
    ("import_error", "could not import helpers/mod.py: boom", ERROR),
    ("missing", "helpers/mod.py has no `f`", ERROR),   # the grader's words, not the child's
    ("error", "case 1 of 1 (z): boom", FAILED),
])
def test_errors_are_labelled_and_import_problems_are_errors(status, message, final):
    res = {"status": status, "message": "boom"}
    if status == "error":
        res["error_type"] = "ZeroDivisionError"
    r = score(spec(), [prep({"return": 1.0}, label="z")], RunResult([res]))
    assert r.status == final and r.score == 0.0
    assert r.outcome.kind == status
    assert r.message == message
    if status == "error":
        assert r.outcome.exception == "ZeroDivisionError" and r.outcome.case == 1
    else:
        assert r.outcome.case == 0, "an import problem concerns the whole run"


def test_a_hidden_error_names_only_a_standard_exception_and_never_its_message():
    def hidden_error(error_type):
        res = {"status": "error", "message": "boom 0.04", "error_type": error_type}
        return score(spec(), [prep({"return": 1.0}, hidden=True, label="z")],
                     RunResult([res])).message
    assert hidden_error("ZeroDivisionError") == \
        "hidden case 1 of 1: raised an exception (ZeroDivisionError)"
    assert hidden_error("Input_0_04_Error") == "hidden case 1 of 1: raised an exception"


def test_an_output_that_is_missing_fails_the_case_by_name():
    cases = [prep({"forward() [step 1]": np.ones(2), "dW": np.ones(2)})]
    r = score(spec(), cases, RunResult([ok(**{"forward() [step 1]": np.ones(2)})]))
    assert r.status == FAILED and r.passed == 0
    assert r.message == "case 1 of 1 (x=1): dW: an output is missing"
    assert (r.outcome.kind, r.outcome.where) == ("no_output", "dW")


def test_every_output_is_compared_not_only_the_first():
    cases = [prep({"a": 1.0, "b": 2.0})]
    r = score(spec(), cases, RunResult([ok(a=1.0, b=3.0)]))
    assert r.status == FAILED and r.message.endswith("b: wrong value: expected 2, got 3")


def test_modifying_an_input_in_place_fails_a_right_answer():
    res = [{"status": "ok", "outputs": {"return": 1.0}, "mutated": ["argument 1"]}]
    r = score(spec(), [prep({"return": 1.0})], RunResult(res))
    assert r.status == FAILED and r.score == 0.0
    assert "argument 1 was modified in place" in r.message and "copy" in r.message


def test_a_hidden_case_says_what_kind_of_problem_never_the_values():
    cases = [prep({"return": np.array([1.0, 2.0])}),
             prep({"return": np.array([123.0, 456.0])}, hidden=True, label="secret")]
    r = score(spec(), cases, RunResult([ok(**{"return": np.array([1.0, 2.0])}),
                                        ok(**{"return": np.array([789.0, 456.0])})]))
    # the output's name and the kind only: an index could tell the hidden case's size
    assert r.message == ("hidden case 2 of 2: return: wrong value "
                         "(the public cases may pass: think of edge cases)")
    assert r.outcome.detail == "", "a hidden case keeps no detail, not even stored"
    for secret in ("123", "789", "secret", "index"):
        assert secret not in r.message


def test_a_known_mistake_hint_needs_every_output_to_match_it():
    mistake = {"hint": "You forgot the bias.", "outputs": {"a": 0.0, "b": 5.0}}
    cases = [prep({"a": 1.0, "b": 2.0}, mistakes=[mistake])]
    both = score(spec(), cases, RunResult([ok(a=0.0, b=5.0)]))
    assert both.hints == ["You forgot the bias."]
    one = score(spec(), cases, RunResult([ok(a=0.0, b=2.0)]))   # only "a" looks like it
    assert "You forgot the bias." not in one.hints
    other_keys = score(spec(), [prep({"a": 1.0}, mistakes=[
        {"hint": "h", "outputs": {"a": 0.0, "c": 1.0}}])], RunResult([ok(a=0.0)]))
    assert "h" not in other_keys.hints


def test_a_mistake_that_gives_the_right_answer_on_a_case_never_hints():
    mistake = {"hint": "Same as right here.", "outputs": {"a": 1.0, "b": 9.0}}
    cases = [prep({"a": 1.0, "b": 2.0}, mistakes=[mistake])]
    r = score(spec(), cases, RunResult([ok(a=1.0, b=9.0)]))
    assert r.status == FAILED and "Same as right here." in r.hints   # b differs: fine
    same = {"hint": "Indistinguishable.", "outputs": {"a": 1.0, "b": 2.0}}
    r = score(spec(), [prep({"a": 1.0, "b": 2.0}, mistakes=[same])],
              RunResult([ok(a=1.0, b=2.5)]))
    assert "Indistinguishable." not in r.hints


def test_generic_hints_only_when_no_known_mistake_explains_it_and_never_twice():
    e = np.array([1.0, 2.0])
    mistake = {"hint": "Known.", "outputs": {"return": -e}}
    r = score(spec(), [prep({"return": e}, mistakes=[mistake])], RunResult([ok(**{"return": -e})]))
    assert r.hints == ["Known."]
    cases = [prep({"return": e}, batch=4), prep({"return": 2 * e}, batch=4)]
    r = score(spec(), cases, RunResult([ok(**{"return": 4 * e}), ok(**{"return": 8 * e})]))
    assert len(r.hints) == 1 and "batch size" in r.hints[0]


def test_generic_hints_use_the_exercise_tolerance():
    e = np.array([1.0, 2.0])
    loose = Tolerance(rtol=1e-2)
    r = score(spec(tol=loose), [prep({"return": e})], RunResult([ok(**{"return": -e * 1.001})]))
    assert any("sign" in h for h in r.hints)


# --------------------------------------------------------------------------- run_case
def run(target, *args, **kwargs):
    return sandbox_child.run_case(target, case(*args, **kwargs))


def test_run_case_returns_the_result_and_no_mutation():
    x = np.arange(3.0)
    out = run(lambda v: v * 2, x)
    assert set(out["outputs"]) == {"return"} and out["mutated"] == []
    np.testing.assert_array_equal(out["outputs"]["return"], [0.0, 2.0, 4.0])


@pytest.mark.parametrize("body,name", [
    (lambda v: v.__setitem__(0, 9.0), "argument 1"),
    (lambda v: setattr(v, "dtype", np.int64), "argument 1"),       # same bytes, other dtype
    (lambda v: setattr(v, "shape", (3, 1)), "argument 1"),
])
def test_in_place_changes_of_values_dtype_or_shape_are_noticed(body, name):
    out = run(body, np.array([1.0, 2.0, 3.0]))
    assert out["mutated"] == [name]


def test_a_dtype_change_with_equal_values_is_an_in_place_change():
    # zeros read as int64 are still zeros: only the dtype tells the change
    assert run(lambda v: setattr(v, "dtype", np.int64), np.zeros(3))["mutated"] == \
        ["argument 1"], "an in-place dtype change (values still equal) must be reported"
    to32 = run(lambda lst: lst.__setitem__(0, lst[0].astype(np.float32)), [np.array([1.0, 2.0])])
    assert to32["mutated"] == ["argument 1"], "float64 replaced by equal float32 values"
    d = run(lambda d: d.__setitem__("W", d["W"].astype(np.float32)), {"W": np.ones(2)})
    assert d["mutated"] == ["argument 1"]


def test_in_place_changes_of_keyword_dict_and_list_arguments_are_noticed():
    assert run(lambda x=None: x.__setitem__(0, 1.0), x=np.zeros(2))["mutated"] == \
        ["argument 'x'"]
    assert run(lambda d: d.update(k=2), {"k": 1})["mutated"] == ["argument 1"]
    assert run(lambda d: d["k"].__setitem__(0, 5.0), {"k": np.zeros(1)})["mutated"] == \
        ["argument 1"]
    assert run(lambda a, lst: lst.append(1), 1, [0])["mutated"] == ["argument 2"]
    assert run(lambda a, lst: lst.__setitem__(0, 7), 1, (0,) and [0])["mutated"] == \
        ["argument 2"]


def test_untouched_inputs_with_nan_are_not_reported_as_changed():
    out = run(lambda v, d: float(np.nansum(v)), np.array([np.nan, 1.0]), {"a": np.array([np.nan])})
    assert out["mutated"] == []


def test_the_caller_s_case_is_never_modified():
    x = np.zeros(2)
    c = case(x)
    sandbox_child.run_case(lambda v: v.__setitem__(0, 1.0), c)
    assert x[0] == 0.0 and c.args[0] is x


class Counter:
    def __init__(self, start=0):
        self.n = start
        self.seen = []

    def add(self, k=1):
        self.n += k
        self.seen.append(k)
        return self

    def value(self):
        return self.n


def test_class_cases_record_each_step_and_the_attributes_at_the_end():
    c = class_case([1], steps=[("add", [2]), ("value", []), ("add", [], {"k": 5})],
                   attrs=["n", "seen"])
    out = sandbox_child.run_case(Counter, c)["outputs"]
    assert out == {"add() [step 1]": sandbox_child.SELF, "value() [step 2]": 3,
                   "add() [step 3]": sandbox_child.SELF, "n": 8, "seen": [2, 5]}
    assert out["add() [step 1]"] != "self", "`return self` is not the string 'self'"


def test_attributes_only_class_case_has_no_return_output():
    out = sandbox_child.run_case(Counter, class_case([4], attrs=["n"]))["outputs"]
    assert out == {"n": 4}


def test_wire_format_keeps_python_and_numpy_types(tmp_path):
    value = {"i": 3, "f": 0.1, "b": True, "n": None, "s": "x", "t": (1, [2.5]),
             "a": np.arange(3, dtype=np.int16), "g": np.float32(1.5),
             "fn": sandbox_child.Fn("poly", coef=np.array([1.0, 0.0]))}
    sandbox_child.save(tmp_path / "v.json", tmp_path / "v.npz", value)
    back = sandbox_child.load(tmp_path / "v.json", tmp_path / "v.npz")
    assert type(back["i"]) is int and type(back["f"]) is float and back["b"] is True
    assert back["n"] is None and back["s"] == "x" and back["t"] == (1, [2.5])
    assert back["a"].dtype == np.int16 and type(back["g"]) is np.float32
    assert back["fn"] == value["fn"] and back["fn"](2.0) == 2.0


@pytest.mark.parametrize("bad", [1 + 2j, {1: 2}, np.array(["a"]), object()])
def test_wire_format_refuses_what_it_cannot_carry(bad, tmp_path):
    with pytest.raises(sandbox_child.UnsupportedValue):
        sandbox_child.save(tmp_path / "v.json", tmp_path / "v.npz", {"v": bad})


# --------------------------------------------------------------------------- prepare
def _f(x):
    return x * 2


def _wrong(x):
    return x * 3


def _crashes(x):
    raise ValueError("no")


def _exercise(**kw):
    return Exercise("sprint9.f", 1.0, "mod", "f", "f", reference=_f,
                    mistakes=[Mistake(_wrong, "times 3"), Mistake(_crashes, "crash")], **kw)


def test_prepare_runs_the_reference_and_each_mistake_that_runs():
    ex = _exercise(batch_size=lambda c: 7)
    [p] = prepare(ex, [dataclasses.replace(case(np.array([1.0])), hidden=True)])
    np.testing.assert_array_equal(p.expected["return"], [2.0])
    assert [m.hint for m in p.mistakes] == ["times 3"]
    np.testing.assert_array_equal(p.mistakes[0].outputs["return"], [3.0])
    assert p.hidden is True and p.batch == 7


def test_cases_are_examples_first_then_seeded_randoms_stable_per_part():
    gen = lambda rng: case(rng.normal(size=2))  # noqa: E731
    ex = _exercise(generate=gen, examples=[case(np.zeros(2), label="ex")],
                   edge_cases=[case(np.ones(2))], n_public=2, n_hidden=3)
    pub = ex.public_inputs()
    assert len(pub) == 3 and pub[0].label == "ex" and not any(c.hidden for c in pub)
    hid = ex.hidden_inputs("ci")
    assert len(hid) == 4 and all(c.hidden for c in hid)
    # the edge case is among the hidden ones, in a salt-seeded place
    edge = [i for i, c in enumerate(hid) if np.array_equal(c.args[0], np.ones(2))]
    assert len(edge) == 1
    again = ex.public_inputs()
    np.testing.assert_array_equal(pub[1].args[0], again[1].args[0])
    assert not np.allclose(pub[1].args[0], pub[2].args[0])
    same = ex.hidden_inputs("ci")
    assert all(np.array_equal(a.args[0], b.args[0]) for a, b in zip(hid, same))
    other = ex.hidden_inputs("other")
    randoms = [c.args[0] for i, c in enumerate(hid) if i not in edge]
    assert not any(np.allclose(r, o.args[0]) for r in randoms for o in other), \
        "the random hidden cases depend on the salt"
    assert not any(np.allclose(r, p.args[0]) for r in randoms for p in pub)


def test_select_by_sprint_or_id_and_unknown_names_are_refused():
    specs = [Spec(i, 1.0, "m", "n", "t", Tolerance())
             for i in ("sprint1.a", "sprint1.b", "sprint2.c")]
    assert [s.id for s in registry.select(specs, ["sprint1"])] == ["sprint1.a", "sprint1.b"]
    assert [s.id for s in registry.select(specs, ["sprint2.c", "sprint1.b", "sprint2"])] == \
        ["sprint2.c", "sprint1.b"]
    everything = registry.select(specs, [])
    assert everything == specs and everything is not specs, "a new list: the caller may change it"
    with pytest.raises(KeyError, match="sprint3"):
        registry.select(specs, ["sprint3"])


def test_default_case_counts_three_public_and_twelve_hidden():
    ex = _exercise(generate=lambda rng: case(rng.normal(size=1)))
    assert len(ex.public_inputs()) == 3
    assert len(ex.hidden_inputs()) == 12


def test_stored_cases_round_trip_in_sprint_order(tmp_path):
    specs = []
    for sid in ("sprint10.f", "sprint2.f"):
        ex = Exercise(sid, 2.0, "mod", "f", f"title {sid}", reference=_f,
                      examples=[case(np.array([1.0, 2.0]), label="ex")],
                      tol=Tolerance(rtol=1e-3, dtype="float"),
                      mistakes=[Mistake(_wrong, "times 3")], batch_size=lambda c: 2)
        specs.append(Spec(ex.id, ex.points, ex.module, ex.name, ex.title, ex.tol, exercise=ex))
    registry.write_store(tmp_path, specs)
    back = registry.load_store(tmp_path)
    assert [s.id for s in back] == ["sprint2.f", "sprint10.f"], "sprints in number order"
    s = back[0]
    assert (s.points, s.title, s.tol) == (2.0, "title sprint2.f", Tolerance(rtol=1e-3,
                                                                             dtype="float"))
    assert s.exercise is None
    [p] = s.public_cases()
    assert p.hidden is False and p.batch == 2 and p.label == "ex"
    np.testing.assert_array_equal(p.expected["return"], [2.0, 4.0])
    assert p.mistakes[0].hint == "times 3"
    with pytest.raises(RuntimeError):
        s.hidden_cases()
    with pytest.raises(FileNotFoundError):
        registry.load_store(tmp_path / "empty")


def test_a_case_without_label_is_described_by_its_inputs():
    p = Prepared(case(np.array([1.0, 2.0]), k=3), {}, [])
    assert p.label == "inputs ([1., 2.], k=3)"


def test_a_mistake_is_prepared_with_numpy_warnings_silenced():
    def noisy(x):
        return np.log(x - x)          # log(0): a RuntimeWarning that must not escape
    ex = Exercise("sprint9.f", 1.0, "mod", "f", "f", reference=_f,
                  mistakes=[Mistake(noisy, "log of zero")])
    with np.errstate(all="raise"):
        [p] = prepare(ex, [case(np.array([1.0]))])
    assert [m.hint for m in p.mistakes] == ["log of zero"]


def _wire(*cases):
    """The cases as the grader sends them to the child."""
    return [c.call().to_wire() for c in cases]


def test_run_job_reports_a_missing_name_and_an_unreadable_output(tmp_path):
    res = sandbox_child.run_job({"module": "warmup", "name": "no_such_function",
                                 "cases": _wire(case(1), case(2))}, str(tmp_path))
    assert [r["status"] for r in res] == ["missing", "missing"]
    assert "has no `no_such_function`" in res[0]["message"]
    res = sandbox_child.run_job({"module": "no_such_module", "name": "f", "cases": _wire(case(1))},
                                str(tmp_path))
    assert res[0]["status"] == "import_error"


def test_classify_exception_not_implemented_and_errors(tmp_path):
    assert sandbox_child.classify_exception(NotImplementedError(), str(tmp_path)) == \
        {"status": "not_implemented", "message": "not implemented yet"}
    assert sandbox_child.classify_exception(NotImplementedError("todo"), str(tmp_path))[
        "message"] == "todo"
    r = sandbox_child.classify_exception(ValueError("bad"), str(tmp_path))
    assert r["status"] == "error" and r["error_type"] == "ValueError" and "bad" in r["message"]


def test_test_functions_compare_by_name_and_parameters():
    Fn = sandbox_child.Fn
    assert Fn("poly", coef=np.array([1.0])) == Fn("poly", coef=np.array([1.0]))
    assert Fn("poly", coef=np.array([1.0])) != Fn("poly", coef=np.array([2.0]))
    assert Fn("race") != Fn("book_2d") and Fn("race") != "race"
    with pytest.raises(sandbox_child.UnsupportedValue):
        Fn("no_such_function")


# --------------------------------------------------------------------------- more edges
def test_result_defaults_and_ok():
    from autograder.learner.evaluate import ExerciseResult
    r = ExerciseResult("sprint9.f", "f", PASSED, 1, 1, 1.0, 1.0)
    assert r.ok and r.seconds == 0.0 and r.hints == [] and r.message == ""
    assert not ExerciseResult("sprint9.f", "f", FAILED, 0, 1, 1.0, 0.0).ok


def test_the_first_problem_of_a_case_is_reported_not_a_later_one():
    cases = [prep({"dW": np.ones(2), "db": np.ones(2)})]
    r = score(spec(), cases, RunResult([ok(db=np.zeros(2))]))
    assert r.message == "case 1 of 1 (x=1): dW: an output is missing"
    r = score(spec(), cases, RunResult([ok(dW=np.zeros(2), db=np.zeros(2))]))
    assert "dW: wrong value" in r.message and "db" not in r.message


def test_no_cases_scores_nothing_and_import_and_missing_together_are_an_error():
    assert score(spec(), [], RunResult([])).score == 0.0
    res = [{"status": "import_error", "message": "a"}, {"status": "missing", "message": "b"}]
    r = score(spec(), [prep({"return": 1.0}), prep({"return": 1.0})], RunResult(res))
    assert r.status == ERROR


class _Grumpy:
    def __eq__(self, other):
        raise RuntimeError("no comparing me")

    def __deepcopy__(self, memo):
        return _Grumpy()


def test_in_place_check_on_two_keys_two_items_and_objects_that_refuse_comparison():
    assert run(lambda d: d.__setitem__("b", 9), {"a": 1, "b": 2})["mutated"] == ["argument 1"]
    assert run(lambda lst: lst.__setitem__(1, 9), [1, 2])["mutated"] == ["argument 1"]
    assert run(lambda t: None, (np.zeros(2), [1, 2]))["mutated"] == []
    assert run(lambda g: None, _Grumpy())["mutated"] == ["argument 1"], \
        "a value that cannot be compared counts as changed"
    replaced = run(lambda lst: lst.__setitem__(0, 5), [{"a": 1}])
    assert replaced["mutated"] == ["argument 1"], "a dict replaced by a number is a change"
    swapped = run(lambda lst: lst.__setitem__(0, [1.0, 2.0]), [np.array([1.0, 2.0])])
    assert swapped["mutated"] == ["argument 1"], "an array replaced by a list is a change"


def test_class_cases_sent_as_plain_values_without_steps_or_attrs():
    wire = sandbox_child.Call.from_wire
    out = sandbox_child.run_case(Counter, wire({"args": [4], "attrs": ["n"]}))["outputs"]
    assert out == {"n": 4}
    out = sandbox_child.run_case(Counter, wire({"args": [1], "steps": [["add", [2], {}]]})
                                 )["outputs"]
    assert out == {"add() [step 1]": sandbox_child.SELF}


def test_complex_numbers_are_refused_by_name(tmp_path):
    with pytest.raises(sandbox_child.UnsupportedValue, match="complex numbers"):
        sandbox_child.save(tmp_path / "v.json", tmp_path / "v.npz", 1 + 2j)


def test_wire_format_refuses_mixed_dict_keys_and_other_wire_versions(tmp_path):
    with pytest.raises(sandbox_child.UnsupportedValue):
        sandbox_child.save(tmp_path / "v.json", tmp_path / "v.npz", {"a": 1, 2: 3})
    sandbox_child.save(tmp_path / "v.json", tmp_path / "v.npz", [1])
    doc = (tmp_path / "v.json").read_text().replace('"wire": 1', '"wire": 99')
    (tmp_path / "v.json").write_text(doc)
    with pytest.raises(sandbox_child.UnsupportedValue, match="wire version"):
        sandbox_child.load(tmp_path / "v.json", tmp_path / "v.npz")


def test_run_job_reports_an_output_the_wire_cannot_carry(tmp_path, monkeypatch):
    import sys
    import types
    fake = types.ModuleType("helpers.fake_for_core_tests")
    fake.f = lambda x: object()
    monkeypatch.setitem(sys.modules, "helpers.fake_for_core_tests", fake)
    [r] = sandbox_child.run_job({"module": "fake_for_core_tests", "name": "f",
                                 "cases": _wire(case(1))}, str(tmp_path))
    assert r["status"] == "unreadable" and "cannot read" in r["message"]
    fake.g = lambda x: x + 1
    [r] = sandbox_child.run_job({"module": "fake_for_core_tests", "name": "g",
                                 "cases": _wire(case(1))}, str(tmp_path))
    assert r["status"] == "ok" and r["outputs"] == {"return": 2}


def test_prepared_cases_are_public_unless_marked_hidden():
    [p] = prepare(_exercise(), [case(np.array([1.0]))])
    assert p.hidden is False and p.batch is None
    assert Prepared(case(), {}, []).hidden is False


def test_the_live_registry_is_loaded_with_its_exercises():
    specs = registry.load_exercises()
    assert specs and all(s.exercise is not None and s.stored_public is None for s in specs)


def test_an_unknown_sprint_names_the_known_ones_in_order():
    specs = [Spec(i, 1.0, "m", "n", "t", Tolerance()) for i in ("sprint2.a", "sprint1.b")]
    with pytest.raises(KeyError, match="sprints are sprint1, sprint2"):
        registry.select(specs, ["sprint7"])


# --------------------------------------------------------------------------- verdict
def test_learner_text_is_made_printable_and_cut_to_its_limit():
    from autograder.learner.verdict import MAX_DETAIL, cap
    assert cap("a\nb\tc") == "a\nb\tc", "newlines and tabs stay"
    assert cap("\x1b[31m") == "\\x1b[31m" and cap("\xad") == "\\xad"
    assert cap("\u0100") == "\u0100" and cap("\u2028") == "\\u2028"
    assert cap("x" * MAX_DETAIL) == "x" * 2000
    assert cap("x" * 2001) == "x" * 1999 + "…"
    assert cap("abcd", 3) == "ab…" and cap(12) == "12"


def test_an_outcome_is_a_frozen_record_read_back_from_its_dict():
    from autograder.learner.verdict import Outcome
    o = Outcome("value", case=2, of=3, where="return")
    with pytest.raises(dataclasses.FrozenInstanceError):
        o.kind = "shape"
    assert (o.hidden, o.learner_text, o.sealed) == (False, True, False)
    assert Outcome.from_dict(dict(o.as_dict(), extra=1)) == o
    assert Outcome.from_dict(["value"]) is None and Outcome.from_dict({"kind": "?"}) is None
    with pytest.raises(ValueError):
        Outcome("no_such_kind")


def test_the_cases_of_an_exercise_promising_a_new_array_name_its_outputs_as_a_list():
    fresh = _exercise(examples=[case(np.array([1.0]))], n_public=0, returns_new=("return",))
    marked = [*fresh.public_inputs(), *fresh.hidden_inputs("s")]
    assert marked and all(c.fresh == ("return",) for c in marked), \
        "Exercise._mark: every case of an exercise with returns_new carries 'fresh', " \
        "or returning the input array itself is never noticed"
    plain = _exercise(examples=[case(np.array([1.0]))], n_public=0)
    assert plain.public_inputs()[0].fresh == (), \
        "Exercise._mark: no 'fresh' without returns_new"


def test_an_unknown_selector_lists_the_sprints_in_course_order():
    specs = [Spec(f"sprint{n}.f", 1.0, "m", "n", "t", Tolerance()) for n in (11, 2, 10, 0, 1)]
    with pytest.raises(KeyError) as err:
        registry.select(specs, ["sprint99"])
    listed = str(err.value).split("sprints are ", 1)[1].split(" (", 1)[0].split(", ")
    assert listed == ["sprint0", "sprint1", "sprint2", "sprint10", "sprint11"], \
        f"select: the sprints are listed in course order (sprint10 last), got {listed}"


def test_a_release_reads_the_exercise_index_from_its_public_folder(monkeypatch, tmp_path):
    (tmp_path / registry.INDEX_FILE).write_text(
        '[{"id": "sprint1.a", "module": "m", "name": "a"}]', encoding="utf-8")
    monkeypatch.setattr(registry, "has_live_registry", lambda: False)
    monkeypatch.setattr(registry, "PUBLIC_DIR", tmp_path)
    monkeypatch.setattr(registry, "_INDEX", None)
    assert registry.exercise_index() == [{"id": "sprint1.a", "module": "m", "name": "a"}], \
        "exercise_index: without the live registry, the index is PUBLIC_DIR / INDEX_FILE"
