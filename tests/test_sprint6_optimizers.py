"""Sprint 6 (optimizers): what the reference must get right beyond its graded cases.

The generic tests (reference passes every case, stubs say not implemented, every hint fires,
the notebook runs, doctests) live elsewhere. Here: each optimizer against ``torch.optim`` over
many steps, against closed forms derived by hand for a constant gradient, in place and dtype
preserving, state kept per key; the race against the closed form of SGD on a quadratic; the
optimizers against the sprint-5 classifier's interface.
"""
from __future__ import annotations

import numpy as np
import pytest

from solutions import optimizers as opt
from solutions import race

ALL = {
    "SGD": lambda: opt.SGD(lr=0.1),
    "Momentum": lambda: opt.Momentum(lr=0.05, momentum=0.8),
    "AdaGrad": lambda: opt.AdaGrad(lr=0.3),
    "RMSProp": lambda: opt.RMSProp(lr=0.02, decay_rate=0.9),
    "Adam": lambda: opt.Adam(lr=0.05),
}


def _params_and_grads(seed, steps, dtype=np.float64):
    rng = np.random.default_rng(seed)
    shapes = {"W1": (4, 3), "b1": (3,), "W2": (3, 2)}
    params = {k: rng.normal(size=s).astype(dtype) for k, s in shapes.items()}
    grads = [{k: (rng.normal(size=s) * rng.choice([0.01, 1.0, 5.0])).astype(dtype)
              for k, s in shapes.items()} for _ in range(steps)]
    return params, grads


# --------------------------------------------------------------------------- PyTorch oracle
def _torch_optimizer(name, torch, tensors, kw):
    o = torch.optim
    if name == "SGD":
        return o.SGD(tensors, lr=kw["lr"])
    if name == "Momentum":       # v' = μv' + g, p -= lr v'  ==  v = αv - lr g, p += v (v = -lr v')
        return o.SGD(tensors, lr=kw["lr"], momentum=kw["momentum"], dampening=0)
    if name == "AdaGrad":        # eps outside the square root, no lr decay, accumulator from 0
        return o.Adagrad(tensors, lr=kw["lr"], eps=kw["eps"], lr_decay=0,
                         initial_accumulator_value=0)
    if name == "RMSProp":        # square_avg = α sq + (1 - α) g², eps outside the root
        return o.RMSprop(tensors, lr=kw["lr"], alpha=kw["decay_rate"], eps=kw["eps"])
    if name == "Adam":           # bias-corrected, eps outside the root
        return o.Adam(tensors, lr=kw["lr"], betas=(kw["beta1"], kw["beta2"]), eps=kw["eps"])
    raise KeyError(name)


HYPER = {
    "SGD": [{"lr": 0.1}, {"lr": 0.003}],
    "Momentum": [{"lr": 0.05, "momentum": 0.9}, {"lr": 0.3, "momentum": 0.5}],
    "AdaGrad": [{"lr": 0.3, "eps": 1e-7}, {"lr": 0.01, "eps": 0.1}],
    "RMSProp": [{"lr": 0.02, "decay_rate": 0.99, "eps": 1e-7},
                {"lr": 0.1, "decay_rate": 0.5, "eps": 0.3}],
    "Adam": [{"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
             {"lr": 0.1, "beta1": 0.5, "beta2": 0.9, "eps": 0.2}],
}


@pytest.mark.oracle
@pytest.mark.parametrize("name,kw", [(n, k) for n, ks in HYPER.items() for k in ks],
                         ids=[f"{n}-{i}" for n, ks in HYPER.items() for i in range(len(ks))])
def test_twenty_steps_agree_with_torch_optim(name, kw, torch):
    params, grads = _params_and_grads(seed=len(name) + int(kw["lr"] * 1000), steps=20)
    tensors = {k: torch.tensor(v.copy(), dtype=torch.float64, requires_grad=True)
               for k, v in params.items()}
    reference = _torch_optimizer(name, torch, list(tensors.values()), kw)
    ours = getattr(opt, name)(**kw)
    for step, g in enumerate(grads, start=1):
        ours.update(params, g)
        for k, t in tensors.items():
            t.grad = torch.tensor(g[k], dtype=torch.float64)
        reference.step()
        for k in params:
            np.testing.assert_allclose(params[k], tensors[k].detach().numpy(), rtol=1e-10,
                                       atol=1e-12, err_msg=f"{name} {kw}, step {step}, {k}")


# --------------------------------------------------------------------------- closed forms
def _constant_gradient_run(optimizer, g, steps, p0=1.0):
    params = {"w": np.array([p0, p0])}
    out = []
    for _ in range(steps):
        optimizer.update(params, {"w": np.array([g, -g])})
        out.append(params["w"].copy())
    return np.array(out)


def test_momentum_under_a_constant_gradient_matches_the_geometric_series():
    # v_t = -lr g (1 - α^t) / (1 - α);  p_t = p0 + Σ_{k ≤ t} v_k
    lr, alpha, g, steps = 0.1, 0.9, 2.0, 12
    run = _constant_gradient_run(opt.Momentum(lr=lr, momentum=alpha), g, steps)
    v = [-lr * g * (1 - alpha ** k) / (1 - alpha) for k in range(1, steps + 1)]
    np.testing.assert_allclose(run[:, 0], 1.0 + np.cumsum(v), rtol=1e-12)
    np.testing.assert_allclose(run[:, 1], 1.0 - np.cumsum(v), rtol=1e-12)


def test_adagrad_under_a_constant_gradient_steps_like_one_over_sqrt_t():
    # h_t = t g², so step t moves by lr g / (sqrt(t) |g| + eps)
    lr, g, eps, steps = 0.5, 3.0, 1e-7, 10
    run = _constant_gradient_run(opt.AdaGrad(lr=lr, eps=eps), g, steps)
    moves = [lr * g / (np.sqrt(t) * abs(g) + eps) for t in range(1, steps + 1)]
    np.testing.assert_allclose(run[:, 0], 1.0 - np.cumsum(moves), rtol=1e-12)


def test_rmsprop_under_a_constant_gradient_has_h_equal_to_one_minus_rho_to_the_t():
    lr, rho, g, eps, steps = 0.01, 0.9, 0.5, 1e-7, 8
    run = _constant_gradient_run(opt.RMSProp(lr=lr, decay_rate=rho, eps=eps), g, steps)
    moves = [lr * g / (np.sqrt((1 - rho ** t) * g * g) + eps) for t in range(1, steps + 1)]
    np.testing.assert_allclose(run[:, 0], 1.0 - np.cumsum(moves), rtol=1e-12)


def test_adam_under_a_constant_gradient_steps_by_lr_every_time():
    # Bias correction makes m̂ = g and v̂ = g² exactly, so every step is lr g / (|g| + eps).
    lr, g, eps, steps = 0.01, 0.25, 1e-8, 15
    run = _constant_gradient_run(opt.Adam(lr=lr, eps=eps), g, steps)
    move = lr * g / (abs(g) + eps)
    np.testing.assert_allclose(run[:, 0], 1.0 - move * np.arange(1, steps + 1), rtol=1e-10)


def test_sgd_is_one_line_of_arithmetic():
    params = {"W": np.array([[1.0, 2.0]]), "b": np.array([-1.0])}
    opt.SGD(lr=0.5).update(params, {"W": np.array([[2.0, -2.0]]), "b": np.array([4.0])})
    np.testing.assert_array_equal(params["W"], [[0.0, 3.0]])
    np.testing.assert_array_equal(params["b"], [-3.0])


def test_defaults_are_the_usual_ones():
    assert opt.SGD().lr == 0.01
    m = opt.Momentum()
    assert (m.lr, m.momentum) == (0.01, 0.9)
    a = opt.AdaGrad()
    assert (a.lr, a.eps) == (0.01, 1e-7)
    r = opt.RMSProp()
    assert (r.lr, r.decay_rate, r.eps) == (0.01, 0.99, 1e-7)
    adam = opt.Adam()
    assert (adam.lr, adam.beta1, adam.beta2, adam.eps) == (0.001, 0.9, 0.999, 1e-8)


# --------------------------------------------------------------------------- in place, dtype
@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("grad_dtype", [np.float32, np.float64])
def test_updates_are_in_place_and_float32_stays_float32(name, grad_dtype):
    params, grads = _params_and_grads(seed=3, steps=4, dtype=np.float32)
    held = dict(params)                              # what the layers hold
    before = {k: v.copy() for k, v in params.items()}
    optimizer = ALL[name]()
    for g in grads:
        optimizer.update(params, {k: v.astype(grad_dtype) for k, v in g.items()})
    for k in params:
        assert params[k] is held[k], f"{name} replaced params[{k!r}] by a new array"
        assert params[k].dtype == np.float32
        assert not np.array_equal(params[k], before[k]), f"{name} did not move {k}"


@pytest.mark.parametrize("name", ALL)
def test_float32_run_follows_the_float64_run(name):
    p64, grads = _params_and_grads(seed=5, steps=10)
    p32 = {k: v.astype(np.float32) for k, v in p64.items()}
    o64, o32 = ALL[name](), ALL[name]()
    for g in grads:
        o64.update(p64, g)
        o32.update(p32, {k: v.astype(np.float32) for k, v in g.items()})
    for k in p64:
        np.testing.assert_allclose(p32[k], p64[k], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", ALL)
def test_state_is_kept_per_key_and_between_calls(name):
    """Two optimizers that each see one key behave like one that sees both."""
    params, grads = _params_and_grads(seed=11, steps=6)
    split = {k: {k: params[k].copy()} for k in params}
    optimizers = {k: ALL[name]() for k in params}
    joint = ALL[name]()
    for g in grads:
        joint.update(params, g)
        for k in split:
            optimizers[k].update(split[k], {k: g[k]})
    for k in params:
        np.testing.assert_allclose(params[k], split[k][k], rtol=1e-12)


@pytest.mark.parametrize("name", ALL)
def test_record_reports_steps_in_place_and_dtypes(name):
    params, grads = _params_and_grads(seed=2, steps=3)
    out = ALL[name]().record({k: v.copy() for k, v in params.items()}, grads)
    assert len(out["steps"]) == 3 and out["in_place"] is True
    assert out["dtypes"] == {k: "float64" for k in params}
    same = ALL[name]()
    for g, snap in zip(grads, out["steps"]):
        same.update(params, g)
        for k in params:
            np.testing.assert_array_equal(snap[k], params[k])


def test_record_notices_a_rebinding_optimizer():
    class Rebinding(opt.Optimizer):
        def update(self, params, grads):
            for k in params:
                params[k] = params[k] - grads[k]

    out = Rebinding().record({"w": np.zeros(2)}, [{"w": np.ones(2)}])
    assert out["in_place"] is False
    np.testing.assert_array_equal(out["steps"][0]["w"], [-1.0, -1.0])


def test_the_stub_base_class_says_not_implemented():
    with pytest.raises(NotImplementedError, match="not implemented"):
        opt.Optimizer().update({}, {})


# --------------------------------------------------------------------------- the race
BOOK_RACE = {"SGD": opt.SGD(lr=0.95), "Momentum": opt.Momentum(lr=0.1),
             "AdaGrad": opt.AdaGrad(lr=1.5), "RMSProp": opt.RMSProp(lr=0.15),
             "Adam": opt.Adam(lr=0.3)}


@pytest.mark.parametrize("lr", [0.95, 0.3, 0.05])
def test_sgd_race_path_matches_the_closed_form_of_gradient_descent_on_a_quadratic(lr):
    # x ← x - lr x / 10 and y ← y - lr 2y: each coordinate shrinks geometrically.
    path = race.race_path(opt.SGD(lr=lr), start=(-7.0, 2.0), steps=25)
    t = np.arange(26)
    np.testing.assert_allclose(path[:, 0], -7.0 * (1 - lr / 10) ** t, rtol=1e-12)
    np.testing.assert_allclose(path[:, 1], 2.0 * (1 - 2 * lr) ** t, rtol=1e-12, atol=1e-300)


def test_sgd_zigzags_and_the_others_arrive_sooner():
    paths = {name: race.race_path(o, steps=200) for name, o in BOOK_RACE.items()}
    ys = paths["SGD"][:10, 1]
    assert np.all(np.sign(ys[1:]) == -np.sign(ys[:-1])), "SGD with lr 0.95 flips y every step"
    steps = {name: race.steps_to_reach(p, 0.5) for name, p in paths.items()}
    assert all(isinstance(s, int) for s in steps.values()), steps
    for name in ("Momentum", "AdaGrad", "Adam"):
        assert steps[name] < steps["SGD"], steps


def test_race_path_has_the_start_and_one_row_per_step_and_uses_update_only():
    calls = []

    class Recorder:
        def update(self, params, grads):
            calls.append((params["xy"].copy(), grads["xy"].copy()))
            params["xy"] -= 0.1 * grads["xy"]

    path = race.race_path(Recorder(), steps=3)
    assert path.shape == (4, 2)
    np.testing.assert_array_equal(path[0], [-7.0, 2.0])
    np.testing.assert_allclose(calls[0][1], [-0.7, 4.0])       # (x / 10, 2y) at (-7, 2)


def test_steps_to_reach_counts_rows_after_the_start():
    path = np.array([[3.0, 4.0], [0.0, 2.0], [0.0, -1.0], [0.0, 0.5]])
    assert race.steps_to_reach(path, 5.0) == 0
    assert race.steps_to_reach(path, 1.0) == 2
    assert race.steps_to_reach(path, 0.2) is None


def test_plot_race_labels_its_axes(monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    ax = race.plot_race({"SGD": race.race_path(opt.SGD(lr=0.9), steps=5)})
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()


# --------------------------------------------------------------------------- with sprint 5
def test_adam_trains_the_sprint5_classifier_on_a_toy_problem():
    classifier = pytest.importorskip("solutions.classifier",
                                     reason="sprint 5's classifier is not there yet")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2)).astype(np.float32)
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    clf = classifier.ScratchNeuralNetClassifier(hidden_sizes=(16,), epochs=60, batch_size=20,
                                                optimizer=opt.Adam(lr=0.01), verbose=False)
    clf.fit(X, y)
    assert clf.params["W1"].dtype == np.float32
    assert clf.history["train_loss"][-1] < 0.5 * clf.history["train_loss"][0]
    assert clf.history["train_acc"][-1] > 0.9
