"""Plots for sprint 1 (provided code: you do not need to edit this file).

Pictures of what a 2-input classifier does: the regions where it outputs 1 and 0 (its
decision regions, 決定領域) with the line between them (the decision boundary, 決定境界), the
points of a data set or a truth table (真理値表), a straight line ``w · x + b = 0``, and the
number of mistakes per epoch while a perceptron learns.

Every function takes an optional matplotlib ``ax`` to draw into (a new figure is made when it
is ``None``) and returns the ``ax``, so plots can share a figure::

    fig, axes = plt.subplots(1, 3, figsize=(12, 4))
    plot_decision_boundary(perceptron.AND, ax=axes[0], title="AND")
"""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

TRUTH_INPUTS = np.array([[0, 0], [1, 0], [0, 1], [1, 1]])
"""The four input pairs of a 2-input truth table, in the order x1 x2 = 00, 10, 01, 11."""

COLOR_0, COLOR_1 = "#4c72b0", "#dd8452"          # output 0: blue, output 1: orange
_REGIONS = ListedColormap(["#c6d4ec", "#f6d5bf"])  # the same colours, light


def decision_grid(predict, xlim=(-0.5, 1.5), ylim=(-0.5, 1.5), resolution=200):
    """Evaluate a 2-input classifier on a grid of points covering ``xlim`` × ``ylim``.

    Parameters
    ----------
    predict : function taking X of shape (M, 2) and returning M outputs of 0 or 1
        (your gates, or ``Perceptron(...).predict``)
    xlim, ylim : (low, high), the range of x1 and x2
    resolution : int, grid points along each axis

    Returns
    -------
    xx, yy : ndarrays of shape (resolution, resolution), the x1 and x2 of each grid point
    zz : ndarray of ints, shape (resolution, resolution), the output at each grid point

    Example
    -------
    >>> xx, yy, zz = decision_grid(lambda X: (X.sum(axis=1) > 1).astype(int), resolution=3)
    >>> zz
    array([[0, 0, 0],
           [0, 0, 1],
           [0, 1, 1]])
    """
    xs = np.linspace(xlim[0], xlim[1], resolution)
    ys = np.linspace(ylim[0], ylim[1], resolution)
    xx, yy = np.meshgrid(xs, ys)
    grid = np.column_stack([xx.ravel(), yy.ravel()])
    out = np.asarray(predict(grid))
    if out.size != grid.shape[0]:
        raise ValueError(
            f"predict(X) with X of shape {grid.shape} returned shape {out.shape}: expected "
            f"({grid.shape[0]},), one output per row of X. Does your function work on a "
            "batch (N, 2) as well as on one pair (2,)?")
    return xx, yy, out.reshape(xx.shape).astype(int)


def plot_points(X, y, ax=None, title=None, size=90):
    """Scatter points coloured by their class: orange circles for 1, blue crosses for 0.

    Parameters
    ----------
    X : ndarray, shape (N, 2), the points (x1, x2)
    y : ndarray of 0s and 1s, shape (N,), their classes (labels or outputs)
    ax : matplotlib Axes to draw into, or None for a new figure
    title : str or None
    size : marker size

    Returns
    -------
    the matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4.5))
    X = np.asarray(X, dtype=float).reshape(-1, 2)
    y = np.asarray(y).reshape(-1)
    ones, zeros = X[y == 1], X[y != 1]
    ax.scatter(ones[:, 0], ones[:, 1], s=size, marker="o", c=COLOR_1, edgecolors="black",
               linewidths=1.0, zorder=3, label="1")
    ax.scatter(zeros[:, 0], zeros[:, 1], s=size, marker="X", c=COLOR_0, edgecolors="black",
               linewidths=0.8, zorder=3, label="0")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title is not None:
        ax.set_title(title)
    ax.set_aspect("equal", adjustable="box")
    return ax


def plot_decision_boundary(predict, ax=None, title=None, points=None, labels=None,
                           xlim=(-0.5, 1.5), ylim=(-0.5, 1.5), resolution=200, legend=True):
    """Draw the regions where a 2-input classifier outputs 1 and 0, and the points.

    The background is light orange where ``predict`` gives 1 and light blue where it gives 0;
    the black line between them is the decision boundary (決定境界). Points are drawn on top,
    orange circles for class 1 and blue crosses for class 0; a point on the wrong colour is
    misclassified.

    Parameters
    ----------
    predict : function taking X of shape (M, 2) and returning M outputs of 0 or 1
        (your ``perceptron.AND``, or ``model.predict``)
    ax : matplotlib Axes to draw into, or None for a new figure
    title : str or None, e.g. ``"AND"``
    points : ndarray, shape (N, 2), the points to show; default the 4 truth-table inputs
    labels : ndarray of 0s and 1s, shape (N,); default ``predict(points)`` (the classifier's
        own answers, which is the truth table when the classifier is right)
    xlim, ylim : (low, high), the range shown; default [-0.5, 1.5] on both axes
    resolution : int, grid points along each axis
    legend : bool, whether to show the "output 1 / output 0" legend

    A point exactly on the boundary gets output 0 (the step function gives h(0) = 0).

    Returns
    -------
    the matplotlib Axes

    Example
    -------
    >>> ax = plot_decision_boundary(lambda X: (X.sum(axis=1) > 1).astype(int), title="AND?")
    >>> ax.get_xlabel(), ax.get_title()
    ('$x_1$', 'AND?')
    >>> plt.close(ax.figure)
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4.5))
    xx, yy, zz = decision_grid(predict, xlim, ylim, resolution)
    ax.pcolormesh(xx, yy, zz, cmap=_REGIONS, vmin=0, vmax=1, shading="auto", zorder=0)
    if zz.min() != zz.max():
        ax.contour(xx, yy, zz, levels=[0.5], colors="black", linewidths=1.5, zorder=1)
    if points is None:
        points = TRUTH_INPUTS
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    if labels is None:
        labels = np.asarray(predict(points)).reshape(-1)
    plot_points(points, labels, ax=ax)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_title(title if title is not None else "decision regions")
    if legend:
        handles = [Line2D([], [], marker="s", ls="", ms=10, mfc="#f6d5bf", mec="gray",
                          label="output 1"),
                   Line2D([], [], marker="s", ls="", ms=10, mfc="#c6d4ec", mec="gray",
                          label="output 0")]
        ax.legend(handles=handles, loc="upper left", fontsize=8, framealpha=0.9)
    return ax


def plot_line(w, b, ax=None, label=None, xlim=(-0.5, 1.5), ylim=(-0.5, 1.5), **style):
    """Draw the straight line ``w[0] * x1 + w[1] * x2 + b = 0`` (a perceptron's boundary).

    Parameters
    ----------
    w : ndarray, shape (2,), the weights (not both 0)
    b : float, the bias
    ax : matplotlib Axes to draw into, or None for a new figure
    label : str or None, the legend entry
    xlim, ylim : (low, high), the range the line is drawn across
    style : more matplotlib line options (``color=``, ``ls=``, ...)

    Returns
    -------
    the matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4.5))
    w = np.asarray(w, dtype=float).reshape(-1)
    if w.shape != (2,):
        raise ValueError(f"w must have 2 numbers, got shape {w.shape}")
    style.setdefault("lw", 2)
    if abs(w[1]) > 1e-12:          # x2 = -(w1 x1 + b) / w2
        x1 = np.linspace(xlim[0], xlim[1], 2)
        ax.plot(x1, -(w[0] * x1 + b) / w[1], label=label, **style)
    elif abs(w[0]) > 1e-12:        # a vertical line x1 = -b / w1
        ax.plot([-b / w[0]] * 2, ylim, label=label, **style)
    else:
        raise ValueError("w = (0, 0) has no boundary line: the output is the same everywhere")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return ax


def plot_errors(errors, ax=None, title=None, label=None, **style):
    """Plot the number of mistakes in each epoch of the perceptron learning rule.

    Parameters
    ----------
    errors : sequence of ints, shape (epochs,), as returned by ``Perceptron.fit``
    ax : matplotlib Axes to draw into, or None for a new figure
    title : str or None
    label : str or None, the legend entry (call ``ax.legend()`` after several curves)
    style : more matplotlib line options

    Returns
    -------
    the matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    errors = np.asarray(errors).reshape(-1)
    style.setdefault("marker", "o")
    (line,) = ax.plot(np.arange(1, len(errors) + 1), errors, label=label, **style)
    # The y axis starts at 0 and still grows with every curve drawn into the same axes.
    line.sticky_edges.y.append(0)
    ax.update_datalim([(1, 0)])
    ax.autoscale_view()
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("epoch")
    ax.set_ylabel("mistakes in the epoch")
    ax.grid(True, alpha=0.3)
    if title is not None:
        ax.set_title(title)
    return ax


def truth_table(gates, inputs=None):
    """A truth table (真理値表) as text: one row per input pair, one column per gate.

    Parameters
    ----------
    gates : dict ``{column name: function}``, each function taking X of shape (N, 2) and
        returning N outputs, e.g. ``{"s1 = NAND": perceptron.NAND, "y = XOR": perceptron.XOR}``
    inputs : ndarray, shape (N, 2); default the four pairs 00, 10, 01, 11

    Returns
    -------
    str, the table (print it)

    Example
    -------
    >>> print(truth_table({"y": lambda X: X[:, 0] * X[:, 1]}))
    x1  x2 |  y
    -------+---
     0   0 |  0
     1   0 |  0
     0   1 |  0
     1   1 |  1
    """
    X = TRUTH_INPUTS if inputs is None else np.asarray(inputs)
    names = list(gates)
    columns = [np.asarray(f(X)).reshape(-1) for f in gates.values()]
    widths = [max(len(n), 2) for n in names]
    head = "x1  x2 | " + "  ".join(n.rjust(wd) for n, wd in zip(names, widths))
    rule = "-------+" + "-" * (len(head) - 8)
    rows = [f"{int(a):>2}  {int(b):>2} | " + "  ".join(f"{int(c[i]):>{wd}}" for c, wd in
                                                        zip(columns, widths))
            for i, (a, b) in enumerate(X)]
    return "\n".join([head, rule, *rows])
