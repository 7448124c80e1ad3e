r"""Sprint 3: a two-layer network (2層ニューラルネットワーク) that learns by numerical gradients.

The book's ``TwoLayerNet``: input → affine → sigmoid → affine → softmax, with the
cross-entropy error as its loss. Its gradient is computed with your ``numerical_gradient``,
one pair of loss evaluations per weight: correct, and very slow (the notebook measures how
slow). Sprint 4 computes the same gradient by backpropagation (誤差逆伝播法).

Training (学習) repeats, for a number of iterations: draw a mini-batch (``sample_batch``),
compute the gradient of the loss on it, move every parameter a little against its gradient
(stochastic gradient descent, 確率的勾配降下法, SGD).

``make_spirals`` makes the tiny toy data set the notebook trains on.
"""
import numpy as np

from .activations import sigmoid, softmax
from .gradients import numerical_gradient
from .losses import cross_entropy_error


def make_spirals(n_per_class=30, n_classes=3, noise=0.2, seed=0):
    """A toy data set: ``n_classes`` interleaved spiral arms in the plane (given).

    Parameters
    ----------
    n_per_class : int, points per class
    n_classes : int
    noise : float, the standard deviation of the noise added to the angles
    seed : int, for ``np.random.default_rng``

    Returns
    -------
    (X, t) : X ndarray (n_per_class * n_classes, 2) of points in about [-1, 1]^2, t ndarray of
    int class indices (n_per_class * n_classes,)

    Example
    -------
    >>> X, t = make_spirals(n_per_class=5, n_classes=3)
    >>> X.shape, t.shape, np.bincount(t).tolist()
    ((15, 2), (15,), [5, 5, 5])
    """
    rng = np.random.default_rng(seed)
    X, t = [], []
    for c in range(n_classes):
        r = np.linspace(0.15, 1.0, n_per_class)
        theta = 2 * np.pi * c / n_classes + 4.0 * r + rng.normal(scale=noise, size=n_per_class)
        X.append(np.column_stack([r * np.cos(theta), r * np.sin(theta)]))
        t.append(np.full(n_per_class, c))
    return np.concatenate(X), np.concatenate(t)


class TwoLayerNet:
    r"""A two-layer network for classification, trained with numerical gradients.

    .. math::

        A_1 = X W_1 + b_1,\quad Z_1 = \sigma(A_1),\quad
        A_2 = Z_1 W_2 + b_2,\quad Y = \mathrm{softmax}(A_2)

    The parameters live in the dict ``self.params`` (``W1 (input_size, hidden_size)``,
    ``b1 (hidden_size,)``, ``W2 (hidden_size, output_size)``, ``b2 (output_size,)``). The
    constructor is given: small random weights :math:`\mathcal{N}(0, \text{std}^2)`, zero
    biases, drawn from ``np.random.default_rng(seed)`` (so the same seed gives the same net).

    Example
    -------
    >>> net = TwoLayerNet(input_size=2, hidden_size=4, output_size=3, weight_init_std=0.5)
    >>> {k: v.shape for k, v in net.params.items()}
    {'W1': (2, 4), 'b1': (4,), 'W2': (4, 3), 'b2': (3,)}
    >>> x = np.array([[0.5, -1.0], [1.0, 2.0]])
    >>> net.predict(x).sum(axis=1).round(6)          # a probability distribution per sample
    array([1., 1.])
    >>> grads = net.numerical_gradient(x, np.array([0, 2]))
    >>> {k: v.shape for k, v in grads.items()}
    {'W1': (2, 4), 'b1': (4,), 'W2': (4, 3), 'b2': (3,)}
    """

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01, seed=0):
        rng = np.random.default_rng(seed)
        self.params = {
            "W1": weight_init_std * rng.standard_normal((input_size, hidden_size)),
            "b1": np.zeros(hidden_size),
            "W2": weight_init_std * rng.standard_normal((hidden_size, output_size)),
            "b2": np.zeros(output_size),
        }

    def predict(self, x):
        """The class probabilities (sigmoid hidden layer, softmax output layer).

        Parameters
        ----------
        x : ndarray (N, input_size), or one sample (input_size,)

        Returns
        -------
        ndarray (N, output_size) (or (output_size,) for one sample): each row sums to 1

        Hint: the forward pass of sprint 2 with two layers: use your ``sigmoid`` and
        ``softmax`` (imported at the top of this module) and ``self.params``.
        """
        ### BEGIN SOLUTION
        p = self.params
        z1 = sigmoid(np.asarray(x, dtype=float) @ p["W1"] + p["b1"])
        return softmax(z1 @ p["W2"] + p["b2"])
        ### END SOLUTION

    def loss(self, x, t):
        """The cross-entropy error (交差エントロピー誤差) of ``predict(x)`` against ``t``.

        Parameters
        ----------
        x : ndarray (N, input_size)
        t : labels, class indices (N,) or one-hot (N, output_size)

        Returns
        -------
        float, averaged over the batch

        Hint: one line with your ``cross_entropy_error`` (imported at the top).
        """
        ### BEGIN SOLUTION
        return cross_entropy_error(self.predict(x), t)
        ### END SOLUTION

    def accuracy(self, x, t):
        """The fraction of samples whose most probable class is the correct one (認識精度).

        Parameters
        ----------
        x, t : as for ``loss``

        Returns
        -------
        float in [0, 1]

        Hint: ``np.argmax(..., axis=1)`` gives the predicted classes; one-hot labels need the
        same treatment to become indices (``t.ndim == 2``).
        """
        ### BEGIN SOLUTION
        y = np.argmax(self.predict(x), axis=1)
        t = np.asarray(t)
        if t.ndim == 2:
            t = np.argmax(t, axis=1)
        return float(np.mean(y == t))
        ### END SOLUTION

    def numerical_gradient(self, x, t):
        r"""The gradient of the loss on ``(x, t)`` with respect to every parameter.

        For each parameter ``W`` of ``self.params``, your module-level
        ``numerical_gradient(f, W)`` computes :math:`\partial L / \partial W`, where ``f`` is
        the loss as a function of that parameter, every other parameter held fixed.

        **Mind what** ``f`` **receives.** ``numerical_gradient`` moves the entries of the
        array it is given (your version works on a copy), so ``f`` must compute the loss
        *with its argument* in place of the parameter: for ``"W1"``, a net whose ``W1`` is
        the argument. The book writes ``f = lambda W: self.loss(x, t)``, which ignores ``W``:
        that only works when ``numerical_gradient`` perturbs the network's own array in place.

        Parameters
        ----------
        x, t : as for ``loss``

        Returns
        -------
        dict with the same keys and shapes as ``self.params``: ``{"W1": dL/dW1, ...}``.
        ``self.params`` is unchanged afterwards.

        Hint: one way is to put the argument into ``self.params[key]`` for the evaluation
        and restore the original afterwards (``try`` / ``finally``); another is a loss
        function of a params dict, called with ``{**self.params, key: W}``.
        """
        ### BEGIN SOLUTION
        grads = {}
        for key in self.params:
            original = self.params[key]

            def _loss_of(W, key=key):
                self.params[key] = W
                return self.loss(x, t)

            try:
                grads[key] = numerical_gradient(_loss_of, original)
            finally:
                self.params[key] = original
        return grads
        ### END SOLUTION
