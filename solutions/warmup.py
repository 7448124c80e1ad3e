"""Sprint 0: a NumPy warm-up (NumPy準備運動).

Everything in this course is NumPy arrays (配列). Three ideas carry the whole course:

* **shape** (形状): ``X.shape == (N, D)`` means N rows (samples, サンプル) of D columns
  (features, 特徴量). Read the shape of every array you make; most bugs are shape bugs.
* **broadcasting** (ブロードキャスト): ``X + b`` with ``X: (N, D)`` and ``b: (D,)`` adds ``b``
  to every row. NumPy lines the shapes up *from the right* and stretches axes of length 1
  (or missing on the left) to match.
* **the matrix product** (行列の積): ``X @ W`` with ``X: (N, D)`` and ``W: (D, M)`` gives
  ``(N, M)``. The inner lengths must agree (D and D); the outer ones are what is left.

Each function below is one line or two of NumPy: no Python loop (``for``) is needed.
"""
import numpy as np


def as_column(v):
    """Turn a vector of shape ``(D,)`` into a column of shape ``(D, 1)``.

    A 1-D array (1次元配列) has a single axis (軸): it is neither a row nor a column, and
    ``v.T`` gives it back unchanged. To make it a column, give it a second axis of length 1
    with ``v.reshape(-1, 1)`` (``-1`` means "as many as needed") or ``v[:, np.newaxis]``.

    Parameters
    ----------
    v : ndarray, shape (D,), ints or floats (D may be 0: an empty vector gives shape (0, 1))

    Returns
    -------
    ndarray, shape (D, 1): the same values, one per row

    Example
    -------
    >>> v = np.array([1.0, 2.0, 3.0])
    >>> v.shape
    (3,)
    >>> as_column(v)
    array([[1.],
           [2.],
           [3.]])
    >>> as_column(v).shape
    (3, 1)

    Hint: ``v.reshape(1, -1)`` would make a *row*, shape ``(1, D)``: the ``-1`` goes first.
    """
    ### BEGIN SOLUTION
    return np.asarray(v).reshape(-1, 1)
    ### END SOLUTION


def add_bias(X, b):
    """Add the bias (バイアス) ``b`` to every row of ``X``, by broadcasting (ブロードキャスト).

    ``X`` holds N samples of D features; ``b`` holds one number per feature (per column)::

        out[n, d] = X[n, d] + b[d]

    NumPy lines the shapes up from the right, ``(N, D)`` against ``(D,)``, and repeats ``b``
    down the N rows for you: ``X + b`` is the whole answer. Build a new array; do not change
    ``X`` itself (``X += b`` would overwrite the caller's data).

    Parameters
    ----------
    X : ndarray, shape (N, D), ints or floats (integer X plus float b gives floats)
    b : ndarray, shape (D,)

    Returns
    -------
    ndarray, shape (N, D)

    Example
    -------
    >>> X = np.array([[1.0, 2.0, 3.0],
    ...               [4.0, 5.0, 6.0]])
    >>> add_bias(X, np.array([10.0, 20.0, 30.0]))
    array([[11., 22., 33.],
           [14., 25., 36.]])

    Hint: ``b`` goes along the *columns*. If you turn it into a column first
    (``b[:, None]``, shape ``(D, 1)``), NumPy adds it down the rows instead.
    """
    ### BEGIN SOLUTION
    return X + b
    ### END SOLUTION


def affine(X, W, b):
    """The affine map (アフィン変換) of a layer: ``X @ W + b``.

    Each of the N input rows (D features) becomes an output row of M values::

        out[n, m] = sum_d X[n, d] * W[d, m] + b[m]

    Shapes: ``X: (N, D)`` @ ``W: (D, M)`` -> ``(N, M)``; the inner lengths (D and D) must
    agree and disappear, the outer ones (N and M) remain. Then ``+ b`` with ``b: (M,)``
    broadcasts over the N rows, as in :func:`add_bias`.

    Parameters
    ----------
    X : ndarray, shape (N, D)   inputs, one sample per row
    W : ndarray, shape (D, M)   weights (重み)
    b : ndarray, shape (M,)     bias (バイアス)
    (ints or floats, all three)

    Returns
    -------
    ndarray, shape (N, M)

    Example
    -------
    >>> X = np.array([[1.0, 2.0, 3.0],
    ...               [0.0, 1.0, 0.0]])                 # (2, 3): N=2, D=3
    >>> W = np.array([[1.0, 0.0],
    ...               [0.0, 1.0],
    ...               [1.0, 1.0]])                      # (3, 2): D=3, M=2
    >>> affine(X, W, np.array([0.5, -0.5]))             # (2, 3) @ (3, 2) -> (2, 2)
    array([[4.5, 4.5],
           [0.5, 0.5]])

    Hint: the order matters in a matrix product (行列の積): ``X @ W``, not ``W @ X``.
    ``*`` multiplies element by element; it is not the matrix product.
    """
    ### BEGIN SOLUTION
    return X @ W + b
    ### END SOLUTION


def row_means(X):
    """The mean (平均) of each row of ``X``, kept as a column of shape ``(N, 1)``.

    ``axis`` (軸) names the axis that is averaged *away*: ``axis=1`` runs along each row (over
    the D columns) and leaves one number per row. ``keepdims=True`` keeps that axis with
    length 1, so the result has shape ``(N, 1)`` rather than ``(N,)`` and broadcasts back
    against ``X`` (``X - row_means(X)`` subtracts each row's own mean).

    =====================================  =========  ==========================
    call                                   shape      what it is
    =====================================  =========  ==========================
    ``X.mean()``                           ``()``     one mean of all values
    ``X.mean(axis=0)``                     ``(D,)``   one mean per column
    ``X.mean(axis=1)``                     ``(N,)``   one mean per row, flat
    ``X.mean(axis=1, keepdims=True)``      ``(N, 1)`` one mean per row, a column
    =====================================  =========  ==========================

    Parameters
    ----------
    X : ndarray, shape (N, D), ints or floats

    Returns
    -------
    ndarray, shape (N, 1)

    Example
    -------
    >>> X = np.array([[1.0, 2.0, 3.0],
    ...               [4.0, 6.0, 8.0]])
    >>> row_means(X)
    array([[2.],
           [6.]])
    """
    ### BEGIN SOLUTION
    return np.mean(X, axis=1, keepdims=True)
    ### END SOLUTION


def normalize_rows(X):
    """Scale each row of ``X`` so that it sums to 1 (正規化, normalisation).

    ::

        out[n, d] = X[n, d] / (X[n, 0] + X[n, 1] + ... + X[n, D-1])

    The row sums ``X.sum(axis=1, keepdims=True)`` have shape ``(N, 1)``, and ``(N, D) / (N, 1)``
    divides every value by the sum of *its own row*. This is the pattern of softmax in
    sprint 2. The entries of ``X`` are non-negative and every row sum is positive. Return a
    new float array; do not change ``X``.

    Parameters
    ----------
    X : ndarray, shape (N, D), non-negative, every row sum > 0 (ints or floats)

    Returns
    -------
    ndarray of floats, shape (N, D), each row sums to 1

    Example
    -------
    >>> normalize_rows(np.array([[1.0, 1.0, 2.0],
    ...                          [0.0, 3.0, 1.0]]))
    array([[0.25, 0.25, 0.5 ],
           [0.  , 0.75, 0.25]])

    Hint: without ``keepdims=True`` the sums have shape ``(N,)``, which NumPy lines up with
    the *columns* of ``X``: an error for most shapes, and wrong numbers when N == D.
    """
    ### BEGIN SOLUTION
    return X / np.sum(X, axis=1, keepdims=True)
    ### END SOLUTION
