"""Independent numerical oracles shared by the sprint tests (not the course's own code)."""
from __future__ import annotations

import contextlib
import warnings

import numpy as np


def central_difference(f, x, h=1e-5):
    """The gradient of ``f`` at ``x`` by central differences, in float64.

    ``f`` takes an array shaped like ``x`` and returns a number; ``x`` is not changed.
    """
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[i] += h
        minus[i] -= h
        grad[i] = (f(plus) - f(minus)) / (2 * h)
    return grad


def max_relative_error(a, n):
    """The largest ``|a - n| / (|a| + |n|)`` over the entries (0 where both are 0)."""
    a, n = np.asarray(a, dtype=float), np.asarray(n, dtype=float)
    assert a.shape == n.shape, (a.shape, n.shape)
    return float(np.max(np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), 1e-8)))


def loss_of_param(net, key, *batch):
    """``f(value)``: ``net.loss(*batch)`` with ``net.params[key]`` set to ``value`` (and put
    back after), the function of one parameter that :func:`central_difference` takes."""
    def f(value):
        saved = net.params[key].copy()
        net.params[key][...] = value
        try:
            return net.loss(*batch)
        finally:
            net.params[key][...] = saved
    return f


@contextlib.contextmanager
def no_float_warnings():
    """Inside: an overflow, a 0/0 (a log of 0) or a division by 0 raises, and so does any
    warning; underflow to 0 is fine."""
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        yield
