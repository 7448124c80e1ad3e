r"""Sprint 4: a multi-layer network built from your layers, trained by backpropagation.

Provided code (you do not need to edit this file), built on *your* ``layers.py``. Read it: it
is the whole backpropagation algorithm (誤差逆伝播法) once the layers exist::

    forward:   x → Affine1 → hidden → Affine2 → hidden → ... → AffineL → output layer → loss
    backward:  1 → output layer → AffineL → ... → hidden → Affine1   (the same layers, reversed)

after which each ``Affine`` holds ``dW`` and ``db``: the gradient of the loss with respect to
every parameter, from one forward and one backward pass. Sprint 5 builds its classifier on it.

Two kinds of output:

* ``output="softmax"``: classification (分類); the last layer is ``SoftmaxWithLoss``; labels
  are class indices ``(N,)`` or one-hot ``(N, M)``;
* ``output="sigmoid"``: a sigmoid output layer and the squared error (2乗和誤差), as in the XOR
  network of the seed text; targets ``(N, M)`` in [0, 1] (or ``(N,)`` when ``M = 1``);
* ``output="identity"``: regression (回帰) with the squared error.
"""
import numpy as np

from .gradient_check import numerical_gradient as _provided_numerical_gradient
from .layers import Affine, Relu, Sigmoid, SoftmaxWithLoss

#: The hidden activation layers, by name (``hidden=`` also accepts a layer class).
HIDDEN_LAYERS = {"sigmoid": Sigmoid, "relu": Relu}
OUTPUTS = ("softmax", "sigmoid", "identity")


def _as_float_array(x):
    """``x`` as an array that keeps a float dtype (float32 stays float32); other → float64."""
    x = np.asarray(x)
    return x if x.dtype.kind == "f" else x.astype(np.float64)


class SquaredErrorLoss:
    r"""The squared error (2乗和誤差) as a last layer, averaged over the batch.

    .. math:: L = \frac{1}{N} \sum_n \frac{1}{2} \sum_k (y_{nk} - t_{nk})^2, \qquad
              \frac{\partial L}{\partial y} = \frac{y - t}{N}

    Provided (not an exercise). ``y`` and ``t`` have the same shape ``(N, M)``.

    >>> loss = SquaredErrorLoss()
    >>> loss.forward(np.array([[0.5], [1.0]]), np.array([[1.0], [1.0]]))
    0.0625
    >>> loss.backward()
    array([[-0.25],
           [ 0.  ]])
    """

    def __init__(self):
        self.y = None
        self.t = None

    def forward(self, y, t):
        """Keep ``y`` and ``t``; return the mean squared error (a float)."""
        self.y = _as_float_array(y)                 # float32 stays float32
        self.t = np.asarray(t, dtype=self.y.dtype).reshape(self.y.shape)
        return float(0.5 * np.sum((self.y - self.t) ** 2) / self.y.shape[0])

    def backward(self, dout=1):
        """Return ``dout * (y - t) / N``."""
        return dout * (self.y - self.t) / self.y.shape[0]


def _softmax(scores):
    """Probabilities from scores, row by row (its own copy: sprint 2's is an exercise)."""
    shifted = scores - scores.max(axis=-1, keepdims=True)
    log_normaliser = np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return np.exp(shifted - log_normaliser)


class MultiLayerNet:
    """A fully connected network ``sizes[0] → sizes[1] → ... → sizes[-1]`` made of layers.

    Parameters
    ----------
    sizes : list of ints, the number of neurons of each layer, input first: ``[2, 3, 1]`` is
        2 inputs, one hidden layer of 3 neurons, 1 output
    hidden : ``"sigmoid"``, ``"relu"`` or a layer class (``forward(x)`` / ``backward(dout)``,
        no parameters), the activation after every Affine layer but the last
    output : ``"softmax"``, ``"sigmoid"`` or ``"identity"`` (see the module's docstring)
    weight_std : float, the standard deviation of the initial weights (the biases start at 0)
    seed : int or None, for the random initial weights
    dtype : the dtype of the parameters, float64 by default; with ``np.float32`` and float32
        data the whole network computes in float32 (half the memory traffic), its outputs and
        gradients float32 too. Integer inputs are converted to float64 first.

    Attributes
    ----------
    params : dict ``{"W1": (sizes[0], sizes[1]), "b1": (sizes[1],), "W2": ..., ...}``; the
        layers hold these very arrays, so update them *in place*
        (``net.params["W1"] -= lr * grads["W1"]``), never by rebinding the name
    layers : list of the layers in forward order; ``last_layer`` is the loss layer
    last_loss : float, the loss of the latest ``gradient`` call

    Example
    -------
    >>> net = MultiLayerNet([2, 3, 1], output="sigmoid", weight_std=1.0, seed=0)
    >>> x, t = np.array([[0.0, 1.0], [1.0, 1.0]]), np.array([[1.0], [0.0]])
    >>> grads = net.gradient(x, t)
    >>> {k: v.shape for k, v in grads.items()}
    {'W1': (2, 3), 'b1': (3,), 'W2': (3, 1), 'b2': (1,)}
    >>> numeric = net.numerical_gradient(x, t)
    >>> all(np.allclose(grads[k], numeric[k], rtol=1e-5, atol=1e-9) for k in grads)
    True
    """

    def __init__(self, sizes, hidden="sigmoid", output="softmax", weight_std=0.01, seed=None,
                 dtype=np.float64):
        if len(sizes) < 2:
            raise ValueError(f"sizes needs an input and an output size, got {sizes!r}")
        if output not in OUTPUTS:
            raise ValueError(f"output must be one of {OUTPUTS}, got {output!r}")
        if isinstance(hidden, str):
            if hidden not in HIDDEN_LAYERS:
                raise ValueError(f"hidden must be one of {sorted(HIDDEN_LAYERS)} or a layer "
                                 f"class, got {hidden!r}")
            hidden = HIDDEN_LAYERS[hidden]
        self.sizes = list(sizes)
        self.output = output
        rng = np.random.default_rng(seed)
        self.params = {}
        self.layers = []
        n_affine = len(sizes) - 1
        for i in range(1, n_affine + 1):
            weights = weight_std * rng.standard_normal((sizes[i - 1], sizes[i]))
            self.params[f"W{i}"] = weights.astype(dtype, copy=False)
            self.params[f"b{i}"] = np.zeros(sizes[i], dtype=dtype)
            self.layers.append(Affine(self.params[f"W{i}"], self.params[f"b{i}"]))
            if i < n_affine:
                self.layers.append(hidden())
        if output == "sigmoid":
            self.layers.append(Sigmoid())
        self.last_layer = SoftmaxWithLoss() if output == "softmax" else SquaredErrorLoss()
        self.last_loss = None

    def _affine_layers(self):
        return [layer for layer in self.layers if isinstance(layer, Affine)]

    def forward(self, x):
        """Run every layer in order: the output before the loss (scores for softmax).

        A float input keeps its dtype (float32 data with float32 parameters stays float32).
        """
        out = _as_float_array(x)
        for layer in self.layers:
            out = layer.forward(out)
        return out

    def predict(self, x):
        """The network's output: probabilities (softmax), values in (0, 1) (sigmoid) or numbers."""
        out = self.forward(x)
        return _softmax(out) if self.output == "softmax" else out

    def loss(self, x, t):
        """The loss (a float) on inputs ``x: (N, sizes[0])`` and targets ``t``."""
        return self.last_layer.forward(self.forward(x), t)

    def accuracy(self, x, t):
        """The fraction of samples classified right (for ``output="softmax"``)."""
        predicted = np.argmax(self.forward(x), axis=1)
        t = np.asarray(t)
        labels = np.argmax(t, axis=1) if t.ndim == 2 else t
        return float(np.mean(predicted == labels))

    def gradient(self, x, t):
        """Backpropagation: one forward and one backward pass.

        Returns
        -------
        dict with the same keys and shapes as ``params``: ∂loss/∂W1, ∂loss/∂b1, ...
        (``last_loss`` holds the loss of this forward pass)
        """
        self.last_loss = self.loss(x, t)            # forward, keeping what backward needs
        dout = self.last_layer.backward(1)          # ∂L/∂L = 1
        for layer in reversed(self.layers):         # backward, last layer first
            dout = layer.backward(dout)
        grads = {}
        for i, layer in enumerate(self._affine_layers(), 1):
            grads[f"W{i}"] = layer.dW
            grads[f"b{i}"] = layer.db
        return grads

    def numerical_gradient(self, x, t, numerical_gradient=None):
        """The same gradients by central differences: 2 forward passes per parameter (slow).

        ``numerical_gradient(f, array)`` is the function to use (default: the provided one in
        ``gradient_check.py``; the notebook passes your sprint-3 function when it works).
        """
        numerical_gradient = numerical_gradient or _provided_numerical_gradient
        grads = {}
        for key, param in self.params.items():
            def _loss_at(value, param=param):
                saved = param.copy()
                param[...] = value                  # the layers see the value tried
                try:
                    return self.loss(x, t)
                finally:
                    param[...] = saved
            grads[key] = np.asarray(numerical_gradient(_loss_at, param.copy()))
        return grads

    def step(self, grads, lr):
        """One step of gradient descent (勾配降下法), in place: ``W ← W - lr · ∂L/∂W``."""
        for key, param in self.params.items():
            param -= lr * grads[key]
