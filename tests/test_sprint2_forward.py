"""Sprint 2 (the forward pass): what the reference must get right beyond its graded cases.

The generic tests (reference passes every case, stubs say not implemented, every hint fires,
the notebook runs, doctests) live elsewhere. Here: the book's numbers, numerical stability
without warnings, mathematical properties (hypothesis), the forward pass against a loop and
against itself, the case generators' coverage, and an oracle comparison with PyTorch.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from autograder.exercises import sprint2
from autograder.learner.registry import prepare
from solutions import activations as act
from solutions import forward as fw

from .numeric import no_float_warnings

EXERCISES = {e.id: e for e in sprint2.EXERCISES}
FINITE = st.floats(-50, 50, allow_nan=False, allow_infinity=False)
ANY_FLOAT = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


def _random_network(rng, sizes):
    return {k: v for i, (m, n) in enumerate(zip(sizes[:-1], sizes[1:]), 1)
            for k, v in ((f"W{i}", rng.normal(size=(m, n))), (f"b{i}", rng.normal(size=n)))}


# --------------------------------------------------------------------------- the book's numbers
def test_the_books_numbers():
    np.testing.assert_allclose(act.sigmoid(np.array([-1.0, 1.0, 2.0])),
                               [0.26894142, 0.73105858, 0.88079708], atol=1e-8)
    np.testing.assert_allclose(act.softmax(np.array([0.3, 2.9, 4.0])),
                               [0.01821127, 0.24519181, 0.73659691], atol=1e-8)
    np.testing.assert_allclose(act.softmax(np.array([1010.0, 1000.0, 990.0])),
                               [9.99954600e-01, 4.53978686e-05, 2.06106005e-09], rtol=1e-7)
    np.testing.assert_allclose(fw.forward(fw.init_network(), np.array([1.0, 0.5])),
                               [0.31682708, 0.69627909], atol=1e-8)


def test_init_network_is_figure_3_15_and_fresh_on_every_call():
    net = fw.init_network()
    assert {k: v.shape for k, v in net.items()} == {
        "W1": (2, 3), "b1": (3,), "W2": (3, 2), "b2": (2,), "W3": (2, 2), "b3": (2,)}
    np.testing.assert_array_equal(net["W1"], [[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]])
    np.testing.assert_array_equal(net["W3"], [[0.1, 0.3], [0.2, 0.4]])
    net["W1"][:] = 0
    assert fw.init_network()["W1"][0, 0] == 0.1


# --------------------------------------------------------------------------- stability
def test_extreme_inputs_give_exact_limits_without_any_warning():
    big = np.array([-1e308, -1e5, -800.0, -40.0, 0.0, 40.0, 800.0, 1e5, 1e308])
    with no_float_warnings():
        s = act.sigmoid(big)
        t = act.tanh(big)
        ds, dt = act.sigmoid_grad(big), act.tanh_grad(big)
        p1 = act.softmax(np.array([[1000.0, 1001.0, 1002.0]]))
        p2 = act.softmax(np.array([-1000.0, -1001.0, -1002.0]))
        p3 = act.softmax(np.array([[1e4, 1e4 - 1.0], [-1e4, -1e4 + 1.0], [-1e300, 1e300]]))
    np.testing.assert_array_equal(s[[0, 1, 2, 6, 7, 8]], [0, 0, 0, 1, 1, 1])
    np.testing.assert_array_equal(t[[0, 1, 2, 6, 7, 8]], [-1, -1, -1, 1, 1, 1])
    np.testing.assert_array_equal(ds[[0, 1, 2, 6, 7, 8]], 0)
    np.testing.assert_array_equal(dt[[0, 1, 2, 6, 7, 8]], 0)
    assert s[4] == 0.5 and ds[4] == 0.25 and t[4] == 0 and dt[4] == 1
    expected = np.exp([-2.0, -1.0, 0.0]) / np.exp([-2.0, -1.0, 0.0]).sum()
    np.testing.assert_allclose(p1[0], expected, rtol=1e-12)
    np.testing.assert_allclose(p2, expected[::-1], rtol=1e-12)
    np.testing.assert_allclose(p3, [[1 / (1 + np.e ** -1), 1 / (1 + np.e)],
                                    [1 / (1 + np.e), 1 / (1 + np.e ** -1)], [0, 1]], rtol=1e-12)


def test_the_naive_softmax_really_overflows_on_the_public_example():
    """The hint for the missing max depends on the public example producing nan."""
    with np.errstate(all="ignore"):
        out = sprint2._softmax_without_max(np.array([1010.0, 1000.0, 990.0]))
    assert np.isnan(out).all()


# --------------------------------------------------------------------------- properties
@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, array_shapes(max_dims=3, max_side=5), elements=ANY_FLOAT))
def test_sigmoid_is_symmetric_bounded_and_matches_the_formula(x):
    s = act.sigmoid(x)
    assert s.shape == x.shape and s.dtype == np.float64
    assert np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(s + act.sigmoid(-x), 1.0, atol=1e-12)
    safe = np.clip(x, -700, 700)
    np.testing.assert_allclose(act.sigmoid(safe), 1 / (1 + np.exp(-safe)), rtol=1e-12, atol=1e-300)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, array_shapes(max_dims=3, max_side=5), elements=ANY_FLOAT))
def test_tanh_and_relu_identities(x):
    np.testing.assert_allclose(act.tanh(x), 2 * act.sigmoid(2 * x) - 1, atol=1e-12)
    np.testing.assert_array_equal(act.relu(x), np.where(x > 0, x, 0.0))
    np.testing.assert_array_equal(act.relu(x) - act.relu(-x), x)
    np.testing.assert_array_equal(act.relu_grad(x), (x > 0).astype(float))


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, array_shapes(min_dims=1, max_dims=2, max_side=6), elements=ANY_FLOAT),
       st.floats(-1e3, 1e3))
def test_softmax_rows_are_distributions_invariant_to_a_shift(x, shift):
    with no_float_warnings():
        y = act.softmax(x)
    assert y.shape == x.shape
    assert np.all((y >= 0) & (y <= 1))
    np.testing.assert_allclose(y.sum(axis=-1), 1.0, rtol=1e-12)
    order = np.argsort(x, axis=-1)   # a larger score never gets a smaller probability
    assert np.all(np.diff(np.take_along_axis(y, order, axis=-1), axis=-1) >= 0)
    if np.all(np.abs(x) < 1e5):   # a shift is exact only when it does not round x away
        np.testing.assert_allclose(act.softmax(x + shift), y, atol=1e-9)
    if x.ndim == 2:               # a batch is its rows, one by one
        np.testing.assert_allclose(y, np.array([act.softmax(row) for row in x]), rtol=1e-12)


@pytest.mark.parametrize("f,df", [(act.sigmoid, act.sigmoid_grad), (act.tanh, act.tanh_grad),
                                  (act.relu, act.relu_grad)], ids=["sigmoid", "tanh", "relu"])
def test_derivatives_match_central_differences(f, df):
    x = np.random.default_rng(0).normal(size=(4, 7)) * 3
    x = x[np.abs(x) > 1e-3]       # ReLU's corner is not differentiable
    h = 1e-6
    np.testing.assert_allclose(df(x), (f(x + h) - f(x - h)) / (2 * h), atol=1e-8)


# --------------------------------------------------------------------------- forward pass
@pytest.mark.parametrize("seed", range(5))
def test_batched_forward_equals_a_loop_and_forward_general(seed):
    rng = np.random.default_rng(seed)
    sizes = [int(n) for n in rng.integers(1, 7, size=4)]
    net = _random_network(rng, sizes)
    X = rng.normal(size=(int(rng.integers(1, 10)), sizes[0]))
    before = {k: v.copy() for k, v in net.items()}
    batch = fw.forward(net, X)
    assert batch.shape == (len(X), sizes[-1])
    np.testing.assert_allclose(batch, np.array([fw.forward(net, x) for x in X]), rtol=1e-12)
    np.testing.assert_allclose(fw.forward_general(net, X), batch, rtol=1e-12)
    assert all(np.array_equal(net[k], before[k]) for k in net), "the network was modified"


@pytest.mark.parametrize("hidden", ["sigmoid", "relu", "tanh"])
@pytest.mark.parametrize("n_layers", [1, 2, 4])
def test_forward_general_layer_by_layer(hidden, n_layers):
    rng = np.random.default_rng(n_layers)
    sizes = [3] + [int(n) for n in rng.integers(1, 6, size=n_layers)]
    net = _random_network(rng, sizes)
    x = rng.normal(size=(5, 3))
    h = {"sigmoid": act.sigmoid, "relu": act.relu, "tanh": act.tanh}[hidden]
    z = x
    for i in range(1, n_layers + 1):
        a = z @ net[f"W{i}"] + net[f"b{i}"]
        z = h(a) if i < n_layers else a
    np.testing.assert_allclose(fw.forward_general(net, x, hidden=hidden), z, rtol=1e-12)
    probs = fw.forward_general(net, x, output="softmax", hidden=hidden)
    np.testing.assert_allclose(probs, act.softmax(z), rtol=1e-12)
    np.testing.assert_array_equal(fw.predict_class(net, x, hidden=hidden), np.argmax(z, axis=1))
    single = fw.forward_general(net, x[0], output="softmax", hidden=hidden)
    assert single.shape == (sizes[-1],)
    np.testing.assert_allclose(single, probs[0], rtol=1e-12)
    assert fw.predict_class(net, x[0], hidden=hidden) == np.argmax(z[0])


def test_forward_general_rejects_unknown_names():
    with pytest.raises(ValueError, match="output"):
        fw.forward_general(fw.init_network(), np.ones(2), output="sigmoid")
    with pytest.raises(ValueError, match="hidden"):
        fw.forward_general(fw.init_network(), np.ones(2), hidden="step")


# --------------------------------------------------------------------------- the cases
def test_reference_outputs_are_finite_on_every_case():
    for ex in sprint2.EXERCISES:
        for p in prepare(ex, ex.public_inputs() + ex.hidden_inputs("finite")):
            assert np.all(np.isfinite(np.asarray(p.expected["return"], dtype=float))), ex.id


def test_generators_cover_single_samples_batches_and_depths():
    def inputs(ex_id, salts=("a", "b", "c")):
        ex = EXERCISES[ex_id]
        return ex.public_inputs() + [c for s in salts for c in ex.hidden_inputs(s)]

    softmax_ndims = {c["args"][0].ndim for c in inputs("sprint2.softmax")}
    assert softmax_ndims == {1, 2}
    for ex_id in ("sprint2.forward", "sprint2.forward_general", "sprint2.predict_class"):
        cases = inputs(ex_id)
        assert {c["args"][1].ndim for c in cases} == {1, 2}, ex_id
        assert len({c["args"][0]["W1"].shape for c in cases}) > 3, ex_id
    general = inputs("sprint2.forward_general")
    depths = {sum(k.startswith("W") for k in c["args"][0]) for c in general}
    assert {1, 2, 3, 4} <= depths
    assert {c["kwargs"].get("output", "identity") for c in general} == {"identity", "softmax"}
    assert {c["kwargs"].get("hidden", "sigmoid") for c in general} == {"sigmoid", "relu", "tanh"}
    relu_grad_inputs = np.concatenate([c["args"][0].ravel() for c in inputs("sprint2.relu_grad")])
    assert np.any(relu_grad_inputs == 0), "ReLU's corner at 0 must be graded"


def test_the_w_times_x_mistake_runs_only_where_the_shapes_are_square():
    """Its hint can only fire on the square public case, so that case must stay public."""
    ex = EXERCISES["sprint2.forward"]
    ran = []
    for c in ex.public_inputs():
        try:
            sprint2._forward_w_times_x(*c["args"])
            ran.append(c["label"])
        except ValueError:
            pass
    assert ran and all("square" in label for label in ran)


# --------------------------------------------------------------------------- oracle: PyTorch
def _oracle_inputs():
    rng = np.random.default_rng(2024)
    xs = [rng.normal(size=(6, 9)) * 4, rng.normal(size=11) * 30,
          np.array([[-800.0, -30.0, 0.0, 30.0, 800.0]])]
    xs[0][0, :3] = 0.0                    # ReLU's corner
    return xs


@pytest.mark.oracle
@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu"])
def test_activations_and_their_derivatives_match_torch(torch, name):
    ours = {"sigmoid": (act.sigmoid, act.sigmoid_grad), "tanh": (act.tanh, act.tanh_grad),
            "relu": (act.relu, act.relu_grad)}[name]
    theirs = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}[name]
    for x in _oracle_inputs():
        t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        y = theirs(t)
        y.sum().backward()   # d(sum y)/dx = the element-wise derivative
        np.testing.assert_allclose(ours[0](x), y.detach().numpy(), rtol=1e-12, atol=1e-300)
        # 1 - s and 1 - t**2 cancel near saturation: compare derivatives to a few ulps of 1
        np.testing.assert_allclose(ours[1](x), t.grad.numpy(), rtol=1e-10, atol=1e-15)


@pytest.mark.oracle
def test_softmax_matches_torch(torch):
    rng = np.random.default_rng(7)
    xs = _oracle_inputs() + [rng.normal(size=(5, 4)) * 5 + rng.normal(size=(5, 1)) * 500,
                             np.array([1010.0, 1000.0, 990.0])]
    for x in xs:
        expected = torch.softmax(torch.tensor(x, dtype=torch.float64), dim=-1).numpy()
        np.testing.assert_allclose(act.softmax(x), expected, rtol=1e-10, atol=1e-300)


@pytest.mark.oracle
@pytest.mark.parametrize("hidden", ["sigmoid", "relu", "tanh"])
def test_forward_general_matches_a_torch_network(torch, hidden):
    rng = np.random.default_rng(11)
    sizes = [4, 7, 5, 3]
    net = _random_network(rng, sizes)
    x = rng.normal(size=(8, 4))
    layers = []
    for i, (m, n) in enumerate(zip(sizes[:-1], sizes[1:]), 1):
        lin = torch.nn.Linear(m, n, dtype=torch.float64)
        with torch.no_grad():            # torch stores W as (out, in): the transpose of ours
            lin.weight.copy_(torch.tensor(net[f"W{i}"].T))
            lin.bias.copy_(torch.tensor(net[f"b{i}"]))
        layers.append(lin)
        if i < len(sizes) - 1:
            layers.append({"sigmoid": torch.nn.Sigmoid, "relu": torch.nn.ReLU,
                           "tanh": torch.nn.Tanh}[hidden]())
    model = torch.nn.Sequential(*layers)
    with torch.no_grad():
        scores = model(torch.tensor(x)).numpy()
        probs = torch.softmax(model(torch.tensor(x)), dim=1).numpy()
    np.testing.assert_allclose(fw.forward_general(net, x, hidden=hidden), scores, rtol=1e-10)
    np.testing.assert_allclose(fw.forward_general(net, x, output="softmax", hidden=hidden), probs,
                               rtol=1e-10)
