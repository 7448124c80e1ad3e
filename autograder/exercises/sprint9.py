"""Sprint 9, training deeper networks: exercises, cases and known mistakes.

Batch normalization is graded in two exercises on the same class: its forward pass (training,
a second training batch, then inference, with the running averages read after each case) and
its backward pass (after a training forward pass, and after an inference one). Random cases mix
features ``(N, D)`` and images ``(N, C, H, W)`` (per-channel statistics), float64 and float32,
batch sizes from 2 and values far from 0 (so a variance with ``N - 1`` or a forgotten mean
shows).

Saving and loading are graded through given wrappers of ``helpers/checkpoint.py`` that write to
and read from memory, so no case needs a file.
"""
import json
from collections.abc import Callable
from typing import TypedDict

import numpy as np

from solutions.batchnorm import BatchNormalization, from_rows, to_rows
from solutions.preprocessing import Standardizer, shift_images  # noqa: F401 - for the mistakes

from ..learner.compare import Tolerance
from ..learner.registry import Case, Exercise, case, class_case
from . import hint, known, numbered, rewritten, steps_of

FLOAT_TOL = Tolerance(rtol=1e-6, atol=1e-9)
BN_TOL = Tolerance(rtol=1e-5, atol=1e-6)       # float32 cases round in the 7th digit
EXACT = Tolerance(rtol=0, atol=0)


# --------------------------------------------------------------------------- batch norm cases
def _bn_forward_case(x1, x2, gamma, beta, momentum=0.9, label=""):
    """Two training batches, then inference on the second; the running averages at the end."""
    return class_case((gamma, beta), {"momentum": momentum},
                      steps=[("forward", (x1,)), ("forward", (x2,), {"train_flg": True}),
                             ("forward", (x2,), {"train_flg": False})],
                      attrs=["running_mean", "running_var"], label=label)


def _bn_backward_case(x, dout, gamma, beta, train=True, label=""):
    steps = [("forward", (x,))]
    if not train:   # one training batch first, so the running averages are not 0 and 1
        steps = [("forward", (x * 0.5 + 1.0,)), ("forward", (x,), {"train_flg": False})]
    return class_case((gamma, beta), {}, steps=[*steps, ("backward", (dout,))],
                      attrs=["dgamma", "dbeta"], label=label)


X_DOC = np.array([[1.0, 10.0], [3.0, 10.0], [5.0, 40.0], [7.0, 20.0]])
X_DOC2 = np.array([[2.0, 0.0], [2.5, 10.0], [-1.0, 30.0]])
X_IMG = (np.arange(2 * 3 * 2 * 2, dtype=float).reshape(2, 3, 2, 2) % 7) * 1.5 - 2.0
X_IMG2 = (np.arange(3 * 3 * 2 * 2, dtype=float).reshape(3, 3, 2, 2) % 5) * 2.0 + 1.0


def _random_bn_inputs(rng):
    """(x1, x2, gamma, beta, kind): features or images, values with an offset and a scale."""
    dtype = np.float32 if rng.random() < 0.25 else np.float64
    offset, scale = float(rng.choice([0.0, 3.0, -20.0])), float(rng.choice([0.5, 1.0, 4.0]))
    if rng.random() < 0.5:
        D = int(rng.integers(1, 6))
        shapes = [(int(rng.integers(2, 9)), D), (int(rng.integers(2, 9)), D)]
        kind = f"features (N, {D})"
    else:
        C, H, W = (int(v) for v in rng.integers(1, 4, size=3))
        shapes = [(int(rng.integers(1, 4)), C, H, W + 1), (int(rng.integers(1, 4)), C, H, W + 1)]
        kind = f"images (N, {C}, {H}, {W + 1})"
    x1, x2 = ((rng.normal(size=s) * scale + offset).astype(dtype) for s in shapes)
    D = shapes[0][1]
    gamma = rng.uniform(0.5, 2.0, size=D).astype(dtype)
    beta = rng.normal(size=D).astype(dtype)
    label = f"{kind}, batches of {shapes[0][0]} and {shapes[1][0]}, {np.dtype(dtype).name}"
    return x1, x2, gamma, beta, label


def _random_bn_forward_case(rng: np.random.Generator) -> Case:
    x1, x2, gamma, beta, label = _random_bn_inputs(rng)
    momentum = float(rng.choice([0.9, 0.5, 0.99]))
    return _bn_forward_case(x1, x2, gamma, beta, momentum, f"{label}, momentum {momentum}")


def _random_bn_backward_case(rng: np.random.Generator) -> Case:
    x1, _, gamma, beta, label = _random_bn_inputs(rng)
    dout = rng.normal(size=x1.shape).astype(x1.dtype)
    train = rng.random() < 0.75
    return _bn_backward_case(x1, dout, gamma, beta, train,
                             f"{label}, after a {'training' if train else 'inference'} forward")


# ------------------------------------------------------------------------ sprint9.batchnorm_forward
# the variance with N - 1 (ddof=1), in the normalization and the running average
_BNUnbiasedVar = rewritten(BatchNormalization.forward,
                           ('np.einsum("ij,ij->j", xc, xc) / len(xc)',
                            'np.einsum("ij,ij->j", xc, xc) / max(len(xc) - 1, 1)'),
                           hint="Batch normalization's variance divides by N (np.var's default, "
                                "ddof=0), not N − 1: use np.mean((x − μ)²) over the batch.")


@hint("In training, update the running averages: running_mean = momentum · running_mean + (1 − "
      "momentum) · μ_B, and the same for the variance; inference uses them.")
class _BNNoRunningUpdate(BatchNormalization):
    """Normalizes right in training but never updates the running averages."""

    def forward(self, x, train_flg=True):
        kept = (self.running_mean, self.running_var)
        out = super().forward(x, train_flg)
        if kept[0] is None:
            kept = (np.zeros_like(self.running_mean), np.ones_like(self.running_var))
        self.running_mean, self.running_var = kept
        return out


@hint("At inference (train_flg=False) normalize with running_mean and running_var, not with the "
      "statistics of the batch, and update nothing.")
class _BNBatchStatsAtInference(BatchNormalization):
    """Uses the statistics of the batch at inference too (and updates the averages)."""

    def forward(self, x, train_flg=True):
        return super().forward(x, True)


@hint("momentum is the weight of the *old* running value: momentum · running + (1 − momentum) · "
      "batch.")
class _BNMomentumSwapped(BatchNormalization):
    """running = (1 - momentum) · running + momentum · batch."""

    def forward(self, x, train_flg=True):
        self.momentum = 1 - self.momentum
        try:
            return super().forward(x, train_flg)
        finally:
            self.momentum = 1 - self.momentum


@hint("For images (N, C, H, W) normalize per channel over N·H·W values (to_rows(x) gives the "
      "rows), not every pixel separately.")
class _BNPerPixel(BatchNormalization):
    """Images normalized per pixel (the book's x.reshape(N, -1)), not per channel."""

    def forward(self, x, train_flg=True):
        x = np.asarray(x)
        if x.ndim == 4:
            N, C, H, W = x.shape
            gamma, beta = self.gamma, self.beta
            self.gamma, self.beta = np.repeat(gamma, H * W), np.repeat(beta, H * W)
            try:
                if self.running_mean is not None and len(self.running_mean) == C:
                    self.running_mean = np.repeat(self.running_mean, H * W)
                    self.running_var = np.repeat(self.running_var, H * W)
                return super().forward(x.reshape(N, -1), train_flg).reshape(x.shape)
            finally:
                self.gamma, self.beta = gamma, beta
        return super().forward(x, train_flg)


BATCHNORM_FORWARD = Exercise(
    id="sprint9.batchnorm_forward", points=3, module="batchnorm", name="BatchNormalization",
    title="batch normalization, forward (training and inference)",
    examples=[_bn_forward_case(X_DOC, X_DOC2, np.ones(2), np.zeros(2),
                               label="the docstring's batch, a second batch, then inference"),
              _bn_forward_case(X_IMG, X_IMG2, np.array([1.0, 2.0, 0.5]),
                               np.array([0.0, 1.0, -1.0]), momentum=0.5,
                               label="images (2, 3, 2, 2) and (3, 3, 2, 2): per channel, "
                                     "momentum 0.5"),
              _bn_forward_case(X_DOC.astype(np.float32), X_DOC2.astype(np.float32),
                               np.ones(2, np.float32), np.zeros(2, np.float32),
                               label="the docstring's batches in float32")],
    generate=_random_bn_forward_case, n_public=2, n_hidden=10,
    edge_cases=[_bn_forward_case(np.full((3, 2), 4.0), np.array([[1.0, 2.0], [3.0, 2.0]]),
                                 np.ones(2), np.zeros(2), label="a constant first batch"),
                _bn_forward_case(np.ones((1, 2, 1, 1)) * 5, np.ones((2, 2, 1, 1)),
                                 np.ones(2), np.zeros(2), label="1×1 images")],
    tol=BN_TOL,
    mistakes=known(_BNUnbiasedVar, _BNNoRunningUpdate, _BNBatchStatsAtInference,
                   _BNMomentumSwapped, _BNPerPixel),
)


# ----------------------------------------------------------------------- sprint9.batchnorm_backward
@hint("After a training forward pass μ_B and σ_B depend on every x_i: dx = (g − mean(g) − x̂ · "
      "mean(g · x̂)) / σ with g = γ · dout, not only γ · dout / σ.")
class _BNBackwardNoMeanTerms(BatchNormalization):
    """dx = γ · dout / σ: as if μ_B and σ_B did not depend on x."""

    def backward(self, dout):
        self.train_flg, train = False, self.train_flg
        try:
            return super().backward(dout)
        finally:
            self.train_flg = train


@hint("You kept the mean's term but not the variance's: subtract x̂ · mean(g · x̂) too.")
class _BNBackwardNoVarianceTerm(BatchNormalization):
    """Keeps the mean's term but forgets the variance's: dx = (g - mean(g)) / σ."""

    def backward(self, dout):
        rows = to_rows(np.asarray(dout))
        self.dbeta = rows.sum(axis=0)
        self.dgamma = np.sum(rows * self.x_hat, axis=0)
        g = self.gamma * rows
        if self.train_flg:
            g = g - g.mean(axis=0)
        return from_rows(g / self.std, self.input_shape)


@hint("dgamma and dbeta are sums over the batch (every row used the same γ and β), not means.")
class _BNBackwardMeans(BatchNormalization):
    """dgamma and dbeta averaged over the batch instead of summed."""

    def backward(self, dout):
        dx = super().backward(dout)
        n = to_rows(np.asarray(dout)).shape[0]
        self.dgamma, self.dbeta = self.dgamma / n, self.dbeta / n
        return dx


@hint("dx goes back through y = γ · x̂ + β: start from g = γ · dout.")
class _BNBackwardNoGamma(BatchNormalization):
    """Forgets to multiply dout by γ on the way to dx."""

    def backward(self, dout):
        gamma, self.gamma = self.gamma, np.ones_like(self.gamma)
        try:
            return super().backward(dout)
        finally:
            self.gamma = gamma


BATCHNORM_BACKWARD = Exercise(
    id="sprint9.batchnorm_backward", points=3, module="batchnorm", name="BatchNormalization",
    title="batch normalization, backward",
    examples=[_bn_backward_case(X_DOC, np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 0.0],
                                                 [0.0, 0.0]]), np.ones(2), np.zeros(2),
                                label="the docstring's example"),
              _bn_backward_case(X_DOC, np.array([[0.5, -1.0], [2.0, 0.0], [-1.0, 1.0],
                                                 [0.0, 3.0]]),
                                np.array([2.0, 0.5]), np.array([1.0, -1.0]),
                                label="the docstring's batch, γ = (2, 0.5), any dout"),
              _bn_backward_case(X_IMG, np.cos(np.arange(24.0)).reshape(2, 3, 2, 2),
                                np.array([1.0, 2.0, 0.5]), np.array([0.0, 1.0, -1.0]),
                                label="images (2, 3, 2, 2)"),
              _bn_backward_case(X_DOC, np.array([[0.5, -1.0], [2.0, 0.0], [-1.0, 1.0],
                                                 [0.0, 3.0]]),
                                np.array([2.0, 0.5]), np.array([1.0, -1.0]), train=False,
                                label="after an inference forward pass")],
    generate=_random_bn_backward_case, n_public=2, n_hidden=10,
    edge_cases=[_bn_backward_case(np.array([[1.0], [2.0]]), np.array([[1.0], [1.0]]),
                                  np.ones(1), np.zeros(1), label="a shift of dout: dx = 0")],
    tol=BN_TOL, batch_size=lambda c: len(steps_of(c)[0].args[0]),
    mistakes=known(_BNBackwardNoMeanTerms, _BNBackwardNoVarianceTerm, _BNBackwardMeans,
                   _BNBackwardNoGamma),
)


# ---------------------------------------------------------------- parameters of the worked examples
_P_DOC = {"W1": np.array([[1.0, -2.0]]), "b1": np.array([5.0]), "W2": np.array([[3.0]])}
_P_NET = {"W1": np.arange(6.0).reshape(2, 3) / 4, "b1": np.array([0.5, -1.0, 2.0]),
          "gamma1": np.array([1.0, 1.5, 0.5]), "beta1": np.zeros(3),
          "W2": np.array([[1.0], [-1.0], [2.0]]), "b2": np.array([0.25])}
_G_NET = {k: np.full_like(v, 0.1) for k, v in _P_NET.items()}
_CONFIG = {"input_dim": [1, 28, 28], "filters": [16, 16, 32, 32], "hidden_size": 100,
           "use_batchnorm": True, "dropout_ratio": 0.5}


# --------------------------------------------------------------------------- sprint9.l2_penalty
def _random_params(rng, dtype=None):
    dtype = dtype or (np.float32 if rng.random() < 0.2 else np.float64)
    sizes = [int(v) for v in rng.integers(1, 6, size=int(rng.integers(2, 5)))]
    params = {}
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{i}"] = rng.normal(size=(a, b)).astype(dtype)
        params[f"b{i}"] = rng.normal(size=b).astype(dtype)
        if rng.random() < 0.3:
            params[f"gamma{i}"] = rng.uniform(0.5, 2, size=b).astype(dtype)
            params[f"beta{i}"] = rng.normal(size=b).astype(dtype)
    return params


def _random_penalty_case(rng: np.random.Generator) -> Case:
    params = _random_params(rng)
    lam = float(rng.choice([0.1, 1e-3, 0.5, 2.0]))
    return case(params, lam, label=f"{', '.join(params)}, λ = {lam:g}")


def _random_decay_case(rng: np.random.Generator) -> Case:
    params = _random_params(rng)
    grads = {k: rng.normal(size=v.shape).astype(v.dtype) for k, v in params.items()}
    lam = float(rng.choice([0.1, 1e-3, 0.5, 2.0]))
    return case(grads, params, lam, label=f"{', '.join(params)}, λ = {lam:g}")


@hint('Decay the weight matrices only (keys starting with "W"): biases, γ and β are not penalised.')
def _penalty_with_biases(params, weight_decay):
    return 0.5 * weight_decay * sum(float(np.sum(v.astype(float) ** 2)) for v in params.values())


@hint("The penalty is λ/2 · Σ‖W‖²: the 1/2 makes its gradient λW.")
def _penalty_no_half(params, weight_decay):
    return weight_decay * sum(float(np.sum(v.astype(float) ** 2)) for k, v in params.items()
                              if k.startswith("W"))


@hint("Weight decay is L2: the sum of the *squares* of the weights, not of their absolute values.")
def _penalty_l1(params, weight_decay):
    return 0.5 * weight_decay * sum(float(np.sum(np.abs(v))) for k, v in params.items()
                                    if k.startswith("W"))


@hint("‖W‖² is the sum of the squares, without a square root: np.sum(W ** 2).")
def _penalty_norm_not_squared(params, weight_decay):
    return 0.5 * weight_decay * sum(float(np.sqrt(np.sum(v.astype(float) ** 2)))
                                    for k, v in params.items() if k.startswith("W"))


L2_PENALTY = Exercise(
    id="sprint9.l2_penalty", points=1, module="weight_decay", name="l2_penalty",
    title="the weight-decay term of the loss",
    examples=[case(_P_DOC, 0.1, label="the docstring's example"),
              case(_P_NET, 0.01, label="a batch-norm network's parameters, λ = 0.01")],
    generate=_random_penalty_case, n_public=2, n_hidden=8,
    edge_cases=[case({"b1": np.ones(3)}, 0.1, label="no weights at all"),
                case({"W1": np.ones((2, 2))}, 0.0, label="λ = 0")],
    tol=Tolerance(rtol=1e-6, atol=1e-12),
    mistakes=known(_penalty_with_biases, _penalty_no_half, _penalty_l1,
                   _penalty_norm_not_squared),
)


# ------------------------------------------------------------------------- sprint9.add_weight_decay
@hint("The derivative of λ/2 · W² is λW, not 2λW.")
def _decay_twice(grads, params, weight_decay):
    return {k: g + 2 * weight_decay * params[k] if k.startswith("W") else g.copy()
            for k, g in grads.items()}


@hint('Only the weight matrices (keys starting with "W") are decayed: leave the gradients of b, γ '
      'and β as they are.')
def _decay_biases_too(grads, params, weight_decay):
    return {k: g + weight_decay * params[k] for k, g in grads.items()}


@hint("The penalty grows with W, so its gradient is +λW: add it (the optimizer's step then pulls W "
      "towards 0).")
def _decay_minus(grads, params, weight_decay):
    return {k: g - weight_decay * params[k] if k.startswith("W") else g.copy()
            for k, g in grads.items()}


ADD_WEIGHT_DECAY = Exercise(
    id="sprint9.add_weight_decay", points=2, module="weight_decay", name="add_weight_decay",
    title="weight decay in the gradient",
    examples=[case({"W1": np.array([[0.5, 0.5]]), "b1": np.array([1.0])},
                   {"W1": np.array([[1.0, -2.0]]), "b1": np.array([5.0])}, 0.1,
                   label="the docstring's example"),
              case(_G_NET, _P_NET, 0.5, label="a batch-norm network, λ = 0.5")],
    generate=_random_decay_case, n_public=2, n_hidden=8,
    tol=FLOAT_TOL,
    mistakes=known(_decay_twice, _decay_biases_too, _decay_minus),
)


# --------------------------------------------------------------------------- sprint9.standardizer
@hint("transform must use the mean and std fitted on the training data (self.mean, self.std), not "
      "statistics of the data it is given.")
class _StandardizerRefits(Standardizer):
    """transform standardizes X with X's own mean and std (fits on the test data)."""

    def transform(self, X):
        X = np.asarray(X)
        std = X.std(axis=0)
        return (X - X.mean(axis=0)) / np.where(std == 0, 1.0, std)


@hint("Use np.std's default (ddof=0, divide by N), as batch normalization does.")
class _StandardizerDdof1(Standardizer):
    def fit(self, X):
        X = np.asarray(X)
        self.mean = X.mean(axis=0)
        std = X.std(axis=0, ddof=1) if len(X) > 1 else np.zeros(X.shape[1:])
        self.std = np.where(std == 0, 1.0, std).astype(X.dtype)
        return self


@hint("A feature that never changes has std 0: set its std to 1 so nothing is divided by 0.")
class _StandardizerZeroStd(Standardizer):
    """A constant feature divides by 0."""

    def fit(self, X):
        X = np.asarray(X)
        self.mean, self.std = X.mean(axis=0), X.std(axis=0)
        return self

    def transform(self, X):
        with np.errstate(all="ignore"):
            return (np.asarray(X) - self.mean) / self.std


@hint("One mean and one std per feature: X.mean(axis=0), X.std(axis=0), not over the whole array.")
class _StandardizerGlobal(Standardizer):
    """One mean and one std for the whole array instead of one per feature."""

    def fit(self, X):
        X = np.asarray(X)
        self.mean = np.full(X.shape[1:], X.mean())
        self.std = np.full(X.shape[1:], X.std() or 1.0)
        return self


def _standardizer_case(X_train, X_new, label=""):
    return class_case((), {}, steps=[("fit", (X_train,)), ("transform", (X_new,)),
                                     ("transform", (X_train,))],
                      attrs=["mean", "std"], label=label)


def _random_standardizer_case(rng: np.random.Generator) -> Case:
    D = int(rng.integers(1, 7))
    dtype = np.float32 if rng.random() < 0.2 else np.float64
    loc, scale = rng.normal(size=D) * 10, rng.uniform(0.1, 5, size=D)
    X_train = (rng.normal(size=(int(rng.integers(2, 12)), D)) * scale + loc).astype(dtype)
    X_new = (rng.normal(size=(int(rng.integers(1, 8)), D)) * scale + loc + 3).astype(dtype)
    if rng.random() < 0.5:
        j = int(rng.integers(D))
        X_train[:, j] = float(rng.choice([0.0, 2.0]))
    return _standardizer_case(X_train, X_new, f"train {X_train.shape}, new {X_new.shape}, "
                                              f"{np.dtype(dtype).name}")


STANDARDIZER = Exercise(
    id="sprint9.standardizer", points=2, module="preprocessing", name="Standardizer",
    title="standardization fitted on the training data",
    examples=[_standardizer_case(np.array([[1.0, 5.0], [3.0, 5.0]]),
                                 np.array([[2.0, 6.0], [4.0, 5.0]]),
                                 label="the docstring's example"),
              _standardizer_case(np.array([[0.0, 10.0, 1.0], [2.0, 30.0, 1.0],
                                           [4.0, 20.0, 1.0], [6.0, 40.0, 1.0]]),
                                 np.array([[8.0, 0.0, 2.0]]),
                                 label="4 training rows, a constant feature, one new row")],
    generate=_random_standardizer_case, n_public=2, n_hidden=8,
    tol=FLOAT_TOL,
    mistakes=known(_StandardizerRefits, _StandardizerDdof1, _StandardizerZeroStd,
                   _StandardizerGlobal),
)


# --------------------------------------------------------------------------- sprint9.shift_images
@hint("np.roll wraps around: the pixels that leave the image must be lost and the ones that enter "
      "must be 0.")
def _shift_roll(images, dy, dx):
    return np.roll(np.asarray(images), (int(dy), int(dx)), axis=(-2, -1))


_shift_swapped = rewritten(shift_images, ("dy, dx = int(dy), int(dx)", "dy, dx = int(dx), int(dy)"),
                           hint="dy moves rows (axis -2, down), dx moves columns (axis -1, right): "
                                "you swapped them.")

_shift_opposite = rewritten(shift_images, ("dy, dx = int(dy), int(dx)",
                                           "dy, dx = -int(dy), -int(dx)"),
                            hint="A positive dy moves the image *down*: out[i] = x[i − dy]; you "
                                 "moved it the other way.")


def _random_shift_case(rng: np.random.Generator) -> Case:
    H, W = int(rng.integers(2, 8)), int(rng.integers(2, 8))
    shape = (int(rng.integers(1, 4)), H, W) if rng.random() < 0.6 else \
        (int(rng.integers(1, 3)), int(rng.integers(1, 4)), H, W)
    images = rng.integers(0, 10, size=shape).astype(np.float32 if rng.random() < 0.5 else float)
    dy, dx = int(rng.integers(-H, H + 1)), int(rng.integers(-W, W + 1))
    return case(images, dy, dx, label=f"images {shape}, dy={dy}, dx={dx}")


SHIFT_IMAGES = Exercise(
    id="sprint9.shift_images", points=1, module="preprocessing", name="shift_images",
    title="shifting images (data augmentation)",
    examples=[case(np.arange(1.0, 10.0).reshape(1, 3, 3), 1, 0, label="one row down"),
              case(np.arange(1.0, 10.0).reshape(1, 3, 3), 0, -1, label="one column left"),
              case(np.arange(24.0).reshape(2, 1, 3, 4), -1, 2,
                   label="(2, 1, 3, 4): one row up, two columns right")],
    generate=_random_shift_case, n_public=2, n_hidden=10,
    edge_cases=[case(np.ones((1, 2, 3)), 2, 0, label="shifted out of the image"),
                case(np.ones((1, 2, 3)), 0, 0, label="no shift")],
    tol=EXACT,
    mistakes=known(_shift_roll, _shift_swapped, _shift_opposite),
)


# -------------------------------------------------------------------------- sprint9.train_val_split
@hint("Shuffle first: order = np.random.default_rng(seed).permutation(N), then split the indices "
      "of `order`.")
def _split_no_shuffle(x, t, val_ratio=0.2, seed=0):
    x, t = np.asarray(x), np.asarray(t)
    n_val = int(len(x) * val_ratio)
    return x[n_val:], t[n_val:], x[:n_val], t[:n_val]


@hint("The validation data is the *first* int(N · val_ratio) indices of the permutation; the rest "
      "is for training.")
def _split_val_last(x, t, val_ratio=0.2, seed=0):
    x, t = np.asarray(x), np.asarray(t)
    order = np.random.default_rng(seed).permutation(len(x))
    n_train = len(x) - int(len(x) * val_ratio)
    train, val = order[:n_train], order[n_train:]
    return x[train], t[train], x[val], t[val]


@hint("Use one permutation for x and t, so each sample keeps its label.")
def _split_shuffles_separately(x, t, val_ratio=0.2, seed=0):
    x, t = np.asarray(x), np.asarray(t)
    rng = np.random.default_rng(seed)
    ox, ot = rng.permutation(len(x)), rng.permutation(len(t))
    n_val = int(len(x) * val_ratio)
    return x[ox[n_val:]], t[ot[n_val:]], x[ox[:n_val]], t[ot[:n_val]]


def _random_split_case(rng: np.random.Generator) -> Case:
    N = int(rng.integers(10, 30))
    D = int(rng.integers(1, 4))
    x = rng.normal(size=(N, D)).round(2)
    t = rng.integers(0, 5, size=N)
    ratio = float(rng.choice([0.1, 0.2, 0.25, 0.5]))
    seed = int(rng.integers(0, 1000))
    return case(x, t, val_ratio=ratio, seed=seed, label=f"N={N}, val_ratio={ratio}, seed={seed}")


TRAIN_VAL_SPLIT = Exercise(
    id="sprint9.train_val_split", points=1, module="hyperparams", name="train_val_split",
    title="a validation split",
    examples=[case(np.arange(10.0).reshape(5, 2), np.array([0, 1, 2, 3, 4]), val_ratio=0.4,
                   seed=0, label="the docstring's example"),
              case(np.arange(24.0).reshape(12, 2), np.arange(12) % 3, val_ratio=0.25,
                   seed=7, label="12 samples, val_ratio 0.25, seed 7")],
    generate=_random_split_case, n_public=2, n_hidden=8,
    edge_cases=[case(np.arange(3.0), np.arange(3), val_ratio=0.2, seed=1,
                     label="too few samples for one validation sample")],
    tol=EXACT,
    mistakes=known(_split_no_shuffle, _split_val_last, _split_shuffles_separately),
)


# --------------------------------------------------------------------------- sprint9.log_uniform
@hint("Draw the *exponent* uniformly: 10 ** rng.uniform(np.log10(low), np.log10(high), size); "
      "uniform values fall almost all in the top decade.")
def _log_uniform_linear(low, high, size, seed=0):
    return np.random.default_rng(seed).uniform(low, high, size)


@hint("The exponent's range is log10(low) to log10(high), not low to high.")
def _log_uniform_exp_of_bounds(low, high, size, seed=0):
    return 10.0 ** np.random.default_rng(seed).uniform(low, high, size)


@hint("The exponents are base-10 logarithms: raise 10 to them (10 ** u), not e (np.exp).")
def _log_uniform_natural(low, high, size, seed=0):
    return np.exp(np.random.default_rng(seed).uniform(np.log10(low), np.log10(high), size))


def _random_log_uniform_case(rng: np.random.Generator) -> Case:
    lo = float(10.0 ** rng.integers(-8, -1))
    hi = lo * float(10.0 ** rng.integers(1, 5))
    size, seed = int(rng.integers(1, 20)), int(rng.integers(0, 1000))
    return case(lo, hi, size, seed=seed, label=f"[{lo:g}, {hi:g}], {size} values, seed {seed}")


LOG_UNIFORM = Exercise(
    id="sprint9.log_uniform", points=1, module="hyperparams", name="log_uniform",
    title="random values on a log scale",
    examples=[case(1e-6, 1e-2, 5, seed=0, label="five values in [1e-6, 1e-2]"),
              case(1e-4, 1e-1, 3, seed=42, label="learning rates in [1e-4, 0.1], seed 42")],
    generate=_random_log_uniform_case, n_public=2, n_hidden=8,
    tol=Tolerance(rtol=1e-9, atol=0),
    mistakes=known(_log_uniform_linear, _log_uniform_exp_of_bounds, _log_uniform_natural),
)


# --------------------------------------------------------------------------- sprint9.save_network
def _random_network(rng):
    params = _random_params(rng)
    config = {"input_size": int(rng.integers(1, 50)),
              "hidden_sizes": [int(v) for v in rng.integers(1, 20, size=int(rng.integers(1, 4)))],
              "activation": str(rng.choice(["relu", "sigmoid"])),
              "weight_decay": float(rng.choice([0.0, 0.01])),
              "use_batchnorm": bool(rng.random() < 0.5)}
    return params, config


def _random_save_case(rng: np.random.Generator) -> Case:
    params, config = _random_network(rng)
    return case(params, config, label=f"{', '.join(params)}, {len(config)} settings")


class _CheckpointFields(TypedDict):
    """The fields of ``Exercise`` that save_network and load_network share."""
    module: str
    generate: Callable[[np.random.Generator], Case]
    n_public: int
    n_hidden: int
    tol: Tolerance


# save_network and load_network are graded on the same checkpoints, exactly
_CHECKPOINTS: _CheckpointFields = dict(module="checkpoint", generate=_random_save_case,
                                       n_public=2, n_hidden=6, tol=EXACT)
_FLOAT32_CNN = case({k: v.astype(np.float32) for k, v in _P_NET.items()}, _CONFIG,
                    label="float32 parameters and a CNN's settings")


@hint('Store each parameter under "params/" + its key, so the loader can tell parameters from the '
      'config.')
def _save_without_prefix(params, config):
    return {**{k: np.asarray(v) for k, v in params.items()}, "config": config}


@hint('Save the settings too, as JSON text under "config": np.array(json.dumps(config)).')
def _save_without_config(params, config):
    return {"params/" + k: np.asarray(v) for k, v in params.items()}


SAVE_NETWORK = Exercise(
    id="sprint9.save_network", points=2, name="save_and_read_back", **_CHECKPOINTS,
    title="saving a network (save_network)",
    examples=[case({"W1": np.ones((2, 3))}, {"hidden_size": 3},
                   label="the docstring's example"), _FLOAT32_CNN],
    mistakes=known(_save_without_prefix, _save_without_config),
)


# --------------------------------------------------------------------------- sprint9.load_network
@hint('Return the parameters under their own keys: strip the "params/" prefix '
      '(name[len("params/"):]).')
def _load_keeps_prefix(params, config):
    return {"params/" + k: np.asarray(v) for k, v in params.items()}, config


@hint('Decode the settings: json.loads(str(f["config"])) gives the dict back.')
def _load_config_as_text(params, config):
    return {k: np.asarray(v) for k, v in params.items()}, json.dumps(config)


LOAD_NETWORK = Exercise(
    id="sprint9.load_network", points=1, name="write_and_load", **_CHECKPOINTS,
    title="loading a network (load_network)",
    examples=[case({"W1": np.ones((2, 3)), "b1": np.zeros(3)}, {"input_dim": [1, 8, 8]},
                   label="the docstring's example"), _FLOAT32_CNN],
    mistakes=known(_load_keeps_prefix, _load_config_as_text),
)


# --------------------------------------------------------------------------- exercises
EXERCISES = numbered([
    BATCHNORM_FORWARD, BATCHNORM_BACKWARD, L2_PENALTY, ADD_WEIGHT_DECAY, STANDARDIZER,
    SHIFT_IMAGES, TRAIN_VAL_SPLIT, LOG_UNIFORM, SAVE_NETWORK, LOAD_NETWORK,
])
