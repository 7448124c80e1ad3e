"""Sprint 7 (1D convolution): what the reference must get right beyond its graded cases.

The generic tests (reference passes every case, stubs say not implemented, every hint fires,
the notebook runs, doctests) live elsewhere. Here: the worked examples derived by hand, the
output size against counting positions, every backward against central differences, a naive
loop implementation and PyTorch (test-only oracle) on random shapes with stride > 1,
padding > 0 and C > 1, max-pool ties, dtypes and purity, the signal data set, the assembled
1D CNN (its gradients, and that it learns the signals), and the case generators' coverage.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder.exercises import sprint7
from solutions.cnn1d import SimpleConvNet1D, train
from solutions.conv1d import Conv1d, MaxPool1D, SimpleConv1d, conv1d_output_size, pad1d
from solutions.optimizers import Adam
from solutions.signals import CLASS_NAMES, make_signals, waveform

from .numeric import central_difference, loss_of_param, max_relative_error

EXERCISES = {e.id: e for e in sprint7.EXERCISES}


def _naive_conv1d(x, W, b, stride, pad):
    """Cross-correlation by the definition, with explicit loops and explicit zero padding."""
    n, c, length = x.shape
    f, _, k = W.shape
    x_p = np.zeros((n, c, length + 2 * pad))
    x_p[:, :, pad:pad + length] = x
    n_out = 0
    while n_out * stride + k <= length + 2 * pad:
        n_out += 1
    out = np.zeros((n, f, n_out))
    for s in range(n):
        for j in range(f):
            for i in range(n_out):
                out[s, j, i] = np.sum(x_p[s, :, i * stride:i * stride + k] * W[j]) + b[j]
    return out


def _random_conv_setup(rng):
    n, c, f, k = (int(v) for v in rng.integers(1, 5, size=4))
    stride, pad = int(rng.integers(1, 4)), int(rng.integers(0, 3))
    length = int(rng.integers(max(1, k - 2 * pad), 14))
    return (rng.normal(size=(n, c, length)), rng.normal(size=(f, c, k)), rng.normal(size=f),
            stride, pad)


# --------------------------------------------------------------------------- worked examples
def test_the_worked_example_forward_and_the_text_upstream_gradient():
    conv = SimpleConv1d(np.array([3.0, 5.0, 7.0]), np.array([1.0]))
    np.testing.assert_array_equal(conv.forward(np.array([1.0, 2.0, 3.0, 4.0])), [35.0, 50.0])
    dx = conv.backward(np.array([10.0, 20.0]))
    # By hand: dw_k = 10 x_k + 20 x_{k+1}; db = 10 + 20; dx_j = 10 w_j + 20 w_{j-1}.
    np.testing.assert_array_equal(conv.dW, [50.0, 80.0, 110.0])
    np.testing.assert_array_equal(conv.db, [30.0])
    np.testing.assert_array_equal(dx, [30.0, 110.0, 170.0, 140.0])


def test_the_hand_derivation_question_of_the_notebook():
    """delta = [-4, -10]: the numbers the learner derives by hand in the notebook."""
    conv = SimpleConv1d(np.array([3.0, 5.0, 7.0]), np.array([1.0]))
    conv.forward(np.array([1.0, 2.0, 3.0, 4.0]))
    dx = conv.backward(np.array([-4.0, -10.0]))
    # dw = [-4·1 - 10·2, -4·2 - 10·3, -4·3 - 10·4]; db = -14
    # dx = [-4·3, -4·5 - 10·3, -4·7 - 10·5, -10·7]
    np.testing.assert_array_equal(conv.dW, [-24.0, -38.0, -52.0])
    np.testing.assert_array_equal(conv.db, [-14.0])
    np.testing.assert_array_equal(dx, [-12.0, -50.0, -78.0, -70.0])


def test_the_two_channel_three_filter_example():
    conv = Conv1d(np.ones((3, 2, 3)), np.array([1.0, 2.0, 3.0]))
    out = conv.forward(np.array([[[1.0, 2.0, 3.0, 4.0], [2.0, 3.0, 4.0, 5.0]]]))
    np.testing.assert_array_equal(out, [[[16.0, 22.0], [17.0, 23.0], [18.0, 24.0]]])


def test_padding_and_stride_by_hand():
    # x = [1, 2, 3], pad 1 -> [0, 1, 2, 3, 0]; w = [1, 1, 1], stride 2: windows at 0 and 2.
    conv = Conv1d(np.ones((1, 1, 3)), np.zeros(1), stride=2, pad=1)
    np.testing.assert_array_equal(conv.forward(np.array([[[1.0, 2.0, 3.0]]])), [[[3.0, 5.0]]])
    # dout [1, 10]: window 0 covers x_p[0:3] = (0, x0, x1), window 1 x_p[2:5] = (x1, x2, 0).
    np.testing.assert_array_equal(conv.backward(np.array([[[1.0, 10.0]]])), [[[1.0, 11.0, 10.0]]])
    np.testing.assert_array_equal(pad1d(np.array([[1.0, 2.0]]), 2), [[0, 0, 1, 2, 0, 0]])


@given(n_in=st.integers(1, 60), filter_size=st.integers(1, 12), pad=st.integers(0, 4),
       stride=st.integers(1, 6))
@settings(max_examples=200, deadline=None)
def test_output_size_counts_the_positions_where_the_filter_fits(n_in, filter_size, pad, stride):
    if filter_size > n_in + 2 * pad:
        return
    positions = [s for s in range(0, n_in + 2 * pad) if s + filter_size <= n_in + 2 * pad
                 and s % stride == 0]
    got = conv1d_output_size(n_in, filter_size, pad, stride)
    assert isinstance(got, int) and got == len(positions)


# --------------------------------------------------------------------------- backward = numerical
@pytest.mark.parametrize("seed", range(4))
def test_simple_conv1d_backward_matches_central_differences(seed):
    rng = np.random.default_rng(seed)
    length = int(rng.integers(2, 10))
    size = int(rng.integers(1, length + 1))
    x, W, b = rng.normal(size=length), rng.normal(size=size), rng.normal(size=1)
    g = rng.normal(size=length - size + 1)
    conv = SimpleConv1d(W, b)
    conv.forward(x)
    dx = conv.backward(g)
    errors = {
        "dx": max_relative_error(dx, central_difference(
            lambda v: np.sum(SimpleConv1d(W, b).forward(v) * g), x)),
        "dW": max_relative_error(conv.dW, central_difference(
            lambda v: np.sum(SimpleConv1d(v, b).forward(x) * g), W)),
        "db": max_relative_error(conv.db, central_difference(
            lambda v: np.sum(SimpleConv1d(W, v).forward(x) * g), b)),
    }
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("seed", range(8))
def test_conv1d_backward_matches_central_differences(seed):
    rng = np.random.default_rng(100 + seed)
    x, W, b, stride, pad = _random_conv_setup(rng)
    if seed < 4:                                    # make sure the interesting cases are in
        stride, pad = 2 + seed % 2, 1 + seed % 2
        x = rng.normal(size=(2, 3, 9))
        W, b = rng.normal(size=(2, 3, 3)), rng.normal(size=2)
    conv = Conv1d(W, b, stride, pad)
    out = conv.forward(x)
    g = rng.normal(size=out.shape)
    dx = conv.backward(g)
    errors = {
        "dx": max_relative_error(dx, central_difference(
            lambda v: np.sum(Conv1d(W, b, stride, pad).forward(v) * g), x)),
        "dW": max_relative_error(conv.dW, central_difference(
            lambda v: np.sum(Conv1d(v, b, stride, pad).forward(x) * g), W)),
        "db": max_relative_error(conv.db, central_difference(
            lambda v: np.sum(Conv1d(W, v, stride, pad).forward(x) * g), b)),
    }
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("pool,stride", [(2, None), (3, 1), (3, 2), (2, 3), (1, None)])
def test_max_pool_backward_matches_central_differences(pool, stride):
    rng = np.random.default_rng(pool * 10 + (stride or 0))
    x = rng.permutation(np.arange(2 * 3 * 11, dtype=float)).reshape(2, 3, 11) / 7  # no ties
    layer = MaxPool1D(pool, stride)
    out = layer.forward(x)
    g = rng.normal(size=out.shape)
    numeric = central_difference(lambda v: np.sum(MaxPool1D(pool, stride).forward(v) * g), x)
    assert max_relative_error(layer.backward(g), numeric) < 1e-7


def test_max_pool_ties_send_the_gradient_to_the_first_maximum_only():
    layer = MaxPool1D(3, stride=1)
    out = layer.forward(np.array([[[2.0, 2.0, 1.0, 2.0]]]))
    np.testing.assert_array_equal(out, [[[2.0, 2.0]]])
    # Window 0 = (2, 2, 1): first max at 0; window 1 = (2, 1, 2): first max at 1.
    np.testing.assert_array_equal(layer.backward(np.array([[[1.0, 10.0]]])),
                                  [[[1.0, 10.0, 0.0, 0.0]]])


# --------------------------------------------------------------------------- independent oracles
@pytest.mark.parametrize("seed", range(10))
def test_conv1d_forward_agrees_with_a_naive_loop(seed):
    x, W, b, stride, pad = _random_conv_setup(np.random.default_rng(200 + seed))
    np.testing.assert_allclose(Conv1d(W, b, stride, pad).forward(x),
                               _naive_conv1d(x, W, b, stride, pad), rtol=1e-12, atol=1e-12)


@pytest.mark.oracle
def test_conv1d_and_max_pool_agree_with_pytorch_on_random_shapes(torch):
    F = torch.nn.functional
    rng = np.random.default_rng(7)
    seen = set()
    for _ in range(40):
        x, W, b, stride, pad = _random_conv_setup(rng)
        seen.add((stride > 1, pad > 0, x.shape[1] > 1))
        conv = Conv1d(W, b, stride, pad)
        out = conv.forward(x)
        g = rng.normal(size=out.shape)
        dx = conv.backward(g)
        xt, Wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, W, b))
        ot = F.conv1d(xt, Wt, bt, stride=stride, padding=pad)
        ot.backward(torch.tensor(g))
        np.testing.assert_allclose(out, ot.detach().numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(conv.dW, Wt.grad.numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(conv.db, bt.grad.numpy(), rtol=1e-10, atol=1e-12)

        pool = int(rng.integers(1, 4))
        pstride = int(rng.integers(1, 4))
        if x.shape[2] < pool:
            continue
        layer = MaxPool1D(pool, pstride)
        out = layer.forward(x)
        g = rng.normal(size=out.shape)
        xt = torch.tensor(x, requires_grad=True)
        ot = F.max_pool1d(xt, pool, pstride)
        ot.backward(torch.tensor(g))
        np.testing.assert_allclose(out, ot.detach().numpy(), rtol=0, atol=0)
        np.testing.assert_allclose(layer.backward(g), xt.grad.numpy(), rtol=1e-12, atol=1e-12)
    assert (True, True, True) in seen, "stride > 1, padding > 0 and C > 1 together"


@pytest.mark.oracle
def test_simple_conv1d_agrees_with_pytorch(torch):
    rng = np.random.default_rng(11)
    for _ in range(10):
        length = int(rng.integers(1, 12))
        size = int(rng.integers(1, length + 1))
        x, W, b = rng.normal(size=length), rng.normal(size=size), rng.normal(size=1)
        conv = SimpleConv1d(W, b)
        out = conv.forward(x)
        g = rng.normal(size=out.shape)
        dx = conv.backward(g)
        xt, Wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, W, b))
        ot = torch.nn.functional.conv1d(xt[None, None], Wt[None, None], bt)[0, 0]
        ot.backward(torch.tensor(g))
        np.testing.assert_allclose(out, ot.detach().numpy(), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(conv.dW, Wt.grad.numpy(), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(conv.db, bt.grad.numpy(), rtol=1e-12, atol=1e-12)


# --------------------------------------------------------------------------- dtype, purity
def test_float32_stays_float32_and_arguments_are_left_alone():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 3, 10)).astype(np.float32)
    W = rng.normal(size=(4, 3, 3)).astype(np.float32)
    b = rng.normal(size=4).astype(np.float32)
    copies = [a.copy() for a in (x, W, b)]
    conv = Conv1d(W, b, stride=2, pad=1)
    out = conv.forward(x)
    dout = np.ones_like(out)
    dx = conv.backward(dout)
    assert out.dtype == dx.dtype == conv.dW.dtype == conv.db.dtype == np.float32
    pool = MaxPool1D(2)
    pooled = pool.forward(out)
    assert pooled.dtype == pool.backward(np.ones_like(pooled)).dtype == np.float32
    assert pad1d(x, 1).dtype == np.float32
    for a, c in zip((x, W, b), copies):
        np.testing.assert_array_equal(a, c)
    assert conv.W is W, "the layer keeps the given W (an optimizer updates it in place)"


# --------------------------------------------------------------------------- the data set
def test_waveforms_by_hand():
    u = np.array([0.0, 0.1, 0.25, 0.5, 0.75])
    np.testing.assert_allclose(waveform("sine", u), np.sin(2 * np.pi * u))
    np.testing.assert_array_equal(waveform("square", u), [1, 1, 1, -1, -1])
    np.testing.assert_allclose(waveform("sawtooth", u), [-1, -0.8, -0.5, 0, 0.5], atol=1e-12)
    np.testing.assert_array_equal(waveform("pulse", u), [1, 1, -1, -1, -1])
    np.testing.assert_allclose(waveform("triangle", u), [1, 0.6, 0, -1, 0], atol=1e-12)
    with pytest.raises(ValueError, match="unknown waveform"):
        waveform("cosine", u)


def test_the_signal_data_set_is_deterministic_balanced_and_seed_dependent():
    X, y = make_signals(400, length=64, seed=5)
    assert X.shape == (400, 1, 64) and X.dtype == np.float32 and y.shape == (400,)
    np.testing.assert_array_equal(np.bincount(y), [100] * len(CLASS_NAMES))
    X2, y2 = make_signals(400, length=64, seed=5)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, _ = make_signals(400, length=64, seed=6)
    assert not np.allclose(X, X3)
    assert np.isfinite(X).all() and 0.5 < X.std() < 2.0
    X0, y0 = make_signals(8, length=64, noise=0.0, seed=1, dtype=np.float64)
    assert X0.dtype == np.float64
    # Without noise a square wave takes exactly two values, a sawtooth many.
    square = X0[y0 == CLASS_NAMES.index("square")][0, 0]
    saw = X0[y0 == CLASS_NAMES.index("sawtooth")][0, 0]
    assert len(np.unique(np.round(square, 9))) == 2 and len(np.unique(np.round(saw, 9))) > 20


def test_extra_kinds_make_more_classes():
    X, y = make_signals(50, kinds=CLASS_NAMES + ("triangle",), seed=0)
    assert set(y.tolist()) == set(range(5)) and X.shape == (50, 1, 128)


# --------------------------------------------------------------------------- the 1D CNN
def test_the_network_gradient_matches_central_differences():
    rng = np.random.default_rng(0)
    net = SimpleConvNet1D(input_shape=(2, 12), n_filters=3, filter_size=3, stride=2, pad=1,
                          pool_size=2, hidden_size=5, n_classes=3, dtype=np.float64)
    x = rng.normal(size=(4, 2, 12))
    t = np.array([0, 2, 1, 2])
    grads = net.gradient(x, t)
    assert set(grads) == set(net.params)
    for key, param in net.params.items():
        numeric = central_difference(loss_of_param(net, key, x, t), param)
        assert grads[key].shape == param.shape
        assert max_relative_error(grads[key], numeric) < 1e-5, key


def test_the_network_learns_the_signals_with_the_notebook_settings():
    X, y = make_signals(1200, seed=0)
    X_val, y_val = make_signals(400, seed=1)
    net = SimpleConvNet1D()
    history = train(net, X, y, X_val, y_val, Adam(lr=0.003), epochs=6, batch_size=50,
                    progress=False)
    assert set(history) == {"train_loss", "train_acc", "val_loss", "val_acc"}
    assert all(len(v) == 6 for v in history.values())
    assert history["train_loss"][-1] < history["train_loss"][0] < np.log(4) + 0.1
    assert history["val_acc"][-1] > 0.75, history["val_acc"]
    assert net.params["W1"].dtype == np.float32
    assert net.layers["Conv1"].W is net.params["W1"], "the layer trains the params' arrays"


# --------------------------------------------------------------------------- the case generators
def test_the_random_conv_cases_cover_stride_padding_channels_and_batches():
    ex = EXERCISES["sprint7.conv1d"]
    cases = ex.public_inputs() + ex.hidden_inputs("ci")
    kinds = set()
    for c in cases:
        x = c.steps[0].args[0]
        kinds.add((c.kwargs["stride"] > 1, c.kwargs["pad"] > 0, x.shape[1] > 1,
                   x.shape[0] > 1))
    assert (True, True, True, True) in kinds
    assert any(not any(k[:2]) for k in kinds), "plain stride 1, no padding too"


def test_the_random_pool_cases_have_ties_and_overlapping_windows():
    ex = EXERCISES["sprint7.max_pool1d"]
    ties = overlaps = 0
    for c in ex.public_inputs() + ex.hidden_inputs("ci"):
        pool = c.args[0]
        stride = c.kwargs.get("stride", pool)
        x = c.steps[0].args[0]
        overlaps += stride < pool
        windows = np.lib.stride_tricks.sliding_window_view(x, pool, axis=2)[:, :, ::stride]
        ties += int(np.any(np.sum(windows == windows.max(axis=3, keepdims=True), axis=3) > 1))
    assert ties >= 3 and overlaps >= 2
