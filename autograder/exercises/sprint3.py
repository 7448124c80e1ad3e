"""Sprint 3, learning from data: exercises, cases and known mistakes.

Helpers that take a function (``numerical_diff``, ``numerical_gradient``, ``gradient_descent``)
are graded with named test functions (``Fn("book_2d")``, see ``sandbox_child.FUNCTIONS``).
Numerical derivatives are compared with the reference's own numerical result for the same
``h``, so the tolerance only has to absorb floating-point noise, and a forward difference or
a forgotten restore still shows.
"""
import numpy as np

from solutions.activations import sigmoid, softmax
from solutions.gradients import gradient_descent, numerical_gradient
from solutions.losses import DELTA
from solutions.numerical_net import TwoLayerNet

from ..learner.compare import Tolerance
from ..learner.registry import Case, Exercise, Fn, case, class_case
from . import hint, known, numbered, rewritten

FLOAT_TOL = Tolerance(rtol=1e-6, atol=1e-8, dtype="float")
EXACT = Tolerance(rtol=0, atol=0)

# The book's outputs for one image of a digit: the correct class is 2.
BOOK_Y = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])       # says "2"
BOOK_Y_BAD = np.array([0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0])   # says "7"
BOOK_T = np.array([0, 0, 1, 0, 0, 0, 0, 0, 0, 0])
# Both losses are first worked on the book's example, the label one-hot and as an index (the
# same loss), and on a batch of the good and the bad output.
BOOK_CASES = [case(BOOK_Y, BOOK_T, label="the book's y (says 2), one-hot t = 2"),
              case(BOOK_Y, 2, label="the book's y (says 2), the label as an index, t = 2")]
BOOK_BATCH = case(np.array([BOOK_Y, BOOK_Y_BAD]), np.array([2, 2]),
                  label="a batch of the two, labels as indices [2, 2]")

# A batch of 3 samples over 3 classes (square: where t * log(y) with indices also runs).
SQUARE_Y = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.25, 0.25, 0.5]])
SQUARE_T = np.array([0, 2, 2])
# Probability exactly 0 at the correct class (sample 0), and elsewhere.
ZERO_Y = np.array([[0.0, 1.0, 0.0], [0.5, 0.5, 0.0]])
ZERO_T = np.array([0, 1])
# A confident, wrong answer: the correct class 0 gets probability 1e-9.
TINY_Y = np.array([1e-9, 1.0 - 1e-9])

# A non-separable quadratic on a 2 × 3 array: each partial derivative depends on the others.
_A = np.random.default_rng(3).normal(size=(6, 6))
QUAD_A = (_A + _A.T) / 2 + 3 * np.eye(6)
QUAD_C = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]])
QUAD_X = np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5]])

# The book's simpleNet: a 2 × 3 weight matrix, the input (0.6, 0.9), the correct class 2.
SIMPLE_W = np.array([[0.47355232, 0.9977393, 0.84668094], [0.85557411, 0.03563661, 0.69422093]])
SIMPLE_X = np.array([[0.6, 0.9]])
SIMPLE_T = np.array([2])

# Points for the two-layer net: 5 points in the plane, 3 classes.
NET_X = np.array([[0.5, -1.0], [1.0, 2.0], [-1.5, 0.3], [0.0, 0.0], [2.0, -0.5]])
NET_T = np.array([0, 2, 1, 1, 0])


# --------------------------------------------------------------------------- generators
def _probabilities(rng, shape, zeros=True):
    """Softmax outputs of random scores; some entries exactly 0 (each row keeps a nonzero)."""
    y = softmax(rng.normal(size=shape) * float(rng.choice([1.0, 3.0, 10.0])))
    if zeros and rng.random() < 0.4:
        y = np.where(rng.random(shape) < 0.3, 0.0, y)
        y[..., int(rng.integers(shape[-1]))] += 1e-3
        y = y / y.sum(axis=-1, keepdims=True)
    return y


def _labels(rng, shape, c):
    """Class indices for ``shape`` (``()`` is one sample: a Python int)."""
    labels = rng.integers(0, c, size=shape)
    return int(labels) if shape == () else labels


def _random_loss_case(rng, regression=True):
    c = int(rng.integers(2, 8))
    single = rng.random() < 0.3
    shape = (c,) if single else (int(rng.integers(1, 9)), c)
    if regression and rng.random() < 0.2:   # target values, as in regression
        return case(rng.normal(size=shape) * 2, rng.normal(size=shape) * 2)
    y = _probabilities(rng, shape)
    labels = _labels(rng, shape[:-1], c)
    if rng.random() < 0.5:
        onehot = np.eye(c, dtype=str(rng.choice(["int64", "float64"])))[labels]
        return case(y, onehot)
    return case(y, labels)


def _random_sse_case(rng: np.random.Generator) -> Case:
    return _random_loss_case(rng, regression=True)


def _random_ce_case(rng: np.random.Generator) -> Case:
    return _random_loss_case(rng, regression=False)


def _random_batch_case(rng: np.random.Generator) -> Case:
    n = int(rng.integers(1, 31))
    feature_shape = tuple(int(d) for d in rng.integers(1, 5, size=int(rng.integers(1, 4))))
    X = rng.normal(size=(n, *feature_shape))
    c = int(rng.integers(2, 6))
    labels = rng.integers(0, c, size=n)
    t = np.eye(c)[labels] if rng.random() < 0.3 else labels
    return case(X, t, int(rng.integers(1, n + 1)), int(rng.integers(0, 10**6)))


def _random_scalar_function(rng):
    kind = rng.choice(["book_1d", "sin_mix", "poly"])
    if kind == "poly":
        return Fn("poly", coef=rng.normal(size=int(rng.integers(2, 6))))
    return Fn(str(kind))


def _random_diff_case(rng: np.random.Generator) -> Case:
    f = _random_scalar_function(rng)
    x = round(float(rng.uniform(-4, 4)), 3)
    if rng.random() < 0.3:
        return case(f, x, h=float(rng.choice([1e-3, 1e-2, 0.05])))
    return case(f, x)


def _random_vector_function(rng, shape):
    kind = rng.choice(["sum_of_squares", "sin_mix", "quadratic", "softmax_cross_entropy"])
    size = int(np.prod(shape))
    if kind == "quadratic":
        M = rng.normal(size=(size, size))
        return Fn("quadratic", A=M + M.T, c=rng.normal(size=shape))
    if kind == "softmax_cross_entropy":
        n = int(rng.integers(1, 6))
        d = shape[0]
        return Fn("softmax_cross_entropy", X=rng.normal(size=(n, d)),
                  t=rng.integers(0, size // d, size=n))
    return Fn(str(kind))


def _random_gradient_case(rng: np.random.Generator) -> Case:
    shape = tuple(int(d) for d in rng.integers(1, 5, size=int(rng.integers(1, 4))))
    x = rng.normal(size=shape) * 2
    return case(_random_vector_function(rng, shape), x)


def _random_descent_case(rng: np.random.Generator) -> Case:
    d = int(rng.integers(1, 5))
    init = rng.normal(size=d) * 3
    step_num = int(rng.integers(0, 31))
    if rng.random() < 0.3 and d == 2:
        f = Fn(str(rng.choice(["book_2d", "race"])))
        return case(f, init, lr=round(float(rng.uniform(0.01, 0.9)), 3), step_num=step_num)
    M = rng.normal(size=(d, d))
    A = M @ M.T / d + 0.2 * np.eye(d)
    lam = float(np.linalg.eigvalsh(A).max())
    lr = float(f"{rng.uniform(0.05, 2.2) / lam:.3g}")   # mostly converges; above 2 / lam diverges
    return case(Fn("quadratic", A=A, c=rng.normal(size=d)), init, lr=lr, step_num=step_num)


def _random_net_case(rng, steps):
    d_in, hidden, d_out = int(rng.integers(1, 5)), int(rng.integers(1, 7)), int(rng.integers(2, 5))
    n = int(rng.integers(1, 7))
    x = rng.normal(size=(n, d_in)) * 1.5
    labels = rng.integers(0, d_out, size=n)
    t = np.eye(d_out)[labels] if rng.random() < 0.3 else labels
    init = {"weight_init_std": round(float(rng.uniform(0.3, 2.0)), 2),
            "seed": int(rng.integers(0, 10**6))}
    if steps == "forward":
        steps_ = [("predict", (x,)), ("loss", (x, t)), ("accuracy", (x, t))]
        attrs = []
    else:
        steps_ = [("numerical_gradient", (x, t))]
        attrs = ["params"]
    return class_case((d_in, hidden, d_out), init, steps=steps_, attrs=attrs,
                      label=f"TwoLayerNet({d_in}, {hidden}, {d_out}), {n} samples")


def _net_case(x, t, label, steps, sizes=(2, 4, 3), std=1.0, seed=0):
    if steps == "forward":
        steps_, attrs = [("predict", (x,)), ("loss", (x, t)), ("accuracy", (x, t))], []
    else:
        steps_, attrs = [("numerical_gradient", (x, t))], ["params"]
    return class_case(sizes, {"weight_init_std": std, "seed": seed}, steps=steps_, attrs=attrs,
                      label=label)


def _net_examples(steps):
    """The worked examples the two net exercises share, calling the net's ``steps``."""
    return [_net_case(NET_X, NET_T, "TwoLayerNet(2, 4, 3), 5 points, labels as indices", steps),
            _net_case(NET_X, np.eye(3)[NET_T], "the same net and points, one-hot labels", steps)]


def _net_edge_cases(steps):
    """The hidden edge cases the two net exercises share, calling the net's ``steps``."""
    return [_net_case(NET_X[:1], NET_T[:1], "one sample", steps),
            _net_case(NET_X, NET_T, "one hidden neuron", steps, sizes=(2, 1, 3))]


def _batch_of(c):
    y = np.asarray(c.args[0])
    return y.shape[0] if y.ndim == 2 else None


# --------------------------------------------------------------------------- loss mistakes
def _one_hot(y, t):
    """y as floats and t one-hot (labels given as indices become rows of np.eye(C)), as the
    loss mistakes below read them."""
    y, t = np.asarray(y, dtype=float), np.asarray(t)
    return y, (t if t.shape == y.shape else np.eye(y.shape[-1])[t])


# ------------------------------------------------------------------------ sprint3.sum_squared_error
@hint("Keep the ½ in front of the sum: E = 0.5 * Σ (y - t)².")
def _sse_no_half(y, t):
    y, t = _one_hot(y, t)
    return float(np.mean(np.sum((y - t) ** 2, axis=-1)))


@hint("For a batch, average the per-sample errors: divide the sum by the number of samples N = "
      "y.shape[0].")
def _sse_sum_over_batch(y, t):
    y, t = _one_hot(y, t)
    return float(0.5 * np.sum((y - t) ** 2))


@hint("np.mean over the whole array divides by N × C: sum over the classes, then average over the "
      "N samples only (a single sample: no division).")
def _sse_mean_of_everything(y, t):
    y, t = _one_hot(y, t)
    return float(0.5 * np.mean((y - t) ** 2))


@hint("A label given as a class index (2, or an array of indices) means one-hot: turn it into "
      "one-hot rows first (np.eye(C)[t]) before y - t.")
def _sse_indices_as_targets(y, t):
    y, t = np.asarray(y, dtype=float), np.asarray(t)
    if y.ndim == 1:
        return float(0.5 * np.sum((y - t) ** 2))
    return float(0.5 * np.sum((y - t) ** 2) / y.shape[0])


@hint("For one sample y has shape (C,) and y.shape[0] is the number of classes, not a batch size: "
      "divide by N only when y is a batch (y.ndim == 2).")
def _sse_divides_by_shape0(y, t):
    y, t = _one_hot(y, t)
    return float(0.5 * np.sum((y - t) ** 2) / y.shape[0])


SUM_SQUARED_ERROR = Exercise(
    id="sprint3.sum_squared_error", points=1, module="losses", name="sum_squared_error",
    title="the sum of squared errors",
    examples=[
        *BOOK_CASES,
        case(BOOK_Y_BAD, BOOK_T, label="the book's y that says 7, t = 2"),
        BOOK_BATCH,
        case(SQUARE_Y, np.eye(3)[SQUARE_T], label="a batch of 3 samples, one-hot labels"),
        case(np.array([[1.5, -0.5], [0.0, 2.0], [3.0, 1.0]]),
             np.array([[1.0, 0.0], [0.5, 2.5], [2.0, 2.0]]),
             label="regression: 3 samples of 2 target values"),
    ],
    generate=_random_sse_case,
    edge_cases=[case(np.array([[0.2, 0.8]]), np.array([1])),
                case(np.array([0.0, 1.0, 0.0]), np.array([0, 1, 0])),
                case(np.array([0.3, 0.3, 0.4]), np.int64(0)),
                case(np.full((4, 5), 0.2), np.array([0, 1, 2, 3]))],
    tol=FLOAT_TOL,
    batch_size=_batch_of,
    mistakes=known(_sse_no_half, _sse_sum_over_batch, _sse_mean_of_everything,
                   _sse_indices_as_targets, _sse_divides_by_shape0),
)


# ---------------------------------------------------------------------- sprint3.cross_entropy_error
@hint("np.log(0) is -inf: add a small delta inside the logarithm, np.log(y + 1e-7), so a "
      "probability of exactly 0 costs -log(1e-7) ≈ 16.1.")
def _ce_no_delta_indices(y, t):
    y, t = np.asarray(y, dtype=float), np.asarray(t)
    if y.ndim == 1:
        t = t.reshape(1, -1) if t.shape == y.shape else t.reshape(1)
        y = y.reshape(1, -1)
    if t.shape == y.shape:
        t = t.argmax(axis=1)
    n = y.shape[0]
    return float(-np.sum(np.log(y[np.arange(n), t])) / n)


@hint("np.log(0) is -inf, and 0 * -inf is nan even where t is 0: add a small delta inside the "
      "logarithm, np.log(y + 1e-7).")
def _ce_no_delta_onehot(y, t):
    y, t = _one_hot(y, t)
    n = y.shape[0] if y.ndim == 2 else 1
    return float(-np.sum(t * np.log(y)) / n)


@hint("Add delta inside the logarithm, np.log(y + 1e-7), as the book does: np.log(y) alone, or "
      "clipping y at 1e-7, gives other numbers when a probability is tiny (here the correct class "
      "gets 1e-9).")
def _ce_clipped(y, t):
    y, t = _one_hot(y, t)
    n = y.shape[0] if y.ndim == 2 else 1
    return float(-np.sum(t * np.log(np.clip(y, 1e-7, 1.0))) / n)


@hint("For a batch, average over the samples: divide the sum by N = y.shape[0] (after turning a "
      "single sample into a batch of one).")
def _ce_sum_over_batch(y, t):
    y, t = _one_hot(y, t)
    return float(-np.sum(t * np.log(y + DELTA)))


@hint("np.mean of t * log(y) divides by N × C: sum over the classes, then divide by the number of "
      "samples N only.")
def _ce_mean_of_everything(y, t):
    y, t = _one_hot(y, t)
    return float(-np.mean(t * np.log(y + DELTA)))


@hint("For one sample y has shape (C,) and y.shape[0] is the number of classes, not a batch size: "
      "reshape one sample to (1, C) (and t to match) first.")
def _ce_divides_by_shape0(y, t):
    y, t = _one_hot(y, t)
    return float(-np.sum(t * np.log(y + DELTA)) / y.shape[0])


@hint("Labels may also be class indices (an int, or shape (N,)): t * np.log(y) only works for "
      "one-hot t. When t.shape != y.shape, pick y[np.arange(N), t] (or convert with np.eye(C)[t]).")
def _ce_onehot_only(y, t):
    y, t = np.asarray(y, dtype=float), np.asarray(t)
    n = y.shape[0] if y.ndim == 2 else 1
    return float(-np.sum(t * np.log(y + DELTA)) / n)


@hint("Labels may also be one-hot (t.shape == y.shape): y[np.arange(N), t] only works for indices. "
      "Convert one-hot t with t.argmax(axis=1), or use -np.sum(t * np.log(y + 1e-7)) for them.")
def _ce_indices_only(y, t):
    y, t = np.asarray(y, dtype=float), np.asarray(t)
    if y.ndim == 1:
        y = y.reshape(1, -1)
        t = t.reshape(1, -1) if t.ndim == 1 else t.reshape(1)
    n = y.shape[0]
    return float(-np.sum(np.log(y[np.arange(n), t] + DELTA)) / n)


CROSS_ENTROPY_ERROR = Exercise(
    id="sprint3.cross_entropy_error", points=2, module="losses", name="cross_entropy_error",
    title="the cross-entropy error",
    examples=[
        *BOOK_CASES,
        case(BOOK_Y_BAD, 2, label="the book's y that says 7, t = 2"),
        BOOK_BATCH,
        case(SQUARE_Y, SQUARE_T,
             label="a batch of 3 samples over 3 classes, indices [0, 2, 2]"),
        case(SQUARE_Y, np.eye(3, dtype=int)[SQUARE_T],
             label="the same batch, one-hot labels"),
        case(ZERO_Y, ZERO_T,
             label="probability exactly 0 at the correct class (log 0)"),
        case(TINY_Y, 0, label="a confident wrong answer: the correct class gets 1e-9"),
    ],
    generate=_random_ce_case,
    edge_cases=[case(np.array([0.0, 0.3, 0.7]), 0),
                case(np.array([0.0, 0.3, 0.7]), np.array([1, 0, 0])),
                case(ZERO_Y, np.eye(3)[ZERO_T]),
                case(np.array([[0.2, 0.8]]), np.array([1])),
                case(np.full((3, 10), 0.1), np.array([0, 5, 9])),
                case(np.array([[0.0, 0.0, 1.0], [0.0, 0.0, 1.0]]), np.array([0, 1]))],
    tol=FLOAT_TOL,
    batch_size=_batch_of,
    mistakes=known(_ce_no_delta_indices, _ce_no_delta_onehot, _ce_clipped, _ce_sum_over_batch,
                   _ce_mean_of_everything, _ce_divides_by_shape0,
                   _ce_onehot_only, _ce_indices_only),
)


# --------------------------------------------------------------------------- sprint3.sample_batch
@hint("rng.choice(N, batch_size) draws *with* replacement (a sample may come twice): pass "
      "replace=False.")
def _batch_with_replacement(X, t, batch_size, seed):
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(X), batch_size)
    return np.asarray(X)[idx], np.asarray(t)[idx]


@hint("Draw the indices once and use them for both X and t: two draws pair samples with the wrong "
      "labels.")
def _batch_two_draws(X, t, batch_size, seed):
    rng = np.random.default_rng(seed)
    idx_x = rng.choice(len(X), batch_size, replace=False)
    idx_t = rng.choice(len(X), batch_size, replace=False)
    return np.asarray(X)[idx_x], np.asarray(t)[idx_t]


@hint("A mini-batch is a random sample: draw the row indices with rng.choice(N, batch_size, "
      "replace=False), don't take the first rows.")
def _batch_first_rows(X, t, batch_size, seed):
    return np.asarray(X)[:batch_size].copy(), np.asarray(t)[:batch_size].copy()


@hint("Your sampling is valid, but the checker reproduces one exact call: rng = "
      "np.random.default_rng(seed); rng.choice(N, batch_size, replace=False).")
def _batch_permutation(X, t, batch_size, seed):
    rng = np.random.default_rng(seed)
    idx = rng.permutation(len(X))[:batch_size]
    return np.asarray(X)[idx], np.asarray(t)[idx]


@hint("Use the new Generator, rng = np.random.default_rng(seed), and rng.choice(N, batch_size, "
      "replace=False), not the legacy np.random.seed / np.random.choice / RandomState.")
def _batch_legacy_global(X, t, batch_size, seed):
    idx = np.random.RandomState(seed).choice(len(X), batch_size, replace=False)
    return np.asarray(X)[idx], np.asarray(t)[idx]


@hint("This is the book's np.random.choice(train_size, batch_size): the legacy global generator, "
      "drawing *with* replacement. Use rng = np.random.default_rng(seed) and rng.choice(N, "
      "batch_size, replace=False).")
def _batch_book(X, t, batch_size, seed):
    np.random.seed(seed)
    idx = np.random.choice(len(X), batch_size)
    return np.asarray(X)[idx], np.asarray(t)[idx]


SAMPLE_BATCH = Exercise(
    id="sprint3.sample_batch", points=1, module="losses", name="sample_batch",
    title="a random mini-batch",
    examples=[
        case(np.arange(20.0).reshape(10, 2), np.arange(10), 3, 0,
             label="10 samples [2i, 2i + 1] with labels i, a batch of 3, seed 0"),
        case(np.arange(60.0).reshape(15, 4), np.eye(3)[np.arange(15) % 3], 6, 42,
             label="15 samples, one-hot labels, a batch of 6, seed 42"),
        case(np.arange(32.0).reshape(8, 1, 2, 2), np.arange(8) % 2, 8, 7,
             label="8 tiny images (N, 1, 2, 2), a batch of all 8 (a shuffle), seed 7"),
    ],
    generate=_random_batch_case,
    edge_cases=[case(np.arange(5.0), np.arange(5), 1, 3),
                case(np.ones((1, 3)), np.array([2]), 1, 0),
                case(np.arange(100.0).reshape(50, 2), np.arange(50), 50, 123)],
    tol=EXACT,
    mistakes=known(_batch_with_replacement, _batch_two_draws, _batch_first_rows,
                   _batch_permutation, _batch_legacy_global, _batch_book),
)


# --------------------------------------------------------------------------- sprint3.numerical_diff
@hint("That is the forward difference (f(x + h) - f(x)) / h: use the central difference (f(x + h) "
      "- f(x - h)) / (2 * h), whose error is much smaller.")
def _diff_forward(f, x, h=1e-4):
    return float((f(x + h) - f(x)) / h)


@hint("f(x + h) and f(x - h) are 2h apart: divide by (2 * h), not by h.")
def _diff_over_h(f, x, h=1e-4):
    return float((f(x + h) - f(x - h)) / h)


@hint("`/ 2 * h` divides by 2 and then multiplies by h: write / (2 * h).")
def _diff_precedence(f, x, h=1e-4):
    return float((f(x + h) - f(x - h)) / 2 * h)


@hint("Use the step h you are given (the parameter), not a fixed 1e-4.")
def _diff_ignores_h(f, x, h=1e-4):
    return float((f(x + 1e-4) - f(x - 1e-4)) / (2 * 1e-4))


NUMERICAL_DIFF = Exercise(
    id="sprint3.numerical_diff", points=1, module="gradients", name="numerical_diff",
    title="the numerical derivative (central difference)",
    examples=[
        case(Fn("book_1d"), 5.0, label="the book's f(x) = 0.01x² + 0.1x at x = 5"),
        case(Fn("book_1d"), 10.0, label="the book's f(x) = 0.01x² + 0.1x at x = 10"),
        case(Fn("sin_mix"), 1.0, label="sin(x)cos(2x) + 0.1x³ at x = 1"),
        case(Fn("sin_mix"), 1.0, h=0.1, label="sin(x)cos(2x) + 0.1x³ at x = 1, h = 0.1"),
        case(Fn("poly", coef=np.array([1.0, 0.0, -2.0, 1.0])), -1.5,
             label="x³ - 2x + 1 at x = -1.5"),
    ],
    generate=_random_diff_case,
    edge_cases=[case(Fn("book_1d"), 0.0), case(Fn("book_1d"), 5),
                case(Fn("poly", coef=np.array([2.0, -1.0])), -3.0),
                case(Fn("sin_mix"), -2.5, h=1e-3)],
    tol=FLOAT_TOL,
    mistakes=known(_diff_forward, _diff_over_h, _diff_precedence, _diff_ignores_h),
)


# ----------------------------------------------------------------------- sprint3.numerical_gradient
# the forward difference: the second point is x itself, and the gap h
_gradient_forward = rewritten(numerical_gradient, ("x[idx] = tmp - h\n", "x[idx] = tmp\n"),
                              ("(fxh1 - fxh2) / (2 * h)", "(fxh1 - fxh2) / h"),
                              hint="That is the forward difference (f(x + h) - f(x)) / h: use the "
                                   "central difference (f(x + h) - f(x - h)) / (2 * h) for each "
                                   "element.")

# x[idx] is left at tmp - h: every later element is measured off the point
_gradient_not_restored = rewritten(numerical_gradient,
                                   ("x[idx] = tmp                    # restore", "# no restore"),
                                   hint="Restore each element (x[idx] = tmp) after its two "
                                        "evaluations: otherwise the next partial derivatives are "
                                        "taken at a shifted point.")

# one loop over the first axis: a row of a matrix is nudged as a whole, into one number
_gradient_first_axis_only = rewritten(numerical_gradient,
                                      ("for idx in np.ndindex(x.shape):",
                                       "for idx in range(len(x)):"),
                                      ("tmp = x[idx]\n", "tmp = x[idx].copy()\n"),
                                      hint="Your loop visits x[i] along the first axis only; on a "
                                           "matrix x[i] is a whole row. Visit every element: for "
                                           "idx in np.ndindex(x.shape).")


@hint("You moved every element at once and got one number: move one element at a time (the others "
      "fixed) and return an array shaped like x.")
def _gradient_all_at_once(f, x):
    h = 1e-4
    x = np.array(x, dtype=float)
    return (f(x + h) - f(x - h)) / (2 * h)


NUMERICAL_GRADIENT = Exercise(
    id="sprint3.numerical_gradient", points=2, module="gradients", name="numerical_gradient",
    title="the numerical gradient",
    examples=[
        case(Fn("book_2d"), np.array([3.0, 4.0]), label="x0² + x1² at (3, 4), from the text"),
        case(Fn("book_2d"), np.array([0.0, 2.0]), label="x0² + x1² at (0, 2), from the text"),
        case(Fn("book_2d"), np.array([3.0, 0.0]), label="x0² + x1² at (3, 0), from the text"),
        case(Fn("quadratic", A=QUAD_A, c=QUAD_C), QUAD_X,
             label="a quadratic ½xᵀAx + c·x of a 2 × 3 array (A not diagonal)"),
        case(Fn("softmax_cross_entropy", X=SIMPLE_X, t=SIMPLE_T), SIMPLE_W,
             label="the book's simpleNet: the loss as a function of its 2 × 3 weights W"),
    ],
    generate=_random_gradient_case,
    edge_cases=[case(Fn("book_2d"), np.array([3, 4])),
                case(Fn("sum_of_squares"), np.array([-1.5])),
                case(Fn("sin_mix"), np.zeros((2, 2, 2))),
                case(Fn("quadratic", A=QUAD_A, c=QUAD_C.ravel()), QUAD_X.ravel())],
    tol=FLOAT_TOL,
    mistakes=known(_gradient_forward, _gradient_not_restored, _gradient_all_at_once,
                   _gradient_first_axis_only),
)


# ------------------------------------------------------------------------- sprint3.gradient_descent
_descent_without_start = rewritten(
    gradient_descent, ("history = [x.copy()]", "history = []"),
    hint="The history starts with the starting point: history[0] is init_x, so it has "
         "step_num + 1 rows.")

# each point stored before its update: the start is there, the last point is not
_descent_without_end = rewritten(
    gradient_descent, ("history = [x.copy()]", "history = []"),
    ("        x = x - lr * grad\n        history.append(x.copy())\n",
     "        history.append(x.copy())\n        x = x - lr * grad\n"),
    hint="The history also holds the point after the last update: store x after every update, "
         "and init_x before the first (step_num + 1 rows).")

# the history holds the one array x, updated in place: every row is the last point
_descent_history_aliases = rewritten(
    gradient_descent, ("history = [x.copy()]", "history = [x]"),
    ("x = x - lr * grad", "x -= lr * grad"), ("history.append(x.copy())", "history.append(x)"),
    hint="Every row of your history is the same final point: append a copy, "
         "history.append(x.copy()), since x -= ... changes the array in place.")

_descent_ascends = rewritten(
    gradient_descent, ("x = x - lr * grad", "x = x + lr * grad"),
    hint="Step *against* the gradient: x = x - lr * grad (the gradient points uphill).")


GRADIENT_DESCENT = Exercise(
    id="sprint3.gradient_descent", points=2, module="gradients", name="gradient_descent",
    title="gradient descent",
    examples=[
        case(Fn("book_2d"), np.array([-3.0, 4.0]), lr=0.1, step_num=100,
             label="x0² + x1² from (-3, 4), lr = 0.1, 100 steps (from the text)"),
        case(Fn("book_2d"), np.array([-3.0, 4.0]), lr=1e-10, step_num=100,
             label="the same, lr = 1e-10: too small, x hardly moves (from the text)"),
        case(Fn("book_2d"), np.array([-3.0, 4.0]), lr=1.1, step_num=20,
             label="the same, lr = 1.1: too large, every step overshoots and it diverges"),
        case(Fn("race"), np.array([-7.0, 2.0]), lr=0.9, step_num=30,
             label="x²/20 + y² from (-7, 2), lr = 0.9, 30 steps (a zigzag)"),
    ],
    generate=_random_descent_case,
    edge_cases=[case(Fn("book_2d"), np.array([-3.0, 4.0]), lr=0.1, step_num=0),
                case(Fn("book_2d"), np.array([-3.0, 4.0]), lr=0.1, step_num=1),
                case(Fn("sum_of_squares"), np.array([2.0]), lr=0.5, step_num=3),
                case(Fn("race"), np.array([-7, 2]), lr=0.95, step_num=5)],
    tol=FLOAT_TOL,
    mistakes=known(_descent_without_start, _descent_without_end, _descent_history_aliases,
                   _descent_ascends),
)


# --------------------------------------------------------------------------- sprint3.two_layer_net
@hint("The book's TwoLayerNet uses the sigmoid in its hidden layer: z1 = sigmoid(x @ W1 + b1).")
class _NetReluHidden(TwoLayerNet):
    """ReLU in the hidden layer instead of the sigmoid."""

    def predict(self, x):
        p = self.params
        z1 = np.maximum(0, np.asarray(x, dtype=float) @ p["W1"] + p["b1"])
        return softmax(z1 @ p["W2"] + p["b2"])


@hint("Apply the sigmoid between the two layers: without an activation the two layers are one "
      "linear map.")
class _NetNoHiddenActivation(TwoLayerNet):
    """No activation between the two affine layers."""

    def predict(self, x):
        p = self.params
        a1 = np.asarray(x, dtype=float) @ p["W1"] + p["b1"]
        return softmax(a1 @ p["W2"] + p["b2"])


@hint("The output layer of a classifier is softmax (each row sums to 1), not the sigmoid.")
class _NetSigmoidOutput(TwoLayerNet):
    """A sigmoid on the output layer instead of softmax."""

    def predict(self, x):
        p = self.params
        z1 = sigmoid(np.asarray(x, dtype=float) @ p["W1"] + p["b1"])
        return sigmoid(z1 @ p["W2"] + p["b2"])


@hint("The loss of this net is the cross-entropy error: cross_entropy_error(self.predict(x), t).")
class _NetSquaredErrorLoss(TwoLayerNet):
    """The sum of squared errors as the loss."""

    def loss(self, x, t):
        y, t = self.predict(x), np.asarray(t)
        if t.shape != y.shape:
            t = np.eye(y.shape[-1])[t]
        return float(np.mean(0.5 * np.sum((y - t) ** 2, axis=-1)))


TWO_LAYER_NET = Exercise(
    id="sprint3.two_layer_net", points=1, module="numerical_net", name="TwoLayerNet",
    title="a two-layer net: predict, loss, accuracy",
    examples=[
        *_net_examples("forward"),
        _net_case(NET_X[:, :1] * 3, NET_T % 2, "TwoLayerNet(1, 3, 2), weights std 2",
                  "forward", sizes=(1, 3, 2), std=2.0, seed=5),
    ],
    generate=lambda rng: _random_net_case(rng, "forward"),
    edge_cases=_net_edge_cases("forward"),
    tol=FLOAT_TOL,
    mistakes=known(_NetReluHidden, _NetNoHiddenActivation, _NetSigmoidOutput,
                   _NetSquaredErrorLoss),
)


# ------------------------------------------------------------------- sprint3.two_layer_net_gradient
@hint("All your gradients are 0: the function you give numerical_gradient ignores its argument "
      "(lambda W: self.loss(x, t)), and your numerical_gradient moves a copy. Compute the loss "
      "with the argument in place of the parameter (and restore the parameter afterwards).")
class _NetGradientIgnoresItsArgument(TwoLayerNet):
    """The book's ``lambda W: self.loss(x, t)`` with a numerical_gradient that copies."""

    def numerical_gradient(self, x, t):
        def loss_w(W):
            return self.loss(x, t)

        return {key: numerical_gradient(loss_w, self.params[key]) for key in self.params}


TWO_LAYER_NET_GRADIENT = Exercise(
    id="sprint3.two_layer_net_gradient", points=2, module="numerical_net", name="TwoLayerNet",
    title="the two-layer net's numerical gradient",
    examples=_net_examples("gradient"),
    generate=lambda rng: _random_net_case(rng, "gradient"),
    n_public=2,
    edge_cases=_net_edge_cases("gradient"),
    tol=FLOAT_TOL,
    mistakes=known(_NetGradientIgnoresItsArgument),
)


# --------------------------------------------------------------------------- exercises
EXERCISES = numbered([
    SUM_SQUARED_ERROR, CROSS_ENTROPY_ERROR, SAMPLE_BATCH, NUMERICAL_DIFF, NUMERICAL_GRADIENT,
    GRADIENT_DESCENT, TWO_LAYER_NET, TWO_LAYER_NET_GRADIENT,
])
