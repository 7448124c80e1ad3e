# Generated from solutions/gradient_check.py by `python -m autograder stubs`: edit the stubs below.
r"""Sprint 4: gradient checking (勾配確認).

Backpropagation is fast but easy to get subtly wrong (a missing transpose, a missing ``/ N``);
the numerical gradient (数値微分) of sprint 3 is slow but simple and hard to get wrong. A
*gradient check* computes both on a small example and compares them element by element. When
they agree to about 7 significant digits, the backward pass is right.

``numerical_gradient`` is provided (the same central difference as sprint 3, for any shape),
so that this sprint does not depend on your sprint-3 code; ``gradient_check`` is yours.
"""
import numpy as np


def gradient_check(analytic, numeric, eps=1e-8):
    r"""Compare two gradients: the largest relative error (相対誤差) and where it is.

    For each element,

    .. math:: \text{rel}_i = \frac{|a_i - n_i|}{\max\bigl(|a_i| + |n_i|,\ \varepsilon\bigr)}

    with ``a`` the analytic gradient (from backpropagation) and ``n`` the numerical one. It
    does not depend on the scale of the gradient, it is 0 for equal values and at most 1 (1
    when the signs are opposite); ``eps`` only guards against 0 / 0 where both are (nearly) 0.

    As a rule of thumb, in float64: below 1e-7 the backward pass is right; around 1e-4 look
    closer (a kink such as ReLU's at 0 can explain it); above 1e-2 it is wrong.

    Parameters
    ----------
    analytic, numeric : ndarrays of the same shape (any shape)
    eps : float, the smallest denominator

    Returns
    -------
    (max_error, index) : a tuple of the largest relative error (a float) and the index of that
        element as a tuple of ints, one per axis (as ``np.unravel_index`` gives it; the first
        such element if several tie)

    Example
    -------
    >>> a = np.array([[1.0, -2.0], [0.5, 0.0]])
    >>> n = np.array([[1.0, -2.0], [0.4, 0.0]])
    >>> error, index = gradient_check(a, n)
    >>> round(error, 6), index
    (0.111111, (1, 0))

    Hint: ``np.argmax`` returns an index into the *flattened* array; ``np.unravel_index(i,
    shape)`` turns it into one index per axis. Convert to a plain tuple of ints.
    """
    analytic = np.asarray(analytic, dtype=float)
    numeric = np.asarray(numeric, dtype=float)
    if analytic.shape != numeric.shape:
        raise ValueError(f"the gradients have different shapes: analytic {analytic.shape}, "
                         f"numeric {numeric.shape}")
    # YOUR CODE HERE
    raise NotImplementedError("gradient_check: not implemented yet")


def numerical_gradient(f, x, h=1e-5):
    r"""The numerical gradient (数値勾配) of ``f`` at ``x`` by central differences (中心差分).

    .. math:: \frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h}

    Provided (not an exercise): it is sprint 3's numerical gradient, for arrays of any shape.
    Each element of ``x`` is changed *in place*, ``f(x)`` is called, and the element is put
    back, so ``f`` may read ``x`` either from its argument or from a variable that holds the
    same array (a layer's ``W``). It costs two calls of ``f`` per element of ``x``.

    Parameters
    ----------
    f : function taking an ndarray shaped like ``x`` and returning a number
    x : ndarray of floats (any shape); restored on return
    h : float, the step

    Returns
    -------
    ndarray of floats, the same shape as ``x``

    Example
    -------
    >>> numerical_gradient(lambda v: float(np.sum(v ** 2)), np.array([3.0, 4.0])).round(6)
    array([6., 8.])
    """
    if not (isinstance(x, np.ndarray) and x.dtype == np.float64):
        x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        saved = x[i]
        try:
            x[i] = saved + h
            f_plus = f(x)
            x[i] = saved - h
            f_minus = f(x)
        finally:
            x[i] = saved
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad
