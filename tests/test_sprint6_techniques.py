"""Sprint 6 (training techniques): weight initialisation, Dropout, DropConnect and Maxout.

Beyond the graded cases: the std of Xavier and He by hand, the activation experiment's claims
(what vanishes, what saturates) as the notebook states them, every backward pass against
central differences with the random mask held fixed (a fresh layer with the same seed draws
the same mask), and PyTorch (autograd, ``nn.Dropout`` in eval mode) as an oracle.
"""
from __future__ import annotations

from functools import partial

import numpy as np
import pytest

from solutions import initializers as ini
from solutions.layers import Affine
from solutions.regularization import DropConnect, Dropout, Maxout

from .numeric import central_difference

_central_difference = partial(central_difference, h=1e-6)  # smooth functions: a finer step


# --------------------------------------------------------------------------- initialisation
def test_weight_std_by_hand():
    assert ini.weight_std(100, "xavier") == pytest.approx(0.1)
    assert ini.weight_std(50, "he") == pytest.approx(0.2)
    assert ini.weight_std(784, "He") == pytest.approx(np.sqrt(2 / 784))
    assert ini.weight_std(10, 0.01) == 0.01
    with pytest.raises(ValueError, match="unknown initialisation"):
        ini.weight_std(10, "lecun")


def test_init_weights_have_the_requested_spread():
    Ws = ini.init_weights([400, 300, 200], "he", seed=1)
    assert [W.shape for W in Ws] == [(400, 300), (300, 200)]
    assert np.std(Ws[0]) == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert np.std(Ws[1]) == pytest.approx(np.sqrt(2 / 300), rel=0.02)
    assert abs(np.mean(Ws[0])) < 0.005


@pytest.mark.oracle
@pytest.mark.parametrize("activation", ["sigmoid", "relu", "tanh"])
def test_forward_activations_agree_with_torch(activation, torch):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(6, 5))
    Ws = [rng.normal(size=s) for s in [(5, 4), (4, 4), (4, 3)]]
    fn = {"sigmoid": torch.sigmoid, "relu": torch.relu, "tanh": torch.tanh}[activation]
    z = torch.tensor(x)
    ours = ini.forward_activations(x, Ws, activation)
    assert len(ours) == 3
    for a, W in zip(ours, Ws):
        z = fn(z @ torch.tensor(W))
        np.testing.assert_allclose(a, z.numpy(), rtol=1e-12, atol=1e-15)


def _experiment(method, activation):
    """The notebook's experiment: 1000 inputs through 5 layers of 100 neurons."""
    x = np.random.default_rng(0).normal(size=(1000, 100))
    return ini.forward_activations(x, ini.init_weights([100] * 6, method, seed=0), activation)


def test_sigmoid_with_std_1_saturates_at_0_and_1():
    acts = _experiment(1.0, "sigmoid")
    for a in acts:
        assert np.mean((a < 0.1) | (a > 0.9)) > 0.5


def test_sigmoid_with_std_001_collapses_onto_one_value():
    acts = _experiment(0.01, "sigmoid")
    for a in acts[1:]:
        assert np.std(a) < 0.02 and abs(np.mean(a) - 0.5) < 0.02


def test_sigmoid_with_xavier_keeps_a_spread_in_every_layer():
    acts = _experiment("xavier", "sigmoid")
    for a in acts:
        assert 0.05 < np.std(a) < 0.3
        assert np.mean((a < 0.1) | (a > 0.9)) < 0.2


def test_relu_activations_vanish_with_small_std_and_stay_steady_with_he():
    small = _experiment(0.01, "relu")
    assert np.mean(small[-1]) < 1e-4 * np.mean(small[0]) * 100
    assert np.mean(small[-1]) < 1e-3
    he = _experiment("he", "relu")
    rms = [float(np.sqrt(np.mean(a ** 2))) for a in he]
    assert max(rms) / min(rms) < 1.5, rms
    xavier = _experiment("xavier", "relu")
    rms_x = [float(np.sqrt(np.mean(a ** 2))) for a in xavier]
    assert rms_x[-1] < 0.35 * rms_x[0], "Xavier under ReLU halves the variance every layer"


def test_activation_histograms_are_labelled():
    import matplotlib

    matplotlib.use("Agg")
    axes = ini.plot_activation_histograms(_experiment("he", "relu"), "He, ReLU")
    assert len(axes) == 5
    assert all(ax.get_xlabel() for ax in axes) and axes[0].get_ylabel()
    assert axes[0].figure._suptitle.get_text() == "He, ReLU"


# --------------------------------------------------------------------------- Dropout
def test_dropout_keeps_about_one_minus_ratio_and_scales_inversely():
    x = np.random.default_rng(1).normal(size=(200, 100)) + 3.0
    layer = Dropout(dropout_ratio=0.3, seed=4)
    out = layer.forward(x)
    kept = out != 0
    assert np.mean(kept) == pytest.approx(0.7, abs=0.01)
    np.testing.assert_allclose(out[kept], x[kept] / 0.7, rtol=1e-15)
    assert np.mean(out) == pytest.approx(np.mean(x), rel=0.02)   # expectation preserved
    second = layer.forward(x)
    assert not np.array_equal(second != 0, kept), "a new mask every forward pass"


def test_dropout_backward_matches_central_differences_with_the_mask_fixed():
    rng = np.random.default_rng(2)
    x, dout = rng.normal(size=(3, 4, 2)), rng.normal(size=(3, 4, 2))
    layer = Dropout(0.4, seed=9)
    layer.forward(x)
    numeric = _central_difference(
        lambda v: float(np.sum(Dropout(0.4, seed=9).forward(v) * dout)), x)
    np.testing.assert_allclose(layer.backward(dout), numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.oracle
def test_dropout_at_inference_is_torch_dropout_in_eval_mode(torch):
    x = np.random.default_rng(3).normal(size=(5, 7))
    ref = torch.nn.Dropout(p=0.5).eval()(torch.tensor(x)).numpy()
    layer = Dropout(0.5, seed=0)
    np.testing.assert_array_equal(layer.forward(x, train_flg=False), ref)
    np.testing.assert_array_equal(layer.backward(np.ones_like(x)), np.ones_like(x))


@pytest.mark.oracle
def test_dropout_training_is_torch_dropout_given_the_same_mask(torch):
    """Torch draws its own mask; its values on the kept entries must equal ours there."""
    x = np.random.default_rng(4).normal(size=(50, 40))
    torch.manual_seed(0)
    ref = torch.nn.Dropout(p=0.25).train()(torch.tensor(x)).numpy()
    ours = Dropout(0.25, seed=0).forward(x)
    both = (ref != 0) & (ours != 0)
    assert both.sum() > 1000
    np.testing.assert_allclose(ours[both], ref[both], rtol=1e-15)


def test_dropout_does_not_modify_its_input():
    x = np.arange(6.0).reshape(2, 3)
    Dropout(0.5, seed=0).forward(x)
    np.testing.assert_array_equal(x, np.arange(6.0).reshape(2, 3))


# --------------------------------------------------------------------------- DropConnect
def _dc_loss(W, b, x, dout, seed, ratio=0.5):
    return float(np.sum(DropConnect(W, b, ratio, seed).forward(x) * dout))


def test_dropconnect_gradients_match_central_differences():
    rng = np.random.default_rng(5)
    W, b, x, dout = rng.normal(size=(4, 3)), rng.normal(size=3), rng.normal(size=(5, 4)), \
        rng.normal(size=(5, 3))
    layer = DropConnect(W.copy(), b.copy(), 0.5, seed=12)
    layer.forward(x)
    dx = layer.backward(dout)
    np.testing.assert_allclose(dx, _central_difference(lambda v: _dc_loss(W, b, v, dout, 12), x),
                               rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(layer.dW,
                               _central_difference(lambda v: _dc_loss(v, b, x, dout, 12), W),
                               rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(layer.db,
                               _central_difference(lambda v: _dc_loss(W, v, x, dout, 12), b),
                               rtol=1e-6, atol=1e-8)


@pytest.mark.oracle
def test_dropconnect_agrees_with_torch_autograd_given_its_mask(torch):
    rng = np.random.default_rng(6)
    W, b, x, dout = rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(2, 3)), \
        rng.normal(size=(2, 4))
    layer = DropConnect(W, b, drop_ratio=0.25, seed=1)
    out = layer.forward(x)
    dx = layer.backward(dout)
    tW, tb, tx = (torch.tensor(a, requires_grad=True) for a in (W, b, x))
    mask = torch.tensor(layer.mask.astype(float))
    tout = tx @ (tW * mask / 0.75) + tb
    tout.backward(torch.tensor(dout))
    np.testing.assert_allclose(out, tout.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(dx, tx.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(layer.dW, tW.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(layer.db, tb.grad.numpy(), rtol=1e-12)


def test_dropconnect_at_inference_is_the_affine_layer():
    rng = np.random.default_rng(7)
    W, b, x, dout = rng.normal(size=(3, 2)), rng.normal(size=2), rng.normal(size=(4, 3)), \
        rng.normal(size=(4, 2))
    layer, affine = DropConnect(W, b, 0.5, seed=0), Affine(W, b)
    layer.forward(x)                              # a training pass first: it must not linger
    np.testing.assert_allclose(layer.forward(x, train_flg=False), affine.forward(x))
    np.testing.assert_allclose(layer.backward(dout), affine.backward(dout))
    np.testing.assert_allclose(layer.dW, affine.dW)
    np.testing.assert_allclose(layer.db, affine.db)


def test_dropconnect_mean_over_many_masks_is_the_affine_output():
    rng = np.random.default_rng(8)
    W, b, x = rng.normal(size=(6, 3)), rng.normal(size=3), rng.normal(size=(2, 6))
    layer = DropConnect(W, b, 0.5, seed=3)
    mean = np.mean([layer.forward(x) for _ in range(4000)], axis=0)
    np.testing.assert_allclose(mean, x @ W + b, atol=0.1)


# --------------------------------------------------------------------------- Maxout
@pytest.mark.parametrize("shape,k", [((3, 6), 2), ((2, 6), 3), ((2, 4, 3, 2), 2)])
def test_maxout_backward_matches_central_differences(shape, k):
    rng = np.random.default_rng(9)
    x = rng.normal(size=shape)                   # continuous values: no ties
    out_shape = (shape[0], shape[1] // k, *shape[2:])
    dout = rng.normal(size=out_shape)
    layer = Maxout(k)
    assert layer.forward(x).shape == out_shape
    numeric = _central_difference(lambda v: float(np.sum(Maxout(k).forward(v) * dout)), x)
    np.testing.assert_allclose(layer.backward(dout), numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.oracle
def test_maxout_agrees_with_torch_max_over_channel_groups(torch):
    rng = np.random.default_rng(10)
    x, dout = rng.normal(size=(2, 6, 3, 3)), rng.normal(size=(2, 2, 3, 3))
    layer = Maxout(3)
    out = layer.forward(x)
    dx = layer.backward(dout)
    tx = torch.tensor(x, requires_grad=True)
    tout = tx.view(2, 2, 3, 3, 3).amax(dim=2)
    tout.backward(torch.tensor(dout))
    np.testing.assert_allclose(out, tout.detach().numpy())
    np.testing.assert_allclose(dx, tx.grad.numpy())


def test_maxout_gives_a_tie_to_the_first_maximum_only():
    layer = Maxout(2)
    layer.forward(np.array([[2.0, 2.0, -1.0, 3.0]]))
    np.testing.assert_array_equal(layer.backward(np.array([[5.0, 7.0]])), [[5.0, 0.0, 0.0, 7.0]])


def test_maxout_rejects_channels_that_do_not_divide():
    with pytest.raises(ValueError, match="multiple of pieces"):
        Maxout(4).forward(np.zeros((1, 6)))
