r"""Sprint 6: weight initialisation (重みの初期値) and what it does to the activations.

A deep network starts from random weights drawn from a Gaussian with mean 0 and standard
deviation ``std``. The choice of ``std`` decides whether the signals survive the trip through
the layers:

* too small (a fixed ``std = 0.01``): activations shrink layer after layer and the gradients
  vanish (勾配消失, vanishing gradients) or all neurons output the same value, so they learn
  the same thing (表現力の制限, limited expressive power);
* too large (``std = 1``): sigmoid outputs pile up at 0 and 1, where its slope is 0
  (saturation, 飽和), and again the gradients vanish;
* scaled to the number of inputs ``n`` of each neuron (its fan-in) the spread stays steady:
  the Xavier initialisation (Xavierの初期値), ``std = sqrt(1 / n)``, for sigmoid and tanh,
  and the He initialisation (Heの初期値), ``std = sqrt(2 / n)``, for ReLU, which zeroes
  half of its inputs and so needs twice the variance.

The experiment of the sprint: push 1000 random inputs through 5 layers of 100 neurons and look
at a histogram (ヒストグラム) of each layer's activations (アクティベーション).
"""
import numpy as np


def weight_std(fan_in, method):
    r"""The standard deviation (標準偏差) of the initial weights of a layer.

    ``fan_in``: the number of inputs of each neuron (the rows ``D`` of ``W: (D, M)``);
    ``method``: ``"xavier"`` (:math:`\sqrt{1/n}`), ``"he"`` (:math:`\sqrt{2/n}`) or a number,
    a fixed std returned as it is. Returns a ``float``.

    >>> weight_std(100, "xavier"), weight_std(100, "he"), weight_std(100, 0.01)
    (0.1, 0.1414213562373095, 0.01)

    Hint: it is the *standard deviation*, the square root of the variance 1/n or 2/n.
    """
    ### BEGIN SOLUTION
    if isinstance(method, str):
        if method.lower() == "xavier":
            return float(np.sqrt(1.0 / fan_in))
        if method.lower() == "he":
            return float(np.sqrt(2.0 / fan_in))
        raise ValueError(f"unknown initialisation {method!r}: use 'xavier', 'he' or a number")
    return float(method)
    ### END SOLUTION


def init_weights(sizes, method, seed=0):
    """Gaussian weight matrices for a chain of layers (given code; it uses your ``weight_std``).

    ``sizes``: ``[D0, D1, ..., DL]``; returns ``[W1, ..., WL]`` with ``Wi: (D(i-1), Di)``
    drawn from ``N(0, weight_std(D(i-1), method)²)``.

    >>> [W.shape for W in init_weights([4, 3, 2], "he")]
    [(4, 3), (3, 2)]
    """
    rng = np.random.default_rng(seed)
    return [rng.normal(0.0, weight_std(d_in, method), size=(d_in, d_out))
            for d_in, d_out in zip(sizes[:-1], sizes[1:])]


def _activate(a, activation):
    if activation == "sigmoid":
        return np.exp(-np.logaddexp(0.0, -a))
    if activation == "relu":
        return np.maximum(0.0, a)
    if activation == "tanh":
        return np.tanh(a)
    raise ValueError(f"unknown activation {activation!r}: use 'sigmoid', 'relu' or 'tanh'")


def forward_activations(x, weights, activation):
    r"""The activations of every layer of a bias-free network, for a histogram per layer.

    ``x``: (N, D0); ``weights``: a list of ``Wi: (D(i-1), Di)``; ``activation``: ``"sigmoid"``,
    ``"relu"`` or ``"tanh"``. Layer ``i`` computes :math:`z_i = h(z_{i-1} W_i)` with
    :math:`z_0 = x` and the activation function (活性化関数) :math:`h`.

    Returns a list of ``len(weights)`` arrays, ``z1: (N, D1)`` ... ``zL: (N, DL)`` (not ``x``).

    >>> x = np.array([[1.0, -2.0]])
    >>> forward_activations(x, [np.eye(2), 2 * np.eye(2)], "relu")
    [array([[1., 0.]]), array([[2., 0.]])]

    Hint: the activation function comes *after* the product, and each layer's input is the
    previous layer's activation, not its product.
    """
    ### BEGIN SOLUTION
    activations = []
    z = np.asarray(x, dtype=float)
    for W in weights:
        z = _activate(z @ W, activation)
        activations.append(z)
    return activations
    ### END SOLUTION


def plot_activation_histograms(activations, title, bins=30, value_range=None, axes=None):
    """One histogram per layer, side by side (given code).

    ``activations``: the list from ``forward_activations``; ``value_range``: the x-axis
    ``(low, high)`` shared by all layers, e.g. ``(0, 1)`` for sigmoid (default: the data's).
    Returns the Axes.
    """
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(1, len(activations), figsize=(2.6 * len(activations), 2.6),
                               sharey=True)
    axes = np.atleast_1d(axes)
    if value_range is not None:
        lo, hi = (float(v) for v in value_range)
    else:
        lo = min(float(np.min(a)) for a in activations)
        hi = max(float(np.max(a)) for a in activations)
    if hi <= lo:
        hi = lo + 1.0
    for i, (ax, a) in enumerate(zip(axes, activations)):
        ax.hist(np.ravel(a), bins=bins, range=(lo, hi), color="tab:blue")
        ax.set_title(f"layer {i + 1}", fontsize=9)
        ax.set_xlabel("activation")
    axes[0].set_ylabel("count")
    axes[0].figure.suptitle(title)
    axes[0].figure.tight_layout()
    return axes
