"""Sprint 6, optimizers and training techniques: exercises, cases and known mistakes.

An optimizer is graded through ``Optimizer.record`` (given code in ``helpers/optimizers.py``):
one case builds the optimizer, feeds it a sequence of gradient dicts on one parameter dict and
compares the parameters after *every* step, whether the arrays were updated in place and
their dtypes. Several consecutive steps are what expose the classic mistakes: state that is
not kept between calls, a missing bias correction, epsilon inside the square root.

The random layers (Dropout, DropConnect) draw their masks from ``self.rng`` exactly as their
docstrings prescribe, so the reference and the learner draw the same masks from one seed.
"""
import numpy as np

from solutions.initializers import _activate  # noqa: F401 - used by the mistakes
from solutions.optimizers import SGD, AdaGrad, Adam, Momentum, RMSProp  # noqa: F401
from solutions.regularization import DropConnect, Dropout, Maxout  # noqa: F401 - mistakes subclass them

from ..learner.compare import Tolerance
from ..learner.registry import Case, Exercise, case, class_case
from . import hint, known, numbered, rewritten, steps_of

OPT_TOL = Tolerance(rtol=1e-5, atol=1e-9)
FLOAT_TOL = Tolerance(rtol=1e-9, atol=1e-12)


# --------------------------------------------------------------------------- optimizer cases
def _opt_case(init_kwargs, params, grads_sequence, label):
    return class_case((), init_kwargs, steps=[("record", (params, grads_sequence))], label=label,
                      in_place=("record",))   # record updates params in place, by design


# A worked example shared by the optimizers: two parameters, three steps of gradients.
P0 = {"W": np.array([[1.0, -2.0], [0.5, 3.0]]), "b": np.array([0.25, -1.0])}
G3 = [{"W": np.array([[1.0, -0.5], [2.0, 0.1]]), "b": np.array([0.5, -2.0])},
      {"W": np.array([[0.8, 0.5], [-1.0, 0.2]]), "b": np.array([0.4, -1.5])},
      {"W": np.array([[0.6, -0.5], [0.5, 0.3]]), "b": np.array([0.2, 1.0])}]
# Positive gradients only: a sum of gradients (instead of squares) stays real.
G_POS = [{"W": np.array([[1.0, 0.5], [2.0, 0.1]]), "b": np.array([0.5, 2.0])},
         {"W": np.array([[0.8, 0.5], [1.0, 0.2]]), "b": np.array([0.4, 1.5])},
         {"W": np.array([[0.6, 0.5], [0.5, 0.3]]), "b": np.array([0.2, 1.0])}]


def _as32(d):
    return {k: v.astype(np.float32) for k, v in d.items()}


def _random_params_and_grads(rng, n_steps=None):
    """A dict of 1-3 random parameters and 2-5 gradient dicts, float64 or (rarely) float32."""
    shapes = {"W1": (int(rng.integers(1, 5)), int(rng.integers(1, 5)))}
    if rng.random() < 0.8:
        shapes["b1"] = (shapes["W1"][1],)
    if rng.random() < 0.4:
        shapes["W2"] = (shapes["W1"][1], int(rng.integers(1, 4)))
    n_steps = n_steps or int(rng.integers(2, 6))
    scale = float(rng.choice([0.01, 1.0, 10.0]))
    dtype = np.float32 if rng.random() < 0.2 else np.float64
    params = {k: rng.normal(size=s).astype(dtype) for k, s in shapes.items()}
    grads = [{k: (rng.normal(size=s) * scale).astype(dtype) for k, s in shapes.items()}
             for _ in range(n_steps)]
    kind = "float32" if dtype == np.float32 else "float64"
    label = (f"{n_steps} steps on {', '.join(f'{k}{s}' for k, s in shapes.items())} ({kind}), "
             f"gradients of scale {scale:g}")
    return params, grads, label


def _random_opt_case(make_kwargs):
    def generate(rng):
        params, grads, label = _random_params_and_grads(rng)
        kwargs = make_kwargs(rng)
        text = ", ".join(f"{k}={v:.4g}" for k, v in kwargs.items())
        return _opt_case(kwargs, params, grads, f"{text}; {label}")
    return generate


def _lr(rng):
    return float(np.exp(rng.uniform(np.log(1e-3), np.log(0.5))))


# --------------------------------------------------------------------------- optimizer mistakes
class _Forgets:
    """An optimizer that re-creates its ``STATE`` (velocity, h, m and v) on every call:
    each update sees its own gradient only. Put it before the reference in the bases."""

    STATE: tuple[str, ...] = ()   # the names of the attributes it re-creates

    def update(self, params, grads):
        for name in self.STATE:
            setattr(self, name, None)
        super().update(params, grads)


def _eps_inside_the_root(optimizer):
    """AdaGrad's or RMSProp's update with eps under the square root, sqrt(h + eps)."""
    return rewritten(optimizer.update, ("(np.sqrt(self.h[key]) + self.eps)",
                                        "np.sqrt(self.h[key] + self.eps)"),
                     hint="eps goes outside the square root: lr * grad / (np.sqrt(h) + eps).")


# --------------------------------------------------------------------------- optimizer exercises
def _optimizer(name, points, random_settings, float32_settings, examples, mistakes):
    """The exercise of the optimizer class ``name`` (``SGD`` ...): its worked ``examples``,
    then the three steps of ``G3`` on float32 parameters with ``float32_settings`` (the dtype
    must be kept), then random parameters and gradients with settings drawn by
    ``random_settings(rng)``."""
    float32 = _opt_case(float32_settings, _as32(P0), [_as32(g) for g in G3],
                        "float32 parameters stay float32")
    return Exercise(id=f"sprint6.{name.lower()}", points=points, module="optimizers", name=name,
                    title=name, examples=[*examples, float32],
                    generate=_random_opt_case(random_settings), n_public=2, n_hidden=8,
                    tol=OPT_TOL, mistakes=mistakes)


# --------------------------------------------------------------------------- sprint6.sgd
# the right numbers, but each parameter is replaced by a new array
_SGDRebinds = rewritten(SGD.update, ("params[key] -= self.lr * grads[key]",
                                     "params[key] = params[key] - self.lr * grads[key]"),
                        hint="Update the arrays in place: `params[key] -= self.lr * grads[key]`. "
                             "`params[key] = params[key] - ...` puts a new array in the dict, and "
                             "the layers that hold the old one never see the update.")

_SGDUphill = rewritten(SGD.update, ("params[key] -= ", "params[key] += "),
                       hint="Step *against* the gradient: W ← W - lr · grad (you added it).")

_SGDNoLr = rewritten(SGD.update, ("-= self.lr * grads[key]", "-= grads[key]"),
                     hint="Multiply the gradient by the learning rate: W ← W - lr · grad.")


SGD_EXERCISE = _optimizer(
    "SGD", points=1,
    random_settings=lambda rng: {"lr": _lr(rng)},
    float32_settings={"lr": 0.5},
    examples=[
        _opt_case({"lr": 0.1}, P0, G3[:2], "lr = 0.1, two steps on W (2, 2) and b (2,)"),
    ],
    mistakes=known(_SGDRebinds, _SGDUphill, _SGDNoLr),
)


# --------------------------------------------------------------------------- sprint6.momentum
@hint("Your first step is right but the next ones are plain SGD: create the velocity v only on the "
      "first call (`if self.v is None:`) and keep it between calls.")
class _MomentumForgets(_Forgets, Momentum):    # no velocity carried over: plain SGD
    STATE = ("v",)


# v = αv - ηg, then W -= v: the velocity already points downhill
_MomentumSubtracts = rewritten(Momentum.update, ("params[key] += self.v[key]",
                                                 "params[key] -= self.v[key]"),
                               hint="With v = αv - lr · grad the velocity already points downhill: "
                                    "add it, W ← W + v.")

_MomentumRebinds = rewritten(Momentum.update, ("params[key] += self.v[key]",
                                               "params[key] = params[key] + self.v[key]"),
                             hint="Update the parameters in place (`params[key] += self.v[key]`): "
                                  "`params[key] = params[key] + ...` puts a new array in the dict.")


MOMENTUM = _optimizer(
    "Momentum", points=2,
    random_settings=lambda rng: {"lr": _lr(rng), "momentum": float(rng.uniform(0.5, 0.99))},
    float32_settings={"lr": 0.01, "momentum": 0.5},
    examples=[
        _opt_case({"lr": 0.1, "momentum": 0.9}, P0, G3,
                  "lr = 0.1, momentum = 0.9, three steps"),
    ],
    mistakes=known(_MomentumForgets, _MomentumSubtracts, _MomentumRebinds),
)


# --------------------------------------------------------------------------- sprint6.adagrad
# h += g instead of h += g * g
_AdaGradSumsGradients = rewritten(AdaGrad.update, ("self.h[key] += grads[key] * grads[key]",
                                                   "self.h[key] += grads[key]"),
                                  hint="h sums the *squares* of the gradients: h += grad * grad "
                                       "(element-wise).")

_AdaGradEpsInside = _eps_inside_the_root(AdaGrad)


@hint("Your first step is right but the next ones are too big: create h only on the first call and "
      "keep summing into it.")
class _AdaGradForgets(_Forgets, AdaGrad):      # h is only this step's g²
    STATE = ("h",)


_AdaGradNoSqrt = rewritten(AdaGrad.update, ("(np.sqrt(self.h[key]) + self.eps)",
                                            "(self.h[key] + self.eps)"),
                           hint="Divide by the square root of h: lr * grad / (np.sqrt(h) + eps).")


ADAGRAD = _optimizer(
    "AdaGrad", points=2,
    random_settings=lambda rng: {"lr": _lr(rng), "eps": float(rng.choice([1e-7, 1e-3, 0.5]))},
    float32_settings={"lr": 0.1},
    examples=[
        _opt_case({"lr": 0.1}, P0, G_POS, "lr = 0.1, three steps"),
        _opt_case({"lr": 0.5, "eps": 1.0}, P0, G3,
                  "a large eps = 1, where its place shows"),
    ],
    mistakes=known(_AdaGradSumsGradients, _AdaGradEpsInside, _AdaGradForgets, _AdaGradNoSqrt),
)


# --------------------------------------------------------------------------- sprint6.rmsprop
# h = (1 - ρ) h + ρ g²: the weights of the moving average swapped
_RMSPropSwapped = rewritten(RMSProp.update,
                            ("*= self.decay_rate", "*= 1 - self.decay_rate"),
                            ("+= (1 - self.decay_rate) * grads", "+= self.decay_rate * grads"),
                            hint="The old average keeps weight decay_rate and the new square gets "
                                 "1 - decay_rate: h ← ρh + (1 - ρ) grad².")

# h = ρh + (1 - ρ) g: the gradient itself averaged, not its square
_RMSPropNotSquared = rewritten(RMSProp.update, ("(1 - self.decay_rate) * grads[key] * grads[key]",
                                                "(1 - self.decay_rate) * grads[key]"),
                               hint="h averages the *squared* gradients: h ← ρh + (1 - ρ) grad * "
                                    "grad (element-wise), not the gradients themselves.")

_RMSPropEpsInside = _eps_inside_the_root(RMSProp)

# h = ρ h + g²: the new square is not weighted by 1 - ρ
_RMSPropAccumulates = rewritten(RMSProp.update, ("(1 - self.decay_rate) * grads[key] * grads[key]",
                                                 "grads[key] * grads[key]"),
                                hint="Weight the new square by 1 - decay_rate: h ← ρh + (1 - ρ) "
                                     "grad² (a moving average, not a sum).")


@hint("Your first step is right but the next ones are not: create h only on the first call and "
      "keep it.")
class _RMSPropForgets(_Forgets, RMSProp):      # no moving average
    STATE = ("h",)


RMSPROP = _optimizer(
    "RMSProp", points=2,
    random_settings=lambda rng: {"lr": _lr(rng), "decay_rate": float(rng.uniform(0.5, 0.999)),
                                 "eps": float(rng.choice([1e-7, 1e-3, 0.5]))},
    float32_settings={"lr": 0.01},
    examples=[
        _opt_case({"lr": 0.01, "decay_rate": 0.9}, P0, G3,
                  "lr = 0.01, decay_rate = 0.9, three steps"),
        _opt_case({"lr": 0.1, "decay_rate": 0.5, "eps": 1.0}, P0, G3,
                  "a large eps = 1, where its place shows"),
    ],
    mistakes=known(_RMSPropSwapped, _RMSPropNotSquared, _RMSPropEpsInside, _RMSPropAccumulates,
                   _RMSPropForgets),
)


# --------------------------------------------------------------------------- sprint6.adam
_AdamNoBiasCorrection = rewritten(Adam.update,
                                  ("self.m[key] / (1 - self.beta1 ** self.t)", "self.m[key]"),
                                  ("self.v[key] / (1 - self.beta2 ** self.t)", "self.v[key]"),
                                  hint="Correct the bias of m and v: m̂ = m / (1 - β1^t), v̂ = v / "
                                       "(1 - β2^t), and step with lr * m̂ / (sqrt(v̂) + eps). "
                                       "Without it the early steps are several times lr.")


@hint("This is the book's Adam, with the bias correction folded into lr_t: it equals the formula "
      "only while eps is negligible (it adds eps to sqrt(v), not to sqrt(v̂)). Compute m̂ = m / (1 "
      "- β1^t), v̂ = v / (1 - β2^t) and step with lr * m̂ / (np.sqrt(v̂) + eps).")
class _AdamBookLrT(Adam):
    """The book's Adam: the bias correction folded into lr_t, eps added to sqrt(v)."""

    def update(self, params, grads):
        if self.m is None:
            self.m = {key: np.zeros_like(val) for key, val in params.items()}
            self.v = {key: np.zeros_like(val) for key, val in params.items()}
        self.t += 1
        lr_t = self.lr * np.sqrt(1.0 - self.beta2 ** self.t) / (1.0 - self.beta1 ** self.t)
        for key in params:
            self.m[key] += (1 - self.beta1) * (grads[key] - self.m[key])
            self.v[key] += (1 - self.beta2) * (grads[key] ** 2 - self.v[key])
            params[key] -= lr_t * self.m[key] / (np.sqrt(self.v[key]) + self.eps)


_AdamEpsInside = rewritten(Adam.update, ("(np.sqrt(v_hat) + self.eps)",
                                         "np.sqrt(v_hat + self.eps)"),
                           hint="eps goes outside the square root: lr * m̂ / (np.sqrt(v̂) + eps).")

# counts t once per parameter instead of once per update call
_AdamStepPerKey = rewritten(Adam.update, ("self.t += 1\n    for key in params:",
                                          "for key in params:\n        self.t += 1"),
                            hint="Increase t once per call of update (before the loop over the "
                                 "keys), not once per parameter: every parameter is at the same "
                                 "step t.")


@hint("Create m and v only on the first call and keep them: they are moving averages over all the "
      "steps.")
class _AdamForgets(_Forgets, Adam):
    STATE = ("m", "v")


# v from the square of the mean, m * m, instead of the mean of the squares
_AdamSquaresMean = rewritten(Adam.update, ("(1 - self.beta2) * g * g",
                                           "(1 - self.beta2) * self.m[key] ** 2"),
                             hint="v averages the squared *gradients*: v ← β2 v + (1 - β2) grad², "
                                  "not the square of m.")


ADAM = _optimizer(
    "Adam", points=3,
    random_settings=lambda rng: {"lr": _lr(rng), "beta1": float(rng.uniform(0.5, 0.95)),
                                 "beta2": float(rng.uniform(0.9, 0.9999)),
                                 "eps": float(rng.choice([1e-8, 1e-3, 0.5]))},
    float32_settings={"lr": 0.001},
    examples=[
        _opt_case({"lr": 0.1}, P0, G3, "lr = 0.1, default betas, three steps"),
        _opt_case({"lr": 0.05, "beta1": 0.5, "beta2": 0.9, "eps": 1.0}, P0, G3,
                  "a large eps = 1, where its place shows"),
    ],
    mistakes=known(_AdamNoBiasCorrection, _AdamBookLrT, _AdamEpsInside, _AdamStepPerKey,
                   _AdamForgets, _AdamSquaresMean),
)


# --------------------------------------------------------------------------- sprint6.steps_to_reach
@hint("Within the radius includes the border: distance <= radius.")
def _reach_strict(path, radius):
    d = np.linalg.norm(np.asarray(path, dtype=float), axis=1)
    close = d < radius
    return int(np.argmax(close)) if close.any() else None


@hint("Compare the distance itself, sqrt(x² + y²), with the radius (or the squared distance with "
      "radius²).")
def _reach_squared(path, radius):
    p = np.asarray(path, dtype=float)
    close = np.sum(p * p, axis=1) <= radius
    return int(np.argmax(close)) if close.any() else None


@hint("Row 0 is the start, before any update: the row index is the number of steps, no + 1.")
def _reach_counts_rows(path, radius):
    d = np.linalg.norm(np.asarray(path, dtype=float), axis=1)
    close = d <= radius
    return int(np.argmax(close)) + 1 if close.any() else None


@hint("Return None when no row gets within the radius.")
def _reach_minus_one(path, radius):
    d = np.linalg.norm(np.asarray(path, dtype=float), axis=1)
    close = d <= radius
    return int(np.argmax(close)) if close.any() else -1


@hint("np.argmax of an all-False array is 0: check `mask.any()` first and return None if no row "
      "gets there.")
def _reach_argmax_unchecked(path, radius):
    d = np.linalg.norm(np.asarray(path, dtype=float), axis=1)
    return int(np.argmax(d <= radius))


def _random_path(rng: np.random.Generator) -> Case:
    """A path that spirals in towards (0, 0) with noise; sometimes it never gets close."""
    steps = int(rng.integers(3, 16))
    rate = float(rng.uniform(0.5, 0.95))
    angle = float(rng.uniform(0, 2 * np.pi))
    start = np.array([np.cos(angle), np.sin(angle)]) * float(rng.uniform(2, 8))
    rot = float(rng.uniform(-2, 2))
    rows = [start]
    for _ in range(steps):
        c, s = np.cos(rot), np.sin(rot)
        rows.append(rate * np.array([[c, -s], [s, c]]) @ rows[-1] + rng.normal(size=2) * 0.05)
    path = np.array(rows)
    d = np.linalg.norm(path, axis=1)
    radius = float(rng.choice([rng.uniform(d.min(), d.max()), d.min() * 0.5,
                               float(rng.uniform(0.3, 1.5))]))
    return case(path, radius, label=f"a path of {steps} steps, radius {radius:.3g}")


RACE_PATH = np.array([[-7.0, 2.0], [-6.0, 8.0], [-3.0, 4.0], [0.6, 0.8], [0.0, 0.5]])


STEPS_TO_REACH = Exercise(
    id="sprint6.steps_to_reach", points=1, module="race", name="steps_to_reach",
    title="steps to reach the minimum",
    examples=[case(np.array([[-7.0, 2.0], [-3.0, -1.0], [0.3, 0.4], [0.0, 0.1]]), 0.5,
                   label="the docstring's example"),
              case(RACE_PATH, 5.0, label="a row exactly at the radius, (-3, 4): distance 5"),
              case(RACE_PATH, 2.0, label="radius 2: reached at step 3"),
              case(RACE_PATH, 0.1, label="never reached: None")],
    generate=_random_path, n_public=2, n_hidden=10,
    edge_cases=[case(np.array([[0.0, 0.0], [1.0, 1.0]]), 0.5),
                case(np.array([[3.0, 4.0]]), 1.0),
                case(np.array([[2.0, 0.0], [0.0, -1.0], [0.0, 0.5]]), 1.0)],
    tol=Tolerance(rtol=0, atol=0, dtype="int"),   # "as an int"
    mistakes=known(_reach_strict, _reach_squared, _reach_counts_rows, _reach_minus_one,
                   _reach_argmax_unchecked),
)


# --------------------------------------------------------------------------- sprint6.weight_std
@hint("1/n and 2/n are the *variances*: the standard deviation is their square root, np.sqrt(1 / "
      "n) and np.sqrt(2 / n).")
def _std_variance(fan_in, method):
    if isinstance(method, str):
        return 1.0 / fan_in if method == "xavier" else 2.0 / fan_in
    return float(method)


@hint("Xavier is sqrt(1 / n) (sigmoid, tanh); He is sqrt(2 / n) (ReLU): you swapped them.")
def _std_swapped(fan_in, method):
    if isinstance(method, str):
        return float(np.sqrt(2.0 / fan_in)) if method == "xavier" else float(np.sqrt(1.0 / fan_in))
    return float(method)


@hint("He has twice Xavier's variance, because ReLU zeroes half its inputs: sqrt(2 / n).")
def _std_he_without_two(fan_in, method):
    if isinstance(method, str):
        return float(np.sqrt(1.0 / fan_in))
    return float(method)


@hint("The std shrinks as the number of inputs grows: divide, sqrt(1 / n), not sqrt(n).")
def _std_sqrt_n(fan_in, method):
    if isinstance(method, str):
        return float(np.sqrt(fan_in)) if method == "xavier" else float(np.sqrt(2.0 * fan_in))
    return float(method)


def _random_std_case(rng: np.random.Generator) -> Case:
    fan_in = int(rng.integers(1, 2049))
    method = str(rng.choice(["xavier", "he", "number"]))
    if method == "number":
        return case(fan_in, float(rng.choice([0.01, 1.0, 0.05, 0.3])))
    return case(fan_in, method)


WEIGHT_STD = Exercise(
    id="sprint6.weight_std", points=1, module="initializers", name="weight_std",
    title="the std of Xavier and He",
    examples=[case(100, "xavier", label="Xavier, 100 inputs"),
              case(100, "he", label="He, 100 inputs"),
              case(784, "he", label="He, 784 inputs (an MNIST image)"),
              case(50, 0.01, label="a fixed std of 0.01")],
    generate=_random_std_case, n_public=2, n_hidden=10,
    edge_cases=[case(1, "xavier"), case(1, "he"), case(3, 1.0)],
    tol=Tolerance(rtol=1e-9, atol=0),
    mistakes=known(_std_variance, _std_swapped, _std_he_without_two, _std_sqrt_n),
)


# ---------------------------------------------------------------------- sprint6.forward_activations
@hint("Return the activations h(z W), after the activation function, not the products z W.")
def _fa_no_activation(x, weights, activation):
    out, z = [], np.asarray(x, dtype=float)
    for W in weights:
        a = z @ W
        out.append(a)
        z = _activate(a, activation)
    return out


@hint("The activation function comes after the product: z ← h(z @ W), not h(z) @ W.")
def _fa_activation_first(x, weights, activation):
    out, z = [], np.asarray(x, dtype=float)
    for W in weights:
        z = _activate(z, activation) @ W
        out.append(z)
    return out


@hint("Return one array per layer, without the input x: len(weights) arrays.")
def _fa_includes_input(x, weights, activation):
    z = np.asarray(x, dtype=float)
    out = [z]
    for W in weights:
        z = _activate(z @ W, activation)
        out.append(z)
    return out


@hint("Each layer's input is the previous layer's *activation*: z ← h(z @ W), then use that z.")
def _fa_feeds_products(x, weights, activation):
    out, z = [], np.asarray(x, dtype=float)
    for W in weights:
        a = z @ W
        out.append(_activate(a, activation))
        z = a
    return out


@hint("Chain the layers: layer i takes the output of layer i - 1, not x.")
def _fa_from_input_each_time(x, weights, activation):
    x = np.asarray(x, dtype=float)
    out = []
    for W in weights:
        if W.shape[0] == x.shape[1]:
            out.append(_activate(x @ W, activation))
    return out


def _random_fa_case(rng: np.random.Generator) -> Case:
    n = int(rng.integers(1, 7))
    sizes = [int(v) for v in rng.integers(1, 7, size=int(rng.integers(2, 6)))]
    std = float(rng.choice([0.01, 0.3, 1.0, 3.0]))
    weights = [rng.normal(size=(a, b)) * std for a, b in zip(sizes[:-1], sizes[1:])]
    activation = str(rng.choice(["sigmoid", "relu", "tanh"]))
    return case(rng.normal(size=(n, sizes[0])), weights, activation,
                label=f"{activation}, layer sizes {sizes}, weight std {std:g}, N = {n}")


FORWARD_ACTIVATIONS = Exercise(
    id="sprint6.forward_activations", points=2, module="initializers",
    name="forward_activations",
    title="the activations of every layer",
    examples=[case(np.array([[1.0, -2.0]]), [np.eye(2), 2 * np.eye(2)], "relu",
                   label="the docstring's example"),
              case(np.array([[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]]),
                   [np.array([[1.0, -1.0], [0.5, 2.0], [-1.0, 0.0]]),
                    np.array([[2.0, 0.0, 1.0], [-1.0, 1.0, 0.5]])], "sigmoid",
                   label="sigmoid, 3 → 2 → 3"),
              case(np.array([[1.0, 2.0]]), [np.array([[1.0], [-1.0]]), np.array([[3.0, -2.0]])],
                   "tanh", label="tanh, 2 → 1 → 2")],
    generate=_random_fa_case, n_public=2, n_hidden=10, tol=FLOAT_TOL,
    mistakes=known(_fa_no_activation, _fa_activation_first, _fa_includes_input,
                   _fa_feeds_products, _fa_from_input_each_time),
)


# --------------------------------------------------------------------------- sprint6.dropout
@hint("This course uses inverted dropout: in training divide what is kept by 1 - ratio, and at "
      "inference return x unchanged (no multiplication by 1 - ratio).")
class _DropoutNotInverted(Dropout):
    """The book's scaling: keep the training values, multiply by 1 - ratio at inference."""

    def forward(self, x, train_flg=True):
        self.train_flg = train_flg
        if not train_flg:
            return x * (1.0 - self.dropout_ratio)
        self.mask = self.rng.random(x.shape) >= self.dropout_ratio
        return x * self.mask

    def backward(self, dout):
        return dout * (self.mask if self.train_flg else 1.0 - self.dropout_ratio)


@hint("This course uses inverted dropout: in training divide what is kept by 1 - ratio, and at "
      "inference return x unchanged (no multiplication by 1 - ratio).")
class _DropoutBook(Dropout):
    """The book's Dropout verbatim: backward always multiplies by the last training mask."""

    def forward(self, x, train_flg=True):
        if train_flg:
            self.mask = self.rng.random(x.shape) >= self.dropout_ratio
            return x * self.mask
        return x * (1.0 - self.dropout_ratio)

    def backward(self, dout):
        return dout * self.mask


@hint("Scale the kept values in training: x * mask / (1 - ratio), so that their expected value is "
      "x.")
class _DropoutNoScale(Dropout):
    """Drops in training but never rescales by 1 / (1 - ratio)."""

    def forward(self, x, train_flg=True):
        out = super().forward(x, train_flg)
        return x * self.mask if train_flg else out

    def backward(self, dout):
        return dout * self.mask if self.train_flg else super().backward(dout)


@hint("At inference (train_flg=False) nothing is dropped: return x unchanged, and backward passes "
      "dout through.")
class _DropoutAtInference(Dropout):
    """Draws a mask at inference too."""

    def forward(self, x, train_flg=True):
        return super().forward(x, train_flg=True)


# keeps where random < ratio: a share ratio is kept instead of dropped
_DropoutKeepsRatio = rewritten(Dropout.forward, ("self.rng.random(x.shape) >= self.dropout_ratio",
                                                 "self.rng.random(x.shape) < self.dropout_ratio"),
                               hint="dropout_ratio is the share *dropped*: keep where "
                                    "self.rng.random(x.shape) >= dropout_ratio.")


@hint("A dropped neuron passes no gradient: multiply dout by the forward pass's mask too, dout * "
      "mask / (1 - ratio).")
class _DropoutBackwardUnmasked(Dropout):
    """backward scales dout but lets it through the dropped neurons too."""

    def backward(self, dout):
        return dout / (1.0 - self.dropout_ratio) if self.train_flg else dout.copy()


@hint("backward reuses the mask of the forward pass (self.mask); do not draw a new one.")
class _DropoutBackwardNewMask(Dropout):
    """backward draws a new mask instead of reusing the forward pass's."""

    def backward(self, dout):
        if self.train_flg:
            self.mask = self.rng.random(dout.shape) >= self.dropout_ratio
        return super().backward(dout)


def _dropout_case(ratio, seed, x, dout, label):
    x2 = x[::-1] * 2.0 + 1.0
    return class_case((), {"dropout_ratio": ratio, "seed": seed},
                      steps=[("forward", (x,)), ("backward", (dout,)),
                             ("forward", (x2,)), ("backward", (dout * -1.5,)),
                             ("forward", (x,), {"train_flg": False}), ("backward", (dout,))],
                      label=label)


def _random_dropout_case(rng: np.random.Generator) -> Case:
    shape = tuple(int(v) for v in rng.integers(1, 6, size=int(rng.integers(1, 4))))
    ratio = float(rng.choice([0.1, 0.25, 0.5, 0.8]))
    seed = int(rng.integers(0, 1000))
    return _dropout_case(ratio, seed, rng.normal(size=shape) * 2, rng.normal(size=shape),
                         f"ratio {ratio}, seed {seed}, x of shape {shape}: train, train, "
                         "inference")


DROPOUT = Exercise(
    id="sprint6.dropout", points=3, module="regularization", name="Dropout",
    title="Dropout",
    examples=[_dropout_case(0.5, 1, np.ones((2, 4)), np.full((2, 4), 3.0),
                            "the docstring's example, then a second training step and "
                            "inference"),
              _dropout_case(0.2, 7, np.arange(12.0).reshape(3, 4) - 5.0,
                            np.linspace(-1, 1, 12).reshape(3, 4), "ratio 0.2, seed 7")],
    generate=_random_dropout_case, n_public=2, n_hidden=8, tol=FLOAT_TOL,
    returns_new=("forward()",),   # inference returns x "as a new array"
    mistakes=known(_DropoutNotInverted, _DropoutBook, _DropoutNoScale, _DropoutAtInference,
                   _DropoutKeepsRatio, _DropoutBackwardUnmasked,
                   _DropoutBackwardNewMask),
)


# --------------------------------------------------------------------------- sprint6.dropconnect
@hint("DropConnect drops *weights*, not inputs: the mask has the shape of W "
      "(self.rng.random(self.W.shape)).")
class _DropConnectOnInputs:
    """Drops entries of x (Dropout on the inputs) instead of weights."""

    def __init__(self, W, b, drop_ratio=0.5, seed=0):
        self.W, self.b, self.drop_ratio = W, b, drop_ratio
        self.rng = np.random.default_rng(seed)
        self.mask, self.x, self.W_used, self.dW, self.db = None, None, None, None, None

    def forward(self, x, train_flg=True):
        self.W_used = self.W
        if train_flg:
            self.mask = self.rng.random(x.shape) >= self.drop_ratio
            self.x = x * self.mask / (1.0 - self.drop_ratio)
        else:
            self.mask = None
            self.x = x
        return self.x @ self.W + self.b

    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = np.sum(dout, axis=0)
        dx = dout @ self.W.T
        return dx if self.mask is None else dx * self.mask / (1.0 - self.drop_ratio)


@hint("A dropped weight was not used, so it gets no gradient: dW = (x.T @ dout) * mask / (1 - "
      "ratio).")
class _DropConnectDwUnmasked(DropConnect):
    """dW = x.T @ dout for every weight, dropped or not."""

    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = np.sum(dout, axis=0)
        return dout @ self.W_used.T


@hint("Scale the kept weights by 1 / (1 - drop_ratio) in training (inverted scaling), in forward "
      "and in dW.")
class _DropConnectNoScale(DropConnect):
    """The kept weights are not scaled up by 1 / (1 - drop_ratio), in forward or backward."""

    def forward(self, x, train_flg=True):
        self.x = x
        if train_flg:
            self.mask = self.rng.random(self.W.shape) >= self.drop_ratio
            self.W_used = self.W * self.mask
        else:
            self.mask = None
            self.W_used = self.W
        return x @ self.W_used + self.b

    def backward(self, dout):
        self.dW = self.x.T @ dout
        if self.mask is not None:
            self.dW = self.dW * self.mask
        self.db = np.sum(dout, axis=0)
        return dout @ self.W_used.T


@hint("dx goes back through the weights forward used: dx = dout @ W_used.T.")
class _DropConnectDxFullW(DropConnect):
    """dx = dout @ W.T with the full weights, not the ones used in forward."""

    def backward(self, dout):
        super().backward(dout)
        return dout @ self.W.T


def _dropconnect_train_case(W, b, ratio, seed, x, dout, label):
    return class_case((W, b), {"drop_ratio": ratio, "seed": seed},
                      steps=[("forward", (x,)), ("backward", (dout,))], attrs=["dW", "db"],
                      label=label + ": one training step")


def _dropconnect_eval_case(W, b, ratio, seed, x, dout, label):
    return class_case((W, b), {"drop_ratio": ratio, "seed": seed},
                      steps=[("forward", (x,)), ("forward", (x,), {"train_flg": False}),
                             ("backward", (dout,))], attrs=["dW", "db"],
                      label=label + ": a training forward, then inference")


def _random_dropconnect_case(rng: np.random.Generator) -> Case:
    n, d, m = (int(v) for v in rng.integers(1, 6, size=3))
    ratio = float(rng.choice([0.2, 0.5, 0.7]))
    seed = int(rng.integers(0, 1000))
    W, b = rng.normal(size=(d, m)), rng.normal(size=m)
    x, dout = rng.normal(size=(n, d)), rng.normal(size=(n, m))
    label = f"W: {W.shape}, x: {x.shape}, ratio {ratio}, seed {seed}"
    make = _dropconnect_eval_case if rng.random() < 0.3 else _dropconnect_train_case
    return make(W, b, ratio, seed, x, dout, label)


DROPCONNECT = Exercise(
    id="sprint6.dropconnect", points=2, module="regularization", name="DropConnect",
    title="Problem 10 (extension): DropConnect",
    examples=[_dropconnect_train_case(np.ones((2, 2)), np.zeros(2), 0.5, 4,
                                      np.array([[1.0, 2.0]]), np.array([[1.0, 1.0]]),
                                      "the docstring's example"),
              _dropconnect_train_case(np.array([[1.0, -1.0, 0.5], [2.0, 0.0, 1.0]]),
                                      np.array([0.1, 0.2, 0.3]), 0.3, 3,
                                      np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, 3.0]]),
                                      np.array([[1.0, 0.0, -1.0], [0.5, 0.5, 0.5],
                                                [2.0, -1.0, 0.0]]),
                                      "W (2, 3), a batch of 3, ratio 0.3"),
              _dropconnect_eval_case(np.array([[1.0, -1.0, 0.5], [2.0, 0.0, 1.0]]),
                                     np.array([0.1, 0.2, 0.3]), 0.3, 3,
                                     np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, 3.0]]),
                                     np.array([[1.0, 0.0, -1.0], [0.5, 0.5, 0.5],
                                               [2.0, -1.0, 0.0]]),
                                     "the same layer")],
    generate=_random_dropconnect_case, n_public=2, n_hidden=8, tol=FLOAT_TOL,
    batch_size=lambda c: len(steps_of(c)[0].args[0]),
    mistakes=known(_DropConnectOnInputs, _DropConnectDwUnmasked, _DropConnectNoScale,
                   _DropConnectDxFullW),
)


# --------------------------------------------------------------------------- sprint6.maxout
@hint("A group is `pieces` *neighbouring* channels (0..k-1, k..2k-1, ...): reshape to (N, C // k, "
      "k, ...) and take the max over axis 2.")
class _MaxoutStrided:
    """Groups every (C // k)-th channel (x.reshape(N, k, C // k)) instead of neighbours."""

    def __init__(self, pieces=2):
        self.pieces, self.x_shape, self.argmax = pieces, None, None

    def forward(self, x):
        n, c, *rest = x.shape
        self.x_shape = x.shape
        grouped = x.reshape(n, self.pieces, c // self.pieces, *rest)
        self.argmax = np.argmax(grouped, axis=1)
        return np.max(grouped, axis=1)

    def backward(self, dout):
        n = dout.shape[0]
        dx = np.zeros((n, self.pieces, *dout.shape[1:]))
        for p in range(self.pieces):
            dx[:, p] = dout * (self.argmax == p)
        return dx.reshape(self.x_shape)


# dout to every input of the group, not only the winner
_MaxoutBackwardToAll = rewritten(Maxout.backward,
                                 ("dx = mask * np.expand_dims(dout, axis=2)",
                                  "dx = np.ones_like(mask) * np.expand_dims(dout, axis=2)"),
                                 hint="Only the input that won its group gets the gradient, as in "
                                      "max pooling; the others get 0.")


@hint("On a tie only one input (the first maximum, as argmax picks it) gets the gradient, not all "
      "of them.")
class _MaxoutBackwardToTies(Maxout):
    """Sends dout to every input equal to the maximum: twice the gradient on a tie."""

    def forward(self, x):
        self.grouped = x.reshape(len(x), -1, self.pieces, *x.shape[2:])
        return super().forward(x)

    def backward(self, dout):
        winners = self.grouped == np.max(self.grouped, axis=2, keepdims=True)
        return (winners * np.expand_dims(dout, 2)).reshape(self.x_shape)


def _maxout_case(pieces, x, dout, label):
    return class_case((), {"pieces": pieces}, steps=[("forward", (x,)), ("backward", (dout,))],
                      label=label)


def _random_maxout_case(rng: np.random.Generator) -> Case:
    k = int(rng.integers(2, 5))
    n, groups = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    rest = tuple(int(v) for v in rng.integers(1, 4, size=int(rng.choice([0, 2]))))
    x = rng.normal(size=(n, groups * k, *rest))
    if rng.random() < 0.5:                       # some ties: rounded values
        x = np.round(x)
    dout = rng.normal(size=(n, groups, *rest))
    return _maxout_case(k, x, dout, f"pieces {k}, x of shape {x.shape}")


MAXOUT = Exercise(
    id="sprint6.maxout", points=2, module="regularization", name="Maxout",
    title="Problem 11 (extension): Maxout",
    examples=[_maxout_case(2, np.array([[1.0, 5.0, -2.0, -3.0]]), np.array([[10.0, 20.0]]),
                           "the docstring's example"),
              _maxout_case(3, np.array([[1.0, 4.0, 2.0, 0.0, -1.0, 7.0],
                                        [3.0, 3.0, 1.0, 2.0, 2.0, 2.0]]),
                           np.array([[1.0, 2.0], [3.0, 4.0]]),
                           "pieces 3 with ties (the first maximum wins)"),
              _maxout_case(2, np.arange(16.0).reshape(1, 4, 2, 2) % 5,
                           np.ones((1, 2, 2, 2)), "images (1, 4, 2, 2) → (1, 2, 2, 2)")],
    generate=_random_maxout_case, n_public=2, n_hidden=8, tol=FLOAT_TOL,
    mistakes=known(_MaxoutStrided, _MaxoutBackwardToAll, _MaxoutBackwardToTies),
)


# --------------------------------------------------------------------------- exercises
EXERCISES = numbered([
    SGD_EXERCISE, MOMENTUM, ADAGRAD, RMSPROP, ADAM, STEPS_TO_REACH, WEIGHT_STD,
    FORWARD_ACTIVATIONS, DROPOUT, DROPCONNECT, MAXOUT,
])
