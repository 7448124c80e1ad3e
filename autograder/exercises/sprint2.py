"""Sprint 2, the neural-network forward pass: exercises, cases and known mistakes."""
import numpy as np

from solutions.activations import sigmoid, softmax
from solutions.forward import forward_general, init_network

from ..learner.compare import Tolerance
from ..learner.registry import Case, Exercise, case
from . import hint, known, numbered, rewritten

FLOAT_TOL = Tolerance(rtol=1e-6, atol=1e-10, dtype="float")


# --------------------------------------------------------------------------- generators
def _random_shape(rng, max_dims=3, max_size=6):
    n_dims = int(rng.integers(1, max_dims + 1))
    return tuple(int(n) for n in rng.integers(1, max_size + 1, size=n_dims))


def _random_values(rng: np.random.Generator) -> Case:
    """Random values of a random shape (1 to 3 axes), on a random scale."""
    return case(rng.normal(size=_random_shape(rng)) * float(rng.choice([1.0, 3.0, 10.0])))


def _random_values_with_zeros(rng: np.random.Generator) -> Case:
    """As ``_random_values``, some entries exactly 0 (where ReLU has its corner)."""
    x = rng.normal(size=_random_shape(rng)) * 3
    x[rng.random(x.shape) < 0.3] = 0.0
    return case(x)


def _random_scores(rng: np.random.Generator) -> Case:
    """Scores for softmax: one sample (D,) or a batch (N, D), rows on different scales."""
    d = int(rng.integers(1, 8))
    if rng.random() < 0.3:
        return case(rng.normal(size=d) * 5 + rng.normal() * 20)
    n = int(rng.integers(1, 7))
    return case(rng.normal(size=(n, d)) * 5 + rng.normal(size=(n, 1)) * 20)


def _random_network(rng, sizes):
    """A dict ``W1, b1, ..., WL, bL`` of random weights for layer sizes ``sizes``."""
    network = {}
    for i, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:]), 1):
        network[f"W{i}"] = rng.normal(size=(d_in, d_out))
        network[f"b{i}"] = rng.normal(size=d_out)
    return network


def _random_input(rng, d):
    """One sample (d,) or a batch (N, d) of inputs."""
    if rng.random() < 0.3:
        return rng.normal(size=d) * 2
    return rng.normal(size=(int(rng.integers(1, 9)), d)) * 2


def _random_three_layer_case(rng: np.random.Generator) -> Case:
    sizes = [int(n) for n in rng.integers(1, 7, size=4)]
    return case(_random_network(rng, sizes), _random_input(rng, sizes[0]))


def _random_general_case(rng: np.random.Generator) -> Case:
    sizes = [int(n) for n in rng.integers(1, 7, size=int(rng.integers(2, 6)))]
    return case(_random_network(rng, sizes), _random_input(rng, sizes[0]),
                output=str(rng.choice(["identity", "softmax"])),
                hidden=str(rng.choice(["sigmoid", "relu", "tanh"])))


def _random_classifier_case(rng: np.random.Generator) -> Case:
    sizes = [int(n) for n in rng.integers(2, 7, size=int(rng.integers(2, 5)))]
    network = _random_network(rng, sizes)
    x = rng.normal(size=(int(rng.integers(2, 9)), sizes[0])) * 2
    if rng.random() < 0.25:
        x = x[0]
    kwargs = {"hidden": str(rng.choice(["sigmoid", "relu", "tanh"]))} if rng.random() < 0.5 else {}
    return case(network, x, **kwargs)


# --------------------------------------------------------------------------- fixed networks
BOOK_X = np.array([1.0, 0.5])
BOOK_BATCH = np.array([[1.0, 0.5], [0.0, 0.0], [-1.0, 2.0], [3.0, -0.5]])

# A square 2 -> 2 -> 2 -> 2 network on a batch of 2: the one shape where `W @ x` runs.
SQUARE_NETWORK = {
    "W1": np.array([[0.5, -1.0], [1.5, 0.2]]), "b1": np.array([0.1, -0.3]),
    "W2": np.array([[1.0, 0.3], [-0.7, 0.8]]), "b2": np.array([0.2, 0.0]),
    "W3": np.array([[0.4, -1.2], [0.9, 0.6]]), "b3": np.array([-0.1, 0.3]),
}
SQUARE_BATCH = np.array([[1.0, 2.0], [-0.5, 0.3]])

# A 4-layer network 2 -> 4 -> 3 -> 3 -> 3 (one layer more than the book's).
DEEP_NETWORK = _random_network(np.random.default_rng(2), [2, 4, 3, 3, 3])
DEEP_BATCH = np.array([[1.0, 0.5], [-1.0, 2.0], [0.3, -0.8]])

# A classifier of 2-D points into 3 classes: 2 -> 4 -> 3.
CLASSIFIER = {
    "W1": np.array([[2.0, -1.0, 0.5, -2.0], [0.5, 2.0, -1.5, -1.0]]),
    "b1": np.array([0.0, -0.5, 0.2, 0.3]),
    "W2": np.array([[2.0, -1.0, -1.0], [-1.0, 2.0, -1.0], [0.5, -0.5, 1.0], [-1.0, -1.0, 2.5]]),
    "b2": np.array([0.0, 0.1, -0.1]),
}
CLASSIFIER_POINTS = np.array([[2.0, 0.0], [0.0, 2.0], [-2.0, -1.0], [1.0, 1.0], [-1.0, 0.5]])


# --------------------------------------------------------------------------- sprint2.sigmoid
@hint("Your curve is mirrored: sigmoid(x) is 1 / (1 + exp(-x)), with a minus sign inside the exp "
      "(sigmoid(1) ≈ 0.73).")
def _sigmoid_sign_error(x):
    return 1 / (1 + np.exp(np.asarray(x, dtype=float)))


@hint("`1 / 1 + np.exp(-x)` computes (1 / 1) + exp(-x): put the whole denominator in parentheses, "
      "1 / (1 + np.exp(-x)).")
def _sigmoid_precedence(x):
    return 1 / 1 + np.exp(-np.asarray(x, dtype=float))


SIGMOID = Exercise(
    id="sprint2.sigmoid", points=1, module="activations", name="sigmoid",
    title="the sigmoid function",
    examples=[case(np.array([-1.0, 1.0, 2.0]), label="sigmoid([-1.0, 1.0, 2.0]) from the text"),
              case(np.array([[0.0, -3.0], [3.0, 10.0]]), label="a 2×2 array")],
    generate=_random_values,
    edge_cases=[case(np.array([-800.0, 800.0])), case(np.array([-1e5, -40.0, 40.0, 1e5])),
                case(np.array([0.0])), case(np.zeros((3, 1)))],
    tol=FLOAT_TOL,
    mistakes=known(_sigmoid_sign_error, _sigmoid_precedence),
)


# --------------------------------------------------------------------------- sprint2.relu
@hint("ReLU keeps the *positive* values: np.maximum(0, x), not np.minimum.")
def _relu_minimum(x):
    return np.minimum(0, x)


@hint("You returned 0/1 (the derivative of ReLU, problem 5): ReLU returns x itself where x > 0, "
      "i.e. np.maximum(0, x).")
def _relu_mask(x):
    return (np.asarray(x) > 0).astype(float)


RELU = Exercise(
    id="sprint2.relu", points=1, module="activations", name="relu",
    title="the ReLU function",
    examples=[case(np.array([-1.0, 0.0, 2.5]), label="relu([-1.0, 0.0, 2.5])")],
    generate=_random_values_with_zeros,
    edge_cases=[case(np.array([-1e300, 1e300])), case(np.zeros((2, 2))),
                case(np.array([-3.0]))],
    tol=Tolerance(rtol=1e-12, atol=0),
    mistakes=known(_relu_minimum, _relu_mask),
)


# --------------------------------------------------------------------------- sprint2.tanh
@hint("(e^x - e^-x) / (e^x + e^-x) overflows for |x| > 710 (inf / inf is nan): use np.tanh, or 2 * "
      "sigmoid(2 * x) - 1 with your stable sigmoid.")
def _tanh_naive(x):
    x = np.asarray(x, dtype=float)
    return (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))


@hint("2 * sigmoid(x) - 1 is tanh(x / 2): the identity is tanh(x) = 2 * sigmoid(2 * x) - 1 (double "
      "the input too).")
def _tanh_missing_2x(x):
    return 2 * sigmoid(x) - 1


TANH = Exercise(
    id="sprint2.tanh", points=1, module="activations", name="tanh",
    title="the tanh function",
    examples=[case(np.array([-1.0, 0.0, 0.5]), label="tanh([-1.0, 0.0, 0.5])"),
              case(np.array([-1000.0, -20.0, 20.0, 1000.0]),
                   label="tanh far from 0 (saturates at -1 and 1)")],
    generate=_random_values,
    edge_cases=[case(np.array([-800.0, 800.0])), case(np.array([0.0])),
                case(np.full((2, 3), 1e-9))],
    tol=FLOAT_TOL,
    mistakes=known(_tanh_naive, _tanh_missing_2x),
)


# --------------------------------------------------------------------------- sprint2.sigmoid_grad
@hint("You applied s * (1 - s) to the input x: first compute s = sigmoid(x), then return s * (1 - "
      "s).")
def _sigmoid_grad_of_x(x):
    x = np.asarray(x, dtype=float)
    return x * (1 - x)


@hint("You returned sigmoid(x) itself: the derivative is sigmoid(x) * (1 - sigmoid(x)), at most "
      "0.25.")
def _sigmoid_grad_is_sigmoid(x):
    return sigmoid(x)


SIGMOID_GRAD = Exercise(
    id="sprint2.sigmoid_grad", points=1, module="activations", name="sigmoid_grad",
    title="the derivative of the sigmoid",
    examples=[case(np.array([0.0, 2.0, -2.0]), label="sigmoid_grad([0.0, 2.0, -2.0])")],
    generate=_random_values,
    edge_cases=[case(np.array([-800.0, 800.0])), case(np.array([0.0])),
                case(np.full((2, 2), -40.0))],
    tol=FLOAT_TOL,
    mistakes=known(_sigmoid_grad_of_x, _sigmoid_grad_is_sigmoid),
)


# --------------------------------------------------------------------------- sprint2.relu_grad
@hint("At x = 0 the derivative of ReLU is 0 in this course: use x > 0, not x >= 0.")
def _relu_grad_at_zero(x):
    return (np.asarray(x) >= 0).astype(float)


@hint("You returned ReLU itself: its derivative is 1 where x > 0 and 0 elsewhere, e.g. (x > "
      "0).astype(float).")
def _relu_grad_is_relu(x):
    return np.maximum(0, x)


@hint("You returned x: the derivative of ReLU is 1 where x > 0 and 0 elsewhere, e.g. (x > "
      "0).astype(float).")
def _relu_grad_returns_x(x):
    return x


RELU_GRAD = Exercise(
    id="sprint2.relu_grad", points=1, module="activations", name="relu_grad",
    title="the derivative of ReLU",
    examples=[case(np.array([-2.0, 0.0, 3.0]), label="relu_grad([-2.0, 0.0, 3.0])")],
    generate=_random_values_with_zeros,
    edge_cases=[case(np.zeros((2, 3))), case(np.array([-1e-300, 1e-300])),
                case(np.array([0.0]))],
    tol=Tolerance(rtol=0, atol=0),
    mistakes=known(_relu_grad_at_zero, _relu_grad_is_relu, _relu_grad_returns_x),
)


# --------------------------------------------------------------------------- sprint2.tanh_grad
@hint("You squared the input x: the derivative is 1 - tanh(x)**2, square tanh(x).")
def _tanh_grad_of_x(x):
    x = np.asarray(x, dtype=float)
    return 1 - x ** 2


@hint("Square tanh: the derivative is 1 - tanh(x)**2, not 1 - tanh(x).")
def _tanh_grad_unsquared(x):
    return 1 - np.tanh(np.asarray(x, dtype=float))


TANH_GRAD = Exercise(
    id="sprint2.tanh_grad", points=1, module="activations", name="tanh_grad",
    title="the derivative of tanh",
    examples=[case(np.array([0.0, 1.0]), label="tanh_grad([0.0, 1.0])"),
              case(np.array([[-2.0, 0.5], [3.0, -0.1]]), label="a 2×2 array")],
    generate=_random_values,
    edge_cases=[case(np.array([-800.0, 800.0])), case(np.array([0.0]))],
    tol=FLOAT_TOL,
    mistakes=known(_tanh_grad_of_x, _tanh_grad_unsquared),
)


# --------------------------------------------------------------------------- sprint2.softmax
_softmax_without_max = rewritten(
    softmax, ("x - np.max(x, axis=-1, keepdims=True)", "x"),
    hint="np.exp overflows to inf above about 709 and inf / inf is nan: subtract each row's "
         "maximum before np.exp (np.max(x, axis=-1, keepdims=True)); softmax(a - C) equals "
         "softmax(a).")

_softmax_global_max = rewritten(
    softmax, ("x - np.max(x, axis=-1, keepdims=True)", "x - np.max(x)"),
    hint="Subtract each row's own maximum, np.max(x, axis=-1, keepdims=True), not the maximum of "
         "the whole batch: a row far below it underflows to 0 / 0 = nan.")

_softmax_whole_batch = rewritten(
    softmax, ("x - np.max(x, axis=-1, keepdims=True)", "x - np.max(x)"),
    ("np.sum(e, axis=-1, keepdims=True)", "np.sum(e)"),
    hint="You normalised over the whole batch: each row (one sample) must sum to 1, so sum with "
         "axis=-1, keepdims=True.")

_softmax_axis0 = rewritten(
    softmax, ("x - np.max(x, axis=-1, keepdims=True)", "x - np.max(x, axis=0, keepdims=True)"),
    ("np.sum(e, axis=-1, keepdims=True)", "np.sum(e, axis=0, keepdims=True)"),
    hint="You normalised each column: the classes are the last axis, so take the max and the sum "
         "with axis=-1 (each row sums to 1), not axis=0.")

_softmax_no_keepdims = rewritten(
    softmax, ("x - np.max(x, axis=-1, keepdims=True)", "x - np.max(x, axis=-1)"),
    ("np.sum(e, axis=-1, keepdims=True)", "np.sum(e, axis=-1)"),
    hint="np.max(x, axis=-1) has shape (N,), which broadcasts along the wrong axis of (N, D): add "
         "keepdims=True (shape (N, 1)) to the max and to the sum.")


SOFTMAX = Exercise(
    id="sprint2.softmax", points=2, module="activations", name="softmax",
    title="the softmax function",
    examples=[
        case(np.array([0.3, 2.9, 4.0]), label="softmax([0.3, 2.9, 4.0]) from the text"),
        case(np.array([1010.0, 1000.0, 990.0]),
             label="softmax([1010, 1000, 990]) from the text (overflow)"),
        case(np.array([[0.3, 2.9, 4.0], [0.0, 1.0, 2.0], [-1.0, 0.0, -1.0]]),
             label="a batch of 3 samples, 3 classes"),
        case(np.array([[1010.0, 1000.0, 990.0], [0.3, 2.9, 4.0]]),
             label="a batch whose rows are on very different scales"),
    ],
    generate=_random_scores,
    edge_cases=[case(np.array([[1000.0, 1001.0, 1002.0]])),
                case(np.array([-1000.0, -1001.0, -1002.0])),
                case(np.array([[-1e4, -1e4 + 1.0], [1e4, 1e4 - 1.0], [0.0, 0.0]])),
                case(np.array([[5.0], [-3.0]])), case(np.array([7.0]))],
    tol=FLOAT_TOL,
    mistakes=known(_softmax_without_max, _softmax_global_max, _softmax_whole_batch,
                   _softmax_axis0, _softmax_no_keepdims),
)


# --------------------------------------------------------------------------- sprint2.forward
@hint("Every layer adds its bias: a = z @ W + b, with b1, b2 and b3.")
def _forward_no_bias(network, x):
    z1 = sigmoid(np.asarray(x, dtype=float) @ network["W1"])
    z2 = sigmoid(z1 @ network["W2"])
    return z2 @ network["W3"]


@hint("The output layer uses the identity function: return a3 = z2 @ W3 + b3, without the sigmoid.")
def _forward_sigmoid_output(network, x):
    z1 = sigmoid(np.asarray(x, dtype=float) @ network["W1"] + network["b1"])
    z2 = sigmoid(z1 @ network["W2"] + network["b2"])
    return sigmoid(z2 @ network["W3"] + network["b3"])


@hint("Samples are rows: compute x @ W (shape (N, D) @ (D, M)), not W @ x. W @ x only runs when "
      "the shapes happen to be square, and then gives wrong numbers.")
def _forward_w_times_x(network, x):
    z1 = sigmoid(network["W1"] @ np.asarray(x, dtype=float) + network["b1"])
    z2 = sigmoid(network["W2"] @ z1 + network["b2"])
    return network["W3"] @ z2 + network["b3"]


FORWARD = Exercise(
    id="sprint2.forward", points=2, module="forward", name="forward",
    title="the 3-layer forward pass",
    examples=[
        case(init_network(), BOOK_X, label="the network of figure 3-15, x = [1.0, 0.5]"),
        case(init_network(), BOOK_BATCH, label="the network of figure 3-15, a batch of 4"),
        case(SQUARE_NETWORK, SQUARE_BATCH,
             label="a square 2→2→2→2 network, a batch of 2 (where W @ x also runs)"),
    ],
    generate=_random_three_layer_case,
    edge_cases=[case(init_network(), BOOK_X[None, :]),
                case(init_network(), np.array([[1e3, -1e3], [0.0, 0.0]])),
                case(_random_network(np.random.default_rng(7), [5, 1, 1, 4]),
                     np.ones((3, 5)))],
    tol=FLOAT_TOL,
    mistakes=known(_forward_no_bias, _forward_sigmoid_output, _forward_w_times_x),
)


# -------------------------------------------------------------------------- sprint2.forward_general
_general_ignores_output = rewritten(
    forward_general, ("else OUTPUT_FUNCTIONS[output](a)", "else a"),
    hint="With output=\"softmax\" the last layer's scores go through softmax: apply "
         "OUTPUT_FUNCTIONS[output] to the last layer.")

_general_ignores_hidden = rewritten(
    forward_general, ("HIDDEN_ACTIVATIONS[hidden](a) if", "HIDDEN_ACTIVATIONS[\"sigmoid\"](a) if"),
    hint="The hidden layers use the activation named by `hidden` (HIDDEN_ACTIVATIONS[hidden]), not "
         "always the sigmoid.")

_general_hidden_on_output = rewritten(
    forward_general, ("OUTPUT_FUNCTIONS[output](a)",
                      "OUTPUT_FUNCTIONS[output](HIDDEN_ACTIVATIONS[hidden](a))"),
    hint="The last layer gets only the output function, not the hidden activation as well.")

_general_three_layers = rewritten(
    forward_general, ('sum(1 for key in network if key.startswith("W"))', "3"),
    hint="Count the layers from the dict (the number of W keys): a network may have 1, 2, 4 ... "
         "layers, not always 3.")


FORWARD_GENERAL = Exercise(
    id="sprint2.forward_general", points=2, module="forward", name="forward_general",
    title="a forward pass for any network, regression or classification",
    examples=[
        case(init_network(), BOOK_X, label="figure 3-15, x = [1.0, 0.5], identity output"),
        case(init_network(), BOOK_BATCH, output="softmax",
             label="figure 3-15, a batch of 4, softmax output"),
        case(DEEP_NETWORK, DEEP_BATCH, output="softmax", hidden="relu",
             label="a 4-layer 2→4→3→3→3 ReLU network, softmax output"),
        case(DEEP_NETWORK, DEEP_BATCH, hidden="tanh",
             label="the same 4-layer network with tanh, identity output"),
    ],
    generate=_random_general_case, n_public=4,
    edge_cases=[case({"W1": np.array([[1.0, -1.0], [2.0, 0.5]]), "b1": np.array([0.5, 0.0])},
                     np.array([[1.0, 1.0], [0.0, -2.0]]), output="softmax"),
                case(_random_network(np.random.default_rng(8), [3, 4, 2]),
                     np.array([0.5, -1.0, 2.0]), output="softmax"),
                case({"W1": np.array([[300.0, -300.0]]), "b1": np.zeros(2),
                      "W2": np.array([[900.0, 0.0], [0.0, 900.0]]), "b2": np.zeros(2)},
                     np.array([[5.0], [-5.0]]), output="softmax", hidden="relu"),
                case(_random_network(np.random.default_rng(9), [2, 3, 1]),
                     np.ones((4, 2)), output="softmax")],
    tol=FLOAT_TOL,
    mistakes=known(_general_ignores_output, _general_ignores_hidden, _general_hidden_on_output,
                   _general_three_layers),
)


# --------------------------------------------------------------------------- sprint2.predict_class
@hint("np.argmax without axis flattens the whole batch: use axis=-1 for one class per sample "
      "(row).")
def _predict_flat_argmax(network, x, hidden="sigmoid"):
    return np.argmax(forward_general(network, x, output="softmax", hidden=hidden))


@hint("argmax over axis 0 picks a sample per class: use axis=-1 for one class per sample (row).")
def _predict_argmax_axis0(network, x, hidden="sigmoid"):
    return np.argmax(forward_general(network, x, output="softmax", hidden=hidden), axis=0)


PREDICT_CLASS = Exercise(
    id="sprint2.predict_class", points=1, module="forward", name="predict_class",
    title="predicting a class",
    examples=[case(CLASSIFIER, CLASSIFIER_POINTS, label="a 2→4→3 classifier, 5 points"),
              case(CLASSIFIER, CLASSIFIER_POINTS[1], label="the same classifier, one point"),
              case(DEEP_NETWORK, DEEP_BATCH, hidden="relu",
                   label="the 4-layer ReLU network, a batch of 3")],
    generate=_random_classifier_case,
    edge_cases=[case({"W1": np.ones((2, 1)), "b1": np.zeros(1)}, np.ones((3, 2))),
                case(CLASSIFIER, CLASSIFIER_POINTS[:1])],
    tol=Tolerance(rtol=0, atol=0, dtype="int"),
    mistakes=known(_predict_flat_argmax, _predict_argmax_axis0),
)


# --------------------------------------------------------------------------- exercises
EXERCISES = numbered([
    SIGMOID, RELU, TANH, SIGMOID_GRAD, RELU_GRAD, TANH_GRAD, SOFTMAX, FORWARD, FORWARD_GENERAL,
    PREDICT_CLASS,
])
