"""Sprint 0 (NumPy warm-up): implementations a learner could write."""
import numpy as np

from autograder.exercises.sprint0 import _affine_w_at_x, _affine_without_bias

from . import correct, mistake


# --------------------------------------------------------------------------- as_column
@correct("sprint0.as_column")
def as_column_newaxis(v):
    return v[:, np.newaxis]


@correct("sprint0.as_column")
def as_column_reshape_len(v):
    return np.reshape(v, (len(v), 1))


@correct("sprint0.as_column")
def as_column_expand_dims(v):
    return np.expand_dims(v, axis=1)


@mistake("sprint0.as_column", hint="You made a row")
def as_column_row(v):
    return v.reshape(1, -1)


@mistake("sprint0.as_column", hint="`.T` of a 1-D array")
def as_column_transpose(v):
    return v.T


@mistake("sprint0.as_column")
def as_column_atleast_2d_transposed_wrong(v):
    return np.atleast_2d(v)


# --------------------------------------------------------------------------- add_bias
@correct("sprint0.add_bias")
def add_bias_add(X, b):
    return np.add(X, b)


@correct("sprint0.add_bias")
def add_bias_loop(X, b):
    out = np.zeros(X.shape, dtype=np.result_type(X, b))
    for n in range(X.shape[0]):
        out[n] = X[n] + b
    return out


@correct("sprint0.add_bias")
def add_bias_row(X, b):
    return X + b.reshape(1, -1)


@mistake("sprint0.add_bias", hint="b was added down the rows")
def add_bias_column(X, b):
    return X + b[:, None]


@mistake("sprint0.add_bias")
def add_bias_in_place(X, b):
    X += b
    return X


@mistake("sprint0.add_bias")
def add_bias_copy_then_add(X, b):
    # The docstring allows integer X: `out += b` cannot cast the float sum back to ints.
    out = X.copy()
    out += b
    return out


# --------------------------------------------------------------------------- affine
@correct("sprint0.affine")
def affine_dot(X, W, b):
    return np.dot(X, W) + b


@correct("sprint0.affine")
def affine_einsum(X, W, b):
    return np.einsum("nd,dm->nm", X, W) + b


@correct("sprint0.affine")
def affine_row_by_row(X, W, b):
    # one sample at a time: each row of X times W (tests/test_sprint0_warmup.py has the
    # three loops over n, m and d)
    return np.array([x_n @ W + b for x_n in X]).reshape(len(X), W.shape[1])


mistake("sprint0.affine", hint="add the bias")(_affine_without_bias)


mistake("sprint0.affine", hint="You computed W @ X")(_affine_w_at_x)


@mistake("sprint0.affine")
def affine_bias_as_column(X, W, b):
    return X @ W + b.reshape(-1, 1)


# --------------------------------------------------------------------------- row_means
@correct("sprint0.row_means")
def row_means_sum_over_d(X):
    return X.sum(axis=1, keepdims=True) / X.shape[1]


@correct("sprint0.row_means")
def row_means_reshape(X):
    return X.mean(axis=1).reshape(-1, 1)


@correct("sprint0.row_means")
def row_means_loop(X):
    return np.array([[sum(row) / len(row)] for row in X.tolist()])


@mistake("sprint0.row_means", hint="keepdims=True")
def row_means_flat(X):
    return X.mean(axis=1)


@mistake("sprint0.row_means", hint="averaged over axis 0")
def row_means_axis0(X):
    return X.mean(axis=0, keepdims=True)


@mistake("sprint0.row_means", hint="row sums")
def row_means_sums(X):
    return X.sum(axis=1, keepdims=True)


# --------------------------------------------------------------------------- normalize_rows
@correct("sprint0.normalize_rows")
def normalize_rows_divide(X):
    return np.divide(X, X.sum(axis=1)[:, None])


@correct("sprint0.normalize_rows")
def normalize_rows_loop(X):
    out = np.zeros(X.shape)
    for i, row in enumerate(X):
        out[i] = row / row.sum()
    return out


@correct("sprint0.normalize_rows")
def normalize_rows_float32_safe(X):
    X = X.astype(float)
    return X / X.sum(axis=1, keepdims=True)


@mistake("sprint0.normalize_rows", hint="Your columns sum to 1")
def normalize_rows_columns(X):
    return X / X.sum(axis=0, keepdims=True)


@mistake("sprint0.normalize_rows", hint="sum of all values")
def normalize_rows_total(X):
    return X / X.sum()


@mistake("sprint0.normalize_rows")
def normalize_rows_in_place(X):
    # Integer X (allowed) cannot hold the fractions; float X is overwritten.
    X /= X.sum(axis=1, keepdims=True)
    return X
