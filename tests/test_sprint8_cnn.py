"""Sprint 8 (2D convolution and a scratch CNN): what the reference must get right beyond its cases.

The generic tests (reference passes every case, stubs say not implemented, every hint fires,
the notebook runs, doctests) live elsewhere. Here: hand-derived worked examples (the
output-size formula, AlexNet's 62.3M of DIVE INTO CODE's CNN deck), every backward pass against
float64 central differences, the loop and the vectorised convolution against each other and
against PyTorch (random shapes with stride > 1, padding > 0, non-square inputs and kernels,
C > 1), max pooling's ties, dtypes kept (float32 stays float32), no input modified, the first
layer's skipped input gradient, the case generators' coverage, and the CNN learning from the bundled
digits.
"""
from __future__ import annotations

import numpy as np
import pytest

from autograder.exercises import sprint8
from solutions import cnn as cnn_module
from solutions import param_count
from solutions.conv2d import Conv2d, conv2d_backward_loops, conv2d_forward_loops, conv_output_size
from solutions.pooling import AveragePool2D, Flatten, MaxPool2D

from .numeric import central_difference, max_relative_error

EXERCISES = {e.id: e for e in sprint8.EXERCISES}


# --------------------------------------------------------------------------- worked examples
@pytest.mark.parametrize("args,want", [
    ((28, 5), 24),                 # MNIST with 5×5 filters, the book's SimpleConvNet
    ((24, 2, 2), 12),              # its 2×2 pooling
    ((4, 3, 1, 1), 4),             # DIVE INTO CODE's deck: padding 1, stride 1 keeps the size
    ((4, 3, 2, 1), 2),             # DIVE INTO CODE's deck: stride 2 halves it
    ((227, 11, 4, 0), 55),         # AlexNet's first layer
    ((7, 3, 2, 0), 3),
    ((6, 3, 2, 1), 3),             # (6 + 2 − 3) / 2 = 2.5: the floor
    ((5, 5, 1, 0), 1),             # a filter as large as the input fits once
])
def test_output_size_by_hand(args, want):
    assert conv_output_size(*args) == want
    assert isinstance(conv_output_size(*args), int)


def test_output_size_rejects_a_filter_larger_than_the_padded_input():
    with pytest.raises(ValueError):
        conv_output_size(3, 5)


def test_a_difference_filter_by_hand():
    # x[i, j] = 4 i + j, the filter takes x[i, j] − x[i+1, j+1] = −5 everywhere.
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    W = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])
    np.testing.assert_array_equal(conv2d_forward_loops(x, W, np.array([0.0])),
                                  np.full((1, 1, 3, 3), -5.0))
    np.testing.assert_array_equal(Conv2d(W, np.array([0.5])).forward(x),
                                  np.full((1, 1, 3, 3), -4.5))
    # padding 1 on the border: the corner (0, 0) of the output sees only x[0, 0] at W[1, 1]
    out = Conv2d(W, np.zeros(1), pad=1).forward(x)
    assert out.shape == (1, 1, 5, 5)
    assert out[0, 0, 0, 0] == -x[0, 0, 0, 0] and out[0, 0, 4, 4] == x[0, 0, 3, 3]


def test_cross_correlation_not_convolution():
    """A filter with a single 1 in its top-left corner copies the input unshifted (no flip)."""
    x = np.random.default_rng(0).normal(size=(1, 1, 5, 6))
    W = np.zeros((1, 1, 3, 3))
    W[0, 0, 0, 0] = 1.0
    np.testing.assert_array_equal(Conv2d(W, np.zeros(1)).forward(x)[0, 0], x[0, 0, :3, :4])


def test_alexnet_has_62_3_million_parameters():
    """DIVE INTO CODE's CNN deck: 8 layers, 6230万 parameters.

    By hand: F·C·K² + F per conv, D·M + M per affine."""
    by_hand = [96 * 3 * 11 * 11 + 96, 0, 256 * 96 * 5 * 5 + 256, 0, 384 * 256 * 9 + 384,
               384 * 384 * 9 + 384, 256 * 384 * 9 + 256, 0, 256 * 6 * 6 * 4096 + 4096,
               4096 * 4096 + 4096, 4096 * 1000 + 1000]
    got = param_count.count_parameters(param_count.ALEXNET, param_count.ALEXNET_INPUT)
    assert [n for _, n in got] == by_hand
    assert [s for s, _ in got][:2] == [(96, 55, 55), (96, 27, 27)] and got[7][0] == (256, 6, 6)
    total = sum(by_hand)
    assert total == 62_378_344 and 62_300_000 <= total < 62_400_000      # "6230万" (62.3M)
    conv = sum(n for (layer, (_, n)) in zip(param_count.ALEXNET, got) if layer["type"] == "conv")
    assert 0.03 < conv / total < 0.07          # the CNN deck: the conv layers hold about 5 %


def test_simple_convnet_parameter_count_matches_the_network():
    net = cnn_module.SimpleConvNet()
    counted = param_count.count_parameters(param_count.SIMPLE_CONVNET,
                                           param_count.SIMPLE_CONVNET_INPUT)
    assert sum(n for _, n in counted) == sum(p.size for p in net.params.values()) == 433890


# --------------------------------------------------------------------------- backward = numerical
@pytest.mark.parametrize("seed", range(6))
def test_conv_backward_matches_central_differences(seed):
    rng = np.random.default_rng(seed)
    x, W, b, stride, pad = sprint8.random_conv(rng, max_hw=6)
    out = conv2d_forward_loops(x, W, b, stride, pad)
    g = rng.normal(size=out.shape)                  # L = sum(out * g), dL/dout = g
    def loss(x_, W_, b_):
        return np.sum(conv2d_forward_loops(x_, W_, b_, stride, pad) * g)

    numeric = {"dx": central_difference(lambda v: loss(v, W, b), x),
               "dW": central_difference(lambda v: loss(x, v, b), W),
               "db": central_difference(lambda v: loss(x, W, v), b)}
    loops = dict(zip(("dx", "dW", "db"), conv2d_backward_loops(g, x, W, stride, pad)))
    layer = Conv2d(W, b, stride, pad)
    layer.forward(x)
    vector = {"dx": layer.backward(g), "dW": layer.dW, "db": layer.db}
    errors = {f"{kind} {k}": max_relative_error(grads[k], numeric[k])
              for kind, grads in (("loops", loops), ("Conv2d", vector)) for k in numeric}
    bad = {k: v for k, v in errors.items() if not v < 1e-6}
    assert not bad, (x.shape, W.shape, stride, pad, bad)


@pytest.mark.parametrize("seed", range(4))
def test_pooling_backward_matches_central_differences(seed):
    rng = np.random.default_rng(100 + seed)
    N, C = (int(v) for v in rng.integers(1, 3, size=2))
    ph, pw = (int(v) for v in rng.integers(1, 4, size=2))
    stride = [None, 1, 2, 3][seed]
    pad = int(rng.integers(0, min(ph, pw) // 2 + 1))
    H, W = int(rng.integers(max(ph, 2), 7)), int(rng.integers(max(pw, 2), 7))
    # distinct values far apart: no ties, and h = 1e-5 never changes which entry is the max
    x = (rng.permutation(N * C * H * W).reshape(N, C, H, W) * 0.1
         + rng.uniform(-0.01, 0.01, (N, C, H, W)))
    for cls in (MaxPool2D, AveragePool2D):
        layer = cls(ph, pw, stride, pad)
        out = layer.forward(x)
        g = rng.normal(size=out.shape)
        numeric = central_difference(
            lambda v, cls=cls, g=g: np.sum(cls(ph, pw, stride, pad).forward(v) * g), x)
        assert max_relative_error(layer.backward(g), numeric) < 1e-6, \
            (cls.__name__, x.shape, ph, pw, stride, pad)
    flat = Flatten()
    out = flat.forward(x)
    g = rng.normal(size=out.shape)
    numeric = central_difference(lambda v: np.sum(Flatten().forward(v) * g), x)
    assert max_relative_error(flat.backward(g), numeric) < 1e-6


def test_cnn_gradient_matches_central_differences():
    net = cnn_module.SimpleConvNet(input_dim=(2, 7, 6), filter_num=3, filter_size=3, pad=1,
                                   hidden_size=5, output_size=4, dtype=np.float64, seed=3)
    rng = np.random.default_rng(7)
    x = rng.normal(size=(3, 2, 7, 6))
    t = np.array([0, 3, 1])
    grads = net.gradient(x, t)
    for key, param in net.params.items():
        def loss_at(v, key=key):
            saved = net.params[key].copy()
            net.params[key][...] = v
            value = net.loss(x, t)
            net.params[key][...] = saved
            return value
        numeric = central_difference(loss_at, param.copy())
        assert max_relative_error(grads[key], numeric) < 1e-5, key


# --------------------------------------------------------------------------- loops = vectorised
@pytest.mark.parametrize("seed", range(8))
def test_loop_and_vectorised_convolution_agree(seed):
    rng = np.random.default_rng(200 + seed)
    x, W, b, stride, pad = sprint8.random_conv(rng, max_hw=9)
    layer = Conv2d(W, b, stride, pad)
    out = layer.forward(x)
    np.testing.assert_allclose(out, conv2d_forward_loops(x, W, b, stride, pad),
                               rtol=1e-12, atol=1e-12)
    g = rng.normal(size=out.shape)
    dx, dW, db = conv2d_backward_loops(g, x, W, stride, pad)
    np.testing.assert_allclose(layer.backward(g), dx, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(layer.dW, dW, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(layer.db, db, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("N, C, H, stride, pad, chunk", [(3, 4, 48, 1, 2, 2),   # 2, then 1 left
                                                         (3, 16, 99, 2, 2, 1)])
def test_vectorised_backward_in_chunks_of_samples_agrees_with_the_loops(N, C, H, stride, pad,
                                                                        chunk):
    """Conv2d's col2im runs a few samples at a time (its dcols at most 4 MB): inputs large
    enough for several chunks, and a last chunk shorter than the others, give the loops' dx."""
    rng = np.random.default_rng(7)
    x = rng.normal(size=(N, C, H, H))
    W, b = rng.normal(size=(2, C, 5, 5)), rng.normal(size=2)
    layer = Conv2d(W, b, stride, pad)
    out = layer.forward(x)
    OH = out.shape[2]
    assert max(1, 2 ** 22 // (C * 25 * OH * OH * x.itemsize)) == chunk    # samples per chunk
    g = rng.normal(size=out.shape)
    dx, dW, db = conv2d_backward_loops(g, x, W, stride, pad)
    np.testing.assert_allclose(layer.backward(g), dx, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(layer.dW, dW, rtol=1e-10, atol=1e-10)


# --------------------------------------------------------------------------- max pooling's ties
def test_max_pool_sends_a_tied_window_gradient_to_the_first_maximum_only():
    x = np.zeros((1, 1, 2, 4))
    x[0, 0, :, 2:] = 7.0                                 # second window: four 7s
    pool = MaxPool2D(2, 2)
    np.testing.assert_array_equal(pool.forward(x), [[[[0.0, 7.0]]]])
    dx = pool.backward(np.array([[[[3.0, 5.0]]]]))
    np.testing.assert_array_equal(dx, [[[[3.0, 0.0, 5.0, 0.0], [0.0, 0.0, 0.0, 0.0]]]])
    assert dx.sum() == 8.0                                # the gradient is routed, not copied


def test_overlapping_max_pool_windows_add_their_gradients():
    x = np.zeros((1, 1, 3, 3))
    x[0, 0, 1, 1] = 1.0                                   # the max of all four 2×2 windows
    pool = MaxPool2D(2, 2, stride=1)
    pool.forward(x)
    dx = pool.backward(np.array([[[[1.0, 2.0], [3.0, 4.0]]]]))
    assert dx[0, 0, 1, 1] == 10.0 and dx.sum() == 10.0


def _max_pool_one_window_at_a_time(x, ph, pw, stride, pad, rng):
    """``(out, dout, dx)``: max pooling, a random ``dout`` and the backward pass, window by
    window; ``np.argmax`` picks the first maximum."""
    sh, sw = (ph, pw) if stride is None else (stride, stride)
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), constant_values=-np.inf)
    oh, ow = (xp.shape[2] - ph) // sh + 1, (xp.shape[3] - pw) // sw + 1
    out = np.zeros(x.shape[:2] + (oh, ow), x.dtype)
    dout = rng.standard_normal(out.shape).astype(x.dtype)
    dxp = np.zeros(xp.shape, x.dtype)
    for n, c, i, j in np.ndindex(out.shape):
        window = xp[n, c, i * sh:i * sh + ph, j * sw:j * sw + pw]
        p, q = np.unravel_index(np.argmax(window), window.shape)
        out[n, c, i, j] = window[p, q]
        dxp[n, c, i * sh + p, j * sw + q] += dout[n, c, i, j]
    return out, dout, dxp[:, :, pad:pad + x.shape[2], pad:pad + x.shape[3]]


@pytest.mark.parametrize("ph, pw, stride, pad", [
    (2, 2, None, 0),         # the LeNet case: windows side by side
    (3, 2, 1, 1),            # overlapping windows (their gradients add up) and padding
    (17, 16, None, 2),       # more than 256 positions: the index no longer fits in one byte
])
def test_max_pool_agrees_with_a_window_loop_on_ties_and_on_arrays_in_any_memory_order(
        ph, pw, stride, pad):
    """Small integers tie in most windows; the same values laid out in Fortran order (or any
    strides) must give the same maxima and the same dx: a flat index is about positions in
    the (N, C, H, W) array, never about where the numbers sit in memory."""
    rng = np.random.default_rng(ph * 10 + pw)
    x = rng.integers(0, 3, (2, 3, 35, 33)).astype(np.float32)
    expected_out, dout, expected_dx = _max_pool_one_window_at_a_time(x, ph, pw, stride, pad, rng)
    for order in ("C", "F"):
        pool = MaxPool2D(ph, pw, stride, pad)
        np.testing.assert_array_equal(pool.forward(np.asarray(x, order=order)), expected_out)
        dx = pool.backward(np.asarray(dout, order=order))
        np.testing.assert_allclose(dx, expected_dx, rtol=1e-6, atol=1e-6, err_msg=order)
        assert dx.shape == x.shape and dx.dtype == np.float32


def test_max_pool_padding_is_never_the_maximum():
    x = -np.ones((1, 1, 2, 2))
    out = MaxPool2D(2, 2, stride=2, pad=1).forward(x)
    np.testing.assert_array_equal(out, -np.ones((1, 1, 2, 2)))


# --------------------------------------------------------------------------- dtypes, purity, speed
def test_float32_stays_float32_through_every_layer_and_the_network():
    rng = np.random.default_rng(1)
    x = rng.random((4, 2, 9, 8), dtype=np.float32)
    conv = Conv2d(rng.normal(size=(3, 2, 3, 2)).astype(np.float32), np.zeros(3, np.float32), 2, 1)
    layers = [conv, MaxPool2D(2, 2), AveragePool2D(2, 2, stride=1), Flatten()]
    h = x
    for layer in layers:
        h = layer.forward(h)
        assert h.dtype == np.float32, type(layer).__name__
    d = np.ones_like(h)
    for layer in reversed(layers):
        d = layer.backward(d)
        assert d.dtype == np.float32, type(layer).__name__
    assert conv.dW.dtype == conv.db.dtype == np.float32
    net = cnn_module.SimpleConvNet(input_dim=(1, 12, 12), filter_num=4, hidden_size=8)
    xs = rng.random((5, 1, 12, 12), dtype=np.float32)
    assert net.predict(xs).dtype == np.float32
    grads = net.gradient(xs, np.arange(5))
    assert all(g.dtype == np.float32 for g in grads.values()), \
        {k: g.dtype for k, g in grads.items()}


def test_layers_leave_their_inputs_alone():
    rng = np.random.default_rng(2)
    x, W, b, stride, pad = sprint8.random_conv(rng)
    copies = [a.copy() for a in (x, W, b)]
    conv2d_forward_loops(x, W, b, stride, pad)
    layer = Conv2d(W, b, stride, pad)
    out = layer.forward(x)
    g = rng.normal(size=out.shape)
    g_copy = g.copy()
    layer.backward(g)
    conv2d_backward_loops(g, x, W, stride, pad)
    for layer in (MaxPool2D(2, 1, stride=1), AveragePool2D(1, 2), Flatten()):
        out = layer.forward(x)
        layer.backward(np.ones_like(out))
    for a, c in zip((x, W, b, g), [*copies, g_copy]):
        np.testing.assert_array_equal(a, c)


def test_first_convolution_skips_the_input_gradient():
    rng = np.random.default_rng(3)
    layer = Conv2d(rng.normal(size=(2, 1, 3, 3)), np.zeros(2))
    out = layer.forward(rng.normal(size=(2, 1, 5, 5)))
    layer.needs_dx = False
    assert layer.backward(np.ones_like(out)) is None
    assert layer.dW.shape == (2, 1, 3, 3) and layer.db.shape == (2,)
    net = cnn_module.SimpleConvNet(input_dim=(1, 8, 8), filter_num=2, hidden_size=3)
    assert net.layers["Conv1"].needs_dx is False


def test_a_training_step_runs_one_forward_pass():
    """No extra loss evaluation per step: ``train`` reuses the loss of ``gradient``."""
    class Counting(cnn_module.SimpleConvNet):
        calls = 0

        def predict(self, x):
            Counting.calls += 1
            return super().predict(x)

    class PlainSGD:
        def update(self, params, grads):
            for k in params:
                params[k] -= 0.01 * grads[k]

    net = Counting(input_dim=(1, 8, 8), filter_num=2, hidden_size=4, output_size=3)
    rng = np.random.default_rng(4)
    x, t = rng.random((40, 1, 8, 8), dtype=np.float32), rng.integers(0, 3, 40)
    history = cnn_module.train(net, x, t, PlainSGD(), epochs=2, batch_size=10, progress=False)
    assert Counting.calls == 8 and len(history["loss"]) == 8
    assert len(history["train_acc"]) == 2 and all(0 <= a <= 1 for a in history["train_acc"])


# --------------------------------------------------------------------------- PyTorch oracle
@pytest.mark.oracle
@pytest.mark.parametrize("seed", range(10))
def test_convolution_agrees_with_pytorch(seed, torch):
    rng = np.random.default_rng(300 + seed)
    x, W, b, stride, pad = sprint8.random_conv(rng, max_hw=10)
    if seed == 0:                                       # the case the issue names, for sure
        x, W, b, stride, pad = (rng.normal(size=(2, 3, 7, 9)), rng.normal(size=(4, 3, 3, 2)),
                                rng.normal(size=4), 2, 1)
    xt, Wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, W, b))
    out_t = torch.nn.functional.conv2d(xt, Wt, bt, stride=stride, padding=pad)
    g = rng.normal(size=tuple(out_t.shape))
    out_t.backward(torch.tensor(g))
    layer = Conv2d(W, b, stride, pad)
    np.testing.assert_allclose(layer.forward(x), out_t.detach().numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(conv2d_forward_loops(x, W, b, stride, pad), out_t.detach().numpy(),
                               rtol=1e-10, atol=1e-10)
    dx, dW, db = conv2d_backward_loops(g, x, W, stride, pad)
    for name, ours, loops, theirs in (("dx", layer.backward(g), dx, xt.grad),
                                      ("dW", layer.dW, dW, Wt.grad),
                                      ("db", layer.db, db, bt.grad)):
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-10, atol=1e-10, err_msg=name)
        np.testing.assert_allclose(loops, theirs.numpy(), rtol=1e-10, atol=1e-10, err_msg=name)


@pytest.mark.oracle
@pytest.mark.parametrize("seed", range(10))
def test_pooling_agrees_with_pytorch_ties_included(seed, torch):
    rng = np.random.default_rng(400 + seed)
    N, C = (int(v) for v in rng.integers(1, 4, size=2))
    ph, pw = (int(v) for v in rng.integers(1, 4, size=2))
    stride = [None, 1, 2, 3, None][seed % 5]
    pad = int(rng.integers(0, min(ph, pw) // 2 + 1))
    H, W = int(rng.integers(max(ph, 1), 9)), int(rng.integers(max(pw, 1), 9))
    if seed % 2:                                          # integers: windows with ties
        x = rng.integers(-2, 3, size=(N, C, H, W)).astype(float)
    else:
        x = rng.normal(size=(N, C, H, W))
    torch_stride = (ph, pw) if stride is None else stride
    for cls, fn in ((MaxPool2D, torch.nn.functional.max_pool2d),
                    (AveragePool2D, torch.nn.functional.avg_pool2d)):
        xt = torch.tensor(x, requires_grad=True)
        out_t = fn(xt, (ph, pw), stride=torch_stride, padding=pad)
        g = rng.normal(size=tuple(out_t.shape))
        out_t.backward(torch.tensor(g))
        layer = cls(ph, pw, stride, pad)
        np.testing.assert_allclose(layer.forward(x), out_t.detach().numpy(), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(layer.backward(g), xt.grad.numpy(), rtol=1e-10, atol=1e-12,
                                   err_msg=f"{cls.__name__} {x.shape} pool {ph}×{pw} "
                                           f"stride {stride} pad {pad}")


@pytest.mark.oracle
def test_simple_convnet_agrees_with_the_same_network_in_pytorch(torch):
    net = cnn_module.SimpleConvNet(input_dim=(1, 10, 9), filter_num=4, filter_size=3, hidden_size=6,
                                   output_size=5, dtype=np.float64, seed=5)
    p = {k: torch.tensor(v, requires_grad=True) for k, v in net.params.items()}
    rng = np.random.default_rng(6)
    x, t = rng.normal(size=(7, 1, 10, 9)), rng.integers(0, 5, 7)
    h = torch.nn.functional.conv2d(torch.tensor(x), p["W1"], p["b1"]).relu()
    h = torch.nn.functional.max_pool2d(h, 2).flatten(1)
    scores = (h @ p["W2"] + p["b2"]).relu() @ p["W3"] + p["b3"]
    loss = torch.nn.functional.cross_entropy(scores, torch.tensor(t))
    loss.backward()
    grads = net.gradient(x, t)
    assert net.last_loss == pytest.approx(loss.item(), rel=1e-10)
    for k in net.params:
        np.testing.assert_allclose(grads[k], p[k].grad.numpy(), rtol=1e-8, atol=1e-12, err_msg=k)


# --------------------------------------------------------------------------- case generators
def test_random_cases_cover_strides_paddings_non_square_and_channels():
    seen = set()
    rng = np.random.default_rng(0)
    for _ in range(60):
        c = EXERCISES["sprint8.conv2d"].generate(rng)
        W = c["args"][0]
        x = c["steps"][0][1][0]
        kw = c["kwargs"]
        seen |= {("stride>1", kw["stride"] > 1), ("pad>0", kw["pad"] > 0),
                 ("non-square x", x.shape[2] != x.shape[3]),
                 ("non-square W", W.shape[2] != W.shape[3]),
                 ("C>1", W.shape[1] > 1), ("F>1", W.shape[0] > 1), ("N>1", x.shape[0] > 1)}
    assert all((name, True) in seen for name, _ in seen), seen
    ties = 0
    for _ in range(20):
        x = EXERCISES["sprint8.max_pool2d"].generate(rng)["steps"][0][1][0]
        ties += bool(np.all(x == np.round(x)))
    assert 3 <= ties <= 17


# --------------------------------------------------------------------------- learning
@pytest.mark.slow
def test_the_cnn_learns_the_bundled_digits():
    """A short run (a few hundred images) is far above chance (10 %) on held-out digits."""
    from solutions.datasets import load_mnist_small
    from solutions.optimizers import Adam

    x, t = load_mnist_small("train", flatten=False)
    xv, tv = load_mnist_small("validation", flatten=False)
    net = cnn_module.SimpleConvNet(filter_num=8, hidden_size=50, seed=1)
    before = net.accuracy(xv[:300], tv[:300])
    history = cnn_module.train(net, x[:1200], t[:1200], Adam(lr=0.002), epochs=2, batch_size=50,
                               progress=False)
    after = net.accuracy(xv[:300], tv[:300])
    assert history["loss"][-1] < history["loss"][0] / 2
    assert before < 0.3 and after > 0.75, (before, after)
