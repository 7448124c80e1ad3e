# Generated from solutions/forward.py by `python -m autograder stubs`: edit the stubs below.
r"""Sprint 2: the forward pass (順伝播) of a neural network, in matrix form.

A network is a dict of arrays: for each layer ``i = 1 .. L`` a weight matrix ``W<i>`` of
shape ``(inputs, outputs)`` and a bias ``b<i>`` of shape ``(outputs,)``. A layer maps the
signals ``z`` of the layer before (one sample ``(D,)`` or a batch of N samples ``(N, D)``,
one sample per row) to::

    a = z @ W + b      # (N, D) @ (D, M) + (M,)  ->  (N, M)
    z = h(a)           # the activation function h, element-wise

The hidden layers (隠れ層) use a smooth activation (sigmoid by default); the output layer
(出力層) uses the identity function for regression (回帰) or softmax for classification (分類).
"""
import numpy as np

from .activations import identity, relu, sigmoid, softmax, tanh

#: The activation functions a hidden layer may use, by name.
HIDDEN_ACTIVATIONS = {"sigmoid": sigmoid, "relu": relu, "tanh": tanh}
#: The functions the output layer may use, by name.
OUTPUT_FUNCTIONS = {"identity": identity, "softmax": softmax}


def init_network():
    """The book's 3-layer network of figure 3-15 (図3-15), 2 → 3 → 2 → 2 neurons.

    The input layer (layer 0) has 2 neurons, the first hidden layer 3, the second hidden
    layer 2 and the output layer 2. The weights are fixed by hand (not learned yet: that is
    sprint 3). This function is given, not an exercise.

    Returns
    -------
    dict with ``W1 (2, 3)``, ``b1 (3,)``, ``W2 (3, 2)``, ``b2 (2,)``, ``W3 (2, 2)``,
    ``b3 (2,)``: new arrays on every call

    Example
    -------
    >>> network = init_network()
    >>> {name: value.shape for name, value in network.items()}
    {'W1': (2, 3), 'b1': (3,), 'W2': (3, 2), 'b2': (2,), 'W3': (2, 2), 'b3': (2,)}
    """
    return {
        "W1": np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]),
        "b1": np.array([0.1, 0.2, 0.3]),
        "W2": np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]),
        "b2": np.array([0.1, 0.2]),
        "W3": np.array([[0.1, 0.3], [0.2, 0.4]]),
        "b3": np.array([0.1, 0.2]),
    }


def forward(network, x):
    r"""The forward pass of a 3-layer network like figure 3-15 (sigmoid hidden layers).

    .. math::

        A_1 = X W_1 + B_1,\quad Z_1 = \sigma(A_1) \\
        A_2 = Z_1 W_2 + B_2,\quad Z_2 = \sigma(A_2) \\
        A_3 = Z_2 W_3 + B_3,\quad Y = A_3 \quad \text{(identity output, 恒等関数)}

    Parameters
    ----------
    network : dict with ``W1, b1, W2, b2, W3, b3`` (any layer sizes, see ``init_network``)
    x : ndarray, shape (D,) for one sample or (N, D) for a batch (D = rows of ``W1``)

    Returns
    -------
    ndarray: shape (M,) for one sample, (N, M) for a batch (M = columns of ``W3``)

    Example
    -------
    >>> forward(init_network(), np.array([1.0, 0.5]))
    array([0.31682708, 0.69627909])

    Hint: one sample per *row*, so multiply ``x @ W`` (``(N, D) @ (D, M)``), not ``W @ x``;
    the same line then works for one sample ``(D,)`` too. The output layer has no sigmoid.
    """
    # YOUR CODE HERE
    raise NotImplementedError("forward: not implemented yet")


def forward_general(network, x, output="identity", hidden="sigmoid"):
    r"""The forward pass of a network with any number of layers.

    ``network`` holds ``W1, b1, ..., WL, bL`` (``L`` = the number of ``W`` keys, at least 1).
    Layers ``1 .. L-1`` are hidden layers with the activation ``hidden``; layer ``L`` is the
    output layer with the function ``output``:

    .. math::

        Z_0 = X,\qquad Z_i = h(Z_{i-1} W_i + B_i)\ \ (i < L),\qquad
        Y = \text{output}(Z_{L-1} W_L + B_L)

    Parameters
    ----------
    network : dict of arrays ``W<i>: (D_{i-1}, D_i)``, ``b<i>: (D_i,)`` for i = 1 .. L
    x : ndarray, shape (D_0,) for one sample or (N, D_0) for a batch
    output : ``"identity"`` (regression, 回帰) or ``"softmax"`` (classification, 分類)
    hidden : ``"sigmoid"``, ``"relu"`` or ``"tanh"``, the activation of the hidden layers

    Returns
    -------
    ndarray: shape (D_L,) for one sample, (N, D_L) for a batch

    Example
    -------
    >>> network = init_network()
    >>> forward_general(network, np.array([1.0, 0.5]))
    array([0.31682708, 0.69627909])
    >>> forward_general(network, np.array([1.0, 0.5]), output="softmax")
    array([0.40625907, 0.59374093])

    Hint: ``HIDDEN_ACTIVATIONS[hidden]`` and ``OUTPUT_FUNCTIONS[output]`` (defined above) are
    the functions to apply; build the keys with ``f"W{i}"``. Only the *last* layer gets the
    output function, and it gets no hidden activation.
    """
    if output not in OUTPUT_FUNCTIONS:
        raise ValueError(f"output must be one of {sorted(OUTPUT_FUNCTIONS)}, not {output!r}")
    if hidden not in HIDDEN_ACTIVATIONS:
        raise ValueError(f"hidden must be one of {sorted(HIDDEN_ACTIVATIONS)}, not {hidden!r}")
    # YOUR CODE HERE
    raise NotImplementedError("forward_general: not implemented yet")


def predict_class(network, x, hidden="sigmoid"):
    """The class (クラス) a classification network predicts: the index of its largest output.

    The network's softmax output (``forward_general`` with the same ``hidden`` activation),
    then, for each row, the index of its largest value (``argmax``): the class with the highest
    probability.

    Parameters
    ----------
    network : dict of arrays, as for ``forward_general``
    x : ndarray, shape (D,) for one sample or (N, D) for a batch
    hidden : the activation of the hidden layers, as for ``forward_general``

    Returns
    -------
    ints: a single class index for one sample, shape (N,) for a batch

    Example
    -------
    A one-layer network whose class-0 score is ``x1``, class-1 score ``x2`` and class-2
    score ``-(x1 + x2)``:

    >>> network = {"W1": np.array([[1.0, 0.0, -1.0], [0.0, 1.0, -1.0]]), "b1": np.zeros(3)}
    >>> predict_class(network, np.array([[2.0, 1.0], [0.0, 3.0], [-1.0, -1.0]]))
    array([0, 1, 2])
    >>> int(predict_class(network, np.array([2.0, 1.0])))
    0

    Hint: ``np.argmax`` without ``axis`` flattens the whole batch into one array first.
    """
    # YOUR CODE HERE
    raise NotImplementedError("predict_class: not implemented yet")
