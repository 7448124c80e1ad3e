"""A network as layers in order (provided): what the networks of sprints 7 to 9 share.

The 1D CNN (``cnn1d.py``), the CNN (``cnn.py``) and the deep CNN (``deep_cnn.py``) are each
built the same way: the layers in forward order in the dict ``self.layers`` (name → layer),
the loss layer (``SoftmaxWithLoss``) in ``self.last_layer``. Then the forward pass is the
layers run in order, as in sprint 4, and ``LayerNet`` writes it, the loss and the accuracy
once for all of them.
"""
import numpy as np


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
