"""Sprint 2 (activations, the forward pass): implementations a learner could write."""
import numpy as np

from autograder.exercises.sprint2 import (
    _predict_argmax_axis0,
    _predict_flat_argmax,
    _relu_minimum,
    _sigmoid_grad_is_sigmoid,
    _tanh_missing_2x,
)
from solutions.activations import relu, sigmoid, softmax
from solutions.forward import HIDDEN_ACTIVATIONS, OUTPUT_FUNCTIONS, forward_general

from . import DTYPE, correct, mistake


# --------------------------------------------------------------------------- sigmoid
@correct("sprint2.sigmoid")
def sigmoid_via_tanh(x):
    return 0.5 * (1 + np.tanh(x / 2))


@correct("sprint2.sigmoid")
def sigmoid_two_branches(x):
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1 / (1 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1 + e)
    return out


@correct("sprint2.sigmoid")
def sigmoid_book_clipped(x):
    return 1 / (1 + np.exp(-np.clip(x, -500, 500)))


@mistake("sprint2.sigmoid", hint="Your curve is mirrored")
def sigmoid_mirrored(x):
    return 1 / (1 + np.exp(x))


@mistake("sprint2.sigmoid", hint="put the whole denominator in parentheses")
def sigmoid_precedence(x):
    return 1 / 1 + np.exp(-x)


# --------------------------------------------------------------------------- relu
@correct("sprint2.relu")
def relu_where(x):
    return np.where(x > 0, x, 0.0)


@correct("sprint2.relu")
def relu_mask_multiply(x):
    return x * (x > 0)


mistake("sprint2.relu", hint="np.maximum(0, x), not np.minimum")(_relu_minimum)


@mistake("sprint2.relu")
def relu_in_place(x):
    # The book's Relu layer habit, here on the caller's array.
    x[x <= 0] = 0
    return x


@mistake("sprint2.relu")
def relu_max(x):
    return np.max(x, 0)


# --------------------------------------------------------------------------- tanh
@correct("sprint2.tanh")
def tanh_via_sigmoid(x):
    return 2 * sigmoid(2 * x) - 1


@correct("sprint2.tanh")
def tanh_stable_exp(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(-2 * np.abs(x))
    return np.sign(x) * (1 - e) / (1 + e)


@mistake("sprint2.tanh", hint="overflows for |x| > 710")
def tanh_naive(x):
    return (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))


mistake("sprint2.tanh", hint="double the input too")(_tanh_missing_2x)


# --------------------------------------------------------------------------- sigmoid_grad
@correct("sprint2.sigmoid_grad")
def sigmoid_grad_book(x):
    return (1.0 - sigmoid(x)) * sigmoid(x)


@correct("sprint2.sigmoid_grad")
def sigmoid_grad_cosh(x):
    return 0.25 / np.cosh(np.asarray(x, dtype=float) / 2) ** 2


@mistake("sprint2.sigmoid_grad", hint="first compute s = sigmoid(x)")
def sigmoid_grad_of_x(x):
    return x * (1 - x)


mistake("sprint2.sigmoid_grad", hint="You returned sigmoid(x) itself")(_sigmoid_grad_is_sigmoid)


@mistake("sprint2.sigmoid_grad")
def sigmoid_grad_naive_exp(x):
    # exp(-x) / (1 + exp(-x))**2 is inf / inf = nan at x = -800.
    return np.exp(-x) / (1 + np.exp(-x)) ** 2


# --------------------------------------------------------------------------- relu_grad
@correct("sprint2.relu_grad")
def relu_grad_where(x):
    return np.where(x > 0, 1.0, 0.0)


@correct("sprint2.relu_grad")
def relu_grad_heaviside(x):
    return np.heaviside(x, 0.0)


@mistake("sprint2.relu_grad", hint="use x > 0, not x >= 0")
def relu_grad_at_zero(x):
    return (x >= 0).astype(float)


@mistake("sprint2.relu_grad", xfail=DTYPE)
def relu_grad_bool(x):
    return x > 0


@mistake("sprint2.relu_grad", hint="You returned ReLU itself")
def relu_grad_is_relu(x):
    return relu(x)


# --------------------------------------------------------------------------- tanh_grad
@correct("sprint2.tanh_grad")
def tanh_grad_sech(x):
    return 1 / np.cosh(np.clip(x, -300, 300)) ** 2


@correct("sprint2.tanh_grad")
def tanh_grad_product(x):
    t = np.tanh(x)
    return (1 - t) * (1 + t)


@mistake("sprint2.tanh_grad", hint="square tanh(x)")
def tanh_grad_of_x(x):
    return 1 - x ** 2


@mistake("sprint2.tanh_grad", hint="not 1 - tanh(x)")
def tanh_grad_unsquared(x):
    return 1 - np.tanh(x)


# --------------------------------------------------------------------------- softmax
@correct("sprint2.softmax")
def softmax_book_batch(x):
    if x.ndim == 2:
        x = x.T
        x = x - np.max(x, axis=0)
        y = np.exp(x) / np.sum(np.exp(x), axis=0)
        return y.T
    x = x - np.max(x)
    return np.exp(x) / np.sum(np.exp(x))


@correct("sprint2.softmax")
def softmax_logsumexp(x):
    m = x.max(axis=-1, keepdims=True)
    lse = m + np.log(np.exp(x - m).sum(axis=-1, keepdims=True))
    return np.exp(x - lse)


@correct("sprint2.softmax")
def softmax_row_loop(x):
    rows = np.atleast_2d(np.asarray(x, dtype=float))
    out = np.zeros_like(rows)
    for i, row in enumerate(rows):
        e = np.exp(row - row.max())
        out[i] = e / e.sum()
    return out if np.ndim(x) == 2 else out[0]


@mistake("sprint2.softmax", hint="subtract each row's maximum")
def softmax_no_max(x):
    e = np.exp(x)
    return e / e.sum(axis=-1, keepdims=True)


@mistake("sprint2.softmax", hint="not the maximum of the whole batch")
def softmax_global_max(x):
    e = np.exp(x - np.max(x))
    return e / e.sum(axis=-1, keepdims=True)


@mistake("sprint2.softmax")
def softmax_whole_batch(x):
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e)


# --------------------------------------------------------------------------- forward
@correct("sprint2.forward")
def forward_book(network, x):
    W1, W2, W3 = network["W1"], network["W2"], network["W3"]
    b1, b2, b3 = network["b1"], network["b2"], network["b3"]
    a1 = np.dot(x, W1) + b1
    z1 = sigmoid(a1)
    a2 = np.dot(z1, W2) + b2
    z2 = sigmoid(a2)
    a3 = np.dot(z2, W3) + b3
    return a3


@correct("sprint2.forward")
def forward_loop(network, x):
    z = x
    for i in (1, 2, 3):
        a = z @ network[f"W{i}"] + network[f"b{i}"]
        z = sigmoid(a) if i < 3 else a
    return z


@mistake("sprint2.forward", hint="Every layer adds its bias")
def forward_no_bias(network, x):
    z1 = sigmoid(x @ network["W1"])
    z2 = sigmoid(z1 @ network["W2"])
    return z2 @ network["W3"]


@mistake("sprint2.forward", hint="The output layer uses the identity function")
def forward_sigmoid_output(network, x):
    z1 = sigmoid(x @ network["W1"] + network["b1"])
    z2 = sigmoid(z1 @ network["W2"] + network["b2"])
    return sigmoid(z2 @ network["W3"] + network["b3"])


# --------------------------------------------------------------------------- forward_general
@correct("sprint2.forward_general")
def forward_general_while(network, x, output="identity", hidden="sigmoid"):
    h = {"sigmoid": sigmoid, "relu": relu, "tanh": np.tanh}[hidden]
    i, z = 1, x
    while f"W{i + 1}" in network:
        z = h(z @ network[f"W{i}"] + network[f"b{i}"])
        i += 1
    a = z @ network[f"W{i}"] + network[f"b{i}"]
    return softmax(a) if output == "softmax" else a


@correct("sprint2.forward_general")
def forward_general_sorted_keys(network, x, output="identity", hidden="sigmoid"):
    weights = sorted((k for k in network if k[0] == "W"), key=lambda k: int(k[1:]))
    z = np.asarray(x, dtype=float)
    for k in weights[:-1]:
        z = HIDDEN_ACTIVATIONS[hidden](z @ network[k] + network["b" + k[1:]])
    last = weights[-1]
    return OUTPUT_FUNCTIONS[output](z @ network[last] + network["b" + last[1:]])


@mistake("sprint2.forward_general", hint="Count the layers from the dict")
def forward_general_three(network, x, output="identity", hidden="sigmoid"):
    z = x
    for i in (1, 2, 3):
        a = z @ network[f"W{i}"] + network[f"b{i}"]
        z = HIDDEN_ACTIVATIONS[hidden](a) if i < 3 else OUTPUT_FUNCTIONS[output](a)
    return z


@mistake("sprint2.forward_general")
def forward_general_len_over_2_wrong(network, x, output="identity", hidden="sigmoid"):
    # Sorting "W10" before "W2" is not the slip here: the hidden activation on every layer is.
    n = len(network) // 2
    z = x
    for i in range(1, n + 1):
        z = HIDDEN_ACTIVATIONS[hidden](z @ network[f"W{i}"] + network[f"b{i}"])
    return OUTPUT_FUNCTIONS[output](z)


# --------------------------------------------------------------------------- predict_class
@correct("sprint2.predict_class")
def predict_class_scores(network, x, hidden="sigmoid"):
    # softmax keeps the order: the argmax of the scores is the argmax of the probabilities.
    scores = forward_general(network, x, output="identity", hidden=hidden)
    return scores.argmax(axis=-1)


@correct("sprint2.predict_class")
def predict_class_loop(network, x, hidden="sigmoid"):
    y = forward_general(network, x, output="softmax", hidden=hidden)
    if y.ndim == 1:
        return np.argmax(y)
    return np.array([np.argmax(row) for row in y])


mistake("sprint2.predict_class", hint="flattens the whole batch")(_predict_flat_argmax)


mistake("sprint2.predict_class", hint="argmax over axis 0")(_predict_argmax_axis0)


@mistake("sprint2.predict_class")
def predict_class_max(network, x, hidden="sigmoid"):
    # The probability of the class, not its index.
    return np.max(forward_general(network, x, output="softmax", hidden=hidden), axis=-1)
