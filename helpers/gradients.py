# Generated from solutions/gradients.py by `python -m autograder stubs`: edit the stubs below.
r"""Sprint 3: numerical differentiation (数値微分), the gradient (勾配) and gradient descent
(勾配降下法).

Learning searches for the weights with the smallest loss. The derivative (微分) of the loss
with respect to a weight says how the loss changes when that weight moves a little: if it is
positive, decrease the weight; if negative, increase it. With many weights, the vector of
all the partial derivatives (偏微分) is the **gradient** (勾配), and the negative gradient
points in the direction in which the function decreases fastest. **Gradient descent**
(勾配降下法) takes small steps in that direction:

.. math:: x \leftarrow x - \eta \, \nabla f(x)      \qquad (\eta:\ \text{the learning rate, 学習率})

Here the derivatives are computed **numerically**, by evaluating the function at nearby
points: simple and general, but slow (sprint 4's backpropagation is the fast way).

The functions below take a function ``f`` as their first argument: a Python function (or
``lambda``) of one argument that returns a number.
"""
import numpy as np


def numerical_diff(f, x, h=1e-4):
    r"""The derivative of ``f`` at ``x`` by the central difference (中心差分).

    .. math:: f'(x) \approx \frac{f(x + h) - f(x - h)}{2h}

    The definition of the derivative uses the forward difference (前方差分)
    :math:`(f(x + h) - f(x)) / h` with :math:`h \to 0`. On a computer neither is exact: a
    too-small ``h`` such as ``1e-50`` is lost to rounding (丸め誤差: ``x + 1e-50 == x``), and a
    finite ``h`` leaves an error that is much smaller for the central difference (its error
    shrinks like :math:`h^2`, the forward difference's like :math:`h`). ``h = 1e-4`` is a good
    compromise.

    Parameters
    ----------
    f : function of one number, returning a number
    x : float (or int), where to take the derivative
    h : float, the small step (default ``1e-4``)

    Returns
    -------
    float

    Example (the book's function :math:`f(x) = 0.01x^2 + 0.1x`, exactly :math:`f'(x) = 0.02x + 0.1`)
    -------
    >>> def function_1(x):
    ...     return 0.01 * x ** 2 + 0.1 * x
    >>> round(numerical_diff(function_1, 5.0), 10)
    0.2
    >>> round(numerical_diff(function_1, 10.0), 10)
    0.3

    Hint: ``2 * h`` in the denominator, in parentheses: ``/ (2 * h)``; ``/ 2 * h`` multiplies
    by ``h``. Use the ``h`` you are given.
    """
    # YOUR CODE HERE
    raise NotImplementedError("numerical_diff: not implemented yet")


def numerical_gradient(f, x):
    r"""The gradient (勾配) of ``f`` at ``x``, one central difference per element.

    .. math::

        \frac{\partial f}{\partial x_i} \approx
        \frac{f(x_0, \dots, x_i + h, \dots) - f(x_0, \dots, x_i - h, \dots)}{2h},
        \qquad h = 10^{-4}

    ``x`` may have **any shape** (a vector ``(D,)``, a weight matrix ``(D, M)``, ...): the
    gradient has the same shape, element ``[i, j]`` being the partial derivative (偏微分) with
    respect to ``x[i, j]``. Each partial derivative moves *one* element of ``x`` and keeps the
    others fixed.

    The recipe, for every element ``idx`` of ``x`` in turn: remember ``tmp = x[idx]``, set
    ``x[idx] = tmp + h`` and evaluate ``f(x)``, set ``x[idx] = tmp - h`` and evaluate again,
    then **restore** ``x[idx] = tmp`` before moving to the next element. Work on a float copy
    of the input (``x = np.array(x, dtype=float)``): the caller's array must come back
    unchanged, and an integer array could not even hold ``3 + 1e-4``.

    Parameters
    ----------
    f : function of an array shaped like ``x``, returning a number
    x : ndarray of any shape (integers are allowed)

    Returns
    -------
    ndarray of floats, the same shape as ``x``

    Example (the book's :math:`f(x_0, x_1) = x_0^2 + x_1^2`, exactly :math:`(2x_0, 2x_1)`)
    -------
    >>> def function_2(x):
    ...     return x[0] ** 2 + x[1] ** 2
    >>> numerical_gradient(function_2, np.array([3.0, 4.0])).round(6)
    array([6., 8.])
    >>> numerical_gradient(function_2, np.array([0.0, 2.0])).round(6)
    array([0., 4.])
    >>> numerical_gradient(lambda W: np.sum(W ** 2), np.array([[1.0, -2.0], [0.5, 3.0]])).round(6)
    array([[ 2., -4.],
           [ 1.,  6.]])

    Hint: to visit every element of an array of any shape use ``for idx in
    np.ndindex(x.shape):`` (``idx`` is a tuple such as ``(1, 0)``, so ``x[idx]`` is one
    number); ``for i in range(len(x))`` only walks the first axis, and on a matrix ``x[i]`` is
    a whole row.
    """
    # YOUR CODE HERE
    raise NotImplementedError("numerical_gradient: not implemented yet")


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    r"""Minimise ``f`` by gradient descent (勾配降下法) from ``init_x``.

    Repeat ``step_num`` times the update

    .. math:: x \leftarrow x - \eta \, \nabla f(x)

    with the learning rate (学習率) :math:`\eta` = ``lr`` and the gradient from your
    ``numerical_gradient``. The learning rate is a hyperparameter (ハイパーパラメータ), chosen
    by hand: too large and the steps overshoot and diverge (発散), too small and ``x`` hardly
    moves.

    Parameters
    ----------
    f : function of an array shaped like ``init_x``, returning a number
    init_x : ndarray, shape (D,): the starting point (not modified; integers are allowed,
        the points visited are floats)
    lr : float, the learning rate
    step_num : int, the number of updates (0 is allowed: then nothing moves)

    Returns
    -------
    (x, history) : a tuple

    * ``x``: ndarray (D,), the point after ``step_num`` updates
    * ``history``: ndarray (step_num + 1, D), every point visited, **the start included**:
      ``history[0]`` is ``init_x``, ``history[i]`` the point after ``i`` updates and
      ``history[-1]`` equals ``x``

    Example (the book's: minimise :math:`x_0^2 + x_1^2` from (-3, 4))
    -------
    >>> def function_2(x):
    ...     return x[0] ** 2 + x[1] ** 2
    >>> x, history = gradient_descent(function_2, np.array([-3.0, 4.0]), lr=0.1, step_num=100)
    >>> x.round(6), history.shape
    (array([-0.,  0.]), (101, 2))
    >>> history[:3].round(4)                       # each step multiplies x by 1 - 2 * 0.1
    array([[-3.  ,  4.  ],
           [-2.4 ,  3.2 ],
           [-1.92,  2.56]])

    Hint: start from a float copy of ``init_x`` (an integer array cannot hold
    ``x - lr * grad``, and the caller's array must not change), and store a *copy* of ``x``
    in the history (``x.copy()``): ``x -= lr * grad`` changes the array in place, and every
    stored reference to it would change too.
    """
    # YOUR CODE HERE
    raise NotImplementedError("gradient_descent: not implemented yet")
