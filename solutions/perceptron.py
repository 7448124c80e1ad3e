"""Sprint 1: the perceptron (パーセプトロン).

A perceptron takes inputs ``x``, weighs them with ``w``, adds a bias ``b`` and fires (outputs
1) when the sum is above 0::

    y = 1 if w · x + b > 0 else 0

Everything here works on a single sample ``x: (2,)`` and on a batch ``x: (N, 2)`` at once.
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
    ### BEGIN SOLUTION
    return (np.asarray(x) > 0).astype(int)
    ### END SOLUTION


def AND(x):
    """The AND gate as a perceptron: 1 only when both inputs are 1.

    ====  ====  ===
    x1    x2    y
    ====  ====  ===
    0     0     0
    1     0     0
    0     1     0
    1     1     1
    ====  ====  ===

    Choose a weight vector ``w`` (2 numbers) and a bias ``b`` by hand so that
    ``step_function(x @ w + b)`` gives the table above. Many choices work, for example
    weights (0.5, 0.5) with a bias that only two 1s can overcome.

    Parameters
    ----------
    x : ndarray, shape (2,) for one pair of inputs, or (N, 2) for N pairs

    Returns
    -------
    ndarray of ints: shape () for one pair, (N,) for N pairs

    Example
    -------
    >>> AND(np.array([[0, 0], [1, 0], [0, 1], [1, 1]]))
    array([0, 0, 0, 1])
    """
    ### BEGIN SOLUTION
    w, b = np.array([0.5, 0.5]), -0.7
    return step_function(np.asarray(x) @ w + b)
    ### END SOLUTION
