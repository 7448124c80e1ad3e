"""Sprint 6 (optimizers, initialisation, regularisation): implementations a learner could write."""
import numpy as np

from autograder.exercises.sprint6 import _AdamBookLrT, _MomentumSubtracts, _SGDNoLr, _SGDRebinds
from solutions.initializers import _activate
from solutions.optimizers import AdaGrad, Adam, Momentum, Optimizer, RMSProp
from solutions.regularization import DropConnect, Dropout, Maxout

from . import INT_LABELS, MUTATION, KeepsInput, correct, mistake


# --------------------------------------------------------------------------- SGD
@correct("sprint6.sgd")
class SGDBook(Optimizer):
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for key in params.keys():
            params[key] -= self.lr * grads[key]


@correct("sprint6.sgd")
class SGDSubtractOut(Optimizer):
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for key, grad in grads.items():
            np.subtract(params[key], self.lr * grad, out=params[key])


mistake("sprint6.sgd", hint="Multiply the gradient by the learning rate")(_SGDNoLr)


mistake("sprint6.sgd", hint="Update the arrays in place")(_SGDRebinds)


# --------------------------------------------------------------------------- Momentum
@correct("sprint6.momentum")
class MomentumVelocityAlongTheGradient(Momentum):
    # CS231n's and PyTorch's sign: v = momentum * v + lr * grad, W -= v (v is minus the book's)
    def update(self, params, grads):
        if self.v is None:
            self.v = {}
        for key, grad in grads.items():
            v = self.momentum * self.v.get(key, 0.0) + self.lr * grad
            self.v[key] = v
            params[key] -= v


@correct("sprint6.momentum")
class MomentumInPlaceVelocity(Optimizer):
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum, self.v = lr, momentum, {}

    def update(self, params, grads):
        for key in params:
            v = self.v.setdefault(key, np.zeros_like(params[key]))
            v *= self.momentum
            v -= self.lr * grads[key]
            params[key] += v


@mistake("sprint6.momentum", hint="the next ones are plain SGD")
class MomentumForgets(Momentum):
    def update(self, params, grads):
        self.v = {key: np.zeros_like(val) for key, val in params.items()}
        super().update(params, grads)


mistake("sprint6.momentum", hint="add it, W ← W + v")(_MomentumSubtracts)


# --------------------------------------------------------------------------- AdaGrad
@correct("sprint6.adagrad")
class AdaGradUfuncsOut(AdaGrad):
    # every step written into an existing array with out=, no temporary params
    def update(self, params, grads):
        if self.h is None:
            self.h = {key: np.zeros_like(p) for key, p in params.items()}
        for key, p in params.items():
            h = self.h[key]
            np.add(h, np.square(grads[key]), out=h)
            step = self.lr * grads[key] / np.add(np.sqrt(h), self.eps)
            np.subtract(p, step, out=p)


@correct("sprint6.adagrad")
class AdaGradSquarePower(Optimizer):
    def __init__(self, lr=0.01, eps=1e-7):
        self.lr, self.eps, self.h = lr, eps, {}

    def update(self, params, grads):
        for key, g in grads.items():
            self.h[key] = self.h.get(key, 0) + g ** 2
            params[key] -= (self.lr / (self.h[key] ** 0.5 + self.eps) * g).astype(
                params[key].dtype)


class _AdaGradByFormula(AdaGrad):
    """AdaGrad with its two formulas as methods, for the slips below to change one."""

    def _added_to_h(self, g):
        return g ** 2

    def _divisor(self, h):
        return np.sqrt(h) + self.eps

    def update(self, params, grads):
        if self.h is None:
            self.h = {key: np.zeros_like(val) for key, val in params.items()}
        for key in params:
            self.h[key] += self._added_to_h(grads[key])
            params[key] -= self.lr * grads[key] / self._divisor(self.h[key])


@mistake("sprint6.adagrad", hint="eps goes outside the square root")
class AdaGradEpsInside(_AdaGradByFormula):
    def _divisor(self, h):
        return np.sqrt(h + self.eps)


@mistake("sprint6.adagrad", hint="sums the *squares* of the gradients")
class AdaGradSumsGradients(_AdaGradByFormula):
    def _added_to_h(self, g):
        return g


# --------------------------------------------------------------------------- RMSProp
@correct("sprint6.rmsprop")
class RMSPropStepTowardsTheSquare(RMSProp):
    # the moving average as a step towards the new square: h += (1 - rho) * (g² - h)
    def update(self, params, grads):
        self.h = {} if self.h is None else self.h
        for key, g in grads.items():
            h = self.h.setdefault(key, np.zeros_like(params[key]))
            h += (1 - self.decay_rate) * (g * g - h)
            params[key] -= self.lr * g / (np.sqrt(h) + self.eps)


@correct("sprint6.rmsprop")
class RMSPropMovingAverage(Optimizer):
    def __init__(self, lr=0.01, decay_rate=0.99, eps=1e-7):
        self.lr, self.rho, self.eps = lr, decay_rate, eps
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = {k: np.zeros_like(p) for k, p in params.items()}
        for k in params:
            self.h[k] = self.rho * self.h[k] + (1 - self.rho) * np.square(grads[k])
            params[k] -= self.lr * grads[k] / (np.sqrt(self.h[k]) + self.eps)


class _RMSPropByFormula(RMSProp):
    """RMSProp with its moving average as a method, for the slips below to change."""

    def _new_h(self, h, g):
        return self.decay_rate * h + (1 - self.decay_rate) * g ** 2

    def update(self, params, grads):
        if self.h is None:
            self.h = {k: np.zeros_like(p) for k, p in params.items()}
        for k in params:
            self.h[k] = self._new_h(self.h[k], grads[k])
            params[k] -= self.lr * grads[k] / (np.sqrt(self.h[k]) + self.eps)


@mistake("sprint6.rmsprop", hint="h averages the *squared* gradients")
class RMSPropNotSquared(_RMSPropByFormula):
    def _new_h(self, h, g):
        return self.decay_rate * h + (1 - self.decay_rate) * g


@mistake("sprint6.rmsprop", hint="The old average keeps weight decay_rate")
class RMSPropSwapped(_RMSPropByFormula):
    def _new_h(self, h, g):
        return (1 - self.decay_rate) * h + self.decay_rate * g ** 2


# --------------------------------------------------------------------------- Adam
@correct("sprint6.adam")
class AdamPaper(Optimizer):
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.t = 0
        self.m = {}
        self.v = {}

    def update(self, params, grads):
        self.t += 1
        for key in params:
            g = grads[key]
            if key not in self.m:
                self.m[key] = np.zeros_like(params[key])
                self.v[key] = np.zeros_like(params[key])
            self.m[key] = self.beta1 * self.m[key] + (1 - self.beta1) * g
            self.v[key] = self.beta2 * self.v[key] + (1 - self.beta2) * g ** 2
            m_hat = self.m[key] / (1 - self.beta1 ** self.t)
            v_hat = self.v[key] / (1 - self.beta2 ** self.t)
            params[key] -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


@correct("sprint6.adam")
class AdamIncrementalMoments(Optimizer):
    # The book's incremental moments, with the bias correction on m and v themselves.
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.iter = 0
        self.m = None
        self.v = None

    def update(self, params, grads):
        if self.m is None:
            self.m, self.v = {}, {}
            for key, val in params.items():
                self.m[key] = np.zeros_like(val)
                self.v[key] = np.zeros_like(val)
        self.iter += 1
        c1 = 1.0 - self.beta1 ** self.iter
        c2 = 1.0 - self.beta2 ** self.iter
        for key in params.keys():
            self.m[key] += (1 - self.beta1) * (grads[key] - self.m[key])
            self.v[key] += (1 - self.beta2) * (grads[key] ** 2 - self.v[key])
            params[key] -= self.lr * (self.m[key] / c1) / (np.sqrt(self.v[key] / c2) + self.eps)


# the registry's known mistake, graded here on the hidden cases too
mistake("sprint6.adam", hint="This is the book's Adam")(_AdamBookLrT)


@mistake("sprint6.adam")
class AdamBookVerbatim(_AdamBookLrT):
    # The book as printed: lr_t, and eps hard-coded to 1e-7 (the eps argument ignored).
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(lr, beta1, beta2, 1e-7)


@mistake("sprint6.adam", hint="Increase t once per call of update")
class AdamStepPerKey(Adam):
    # the right step, taken one key at a time: t grows with every key instead of every call
    def update(self, params, grads):
        if self.m is None:
            self.m = {key: np.zeros_like(val) for key, val in params.items()}
            self.v = {key: np.zeros_like(val) for key, val in params.items()}
        for key in params:
            super().update({key: params[key]}, {key: grads[key]})


# --------------------------------------------------------------------------- steps_to_reach
@correct("sprint6.steps_to_reach")
def steps_to_reach_loop(path, radius):
    for i, (x, y) in enumerate(path):
        if np.sqrt(x ** 2 + y ** 2) <= radius:
            return i
    return None


@correct("sprint6.steps_to_reach")
def steps_to_reach_nonzero(path, radius):
    hits = np.flatnonzero(np.hypot(path[:, 0], path[:, 1]) <= radius)
    return int(hits[0]) if hits.size else None


@mistake("sprint6.steps_to_reach", hint="check `mask.any()` first")
def steps_to_reach_argmax(path, radius):
    return int(np.argmax(np.linalg.norm(path, axis=1) <= radius))


@mistake("sprint6.steps_to_reach", hint="includes the border")
def steps_to_reach_strict(path, radius):
    close = np.linalg.norm(path, axis=1) < radius
    return int(np.argmax(close)) if close.any() else None


@mistake("sprint6.steps_to_reach", xfail=INT_LABELS)
def steps_to_reach_float(path, radius):
    close = np.linalg.norm(path, axis=1) <= radius
    return float(np.argmax(close)) if close.any() else None


# --------------------------------------------------------------------------- weight_std
@correct("sprint6.weight_std")
def weight_std_dict(fan_in, method):
    if method in ("xavier", "he"):
        return {"xavier": 1.0, "he": 2.0}[method] ** 0.5 / fan_in ** 0.5
    return method


@correct("sprint6.weight_std")
def weight_std_branches(fan_in, method):
    if method == "xavier":
        return 1 / np.sqrt(fan_in)
    elif method == "he":
        return np.sqrt(2 / fan_in)
    return float(method)


@mistake("sprint6.weight_std", hint="are the *variances*")
def weight_std_variance(fan_in, method):
    if method == "xavier":
        return 1 / fan_in
    if method == "he":
        return 2 / fan_in
    return float(method)


@mistake("sprint6.weight_std", hint="you swapped them")
def weight_std_swapped(fan_in, method):
    if method == "xavier":
        return np.sqrt(2 / fan_in)
    if method == "he":
        return np.sqrt(1 / fan_in)
    return float(method)


# --------------------------------------------------------------------------- forward_activations
@correct("sprint6.forward_activations")
def forward_activations_book(x, weights, activation):
    def sigmoid(a):
        return 1 / (1 + np.exp(-a))

    h = {"sigmoid": sigmoid, "relu": lambda a: np.maximum(0, a), "tanh": np.tanh}[activation]
    activations = {}
    for i, w in enumerate(weights):
        if i != 0:
            x = activations[i - 1]
        a = np.dot(x, w)
        activations[i] = h(a)
    return [activations[i] for i in range(len(weights))]


@correct("sprint6.forward_activations")
def forward_activations_accumulate(x, weights, activation):
    out = [x]
    for W in weights:
        out.append(_activate(out[-1] @ W, activation))
    return out[1:]


@mistake("sprint6.forward_activations", hint="without the input x")
def forward_activations_with_input(x, weights, activation):
    out = [x]
    for W in weights:
        out.append(_activate(out[-1] @ W, activation))
    return out


@mistake("sprint6.forward_activations", hint="not h(z) @ W")
def forward_activations_activation_first(x, weights, activation):
    out, z = [], x
    for W in weights:
        z = _activate(z, activation) @ W
        out.append(z)
    return out


# --------------------------------------------------------------------------- Dropout
@correct("sprint6.dropout")
class DropoutInverted:
    def __init__(self, dropout_ratio=0.5, seed=0):
        self.dropout_ratio = dropout_ratio
        self.rng = np.random.default_rng(seed)
        self.mask = None

    def forward(self, x, train_flg=True):
        if train_flg:
            self.mask = self.rng.random(x.shape) >= self.dropout_ratio
            self.scale = 1.0 / (1.0 - self.dropout_ratio)
        else:
            self.mask, self.scale = np.ones(x.shape, dtype=bool), 1.0
        return x * self.mask * self.scale

    def backward(self, dout):
        return dout * self.mask * self.scale


@correct("sprint6.dropout")
class DropoutWhere(Dropout):
    def forward(self, x, train_flg=True):
        self.train_flg = train_flg
        if not train_flg:
            return np.array(x, dtype=float)
        keep = 1 - self.dropout_ratio
        self.mask = self.rng.random(x.shape) >= self.dropout_ratio
        return np.where(self.mask, x / keep, 0.0)

    def backward(self, dout):
        if not self.train_flg:
            return np.array(dout, dtype=float)
        return np.where(self.mask, dout / (1 - self.dropout_ratio), 0.0)


@mistake("sprint6.dropout", hint="This course uses inverted dropout")
class DropoutBook(Dropout):
    # The book's Dropout: no scaling in training, x * (1 - ratio) at inference.
    def forward(self, x, train_flg=True):
        if train_flg:
            self.mask = self.rng.random(x.shape) > self.dropout_ratio
            return x * self.mask
        return x * (1.0 - self.dropout_ratio)

    def backward(self, dout):
        return dout * self.mask


@mistake("sprint6.dropout")
class DropoutRatioAsKeepProb(Dropout):
    # TensorFlow 1's keep_prob habit: the ratio read as the share kept, and divided by
    def forward(self, x, train_flg=True):
        self.train_flg = train_flg
        if not train_flg:
            return x.copy()
        keep_prob = self.dropout_ratio
        self.mask = self.rng.random(x.shape) < keep_prob
        return x * self.mask / keep_prob


@mistake("sprint6.dropout", xfail=MUTATION)
class DropoutInPlace(Dropout):
    # x *= ...: the right values, written into the caller's array.
    def forward(self, x, train_flg=True):
        if not train_flg:
            return super().forward(x, train_flg)
        x *= super().forward(np.ones_like(x))          # the mask / (1 - ratio)
        return x


@mistake("sprint6.dropout")
class DropoutInferenceReturnsX(Dropout):
    def forward(self, x, train_flg=True):
        if not train_flg:
            self.train_flg = False
            return x
        return super().forward(x, train_flg)


# --------------------------------------------------------------------------- DropConnect
@correct("sprint6.dropconnect")
class DropConnectMaskedW:
    def __init__(self, W, b, drop_ratio=0.5, seed=0):
        self.W, self.b, self.drop_ratio = W, b, drop_ratio
        self.rng = np.random.default_rng(seed)
        self.dW = self.db = None

    def forward(self, x, train_flg=True):
        self.x = x
        if train_flg:
            self.mask = (self.rng.random(self.W.shape) >= self.drop_ratio) / (1 - self.drop_ratio)
        else:
            self.mask = np.ones_like(self.W)
        return x @ (self.W * self.mask) + self.b

    def backward(self, dout):
        self.dW = self.x.T @ dout * self.mask
        self.db = dout.sum(axis=0)
        return dout @ (self.W * self.mask).T


@correct("sprint6.dropconnect")
class DropConnectEinsum(DropConnect):
    def forward(self, x, train_flg=True):
        self.x = x
        if train_flg:
            self.mask = self.rng.random(self.W.shape) >= self.drop_ratio
            self.W_used = np.where(self.mask, self.W / (1 - self.drop_ratio), 0.0)
        else:
            self.mask, self.W_used = None, self.W
        return np.einsum("nd,dm->nm", x, self.W_used) + self.b

    def backward(self, dout):
        dW = np.einsum("nd,nm->dm", self.x, dout)
        self.dW = dW if self.mask is None else np.where(self.mask,
                                                        dW / (1 - self.drop_ratio), 0.0)
        self.db = np.einsum("nm->m", dout)
        return np.einsum("nm,dm->nd", dout, self.W_used)


@mistake("sprint6.dropconnect", hint="drops *weights*, not inputs")
class DropConnectDropsInputs(DropConnect):
    def forward(self, x, train_flg=True):
        self.x = x
        if train_flg:
            self.mask = self.rng.random(x.shape) >= self.drop_ratio
            self.x = x * self.mask / (1 - self.drop_ratio)
        self.mask_w = None
        self.W_used = self.W
        return self.x @ self.W + self.b

    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = dout.sum(axis=0)
        return dout @ self.W.T


@mistake("sprint6.dropconnect", hint="gets no gradient")
class DropConnectDwUnmasked(DropConnect):
    def backward(self, dout):
        dx = super().backward(dout)
        self.dW = self.x.T @ dout
        return dx


# --------------------------------------------------------------------------- Maxout
@correct("sprint6.maxout")
class MaxoutTakeAlong:
    def __init__(self, pieces=2):
        self.pieces = pieces

    def forward(self, x):
        n, c = x.shape[:2]
        g = x.reshape(n, c // self.pieces, self.pieces, *x.shape[2:])
        self.shape, self.idx = x.shape, g.argmax(axis=2)
        return np.take_along_axis(g, self.idx[:, :, None], axis=2)[:, :, 0]

    def backward(self, dout):
        n, c = self.shape[:2]
        dx = np.zeros((n, c // self.pieces, self.pieces, *self.shape[2:]))
        np.put_along_axis(dx, self.idx[:, :, None], dout[:, :, None], axis=2)
        return dx.reshape(self.shape)


@correct("sprint6.maxout")
class MaxoutLoops:
    def __init__(self, pieces=2):
        self.pieces = pieces

    def forward(self, x):
        self.x = x
        k = self.pieces
        out = np.zeros((x.shape[0], x.shape[1] // k) + x.shape[2:])
        for j in range(out.shape[1]):
            out[:, j] = x[:, j * k:(j + 1) * k].max(axis=1)
        return out

    def backward(self, dout):
        k = self.pieces
        dx = np.zeros(self.x.shape)
        for j in range(dout.shape[1]):
            group = self.x[:, j * k:(j + 1) * k]
            winner = group.argmax(axis=1)           # the first maximum on ties
            for p in range(k):
                dx[:, j * k + p] = np.where(winner == p, dout[:, j], 0.0)
        return dx


@mistake("sprint6.maxout", hint="*neighbouring* channels")
class MaxoutStrided(Maxout):
    # Groups channels j, j + C/k, j + 2C/k, ... (a reshape with the axes the other way round).
    def forward(self, x):
        n, c, *rest = x.shape
        grouped = x.reshape(n, self.pieces, c // self.pieces, *rest)
        self.x_shape = x.shape
        self.argmax = np.argmax(grouped, axis=1)
        return np.max(grouped, axis=1)

    def backward(self, dout):
        dx = np.zeros((dout.shape[0], self.pieces, *dout.shape[1:]))
        for p in range(self.pieces):
            dx[:, p] = np.where(self.argmax == p, dout, 0.0)
        return dx.reshape(self.x_shape)


@mistake("sprint6.maxout", hint="not all of them")
class MaxoutGradientToTies(KeepsInput, Maxout):
    def backward(self, dout):
        n, c, *rest = self.x.shape
        grouped = self.x.reshape(n, c // self.pieces, self.pieces, *rest)
        mask = grouped == grouped.max(axis=2, keepdims=True)
        return (mask * np.expand_dims(dout, 2)).reshape(self.x.shape)
