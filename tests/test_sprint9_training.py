"""Sprint 9 (training deeper networks): batch norm, weight decay, checkpoints, preprocessing,
hyperparameter search.

Beyond the graded cases: batch norm's backward against central differences (training and
inference mode, features and images, float32) and against PyTorch's ``batch_norm`` (forward,
running averages, autograd); weight decay's gradient against the derivative of its penalty;
checkpoints that refuse pickles and restore a network exactly; the augmentations' geometry.
"""
from __future__ import annotations

import io
import json
from functools import partial

import numpy as np
import pytest

from solutions import checkpoint, hyperparams, preprocessing, weight_decay
from solutions.batchnorm import BatchNormalization

from .numeric import central_difference, max_relative_error

_central_difference = partial(central_difference, h=1e-6)


def _bn(D, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    gamma, beta = rng.uniform(0.5, 2, D).astype(dtype), rng.normal(size=D).astype(dtype)
    return BatchNormalization(gamma, beta), rng


# --------------------------------------------------------------------------- batch norm
@pytest.mark.parametrize("shape", [(6, 4), (3, 2, 3, 4)], ids=["features", "images"])
def test_batchnorm_training_output_has_mean_beta_and_std_gamma(shape):
    bn, rng = _bn(shape[1])
    x = rng.normal(size=shape) * 5 + 3
    y = bn.forward(x)
    axes = (0,) if len(shape) == 2 else (0, 2, 3)
    np.testing.assert_allclose(y.mean(axis=axes), bn.beta, atol=1e-12)
    np.testing.assert_allclose(y.std(axis=axes), bn.gamma, rtol=1e-5)


@pytest.mark.parametrize("shape", [(5, 3), (2, 2, 3, 3)], ids=["features", "images"])
@pytest.mark.parametrize("train", [True, False], ids=["training", "inference"])
def test_batchnorm_backward_matches_central_differences(shape, train):
    bn, rng = _bn(shape[1], seed=1)
    x, dout = rng.normal(size=shape) * 2 + 1, rng.normal(size=shape)
    warm = rng.normal(size=shape)

    def fresh():
        layer = BatchNormalization(bn.gamma.copy(), bn.beta.copy())
        layer.forward(warm)                       # running averages that are not 0 and 1
        return layer

    layer = fresh()
    layer.forward(x, train_flg=train)
    dx = layer.backward(dout)
    numeric = _central_difference(lambda v: float(np.sum(fresh().forward(v, train) * dout)), x)
    assert max_relative_error(dx, numeric) < 1e-6
    ng = _central_difference(lambda g: float(np.sum(
        BatchNormalization(g, bn.beta.copy(), running_mean=fresh().running_mean,
                           running_var=fresh().running_var).forward(x, train) * dout)), bn.gamma)
    nb = _central_difference(lambda b: float(np.sum(
        BatchNormalization(bn.gamma.copy(), b, running_mean=fresh().running_mean,
                           running_var=fresh().running_var).forward(x, train) * dout)), bn.beta)
    assert max_relative_error(layer.dgamma, ng) < 1e-6
    assert max_relative_error(layer.dbeta, nb) < 1e-6


def test_batchnorm_keeps_float32():
    bn, rng = _bn(3, dtype=np.float32)
    x = rng.normal(size=(2, 3, 4, 4)).astype(np.float32)
    y = bn.forward(x)
    dx = bn.backward(np.ones_like(x))
    assert y.dtype == dx.dtype == bn.dgamma.dtype == bn.running_var.dtype == np.float32
    assert bn.forward(x, train_flg=False).dtype == np.float32


def test_batchnorm_inference_does_not_depend_on_the_rest_of_the_batch():
    bn, rng = _bn(4)
    for _ in range(5):
        bn.forward(rng.normal(size=(8, 4)))
    x = rng.normal(size=(6, 4))
    whole = bn.forward(x, train_flg=False)
    alone = np.concatenate([bn.forward(x[i:i + 1], train_flg=False) for i in range(6)])
    np.testing.assert_allclose(whole, alone, rtol=1e-12)


def test_batchnorm_running_averages_converge_to_the_data_statistics():
    bn, rng = _bn(2)
    for _ in range(200):
        bn.forward(rng.normal(loc=[3.0, -1.0], scale=[2.0, 0.5], size=(100, 2)))
    np.testing.assert_allclose(bn.running_mean, [3.0, -1.0], atol=0.1)
    np.testing.assert_allclose(bn.running_var, [4.0, 0.25], rtol=0.1)


@pytest.mark.oracle
@pytest.mark.parametrize("shape", [(7, 3), (4, 3, 5, 2)], ids=["BatchNorm1d", "BatchNorm2d"])
def test_batchnorm_agrees_with_torch(shape, torch):
    rng = np.random.default_rng(5)
    x1, x2, dout = (rng.normal(size=shape) * 3 + 1 for _ in range(3))
    gamma, beta = rng.uniform(0.5, 2, 3), rng.normal(size=3)
    ours = BatchNormalization(gamma.copy(), beta.copy(), momentum=0.9, eps=1e-5)
    tm, tv = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    tx = torch.tensor(x1, requires_grad=True)
    tg = torch.tensor(gamma, requires_grad=True)
    tb = torch.tensor(beta, requires_grad=True)
    ty = torch.nn.functional.batch_norm(tx, tm, tv, tg, tb, training=True, momentum=0.1, eps=1e-5)
    ty.backward(torch.tensor(dout))
    y = ours.forward(x1)
    np.testing.assert_allclose(y, ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.backward(dout), tx.grad.numpy(), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(ours.dgamma, tg.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(ours.dbeta, tb.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(ours.running_mean, tm.numpy(), rtol=1e-12)
    # PyTorch's running variance uses the unbiased batch variance (n / (n - 1)); the course
    # (and the book) uses the biased one: the same after that factor.
    n = x1.size // 3
    batch_var = (tv.numpy() - 0.9) / 0.1 * (n - 1) / n
    np.testing.assert_allclose(0.9 + 0.1 * batch_var, ours.running_var, rtol=1e-10)
    # inference with the same running averages: torch's eval mode
    ours.running_var = tv.numpy().copy()
    ref = torch.nn.functional.batch_norm(torch.tensor(x2), tm, tv, tg.detach(), tb.detach(),
                                         training=False, eps=1e-5).numpy()
    np.testing.assert_allclose(ours.forward(x2, train_flg=False), ref, rtol=1e-10, atol=1e-12)


# --------------------------------------------------------------------------- weight decay
def test_weight_decay_gradient_is_the_derivative_of_the_penalty():
    rng = np.random.default_rng(2)
    params = {"W1": rng.normal(size=(3, 2)), "b1": rng.normal(size=2),
              "W2": rng.normal(size=(2, 2))}
    zero = {k: np.zeros_like(v) for k, v in params.items()}
    grads = weight_decay.add_weight_decay(zero, params, 0.3)
    for key, value in params.items():
        numeric = _central_difference(
            lambda v, key=key: weight_decay.l2_penalty({**params, key: v}, 0.3), value)
        np.testing.assert_allclose(grads[key], numeric, rtol=1e-6, atol=1e-9)
    assert not np.any(grads["b1"])


def test_weight_decay_shrinks_weights_in_plain_sgd():
    params = {"W1": np.array([[2.0, -4.0]])}
    for _ in range(10):
        g = weight_decay.add_weight_decay({"W1": np.zeros((1, 2))}, params, 0.1)
        params["W1"] -= 0.5 * g["W1"]
    np.testing.assert_allclose(params["W1"], np.array([[2.0, -4.0]]) * 0.95 ** 10)


# --------------------------------------------------------------------------- checkpoints
def test_checkpoint_round_trip_through_a_real_file(tmp_path):
    params = {"W1": np.arange(6, dtype=np.float32).reshape(2, 3), "b1": np.zeros(3, np.float32)}
    config = {"input_dim": (1, 28, 28), "hidden": [100], "name": "net"}
    path = tmp_path / "net.npz"
    checkpoint.save_network(path, params, config)
    loaded, cfg = checkpoint.load_network(path)
    assert cfg == {"input_dim": [1, 28, 28], "hidden": [100], "name": "net"}
    for k in params:
        assert loaded[k].dtype == params[k].dtype
        np.testing.assert_array_equal(loaded[k], params[k])


def test_checkpoint_file_holds_no_pickle():
    buffer = io.BytesIO()
    checkpoint.save_network(buffer, {"W1": np.ones(2)}, {"a": 1})
    buffer.seek(0)
    with np.load(buffer, allow_pickle=False) as f:      # raises on an object array
        assert {f[n].dtype.kind for n in f.files} <= {"f", "U"}


def test_load_network_refuses_a_pickled_config():
    """A file whose config is a Python object (a pickle) is refused, not executed."""
    class Boom:
        def __reduce__(self):
            return (print, ("this would run on load",))

    buffer = io.BytesIO()
    np.savez(buffer, config=np.array([Boom()], dtype=object), **{"params/W1": np.ones(2)})
    assert b"this would run on load" in buffer.getvalue()   # the payload is in the file
    buffer.seek(0)
    with pytest.raises(ValueError, match="allow_pickle"):
        checkpoint.load_network(buffer)


def test_save_and_read_back_decodes_json():
    out = checkpoint.save_and_read_back({"W": np.ones(1)}, {"k": [1, 2]})
    assert out["config"] == {"k": [1, 2]} and json.dumps(out["config"])


# --------------------------------------------------------------------------- preprocessing
def test_standardizer_fits_training_data_only():
    rng = np.random.default_rng(3)
    train, test = rng.normal(5, 2, size=(500, 3)), rng.normal(8, 2, size=(50, 3))
    s = preprocessing.Standardizer().fit(train)
    z = s.transform(train)
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(z.std(axis=0), 1, rtol=1e-12)
    assert np.all(s.transform(test).mean(axis=0) > 1.0), "test data keeps its offset"


def test_shift_then_shift_back_keeps_the_inner_pixels():
    x = np.random.default_rng(4).random((2, 6, 7))
    back = preprocessing.shift_images(preprocessing.shift_images(x, 2, -1), -2, 1)
    np.testing.assert_array_equal(back[:, :4, 1:], x[:, :4, 1:])
    assert not back[:, 4:].any() and not back[:, :, :1].any()


def test_rotation_by_zero_and_by_360_is_the_identity_and_90_is_a_quarter_turn():
    x = np.random.default_rng(5).random((3, 5, 5))
    np.testing.assert_allclose(preprocessing.rotate_images(x, 0), x, atol=1e-12)
    np.testing.assert_allclose(preprocessing.rotate_images(x, 360), x, atol=1e-9)
    np.testing.assert_allclose(preprocessing.rotate_images(x, 90), np.rot90(x, 1, axes=(1, 2)),
                               atol=1e-9)


def test_elastic_distortion_moves_pixels_a_little_and_keeps_the_ink():
    from solutions.datasets import load_mnist_small

    x, _ = load_mnist_small("test", flatten=False, dtype=np.float64)
    x = x[:20, 0]
    d = preprocessing.elastic_distortion(x, alpha=8.0, sigma=3.0, seed=0)
    assert d.shape == x.shape and not np.allclose(d, x)
    assert abs(d.sum() / x.sum() - 1) < 0.15
    again = preprocessing.elastic_distortion(x, alpha=8.0, sigma=3.0, seed=0)
    np.testing.assert_array_equal(d, again)


def test_augment_keeps_shape_and_dtype():
    x = np.random.default_rng(6).random((4, 1, 8, 8)).astype(np.float32)
    out = preprocessing.augment(x, elastic=True, seed=1)
    assert out.shape == x.shape and out.dtype == np.float32


# --------------------------------------------------------------------------- hyperparameters
def test_split_is_a_partition_that_keeps_pairs():
    x, t = np.arange(50.0)[:, None], np.arange(50)
    x_tr, t_tr, x_va, t_va = hyperparams.train_val_split(x, t, val_ratio=0.2, seed=3)
    assert len(x_va) == 10 and len(x_tr) == 40
    assert sorted(np.concatenate([t_tr, t_va]).tolist()) == list(range(50))
    np.testing.assert_array_equal(x_tr[:, 0], t_tr)


def test_log_uniform_spreads_evenly_over_the_decades():
    v = hyperparams.log_uniform(1e-5, 1e-1, 40000, seed=1)
    counts = np.histogram(np.log10(v), bins=4, range=(-5, -1))[0]
    assert counts.min() > 0.23 * len(v) and v.min() >= 1e-5 and v.max() <= 1e-1


def test_random_search_returns_the_best_first():
    def score(lr, decay):
        acc = 1.0 - abs(np.log10(lr) + 2) / 10
        return acc, [acc / 2, acc]

    results = hyperparams.random_search(score, {"lr": (1e-4, 1.0), "decay": (1e-6, 1e-2)}, 30)
    accs = [r["val_acc"] for r in results]
    assert accs == sorted(accs, reverse=True)
    assert abs(np.log10(results[0]["setting"]["lr"]) + 2) < 0.3


# --------------------------------------------------------------------------- the deeper CNN
def _tiny_net(**kw):
    from solutions.deep_cnn import DeepConvNet

    return DeepConvNet(input_dim=(1, 8, 8), blocks=(2, 3), hidden_size=5, output_size=4,
                       dtype="float64", **kw)


def test_deep_cnn_gradient_matches_central_differences():
    """The whole network (conv, batch norm, pooling, affine; no dropout) against a numerical
    gradient of its training loss, for a weight of every kind."""
    net = _tiny_net(dropout_ratio=0.0, seed=1)
    rng = np.random.default_rng(0)
    x, t = rng.random((4, 1, 8, 8)), np.array([0, 1, 2, 3])
    grads = net.gradient(x, t)
    for key in ("W1", "gamma2", "beta3", "W5", "b6"):
        value = net.params[key]

        def loss(v, key=key):
            saved = net.params[key].copy()
            net.params[key][...] = v
            try:
                return net.loss(x, t, train_flg=True)
            finally:
                net.params[key][...] = saved

        numeric = _central_difference(loss, value.copy())
        assert max_relative_error(grads[key], numeric) < 1e-5, key


def test_saliency_is_the_gradient_of_the_class_score_with_respect_to_the_image():
    net = _tiny_net(seed=2)
    rng = np.random.default_rng(1)
    for _ in range(3):   # some training steps, so the running averages are not 0 and 1
        net.gradient(rng.random((6, 1, 8, 8)), rng.integers(0, 4, 6))
    x, labels = rng.random((2, 1, 8, 8)), np.array([3, 1])
    maps = net.saliency(x, labels)
    for n in range(2):
        numeric = _central_difference(
            lambda v, n=n: float(net.predict(v[None])[0, labels[n]]), x[n])
        np.testing.assert_allclose(maps[n], np.abs(numeric).max(axis=0), rtol=1e-5, atol=1e-8)
    assert net.layers["Conv1"].needs_dx is False, "training still skips the images' gradient"


def test_deep_cnn_saved_and_loaded_predicts_identically(tmp_path):
    from solutions.deep_cnn import DeepConvNet
    from solutions.optimizers import Adam

    net = DeepConvNet(input_dim=(1, 8, 8), blocks=(2, 3), hidden_size=5, output_size=4, seed=3)
    rng = np.random.default_rng(2)
    adam = Adam(lr=0.01)
    for _ in range(3):
        adam.update(net.params, net.gradient(rng.random((5, 1, 8, 8), dtype=np.float32),
                                             rng.integers(0, 4, 5)))
    path = tmp_path / "net.npz"
    net.save(path)
    restored = DeepConvNet.load(path)
    x = rng.random((7, 1, 8, 8), dtype=np.float32)
    assert restored.config == net.config
    np.testing.assert_array_equal(restored.predict(x), net.predict(x))
    fresh = DeepConvNet(**net.config)
    assert not np.array_equal(fresh.predict(x), net.predict(x)), "the state matters"
    with np.load(path, allow_pickle=False) as f:
        assert "params/running_mean1" in f.files


def test_deep_cnn_stays_float32_through_every_layer_both_ways():
    """A float32 network on float32 images keeps float32 in every layer's output and gradient
    (one float64 layer, as Dropout was, makes every later array twice as large: the step took
    twice as long), and its gradients are float32 like its parameters."""
    from solutions.deep_cnn import DeepConvNet

    net = DeepConvNet(input_dim=(1, 8, 8), blocks=(2, 3), hidden_size=5, output_size=4, seed=3)
    seen = []

    def spy(method, key):
        """``method``, recording the dtype of what it returns under ``key``."""
        def recorded(*args, **kwargs):
            out = method(*args, **kwargs)
            if out is not None:
                seen.append((key, out.dtype))
            return out
        return recorded

    for name, layer in net.layers.items():
        for way in ("forward", "backward"):
            setattr(layer, way, spy(getattr(layer, way), f"{name} {way}"))
    grads = net.gradient(np.random.default_rng(0).random((6, 1, 8, 8), dtype=np.float32),
                         np.arange(6) % 4)
    assert len(seen) == 2 * len(net.layers) - 1          # every layer but Conv1's backward
    assert [key for key, dtype in seen if dtype != np.float32] == []
    assert {g.dtype for g in grads.values()} == {np.dtype(np.float32)}


def test_deep_cnn_without_batchnorm_has_no_gamma():
    net = _tiny_net(use_batchnorm=False)
    assert not any(k.startswith(("gamma", "beta")) for k in net.params)
    assert not any(k.startswith("BatchNorm") for k in net.layers)


@pytest.mark.oracle
def test_deep_cnn_inference_agrees_with_the_same_network_in_torch(torch):
    """The deeper CNN's inference against torch.nn layers holding the same weights."""
    from torch import nn

    net = _tiny_net(seed=4)
    rng = np.random.default_rng(3)
    for _ in range(2):
        net.gradient(rng.random((6, 1, 8, 8)), rng.integers(0, 4, 6))
    p, state = net.params, net.state()
    mods = []
    for i, c_in, c_out in ((1, 1, 2), (2, 2, 2), (3, 2, 3), (4, 3, 3)):
        conv = nn.Conv2d(c_in, c_out, 3, padding=1).double()
        bn = nn.BatchNorm2d(c_out, eps=1e-5).double().eval()
        with torch.no_grad():
            conv.weight.copy_(torch.tensor(p[f"W{i}"]))
            conv.bias.copy_(torch.tensor(p[f"b{i}"]))
            bn.weight.copy_(torch.tensor(p[f"gamma{i}"]))
            bn.bias.copy_(torch.tensor(p[f"beta{i}"]))
            bn.running_mean.copy_(torch.tensor(state[f"running_mean{i}"]))
            bn.running_var.copy_(torch.tensor(state[f"running_var{i}"]))
        mods += [conv, bn, nn.ReLU()]
        if i % 2 == 0:
            mods.append(nn.MaxPool2d(2))
    fc1, fc2 = nn.Linear(12, 5).double(), nn.Linear(5, 4).double()
    bn5 = nn.BatchNorm1d(5, eps=1e-5).double().eval()
    with torch.no_grad():
        fc1.weight.copy_(torch.tensor(p["W5"].T))
        fc1.bias.copy_(torch.tensor(p["b5"]))
        bn5.weight.copy_(torch.tensor(p["gamma5"]))
        bn5.bias.copy_(torch.tensor(p["beta5"]))
        bn5.running_mean.copy_(torch.tensor(state["running_mean5"]))
        bn5.running_var.copy_(torch.tensor(state["running_var5"]))
        fc2.weight.copy_(torch.tensor(p["W6"].T))
        fc2.bias.copy_(torch.tensor(p["b6"]))
    model = nn.Sequential(*mods, nn.Flatten(), fc1, bn5, nn.ReLU(), nn.Dropout(0.5), fc2).eval()
    x = rng.random((3, 1, 8, 8))
    np.testing.assert_allclose(net.predict(x), model(torch.tensor(x)).detach().numpy(),
                               rtol=1e-10, atol=1e-12)


def test_accuracy_benchmark_trains_the_deep_cnn(monkeypatch):
    """`python -m benchmarks.accuracy deep_cnn DATA` is wired up (a tiny run, not a figure)."""
    from benchmarks import accuracy

    assert "deep_cnn" in accuracy.MODELS
    monkeypatch.setitem(accuracy.DEEP_CNN_SETTINGS, "mnist-small",
                        dict(blocks=(2, 2), hidden_size=8, dropout_ratio=0.5, epochs=1,
                             batch_size=20, lr=0.001, lr_decay=0.5, max_shift=1,
                             max_degrees=5, seed=0))
    rng = np.random.default_rng(0)
    X, y = rng.random((40, 784), dtype=np.float32), rng.integers(0, 10, 40)
    model, settings = accuracy.train_deep_cnn("mnist-small", X, y, X[:10], y[:10])
    assert model.predict(X[:7]).shape == (7,) and "DeepConvNet" in settings


def test_accuracy_benchmark_holds_out_validation_and_flips(monkeypatch, capsys):
    """Fashion-MNIST has no validation split: ``val_split`` training images are held out for the
    per-epoch curve (so they are not trained on), and ``flip`` mirrors images left-right."""
    from benchmarks import accuracy
    from solutions import cnn

    seen = []
    real_train = cnn.train

    def spy(net, x, t, optimizer, **kwargs):
        seen.append((x.copy(), kwargs["x_val"]))
        return real_train(net, x, t, optimizer, **kwargs)

    monkeypatch.setattr(cnn, "train", spy)
    monkeypatch.setitem(accuracy.DEEP_CNN_SETTINGS, "fashion-mnist",
                        dict(blocks=(2, 2), hidden_size=8, dropout_ratio=0.5, epochs=2,
                             batch_size=10, lr=0.001, lr_decay=0.5, max_shift=0,
                             max_degrees=0, flip=True, val_split=10, seed=0))
    rng = np.random.default_rng(0)
    X, y = rng.random((40, 784), dtype=np.float32), rng.integers(0, 10, 40)
    accuracy.train_deep_cnn("fashion-mnist", X, y, None, None)
    images = X.reshape(40, 1, 28, 28)
    assert len(seen) == 2
    for x_train, x_val in seen:
        assert len(x_train) == 30 and np.array_equal(x_val, images[30:])
        mirrored = [np.array_equal(a, b[..., ::-1]) for a, b in zip(x_train, images[:30])]
        kept = [np.array_equal(a, b) for a, b in zip(x_train, images[:30])]
        assert all(m != k for m, k in zip(mirrored, kept))     # each image one or the other
        assert 0 < sum(mirrored) < 30                           # a random share, not all or none
    assert not np.array_equal(seen[0][0], seen[1][0])           # a new draw every epoch
    assert "epoch 2/2: validation accuracy" in capsys.readouterr().out


# --------------------------------------------------------------------------- alternative answers
class _GraphBatchNorm:
    """A learner's alternative: statistics over axes (no to_rows), backward node by node."""

    def __init__(self, gamma, beta, momentum=0.9, running_mean=None, running_var=None, eps=1e-5):
        self.gamma, self.beta, self.momentum, self.eps = gamma, beta, momentum, eps
        self.running_mean, self.running_var = running_mean, running_var

    def _axes(self, x):
        return (0,) if x.ndim == 2 else (0, 2, 3)

    def _shape(self, x, v):
        return v if x.ndim == 2 else v.reshape(1, -1, 1, 1)

    def forward(self, x, train_flg=True):
        x = np.asarray(x)
        x = x if x.dtype.kind == "f" else x.astype(float)
        ax, C = self._axes(x), x.shape[1]
        if self.running_mean is None:
            self.running_mean, self.running_var = np.zeros(C, x.dtype), np.ones(C, x.dtype)
        self.train_flg, self.x = train_flg, x
        if train_flg:
            mu = x.mean(axis=ax)
            self.xc = x - self._shape(x, mu)
            var = (self.xc ** 2).mean(axis=ax)
            self.std = np.sqrt(var + self.eps)
            self.running_mean = self.momentum * self.running_mean + (1 - self.momentum) * mu
            self.running_var = self.momentum * self.running_var + (1 - self.momentum) * var
        else:
            self.xc = x - self._shape(x, self.running_mean)
            self.std = np.sqrt(self.running_var + self.eps)
        self.xn = self.xc / self._shape(x, self.std)
        return self._shape(x, self.gamma) * self.xn + self._shape(x, self.beta)

    def backward(self, dout):
        x, ax = self.x, self._axes(self.x)
        n = x.size // x.shape[1]
        std = self._shape(x, self.std)
        self.dbeta = dout.sum(axis=ax)
        self.dgamma = (dout * self.xn).sum(axis=ax)
        dxn = self._shape(x, self.gamma) * dout
        if not self.train_flg:
            return dxn / std
        dxc = dxn / std                                     # through x̂ = xc · istd
        dstd = -((dxn * self.xc).sum(axis=ax)) / self.std ** 2
        dvar = 0.5 * dstd / self.std
        dxc = dxc + 2.0 * self.xc * self._shape(x, dvar) / n
        dmu = dxc.sum(axis=ax)
        return dxc - self._shape(x, dmu) / n


@pytest.mark.parametrize("ex_id", ["sprint9.batchnorm_forward", "sprint9.batchnorm_backward"])
def test_an_alternative_batchnorm_passes_every_case(ex_id, tmp_path):
    """Statistics over axes instead of to_rows, and the node-by-node backward, are right too."""
    from autograder.learner.evaluate import PASSED, evaluate
    from autograder.learner.registry import load_exercises

    from .conftest import make_helpers, plant_mistake

    spec = next(s for s in load_exercises() if s.id == ex_id)
    pkg = make_helpers(tmp_path)
    plant_mistake(pkg, "batchnorm", "BatchNormalization", _GraphBatchNorm)
    result = evaluate(spec, spec.public_cases() + spec.hidden_cases("alt"), pkg)
    assert result.status == PASSED, result.message
