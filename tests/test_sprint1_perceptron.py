"""Sprint 1 (the perceptron): properties of the reference, its plots and its graded cases.

The generic tests (reference passes every case, stubs are "not implemented", every hint
fires, the notebook runs) live in test_exercises.py and test_notebooks.py.
"""
from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from autograder.exercises import sprint1  # noqa: E402
from autograder.learner import sandbox_child  # noqa: E402
from autograder.learner.compare import matches  # noqa: E402
from solutions import perceptron as P  # noqa: E402
from solutions import plotting  # noqa: E402

from .conftest import ROOT  # noqa: E402

X4 = np.array([[0, 0], [1, 0], [0, 1], [1, 1]])
TABLES = {"AND": [0, 0, 0, 1], "NAND": [1, 1, 1, 0], "OR": [0, 1, 1, 1], "XOR": [0, 1, 1, 0]}
RULES = {"AND": lambda a, b: a & b, "NAND": lambda a, b: 1 - (a & b),
         "OR": lambda a, b: a | b, "XOR": lambda a, b: a ^ b}
NOTEBOOK = ROOT / "notebooks" / "sprint1_perceptron.ipynb"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# --------------------------------------------------------------------------- gates
@pytest.mark.parametrize("name", TABLES)
def test_each_gate_gives_its_truth_table_for_a_batch_and_for_single_pairs(name):
    gate = getattr(P, name)
    out = gate(X4)
    assert out.shape == (4,) and out.dtype.kind in "iu"
    assert out.tolist() == TABLES[name]
    for row, want in zip(X4, TABLES[name]):
        single = gate(row)
        assert np.shape(single) == () and int(single) == want


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 1)), min_size=0, max_size=12),
       st.sampled_from(sorted(TABLES)))
def test_gates_agree_with_boolean_logic_on_any_batch(pairs, name):
    X = np.array(pairs, dtype=int).reshape(-1, 2)
    want = [RULES[name](int(a), int(b)) for a, b in X]
    assert getattr(P, name)(X).tolist() == want


def test_the_module_docstrings_truth_table_is_each_gates_rule():
    # The gates' docstrings point at this one table (it is no doctest): it must say what
    # the rules say, row by row, and its columns must be the ones the gates are named by.
    header, *rows = [line.split() for line in P.__doc__.splitlines()
                     if re.fullmatch(r"\s*(x1\s+x2|[01]\s+[01])\s*\|.*", line)]
    assert header == ["x1", "x2", "|", "AND", "NAND", "OR"]
    names = header[3:]
    assert [tuple(map(int, row[:2])) for row in rows] == [tuple(x) for x in X4.tolist()]
    for row in rows:
        a, b = int(row[0]), int(row[1])
        assert row[2] == "|"
        assert [int(v) for v in row[3:]] == [RULES[name](a, b) for name in names], row


def test_xor_is_built_from_the_module_gates(monkeypatch):
    """The reference follows its own docstring: XOR = AND(NAND(x), OR(x)), no new weights."""
    calls = []

    def spy(name):
        real = getattr(P, name)

        def gate(x):
            calls.append(name)
            return real(x)
        return gate

    for name in ("NAND", "OR", "AND"):
        monkeypatch.setattr(P, name, spy(name))
    assert P.XOR(X4).tolist() == TABLES["XOR"]
    assert sorted(calls) == ["AND", "NAND", "OR"]
    monkeypatch.setattr(P, "AND", lambda x: np.ones(np.shape(x)[:-1], dtype=int))
    assert P.XOR(X4).tolist() == [1, 1, 1, 1], "XOR does not use the module's AND"


def test_no_single_line_computes_xor():
    """Why XOR needs two layers: 20,000 random perceptrons get at most 3 of 4 rows right."""
    rng = np.random.default_rng(0)
    W = rng.normal(size=(20000, 2))
    b = rng.normal(size=20000)
    right = ((X4 @ W.T + b > 0).astype(int) == np.array(TABLES["XOR"])[:, None]).sum(axis=0)
    assert right.max() == 3


@pytest.mark.parametrize("x,w,b,want", [
    (np.array([0, 1]), np.array([0.5, 0.5]), -0.7, 0),
    (np.array([1, 1]), np.array([0.5, 0.5]), -0.7, 1),
    (np.array([1.0, 1.0]), np.array([0.5, -0.5]), 0.0, 0),     # a sum of exactly 0 does not fire
    (np.array([2.0]), np.array([1.0]), -1.999, 1),
])
def test_perceptron_output_fires_only_above_zero(x, w, b, want):
    assert int(P.perceptron_output(x, w, b)) == want
    assert P.perceptron_output(x[None, :], w, b).tolist() == [want]


# --------------------------------------------------------------------------- learning rule
def test_learning_and_follows_the_hand_computed_trace():
    """lr = 1 from zero, samples 00, 10, 01, 11 (worked out by hand, one update at a time)."""
    p = P.Perceptron(n_inputs=2, lr=1.0)
    errors = p.fit(X4, np.array(TABLES["AND"]), epochs=8)
    assert errors.tolist() == [1, 3, 3, 2, 1, 0, 0, 0]
    assert p.w.tolist() == [1.0, 2.0] and float(p.b) == -2.0
    assert p.predict(X4).tolist() == TABLES["AND"]


def test_a_new_perceptron_starts_at_zero_and_fit_returns_one_count_per_epoch():
    p = P.Perceptron(n_inputs=3, lr=0.1)
    assert p.w.tolist() == [0.0, 0.0, 0.0] and float(p.b) == 0.0
    assert p.predict(np.ones((5, 3))).tolist() == [0] * 5       # w·x + b = 0 does not fire
    errors = p.fit(np.eye(3), np.array([1, 0, 1]), epochs=4)
    assert errors.shape == (4,) and errors.dtype.kind in "iu"
    assert p.fit(np.eye(3), np.array([1, 0, 1]), epochs=0).shape == (0,)


def _separable(seed, n, d, margin=0.1):
    rng = np.random.default_rng(seed)
    w = rng.normal(size=d)
    w /= np.linalg.norm(w)
    b = rng.uniform(-0.5, 0.5)
    X = rng.uniform(-1, 1, size=(20 * n, d))
    X = X[np.abs(X @ w + b) > margin][:n]
    return X, (X @ w + b > 0).astype(int)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 30), st.integers(1, 3),
       st.sampled_from([0.01, 0.1, 0.5, 1.0]))
def test_the_learning_rule_separates_linearly_separable_data(seed, n, d, lr):
    """The convergence theorem (Novikoff): from zero, at most (R/γ)² updates are ever made,
    with R² = max |(x, 1)|² <= d + 1 <= 4 and γ >= 0.1 / |(w*, b*)| >= 0.1 / 1.12, so < 502."""
    X, y = _separable(seed, n, d)
    p = P.Perceptron(n_inputs=d, lr=lr)
    errors = p.fit(X, y, epochs=520)
    assert errors[-1] == 0
    assert errors.sum() <= 502
    assert np.array_equal(p.predict(X), y)
    nonzero = np.flatnonzero(errors)
    assert nonzero.size == 0 or np.all(errors[nonzero[-1] + 1:] == 0)


@settings(max_examples=30, deadline=None)
@given(st.permutations(range(4)), st.sampled_from([0.1, 0.5, 1.0, 3.0]), st.integers(1, 40))
def test_the_learning_rule_never_learns_xor(order, lr, epochs):
    """Not linearly separable: an epoch without a mistake would be a separating line."""
    order = list(order)
    p = P.Perceptron(n_inputs=2, lr=lr)
    errors = p.fit(X4[order], np.array(TABLES["XOR"])[order], epochs=epochs)
    assert errors.shape == (epochs,) and np.all(errors >= 1)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([0.25, 0.5, 2.0, 4.0]))
def test_from_zero_the_learning_rate_only_scales_the_weights(seed, lr):
    X, y = _separable(seed, 12, 2)
    one, scaled = P.Perceptron(2, lr=1.0), P.Perceptron(2, lr=lr)
    e1, e2 = one.fit(X, y, epochs=15), scaled.fit(X, y, epochs=15)
    assert np.array_equal(e1, e2)
    assert np.allclose(scaled.w, lr * one.w) and np.isclose(scaled.b, lr * one.b)


def test_fit_continues_from_the_current_weights():
    X, y = _separable(3, 20, 2)
    a, b = P.Perceptron(2, lr=0.3), P.Perceptron(2, lr=0.3)
    ea = np.concatenate([a.fit(X, y, epochs=2), a.fit(X, y, epochs=3)])
    eb = b.fit(X, y, epochs=5)
    assert np.array_equal(ea, eb) and np.array_equal(a.w, b.w) and a.b == b.b


def test_fit_does_not_modify_its_inputs():
    X, y = X4.astype(float), np.array(TABLES["OR"])
    X0, y0 = X.copy(), y.copy()
    P.Perceptron(2, lr=1.0).fit(X, y, epochs=5)
    assert np.array_equal(X, X0) and np.array_equal(y, y0)


# --------------------------------------------------------------------------- graded cases
def test_the_generated_gate_tables_are_exactly_the_separable_ones():
    tables = {tuple(t) for t in sprint1.SEPARABLE_TABLES}
    assert len(tables) == 14 and (0, 1, 1, 0) not in tables and (1, 0, 0, 1) not in tables
    for t in sprint1.SEPARABLE_TABLES:
        p = P.Perceptron(2, lr=1.0)
        assert p.fit(X4, t, epochs=30)[-1] == 0, t


class _OtherOrderPerceptron:
    """The same rule written another way: Python sums in reverse order, in-place updates."""

    def __init__(self, n_inputs=2, lr=0.1):
        self.lr, self.w, self.b = lr, np.zeros(n_inputs), 0.0

    def _one(self, x):
        s = self.b
        for xi, wi in reversed(list(zip(x, self.w))):
            s = s + wi * xi
        return int(s > 0)

    def predict(self, X):
        X = np.asarray(X, dtype=float)
        return np.array(self._one(X)) if X.ndim == 1 else np.array([self._one(x) for x in X])

    def fit(self, X, y, epochs=10):
        errors = []
        for _ in range(epochs):
            count = 0
            for x, t in zip(np.asarray(X, dtype=float), y):
                err = int(t) - self._one(x)
                if err:
                    self.w += (self.lr * err) * x
                    self.b += self.lr * err
                    count += 1
            errors.append(count)
        return np.array(errors, dtype=int)


def _other_order_output(x, w, b):
    x = np.asarray(x, dtype=float)
    sums = b + np.einsum("...d,d->...", x[..., ::-1], np.asarray(w)[::-1])
    return (sums > 0).astype(int)


@pytest.mark.parametrize("ex_id,other", [("sprint1.perceptron", _OtherOrderPerceptron),
                                         ("sprint1.perceptron_output", _other_order_output)])
def test_graded_answers_do_not_depend_on_the_order_of_summation(ex_id, other):
    """A right answer written differently (other order of sums, in-place updates) passes every
    case: no case sits on a rounding tie of w · x + b = 0."""
    ex = next(e for e in sprint1.EXERCISES if e.id == ex_id)
    cases = ex.public_inputs() + ex.hidden_inputs("ci") + ex.hidden_inputs("other")
    for c in cases:
        want = sandbox_child.run_case(ex.reference_target(), c)["outputs"]
        got = sandbox_child.run_case(other, c)["outputs"]
        assert set(want) == set(got)
        for k in want:
            assert matches(want[k], got[k], ex.tol), (c.label, k, want[k], got[k])


def test_sprint1_points_and_problem_numbers():
    assert [e.points for e in sprint1.EXERCISES] == [1, 1, 1, 1, 1, 2, 2]
    numbers = [int(re.match(r"Problem (\d+):", e.title).group(1)) for e in sprint1.EXERCISES]
    assert numbers == list(range(1, len(numbers) + 1))


# --------------------------------------------------------------------------- plotting
def test_decision_grid_matches_the_and_perceptron_everywhere():
    xx, yy, zz = plotting.decision_grid(P.AND, resolution=41)
    assert xx.shape == yy.shape == zz.shape == (41, 41)
    assert xx.min() == -0.5 and xx.max() == 1.5 and yy.min() == -0.5 and yy.max() == 1.5
    assert np.array_equal(zz, (0.5 * xx + 0.5 * yy - 0.7 > 0).astype(int))


def test_decision_grid_explains_a_predict_that_is_not_batched():
    with pytest.raises(ValueError, match=r"one output per row"):
        plotting.decision_grid(lambda X: np.int64(1))


@pytest.mark.parametrize("gate", ["AND", "NAND", "OR", "XOR"])
def test_plot_decision_boundary_draws_regions_boundary_points_and_labels(gate):
    ax = plotting.plot_decision_boundary(getattr(P, gate), title=gate)
    assert isinstance(ax, matplotlib.axes.Axes)
    assert ax.get_title() == gate and ax.get_xlabel() and ax.get_ylabel()
    assert ax.get_xlim() == (-0.5, 1.5) and ax.get_ylim() == (-0.5, 1.5)
    offsets = np.vstack([c.get_offsets() for c in ax.collections
                         if isinstance(c, matplotlib.collections.PathCollection)])
    assert sorted(map(tuple, offsets.tolist())) == sorted(map(tuple, X4.astype(float).tolist()))
    assert ax.get_legend() is not None


def test_plot_decision_boundary_draws_into_the_given_axes_and_colours_by_labels():
    fig, axes = plt.subplots(1, 2)
    X = np.array([[0.2, 0.3], [1.0, 1.2], [0.9, 0.1]])
    ax = plotting.plot_decision_boundary(P.OR, ax=axes[1], points=X, labels=np.array([0, 1, 1]))
    assert ax is axes[1] and not axes[0].collections
    ones = [c for c in ax.collections if c.get_label() == "1"][0]
    assert ones.get_offsets().shape == (2, 2)


def test_plot_line_draws_w_dot_x_plus_b_equals_zero():
    ax = plotting.plot_line(np.array([0.5, 0.5]), -0.7, label="AND")
    (line,) = ax.get_lines()
    x, y = line.get_data()
    assert np.allclose(0.5 * np.asarray(x) + 0.5 * np.asarray(y) - 0.7, 0)
    ax = plotting.plot_line(np.array([2.0, 0.0]), -1.0)
    assert np.allclose(ax.get_lines()[0].get_xdata(), 0.5)          # vertical x1 = 0.5
    with pytest.raises(ValueError):
        plotting.plot_line(np.zeros(2), 1.0)


def test_plot_errors_and_plot_points_label_their_axes():
    ax = plotting.plot_errors([3, 2, 0], title="AND")
    (line,) = ax.get_lines()
    assert line.get_xdata().tolist() == [1, 2, 3] and line.get_ydata().tolist() == [3, 2, 0]
    assert ax.get_xlabel() == "epoch" and "mistake" in ax.get_ylabel() and ax.get_title()
    assert ax.get_ylim()[0] == 0
    plotting.plot_errors([9, 12, 10, 11], ax=ax)        # a second, taller curve still fits
    assert ax.get_ylim()[0] == 0 and ax.get_ylim()[1] >= 12 and ax.get_xlim()[1] >= 4
    ax = plotting.plot_points(X4, TABLES["XOR"], title="XOR")
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title() == "XOR"


def test_truth_table_lists_every_pair_and_column():
    text = plotting.truth_table({"s1": P.NAND, "s2": P.OR, "y": P.XOR})
    lines = text.splitlines()
    assert lines[0].split() == ["x1", "x2", "|", "s1", "s2", "y"]
    rows = [[int(v) for v in ln.replace("|", " ").split()] for ln in lines[2:]]
    assert rows == [[0, 0, 1, 0, 0], [1, 0, 1, 1, 1], [0, 1, 1, 1, 1], [1, 1, 0, 1, 0]]


# --------------------------------------------------------------------------- notebook
def test_each_problem_heading_names_its_stub_and_precedes_its_check_cell():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    by_id = {e.id: e for e in sprint1.EXERCISES}
    heading = None
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"【問題(\d+)】", cell.source)
            if m:
                heading = (int(m.group(1)), cell.source)
        m = re.fullmatch(r'check\("(sprint1\.\w+)"\)', cell.source.strip())
        if cell.cell_type == "code" and m:
            ex = by_id.pop(m.group(1))
            number = int(re.match(r"Problem (\d+)", ex.title).group(1))
            assert heading and heading[0] == number, (ex.id, heading)
            assert f"helpers/{ex.module}.py: {ex.name}" in heading[1], (ex.id, heading[1])
            heading = None
    assert not by_id, f"no check cell for {sorted(by_id)}"


def test_the_notebook_uses_the_learners_helpers_not_the_solutions():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "from helpers import perceptron, plotting" in code
    assert "solutions" not in code
    for name in ("plot_decision_boundary", "truth_table", "plot_errors", "Perceptron("):
        assert name in code
