r"""Sprint 3: loss functions (損失関数) and mini-batches (ミニバッチ).

A network learns by searching for the weights that make a **loss function** (損失関数) small:
one number that says how bad the network's outputs ``y`` are compared with the correct
answers ``t`` (the teacher data, 教師データ). Two losses are classics:

* the sum of squared errors (2乗和誤差), :math:`E = \frac{1}{2}\sum_k (y_k - t_k)^2`;
* the cross-entropy error (交差エントロピー誤差), :math:`E = -\sum_k t_k \log y_k`.

Shapes used throughout: ``y`` is one sample ``(C,)`` or a batch ``(N, C)`` (one sample per
row, ``C`` classes or output values). The correct answers ``t`` come either **one-hot**
(one-hot 表現, the same shape as ``y``: 1 at the correct class, 0 elsewhere) or as **class
indices** (正解ラベルのインデックス: one integer per sample, shape ``()`` for one sample or
``(N,)`` for a batch). For a batch, a loss is the **average** over the samples, so that its
size does not depend on the batch size.

Training on all the data at every step is slow; **mini-batch learning** (ミニバッチ学習)
estimates the loss on a small random sample of the training data instead
(:func:`sample_batch`).
"""
import numpy as np

#: The small number added inside the logarithm of the cross-entropy: log(0) is -inf.
DELTA = 1e-7


def sum_squared_error(y, t):
    r"""The sum of squared errors (2乗和誤差), averaged over the batch.

    .. math:: E = \frac{1}{2} \sum_k (y_k - t_k)^2

    for one sample; for a batch of N samples the mean of the N per-sample errors,
    :math:`E = \frac{1}{N} \sum_n \frac{1}{2} \sum_k (y_{nk} - t_{nk})^2`.

    Parameters
    ----------
    y : ndarray, shape (C,) for one sample or (N, C) for a batch: the network's outputs
    t : the correct answers, either an array of the same shape as ``y`` (one-hot labels, or
        target values for regression), or class indices: an integer for one sample, an
        integer array (N,) for a batch. Indices mean one-hot labels: index 2 of 10 classes
        is ``[0, 0, 1, 0, 0, 0, 0, 0, 0, 0]``.

    Returns
    -------
    float

    Example (the book's: the correct class is 2, the network gives it probability 0.6)
    -------
    >>> y = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
    >>> t = np.array([0, 0, 1, 0, 0, 0, 0, 0, 0, 0])
    >>> round(sum_squared_error(y, t), 6)
    0.0975
    >>> round(sum_squared_error(y, 2), 6)          # the same label as a class index
    0.0975
    >>> round(sum_squared_error(np.array([y, y]), np.array([2, 7])), 6)   # a batch of 2
    0.3475

    Hint: tell the two kinds of labels apart by shape: ``t.shape == y.shape`` is one-hot;
    otherwise ``t`` holds indices and ``np.eye(C)[t]`` turns them into one-hot rows. For one
    sample ``y.shape[0]`` is the number of classes, not a batch size: divide by N only for a
    batch (``y.ndim == 2``).
    """
    ### BEGIN SOLUTION
    y = np.asarray(y, dtype=float)
    t = np.asarray(t)
    if t.shape != y.shape:                       # class indices -> one-hot
        t = np.eye(y.shape[-1])[t]
    per_sample = 0.5 * np.sum((y - t) ** 2, axis=-1)
    return float(np.mean(per_sample))
    ### END SOLUTION


def cross_entropy_error(y, t):
    r"""The cross-entropy error (交差エントロピー誤差), averaged over the batch.

    .. math:: E = -\sum_k t_k \log(y_k + \delta), \qquad \delta = 10^{-7}

    for one sample (``log`` is the natural logarithm, 自然対数). With one-hot labels only the
    correct class ``c`` counts: :math:`E = -\log(y_c + \delta)`, small when the network gives
    the correct class a probability near 1, large when near 0. For a batch of N samples,
    :math:`E = -\frac{1}{N} \sum_n \sum_k t_{nk} \log(y_{nk} + \delta)`.

    **Safe at log 0.** ``np.log(0)`` is ``-inf`` (and ``0 * -inf`` is ``nan``): add the small
    ``delta = 1e-7`` inside the logarithm, ``np.log(y + 1e-7)``, as the book does. (Clipping,
    ``np.log(np.maximum(y, 1e-7))``, is also safe but gives different numbers for tiny
    probabilities: the checker expects ``y + 1e-7``.) A probability of exactly 0 at the
    correct class then costs ``-log(1e-7) ≈ 16.12``, not infinity.

    Parameters
    ----------
    y : ndarray, shape (C,) for one sample or (N, C) for a batch: probabilities (the softmax
        output), each row summing to 1; some may be exactly 0
    t : the correct classes, one-hot (the same shape as ``y``) or class indices (an integer
        for one sample, an integer array (N,) for a batch)

    Returns
    -------
    float

    Example (the book's: the correct class is 2)
    -------
    >>> y = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
    >>> t = np.array([0, 0, 1, 0, 0, 0, 0, 0, 0, 0])
    >>> round(cross_entropy_error(y, t), 4)
    0.5108
    >>> round(cross_entropy_error(y, 2), 4)        # the same label as a class index
    0.5108
    >>> round(cross_entropy_error(y, 7), 4)        # the network says class 2, the answer is 7
    2.3026
    >>> round(cross_entropy_error(np.array([y, y]), np.array([2, 7])), 4)   # their mean
    1.4067

    Hint: for a batch, pick each row's probability of its correct class with
    ``y[np.arange(N), t]`` (indices), or multiply by the one-hot ``t`` and sum. Turn one
    sample into a batch of one first (``y.reshape(1, -1)``), so the same code handles both.
    """
    ### BEGIN SOLUTION
    y = np.asarray(y, dtype=float)
    t = np.asarray(t)
    if y.ndim == 1:                              # one sample -> a batch of one
        t = t.reshape(1, -1) if t.shape == y.shape else t.reshape(1)
        y = y.reshape(1, -1)
    n = y.shape[0]
    if t.shape == y.shape:                       # one-hot labels
        return float(-np.sum(t * np.log(y + DELTA)) / n)
    return float(-np.sum(np.log(y[np.arange(n), t] + DELTA)) / n)
    ### END SOLUTION


def sample_batch(X, t, batch_size, seed):
    r"""A random mini-batch (ミニバッチ) of ``batch_size`` samples, drawn without replacement.

    Mini-batch learning (ミニバッチ学習) estimates the loss of the whole training set from a
    few samples chosen at random, like an opinion poll estimates a country from 1 000 people.
    Draw the row indices with NumPy's random ``Generator``, **exactly** like this (so that the
    checker, drawing with the same seed, expects the same rows)::

        rng = np.random.default_rng(seed)
        idx = rng.choice(N, batch_size, replace=False)    # N = len(X)

    then return the rows ``idx`` of ``X`` *and* the same rows of ``t``.

    ``np.random.default_rng(seed)`` accepts an integer seed, or a ``Generator`` that it
    returns unchanged: a training loop passes one ``Generator`` and gets a new batch at every
    call, a test passes an integer and gets the same batch every time.

    Parameters
    ----------
    X : ndarray, shape (N, ...): N samples (one per row; images ``(N, C, H, W)`` too)
    t : ndarray, shape (N,) or (N, C): their labels (indices or one-hot)
    batch_size : int, 1 <= batch_size <= N
    seed : int or np.random.Generator

    Returns
    -------
    (X_batch, t_batch) : a tuple of ndarrays, shapes (batch_size, ...) and (batch_size,) or
    (batch_size, C), new arrays (the inputs are not modified)

    Example
    -------
    >>> X = np.arange(20.0).reshape(10, 2)         # sample i is [2i, 2i + 1]
    >>> t = np.arange(10)                          # sample i has label i
    >>> xb, tb = sample_batch(X, t, 3, seed=0)
    >>> xb.shape, tb.shape
    ((3, 2), (3,))
    >>> bool(np.all(xb[:, 0] == 2 * tb))           # rows and labels still belong together
    True

    Hint: ``replace=False`` matters (``rng.choice`` draws *with* replacement by default), and
    draw the indices once: two draws would pair samples with the wrong labels.
    """
    ### BEGIN SOLUTION
    X, t = np.asarray(X), np.asarray(t)
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(X), batch_size, replace=False)
    return X[idx], t[idx]
    ### END SOLUTION
