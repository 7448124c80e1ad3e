"""Sprint 2: activation functions (活性化関数) and their derivatives.

A perceptron fires with a *step* function: its output jumps from 0 to 1 and its slope is 0
everywhere else, so a tiny change of a weight changes nothing. A neural network (ニューラル
ネットワーク) replaces the step with a *smooth* activation function ``h``::

    a = x @ W + b        (the weighted sum, as in the perceptron)
    z = h(a)             (the activation: sigmoid, ReLU, tanh, ...)

The output layer uses the identity function (恒等関数) for regression (回帰) and the softmax
function (ソフトマックス関数) for classification (分類).

Every function here works element-wise on an array of any shape (softmax works row by row:
on one sample ``(D,)`` or on a batch ``(N, D)``) and returns a new array of the same shape.
"""
import numpy as np


def sigmoid(x):
    r"""The sigmoid function (シグモイド関数): ``1 / (1 + exp(-x))``, element-wise.

    .. math:: \sigma(x) = \frac{1}{1 + \exp(-x)}

    It squashes any number into (0, 1): very negative inputs give almost 0, 0 gives 0.5,
    very positive inputs give almost 1. Unlike the step function it is smooth, so its slope
    tells the network which way to move a weight.

    Parameters
    ----------
    x : ndarray of any shape (or a number)

    Returns
    -------
    ndarray of floats, the same shape as ``x``, every value in [0, 1]

    Example
    -------
    >>> sigmoid(np.array([-1.0, 1.0, 2.0]))
    array([0.26894142, 0.73105858, 0.88079708])
    >>> float(sigmoid(0.0))
    0.5

    Hint: the formula works, but ``np.exp(-x)`` overflows (a RuntimeWarning, ``inf``) when
    ``x`` is very negative, e.g. ``x = -800``. A stable version never calls ``exp`` on a large
    positive number: for ``x < 0`` use the equal form ``exp(x) / (1 + exp(x))`` (``np.where``
    or a boolean mask picks the form), or write ``1 / (1 + exp(-x)) = exp(-log(1 + exp(-x)))``
    with ``np.logaddexp(0, -x)`` for ``log(1 + exp(-x))``.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    return np.exp(-np.logaddexp(0.0, -x))
    ### END SOLUTION


def relu(x):
    r"""The ReLU function (ReLU 関数, rectified linear unit): ``x`` where ``x > 0``, else 0.

    .. math:: h(x) = \max(0, x) = \begin{cases} x & (x > 0) \\ 0 & (x \le 0) \end{cases}

    Parameters
    ----------
    x : ndarray of any shape (or a number)

    Returns
    -------
    ndarray, the same shape as ``x``

    Example
    -------
    >>> relu(np.array([-1.0, 0.0, 2.5]))
    array([0. , 0. , 2.5])

    Hint: ``np.maximum`` (element-wise) is not ``np.max`` (the largest value of an array), and
    Python's ``max(0, x)`` does not work on arrays. Do not modify ``x`` in place
    (``x[x < 0] = 0`` changes the caller's array): build a new one.
    """
    ### BEGIN SOLUTION
    return np.maximum(0, x)
    ### END SOLUTION


def tanh(x):
    r"""The hyperbolic tangent (双曲線正接関数, tanh), element-wise.

    .. math:: \tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}} = 2\sigma(2x) - 1

    Like the sigmoid it is smooth and S-shaped, but it goes from -1 to 1 and is centred on 0
    (``tanh(0) = 0``). Recurrent networks (RNN, LSTM) use it a lot.

    Parameters
    ----------
    x : ndarray of any shape (or a number)

    Returns
    -------
    ndarray of floats, the same shape as ``x``, every value in [-1, 1]

    Example
    -------
    >>> tanh(np.array([-1.0, 0.0, 0.5]))
    array([-0.76159416,  0.        ,  0.46211716])

    Hint: ``np.tanh`` is allowed. If you write the fraction of exponentials yourself, it
    overflows for ``|x|`` above about 710 (``inf / inf`` is ``nan``); ``2 * sigmoid(2 * x) - 1``
    with your stable sigmoid does not. Mind the ``2 * x`` inside.
    """
    ### BEGIN SOLUTION
    return np.tanh(np.asarray(x, dtype=float))
    ### END SOLUTION


def identity(x):
    r"""The identity function (恒等関数): returns its input unchanged.

    The output layer of a network for regression (回帰: predicting a number such as a price)
    uses it: the last weighted sum *is* the prediction. It is given, not an exercise.

    >>> identity(np.array([0.3, -1.2]))
    array([ 0.3, -1.2])
    """
    return x


def softmax(x):
    r"""The softmax function (ソフトマックス関数), over the last axis.

    .. math:: y_k = \frac{\exp(a_k)}{\sum_{i=1}^{n} \exp(a_i)}

    It turns the scores ``a`` of the output layer into probabilities for classification
    (分類): every ``y_k`` is in (0, 1), each row sums to 1 and the largest score keeps the
    largest probability.

    Overflow (オーバーフロー): ``np.exp(1000)`` is ``inf`` and ``inf / inf`` is ``nan``.
    Subtracting a constant ``C`` from every score of a row does not change the result,

    .. math:: \frac{\exp(a_k - C)}{\sum_i \exp(a_i - C)} = \frac{\exp(a_k)}{\sum_i \exp(a_i)}

    so take ``C`` = the row's maximum: then the largest exponent is ``exp(0) = 1``.

    Parameters
    ----------
    x : ndarray, shape (D,) for one sample or (N, D) for a batch of N samples

    Returns
    -------
    ndarray of floats, the same shape as ``x``; each row sums to 1

    Example
    -------
    >>> softmax(np.array([0.3, 2.9, 4.0]))
    array([0.01821127, 0.24519181, 0.73659691])
    >>> softmax(np.array([[1010.0, 1000.0, 990.0], [1.0, 1.0, 1.0]])).round(3)
    array([[1.   , 0.   , 0.   ],
           [0.333, 0.333, 0.333]])

    Hint: ``axis=-1`` (the last axis) is the class axis for both ``(D,)`` and ``(N, D)``.
    ``np.max(x, axis=-1, keepdims=True)`` has shape ``(N, 1)``, which broadcasts against
    ``(N, D)`` row by row; without ``keepdims`` it has shape ``(N,)`` and does not.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    shifted = x - np.max(x, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)
    ### END SOLUTION


def sigmoid_grad(x):
    r"""The derivative (導関数) of the sigmoid with respect to its input, element-wise.

    .. math:: \sigma'(x) = \sigma(x)\,(1 - \sigma(x))

    The derivative is written with the sigmoid's own output, which backpropagation (sprint 4)
    reuses. It is largest at 0 (0.25) and almost 0 far from 0: there the sigmoid is flat
    (saturated, 飽和) and a network learns slowly.

    Parameters
    ----------
    x : ndarray of any shape (or a number): the *input* of the sigmoid

    Returns
    -------
    ndarray of floats, the same shape as ``x``

    Example
    -------
    >>> sigmoid_grad(np.array([0.0, 2.0, -2.0]))
    array([0.25      , 0.10499359, 0.10499359])

    Hint: apply the formula to ``s = sigmoid(x)``, not to ``x``.
    """
    ### BEGIN SOLUTION
    s = sigmoid(x)
    return s * (1.0 - s)
    ### END SOLUTION


def relu_grad(x):
    r"""The derivative of ReLU with respect to its input: 1 where ``x > 0``, else 0.

    .. math:: h'(x) = \begin{cases} 1 & (x > 0) \\ 0 & (x \le 0) \end{cases}

    At exactly ``x = 0`` ReLU has a corner; the convention (and this course's answer) is 0.

    Parameters
    ----------
    x : ndarray of any shape (or a number): the *input* of ReLU

    Returns
    -------
    ndarray of floats (0.0 and 1.0), the same shape as ``x``

    Example
    -------
    >>> relu_grad(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 1.])

    Hint: a comparison gives booleans; ``.astype(float)`` turns them into 0.0 and 1.0.
    """
    ### BEGIN SOLUTION
    return (np.asarray(x) > 0).astype(float)
    ### END SOLUTION


def tanh_grad(x):
    r"""The derivative of tanh with respect to its input, element-wise.

    .. math:: \tanh'(x) = 1 - \tanh^2(x)

    Parameters
    ----------
    x : ndarray of any shape (or a number): the *input* of tanh

    Returns
    -------
    ndarray of floats, the same shape as ``x``, every value in [0, 1]

    Example
    -------
    >>> tanh_grad(np.array([0.0, 1.0]))
    array([1.        , 0.41997434])

    Hint: square ``tanh(x)``, not ``x``.
    """
    ### BEGIN SOLUTION
    t = np.tanh(np.asarray(x, dtype=float))
    return 1.0 - t * t
    ### END SOLUTION
