r"""Sprint 9: hyperparameter search (ハイパーパラメータの最適化) on a validation split.

Hyperparameters (ハイパーパラメータ) are the settings training does not learn: the learning rate,
the weight-decay strength, the number of units, … They are chosen by trying: train with a
setting, measure, keep the best. The measurement must not use the **test data** (テストデータ):
a setting chosen because it scores well on the test set has seen the test set, and its test
score is no longer an honest estimate of new data. So the training data is split once more, into
training proper and **validation data** (検証データ), the data the search measures on; the test
set is used once, at the very end.

The search itself (the book's recipe): draw each hyperparameter at random from a range on a
**log scale** (対数スケール) — a learning rate of 0.001 and one of 0.01 differ as much as 0.01
and 0.1 — train briefly, keep the best few runs, then narrow the ranges around them and repeat.
Random search (ランダムサーチ) beats a grid: with the same number of runs it tries more distinct
values of the hyperparameter that matters (Bergstra & Bengio, 2012).
"""
import numpy as np


def train_val_split(x, t, val_ratio=0.2, seed=0):
    r"""Shuffle, then split ``x`` and ``t`` into training and validation data.

    ``order = np.random.default_rng(seed).permutation(N)``; the first
    ``n_val = int(N * val_ratio)`` indices of ``order`` are the validation data, the rest the
    training data (in the order of ``order``). Shuffling first matters: a data set sorted by
    class would otherwise give a validation set of one class.

    Parameters
    ----------
    x : ndarray (N, ...), t : ndarray (N,) or (N, K); val_ratio : float in [0, 1); seed : int

    Returns
    -------
    ``(x_train, t_train, x_val, t_val)``, new arrays

    Example
    -------
    >>> x, t = np.arange(10.0).reshape(5, 2), np.array([0, 1, 2, 3, 4])
    >>> x_train, t_train, x_val, t_val = train_val_split(x, t, val_ratio=0.4, seed=0)
    >>> np.random.default_rng(0).permutation(5)
    array([2, 4, 3, 0, 1])
    >>> t_val, t_train                   # the first int(5 · 0.4) = 2 of the permutation
    (array([2, 4]), array([3, 0, 1]))

    Hint: index ``x`` and ``t`` with the *same* index arrays, so that each image keeps its label.
    """
    ### BEGIN SOLUTION
    x, t = np.asarray(x), np.asarray(t)
    order = np.random.default_rng(seed).permutation(len(x))
    n_val = int(len(x) * val_ratio)
    val, train = order[:n_val], order[n_val:]
    return x[train], t[train], x[val], t[val]
    ### END SOLUTION


def log_uniform(low, high, size, seed=0):
    r"""``size`` random values between ``low`` and ``high``, uniform on a log scale.

    Draw the exponent uniformly, then raise 10 to it:

    .. math:: v = 10^{u}, \qquad u \sim \mathcal{U}(\log_{10} \text{low},\ \log_{10} \text{high})

    with ``u = np.random.default_rng(seed).uniform(np.log10(low), np.log10(high), size)``.
    Each decade (0.001–0.01, 0.01–0.1, …) then gets the same share of the draws.

    Returns an ndarray of shape ``(size,)``.

    Example
    -------
    >>> v = log_uniform(1e-6, 1e-2, 1000, seed=0)
    >>> bool(v.min() >= 1e-6 and v.max() <= 1e-2)
    True
    >>> np.histogram(np.log10(v), bins=4, range=(-6, -2))[0]   # about 250 per decade
    array([231, 242, 260, 267])

    Hint: ``rng.uniform(low, high)`` itself puts 90 % of the draws in the top decade.
    """
    ### BEGIN SOLUTION
    rng = np.random.default_rng(seed)
    return 10.0 ** rng.uniform(np.log10(low), np.log10(high), size)
    ### END SOLUTION


# --------------------------------------------------------------------------- given
def random_search(train_and_score, space, n_trials, seed=0, progress=None):
    """Given: try ``n_trials`` random settings; return the results, best first.

    ``space``: ``{name: (low, high)}``, each drawn with your ``log_uniform``;
    ``train_and_score(**setting)`` trains and returns ``(val_acc, history)``, history a list
    of validation accuracies (one per epoch). Returns a list of dicts ``{"setting", "val_acc",
    "history"}`` sorted by ``val_acc``, best first. ``progress`` (e.g. ``tqdm``) wraps the loop.
    """
    draws = {name: log_uniform(lo, hi, n_trials, seed=seed + i)
             for i, (name, (lo, hi)) in enumerate(space.items())}
    trials = range(n_trials) if progress is None else progress(range(n_trials))
    results = []
    for i in trials:
        setting = {name: float(values[i]) for name, values in draws.items()}
        val_acc, history = train_and_score(**setting)
        results.append({"setting": setting, "val_acc": float(val_acc), "history": list(history)})
    return sorted(results, key=lambda r: -r["val_acc"])


def plot_best_runs(results, n_best=20, ncols=5, title="Random search: the best runs"):
    """Given: the book's figure: the validation accuracy per epoch of the ``n_best`` best runs,
    one small plot each, titled with its rank and its setting."""
    import matplotlib.pyplot as plt

    best = results[:n_best]
    nrows = max(int(np.ceil(len(best) / ncols)), 1)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3 * ncols, 2.4 * nrows), sharey=True,
                             squeeze=False)
    for ax in axes.flat[len(best):]:
        ax.axis("off")
    for rank, (ax, r) in enumerate(zip(axes.flat, best), start=1):
        ax.plot(np.arange(1, len(r["history"]) + 1), r["history"])
        text = ", ".join(f"{k} {v:.1e}" for k, v in r["setting"].items())
        ax.set_title(f"#{rank}: {r['val_acc']:.3f}\n{text}", fontsize=8)
        ax.set_ylim(0, 1)
        ax.set_xlabel("epoch", fontsize=8)
        ax.set_ylabel("validation accuracy", fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return axes
