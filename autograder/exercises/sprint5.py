"""Sprint 5, a scratch neural-network classifier: exercises, cases and known mistakes.

The classifier is graded piece by piece, so that each part earns its points on its own: the
mini-batch iterator, the initial weights, and the classifier's ``_forward``, ``_gradient``,
``_update``, ``predict_proba``/``predict`` and ``fit``. The class cases of the single steps
give the network its parameters through the provided ``_build_layers(params)``, so they do not
depend on the learner's ``init_params``. The classifier is built from sprint 4's layers: the
grader runs it on the reference layers (``autograder.instructor.trusted``), the learner's check
on the learner's own (blocked while they are stubs).
"""
from dataclasses import replace
from typing import TypedDict

import numpy as np

from solutions.classifier import (  # noqa: F401 - the names the mistakes use
    Affine,
    GetMiniBatch,
    ScratchNeuralNetClassifier,
    _softmax,
    init_params,
)

from ..learner.compare import Tolerance
from ..learner.registry import Case, Exercise, case, class_case
from . import hint, known, numbered, rewritten, steps_of

FLOAT_TOL = Tolerance(rtol=1e-6, atol=1e-9, same_dtype=True)   # "the dtype of X is kept"
ACTIVATIONS = ("relu", "sigmoid")


# --------------------------------------------------------------------------- generators
def _batch_steps(n_samples, batch_size):
    """``len()``, every batch but the last by index, the last one as ``[-1]``."""
    n_batches = -(-n_samples // batch_size)
    return ([("__len__", ())] + [("__getitem__", (i,)) for i in range(n_batches - 1)]
            + [("__getitem__", (-1,))])


def _mini_batch_case(X, y, batch_size, seed, label=""):
    return class_case((X, y), {"batch_size": batch_size, "seed": seed},
                      steps=_batch_steps(len(X), batch_size), label=label)


def _random_mini_batch_case(rng: np.random.Generator) -> Case:
    n = int(rng.integers(1, 26))
    shape = (n, *(int(s) for s in rng.integers(1, 4, size=int(rng.integers(1, 3)))))
    X = rng.normal(size=shape)
    y = rng.integers(0, 10, size=n)
    batch_size = int(rng.integers(1, n + 4))
    seed = int(rng.integers(0, 2 ** 31))
    return _mini_batch_case(X, y, batch_size, seed,
                            f"X {shape}, batch_size={batch_size}, seed={seed}")


def _random_init_case(rng: np.random.Generator) -> Case:
    sizes = [int(s) for s in rng.integers(1, 7, size=int(rng.integers(2, 5)))]
    weight_init = ["he", "xavier", 0.01, 0.5][int(rng.integers(0, 4))]
    dtype = ["float64", "float32"][int(rng.integers(0, 2))]
    seed = int(rng.integers(0, 2 ** 31))
    return case(sizes, weight_init=weight_init, seed=seed, dtype=dtype,
                label=f"layer_sizes={sizes}, weight_init={weight_init!r}, seed={seed}, {dtype}")


def _params(rng, sizes, scale=1.0):
    params = {}
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{i}"] = rng.normal(size=(n_in, n_out)) * scale
        params[f"b{i}"] = rng.normal(size=n_out) * 0.5 * scale
    return params


def _random_net(rng, min_n=1, max_n=9):
    """A random network and batch: sizes, activation, params, X, y."""
    n_features = int(rng.integers(1, 7))
    hidden = tuple(int(h) for h in rng.integers(1, 6, size=int(rng.integers(0, 3))))
    n_classes = int(rng.integers(2, 6))
    sizes = [n_features, *hidden, n_classes]
    activation = ACTIVATIONS[int(rng.integers(0, 2))]
    n = int(rng.integers(min_n, max_n))
    X = rng.normal(size=(n, n_features)) * 2
    y = rng.integers(0, n_classes, size=n)
    return sizes, activation, _params(rng, sizes), X, y


def _net_case(sizes, activation, params, steps, attrs=(), init=None, label=""):
    kwargs = {"hidden_sizes": tuple(sizes[1:-1]), "activation": activation, "verbose": False}
    kwargs.update(init or {})
    return class_case(init_kwargs=kwargs, steps=[("_build_layers", (params,)), *steps],
                      attrs=attrs, label=label,
                      in_place=("_build_layers",))   # the network adopts params (and updates them)


def _describe(sizes, activation, X):
    arrow = " → ".join(str(s) for s in sizes)
    return f"a {arrow} network ({activation}), a batch of {len(X)}"


def _random_forward_case(rng: np.random.Generator) -> Case:
    sizes, activation, params, X, _ = _random_net(rng)
    return _net_case(sizes, activation, params, [("_forward", (X,))],
                     label=_describe(sizes, activation, X))


def _random_gradient_case(rng: np.random.Generator) -> Case:
    sizes, activation, params, X, y = _random_net(rng)
    return _net_case(sizes, activation, params, [("_gradient", (X, y))], attrs=["grads"],
                     label=_describe(sizes, activation, X))


def _update_steps(X, y):
    return [("_gradient", (X, y)), ("_update", ()), ("_forward", (X,))]


def _random_update_case(rng: np.random.Generator) -> Case:
    sizes, activation, params, X, y = _random_net(rng)
    lr = float(rng.choice([0.01, 0.1, 0.5, 1.0]))
    return _net_case(sizes, activation, params, _update_steps(X, y), attrs=["params"],
                     init={"lr": lr}, label=f"{_describe(sizes, activation, X)}, lr={lr}")


def _random_predict_case(rng: np.random.Generator) -> Case:
    sizes, activation, params, X, _ = _random_net(rng)
    return _net_case(sizes, activation, params, [("predict_proba", (X,)), ("predict", (X,))],
                     label=_describe(sizes, activation, X))


def _fit_case(X, y, X_val, y_val, label="", **init):
    kwargs = {"verbose": False, **init}
    return class_case(init_kwargs=kwargs, steps=[("fit", (X, y, X_val, y_val)), ("predict", (X,))],
                      attrs=["params", "history"], label=label)


def _random_fit_case(rng: np.random.Generator) -> Case:
    sizes, activation, _, X, y = _random_net(rng, min_n=6, max_n=31)
    X_val: np.ndarray | None                   # no validation set: None
    y_val: np.ndarray | None
    if rng.random() < 0.6:
        X_val = rng.normal(size=(int(rng.integers(1, 11)), sizes[0])) * 2
        y_val = rng.integers(0, sizes[-1], size=len(X_val))
    else:
        X_val = y_val = None
    init = {"hidden_sizes": tuple(sizes[1:-1]), "activation": activation,
            "lr": float(rng.choice([0.05, 0.1, 0.3])), "epochs": int(rng.integers(1, 4)),
            "batch_size": int(rng.integers(1, len(X) + 1)),
            "weight_init": ["he", "xavier", 0.1][int(rng.integers(0, 3))],
            "seed": int(rng.integers(0, 1000))}
    label = (f"{len(X)} samples, hidden {init['hidden_sizes']}, {activation}, "
             f"{init['epochs']} epochs of batches of {init['batch_size']}"
             + (f", {len(X_val)} validation samples" if X_val is not None else ""))
    return _fit_case(X, y, X_val, y_val, label=label, **init)


# --------------------------------------------------------------------------- worked examples
_MB_X = np.arange(10.0).reshape(5, 2)
_MB_Y = np.array([0, 1, 2, 3, 4])

_EX = np.random.default_rng(5)
# A 3 → 4 → 3 network whose ReLUs block some entries; a square 3 → 3 → 3 one, where a
# transposed gradient still has the right shape.
_NET_SIZES = [3, 4, 3]
_NET_PARAMS = _params(_EX, _NET_SIZES)
_NET_X = _EX.normal(size=(5, 3)) * 2
_NET_Y = np.array([0, 2, 1, 2, 0])
_SQUARE_SIZES = [3, 3, 3]
_SQUARE_PARAMS = _params(_EX, _SQUARE_SIZES)
_SQUARE_X = _EX.normal(size=(4, 3))
_SQUARE_Y = np.array([1, 0, 2, 2])
_DOC_PARAMS = {"W1": np.array([[1.0, -1.0]]), "b1": np.array([0.0, 0.5]),
               "W2": np.array([[1.0, 0.0], [0.0, 2.0]]), "b2": np.zeros(2)}
_DOC_X = np.array([[2.0], [-1.0]])
_BIG_PARAMS = {"W1": np.array([[400.0, 900.0, -300.0]]), "b1": np.array([0.0, 10.0, 0.0])}
_BIG_X = np.array([[1.0], [-1.0], [2.0]])
_FIT_X = _EX.normal(size=(12, 3))
_FIT_Y = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2])
_FIT_XV = _EX.normal(size=(4, 3))
_FIT_YV = np.array([2, 1, 0, 1])


# ----------------------------------------------------------------------- shared by the declarations
class _ClassFields(TypedDict):
    """The fields of ``Exercise`` that the classifier's exercises share."""
    module: str
    name: str


_CLASS: _ClassFields = dict(module="classifier", name="ScratchNeuralNetClassifier")


# --------------------------------------------------------------------------- sprint5.get_mini_batch
@hint("Count the last, smaller batch too: len() is ceil(N / batch_size), int(np.ceil(N / "
      "batch_size)); N // batch_size drops the samples left over.")
class _MiniBatchDropsLast(GetMiniBatch):
    def __init__(self, X, y, batch_size=20, seed=0):
        super().__init__(X, y, batch_size, seed)
        self._stop = len(X) // self.batch_size


@hint("Shuffle X and y with the *same* order (order = rng.permutation(N); X[order], y[order]): two "
      "permutations separate every image from its label.")
class _MiniBatchSeparateShuffles(GetMiniBatch):
    def __init__(self, X, y, batch_size=20, seed=0):
        super().__init__(X, y, batch_size, seed)
        rng = np.random.default_rng(seed)
        self._X = X[rng.permutation(len(X))]
        self._y = y[rng.permutation(len(y))]


@hint("Shuffle first: order = rng.permutation(N) with rng = np.random.default_rng(seed), then "
      "X[order], y[order].")
class _MiniBatchNoShuffle(GetMiniBatch):
    def __init__(self, X, y, batch_size=20, seed=0):
        super().__init__(X, y, batch_size, seed)
        self._X, self._y = X, y


@hint("Use the generator the docstring names, rng = np.random.default_rng(seed) and "
      "rng.permutation(N): np.random.seed + np.random.permutation shuffle differently, and the "
      "checker compares the exact order.")
class _MiniBatchLegacySeed(GetMiniBatch):
    def __init__(self, X, y, batch_size=20, seed=0):
        super().__init__(X, y, batch_size, seed)
        np.random.seed(seed)
        order = np.random.permutation(len(X))
        self._X, self._y = X[order], y[order]


GET_MINI_BATCH = Exercise(
    id="sprint5.get_mini_batch", points=2, module="classifier", name="GetMiniBatch",
    title="the mini-batch iterator (GetMiniBatch)",
    examples=[
        _mini_batch_case(_MB_X, _MB_Y, 2, 0, "the docstring's example: 5 samples, "
                                             "batch_size=2 (the last batch holds 1)"),
        _mini_batch_case(np.arange(18.0).reshape(6, 3), np.array([5, 4, 3, 2, 1, 0]), 3, 1,
                         "6 samples, batch_size=3, seed=1 (two full batches)"),
        _mini_batch_case(np.arange(12.0).reshape(3, 1, 2, 2), np.array([1, 0, 1]), 5, 7,
                         "3 images (3, 1, 2, 2), batch_size=5 > N: one batch"),
        class_case((_MB_X, _MB_Y), {"batch_size": 2, "seed": 0},
                   steps=[("__getitem__", (3,))], raises="IndexError",
                   label="the docstring's example, batches[3] past the last batch: "
                         "IndexError"),
    ],
    generate=_random_mini_batch_case, n_public=2, n_hidden=10,
    edge_cases=[_mini_batch_case(np.ones((1, 2)), np.array([3]), 1, 0),
                _mini_batch_case(np.arange(7.0)[:, None], np.arange(7), 1, 123),
                class_case((np.arange(7.0)[:, None], np.arange(7)),
                           {"batch_size": 3, "seed": 5},
                           steps=[("__getitem__", (-4,))], raises="IndexError")],
    tol=Tolerance(rtol=0, atol=0),
    mistakes=known(_MiniBatchDropsLast, _MiniBatchSeparateShuffles, _MiniBatchNoShuffle,
                   _MiniBatchLegacySeed),
)


# --------------------------------------------------------------------------- sprint5.init_params
_init_xavier_for_he = rewritten(init_params, ("std = np.sqrt(2.0 / n_in)",
                                                "std = np.sqrt(1.0 / n_in)"),
                                hint="He initialisation (for ReLU) uses std = sqrt(2 / n_in); "
                                     "sqrt(1 / n_in) is Xavier's (for sigmoid).")

_init_std_from_n_out = rewritten(init_params, ("np.sqrt(2.0 / n_in)", "np.sqrt(2.0 / n_out)"),
                                 ("np.sqrt(1.0 / n_in)", "np.sqrt(1.0 / n_out)"),
                                 hint="The standard deviation depends on the layer's number of "
                                      "*inputs*: n_in = layer_sizes[l - 1], not n_out.")

# a new generator with the same seed for every layer: the layers' weights are alike
_init_rng_per_layer = rewritten(init_params, ("* rng.standard_normal(",
                                              "* np.random.default_rng(seed).standard_normal("),
                                hint="Create the generator once, before the loop: a new "
                                     "default_rng(seed) in every layer starts every layer from the "
                                     "same random numbers.")

_init_drawn_transposed = rewritten(init_params, ("rng.standard_normal((n_in, n_out))",
                                                 "rng.standard_normal((n_out, n_in)).T"),
                                   hint="Draw W with its own shape, rng.standard_normal((n_in, "
                                        "n_out)): drawing (n_out, n_in) and transposing puts the "
                                        "same numbers in other places.")


INIT_PARAMS = Exercise(
    id="sprint5.init_params", points=2, module="classifier", name="init_params",
    title="the initial weights (init_params)",
    examples=[
        case([3, 2, 2], weight_init="he", seed=0,
             label="the docstring's example: He, [3, 2, 2]"),
        case([4, 3, 2], weight_init="xavier", seed=1, label="Xavier, [4, 3, 2], seed=1"),
        case([2, 5, 3, 2], weight_init=0.01, seed=2, dtype="float32",
             label="std 0.01, [2, 5, 3, 2], float32"),
    ],
    generate=_random_init_case, n_public=2, n_hidden=10,
    edge_cases=[case([1, 1], weight_init="he", seed=9),
                case([784, 3], weight_init="he", seed=0, dtype="float32")],
    tol=FLOAT_TOL,
    mistakes=known(_init_xavier_for_he, _init_std_from_n_out, _init_rng_per_layer,
                   _init_drawn_transposed),
)


# --------------------------------------------------------------------------- sprint5.forward
@hint("_forward returns the scores (logits), before softmax: SoftmaxWithLoss applies softmax "
      "itself, and predict_proba does it for predictions.")
class _ForwardSoftmax(ScratchNeuralNetClassifier):
    def _forward(self, X):
        return _softmax(super()._forward(X))


_ForwardAffineOnly = rewritten(ScratchNeuralNetClassifier._forward,
                               ("out = layer.forward(out)",
                                "out = layer.forward(out) if isinstance(layer, Affine) else out"),
                               hint="Run *every* layer of self.layers in order, the activation "
                                    "layers too: without them the network is one linear map.")


FORWARD = Exercise(
    id="sprint5.forward", points=2, **_CLASS,
    title="the forward pass to the scores (_forward)",
    examples=[
        _net_case([1, 2, 2], "relu", _DOC_PARAMS, [("_forward", (_DOC_X,))],
                  label="the docstring's example: 1 → 2 → 2, ReLU"),
        _net_case(_NET_SIZES, "relu", _NET_PARAMS, [("_forward", (_NET_X,))],
                  label=_describe(_NET_SIZES, "relu", _NET_X)),
        _net_case(_NET_SIZES, "sigmoid", _NET_PARAMS, [("_forward", (_NET_X,))],
                  label=_describe(_NET_SIZES, "sigmoid", _NET_X)),
    ],
    generate=_random_forward_case, n_public=2, n_hidden=10,
    edge_cases=[_net_case([2, 2], "relu", {"W1": np.eye(2), "b1": np.zeros(2)},
                          [("_forward", (np.array([[1.0, -1.0]]),))])],
    tol=FLOAT_TOL,
    mistakes=known(_ForwardSoftmax, _ForwardAffineOnly),
)


# --------------------------------------------------------------------------- sprint5.gradient
@hint("Your gradients are N times too large (N = the batch size): the loss is a mean over the "
      "batch, so its gradient is (softmax - t) / N. self.last_layer.backward(1) already divides by "
      "N: use what it returns.")
class _GradientNotAveraged(ScratchNeuralNetClassifier):
    def _gradient(self, X, y):
        loss = super()._gradient(X, y)          # as if dout = y - t, without the / N
        self.grads = {key: grad * len(X) for key, grad in self.grads.items()}
        return loss


@hint("Your gradients are N times too small (N = the batch size): self.last_layer.backward(1) "
      "already divides by N, so do not divide dout (or the gradients) by N again.")
class _GradientAveragedTwice(ScratchNeuralNetClassifier):
    def _gradient(self, X, y):
        loss = super()._gradient(X, y)          # as if dout = backward(1) / N
        self.grads = {key: grad / len(X) for key, grad in self.grads.items()}
        return loss


_GradientSoftmaxTwice = rewritten(ScratchNeuralNetClassifier._gradient,
                                  ("dout = self.last_layer.backward(1)",
                                   "dout = self.last_layer.backward(1) * self.last_layer.y "
                                   "* (1 - self.last_layer.y)"),
                                  hint="The gradient of SoftmaxWithLoss, (y - t) / N, already goes "
                                       "through the softmax: do not multiply it by the softmax's "
                                       "derivative y(1 - y) again.")


@hint("dW has the shape of W, (D, M): take layer.dW as it is (x.T @ dout), without a transpose.")
class _GradientTransposedDW(ScratchNeuralNetClassifier):
    def _gradient(self, X, y):
        loss = super()._gradient(X, y)
        self.grads = {key: grad.T if key.startswith("W") else grad
                      for key, grad in self.grads.items()}
        return loss


GRADIENT = Exercise(
    id="sprint5.gradient", points=3, **_CLASS,
    title="one forward and backward pass (_gradient)",
    examples=[
        _net_case(_NET_SIZES, "relu", _NET_PARAMS, [("_gradient", (_NET_X, _NET_Y))],
                  attrs=["grads"], label=_describe(_NET_SIZES, "relu", _NET_X)),
        _net_case(_SQUARE_SIZES, "sigmoid", _SQUARE_PARAMS,
                  [("_gradient", (_SQUARE_X, _SQUARE_Y))], attrs=["grads"],
                  label="a square 3 → 3 → 3 network (sigmoid), where a transposed dW still "
                        "has the right shape"),
        _net_case([2, 2], "relu", {"W1": np.zeros((2, 2)), "b1": np.zeros(2)},
                  [("_gradient", (np.array([[1.0, 2.0]]), np.array([1])))], attrs=["grads"],
                  label="the docstring's example: no hidden layer, loss log 2"),
    ],
    generate=_random_gradient_case, n_public=2, n_hidden=10,
    edge_cases=[_net_case([3, 2], "sigmoid", {"W1": np.ones((3, 2)), "b1": np.zeros(2)},
                          [("_gradient", (np.ones((1, 3)), np.array([0])))], attrs=["grads"])],
    tol=FLOAT_TOL, batch_size=lambda c: len(steps_of(c)[1].args[0]),
    mistakes=known(_GradientNotAveraged, _GradientAveragedTwice, _GradientSoftmaxTwice,
                   _GradientTransposedDW),
)


# --------------------------------------------------------------------------- sprint5.update
_UpdateRebinds = rewritten(ScratchNeuralNetClassifier._update,
                           ("self.params[key] -= self.lr * self.grads[key]",
                            "self.params[key] = self.params[key] - self.lr * self.grads[key]"),
                           hint="Update in place, self.params[key] -= self.lr * self.grads[key]: "
                                "self.params[key] = self.params[key] - ... makes a new array, and "
                                "the Affine layers keep computing with the old one (the network "
                                "stops learning).")

_UpdateAscends = rewritten(ScratchNeuralNetClassifier._update,
                           ("self.params[key] -= self.lr * self.grads[key]",
                            "self.params[key] += self.lr * self.grads[key]"),
                           hint="Step *against* the gradient, W ← W - lr · ∂L/∂W: with += the loss "
                                "goes up.")

_UpdateWeightsOnly = rewritten(ScratchNeuralNetClassifier._update,
                               ("for key in self.params:",
                                "for key in [k for k in self.params if k.startswith(\"W\")]:"),
                               hint="Update every parameter of self.params, the biases b1, b2, ... "
                                    "too.")


UPDATE = Exercise(
    id="sprint5.update", points=2, **_CLASS,
    title="the gradient-descent update (_update)",
    examples=[
        _net_case(_NET_SIZES, "relu", _NET_PARAMS, _update_steps(_NET_X, _NET_Y),
                  attrs=["params"], init={"lr": 0.5},
                  label=f"{_describe(_NET_SIZES, 'relu', _NET_X)}, lr=0.5: _gradient, "
                        "_update, then _forward sees the new weights"),
        _net_case(_SQUARE_SIZES, "sigmoid", _SQUARE_PARAMS, _update_steps(_SQUARE_X, _SQUARE_Y),
                  attrs=["params"], init={"lr": 0.1},
                  label=f"{_describe(_SQUARE_SIZES, 'sigmoid', _SQUARE_X)}, lr=0.1"),
    ],
    generate=_random_update_case, n_public=2, n_hidden=10,
    tol=FLOAT_TOL,
    mistakes=known(_UpdateRebinds, _UpdateAscends, _UpdateWeightsOnly),
)


# --------------------------------------------------------------------------- sprint5.predict
@hint("exp of large scores overflows (inf / inf = nan): subtract each row's maximum before np.exp, "
      "scores - np.max(scores, axis=1, keepdims=True).")
class _PredictNoMax(ScratchNeuralNetClassifier):
    def predict_proba(self, X):
        exp = np.exp(self._forward(X))
        return exp / np.sum(exp, axis=1, keepdims=True)


@hint("Take the argmax over the classes, axis=1: one label per sample, shape (N,).")
class _PredictAxis0(ScratchNeuralNetClassifier):
    def predict(self, X):
        return np.argmax(self._forward(X), axis=0)


@hint("predict returns the *class* with the highest probability, np.argmax(..., axis=1), not the "
      "probability itself (np.max).")
class _PredictMaxProbability(ScratchNeuralNetClassifier):
    def predict(self, X):
        return np.max(self.predict_proba(X), axis=1)


PREDICT = Exercise(
    id="sprint5.predict", points=2, **_CLASS,
    title="probabilities and predictions (predict_proba, predict)",
    examples=[
        _net_case([1, 2, 2], "relu", _DOC_PARAMS,
                  [("predict_proba", (_DOC_X,)), ("predict", (_DOC_X,))],
                  label="the docstring's 1 → 2 → 2 network"),
        _net_case([1, 3], "relu", _BIG_PARAMS,
                  [("predict_proba", (_BIG_X,)), ("predict", (_BIG_X,))],
                  label="scores in the hundreds (a plain exp overflows)"),
        _net_case(_NET_SIZES, "sigmoid", _NET_PARAMS,
                  [("predict_proba", (_NET_X,)), ("predict", (_NET_X,))],
                  label=_describe(_NET_SIZES, "sigmoid", _NET_X)),
    ],
    generate=_random_predict_case, n_public=2, n_hidden=10,
    edge_cases=[_net_case([1, 2], "relu", {"W1": np.array([[1.0, 1.0]]), "b1": np.zeros(2)},
                          [("predict_proba", (np.array([[5.0]]),)),
                           ("predict", (np.array([[5.0]]),))])],
    tol=replace(FLOAT_TOL, output_dtypes=(("predict()", "int"),)),   # labels
    mistakes=known(_PredictNoMax, _PredictAxis0, _PredictMaxProbability),
)


# --------------------------------------------------------------------------- sprint5.fit
_FitSameShuffle = rewritten(ScratchNeuralNetClassifier.fit,
                            ("seed=self.seed + epoch", "seed=self.seed"),
                            hint="Shuffle differently every epoch: GetMiniBatch(X, y, "
                                 "self.batch_size, seed=self.seed + epoch); with seed=self.seed "
                                 "every epoch sees the same batches in the same order.")

_FitNoShuffle = rewritten(ScratchNeuralNetClassifier.fit,
                          ("GetMiniBatch(X, y, self.batch_size, seed=self.seed + epoch)",
                           "((X[i:i + self.batch_size], y[i:i + self.batch_size])"
                           " for i in range(0, len(X), self.batch_size))"),
                          hint="Take the batches from GetMiniBatch (shuffled), not slices of X in "
                               "order: data sorted by class would give batches of one class.")

# the loss of the epoch's last mini-batch in history["train_loss"], not that of the whole set
_FitLastBatchLoss = rewritten(ScratchNeuralNetClassifier.fit,
                              ("self._gradient(X_batch, y_batch)",
                               "loss = self._gradient(X_batch, y_batch)"),
                              ('self.history["train_loss"].append(train_loss)',
                               'self.history["train_loss"].append(loss)'),
                              hint="history['train_loss'] is the loss on the whole training set "
                                   "after the epoch, self._loss_and_accuracy(X, y), not the loss "
                                   "of the epoch's last mini-batch.")


@hint("Every fit starts afresh: call self._initialize(...) and empty self.history at the start of "
      "fit, even when the model was trained before.")
class _FitKeepsWeights(ScratchNeuralNetClassifier):
    def _initialize(self, n_features, n_classes, dtype="float64"):
        if not self.params:                     # a second fit continues from the old weights
            super()._initialize(n_features, n_classes, dtype)


@hint("fit must end with `return self`, so that ScratchNeuralNetClassifier(...).fit(X, "
      "y).predict(X) works.")
class _FitReturnsNothing(ScratchNeuralNetClassifier):
    def fit(self, X, y, X_val=None, y_val=None):
        super().fit(X, y, X_val, y_val)


FIT = Exercise(
    id="sprint5.fit", points=3, **_CLASS,
    title="training (fit)",
    examples=[
        _fit_case(_FIT_X, _FIT_Y, _FIT_XV, _FIT_YV, hidden_sizes=(4,), lr=0.3, epochs=3,
                  batch_size=5, seed=1,
                  label="12 samples, 3 classes, hidden (4,), 3 epochs of batches of 5, "
                        "4 validation samples"),
        _fit_case(_FIT_X, _FIT_Y, None, None, hidden_sizes=(), lr=0.5, epochs=2,
                  batch_size=4, seed=0, weight_init=0.1,
                  label="no hidden layer, no validation set: val lists stay empty"),
        class_case(init_kwargs={"verbose": False, "hidden_sizes": (3,), "lr": 0.3,
                                "epochs": 2, "batch_size": 4, "seed": 2},
                   steps=[("fit", (_FIT_X, _FIT_Y, _FIT_XV, _FIT_YV)),
                          ("fit", (_FIT_X[:8], _FIT_Y[:8], None, None)),
                          ("predict", (_FIT_X,))],
                   attrs=["params", "history"],
                   label="fit twice: the second fit starts afresh (new weights, empty "
                         "history)"),
    ],
    edge_cases=[
        _fit_case(_FIT_X[:6], np.array([0, 1, 0, 1, 0, 1]), _FIT_XV, np.array([2, 0, 3, 1]),
                  hidden_sizes=(4,), lr=0.2, epochs=2, batch_size=3, seed=4,
                  label="validation labels 2 and 3 that the training labels never use"),
        _fit_case(_FIT_X.astype(np.float32), _FIT_Y, None, None, hidden_sizes=(2,),
                  lr=0.1, epochs=1, batch_size=12, seed=3,
                  label="float32 data: the parameters stay float32"),
    ],
    generate=_random_fit_case, n_public=1, n_hidden=8,
    tol=Tolerance(rtol=1e-6, atol=1e-8, same_dtype=True,   # float32 data trains in float32
                  output_dtypes=(("predict()", "int"),)),
    mistakes=known(_FitSameShuffle, _FitNoShuffle, _FitLastBatchLoss, _FitKeepsWeights,
                   _FitReturnsNothing),
)


# --------------------------------------------------------------------------- exercises
EXERCISES = numbered([
    GET_MINI_BATCH, INIT_PARAMS, FORWARD, GRADIENT, UPDATE, PREDICT, FIT,
])
