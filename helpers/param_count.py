# Generated from solutions/param_count.py by `python -m autograder stubs`: edit the stubs below.
r"""Sprint 8: counting the parameters of a CNN (パラメータ数), layer by layer.

A convolution layer with ``F`` filters of size ``FH × FW`` on ``C`` input channels has

.. math:: F \cdot (C \cdot FH \cdot FW) + F

parameters (weights plus one bias per filter), **whatever the size of the image**: the same
filter is used at every position (weight sharing, 重み共有). An affine (fully connected,
全結合) layer from ``D`` inputs to ``M`` outputs has ``D · M + M``; after a convolution
``D = C · H · W``, so it grows with the image. A pooling layer has none.

That is why, in AlexNet (62.3 million parameters), the convolution layers do most of the
computation — 90–95 % of it, as Krizhevsky (2014) puts it; ``count_macs`` counts it — but hold
only about 6 % of the parameters, and the fully connected layers the other 94 %.

An architecture is a list of layers, each a dict::

    {"type": "conv", "filters": F, "size": K, "stride": S, "pad": P}   # K × K filters
    {"type": "pool", "size": K, "stride": S}                           # max or average pooling
    {"type": "affine", "units": M}                                     # flattens its input

(``stride`` defaults to 1 for a convolution and to ``size`` for a pooling layer, ``pad`` to
0.) Activations, dropout and the like have no parameters and do not change shapes: they are
left out of the list.
"""
import numpy as np

from .conv2d import conv_output_size  # noqa: F401 - for your code: the output sizes

#: AlexNet (Krizhevsky et al., 2012) as one network (the original split it over two GPUs),
#: for 3 × 227 × 227 images and 1000 classes.
ALEXNET = [
    {"type": "conv", "filters": 96, "size": 11, "stride": 4, "pad": 0},
    {"type": "pool", "size": 3, "stride": 2},
    {"type": "conv", "filters": 256, "size": 5, "stride": 1, "pad": 2},
    {"type": "pool", "size": 3, "stride": 2},
    {"type": "conv", "filters": 384, "size": 3, "stride": 1, "pad": 1},
    {"type": "conv", "filters": 384, "size": 3, "stride": 1, "pad": 1},
    {"type": "conv", "filters": 256, "size": 3, "stride": 1, "pad": 1},
    {"type": "pool", "size": 3, "stride": 2},
    {"type": "affine", "units": 4096},
    {"type": "affine", "units": 4096},
    {"type": "affine", "units": 1000},
]
ALEXNET_INPUT = (3, 227, 227)

#: The course's SimpleConvNet (``cnn.py``) for MNIST: conv 30×5×5 → pool 2 → 100 → 10.
SIMPLE_CONVNET = [
    {"type": "conv", "filters": 30, "size": 5, "stride": 1, "pad": 0},
    {"type": "pool", "size": 2, "stride": 2},
    {"type": "affine", "units": 100},
    {"type": "affine", "units": 10},
]
SIMPLE_CONVNET_INPUT = (1, 28, 28)


def count_parameters(layers, input_shape):
    r"""The output shape and the number of parameters of every layer of a CNN.

    Walk through ``layers`` keeping the current shape:

    * ``conv``: ``(C, H, W) → (F, OH, OW)`` with ``OH = conv_output_size(H, K, S, P)``;
      parameters ``F · C · K · K + F``;
    * ``pool``: ``(C, H, W) → (C, OH, OW)`` (``stride`` defaults to ``size``); 0 parameters;
    * ``affine``: any shape with ``D`` values in all ``→ (M,)``; parameters ``D · M + M``.

    Parameters
    ----------
    layers : list of dicts, as described in the module's docstring
    input_shape : tuple ``(C, H, W)``, one image (no batch axis)

    Returns
    -------
    list of ``(output_shape, n_params)``, one per layer: ``output_shape`` a tuple of ints
    (``(C, H, W)`` or ``(M,)``), ``n_params`` an int. ``sum`` of the counts is the total.

    Example
    -------
    >>> count_parameters(SIMPLE_CONVNET, SIMPLE_CONVNET_INPUT)
    [((30, 24, 24), 780), ((30, 12, 12), 0), ((100,), 432100), ((10,), 1010)]
    >>> sum(n for _, n in count_parameters(ALEXNET, ALEXNET_INPUT))   # 6230万, 62.3 million
    62378344

    Hint: a filter spans *all* input channels, so a conv layer's weights are ``F × C × K × K``;
    do not forget the biases (one per filter, one per affine unit). ``int(np.prod(shape))`` is
    the ``D`` of an affine layer.
    """
    # YOUR CODE HERE
    raise NotImplementedError("count_parameters: not implemented yet")


def count_macs(layers, input_shape):
    r"""The multiply-adds (積和演算, MACs) of every layer of a CNN, for one image.

    A multiply-add is one product added to a running sum, ``acc += w · x``: the unit of work
    of a convolution or an affine layer. Your ``count_parameters`` already walks the shapes:
    a layer's input shape is the output shape of the layer before it (``input_shape`` for the
    first), and then

    * ``conv``: every one of the ``F · OH · OW`` output values is a sum of ``C · K · K``
      products, so :math:`F \cdot OH \cdot OW \cdot C \cdot K \cdot K` multiply-adds (the
      bias is an addition, not a multiply-add: not counted);
    * ``pool``: 0 (comparisons or additions, no products);
    * ``affine``: :math:`D \cdot M` (every output sums ``D`` products).

    A convolution's weights are few, but each is used at every output position: that is why
    the convolution layers hold few parameters and do most of the work.

    Parameters
    ----------
    layers, input_shape : as for ``count_parameters``

    Returns
    -------
    list of ints, the multiply-adds of each layer, in order (``sum`` of it is the total)

    Example
    -------
    >>> count_macs(SIMPLE_CONVNET, SIMPLE_CONVNET_INPUT)        # 30·24·24 · 1·5·5 = 432 000
    [432000, 0, 432000, 1000]
    >>> macs = count_macs(ALEXNET, ALEXNET_INPUT)
    >>> sum(macs)                                                  # about 1.1 billion
    1135256096
    """
    # YOUR CODE HERE
    raise NotImplementedError("count_macs: not implemented yet")
