r"""Sprint 7: a 1D signal data set made on your machine (provided code, nothing to download).

Four classes of waveform (波形), each a noisy periodic signal with a random frequency,
phase, amplitude and offset:

====  ==========  =========================================
 0    sine        :math:`\sin 2\pi u`
 1    square      :math:`+1` for :math:`u < 1/2`, else :math:`-1`
 2    sawtooth    :math:`2u - 1`
 3    pulse       :math:`+1` for :math:`u < 0.15`, else :math:`-1`
====  ==========  =========================================

(``waveform`` also knows a ``"triangle"``, :math:`4\,|u - 1/2| - 1`, for experiments: pass
``kinds=CLASS_NAMES + ("triangle",)`` to :func:`make_signals`.)

with the phase :math:`u = (\text{cycles} \cdot t / L + \text{phase}) \bmod 1` at step
``t = 0 … L-1``. The class is in the *shape* of each period, not in where the periods
start or how many there are: a good fit for a convolution, which looks for a local pattern
wherever it is. The same ``seed`` always gives the same data set.
"""
import numpy as np

CLASS_NAMES = ("sine", "square", "sawtooth", "pulse")
"""The names of the classes, in label order (label 0 is "sine")."""
WAVEFORMS = CLASS_NAMES + ("triangle",)
"""Every shape :func:`waveform` knows."""


def waveform(kind, phase):
    r"""One period shape evaluated at phases ``phase`` in [0, 1): values in [-1, 1].

    Parameters
    ----------
    kind : str, one of :data:`WAVEFORMS`, or an int, an index into :data:`CLASS_NAMES`
    phase : ndarray of floats in [0, 1), any shape

    Returns
    -------
    ndarray of the shape of ``phase``

    Example
    -------
    >>> waveform("triangle", np.array([0.0, 0.25, 0.5, 0.75]))
    array([ 1.,  0., -1.,  0.])
    >>> waveform(2, np.array([0.0, 0.5]))          # label 2, sawtooth
    array([-1.,  0.])
    """
    kind = CLASS_NAMES[kind] if not isinstance(kind, str) else kind
    u = np.asarray(phase, dtype=float)
    if kind == "sine":
        return np.sin(2 * np.pi * u)
    if kind == "square":
        return np.where(u < 0.5, 1.0, -1.0)
    if kind == "triangle":
        return 4 * np.abs(u - 0.5) - 1
    if kind == "sawtooth":
        return 2 * u - 1
    if kind == "pulse":
        return np.where(u < 0.15, 1.0, -1.0)
    raise ValueError(f"unknown waveform {kind!r}: expected one of {WAVEFORMS}")


def make_signals(n_samples, length=128, noise=0.3, cycles=(2.0, 6.0), kinds=CLASS_NAMES,
                 seed=0, dtype=np.float32):
    r"""A labelled set of noisy waveforms (ノイズのある波形): ``X: (N, 1, L)``, ``y: (N,)``.

    Each sample draws a class (the classes in equal numbers, shuffled), a number of
    periods in the window (uniform in ``cycles``), a phase (uniform in [0, 1)), an amplitude
    (uniform in [0.6, 1.4]) and an offset (normal, std 0.2), then adds Gaussian noise of
    standard deviation ``noise`` at every step.

    Parameters
    ----------
    n_samples : int, N
    length : int, L, the steps per signal
    noise : float, the standard deviation of the added noise
    cycles : (low, high), the range of periods per window
    kinds : the waveforms of the classes, in label order (default :data:`CLASS_NAMES`)
    seed : int, the random seed: the same seed gives the same signals
    dtype : the floating dtype of ``X``

    Returns
    -------
    X : ndarray (N, 1, L) of ``dtype``, one channel per signal (the layout of ``Conv1d``)
    y : ndarray (N,) of ints, the class: an index into ``kinds``

    Example
    -------
    >>> X, y = make_signals(8, length=50, seed=1)
    >>> X.shape, X.dtype, y.shape
    ((8, 1, 50), dtype('float32'), (8,))
    >>> np.bincount(y)                             # balanced
    array([2, 2, 2, 2])
    >>> bool(np.all(make_signals(8, length=50, seed=1)[0] == X))   # reproducible
    True
    """
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.arange(n_samples) % len(kinds))
    t = np.arange(length) / length
    n_cycles = rng.uniform(*cycles, size=(n_samples, 1))
    start = rng.uniform(0.0, 1.0, size=(n_samples, 1))
    amplitude = rng.uniform(0.6, 1.4, size=(n_samples, 1))
    offset = rng.normal(0.0, 0.2, size=(n_samples, 1))
    phase = (n_cycles * t + start) % 1.0                                     # (N, L)
    clean = np.empty((n_samples, length))
    for label, kind in enumerate(kinds):
        rows = y == label
        clean[rows] = waveform(kind, phase[rows])
    X = amplitude * clean + offset + rng.normal(0.0, noise, size=(n_samples, length))
    return X[:, None, :].astype(dtype), y.astype(np.int64)
