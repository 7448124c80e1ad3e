r"""Sprint 8: a LeNet-style scratch CNN (畳み込みニューラルネットワーク), built from your layers.

Provided code (you do not need to edit this file), built on *your* ``conv2d.py``,
``pooling.py`` and sprint 4's ``layers.py``. It is the classic small CNN of the book
(SimpleConvNet), in the spirit of LeNet (LeCun et al., 1998)::

    x (N, 1, 28, 28)
      → Conv2d 30 filters 5×5  → (N, 30, 24, 24)   畳み込み層
      → Relu
      → MaxPool2D 2×2, stride 2 → (N, 30, 12, 12)  プーリング層
      → Flatten                 → (N, 4320)
      → Affine 4320 → 100       → Relu             全結合層
      → Affine 100 → 10         → SoftmaxWithLoss  (scores of the 10 classes)

Training is backpropagation (誤差逆伝播法) exactly as in sprint 4: one forward pass through the
layers, one backward pass through them in reverse order, then every layer holds the gradients
of its parameters. ``gradient`` returns them in a dict keyed like ``params`` (``"W1"`` ...
``"b3"``), ready for an optimizer's ``update(params, grads)`` (sprint 6).

Speed without loss of clarity: float32 data keeps the whole network in float32 (half the
memory traffic of float64); the first convolution does not compute the gradient of the input
images (``needs_dx = False``); the training loop reuses the loss and the scores of the forward
pass it needed anyway (no extra evaluation per step).
"""
from functools import partial

import numpy as np
from tqdm.auto import tqdm

from .conv2d import Conv2d, conv_output_size
from .layers import Affine, Relu, SoftmaxWithLoss
from .networks import LayerNet, gaussian_weights
from .pooling import Flatten, MaxPool2D


class SimpleConvNet(LayerNet):
    r"""conv → ReLU → max pool → flatten → affine → ReLU → affine → softmax-with-loss.

    Parameters
    ----------
    input_dim : (C, H, W), one image; (1, 28, 28) for MNIST
    filter_num, filter_size, stride, pad : the convolution (``filter_num`` filters of
        ``filter_size × filter_size``)
    pool_size : the max pooling window (stride = window)
    hidden_size : units of the hidden affine layer
    output_size : classes
    weight_init : ``"he"`` (std ``sqrt(2 / fan_in)``, He の初期値, for ReLU) or a number, the
        standard deviation of every weight (the book uses 0.01)
    seed : int, for the initial weights
    dtype : dtype of the parameters; use the dtype of your data (float32)

    Attributes
    ----------
    params : dict ``"W1", "b1"`` (conv), ``"W2", "b2"``, ``"W3", "b3"`` (affine): the arrays
        the layers use (an optimizer updating them in place updates the network)
    layers : dict of the layers in forward order, ``"Conv1"``, ``"Relu1"``, ``"Pool1"``,
        ``"Flatten"``, ``"Affine1"``, ``"Relu2"``, ``"Affine2"``
    last_layer : the ``SoftmaxWithLoss``

    ``predict``, ``loss`` and ``accuracy`` come from ``LayerNet`` (``networks.py``), as in
    sprint 7's 1D CNN.

    Example
    -------
    >>> net = SimpleConvNet(input_dim=(1, 8, 8), filter_num=3, filter_size=3, hidden_size=5,
    ...                     output_size=4)
    >>> {k: v.shape for k, v in net.params.items()}
    {'W1': (3, 1, 3, 3), 'b1': (3,), 'W2': (27, 5), 'b2': (5,), 'W3': (5, 4), 'b3': (4,)}
    >>> x = np.random.default_rng(0).random((2, 1, 8, 8), dtype=np.float32)
    >>> net.predict(x).shape, net.predict(x).dtype
    ((2, 4), dtype('float32'))
    >>> grads = net.gradient(x, np.array([0, 3]))
    >>> sorted(grads) == sorted(net.params), grads["W1"].shape
    (True, (3, 1, 3, 3))
    """

    def __init__(self, input_dim=(1, 28, 28), filter_num=30, filter_size=5, stride=1, pad=0,
                 pool_size=2, hidden_size=100, output_size=10, weight_init="he", seed=0,
                 dtype=np.float32):
        C, H, W = input_dim
        conv_h = conv_output_size(H, filter_size, stride, pad)
        conv_w = conv_output_size(W, filter_size, stride, pad)
        pool_h = conv_output_size(conv_h, pool_size, pool_size)
        pool_w = conv_output_size(conv_w, pool_size, pool_size)
        flat = filter_num * pool_h * pool_w
        weights = partial(gaussian_weights, np.random.default_rng(seed), std=weight_init,
                          dtype=dtype)        # weights(shape, fan_in)
        self.params = {
            "W1": weights((filter_num, C, filter_size, filter_size), C * filter_size ** 2),
            "b1": np.zeros(filter_num, dtype=dtype),
            "W2": weights((flat, hidden_size), flat),
            "b2": np.zeros(hidden_size, dtype=dtype),
            "W3": weights((hidden_size, output_size), hidden_size),
            "b3": np.zeros(output_size, dtype=dtype),
        }
        p = self.params
        self.layers = {
            "Conv1": Conv2d(p["W1"], p["b1"], stride=stride, pad=pad),
            "Relu1": Relu(),
            "Pool1": MaxPool2D(pool_size, pool_size),
            "Flatten": Flatten(),
            "Affine1": Affine(p["W2"], p["b2"]),
            "Relu2": Relu(),
            "Affine2": Affine(p["W3"], p["b3"]),
        }
        self.layers["Conv1"].needs_dx = False    # nobody needs the gradient of the images
        self.last_layer = SoftmaxWithLoss()
        self.last_loss = None

    def gradient(self, x, t):
        """One forward and one backward pass: the gradients, a dict keyed like ``params``.

        Also keeps ``self.last_loss`` (the loss of this forward pass) and the softmax output in
        ``self.last_layer.y``, so a training loop needs no second forward pass to report them.
        """
        self.last_loss = self.loss(x, t)
        grad = self.last_layer.backward(dout=1)              # ∂L/∂scores
        for layer in reversed(list(self.layers.values())):  # backward, last layer first
            grad = layer.backward(grad)
        conv, a1, a2 = self.layers["Conv1"], self.layers["Affine1"], self.layers["Affine2"]
        return {"W1": conv.dW, "b1": conv.db, "W2": a1.dW, "b2": a1.db, "W3": a2.dW, "b3": a2.db}


def train(net, x, t, optimizer, epochs=5, batch_size=100, x_val=None, t_val=None, seed=0,
          max_steps=None, progress=True):
    """Train ``net`` with mini-batches (ミニバッチ学習) and ``optimizer``; return the history.

    Each epoch shuffles the training set and takes ``len(x) // batch_size`` steps; each step is
    one ``net.gradient`` and one ``optimizer.update(net.params, grads)``. A progress bar shows
    the steps with the running loss.

    Parameters
    ----------
    net : a network with ``params``, ``gradient(x, t)``, ``last_loss``, ``accuracy``
    x : (N, C, H, W), t : (N,) labels; x_val, t_val : optional validation set
    optimizer : any object with ``update(params, grads)`` (sprint 6's ``Adam``, ...)
    max_steps : stop after this many steps in all (a quick run), or None

    Returns
    -------
    dict of lists: ``"loss"`` (every step), ``"train_loss"`` and ``"train_acc"`` (per epoch,
    the mean over the epoch's mini-batches *while* the network learned: no extra pass), and
    ``"val_acc"`` (per epoch, when a validation set is given).
    """
    rng = np.random.default_rng(seed)
    t = np.asarray(t)
    labels = t if t.ndim == 1 else np.argmax(t, axis=1)
    history = {"loss": [], "train_loss": [], "train_acc": [], "val_acc": []}
    steps_per_epoch = max(len(x) // batch_size, 1)
    total = epochs * steps_per_epoch
    if max_steps is not None:
        total = min(max_steps, total)
    bar = tqdm(total=total, desc="training", unit="step", disable=not progress)
    step = 0
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(x))
        losses, right, seen = [], 0, 0
        for i in range(steps_per_epoch):
            if step >= total:
                break
            batch = order[i * batch_size:(i + 1) * batch_size]
            grads = net.gradient(x[batch], t[batch])
            optimizer.update(net.params, grads)
            losses.append(net.last_loss)
            right += int(np.sum(np.argmax(net.last_layer.y, axis=1) == labels[batch]))
            seen += len(batch)
            step += 1
            bar.update(1)
            if step % 10 == 0:
                bar.set_postfix(epoch=epoch, loss=f"{np.mean(losses[-10:]):.4f}")
        if not losses:
            break
        history["loss"].extend(losses)
        history["train_loss"].append(float(np.mean(losses)))
        history["train_acc"].append(right / seen)
        if x_val is not None:
            history["val_acc"].append(net.accuracy(x_val, t_val))
        if step >= total:
            break
    bar.close()
    return history
