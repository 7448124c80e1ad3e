"""Sprint 0 (start here, NumPy warm-up): what is particular to its exercises and notebook.

The generic tests (reference passes, stubs are not implemented, every hint fires, notebooks
execute, doctests) live elsewhere. These check that any *correct* way of writing the warm-ups
passes (loops, other spellings: the tolerances and the cases do not demand one idiom), that
the mistakes the notebook warns about get the messages it promises (in-place changes, a
product in the wrong order), that the cases vary shapes, that the notebook's sample check
output is what the checker really prints, and the properties of the reference itself.
"""
from __future__ import annotations

import difflib
import re
import textwrap

import nbformat
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder import run_checks
from autograder.learner.evaluate import FAILED, PASSED, evaluate
from autograder.learner.registry import live_exercises, load_exercises
from solutions import warmup

from .conftest import ROOT, make_helpers
from .support import sample_check_call

NOTEBOOK = ROOT / "notebooks" / "sprint0_start_here.ipynb"
EXERCISES = [e for e in live_exercises() if e.sprint == "sprint0"]
SPECS = {s.id: s for s in load_exercises() if s.sprint == "sprint0"}


def _helpers_with(tmp_path, source: str):
    """A helpers/ package whose warmup.py is exactly ``source``."""
    pkg = make_helpers(tmp_path)
    (pkg / "warmup.py").write_text(textwrap.dedent(source))
    return pkg


def _evaluate(ex_id: str, pkg, hidden: bool = True):
    spec = SPECS[ex_id]
    cases = spec.public_cases() + (spec.hidden_cases("ci") if hidden else [])
    return evaluate(spec, cases, pkg)


# --------------------------------------------------------------------------- right answers
LOOPS = """
    import numpy as np


    def as_column(v):
        out = np.zeros((len(v), 1), dtype=np.asarray(v).dtype)
        for i in range(len(v)):
            out[i, 0] = v[i]
        return out


    def add_bias(X, b):
        out = np.zeros(X.shape)
        for n in range(X.shape[0]):
            for d in range(X.shape[1]):
                out[n, d] = X[n, d] + b[d]
        return out


    def affine(X, W, b):
        N, D = X.shape
        M = W.shape[1]
        out = np.zeros((N, M))
        for n in range(N):
            for m in range(M):
                total = b[m]
                for d in range(D):
                    total += X[n, d] * W[d, m]
                out[n, m] = total
        return out


    def row_means(X):
        out = np.zeros((X.shape[0], 1))
        for n in range(X.shape[0]):
            out[n, 0] = sum(X[n]) / len(X[n])
        return out


    def normalize_rows(X):
        out = np.zeros(X.shape)
        for n in range(X.shape[0]):
            total = sum(X[n])
            for d in range(X.shape[1]):
                out[n, d] = X[n, d] / total
        return out
"""

SPELLINGS = """
    import numpy as np


    def as_column(v):
        return np.expand_dims(v, axis=1)


    def add_bias(X, b):
        return np.add(X, b[np.newaxis, :])


    def affine(X, W, b):
        return np.einsum("nd,dm->nm", X, W) + b


    def row_means(X):
        return X.sum(axis=1)[:, None] / X.shape[1]


    def normalize_rows(X):
        return X / X.sum(axis=1).reshape(-1, 1)
"""

TIDY_COPIES = """
    import numpy as np


    def as_column(v):
        return np.array(v, dtype=float)[:, np.newaxis].copy()


    def add_bias(X, b):
        out = X.astype(float)        # a copy: X itself is left alone
        out += b
        return out


    def affine(X, W, b):
        return np.dot(X, W) + b


    def row_means(X):
        return np.mean(X, axis=-1, keepdims=True)


    def normalize_rows(X):
        out = np.array(X, dtype=float)
        out /= out.sum(axis=1, keepdims=True)
        return out
"""


@pytest.mark.parametrize("source", [LOOPS, SPELLINGS, TIDY_COPIES],
                         ids=["python-loops", "other-spellings", "in-place-on-a-copy"])
@pytest.mark.parametrize("ex_id", list(SPECS))
def test_any_correct_implementation_passes_public_and_hidden_cases(ex_id, source, tmp_path):
    result = _evaluate(ex_id, _helpers_with(tmp_path, source))
    assert result.status == PASSED, (result.message, result.hints)


# --------------------------------------------------------------------------- messages promised
@pytest.mark.parametrize("ex_id,source", [
    ("sprint0.add_bias", """
        def add_bias(X, b):
            X += b
            return X
     """),
    ("sprint0.normalize_rows", """
        import numpy as np

        def normalize_rows(X):
            X /= np.sum(X, axis=1, keepdims=True)
            return X
     """),
], ids=["add_bias", "normalize_rows"])
def test_changing_the_input_in_place_fails_and_says_so(ex_id, source, tmp_path):
    result = _evaluate(ex_id, _helpers_with(tmp_path, source), hidden=False)
    assert result.status == FAILED
    assert "case 1 of" in result.message and "argument 1 was modified in place" in result.message


def test_w_at_x_fails_on_every_non_square_case_and_gets_the_hint_on_the_square_one(tmp_path):
    pkg = _helpers_with(tmp_path, """
        def affine(X, W, b):
            return W @ X + b
    """)
    result = _evaluate("sprint0.affine", pkg, hidden=False)
    assert result.status == FAILED and result.passed == 0
    # the worked example (2, 3) @ (3, 2) is not square: W @ X raises there; the message shows
    # the square case, where the known mistake explains the answer, and its hint with it (a
    # hint never explains another case than the one shown)
    assert result.message.startswith("case 2 of") and "square" in result.message
    order_hint = next(m.hint for e in EXERCISES if e.name == "affine" for m in e.mistakes
                      if m.implementation.__name__ == "_affine_w_at_x")
    assert result.hints == [order_hint]


def test_missing_keepdims_in_normalize_rows_is_caught_even_where_it_runs(tmp_path):
    """X / X.sum(axis=1) runs (and is wrong) on square inputs: the public cases include one."""
    pkg = _helpers_with(tmp_path, """
        def normalize_rows(X):
            return X / X.sum(axis=1)
    """)
    spec = SPECS["sprint0.normalize_rows"]
    square = [p for p in spec.public_cases()
              if p.case.args[0].shape[0] == p.case.args[0].shape[1] > 1]
    assert square, "no public square case: the keepdims mistake would go unexplained"
    result = evaluate(spec, square, pkg)
    assert result.status == FAILED and "wrong value" in result.message
    assert any("keepdims=True" in h for h in result.hints)


# --------------------------------------------------------------------------- the cases
def _shapes(c):
    return tuple(np.shape(a) for a in c.args)


@pytest.mark.parametrize("ex", EXERCISES, ids=[e.id for e in EXERCISES])
def test_cases_vary_their_shapes_and_hidden_ones_reach_the_edges(ex):
    public_random = ex.public_inputs()[len(ex.examples):]
    assert len({_shapes(c) for c in public_random}) >= 2, "public random cases share one shape"
    hidden = ex.hidden_inputs("ci")
    assert len({_shapes(c) for c in hidden}) >= 6
    first = [np.shape(c.args[0]) for c in hidden]
    assert any(1 in s for s in first), "no hidden case with an axis of length 1"
    assert any(len(s) == 2 and s[0] != s[1] for s in first) or ex.name == "as_column"
    assert any(np.asarray(c.args[0]).dtype.kind in "iu" for c in hidden), \
        "no hidden integer input"


def test_the_square_worked_examples_are_square():
    """The module docstring promises square worked examples for the shape-sensitive mistakes."""
    for ex in EXERCISES:
        if ex.name == "as_column":
            continue
        shapes = [_shapes(c) for c in ex.examples]
        assert any(all(len(s) != 2 or s[0] == s[1] for s in sh) for sh in shapes), ex.id


# --------------------------------------------------------------------------- the notebook
def _notebook():
    return nbformat.read(NOTEBOOK, as_version=4)


def test_the_sample_check_output_in_the_notebook_is_what_the_checker_prints(tmp_path):
    nb = _notebook()
    helper, selectors = sample_check_call(nb)
    pkg = _helpers_with(tmp_path, helper)
    printed = run_checks(selectors, helpers=pkg).render()

    shown = None
    for c in nb.cells:
        m = re.search(r"```text\n(.*?)\n```", c.source, re.S) if c.cell_type == "markdown" else None
        if m and "✘ FAIL" in m.group(1):
            shown = m.group(1)
    assert shown is not None, "no sample check output in the notebook"
    assert shown == printed, "the notebook's sample output is out of date; the checker prints:\n" \
        + printed + "\n\ndiff:\n" + "\n".join(difflib.unified_diff(
            shown.splitlines(), printed.splitlines(), "notebook", "checker", lineterm=""))
    for status in ("✔ PASS", "… TODO", "✘ FAIL", "Hint:", "wrong shape", "wrong value"):
        assert status in shown, f"the sample no longer shows {status!r}"


def test_each_problem_names_its_stub_and_is_followed_by_its_check_cell():
    nb = _notebook()
    by_name = {e.name: e for e in EXERCISES}
    seen = []
    for i, c in enumerate(nb.cells):
        m = re.search(r"【問題(\d+)】 Problem (\d+): .*`helpers/warmup\.py: (\w+)`", c.source)
        if c.cell_type != "markdown" or not m:
            continue
        kanji_n, n, name = int(m.group(1)), int(m.group(2)), m.group(3)
        assert kanji_n == n, c.source[:80]
        ex = by_name[name]
        assert ex.title.startswith(f"Problem {n}:"), (ex.title, n)
        nxt = next(d for d in nb.cells[i + 1:] if d.cell_type == "code")
        assert nxt.source == f'check("{ex.id}")', (name, nxt.source)
        seen.append(n)
    assert seen == list(range(1, len(EXERCISES) + 1)), seen


def test_discussion_questions_and_the_challenge_are_there():
    nb = _notebook()
    answers = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert [c.metadata.nbgrader.grade_id for c in answers] == ["sprint0-q1", "sprint0-q2"]
    assert all(c.cell_type == "markdown" and c.source == "YOUR ANSWER HERE" for c in answers)
    text = "\n".join(c.source for c in nb.cells)
    for must in ("今回のモチベーション", "今日のDiver", "python -m autograder check sprint0",
                 "Validate", "facilitator", "from helpers import warmup"):
        assert must in text, must


# --------------------------------------------------------------------------- the reference
def _matrices(max_side=6, **kw):
    return hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=max_side),
                      elements=st.floats(-1e3, 1e3, **kw))


@settings(max_examples=40, deadline=None)
@given(hnp.arrays(np.float64, st.integers(0, 12), elements=st.floats(-1e6, 1e6)))
def test_as_column_keeps_the_values_in_one_column(v):
    col = warmup.as_column(v)
    assert col.shape == (len(v), 1)
    np.testing.assert_array_equal(col[:, 0], v)


@settings(max_examples=40, deadline=None)
@given(_matrices(), st.data())
def test_add_bias_adds_b_to_every_row_and_leaves_x_alone(X, data):
    b = data.draw(hnp.arrays(np.float64, X.shape[1], elements=st.floats(-1e3, 1e3)))
    before = X.copy()
    out = warmup.add_bias(X, b)
    np.testing.assert_array_equal(X, before)
    for n in range(X.shape[0]):
        np.testing.assert_array_equal(out[n], X[n] + b)


@settings(max_examples=40, deadline=None)
@given(_matrices(), st.integers(1, 6), st.data())
def test_affine_is_linear_in_x_and_has_shape_n_by_m(X, m, data):
    W = data.draw(hnp.arrays(np.float64, (X.shape[1], m), elements=st.floats(-10, 10)))
    b = data.draw(hnp.arrays(np.float64, m, elements=st.floats(-10, 10)))
    out = warmup.affine(X, W, b)
    assert out.shape == (X.shape[0], m)
    np.testing.assert_allclose(warmup.affine(2 * X, W, b) - out, out - b, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(warmup.affine(X, np.eye(X.shape[1]), np.zeros(X.shape[1])), X)


@settings(max_examples=40, deadline=None)
@given(_matrices())
def test_row_means_is_a_column_that_centres_each_row(X):
    means = warmup.row_means(X)
    assert means.shape == (X.shape[0], 1)
    np.testing.assert_allclose((X - means).sum(axis=1), 0, atol=1e-9 * X.shape[1] * 1e3)


@settings(max_examples=40, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=6),
                  elements=st.floats(0.01, 1e3)), st.data())
def test_normalize_rows_sums_rows_to_one_whatever_the_scale_of_each_row(X, data):
    scale = data.draw(hnp.arrays(np.float64, (X.shape[0], 1), elements=st.floats(0.1, 100)))
    before = X.copy()
    out = warmup.normalize_rows(X)
    np.testing.assert_array_equal(X, before)
    assert out.shape == X.shape and (out >= 0).all()
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(warmup.normalize_rows(X * scale), out, rtol=1e-12)
