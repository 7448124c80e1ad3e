r"""Sprint 4: layers for backpropagation (誤差逆伝播法).

A network is a chain of simple computations, a computational graph (計算グラフ). Each node
(ノード) of the graph is a *layer* (レイヤ) with two methods:

* ``forward(...)`` — the forward pass (順伝播): compute the output from the inputs and keep
  what the backward pass will need (the inputs, a mask, the output);
* ``backward(dout)`` — the backward pass (逆伝播): given ``dout``, the derivative of the final
  loss ``L`` with respect to this layer's *output*, return the derivative of ``L`` with respect
  to its *input(s)*. By the chain rule (連鎖律) that is ``dout`` times the layer's local
  derivative (局所的な微分)::

      ∂L/∂x = ∂L/∂out · ∂out/∂x
                 ↑          ↑
               dout    the local derivative (this layer only)

Calling ``forward`` on every layer from the first to the last, then ``backward`` from the last
to the first, gives the gradient of the loss with respect to everything, in one backward pass.

Every ``backward`` returns arrays of the same shape as the corresponding input of ``forward``;
a layer with parameters (``Affine``) also stores their gradients (``dW``, ``db``, the same
shapes as ``W`` and ``b``). Call ``forward`` before ``backward``: backward uses what forward
kept. No method modifies its arguments in place. Float inputs keep their dtype (float32 in,
float32 out); ints become float64.
"""
import numpy as np


def _as_float_array(x):
    """``x`` as a float array: float16/32/64 arrays keep their dtype (float32 data trains in
    float32), anything else (ints, bools, Python numbers, lists) becomes float64."""
    x = np.asarray(x)
    return x if x.dtype.kind == "f" else x.astype(np.float64)


class MulLayer:
    r"""The multiply node (乗算ノード) of a computational graph: ``out = x * y``.

    .. math:: \frac{\partial\,(xy)}{\partial x} = y, \qquad \frac{\partial\,(xy)}{\partial y} = x

    so the backward pass sends each input the upstream derivative times the *other* input
    ("swap the inputs"): ``dx = dout * y``, ``dy = dout * x``. It therefore needs ``x`` and
    ``y`` from the forward pass.

    ``x``, ``y`` and ``dout`` are numbers or arrays of the same shape (element-wise).

    Example: the apple-shopping graph (りんごの買い物): 2 apples at 100 yen, then 10 % tax.

    >>> apple_layer, tax_layer = MulLayer(), MulLayer()
    >>> apple_price = apple_layer.forward(100, 2)          # 100 yen × 2 apples
    >>> round(tax_layer.forward(apple_price, 1.1), 6)      # × tax 1.1
    220.0
    >>> dapple_price, dtax = tax_layer.backward(1)        # ∂price/∂price = 1
    >>> [round(d, 6) for d in apple_layer.backward(dapple_price)]   # d apple, d apple num
    [2.2, 110.0]

    Hint: the backward pass *swaps* the inputs: the derivative for ``x`` uses ``y``.
    """

    def __init__(self):
        self.x = None
        self.y = None

    def forward(self, x, y):
        """Keep ``x`` and ``y`` (as ``self.x``, ``self.y``) and return ``x * y``."""
        ### BEGIN SOLUTION
        self.x = x
        self.y = y
        return x * y
        ### END SOLUTION

    def backward(self, dout):
        """Return the pair ``(dx, dy) = (dout * y, dout * x)``."""
        ### BEGIN SOLUTION
        dx = dout * self.y
        dy = dout * self.x
        return dx, dy
        ### END SOLUTION


class AddLayer:
    r"""The add node (加算ノード) of a computational graph: ``out = x + y``.

    .. math:: \frac{\partial (x+y)}{\partial x} = 1, \qquad \frac{\partial (x+y)}{\partial y} = 1

    so the backward pass passes the upstream derivative on, unchanged, to *both* inputs:
    ``(dx, dy) = (dout, dout)``. It needs nothing from the forward pass.

    ``x``, ``y`` and ``dout`` are numbers or arrays of the same shape.

    Example: apples (200 yen) plus oranges (450 yen).

    >>> add = AddLayer()
    >>> add.forward(200, 450)
    650
    >>> add.backward(1.1)
    (1.1, 1.1)

    Hint: return a *pair*, one derivative per input, even though both are the same.
    """

    def __init__(self):
        pass

    def forward(self, x, y):
        """Return ``x + y``."""
        ### BEGIN SOLUTION
        return x + y
        ### END SOLUTION

    def backward(self, dout):
        """Return the pair ``(dx, dy) = (dout, dout)``."""
        ### BEGIN SOLUTION
        return dout * 1, dout * 1
        ### END SOLUTION


class Relu:
    r"""The ReLU layer (ReLU レイヤ): ``out = max(0, x)`` element-wise.

    .. math::

        y = \begin{cases} x & (x > 0) \\ 0 & (x \le 0) \end{cases}, \qquad
        \frac{\partial y}{\partial x} = \begin{cases} 1 & (x > 0) \\ 0 & (x \le 0) \end{cases}

    Where the input was positive the gradient flows back unchanged; where it was ``<= 0``
    (including exactly 0, the course's convention) it is stopped: ``dx = 0``. The forward pass
    keeps a boolean **mask** (マスク) ``self.mask = (x <= 0)`` of the blocked entries; the
    backward pass sets those entries of ``dout`` to 0.

    Shapes: ``x`` and ``dout`` have any shape (the same); the outputs have that shape too.

    Example
    -------
    >>> relu = Relu()
    >>> relu.forward(np.array([[1.0, -0.5], [-2.0, 3.0]]))
    array([[1., 0.],
           [0., 3.]])
    >>> relu.backward(np.array([[10.0, 20.0], [30.0, 40.0]]))
    array([[10.,  0.],
           [ 0., 40.]])

    Hint: take the mask from the input *before* building the output, and never change ``x``
    itself: ``x[x < 0] = 0`` changes the caller's array, and a mask taken from it afterwards no
    longer sees the negative entries. Return a new array; in backward, leave ``dout`` unchanged
    too (work on a new array).
    """

    def __init__(self):
        self.mask = None

    def forward(self, x):
        """Keep the mask ``x <= 0`` and return ReLU of ``x`` (a new array)."""
        ### BEGIN SOLUTION
        x = _as_float_array(x)
        self.mask = (x <= 0)
        return np.maximum(x, 0)         # a new array: x where x > 0, else 0
        ### END SOLUTION

    def backward(self, dout):
        """Return ``dout`` with the masked entries set to 0 (a new array)."""
        ### BEGIN SOLUTION
        # the chain rule: dout times the local derivative (1 where x > 0, 0 where x <= 0); a
        # product with the mask has no branch per element, so it is fast on large arrays
        return _as_float_array(dout) * ~self.mask
        ### END SOLUTION


class Sigmoid:
    r"""The sigmoid layer (Sigmoid レイヤ): ``out = 1 / (1 + exp(-x))`` element-wise.

    .. math::

        y = \frac{1}{1 + \exp(-x)}, \qquad
        \frac{\partial L}{\partial x} = \frac{\partial L}{\partial y}\, y\,(1 - y)

    The derivative is written with the layer's own **output** ``y``: the forward pass keeps
    it (``self.out``) and the backward pass reuses it, without another ``exp``.

    Shapes: ``x`` and ``dout`` have any shape (the same); the outputs have that shape too.

    Example
    -------
    >>> sig = Sigmoid()
    >>> sig.forward(np.array([-1.0, 0.0, 2.0]))
    array([0.26894142, 0.5       , 0.88079708])
    >>> sig.backward(np.array([1.0, 1.0, 2.0]))
    array([0.19661193, 0.25      , 0.20998717])

    Hint: use the stored output ``y`` in ``dout * y * (1 - y)``, not the input ``x``. For very
    negative ``x``, ``np.exp(-x)`` overflows (a warning): the stable form of sprint 2 works here
    too, e.g. ``np.exp(-np.logaddexp(0, -x))``.
    """

    def __init__(self):
        self.out = None

    def forward(self, x):
        """Keep the output ``y`` (as ``self.out``) and return it."""
        ### BEGIN SOLUTION
        x = _as_float_array(x)
        out = np.exp(-np.logaddexp(0.0, -x))
        self.out = out
        return out
        ### END SOLUTION

    def backward(self, dout):
        """Return ``dout * y * (1 - y)`` with the stored output ``y``."""
        ### BEGIN SOLUTION
        return dout * self.out * (1.0 - self.out)
        ### END SOLUTION


class Affine:
    r"""The Affine layer (Affine レイヤ, fully connected, 全結合): ``out = x @ W + b``.

    Forward, for a batch of ``N`` samples ``x: (N, D)``, ``W: (D, M)``, ``b: (M,)``:

    .. math:: Y = X W + B \qquad (N, D) \cdot (D, M) + (M,) \to (N, M)

    Backward, given ``dout`` = ∂L/∂Y of shape ``(N, M)``:

    .. math::

        \frac{\partial L}{\partial X} = \frac{\partial L}{\partial Y}\, W^{T} \;(N, D), \qquad
        \frac{\partial L}{\partial W} = X^{T} \frac{\partial L}{\partial Y} \;(D, M), \qquad
        \frac{\partial L}{\partial b} = \sum_{n=1}^{N} \frac{\partial L}{\partial Y_{n}} \;(M,)

    The bias is added to every sample (broadcast, ブロードキャスト), so its gradient is the
    *sum* of ``dout`` over the batch axis. Every gradient has the shape of what it is the
    gradient of: the shapes alone tell which product and which transpose.

    Inputs with more axes, e.g. images ``(N, C, H, W)``, are flattened to ``(N, D)`` with
    ``D = C * H * W`` first; ``backward`` returns ``dx`` in the input's original shape.

    Parameters
    ----------
    W : ndarray, shape (D, M), the weights (kept as given: updating ``W`` in place updates the
        layer)
    b : ndarray, shape (M,), the biases

    Attributes
    ----------
    dW : ndarray (D, M) and db : ndarray (M,), the gradients, set by ``backward``

    Example
    -------
    >>> layer = Affine(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), np.array([0.1, 0.2, 0.3]))
    >>> layer.forward(np.array([[1.0, 0.0], [0.0, 2.0]]))
    array([[ 1.1,  2.2,  3.3],
           [ 8.1, 10.2, 12.3]])
    >>> layer.backward(np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]]))   # dx
    array([[ 1.,  4.],
           [ 5., 11.]])
    >>> layer.dW
    array([[1., 0., 0.],
           [0., 2., 2.]])
    >>> layer.db
    array([1., 1., 1.])

    Hint: ``x.reshape(x.shape[0], -1)`` flattens every axis but the first; keep ``x.shape`` to
    reshape ``dx`` back. ``np.sum(dout, axis=0)`` sums over the batch.
    """

    def __init__(self, W, b):
        self.W = W
        self.b = b
        self.x = None               # the input, flattened to (N, D)
        self.original_x_shape = None
        self.dW = None
        self.db = None

    def forward(self, x):
        """Keep the input (flattened to ``(N, D)``) and its shape; return ``x @ W + b``."""
        ### BEGIN SOLUTION
        x = _as_float_array(x)
        self.original_x_shape = x.shape
        self.x = x.reshape(x.shape[0], -1)
        return self.x @ self.W + self.b
        ### END SOLUTION

    def backward(self, dout):
        """Set ``self.dW`` and ``self.db``; return ``dx`` in the shape of the input."""
        ### BEGIN SOLUTION
        dout = _as_float_array(dout)
        dx = dout @ self.W.T
        self.dW = self.x.T @ dout
        self.db = np.sum(dout, axis=0)
        return dx.reshape(self.original_x_shape)
        ### END SOLUTION


class SoftmaxWithLoss:
    r"""Softmax and cross-entropy error in one layer (Softmax-with-Loss レイヤ).

    The last layer of a classifier: the scores ``x: (N, C)`` of ``N`` samples over ``C``
    classes go through softmax (ソフトマックス関数), and the cross-entropy error
    (交差エントロピー誤差) against the labels ``t`` is averaged over the batch:

    .. math::

        y_{nk} = \frac{\exp(x_{nk})}{\sum_j \exp(x_{nj})}, \qquad
        L = -\frac{1}{N} \sum_{n} \sum_{k} t_{nk} \log y_{nk}

    Its backward pass is remarkably simple: the softmax's derivative and the log's cancel,

    .. math:: \frac{\partial L}{\partial x} = \frac{y - t}{N}

    (``t`` one-hot), the prediction minus the answer, divided by the batch size because the
    loss is a mean. ``backward(dout=1)`` returns ``dout * (y - t) / N``: this is the last
    layer, so ``dout`` is ∂L/∂L = 1 unless you scale the loss.

    Compute it stably and never take ``log(0)``: subtract each row's maximum ``m``, then
    ``log y = (x - m) - log(sum(exp(x - m)))`` (log-softmax) is finite even when ``y``
    underflows to 0. This layer computes its own softmax and cross-entropy (not sprint 2's
    and sprint 3's functions).

    ``t`` holds class indices ``(N,)`` or one-hot rows ``(N, C)`` (``t.shape == x.shape``).

    Example
    -------
    >>> layer = SoftmaxWithLoss()
    >>> x = np.array([[0.3, 2.9, 4.0], [0.0, 0.0, 0.0]])
    >>> round(layer.forward(x, np.array([2, 0])), 6)       # labels as indices
    0.702163
    >>> layer.backward()
    array([[ 0.00910564,  0.12259591, -0.13170154],
           [-0.33333333,  0.16666667,  0.16666667]])
    >>> round(layer.forward(x, np.array([[0, 0, 1], [1, 0, 0]])), 6)   # the same, one-hot
    0.702163

    Hint: turn index labels into one-hot rows first (``np.eye(C)[t]``), then both cases are
    the same. The gradient is ``(y - t) / N``: do not multiply by the softmax's derivative
    again, it is already inside.
    """

    def __init__(self):
        self.loss = None
        self.y = None               # the softmax output, (N, C)
        self.t = None               # the labels, one-hot (N, C)

    def forward(self, x, t):
        """Keep the softmax output and the one-hot labels; return the mean loss (a float)."""
        ### BEGIN SOLUTION
        x = _as_float_array(x)
        t = np.asarray(t)
        if t.shape != x.shape:                      # class indices -> one-hot rows
            t = np.eye(x.shape[1])[t.astype(int)]
        shifted = x - np.max(x, axis=1, keepdims=True)
        log_y = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
        self.y = np.exp(log_y)
        self.t = t.astype(x.dtype)
        self.loss = float(-np.sum(self.t * log_y) / x.shape[0])
        return self.loss
        ### END SOLUTION

    def backward(self, dout=1):
        """Return ``dout * (y - t) / N``."""
        ### BEGIN SOLUTION
        batch_size = self.y.shape[0]
        return dout * (self.y - self.t) / batch_size
        ### END SOLUTION
