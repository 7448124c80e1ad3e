"""Sprint 8, 2D convolution and a scratch CNN: exercises, cases and known mistakes.

Random cases draw every shape at random: batch, channels, filters, non-square images and
kernels, strides 1 to 3 and paddings 0 to 2, so that a solution right only for square inputs,
stride 1 or no padding fails. Max-pooling cases often hold integer values, so that windows have
ties (the gradient goes to the *first* maximum only).
"""
import numpy as np

from solutions.conv2d import (
    Conv2d,
    conv2d_backward_loops,
    conv2d_forward_loops,
    conv_output_size,
)
from solutions.param_count import ALEXNET, ALEXNET_INPUT, SIMPLE_CONVNET, SIMPLE_CONVNET_INPUT
from solutions.pooling import (
    AveragePool2D,
    Flatten,
    MaxPool2D,
    Pool2D,
    pool_strides,
    window_offsets,
)

from ..learner.compare import Tolerance
from ..learner.registry import Case, Exercise, case, class_case
from . import hint, known, numbered, rewritten, steps_of, switched

FLOAT_TOL = Tolerance(rtol=1e-6, atol=1e-9)
KEEPS_DTYPE = Tolerance(rtol=1e-6, atol=1e-9, same_dtype=True)   # "the dtype of x is kept"
INT_TOL = Tolerance(rtol=0, atol=0, dtype="int")
EXACT = Tolerance(rtol=0, atol=0)      # a float 24.0 is the size 24; a 3.5 is not


# --------------------------------------------------------------------------- worked examples
X44 = np.arange(16.0).reshape(1, 1, 4, 4)
W_DIAG = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])       # x[i, j] − x[i+1, j+1]
X_C2 = np.array([[[[1.0, 2.0, 0.0, -1.0, 3.0],
                   [0.0, 1.0, 2.0, 2.0, -2.0],
                   [3.0, -1.0, 1.0, 0.0, 1.0]],
                  [[2.0, 0.0, 1.0, 1.0, 0.0],
                   [-1.0, 2.0, 0.0, 3.0, 1.0],
                   [1.0, 1.0, -2.0, 0.0, 2.0]]],
                 [[[0.5, 1.0, -1.0, 2.0, 0.0],
                   [1.0, 0.0, 1.0, -1.0, 2.0],
                   [2.0, 1.0, 0.0, 1.0, -1.0]],
                  [[1.0, -2.0, 0.0, 1.0, 1.0],
                   [0.0, 1.0, 1.0, 0.0, -1.0],
                   [2.0, 0.0, 1.0, 2.0, 1.0]]]])        # (2, 2, 3, 5): 2 images, 2 channels
W_C2 = np.array([[[[1.0, 2.0, 0.0], [0.0, -1.0, 1.0]],
                  [[0.5, 0.0, -1.0], [1.0, 1.0, 0.0]]],
                 [[[0.0, 1.0, 1.0], [-1.0, 0.0, 2.0]],
                  [[1.0, -1.0, 0.0], [0.0, 2.0, -0.5]]]])   # (2, 2, 2, 3): 2 filters 2×3
B_C2 = np.array([0.5, -1.0])


def _conv_shape(x, W, stride, pad):
    return (x.shape[0], W.shape[0], conv_output_size(x.shape[2], W.shape[2], stride, pad),
            conv_output_size(x.shape[3], W.shape[3], stride, pad))


def _dout_for(x, W, stride, pad, seed):
    return np.random.default_rng(seed).normal(size=_conv_shape(x, W, stride, pad)).round(2)


# --------------------------------------------------------------------------- generators
def random_conv(rng, max_hw=7):
    """x, W, b, stride, pad with random shapes (non-square, C > 1 and F > 1 often); the
    tests of sprint 8 draw their layers from it too."""
    N, C, F = (int(v) for v in rng.integers(1, 4, size=3))
    FH, FW = (int(v) for v in rng.integers(1, 4, size=2))
    stride, pad = int(rng.integers(1, 4)), int(rng.integers(0, 3))
    H = int(rng.integers(max(FH - 2 * pad, 1), max_hw + 1))
    W_ = int(rng.integers(max(FW - 2 * pad, 1), max_hw + 1))
    x = rng.normal(size=(N, C, H, W_))
    W = rng.normal(size=(F, C, FH, FW))
    b = rng.normal(size=F)
    return x, W, b, stride, pad


def _random_output_size_case(rng: np.random.Generator) -> Case:
    F = int(rng.integers(1, 12))
    pad = int(rng.integers(0, 4))
    size = int(rng.integers(max(F - 2 * pad, 1), 64))
    return case(size, F, stride=int(rng.integers(1, 6)), pad=pad)


def _random_forward_loops_case(rng: np.random.Generator) -> Case:
    x, W, b, stride, pad = random_conv(rng)
    return case(x, W, b, stride=stride, pad=pad,
                label=f"x {x.shape}, W {W.shape}, stride {stride}, pad {pad}")


def _random_backward_loops_case(rng: np.random.Generator) -> Case:
    x, W, _, stride, pad = random_conv(rng)
    dout = rng.normal(size=_conv_shape(x, W, stride, pad))
    return case(dout, x, W, stride=stride, pad=pad,
                label=f"x {x.shape}, W {W.shape}, stride {stride}, pad {pad}")


def _conv_class_case(x, W, b, stride, pad, dout, label=""):
    return class_case((W, b), {"stride": stride, "pad": pad},
                      steps=[("forward", (x,)), ("backward", (dout,))], attrs=["dW", "db"],
                      label=label or f"x {x.shape}, W {W.shape}, stride {stride}, pad {pad}")


def _random_conv_class_case(rng: np.random.Generator) -> Case:
    x, W, b, stride, pad = random_conv(rng, max_hw=9)
    return _conv_class_case(x, W, b, stride, pad, rng.normal(size=_conv_shape(x, W, stride, pad)))


def _pool_class_case(x, pool_h, pool_w, stride, pad, dout, label=""):
    return class_case((pool_h, pool_w), {"stride": stride, "pad": pad},
                      steps=[("forward", (x,)), ("backward", (dout,))],
                      label=label or (f"x {x.shape}, pool {pool_h}×{pool_w}, stride {stride}, "
                                      f"pad {pad}"))


def _without_stride(pool, x, dout=None, label="no stride given: forward and backward"):
    """A pooling layer built without ``stride``, which must default to the window's size."""
    steps = [("forward", (x,))] + ([("backward", (dout,))] if dout is not None else [])
    return class_case(pool, steps=steps, label=label)


def _float32_case(x, dout):
    """2×2 windows on float32 ``x`` and ``dout``: the outputs stay float32."""
    return _pool_class_case(np.array(x, dtype=np.float32), 2, 2, None, 0,
                            np.array(dout, dtype=np.float32),
                            "float32 x and dout: the outputs stay float32")


def _random_pool(rng, ties):
    N, C = (int(v) for v in rng.integers(1, 4, size=2))
    ph, pw = (int(v) for v in rng.integers(1, 4, size=2))
    stride = [None, None, 1, 2, 3][int(rng.integers(0, 5))]
    pad = int(rng.integers(0, min(ph, pw) // 2 + 1))
    H = int(rng.integers(max(ph - 2 * pad, 1), 8))
    W = int(rng.integers(max(pw - 2 * pad, 1), 8))
    x = (rng.integers(-2, 3, size=(N, C, H, W)).astype(float) if ties
         else rng.normal(size=(N, C, H, W)))
    sh, sw = (ph, pw) if stride is None else (stride, stride)
    out = (N, C, conv_output_size(H, ph, sh, pad), conv_output_size(W, pw, sw, pad))
    return _pool_class_case(x, ph, pw, stride, pad, rng.normal(size=out))


def _random_max_pool_case(rng: np.random.Generator) -> Case:
    return _random_pool(rng, ties=rng.random() < 0.5)


def _random_average_pool_case(rng: np.random.Generator) -> Case:
    return _random_pool(rng, ties=False)


def _random_flatten_case(rng: np.random.Generator) -> Case:
    shape = tuple(int(v) for v in rng.integers(1, 5, size=int(rng.integers(2, 5))))
    x = rng.normal(size=shape)
    dout = rng.normal(size=(shape[0], int(np.prod(shape[1:]))))
    return class_case(steps=[("forward", (x,)), ("backward", (dout,))], label=f"x {shape}")


def _random_architecture_case(rng: np.random.Generator) -> Case:
    C, H, W = int(rng.integers(1, 4)), int(rng.integers(16, 65)), int(rng.integers(16, 65))
    layers, h, w = [], H, W
    for _ in range(int(rng.integers(1, 4))):
        k, p, s = int(rng.integers(1, 6)), int(rng.integers(0, 3)), int(rng.integers(1, 3))
        if k > min(h, w) + 2 * p:
            break
        layers.append({"type": "conv", "filters": int(rng.integers(2, 33)), "size": k,
                       "stride": s, "pad": p})
        h, w = conv_output_size(h, k, s, p), conv_output_size(w, k, s, p)
        if min(h, w) >= 2 and rng.random() < 0.7:
            layers.append({"type": "pool", "size": 2, "stride": 2})
            h, w = conv_output_size(h, 2, 2), conv_output_size(w, 2, 2)
    for _ in range(int(rng.integers(1, 3))):
        layers.append({"type": "affine", "units": int(rng.integers(2, 200))})
    return case(layers, (C, H, W), label=f"{len(layers)} layers on ({C}, {H}, {W})")


# ------------------------------------------------------------------------- sprint8.conv_output_size
@hint("Off by one: count the first position too, (I + 2P − F) // S + 1 (a 5-wide filter on a "
      "5-wide input fits once, not 0 times).")
def _size_no_plus_one(input_size, filter_size, stride=1, pad=0):
    return (input_size + 2 * pad - filter_size) // stride


@hint("The padding is added on both sides: I + 2P, not I + P.")
def _size_pad_once(input_size, filter_size, stride=1, pad=0):
    return (input_size + pad - filter_size) // stride + 1


@hint("A size is a whole number: use integer division // (the last pixels no window reaches are "
      "dropped).")
def _size_true_division(input_size, filter_size, stride=1, pad=0):
    return (input_size + 2 * pad - filter_size) / stride + 1


@hint("Round down, not up: a window that would stick out of the padded input is not used, so (I + "
      "2P − F) // S + 1.")
def _size_ceil(input_size, filter_size, stride=1, pad=0):
    return -(-(input_size + 2 * pad - filter_size) // stride) + 1


CONV_OUTPUT_SIZE = Exercise(
    id="sprint8.conv_output_size", points=1, module="conv2d", name="conv_output_size",
    title="the output size of a convolution",
    examples=[case(28, 5, label="MNIST 28, filter 5"),
              case(4, 3, stride=1, pad=1, label="4, filter 3, pad 1 (same size)"),
              case(7, 3, stride=2, pad=0, label="7, filter 3, stride 2"),
              case(227, 11, stride=4, pad=0, label="AlexNet: 227, filter 11, stride 4"),
              case(6, 3, stride=2, pad=1, label="6, filter 3, stride 2, pad 1 (a floor)"),
              case(3, 5, raises="ValueError",
                   label="3, filter 5: the filter does not fit, ValueError")],
    generate=_random_output_size_case, n_public=2, n_hidden=12,
    edge_cases=[case(1, 1), case(5, 5), case(3, 5, stride=1, pad=1),
                case(10, 3, stride=3, pad=1), case(2, 2, stride=7),
                case(2, 4, stride=1, pad=0, raises="ValueError")],
    tol=EXACT,
    mistakes=known(_size_no_plus_one, _size_pad_once, _size_true_division, _size_ceil),
)


# --------------------------------------------------------------------- sprint8.conv2d_forward_loops
# the loop forms' known mistakes, each the reference with its one slip written in
_loops_flipped = rewritten(conv2d_forward_loops, ("patch * W[f]", "patch * W[f, :, ::-1, ::-1]"),
                           hint="You flipped the filter (the convolution of signal processing). "
                                "CNNs use the cross-correlation: multiply the patch by W[f] as it "
                                "is, no [::-1, ::-1].")

_loops_no_plus_one = rewritten(conv2d_forward_loops,
                               ("OH = (H + 2 * pad - FH) // stride + 1",
                                "OH = (H + 2 * pad - FH) // stride"),
                               ("OW = (Wd + 2 * pad - FW) // stride + 1",
                                "OW = (Wd + 2 * pad - FW) // stride"),
                               hint="Your output is one row and one column short: OH = (H + 2·pad "
                                    "− FH) // stride + 1 (use conv_output_size).")

_loops_pad_height_only = rewritten(conv2d_forward_loops,
                                   ("OW = (Wd + 2 * pad - FW)", "OW = (Wd - FW)"),
                                   ("x_pad = _pad_hw(x, pad)",
                                    "x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (0, 0)))"),
                                   hint="Pad both spatial axes, height and width, and nothing "
                                        "else: np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, "
                                        "pad))).")

_loops_stride_ignored = rewritten(conv2d_forward_loops,
                                  ("hs, ws = i * stride, j * stride", "hs, ws = i, j"),
                                  hint="Output position (i, j) starts at row i·stride and column "
                                       "j·stride of the padded input, not at (i, j).")

_loops_no_bias = rewritten(conv2d_forward_loops, (" + b[f]", ""),
                           hint="Add the filter's bias b[f] to each output value.")


CONV2D_FORWARD_LOOPS = Exercise(
    id="sprint8.conv2d_forward_loops", points=3, module="conv2d", name="conv2d_forward_loops",
    title="Conv2d forward with loops",
    examples=[case(X44, W_DIAG, np.array([0.5]), label="the docstring's example"),
              case(X_C2, W_C2, B_C2, stride=2, pad=1,
                   label="2 images of 2×3×5, 2 filters 2×3, stride 2, pad 1"),
              case(X_C2, W_C2, B_C2, label="the same, stride 1, no padding")],
    generate=_random_forward_loops_case, n_public=2, n_hidden=10,
    edge_cases=[case(np.ones((1, 1, 1, 1)), np.full((2, 1, 1, 1), 3.0), np.array([1.0, -1.0])),
                case(X44.astype(np.float32), W_DIAG.astype(np.float32),
                     np.array([0.5], dtype=np.float32), pad=1,
                     label="float32 x, W and b: the output stays float32"),
                case(np.arange(6.0).reshape(1, 1, 2, 3), np.ones((1, 1, 2, 3)), np.zeros(1),
                     pad=2, stride=3)],
    tol=KEEPS_DTYPE,
    mistakes=known(_loops_flipped, _loops_no_plus_one, _loops_pad_height_only,
                   _loops_stride_ignored, _loops_no_bias),
)


# -------------------------------------------------------------------- sprint8.conv2d_backward_loops
_loops_assign = rewritten(conv2d_backward_loops, ("dW[f] += g", "dW[f] = g"),
                          ("db[f] += g", "db[f] = g"),
                          hint="dW and db must *sum* the contributions of every position and every "
                               "sample (the filter is shared): dW[f] += g * patch, db[f] += g, not "
                               "=.")

# the gradients of W and b from the first sample only: (n == 0) is 0 for the others
_loops_first_sample = rewritten(conv2d_backward_loops, ("dW[f] += g", "dW[f] += (n == 0) * g"),
                                ("db[f] += g", "db[f] += (n == 0) * g"),
                                hint="Sum dW and db over the whole batch: every sample used the "
                                     "same filter (loop over n for the gradients too).")

_loops_db_per_position = rewritten(conv2d_backward_loops,
                                   ("return dx, dW, db", "return dx, dW, np.sum(dout, axis=0)"),
                                   hint="db has one value per filter, shape (F,): sum dout over "
                                        "the batch *and* every position, np.sum(dout, axis=(0, 2, "
                                        "3)).")

_loops_keep_padding = rewritten(conv2d_backward_loops,
                                ("dx = dx_pad[:, :, pad:pad + H, pad:pad + Wd]", "dx = dx_pad"),
                                hint="dx has the shape of x: cut the padding away at the end, "
                                     "dx_pad[:, :, pad:pad + H, pad:pad + W].")

_loops_flip_dx = rewritten(conv2d_backward_loops, ("+= g * W[f]", "+= g * W[f, :, ::-1, ::-1]"),
                           hint="In the loop form the backward pass needs no flipping: add g * "
                                "W[f] to the same patch position the forward pass read from.")


CONV2D_BACKWARD_LOOPS = Exercise(
    id="sprint8.conv2d_backward_loops", points=3, module="conv2d", name="conv2d_backward_loops",
    title="Conv2d backward with loops",
    examples=[case(np.ones((1, 1, 2, 2)), np.arange(9.0).reshape(1, 1, 3, 3),
                   np.ones((1, 1, 2, 2)),
                   label="the docstring's example"),
              case(_dout_for(X_C2, W_C2, 2, 1, 1), X_C2, W_C2, stride=2, pad=1,
                   label="2 images of 2×3×5, 2 filters 2×3, stride 2, pad 1"),
              case(_dout_for(X_C2, W_C2, 1, 0, 2), X_C2, W_C2,
                   label="the same, stride 1, no padding")],
    generate=_random_backward_loops_case, n_public=2, n_hidden=10,
    edge_cases=[case(np.ones((2, 1, 1, 1)), np.ones((2, 3, 2, 2)), np.ones((1, 3, 2, 2)))],
    tol=FLOAT_TOL, batch_size=lambda c: len(c.args[1]),
    mistakes=known(_loops_assign, _loops_first_sample, _loops_db_per_position,
                   _loops_keep_padding, _loops_flip_dx),
)


# --------------------------------------------------------------------------- sprint8.conv2d
@hint("You flipped the filter (true convolution). CNNs use the cross-correlation: the patch times "
      "W as it is, in forward and in backward.")
class _Conv2dFlipped(Conv2d):
    """The true convolution: the filter flipped in forward and backward."""

    def forward(self, x):
        W = self.W
        self.W = W[:, :, ::-1, ::-1]
        out = super().forward(x)
        self.W = W
        return out

    def backward(self, dout):
        W = self.W
        self.W = W[:, :, ::-1, ::-1]
        dx = super().backward(dout)
        self.W = W
        self.dW = self.dW[:, :, ::-1, ::-1]
        return dx


# col2im adds each filter offset's slice at stride 1: dx wrong whenever stride > 1
_Conv2dStrideIgnoredInBackward = rewritten(Conv2d.backward,
                                           ("dx_chunk[:, :, i:i + s * OH:s, j:j + s * OW:s]",
                                            "dx_chunk[:, :, i:i + OH, j:j + OW]"),
                                           hint="With stride s, filter offset (p, q) of output (i, "
                                                "j) read the input at (i·s + p, j·s + q): add its "
                                                "gradient back there, dx_pad[:, :, p:p + s·OH:s, "
                                                "q:q + s·OW:s] += ..., not at (i + p, j + q).")

# each patch flattened channel-last (FH, FW, C), while W.reshape(F, -1) is (C, FH, FW)
_Conv2dIm2colOrder = rewritten(Conv2d.forward, ("windows.transpose(0, 1, 4, 5, 2, 3)",
                                                "windows.transpose(0, 4, 5, 1, 2, 3)"),
                               hint="The rows of cols must follow W.reshape(F, -1), which is "
                                    "ordered (C, FH, FW): transpose the windows to (N, C, FH, FW, "
                                    "OH, OW) before the reshape, not (N, FH, FW, C, ...).")


@hint("dW and db sum over all output positions (the filter is shared by all of them): do not "
      "divide by OH·OW.")
class _Conv2dDwMean(Conv2d):
    """dW and db averaged over the positions instead of summed."""

    def backward(self, dout):
        dx = super().backward(dout)
        positions = dout.shape[2] * dout.shape[3]
        self.dW = self.dW / positions
        self.db = self.db / positions
        return dx


@hint("dW and db sum over the whole batch: every sample used the same filter.")
class _Conv2dDwFirstSample(Conv2d):
    """dW and db from the first sample of the batch only."""

    def forward(self, x):
        self._x = x
        return super().forward(x)

    def backward(self, dout):
        dx = super().backward(dout)
        super().forward(self._x[:1])
        super().backward(dout[:1])
        return dx


@hint("dx has the shape of x: cut the padding away, dx_pad[:, :, pad:pad + H, pad:pad + W].")
class _Conv2dDxPadded(Conv2d):
    """dx returned with the padding still around it."""

    def backward(self, dout):
        dx = super().backward(dout)
        p = self.pad
        return np.pad(dx, ((0, 0), (0, 0), (p, p), (p, p)))


def _conv_examples():
    return [
        _conv_class_case(X44, W_DIAG, np.array([0.5]), 1, 0, np.ones((1, 1, 3, 3)),
                         "the docstring's example: one 2×2 filter on a 4×4 image"),
        _conv_class_case(X_C2, W_C2, B_C2, 2, 1, _dout_for(X_C2, W_C2, 2, 1, 1),
                         "2 images of 2×3×5, 2 filters 2×3, stride 2, pad 1"),
        _conv_class_case(X_C2, W_C2, B_C2, 1, 0, _dout_for(X_C2, W_C2, 1, 0, 2),
                         "the same, stride 1, no padding"),
    ]


CONV2D = Exercise(
    id="sprint8.conv2d", points=4, module="conv2d", name="Conv2d",
    title="the vectorised Conv2d layer",
    examples=_conv_examples(),
    generate=_random_conv_class_case, n_public=2, n_hidden=10,
    edge_cases=[_conv_class_case(np.ones((1, 2, 1, 1)), np.ones((3, 2, 1, 1)), np.arange(3.0),
                                 1, 0, np.ones((1, 3, 1, 1)), "1×1 everything"),
                _conv_class_case(np.arange(24.0).reshape(1, 2, 3, 4), np.ones((1, 2, 3, 1)),
                                 np.zeros(1), 3, 2, np.ones((1, 1, 2, 3)), "stride 3, pad 2"),
                _conv_class_case(X44.astype(np.float32), W_DIAG.astype(np.float32),
                                 np.array([0.5], dtype=np.float32), 1, 1,
                                 np.ones((1, 1, 5, 5), dtype=np.float32),
                                 "float32 x, W, b and dout: every output stays float32")],
    tol=KEEPS_DTYPE, batch_size=lambda c: len(steps_of(c)[0].args[0]),
    mistakes=known(_Conv2dFlipped, _Conv2dStrideIgnoredInBackward, _Conv2dIm2colOrder,
                   _Conv2dDwMean, _Conv2dDwFirstSample, _Conv2dDxPadded),
)


# --------------------------------------------------------------------------- both pooling layers
class _PoolStrideOne(Pool2D):
    """The stride defaults to 1 (overlapping windows) instead of the window size: a slip in
    setting the window, which both layers share (``Pool2D``), so one mistake of each."""

    def __init__(self, pool_h, pool_w, stride=1, pad=0):
        super().__init__(pool_h, pool_w, 1 if stride is None else stride, pad)


_STRIDE_ONE_HINT = hint("stride=None means windows side by side: the stride is the window size "
                        "(pool_strides(pool_h, pool_w, stride) gives it), not 1.")


# --------------------------------------------------------------------------- sprint8.max_pool2d
class _MaxPoolRouting(MaxPool2D):
    """MaxPool2D whose backward hands each window offset's gradient to ``_route``, the step
    the mistakes below get wrong (the reference routes it where ``arg_max == k``)."""

    def backward(self, dout):
        N, C, H, W = self.x_shape
        sh, sw = pool_strides(self.pool_h, self.pool_w, self.stride)
        p = self.pad
        dx_pad = np.zeros((N, C, H + 2 * p, W + 2 * p))
        for k, _, _, view in window_offsets(dx_pad, self.pool_h, self.pool_w, sh, sw):
            self._route(k, view, dout)
        return dx_pad[:, :, p:p + H, p:p + W]


@hint("Only the maximum of each window reached the output, so only it gets the gradient: the other "
      "positions get 0 (keep the argmax in forward).")
class _MaxPoolEveryPosition(_MaxPoolRouting):
    """backward sends each window's gradient to every position of the window."""

    def _route(self, k, view, dout):
        view += dout


@hint("When several entries tie for the maximum, give the gradient to the *first* one only (as "
      "np.argmax): with a mask x == max every tie gets a full copy.")
class _MaxPoolAllTies(_MaxPoolRouting):
    """backward sends the gradient to every entry equal to the window's maximum (all ties)."""

    def forward(self, x):
        out = super().forward(x)
        p = self.pad
        x_pad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), constant_values=-np.inf)
        sh, sw = pool_strides(self.pool_h, self.pool_w, self.stride)
        self._ties = [xv == out for _, _, _, xv in
                      window_offsets(x_pad, self.pool_h, self.pool_w, sh, sw)]
        return out

    def _route(self, k, view, dout):
        view += np.where(self._ties[k], dout, 0.0)


@hint("Overlapping windows can share a maximum: add their gradients (+=) instead of overwriting "
      "them.")
class _MaxPoolOverlapAssigned(_MaxPoolRouting):
    """backward *assigns* each window's gradient: overlapping windows overwrite each other."""

    def _route(self, k, view, dout):
        hit = self.arg_max == k
        view[hit] = dout[hit]


@_STRIDE_ONE_HINT
class _MaxPoolStrideOne(_PoolStrideOne, MaxPool2D):
    """MaxPool2D whose stride defaults to 1."""


@hint("That is average pooling's backward. Max pooling routes the whole gradient to the maximum of "
      "the window.")
class _MaxPoolShared(MaxPool2D):
    """backward shares the gradient equally over the window (the average pool's backward)."""

    def backward(self, dout):
        return AveragePool2D.backward(self, dout)


def _max_pool_examples():
    x_tie = np.array([[[[1.0, 2.0, 5.0, 0.0], [3.0, 4.0, 1.0, 1.0],
                        [0.0, 0.0, 2.0, 2.0], [0.0, 9.0, 2.0, 2.0]]]])
    x_overlap = np.array([[[[1.0, 0.0, 2.0, 0.0, 1.0],
                            [0.0, 0.0, 0.0, 0.0, 0.0],
                            [3.0, 0.0, 9.0, 0.0, 4.0],
                            [0.0, 1.0, 0.0, 0.0, 0.0],
                            [1.0, 0.0, 2.0, 0.0, 5.0]]]])
    rng = np.random.default_rng(8)
    x_rect = rng.integers(-3, 4, size=(2, 2, 4, 6)).astype(float)
    return [
        _pool_class_case(x_tie, 2, 2, None, 0, np.array([[[[10.0, 20.0], [30.0, 40.0]]]]),
                         "the docstring's example, 2×2 windows, a tie of four 2s"),
        _pool_class_case(x_overlap, 3, 3, 2, 0, np.array([[[[1.0, 2.0], [3.0, 4.0]]]]),
                         "overlapping 3×3 windows, stride 2: the 9 in the middle wins all four"),
        _pool_class_case(x_rect, 2, 3, None, 0, rng.normal(size=(2, 2, 2, 2)).round(2),
                         "2 images, 2 channels, 2×3 windows, integer values (ties)"),
        _without_stride((2, 2), x_overlap[:, :, :4, :4],
                        label="MaxPool2D(2, 2) without a stride: windows side by side"),
    ]


MAX_POOL2D = Exercise(
    id="sprint8.max_pool2d", points=3, module="pooling", name="MaxPool2D",
    title="max pooling (MaxPool2D)",
    examples=_max_pool_examples(),
    generate=_random_max_pool_case, n_public=2, n_hidden=12,
    edge_cases=[_pool_class_case(-np.ones((1, 1, 3, 3)), 2, 2, 1, 1, np.ones((1, 1, 4, 4)),
                                 "negative values and padding: pad with -inf, not 0"),
                _without_stride((2, 3), np.arange(24.0).reshape(1, 2, 2, 6) % 5,
                                np.ones((1, 2, 1, 2))),
                _pool_class_case(np.zeros((2, 1, 2, 2)), 2, 2, None, 0, np.ones((2, 1, 1, 1)),
                                 "all ties"),
                _float32_case([[[[1.0, 2.0, 5.0, 0.0], [3.0, 4.0, 1.0, 1.0]]]],
                              [[[[10.0, 20.0]]]])],
    tol=FLOAT_TOL,
    mistakes=known(_MaxPoolEveryPosition, _MaxPoolAllTies, _MaxPoolOverlapAssigned,
                   _MaxPoolStrideOne, _MaxPoolShared),
)


# --------------------------------------------------------------------------- sprint8.average_pool2d
@hint("Each entry counted 1/(PH·PW) in the mean: divide dout by the window's area in backward too.")
class _AveragePoolBackwardNotDivided(AveragePool2D):
    def backward(self, dout):
        return super().backward(dout) * (self.pool_h * self.pool_w)


@_STRIDE_ONE_HINT
class _AveragePoolStrideOne(_PoolStrideOne, AveragePool2D):
    """AveragePool2D whose stride defaults to 1."""


@hint("Average, do not sum: divide by the window's area PH·PW.")
class _AveragePoolSum(AveragePool2D):
    def forward(self, x):
        return super().forward(x) * (self.pool_h * self.pool_w)

    def backward(self, dout):
        return super().backward(dout) * (self.pool_h * self.pool_w)


def _average_pool_examples():
    rng = np.random.default_rng(9)
    return [
        _pool_class_case(np.array([[[[1.0, 3.0, 0.0, 0.0], [5.0, 7.0, 0.0, 4.0]]]]), 2, 2, None, 0,
                         np.array([[[[8.0, 4.0]]]]), "the docstring's example"),
        _pool_class_case(rng.normal(size=(2, 3, 5, 5)).round(2), 3, 3, 2, 1,
                         rng.normal(size=(2, 3, 3, 3)).round(2),
                         "3×3 windows, stride 2, padding 1 (overlaps, zeros counted)"),
        _without_stride((2, 2), np.arange(16.0).reshape(1, 1, 4, 4),
                        label="AveragePool2D(2, 2) without a stride: windows side by side"),
    ]


AVERAGE_POOL2D = Exercise(
    id="sprint8.average_pool2d", points=2, module="pooling", name="AveragePool2D",
    title="average pooling (AveragePool2D)",
    examples=_average_pool_examples(),
    generate=_random_average_pool_case, n_public=2, n_hidden=10,
    edge_cases=[_pool_class_case(np.ones((1, 1, 2, 2)), 2, 2, 1, 1, np.ones((1, 1, 3, 3))),
                _without_stride((2, 2), np.arange(16.0).reshape(1, 1, 4, 4),
                                np.array([[[[4.0, 8.0], [-4.0, 0.0]]]])),
                _float32_case([[[[1.0, 3.0, 0.0, 0.0], [5.0, 7.0, 0.0, 4.0]]]], [[[[8.0, 4.0]]]])],
    tol=FLOAT_TOL,
    mistakes=known(_AveragePoolBackwardNotDivided, _AveragePoolStrideOne, _AveragePoolSum),
)


# --------------------------------------------------------------------------- sprint8.flatten
@hint("backward returns dout in the input's shape: dout.reshape(self.x_shape).")
class _FlattenBackwardFlat(Flatten):
    def backward(self, dout):
        return dout


@hint("Keep the batch axis: x.reshape(x.shape[0], -1), not x.reshape(-1).")
class _FlattenEverything(Flatten):
    def forward(self, x):
        self.x_shape = x.shape
        return x.reshape(-1)


def _layer_shapes(layers, input_shape, plus_one=True):
    """Yield ``(layer, input shape, output shape)`` down the network, as count_parameters and
    count_macs walk it (``plus_one=False``: the sizes' off-by-one slip)."""
    def size(i, k, s, p):
        return (i + 2 * p - k) // s + (1 if plus_one else 0)

    shape = tuple(int(s) for s in input_shape)
    for layer in layers:
        if layer["type"] in ("conv", "pool"):
            C, H, W = shape
            K = layer["size"]
            S = layer.get("stride", 1 if layer["type"] == "conv" else K)
            P = layer.get("pad", 0)
            out = (layer.get("filters", C), size(H, K, S, P), size(W, K, S, P))
        else:
            out = (layer["units"],)
        yield layer, shape, out
        shape = out


def _count_variant(layers, input_shape, *, channels=True, bias=True, plus_one=True):
    """count_parameters with one of its classic slips (see the mistakes below)."""
    result = []
    for layer, shape, out in _layer_shapes(layers, input_shape, plus_one):
        if layer["type"] == "conv":
            F, K = layer["filters"], layer["size"]
            n = F * (shape[0] if channels else 1) * K * K + (F if bias else 0)
        elif layer["type"] == "pool":
            n = 0
        else:
            D, M = int(np.prod(shape)), layer["units"]
            n = D * M + (M if bias else 0)
        result.append((out, n))
    return result


FLATTEN = Exercise(
    id="sprint8.flatten", points=1, module="pooling", name="Flatten",
    title="Flatten",
    examples=[class_case(steps=[("forward", (np.arange(12.0).reshape(2, 3, 2, 1),)),
                                ("backward", (np.arange(12.0).reshape(2, 6) / 10,))],
                         label="x (2, 3, 2, 1)")],
    generate=_random_flatten_case, n_public=2, n_hidden=6,
    tol=FLOAT_TOL,
    mistakes=known(_FlattenBackwardFlat, _FlattenEverything),
)


# ------------------------------------------------------------------------- sprint8.count_parameters
# count_parameters with one of its slips each, chosen by a keyword
_count_without_biases = switched(
    _count_variant, bias=False,
    hint="Count the biases too: one per filter (F) and one per affine unit (M).")

_count_one_channel = switched(
    _count_variant, channels=False,
    hint="A filter spans every input channel: a conv layer has F · C · K · K weights (plus F "
         "biases).")

_count_sizes_off_by_one = switched(
    _count_variant, plus_one=False,
    hint="The output sizes are off by one: use conv_output_size, (I + 2P − K) // S + 1.")


COUNT_PARAMETERS = Exercise(
    id="sprint8.count_parameters", points=2, module="param_count", name="count_parameters",
    title="counting parameters (AlexNet's 62.3M)",
    examples=[case(SIMPLE_CONVNET, SIMPLE_CONVNET_INPUT, label="the course's SimpleConvNet"),
              case(ALEXNET, ALEXNET_INPUT, label="AlexNet (62.3 million parameters, 6230万)"),
              case([{"type": "conv", "filters": 6, "size": 5, "stride": 1, "pad": 2},
                    {"type": "pool", "size": 2, "stride": 2},
                    {"type": "conv", "filters": 16, "size": 5, "stride": 1, "pad": 0},
                    {"type": "pool", "size": 2, "stride": 2},
                    {"type": "affine", "units": 120}, {"type": "affine", "units": 84},
                    {"type": "affine", "units": 10}], (1, 28, 28),
                   label="LeNet-5 on 28×28 digits")],
    generate=_random_architecture_case, n_public=2, n_hidden=10,
    edge_cases=[case([{"type": "conv", "filters": 4, "size": 3},
                      {"type": "pool", "size": 2},
                      {"type": "affine", "units": 5}], (2, 10, 10),
                     label="the defaults: conv stride 1 and pad 0, pool stride = size")],
    tol=INT_TOL,
    mistakes=known(_count_without_biases, _count_one_channel, _count_sizes_off_by_one),
)


# --------------------------------------------------------------------------- sprint8.count_macs
def _macs_variant(layers, input_shape, *, positions=True, channels=True, bias=False):
    """count_macs with one of its classic slips (see the mistakes below)."""
    result = []
    for layer, shape, out in _layer_shapes(layers, input_shape):
        if layer["type"] == "conv":
            (F, OH, OW), K = out, layer["size"]
            macs = F * K * K * (shape[0] if channels else 1) * (OH * OW if positions else 1)
            macs += F * OH * OW if bias else 0
        elif layer["type"] == "pool":
            macs = 0
        else:
            D, M = int(np.prod(shape)), layer["units"]
            macs = D * M + (M if bias else 0)
        result.append(int(macs))
    return result


# count_macs with one of its slips each, chosen by a keyword
_macs_one_position = switched(
    _macs_variant, positions=False,
    hint="A filter's weights are used at every output position: multiply by OH · OW (what you "
         "counted is the number of weights).")

_macs_one_channel = switched(
    _macs_variant, channels=False,
    hint="Each output value sums over every input channel too: C · K · K products.")

_macs_with_bias = switched(
    _macs_variant, bias=True,
    hint="Adding the bias is an addition, not a multiply-add: leave it out.")


COUNT_MACS = Exercise(
    id="sprint8.count_macs", points=2, module="param_count", name="count_macs",
    title="counting multiply-adds (AlexNet's 1.1 billion)",
    examples=[case(SIMPLE_CONVNET, SIMPLE_CONVNET_INPUT, label="the course's SimpleConvNet"),
              case(ALEXNET, ALEXNET_INPUT, label="AlexNet (about 1.1 billion multiply-adds)")],
    generate=_random_architecture_case, n_public=2, n_hidden=10,
    tol=INT_TOL,
    mistakes=known(_macs_one_position, _macs_one_channel, _macs_with_bias),
)


# --------------------------------------------------------------------------- exercises
EXERCISES = numbered([
    CONV_OUTPUT_SIZE, CONV2D_FORWARD_LOOPS, CONV2D_BACKWARD_LOOPS, CONV2D, MAX_POOL2D,
    AVERAGE_POOL2D, FLATTEN, COUNT_PARAMETERS, COUNT_MACS,
])
