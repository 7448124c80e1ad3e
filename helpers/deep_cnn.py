r"""Sprint 9: a deeper CNN (the book's chapter 8 style), built from your layers.

Provided code (you do not need to edit this file), built on *your* ``conv2d.py``,
``pooling.py``, ``layers.py`` (sprint 4), ``regularization.py`` (sprint 6's Dropout) and
``batchnorm.py`` (this sprint)::

    x (N, 1, 28, 28)
      → [Conv 3×3, pad 1 → BatchNorm → ReLU] × 2 (16 filters)  → MaxPool 2×2 → (N, 16, 14, 14)
      → [Conv 3×3, pad 1 → BatchNorm → ReLU] × 2 (32 filters)  → MaxPool 2×2 → (N, 32, 7, 7)
      → Flatten → Affine 1568 → 100 → BatchNorm → ReLU → Dropout 0.5
      → Affine 100 → 10 → SoftmaxWithLoss

Small 3×3 filters stacked twice see a 5×5 patch with fewer weights than one 5×5 filter
(2 · 9 = 18 against 25 per channel pair) and with a ReLU in between; batch normalization after
every convolution and the hidden affine layer keeps the activations in range while the network
learns (so He initial weights and Adam with ``lr=0.001`` train it at once); dropout before the
last layer fights overfitting.

``params`` holds the learned arrays (``W1``…, ``b1``…, ``gamma1``…, ``beta1``…);
``state()`` adds the batch-norm running averages (``running_mean1``…, ``running_var1``…),
which inference needs too: that is what :meth:`save` writes, with ``config`` (the settings),
through your ``checkpoint.save_network``; :meth:`load` builds a fresh network from the file.

``saliency(x, labels)`` takes the gradient of each image's class score with respect to the
image: your backward pass, run all the way down to the input (the first convolution's ``dx``).
"""
from functools import partial

import numpy as np

from .batchnorm import BatchNormalization
from .checkpoint import load_network, save_network
from .conv2d import Conv2d
from .layers import Affine, Relu, SoftmaxWithLoss
from .networks import LayerNet, gaussian_weights
from .pooling import Flatten, MaxPool2D
from .regularization import Dropout


class DeepConvNet(LayerNet):
    r"""[conv-BN-ReLU ×2 → pool] × len(blocks) → affine-BN-ReLU-dropout → affine → softmax.

    Parameters
    ----------
    input_dim : (C, H, W) of one image, H and W divisible by ``2 ** len(blocks)``
    blocks : filters of each block, e.g. ``(16, 32)``: each block is two 3×3 convolutions
        (padding 1, so the size is kept) and a 2×2 max pooling
    hidden_size, output_size : units of the hidden affine layer, classes
    dropout_ratio : of the Dropout before the last layer (0: none)
    use_batchnorm : False builds the same network without batch normalization
    seed : initial weights (He) and the dropout masks
    dtype : of the parameters, e.g. ``"float32"`` (a string, so ``config`` is plain JSON)

    ``accuracy`` comes from ``LayerNet`` (``networks.py``): it calls ``predict``, which is in
    inference mode unless told otherwise.

    Example
    -------
    >>> net = DeepConvNet(input_dim=(1, 8, 8), blocks=(2, 3), hidden_size=5, output_size=4)
    >>> [k for k in net.params if k.startswith("W")]
    ['W1', 'W2', 'W3', 'W4', 'W5', 'W6']
    >>> x = np.random.default_rng(0).random((3, 1, 8, 8), dtype=np.float32)
    >>> net.predict(x).shape, net.saliency(x, np.array([0, 1, 2])).shape
    ((3, 4), (3, 8, 8))
    """

    def __init__(self, input_dim=(1, 28, 28), blocks=(16, 32), hidden_size=100, output_size=10,
                 dropout_ratio=0.5, use_batchnorm=True, seed=0, dtype="float32"):
        self.config = {"input_dim": [int(v) for v in input_dim],
                       "blocks": [int(v) for v in blocks], "hidden_size": int(hidden_size),
                       "output_size": int(output_size), "dropout_ratio": float(dropout_ratio),
                       "use_batchnorm": bool(use_batchnorm), "seed": int(seed),
                       "dtype": str(np.dtype(dtype))}
        dtype = np.dtype(dtype)
        C, H, W = input_dim
        self.params, self.layers = {}, {}
        self._weighted = []          # (index, layer) of every Conv2d / Affine
        self._norms = []             # (index, layer) of every BatchNormalization
        i = 0

        def add(name, layer):
            """Append ``layer`` to the network under ``name``."""
            self.layers[name] = layer

        weights = partial(gaussian_weights, np.random.default_rng(seed),
                          dtype=dtype)        # He: weights(shape, fan_in)

        def add_norm(width):
            """Batch norm over ``width`` features (unless switched off), then ReLU."""
            if use_batchnorm:
                self.params[f"gamma{i}"] = np.ones(width, dtype=dtype)
                self.params[f"beta{i}"] = np.zeros(width, dtype=dtype)
                bn = BatchNormalization(self.params[f"gamma{i}"], self.params[f"beta{i}"])
                self._norms.append((i, bn))
                add(f"BatchNorm{i}", bn)
            add(f"Relu{i}", Relu())

        for filters in blocks:
            for _ in range(2):
                i += 1
                self.params[f"W{i}"] = weights((filters, C, 3, 3), C * 9)
                self.params[f"b{i}"] = np.zeros(filters, dtype=dtype)
                conv = Conv2d(self.params[f"W{i}"], self.params[f"b{i}"], stride=1, pad=1)
                self._weighted.append((i, conv))
                add(f"Conv{i}", conv)
                add_norm(filters)
                C = filters
            add(f"Pool{i // 2}", MaxPool2D(2, 2))
            H, W = H // 2, W // 2
        add("Flatten", Flatten())
        for width_in, width_out, last in ((C * H * W, hidden_size, False),
                                          (hidden_size, output_size, True)):
            i += 1
            self.params[f"W{i}"] = weights((width_in, width_out), width_in)
            self.params[f"b{i}"] = np.zeros(width_out, dtype=dtype)
            affine = Affine(self.params[f"W{i}"], self.params[f"b{i}"])
            self._weighted.append((i, affine))
            add(f"Affine{i}", affine)
            if not last:
                add_norm(width_out)
                if dropout_ratio > 0:
                    add("Dropout", Dropout(dropout_ratio, seed=seed))
        self.layers["Conv1"].needs_dx = False    # training never needs the images' gradient
        self.last_layer = SoftmaxWithLoss()
        self.last_loss = None

    # ------------------------------------------------------------------ forward and backward
    def predict(self, x, train_flg=False):
        """Scores ``(N, output_size)``; inference mode unless ``train_flg``."""
        for layer in self.layers.values():
            if isinstance(layer, (BatchNormalization, Dropout)):
                x = layer.forward(x, train_flg)
            else:
                x = layer.forward(x)
        return x

    def loss(self, x, t, train_flg=True):
        """The mean cross-entropy error of ``x`` (training mode by default, as when learning)."""
        return self.last_layer.forward(self.predict(x, train_flg), t)

    def _backward(self, dout):
        for layer in reversed(list(self.layers.values())):
            dout = layer.backward(dout)
        return dout

    def gradient(self, x, t):
        """One training forward and backward pass: the gradients, keyed like ``params``."""
        self.last_loss = self.loss(x, t, train_flg=True)
        self._backward(self.last_layer.backward(1))
        grads = {}
        for i, layer in self._weighted:
            grads[f"W{i}"], grads[f"b{i}"] = layer.dW, layer.db
        for i, bn in self._norms:
            grads[f"gamma{i}"], grads[f"beta{i}"] = bn.dgamma, bn.dbeta
        return grads

    # ------------------------------------------------------------------ seeing what it uses
    def saliency(self, x, labels):
        r"""Saliency maps (顕著性マップ, Simonyan et al. 2014): ``|∂ score_label / ∂ x|``, the
        largest over the channels, ``(N, H, W)``.

        In inference mode, the backward pass starts from a one-hot ``dout`` on the scores (the
        score of each image's ``label``, before softmax) and goes through every layer down to
        the image: a pixel whose small change would move the score most is bright.
        """
        first = self.layers["Conv1"]
        first.needs_dx = True
        try:
            scores = self.predict(x, train_flg=False)
            dout = np.zeros_like(scores)
            dout[np.arange(len(x)), np.asarray(labels)] = 1.0
            dx = self._backward(dout)
        finally:
            first.needs_dx = False
        return np.abs(dx).max(axis=1)

    def feature_maps(self, x, layer_name):
        """The output of layer ``layer_name`` (e.g. ``"Relu2"``) for ``x``, in inference mode."""
        for name, layer in self.layers.items():
            if isinstance(layer, (BatchNormalization, Dropout)):
                x = layer.forward(x, False)
            else:
                x = layer.forward(x)
            if name == layer_name:
                return x
        raise KeyError(f"no layer {layer_name!r}; layers: {', '.join(self.layers)}")

    # ------------------------------------------------------------------ saving and loading
    def state(self):
        """``params`` and the batch-norm running averages: everything inference needs."""
        out = dict(self.params)
        for i, bn in self._norms:
            if bn.running_mean is not None:
                out[f"running_mean{i}"] = bn.running_mean
                out[f"running_var{i}"] = bn.running_var
        return out

    def load_state(self, state):
        """Copy ``state`` (as :meth:`state` returns it) into this network, in place."""
        missing = sorted(set(self.params) - set(state))
        if missing:
            raise KeyError(f"the saved state lacks {missing}")
        for key, value in self.params.items():
            if state[key].shape != value.shape:
                raise ValueError(f"{key}: saved shape {state[key].shape}, network {value.shape}")
            value[...] = state[key]
        for i, bn in self._norms:
            if f"running_mean{i}" in state:
                bn.running_mean = np.array(state[f"running_mean{i}"], dtype=bn.gamma.dtype)
                bn.running_var = np.array(state[f"running_var{i}"], dtype=bn.gamma.dtype)

    def save(self, file):
        """Write ``config`` and :meth:`state` with your ``save_network`` (an ``.npz``)."""
        save_network(file, self.state(), self.config)

    @classmethod
    def load(cls, file):
        """A fresh network built from the file's ``config``, with its saved state."""
        state, config = load_network(file)
        net = cls(**config)
        net.load_state(state)
        return net


def top_activating(net, x, layer_name, channel, k=8, batch_size=500):
    """Indices of the ``k`` images of ``x`` that excite channel ``channel`` of ``layer_name``
    most (by the largest value of its feature map), best first."""
    scores = []
    for s in range(0, len(x), batch_size):
        maps = net.feature_maps(x[s:s + batch_size], layer_name)
        scores.append(maps[:, channel].reshape(len(maps), -1).max(axis=1))
    return np.argsort(-np.concatenate(scores), kind="stable")[:k]
