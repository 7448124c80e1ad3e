# Generated from solutions/conv2d.py by `python -m autograder stubs`: edit the stubs below.
r"""Sprint 8: the 2D convolution layer (畳み込み層, convolution layer).

A convolution layer slides each of its ``F`` filters (フィルタ, also kernel カーネル) over the
input image and, at every position, takes the sum of the products of the filter and the patch
of the input under it (積和演算, multiply-accumulate). One filter gives one output channel, a
feature map (特徴マップ); the same filter weights are used at every position: weight sharing
(重み共有).

Shapes (NCHW, as everywhere in the course)::

    x    : (N, C, H, W)       a batch of N images with C channels
    W    : (F, C, FH, FW)     F filters, each C × FH × FW
    b    : (F,)               one bias per filter
    out  : (N, F, OH, OW)     OH = (H + 2·pad − FH) // stride + 1, the same for OW

.. math::

    \text{out}[n, f, i, j] = \sum_{c=0}^{C-1} \sum_{p=0}^{FH-1} \sum_{q=0}^{FW-1}
        x_\text{pad}[n, c,\ i\,s + p,\ j\,s + q]\; W[f, c, p, q] \;+\; b[f]

Strictly this is a *cross-correlation* (相互相関): the filter is **not** flipped, as in every
deep-learning library. The convolution of signal processing flips it first; a learned filter
does not care, but the numbers differ, so do not flip.

The module holds the loop versions (``conv2d_forward_loops``, ``conv2d_backward_loops``:
slow, one formula per line) and the vectorised layer ``Conv2d`` (strided views and one matrix
product: fast).
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv_output_size(input_size, filter_size, stride=1, pad=0):
    r"""The output length of a convolution or pooling along one axis (出力サイズ).

    .. math:: O = \left\lfloor \frac{I + 2P - F}{S} \right\rfloor + 1

    ``I`` the input size, ``F`` the filter size, ``P`` the padding (パディング) added on
    *each* side (so ``2P`` in all), ``S`` the stride (ストライド). The ``+ 1`` counts the first
    position: a filter as wide as the padded input fits exactly once. When ``S`` does not
    divide ``I + 2P − F`` the last pixels that no window reaches are dropped (the floor, as in
    PyTorch).

    Parameters
    ----------
    input_size, filter_size, stride, pad : int

    Returns
    -------
    int, the output size (``>= 1``)

    Raises ``ValueError`` when the filter is larger than the padded input.

    Example
    -------
    >>> conv_output_size(28, 5)                  # MNIST, 5×5 filter: 24×24 feature maps
    24
    >>> conv_output_size(4, 3, stride=1, pad=1)  # "same" padding keeps the size
    4
    >>> conv_output_size(7, 3, stride=2, pad=0)
    3
    >>> conv_output_size(227, 11, stride=4)      # AlexNet's first layer
    55

    Hint: integer division ``//`` (a size is an int), the padding on *both* sides, and the
    ``+ 1``.
    """
    # YOUR CODE HERE
    raise NotImplementedError("conv_output_size: not implemented yet")


def _pad_hw(x, pad):
    """Zero-pad the last two axes (height, width) of ``x: (N, C, H, W)`` by ``pad`` each side.

    The same as ``np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))``, which is general and
    slow on small arrays; an array of zeros and one slice assignment take a third of its time.
    """
    if pad == 0:
        return x
    N, C, H, W = x.shape
    x_pad = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=x.dtype)
    x_pad[:, :, pad:pad + H, pad:pad + W] = x
    return x_pad


def conv2d_forward_loops(x, W, b, stride=1, pad=0):
    r"""The convolution's forward pass (順伝播) with plain Python loops.

    For every sample ``n``, filter ``f`` and output position ``(i, j)``: the *patch* is the
    ``(C, FH, FW)`` block of the padded input whose top-left corner is at row ``i·stride``,
    column ``j·stride`` (all channels); the output is the sum of the element-wise product of
    the patch and the filter ``W[f]``, plus the bias ``b[f]`` — the formula of the module
    docstring, one output at a time.

    Slow (four nested loops in Python) but the formula in plain sight: the reference the fast
    ``Conv2d`` must agree with.

    Parameters
    ----------
    x : (N, C, H, W), the input images
    W : (F, C, FH, FW), the filters
    b : (F,), the biases
    stride : int, the step between two positions of the filter (ストライド)
    pad : int, zeros added on each side of the height and width (ゼロパディング)

    Returns
    -------
    out : (N, F, OH, OW), the feature maps, with ``OH = conv_output_size(H, FH, stride, pad)``
        and the same for ``OW``; the dtype of ``x``

    Example
    -------
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> W = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])      # one 2×2 filter: x[i, j] − x[i+1, j+1]
    >>> conv2d_forward_loops(x, W, np.array([0.5]))
    array([[[[-4.5, -4.5, -4.5],
             [-4.5, -4.5, -4.5],
             [-4.5, -4.5, -4.5]]]])
    >>> conv2d_forward_loops(x, W, np.array([0.0]), stride=2, pad=1).shape
    (1, 1, 3, 3)

    Pad only the height and width axes (``np.pad`` takes one ``(before, after)`` pair per
    axis), and use ``W[f]`` as it is (no flipping: CNNs use the cross-correlation). Stuck?
    ``hint("sprint8.conv2d_forward_loops")`` gives a hint, one level at a time.
    """
    # YOUR CODE HERE
    raise NotImplementedError("conv2d_forward_loops: not implemented yet")


def conv2d_backward_loops(dout, x, W, stride=1, pad=0):
    r"""The convolution's backward pass (逆伝播) with plain Python loops.

    Every output ``out[n, f, i, j]`` was the sum of ``patch ⊙ W[f]`` plus ``b[f]``. Going
    back, its gradient :math:`g = \partial L/\partial\,\text{out}[n, f, i, j]` reaches the
    three things it was made of:

    .. math::

        \frac{\partial L}{\partial W[f]} = \sum_{n, i, j} g_{nfij}\;\text{patch}_{n,i,j},
        \qquad
        \frac{\partial L}{\partial b[f]} = \sum_{n, i, j} g_{nfij},
        \qquad
        \frac{\partial L}{\partial\,\text{patch}_{n,i,j}} \mathrel{+}= \sum_f g_{nfij}\, W[f]

    The same filter and bias were used at *every* position and for *every* sample (weight
    sharing, 重み共有), so their gradients **sum** over the batch and over all positions
    (``+=``, never ``=``); overlapping patches add up in ``dx``. At the end the padding is cut
    away, so that ``dx`` has the shape of ``x``.

    Parameters
    ----------
    dout : (N, F, OH, OW), the gradient of the loss with respect to the output
    x : (N, C, H, W), the input of the forward pass
    W : (F, C, FH, FW), the filters
    stride, pad : int, as in the forward pass

    Returns
    -------
    dx : (N, C, H, W), dW : (F, C, FH, FW), db : (F,)

    Example
    -------
    >>> x = np.arange(9.0).reshape(1, 1, 3, 3)
    >>> W = np.ones((1, 1, 2, 2))
    >>> dx, dW, db = conv2d_backward_loops(np.ones((1, 1, 2, 2)), x, W)
    >>> dx[0, 0]                # how many windows cover each pixel
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    >>> dW[0, 0]                # the sum of the four patches
    array([[ 8., 12.],
           [20., 24.]])
    >>> db
    array([4.])

    Start from zeros and accumulate in the same four loops as the forward pass. Stuck?
    ``hint("sprint8.conv2d_backward_loops")`` gives a hint, one level at a time.
    """
    # YOUR CODE HERE
    raise NotImplementedError("conv2d_backward_loops: not implemented yet")


class Conv2d:
    r"""The vectorised convolution layer (畳み込み層): no Python loop over samples or positions.

    **Forward: im2col** ("image to columns"). Lay each sample's patches out as the *columns*
    of a matrix, and the whole convolution becomes one matrix product:

    .. math::

        \text{cols}_n \;(C·FH·FW,\ OH·OW), \qquad
        W_\text{mat} \;(F,\ C·FH·FW), \qquad
        \text{out}_n = W_\text{mat}\,\text{cols}_n + b \;(F,\ OH·OW) \to (F, OH, OW)

    Column ``k = i·OW + j`` of ``cols_n`` is the patch under output position ``(i, j)``,
    flattened in the same ``(c, p, q)`` order as each row of ``W_mat`` (a filter, flattened);
    ``b`` is added to every column. NumPy's ``sliding_window_view`` gives every window of the
    padded input as a *view* (no copy); keeping every ``stride``-th one, ordering its axes and
    reshaping gives ``cols``. One (batched) matrix product then does all ``N·F·OH·OW`` sums of
    products.

    **Backward**, with ``dout`` as ``D: (N, F, OH*OW)`` and ``W_mat = W.reshape(F, -1)``:

    .. math::

        dW = \sum_n D_n \cdot \text{cols}_n^T \;(F, C·FH·FW), \qquad
        db = \sum_{n, i, j} \text{dout}[n, :, i, j], \qquad
        d\text{cols}_n = W_\text{mat}^T \cdot D_n \;(C·FH·FW, OH·OW)

    and ``dcols`` goes back to image shape (col2im): for each of the ``FH·FW`` filter offsets
    ``(p, q)``, add its slice to ``dx_pad[:, :, p : p + s·OH : s, q : q + s·OW : s]``
    (overlapping windows add up), then cut the padding away. ``dcols`` is ``FH·FW`` times as
    large as the input; the reference makes it for a few samples at a time, so that each chunk
    is still in the CPU's cache when col2im reads it back (a quarter less time than one
    batch-sized ``dcols`` that has to go through main memory).

    Parameters
    ----------
    W : ndarray (F, C, FH, FW), the filters (kept as given: updating ``W`` in place updates the
        layer); b : ndarray (F,), the biases; stride, pad : int

    Attributes
    ----------
    dW : (F, C, FH, FW), db : (F,), set by ``backward``
    needs_dx : bool, default True. A network sets it to False on its first layer: nobody needs
        the gradient of the input image, so ``backward`` may skip it and return ``None``.

    The dtype of the input is kept (float32 images give float32 feature maps when ``W`` is
    float32).

    Example
    -------
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> conv = Conv2d(np.array([[[[1.0, 0.0], [0.0, -1.0]]]]), np.array([0.5]))
    >>> conv.forward(x)
    array([[[[-4.5, -4.5, -4.5],
             [-4.5, -4.5, -4.5],
             [-4.5, -4.5, -4.5]]]])
    >>> dx = conv.backward(np.ones((1, 1, 3, 3)))
    >>> dx[0, 0]
    array([[ 1.,  1.,  1.,  0.],
           [ 1.,  0.,  0., -1.],
           [ 1.,  0.,  0., -1.],
           [ 0., -1., -1., -1.]])
    >>> conv.dW[0, 0], conv.db
    (array([[45., 54.],
           [81., 90.]]), array([9.]))

    Keep ``cols`` (and the input shape) from the forward pass for the backward pass, and test
    your layer against ``conv2d_forward_loops`` on small random inputs. Stuck?
    ``hint("sprint8.conv2d")`` gives a hint, one level at a time.
    """

    def __init__(self, W, b, stride=1, pad=0):
        self.W = W
        self.b = b
        self.stride = stride
        self.pad = pad
        self.needs_dx = True
        self.x_shape = None         # (N, C, H, W) of the input
        self.cols = None            # (N, C*FH*FW, OH*OW), the patches, one column per position
        self.dW = None
        self.db = None

    def forward(self, x):
        """Return the feature maps ``(N, F, OH, OW)``; keep the patches for backward."""
        # YOUR CODE HERE
        raise NotImplementedError("Conv2d.forward: not implemented yet")

    def backward(self, dout):
        """Set ``self.dW``, ``self.db``; return ``dx`` ``(N, C, H, W)`` (``None`` if not needed)."""
        # YOUR CODE HERE
        raise NotImplementedError("Conv2d.backward: not implemented yet")
