# Generated from solutions/weight_decay.py by `python -m autograder stubs`: edit the stubs below.
r"""Sprint 9: weight decay (荷重減衰, L2 regularization, L2正則化).

Overfitting (過学習) often comes with large weights: a network that fits every training sample
exactly tends to need big, finely balanced weights. Weight decay adds a penalty for large
weights to the loss,

.. math:: L' = L + \frac{\lambda}{2} \sum_{W} \lVert W \rVert^2
          \qquad \text{(the sum of the squares of every weight matrix)}

so that the network fits the data *and* keeps its weights small. ``λ`` (``weight_decay``) says
how much smaller; ``1/2`` makes the gradient tidy:

.. math:: \frac{\partial L'}{\partial W} = \frac{\partial L}{\partial W} + \lambda W

— every step pulls each weight a little towards 0 ("decay"). Only the weight matrices are
decayed (the parameters whose name starts with ``"W"``: ``"W1"``, ``"W2"``, …): biases (and
batch norm's ``gamma``, ``beta``) are few, shift rather than amplify, and are left alone, as in
the book.
"""
import numpy as np


def _is_weight(key):
    return str(key).startswith("W")


def l2_penalty(params, weight_decay):
    r"""The weight-decay term of the loss: ``λ/2 · Σ ‖W‖²`` over the weight matrices.

    Parameters
    ----------
    params : dict of ndarrays, e.g. ``{"W1": (784, 100), "b1": (100,), "W2": ..., ...}``; only
        keys starting with ``"W"`` count
    weight_decay : float, ``λ``

    Returns
    -------
    float

    >>> params = {"W1": np.array([[1.0, -2.0]]), "b1": np.array([5.0]), "W2": np.array([[3.0]])}
    >>> round(l2_penalty(params, 0.1), 12)   # 0.1 / 2 · (1 + 4 + 9); b1 does not count
    0.7

    Hint: ``np.sum(W ** 2)`` is ``‖W‖²``; do not forget the ``1/2``.
    """
    # YOUR CODE HERE
    raise NotImplementedError("l2_penalty: not implemented yet")


def add_weight_decay(grads, params, weight_decay):
    r"""The gradients of the loss *with* weight decay: ``dW + λ W`` for every weight matrix.

    Parameters
    ----------
    grads : dict of ndarrays, the gradients of the loss without weight decay (a network's
        ``gradient(x, t)``), keyed like ``params``
    params : dict of ndarrays
    weight_decay : float, ``λ``

    Returns
    -------
    A **new** dict with the same keys: ``grads[k] + λ · params[k]`` for the keys starting with
    ``"W"``, the other gradients unchanged. ``grads`` and ``params`` are not modified.

    >>> params = {"W1": np.array([[1.0, -2.0]]), "b1": np.array([5.0])}
    >>> grads = {"W1": np.array([[0.5, 0.5]]), "b1": np.array([1.0])}
    >>> new = add_weight_decay(grads, params, 0.1)
    >>> new["W1"], new["b1"]
    (array([[0.6, 0.3]]), array([1.]))
    >>> grads["W1"]                      # unchanged
    array([[0.5, 0.5]])

    Hint: the derivative of ``λ/2 · W²`` is ``λ W`` (not ``2λW``); build a new dict rather than
    adding into ``grads`` (``+=`` would change the caller's arrays).
    """
    # YOUR CODE HERE
    raise NotImplementedError("add_weight_decay: not implemented yet")
