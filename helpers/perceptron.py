# Generated from solutions/perceptron.py by `python -m autograder stubs`: edit the stubs below.
"""Sprint 1: the perceptron (パーセプトロン).

A perceptron takes inputs ``x``, weighs them with ``w``, adds a bias ``b`` and fires (outputs
1) when the sum is above 0::

    y = 1 if w · x + b > 0 else 0

Everything here works on a single sample ``x: (2,)`` and on a batch ``x: (N, 2)`` at once.

The logic gates (論理ゲート) AND, NAND and OR are each one perceptron, with weights and a bias
chosen by hand. Their truth tables (真理値表), side by side: the output of each gate for the
four pairs of inputs::

    x1  x2 | AND  NAND  OR
    -------+--------------
     0   0 |  0     1    0
     1   0 |  0     1    1
     0   1 |  0     1    1
     1   1 |  1     0    1

NAND is AND with every output flipped; OR differs from AND only where exactly one input is
1. The same perceptron computes all three: only ``w`` and ``b`` change. XOR, the fourth gate,
is not one perceptron but a network of them (``XOR``).
"""
import numpy as np


def step_function(x):
    """The step function (ステップ関数): 1 where ``x > 0``, else 0.

    Parameters
    ----------
    x : ndarray of any shape (or a number)

    Returns
    -------
    ndarray of ints, the same shape as ``x``

    Example
    -------
    >>> step_function(np.array([-1.0, 0.0, 2.5]))
    array([0, 0, 1])

    Note that ``x == 0`` gives 0: the perceptron fires only when the sum is *above* 0.
    Hint: ``x > 0`` is an array of booleans; ``.astype(int)`` turns it into 0s and 1s.
    """
    # YOUR CODE HERE
    raise NotImplementedError("step_function: not implemented yet")


def perceptron_output(x, w, b):
    """The output of one perceptron (パーセプトロン): ``y = step(w · x + b)``.

    Each input ``x_i`` is multiplied by its weight (重み) ``w_i``, the products are summed, the
    bias (バイアス) ``b`` is added and the step function decides::

        y = 1  if  w_1 x_1 + ... + w_D x_D + b > 0
        y = 0  otherwise

    The bias says how easily the perceptron fires: with ``b = -0.7`` the weighted sum must
    exceed 0.7. (Some texts write a threshold θ (閾値) instead, ``w · x > θ``; then ``b = -θ``.)

    Parameters
    ----------
    x : ndarray, shape (D,) for one sample or (N, D) for N samples (N may be 0), ints or floats
    w : ndarray, shape (D,), the weights
    b : float, the bias

    Returns
    -------
    ints: a single int (shape ()) for one sample, an array of shape (N,) for N samples

    Example
    -------
    >>> perceptron_output(np.array([0, 1]), np.array([0.5, 0.5]), -0.7)  # 0.5 - 0.7 < 0
    np.int64(0)
    >>> perceptron_output(np.array([[0, 1], [1, 1]]), np.array([0.5, 0.5]), -0.7)
    array([0, 1])

    Hint: ``x @ w`` is the weighted sum for both shapes of ``x`` (one number per sample); then
    add ``b`` and use your ``step_function``.
    """
    # YOUR CODE HERE
    raise NotImplementedError("perceptron_output: not implemented yet")


def AND(x):
    """The AND gate as a perceptron: 1 only when both inputs are 1.

    Its truth table is the AND column of the table at the top of this module. Choose a weight
    vector ``w`` (2 numbers) and a bias ``b`` by hand so that ``perceptron_output(x, w, b)``
    (that is, ``step_function(x @ w + b)``) gives that column. Many choices work, for example
    weights (0.5, 0.5) with a bias that only two 1s can overcome.

    Parameters
    ----------
    x : ndarray of 0s and 1s (ints or floats), shape (2,) for one pair of inputs, or (N, 2)
        for N pairs

    Returns
    -------
    ints: a single int (shape ()) for one pair, an array of shape (N,) for N pairs

    Example
    -------
    >>> AND(np.array([[0, 0], [1, 0], [0, 1], [1, 1]]))
    array([0, 0, 0, 1])
    """
    # YOUR CODE HERE
    raise NotImplementedError("AND: not implemented yet")


def NAND(x):
    """The NAND gate (Not AND) as a perceptron: 0 only when both inputs are 1.

    Its truth table is the NAND column of the table at the top of this module: AND's column
    with every output flipped. The same perceptron as AND, only with other numbers: choose
    ``w`` and ``b`` by hand so that ``perceptron_output(x, w, b)`` gives that column. Think
    about what each input should do to the sum now (push it up or down?) and what the bias
    must do when both inputs are 0.

    Parameters and returns as for ``AND``.

    Example
    -------
    >>> NAND(np.array([[0, 0], [1, 0], [0, 1], [1, 1]]))
    array([1, 1, 1, 0])
    >>> NAND(np.array([1, 1]))
    np.int64(0)
    """
    # YOUR CODE HERE
    raise NotImplementedError("NAND: not implemented yet")


def OR(x):
    """The OR gate as a perceptron: 1 when at least one input is 1.

    Its truth table is the OR column of the table at the top of this module. Again only ``w``
    and ``b`` change: a single 1 must now be enough to fire, while two 0s (where only the
    bias is left) must not fire.

    Parameters and returns as for ``AND``.

    Example
    -------
    >>> OR(np.array([[0, 0], [1, 0], [0, 1], [1, 1]]))
    array([0, 1, 1, 1])
    """
    # YOUR CODE HERE
    raise NotImplementedError("OR: not implemented yet")


def XOR(x):
    """The XOR gate (exclusive OR) as a two-layer perceptron (多層パーセプトロン).

    ====  ====  ===========  =========  ===========
    x1    x2    s1 = NAND    s2 = OR    y = AND(s1, s2)
    ====  ====  ===========  =========  ===========
    0     0     1            0          0
    1     0     1            1          1
    0     1     1            1          1
    1     1     0            1          0
    ====  ====  ===========  =========  ===========

    No single perceptron can do XOR (its 1s and 0s cannot be split by one straight line: XOR
    is not linearly separable, 線形分離可能ではない). Stacking perceptrons can: **use your
    own gates** from the problems above, do not write new weights here, and do not use
    ``np.logical_xor`` or ``x1 != x2``:

    1. layer 1: ``s1 = NAND(x)`` and ``s2 = OR(x)``;
    2. layer 2: ``y = AND`` of the pair ``(s1, s2)``.

    Parameters and returns as for ``AND``.

    Example
    -------
    >>> XOR(np.array([[0, 0], [1, 0], [0, 1], [1, 1]]))
    array([0, 1, 1, 0])
    >>> XOR(np.array([1, 0]))
    np.int64(1)

    Hint: AND wants its inputs as pairs in the last axis. ``np.stack([s1, s2], axis=-1)``
    makes shape (2,) from two single outputs and (N, 2) from two batches of N.
    """
    # YOUR CODE HERE
    raise NotImplementedError("XOR: not implemented yet")


class Perceptron:
    """A perceptron that learns its weights from data: the perceptron learning rule.

    Instead of choosing ``w`` and ``b`` by hand, start from ``w = 0``, ``b = 0`` and let the
    data correct them. For each sample ``x`` with target ``t`` (0 or 1), **one at a time, in
    order**::

        y     = step(w · x + b)          # the prediction with the current weights
        error = t - y                    # 0 when right, +1 or -1 when wrong
        w     = w + lr * error * x       # no change when the prediction was right
        b     = b + lr * error

    A pass over all samples is an *epoch*. When the classes can be split by a line (linearly
    separable, 線形分離可能), the rule stops making mistakes after a finite number of epochs
    (the perceptron convergence theorem); on XOR it never does.

    Parameters
    ----------
    n_inputs : int, the number of inputs D
    lr : float, the learning rate (学習率)

    Attributes
    ----------
    w : ndarray of floats, shape (D,), the weights (重み), zeros at the start
    b : float, the bias (バイアス), 0.0 at the start
    lr : float, the learning rate

    Example
    -------
    >>> X = np.array([[0, 0], [1, 0], [0, 1], [1, 1]])
    >>> p = Perceptron(n_inputs=2, lr=0.5)
    >>> p.fit(X, np.array([0, 0, 0, 1]), epochs=8)       # mistakes in each epoch
    array([1, 3, 3, 2, 1, 0, 0, 0])
    >>> p.predict(X)
    array([0, 0, 0, 1])
    >>> p.w, float(p.b)
    (array([0.5, 1. ]), -1.0)
    """

    def __init__(self, n_inputs=2, lr=0.1):
        """Store ``lr`` and start with ``w = np.zeros(n_inputs)`` and ``b = 0.0``."""
        # YOUR CODE HERE
        raise NotImplementedError("Perceptron.__init__: not implemented yet")

    def predict(self, X):
        """``step(X @ w + b)``: 0 or 1 per sample.

        Parameters
        ----------
        X : ndarray, shape (N, D) for N samples (or (D,) for one)

        Returns
        -------
        ndarray of ints, shape (N,) (or () for one sample)
        """
        # YOUR CODE HERE
        raise NotImplementedError("Perceptron.predict: not implemented yet")

    def fit(self, X, y, epochs=10):
        """Learn ``w`` and ``b`` with the perceptron learning rule.

        Run exactly ``epochs`` passes over the samples (do not stop early). In each pass take
        the samples in the order given and update ``w`` and ``b`` right after each one, so
        the next prediction already uses the new weights. Training continues from the
        current ``w`` and ``b``.

        Parameters
        ----------
        X : ndarray, shape (N, D), the inputs
        y : ndarray of 0s and 1s, shape (N,), the targets
        epochs : int >= 0, the number of passes over the data (0: no pass, no update)

        Returns
        -------
        errors : ndarray of ints, shape (epochs,): how many samples were predicted wrong
            (and so caused an update) in each epoch. A 0 means the data is learned.
            (Return this array, not ``self``: the checker reads numbers only.)
        """
        # YOUR CODE HERE
        raise NotImplementedError("Perceptron.fit: not implemented yet")
