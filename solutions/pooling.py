r"""Sprint 8: pooling layers (プーリング層) and Flatten.

A pooling layer shrinks each feature map: it cuts it into windows (usually 2×2, stride 2) and
keeps one number per window, the maximum (max pooling, 最大値プーリング) or the mean (average
pooling, 平均値プーリング). It has no parameters, works on each channel separately (the number
of channels does not change) and makes the network less sensitive to small shifts of the
input (位置ずれに対する頑健性).

Shapes::

    x   : (N, C, H, W)
    out : (N, C, OH, OW)     OH = (H + 2·pad − pool_h) // stride_h + 1, the same for OW

The dtype of the input is kept (float32 in, float32 out).

``stride=None`` (the default) means "as large as the window": windows side by side, no overlap
(``stride_h = pool_h``, ``stride_w = pool_w``).

The forward passes loop only over the few offsets *inside* a window (4 for 2×2), never over
the samples or positions: ``x[:, :, p::s, q::s]`` (one offset of every window at once) is a
view, so the loop costs ``pool_h · pool_w`` whole-array operations.
"""
import numpy as np


def pool_strides(pool_h, pool_w, stride):
    """``(stride_h, stride_w)``: ``stride`` for both, or the window size when ``None``."""
    if stride is None:
        return pool_h, pool_w
    return stride, stride


def window_offsets(x_pad, pool_h, pool_w, sh, sw):
    """Yield ``(k, p, q, view)`` for each offset ``(p, q)`` inside a window, ``k = p * pool_w + q``.

    ``view: (N, C, OH, OW)`` holds the entry at offset ``(p, q)`` of *every* window at once, a
    view of ``x_pad: (N, C, H + 2·pad, W + 2·pad)`` (the padded input): writing into it
    (``view += ...``) writes into ``x_pad``. ``sh``, ``sw`` are the strides; the output size
    follows from them and the padded size: ``OH = (H + 2·pad − pool_h) // sh + 1``, likewise OW.
    Provided: use it in your pooling layers, or slice yourself.

    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> [(k, view[0, 0].tolist()) for k, _, _, view in window_offsets(x, 2, 2, 2, 2)][:2]
    [(0, [[0.0, 2.0], [8.0, 10.0]]), (1, [[1.0, 3.0], [9.0, 11.0]])]
    """
    OH = (x_pad.shape[2] - pool_h) // sh + 1
    OW = (x_pad.shape[3] - pool_w) // sw + 1
    for p in range(pool_h):
        for q in range(pool_w):
            yield (p * pool_w + q, p, q,
                   x_pad[:, :, p:p + sh * (OH - 1) + 1:sh, q:q + sw * (OW - 1) + 1:sw])


class Pool2D:
    """What both pooling layers keep (provided): the window, the stride and the padding.

    ``MaxPool2D`` and ``AveragePool2D`` differ only in what they keep of a window (the
    maximum, the mean); the window itself is set the same way for both, here, as in the
    frameworks (Chainer's ``Pooling2D``, PyTorch's ``_MaxPoolNd``). ``x_shape`` is the
    input's shape, kept by ``forward`` for ``backward``.

    Parameters
    ----------
    pool_h, pool_w : int, the window size; stride : int or None (= the window size);
    pad : int
    """

    def __init__(self, pool_h, pool_w, stride=None, pad=0):
        self.pool_h = pool_h
        self.pool_w = pool_w
        self.stride = stride
        self.pad = pad
        self.x_shape = None


class MaxPool2D(Pool2D):
    r"""Max pooling (最大値プーリング): the largest value of each window.

    .. math:: \text{out}[n, c, i, j] = \max_{0 \le p < PH,\; 0 \le q < PW}
              x_\text{pad}[n, c,\ i\,s_h + p,\ j\,s_w + q]

    **Backward.** Only the maximum of each window reached the output, so only it gets the
    window's gradient; every other position gets 0 (the gradient is *routed*, like a switch,
    not shared). When several entries of a window tie for the maximum, the **first** one in
    row-major order (as ``np.argmax``) gets it all: the total gradient must stay
    ``dout[n, c, i, j]``, not a copy per tie. When windows overlap (``stride < pool``), a pixel
    that is the maximum of two windows receives both gradients (they add up).

    The forward pass keeps ``self.arg_max: (N, C, OH, OW)``, the index ``p * pool_w + q`` of
    the maximum inside each window. Padding (rarely used for pooling) adds ``-inf`` around the
    input, so it is never the maximum.

    **Speed: the backward pass as one scatter.** A backward pass that loops over the offsets
    writes ``dx`` through the strided views ``dx[:, :, p::2, q::2]``: short strided rows (12
    numbers for a 24×24 map), slow for their size. The forward pass can instead also keep
    where each window's maximum sits in the padded input, as *one flat index* into
    ``x_pad.reshape(-1)`` (PyTorch's ``max_pool2d`` keeps the same, its ``indices``)::

        (n·C + c)·HP·WP  +  (i·s_h + p)·WP  +  (j·s_w + q)      HP, WP: the padded size
         the channel         the window's top-left row and column, plus the offset (p, q)

    and the backward pass is a single scatter of ``dout`` into a zero array with
    ``np.add.at``, which adds once per occurrence of an index: where overlapping windows share
    a maximum, the pixel gets both gradients (``dx.flat[index] += dout`` would keep only the
    last). On the first LeNet pooling layer (100 × 30 × 24×24) this backward pass takes
    about 0.4× the time of the loop over offsets, and the forward pass about 1.5× as long.

    Parameters
    ----------
    pool_h, pool_w : int, the window size; stride : int or None (= the window size);
    pad : int

    Example
    -------
    >>> x = np.array([[[[1.0, 2.0, 5.0, 0.0],
    ...                 [3.0, 4.0, 1.0, 1.0],
    ...                 [0.0, 0.0, 2.0, 2.0],
    ...                 [0.0, 9.0, 2.0, 2.0]]]])
    >>> pool = MaxPool2D(2, 2)
    >>> pool.forward(x)
    array([[[[4., 5.],
             [9., 2.]]]])
    >>> pool.backward(np.array([[[[10.0, 20.0], [30.0, 40.0]]]]))   # the tie: first 2 only
    array([[[[ 0.,  0., 20.,  0.],
             [ 0., 10.,  0.,  0.],
             [ 0.,  0., 40.,  0.],
             [ 0., 30.,  0.,  0.]]]])

    Hint: loop over the ``pool_h * pool_w`` offsets of a window (``window_offsets`` gives
    them, ``pool_strides`` the strides); keep the running maximum and
    replace it (and its index) only where a later offset is *strictly* larger: that keeps the
    first maximum of each window (or: first the maximum, then, offset by offset, the first
    position equal to it). In backward, send ``dout`` only where ``arg_max`` is the offset's
    index. Speed: ``arr[mask] = value`` and ``np.where`` branch on every element and are slow
    on large random masks; a product with the mask, ``dout * (arg_max == k)``, is not. Since
    the offsets come in increasing order, "``k`` where strictly larger, else keep" is
    ``np.maximum(arg_max, larger * k)``; ``arg_max`` fits in one byte (``np.uint8``) for
    windows up to 16×16, a quarter of the memory traffic of ``int32``. Either backward, the
    loop over offsets or the scatter above, is correct; the scatter is the faster one.
    """

    def __init__(self, pool_h, pool_w, stride=None, pad=0):
        super().__init__(pool_h, pool_w, stride, pad)
        self.arg_max = None         # (N, C, OH, OW), index p * pool_w + q of each window's max
        self.max_index = None       # (optional) its flat index in x_pad, for a scatter backward

    def forward(self, x):
        """Return the pooled maps ``(N, C, OH, OW)``; keep ``arg_max`` and the input shape."""
        ### BEGIN SOLUTION
        sh, sw = pool_strides(self.pool_h, self.pool_w, self.stride)
        p = self.pad
        x_pad = x if p == 0 else np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)),
                                        constant_values=-np.inf)
        offsets = window_offsets(x_pad, self.pool_h, self.pool_w, sh, sw)
        out = next(offsets)[3].copy()               # offset 0: the running maximum so far
        N, C, OH, OW = out.shape
        # the index fits in one byte for windows up to 16×16: less memory to write and read
        index = np.uint8 if self.pool_h * self.pool_w <= 256 else np.intp
        arg_max = np.zeros((N, C, OH, OW), dtype=index)
        for k, _, _, view in offsets:
            larger = view > out                     # strictly: a tie keeps the earlier offset
            np.maximum(out, view, out=out)
            # offsets come in increasing k, so "k where larger, else keep" is a maximum: a
            # product with the mask and no branch per element (np.where would branch)
            np.maximum(arg_max, larger * index(k), out=arg_max)
        # where each window's maximum sits in x_pad, as one flat index (what PyTorch's
        # max_pool2d keeps, its "indices"): the backward pass is then a single scatter
        _, _, HP, WP = x_pad.shape
        step = np.array([i * WP + j for i in range(self.pool_h) for j in range(self.pool_w)])
        max_index = step[arg_max]                       # offset k: its distance from the corner
        max_index += np.arange(N * C).reshape(N, C, 1, 1) * (HP * WP)   # + the channel's start
        max_index += np.arange(OH).reshape(OH, 1) * (sh * WP) + np.arange(OW) * sw  # + corner
        self.x_shape, self.arg_max, self.max_index = x.shape, arg_max, max_index
        return out
        ### END SOLUTION

    def backward(self, dout):
        """Return ``dx`` ``(N, C, H, W)``: each window's gradient at its maximum, 0 elsewhere."""
        ### BEGIN SOLUTION
        N, C, H, W = self.x_shape
        p = self.pad
        dx_pad = np.zeros((N, C, H + 2 * p, W + 2 * p), dtype=dout.dtype)
        # each window's gradient goes to its maximum's flat index; np.add.at adds once per
        # occurrence of an index, so a pixel that is the maximum of two overlapping windows
        # gets both gradients (dx.flat[index] += dout would keep only one of them)
        np.add.at(dx_pad.reshape(-1), self.max_index.reshape(-1), dout.reshape(-1))
        return dx_pad[:, :, p:p + H, p:p + W]
        ### END SOLUTION


class AveragePool2D(Pool2D):
    r"""Average pooling (平均値プーリング): the mean of each window.

    .. math:: \text{out}[n, c, i, j] = \frac{1}{PH \cdot PW} \sum_{p, q}
              x_\text{pad}[n, c,\ i\,s_h + p,\ j\,s_w + q]

    **Backward.** Every entry of a window counted ``1 / (PH·PW)`` in its mean, so each gets
    ``dout[n, c, i, j] / (PH·PW)``; overlapping windows add up. Padding adds zeros, and they
    count in the mean (PyTorch's default, ``count_include_pad=True``).

    Parameters
    ----------
    pool_h, pool_w, stride, pad : as for ``Pool2D``

    Example
    -------
    >>> x = np.array([[[[1.0, 3.0, 0.0, 0.0],
    ...                 [5.0, 7.0, 0.0, 4.0]]]])
    >>> pool = AveragePool2D(2, 2)
    >>> pool.forward(x)
    array([[[[4., 1.]]]])
    >>> pool.backward(np.array([[[[8.0, 4.0]]]]))
    array([[[[2., 2., 1., 1.],
             [2., 2., 1., 1.]]]])

    Hint: divide by the window's area in the backward pass too: the mean's derivative with
    respect to each entry is ``1 / (PH·PW)``, not 1.
    """

    def forward(self, x):
        """Return the pooled maps ``(N, C, OH, OW)``; keep the input shape."""
        ### BEGIN SOLUTION
        sh, sw = pool_strides(self.pool_h, self.pool_w, self.stride)
        p = self.pad
        x_pad = x if p == 0 else np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
        offsets = window_offsets(x_pad, self.pool_h, self.pool_w, sh, sw)
        out = next(offsets)[3].copy()               # offset 0, then the others added to it
        for _, _, _, view in offsets:
            out += view
        self.x_shape = x.shape
        return out / np.asarray(self.pool_h * self.pool_w, dtype=out.dtype)
        ### END SOLUTION

    def backward(self, dout):
        """Return ``dx`` ``(N, C, H, W)``: ``dout / (PH·PW)`` to every entry of its window."""
        ### BEGIN SOLUTION
        N, C, H, W = self.x_shape
        sh, sw = pool_strides(self.pool_h, self.pool_w, self.stride)
        p = self.pad
        share = dout / np.asarray(self.pool_h * self.pool_w, dtype=dout.dtype)
        dx_pad = np.zeros((N, C, H + 2 * p, W + 2 * p), dtype=share.dtype)
        for _, _, _, view in window_offsets(dx_pad, self.pool_h, self.pool_w, sh, sw):
            view += share
        return dx_pad[:, :, p:p + H, p:p + W]
        ### END SOLUTION


class Flatten:
    r"""Flatten (平坦化): images ``(N, C, H, W)`` to rows ``(N, C·H·W)`` for an Affine layer.

    Nothing is computed, values are only re-arranged, so the backward pass re-arranges the
    gradient back: ``dx = dout.reshape(the input's shape)``.

    Example
    -------
    >>> flat = Flatten()
    >>> flat.forward(np.arange(12.0).reshape(2, 3, 2, 1)).shape
    (2, 6)
    >>> flat.backward(np.ones((2, 6))).shape
    (2, 3, 2, 1)

    Hint: keep ``x.shape`` in forward (backward needs it); the batch axis N stays, and
    every other axis is laid out into one (NumPy can work out its length, C · H · W).
    """

    def __init__(self):
        self.x_shape = None

    def forward(self, x):
        """Return ``x`` as ``(N, C·H·W)``; keep its shape."""
        ### BEGIN SOLUTION
        self.x_shape = x.shape
        return x.reshape(x.shape[0], -1)
        ### END SOLUTION

    def backward(self, dout):
        """Return ``dout`` in the input's shape."""
        ### BEGIN SOLUTION
        return dout.reshape(self.x_shape)
        ### END SOLUTION
