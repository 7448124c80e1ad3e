"""Failure messages say what is wrong: shape, dtype, index, values, and likely mistakes."""
from __future__ import annotations

import numpy as np
import pytest

from autograder.learner.compare import Tolerance, compare, generic_hints


def msg(expected, actual, **tol):
    m = compare(expected, actual, Tolerance(**tol) if tol else Tolerance())
    return None if m is None else m.message


def test_equal_values_pass_including_lists_and_python_numbers():
    assert msg(np.array([1.0, 2.0]), [1.0, 2.0]) is None
    assert msg(np.float64(0.5), 0.5) is None
    assert msg((np.ones(2), 3), (np.ones(2), 3)) is None
    assert msg({"W": np.eye(2)}, {"W": np.eye(2)}) is None


def test_value_message_gives_first_index_expected_actual_and_max_error():
    exp = np.zeros((2, 3))
    act = exp.copy()
    act[1, 2] = 0.5
    act[0, 1] = -0.25
    text = msg(exp, act)
    assert "index (0, 1)" in text and "expected 0" in text and "got -0.25" in text
    assert "2 of 6 values differ" in text and "largest error 0.5" in text


@pytest.mark.parametrize("actual,needle", [
    (np.zeros((3, 2)), "transpose"),
    (np.zeros((1, 1, 6, 1)), "same number of values"),
    (np.zeros(6), "axis too few or too many"),
    (np.zeros((2, 3, 1)), "axis too few or too many"),
])
def test_shape_messages_suggest_the_cause(actual, needle):
    text = msg(np.zeros((2, 3)), actual)
    assert "wrong shape: expected (2, 3), got " + str(actual.shape) in text
    assert needle in text


def test_none_return_is_called_out():
    assert "forget to `return`" in msg(np.ones(2), None)


def test_nan_is_reported_with_its_likely_cause():
    text = msg(np.array([0.2, 0.8]), np.array([np.nan, 0.8]))
    assert "nan" in text and "index (0,)" in text and "overflow" in text


def test_dtype_is_checked_when_asked():
    assert "expected int values" in msg(np.array([0, 1]), np.array([0.0, 1.0]), dtype="int")
    assert "bools" in msg(np.array([0, 1]), np.array([False, True]), dtype="int")   # x > 0
    assert msg(np.int64(1), True, dtype="int") is None           # a Python True is the 1


def test_tolerance_is_relative_and_absolute():
    assert msg(np.array([1e6]), np.array([1e6 + 0.1]), rtol=1e-6) is None
    assert msg(np.array([1e6]), np.array([1e6 + 10]), rtol=1e-6) is not None


def test_structure_mismatches_name_the_place():
    assert "return[1]" in msg((np.ones(2), np.ones(2)), (np.ones(2), np.zeros(2)))
    assert "expected 2 values, got 3" in msg((1, 2), (1, 2, 3))
    assert "keys" in msg({"W": np.ones(1)}, {"w": np.ones(1)})


def _hints(*args, **kwargs):
    return [h.text for h in generic_hints(*args, **kwargs)]


def test_generic_hints_name_batch_sum_sign_and_transpose():
    e = np.array([0.5, -1.0, 2.0])
    assert any("batch size" in h for h in _hints(e, e * 4, batch=4))
    assert any("divided by 4" in h for h in _hints(e, e / 4, batch=4))
    assert any("sign" in h for h in _hints(e, -e))
    assert any("times 3" in h for h in _hints(e, e * 3))
    m = np.arange(6.0).reshape(2, 3)
    assert any("transpose" in h for h in _hints(m, m.T))
    assert _hints(e, e + 1) == []


def test_the_constant_factor_hint_needs_two_nonzero_values_and_says_it_quotes_a_number():
    assert _hints(np.float64(0.04), np.float64(1.0)) == []           # a scalar: any ratio
    assert _hints(np.array([0.0, 2.0, 0.0]), np.array([0.0, 5.0, 0.0])) == []   # one entry
    assert _hints(np.array([1.0, 2.0]), np.zeros(2)) == []            # "times 0": no
    (h,) = generic_hints(np.array([1.0, 2.0]), np.array([3.0, 6.0]))
    assert h.numeric and "times 3" in h.text
    (h,) = generic_hints(np.array([1.0, 2.0]), np.array([-1.0, -2.0]))
    assert not h.numeric and "sign" in h.text


def test_dtype_kinds_are_checked_where_they_change_the_meaning():
    f, b, i = np.array([1.0, 0.0]), np.array([True, False]), np.array([1, 0])
    assert "bool" in msg(b, f)                          # bool mask expected, floats given
    assert "expected float" in msg(f, b)                # float derivative, a bool given
    assert "expected integers" in msg(i, f)             # labels as floats
    assert msg(f, i) is None                            # 0/1 ints for floats: fine by default
    assert "float" in msg(f, i, dtype="float")          # ... unless the exercise says float
    assert msg(f, [1, 0]) is None and msg(np.float64(2.0), 2) is None   # Python numbers
    assert msg(24, 24.0) is None and msg(24, np.float64(24.0)) is None   # a size of 24.0
    assert "int" in msg(24, 24.0, dtype="int")


def test_an_empty_answer_passes_whatever_its_dtype():
    assert msg(np.zeros(0, dtype=np.int64), np.array([])) is None
    assert msg(np.zeros((0, 3)), np.zeros((0, 3), dtype=bool)) is None


def test_same_dtype_keeps_float32():
    x32 = np.ones(3, dtype=np.float32)
    assert msg(x32, x32.astype(np.float64)) is None
    assert "float32" in msg(x32, x32.astype(np.float64), same_dtype=True)
    assert msg(x32, x32.copy(), same_dtype=True) is None


def test_returning_self_where_nothing_is_documented_is_accepted_and_the_reverse_is_named():
    from autograder.learner.compare import compare
    from autograder.learner.sandbox_child import SELF

    assert compare(None, SELF) is None                  # a correct _update ending `return self`
    assert compare(SELF, SELF) is None
    m = compare(SELF, None, where="fit() [step 1]")
    assert "return self" in m.message and "None" in m.message
    assert "object itself" in compare(np.ones(2), SELF).message


def test_an_output_can_declare_its_kind_beside_float_outputs():
    tol = Tolerance(output_dtypes=(("predict()", "int"),))
    labels = np.array([1, 0, 2])
    assert compare(labels, labels.astype(float), tol.for_output("predict() [step 3]"),
                   where="predict() [step 3]").kind == "dtype"
    assert tol.for_output("predict_proba() [step 2]") is tol


def test_same_dtype_keeps_integers_too():
    x = np.arange(4)
    assert "integers" in msg(x, x.astype(float), same_dtype=True)
    assert "int64" in msg(x, x.astype(float), same_dtype=True, float_for_int=True)
