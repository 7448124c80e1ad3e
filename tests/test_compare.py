"""Failure messages say what is wrong: shape, dtype, index, values, and likely mistakes."""
from __future__ import annotations

import numpy as np
import pytest

from autograder.compare import Tolerance, compare, generic_hints


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
    assert msg(np.array([0, 1]), np.array([False, True]), dtype="int") is None


def test_tolerance_is_relative_and_absolute():
    assert msg(np.array([1e6]), np.array([1e6 + 0.1]), rtol=1e-6) is None
    assert msg(np.array([1e6]), np.array([1e6 + 10]), rtol=1e-6) is not None


def test_structure_mismatches_name_the_place():
    assert "return[1]" in msg((np.ones(2), np.ones(2)), (np.ones(2), np.zeros(2)))
    assert "expected 2 values, got 3" in msg((1, 2), (1, 2, 3))
    assert "keys" in msg({"W": np.ones(1)}, {"w": np.ones(1)})


def test_generic_hints_name_batch_sum_sign_and_transpose():
    e = np.array([0.5, -1.0, 2.0])
    assert any("batch size" in h for h in generic_hints(e, e * 4, batch=4))
    assert any("divided by 4" in h for h in generic_hints(e, e / 4, batch=4))
    assert any("sign" in h for h in generic_hints(e, -e))
    assert any("times 3" in h for h in generic_hints(e, e * 3))
    m = np.arange(6.0).reshape(2, 3)
    assert any("transpose" in h for h in generic_hints(m, m.T))
    assert generic_hints(e, e + 1) == []
