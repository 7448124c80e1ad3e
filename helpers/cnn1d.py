r"""Sprint 7: a small 1D convolutional network (1次元CNN), assembled from your layers.

Provided code: it only wires together the layers you wrote (``Conv1d``, ``MaxPool1D`` of
``conv1d.py``; ``Relu``, ``Affine``, ``SoftmaxWithLoss`` of sprint 4) and trains them with an
optimizer of sprint 6 (anything with ``update(params, grads)``)::

    x (N, C, L) → Conv1d → ReLU → MaxPool1D → Affine → ReLU → Affine → Softmax-with-Loss
                  (N, F, L1)      (N, F, L2)   (N, H)         (N, K)

The Affine layer flattens its ``(N, F, L2)`` input to ``(N, F * L2)`` by itself.
"""
from collections import OrderedDict
from functools import partial

import numpy as np

from .conv1d import Conv1d, MaxPool1D, conv1d_output_size
from .layers import Affine, Relu, SoftmaxWithLoss
from .networks import LayerNet, gaussian_weights


class SimpleConvNet1D(LayerNet):
    r"""conv → ReLU → max-pool → affine → ReLU → affine → softmax, for signals ``(N, C, L)``.

    Parameters
    ----------
    input_shape : (C, L), channels and length of one signal
    n_filters : int, F, the filters of the convolution (its output channels)
    filter_size : int, K
    stride, pad : the convolution's stride and zero padding
    pool_size : int, the max-pooling window (and stride)
    hidden_size : int, H, the units of the hidden Affine layer
    n_classes : int, the classes
    seed : int, for the initial weights
    dtype : the floating dtype of the parameters (float32 trains faster)

    Weights start with He initialisation (Heの初期値, std ``sqrt(2 / fan_in)``; the fan-in of a
    filter is ``C * K``), biases at 0.

    Attributes
    ----------
    params : dict of the parameters ``W1, b1`` (convolution), ``W2, b2``, ``W3, b3``
        (Affine); the layers hold the *same* arrays, so an optimizer updating ``params`` in
        place trains the network
    layers : OrderedDict of the layers in forward order; ``last_layer`` the Softmax-with-Loss
        (``predict``, ``loss`` and ``accuracy`` come from ``LayerNet``, ``networks.py``)

    Example
    -------
    >>> net = SimpleConvNet1D(input_shape=(1, 20), n_filters=3, filter_size=5, pad=2, pool_size=2,
    ...                       hidden_size=6, n_classes=4)
    >>> {k: v.shape for k, v in net.params.items()}
    {'W1': (3, 1, 5), 'b1': (3,), 'W2': (30, 6), 'b2': (6,), 'W3': (6, 4), 'b3': (4,)}
    >>> net.predict(np.zeros((2, 1, 20), dtype=np.float32)).shape
    (2, 4)
    """

    def __init__(self, input_shape=(1, 128), n_filters=8, filter_size=9, stride=1, pad=4,
                 pool_size=4, hidden_size=32, n_classes=4, seed=0, dtype=np.float32):
        channels, length = input_shape
        conv_len = conv1d_output_size(length, filter_size, pad, stride)
        pool_len = (conv_len - pool_size) // pool_size + 1
        flat = n_filters * pool_len
        weights = partial(gaussian_weights, np.random.default_rng(seed),
                          dtype=dtype)        # He: weights(shape, fan_in)
        self.params = {
            "W1": weights((n_filters, channels, filter_size), channels * filter_size),
            "b1": np.zeros(n_filters, dtype=dtype),
            "W2": weights((flat, hidden_size), flat),
            "b2": np.zeros(hidden_size, dtype=dtype),
            "W3": weights((hidden_size, n_classes), hidden_size),
            "b3": np.zeros(n_classes, dtype=dtype),
        }
        p = self.params
        self.layers = OrderedDict([
            ("Conv1", Conv1d(p["W1"], p["b1"], stride=stride, pad=pad)),
            ("Relu1", Relu()),
            ("Pool1", MaxPool1D(pool_size)),
            ("Affine1", Affine(p["W2"], p["b2"])),
            ("Relu2", Relu()),
            ("Affine2", Affine(p["W3"], p["b3"])),
        ])
        self.last_layer = SoftmaxWithLoss()

    def gradient(self, x, t):
        """Backpropagation: the gradients of the loss, a dict with the keys of ``params``."""
        self.loss(x, t)
        dout = self.last_layer.backward(1)
        for layer in reversed(self.layers.values()):
            dout = layer.backward(dout)
        conv, fc1, fc2 = self.layers["Conv1"], self.layers["Affine1"], self.layers["Affine2"]
        return {"W1": conv.dW, "b1": conv.db, "W2": fc1.dW, "b2": fc1.db,
                "W3": fc2.dW, "b3": fc2.db}


def train(net, X, y, X_val, y_val, optimizer, epochs=10, batch_size=50, seed=0,
          progress=True):
    r"""Train ``net`` with mini-batches (ミニバッチ学習) and record a learning curve (学習曲線).

    Each epoch (エポック) shuffles the training set, and for every mini-batch computes the
    gradients (``net.gradient``) and lets ``optimizer.update(net.params, grads)`` change the
    parameters in place. After each epoch it records the loss and accuracy on the whole
    training and validation sets.

    Parameters
    ----------
    net : a network with ``params``, ``gradient(x, t)``, ``loss(x, t)``, ``accuracy(x, t)``
    X, y : training signals (N, C, L) and labels (N,)
    X_val, y_val : validation signals and labels
    optimizer : an object with ``update(params, grads)`` (sprint 6: ``Adam``, ``SGD``, ...)
    epochs, batch_size : int
    seed : int, the shuffling seed
    progress : bool, show a progress bar

    Returns
    -------
    dict of per-epoch lists ``train_loss``, ``train_acc``, ``val_loss``, ``val_acc``
    """
    from tqdm.auto import tqdm

    rng = np.random.default_rng(seed)
    history = {"train_loss": [], "train_acc": [], "val_loss": [], "val_acc": []}
    n_batches = int(np.ceil(len(X) / batch_size))
    bar = tqdm(total=epochs * n_batches, desc="training", disable=not progress)
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for i in range(n_batches):
            idx = order[i * batch_size:(i + 1) * batch_size]
            grads = net.gradient(X[idx], y[idx])
            optimizer.update(net.params, grads)
            bar.update(1)
        history["train_loss"].append(_mean_loss(net, X, y))
        history["train_acc"].append(net.accuracy(X, y))
        history["val_loss"].append(_mean_loss(net, X_val, y_val))
        history["val_acc"].append(net.accuracy(X_val, y_val))
        bar.set_postfix(val_acc=f"{history['val_acc'][-1]:.3f}")
    bar.close()
    return history


def _mean_loss(net, X, y, batch_size=500):
    total = 0.0
    for i in range(0, len(X), batch_size):
        total += net.loss(X[i:i + batch_size], y[i:i + batch_size]) * len(X[i:i + batch_size])
    return total / len(X)
