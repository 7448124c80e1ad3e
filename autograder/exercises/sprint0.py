"""Sprint 0, start here: NumPy warm-up exercises, cases and known mistakes.

Several worked examples are *square* (N == D, or N == D == M) on purpose: there a mistake
that raises a shape error on most inputs (``W @ X``, sums without ``keepdims``, a bias
broadcast down the wrong axis) runs and returns wrong numbers of the right shape, which is
exactly when a learner needs the hint. On the other shapes the generic shape messages of
``compare`` explain what happened.
"""
import numpy as np

from ..learner.compare import Tolerance
from ..learner.registry import Case, Exercise, case
from . import hint, known, numbered

EXACT = Tolerance(rtol=0, atol=0)
CLOSE = Tolerance(rtol=1e-9, atol=1e-12)


def _size(rng, low=1, high=7):
    return int(rng.integers(low, high))


# --------------------------------------------------------------------------- generators
def _gen_vector(rng: np.random.Generator) -> Case:
    v = np.round(rng.normal(size=_size(rng, 1, 10)) * 5, 2)
    return case(v, label=f"random v {v.shape}")


def _gen_bias(rng: np.random.Generator) -> Case:
    n, d = _size(rng), _size(rng)
    return case(rng.normal(size=(n, d)), rng.normal(size=d) * 3,
                label=f"random X ({n}, {d}), b ({d},)")


def _gen_affine(rng: np.random.Generator) -> Case:
    n, d, m = _size(rng), _size(rng), _size(rng)
    return case(rng.normal(size=(n, d)), rng.normal(size=(d, m)), rng.normal(size=m),
                label=f"random X ({n}, {d}), W ({d}, {m}), b ({m},)")


def _gen_rows(rng: np.random.Generator) -> Case:
    X = rng.normal(loc=rng.normal() * 5, scale=3, size=(_size(rng), _size(rng, 1, 8)))
    return case(X, label=f"random X {X.shape}")


def _gen_positive_rows(rng: np.random.Generator) -> Case:
    shape = (_size(rng), _size(rng, 1, 8))
    if rng.random() < 0.3:  # ints: the answer is still floats
        return case(rng.integers(1, 10, size=shape), label=f"random integer X {shape}")
    return case(rng.uniform(0.1, 5.0, size=shape), label=f"random X {shape}")


# ----------------------------------------------------------------------- shared by the declarations
SQUARE_X = np.array([[1.0, 2.0, 3.0],
                     [4.0, 5.0, 6.0],
                     [7.0, 8.0, 9.0]])


def _row_examples(text_x):
    """The public cases of a row-wise exercise: the text's X (2, 3), then a square X, where a
    result of shape (N,) broadcasts against the columns without an error."""
    return [case(text_x, label="X (2, 3) from the text"), case(SQUARE_X, label="a square X (3, 3)")]


# --------------------------------------------------------------------------- sprint0.as_column
@hint("You made a row, shape (1, D). A column has shape (D, 1): `v.reshape(-1, 1)` (the -1 goes "
      "first) or `v[:, np.newaxis]`.")
def _as_row(v):
    return np.asarray(v).reshape(1, -1)


@hint("`.T` of a 1-D array does nothing: a (D,) array has only one axis to transpose. Add the "
      "second axis with `v.reshape(-1, 1)` or `v[:, np.newaxis]`.")
def _as_column_by_transpose(v):
    return np.asarray(v).T


AS_COLUMN = Exercise(
    id="sprint0.as_column", points=1, module="warmup", name="as_column",
    title="a vector as a column",
    examples=[case(np.array([1.0, 2.0, 3.0]),
                   label="as_column([1.0, 2.0, 3.0]) from the text")],
    generate=_gen_vector,
    edge_cases=[case(np.array([7.5]), label="one value"),
                case(np.zeros(0), label="an empty vector"),
                case(np.arange(6), label="integers"),
                case(np.arange(10.0)[::2], label="a strided view")],
    tol=EXACT,
    mistakes=known(_as_row, _as_column_by_transpose),
)


# --------------------------------------------------------------------------- sprint0.add_bias
@hint("b was added down the rows (b[0] to row 0, b[1] to row 1, ...). It has one value per "
      "*column*: `X + b` with b of shape (D,) lines up with the last axis by itself; do not turn b "
      "into a column.")
def _bias_down_the_rows(X, b):
    return X + b[:, np.newaxis]


ADD_BIAS = Exercise(
    id="sprint0.add_bias", points=1, module="warmup", name="add_bias",
    title="add a bias by broadcasting",
    examples=[
        case(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), np.array([10.0, 20.0, 30.0]),
             label="X (2, 3) + b (3,) from the text"),
        case(SQUARE_X, np.array([100.0, 200.0, 300.0]), label="a square X (3, 3)"),
    ],
    generate=_gen_bias,
    edge_cases=[case(np.array([[1.5, -2.0, 0.25]]), np.array([1.0, 1.0, 1.0]), label="N = 1"),
                case(np.arange(5.0).reshape(5, 1), np.array([-3.0]), label="D = 1"),
                case(np.arange(12).reshape(4, 3), np.array([0.5, 0.25, 0.125]),
                     label="integer X, float b"),
                case(np.ones((2, 2)), np.zeros(2), label="b = 0")],
    tol=EXACT,
    mistakes=known(_bias_down_the_rows),
)


# --------------------------------------------------------------------------- sprint0.affine
@hint("You returned X @ W: add the bias b (shape (M,)), `X @ W + b`.")
def _affine_without_bias(X, W, b):
    return X @ W


@hint("You computed W @ X. The order matters in a matrix product (行列の積): (N, D) @ (D, M) -> "
      "(N, M) is `X @ W`. W @ X only runs here because the matrices are square, and gives other "
      "numbers.")
def _affine_w_at_x(X, W, b):
    return W @ X + b


@hint("`*` multiplies element by element (it only ran because the shapes happen to match). The "
      "matrix product is `X @ W` (or `np.dot(X, W)`).")
def _affine_elementwise(X, W, b):
    return X * W + b


AFFINE = Exercise(
    id="sprint0.affine", points=1, module="warmup", name="affine",
    title="the affine map X @ W + b",
    examples=[
        case(np.array([[1.0, 2.0, 3.0], [0.0, 1.0, 0.0]]),
             np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), np.array([0.5, -0.5]),
             label="X (2, 3) @ W (3, 2) + b (2,) from the text"),
        case(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[0.0, 1.0], [2.0, 3.0]]),
             np.array([10.0, 20.0]), label="square X (2, 2) and W (2, 2)"),
    ],
    generate=_gen_affine,
    edge_cases=[case(np.array([[2.0, -1.0, 0.5]]), np.ones((3, 4)), np.arange(4.0),
                     label="N = 1"),
                case(np.arange(4.0).reshape(4, 1), np.array([[2.0, -1.0, 3.0]]),
                     np.zeros(3), label="D = 1"),
                case(np.arange(6.0).reshape(3, 2), np.array([[1.0], [-1.0]]),
                     np.array([0.5]), label="M = 1"),
                case(np.arange(6).reshape(2, 3), np.arange(12).reshape(3, 4),
                     np.arange(4), label="integers")],
    tol=Tolerance(rtol=1e-9, atol=1e-9),
    mistakes=known(_affine_without_bias, _affine_w_at_x, _affine_elementwise),
)


# --------------------------------------------------------------------------- sprint0.row_means
@hint("Right numbers, flat shape (N,): pass `keepdims=True` to keep the averaged axis as length 1, "
      "so the result is a column (N, 1).")
def _row_means_flat(X):
    return np.mean(X, axis=1)


@hint("You averaged over axis 0, down the columns (one mean per column). One mean per row is "
      "`axis=1`, with `keepdims=True`.")
def _column_means(X):
    return np.mean(X, axis=0)


@hint("You averaged over axis 0, down the columns: shape (1, D). One mean per row is `axis=1` "
      "(keep `keepdims=True`).")
def _column_means_keepdims(X):
    return np.mean(X, axis=0, keepdims=True)


@hint("With no `axis`, mean averages all N × D values into one number. Use `axis=1, keepdims=True` "
      "for one mean per row.")
def _mean_of_everything(X):
    return np.mean(X)


@hint("These are the row sums: divide by the number of columns, X.shape[1], or use `np.mean` "
      "instead of `np.sum`.")
def _row_sums(X):
    return np.sum(X, axis=1, keepdims=True)


ROW_MEANS = Exercise(
    id="sprint0.row_means", points=1, module="warmup", name="row_means",
    title="row means with keepdims",
    examples=_row_examples(np.array([[1.0, 2.0, 3.0], [4.0, 6.0, 8.0]])),
    generate=_gen_rows,
    edge_cases=[case(np.array([[3.0], [-1.0], [2.5]]), label="D = 1"),
                case(np.array([[1.0, 2.0, 3.0, 4.0]]), label="N = 1"),
                case(np.array([[1e8 + 1, 1e8 + 2], [-1e8, 1e8]]), label="large values"),
                case(np.arange(12).reshape(3, 4), label="integers")],
    tol=CLOSE,
    mistakes=known(_row_means_flat, _column_means, _column_means_keepdims, _mean_of_everything,
                   _row_sums),
)


# --------------------------------------------------------------------------- sprint0.normalize_rows
@hint("The row sums lost their axis: shape (N,) lines up with the *columns* of X, so each column "
      "was divided by a different row's sum (it only ran because N == D). Use `X.sum(axis=1, "
      "keepdims=True)`, shape (N, 1).")
def _normalize_without_keepdims(X):
    return X / np.sum(X, axis=1)


@hint("Your columns sum to 1, not your rows: sum over `axis=1` (along each row), with "
      "`keepdims=True`.")
def _normalize_columns(X):
    return X / np.sum(X, axis=0, keepdims=True)


@hint("You divided by the sum of all values, so the whole array sums to 1. Each row needs its own "
      "sum: `X.sum(axis=1, keepdims=True)`.")
def _normalize_by_total(X):
    return X / np.sum(X)


NORMALIZE_ROWS = Exercise(
    id="sprint0.normalize_rows", points=1, module="warmup", name="normalize_rows",
    title="rows that sum to 1",
    examples=_row_examples(np.array([[1.0, 1.0, 2.0], [0.0, 3.0, 1.0]])),
    generate=_gen_positive_rows,
    edge_cases=[case(np.array([[4.0], [0.5]]), label="D = 1"),
                case(np.array([[0.0, 0.0, 2.0, 0.0]]), label="one non-zero value"),
                case(np.array([[1, 3], [2, 2], [5, 0]]), label="integers"),
                case(np.array([[1e-300, 3e-300], [1e300, 1e300]]), label="tiny and huge")],
    tol=CLOSE,
    mistakes=known(_normalize_without_keepdims, _normalize_columns, _normalize_by_total),
)


# --------------------------------------------------------------------------- exercises
EXERCISES = numbered([
    AS_COLUMN, ADD_BIAS, AFFINE, ROW_MEANS, NORMALIZE_ROWS,
])
