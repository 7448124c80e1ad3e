"""Sprint 7, 1D convolution: exercises, cases and known mistakes.

The layers are graded as classes: a case builds the layer, calls ``forward`` and then
``backward`` and compares both results (and ``dW``, ``db`` for the convolutions). Random cases
draw shapes, strides and paddings; max-pooling cases use small integers so that ties occur.
Several known mistakes are written as subclasses of the reference that change one thing (a
flipped kernel, a missing sum, an uncropped padding): each is one slip a learner makes.
"""
from dataclasses import replace

import numpy as np

from solutions.conv1d import Conv1d, MaxPool1D, SimpleConv1d, conv1d_output_size, pad1d  # noqa: F401

from ..learner.compare import Tolerance
from ..learner.registry import Case, Exercise, case, class_case
from . import hint, known, numbered, rewritten, steps_of

FLOAT_TOL = Tolerance(rtol=1e-6, atol=1e-9, same_dtype=True)   # "outputs keep the dtype"
EXACT_INT = Tolerance(rtol=0, atol=0, dtype="int")
EXACT = Tolerance(rtol=0, atol=0)

# The worked example of the text (DIVE INTO CODE's 1D CNN sprint).
EX_X = np.array([1.0, 2.0, 3.0, 4.0])
EX_W = np.array([3.0, 5.0, 7.0])
EX_B = np.array([1.0])
EX_DOUT = np.array([10.0, 20.0])
# Two channels, three filters of ones: a = [[16, 22], [17, 23], [18, 24]].
CH_X = np.array([[[1.0, 2.0, 3.0, 4.0], [2.0, 3.0, 4.0, 5.0]]])
CH_W = np.ones((3, 2, 3))
CH_B = np.array([1.0, 2.0, 3.0])


def _ints(rng, shape, low=-4, high=5):
    return rng.integers(low, high, size=shape).astype(float)


# ----------------------------------------------------------------------- sprint7.conv1d_output_size
@hint("Off by one: count the positions, not the steps. With 4 inputs and a filter of 3 the filter "
      "fits at positions 0 and 1, so 2 outputs: (N_in + 2P - F) // S + 1.")
def _output_size_no_plus_one(n_in, filter_size, pad=0, stride=1):
    return int((n_in + 2 * pad - filter_size) // stride)


@hint("The padding is added on *both* sides: the padded length is N_in + 2P.")
def _output_size_pad_once(n_in, filter_size, pad=0, stride=1):
    return int((n_in + pad - filter_size) // stride + 1)


@hint("When the stride does not divide N_in + 2P - F, the last incomplete step is dropped: use "
      "floor division //, not a ceiling.")
def _output_size_ceil(n_in, filter_size, pad=0, stride=1):
    return int(np.ceil((n_in + 2 * pad - filter_size) / stride) + 1)


def _random_output_size_case(rng: np.random.Generator) -> Case:
    pad = int(rng.integers(0, 4))
    n_in = int(rng.integers(1, 65))
    filter_size = int(rng.integers(1, min(n_in + 2 * pad, 12) + 1))
    stride = int(rng.integers(1, 5))
    return case(n_in, filter_size, pad=pad, stride=stride,
                label=f"n_in={n_in}, filter_size={filter_size}, pad={pad}, stride={stride}")


CONV1D_OUTPUT_SIZE = Exercise(
    id="sprint7.conv1d_output_size", points=1, module="conv1d", name="conv1d_output_size",
    title="the output size of a 1D convolution",
    examples=[
        case(4, 3, label="the worked example: 4 inputs, a filter of 3"),
        case(4, 3, pad=1, label="pad=1 on each side"),
        case(7, 3, pad=1, stride=2, label="pad=1, stride=2"),
        case(10, 4, pad=0, stride=4, label="stride 4 does not divide 10 - 4: floor"),
    ],
    generate=_random_output_size_case, n_public=2, n_hidden=12,
    edge_cases=[case(5, 5), case(1, 1), case(3, 7, pad=2), case(100, 1, pad=0, stride=7)],
    tol=EXACT_INT,
    mistakes=known(_output_size_no_plus_one, _output_size_pad_once, _output_size_ceil),
)


# --------------------------------------------------------------------------- both 1D convolutions
class _FlippedFilter:
    """A 1D convolution layer (``SimpleConv1d``, ``Conv1d``: the filter's last axis is the
    kernel's) that slides its filter flipped, in forward and in backward: a true convolution
    (``np.convolve``) instead of the cross-correlation. ``dW`` comes back in ``W``'s order."""

    def forward(self, x):
        self._given = self.W
        self.W = self._given[..., ::-1]
        try:
            return super().forward(x)
        finally:
            self.W = self._given

    def backward(self, dout):
        self.W = self._given[..., ::-1]
        try:
            dx = super().backward(dout)
        finally:
            self.W = self._given
        self.dW = self.dW[..., ::-1]
        return dx


# --------------------------------------------------------------------------- sprint7.simple_conv1d
def _simple_case(W, b, x, dout, label=""):
    return class_case((W, b), steps=[("forward", (x,)), ("backward", (dout,))],
                      attrs=["dW", "db"], label=label)


def _random_simple_case(rng: np.random.Generator) -> Case:
    length = int(rng.integers(1, 13))
    size = int(rng.integers(1, length + 1))
    x, W, b = rng.normal(size=length), rng.normal(size=size), rng.normal(size=1)
    dout = rng.normal(size=length - size + 1)
    return _simple_case(W, b, x, dout, f"random: L = {length}, K = {size}")


@hint("Your filter is flipped: that is a true convolution (np.convolve). CNNs compute a "
      "cross-correlation, a_i = sum_k x[i + k] * w[k], with w in its given order (worked "
      "example: 1·3 + 2·5 + 3·7 + 1 = 35).")
class _SimpleConvFlipped(_FlippedFilter, SimpleConv1d):
    """SimpleConv1d computing a true convolution."""


@hint("Your forward pass flips the filter (np.convolve is a true convolution) but your backward "
      "pass does not, so the two disagree. CNNs compute the cross-correlation a_i = sum_k x[i + k] "
      "* w[k]: slide w in its given order.")
class _SimpleConvFlippedForwardOnly(SimpleConv1d):
    def forward(self, x):
        self.x = np.asarray(x)
        return np.convolve(self.x, self.W, mode="valid") + self.b


@hint("Off by one: the output has L - K + 1 values (the filter fits at positions 0 … L - K), e.g. "
      "2 for the worked example.")
class _SimpleConvOffByOne(SimpleConv1d):
    def forward(self, x):
        return super().forward(x)[:-1]


@hint("The bias was added at every position, so its gradient is the *sum* of dout: db = "
      "np.sum(dout), shape (1,) like b.")
class _SimpleConvDbNotSummed(SimpleConv1d):
    def backward(self, dout):
        dx = super().backward(dout)
        self.db = np.array(dout, dtype=float)
        return dx


@hint("dx_j = sum_k dout[j - k] * w[k]: input j fed output i = j - k through w[k]. Your dx uses "
      "the filter reversed; add dout[i] * w to dx[i:i + K] for each output i (worked example: dx = "
      "[30, 110, 170, 140]).")
class _SimpleConvDxKernelReversed(SimpleConv1d):
    def backward(self, dout):
        super().backward(dout)
        return np.convolve(dout, self.W[::-1], mode="full")


SIMPLE_CONV1D = Exercise(
    id="sprint7.simple_conv1d", points=3, module="conv1d", name="SimpleConv1d",
    title="a single-channel 1D convolution (SimpleConv1d)",
    examples=[
        _simple_case(EX_W, EX_B, EX_X, EX_DOUT,
                     "the worked example: x = [1, 2, 3, 4], w = [3, 5, 7], b = 1, "
                     "dout = [10, 20]"),
        _simple_case(np.array([1.0, -2.0]), np.array([0.5]),
                     np.array([0.0, 1.0, 3.0, -1.0, 2.0]), np.array([1.0, 2.0, -1.0, 0.5]),
                     "x = [0, 1, 3, -1, 2], w = [1, -2], b = 0.5"),
    ],
    generate=_random_simple_case,
    edge_cases=[
        _simple_case(np.array([2.0, -1.0, 0.5]), np.array([0.0]),
                     np.array([1.0, 2.0, 3.0]), np.array([4.0]), "K = L: one output"),
        _simple_case(np.array([3.0]), np.array([-1.0]), np.array([1.0, -2.0, 5.0]),
                     np.array([1.0, 1.0, 2.0]), "K = 1"),
        _simple_case(EX_W.astype(np.float32), EX_B.astype(np.float32),
                     EX_X.astype(np.float32), EX_DOUT.astype(np.float32),
                     "float32 x, W, b and dout: the outputs stay float32"),
    ],
    tol=FLOAT_TOL,
    mistakes=known(_SimpleConvFlipped, _SimpleConvFlippedForwardOnly, _SimpleConvOffByOne,
                   _SimpleConvDbNotSummed, _SimpleConvDxKernelReversed),
)


# --------------------------------------------------------------------------- sprint7.pad1d
@hint("np.pad(x, pad) pads *every* axis: a batch (N, C, L) must keep N and C. Pad only the last "
      "axis: np.pad(x, [(0, 0)] * (x.ndim - 1) + [(pad, pad)]).")
def _pad_every_axis(x, pad):
    return np.pad(np.asarray(x), pad)


@hint("You padded the first axis (the batch); pad the last one, the length L: [(0, 0)] * (x.ndim - "
      "1) + [(pad, pad)].")
def _pad_first_axis(x, pad):
    x = np.asarray(x)
    return np.pad(x, [(pad, pad)] + [(0, 0)] * (x.ndim - 1))


@hint("Pad on both sides: pad zeros before *and* pad zeros after the signal, (pad, pad), not (0, 2 "
      "* pad).")
def _pad_one_side(x, pad):
    x = np.asarray(x)
    return np.pad(x, [(0, 0)] * (x.ndim - 1) + [(0, 2 * pad)])


def _random_pad_case(rng: np.random.Generator) -> Case:
    shape = tuple(int(n) for n in rng.integers(1, 5, size=int(rng.integers(1, 4))))
    pad = int(rng.integers(0, 4))
    return case(rng.normal(size=shape), pad, label=f"x of shape {shape}, pad={pad}")


PAD1D = Exercise(
    id="sprint7.pad1d", points=1, module="conv1d", name="pad1d",
    title="zero padding along the length (pad1d)",
    examples=[
        case(np.array([1.0, 2.0, 3.0]), 1, label="x = [1, 2, 3], pad=1"),
        case(np.arange(12.0).reshape(2, 2, 3), 2,
             label="(N, C, L) = (2, 2, 3), pad=2: pad only the length"),
        case(np.array([[1.0, -1.0]]), 0, label="pad=0 changes nothing"),
    ],
    generate=_random_pad_case,
    edge_cases=[case(np.ones((1, 1, 1)), 3), case(np.arange(5.0), 0),
                case(np.arange(6, dtype=np.float32).reshape(1, 2, 3), 1,
                     label="float32 stays float32"),
                case(np.arange(4).reshape(2, 2), 2, label="integers stay integers")],
    tol=replace(EXACT, same_dtype=True),   # "the same dtype as x"
    returns_new=("return",),                # "a new array even when pad is 0"
    mistakes=known(_pad_every_axis, _pad_first_axis, _pad_one_side),
)


# --------------------------------------------------------------------------- sprint7.conv1d
def _conv_case(W, b, x, dout, stride=1, pad=0, label=""):
    return class_case((W, b), {"stride": stride, "pad": pad},
                      steps=[("forward", (x,)), ("backward", (dout,))],
                      attrs=["dW", "db"], label=label)


def _random_conv_case(rng, ints=False):
    n, c, f, k = (int(v) for v in rng.integers(1, 5, size=4))
    stride, pad = int(rng.integers(1, 4)), int(rng.integers(0, 3))
    length = int(rng.integers(max(1, k - 2 * pad), 13))
    draw = (lambda s: _ints(rng, s)) if ints else (lambda s: rng.normal(size=s))
    x, W, b = draw((n, c, length)), draw((f, c, k)), draw(f)
    n_out = (length + 2 * pad - k) // stride + 1
    dout = draw((n, f, n_out))
    return _conv_case(W, b, x, dout, stride, pad,
                      f"random: x {x.shape}, W {W.shape}, stride={stride}, pad={pad}")


def _conv_examples():
    rng = np.random.default_rng(7)
    return [
        _conv_case(CH_W, CH_B, CH_X, np.array([[[1.0, 2.0], [0.0, -1.0], [3.0, 1.0]]]),
                   label="two channels, three filters of ones (the text's example)"),
        _conv_case(np.array([[[1.0, 0.0, -1.0]]]), np.array([0.5]),
                   np.array([[[1.0, 2.0, 4.0, 7.0, 11.0, 16.0, 22.0]]]),
                   np.array([[[1.0, 2.0, 3.0, 4.0]]]), stride=2, pad=1,
                   label="one channel, W = [1, 0, -1], stride=2, pad=1"),
        _conv_case(_ints(rng, (3, 2, 3)), _ints(rng, 3), _ints(rng, (2, 2, 6)),
                   _ints(rng, (2, 3, 4)), label="a batch of 2, C = 2, F = 3, K = 3"),
        _conv_case(_ints(rng, (2, 3, 4)), _ints(rng, 2), _ints(rng, (3, 3, 9)),
                   _ints(rng, (3, 2, 4)), stride=3, pad=2,
                   label="a batch of 3, C = 3, F = 2, K = 4, stride=3, pad=2"),
    ]


@hint("Your filters are flipped (a true convolution): CNNs compute a cross-correlation, "
      "a[n, f, i] = sum_c sum_k x_p[n, c, i*S + k] * W[f, c, k], with k running the same way in "
      "x and in W.")
class _Conv1dFlipped(_FlippedFilter, Conv1d):
    """Conv1d computing a true convolution."""


@hint("Off by one: L_out = (L + 2P - K) // S + 1 (use conv1d_output_size).")
class _Conv1dOffByOne(Conv1d):
    def forward(self, x):
        return super().forward(x)[:, :, :-1]


# the filter flipped in forward only (backward uses it as it is)
_Conv1dFlippedForwardOnly = rewritten(Conv1d.forward,
                                      ("self.W.reshape(n_filters, c * size)",
                                       "self.W[:, :, ::-1].reshape(n_filters, c * size)"),
                                      hint="Your forward pass flips the filters but your backward "
                                           "pass does not, so the two disagree: CNNs compute the "
                                           "cross-correlation, x_p[n, c, i*S + k] meets W[f, c, k] "
                                           "with the same k, in forward and backward.")


@hint("Pad P zeros on *each* side of the length axis (pad1d(x, P)), not 2P on one side: the first "
      "output is centred on the first input.")
class _Conv1dPadOneSide(Conv1d):
    def forward(self, x):
        x = np.asarray(x)
        self._length = x.shape[2]
        pad, self.pad = self.pad, 0
        try:
            return super().forward(np.pad(x, [(0, 0), (0, 0), (0, 2 * pad)]))
        finally:
            self.pad = pad

    def backward(self, dout):
        pad, self.pad = self.pad, 0
        try:
            dx = super().backward(dout)
        finally:
            self.pad = pad
        return dx[:, :, :self._length]


_Conv1dDxUncropped = rewritten(Conv1d.backward,
                               ("return dx_p[:, :, self.pad:self.pad + length]", "return dx_p"),
                               hint="dx must have the shape of x, (N, C, L): compute it on the "
                                    "padded length, then cut the padding off, dx_p[:, :, P:P + L].")


@hint("Sum the weight and bias gradients over the batch, do not average them: the 1/N of the mean "
      "loss is already inside dout.")
class _Conv1dGradMean(Conv1d):
    def backward(self, dout):
        dx = super().backward(dout)
        n = np.shape(dout)[0]
        self.dW = self.dW / n
        self.db = self.db / n
        return dx


@hint("dW has W's shape (F, C, K): every sample used the same filters, so sum the per-sample "
      "gradients over the batch axis n (and over the positions i).")
class _Conv1dDwPerSample(Conv1d):
    def backward(self, dout):
        dx = super().backward(dout)
        dout = np.asarray(dout)
        n, n_filters, n_out = dout.shape
        _, c, size = self.W.shape
        cols = self.cols.reshape(n, n_out, c * size)
        self.dW = np.einsum("nfi,nij->nfj", dout, cols).reshape(n, n_filters, c, size)
        return dx


# db summed over the batch only: one value per filter *and* position
_Conv1dDbPerPosition = rewritten(Conv1d.backward, ("self.db = np.sum(dout, axis=(0, 2))",
                                                   "self.db = np.sum(dout, axis=0)"),
                                 hint="db has b's shape (F,): each bias was added at every "
                                      "position of every sample, so sum dout over the batch *and* "
                                      "the positions, np.sum(dout, axis=(0, 2)).")


_Conv1dStrideIgnoredInBackward = rewritten(Conv1d.backward,
                                           ("dx_p[:, :, k:k + last:self.stride] +=",
                                            "dx_p[:, :, k:k + n_out] +="),
                                           hint="With stride S, output i saw the inputs i*S + k: "
                                                "send its gradient back there (dx_p[:, :, k:k + "
                                                "S*(L_out - 1) + 1:S] += ...), not to i + k.")


CONV1D = Exercise(
    id="sprint7.conv1d", points=4, module="conv1d", name="Conv1d",
    title="a 1D convolution layer with channels, padding and stride (Conv1d)",
    examples=_conv_examples(),
    generate=_random_conv_case, n_public=3, n_hidden=14,
    edge_cases=[
        _conv_case(np.ones((1, 1, 5)), np.zeros(1), np.arange(5.0).reshape(1, 1, 5),
                   np.ones((1, 1, 1)), label="K = L"),
        _conv_case(np.ones((2, 1, 5)), np.array([1.0, -1.0]), np.arange(3.0).reshape(1, 1, 3),
                   np.ones((1, 2, 3)), pad=2, label="K > L, padding makes it fit"),
        _conv_case(np.array([[[2.0], [-1.0]]]), np.array([0.5]),
                   np.arange(12.0).reshape(2, 2, 3), np.ones((2, 1, 2)), stride=2,
                   label="K = 1, stride 2"),
        _conv_case(np.ones((1, 1, 3)), np.zeros(1), np.ones((1, 1, 8)),
                   np.arange(2.0).reshape(1, 1, 2), stride=5, label="stride larger than K"),
        _conv_case(CH_W.astype(np.float32), CH_B.astype(np.float32), CH_X.astype(np.float32),
                   np.array([[[1.0, 2.0], [0.0, -1.0], [3.0, 1.0]]], dtype=np.float32),
                   label="float32 x, W, b and dout: every output stays float32"),
    ],
    tol=FLOAT_TOL, batch_size=lambda c: len(steps_of(c)[0].args[0]),
    mistakes=known(_Conv1dFlipped, _Conv1dFlippedForwardOnly, _Conv1dOffByOne,
                   _Conv1dPadOneSide, _Conv1dDxUncropped, _Conv1dGradMean,
                   _Conv1dDwPerSample, _Conv1dDbPerPosition,
                   _Conv1dStrideIgnoredInBackward),
)


# --------------------------------------------------------------------------- sprint7.max_pool1d
def _pool_case(pool_size, x, dout, stride=None, label=""):
    kwargs = {} if stride is None else {"stride": stride}
    return class_case((pool_size,), kwargs, steps=[("forward", (x,)), ("backward", (dout,))],
                      label=label)


def _random_pool_case(rng: np.random.Generator) -> Case:
    n, c = (int(v) for v in rng.integers(1, 4, size=2))
    pool = int(rng.integers(1, 5))
    stride = None if rng.random() < 0.4 else int(rng.integers(1, pool + 2))
    length = int(rng.integers(pool, 13))
    x = _ints(rng, (n, c, length), -3, 4)          # small integers: ties happen
    n_out = (length - pool) // (pool if stride is None else stride) + 1
    return _pool_case(pool, x, rng.normal(size=(n, c, n_out)), stride,
                      f"random: x {x.shape}, pool_size={pool}, stride={stride}")


class _PoolWindowRouting(MaxPool1D):
    """MaxPool1D whose backward adds to each window what ``_route`` gives for it, the step the
    mistakes below get wrong (the reference sends dout to the window's first maximum only)."""

    def backward(self, dout):
        dout = np.asarray(dout)
        dx = np.zeros(self.x_shape)
        for i in range(dout.shape[2]):
            dx[:, :, i * self.stride:i * self.stride + self.pool_size] += self._route(i, dout)
        return dx


@hint("Only the maximum influenced the output: send dout to the argmax of each window and 0 to the "
      "other positions (not to the whole window).")
class _PoolGradToWholeWindow(_PoolWindowRouting):
    def _route(self, i, dout):
        return dout[:, :, i:i + 1]


@hint("When several values tie for the maximum, only the *first* gets the gradient (np.argmax): a "
      "mask x == max sends it to every tied position and so counts it twice.")
class _PoolGradToAllTies(_PoolWindowRouting):
    def forward(self, x):
        windows = np.lib.stride_tricks.sliding_window_view(
            np.asarray(x), self.pool_size, axis=2)[:, :, ::self.stride]
        self._top = windows == windows.max(axis=3, keepdims=True)
        return super().forward(x)

    def _route(self, i, dout):
        return self._top[:, :, i] * dout[:, :, i:i + 1]


@hint("With overlapping windows (stride < pool_size) one input can be the max of two windows: "
      "*add* the gradients (np.add.at, or +=), do not overwrite.")
class _PoolOverlapAssigned(MaxPool1D):
    def backward(self, dout):
        dout = np.asarray(dout)
        n, c, n_out = dout.shape
        dx = np.zeros(self.x_shape)
        positions = np.arange(n_out) * self.stride + self.argmax
        ns, cs = np.meshgrid(np.arange(n), np.arange(c), indexing="ij")
        dx[ns[..., None], cs[..., None], positions] = dout
        return dx


@hint("Without a stride the windows sit side by side: the default stride is pool_size (stride=None "
      "in the signature, then stride = pool_size), not 1.")
class _PoolStrideOne(MaxPool1D):
    """The stride defaults to 1 (overlapping windows) instead of the window size."""

    def __init__(self, pool_size, stride=1):
        super().__init__(pool_size, stride)


@hint("That is average pooling's backward (dout / P to every position): max pooling sends all of "
      "dout to the window's maximum.")
class _PoolAverageGrad(_PoolWindowRouting):
    def _route(self, i, dout):
        return dout[:, :, i:i + 1] / self.pool_size


MAX_POOL1D = Exercise(
    id="sprint7.max_pool1d", points=3, module="conv1d", name="MaxPool1D",
    title="1D max pooling (MaxPool1D)",
    examples=[
        _pool_case(2, np.array([[[1.0, 3.0, 2.0, 2.0, 5.0]]]), np.array([[[10.0, 20.0]]]),
                   label="the docstring's example: a tie (2, 2) and a left-over 5"),
        _pool_case(2, np.array([[[0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0]]]),
                   np.array([[[1.0, 2.0], [3.0, 4.0]]]),
                   label="after a ReLU: windows of zeros tie"),
        _pool_case(3, np.array([[[1.0, 5.0, 2.0, 0.0, 3.0, 1.0]]]),
                   np.array([[[1.0, 2.0, 3.0, 4.0]]]), stride=1,
                   label="overlapping windows (pool 3, stride 1): one input is the max twice"),
        _pool_case(2, np.arange(24.0).reshape(2, 3, 4)[:, :, ::-1] % 7,
                   np.arange(12.0).reshape(2, 3, 2) - 5.0, label="a batch (2, 3, 4)"),
        class_case((3,), steps=[("forward", (np.array([[[1.0, 5.0, 2.0, 0.0, 3.0, 1.0]]]),))],
                   label="MaxPool1D(3) without a stride: windows side by side"),
    ],
    generate=_random_pool_case,
    edge_cases=[
        _pool_case(1, np.array([[[1.0, -2.0, 3.0]]]), np.array([[[1.0, 2.0, 3.0]]])),
        _pool_case(4, np.full((1, 2, 4), 7.0), np.array([[[1.0], [2.0]]])),
        _pool_case(2, np.array([[[-5.0, -1.0, -3.0, -2.0]]]), np.array([[[1.0, 1.0]]]),
                   stride=2),
        _pool_case(2, np.array([[[1.0, 3.0, 2.0, 2.0, 5.0]]], dtype=np.float32),
                   np.array([[[10.0, 20.0]]], dtype=np.float32),
                   label="float32 x and dout: the outputs stay float32"),
    ],
    tol=FLOAT_TOL,
    mistakes=known(_PoolGradToWholeWindow, _PoolGradToAllTies, _PoolOverlapAssigned,
                   _PoolStrideOne, _PoolAverageGrad),
)


# --------------------------------------------------------------------------- exercises
EXERCISES = numbered([
    CONV1D_OUTPUT_SIZE, SIMPLE_CONV1D, PAD1D, CONV1D, MAX_POOL1D,
])
