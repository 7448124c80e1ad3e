r"""Sprint 6: layers against overfitting (過学習): Dropout, DropConnect and Maxout.

A big fully connected (全結合) layer has so many weights that it can memorise the training
set. Two cures switch parts of the layer off at random while training, a different random part
for every mini-batch, so that no neuron can rely on one particular partner:

* Dropout (ドロップアウト) sets a random share of the layer's *outputs* (neurons) to 0;
* DropConnect (ドロップコネクト) sets a random share of its *weights* (connections, 結合) to 0:
  ``Wx + b`` becomes ``(W * M) x + b`` with ``M`` a 0/1 matrix of the shape of ``W``.

After training (at inference, 推論) nothing is dropped: the network uses the *average* of all
those thinned networks. This course uses **inverted scaling** (inverted dropout): while
training, what is kept is divided by the keep probability ``1 - ratio``, so that its expected
value equals the value without dropping; at inference the layer then does nothing at all.
(The book scales the other way: it keeps the training values as they are and multiplies by
``1 - ratio`` at inference. The two give the same network on average.)

Maxout (マックスアウト) replaces the activation function: the layer keeps, at each position,
the largest of ``pieces`` neighbouring channels, reducing the number of channels as pooling
reduces height and width.

The random layers draw their masks from ``self.rng`` (a ``np.random.Generator`` made from
``seed``), exactly as the docstrings say, so that a check can replay them.
"""
import numpy as np


def _as_float_array(x):
    """``x`` as a float array: float arrays keep their dtype (float32 stays float32, half the
    memory traffic of float64 in a CNN), anything else becomes float64."""
    x = np.asarray(x)
    return x if x.dtype.kind == "f" else x.astype(np.float64)


class Dropout:
    r"""Dropout (ドロップアウト) with inverted scaling.

    ``forward(x, train_flg=True)``, ``x``: any shape; a float array keeps its dtype (float32 in,
    float32 out), anything else is taken as float64.

    * training: draw ``self.mask = self.rng.random(x.shape) >= self.dropout_ratio`` (``True``
      = kept, probability ``1 - dropout_ratio``) and return ``x * self.mask / (1 - ratio)``;
      every call draws a new mask;
    * inference (``train_flg=False``): return ``x`` unchanged (as a new array).

    ``backward(dout)``: the same multiplication by the mask of the last training forward,
    ``dout * self.mask / (1 - ratio)`` (dropped neurons pass no gradient); after an inference
    forward, ``dout`` unchanged.

    >>> layer = Dropout(dropout_ratio=0.5, seed=1)
    >>> x = np.ones((2, 4))
    >>> layer.forward(x)                       # kept values are doubled: 1 / (1 - 0.5)
    array([[2., 2., 0., 2.],
           [0., 0., 2., 0.]])
    >>> layer.backward(np.full((2, 4), 3.0))   # the same mask, the same scale
    array([[6., 6., 0., 6.],
           [0., 0., 6., 0.]])
    >>> layer.forward(x, train_flg=False)     # inference: nothing dropped, nothing scaled
    array([[1., 1., 1., 1.],
           [1., 1., 1., 1.]])

    Hint: keep where ``rng.random(...) >= ratio`` (so a share ``ratio`` is *dropped*), and
    divide by ``1 - ratio`` only in training.
    """

    def __init__(self, dropout_ratio=0.5, seed=0):
        self.dropout_ratio = dropout_ratio
        self.rng = np.random.default_rng(seed)
        self.mask = None
        self.train_flg = True

    def forward(self, x, train_flg=True):
        """Drop and scale in training, pass through at inference; ``x``: any shape."""
        ### BEGIN SOLUTION
        self.train_flg = train_flg
        x = _as_float_array(x)
        if not train_flg:
            return x.copy()
        self.mask = self.rng.random(x.shape) >= self.dropout_ratio
        return x * self.mask / (1.0 - self.dropout_ratio)
        ### END SOLUTION

    def backward(self, dout):
        """The gradient through the same mask and scale as the last forward pass."""
        ### BEGIN SOLUTION
        dout = _as_float_array(dout)
        if not self.train_flg:
            return dout.copy()
        return dout * self.mask / (1.0 - self.dropout_ratio)
        ### END SOLUTION


class DropConnect:
    r"""An Affine layer with DropConnect (ドロップコネクト): random weights are dropped.

    ``W: (D, M)``, ``b: (M,)``; ``forward(x, train_flg=True)`` with ``x: (N, D)`` returns
    ``(N, M)``:

    * training: draw ``self.mask = self.rng.random(W.shape) >= self.drop_ratio`` and use the
      thinned, rescaled weights ``W_used = W * mask / (1 - drop_ratio)``;
    * inference: ``W_used = W`` (the average network, thanks to the inverted scaling);

    and return ``x @ W_used + b``.

    ``backward(dout)``, ``dout: (N, M)``: as for Affine, but through ``W_used``: stores
    ``self.dW = (x.T @ dout) * mask / (1 - drop_ratio)`` (only kept weights learn; at
    inference ``x.T @ dout``), ``self.db = dout.sum(axis=0)``, returns ``dx = dout @ W_used.T``.

    >>> layer = DropConnect(np.ones((2, 2)), np.zeros(2), drop_ratio=0.5, seed=4)
    >>> layer.forward(np.array([[1.0, 2.0]]))  # mask [[T, T], [T, F]]: W_used [[2, 2], [2, 0]]
    array([[6., 2.]])
    >>> layer.backward(np.array([[1.0, 1.0]]))      # dx = dout @ W_used.T
    array([[4., 2.]])
    >>> layer.dW                                    # x.T @ dout, masked and scaled
    array([[2., 2.],
           [4., 0.]])

    Hint: the mask has the shape of ``W``, not of ``x``; draw it once per forward pass.
    """

    def __init__(self, W, b, drop_ratio=0.5, seed=0):
        self.W = W
        self.b = b
        self.drop_ratio = drop_ratio
        self.rng = np.random.default_rng(seed)
        self.mask = None
        self.x = None
        self.W_used = None
        self.dW = None
        self.db = None

    def forward(self, x, train_flg=True):
        """``x @ W_used + b`` with a fresh weight mask in training; ``x: (N, D)``."""
        ### BEGIN SOLUTION
        self.x = np.asarray(x, dtype=float)
        if train_flg:
            self.mask = self.rng.random(self.W.shape) >= self.drop_ratio
            self.W_used = self.W * self.mask / (1.0 - self.drop_ratio)
        else:
            self.mask = None
            self.W_used = self.W
        return self.x @ self.W_used + self.b
        ### END SOLUTION

    def backward(self, dout):
        """Store ``dW`` (masked), ``db``; return ``dx = dout @ W_used.T``; ``dout: (N, M)``."""
        ### BEGIN SOLUTION
        self.dW = self.x.T @ dout
        if self.mask is not None:
            self.dW = self.dW * self.mask / (1.0 - self.drop_ratio)
        self.db = np.sum(dout, axis=0)
        return dout @ self.W_used.T
        ### END SOLUTION


class Maxout:
    r"""Maxout (マックスアウト): the maximum over groups of ``pieces`` neighbouring channels.

    ``forward(x)``, ``x: (N, C, ...)`` (features ``(N, C)`` or images ``(N, C, H, W)``) with
    ``C`` a multiple of ``pieces = k``: channels ``0..k-1`` form output channel 0, channels
    ``k..2k-1`` output channel 1, and so on. Returns ``(N, C // k, ...)``:

    .. math:: \text{out}[n, j, \dots] = \max_{0 \le p < k} x[n, jk + p, \dots]

    ``backward(dout)``, ``dout: (N, C // k, ...)``: like max pooling, the gradient goes only
    to the input that won its group (the first one if several tie); the others get 0. Returns
    ``dx`` of the input's shape.

    >>> layer = Maxout(pieces=2)
    >>> layer.forward(np.array([[1.0, 5.0, -2.0, -3.0]]))     # groups (1, 5) and (-2, -3)
    array([[ 5., -2.]])
    >>> layer.backward(np.array([[10.0, 20.0]]))
    array([[ 0., 10., 20.,  0.]])

    Hint: ``x.reshape(N, C // k, k, ...)`` puts each group on its own axis; ``argmax`` over
    that axis tells which input won.
    """

    def __init__(self, pieces=2):
        self.pieces = pieces
        self.x_shape = None
        self.argmax = None

    def forward(self, x):
        """The maximum of each group of ``pieces`` channels; ``x: (N, C, ...)``."""
        ### BEGIN SOLUTION
        x = np.asarray(x, dtype=float)
        n, c, *rest = x.shape
        if c % self.pieces:
            raise ValueError(f"Maxout: {c} channels are not a multiple of pieces={self.pieces}")
        self.x_shape = x.shape
        grouped = x.reshape(n, c // self.pieces, self.pieces, *rest)
        self.argmax = np.argmax(grouped, axis=2)
        return np.max(grouped, axis=2)
        ### END SOLUTION

    def backward(self, dout):
        """Route each ``dout`` entry to the winner of its group; returns ``dx``."""
        ### BEGIN SOLUTION
        dout = np.asarray(dout, dtype=float)
        winner = np.arange(self.pieces).reshape(1, 1, -1, *([1] * (dout.ndim - 2)))
        mask = winner == np.expand_dims(self.argmax, axis=2)
        dx = mask * np.expand_dims(dout, axis=2)
        return dx.reshape(self.x_shape)
        ### END SOLUTION
