r"""Sprint 9: batch normalization (バッチ正規化, Ioffe & Szegedy 2015).

A deep network trains well when the activations of every layer keep a moderate spread (sprint 6's
histograms). Initial weights give them that spread *at the start*; batch normalization enforces
it *all the time*: it normalizes each feature over the mini-batch to mean 0 and variance 1, then
lets the network choose the scale and shift it wants, ``γ`` and ``β`` (two learned parameters
per feature).

Training uses the statistics of the current mini-batch; inference (推論) has no batch to speak
of (one image at a time, and an answer must not depend on the other images), so the layer keeps
**running averages** (移動平均) of the batch statistics during training and uses them at
inference.

Images ``(N, C, H, W)`` are normalized per *channel*, over the batch and every position
(N·H·W values per channel), as PyTorch's ``BatchNorm2d``: a channel is one filter's feature map,
and the same filter at every position should be treated alike. The given functions
:func:`to_rows` and :func:`from_rows` turn images into rows ``(N·H·W, C)`` and back, so the layer
itself only ever normalizes the columns of a matrix.
"""
import numpy as np


def _as_float_array(x):
    """``x`` as a float array: float arrays keep their dtype, anything else becomes float64."""
    x = np.asarray(x)
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def to_rows(x):
    """``(N, D)`` stays as it is; images ``(N, C, H, W)`` become rows ``(N·H·W, C)``.

    After this every column is one feature (one channel) and every row one value of it.

    >>> to_rows(np.arange(8.0).reshape(1, 2, 2, 2))       # channel 0: 0..3, channel 1: 4..7
    array([[0., 4.],
           [1., 5.],
           [2., 6.],
           [3., 7.]])
    """
    if x.ndim == 2:
        return x
    if x.ndim != 4:
        raise ValueError(f"batch normalization takes (N, D) or (N, C, H, W), got {x.shape}")
    N, C, H, W = x.shape
    return x.transpose(0, 2, 3, 1).reshape(N * H * W, C)


def from_rows(rows, shape):
    """The inverse of :func:`to_rows`: rows back to ``shape`` (``(N, D)`` or ``(N, C, H, W)``)."""
    if len(shape) == 2:
        return rows
    N, C, H, W = shape
    return rows.reshape(N, H, W, C).transpose(0, 3, 1, 2)


class BatchNormalization:
    r"""The batch normalization layer (バッチ正規化レイヤ, Batch Norm).

    For a mini-batch of ``N`` rows ``x: (N, D)`` (images: the rows of ``to_rows(x)``),
    feature by feature (column by column):

    .. math::

        \mu_B = \frac{1}{N}\sum_i x_i, \qquad
        \sigma_B^2 = \frac{1}{N}\sum_i (x_i - \mu_B)^2, \qquad
        \hat x_i = \frac{x_i - \mu_B}{\sqrt{\sigma_B^2 + \varepsilon}}, \qquad
        y_i = \gamma\,\hat x_i + \beta

    The variance divides by ``N`` (``np.var``'s default, ``ddof=0``), not ``N - 1``.

    ``forward(x, train_flg=True)``:

    * training: normalize with ``μ_B`` and ``σ_B²`` of this batch, and update the running
      averages (移動平均) ``running = momentum · running + (1 − momentum) · batch`` for the mean
      and for the variance;
    * inference (``train_flg=False``): normalize with ``running_mean`` and ``running_var``
      instead; nothing is updated.

    ``backward(dout)`` stores ``dgamma = Σ_i dout_i · x̂_i`` and ``dbeta = Σ_i dout_i`` (shapes
    of ``γ`` and ``β``) and returns ``dx`` of the input's shape. After a training forward pass
    every ``x_i`` also moved ``μ_B`` and ``σ_B``, which gives the simplified form
    (``g = γ · dout``, means over the batch)

    .. math::

        dx_i = \frac{1}{\sqrt{\sigma_B^2 + \varepsilon}}
               \Bigl(g_i - \overline{g} - \hat x_i\, \overline{g\,\hat x}\Bigr)

    After an inference forward pass the statistics are constants and the layer is a plain
    scale, ``dx = γ · dout / sqrt(running_var + ε)``.

    Parameters
    ----------
    gamma, beta : ndarray (D,) (images: (C,)), the learned scale and shift, kept as given
        (an optimizer updating them in place updates the layer). Start with ones and zeros.
    momentum : float, the weight of the old value in the running averages (the book's 0.9;
        PyTorch's ``momentum=0.1`` is the weight of the *new* value: the same 0.9 here)
    running_mean, running_var : ndarray (D,) or None: None starts them at 0 and 1 (in the
        dtype of the first input)
    eps : float, ``ε`` in the square root, so a feature that is constant over the batch does not
        divide by 0 (PyTorch's default 1e-5)

    Example
    -------
    >>> bn = BatchNormalization(np.ones(2), np.zeros(2))
    >>> x = np.array([[1.0, 10.0], [3.0, 10.0], [5.0, 40.0], [7.0, 20.0]])
    >>> bn.forward(x).round(3)                  # each column: mean 0, variance 1
    array([[-1.342, -0.816],
           [-0.447, -0.816],
           [ 0.447,  1.633],
           [ 1.342,  0.   ]])
    >>> bn.running_mean, bn.running_var          # 0.9 · (0, 1) + 0.1 · (4, 20), (5, 150)
    (array([0.4, 2. ]), array([ 1.4, 15.9]))
    >>> dout = np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]])
    >>> bn.backward(dout).round(3)               # one output moved: every input feels it
    array([[ 0.134,  0.   ],
           [-0.179,  0.   ],
           [-0.045,  0.   ],
           [ 0.089,  0.   ]])
    >>> bn.dgamma.round(3), bn.dbeta
    (array([-1.342,  0.   ]), array([1., 0.]))

    Hint: keep ``x̂``, ``x − μ_B`` or ``σ_B`` from the forward pass for the backward pass; sums
    and means go over ``axis=0`` (the batch), never over the features.
    """

    def __init__(self, gamma, beta, momentum=0.9, running_mean=None, running_var=None,
                 eps=1e-5):
        self.gamma = gamma
        self.beta = beta
        self.momentum = momentum
        self.running_mean = running_mean
        self.running_var = running_var
        self.eps = eps
        self.train_flg = True
        self.input_shape = None
        self.x_hat = None        # the normalized rows of the last forward pass, (N, D)
        self.std = None          # sqrt(var + eps) used by the last forward pass, (D,)
        self.dgamma = None
        self.dbeta = None

    def forward(self, x, train_flg=True):
        """Normalize ``x`` (``(N, D)`` or ``(N, C, H, W)``), scale by ``γ``, shift by ``β``."""
        ### BEGIN SOLUTION
        x = _as_float_array(x)
        self.input_shape, self.train_flg = x.shape, train_flg
        rows = to_rows(x)
        D = rows.shape[1]
        if self.running_mean is None:
            self.running_mean = np.zeros(D, dtype=rows.dtype)
            self.running_var = np.ones(D, dtype=rows.dtype)
        if train_flg:
            mu = rows.mean(axis=0)
            xc = rows - mu
            var = np.einsum("ij,ij->j", xc, xc) / len(xc)   # mean of xc ** 2, no temporary
            self.std = np.sqrt(var + self.eps)
            xc /= self.std                  # in place: xc becomes x_hat, no second array
            self.x_hat = xc
            m = self.momentum
            self.running_mean = m * self.running_mean + (1 - m) * mu
            self.running_var = m * self.running_var + (1 - m) * var
        else:
            self.std = np.sqrt(self.running_var + self.eps)
            self.x_hat = (rows - self.running_mean) / self.std
        out = self.x_hat * self.gamma
        out += self.beta
        return from_rows(out, x.shape)
        ### END SOLUTION

    def backward(self, dout):
        """Set ``self.dgamma`` and ``self.dbeta``; return ``dx`` in the input's shape."""
        ### BEGIN SOLUTION
        dout = to_rows(_as_float_array(dout))
        self.dbeta = dout.sum(axis=0)
        self.dgamma = np.einsum("ij,ij->j", dout, self.x_hat)  # Σ dout·x̂, no temporary
        scale = self.gamma / self.std
        if not self.train_flg:
            return from_rows(dout * scale, self.input_shape)
        # g = γ·dout: its mean is γ·dbeta / N, the mean of g·x̂ is γ·dgamma / N
        n = len(dout)
        dx = self.x_hat * (self.dgamma * (-scale / n))
        dx += dout * scale
        dx -= self.dbeta * (scale / n)
        return from_rows(dx, self.input_shape)
        ### END SOLUTION
