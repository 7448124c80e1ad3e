"""Sprint 10, from scratch to a framework: the layout conversions, cases and known mistakes.

Random shapes are never square where it matters (D != M, FH != FW, C != F), so a reshape or a
wrong transpose that happens to give the right shape gives the wrong numbers.
"""
import numpy as np

from ..learner.compare import Tolerance
from ..learner.registry import Case, Exercise, case
from . import hint, known, numbered

EXACT = Tolerance(rtol=0, atol=0)


# --------------------------------------------------------------------------- generators
def _distinct(rng, low, high, n):
    """``n`` different ints in [low, high)."""
    return [int(v) for v in rng.choice(np.arange(low, high), size=n, replace=False)]


def _random_affine_case(rng: np.random.Generator) -> Case:
    D, M = _distinct(rng, 1, 8, 2)
    dtype = np.float32 if rng.random() < 0.3 else np.float64
    W = rng.normal(size=(D, M)).round(2).astype(dtype)
    return case(W, rng.normal(size=M).round(2).astype(dtype), label=f"W ({D}, {M})")


def _random_hwio_case(rng: np.random.Generator) -> Case:
    FH, FW, C, F = _distinct(rng, 1, 7, 4)
    return case(rng.normal(size=(FH, FW, C, F)).round(2),
                label=f"kernel (FH, FW, C, F) = ({FH}, {FW}, {C}, {F})")


def _random_flip_case(rng: np.random.Generator) -> Case:
    F, C, FH, FW = _distinct(rng, 1, 6, 4)
    return case(rng.normal(size=(F, C, FH, FW)).round(2), label=f"W ({F}, {C}, {FH}, {FW})")


# ------------------------------------------------------------------------ sprint10.affine_to_linear
@hint("reshape keeps the numbers in their memory order: the shape is right, the numbers are not. "
      "Transpose: W.T.")
def _affine_reshaped(W, b):
    W = np.asarray(W)
    return W.reshape(W.shape[1], W.shape[0]), np.asarray(b).copy()


@hint("torch.nn.Linear stores weight as (outputs, inputs) and computes x @ weight.T: give it W.T.")
def _affine_unchanged(W, b):
    return np.asarray(W).copy(), np.asarray(b).copy()


AFFINE_TO_LINEAR = Exercise(
    id="sprint10.affine_to_linear", points=1, module="framework", name="affine_to_linear",
    title="an Affine layer's parameters for torch.nn.Linear",
    examples=[case(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), np.zeros(3),
                   label="the docstring's example"),
              case(np.arange(8.0).reshape(4, 2), np.array([0.5, -0.5]),
                   label="4 inputs, 2 outputs")],
    generate=_random_affine_case, n_public=2, n_hidden=8,
    tol=EXACT,
    mistakes=known(_affine_reshaped, _affine_unchanged),
)


# ------------------------------------------------------------------- sprint10.conv_weight_from_hwio
@hint("transpose(3, 2, 1, 0) also swaps height and width: the spatial axes keep their order, "
      "transpose(3, 2, 0, 1).")
def _hwio_reversed(kernel):
    return np.asarray(kernel).transpose(3, 2, 1, 0).copy()


@hint("reshape keeps the memory order: the numbers land in the wrong places. Move the axes with "
      "transpose(3, 2, 0, 1).")
def _hwio_reshaped(kernel):
    k = np.asarray(kernel)
    FH, FW, C, F = k.shape
    return k.reshape(F, C, FH, FW)


@hint("The filters (axis 3 of the kernel) come first, then the channels (axis 2): transpose(3, 2, "
      "0, 1).")
def _hwio_filters_last(kernel):
    return np.asarray(kernel).transpose(2, 3, 0, 1).copy()


CONV_WEIGHT_FROM_HWIO = Exercise(
    id="sprint10.conv_weight_from_hwio", points=2, module="framework",
    name="conv_weight_from_hwio",
    title="convolution filters from TensorFlow's layout",
    examples=[case(np.arange(24.0).reshape(2, 3, 1, 4), label="the docstring's example"),
              case(np.arange(60.0).reshape(1, 3, 4, 5) / 10,
                   label="1×3 filters, 4 channels, 5 filters")],
    generate=_random_hwio_case, n_public=2, n_hidden=8,
    tol=EXACT,
    mistakes=known(_hwio_reversed, _hwio_reshaped, _hwio_filters_last),
)


# --------------------------------------------------------------------------- sprint10.flip_kernel
@hint("Turn the filter by 180°: reverse *both* spatial axes, W[..., ::-1, ::-1].")
def _flip_one_axis(W):
    return np.asarray(W)[..., ::-1, :].copy()


@hint("Only the two spatial axes are reversed; the filters and the channels keep their order.")
def _flip_all_axes(W):
    return np.asarray(W)[::-1, ::-1, ::-1, ::-1].copy()


@hint("A 180° turn reverses the rows and the columns; swapping them (a transpose) is a reflection.")
def _transpose_spatial(W):
    return np.asarray(W).swapaxes(-1, -2).copy()


FLIP_KERNEL = Exercise(
    id="sprint10.flip_kernel", points=1, module="framework", name="flip_kernel",
    title="from cross-correlation to convolution",
    examples=[case(np.array([[[[1.0, 2.0], [3.0, 4.0]]]]), label="the docstring's example"),
              case(np.arange(24.0).reshape(2, 2, 2, 3), label="2 filters, 2 channels, 2×3")],
    generate=_random_flip_case, n_public=2, n_hidden=8,
    tol=EXACT,
    mistakes=known(_flip_one_axis, _flip_all_axes, _transpose_spatial),
)


# --------------------------------------------------------------------------- exercises
EXERCISES = numbered([
    AFFINE_TO_LINEAR, CONV_WEIGHT_FROM_HWIO, FLIP_KERNEL,
])
