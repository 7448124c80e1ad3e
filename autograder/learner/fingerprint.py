"""What a learner's code answered on one case, as a short digest (for the class's own mistakes).

The trusted grader records, for every case of an exercise, one :func:`case_print` string::

    "<case key>:<answer key>"

* the **case key** is a digest of the case's inputs (:func:`digest` of ``args``, ``kwargs``,
  ``steps``): two students' entries are comparable only when they answered the *same* case
  (hidden cases drawn per student differ, and their keys say so);
* the **answer key** is ``=`` for a case that passed (every right answer is the same answer),
  a word for a case that did not answer (``error-ValueError``, ``error``, ``timeout``,
  ``not_implemented``, ``mutated``...), else a digest of the outputs *rounded coarser than
  the exercise's tolerance* (:func:`answer_digest`): two implementations of the same mistake
  that differ only by floating-point rounding get the same digest.

A digest is 10 hexadecimal characters of a SHA-256: it names an answer without holding it.
It is instructor data (the grading folder's state files), never shown to a learner; from a
digest nobody can read a hidden input or an expected value back (a guess could only be
confirmed by recomputing the same rounding of the same arrays).
"""
from __future__ import annotations

import hashlib
import math
from typing import Any

import numpy as np

from .sandbox_child import SELF, Call

PASSED = "="
DIGITS_MIN, DIGITS_MAX = 3, 12
_LEN = 10


def significant_digits(rtol: float) -> int:
    """The digits answers are rounded to: one fewer than the tolerance resolves (``rtol=1e-6``
    gives 5), so values that agree within the tolerance nearly always round alike."""
    if not rtol or rtol <= 0:
        return DIGITS_MAX
    return int(min(DIGITS_MAX, max(DIGITS_MIN, math.floor(-math.log10(rtol)) - 1)))


MAX_DEPTH = 64      # nesting deeper than this is hashed as "deep" (learner data)


def _feed(h, value, digits: int | None, atol: float, depth: int = 0) -> None:
    """Feed ``value``'s canonical form into the hash ``h`` (``digits=None``: exact)."""
    if depth > MAX_DEPTH:
        h.update(b"<deep>")
    elif value is SELF:
        h.update(b"<self>")
    elif value is None:
        h.update(b"<none>")
    elif isinstance(value, str):
        h.update(b"s" + value.encode("utf-8", "replace") + b"\0")
    elif isinstance(value, dict):
        h.update(b"{")
        for k in sorted(value, key=repr):
            h.update(repr(k).encode("utf-8", "replace") + b"=")
            _feed(h, value[k], digits, atol, depth + 1)
        h.update(b"}")
    elif isinstance(value, (list, tuple)) and (not value or any(
            isinstance(v, (np.ndarray, list, tuple, dict, str)) or v is None or v is SELF
            for v in value)):
        h.update(b"[")
        for v in value:
            _feed(h, v, digits, atol, depth + 1)
        h.update(b"]")
    else:
        try:
            arr = np.asarray(value)
        except Exception:  # noqa: BLE001 - an object numpy cannot read: its type only
            h.update(b"?" + type(value).__name__.encode())
            return
        if arr.dtype.kind not in "biuf":
            h.update(b"?" + arr.dtype.kind.encode() + repr(arr.shape).encode())
            return
        h.update(f"a{arr.dtype.kind if arr.dtype.kind != 'u' else 'i'}{arr.shape}".encode())
        if arr.dtype.kind == "b":
            h.update(np.ascontiguousarray(arr).tobytes())
            return
        if digits is None and arr.dtype.kind in "iu":
            h.update(np.ascontiguousarray(arr, dtype=np.int64).tobytes())
            return
        a = np.asarray(arr, dtype=np.float64)
        if digits is None:
            h.update(np.ascontiguousarray(a).tobytes())
            return
        h.update(_rounded(a, digits, atol).tobytes())


def _rounded(a: np.ndarray, digits: int, atol: float) -> np.ndarray:
    """``a`` as integer pairs (mantissa, exponent) rounded to ``digits`` significant digits;
    values within ``atol`` of 0 are 0; nan, inf and -inf have codes of their own."""
    flat = a.ravel()
    out = np.zeros((flat.size, 2), dtype=np.int64)
    finite = np.isfinite(flat)
    big = finite & (np.abs(flat) > atol)
    if big.any():
        v = flat[big]
        e = np.floor(np.log10(np.abs(v))).astype(np.int64)
        m = np.round(v / 10.0 ** (e - digits + 1).astype(np.float64)).astype(np.int64)
        carry = np.abs(m) >= 10 ** digits      # 9.99996 rounds up to 10.0000: one exponent up
        m[carry] //= 10
        e[carry] += 1
        out[big, 0], out[big, 1] = m, e
    out[np.isnan(flat), 1] = 10_001
    out[np.isposinf(flat), 1] = 10_002
    out[np.isneginf(flat), 1] = 10_003
    return out


def digest(value: Any) -> str:
    """An exact digest of ``value`` (a case's inputs)."""
    h = hashlib.sha256()
    _feed(h, value, None, 0.0)
    return h.hexdigest()[:_LEN]


def answer_digest(outputs: dict[str, Any], rtol: float, atol: float) -> str:
    """The digest of a case's outputs, rounded to :func:`significant_digits` of ``rtol``
    (``unreadable`` for outputs that cannot be hashed: learner data, it never stops grading)."""
    h = hashlib.sha256()
    try:
        _feed(h, outputs, significant_digits(rtol), atol)
    except Exception:  # noqa: BLE001 - a value of a form nobody foresaw
        return "unreadable"
    return h.hexdigest()[:_LEN]


def case_key(case: Call) -> str:
    """The digest of a case's inputs: what makes two students' answers comparable."""
    inputs = {"args": case.args, "kwargs": case.kwargs}
    if case.steps is not None:
        inputs["steps"] = [(s.method, s.args, s.kwargs) for s in case.steps]
    return digest(inputs)


def case_print(case: Call, answer: str) -> str:
    """One case's entry: ``"<case key>:<answer key>"``."""
    return f"{case_key(case)}:{answer}"


def split(entry: str) -> tuple[str, str]:
    """``(case key, answer key)`` of an entry (``("", "")`` for a malformed one)."""
    if not isinstance(entry, str) or ":" not in entry:
        return "", ""
    key, answer = entry.split(":", 1)
    return key, answer
