"""Plots for training a classifier (provided code: you do not need to edit this file).

Pictures of how training went and what the trained classifier gets wrong:

* :func:`plot_learning_curves` — the learning curves (学習曲線): loss and accuracy per epoch, on
  the training and the validation data;
* :func:`confusion_matrix` and :func:`plot_confusion_matrix` — the confusion matrix (混同行列):
  how often class ``i`` was predicted as class ``j``;
* :func:`plot_misclassified` — the misclassified images (誤分類した画像), with the true and the
  predicted class.

Every function that draws takes an optional matplotlib ``ax`` (or ``axes``) to draw into and
returns what it drew into, so plots can share a figure.
"""
import matplotlib.pyplot as plt
import numpy as np


def plot_learning_curves(history, axes=None, title=None):
    """Loss and accuracy per epoch, training and validation, side by side.

    Parameters
    ----------
    history : dict of lists, one value per epoch: ``"train_loss"``, ``"train_acc"`` and
        (optional, may be empty) ``"val_loss"``, ``"val_acc"`` — a classifier's ``history``
    axes : two matplotlib axes, or None for a new figure
    title : str or None, a title above both plots

    Returns
    -------
    the two axes (loss, accuracy)

    Example
    -------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> history = {"train_loss": [0.9, 0.5], "train_acc": [0.7, 0.85],
    ...            "val_loss": [1.0, 0.6], "val_acc": [0.65, 0.8]}
    >>> loss_ax, acc_ax = plot_learning_curves(history)
    >>> loss_ax.get_ylabel(), acc_ax.get_xlabel()
    ('loss (cross-entropy)', 'epoch')
    >>> plt.close("all")
    """
    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    else:
        fig = axes[0].figure
    loss_ax, acc_ax = axes
    for ax, key, label in ((loss_ax, "loss", "loss (cross-entropy)"),
                           (acc_ax, "acc", "accuracy")):
        train = history.get(f"train_{key}", [])
        val = history.get(f"val_{key}", [])
        epochs = np.arange(1, len(train) + 1)
        ax.plot(epochs, train, "o-", ms=3, label="training")
        if len(val):
            ax.plot(np.arange(1, len(val) + 1), val, "s-", ms=3, label="validation")
        ax.set(xlabel="epoch", ylabel=label, title=f"{label.split(' ')[0]} per epoch")
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return loss_ax, acc_ax


def confusion_matrix(y_true, y_pred, n_classes=None):
    """Count, for every pair of classes ``(i, j)``, the samples of class ``i`` predicted as ``j``.

    ``y_true``, ``y_pred``: ``(N,)`` class indices. Returns ``(K, K)`` ints, rows the true
    class, columns the predicted one (``K = n_classes``, default the largest label + 1). The
    diagonal holds the right answers; everything else is a mistake.

    >>> confusion_matrix(np.array([0, 0, 1, 2, 2]), np.array([0, 1, 1, 2, 0]))
    array([[1, 1, 0],
           [0, 1, 0],
           [1, 0, 1]])
    """
    y_true, y_pred = np.asarray(y_true, dtype=int), np.asarray(y_pred, dtype=int)
    if n_classes is None:
        n_classes = int(max(y_true.max(initial=-1), y_pred.max(initial=-1))) + 1
    counts = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts


def plot_confusion_matrix(y_true, y_pred, class_names=None, ax=None, title="confusion matrix"):
    """Draw the confusion matrix (混同行列) of ``y_true`` against ``y_pred`` with its counts.

    ``class_names``: the label of each class (default ``0 .. K-1``). Returns the ax.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = plot_confusion_matrix(np.array([0, 1, 1]), np.array([0, 1, 0]))
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('predicted class', 'true class')
    >>> plt.close("all")
    """
    counts = confusion_matrix(y_true, y_pred,
                              None if class_names is None else len(class_names))
    n = len(counts)
    names = [str(i) for i in range(n)] if class_names is None else list(class_names)
    if ax is None:
        _, ax = plt.subplots(figsize=(0.55 * n + 3, 0.55 * n + 2.5))
    image = ax.imshow(counts, cmap="Blues")
    ax.figure.colorbar(image, ax=ax, label="number of samples")
    for i in range(n):
        for j in range(n):
            if counts[i, j]:
                dark = counts[i, j] > counts.max() / 2
                ax.text(j, i, str(counts[i, j]), ha="center", va="center", fontsize=8,
                        color="white" if dark else "black")
    ax.set_xticks(range(n), names, rotation=45 if max(map(len, names)) > 2 else 0, ha="right"
                  if max(map(len, names)) > 2 else "center")
    ax.set_yticks(range(n), names)
    ax.set(xlabel="predicted class", ylabel="true class", title=title)
    return ax


def plot_misclassified(images, y_true, y_pred, class_names=None, probabilities=None,
                       n_show=20, n_cols=10, image_shape=(28, 28), title=None):
    """Show the first ``n_show`` misclassified images, each titled "true → predicted".

    Parameters
    ----------
    images : ndarray (N, H*W) or (N, 1, H, W) or (N, H, W), the inputs
    y_true, y_pred : ndarrays (N,), the true and predicted classes
    class_names : names of the classes (default the numbers)
    probabilities : ndarray (N, K) or None; if given, each title adds the probability the
        classifier gave its (wrong) prediction
    n_show, n_cols : how many images, in rows of how many
    image_shape : (H, W) to reshape flat rows to

    Returns
    -------
    the indices (into ``images``) of the images shown; the figure is drawn (plt.gcf())

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> images = np.zeros((4, 4))
    >>> plot_misclassified(images, np.array([0, 1, 2, 3]), np.array([0, 2, 2, 1]),
    ...                    image_shape=(2, 2))
    array([1, 3])
    >>> plt.close("all")
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    wrong = np.flatnonzero(y_true != y_pred)
    shown = wrong[:n_show]
    names = (lambda k: str(k)) if class_names is None else (lambda k: str(class_names[k]))
    n_rows = max(1, int(np.ceil(len(shown) / n_cols)))
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(1.3 * n_cols, 1.55 * n_rows + 0.4),
                             squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, i in zip(axes.ravel(), shown):
        ax.imshow(np.asarray(images[i]).reshape(image_shape), cmap="gray_r")
        label = f"{names(y_true[i])} → {names(y_pred[i])}"
        if probabilities is not None:
            label += f"\n({probabilities[i, y_pred[i]]:.2f})"
        ax.set_title(label, fontsize=8, color="C3")
    fig.suptitle(title or f"misclassified (true → predicted): {len(shown)} of {len(wrong)} "
                          f"shown, out of {len(y_true)} samples")
    fig.tight_layout()
    return shown
