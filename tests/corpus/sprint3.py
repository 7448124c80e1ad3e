"""Sprint 3 (losses, numerical gradients, TwoLayerNet): implementations a learner could write."""
import numpy as np

from autograder.exercises.sprint3 import _descent_history_aliases
from solutions.activations import sigmoid, softmax
from solutions.gradients import numerical_gradient
from solutions.losses import cross_entropy_error
from solutions.numerical_net import TwoLayerNet

from . import correct, mistake


# --------------------------------------------------------------------------- sum_squared_error
@correct("sprint3.sum_squared_error")
def sse_branches(y, t):
    t = np.asarray(t)
    if t.shape != y.shape:
        t = np.eye(y.shape[-1])[t]
    if y.ndim == 1:
        return 0.5 * np.sum((y - t) ** 2)
    return 0.5 * np.sum((y - t) ** 2) / y.shape[0]


@correct("sprint3.sum_squared_error")
def sse_loops(y, t):
    y2 = np.atleast_2d(y)
    t = np.asarray(t)
    if t.shape != np.shape(y):
        t = np.eye(y2.shape[1])[np.atleast_1d(t)]
    t2 = np.atleast_2d(t)
    total = 0.0
    for n in range(y2.shape[0]):
        for k in range(y2.shape[1]):
            total += 0.5 * (y2[n, k] - t2[n, k]) ** 2
    return total / y2.shape[0]


@mistake("sprint3.sum_squared_error", hint="Keep the ½")
def sse_no_half(y, t):
    t = np.asarray(t)
    if t.shape != y.shape:
        t = np.eye(y.shape[-1])[t]
    return float(np.mean(np.sum((y - t) ** 2, axis=-1)))


@mistake("sprint3.sum_squared_error", hint="average the per-sample errors")
def sse_book_no_batch(y, t):
    # The book's formula, for one sample only: a batch is summed.
    t = np.asarray(t)
    if t.shape != y.shape:
        t = np.eye(y.shape[-1])[t]
    return 0.5 * np.sum((y - t) ** 2)


# --------------------------------------------------------------------------- cross_entropy_error
@correct("sprint3.cross_entropy_error")
def ce_book_batch(y, t):
    t = np.asarray(t)
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    if t.size == y.size:
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size


@correct("sprint3.cross_entropy_error")
def ce_one_hot_everything(y, t):
    y = np.atleast_2d(y)
    t = np.asarray(t)
    if t.size != y.size:
        t = np.eye(y.shape[1])[t.reshape(-1)]
    t = t.reshape(y.shape)
    delta = 1e-7
    return float(-(t * np.log(y + delta)).sum(axis=1).mean())


def _label_probabilities(y, t):
    """The probability each row of ``y`` gives its label (``t``: indices or one-hot)."""
    y = np.atleast_2d(y)
    t = np.asarray(t)
    if t.size == y.size:
        t = t.reshape(y.shape).argmax(axis=1)
    return y[np.arange(len(y)), t.reshape(-1)]


@mistake("sprint3.cross_entropy_error", hint="add a small delta inside the logarithm")
def ce_no_delta(y, t):
    return float(-np.mean(np.log(_label_probabilities(y, t))))


@mistake("sprint3.cross_entropy_error", hint="divide the sum by N")
def ce_summed_over_batch(y, t):
    return float(-np.sum(np.log(_label_probabilities(y, t) + 1e-7)))


# --------------------------------------------------------------------------- sample_batch
@correct("sprint3.sample_batch")
def sample_batch_take(X, t, batch_size, seed):
    idx = np.random.default_rng(seed).choice(X.shape[0], size=batch_size, replace=False)
    return np.take(X, idx, axis=0), np.take(t, idx, axis=0)


@correct("sprint3.sample_batch")
def sample_batch_lists(X, t, batch_size, seed):
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(X), batch_size, replace=False)
    return np.array([X[i] for i in idx]), np.array([t[i] for i in idx])


@mistake("sprint3.sample_batch", hint="replace=False")
def sample_batch_with_replacement(X, t, batch_size, seed):
    idx = np.random.default_rng(seed).choice(len(X), batch_size)
    return X[idx], t[idx]


@mistake("sprint3.sample_batch", hint="the book's np.random.choice")
def sample_batch_book(X, t, batch_size, seed):
    # The book's np.random.choice, with the legacy global seed.
    np.random.seed(seed)
    idx = np.random.choice(X.shape[0], batch_size)
    return X[idx], t[idx]


# --------------------------------------------------------------------------- numerical_diff
@correct("sprint3.numerical_diff")
def numerical_diff_book(f, x, h=1e-4):
    return (f(x + h) - f(x - h)) / (2 * h)


@correct("sprint3.numerical_diff")
def numerical_diff_halves(f, x, h=1e-4):
    return 0.5 * (f(x + h) - f(x - h)) / h


@mistake("sprint3.numerical_diff", hint="forward difference")
def numerical_diff_forward(f, x, h=1e-4):
    return (f(x + h) - f(x)) / h


@mistake("sprint3.numerical_diff", hint="Use the step h you are given")
def numerical_diff_fixed_h(f, x, h=1e-4):
    h = 1e-4
    return (f(x + h) - f(x - h)) / (2 * h)


@mistake("sprint3.numerical_diff")
def numerical_diff_tiny_h(f, x, h=1e-4):
    # The book's "bad example": a rounding error at h = 1e-50.
    h = 1e-50
    return (f(x + h) - f(x)) / h


# --------------------------------------------------------------------------- numerical_gradient
def _book_gradient_loop(f, x, restore=True):
    """The book's ``numerical_gradient`` as printed (``np.nditer`` over the elements of ``x``,
    moving ``x`` itself); ``restore``: put each element back after measuring it."""
    h = 1e-4
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        idx = it.multi_index
        tmp_val = x[idx]
        x[idx] = float(tmp_val) + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        if restore:
            x[idx] = tmp_val
        it.iternext()
    return grad


@correct("sprint3.numerical_gradient")
def numerical_gradient_nditer(f, x):
    # the book's loop on a float copy: the caller's array is never moved
    return _book_gradient_loop(f, x.astype(float))


@correct("sprint3.numerical_gradient")
def numerical_gradient_flat(f, x):
    h = 1e-4
    x = np.array(x, dtype=float)
    flat = x.reshape(-1)            # a view: moving flat[i] moves x
    grad = np.zeros(flat.size)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        plus = f(x)
        flat[i] = old - h
        minus = f(x)
        flat[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad.reshape(x.shape)


@mistake("sprint3.numerical_gradient", hint="Restore each element")
def numerical_gradient_not_restored(f, x):
    return _book_gradient_loop(f, np.array(x, dtype=float), restore=False)


@mistake("sprint3.numerical_gradient")
def numerical_gradient_book_in_place(f, x):
    # The book's code as printed: it moves the caller's array, and on integers 3 + 1e-4 is 3.
    return _book_gradient_loop(f, x)


# --------------------------------------------------------------------------- gradient_descent
@correct("sprint3.gradient_descent")
def gradient_descent_book(f, init_x, lr=0.01, step_num=100):
    x = init_x.astype(float)
    x_history = []
    for _ in range(step_num):
        x_history.append(x.copy())
        grad = numerical_gradient(f, x)
        x -= lr * grad
    x_history.append(x.copy())
    return x, np.array(x_history)


@correct("sprint3.gradient_descent")
def gradient_descent_preallocated(f, init_x, lr=0.01, step_num=100):
    history = np.zeros((step_num + 1, init_x.size))
    history[0] = init_x
    for i in range(step_num):
        history[i + 1] = history[i] - lr * numerical_gradient(f, history[i])
    return history[-1].copy(), history


@mistake("sprint3.gradient_descent")
def gradient_descent_copy_then_subtract(f, init_x, lr=0.01, step_num=100):
    # init_x may hold integers (the docstring says so): x -= ... cannot cast floats into it.
    x = init_x.copy()
    history = [x.copy()]
    for _ in range(step_num):
        x -= lr * numerical_gradient(f, x)
        history.append(x.copy())
    return x, np.array(history)


@mistake("sprint3.gradient_descent", hint="every update, and init_x before the first")
def gradient_descent_book_history(f, init_x, lr=0.01, step_num=100):
    # The book's history: the points before each update, without the last one.
    x = np.array(init_x, dtype=float)
    x_history = []
    for _ in range(step_num):
        x_history.append(x.copy())
        x -= lr * numerical_gradient(f, x)
    return x, np.array(x_history)


# the registry's known mistake (the history holds one array, appended again and again),
# graded here on the hidden cases too
mistake("sprint3.gradient_descent", hint="append a copy")(_descent_history_aliases)


# --------------------------------------------------------------------------- TwoLayerNet
@correct("sprint3.two_layer_net")
class NetBook(TwoLayerNet):
    def predict(self, x):
        W1, W2 = self.params["W1"], self.params["W2"]
        b1, b2 = self.params["b1"], self.params["b2"]
        a1 = np.dot(x, W1) + b1
        z1 = sigmoid(a1)
        a2 = np.dot(z1, W2) + b2
        return softmax(a2)

    def loss(self, x, t):
        y = self.predict(x)
        return cross_entropy_error(y, t)

    def accuracy(self, x, t):
        y = self.predict(x)
        y = np.argmax(y, axis=1)
        if t.ndim != 1:
            t = np.argmax(t, axis=1)
        return np.sum(y == t) / float(x.shape[0])


@correct("sprint3.two_layer_net")
class NetOwnFormulas(TwoLayerNet):
    def predict(self, x):
        p = self.params
        h = 0.5 * (1 + np.tanh((x @ p["W1"] + p["b1"]) / 2))
        a = h @ p["W2"] + p["b2"]
        e = np.exp(a - a.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    def loss(self, x, t):
        y = self.predict(x)
        t = np.asarray(t)
        if t.ndim == 2:
            return float(-np.sum(t * np.log(y + 1e-7)) / len(y))
        return float(-np.mean(np.log(y[np.arange(len(y)), t] + 1e-7)))

    def accuracy(self, x, t):
        t = np.asarray(t)
        labels = t.argmax(axis=1) if t.ndim == 2 else t
        return float((self.predict(x).argmax(axis=1) == labels).mean())


@mistake("sprint3.two_layer_net", hint="uses the sigmoid in its hidden")
class NetReluHidden(TwoLayerNet):
    def predict(self, x):
        p = self.params
        return softmax(np.maximum(0, x @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"])


@mistake("sprint3.two_layer_net")
class NetAccuracyCount(TwoLayerNet):
    def accuracy(self, x, t):
        t = np.asarray(t)
        labels = t.argmax(axis=1) if t.ndim == 2 else t
        return float(np.sum(self.predict(x).argmax(axis=1) == labels))


@mistake("sprint3.two_layer_net")
class NetAccuracyOneHotAsIs(TwoLayerNet):
    def accuracy(self, x, t):
        return float(np.mean(np.argmax(self.predict(x), axis=1) == t))


@correct("sprint3.two_layer_net_gradient")
class NetGradientMergedDict(TwoLayerNet):
    def numerical_gradient(self, x, t):
        def loss_with(params):
            z1 = sigmoid(x @ params["W1"] + params["b1"])
            return cross_entropy_error(softmax(z1 @ params["W2"] + params["b2"]), t)

        return {key: numerical_gradient(lambda W, key=key: loss_with({**self.params, key: W}),
                                        value)
                for key, value in self.params.items()}


@correct("sprint3.two_layer_net_gradient")
class NetGradientOwnLoop(TwoLayerNet):
    def numerical_gradient(self, x, t):
        h = 1e-4
        grads = {}
        for key, W in self.params.items():
            g = np.zeros_like(W)
            for idx in np.ndindex(W.shape):
                old = W[idx]
                W[idx] = old + h
                up = self.loss(x, t)
                W[idx] = old - h
                down = self.loss(x, t)
                W[idx] = old
                g[idx] = (up - down) / (2 * h)
            grads[key] = g
        return grads


@mistake("sprint3.two_layer_net_gradient", hint="All your gradients are 0")
class NetGradientBookLambda(TwoLayerNet):
    def numerical_gradient(self, x, t):
        loss_W = lambda W: self.loss(x, t)  # noqa: E731 - the book's line
        return {key: numerical_gradient(loss_W, self.params[key]) for key in self.params}


@mistake("sprint3.two_layer_net_gradient")
class NetGradientForwardDifference(TwoLayerNet):
    def numerical_gradient(self, x, t):
        h = 1e-4
        grads = {}
        base = self.loss(x, t)
        for key, W in self.params.items():
            g = np.zeros_like(W)
            for idx in np.ndindex(W.shape):
                old = W[idx]
                W[idx] = old + h
                g[idx] = (self.loss(x, t) - base) / h
                W[idx] = old
            grads[key] = g
        return grads
