"""Sprint 7 (1D convolution and pooling): implementations a learner could write."""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from autograder.exercises.sprint7 import _PoolStrideOne
from solutions.conv1d import Conv1d, MaxPool1D, SimpleConv1d, conv1d_output_size, pad1d

from . import FLOAT32, INT_LABELS, KeepsInput, correct, mistake


# --------------------------------------------------------------------------- output size
@correct("sprint7.conv1d_output_size")
def output_size_formula(n_in, filter_size, pad=0, stride=1):
    return (n_in + 2 * pad - filter_size) // stride + 1


@correct("sprint7.conv1d_output_size")
def output_size_count_positions(n_in, filter_size, pad=0, stride=1):
    return len(range(0, n_in + 2 * pad - filter_size + 1, stride))


@correct("sprint7.conv1d_output_size")
def output_size_int_division(n_in, filter_size, pad=0, stride=1):
    return int((n_in + 2 * pad - filter_size) / stride) + 1


@mistake("sprint7.conv1d_output_size", hint="Off by one")
def output_size_no_plus_one(n_in, filter_size, pad=0, stride=1):
    return (n_in + 2 * pad - filter_size) // stride


@mistake("sprint7.conv1d_output_size", hint="on *both* sides")
def output_size_pad_once(n_in, filter_size, pad=0, stride=1):
    return (n_in + pad - filter_size) // stride + 1


@mistake("sprint7.conv1d_output_size")
def output_size_true_division(n_in, filter_size, pad=0, stride=1):
    return (n_in + 2 * pad - filter_size) / stride + 1


# --------------------------------------------------------------------------- SimpleConv1d
@correct("sprint7.simple_conv1d")
class SimpleConvLoops:
    def __init__(self, W, b):
        self.W = W
        self.b = b

    def forward(self, x):
        self.x = x
        K = len(self.W)
        a = np.zeros(len(x) - K + 1, dtype=np.result_type(x, self.W))
        for i in range(len(a)):
            a[i] = np.sum(x[i:i + K] * self.W) + self.b[0]
        return a

    def backward(self, dout):
        K = len(self.W)
        self.dW = np.zeros_like(self.W)
        self.db = np.array([dout.sum()], dtype=dout.dtype)
        dx = np.zeros_like(self.x)
        for i in range(len(dout)):
            self.dW += dout[i] * self.x[i:i + K]
            dx[i:i + K] += dout[i] * self.W
        return dx


@correct("sprint7.simple_conv1d")
class SimpleConvNumpyCorrelate:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.x = x
        return np.correlate(x, self.W, mode="valid") + self.b

    def backward(self, dout):
        self.dW = np.correlate(self.x, dout, mode="valid")
        self.db = np.sum(dout, keepdims=True)
        return np.convolve(dout, self.W, mode="full")


@mistake("sprint7.simple_conv1d")
class SimpleConvNpConvolve(SimpleConv1d):
    # np.convolve flips the filter: a true convolution, not what CNNs compute.
    def forward(self, x):
        self.x = x
        return np.convolve(x, self.W, mode="valid") + self.b


@mistake("sprint7.simple_conv1d", hint="its gradient is the *sum* of dout")
class SimpleConvDbNotSummed(SimpleConv1d):
    def backward(self, dout):
        dx = super().backward(dout)
        self.db = dout.copy()
        return dx


# --------------------------------------------------------------------------- pad1d
@correct("sprint7.pad1d")
def pad1d_pad_width(x, pad):
    width = [(0, 0)] * x.ndim
    width[-1] = (pad, pad)
    return np.pad(x, width, mode="constant", constant_values=0)


@correct("sprint7.pad1d")
def pad1d_zeros_and_slice(x, pad):
    out = np.zeros(x.shape[:-1] + (x.shape[-1] + 2 * pad,), dtype=x.dtype)
    out[..., pad:pad + x.shape[-1]] = x
    return out


@mistake("sprint7.pad1d", hint="pads *every* axis")
def pad1d_every_axis(x, pad):
    return np.pad(x, pad)


@mistake("sprint7.pad1d", xfail=INT_LABELS)
def pad1d_concatenate_float_zeros(x, pad):
    zeros = np.zeros(x.shape[:-1] + (pad,))
    return np.concatenate([zeros, x, zeros], axis=-1)


@mistake("sprint7.pad1d")
def pad1d_returns_x_when_no_pad(x, pad):
    if pad == 0:
        return x
    return np.pad(x, [(0, 0)] * (x.ndim - 1) + [(pad, pad)])


# --------------------------------------------------------------------------- Conv1d
@correct("sprint7.conv1d")
class Conv1dLoops:
    def __init__(self, W, b, stride=1, pad=0):
        self.W, self.b, self.stride, self.pad = W, b, stride, pad

    def forward(self, x):
        F, C, K = self.W.shape
        N, _, L = x.shape
        self.xp = pad1d(x, self.pad)
        self.L = L
        L_out = conv1d_output_size(L, K, self.pad, self.stride)
        a = np.zeros((N, F, L_out), dtype=np.result_type(x, self.W))
        for n in range(N):
            for f in range(F):
                for i in range(L_out):
                    s = i * self.stride
                    a[n, f, i] = np.sum(self.xp[n, :, s:s + K] * self.W[f]) + self.b[f]
        return a

    def backward(self, dout):
        F, C, K = self.W.shape
        N, _, L_out = dout.shape
        dxp = np.zeros_like(self.xp)
        self.dW = np.zeros_like(self.W)
        self.db = dout.sum(axis=(0, 2))
        for n in range(N):
            for f in range(F):
                for i in range(L_out):
                    s = i * self.stride
                    self.dW[f] += dout[n, f, i] * self.xp[n, :, s:s + K]
                    dxp[n, :, s:s + K] += dout[n, f, i] * self.W[f]
        return dxp[:, :, self.pad:self.pad + self.L]


@correct("sprint7.conv1d")
class Conv1dEinsum:
    def __init__(self, W, b, stride=1, pad=0):
        self.W, self.b, self.stride, self.pad = W, b, stride, pad

    def forward(self, x):
        K = self.W.shape[2]
        self.L = x.shape[2]
        self.xp = np.pad(x, ((0, 0), (0, 0), (self.pad, self.pad)))
        self.windows = sliding_window_view(self.xp, K, axis=2)[:, :, ::self.stride]
        return np.einsum("ncik,fck->nfi", self.windows, self.W) + self.b[:, None]

    def backward(self, dout):
        K = self.W.shape[2]
        S = self.stride
        L_out = dout.shape[2]
        self.dW = np.einsum("nfi,ncik->fck", dout, self.windows)
        self.db = np.einsum("nfi->f", dout)
        dxp = np.zeros(self.xp.shape, dtype=np.result_type(dout, self.W))
        for k in range(K):
            dxp[:, :, k:k + S * (L_out - 1) + 1:S] += np.einsum("nfi,fc->nci", dout,
                                                                 self.W[:, :, k])
        return dxp[:, :, self.pad:self.pad + self.L]


@mistake("sprint7.conv1d", hint="With stride S, output i saw the inputs i*S + k")
class Conv1dStrideIgnoredInBackward(Conv1d):
    def forward(self, x):
        self.xp = pad1d(x, self.pad)
        return super().forward(x)

    def backward(self, dout):
        F, C, K = self.W.shape
        N, _, L_out = dout.shape
        L = self.x_shape[2]
        dxp = np.zeros_like(self.xp)
        self.dW = np.zeros_like(self.W)
        for i in range(L_out):
            s = i * self.stride
            self.dW += np.einsum("nf,nck->fck", dout[:, :, i], self.xp[:, :, s:s + K])
            dxp[:, :, i:i + K] += np.einsum("nf,fck->nck", dout[:, :, i], self.W)
        self.db = dout.sum(axis=(0, 2))
        return dxp[:, :, self.pad:self.pad + L]


@mistake("sprint7.conv1d", hint="do not average them")
class Conv1dGradientsAveraged(Conv1d):
    def backward(self, dout):
        dx = super().backward(dout)
        self.dW = self.dW / dout.shape[0]
        self.db = self.db / dout.shape[0]
        return dx


@mistake("sprint7.conv1d", xfail=FLOAT32)
class Conv1dAlwaysFloat64(Conv1d):
    def forward(self, x):
        return super().forward(x).astype(np.float64)

    def backward(self, dout):
        dx = super().backward(dout).astype(np.float64)
        self.dW, self.db = self.dW.astype(np.float64), self.db.astype(np.float64)
        return dx


# --------------------------------------------------------------------------- MaxPool1D
@correct("sprint7.max_pool1d")
class MaxPool1DLoops:
    def __init__(self, pool_size, stride=None):
        self.P = pool_size
        self.S = stride or pool_size

    def forward(self, x):
        N, C, L = x.shape
        L_out = (L - self.P) // self.S + 1
        self.x_shape = x.shape
        self.arg = np.zeros((N, C, L_out), dtype=int)
        out = np.zeros((N, C, L_out), dtype=x.dtype)
        for n in range(N):
            for c in range(C):
                for i in range(L_out):
                    window = x[n, c, i * self.S:i * self.S + self.P]
                    self.arg[n, c, i] = np.argmax(window)
                    out[n, c, i] = window.max()
        return out

    def backward(self, dout):
        dx = np.zeros(self.x_shape, dtype=dout.dtype)
        N, C, L_out = dout.shape
        for n in range(N):
            for c in range(C):
                for i in range(L_out):
                    dx[n, c, i * self.S + self.arg[n, c, i]] += dout[n, c, i]
        return dx


@correct("sprint7.max_pool1d")
class MaxPool1DAddAt:
    def __init__(self, pool_size, stride=None):
        self.pool_size = pool_size
        self.stride = pool_size if stride is None else stride

    def forward(self, x):
        w = sliding_window_view(x, self.pool_size, axis=2)[:, :, ::self.stride]
        self.shape, self.idx = x.shape, w.argmax(axis=3)
        return w.max(axis=3)

    def backward(self, dout):
        n, c, l_out = dout.shape
        dx = np.zeros(self.shape, dtype=dout.dtype)
        pos = np.arange(l_out) * self.stride + self.idx
        np.add.at(dx, (np.arange(n)[:, None, None], np.arange(c)[None, :, None], pos), dout)
        return dx


@mistake("sprint7.max_pool1d", hint="only the *first* gets the gradient")
class MaxPool1DMaskTies(KeepsInput, MaxPool1D):
    def backward(self, dout):
        P, S = self.pool_size, self.stride
        dx = np.zeros(self.x.shape)
        for i in range(dout.shape[2]):
            window = self.x[:, :, i * S:i * S + P]
            mask = window == window.max(axis=2, keepdims=True)
            dx[:, :, i * S:i * S + P] += mask * dout[:, :, i:i + 1]
        return dx


@mistake("sprint7.max_pool1d", hint="*add* the gradients")
class MaxPool1DOverlapAssigned(MaxPool1D):
    def backward(self, dout):
        n, c, n_out = dout.shape
        dx = np.zeros(self.x_shape)
        positions = np.arange(n_out) * self.stride + self.argmax
        for i in range(n_out):
            np.put_along_axis(dx, positions[:, :, i:i + 1], dout[:, :, i:i + 1], axis=2)
        return dx


mistake("sprint7.max_pool1d", hint="the default stride is pool_size")(_PoolStrideOne)
