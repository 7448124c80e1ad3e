"""Sprint 4, backpropagation: exercises, cases and known mistakes.

Every layer is graded as a class: a case builds it, calls ``forward`` and then ``backward``
and compares both results (and ``dW``, ``db`` for ``Affine``). Each layer is graded on its own
code: nothing here depends on the learner's sprint-2 or sprint-3 functions.
"""
import numpy as np

from solutions.layers import AddLayer, Affine, MulLayer, Relu, Sigmoid, SoftmaxWithLoss

from ..learner.compare import Tolerance
from ..learner.registry import Case, Exercise, case, class_case
from . import hint, known, numbered, rewritten, steps_of

FLOAT_TOL = Tolerance(rtol=1e-6, atol=1e-10, same_dtype=True)   # "float32 in, float32 out"


# --------------------------------------------------------------------------- generators
def _random_shape(rng, max_dims=3, max_size=5):
    return tuple(int(n) for n in rng.integers(1, max_size + 1,
                                              size=int(rng.integers(1, max_dims + 1))))


def _steps(*steps):
    return [(name, tuple(args)) for name, *args in steps]


def _random_binary_node_case(rng: np.random.Generator) -> Case:
    """Two inputs and an upstream gradient: plain numbers or arrays of one random shape."""
    if rng.random() < 0.25:
        x, y, dout = (float(v) for v in rng.normal(size=3) * 10)
        label = "numbers x, y and dout"
    else:
        shape = _random_shape(rng)
        x, y, dout = (rng.normal(size=shape) * float(rng.choice([1.0, 5.0])) for _ in range(3))
        label = f"arrays x, y, dout of shape {shape}"
    return class_case(steps=[("forward", (x, y)), ("backward", (dout,))],
                      label=f"forward(x, y) then backward(dout), {label}")


def _with_zeros(rng, shape, scale=3.0, share=0.3):
    x = rng.normal(size=shape) * scale
    x[rng.random(shape) < share] = 0.0
    return x


def _random_relu_case(rng: np.random.Generator) -> Case:
    shape = _random_shape(rng, max_dims=4)
    x = _with_zeros(rng, shape)
    x.flat[0] = -abs(x.flat[0]) - 0.5          # at least one negative input
    dout = rng.normal(size=shape) * 2
    return class_case(steps=[("forward", (x,)), ("backward", (dout,))],
                      label=f"x and dout of shape {shape}, some x exactly 0")


def _random_sigmoid_case(rng: np.random.Generator) -> Case:
    shape = _random_shape(rng, max_dims=4)
    x = rng.normal(size=shape) * float(rng.choice([1.0, 3.0, 10.0]))
    dout = rng.normal(size=shape) * 2
    return class_case(steps=[("forward", (x,)), ("backward", (dout,))],
                      label=f"x and dout of shape {shape}")


def _affine_case(W, b, x, dout, label):
    return class_case((W, b), steps=[("forward", (x,)), ("backward", (dout,))],
                      attrs=["dW", "db"], label=label)


def _random_affine_case(rng: np.random.Generator) -> Case:
    n, d, m = (int(v) for v in rng.integers(1, 7, size=3))
    if rng.random() < 0.35:                    # images (N, C, H, W) or (N, d1, d2)
        inner = _random_shape(rng, max_dims=3, max_size=3)
        x = rng.normal(size=(n, *inner))
        d = int(np.prod(inner))
    else:
        x = rng.normal(size=(n, d))
    W = rng.normal(size=(d, m))
    b = rng.normal(size=m)
    dout = rng.normal(size=(n, m))
    return _affine_case(W, b, x * 2, dout, f"W: {W.shape}, x: {x.shape}, dout: {dout.shape}")


def _random_softmax_loss_case(rng: np.random.Generator) -> Case:
    n, c = int(rng.integers(1, 9)), int(rng.integers(2, 7))
    x = rng.normal(size=(n, c)) * float(rng.choice([1.0, 2.0, 4.0])) + rng.normal(size=(n, 1)) * 5
    labels = rng.integers(0, c, size=n)
    t: np.ndarray                              # the labels as indices, or one-hot
    if rng.random() < 0.5:
        t, kind = labels, "labels as indices"
    else:
        t, kind = np.eye(c)[labels], "one-hot labels"
    return class_case(steps=[("forward", (x, t)), ("backward", ())],
                      label=f"scores {x.shape}, {kind}")


def _random_gradient_pair(rng: np.random.Generator) -> Case:
    shape = _random_shape(rng, max_dims=3, max_size=6)
    analytic = rng.normal(size=shape) * float(rng.choice([1e-3, 1.0, 100.0]))
    numeric = analytic * (1 + rng.normal(size=shape) * float(rng.choice([1e-9, 1e-6, 1e-3])))
    if rng.random() < 0.5:                     # a few entries badly wrong
        bad = rng.random(shape) < 0.2
        numeric[bad] = rng.normal(size=int(bad.sum()))
    if rng.random() < 0.4:                     # entries that are 0 in both (a dead ReLU)
        zero = rng.random(shape) < 0.25
        analytic[zero] = 0.0
        numeric[zero] = 0.0
    return case(analytic, numeric)


# --------------------------------------------------------------------------- worked examples
APPLE = [  # the apple-and-orange shopping graph: (layer, forward inputs, dout, label)
    ("mul", (100, 2), 1.1, "apple: 100 yen × 2 apples, backward(1.1) → (2.2, 110)"),
    ("mul", (150, 3), 1.1, "orange: 150 yen × 3 oranges, backward(1.1) → (3.3, 165)"),
    ("mul", (650, 1.1), 1, "tax: 650 yen × 1.1, backward(1) → (1.1, 650)"),
    ("add", (200, 450), 1.1, "apples + oranges: 200 + 450 yen, backward(1.1) → (1.1, 1.1)"),
]


def _apple_cases(kind):
    return [class_case(steps=[("forward", args), ("backward", (dout,))], label=label)
            for k, args, dout, label in APPLE if k == kind]


RELU_X = np.array([[1.0, -0.5], [-2.0, 3.0]])
RELU_X_ZEROS = np.array([[-1.0, 0.0, 2.0], [0.0, 3.0, -0.5]])
AFFINE_W = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
AFFINE_B = np.array([0.1, 0.2, 0.3])
SQUARE_W = np.array([[1.0, -2.0], [0.5, 3.0]])
SQUARE_X = np.array([[1.0, 2.0], [-1.0, 0.5], [3.0, -2.0]])
SCORES = np.array([[0.3, 2.9, 4.0], [0.0, 0.0, 0.0]])


# --------------------------------------------------------------------------- sprint4.mul_layer
@hint("A multiply node swaps its inputs on the way back: x's gradient is dout * y and y's is dout "
      "* x (apple: 1.1 × 2 apples = 2.2 for the price).")
class _MulSwapped(MulLayer):
    """Sends each input its own value times dout instead of the other input's."""

    def backward(self, dout):
        return dout * self.x, dout * self.y


@hint("That is an add node's backward: a multiply node multiplies dout by the other input, (dout * "
      "y, dout * x).")
class _MulLikeAdd(MulLayer):
    """Passes dout through unchanged, as an add node would."""

    def backward(self, dout):
        return dout, dout


MUL_LAYER = Exercise(
    id="sprint4.mul_layer", points=1, module="layers", name="MulLayer",
    title="the multiply node (MulLayer)",
    examples=_apple_cases("mul") + [
        class_case(steps=[("forward", (np.array([1.0, -2.0, 3.0]), np.array([4.0, 5.0, -6.0]))),
                          ("backward", (np.array([1.0, 0.5, 2.0]),))],
                   label="arrays: x = [1, -2, 3], y = [4, 5, -6], dout = [1, 0.5, 2]")],
    generate=_random_binary_node_case, n_public=2, n_hidden=10,
    edge_cases=[class_case(steps=[("forward", (0.0, 7.0)), ("backward", (3.0,))]),
                class_case(steps=[("forward", (np.zeros((2, 2)), np.ones((2, 2)))),
                                  ("backward", (np.full((2, 2), -1.5),))])],
    tol=FLOAT_TOL,
    mistakes=known(_MulSwapped, _MulLikeAdd),
)


# --------------------------------------------------------------------------- sprint4.add_layer
@hint("backward returns a pair, one gradient per input: return dout, dout (both inputs get dout "
      "unchanged).")
class _AddSingle(AddLayer):
    """Returns one gradient instead of one per input."""

    def backward(self, dout):
        return dout


@hint("An add node does not multiply: ∂(x + y)/∂x = 1, so both inputs get dout unchanged, (dout, "
      "dout).")
class _AddLikeMul(AddLayer):
    """Swaps and multiplies the inputs, as a multiply node would."""

    def forward(self, x, y):
        self.x, self.y = x, y
        return super().forward(x, y)

    def backward(self, dout):
        return dout * self.y, dout * self.x


ADD_LAYER = Exercise(
    id="sprint4.add_layer", points=1, module="layers", name="AddLayer",
    title="the add node (AddLayer)",
    examples=_apple_cases("add") + [
        class_case(steps=[("forward", (np.array([1.0, 2.0]), np.array([-3.0, 0.5]))),
                          ("backward", (np.array([0.5, -1.0]),))],
                   label="arrays: x = [1, 2], y = [-3, 0.5], dout = [0.5, -1]")],
    generate=_random_binary_node_case, n_public=2, n_hidden=10,
    edge_cases=[class_case(steps=[("forward", (0.0, 0.0)), ("backward", (2.5,))])],
    tol=FLOAT_TOL,
    mistakes=known(_AddSingle, _AddLikeMul),
)


# --------------------------------------------------------------------------- sprint4.relu
@hint("Your backward lets the gradient through where the input was negative: forward changed x in "
      "place before the mask was taken, so the mask no longer sees the negative entries. Take "
      "self.mask = (x <= 0) first and build the output on a copy (out = x.copy(); out[self.mask] = "
      "0).")
class _ReluMaskAfterInPlace(Relu):
    """Sets the negative inputs to 0 in place, then takes the mask x < 0: it is empty."""

    def forward(self, x):
        x[x < 0] = 0.0
        self.mask = (x < 0)
        return x


@hint("At x = 0 ReLU's gradient is 0 in this course: block the entries with x <= 0, not only x < "
      "0.")
class _ReluMaskStrict(Relu):
    """Blocks only x < 0: the gradient passes at exactly 0."""

    def forward(self, x):
        out = super().forward(x)
        self.mask = (x < 0)
        return out


@hint("backward returned ReLU's 0/1 derivative alone: by the chain rule multiply it by dout (dout "
      "where x > 0, 0 elsewhere).")
class _ReluBackwardNoDout(Relu):
    """Returns the 0/1 derivative of ReLU, forgetting to multiply it by dout."""

    def backward(self, dout):
        return (~self.mask).astype(float)


RELU = Exercise(
    id="sprint4.relu", points=2, module="layers", name="Relu",
    title="the ReLU layer",
    examples=[
        class_case(steps=[("forward", (RELU_X,)),
                          ("backward", (np.array([[10.0, 20.0], [30.0, 40.0]]),))],
                   label="x = [[1, -0.5], [-2, 3]], dout = [[10, 20], [30, 40]]"),
        class_case(steps=[("forward", (RELU_X_ZEROS,)), ("backward", (np.ones((2, 3)) * 2.0,))],
                   label="inputs exactly 0: the gradient there is 0"),
    ],
    generate=_random_relu_case,
    edge_cases=[class_case(steps=[("forward", (np.zeros((3, 2)),)),
                                  ("backward", (np.ones((3, 2)),))]),
                class_case(steps=[("forward", (np.array([-1e-300, 1e-300, -0.0]),)),
                                  ("backward", (np.array([1.0, 2.0, 3.0]),))]),
                class_case(steps=[("forward", (-np.ones((2, 1, 2, 2)),)),
                                  ("backward", (np.ones((2, 1, 2, 2)),))]),
                class_case(steps=[("forward", (RELU_X_ZEROS.astype(np.float32),)),
                                  ("backward", (np.full((2, 3), 1.5, dtype=np.float32),))],
                           label="float32 x and dout: the outputs stay float32")],
    tol=Tolerance(rtol=1e-12, atol=0, same_dtype=True),
    mistakes=known(_ReluMaskAfterInPlace, _ReluMaskStrict, _ReluBackwardNoDout),
)


# --------------------------------------------------------------------------- sprint4.sigmoid_layer
@hint("Use the layer's output y, not its input x: dx = dout * y * (1 - y) with y = self.out kept "
      "by forward.")
class _SigmoidBackwardFromInput(Sigmoid):
    """Uses the input x in x (1 - x) instead of the output y."""

    def forward(self, x):
        self.x = np.asarray(x, dtype=float)
        return super().forward(x)

    def backward(self, dout):
        return dout * self.x * (1.0 - self.x)


@hint("Multiply by the upstream gradient: dx = dout * y * (1 - y) (the chain rule).")
class _SigmoidBackwardNoDout(Sigmoid):
    """Returns y (1 - y), forgetting the upstream gradient."""

    def backward(self, dout):
        return self.out * (1.0 - self.out)


@hint("y (1 - y) is already the derivative, written with the output: do not pass the output "
      "through the sigmoid again (sigmoid_grad(y) is for an input).")
class _SigmoidGradOfOutput(Sigmoid):
    """Applies sigmoid_grad (sprint 2) to the output: sigmoid(y) (1 - sigmoid(y))."""

    def backward(self, dout):
        s = np.exp(-np.logaddexp(0.0, -self.out))
        return dout * s * (1.0 - s)


SIGMOID_LAYER = Exercise(
    id="sprint4.sigmoid_layer", points=2, module="layers", name="Sigmoid",
    title="the Sigmoid layer",
    examples=[class_case(steps=[("forward", (np.array([-1.0, 0.0, 2.0]),)),
                                ("backward", (np.array([1.0, 1.0, 2.0]),))],
                         label="x = [-1, 0, 2], dout = [1, 1, 2]")],
    generate=_random_sigmoid_case,
    edge_cases=[class_case(steps=[("forward", (np.array([-800.0, 800.0, 0.0]),)),
                                  ("backward", (np.ones(3),))]),
                class_case(steps=[("forward", (np.full((2, 2), 40.0),)),
                                  ("backward", (np.full((2, 2), 1e6),))]),
                class_case(steps=[("forward", (np.array([[-1.0, 0.0], [0.5, 0.25]],
                                                        dtype=np.float32),)),
                                  ("backward", (np.array([[1.0, -2.0], [0.5, 1.0]],
                                                         dtype=np.float32),))],
                           label="float32 x and dout: the outputs stay float32")],
    tol=FLOAT_TOL,
    mistakes=known(_SigmoidBackwardFromInput, _SigmoidBackwardNoDout, _SigmoidGradOfOutput),
)


# --------------------------------------------------------------------------- sprint4.affine
@hint("dW has W's shape (D, M): dW = x.T @ dout ((D, N) @ (N, M)), not dout.T @ x.")
class _AffineDwTransposed(Affine):
    def backward(self, dout):
        dx = super().backward(dout)
        self.dW = dout.T @ self.x                  # (M, D): the transpose of dW
        return dx


@hint("dW has W's shape (D, M): dW = x.T @ dout ((D, N) @ (N, M)); dout @ x.T only runs when M = D "
      "and gives (N, N).")
class _AffineDwDoutXt(Affine):
    def backward(self, dout):
        dx = super().backward(dout)
        self.dW = dout @ self.x.T                  # runs only when M == D: shape (N, N)
        return dx


@hint("dx = dout @ W.T: dout is (N, M) and W is (D, M), so W needs its transpose ((N, M) @ (M, D) "
      "= (N, D)).")
class _AffineDxNoTranspose(Affine):
    def backward(self, dout):
        super().backward(dout)
        return (dout @ self.W).reshape(self.original_x_shape)  # runs only when W is square


# db left (N, M), one row per sample; db averaged over the batch instead of summed
_AffineDbNotSummed = rewritten(Affine.backward, ("self.db = np.sum(dout, axis=0)",
                                                 "self.db = dout"),
                               hint="The bias was added to every sample, so its gradient sums over "
                                    "the batch: db = np.sum(dout, axis=0), shape (M,).")

_AffineDbMean = rewritten(Affine.backward, ("self.db = np.sum(dout, axis=0)",
                                            "self.db = np.mean(dout, axis=0)"),
                          hint="db sums over the batch, it does not average: np.sum(dout, axis=0) "
                               "(the 1/N of a mean loss is already inside dout).")


@hint("Return dx in the shape of the input: keep x.shape in forward and dx.reshape(that shape) "
      "(images (N, C, H, W) come back as images).")
class _AffineDxFlat(Affine):
    def backward(self, dout):
        super().backward(dout)
        return dout @ self.W.T                     # (N, D), not the input's shape


AFFINE = Exercise(
    id="sprint4.affine", points=3, module="layers", name="Affine",
    title="the Affine layer",
    examples=[
        _affine_case(AFFINE_W, AFFINE_B, np.array([[1.0, 0.0], [0.0, 2.0]]),
                     np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]]),
                     "the docstring's example: W (2, 3), a batch of 2"),
        _affine_case(SQUARE_W, np.array([0.5, -0.5]), SQUARE_X,
                     np.array([[1.0, 2.0], [0.0, -1.0], [0.5, 0.5]]),
                     "a square layer, W (2, 2), a batch of 3 (where W-order slips still run)"),
        _affine_case(np.arange(12.0).reshape(4, 3) / 10, np.array([1.0, 0.0, -1.0]),
                     np.arange(8.0).reshape(2, 1, 2, 2) - 3.0,
                     np.array([[1.0, -1.0, 2.0], [0.5, 0.0, 1.0]]),
                     "images: x (2, 1, 2, 2) flattened to D = 4, W (4, 3)"),
    ],
    generate=_random_affine_case,
    edge_cases=[
        _affine_case(np.ones((12, 2)), np.zeros(2), np.arange(24.0).reshape(2, 3, 2, 2),
                     np.array([[1.0, 2.0], [3.0, 4.0]]), "4-D input"),
        _affine_case(np.array([[2.0]]), np.array([0.5]), np.array([[3.0]]), np.array([[-1.0]]),
                     "N = D = M = 1"),
        _affine_case(np.random.default_rng(4).normal(size=(6, 1)), np.zeros(1),
                     np.random.default_rng(5).normal(size=(1, 2, 3, 1)), np.array([[2.0]]),
                     "one image, one output"),
        # float32 x, W, b and dout (values drawn from the salt): every output stays float32
        # (mypy cannot count the four arrays of the generator: the ignore below)
        lambda rng: _affine_case(*(rng.normal(size=s).astype(np.float32)  # type: ignore[call-arg]
                                   for s in ((3, 2), (2,), (4, 3), (4, 2))),
                                 "float32 x, W, b and dout"),
    ],
    tol=FLOAT_TOL, batch_size=lambda c: len(steps_of(c)[0].args[0]),
    mistakes=known(_AffineDwTransposed, _AffineDwDoutXt, _AffineDxNoTranspose,
                   _AffineDbNotSummed, _AffineDbMean, _AffineDxFlat),
)


# ------------------------------------------------------------------------ sprint4.softmax_with_loss
@hint("backward(dout) must use dout: return dout * (y - t) / N (dout is 1 for the last layer, but "
      "the loss may be scaled).")
class _SoftmaxLossIgnoresDout(SoftmaxWithLoss):
    """Right with the default dout = 1, wrong for any other dout."""

    def backward(self, dout=1):
        return (self.y - self.t) / self.y.shape[0]


@hint("The loss is a mean over the batch, so its gradient is (y - t) / N: divide by the batch size "
      "N.")
class _SoftmaxLossNotAveraged(SoftmaxWithLoss):
    """The right loss, but backward forgets to divide by the batch size."""

    def backward(self, dout=1):
        return dout * (self.y - self.t)


@hint("Average over the batch: the loss is the *mean* cross-entropy (divide the sum by N), and the "
      "gradient (y - t) / N.")
class _SoftmaxLossSummed(SoftmaxWithLoss):
    """Sums the loss over the batch (and so the gradient) instead of averaging."""

    def forward(self, x, t):
        return super().forward(x, t) * self.y.shape[0]

    def backward(self, dout=1):
        return dout * (self.y - self.t)


@hint("(y - t) / N is already the gradient through softmax *and* the loss: do not multiply by the "
      "softmax's derivative again.")
class _SoftmaxLossJacobianAgain(SoftmaxWithLoss):
    """Multiplies (y - t) / N by the softmax's Jacobian a second time."""

    def backward(self, dout=1):
        g = super().backward(dout)
        return self.y * (g - np.sum(g * self.y, axis=1, keepdims=True))


@hint("exp of large scores overflows (inf / inf = nan): subtract each row's maximum before np.exp.")
class _SoftmaxLossNoMax(SoftmaxWithLoss):
    """exp(x) without subtracting the row's maximum: inf / inf = nan for large scores."""

    def forward(self, x, t):
        super().forward(x, t)                      # keeps the one-hot labels self.t
        e = np.exp(np.asarray(x, dtype=float))
        self.y = e / np.sum(e, axis=1, keepdims=True)
        return float(-np.sum(self.t * np.log(self.y)) / self.y.shape[0])


@hint("log(y + 1e-7) is wrong where y is tiny (it caps -log y near 16.1): compute log y as (x - "
      "max) - log(sum(exp(x - max))) (log-softmax), which is exact and never takes log(0).")
class _SoftmaxLossLogDelta(SoftmaxWithLoss):
    """log(y + 1e-7): -log y is capped near 16.1 where the right class's y is tiny."""

    def forward(self, x, t):
        super().forward(x, t)
        return float(-np.sum(self.t * np.log(self.y + 1e-7)) / self.y.shape[0])


SOFTMAX_WITH_LOSS = Exercise(
    id="sprint4.softmax_with_loss", points=3, module="layers", name="SoftmaxWithLoss",
    title="the Softmax-with-Loss layer",
    examples=[
        class_case(steps=[("forward", (SCORES, np.array([2, 0]))), ("backward", ())],
                   label="the docstring's example, labels as indices [2, 0]"),
        class_case(steps=[("forward", (SCORES, np.array([[0, 0, 1], [1, 0, 0]]))),
                          ("backward", ())],
                   label="the same, one-hot labels"),
        class_case(steps=[("forward", (np.array([[1010.0, 1000.0, 990.0], [3.0, 1.0, 0.0]]),
                                       np.array([0, 2]))), ("backward", ())],
                   label="large scores [1010, 1000, 990] (exp overflows)"),
        class_case(steps=[("forward", (np.array([[10.0, -30.0, 5.0], [0.0, 1.0, 2.0]]),
                                       np.array([1, 2]))), ("backward", ())],
                   label="a right class with probability ≈ 4e-18 (a log of almost 0)"),
        class_case(steps=[("forward", (SCORES, np.array([2, 0]))), ("backward", (2.0,))],
                   label="backward(dout=2.0): the gradient scales with dout"),
    ],
    generate=_random_softmax_loss_case,
    edge_cases=[
        class_case(steps=[("forward", (np.array([[1000.0, 0.0, -1000.0]]), np.array([1]))),
                          ("backward", ())]),
        class_case(steps=[("forward", (np.array([[-1e4, -1e4 + 1.0], [1e4, 1e4 - 1.0]]),
                                       np.array([[0.0, 1.0], [0.0, 1.0]]))), ("backward", ())]),
        class_case(steps=[("forward", (np.zeros((5, 2)), np.array([0, 1, 1, 0, 1]))),
                          ("backward", ())]),
        class_case(steps=[("forward", (np.array([[2.0, -1.0]]), np.array([0]))),
                          ("backward", ())]),
        class_case(steps=[("forward", (np.array([[1.0, -2.0, 0.5], [3.0, 0.0, 0.0]]),
                                       np.array([0, 2]))), ("backward", (0.25,))],
                   label="backward(dout=0.25)"),
        class_case(steps=[("forward", (np.array([[0.5, -0.5, 0.25], [0.0, 0.25, -0.25]],
                                                dtype=np.float32), np.array([1, 0]))),
                          ("backward", (np.float32(1.0),))],
                   label="float32 scores: the gradient stays float32"),
    ],
    tol=FLOAT_TOL, batch_size=lambda c: len(steps_of(c)[0].args[0]),
    mistakes=known(_SoftmaxLossIgnoresDout, _SoftmaxLossNotAveraged, _SoftmaxLossSummed,
                   _SoftmaxLossJacobianAgain, _SoftmaxLossNoMax,
                   _SoftmaxLossLogDelta),
)


# --------------------------------------------------------------------------- sprint4.gradient_check
@hint("Return the index as a tuple with one int per axis: np.argmax gives a position in the "
      "flattened array; convert it with np.unravel_index(i, shape).")
def _check_flat_index(analytic, numeric, eps=1e-8):
    a, n = np.asarray(analytic, dtype=float), np.asarray(numeric, dtype=float)
    rel = np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), eps)
    return float(np.max(rel)), int(np.argmax(rel))


@hint("Divide by max(|a| + |n|, eps): the check compares *relative* errors, so that large and "
      "small gradients are judged alike.")
def _check_absolute(analytic, numeric, eps=1e-8):
    a, n = np.asarray(analytic, dtype=float), np.asarray(numeric, dtype=float)
    err = np.abs(a - n)
    return float(np.max(err)), tuple(int(i) for i in np.unravel_index(np.argmax(err), err.shape))


@hint("Where both gradients are 0 you divide 0 by 0 (nan): use np.maximum(|a| + |n|, eps) as the "
      "denominator.")
def _check_no_eps(analytic, numeric, eps=1e-8):
    a, n = np.asarray(analytic, dtype=float), np.asarray(numeric, dtype=float)
    rel = np.abs(a - n) / (np.abs(a) + np.abs(n))
    return float(np.max(rel)), tuple(int(i) for i in np.unravel_index(np.argmax(rel), rel.shape))


@hint("Take the absolute value of the difference, |a - n|: a negative error is as wrong as a "
      "positive one.")
def _check_signed(analytic, numeric, eps=1e-8):
    a, n = np.asarray(analytic, dtype=float), np.asarray(numeric, dtype=float)
    rel = (a - n) / np.maximum(np.abs(a) + np.abs(n), eps)
    return float(np.max(rel)), tuple(int(i) for i in np.unravel_index(np.argmax(rel), rel.shape))


GRADIENT_CHECK = Exercise(
    id="sprint4.gradient_check", points=2, module="gradient_check", name="gradient_check",
    title="the gradient check",
    examples=[
        case(np.array([[1.0, -2.0], [0.5, 0.0]]), np.array([[1.0, -2.0], [0.4, 0.0]]),
             label="the docstring's example"),
        case(np.array([3.0, -1e-3, 2.0, 7.0]), np.array([3.0000001, 1e-3, 2.0, 7.0]),
             label="opposite signs at index 1: relative error 1"),
        case(np.array([[[0.0, 1.0], [2.0, 0.0]], [[3.0, 0.0], [4.0, 5.0]]]),
             np.array([[[0.0, 1.0], [2.0, 0.0]], [[3.0, 0.0], [4.0, 5.001]]]),
             label="3-D, with entries 0 in both"),
    ],
    generate=_random_gradient_pair,
    edge_cases=[case(np.zeros((3, 2)), np.zeros((3, 2))),
                case(np.ones(4), np.ones(4)),
                case(np.array([0.0, 1e-12]), np.array([1e-12, 0.0])),
                case(np.array([[1.0, 2.0]]), np.array([[-1.0, 2.0]]))],
    tol=Tolerance(rtol=1e-6, atol=1e-12),
    mistakes=known(_check_flat_index, _check_absolute, _check_no_eps, _check_signed),
)


# --------------------------------------------------------------------------- exercises
EXERCISES = numbered([
    MUL_LAYER, ADD_LAYER, RELU, SIGMOID_LAYER, AFFINE, SOFTMAX_WITH_LOSS, GRADIENT_CHECK,
])
