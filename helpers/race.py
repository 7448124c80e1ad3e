# Generated from solutions/race.py by `python -m autograder stubs`: edit the stubs below.
r"""Sprint 6: the optimizer race (最適化手法の比較) on an elongated bowl.

The function

.. math:: f(x, y) = \frac{x^2}{20} + y^2

has its minimum at ``(0, 0)`` but is 20 times steeper along ``y`` than along ``x``: its
contour lines (等高線) are long ellipses, and the gradient (勾配)

.. math:: \nabla f = \left(\frac{x}{10},\ 2y\right)

points mostly across the valley, not towards the minimum. Plain SGD zig-zags across it; the
other optimizers differ in how they cope. Every optimizer starts at ``(-7, 2)``, as in the book.

``race_path`` runs *your* optimizer classes (``helpers/optimizers.py``) on this function;
``steps_to_reach`` (yours) turns a path into the number of steps it needed.
"""
import numpy as np

START = (-7.0, 2.0)


def race_function(x, y):
    """``f(x, y) = x² / 20 + y²``, element-wise on numbers or arrays (for contour plots)."""
    return x ** 2 / 20.0 + y ** 2


def race_gradient(x, y):
    """The gradient ``(∂f/∂x, ∂f/∂y) = (x / 10, 2y)`` as a pair."""
    return x / 10.0, 2.0 * y


def race_path(optimizer, start=START, steps=30):
    """Run ``optimizer`` for ``steps`` updates on ``f`` from ``start``.

    The position is one parameter, ``params = {"xy": array([x, y])}``; each step computes the
    exact gradient there and calls ``optimizer.update(params, grads)``.

    Returns ``path``: (steps + 1, 2), the start and the position after every update.

    >>> class HalfWay:                     # a toy optimizer: jump half-way to (0, 0)
    ...     def update(self, params, grads):
    ...         params["xy"] *= 0.5
    >>> race_path(HalfWay(), start=(-8.0, 2.0), steps=2)
    array([[-8. ,  2. ],
           [-4. ,  1. ],
           [-2. ,  0.5]])
    """
    params = {"xy": np.array(start, dtype=float)}
    path = [params["xy"].copy()]
    for _ in range(steps):
        gx, gy = race_gradient(*params["xy"])
        optimizer.update(params, {"xy": np.array([gx, gy])})
        path.append(params["xy"].copy())
    return np.array(path)


def steps_to_reach(path, radius):
    r"""How many updates a path needed to come within ``radius`` of the minimum ``(0, 0)``.

    ``path``: (T + 1, 2), row 0 the start and row ``i`` the position after ``i`` updates.
    Returns the first ``i`` with Euclidean distance (ユークリッド距離)
    :math:`\sqrt{x_i^2 + y_i^2} \le` ``radius``, as an ``int``; ``None`` if no row gets there.

    >>> path = np.array([[-7.0, 2.0], [-3.0, -1.0], [0.3, 0.4], [0.0, 0.1]])
    >>> steps_to_reach(path, 0.5)          # row 2 is at distance 0.5
    2
    >>> steps_to_reach(path, 0.01) is None
    True

    Hint: ``np.linalg.norm(path, axis=1)`` gives all the distances at once; the index of the
    first ``True`` in a boolean array is ``np.argmax(mask)`` (check ``mask.any()`` first).
    """
    # YOUR CODE HERE
    raise NotImplementedError("steps_to_reach: not implemented yet")


def plot_race(paths, title="The optimizer race on f(x, y) = x²/20 + y²", ax=None):
    """Contour plot (等高線図) of ``f`` with one path per optimizer.

    ``paths``: dict ``{name: (T + 1, 2) array}``. Returns the matplotlib Axes.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5))
    xs, ys = np.meshgrid(np.linspace(-10, 10, 201), np.linspace(-5, 5, 201))
    ax.contour(xs, ys, race_function(xs, ys), levels=np.geomspace(0.02, 30, 12), colors="0.75",
               linewidths=0.8)
    for name, path in paths.items():
        ax.plot(path[:, 0], path[:, 1], "o-", markersize=3, linewidth=1.2, label=name)
    ax.plot(0, 0, "k+", markersize=12, markeredgewidth=2, label="minimum (0, 0)")
    ax.set_xlim(-10, 10)
    ax.set_ylim(-5, 5)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(title)
    ax.legend(loc="upper right", fontsize=8)
    return ax
