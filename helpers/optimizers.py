# Generated from solutions/optimizers.py by `python -m autograder stubs`: edit the stubs below.
r"""Sprint 6: optimizers (最適化手法), the rules that turn gradients into parameter updates.

Training looks for parameters ``W`` that make the loss ``L(W)`` small; this search is called
optimization (最適化). Backpropagation gives the gradient (勾配) ``∂L/∂W``; an *optimizer*
decides how far, and in which direction, each parameter moves with it.

Every optimizer here has the same interface:

* ``__init__(lr=..., ...)`` stores the hyper-parameters (ハイパーパラメータ), such as the
  learning rate (学習率) ``lr``;
* ``update(params, grads)`` takes two dicts with the same keys, e.g. ``{"W1": ..., "b1": ...}``,
  and moves every ``params[key]`` using ``grads[key]``.

Three rules hold for all of them:

1. **In place** (インプレース): write into the existing arrays (``params[key] -= ...``), never
   rebind them (``params[key] = params[key] - ...``). The network's layers hold the *same*
   array objects as ``params``; a new array would leave the layers training nothing.
2. **State per key**: an optimizer with memory (a velocity, a sum of squares) keeps one array
   per key, created on the first call with ``np.zeros_like(params[key])`` and *kept between
   calls*. That memory is the whole point.
3. **dtype preserved**: float32 parameters stay float32 (``np.zeros_like`` keeps the dtype).

All five inherit from ``Optimizer``, whose given ``record(params, grads_sequence)`` runs several
updates and notes the parameters after each: the checks and the experiments use it.
"""
import numpy as np


class Optimizer:
    """What every optimizer shares: ``update`` (yours, per optimizer) and ``record`` (given).

    ``record`` is how the checks and the experiments watch an optimizer at work: it calls
    ``update`` once per gradient dict, on the *same* ``params`` dict, and notes the parameters
    after every step. You do not need to change it.
    """

    def update(self, params, grads):
        """Update every ``params[key]`` in place from ``grads[key]`` (each optimizer's own rule)."""
        raise NotImplementedError("Optimizer.update: not implemented yet")

    def record(self, params, grads_sequence):
        """Call ``update(params, grads)`` for each ``grads`` in ``grads_sequence``, in order.

        ``params``: dict of arrays, updated in place; ``grads_sequence``: list of dicts with
        the same keys and shapes. Returns a dict:

        * ``"steps"``: a list with, after each update, a copy of every parameter;
        * ``"in_place"``: ``True`` if every update wrote into the arrays ``params`` held at
          the start (``params[key] -= ...``), ``False`` if one was replaced by a new array;
        * ``"dtypes"``: the dtype name of each parameter at the end (float32 stays float32).

        >>> out = SGD(lr=0.5).record({"w": np.array([1.0])},
        ...                          [{"w": np.array([1.0])}, {"w": np.array([-2.0])}])
        >>> [step["w"] for step in out["steps"]], out["in_place"], out["dtypes"]
        ([array([0.5]), array([1.5])], True, {'w': 'float64'})
        """
        arrays = dict(params)                       # the array objects the network holds
        steps = []
        for grads in grads_sequence:
            self.update(params, grads)
            steps.append({key: np.array(value, copy=True) for key, value in params.items()})
        in_place = all(params[key] is arrays[key] for key in arrays)
        dtypes = {key: str(np.asarray(value).dtype) for key, value in params.items()}
        return {"steps": steps, "in_place": in_place, "dtypes": dtypes}


class SGD(Optimizer):
    r"""Stochastic gradient descent (確率的勾配降下法, SGD): step against the gradient.

    .. math:: W \leftarrow W - \eta \frac{\partial L}{\partial W}

    with the learning rate (学習率) :math:`\eta` = ``lr``. No state.

    ``params``, ``grads``: dicts of arrays with the same keys and shapes; ``params`` is
    updated in place.

    >>> params = {"W": np.array([1.0, -2.0])}
    >>> SGD(lr=0.1).update(params, {"W": np.array([10.0, 10.0])})
    >>> params["W"]
    array([ 0., -3.])

    Hint: ``params[key] -= ...`` updates the array in place; ``params[key] = ...`` does not.
    """

    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        """Move every ``params[key]`` by ``-lr * grads[key]``, in place."""
        # YOUR CODE HERE
        raise NotImplementedError("SGD.update: not implemented yet")


class Momentum(Optimizer):
    r"""Momentum (モーメンタム): a ball rolling downhill keeps its velocity (速度).

    .. math::
        v &\leftarrow \alpha v - \eta \frac{\partial L}{\partial W} \\
        W &\leftarrow W + v

    ``v`` starts at zero (one array per key, ``np.zeros_like``) and is kept between calls;
    :math:`\alpha` = ``momentum`` (e.g. 0.9) is like friction (摩擦): it lets the velocity
    decay where the gradient keeps changing sign, and build up where it points the same way.

    >>> params, grads = {"W": np.array([1.0])}, {"W": np.array([1.0])}
    >>> opt = Momentum(lr=0.1, momentum=0.9)
    >>> opt.update(params, grads); params["W"]          # v = -0.1
    array([0.9])
    >>> opt.update(params, grads); params["W"]          # v = 0.9 * -0.1 - 0.1 = -0.19
    array([0.71])

    Hint: create ``self.v`` only on the *first* call (when it is ``None``); re-creating it
    every call throws the momentum away and leaves plain SGD.
    """

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None

    def update(self, params, grads):
        """``v = momentum * v - lr * grad``; ``param += v``; in place, ``v`` kept per key."""
        # YOUR CODE HERE
        raise NotImplementedError("Momentum.update: not implemented yet")


class AdaGrad(Optimizer):
    r"""AdaGrad: a learning rate per parameter that decays (学習係数の減衰) with its history.

    .. math::
        h &\leftarrow h + \frac{\partial L}{\partial W} \odot \frac{\partial L}{\partial W} \\
        W &\leftarrow W - \eta \frac{1}{\sqrt{h} + \epsilon} \frac{\partial L}{\partial W}

    ``h`` sums the *squares* of all past gradients (element-wise, :math:`\odot`), so a
    parameter that has moved a lot takes smaller steps. ``eps`` (default 1e-7) sits *outside*
    the square root and only keeps the first division finite.

    >>> params, grads = {"W": np.array([1.0])}, {"W": np.array([2.0])}
    >>> opt = AdaGrad(lr=0.5, eps=0.0)
    >>> opt.update(params, grads); params["W"]      # h = 4: step 0.5 * 2 / 2 = 0.5
    array([0.5])
    >>> opt.update(params, grads); params["W"]      # h = 8: step 0.5 * 2 / sqrt(8)
    array([0.14644661])

    Hint: accumulate ``grad * grad``, not ``grad``; and keep ``h`` between calls.
    """

    def __init__(self, lr=0.01, eps=1e-7):
        self.lr = lr
        self.eps = eps
        self.h = None

    def update(self, params, grads):
        """``h += grad**2``; ``param -= lr * grad / (sqrt(h) + eps)``; in place."""
        # YOUR CODE HERE
        raise NotImplementedError("AdaGrad.update: not implemented yet")


class RMSProp(Optimizer):
    r"""RMSProp: AdaGrad that forgets, an exponential moving average (指数移動平均) of squares.

    .. math::
        h &\leftarrow \rho h + (1 - \rho)\, g \odot g, \qquad g = \frac{\partial L}{\partial W} \\
        W &\leftarrow W - \eta \frac{1}{\sqrt{h} + \epsilon} \frac{\partial L}{\partial W}

    with :math:`\rho` = ``decay_rate`` (default 0.99). Old gradients fade, so the step size
    does not shrink to zero as it does in AdaGrad. ``eps`` is outside the square root.

    >>> params, grads = {"W": np.array([1.0])}, {"W": np.array([2.0])}
    >>> opt = RMSProp(lr=0.1, decay_rate=0.75, eps=0.0)
    >>> opt.update(params, grads); params["W"]      # h = 0.25 * 4 = 1: step 0.1 * 2 / 1
    array([0.8])

    Hint: the new square gets weight ``1 - decay_rate``, the old ``h`` gets ``decay_rate``.
    """

    def __init__(self, lr=0.01, decay_rate=0.99, eps=1e-7):
        self.lr = lr
        self.decay_rate = decay_rate
        self.eps = eps
        self.h = None

    def update(self, params, grads):
        """``h = rho*h + (1-rho)*grad**2``; ``param -= lr * grad / (sqrt(h) + eps)``."""
        # YOUR CODE HERE
        raise NotImplementedError("RMSProp.update: not implemented yet")


class Adam(Optimizer):
    r"""Adam: Momentum and RMSProp together, with bias correction (バイアス補正).

    With step counter ``t`` (1 on the first call) and gradient ``g``:

    .. math::
        m &\leftarrow \beta_1 m + (1 - \beta_1)\, g \qquad \text{(1st moment, mean)} \\
        v &\leftarrow \beta_2 v + (1 - \beta_2)\, g \odot g \qquad \text{(2nd moment)} \\
        \hat m &= m / (1 - \beta_1^t), \qquad \hat v = v / (1 - \beta_2^t) \\
        W &\leftarrow W - \eta\, \hat m / (\sqrt{\hat v} + \epsilon)

    ``m`` and ``v`` start at zero, so early on they are biased towards zero; dividing by
    ``1 - beta**t`` removes that bias. Without it the early steps have the wrong size: after
    one step ``m`` is 10 % of ``g`` but ``sqrt(v)`` only 3.2 % of ``|g|``, so the step is about
    3 times ``lr`` (with the default betas). Defaults are the paper's: ``lr=0.001``,
    ``beta1=0.9``, ``beta2=0.999``, ``eps=1e-8`` (outside the square root).

    >>> params, grads = {"W": np.array([1.0, 1.0])}, {"W": np.array([0.5, -3.0])}
    >>> Adam(lr=0.1).update(params, grads); params["W"]   # first step is about lr * sign(g)
    array([0.9, 1.1])

    Hint: increase ``self.t`` once per ``update`` call (not once per key), before using it.
    """

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.t = 0
        self.m = None
        self.v = None

    def update(self, params, grads):
        """One Adam step on every ``params[key]``, in place; ``t``, ``m``, ``v`` kept."""
        # YOUR CODE HERE
        raise NotImplementedError("Adam.update: not implemented yet")
