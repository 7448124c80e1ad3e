"""Sprint 10 (from scratch to a framework): layout conversions a learner could write."""
import numpy as np

from . import correct, mistake


@correct("sprint10.affine_to_linear")
def affine_to_linear_transpose(W, b):
    return np.transpose(W).copy(), np.array(b)


@correct("sprint10.affine_to_linear")
def affine_to_linear_swapaxes(W, b):
    return np.swapaxes(W, 0, 1), b + 0


@mistake("sprint10.affine_to_linear", hint="reshape keeps the numbers")
def affine_to_linear_reshape(W, b):
    return W.reshape(W.shape[1], W.shape[0]), b


@correct("sprint10.conv_weight_from_hwio")
def hwio_transpose(kernel):
    return np.transpose(kernel, (3, 2, 0, 1))


@correct("sprint10.conv_weight_from_hwio")
def hwio_einsum(kernel):
    return np.einsum("hwcf->fchw", kernel).copy()


@mistake("sprint10.conv_weight_from_hwio", hint="also swaps height and width")
def hwio_reversed(kernel):
    return kernel.T.copy()


@correct("sprint10.flip_kernel")
def flip_with_np_flip(W):
    return np.flip(W, axis=(2, 3)).copy()


@correct("sprint10.flip_kernel")
def flip_with_rot90(W):
    return np.rot90(W, 2, axes=(2, 3)).copy()


@mistake("sprint10.flip_kernel", hint="reverse *both* spatial axes")
def flip_rows_only(W):
    return W[:, :, ::-1, :].copy()
