"""Compare a learner's output with the expected one and say *what* is wrong.

:func:`compare` walks two values (arrays, scalars, tuples, lists, dicts) and returns ``None``
when they agree, or a :class:`Mismatch` whose ``message`` names the place (``return[1]``),
the problem (shape, dtype, ``nan``, value) and, for values, the first differing index with the
expected and actual numbers and the largest error. :func:`generic_hints` adds hints for
mistakes that show in any numeric answer (a transpose, a sign, a constant factor such as the
batch size); exercise-specific hints come from known mistakes (see ``registry.Mistake``).

The sentences are in the course's language (:mod:`autograder.learner.i18n`: ``_()`` with ``{name}``
placeholders, English unchanged); the data (``Mismatch.kind``, ``Hint.numeric``) is what other
modules read, never the words.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .i18n import _
from .sandbox_child import SELF
from .verdict import where_words


@dataclass(frozen=True)
class Tolerance:
    """How close is close enough: ``|actual - expected| <= atol + rtol * |expected|``."""

    rtol: float = 1e-6
    atol: float = 1e-8
    dtype: str | None = None   # "int", "float" or "bool": the kind the answer must have
    #: The answer must have the expected dtype exactly (float32 stays float32): for helpers
    #: whose docstring promises to keep the input's dtype.
    same_dtype: bool = False
    #: Floats pass where integers are expected: set by the harness for a case whose inputs
    #: hold integer arrays (``X @ W + b`` of integers is integers, of a loop into
    #: ``np.zeros`` floats, and the docstring allows both); integers computed from float
    #: inputs (labels, counts) must stay integers.
    float_for_int: bool = False
    #: The kind of some outputs, by the call that gives them: ``(("predict()", "int"),)``
    #: for labels beside float outputs (``dtype`` is for every output).
    output_dtypes: tuple[tuple[str, str], ...] = ()

    def for_output(self, name: str) -> Tolerance:
        """This tolerance for the output ``name`` (``"predict() [step 3]"``)."""
        call = name.split(" [", 1)[0]
        for prefix, kind in self.output_dtypes:
            if call == prefix:
                return replace(self, dtype=kind)
        return self


@dataclass
class Mismatch:
    where: str
    message: str
    kind: str          # "type", "shape", "dtype", "nonfinite", "value", "length", "keys"
    learner_text: bool = False   # the message quotes text the learner's code returned


_KINDS = {"int": "iu", "float": "f", "bool": "b"}
_KIND_NAMES = {"b": "bool", "i": "int", "u": "int", "f": "float"}


def _what(value: Any) -> str:
    if value is None:
        return "None"
    if value is SELF:
        return _("the object itself")
    if isinstance(value, np.ndarray):
        return _("an array of shape {shape}").format(shape=value.shape)
    return _("a {type}").format(type=type(value).__name__)


def _fmt(x: Any) -> str:
    if isinstance(x, (float, np.floating)):
        return f"{float(x):.6g}"
    return repr(x.item() if isinstance(x, np.generic) else x)


def _as_array(value: Any) -> np.ndarray | None:
    """Learners may return lists or Python numbers: treat them as the arrays they mean."""
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, (bool, int, float, np.generic)):
        return np.asarray(value)
    if isinstance(value, (list, tuple)):
        try:
            arr = np.asarray(value)
        except (ValueError, TypeError):
            return None
        return arr if arr.dtype.kind in "biuf" else None
    return None


def at(where: str) -> str:
    """The start of a detail about output ``where``: its name, in the words shown."""
    return f"{where_words(where)}: "


def compare(expected: Any, actual: Any, tol: Tolerance = Tolerance(), where: str = "return",
            ) -> Mismatch | None:
    """``None`` if ``actual`` agrees with ``expected``, else the first :class:`Mismatch`."""
    if expected is SELF:
        if actual is SELF:
            return None
        return Mismatch(where, at(where) + _(
            "expected the object itself (`return self`), got {what}").format(what=_what(actual)),
            "type")
    if expected is None:
        if actual is None or actual is SELF:   # returning self where nothing is expected: fine
            return None
        return Mismatch(where, at(where) + _(
            "expected None (nothing returned), got {what}").format(what=_what(actual)), "type")
    if actual is SELF:
        return Mismatch(where, at(where) + _(
            "expected {what}, got the object itself (`return self`)").format(
                what=_what(expected)), "type")
    if isinstance(expected, str):
        if actual == expected:
            return None
        return Mismatch(where, at(where) + _("expected {expected}, got {actual}").format(
            expected=repr(expected), actual=repr(actual)), "value", learner_text=True)
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return Mismatch(where, at(where) + _("expected a dict, got {type}").format(
                type=type(actual).__name__), "type")
        if set(expected) != set(actual):
            return Mismatch(where, at(where) + _(
                "expected keys {expected}, got {actual}").format(
                    expected=sorted(expected), actual=sorted(map(str, actual))), "keys",
                learner_text=True)
        for k in expected:
            m = compare(expected[k], actual[k], tol, f"{where}[{k!r}]")
            if m:
                return m
        return None
    if isinstance(expected, tuple) or (isinstance(expected, list) and (
            _as_array(expected) is None or any(
                isinstance(v, (np.ndarray, tuple, list, dict)) for v in expected))):
        if not isinstance(actual, (tuple, list)):
            return Mismatch(where, at(where) + _(
                "expected a {kind} of {count} values, got {type}").format(
                    kind=type(expected).__name__, count=len(expected),
                    type=type(actual).__name__), "type")
        if len(actual) != len(expected):
            return Mismatch(where, at(where) + _("expected {count} values, got {got}").format(
                count=len(expected), got=len(actual)), "length")
        for i, (e, a) in enumerate(zip(expected, actual)):
            m = compare(e, a, tol, f"{where}[{i}]")
            if m:
                return m
        return None
    return _compare_arrays(np.asarray(expected), actual, tol, where)


def _compare_arrays(exp: np.ndarray, actual: Any, tol: Tolerance, where: str,
                    ) -> Mismatch | None:
    if actual is None:
        return Mismatch(where, at(where) + _(
            "got None. Did the function forget to `return` its result?"), "type")
    act = _as_array(actual)
    if act is None:
        return Mismatch(where, at(where) + _(
            "expected a number or NumPy array, got {type}").format(type=type(actual).__name__),
            "type")
    if act.shape != exp.shape:
        msg = at(where) + _("wrong shape: expected {expected}, got {actual}").format(
            expected=exp.shape, actual=act.shape)
        if exp.ndim == 2 and act.shape == exp.shape[::-1]:
            msg += _(" (the transpose: check the order of the matrix product or a missing .T)")
        elif exp.ndim == 0 and act.ndim > 0:
            msg += _(" (expected a single number: sum or average over all the values?)")
        elif abs(act.ndim - exp.ndim) == 1:
            msg += _(" (one axis too few or too many: check `axis=` and `keepdims=`)")
        elif act.size == exp.size:
            msg += _(" (same number of values: a reshape or an axis in the wrong place?)")
        return Mismatch(where, msg, "shape")
    if act.dtype.kind not in "biuf":
        return Mismatch(where, at(where) + _("expected numbers, got dtype {dtype}").format(
            dtype=act.dtype), "dtype")
    problem = _dtype_problem(exp, act, actual, tol) if act.size else None  # N = 0: any dtype
    if problem:
        return Mismatch(where, at(where) + problem, "dtype")
    exp_f = exp.astype(np.float64)
    act_f = act.astype(np.float64)
    bad_nf = ~np.isfinite(act_f) & np.isfinite(exp_f)
    if bad_nf.any():
        idx = tuple(int(i) for i in np.argwhere(bad_nf)[0])
        return Mismatch(where, at(where) + _(
            "got {actual} at index {index} where {expected} was expected ({count} non-finite "
            "values in all: an overflow in exp, a log of 0 or a division by 0?)").format(
                actual=_fmt(act_f[idx]), index=idx, expected=_fmt(exp_f[idx]),
                count=int(bad_nf.sum())), "nonfinite")
    close = np.isclose(act_f, exp_f, rtol=tol.rtol, atol=tol.atol, equal_nan=True)
    if close.all():
        return None
    wrong = ~close
    idx = tuple(int(i) for i in np.argwhere(wrong)[0]) if exp.ndim else ()
    with np.errstate(invalid="ignore"):
        err = np.abs(act_f - exp_f)
    msg = at(where) + (_("wrong value at index {index}: expected {expected}, got {actual}")
                          if exp.ndim else _("wrong value: expected {expected}, got {actual}")
                          ).format(index=idx, expected=_fmt(exp_f[idx]), actual=_fmt(act_f[idx]))
    if exp.size > 1:
        msg += _("; {wrong} of {size} values differ, largest error {error}").format(
            wrong=int(wrong.sum()), size=exp.size,
            error=f"{float(np.fmax.reduce(err.ravel())):.3g}")   # fmax: NaN ignored, no warning
    return Mismatch(where, msg, "value")


def _dtype_problem(exp: np.ndarray, act: np.ndarray, actual: Any, tol: Tolerance,
                   ) -> str | None:
    """What is wrong with the answer's dtype, or ``None``.

    The *kind* is always checked where it changes the meaning: bool where numbers are
    expected or numbers where bool is, floats where integers (labels, counts) are. An integer
    answer where floats are expected passes unless the exercise declares ``dtype="float"``
    (``np.array([0, 1])`` is a fine 0/1 answer); a single float number where an integer is
    expected passes too (a size of ``24.0`` is the size 24) unless it declares ``"int"``, and
    so does a float array from integer inputs (``tol.float_for_int``). ``same_dtype`` asks
    for the exact dtype (float32 kept); ``tol.dtype`` for a kind.
    """
    ek, ak = exp.dtype.kind, act.dtype.kind
    got = act.dtype
    if tol.dtype and ak not in _KINDS[tol.dtype] and not (
            tol.dtype == "int" and ak == "b" and isinstance(actual, bool)):   # True is 1
        hint = _(" (x > 0 gives bools: .astype(int))") if ak == "b" else ""
        return _("expected {kind} values, got dtype {dtype}").format(
            kind=tol.dtype, dtype=got) + hint
    if ek == "b" and ak != "b":
        return _("expected bool values (True/False), got dtype {dtype}").format(dtype=got)
    if ak == "b" and ek != "b" and isinstance(actual, (np.ndarray, np.generic)) and \
            not (ek in "iu" and tol.dtype == "int"):
        return _("expected {kind} values, got dtype {dtype} (convert the comparison: "
                 ".astype(float), or np.where(cond, 1.0, 0.0))").format(
                     kind=_KIND_NAMES.get(ek, ek), dtype=got)
    if ek in "iu" and ak == "f" and isinstance(actual, np.ndarray) and actual.ndim and \
            not tol.float_for_int:
        return _("expected integers, got dtype {dtype} (labels and counts are integers: "
                 ".astype(int))").format(dtype=got)
    if tol.same_dtype and isinstance(actual, (np.ndarray, np.generic)) and \
            act.dtype != exp.dtype:
        return _("expected dtype {expected} (the input's dtype is kept), got dtype {dtype}: an "
                 "operation with a float64 array or a Python float converted it").format(
                     expected=exp.dtype, dtype=got)
    return None


@dataclass(frozen=True)
class Hint:
    """A hint and whether it quotes a number of the case (a ratio, a batch size)."""

    text: str
    numeric: bool = False


def generic_hints(expected: Any, actual: Any, tol: Tolerance = Tolerance(),
                  batch: int | None = None) -> list[Hint]:
    """Hints for mistakes any numeric answer can show: a list of :class:`Hint`.

    The constant-factor hint needs at least two nonzero expected values with one common,
    nonzero ratio (a single number, or a single nonzero entry, is a multiple of anything).
    """
    exp = _as_array(expected)
    act = _as_array(actual)
    if exp is None or act is None or exp.dtype.kind not in "biuf" or act.dtype.kind not in "biuf":
        return []
    hints: list[Hint] = []
    if act.shape == exp.shape and exp.size and np.any(exp != 0):
        e, a = exp.astype(float), act.astype(float)
        nz = np.abs(e) > 1e-12
        if np.allclose(a, -e, rtol=tol.rtol, atol=tol.atol):
            hints.append(Hint(_("Your answer is the expected one with the sign flipped.")))
        elif int(nz.sum()) >= 2 and np.all(np.isfinite(a)):
            ratio = a[nz] / e[nz]
            k = float(ratio[0])
            if np.allclose(ratio, k, rtol=1e-6) and np.all(np.abs(a[~nz]) <= tol.atol) \
                    and not np.isclose(k, 1.0) and abs(k) > 1e-9:
                if batch and batch > 1 and np.isclose(k, batch):
                    hints.append(Hint(_(
                        "Your answer is {batch}× the expected one, and {batch} is the batch "
                        "size: divide by the number of samples (average, don't sum, over the "
                        "batch).").format(batch=batch), numeric=True))
                elif batch and batch > 1 and np.isclose(k, 1 / batch):
                    hints.append(Hint(_(
                        "Your answer is the expected one divided by {batch}, the batch size: "
                        "this quantity is not averaged over the batch.").format(batch=batch),
                        numeric=True))
                else:
                    hints.append(Hint(_("Your answer is the expected one times {factor}: a "
                                        "constant factor is missing or extra.").format(
                                            factor=f"{k:.4g}"), numeric=True))
    if exp.ndim == 2 and act.shape == exp.shape[::-1] and act.shape != exp.shape and np.allclose(
            act.T.astype(float), exp.astype(float), rtol=tol.rtol, atol=tol.atol):
        hints.append(Hint(_("Your answer is the transpose of the expected one.")))
    return hints


def matches(expected: Any, actual: Any, tol: Tolerance = Tolerance()) -> bool:
    """True when ``actual`` agrees with ``expected`` (see :func:`compare`)."""
    return compare(expected, actual, tol) is None
