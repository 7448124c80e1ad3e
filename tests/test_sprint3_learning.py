"""Sprint 3 (learning from data): what the reference must get right beyond its graded cases.

The generic tests (reference passes every case, stubs say not implemented, every hint fires,
the notebook runs, doctests) live elsewhere. Here: the book's numbers, losses that stay finite
at log 0 without warnings, the two label formats agreeing (hypothesis), mini-batches that are
reproducible and aligned, numerical derivatives against exact ones, gradient descent step by
step, the two-layer net against a hand-derived gradient and against an in-place
``numerical_gradient``, the case generators' coverage, and an oracle comparison with PyTorch.
"""
from __future__ import annotations

import nbformat
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from autograder.exercises import sprint3
from autograder.learner.registry import prepare
from autograder.learner.sandbox_child import FUNCTIONS
from solutions import gradients as gr
from solutions import losses as ls
from solutions import numerical_net as nn
from solutions.activations import sigmoid, softmax

from .conftest import ROOT
from .numeric import no_float_warnings

EXERCISES = {e.id: e for e in sprint3.EXERCISES}
BOOK_Y, BOOK_Y_BAD, BOOK_T = sprint3.BOOK_Y, sprint3.BOOK_Y_BAD, sprint3.BOOK_T


def _function_2(x):
    return x[0] ** 2 + x[1] ** 2


# --------------------------------------------------------------------------- the book's numbers
def test_the_books_numbers():
    assert ls.sum_squared_error(BOOK_Y, BOOK_T) == pytest.approx(0.0975, abs=1e-12)
    assert ls.sum_squared_error(BOOK_Y_BAD, BOOK_T) == pytest.approx(0.5975, abs=1e-12)
    assert ls.cross_entropy_error(BOOK_Y, BOOK_T) == pytest.approx(0.510825457099338, rel=1e-12)
    assert ls.cross_entropy_error(BOOK_Y_BAD, BOOK_T) == pytest.approx(2.302584092994546,
                                                                       rel=1e-12)
    f1 = FUNCTIONS["book_1d"]
    assert gr.numerical_diff(f1, 5) == pytest.approx(0.1999999999990898, abs=1e-15)
    assert gr.numerical_diff(f1, 10) == pytest.approx(0.2999999999986347, abs=1e-15)
    for point, grad in [((3.0, 4.0), (6, 8)), ((0.0, 2.0), (0, 4)), ((3.0, 0.0), (6, 0))]:
        np.testing.assert_allclose(gr.numerical_gradient(_function_2, np.array(point)), grad,
                                   atol=1e-9)
    init = np.array([-3.0, 4.0])
    x, _ = gr.gradient_descent(_function_2, init, lr=0.1, step_num=100)
    np.testing.assert_allclose(x, [-6.11110793e-10, 8.14814391e-10], rtol=1e-6)
    x, _ = gr.gradient_descent(_function_2, init, lr=10.0, step_num=100)
    np.testing.assert_allclose(x, [-2.58983747e13, -1.29524862e12], rtol=1e-8)
    x, _ = gr.gradient_descent(_function_2, init, lr=1e-10, step_num=100)
    np.testing.assert_allclose(x, [-2.99999994, 3.99999992], rtol=1e-8)


def test_the_books_simple_net_gradient():
    """The book's simpleNet dW for its W, x = (0.6, 0.9), t = class 2."""
    f = FUNCTIONS["softmax_cross_entropy"]
    dW = gr.numerical_gradient(lambda W: f(W, sprint3.SIMPLE_X, sprint3.SIMPLE_T),
                               sprint3.SIMPLE_W)
    np.testing.assert_allclose(dW, [[0.21924763, 0.14356247, -0.36281009],
                                    [0.32887144, 0.2153437, -0.54421514]], atol=1e-7)


# --------------------------------------------------------------------------- losses
def test_cross_entropy_is_finite_and_quiet_at_log_zero():
    with no_float_warnings():
        zero_at_truth = ls.cross_entropy_error(np.array([0.0, 0.3, 0.7]), 0)
        onehot = ls.cross_entropy_error(np.array([0.0, 0.3, 0.7]), np.array([1, 0, 0]))
        zeros_elsewhere = ls.cross_entropy_error(BOOK_Y, BOOK_T)
        all_wrong = ls.cross_entropy_error(np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([0, 1]))
    assert zero_at_truth == onehot == pytest.approx(-np.log(1e-7))
    assert np.isfinite(zeros_elsewhere)
    assert all_wrong == pytest.approx(-np.log(1e-7))
    assert ls.DELTA == 1e-7


def test_the_delta_is_added_not_clipped():
    assert ls.cross_entropy_error(sprint3.TINY_Y, 0) == pytest.approx(-np.log(1e-9 + 1e-7),
                                                                      rel=1e-12)


def _probs_and_labels(seed, single):
    rng = np.random.default_rng(seed)
    c = int(rng.integers(2, 9))
    shape = (c,) if single else (int(rng.integers(1, 8)), c)
    y = softmax(rng.normal(size=shape) * 4)
    y[rng.random(shape) < 0.2] = 0.0
    labels = rng.integers(0, c, size=shape[:-1])
    return y, (int(labels) if single else labels), np.eye(c)[labels]


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 10**6), st.booleans())
def test_index_and_onehot_labels_give_the_same_loss(seed, single):
    y, idx, onehot = _probs_and_labels(seed, single)
    for loss in (ls.cross_entropy_error, ls.sum_squared_error):
        a, b = loss(y, idx), loss(y, onehot)
        assert isinstance(a, float) and isinstance(b, float)
        assert a == pytest.approx(b, rel=1e-12, abs=1e-15)
        assert loss(y, onehot.astype(int)) == pytest.approx(b, rel=1e-12, abs=1e-15)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**6))
def test_a_batch_loss_is_the_mean_of_its_samples(seed):
    y, idx, onehot = _probs_and_labels(seed, single=False)
    for loss in (ls.cross_entropy_error, ls.sum_squared_error):
        singles = [loss(y[n], int(idx[n])) for n in range(len(y))]
        assert loss(y, idx) == pytest.approx(np.mean(singles), rel=1e-12, abs=1e-15)
        # a batch of one (1, C) is the same as one sample (C,)
        assert loss(y[:1], idx[:1]) == pytest.approx(singles[0], rel=1e-12, abs=1e-15)
    c = y.shape[1]
    np.testing.assert_allclose(
        ls.cross_entropy_error(y, idx),
        -np.mean(np.log(y[np.arange(len(y)), idx] + 1e-7)), rtol=1e-12)
    np.testing.assert_allclose(ls.sum_squared_error(y, idx),
                               0.5 * np.sum((y - np.eye(c)[idx]) ** 2) / len(y), rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, array_shapes(min_dims=2, max_dims=2, max_side=6),
              elements=st.floats(-100, 100)))
def test_sum_squared_error_on_regression_targets(y):
    t = y[::-1].copy()
    assert ls.sum_squared_error(y, t) == pytest.approx(
        0.5 * np.sum((y - t) ** 2) / len(y), rel=1e-12, abs=1e-12)
    assert ls.sum_squared_error(y, y) == 0


def test_losses_do_not_modify_their_inputs():
    y, idx, onehot = _probs_and_labels(3, single=False)
    copies = [a.copy() for a in (y, idx, onehot)]
    for loss in (ls.cross_entropy_error, ls.sum_squared_error):
        loss(y, idx)
        loss(y, onehot)
    for a, b in zip((y, idx, onehot), copies):
        np.testing.assert_array_equal(a, b)


# --------------------------------------------------------------------------- mini-batches
@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40), st.integers(0, 10**6), st.data())
def test_sample_batch_is_the_documented_draw_aligned_and_without_replacement(n, seed, data):
    batch = data.draw(st.integers(1, n))
    X = np.arange(n * 3, dtype=float).reshape(n, 3)
    t = np.arange(n)
    X0, t0 = X.copy(), t.copy()
    xb, tb = ls.sample_batch(X, t, batch, seed)
    idx = np.random.default_rng(seed).choice(n, batch, replace=False)
    np.testing.assert_array_equal(tb, idx)
    np.testing.assert_array_equal(xb, X[idx])
    assert len(set(tb.tolist())) == batch                 # no sample twice
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(t, t0)
    xb[...] = -1                                          # a new array, not a view of X
    np.testing.assert_array_equal(X, X0)


def test_sample_batch_with_a_generator_gives_a_new_batch_each_call():
    X, t = np.arange(100.0).reshape(50, 2), np.arange(50)
    rng = np.random.default_rng(0)
    first, second = ls.sample_batch(X, t, 10, rng)[1], ls.sample_batch(X, t, 10, rng)[1]
    assert not np.array_equal(first, second)
    again = ls.sample_batch(X, t, 10, 0)[1]
    np.testing.assert_array_equal(again, ls.sample_batch(X, t, 10, 0)[1])
    np.testing.assert_array_equal(np.sort(ls.sample_batch(X, t, 50, 1)[1]), t)


def test_sample_batch_keeps_image_and_onehot_shapes():
    X = np.random.default_rng(0).normal(size=(12, 1, 4, 4))
    t = np.eye(3)[np.arange(12) % 3]
    xb, tb = ls.sample_batch(X, t, 5, 9)
    assert xb.shape == (5, 1, 4, 4) and tb.shape == (5, 3)


# --------------------------------------------------------------------------- derivatives
@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(2, 5), elements=st.floats(-3, 3)), st.floats(-3, 3))
def test_numerical_diff_of_polynomials_is_the_central_difference(coef, x):
    f = FUNCTIONS["poly"]
    h = 1e-4
    got = gr.numerical_diff(lambda v: f(v, coef), x)
    assert got == (f(x + h, coef) - f(x - h, coef)) / (2 * h)
    exact = np.polyval(np.polyder(coef), x)
    third = abs(np.polyval(np.polyder(coef, 3), x)) if len(coef) > 3 else 0.0
    # Taylor: error h²/6 |f'''| (+ |f''''| terms) plus rounding of f values over 2h
    bound = h ** 2 * (third + 10 * np.abs(coef).sum()) + 1e-9 * (1 + np.abs(coef).sum() * 30)
    assert abs(got - exact) <= bound


def test_central_difference_beats_forward_difference():
    exact = np.cos(1.0)
    central = abs(gr.numerical_diff(np.sin, 1.0) - exact)
    forward = abs((np.sin(1.0 + 1e-4) - np.sin(1.0)) / 1e-4 - exact)
    assert central < 1e-8 < forward / 1000
    assert gr.numerical_diff(np.sin, 1.0, h=1e-50) == 0.0   # the rounding trap of the text


@settings(max_examples=40, deadline=None)
@given(array_shapes(min_dims=1, max_dims=3, max_side=4), st.integers(0, 10**6))
def test_numerical_gradient_of_a_quadratic_any_shape(shape, seed):
    rng = np.random.default_rng(seed)
    size = int(np.prod(shape))
    M = rng.normal(size=(size, size))
    A, c = M + M.T, rng.normal(size=shape)
    x = rng.normal(size=shape)
    x0 = x.copy()
    f = FUNCTIONS["quadratic"]
    grad = gr.numerical_gradient(lambda v: f(v, A, c), x)
    assert grad.shape == x.shape and grad.dtype == np.float64
    np.testing.assert_allclose(grad, (A @ x.ravel()).reshape(shape) + c, atol=1e-6)
    np.testing.assert_array_equal(x, x0)


def test_numerical_gradient_moves_one_element_at_a_time_and_restores_it():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    seen = []
    grad = gr.numerical_gradient(lambda v: seen.append(v.copy()) or float(np.sum(v ** 3)), x)
    assert len(seen) == 2 * x.size
    for k, v in enumerate(seen):
        moved = np.argwhere(v != x)
        assert len(moved) == 1, "exactly one element differs from x in every evaluation"
        assert tuple(moved[0]) == np.unravel_index(k // 2, x.shape)
        assert abs(v[tuple(moved[0])] - x[tuple(moved[0])]) == pytest.approx(1e-4)
    np.testing.assert_allclose(grad, 3 * x ** 2, rtol=1e-7)


def test_numerical_gradient_accepts_integers_and_leaves_them_alone():
    x = np.array([3, 4])
    np.testing.assert_allclose(gr.numerical_gradient(_function_2, x), [6.0, 8.0], atol=1e-9)
    assert x.dtype.kind == "i" and x.tolist() == [3, 4]


# --------------------------------------------------------------------------- gradient descent
@pytest.mark.parametrize("lr,steps", [(0.1, 20), (0.9, 7), (1.1, 5), (0.0, 3), (0.3, 0)])
def test_gradient_descent_step_by_step(lr, steps):
    init = np.array([-3.0, 4.0])
    x, history = gr.gradient_descent(_function_2, init, lr=lr, step_num=steps)
    assert history.shape == (steps + 1, 2)
    np.testing.assert_array_equal(history[0], init)
    np.testing.assert_array_equal(history[-1], x)
    for a, b in zip(history[:-1], history[1:]):
        np.testing.assert_allclose(b, a - lr * gr.numerical_gradient(_function_2, a), rtol=1e-12)
    np.testing.assert_array_equal(init, [-3.0, 4.0])
    np.testing.assert_allclose(history[-1], init * (1 - 2 * lr) ** steps, rtol=1e-6, atol=1e-9)


# --------------------------------------------------------------------------- the two-layer net
def _backprop(params, x, t):
    """The analytic gradient of the book's TwoLayerNet (what sprint 4 computes)."""
    z1 = sigmoid(x @ params["W1"] + params["b1"])
    y = softmax(z1 @ params["W2"] + params["b2"])
    T = np.eye(y.shape[1])[t] if np.ndim(t) == 1 else t
    dy = (y - T) / len(x)
    da1 = (dy @ params["W2"].T) * z1 * (1 - z1)
    return {"W1": x.T @ da1, "b1": da1.sum(0), "W2": z1.T @ dy, "b2": dy.sum(0)}


@pytest.mark.parametrize("seed", range(4))
def test_two_layer_net_gradient_matches_the_analytic_one(seed):
    rng = np.random.default_rng(seed)
    net = nn.TwoLayerNet(3, 5, 4, weight_init_std=1.0, seed=seed)
    x, t = rng.normal(size=(6, 3)), rng.integers(0, 4, size=6)
    before = {k: v.copy() for k, v in net.params.items()}
    grads = net.numerical_gradient(x, t)
    exact = _backprop(net.params, x, t)
    assert grads.keys() == exact.keys()
    for k in grads:   # the formula leaves out delta (relative effect 1e-7 / y) and h² terms
        np.testing.assert_allclose(grads[k], exact[k], rtol=1e-5, atol=1e-6)
        np.testing.assert_array_equal(net.params[k], before[k])
        assert net.params[k] is not grads[k]
    onehot = net.numerical_gradient(x, np.eye(4)[t])
    for k in grads:
        np.testing.assert_allclose(onehot[k], grads[k], rtol=1e-9, atol=1e-12)


def test_two_layer_net_works_with_an_in_place_numerical_gradient(monkeypatch):
    """A learner's numerical_gradient may perturb the caller's array and restore it (the
    book's way): the net's gradient must be the same."""
    from .corpus.sprint3 import numerical_gradient_book_in_place as in_place

    net = nn.TwoLayerNet(2, 4, 3, weight_init_std=1.0, seed=1)
    x, t = sprint3.NET_X, sprint3.NET_T
    expected = net.numerical_gradient(x, t)
    monkeypatch.setattr(nn, "numerical_gradient", in_place)
    got = net.numerical_gradient(x, t)
    for k in expected:
        np.testing.assert_allclose(got[k], expected[k], rtol=1e-12)


def test_the_books_lambda_gives_zero_gradients_with_a_copying_numerical_gradient():
    """The trap problem 8 warns about, and the mistake its hint is for."""
    net = sprint3._NetGradientIgnoresItsArgument(2, 4, 3, weight_init_std=1.0, seed=0)
    grads = net.numerical_gradient(sprint3.NET_X, sprint3.NET_T)
    assert all(np.all(g == 0) for g in grads.values())


def test_two_layer_net_predict_loss_accuracy():
    net = nn.TwoLayerNet(2, 4, 3, weight_init_std=1.0, seed=0)
    x, t = sprint3.NET_X, sprint3.NET_T
    y = net.predict(x)
    assert y.shape == (5, 3)
    np.testing.assert_allclose(y.sum(axis=1), 1.0)
    assert net.loss(x, t) == pytest.approx(ls.cross_entropy_error(y, t))
    assert net.accuracy(x, t) == net.accuracy(x, np.eye(3)[t]) == np.mean(y.argmax(1) == t)
    np.testing.assert_allclose(net.predict(x[0]), y[0])


def test_a_short_training_run_lowers_the_loss():
    X, t = nn.make_spirals(n_per_class=20, seed=0)
    net = nn.TwoLayerNet(2, 8, 3, weight_init_std=1.0, seed=0)
    rng = np.random.default_rng(0)
    start = net.loss(X, t)
    for _ in range(60):
        xb, tb = ls.sample_batch(X, t, 20, rng)
        grads = net.numerical_gradient(xb, tb)
        for k in net.params:
            net.params[k] -= 2.0 * grads[k]
    assert net.loss(X, t) < 0.8 * start


def test_make_spirals_is_reproducible_and_balanced():
    X, t = nn.make_spirals(n_per_class=30, n_classes=4, seed=3)
    assert X.shape == (120, 2) and np.bincount(t).tolist() == [30] * 4
    np.testing.assert_array_equal(X, nn.make_spirals(n_per_class=30, n_classes=4, seed=3)[0])
    assert np.abs(X).max() < 1.5


# --------------------------------------------------------------------------- the cases
def test_reference_outputs_are_finite_on_every_case():
    for ex in sprint3.EXERCISES:
        for p in prepare(ex, ex.public_inputs() + ex.hidden_inputs("finite")):
            for value in p.expected.values():
                leaves = value.values() if isinstance(value, dict) else (
                    value if isinstance(value, tuple) else (value,))
                for leaf in leaves:
                    assert np.all(np.isfinite(np.asarray(leaf, dtype=float))), ex.id


def test_generators_cover_label_formats_shapes_and_edge_cases():
    def inputs(ex_id, salts=("a", "b", "c")):
        ex = EXERCISES[ex_id]
        return ex.public_inputs() + [c for s in salts for c in ex.hidden_inputs(s)]

    for ex_id in ("sprint3.sum_squared_error", "sprint3.cross_entropy_error"):
        cases = inputs(ex_id)
        ys = [np.asarray(c["args"][0]) for c in cases]
        ts = [np.asarray(c["args"][1]) for c in cases]
        assert {y.ndim for y in ys} == {1, 2}, ex_id
        assert any(t.shape == y.shape for y, t in zip(ys, ts)), ex_id      # one-hot
        assert any(t.ndim == y.ndim - 1 for y, t in zip(ys, ts)), ex_id    # indices
    ce = inputs("sprint3.cross_entropy_error")
    zero_at_truth = 0
    for c in ce:
        y, t = np.atleast_2d(c["args"][0]), np.asarray(c["args"][1])
        idx = t.reshape(len(y), -1).argmax(1) if t.size == y.size else t.reshape(len(y))
        zero_at_truth += bool(np.any(y[np.arange(len(y)), idx] == 0))
    assert zero_at_truth >= 3, "log 0 at the correct class must be graded"
    descent = inputs("sprint3.gradient_descent")
    assert {c["kwargs"]["step_num"] for c in descent} >= {0, 1}
    diverging = [c for c in descent if c["args"][0].name == "quadratic"
                 and c["kwargs"]["lr"] * np.linalg.eigvalsh(c["args"][0].params["A"]).max() > 2]
    assert diverging, "a diverging learning rate must be graded"
    grads = inputs("sprint3.numerical_gradient")
    assert {c["args"][1].ndim for c in grads} >= {1, 2, 3}
    assert any(c["args"][1].dtype.kind == "i" for c in grads)
    assert {c["args"][0].name for c in grads} >= {"quadratic", "softmax_cross_entropy",
                                                  "sum_of_squares", "sin_mix"}


def test_the_not_restored_mistake_shows_only_on_non_separable_functions():
    """Its hint needs the public quadratic: on x0² + x1² a forgotten restore changes nothing."""
    ex = EXERCISES["sprint3.numerical_gradient"]
    public = prepare(ex, ex.public_inputs())
    hint = next(m.hint for m in ex.mistakes if m.implementation is sprint3._gradient_not_restored)
    differs = [p.label for p in public for m in p.mistakes if m.hint == hint
               and not np.allclose(m.outputs["return"], p.expected["return"], rtol=1e-6,
                                   atol=1e-8)]
    assert any("quadratic" in label for label in differs)
    assert not any("x0² + x1²" in label for label in differs)


def test_the_onehot_only_mistake_needs_the_square_public_batch():
    """t * log(y) with index labels runs only when N == C: that case must stay public."""
    ex = EXERCISES["sprint3.cross_entropy_error"]
    ran = []
    for c in ex.public_inputs():
        y, t = np.asarray(c["args"][0]), np.asarray(c["args"][1])
        if y.ndim == 2 and t.ndim == 1:
            try:
                sprint3._ce_onehot_only(y, t)
                ran.append(c["label"])
            except ValueError:
                pass
    assert any("3 samples over 3 classes" in label for label in ran)


# --------------------------------------------------------------------------- the notebook
def test_notebook_runs_short_under_quick_and_labels_its_plots():
    nb = nbformat.read(ROOT / "notebooks" / "sprint3_learning_from_data.ipynb", as_version=4)
    sources = [c.source for c in nb.cells if c.cell_type == "code"]
    training = [s for s in sources if "numerical_gradient(x_batch" in s]
    assert len(training) == 1 and "QUICK" in training[0] and "tqdm(" in training[0]
    for s in sources:
        if "plt.subplots" in s:
            assert "title" in s and "xlabel" in s, s[:80]
    questions = [c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("solution")]
    assert len(questions) == 3


# --------------------------------------------------------------------------- oracle: PyTorch
@pytest.mark.oracle
@pytest.mark.parametrize("seed", range(5))
def test_cross_entropy_matches_torch(torch, seed):
    F = torch.nn.functional
    rng = np.random.default_rng(seed)
    n, c = int(rng.integers(1, 9)), int(rng.integers(2, 11))
    logits = rng.normal(size=(n, c))
    t = rng.integers(0, c, size=n)
    y = softmax(logits)
    y_zero = y.copy()
    y_zero[0, t[0]] = 0.0                                   # log 0 at the correct class
    for probs in (y, y_zero):
        log_p = torch.log(torch.tensor(probs) + 1e-7)
        expected = F.nll_loss(log_p, torch.tensor(t)).item()
        assert ls.cross_entropy_error(probs, t) == pytest.approx(expected, rel=1e-12)
        assert ls.cross_entropy_error(probs, np.eye(c)[t]) == pytest.approx(expected, rel=1e-12)
    # Against the loss on the raw scores: equal up to the effect of delta (y >= 1e-3 here).
    assert y[np.arange(n), t].min() > 1e-3
    theirs = F.cross_entropy(torch.tensor(logits), torch.tensor(t)).item()
    assert ls.cross_entropy_error(y, t) == pytest.approx(theirs, abs=1e-4)
    soft = F.cross_entropy(torch.tensor(logits), torch.tensor(np.eye(c)[t])).item()
    assert ls.cross_entropy_error(y, np.eye(c)[t]) == pytest.approx(soft, abs=1e-4)


@pytest.mark.oracle
def test_numerical_gradient_matches_torch_autograd(torch):
    rng = np.random.default_rng(5)
    X, t = rng.normal(size=(7, 4)), rng.integers(0, 3, size=7)
    W = rng.normal(size=(4, 3))
    f = FUNCTIONS["softmax_cross_entropy"]
    ours = gr.numerical_gradient(lambda w: f(w, X, t), W)
    Wt = torch.tensor(W, requires_grad=True)
    torch.nn.functional.cross_entropy(torch.tensor(X) @ Wt, torch.tensor(t)).backward()
    np.testing.assert_allclose(ours, Wt.grad.numpy(), atol=1e-8)


@pytest.mark.oracle
def test_two_layer_net_gradient_matches_torch_autograd(torch):
    rng = np.random.default_rng(8)
    net = nn.TwoLayerNet(3, 6, 4, weight_init_std=1.0, seed=8)
    x, t = rng.normal(size=(9, 3)), rng.integers(0, 4, size=9)
    ours = net.numerical_gradient(x, t)
    p = {k: torch.tensor(v, requires_grad=True) for k, v in net.params.items()}
    z1 = torch.sigmoid(torch.tensor(x) @ p["W1"] + p["b1"])
    y = torch.softmax(z1 @ p["W2"] + p["b2"], dim=1)
    torch.nn.functional.nll_loss(torch.log(y + 1e-7), torch.tensor(t)).backward()
    for k in ours:
        np.testing.assert_allclose(ours[k], p[k].grad.numpy(), atol=1e-7)
