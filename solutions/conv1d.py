r"""Sprint 7: one-dimensional convolution (1次元畳み込み) and pooling (プーリング).

A convolution layer (畳み込み層) slides a small filter, or kernel (フィルタ / カーネル), along
its input and at every position takes the sum of products (積和) of the filter and the piece of
input under it. The same few weights are used at every position (weight sharing, 重み共有), so
the layer finds a pattern wherever it occurs, with far fewer parameters than an Affine layer.

What CNNs call "convolution" is, strictly, cross-correlation (相互相関): the filter is *not*
flipped. For a filter ``w`` of size ``K``, stride ``S`` (ストライド) and zero padding
(ゼロパディング) already applied to ``x``:

.. math:: a_i = \sum_{k=0}^{K-1} x_{iS + k}\, w_k + b

Shapes in this module: one signal ``(L,)``; a batch of signals with channels (チャンネル)
``(N, C, L)``; filters ``(F, C, K)`` (``F`` filters, each spanning all ``C`` channels);
outputs ``(N, F, L_out)``. Layers have ``forward(x)`` / ``backward(dout)`` and keep the
parameters and their gradients (``W``, ``b``, ``dW``, ``db``) as in sprint 4. No method
modifies its arguments in place; outputs keep the floating dtype of the inputs (float32 in,
float32 out).
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv1d_output_size(n_in, filter_size, pad=0, stride=1):
    r"""The length of a 1D convolution's output (出力サイズ).

    .. math:: N_{out} = \left\lfloor \frac{N_{in} + 2P - F}{S} \right\rfloor + 1

    ``N_in`` input length, ``P`` zero padding on *each* side, ``F`` filter size, ``S``
    stride. Count the positions where the filter fits: its first element can sit at
    ``0, S, 2S, ...`` as long as the whole filter stays inside the padded input of length
    ``N_in + 2P``. When ``S`` does not divide ``N_in + 2P - F`` the last, incomplete step is
    dropped (the floor), as deep-learning frameworks do.

    Parameters
    ----------
    n_in : int, the input length
    filter_size : int, the filter (kernel) size, at most ``n_in + 2 * pad``
    pad : int, the zero padding on each side
    stride : int, the step between two filter positions (>= 1)

    Returns
    -------
    int, the output length

    Example
    -------
    >>> conv1d_output_size(4, 3)                   # x = [1, 2, 3, 4], w = [3, 5, 7]: 2 outputs
    2
    >>> conv1d_output_size(4, 3, pad=1)            # "same" padding keeps the length
    4
    >>> conv1d_output_size(7, 3, pad=1, stride=2)  # positions 0, 2, 4, 6 of the padded 9
    4

    Hint: ``//`` is Python's floor division; return an ``int``, not a float.
    """
    ### BEGIN SOLUTION
    return int((n_in + 2 * pad - filter_size) // stride + 1)
    ### END SOLUTION


class SimpleConv1d:
    r"""A single-channel 1D convolution layer: one filter, stride 1, no padding.

    Forward, for ``x: (L,)``, ``W: (K,)``, ``b: (1,)``, output ``a: (L - K + 1,)``:

    .. math:: a_i = \sum_{k=0}^{K-1} x_{i+k}\, w_k + b

    Backward, given ``dout`` = ∂L/∂a of shape ``(L - K + 1,)``. Each weight touched every
    output, each input fed up to ``K`` outputs, so every gradient is a *sum*:

    .. math::

        \frac{\partial L}{\partial w_k} = \sum_{i} \delta_i\, x_{i+k}, \qquad
        \frac{\partial L}{\partial b} = \sum_{i} \delta_i, \qquad
        \frac{\partial L}{\partial x_j} = \sum_{k} \delta_{j-k}\, w_k
        \quad (0 \le j - k < L - K + 1)

    with ``δ = dout``. ``dW`` is the input cross-correlated with ``δ``; ``dx`` is ``δ``
    *convolved* (flipped filter, full overlap) with ``w``.

    Parameters
    ----------
    W : ndarray, shape (K,), the filter (kept as given)
    b : ndarray, shape (1,), the bias

    Attributes
    ----------
    dW : ndarray (K,) and db : ndarray (1,), the gradients, set by ``backward``

    Example: the worked example (x = [1, 2, 3, 4], w = [3, 5, 7], b = 1)
    --------------------------------------------------------------------
    >>> conv = SimpleConv1d(np.array([3.0, 5.0, 7.0]), np.array([1.0]))
    >>> conv.forward(np.array([1.0, 2.0, 3.0, 4.0]))    # 1·3 + 2·5 + 3·7 + 1, 2·3 + 3·5 + 4·7 + 1
    array([35., 50.])
    >>> conv.backward(np.array([10.0, 20.0]))           # dx
    array([ 30., 110., 170., 140.])
    >>> conv.dW, conv.db
    (array([ 50.,  80., 110.]), array([30.]))

    Do not flip the filter: ``np.convolve`` flips it, which is a true convolution (畳み込み),
    not what CNNs compute. Stuck? ``hint("sprint7.simple_conv1d")`` gives a hint, one level
    at a time.
    """

    def __init__(self, W, b):
        self.W = W
        self.b = b
        self.x = None
        self.dW = None
        self.db = None

    def forward(self, x):
        """Keep ``x`` and return ``a: (L - K + 1,)``, the filter slid along ``x`` plus ``b``."""
        ### BEGIN SOLUTION
        x = np.asarray(x)
        self.x = x
        n_out = conv1d_output_size(len(x), len(self.W))
        out = np.zeros(n_out, dtype=np.result_type(x, self.W, self.b))
        for k in range(len(self.W)):
            out += x[k:k + n_out] * self.W[k]
        return out + self.b
        ### END SOLUTION

    def backward(self, dout):
        """Set ``self.dW`` (K,) and ``self.db`` (1,); return ``dx`` of the shape of ``x``."""
        ### BEGIN SOLUTION
        dout = np.asarray(dout)
        n_out = len(dout)
        dtype = np.result_type(dout, self.x, self.W)
        dx = np.zeros(self.x.shape, dtype=dtype)
        dW = np.zeros(len(self.W), dtype=dtype)
        for k in range(len(self.W)):
            dW[k] = np.sum(dout * self.x[k:k + n_out])
            dx[k:k + n_out] += dout * self.W[k]
        self.dW = dW
        self.db = np.sum(dout, keepdims=True).reshape(np.shape(self.b)).astype(dtype)
        return dx
        ### END SOLUTION


def pad1d(x, pad):
    r"""Zero padding (ゼロパディング) along the last axis (the length) only.

    ``x: (..., L)`` becomes ``(..., L + 2 * pad)``: ``pad`` zeros before and ``pad`` zeros
    after every signal. The batch and channel axes of ``(N, C, L)`` are *not* padded (there
    is no "zero sample" or "zero channel"). Padding lets the filter centre on the edge values
    and, with ``pad = (K - 1) / 2`` and stride 1, keeps the output as long as the input
    ("same" padding).

    Parameters
    ----------
    x : ndarray, shape (..., L), e.g. (L,) or (N, C, L)
    pad : int >= 0, the zeros added on each side

    Returns
    -------
    ndarray, shape (..., L + 2 * pad), the same dtype as ``x`` (integers stay integers,
    float32 stays float32), a new array even when ``pad`` is 0

    Example
    -------
    >>> pad1d(np.array([1.0, 2.0, 3.0]), 1)
    array([0., 1., 2., 3., 0.])
    >>> pad1d(np.ones((2, 1, 3)), 2).shape          # (N, C, L) -> (N, C, L + 4)
    (2, 1, 7)

    Note: ``np.pad(x, pad)`` pads *every* axis; only the last one is to be padded here.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x)
    return np.pad(x, [(0, 0)] * (x.ndim - 1) + [(pad, pad)])
    ### END SOLUTION


class Conv1d:
    r"""A 1D convolution layer with channels, filters, a batch, padding and stride.

    Forward, for ``x: (N, C, L)``, ``W: (F, C, K)``, ``b: (F,)``, stride ``S`` and padding
    ``P``: pad ``x`` along its length to ``x_p: (N, C, L + 2P)``, then for every sample ``n``,
    filter ``f`` and output position ``i``

    .. math:: a_{n,f,i} = \sum_{c=0}^{C-1} \sum_{k=0}^{K-1} x^{p}_{n,\,c,\,iS+k}\; w_{f,c,k} + b_f

    giving ``a: (N, F, L_out)`` with ``L_out = conv1d_output_size(L, K, P, S)``. A filter sums
    over *all* input channels; each of the ``F`` filters makes one output channel (a feature
    map, 特徴マップ).

    Backward, given ``dout`` = ∂L/∂a of shape ``(N, F, L_out)``: every weight and bias was used
    at every sample and every position, so their gradients sum over the batch *and* the
    positions; the input gradient goes back to the positions ``iS + k`` that fed each output:

    .. math::

        \frac{\partial L}{\partial w_{f,c,k}} = \sum_{n} \sum_{i} \delta_{n,f,i}\, x^{p}_{n,c,iS+k}
        \qquad
        \frac{\partial L}{\partial b_f} = \sum_{n} \sum_{i} \delta_{n,f,i}
        \qquad
        \frac{\partial L}{\partial x^{p}_{n,c,iS+k}} \mathrel{+}= \sum_{f} \delta_{n,f,i} w_{f,c,k}

    and ``dx`` is ``dx_p`` with the padding cut off again: ``(N, C, L)``.

    Parameters
    ----------
    W : ndarray, shape (F, C, K), the filters (kept as given: an optimizer updating ``W`` in
        place updates the layer)
    b : ndarray, shape (F,), one bias per filter
    stride : int >= 1
    pad : int >= 0, zeros on each side of the length axis

    Attributes
    ----------
    dW : ndarray (F, C, K) and db : ndarray (F,), the gradients, set by ``backward``

    Example: two channels, three filters of ones (x: (1, 2, 4), W: (3, 2, 3))
    ----------------------------------------------------------------------------
    >>> conv = Conv1d(np.ones((3, 2, 3)), np.array([1.0, 2.0, 3.0]))
    >>> conv.forward(np.array([[[1.0, 2.0, 3.0, 4.0], [2.0, 3.0, 4.0, 5.0]]]))
    array([[[16., 22.],
            [17., 23.],
            [18., 24.]]])
    >>> conv.backward(np.ones((1, 3, 2)))           # dx: each input fed 3 filters × 1 or 2 outputs
    array([[[3., 6., 6., 3.],
            [3., 6., 6., 3.]]])
    >>> conv.db
    array([2., 2., 2.])

    Python loops over samples, filters and positions are a correct start; vectorised versions
    are faster. Stuck? ``hint("sprint7.conv1d")`` gives a hint, one level at a time.
    """

    def __init__(self, W, b, stride=1, pad=0):
        self.W = W
        self.b = b
        self.stride = stride
        self.pad = pad
        self.x_shape = None
        self.cols = None           # (N * L_out, C * K), the padded input seen by each output
        self.dW = None
        self.db = None

    def forward(self, x):
        """Keep what backward needs; return ``a: (N, F, L_out)``."""
        ### BEGIN SOLUTION
        x = np.asarray(x)
        self.x_shape = x.shape
        n_filters, _, size = self.W.shape
        x_p = pad1d(x, self.pad)
        windows = sliding_window_view(x_p, size, axis=2)[:, :, ::self.stride]  # (N, C, L_out, K)
        n, c, n_out, _ = windows.shape
        self.cols = windows.transpose(0, 2, 1, 3).reshape(n * n_out, c * size)
        out = self.cols @ self.W.reshape(n_filters, c * size).T + self.b  # (N * L_out, F)
        return out.reshape(n, n_out, n_filters).transpose(0, 2, 1)
        ### END SOLUTION

    def backward(self, dout):
        """Set ``self.dW`` (F, C, K) and ``self.db`` (F,); return ``dx: (N, C, L)``."""
        ### BEGIN SOLUTION
        dout = np.asarray(dout)
        n_filters, c, size = self.W.shape
        n, _, length = self.x_shape
        n_out = dout.shape[2]
        d2 = dout.transpose(0, 2, 1).reshape(n * n_out, n_filters)       # (N * L_out, F)
        self.dW = (d2.T @ self.cols).reshape(self.W.shape)
        self.db = np.sum(dout, axis=(0, 2))
        dcols = (d2 @ self.W.reshape(n_filters, c * size)).reshape(n, n_out, c, size)
        dx_p = np.zeros((n, c, length + 2 * self.pad), dtype=np.result_type(dout, self.W))
        last = self.stride * (n_out - 1) + 1
        for k in range(size):
            dx_p[:, :, k:k + last:self.stride] += dcols[:, :, :, k].transpose(0, 2, 1)
        return dx_p[:, :, self.pad:self.pad + length]
        ### END SOLUTION


class MaxPool1D:
    r"""1D max pooling (最大プーリング, Max Pooling): the largest value of each window.

    Forward, for ``x: (N, C, L)``, window ``P = pool_size`` and stride ``S`` (``S = P`` when
    not given: windows side by side), channel by channel:

    .. math:: a_{n,c,i} = \max_{0 \le k < P} x_{n,\,c,\,iS+k}, \qquad
              L_{out} = \left\lfloor \frac{L - P}{S} \right\rfloor + 1

    Backward: only the input that *was* the maximum influenced the output, so the gradient
    ``dout[n, c, i]`` goes to that one position (its ``argmax``) and 0 to the others. When
    several values tie for the maximum, the *first* one gets it (as ``np.argmax`` and
    frameworks do). When windows overlap (``S < P``) one input can be the maximum of several
    windows: its gradients add up.

    Parameters
    ----------
    pool_size : int, the window length ``P``
    stride : int or None, the step between windows (default ``pool_size``)

    Example
    -------
    >>> pool = MaxPool1D(2)
    >>> pool.forward(np.array([[[1.0, 3.0, 2.0, 2.0, 5.0]]]))   # the last 5 is left over
    array([[[3., 2.]]])
    >>> pool.backward(np.array([[[10.0, 20.0]]]))                # to the 3 and the first 2
    array([[[ 0., 10., 20.,  0.,  0.]]])

    The backward pass needs to know *where* each window's maximum was: keep that in forward.
    Stuck? ``hint("sprint7.max_pool1d")`` gives a hint, one level at a time.
    """

    def __init__(self, pool_size, stride=None):
        self.pool_size = pool_size
        self.stride = pool_size if stride is None else stride
        self.x_shape = None
        self.argmax = None         # (N, C, L_out), the position of each maximum in its window

    def forward(self, x):
        """Keep the position of each maximum; return ``a: (N, C, L_out)``."""
        ### BEGIN SOLUTION
        x = np.asarray(x)
        self.x_shape = x.shape
        windows = sliding_window_view(x, self.pool_size, axis=2)[:, :, ::self.stride]
        self.argmax = np.argmax(windows, axis=3)
        return np.take_along_axis(windows, self.argmax[..., None], axis=3)[..., 0]
        ### END SOLUTION

    def backward(self, dout):
        """Return ``dx: (N, C, L)``: ``dout`` at each window's maximum, 0 elsewhere."""
        ### BEGIN SOLUTION
        dout = np.asarray(dout)
        n, c, n_out = dout.shape
        dx = np.zeros(self.x_shape, dtype=dout.dtype)
        positions = np.arange(n_out) * self.stride + self.argmax          # (N, C, L_out)
        ns, cs = np.meshgrid(np.arange(n), np.arange(c), indexing="ij")
        np.add.at(dx, (ns[..., None], cs[..., None], positions), dout)
        return dx
        ### END SOLUTION
