"""Sprint 8 (2D convolution, pooling, parameter counts): implementations a learner could write."""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from autograder.exercises.sprint8 import (
    _AveragePoolBackwardNotDivided,
    _AveragePoolStrideOne,
    _MaxPoolStrideOne,
    _size_no_plus_one,
    _size_true_division,
)
from solutions.conv2d import Conv2d, conv2d_backward_loops, conv2d_forward_loops, conv_output_size
from solutions.pooling import AveragePool2D, Flatten, MaxPool2D, pool_strides, window_offsets

from . import FLOAT32, KeepsInput, correct, mistake, undetectable


# --------------------------------------------------------------------------- conv_output_size
@correct("sprint8.conv_output_size")
def conv_size_formula(input_size, filter_size, stride=1, pad=0):
    if filter_size > input_size + 2 * pad:
        raise ValueError("the filter does not fit")
    return (input_size + 2 * pad - filter_size) // stride + 1


@correct("sprint8.conv_output_size")
def conv_size_floor(input_size, filter_size, stride=1, pad=0):
    span = input_size + 2 * pad - filter_size
    if span < 0:
        raise ValueError(f"filter {filter_size} > padded input {input_size + 2 * pad}")
    return int(np.floor(span / stride)) + 1


mistake("sprint8.conv_output_size", hint="Off by one")(_size_no_plus_one)


mistake("sprint8.conv_output_size", hint="integer division")(_size_true_division)


@mistake("sprint8.conv_output_size")
def conv_size_never_raises(input_size, filter_size, stride=1, pad=0):
    # A filter larger than the padded input gives a size <= 0 instead of a ValueError.
    return (input_size + 2 * pad - filter_size) // stride + 1


# --------------------------------------------------------------------------- forward loops
def _book_forward_loops(x, W, b, stride, pad, *, flip=False, step=None, dtype=None):
    """The book's four loops over samples, filters and output positions (``flip``: the
    filter flipped; ``step``: the windows' step, ``stride`` unless given; ``dtype``: the
    output's, ``x``'s unless given)."""
    N, C, H, Wd = x.shape
    F, _, FH, FW = W.shape
    OH = conv_output_size(H, FH, stride, pad)
    OW = conv_output_size(Wd, FW, stride, pad)
    x_pad = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)], "constant")
    step = stride if step is None else step
    out = np.zeros((N, F, OH, OW), dtype=x.dtype if dtype is None else dtype)
    for n in range(N):
        for f in range(F):
            for i in range(OH):
                for j in range(OW):
                    patch = x_pad[n, :, i * step:i * step + FH, j * step:j * step + FW]
                    out[n, f, i, j] = np.sum(patch * (np.flip(W[f], axis=(1, 2)) if flip
                                                      else W[f])) + b[f]
    return out


@correct("sprint8.conv2d_forward_loops")
def forward_loops_book(x, W, b, stride=1, pad=0):
    return _book_forward_loops(x, W, b, stride, pad)


@correct("sprint8.conv2d_forward_loops")
def forward_loops_einsum_per_position(x, W, b, stride=1, pad=0):
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    F, C, FH, FW = W.shape
    OH = (x_pad.shape[2] - FH) // stride + 1
    OW = (x_pad.shape[3] - FW) // stride + 1
    out = np.empty((x.shape[0], F, OH, OW), dtype=np.result_type(x, W))
    for i in range(OH):
        for j in range(OW):
            patch = x_pad[:, :, i * stride:i * stride + FH, j * stride:j * stride + FW]
            out[:, :, i, j] = np.einsum("nchw,fchw->nf", patch, W) + b
    return out


@mistake("sprint8.conv2d_forward_loops", hint="You flipped the filter")
def forward_loops_flipped(x, W, b, stride=1, pad=0):
    # np.flip of the filter: the convolution of signal processing.
    return _book_forward_loops(x, W, b, stride, pad, flip=True)


@mistake("sprint8.conv2d_forward_loops", hint="not at (i, j)")
def forward_loops_stride_ignored(x, W, b, stride=1, pad=0):
    return _book_forward_loops(x, W, b, stride, pad, step=1, dtype=float)


@mistake("sprint8.conv2d_forward_loops", xfail=FLOAT32)
def forward_loops_always_float64(x, W, b, stride=1, pad=0):
    return _book_forward_loops(x, W, b, stride, pad, dtype=float)   # float64 whatever x is


# --------------------------------------------------------------------------- backward loops
def _window_backward_loops(dout, x, W, stride, pad, *, assign=False, crop=True):
    """Three loops (sample, output row, output column), every filter at once: a window gives
    dW ``dout[n, :, i, j]`` times itself and dx ``dout[n, :, i, j]`` times the filters
    (``assign``: ``=`` instead of ``+=`` for dW and db; ``crop``: cut the padding off dx)."""
    N, C, H, Wd = x.shape
    F, _, FH, FW = W.shape
    _, _, OH, OW = dout.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dx_pad, dW, db = np.zeros_like(x_pad), np.zeros_like(W), np.zeros(F)
    for n in range(N):
        for i in range(OH):
            for j in range(OW):
                rows = slice(i * stride, i * stride + FH)
                cols = slice(j * stride, j * stride + FW)
                g = dout[n, :, i, j]                                      # (F,)
                dW = g[:, None, None, None] * x_pad[n, :, rows, cols] + (0 if assign else dW)
                db = g + (0 if assign else db)
                dx_pad[n, :, rows, cols] += np.tensordot(g, W, axes=1)   # (C, FH, FW)
    return (dx_pad[:, :, pad:pad + H, pad:pad + Wd] if crop else dx_pad), dW, db


@correct("sprint8.conv2d_backward_loops")
def backward_loops_filters_at_once(dout, x, W, stride=1, pad=0):
    return _window_backward_loops(dout, x, W, stride, pad)


@correct("sprint8.conv2d_backward_loops")
def backward_loops_per_offset(dout, x, W, stride=1, pad=0):
    F, C, FH, FW = W.shape
    _, _, OH, OW = dout.shape
    H, Wd = x.shape[2:]
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dx_pad = np.zeros(x_pad.shape)
    dW = np.zeros(W.shape)
    s = stride
    for p in range(FH):
        for q in range(FW):
            view = x_pad[:, :, p:p + s * (OH - 1) + 1:s, q:q + s * (OW - 1) + 1:s]
            dW[:, :, p, q] = np.einsum("nfij,ncij->fc", dout, view)
            dx_pad[:, :, p:p + s * (OH - 1) + 1:s, q:q + s * (OW - 1) + 1:s] += np.einsum(
                "nfij,fc->ncij", dout, W[:, :, p, q])
    return dx_pad[:, :, pad:pad + H, pad:pad + Wd], dW, dout.sum(axis=(0, 2, 3))


@mistake("sprint8.conv2d_backward_loops", hint="*sum* the contributions")
def backward_loops_assign(dout, x, W, stride=1, pad=0):
    return _window_backward_loops(dout, x, W, stride, pad, assign=True)


@mistake("sprint8.conv2d_backward_loops", hint="cut the padding away")
def backward_loops_keeps_padding(dout, x, W, stride=1, pad=0):
    return _window_backward_loops(dout, x, W, stride, pad, crop=False)


# --------------------------------------------------------------------------- Conv2d
@correct("sprint8.conv2d")
class Conv2dEinsumWindows(Conv2d):
    # the stub's __init__ kept, both methods written with einsum over the windows
    def forward(self, x):
        F, C, FH, FW = self.W.shape
        p, s = self.pad, self.stride
        self.x_shape = x.shape
        x_pad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
        self.windows = sliding_window_view(x_pad, (FH, FW), axis=(2, 3))[:, :, ::s, ::s]
        return np.einsum("ncijpq,fcpq->nfij", self.windows, self.W) + self.b[:, None, None]

    def backward(self, dout):
        N, C, H, Wd = self.x_shape
        F, _, FH, FW = self.W.shape
        p, s = self.pad, self.stride
        _, _, OH, OW = dout.shape
        self.dW = np.einsum("nfij,ncijpq->fcpq", dout, self.windows)
        self.db = dout.sum(axis=(0, 2, 3))
        dx_pad = np.zeros((N, C, H + 2 * p, Wd + 2 * p), dtype=np.result_type(dout, self.W))
        for a in range(FH):
            for c in range(FW):
                dx_pad[:, :, a:a + s * OH:s, c:c + s * OW:s] += np.einsum(
                    "nfij,fk->nkij", dout, self.W[:, :, a, c])
        return dx_pad[:, :, p:p + H, p:p + Wd]


@correct("sprint8.conv2d")
class Conv2dBookIm2col:
    # The book's im2col: one row per output position, columns ordered (C, FH, FW).
    def __init__(self, W, b, stride=1, pad=0):
        self.W, self.b, self.stride, self.pad = W, b, stride, pad
        self.needs_dx = True

    def forward(self, x):
        FN, C, FH, FW = self.W.shape
        N, _, H, Wd = x.shape
        out_h = 1 + (H + 2 * self.pad - FH) // self.stride
        out_w = 1 + (Wd + 2 * self.pad - FW) // self.stride
        img = np.pad(x, [(0, 0), (0, 0), (self.pad, self.pad), (self.pad, self.pad)])
        col = np.zeros((N, C, FH, FW, out_h, out_w), dtype=x.dtype)
        for y in range(FH):
            y_max = y + self.stride * out_h
            for xx in range(FW):
                x_max = xx + self.stride * out_w
                col[:, :, y, xx, :, :] = img[:, :, y:y_max:self.stride, xx:x_max:self.stride]
        self.col = col.transpose(0, 4, 5, 1, 2, 3).reshape(N * out_h * out_w, -1)
        self.col_W = self.W.reshape(FN, -1).T
        self.x_shape = x.shape
        out = np.dot(self.col, self.col_W) + self.b
        return out.reshape(N, out_h, out_w, -1).transpose(0, 3, 1, 2)

    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        N, _, H, Wd = self.x_shape
        out_h, out_w = dout.shape[2:]
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        self.db = np.sum(dout, axis=0)
        self.dW = np.dot(self.col.T, dout).transpose(1, 0).reshape(FN, C, FH, FW)
        dcol = np.dot(dout, self.col_W.T)
        col = dcol.reshape(N, out_h, out_w, C, FH, FW).transpose(0, 3, 4, 5, 1, 2)
        s, p = self.stride, self.pad
        img = np.zeros((N, C, H + 2 * p + s - 1, Wd + 2 * p + s - 1), dtype=dcol.dtype)
        for y in range(FH):
            y_max = y + s * out_h
            for xx in range(FW):
                x_max = xx + s * out_w
                img[:, :, y:y_max:s, xx:x_max:s] += col[:, :, y, xx, :, :]
        return img[:, :, p:H + p, p:Wd + p]


@mistake("sprint8.conv2d", hint="With stride s, filter offset (p, q)")
class Conv2dStrideIgnoredInBackward(Conv2d):
    def backward(self, dout):
        super().backward(dout)
        N, C, H, Wd = self.x_shape
        F, _, FH, FW = self.W.shape
        _, _, OH, OW = dout.shape
        p = self.pad
        dcols = (self.W.reshape(F, -1).T @ dout.reshape(N, F, OH * OW)).reshape(
            N, C, FH, FW, OH, OW)
        dx_pad = np.zeros((N, C, H + 2 * p, Wd + 2 * p), dtype=dcols.dtype)
        for i in range(FH):
            for j in range(FW):
                dx_pad[:, :, i:i + OH, j:j + OW] += dcols[:, :, i, j]
        return dx_pad[:, :, p:p + H, p:p + Wd]


@mistake("sprint8.conv2d", hint="The rows of cols must follow W.reshape(F, -1)")
class Conv2dChannelLastPatches(Conv2d):
    def forward(self, x):
        F, C, FH, FW = self.W.shape
        s, p = self.stride, self.pad
        x_pad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
        windows = sliding_window_view(x_pad, (FH, FW), axis=(2, 3))[:, :, ::s, ::s]
        N, _, OH, OW = windows.shape[:4]
        self.cols = windows.transpose(0, 4, 5, 1, 2, 3).reshape(N, FH * FW * C, OH * OW)
        self.x_shape = x.shape
        return (self.W.reshape(F, -1) @ self.cols + self.b[:, None]).reshape(N, F, OH, OW)


@mistake("sprint8.conv2d", hint="do not divide by OH·OW")
class Conv2dGradientMean(Conv2d):
    def backward(self, dout):
        dx = super().backward(dout)
        self.dW = self.dW / (dout.shape[2] * dout.shape[3])
        self.db = self.db / (dout.shape[2] * dout.shape[3])
        return dx


@mistake("sprint8.conv2d", xfail=FLOAT32)
class Conv2dAlwaysFloat64(Conv2d):
    def forward(self, x):
        return super().forward(x.astype(np.float64))


# --------------------------------------------------------------------------- MaxPool2D
@correct("sprint8.max_pool2d")
class MaxPoolLoops:
    def __init__(self, pool_h, pool_w, stride=None, pad=0):
        self.ph, self.pw, self.pad = pool_h, pool_w, pad
        self.sh, self.sw = (pool_h, pool_w) if stride is None else (stride, stride)

    def forward(self, x):
        N, C, H, W = x.shape
        p = self.pad
        xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), constant_values=-np.inf)
        OH = (H + 2 * p - self.ph) // self.sh + 1
        OW = (W + 2 * p - self.pw) // self.sw + 1
        out = np.zeros((N, C, OH, OW), dtype=x.dtype)
        self.arg = np.zeros((N, C, OH, OW), dtype=int)
        for i in range(OH):
            for j in range(OW):
                win = xp[:, :, i * self.sh:i * self.sh + self.ph, j * self.sw:j * self.sw + self.pw]
                flat = win.reshape(N, C, -1)
                self.arg[:, :, i, j] = flat.argmax(axis=2)
                out[:, :, i, j] = flat.max(axis=2)
        self.x_shape = x.shape
        return out

    def backward(self, dout):
        N, C, H, W = self.x_shape
        p = self.pad
        dxp = np.zeros((N, C, H + 2 * p, W + 2 * p), dtype=dout.dtype)
        n_idx, c_idx = np.meshgrid(np.arange(N), np.arange(C), indexing="ij")
        for i in range(dout.shape[2]):
            for j in range(dout.shape[3]):
                r = i * self.sh + self.arg[:, :, i, j] // self.pw
                c = j * self.sw + self.arg[:, :, i, j] % self.pw
                np.add.at(dxp, (n_idx, c_idx, r, c), dout[:, :, i, j])
        return dxp[:, :, p:p + H, p:p + W]


@correct("sprint8.max_pool2d")
class MaxPoolWindows:
    def __init__(self, pool_h, pool_w, stride=None, pad=0):
        self.pool_h, self.pool_w, self.stride, self.pad = pool_h, pool_w, stride, pad

    def forward(self, x):
        from numpy.lib.stride_tricks import sliding_window_view

        sh, sw = pool_strides(self.pool_h, self.pool_w, self.stride)
        p = self.pad
        xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), constant_values=-np.inf)
        w = sliding_window_view(xp, (self.pool_h, self.pool_w), axis=(2, 3))[:, :, ::sh, ::sw]
        w = w.reshape(*w.shape[:4], -1)
        self.x_shape, self.arg = x.shape, w.argmax(axis=4)
        return w.max(axis=4)

    def backward(self, dout):
        N, C, H, W = self.x_shape
        sh, sw = pool_strides(self.pool_h, self.pool_w, self.stride)
        p = self.pad
        dxp = np.zeros((N, C, H + 2 * p, W + 2 * p), dtype=dout.dtype)
        for k, _, _, view in window_offsets(dxp, self.pool_h, self.pool_w, sh, sw):
            view += dout * (self.arg == k)
        return dxp[:, :, p:p + H, p:p + W]


mistake("sprint8.max_pool2d", hint="stride=None means windows side by side")(_MaxPoolStrideOne)


@mistake("sprint8.max_pool2d", hint="give the gradient to the *first* one only")
class MaxPoolMaskTies(KeepsInput, MaxPool2D):
    def backward(self, dout):
        N, C, H, W = self.x_shape
        sh, sw = pool_strides(self.pool_h, self.pool_w, self.stride)
        p = self.pad
        xp = np.pad(self.x, ((0, 0), (0, 0), (p, p), (p, p)), constant_values=-np.inf)
        out = super().forward(self.x)
        dxp = np.zeros(xp.shape)
        views = window_offsets(dxp, self.pool_h, self.pool_w, sh, sw)
        xviews = window_offsets(xp, self.pool_h, self.pool_w, sh, sw)
        for (_, _, _, view), (_, _, _, xv) in zip(views, xviews):
            view += dout * (xv == out)
        return dxp[:, :, p:p + H, p:p + W]


@mistake("sprint8.max_pool2d")
class MaxPoolPadsWithZeros(MaxPool2D):
    # Zero padding: a 0 beats negative inputs and steals their gradient.
    def forward(self, x):
        p = self.pad
        xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
        self.pad = 0
        out = super().forward(xp)
        self.pad, self.x_shape = p, x.shape
        return out


# --------------------------------------------------------------------------- AveragePool2D
@correct("sprint8.average_pool2d")
class AveragePoolWindows:
    def __init__(self, pool_h, pool_w, stride=None, pad=0):
        self.pool_h, self.pool_w, self.pad = pool_h, pool_w, pad
        self.stride = stride

    def forward(self, x):
        from numpy.lib.stride_tricks import sliding_window_view

        sh, sw = pool_strides(self.pool_h, self.pool_w, self.stride)
        p = self.pad
        xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
        self.x_shape = x.shape
        return sliding_window_view(xp, (self.pool_h, self.pool_w),
                                   axis=(2, 3))[:, :, ::sh, ::sw].mean(axis=(4, 5))

    def backward(self, dout):
        N, C, H, W = self.x_shape
        sh, sw = pool_strides(self.pool_h, self.pool_w, self.stride)
        p = self.pad
        dxp = np.zeros((N, C, H + 2 * p, W + 2 * p), dtype=dout.dtype)
        share = dout / (self.pool_h * self.pool_w)
        for i in range(dout.shape[2]):
            for j in range(dout.shape[3]):
                dxp[:, :, i * sh:i * sh + self.pool_h, j * sw:j * sw + self.pool_w] += \
                    share[:, :, i:i + 1, j:j + 1]
        return dxp[:, :, p:p + H, p:p + W]


@correct("sprint8.average_pool2d")
class AveragePoolOffsets(AveragePool2D):
    def forward(self, x):
        sh, sw = pool_strides(self.pool_h, self.pool_w, self.stride)
        p = self.pad
        xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
        self.x_shape = x.shape
        views = [v for *_, v in window_offsets(xp, self.pool_h, self.pool_w, sh, sw)]
        return np.mean(views, axis=0).astype(x.dtype)


mistake("sprint8.average_pool2d",
        hint="divide dout by the window's area")(_AveragePoolBackwardNotDivided)


mistake("sprint8.average_pool2d",
        hint="stride=None means windows side by side")(_AveragePoolStrideOne)


# --------------------------------------------------------------------------- Flatten
@correct("sprint8.flatten")
class FlattenReshape:
    def forward(self, x):
        self.shape = x.shape
        return x.reshape(len(x), -1)

    def backward(self, dout):
        return dout.reshape(*self.shape)


@correct("sprint8.flatten")
class FlattenProduct:
    def forward(self, x):
        self.x_shape = x.shape
        return np.reshape(x, (x.shape[0], int(np.prod(x.shape[1:]))))

    def backward(self, dout):
        return np.reshape(dout, self.x_shape)


@mistake("sprint8.flatten", hint="Keep the batch axis")
class FlattenEverything(Flatten):
    def forward(self, x):
        self.x_shape = x.shape
        return x.ravel()


@mistake("sprint8.flatten")
class FlattenColumnMajor(Flatten):
    def forward(self, x):
        self.x_shape = x.shape
        return x.reshape(x.shape[0], -1, order="F")


# --------------------------------------------------------------------------- count_parameters
def _per_layer(layers, input_shape, conv, affine, pool_stride=None):
    """``[(output shape, n)]`` down the network: ``n = conv(F, C, k, OH, OW)`` for a conv layer,
    ``affine(D, M)`` for an affine one, 0 for a pool (its default stride ``pool_stride``, or
    its size when ``None``)."""
    shape, out = tuple(input_shape), []
    for layer in layers:
        if layer["type"] == "affine":
            D, M = int(np.prod(shape)), layer["units"]
            shape, n = (M,), affine(D, M)
        else:
            C, H, W = shape
            k, p = layer["size"], layer.get("pad", 0)
            s = layer.get("stride", 1 if layer["type"] == "conv" else pool_stride or k)
            OH, OW = conv_output_size(H, k, s, p), conv_output_size(W, k, s, p)
            if layer["type"] == "conv":
                F = layer["filters"]
                shape, n = (F, OH, OW), conv(F, C, k, OH, OW)
            else:
                shape, n = (C, OH, OW), 0
        out.append((shape, n))
    return out


@correct("sprint8.count_parameters")
def count_parameters_walk(layers, input_shape):
    return _per_layer(layers, input_shape, conv=lambda F, C, k, OH, OW: F * C * k * k + F,
                      affine=lambda D, M: D * M + M)


@correct("sprint8.count_parameters")
def count_parameters_branches(layers, input_shape):
    c, h, w = input_shape
    flat = None
    result = []
    for layer in layers:
        kind = layer["type"]
        if kind == "affine":
            d = flat if flat is not None else c * h * w
            m = layer["units"]
            result.append(((m,), d * m + m))
            flat = m
            continue
        k = layer["size"]
        if kind == "conv":
            s, p = layer.get("stride", 1), layer.get("pad", 0)
            params = layer["filters"] * (c * k * k + 1)
            c = layer["filters"]
        else:
            s, p = layer.get("stride") or k, 0
            params = 0
        h, w = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
        result.append(((c, h, w), params))
    return result


@mistake("sprint8.count_parameters", hint="Count the biases too")
def count_parameters_no_bias(layers, input_shape):
    return _per_layer(layers, input_shape, conv=lambda F, C, k, OH, OW: F * C * k * k,
                      affine=lambda D, M: D * M)


@mistake("sprint8.count_parameters")
def count_parameters_pool_stride_one(layers, input_shape):
    # the default stride of a pool is the window size, not 1
    return _per_layer(layers, input_shape, conv=lambda F, C, k, OH, OW: F * C * k * k + F,
                      affine=lambda D, M: D * M + M, pool_stride=1)


@undetectable("sprint8.conv2d",
              why="the vectorised layer written with four Python loops gives the same numbers; "
                  "the cases are small, so it finishes long before the time limit",
              human="the notebook's timing cell (Conv2d against conv2d_forward_loops on MNIST "
                    "batches) shows no speed-up")
class Conv2dWithLoops:
    def __init__(self, W, b, stride=1, pad=0):
        self.W, self.b, self.stride, self.pad = W, b, stride, pad
        self.needs_dx = True

    def forward(self, x):
        self.x = x
        return conv2d_forward_loops(x, self.W, self.b, self.stride, self.pad)

    def backward(self, dout):
        dx, self.dW, self.db = conv2d_backward_loops(dout, self.x, self.W, self.stride, self.pad)
        return dx


# --------------------------------------------------------------------------- count_macs
@correct("sprint8.count_macs")
def count_macs_walk(layers, input_shape):
    return [n for _, n in _per_layer(layers, input_shape,
                                     conv=lambda F, C, k, OH, OW: F * OH * OW * C * k * k,
                                     affine=lambda D, M: D * M)]


@correct("sprint8.count_macs")
def count_macs_from_the_parameter_counts(layers, input_shape):
    # every weight (not bias) is used once per output position: MACs = weights × positions
    macs, c = [], input_shape[0]
    h, w = input_shape[1], input_shape[2]
    for layer in layers:
        if layer["type"] == "affine":
            d = c * h * w
            macs.append(int(d * layer["units"]))
            c, h, w = layer["units"], 1, 1
            continue
        k = layer["size"]
        s = layer.get("stride", 1 if layer["type"] == "conv" else k)
        p = layer.get("pad", 0)
        h, w = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
        if layer["type"] == "conv":
            weights = layer["filters"] * c * k * k
            macs.append(int(weights * h * w))
            c = layer["filters"]
        else:
            macs.append(0)
    return macs


@mistake("sprint8.count_macs", hint="used at every output position")
def count_macs_weights_only(layers, input_shape):
    return [n for _, n in _per_layer(layers, input_shape,
                                     conv=lambda F, C, k, OH, OW: F * C * k * k,
                                     affine=lambda D, M: D * M)]


@mistake("sprint8.count_macs", hint="not a multiply-add")
def count_macs_with_the_bias(layers, input_shape):
    return [n for _, n in _per_layer(layers, input_shape,
                                     conv=lambda F, C, k, OH, OW: F * OH * OW * (C * k * k + 1),
                                     affine=lambda D, M: D * M + M)]
