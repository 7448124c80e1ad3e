# Generated from solutions/preprocessing.py by `python -m autograder stubs`: edit the stubs below.
r"""Sprint 9: preprocessing (前処理) and data augmentation (データ拡張).

**Standardization** (標準化): shift and scale every input feature to mean 0 and variance 1,
so that no feature dominates the first layer's sums just by its units, and no extreme value
pushes a neuron into saturation. The mean and the standard deviation are **fitted on the
training data only** and then applied, unchanged, to the validation and test data: a model
must not learn anything from the test set, not even its mean.

**Data augmentation** (データ拡張): a shifted, slightly rotated or slightly distorted digit is
still the same digit. Training on such variants (a new random variant every epoch) shows the
network more of what a digit may look like without collecting more data. Shifts are the
learner's exercise; small rotations and elastic distortion (弾性歪み, Simard et al. 2003: a
smooth random displacement of every pixel) are given below.

Images are ``(N, H, W)`` or ``(N, C, H, W)``: the functions act on the last two axes.
"""
import numpy as np


class Standardizer:
    r"""Standardization (標準化) fitted on the training data.

    ``fit(X)``, ``X: (N, D)`` (or ``(N, ...)``: every axis but the first is a feature): store
    ``self.mean`` and ``self.std``, one value per feature, over the samples (``axis=0``;
    ``np.std``'s default ``ddof=0``). A feature with ``std == 0`` (a pixel that is always 0)
    gets ``std = 1``, so that it is not divided by 0. Returns ``self``.

    ``transform(X)``: ``(X - self.mean) / self.std`` with the *fitted* values, whatever ``X``
    is (training, validation or test data); the shape and the dtype of ``X`` are kept.

    .. math:: x'_{nd} = \frac{x_{nd} - \mu_d}{\sigma_d}

    Example
    -------
    >>> s = Standardizer().fit(np.array([[1.0, 5.0], [3.0, 5.0]]))
    >>> s.mean, s.std                                # the second feature is constant
    (array([2., 5.]), array([1., 1.]))
    >>> s.transform(np.array([[2.0, 6.0], [4.0, 5.0]]))   # new data, the fitted values
    array([[0., 1.],
           [2., 0.]])

    Hint: ``transform`` must not compute a mean of its own argument: that would fit on the
    test data.
    """

    def __init__(self):
        self.mean = None
        self.std = None

    def fit(self, X):
        """Store the mean and the std of each feature of ``X``; return ``self``."""
        # YOUR CODE HERE
        raise NotImplementedError("Standardizer.fit: not implemented yet")

    def transform(self, X):
        """``(X - mean) / std`` with the fitted mean and std."""
        # YOUR CODE HERE
        raise NotImplementedError("Standardizer.transform: not implemented yet")


def shift_images(images, dy, dx):
    r"""Shift every image by ``dy`` pixels down and ``dx`` pixels right, filling with 0.

    ``images``: ``(N, H, W)`` or ``(N, C, H, W)``; ``dy``, ``dx``: ints, negative = up / left.
    The pixels that leave the image are lost (no wrapping around), the pixels that enter are 0
    (the background of a digit).

    .. math:: \text{out}[\dots, i, j] = \begin{cases} x[\dots, i - dy, j - dx] &
              \text{if that pixel exists} \\ 0 & \text{otherwise} \end{cases}

    Returns a new array of the same shape and dtype.

    Example
    -------
    >>> x = np.arange(1.0, 10.0).reshape(1, 3, 3)
    >>> shift_images(x, 1, 0)            # one row down
    array([[[0., 0., 0.],
            [1., 2., 3.],
            [4., 5., 6.]]])
    >>> shift_images(x, 0, -1)           # one column left
    array([[[2., 3., 0.],
            [5., 6., 0.],
            [8., 9., 0.]]])

    Hint: ``np.roll`` wraps around (the row that leaves at the bottom comes back at the top);
    copy a slice into ``np.zeros_like(images)`` instead. A shift as large as the image leaves 0.
    """
    # YOUR CODE HERE
    raise NotImplementedError("shift_images: not implemented yet")


# --------------------------------------------------------------------------- given
def _sample(images, ys, xs):
    """Bilinear interpolation (双線形補間) of ``images (N, H, W)`` at float coordinates
    ``ys, xs`` (``(N, H, W)`` or ``(H, W)``); outside the image counts as 0."""
    N, H, W = images.shape
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1)))
    ys = np.clip(np.broadcast_to(ys, (N, H, W)) + 1, 0, H + 1 - 1e-6)
    xs = np.clip(np.broadcast_to(xs, (N, H, W)) + 1, 0, W + 1 - 1e-6)
    y0, x0 = np.floor(ys).astype(int), np.floor(xs).astype(int)
    y1, x1 = np.minimum(y0 + 1, H + 1), np.minimum(x0 + 1, W + 1)
    wy, wx = ys - y0, xs - x0
    n = np.arange(N)[:, None, None]
    top = padded[n, y0, x0] * (1 - wx) + padded[n, y0, x1] * wx
    bottom = padded[n, y1, x0] * (1 - wx) + padded[n, y1, x1] * wx
    return (top * (1 - wy) + bottom * wy).astype(images.dtype)


def _per_image(fn, images):
    """Apply ``fn`` to ``(N, H, W)``; ``(N, C, H, W)`` is treated as ``N·C`` images."""
    images = np.asarray(images)
    shape = images.shape
    flat = images.reshape(-1, *shape[-2:])
    return fn(flat).reshape(shape)


def rotate_images(images, degrees):
    """Given: rotate each image about its centre by ``degrees`` (one number, or one per image;
    positive = anticlockwise), bilinear interpolation, 0 outside.

    >>> x = np.zeros((1, 5, 5)); x[0, 2, :] = 1.0          # a horizontal bar
    >>> rotate_images(x, 90)[0].round(3)[:, 2]             # becomes vertical
    array([1., 1., 1., 1., 1.])
    """
    def rotate(flat):
        """Rotate ``(N, H, W)``: each output pixel samples the inversely rotated position."""
        N, H, W = flat.shape
        angles = np.deg2rad(np.broadcast_to(np.asarray(degrees, dtype=float), (N,)))
        cy, cx = (H - 1) / 2, (W - 1) / 2
        yy, xx = np.mgrid[0:H, 0:W].astype(float)
        c, s = np.cos(angles)[:, None, None], np.sin(angles)[:, None, None]
        # the source pixel of each output pixel: the inverse rotation (image rows point down)
        ys = cy + (yy - cy) * c + (xx - cx) * s
        xs = cx - (yy - cy) * s + (xx - cx) * c
        return _sample(flat, ys, xs)
    return _per_image(rotate, images)


def _gaussian_blur(field, sigma):
    """Blur ``(N, H, W)`` along both axes with a Gaussian of std ``sigma`` (zero borders)."""
    radius = max(min(int(3 * sigma), (min(field.shape[1:]) - 1) // 2), 1)
    k = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    k /= k.sum()
    blur = np.apply_along_axis(lambda v: np.convolve(v, k, mode="same"), 2, field)
    return np.apply_along_axis(lambda v: np.convolve(v, k, mode="same"), 1, blur)


def elastic_distortion(images, alpha=8.0, sigma=3.0, seed=0):
    """Given: elastic distortion (弾性歪み, Simard et al. 2003) of each image.

    Every pixel moves by a random displacement: uniform noise in [-1, 1] for each pixel,
    blurred with a Gaussian of std ``sigma`` (neighbouring pixels move together, so strokes
    bend instead of breaking), then scaled by ``alpha`` (pixels). A new field per image.
    """
    rng = np.random.default_rng(seed)

    def distort(flat):
        """Distort ``(N, H, W)``: each output pixel samples a smoothly displaced position."""
        N, H, W = flat.shape
        dy = _gaussian_blur(rng.uniform(-1, 1, size=(N, H, W)), sigma) * alpha
        dx = _gaussian_blur(rng.uniform(-1, 1, size=(N, H, W)), sigma) * alpha
        yy, xx = np.mgrid[0:H, 0:W].astype(float)
        return _sample(flat, yy + dy, xx + dx)
    return _per_image(distort, images)


def augment(images, max_shift=2, max_degrees=10.0, elastic=False, seed=0):
    """Given: a random variant of every image: a random shift of up to ``max_shift`` pixels
    (your ``shift_images``, one shift per image), a rotation of up to ``max_degrees`` and, with
    ``elastic=True``, an elastic distortion. Images ``(N, H, W)`` or ``(N, C, H, W)``."""
    rng = np.random.default_rng(seed)
    images = np.asarray(images)
    out = np.empty_like(images)
    shifts = rng.integers(-max_shift, max_shift + 1, size=(len(images), 2))
    for i, (dy, dx) in enumerate(shifts):
        out[i] = shift_images(images[i:i + 1], dy, dx)[0]
    if max_degrees:
        out = rotate_images(out.reshape(len(out), -1, *out.shape[-2:]),
                            np.repeat(rng.uniform(-max_degrees, max_degrees, len(out)),
                                      int(np.prod(out.shape[1:-2], dtype=int)))
                            ).reshape(images.shape)
    if elastic:
        out = elastic_distortion(out, seed=int(rng.integers(2 ** 31)))
    return out
