"""A network as layers in order (provided): what the networks of sprints 7 to 9 share.

The 1D CNN (``cnn1d.py``), the CNN (``cnn.py``) and the deep CNN (``deep_cnn.py``) are each
built the same way: the layers in forward order in the dict ``self.layers`` (name → layer),
the loss layer (``SoftmaxWithLoss``) in ``self.last_layer``. Then the forward pass is the
layers run in order, as in sprint 4, and ``LayerNet`` writes it, the loss and the accuracy
once for all of them. Their weights start from ``gaussian_weights``.
"""
import numpy as np


def gaussian_weights(rng, shape, fan_in, std="he", dtype=np.float32):
    """Random initial weights of ``shape``: ``rng.standard_normal(shape) * std``, as ``dtype``.

    ``std="he"`` is the He initialisation (Heの初期値) for ReLU, ``sqrt(2 / fan_in)``, where
    ``fan_in`` is the number of inputs of one unit: ``C · FH · FW`` for a filter of shape
    ``(F, C, FH, FW)`` (``C · FL`` in 1D), ``n_in`` for an affine weight ``(n_in, n_out)``.
    A number is used as the standard deviation itself (the book's 0.01). The biases start at
    zero and need no helper.

    >>> W = gaussian_weights(np.random.default_rng(0), (100, 50), fan_in=100)
    >>> W.shape, W.dtype, round(float(W.std()), 3)          # sqrt(2 / 100) = 0.141
    ((100, 50), dtype('float32'), 0.141)
    """
    scale = np.sqrt(2.0 / fan_in) if std == "he" else float(std)
    return (rng.standard_normal(shape) * scale).astype(dtype)


class LayerNet:
    """``predict``, ``loss`` and ``accuracy`` of a network made of ``layers`` and ``last_layer``.

    A network subclasses it: its ``__init__`` builds ``self.params``, ``self.layers`` (forward
    order) and ``self.last_layer``, and it writes its own ``gradient``.
    """

    def predict(self, x):
        """The scores (before softmax) ``(N, n_classes)``: ``x`` through every layer in order."""
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

    def loss(self, x, t):
        """The mean cross-entropy error (a float) of ``x``; labels ``t`` indices or one-hot."""
        return self.last_layer.forward(self.predict(x), t)

    def accuracy(self, x, t, batch_size=500):
        """The fraction of ``x`` classified right (認識精度), computed ``batch_size`` at a time."""
        t = np.asarray(t)
        labels = t if t.ndim == 1 else t.argmax(axis=1)
        right = 0
        for start in range(0, len(x), batch_size):
            scores = self.predict(x[start:start + batch_size])
            right += int(np.sum(scores.argmax(axis=1) == labels[start:start + batch_size]))
        return right / len(x)
