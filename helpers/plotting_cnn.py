"""Plots for sprint 8 (provided code: you do not need to edit this file).

Pictures of what a CNN learned and computes: its filters (フィルタ) as small images, the
feature maps (特徴マップ) one image produces, and the learning curves of a training run.

Labels are in English only (matplotlib's default font has no Japanese glyphs). Every function
takes an optional matplotlib ``fig`` or ``ax`` to draw into (a new one is made
when it is ``None``) and returns what it drew into.
"""
import math

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator


def _grid(n, ncols):
    ncols = max(1, min(ncols, n))
    return math.ceil(n / ncols), ncols


def plot_image_grid(images, titles=None, ncols=10, title="", cmap="gray", symmetric=False,
                    fig=None):
    """Show ``images: (K, H, W)`` as a grid of small pictures; returns the figure.

    ``symmetric=True`` centres the colour scale on 0 (blue negative, red positive), for
    filters; otherwise each image uses its own range (``cmap``, grey by default).
    """
    images = np.asarray(images)
    rows, cols = _grid(len(images), ncols)
    if fig is None:
        fig = plt.figure(figsize=(1.3 * cols, 1.4 * rows + 0.6))
    axes = fig.subplots(rows, cols, squeeze=False)
    for k, ax in enumerate(axes.flat):
        if k >= len(images):
            ax.axis("off")
            continue
        img = images[k]
        if symmetric:
            lim = float(np.max(np.abs(img))) or 1.0
            ax.imshow(img, cmap="bwr", vmin=-lim, vmax=lim)
        else:
            ax.imshow(img, cmap=cmap)
        ax.set_xticks([])
        ax.set_yticks([])
        if titles is not None:
            ax.set_title(titles[k], fontsize=8)
    axes[-1, 0].set_xlabel("width (px)", fontsize=8)
    axes[-1, 0].set_ylabel("height (px)", fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_filters(W, title="Filters of the first convolution layer", ncols=10, fig=None):
    """Show the filters ``W: (F, C, FH, FW)`` of a convolution layer (channel 0 of each).

    Red weights are positive, blue negative: a filter responds most to a patch of the image
    that looks like its red part (the filter is a template, テンプレート).
    """
    W = np.asarray(W)
    return plot_image_grid(W[:, 0], titles=[f"filter {f}" for f in range(len(W))],
                           ncols=ncols, title=title, symmetric=True, fig=fig)


def plot_feature_maps(maps, title="Feature maps of one image", ncols=10, fig=None):
    """Show the feature maps ``maps: (F, OH, OW)`` of one image (one per filter)."""
    maps = np.asarray(maps)
    return plot_image_grid(maps, titles=[f"map {f}" for f in range(len(maps))], ncols=ncols,
                           title=title, cmap="viridis", fig=fig)


def plot_history(history, title="Training the CNN", fig=None):
    """The loss of every step, and the accuracy per epoch (train, and validation if there).

    ``history`` is the dict returned by ``cnn.train``.
    """
    if fig is None:
        fig = plt.figure(figsize=(11, 3.8))
    ax_loss, ax_acc = fig.subplots(1, 2)
    ax_loss.plot(history["loss"], lw=0.8, label="mini-batch loss")
    ax_loss.set_xlabel("step (mini-batch)")
    ax_loss.set_ylabel("cross-entropy error")
    ax_loss.set_title("loss per step")
    ax_loss.legend()
    epochs = np.arange(1, len(history["train_acc"]) + 1)
    ax_acc.plot(epochs, history["train_acc"], "o-", label="train (during the epoch)")
    if history.get("val_acc"):
        ax_acc.plot(epochs, history["val_acc"], "s-", label="validation")
    ax_acc.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_acc.set_xlabel("epoch")
    ax_acc.set_ylabel("accuracy")
    ax_acc.set_title("accuracy per epoch")
    ax_acc.legend()
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_timings(names, seconds, title="Conv2d forward pass: time per call", ax=None):
    """A bar chart of measured times (seconds), one bar per implementation, log scale."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.2))
    bars = ax.bar(names, seconds, color=["#dd8452", "#4c72b0", "#55a868", "#8172b3"][:len(names)])
    for bar, s in zip(bars, seconds):
        ax.annotate(f"{s * 1e3:.2f} ms", (bar.get_x() + bar.get_width() / 2, s),
                    ha="center", va="bottom", fontsize=9)
    ax.set_yscale("log")
    ax.set_xlabel("implementation")
    ax.set_ylabel("seconds per forward pass (log scale)")
    ax.set_title(title)
    return ax
