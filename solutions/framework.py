r"""Sprint 10: from scratch to a framework (フレームワーク) — your layers beside PyTorch's.

Everything you wrote has a counterpart in PyTorch (``torch.nn``, ``torch.optim``): the same
computations, with automatic differentiation (自動微分, autograd) instead of hand-written
``backward`` methods and fast kernels instead of NumPy. Moving a trained network from one to the
other is mostly about **layouts** (メモリ配置, how the numbers of a parameter are arranged):

* an Affine layer computes ``x @ W + b`` with ``W: (D, M)``; ``torch.nn.Linear`` computes
  ``x @ weight.T + bias`` with ``weight: (M, D)``: the same numbers, transposed;
* a convolution's filters are ``(F, C, FH, FW)`` in the course and in PyTorch (NCHW), but
  ``(FH, FW, C, F)`` in TensorFlow/Keras (NHWC);
* both the course and PyTorch compute a *cross-correlation* (相互相関); the convolution of
  signal processing (``scipy.signal.convolve2d``) flips the filter first.

The graded functions convert; the given code below builds the PyTorch twin of sprint 9's
``DeepConvNet``. PyTorch is optional: ``torch_or_none()`` returns ``None`` when it is missing
(install it with ``pip install torch --index-url https://download.pytorch.org/whl/cpu``).
"""
import importlib
import time

import numpy as np

from .batchnorm import BatchNormalization
from .conv2d import Conv2d
from .layers import Affine, Relu, SoftmaxWithLoss
from .optimizers import SGD, AdaGrad, Adam, Momentum, RMSProp
from .pooling import AveragePool2D, Flatten, MaxPool2D
from .regularization import Dropout


def affine_to_linear(W, b):
    r"""An Affine layer's parameters as ``torch.nn.Linear``'s ``(weight, bias)``.

    .. math:: x W + b = x\, \text{weight}^T + \text{bias} \quad\Rightarrow\quad
              \text{weight} = W^T

    Parameters
    ----------
    W : ndarray (D, M), b : ndarray (M,)

    Returns
    -------
    ``(weight, bias)``: new arrays ``(M, D)`` and ``(M,)``, the dtype kept

    Example
    -------
    >>> weight, bias = affine_to_linear(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), np.zeros(3))
    >>> weight                       # 3 outputs × 2 inputs
    array([[1., 4.],
           [2., 5.],
           [3., 6.]])

    Hint: ``W.reshape(M, D)`` has the right shape and the wrong numbers; a transpose moves each
    number to where the other layout expects it.
    """
    ### BEGIN SOLUTION
    W, b = np.asarray(W), np.asarray(b)
    return W.T.copy(), b.copy()
    ### END SOLUTION


def conv_weight_from_hwio(kernel):
    r"""Convolution filters from TensorFlow/Keras's layout ``(FH, FW, C, F)`` to the course's
    (and PyTorch's) ``(F, C, FH, FW)``.

    ``out[f, c, p, q] = kernel[p, q, c, f]``: axis 3 (filters) first, then axis 2 (channels),
    then the two spatial axes in their order.

    Example
    -------
    >>> kernel = np.arange(24.0).reshape(2, 3, 1, 4)     # 2×3 filters, 1 channel, 4 filters
    >>> W = conv_weight_from_hwio(kernel)
    >>> W.shape
    (4, 1, 2, 3)
    >>> W[1, 0]                                          # filter 1: kernel[:, :, 0, 1]
    array([[ 1.,  5.,  9.],
           [13., 17., 21.]])

    Hint: ``np.transpose`` takes the new order of the *old* axes.
    """
    ### BEGIN SOLUTION
    return np.ascontiguousarray(np.asarray(kernel).transpose(3, 2, 0, 1))
    ### END SOLUTION


def flip_kernel(W):
    r"""Filters ``(F, C, FH, FW)`` turned by 180° in their two spatial axes.

    A cross-correlation (what ``Conv2d`` and ``torch.nn.Conv2d`` compute) with ``W`` equals the
    convolution of signal processing (``scipy.signal.convolve2d``, the textbook's ``f * g``)
    with ``flip_kernel(W)``: ``out[f, c, p, q] = W[f, c, FH − 1 − p, FW − 1 − q]``. The
    channel and filter axes do not move.

    Example
    -------
    >>> flip_kernel(np.array([[[[1.0, 2.0], [3.0, 4.0]]]]))[0, 0]
    array([[4., 3.],
           [2., 1.]])

    Hint: ``W[..., ::-1, ::-1]`` reverses the last two axes; return a copy.
    """
    ### BEGIN SOLUTION
    return np.asarray(W)[..., ::-1, ::-1].copy()
    ### END SOLUTION


# --------------------------------------------------------------------------- given: the bridge
#: Each scratch class of the course and its PyTorch counterpart, with what changes on the way.
COUNTERPARTS = [
    (Affine, "torch.nn.Linear", "weight = W.T (affine_to_linear)"),
    (Conv2d, "torch.nn.Conv2d", "the same (F, C, FH, FW) weights; cross-correlation in both"),
    (BatchNormalization, "torch.nn.BatchNorm1d / BatchNorm2d",
     "momentum 0.9 here = momentum=0.1 there; torch's running_var uses N − 1"),
    (Relu, "torch.nn.ReLU", "none"),
    (MaxPool2D, "torch.nn.MaxPool2d", "none"),
    (AveragePool2D, "torch.nn.AvgPool2d", "count_include_pad=True in both"),
    (Flatten, "torch.nn.Flatten", "none (C, H, W order in both)"),
    (Dropout, "torch.nn.Dropout", "both inverted; the random masks differ"),
    (SoftmaxWithLoss, "torch.nn.CrossEntropyLoss", "takes scores and class indices, mean loss"),
    (SGD, "torch.optim.SGD", "none"),
    (Momentum, "torch.optim.SGD(momentum=…)", "torch keeps v = αv + g and steps by lr·v"),
    (AdaGrad, "torch.optim.Adagrad", "eps and initial accumulator placement differ slightly"),
    (RMSProp, "torch.optim.RMSprop", "alpha = decay_rate"),
    (Adam, "torch.optim.Adam", "none"),
]


def counterparts_table():
    """Given: rows ``{"scratch", "constructor", "torch", "conversion"}`` built from the classes
    themselves (their module, name and ``__init__`` arguments), one per entry of
    :data:`COUNTERPARTS`."""
    import inspect

    rows = []
    for cls, torch_name, conversion in COUNTERPARTS:
        args = [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
        rows.append({"scratch": f"{cls.__module__.rsplit('.', 1)[-1]}.{cls.__name__}",
                     "constructor": f"({', '.join(args)})", "torch": torch_name,
                     "conversion": conversion})
    return rows


def torch_or_none():
    """Given: the ``torch`` module, or ``None`` when PyTorch is not installed."""
    try:
        return importlib.import_module("torch")
    except ImportError:
        return None


def to_torch(net):
    """Given: the PyTorch twin of a sprint-9 ``DeepConvNet``: a ``torch.nn.Sequential`` of the
    same layers holding copies of ``net``'s parameters and running averages (in eval mode).

    Affine weights go through your ``affine_to_linear``; convolution filters are copied as they
    are (the same layout). Raises ``ImportError`` without PyTorch.
    """
    torch = importlib.import_module("torch")
    nn = torch.nn
    dtype = getattr(torch, net.config["dtype"])
    state = net.state()
    mods = []

    def tensor(a):
        """``a`` as a tensor of the network's dtype."""
        return torch.tensor(np.asarray(a), dtype=dtype)

    def bn_from(name, cls, i):
        """The ``cls`` (BatchNorm1d/2d) twin of batch-norm layer ``name``, number ``i``."""
        bn = cls(len(state[f"gamma{i}"]), eps=net.layers[name].eps,
                 momentum=1 - net.layers[name].momentum).to(dtype)
        with torch.no_grad():
            bn.weight.copy_(tensor(state[f"gamma{i}"]))
            bn.bias.copy_(tensor(state[f"beta{i}"]))
            if f"running_mean{i}" in state:
                bn.running_mean.copy_(tensor(state[f"running_mean{i}"]))
                bn.running_var.copy_(tensor(state[f"running_var{i}"]))
        return bn

    for name, layer in net.layers.items():
        i = "".join(ch for ch in name if ch.isdigit())
        if isinstance(layer, Conv2d):
            F, C, FH, FW = layer.W.shape
            conv = nn.Conv2d(C, F, (FH, FW), stride=layer.stride, padding=layer.pad).to(dtype)
            with torch.no_grad():
                conv.weight.copy_(tensor(layer.W))
                conv.bias.copy_(tensor(layer.b))
            mods.append(conv)
        elif isinstance(layer, Affine):
            weight, bias = affine_to_linear(layer.W, layer.b)
            linear = nn.Linear(weight.shape[1], weight.shape[0]).to(dtype)
            with torch.no_grad():
                linear.weight.copy_(tensor(weight))
                linear.bias.copy_(tensor(bias))
            mods.append(linear)
        elif isinstance(layer, BatchNormalization):
            cls = nn.BatchNorm2d if f"Conv{i}" in net.layers else nn.BatchNorm1d
            mods.append(bn_from(name, cls, i))
        elif isinstance(layer, Relu):
            mods.append(nn.ReLU())
        elif isinstance(layer, MaxPool2D):
            mods.append(nn.MaxPool2d(layer.pool_h, layer.stride or layer.pool_h))
        elif isinstance(layer, Flatten):
            mods.append(nn.Flatten())
        elif isinstance(layer, Dropout):
            mods.append(nn.Dropout(layer.dropout_ratio))
        else:
            raise TypeError(f"no PyTorch counterpart for {name}: {type(layer).__name__}")
    return nn.Sequential(*mods).eval()


def torch_gradients(net, model, x, t):
    """Given: the gradients of the mean cross-entropy loss of ``model`` (the twin, in training
    mode) on ``(x, t)``, by autograd, keyed like ``net.params`` (``W`` in the course's layout)."""
    torch = importlib.import_module("torch")
    model.train()
    model.zero_grad()
    loss = torch.nn.functional.cross_entropy(model(torch.tensor(x)), torch.tensor(t).long())
    loss.backward()
    model.eval()
    grads, it = {}, iter(model)
    for name, layer in net.layers.items():
        mod = next(it)
        i = "".join(ch for ch in name if ch.isdigit())
        if isinstance(layer, Conv2d):
            grads[f"W{i}"], grads[f"b{i}"] = mod.weight.grad.numpy(), mod.bias.grad.numpy()
        elif isinstance(layer, Affine):
            grads[f"W{i}"], grads[f"b{i}"] = mod.weight.grad.numpy().T, mod.bias.grad.numpy()
        elif isinstance(layer, BatchNormalization):
            grads[f"gamma{i}"], grads[f"beta{i}"] = mod.weight.grad.numpy(), mod.bias.grad.numpy()
    return loss.item(), grads


def best_time(fn, repeats=3):
    """Given: the shortest wall time of ``repeats`` calls of ``fn`` (seconds)."""
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best
