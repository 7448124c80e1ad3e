"""Sprint 4 (layers for backpropagation): implementations a learner could write."""
import numpy as np

from autograder.exercises.sprint4 import (
    _AddSingle,
    _AffineDwTransposed,
    _MulSwapped,
    _SoftmaxLossNotAveraged,
)
from solutions.layers import AddLayer, Affine, MulLayer, Relu, Sigmoid, SoftmaxWithLoss

from . import FLOAT32, MUTATION, KeepsInput, correct, mistake


# --------------------------------------------------------------------------- MulLayer
@correct("sprint4.mul_layer")
class MulLocalGradients:
    # keeps the local gradients (∂out/∂x = y, ∂out/∂y = x) rather than the inputs
    def forward(self, x, y):
        self.local_grads = (y, x)
        return x * y

    def backward(self, dout):
        return tuple(dout * g for g in self.local_grads)


@correct("sprint4.mul_layer")
class MulCopies:
    def forward(self, x, y):
        self.inputs = (np.copy(x), np.copy(y))
        return np.multiply(x, y)

    def backward(self, dout):
        x, y = self.inputs
        return np.multiply(dout, y), np.multiply(dout, x)


mistake("sprint4.mul_layer", hint="swaps its inputs")(_MulSwapped)


@mistake("sprint4.mul_layer")
class MulForgetsDout(MulLayer):
    def backward(self, dout):
        return self.y, self.x


# --------------------------------------------------------------------------- AddLayer
@correct("sprint4.add_layer")
class AddBook:
    def __init__(self):
        pass

    def forward(self, x, y):
        out = x + y
        return out

    def backward(self, dout):
        dx = dout * 1
        dy = dout * 1
        return dx, dy


@correct("sprint4.add_layer")
class AddPassesDoutOn:
    def forward(self, x, y):
        return np.add(x, y)

    def backward(self, dout):
        return dout, dout


# the registry's known mistake (one gradient instead of a pair), graded here on the hidden
# cases too
mistake("sprint4.add_layer", hint="backward returns a pair")(_AddSingle)


@mistake("sprint4.add_layer")
class AddHalves(AddLayer):
    def backward(self, dout):
        return dout / 2, dout / 2


# --------------------------------------------------------------------------- Relu
@correct("sprint4.relu")
class ReluBookWithCopies:
    def __init__(self):
        self.mask = None

    def forward(self, x):
        self.mask = (x <= 0)
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dx = dout.copy()
        dx[self.mask] = 0
        return dx


@correct("sprint4.relu")
class ReluWhere:
    def forward(self, x):
        self.positive = x > 0
        return np.where(self.positive, x, np.zeros_like(x))

    def backward(self, dout):
        return np.where(self.positive, dout, np.zeros_like(dout))


@mistake("sprint4.relu", xfail=MUTATION)
class ReluBookInPlaceBackward(Relu):
    # The book's backward: dout[self.mask] = 0 changes the caller's array.
    def backward(self, dout):
        dout[self.mask] = 0
        dx = dout
        return dx


@mistake("sprint4.relu", xfail=MUTATION)
class ReluForwardInPlace(Relu):
    def forward(self, x):
        self.mask = (x <= 0)
        x[self.mask] = 0
        return x


@mistake("sprint4.relu", hint="lets the gradient through where the input was negative")
class ReluMaskAfterInPlace(Relu):
    def forward(self, x):
        x = x.copy()
        x[x < 0] = 0
        self.mask = x < 0
        return x


@mistake("sprint4.relu", hint="block the entries with x <= 0")
class ReluStrictMask(Relu):
    def forward(self, x):
        self.mask = x < 0
        return np.maximum(x, 0)


@mistake("sprint4.relu", xfail=FLOAT32)
class ReluAlwaysFloat64(Relu):
    def forward(self, x):
        x = np.asarray(x, dtype=np.float64)
        self.mask = x <= 0
        return np.maximum(x, 0)

    def backward(self, dout):
        return np.asarray(dout, dtype=np.float64) * ~self.mask


# --------------------------------------------------------------------------- Sigmoid
@correct("sprint4.sigmoid_layer")
class SigmoidBook:
    def __init__(self):
        self.out = None

    def forward(self, x):
        out = 1 / (1 + np.exp(-np.clip(x, -500, 500)))
        self.out = out
        return out

    def backward(self, dout):
        dx = dout * (1.0 - self.out) * self.out
        return dx


@correct("sprint4.sigmoid_layer")
class SigmoidTanh:
    def forward(self, x):
        self.y = 0.5 + 0.5 * np.tanh(0.5 * x)
        return self.y

    def backward(self, dout):
        return dout * self.y * (1 - self.y)


@mistake("sprint4.sigmoid_layer", hint="Use the layer's output y, not its input x")
class SigmoidFromInput(KeepsInput, Sigmoid):
    def backward(self, dout):
        return dout * self.x * (1 - self.x)


@mistake("sprint4.sigmoid_layer", hint="Multiply by the upstream gradient")
class SigmoidNoDout(Sigmoid):
    def backward(self, dout):
        return self.out * (1 - self.out)


@mistake("sprint4.sigmoid_layer", xfail=FLOAT32)
class SigmoidAlwaysFloat64(Sigmoid):
    def forward(self, x):
        self.out = 1 / (1 + np.exp(-np.asarray(x, dtype=np.float64)))
        return self.out

    def backward(self, dout):
        return np.asarray(dout, dtype=np.float64) * self.out * (1 - self.out)


# --------------------------------------------------------------------------- Affine
@correct("sprint4.affine")
class AffineBook(Affine):
    # the book's forward and backward (its __init__ is the reference's)
    def forward(self, x):
        self.original_x_shape = x.shape
        x = x.reshape(x.shape[0], -1)
        self.x = x
        out = np.dot(self.x, self.W) + self.b
        return out

    def backward(self, dout):
        dx = np.dot(dout, self.W.T)
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        dx = dx.reshape(*self.original_x_shape)
        return dx


@correct("sprint4.affine")
class AffineEinsum(Affine):
    # the stub's __init__ kept, both methods written with einsum
    def forward(self, x):
        self.shape = x.shape
        self.x2 = x.reshape(len(x), -1)
        return np.einsum("nd,dm->nm", self.x2, self.W) + self.b

    def backward(self, dout):
        self.dW = np.einsum("nd,nm->dm", self.x2, dout)
        self.db = dout.sum(axis=0)
        return np.einsum("nm,dm->nd", dout, self.W).reshape(self.shape)


mistake("sprint4.affine", hint="dW = x.T @ dout")(_AffineDwTransposed)


@mistake("sprint4.affine", hint="db sums over the batch, it does not average")
class AffineDbMean(Affine):
    def backward(self, dout):
        dx = super().backward(dout)
        self.db = np.mean(dout, axis=0)
        return dx


@mistake("sprint4.affine", hint="Return dx in the shape of the input")
class AffineDxFlat(Affine):
    def backward(self, dout):
        dx = super().backward(dout)
        return dx.reshape(dx.shape[0], -1)


@mistake("sprint4.affine")
class AffineGradientsOverN(Affine):
    # The 1/N of the mean loss is already inside dout: dividing again divides twice.
    def backward(self, dout):
        n = dout.shape[0]
        dx = super().backward(dout)
        self.dW = self.dW / n
        self.db = self.db / n
        return dx / n


@mistake("sprint4.affine", xfail=FLOAT32)
class AffineAlwaysFloat64(Affine):
    def forward(self, x):
        return super().forward(np.asarray(x, dtype=np.float64)).astype(np.float64)

    def backward(self, dout):
        dx = super().backward(np.asarray(dout, dtype=np.float64))
        self.dW, self.db = self.dW.astype(np.float64), self.db.astype(np.float64)
        return dx.astype(np.float64)


# --------------------------------------------------------------------------- SoftmaxWithLoss
@correct("sprint4.softmax_with_loss")
class SoftmaxLossLogSoftmax:
    def forward(self, x, t):
        if t.shape != x.shape:
            t = np.eye(x.shape[1], dtype=x.dtype)[t]
        z = x - x.max(axis=1, keepdims=True)
        log_y = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        self.y, self.t = np.exp(log_y), t.astype(x.dtype)
        return float(-(self.t * log_y).sum() / len(x))

    def backward(self, dout=1):
        return dout * (self.y - self.t) / len(self.y)


@correct("sprint4.softmax_with_loss")
class SoftmaxLossIndicesBookBackward:
    # The book's backward for index labels: dx = y.copy(); dx[range(N), t] -= 1; dx /= N.
    def forward(self, x, t):
        self.labels = t.argmax(axis=1) if t.shape == x.shape else t
        m = np.max(x, axis=1, keepdims=True)
        lse = m[:, 0] + np.log(np.sum(np.exp(x - m), axis=1))
        self.y = np.exp(x - (m + np.log(np.sum(np.exp(x - m), axis=1, keepdims=True))))
        n = x.shape[0]
        return float(np.mean(lse - x[np.arange(n), self.labels]))

    def backward(self, dout=1):
        n = self.y.shape[0]
        dx = self.y.copy()
        dx[np.arange(n), self.labels] -= 1
        dx = dx * dout / n
        return dx


@mistake("sprint4.softmax_with_loss", hint="backward(dout) must use dout")
class SoftmaxLossIgnoresDout(SoftmaxWithLoss):
    def backward(self, dout=1):
        batch_size = self.t.shape[0]
        return (self.y - self.t) / batch_size


@mistake("sprint4.softmax_with_loss", hint="log(y + 1e-7) is wrong where y is tiny")
class SoftmaxLossBook(SoftmaxWithLoss):
    # The book's layer: softmax, then cross_entropy_error with log(y + 1e-7).
    def forward(self, x, t):
        if t.shape != x.shape:
            t = np.eye(x.shape[1])[t]
        self.t = t
        e = np.exp(x - x.max(axis=1, keepdims=True))
        self.y = e / e.sum(axis=1, keepdims=True)
        self.loss = -np.sum(t * np.log(self.y + 1e-7)) / x.shape[0]
        return self.loss


mistake("sprint4.softmax_with_loss", hint="divide by the batch size N")(_SoftmaxLossNotAveraged)


@mistake("sprint4.softmax_with_loss", xfail=FLOAT32)
class SoftmaxLossAlwaysFloat64(SoftmaxWithLoss):
    def forward(self, x, t):
        return super().forward(np.asarray(x, dtype=np.float64), t)


# --------------------------------------------------------------------------- gradient_check
@correct("sprint4.gradient_check")
def gradient_check_unravel(analytic, numeric, eps=1e-8):
    rel = np.abs(analytic - numeric) / np.maximum(np.abs(analytic) + np.abs(numeric), eps)
    return rel.max(), np.unravel_index(rel.argmax(), rel.shape)


@correct("sprint4.gradient_check")
def gradient_check_loop(analytic, numeric, eps=1e-8):
    best, where = -1.0, None
    for idx in np.ndindex(analytic.shape):
        a, n = float(analytic[idx]), float(numeric[idx])
        rel = abs(a - n) / max(abs(a) + abs(n), eps)
        if rel > best:
            best, where = rel, idx
    return best, tuple(int(i) for i in where)


@mistake("sprint4.gradient_check", hint="np.unravel_index")
def gradient_check_flat_index(analytic, numeric, eps=1e-8):
    rel = np.abs(analytic - numeric) / np.maximum(np.abs(analytic) + np.abs(numeric), eps)
    return float(rel.max()), int(rel.argmax())


@mistake("sprint4.gradient_check", hint="*relative* errors")
def gradient_check_absolute(analytic, numeric, eps=1e-8):
    err = np.abs(analytic - numeric)
    return float(err.max()), tuple(int(i) for i in np.unravel_index(err.argmax(), err.shape))


@mistake("sprint4.gradient_check")
def gradient_check_cs231n(analytic, numeric, eps=1e-8):
    # CS231n's rel_error divides by max(|a|, |n|), not |a| + |n|.
    rel = np.abs(analytic - numeric) / np.maximum(eps, np.maximum(np.abs(analytic),
                                                                   np.abs(numeric)))
    return float(rel.max()), tuple(int(i) for i in np.unravel_index(rel.argmax(), rel.shape))
