"""The reference's promises, each checked: conversions, copies, dtypes, defaults, edge sizes.

The reference in ``solutions/`` computes every expected output, so a slip in it changes what
counts as right. The sprint tests check the mathematics; these check the small promises the
docstrings make and that mutation testing (``python -m benchmarks.mutation --part
reference``) found unguarded: "accepts lists" (an ``np.asarray`` dropped), "returns a new
array" / "the input is not modified" (a ``.copy()`` dropped), "float32 in, float32 out",
``keepdims``, each documented default, the edges of size checks and counting rules. Every
assertion message names the function and the promise, so a failure points at the bug.
"""
from __future__ import annotations

import numpy as np
import pytest

from solutions import (
    activations,
    batchnorm,
    checkpoint,
    classifier,
    conv1d,
    conv2d,
    forward,
    framework,
    gradient_check,
    gradients,
    hyperparams,
    initializers,
    layers,
    losses,
    numerical_net,
    optimizers,
    param_count,
    perceptron,
    pooling,
    preprocessing,
    race,
    regularization,
    warmup,
    weight_decay,
)

RNG = np.random.default_rng(20261206)


def arr(*shape, dtype=np.float64, lo=-2.0, hi=2.0):
    return RNG.uniform(lo, hi, size=shape).astype(dtype)


def untouched(name, before, after):
    """Assert each input came back exactly as it went in (values, dtype, shape)."""
    for i, (b, a) in enumerate(zip(before, after)):
        if isinstance(b, np.ndarray):
            assert a.dtype == b.dtype and a.shape == b.shape and np.array_equal(
                a, b, equal_nan=True), f"{name} modified its argument {i + 1} in place"


def snapshot(*values):
    return [v.copy() if isinstance(v, np.ndarray) else v for v in values]


def is_new(name, out, *inputs):
    for x in inputs:
        if isinstance(x, np.ndarray) and isinstance(out, np.ndarray):
            assert not np.shares_memory(out, x), f"{name} returned (a view of) its input, " \
                                                 "not a new array"


def same(name, got, want, **kw):
    np.testing.assert_allclose(got, want, err_msg=f"{name}", **kw)


# --------------------------------------------------------------------------- pure functions
#: (name, function, inputs as arrays): each is called with the arrays and with nested lists.
LIST_CALLS = [
    ("warmup.as_column", warmup.as_column, [np.array([1.0, 2.0, 3.0])]),
    ("activations.sigmoid", activations.sigmoid, [arr(2, 3)]),
    ("activations.relu", activations.relu, [arr(2, 3)]),
    ("activations.tanh", activations.tanh, [arr(2, 3)]),
    ("activations.softmax", activations.softmax, [arr(2, 3)]),
    ("activations.sigmoid_grad", activations.sigmoid_grad, [arr(2, 3)]),
    ("activations.relu_grad", activations.relu_grad, [arr(2, 3)]),
    ("activations.tanh_grad", activations.tanh_grad, [arr(2, 3)]),
    ("perceptron.step_function", perceptron.step_function, [np.array([-1.0, 0.0, 2.0])]),
    ("perceptron.perceptron_output", perceptron.perceptron_output,
     [np.array([[0.0, 1.0], [1.0, 1.0]]), np.array([0.5, 0.5]), -0.7]),
    ("perceptron.AND", perceptron.AND, [np.array([[0, 0], [0, 1], [1, 0], [1, 1]])]),
    ("perceptron.XOR", perceptron.XOR, [np.array([[0, 0], [0, 1], [1, 0], [1, 1]])]),
    ("losses.sum_squared_error", losses.sum_squared_error,
     [np.array([[0.1, 0.9], [0.8, 0.2]]), np.array([1, 0])]),
    ("losses.cross_entropy_error", losses.cross_entropy_error,
     [np.array([[0.1, 0.9], [0.8, 0.2]]), np.array([1, 0])]),
    ("losses.cross_entropy_error (one-hot)", losses.cross_entropy_error,
     [np.array([[0.1, 0.9], [0.8, 0.2]]), np.array([[0, 1], [1, 0]])]),
    ("conv1d.pad1d", lambda x: conv1d.pad1d(x, 2), [np.array([[1.0, 2.0, 3.0]])]),
    ("race.steps_to_reach", lambda p: race.steps_to_reach(p, 1.0),
     [np.array([[3.0, 0.0], [0.5, 0.5], [0.1, 0.0]])]),
]


@pytest.mark.parametrize("name,fn,inputs", LIST_CALLS, ids=[c[0] for c in LIST_CALLS])
def test_functions_accept_lists_and_leave_their_inputs_alone(name, fn, inputs):
    want = fn(*inputs)
    before = snapshot(*inputs)
    as_lists = [x.tolist() if isinstance(x, np.ndarray) else x for x in inputs]
    got = fn(*as_lists)
    untouched(name, before, inputs)
    assert type(got) is type(want), f"{name}: lists give a {type(got).__name__}, arrays a " \
                                    f"{type(want).__name__}"
    np.testing.assert_array_equal(got, want, err_msg=f"{name} on lists")


@pytest.mark.parametrize("name,fn", [
    ("activations.sigmoid", activations.sigmoid), ("activations.tanh", activations.tanh),
    ("activations.softmax", activations.softmax), ("activations.relu_grad", activations.relu_grad),
    ("activations.tanh_grad", activations.tanh_grad),
    ("activations.sigmoid_grad", activations.sigmoid_grad),
])
def test_activations_of_integers_are_floats(name, fn):
    out = fn(np.array([[-1, 0, 2]]))
    assert out.dtype == np.float64, f"{name} of ints gives dtype {out.dtype}"
    out = fn([[1, 2, 3]])
    assert out.dtype == np.float64, f"{name} of a list of ints gives dtype {out.dtype}"


def test_activations_softmax_of_a_batch_normalises_each_row_with_its_own_maximum():
    x = np.array([[1000.0, 1001.0], [-3.0, 5.0]])
    y = activations.softmax(x)
    assert np.isfinite(y).all(), "softmax overflows: the max is not subtracted"
    same("softmax rows sum to 1", y.sum(axis=1), [1.0, 1.0])
    same("softmax row 0", y[0], [1 / (1 + np.e), np.e / (1 + np.e)])
    one = activations.softmax(np.array([1.0, 2.0, 3.0]))   # one sample: shape (3,)
    assert one.shape == (3,), "softmax of one sample must keep its shape (keepdims)"


def test_activations_values_at_known_points():
    same("sigmoid(0), sigmoid(2)", activations.sigmoid(np.array([0.0, 2.0])),
         [0.5, 1 / (1 + np.exp(-2.0))], rtol=1e-12)
    same("sigmoid_grad(0) = 1/4", activations.sigmoid_grad(np.array([0.0, 2.0])),
         [0.25, np.exp(-2.0) / (1 + np.exp(-2.0)) ** 2], rtol=1e-12)
    same("tanh_grad = 1 - tanh^2", activations.tanh_grad(np.array([0.5])),
         [1 - np.tanh(0.5) ** 2], rtol=1e-12)
    g = activations.relu_grad(np.array([-1.0, 0.0, 2.0]))
    assert g.tolist() == [0.0, 0.0, 1.0] and g.dtype == np.float64, "relu_grad(0) is 0"


def test_activations_relu_returns_a_new_array():
    x = np.array([-1.0, 2.0])
    is_new("activations.relu", activations.relu(x), x)
    assert activations.relu(np.array([-1, 3])).tolist() == [0, 3]


def test_perceptron_step_function_and_output_give_int_arrays():
    out = perceptron.step_function(np.array([-0.5, 0.0, 0.5]))
    assert out.dtype.kind == "i" and out.tolist() == [0, 0, 1], "step(0) is 0, ints"
    out = perceptron.perceptron_output([1, 1], [0.5, 0.5], -1.0)
    assert out == 0 and np.asarray(out).dtype.kind == "i", "w·x + b = 0 gives 0"


@pytest.mark.parametrize("gate,table", [
    ("AND", [0, 0, 0, 1]), ("NAND", [1, 1, 1, 0]), ("OR", [0, 1, 1, 1]), ("XOR", [0, 1, 1, 0]),
])
def test_perceptron_gates_on_the_whole_truth_table_and_on_one_pair(gate, table):
    fn = getattr(perceptron, gate)
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    assert fn(X).tolist() == table, f"perceptron.{gate} truth table"
    assert [int(fn(x)) for x in X] == table, f"perceptron.{gate} on single pairs"


def test_perceptron_defaults_and_fit_counts_errors_per_epoch():
    p = perceptron.Perceptron()
    assert p.lr == 0.1 and p.w.tolist() == [0.0, 0.0] and p.b == 0.0, "defaults n_inputs=2, lr=0.1"
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    y = np.array([0, 0, 0, 1])
    errors = perceptron.Perceptron(lr=0.1).fit(X.tolist(), y.tolist(), epochs=6)
    assert errors.dtype.kind == "i" and len(errors) == 6, "fit returns an int count per epoch"
    # worked by hand: the first epoch, from w = 0, b = 0, lr = 0.1
    # (0,0): step(0)=0 ok; (0,1): ok; (1,0): ok; (1,1): 0 -> error +1: w=(.1,.1), b=.1
    assert errors[0] == 1, f"Perceptron.fit epoch 1 errors {errors[0]}, expected 1"
    assert errors[-1] == 0, "Perceptron.fit should have learned AND"
    q = perceptron.Perceptron(n_inputs=3, lr=0.5)
    q.fit(np.array([[1.0, 0.0, 0.0]]), np.array([1]))   # default epochs: 10
    assert q.w.tolist() == [0.5, 0.0, 0.0] and q.b == 0.5, "one error moves w by lr·error·x"
    X_float = X.astype(float)
    before = X_float.copy()
    perceptron.Perceptron().fit(X_float, y)
    untouched("Perceptron.fit", [before], [X_float])


def test_perceptron_fit_updates_on_negative_errors_too():
    p = perceptron.Perceptron(n_inputs=1, lr=1.0)
    p.b = 1.0
    errors = p.fit(np.array([[1.0]]), np.array([0]), epochs=1)   # predicts 1, target 0
    assert errors.tolist() == [1] and p.w.tolist() == [-1.0] and p.b == 0.0


# --------------------------------------------------------------------------- warm-up
def test_warmup_functions_return_new_arrays_with_kept_dims():
    X = np.array([[1.0, 3.0], [2.0, 6.0]])
    before = X.copy()
    col = warmup.as_column(np.array([1, 2]))
    assert col.shape == (2, 1) and col.tolist() == [[1], [2]]
    assert warmup.as_column(5.0).shape == (1, 1), "as_column of a number"
    m = warmup.row_means(X)
    assert m.shape == (2, 1) and m.ravel().tolist() == [2.0, 4.0], "row_means keepdims"
    n = warmup.normalize_rows(X)
    assert n.shape == (2, 2) and n.tolist() == [[0.25, 0.75], [0.25, 0.75]], "normalize_rows"
    b = warmup.add_bias(X, np.array([1.0, -1.0]))
    assert b.tolist() == [[2.0, 2.0], [3.0, 5.0]]
    untouched("warm-up", [before], [X])
    for name, out in [("add_bias", b), ("normalize_rows", n)]:
        is_new(f"warmup.{name}", out, X)


# --------------------------------------------------------------------------- forward
def _net(sizes=(2, 3, 2, 2)):
    return {**{f"W{i + 1}": arr(a, b) for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]))},
            **{f"b{i + 1}": arr(b) for i, b in enumerate(sizes[1:])}}


def test_forward_accepts_lists_and_general_forward_defaults_match_the_three_layer_one():
    net = _net()
    x = arr(4, 2)
    want = forward.forward(net, x)
    same("forward on lists", forward.forward(net, x.tolist()), want)
    same("forward_general defaults (identity output, sigmoid hidden)",
         forward.forward_general(net, x.tolist()), want)
    assert forward.forward(net, np.array([[1, 0]])).dtype == np.float64
    assert forward.forward_general(net, np.array([[1, 0]])).dtype == np.float64
    z = forward.forward_general(net, x, output="softmax", hidden="relu")
    same("forward_general softmax rows", z.sum(axis=1), np.ones(4))
    one = forward.forward_general({"W1": np.eye(2), "b1": np.zeros(2)}, [1.0, -1.0])
    same("forward_general with one layer applies only the output function", one, [1.0, -1.0])


def test_forward_predict_class_uses_the_hidden_activation_it_is_given():
    net = {"W1": np.array([[1.0, -1.0]]), "b1": np.zeros(2),
           "W2": np.array([[1.0, 0.0], [0.0, 1.0]]), "b2": np.array([0.0, 0.0])}
    x = np.array([[-2.0]])
    # sigmoid: (0.12, 0.88) -> class 1; relu: (0, 2) -> class 1; identity-like check of axis:
    assert forward.predict_class(net, x).tolist() == [1]
    assert forward.predict_class(net, [[2.0]], hidden="relu").tolist() == [0]
    assert forward.predict_class(net, np.array([2.0])) == 0, "one sample: one class"


# --------------------------------------------------------------------------- losses
def test_losses_sum_squared_error_is_a_python_float_averaged_over_the_batch():
    y = np.array([[0.1, 0.9], [0.5, 0.5], [1.0, 0.0]])
    t = np.array([[0, 1], [1, 0], [1, 0]])
    got = losses.sum_squared_error(y, t)
    assert type(got) is float
    same("sum_squared_error: half the squared error summed over classes, mean over samples",
         got, 0.5 * ((0.01 + 0.01) + (0.25 + 0.25) + 0.0) / 3)
    same("sum_squared_error with class indices", losses.sum_squared_error(y, [1, 0, 0]), got)
    same("sum_squared_error of one sample", losses.sum_squared_error([0.1, 0.9], [0, 1]), 0.01)


def test_losses_cross_entropy_single_sample_batch_and_delta():
    y = np.array([0.1, 0.7, 0.2])
    got = losses.cross_entropy_error(y, 1)
    assert type(got) is float
    same("cross_entropy_error of one sample, label", got, -np.log(0.7 + 1e-7))
    onehot = losses.cross_entropy_error(y, [0, 1, 0])
    assert type(onehot) is float, "cross_entropy_error with one-hot labels returns a float"
    same("cross_entropy_error of one sample, one-hot", onehot, -np.log(0.7 + 1e-7))
    batch = np.array([[0.1, 0.9], [0.6, 0.4]])
    same("cross_entropy_error is averaged over the batch",
         losses.cross_entropy_error(batch, [1, 0]), -(np.log(0.9 + 1e-7) + np.log(0.6 + 1e-7)) / 2)
    assert np.isfinite(losses.cross_entropy_error(np.array([[0.0, 1.0]]), [0])), \
        "cross_entropy_error adds a small delta before the log"
    same("log(0 + delta)", losses.cross_entropy_error(np.array([[0.0, 1.0]]), [0]),
         -np.log(1e-7), rtol=1e-12)


def test_losses_sample_batch_accepts_lists_returns_arrays_and_never_repeats():
    X = np.arange(20).reshape(10, 2)
    t = np.arange(10)
    Xb, tb = losses.sample_batch(X.tolist(), t.tolist(), 10, seed=1)
    assert isinstance(Xb, np.ndarray) and Xb.shape == (10, 2)
    assert sorted(tb.tolist()) == list(range(10)), "sample_batch draws without replacement"
    np.testing.assert_array_equal(Xb[:, 0] // 2, tb)
    a = losses.sample_batch(X, t, 4, seed=3)
    b = losses.sample_batch(X, t, 4, seed=3)
    np.testing.assert_array_equal(a[0], b[0])


# --------------------------------------------------------------------------- gradients
def test_gradients_numerical_diff_is_central_with_the_default_h_and_a_float():
    got = gradients.numerical_diff(lambda x: x ** 3, 1.0)
    assert type(got) is float
    assert type(gradients.numerical_diff(lambda x: np.float64(x) ** 3, 1.0)) is float, \
        "numerical_diff returns a Python float even when f returns a NumPy number"
    same("numerical_diff default h = 1e-4 (central)", got, 3.0 + 1e-8, rtol=1e-12)
    same("numerical_diff h", gradients.numerical_diff(lambda x: x ** 3, 1.0, h=0.1),
         3.0 + 0.01, rtol=1e-12)


def test_gradients_numerical_gradient_uses_h_1e_4_copies_and_restores():
    x = np.array([1.0, 2.0])
    seen = []
    g = gradients.numerical_gradient(lambda v: seen.append(v.copy()) or float(np.sum(v ** 3)), x)
    same("numerical_gradient of sum x^3 (central, h=1e-4)", g, 3 * x ** 2 + 1e-8, rtol=1e-9)
    assert x.tolist() == [1.0, 2.0], "numerical_gradient modified its input"
    assert seen[0].tolist() == [1.0001, 2.0] and seen[1].tolist() == [0.9999, 2.0]
    assert seen[2].tolist() == [1.0, 2.0001], "the previous element is restored before the next"
    gi = gradients.numerical_gradient(lambda v: float(np.sum(v ** 2)), np.array([1, 2]))
    same("numerical_gradient of an int array is a float gradient", gi, [2.0, 4.0], rtol=1e-6)
    assert gi.dtype == np.float64
    same("numerical_gradient accepts a list",
         gradients.numerical_gradient(lambda v: float(np.sum(v ** 2)), [1.0, 2.0]), [2.0, 4.0],
         rtol=1e-6)


def test_gradients_gradient_descent_defaults_history_copies_and_input():
    x0 = np.array([3.0, 4.0])
    x, hist = gradients.gradient_descent(lambda v: float(np.sum(v ** 2)), x0)
    assert x0.tolist() == [3.0, 4.0], "gradient_descent modified init_x"
    assert hist.shape == (101, 2), "default step_num = 100: 101 points in the history"
    same("history[0] is the start", hist[0], [3.0, 4.0])
    same("default lr = 0.01: each step multiplies by 0.98", hist[1], [2.94, 3.92], rtol=1e-6)
    same("the last point is x", hist[-1], x)
    assert not np.allclose(hist[1], hist[2]), "history holds copies, not one array"
    xi, hi = gradients.gradient_descent(lambda v: float(np.sum(v ** 2)), [1, 1], lr=0.5,
                                        step_num=1)
    same("gradient_descent from a list of ints", xi, [0.0, 0.0], atol=1e-6)
    assert hi.shape == (2, 2)


def test_gradient_check_returns_the_largest_relative_error_and_its_index():
    a = np.array([[1.0, 2.0], [3.0, 0.0]])
    n = np.array([[1.0, 2.2], [3.0, 0.0]])
    err, idx = gradient_check.gradient_check(a, n)
    assert type(err) is float and idx == (0, 1) and all(type(i) is int for i in idx)
    same("gradient_check relative error", err, 0.2 / 4.2)
    err_n, idx_n = gradient_check.gradient_check(np.array([-1.0, -3.0]), np.array([-1.5, -3.0]))
    assert idx_n == (0,)
    same("gradient_check with negative gradients: |a - n| / (|a| + |n|)", err_n, 0.5 / 2.5)
    err0, _ = gradient_check.gradient_check(np.zeros(3), np.zeros(3))
    assert err0 == 0.0, "0 where both are 0 (the eps floor)"
    err_small, _ = gradient_check.gradient_check(np.array([0.0]), np.array([1e-9]))
    same("eps = 1e-8 floors the denominator", err_small, 1e-9 / 1e-8)
    err_e, _ = gradient_check.gradient_check(np.array([0.0]), np.array([1e-9]), eps=1e-6)
    same("gradient_check eps", err_e, 1e-3)


# --------------------------------------------------------------------------- numerical net
def test_numerical_net_predict_loss_accuracy_and_gradient():
    net = numerical_net.TwoLayerNet(3, 4, 2, weight_init_std=0.5, seed=0)
    x = arr(5, 3)
    t = np.array([0, 1, 1, 0, 1])
    p = net.predict(x.tolist())
    same("TwoLayerNet.predict rows sum to 1", p.sum(axis=1), np.ones(5))
    acc = net.accuracy(x, t)
    assert type(acc) is float
    onehot = np.eye(2)[t]
    assert net.accuracy(x, onehot) == acc, "accuracy with one-hot labels"
    same("accuracy", acc, np.mean(np.argmax(p, axis=1) == t))
    assert net.accuracy(x.tolist(), t.tolist()) == acc, "accuracy accepts lists"
    params = {k: v.copy() for k, v in net.params.items()}
    objects = dict(net.params)
    grads = net.numerical_gradient(x, t)
    assert set(grads) == set(params)
    for k in params:
        assert net.params[k] is objects[k] and np.array_equal(net.params[k], params[k]), \
            f"numerical_gradient must put the original params[{k!r}] back"
        assert grads[k].shape == params[k].shape
    h = 1e-4
    b2 = net.params["b2"]
    b2[1] += h
    up = net.loss(x, t)
    b2[1] -= 2 * h
    down = net.loss(x, t)
    b2[1] += h
    same("TwoLayerNet.numerical_gradient of b2[1]", grads["b2"][1], (up - down) / (2 * h),
         rtol=1e-6)
    assert abs(grads["b2"][1]) > 1e-6


# --------------------------------------------------------------------------- layers
@pytest.mark.parametrize("name,make,shape", [
    ("layers.Relu", lambda: layers.Relu(), (3, 4)),
    ("layers.Sigmoid", lambda: layers.Sigmoid(), (3, 4)),
    ("layers.Affine", lambda: layers.Affine(arr(4, 2, dtype=np.float32), arr(2, dtype=np.float32)),
     (3, 4)),
])
def test_layers_keep_float32_accept_lists_and_leave_inputs_alone(name, make, shape):
    x = arr(*shape, dtype=np.float32)
    layer = make()
    out = layer.forward(x)
    assert out.dtype == np.float32, f"{name}.forward: float32 in, {out.dtype} out"
    dout = np.ones_like(out)
    before = snapshot(x, dout)
    dx = layer.backward(dout)
    assert dx.dtype == np.float32, f"{name}.backward: float32 in, {dx.dtype} out"
    untouched(name, before, [x, dout])
    is_new(f"{name}.forward", out, x)
    is_new(f"{name}.backward", dx, dout)
    out64 = make().forward(x.astype(int).tolist())
    assert out64.dtype == np.float64, f"{name}.forward of a list of ints: {out64.dtype}"


def test_layers_relu_masks_zero_and_negative_inputs():
    r = layers.Relu()
    out = r.forward(np.array([-1.0, 0.0, 2.0]))
    assert out.tolist() == [0.0, 0.0, 2.0]
    assert r.backward(np.array([5.0, 5.0, 5.0])).tolist() == [0.0, 0.0, 5.0], \
        "Relu.backward: no gradient where x <= 0"
    assert r.backward([1, 1, 1]).dtype == np.float64


def test_layers_affine_flattens_and_restores_the_input_shape():
    W, b = arr(6, 2), arr(2)
    a = layers.Affine(W, b)
    x = arr(3, 2, 3)
    out = a.forward(x)
    same("Affine on (N, 2, 3)", out, x.reshape(3, 6) @ W + b)
    dx = a.backward(np.ones((3, 2)))
    assert dx.shape == (3, 2, 3), "Affine.backward restores the input shape"
    same("Affine.db sums over the batch", a.db, [3.0, 3.0])
    assert a.backward([[1, 1]] * 3).dtype == np.float64


def test_layers_softmax_with_loss_labels_onehot_dtype_and_dout():
    s = layers.SoftmaxWithLoss()
    x = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]], dtype=np.float32)
    loss = s.forward(x, np.array([2, 0]))
    assert type(loss) is float
    p = np.exp([1.0, 2.0, 3.0]) / np.exp([1.0, 2.0, 3.0]).sum()
    same("SoftmaxWithLoss loss", loss, -(np.log(p[2]) + np.log(1 / 3)) / 2, rtol=1e-5)
    d = s.backward()
    assert d.dtype == np.float32, "SoftmaxWithLoss.backward keeps float32"
    same("default dout = 1", d, s.backward(1))
    same("dout scales", s.backward(2), 2 * d)
    s2 = layers.SoftmaxWithLoss()
    loss2 = s2.forward(x, np.array([[0, 0, 1], [1, 0, 0]]))
    same("one-hot labels give the same loss", loss2, loss, rtol=1e-6)
    s3 = layers.SoftmaxWithLoss()
    same("labels as floats and lists", s3.forward(x.tolist(), [2.0, 0.0]), loss, rtol=1e-6)


def test_layers_softmax_with_loss_shifts_each_row_by_its_own_maximum():
    s = layers.SoftmaxWithLoss()
    loss = s.forward(np.array([[1000.0, 1001.0], [-1000.0, -999.0]]), np.array([1, 1]))
    same("SoftmaxWithLoss with rows far apart", loss, np.log(1 + np.exp(-1.0)), rtol=1e-12)


def test_layers_mul_and_add():
    m = layers.MulLayer()
    assert m.forward(3.0, 4.0) == 12.0
    assert m.backward(2.0) == (8.0, 6.0)
    a = layers.AddLayer()
    assert a.forward(3.0, 4.0) == 7.0
    assert a.backward(2.0) == (2.0, 2.0)


# --------------------------------------------------------------------------- classifier
def test_classifier_get_mini_batch_defaults_count_and_negative_index():
    X = np.arange(50).reshape(25, 2)
    y = np.arange(25)
    mb = classifier.GetMiniBatch(X, y)
    assert len(mb) == 2, "default batch_size = 20: 25 samples make 2 batches"
    xb, yb = mb[-1]
    assert len(yb) == 5, "the last (short) batch, by a negative index"
    np.testing.assert_array_equal(xb[:, 0] // 2, yb)
    assert len(classifier.GetMiniBatch(X, y, batch_size=5)) == 5
    with pytest.raises(IndexError):
        mb[2]
    with pytest.raises(IndexError):
        mb[-3]
    first = classifier.GetMiniBatch(X, y, batch_size=25)[0][1]
    again = classifier.GetMiniBatch(X, y, batch_size=25, seed=0)[0][1]
    np.testing.assert_array_equal(first, again, err_msg="default seed = 0")
    assert sorted(first.tolist()) == list(range(25))


def test_classifier_init_params_defaults_and_dtype():
    p = classifier.init_params([4, 3, 2])
    assert set(p) == {"W1", "b1", "W2", "b2"} and p["W1"].dtype == np.float64
    rng = np.random.default_rng(0)
    same("default he, seed 0", p["W1"], np.sqrt(2.0 / 4) * rng.standard_normal((4, 3)))
    x = classifier.init_params([4, 3], weight_init="xavier", seed=0)
    same("xavier std", x["W1"], np.sqrt(1.0 / 4) * np.random.default_rng(0).standard_normal((4, 3)))
    c = classifier.init_params([4, 3], weight_init=0.01, dtype="float32")
    assert c["W1"].dtype == np.float32 and c["b1"].dtype == np.float32
    assert not c["b1"].any()
    for bad in ([4], []):
        with pytest.raises(ValueError):
            classifier.init_params(bad)
    with pytest.raises(ValueError, match="weight_init must be"):
        classifier.init_params([2, 2], weight_init="lecun")


def _toy(n=60, dtype=np.float64):
    X = RNG.normal(size=(n, 2)).astype(dtype)
    y = (X[:, 0] > 0).astype(int)
    return X, y


def test_classifier_keeps_float32_and_learns():
    X, y = _toy(dtype=np.float32)
    clf = classifier.ScratchNeuralNetClassifier(hidden_sizes=(8,), epochs=5, lr=0.1,
                                                batch_size=10, seed=0, verbose=False)
    clf.fit(X, y, X, y)
    assert clf.params["W1"].dtype == np.float32, "float32 data trains in float32"
    assert len(clf.history["val_loss"]) == 5 and len(clf.history["train_acc"]) == 5
    assert clf.history["train_loss"][-1] < clf.history["train_loss"][0]
    proba = clf.predict_proba(X)
    same("predict_proba rows sum to 1", proba.sum(axis=1), np.ones(len(X)), rtol=1e-5)
    assert clf.predict(X).tolist() == np.argmax(proba, axis=1).tolist()


# --------------------------------------------------------------------------- optimizers
@pytest.mark.parametrize("name", ["SGD", "Momentum", "AdaGrad", "RMSProp", "Adam"])
def test_optimizers_update_in_place_and_keep_float32(name):
    opt = getattr(optimizers, name)()
    w = np.array([1.0, -2.0], dtype=np.float32)
    params = {"w": w}
    grads = {"w": np.array([0.5, -0.5], dtype=np.float32)}
    g_before = grads["w"].copy()
    for _ in range(3):
        opt.update(params, grads)
    assert params["w"] is w, f"{name}.update must change the array in place"
    assert w.dtype == np.float32
    assert not np.allclose(w, [1.0, -2.0]), f"{name}.update did not move the parameter"
    untouched(f"{name}.update grads", [g_before], [grads["w"]])


def test_optimizers_defaults_one_step_by_hand():
    g = np.array([0.5])
    cases = {
        "SGD": 1.0 - 0.01 * 0.5,
        "Momentum": 1.0 - 0.01 * 0.5,
        "AdaGrad": 1.0 - 0.01 * 0.5 / (0.5 + 1e-7),
        "RMSProp": 1.0 - 0.01 * 0.5 / (np.sqrt(0.01 * 0.25) + 1e-7),
        "Adam": 1.0 - 0.001 * 0.5 / (0.5 + 1e-8),
    }
    for name, want in cases.items():
        p = {"w": np.array([1.0])}
        getattr(optimizers, name)().update(p, {"w": g})
        same(f"{name} default hyperparameters, one step", p["w"], [want], rtol=1e-9)


def test_optimizers_second_steps_by_hand():
    g = np.array([1.0])
    p = {"w": np.array([0.0])}
    m = optimizers.Momentum(lr=0.1, momentum=0.9)
    m.update(p, {"w": g})
    m.update(p, {"w": g})
    same("Momentum v = 0.9 v - lr g", p["w"], [-0.1 - 0.19])
    p = {"w": np.array([0.0])}
    a = optimizers.AdaGrad(lr=1.0)
    a.update(p, {"w": g})
    a.update(p, {"w": g})
    same("AdaGrad h accumulates", p["w"], [-1 / (1 + 1e-7) - 1 / (np.sqrt(2) + 1e-7)])
    p = {"w": np.array([0.0])}
    r = optimizers.RMSProp(lr=1.0, decay_rate=0.5)
    r.update(p, {"w": g})
    r.update(p, {"w": g})
    same("RMSprop h decays", p["w"], [-1 / (np.sqrt(0.5) + 1e-7) - 1 / (np.sqrt(0.75) + 1e-7)])
    p = {"w": np.array([0.0])}
    ad = optimizers.Adam(lr=1.0, beta1=0.5, beta2=0.5)
    ad.update(p, {"w": g})
    ad.update(p, {"w": 3 * g})
    # step 2: m = .5*.5 + .5*3 = 1.75, v = .5*.5 + .5*9 = 4.75; m̂ = 1.75/.75, v̂ = 4.75/.75
    same("Adam bias correction at t = 2", p["w"],
         [-1 / (1 + 1e-8) - (1.75 / 0.75) / (np.sqrt(4.75 / 0.75) + 1e-8)])
    assert ad.t == 2


# --------------------------------------------------------------------------- race, init
def test_race_steps_to_reach_boundary_and_never():
    path = np.array([[2.0, 0.0], [1.0, 0.0], [0.0, 0.5]])
    assert race.steps_to_reach(path, 1.0) == 1, "a point at exactly the radius has reached it"
    assert type(race.steps_to_reach(path, 1.0)) is int
    assert race.steps_to_reach(path, 0.1) is None
    assert race.steps_to_reach(path, 5.0) == 0


def test_initializers_weight_std_names_numbers_and_case():
    assert initializers.weight_std(4, "xavier") == 0.5
    assert type(initializers.weight_std(3, "xavier")) is float
    assert initializers.weight_std(4, "He") == np.sqrt(0.5)
    assert initializers.weight_std(4, "XAVIER") == 0.5
    got = initializers.weight_std(4, np.float32(0.25))
    assert type(got) is float and got == 0.25
    assert type(initializers.weight_std(8, "he")) is float
    with pytest.raises(ValueError):
        initializers.weight_std(4, "lecun")


def test_initializers_forward_activations_returns_every_layer_and_accepts_lists():
    Ws = [np.eye(2), 2 * np.eye(2)]
    out = initializers.forward_activations([[1, -1]], Ws, "relu")
    assert len(out) == 2 and out[0].dtype == np.float64
    same("relu layer 1", out[0], [[1.0, 0.0]])
    same("relu layer 2", out[1], [[2.0, 0.0]])


# --------------------------------------------------------------------------- regularization
def test_regularization_dropout_scales_copies_and_passes_through_at_test_time():
    d = regularization.Dropout(0.5, seed=0)
    x = np.ones((200, 10))
    out = d.forward(x)
    kept = out != 0
    same("Dropout scales kept units by 1 / (1 - ratio)", out[kept], 2.0)
    assert 0.4 < kept.mean() < 0.6
    dx = d.backward(np.ones_like(x))
    np.testing.assert_array_equal(dx != 0, kept, err_msg="Dropout.backward uses the same mask")
    same("Dropout.backward scales by 1 / (1 - ratio)", dx[kept], 2.0)
    test = d.forward(x, train_flg=False)
    np.testing.assert_array_equal(test, x)
    is_new("Dropout.forward(train_flg=False)", test, x)
    dout = np.full((200, 10), 3.0)
    back = d.backward(dout)
    np.testing.assert_array_equal(back, dout)
    is_new("Dropout.backward after a test-time forward", back, dout)
    assert d.forward([[1, 2]], train_flg=False).dtype == np.float64
    assert d.backward([[1, 2]]).dtype == np.float64
    zero = regularization.Dropout(0.0)
    np.testing.assert_array_equal(zero.forward(np.arange(4.0)), np.arange(4.0),
                                  err_msg="ratio 0 keeps everything (mask is >= ratio)")


def test_regularization_dropconnect_masks_weights_and_scales_gradients():
    W = np.ones((3, 4))
    b = np.zeros(4)
    dc = regularization.DropConnect(W, b, 0.5, seed=0)
    x = np.ones((2, 3))
    out = dc.forward(x.tolist())
    mask = dc.mask
    same("DropConnect forward", out, x @ (W * mask / 0.5))
    dx = dc.backward(np.ones((2, 4)))
    assert 0 < mask.sum() < mask.size
    same("DropConnect dW is masked and scaled", dc.dW, (x.T @ np.ones((2, 4))) * mask / 0.5)
    same("DropConnect db", dc.db, [2.0] * 4)
    same("DropConnect dx", dx, np.ones((2, 4)) @ (W * mask / 0.5).T)
    out_test = dc.forward(x, train_flg=False)
    same("DropConnect at test time uses W", out_test, x @ W)
    dc.backward(np.ones((2, 4)))
    same("DropConnect dW at test time", dc.dW, x.T @ np.ones((2, 4)))
    assert W.tolist() == np.ones((3, 4)).tolist(), "DropConnect modified W"


def test_regularization_maxout_groups_channels_and_routes_gradients():
    m = regularization.Maxout(2)
    x = np.array([[[1.0], [3.0], [5.0], [4.0]]])        # (1, 4, 1): groups (1, 3), (5, 4)
    out = m.forward(x.tolist())
    assert out.tolist() == [[[3.0], [5.0]]]
    dx = m.backward(np.array([[[10.0], [20.0]]]))
    assert dx.tolist() == [[[0.0], [10.0], [20.0], [0.0]]]
    assert m.backward([[[1], [1]]]).dtype == np.float64
    with pytest.raises(ValueError, match="multiple of pieces"):
        regularization.Maxout(3).forward(np.ones((1, 4, 1)))
    assert regularization.Maxout(2).forward(np.array([[[1], [2]]])).dtype == np.float64, \
        "Maxout of ints gives floats"
    x2 = np.arange(12.0).reshape(1, 6, 2)
    assert regularization.Maxout(3).forward(x2).shape == (1, 2, 2)


# --------------------------------------------------------------------------- conv1d
def test_conv1d_output_size_is_an_int_and_floors():
    assert conv1d.conv1d_output_size(4, 3) == 2
    assert conv1d.conv1d_output_size(7, 3, pad=1, stride=2) == 4
    assert conv1d.conv1d_output_size(8, 3, 1, 2) == 4, "floor of 7/2 + 1"
    assert type(conv1d.conv1d_output_size(4.0, 3)) is int
    assert conv1d.conv1d_output_size(5, 2, stride=3) == 2


def test_simple_conv1d_dtype_lists_and_db_shape():
    conv = conv1d.SimpleConv1d(np.array([3.0, 5.0, 7.0], dtype=np.float32),
                               np.array([1.0], dtype=np.float32))
    out = conv.forward(np.array([1, 2, 3, 4], dtype=np.float32).tolist())
    assert out.tolist() == [35.0, 50.0]
    x32 = np.array([1, 2, 3, 4], dtype=np.float32)
    out = conv.forward(x32)
    assert out.dtype == np.float32, f"SimpleConv1d.forward float32 in, {out.dtype} out"
    dx = conv.backward([10.0, 20.0])
    assert dx.tolist() == [30.0, 110.0, 170.0, 140.0]
    dx = conv.backward(np.array([10.0, 20.0], dtype=np.float32))
    assert dx.dtype == np.float32 and conv.dW.dtype == np.float32 and conv.db.dtype == np.float32
    assert conv.db.shape == (1,) and conv.db.tolist() == [30.0]
    mixed = conv1d.SimpleConv1d(np.array([1.0, 2.0]), np.array([0.0]))
    mixed.forward(np.ones(3))
    mixed.backward(np.ones(2, dtype=np.float32))
    assert mixed.db.dtype == mixed.dW.dtype == np.float64, \
        "SimpleConv1d: db has the dtype of dW (float32 dout, float64 W)"
    c2 = conv1d.SimpleConv1d(np.ones(2), np.array(0.5))
    c2.forward(np.ones(3))
    c2.backward(np.ones(2))
    assert isinstance(c2.db, np.ndarray) and c2.db.shape == (), "db is an array shaped like b"


def test_conv1d_pad1d_pads_the_last_axis_only_and_returns_a_new_array():
    x = np.array([1.0, 2.0], dtype=np.float32)
    out = conv1d.pad1d(x, 0)
    assert out.tolist() == [1.0, 2.0] and out.dtype == np.float32
    is_new("pad1d(x, 0)", out, x)
    assert conv1d.pad1d(np.ones((2, 3, 4)), 1).shape == (2, 3, 6), \
        "pad1d pads the length axis only, not the batch or channel axes"


def test_conv1d_layer_dtype_lists_stride_and_padding():
    W = arr(3, 2, 3, dtype=np.float32)
    b = arr(3, dtype=np.float32)
    x = arr(2, 2, 7, dtype=np.float32)
    layer = conv1d.Conv1d(W, b, stride=2, pad=1)
    out = layer.forward(x)
    assert out.shape == (2, 3, 4) and out.dtype == np.float32
    ref = conv1d.Conv1d(W.astype(float), b.astype(float), 2, 1).forward(x.tolist())
    same("Conv1d on lists", out, ref, rtol=1e-5, atol=1e-5)
    dout = arr(2, 3, 4, dtype=np.float32)
    before = snapshot(x, dout)
    dx = layer.backward(dout)
    assert dx.shape == x.shape and dx.dtype == np.float32
    untouched("Conv1d", before, [x, dout])
    dx_list = conv1d.Conv1d(W, b, 2, 1)
    dx_list.forward(x)
    same("Conv1d.backward on lists", dx_list.backward(dout.tolist()), dx, rtol=1e-5, atol=1e-5)
    default = conv1d.Conv1d(W, b)
    assert default.forward(x).shape == (2, 3, 5), "defaults stride=1, pad=0"


@pytest.mark.parametrize("size,stride", [(2, None), (3, 1), (2, 3)])
def test_conv1d_maxpool1d_matches_a_loop_on_a_batch_with_channels(size, stride):
    x = np.round(arr(2, 3, 8), 1)
    p = conv1d.MaxPool1D(size, stride)
    s = size if stride is None else stride
    n_out = (8 - size) // s + 1
    out = p.forward(x)
    dout = arr(2, 3, n_out)
    want, want_dx = np.zeros((2, 3, n_out)), np.zeros_like(x)
    for n in range(2):
        for c in range(3):
            for i in range(n_out):
                win = x[n, c, i * s:i * s + size]
                want[n, c, i] = win.max()
                want_dx[n, c, i * s + int(np.argmax(win))] += dout[n, c, i]
    same("MaxPool1D.forward", out, want)
    same("MaxPool1D.backward on (N, C, L) with N != C", p.backward(dout), want_dx)


def test_conv1d_maxpool1d_default_stride_ties_and_lists():
    p = conv1d.MaxPool1D(2)
    out = p.forward([[[1.0, 3.0, 2.0, 2.0, 5.0]]])
    assert out.tolist() == [[[3.0, 2.0]]]
    assert p.backward([[[10.0, 20.0]]]).tolist() == [[[0.0, 10.0, 20.0, 0.0, 0.0]]]
    q = conv1d.MaxPool1D(3, stride=1)
    q.forward(np.array([[[1.0, 5.0, 2.0, 0.0]]]))
    assert q.backward(np.ones((1, 1, 2))).tolist() == [[[0.0, 2.0, 0.0, 0.0]]], \
        "overlapping windows add their gradients"
    x32 = np.array([[[1.0, 2.0]]], dtype=np.float32)
    r = conv1d.MaxPool1D(2)
    assert r.forward(x32).dtype == np.float32
    assert r.backward(np.ones((1, 1, 1), dtype=np.float32)).dtype == np.float32


# --------------------------------------------------------------------------- conv2d, pooling
def test_conv2d_keeps_float32_and_leaves_inputs_alone():
    x = arr(2, 3, 6, 6, dtype=np.float32)
    W = arr(4, 3, 3, 3, dtype=np.float32)
    b = arr(4, dtype=np.float32)
    layer = conv2d.Conv2d(W, b, stride=1, pad=1)
    out = layer.forward(x)
    assert out.shape == (2, 4, 6, 6) and out.dtype == np.float32
    dout = arr(*out.shape, dtype=np.float32)
    before = snapshot(x, dout, W, b)
    dx = layer.backward(dout)
    assert dx.dtype == np.float32 and layer.dW.dtype == np.float32 and dx.shape == x.shape
    untouched("Conv2d", before, [x, dout, W, b])
    assert conv2d.Conv2d(W, b).forward(x).shape == (2, 4, 4, 4), "defaults stride=1, pad=0"


@pytest.mark.parametrize("cls", ["MaxPool2D", "AveragePool2D"])
def test_pooling_2d_keeps_float32_and_default_stride(cls):
    Pool = getattr(pooling, cls)
    x = arr(2, 3, 4, 6, dtype=np.float32)
    before = x.copy()
    p = Pool(2, 2)
    out = p.forward(x)
    untouched(f"{cls}.forward", [before], [x])
    is_new(f"{cls}.forward", out, x)
    assert out.shape == (2, 3, 2, 3) and out.dtype == np.float32
    dx = p.backward(np.ones_like(out))
    assert dx.shape == x.shape and dx.dtype == np.float32
    same(f"{cls}.backward sends every gradient somewhere", dx.sum(), out.size, rtol=1e-6)


def test_pooling_maxpool2d_padding_uses_minus_infinity_and_overlap_adds():
    p = pooling.MaxPool2D(2, 2, stride=1, pad=1)
    x = -np.ones((1, 1, 2, 2))
    out = p.forward(x)
    assert out.shape == (1, 1, 3, 3) and (out == -1).all(), "the padding never wins a max"
    dx = p.backward(np.ones((1, 1, 3, 3)))
    same("overlapping windows add up", dx.sum(), 9.0)


def test_pooling_avgpool2d_padding_counts_zeros():
    p = pooling.AveragePool2D(2, 2, stride=2, pad=1)
    out = p.forward(np.ones((1, 1, 2, 2)))
    same("AvgPool2D averages over the whole window, padding included", out, np.full((1, 1, 2, 2),
                                                                                       0.25))
    same("AvgPool2D.backward", p.backward(np.ones((1, 1, 2, 2))), np.full((1, 1, 2, 2), 0.25))


# --------------------------------------------------------------------------- param_count
def test_param_count_defaults_padding_and_int_results():
    got = param_count.count_parameters([{"type": "conv", "filters": 2, "size": 3}], (1, 5, 5))
    assert got == [((2, 3, 3), 20)], "conv defaults: stride 1, pad 0"
    got = param_count.count_parameters([{"type": "pool", "size": 2}], (3, 6, 6))
    assert got == [((3, 3, 3), 0)], "pool stride defaults to its size"
    got = param_count.count_parameters([{"type": "pool", "size": 3, "stride": 1}], (1, 5, 5))
    assert got == [((1, 3, 3), 0)]
    got = param_count.count_parameters([{"type": "pool", "size": 2, "pad": 1}], (1, 4, 4))
    assert got == [((1, 3, 3), 0)], "pool padding is counted when given"
    got = param_count.count_parameters([{"type": "conv", "filters": 1, "size": 2, "stride": 2}],
                                       (1, 5, 5))
    assert got == [((1, 2, 2), 5)], "floor division for sizes"
    got = param_count.count_parameters([{"type": "conv", "filters": 1, "size": 2, "stride": 2},
                                        {"type": "affine", "units": 1}], (1, 5, 5))
    assert got == [((1, 2, 2), 5), ((1,), 5)], "the next layer sees the floored size"
    got = param_count.count_parameters([{"type": "pool", "size": 2},
                                        {"type": "affine", "units": 1}], (1, 5, 5))
    assert got == [((1, 2, 2), 0), ((1,), 5)]
    got = param_count.count_parameters([{"type": "affine", "units": 3}], np.array([2, 2, 2]))
    assert got == [((3,), 27)]
    shape, n = got[0]
    assert type(n) is int and all(type(s) is int for s in shape)
    for (shape, n) in param_count.count_parameters(param_count.SIMPLE_CONVNET,
                                                   np.array(param_count.SIMPLE_CONVNET_INPUT)):
        assert type(n) is int and all(type(s) is int for s in shape), (shape, n)
    with pytest.raises(ValueError):
        param_count.count_parameters([{"type": "dense", "units": 3}], (1, 2, 2))


def test_conv2d_output_size_edges_and_ints():
    assert conv2d.conv_output_size(3, 3) == 1, "a filter as wide as the input fits once"
    assert conv2d.conv_output_size(1, 3, pad=1) == 1
    with pytest.raises(ValueError):
        conv2d.conv_output_size(2, 3)
    got = conv2d.conv_output_size(np.int64(28), 5.0, stride=1.0, pad=0.0)
    assert got == 24 and type(got) is int, "conv_output_size returns an int"
    assert conv2d.conv_output_size(8, 3, stride=2) == 3, "the floor"
    assert conv2d.conv_output_size(5, 3) == 3, "defaults stride=1, pad=0"


def _conv2d_by_hand(x, W, b, stride, pad):
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    N, _, H, Wd = xp.shape
    F, _, FH, FW = W.shape
    OH, OW = (H - FH) // stride + 1, (Wd - FW) // stride + 1
    out = np.zeros((N, F, OH, OW))
    for n in range(N):
        for f in range(F):
            for i in range(OH):
                for j in range(OW):
                    patch = xp[n, :, i * stride:i * stride + FH, j * stride:j * stride + FW]
                    out[n, f, i, j] = (patch * W[f]).sum() + b[f]
    return out


@pytest.mark.parametrize("stride,pad", [(1, 0), (2, 1), (3, 2)])
def test_conv2d_loops_and_layer_agree_with_a_hand_written_convolution(stride, pad):
    x, W, b = arr(2, 2, 7, 6), arr(3, 2, 3, 2), arr(3)
    want = _conv2d_by_hand(x, W, b, stride, pad)
    same("conv2d_forward_loops", conv2d.conv2d_forward_loops(x, W, b, stride, pad), want,
         rtol=1e-10, atol=1e-12)
    layer = conv2d.Conv2d(W, b, stride=stride, pad=pad)
    same("Conv2d.forward", layer.forward(x), want, rtol=1e-10, atol=1e-12)
    dout = arr(*want.shape)
    dx, dW, db = conv2d.conv2d_backward_loops(dout, x, W, stride, pad)
    dx2 = layer.backward(dout)
    same("Conv2d.backward dx vs loops", dx2, dx, rtol=1e-10, atol=1e-12)
    same("Conv2d.dW vs loops", layer.dW, dW, rtol=1e-10, atol=1e-12)
    same("Conv2d.db vs loops", layer.db, db, rtol=1e-10, atol=1e-12)
    same("db is dout summed over n, i, j", db, dout.sum(axis=(0, 2, 3)))
    # dW by its definition, on the padded input
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    eps = np.zeros_like(W)
    eps[1, 0, 2, 1] = 1e-6
    up = _conv2d_by_hand(x, W + eps, b, stride, pad)
    same("dW[1, 0, 2, 1] by a finite difference", dW[1, 0, 2, 1],
         ((up - want) * dout).sum() / 1e-6, rtol=1e-4)
    assert xp.shape[2:] == (7 + 2 * pad, 6 + 2 * pad)


def test_conv2d_loops_defaults_dtype_and_first_layer_without_dx():
    x, W, b = arr(1, 1, 4, 4, dtype=np.float32), arr(2, 1, 3, 3, dtype=np.float32), \
        arr(2, dtype=np.float32)
    out = conv2d.conv2d_forward_loops(x, W, b)
    assert out.shape == (1, 2, 2, 2) and out.dtype == np.float32, "defaults stride 1, pad 0"
    dx, dW, db = conv2d.conv2d_backward_loops(np.ones_like(out), x, W)
    assert dx.shape == x.shape and dx.dtype == dW.dtype == db.dtype == np.float32
    layer = conv2d.Conv2d(W, b)
    assert layer.needs_dx is True
    layer.forward(x)
    layer.needs_dx = False
    assert layer.backward(np.ones_like(out)) is None
    same("dW is still computed without dx", layer.dW, dW, rtol=1e-5)


def test_pooling_windows_of_more_than_256_positions_route_the_gradient_right():
    x = np.zeros((1, 1, 1, 257))
    x[0, 0, 0, 256] = 1.0                      # the maximum at position 256 of the window
    p = pooling.MaxPool2D(1, 257)
    assert p.forward(x).tolist() == [[[[1.0]]]]
    dx = p.backward(np.full((1, 1, 1, 1), 5.0))
    assert dx[0, 0, 0, 256] == 5.0 and dx.sum() == 5.0, \
        "MaxPool2D: the argmax of a 257-position window does not fit in one byte"
    y = np.zeros((1, 1, 16, 16))
    y[0, 0, 15, 15] = 1.0                      # position 255 of a 16×16 window
    q = pooling.MaxPool2D(16, 16)
    q.forward(y)
    assert q.backward(np.ones((1, 1, 1, 1)))[0, 0, 15, 15] == 1.0


def _maxpool_by_hand(x, ph, pw, stride, dout):
    N, C, H, W = x.shape
    OH, OW = (H - ph) // stride + 1, (W - pw) // stride + 1
    out, dx = np.zeros((N, C, OH, OW)), np.zeros_like(x)
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    win = x[n, c, i * stride:i * stride + ph, j * stride:j * stride + pw]
                    out[n, c, i, j] = win.max()
                    a, b = np.unravel_index(np.argmax(win), win.shape)
                    dx[n, c, i * stride + a, j * stride + b] += dout[n, c, i, j]
    return out, dx


@pytest.mark.parametrize("ph,pw,stride", [(2, 1, 1), (1, 2, 1), (3, 2, 2), (2, 2, 2), (3, 3, 1)])
def test_pooling_maxpool2d_matches_a_loop_for_overlap_in_one_direction(ph, pw, stride):
    x = np.round(arr(2, 2, 5, 6), 1)           # rounding makes ties: the first one wins
    p = pooling.MaxPool2D(ph, pw, stride=stride)
    out = p.forward(x)
    dout = arr(*out.shape)
    want_out, want_dx = _maxpool_by_hand(x, ph, pw, stride, dout)
    same("MaxPool2D.forward", out, want_out)
    same(f"MaxPool2D.backward ({ph}×{pw}, stride {stride})", p.backward(dout), want_dx)


@pytest.mark.parametrize("ph,pw,stride", [(2, 1, 1), (1, 2, 1), (3, 2, 2), (2, 2, None)])
def test_pooling_average_matches_a_loop(ph, pw, stride):
    x = arr(1, 2, 5, 6)
    p = pooling.AveragePool2D(ph, pw, stride=stride)
    out = p.forward(x)
    s = (ph, pw) if stride is None else (stride, stride)
    OH, OW = (5 - ph) // s[0] + 1, (6 - pw) // s[1] + 1
    want = np.array([[[[x[0, c, i * s[0]:i * s[0] + ph, j * s[1]:j * s[1] + pw].mean()
                        for j in range(OW)] for i in range(OH)] for c in range(2)]])
    same("AveragePool2D.forward", out, want)
    dout = arr(*out.shape)
    dx = p.backward(dout)
    want_dx = np.zeros_like(x)
    for c in range(2):
        for i in range(OH):
            for j in range(OW):
                want_dx[0, c, i * s[0]:i * s[0] + ph, j * s[1]:j * s[1] + pw] += \
                    dout[0, c, i, j] / (ph * pw)
    same("AveragePool2D.backward", dx, want_dx)


def test_pooling_flatten_round_trip():
    f = pooling.Flatten()
    x = arr(2, 3, 2, 2)
    out = f.forward(x)
    assert out.shape == (2, 12)
    np.testing.assert_array_equal(f.backward(out), x)


def _clf(**kw):
    args = dict(hidden_sizes=(6,), epochs=3, lr=0.1, batch_size=8, seed=0, verbose=False)
    args.update(kw)
    return classifier.ScratchNeuralNetClassifier(**args)


def test_classifier_fit_is_plain_sgd_over_seeded_shuffles_epoch_by_epoch():
    X, y = _toy(40)
    clf = _clf().fit(X, y)
    # the same training written out: init_params(seed), then epoch e shuffles with seed + e
    by_hand = _clf()
    by_hand._initialize(2, 2, "float64")
    for epoch in range(3):
        for xb, yb in classifier.GetMiniBatch(X, y, 8, seed=0 + epoch):
            by_hand._gradient(xb, yb)
            for key in by_hand.params:
                by_hand.params[key] -= 0.1 * by_hand.grads[key]
    for key in clf.params:
        same(f"ScratchNeuralNetClassifier.fit params[{key!r}]", clf.params[key],
             by_hand.params[key], rtol=1e-12)
    assert set(clf.grads) == {"W1", "b1", "W2", "b2"}
    same("grads hold the last batch's dW", clf.grads["W2"], clf.layers[-1].dW)


def test_classifier_each_fit_starts_afresh():
    X, y = _toy(20)
    clf = _clf()
    clf.fit(X, y, X, y)
    first = {k: v.copy() for k, v in clf.params.items()}
    clf.fit(X, y, X, y)
    assert len(clf.history["train_loss"]) == 3 and len(clf.history["val_acc"]) == 3, \
        "fit starts a new history"
    for key in first:
        same(f"a second fit starts from the same initial weights: {key}", clf.params[key],
             first[key], rtol=1e-12)


def test_classifier_gradient_is_the_derivative_of_the_loss():
    X, y = _toy(10)
    clf = _clf()
    clf._initialize(2, 2, "float64")
    loss = clf._gradient(X, y)
    assert type(loss) is float
    key, idx, h = "W1", (1, 2), 1e-6
    clf.params[key][idx] += h
    up = clf.last_layer.forward(clf._forward(X), y)
    clf.params[key][idx] -= 2 * h
    down = clf.last_layer.forward(clf._forward(X), y)
    clf.params[key][idx] += h
    same("ScratchNeuralNetClassifier._gradient dW1 vs a finite difference",
         clf.grads[key][idx], (up - down) / (2 * h), rtol=1e-5)


def test_classifier_optimizer_replaces_plain_sgd():
    X, y = _toy(40)
    plain = _clf(lr=0.05).fit(X, y)
    with_sgd = _clf(lr=123.0, optimizer=optimizers.SGD(lr=0.05)).fit(X, y)
    for key in plain.params:
        same(f"fit with optimizer=SGD(0.05) vs lr=0.05: {key}", with_sgd.params[key],
             plain.params[key], rtol=1e-12)


def test_classifier_accepts_lists_classes_from_validation_labels_and_float_batch_size():
    X, y = _toy(30)
    clf = _clf(batch_size=8.0).fit(X.tolist(), y.tolist(), X[:5].tolist(), [0, 1, 2, 0, 1])
    assert clf.predict_proba(X).shape == (30, 3), "K = max(max(y), max(y_val)) + 1"
    assert len(clf.history["val_acc"]) == 3 and len(clf.history["val_loss"]) == 3
    mb = classifier.GetMiniBatch(X, y, batch_size=8.0)
    assert len(mb) == 4 and len(mb[0][0]) == 8
    ints = _clf().fit(np.array([[0, 1], [1, 0], [1, 1], [0, 0]]), np.array([1, 0, 1, 0]))
    assert ints.params["W1"].dtype == np.float64, "integer data trains in float64"


def test_classifier_progress_bar_only_when_verbose(capsys):
    X, y = _toy(20)
    _clf(verbose=False).fit(X, y, X, y)
    assert capsys.readouterr().err == "", "verbose=False must print nothing"
    _clf(verbose=True).fit(X, y, X, y)
    err = capsys.readouterr().err
    for word in ("epochs", "loss=", "acc=", "val_loss=", "val_acc="):
        assert word in err, f"the progress bar shows {word!r}"


@pytest.mark.parametrize("cls", ["MaxPool2D", "AveragePool2D"])
def test_pooling_output_size_counts_padding_on_both_sides(cls):
    p = getattr(pooling, cls)(2, 3, stride=1, pad=1)
    out = p.forward(np.ones((1, 1, 3, 4)))
    assert out.shape == (1, 1, 4, 4), f"{cls}: (3 + 2·1 − 2) + 1 by (4 + 2·1 − 3) + 1"
    assert p.backward(np.ones_like(out)).shape == (1, 1, 3, 4)


# --------------------------------------------------------------------------- sprints 9 and 10
def test_preprocessing_standardizer_keeps_the_dtype_of_what_it_transforms():
    s = preprocessing.Standardizer().fit(arr(6, 3))           # fitted in float64
    x32 = arr(4, 3, dtype=np.float32)
    out = s.transform(x32)
    assert out.dtype == np.float32, \
        f"Standardizer.transform: 'the dtype of X is kept', float32 in gave {out.dtype}"
    assert s.transform(x32.tolist()).shape == (4, 3), "Standardizer.transform accepts lists"
    s32 = preprocessing.Standardizer().fit(x32)
    assert s32.std.dtype == np.float32 and s32.mean.dtype == np.float32, \
        "Standardizer.fit: float32 data gives a float32 mean and std"


def test_preprocessing_standardizer_a_constant_feature_gets_std_one_and_fit_returns_self():
    s = preprocessing.Standardizer()
    assert s.fit([[1.0, 5.0], [5.0, 5.0]]) is s, "Standardizer.fit returns self (accepts lists)"
    assert np.array_equal(s.std, [2.0, 1.0]), \
        f"Standardizer.fit: a feature with std 0 gets std = 1 exactly, got {s.std}"
    assert np.array_equal(s.mean, [3.0, 5.0])


@pytest.mark.parametrize("dy,dx", [(5, 0), (-5, 0), (0, 5), (0, -5), (3, 0), (-3, -3), (7, -9)])
def test_preprocessing_shift_images_as_far_as_the_image_or_further_leaves_zeros(dy, dx):
    x = arr(2, 3, 3) + 5.0
    out = preprocessing.shift_images(x, dy, dx)
    assert out.shape == x.shape and not out.any(), \
        f"shift_images(dy={dy}, dx={dx}) on 3×3 images: every pixel left, all must be 0"


def test_preprocessing_shift_images_returns_a_new_array_of_the_same_dtype_and_accepts_lists():
    x = arr(1, 2, 3, 3, dtype=np.float32)
    before = snapshot(x)
    out = preprocessing.shift_images(x, 0, 0)
    untouched("shift_images", before, [x])
    assert out.dtype == np.float32 and np.array_equal(out, x) and not np.shares_memory(out, x), \
        "shift_images(x, 0, 0): a new array equal to x, same dtype"
    assert np.array_equal(preprocessing.shift_images(x.tolist(), 1, 1),
                          preprocessing.shift_images(x, 1, 1)), "shift_images accepts lists"
    ints = np.arange(9).reshape(1, 3, 3)
    got = preprocessing.shift_images(ints, np.int64(1), np.int64(-1))
    assert got.dtype == ints.dtype and got[0, 1, 0] == 1, "shift_images keeps an int dtype"


def test_framework_affine_to_linear_gives_new_contiguous_arrays_of_the_same_dtype():
    for W in (arr(3, 4, dtype=np.float32), np.asfortranarray(arr(3, 4))):
        b = arr(4, dtype=W.dtype)
        weight, bias = framework.affine_to_linear(W, b)
        assert np.array_equal(weight, W.T) and np.array_equal(bias, b)
        assert weight.dtype == W.dtype and bias.dtype == b.dtype, "affine_to_linear keeps dtype"
        assert not np.shares_memory(weight, W) and not np.shares_memory(bias, b), \
            "affine_to_linear: 'new arrays', not views of W or b"
        assert weight.flags.c_contiguous, "affine_to_linear: weight is a C-contiguous array"
    weight, bias = framework.affine_to_linear([[1.0, 2.0]], [0.5, 0.5])
    assert weight.shape == (2, 1) and bias.shape == (2,), "affine_to_linear accepts lists"


def test_framework_kernel_conversions_accept_lists_and_give_new_arrays():
    kernel = arr(2, 3, 1, 4)
    W = framework.conv_weight_from_hwio(kernel)
    assert np.array_equal(framework.conv_weight_from_hwio(kernel.tolist()), W), \
        "conv_weight_from_hwio accepts lists"
    x = arr(2, 1, 2, 2)
    flipped = framework.flip_kernel(x)
    assert not np.shares_memory(flipped, x), "flip_kernel: 'return a copy'"
    assert np.array_equal(framework.flip_kernel(x.tolist()), flipped)


def test_weight_decay_penalty_counts_weights_only_in_float64_and_returns_a_float():
    params = {"W1": np.full((100, 100), 300.0, dtype=np.float16), "b1": np.ones(3)}
    got = weight_decay.l2_penalty(params, 2.0)
    assert type(got) is float, f"l2_penalty returns a float, got {type(got).__name__}"
    assert got == 100 * 100 * 300.0 ** 2, \
        "l2_penalty: squares summed in float64 (float16 would overflow), biases left out"


def test_weight_decay_add_weight_decay_returns_new_arrays_and_leaves_its_inputs():
    params = {"W1": arr(2, 2), "b1": arr(2)}
    grads = {"W1": arr(2, 2), "b1": arr(2)}
    before = snapshot(*params.values(), *grads.values())
    new = weight_decay.add_weight_decay(grads, params, 0.5)
    untouched("add_weight_decay", before, [*params.values(), *grads.values()])
    assert new is not grads and set(new) == {"W1", "b1"}
    assert not np.shares_memory(new["b1"], grads["b1"]), \
        "add_weight_decay: a new dict of new arrays (the bias gradient copied, not shared)"
    assert np.allclose(new["W1"], grads["W1"] + 0.5 * params["W1"])


def test_hyperparams_train_val_split_accepts_lists_and_returns_new_arrays():
    x, t = arr(10, 2), np.arange(10)
    parts = hyperparams.train_val_split(x, t, 0.3, seed=1)
    from_lists = hyperparams.train_val_split(x.tolist(), t.tolist(), 0.3, seed=1)
    for a, b in zip(parts, from_lists):
        assert isinstance(b, np.ndarray) and np.array_equal(a, b), \
            "train_val_split accepts lists"
    assert [len(p) for p in parts] == [7, 7, 3, 3]
    assert not any(np.shares_memory(p, x) or np.shares_memory(p, t) for p in parts)
    default = hyperparams.train_val_split(x, t)
    assert len(default[2]) == 2 and np.array_equal(
        default[3], t[np.random.default_rng(0).permutation(10)[:2]]), \
        "train_val_split: documented defaults val_ratio=0.2, seed=0"


def test_hyperparams_log_uniform_default_seed_and_shape():
    v = hyperparams.log_uniform(1e-4, 1e-1, 5)
    assert v.shape == (5,) and np.array_equal(v, hyperparams.log_uniform(1e-4, 1e-1, 5, seed=0))
    assert np.allclose(v, 10.0 ** np.random.default_rng(0).uniform(-4, -1, 5))


def test_checkpoint_round_trip_keeps_dtypes_and_shapes_and_takes_lists(tmp_path):
    params = {"W1": arr(2, 3, dtype=np.float32), "b1": np.arange(3), "W2": [[1.0, 2.0]]}
    config = {"hidden": [4, (5, 6)], "name": "net", "nested": {"a": 1.5}}
    checkpoint.save_network(tmp_path / "net.npz", params, config)
    back, cfg = checkpoint.load_network(tmp_path / "net.npz")
    assert set(back) == {"W1", "b1", "W2"}
    assert back["W1"].dtype == np.float32 and back["b1"].dtype == params["b1"].dtype
    assert isinstance(back["W2"], np.ndarray) and back["W2"].shape == (1, 2)
    assert cfg == {"hidden": [4, [5, 6]], "name": "net", "nested": {"a": 1.5}}
    with np.load(tmp_path / "net.npz", allow_pickle=False) as f:
        assert f["config"].dtype.kind == "U" and f["config"].shape == (), \
            "save_network: the config is a 0-d string array (no pickle)"


def test_param_count_count_macs_by_hand_with_padding_stride_and_ints():
    layers = [{"type": "conv", "filters": 4, "size": 3, "pad": 2},    # (4, 10, 10)
              {"type": "pool", "size": 2},                              # (4, 5, 5)
              {"type": "conv", "filters": 2, "size": 3, "stride": 2},  # (2, 2, 2), pad 0
              {"type": "affine", "units": 7}]                           # 8 -> 7
    macs = param_count.count_macs(layers, (3, 8, 8))
    assert macs == [4 * 10 * 10 * 3 * 3 * 3, 0, 2 * 2 * 2 * 4 * 3 * 3, 8 * 7], \
        f"count_macs: F·OH·OW·C·K·K per conv (pad 2, then stride 2 and pad 0), 0 per pool, " \
        f"D·M per affine; got {macs}"
    assert all(type(m) is int for m in macs), "count_macs returns a list of ints"
    assert param_count.count_macs(param_count.SIMPLE_CONVNET, param_count.SIMPLE_CONVNET_INPUT) \
        == [432000, 0, 432000, 1000], "count_macs: the docstring's SIMPLE_CONVNET example"


def test_batchnorm_documented_defaults_and_dtypes():
    bn = batchnorm.BatchNormalization(np.ones(2), np.zeros(2))
    assert (bn.momentum, bn.eps, bn.running_mean, bn.running_var) == (0.9, 1e-5, None, None), \
        "BatchNormalization: documented defaults momentum=0.9, eps=1e-5, running stats None"
    x = arr(5, 2, dtype=np.float32)
    bn.forward(x)
    assert bn.running_mean.dtype == np.float32 and bn.running_var.dtype == np.float32, \
        "BatchNormalization: running stats start 'in the dtype of the first input'"
    bn32 = batchnorm.BatchNormalization(np.ones(2, np.float32), np.zeros(2, np.float32))
    assert bn32.forward(x).dtype == np.float32, \
        "BatchNormalization.forward: float32 input and parameters give float32"
    assert np.allclose(bn.running_var, 0.9 + 0.1 * x.var(axis=0), rtol=1e-5), \
        "BatchNormalization: running_var starts at 1 (0.9 · 1 + 0.1 · var)"
    ints = batchnorm.BatchNormalization(np.ones(2), np.zeros(2)).forward([[1, 2], [3, 4]])
    assert ints.dtype == np.float64, "BatchNormalization.forward: lists of ints become float64"
    dx = bn32.backward(np.ones((5, 2), dtype=np.float32))
    assert dx.dtype == np.float32 and dx.shape == (5, 2)


def test_param_count_count_macs_floors_a_stride_that_does_not_divide():
    macs = param_count.count_macs([{"type": "conv", "filters": 1, "size": 3, "stride": 2}],
                                  (1, 6, 6))
    assert macs == [2 * 2 * 9], \
        f"count_macs: OH = (6 - 3) // 2 + 1 = 2 (floor division), so 1·2·2·1·3·3 = 36; got {macs}"
