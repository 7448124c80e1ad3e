r"""Sprint 5: a neural-network classifier from scratch (スクラッチ), built from your layers.

Three pieces, each one graded on its own:

``GetMiniBatch(X, y, batch_size, seed)``
    Shuffles the training data once and hands it out in mini-batches (ミニバッチ): ``len()``
    is the number of batches, ``batches[i]`` is batch ``i``, ``for X_b, y_b in batches`` walks
    them all. One pass over all the batches is one **epoch** (エポック).
``init_params(layer_sizes, weight_init, seed, dtype)``
    The initial weights (重みの初期値) of every Affine layer, drawn from a seeded generator, and
    zero biases: ``{"W1": (D, H1), "b1": (H1,), "W2": ..., ...}``.
``ScratchNeuralNetClassifier(...)``
    The classifier with the scikit-learn style interface ``fit(X, y)`` / ``predict(X)``::

        x ─► Affine1 ─► ReLU ─► Affine2 ─► ReLU ─► ... ─► AffineL ─► scores ─► SoftmaxWithLoss ─► L

    Training (学習) repeats, for every mini-batch of every epoch, one *step*: a forward pass
    (順伝播) to the loss, a backward pass (逆伝播) to the gradients of every parameter, and an
    update of the parameters (パラメータの更新) by gradient descent (勾配降下法).

The training step is split into small methods so that sprint 6 can swap the update rule
(``optimizer=``) and reuse the rest: ``_forward`` (scores), ``_gradient`` (loss and
``self.grads``), ``_update`` (move ``self.params``). ``_initialize``, ``_build_layers`` and
``_loss_and_accuracy`` are provided.

Data: ``X: (N, D)`` (or images ``(N, C, H, W)``, flattened by the first Affine layer),
``y: (N,)`` class indices ``0 .. K-1``. The dtype of ``X`` is kept: float32 data trains in
float32 (half the memory, about twice as fast as float64).
"""
import numpy as np
from tqdm.auto import tqdm

from .layers import Affine, Relu, Sigmoid, SoftmaxWithLoss

#: The hidden activation layers (活性化関数レイヤ) by name.
ACTIVATIONS = {"relu": Relu, "sigmoid": Sigmoid}

#: The keys of ``ScratchNeuralNetClassifier.history``: one value per epoch each.
HISTORY_KEYS = ("train_loss", "train_acc", "val_loss", "val_acc")


class GetMiniBatch:
    r"""The training data, shuffled once, in mini-batches (ミニバッチ) of ``batch_size``.

    Mini-batch learning (ミニバッチ学習) estimates the gradient of the loss over the whole
    training set from a small random part of it at a time: many cheap, noisy steps instead of
    one expensive exact one. Shuffling (シャッフル) makes every batch a random sample, and
    ``X`` and ``y`` must be shuffled **with the same order**, so that each image keeps its label.

    The shuffle is a contract, because the checker compares the order: a permutation of the
    ``N = len(X)`` row indices drawn by a new generator made from ``seed``
    (``np.random.default_rng``, its ``permutation``); row ``k`` of the shuffled data is row
    ``order[k]`` of ``X`` — and of ``y``.

    Batch ``i`` is rows ``i * batch_size`` up to (not including) ``(i + 1) * batch_size`` of the
    shuffled data; the **last batch is smaller** when ``batch_size`` does not divide ``N``, so
    there are ``ceil(N / batch_size)`` batches and every sample is used once per epoch.

    Parameters
    ----------
    X : ndarray (N, ...), the inputs (any number of axes after the first; dtype kept)
    y : ndarray (N,) or (N, K), the labels
    batch_size : int, the number of samples per batch
    seed : int, the seed of the shuffle

    ``len(batches)`` is the number of batches; ``batches[i]`` returns the pair
    ``(X_batch, y_batch)`` of batch ``i`` (``IndexError`` past the end; ``-1`` is the last);
    ``for X_batch, y_batch in batches:`` visits them in order.

    Example
    -------
    >>> X, y = np.arange(10.0).reshape(5, 2), np.array([0, 1, 2, 3, 4])
    >>> batches = GetMiniBatch(X, y, batch_size=2, seed=0)
    >>> len(batches)                       # ceil(5 / 2): the last batch holds 1 sample
    3
    >>> X_batch, y_batch = batches[0]
    >>> X_batch, y_batch                   # rows 2 and 4 of X: a pair stays a pair
    (array([[4., 5.],
           [8., 9.]]), array([2, 4]))
    >>> [len(y_b) for X_b, y_b in batches]
    [2, 2, 1]

    Hint: ``np.ceil(N / batch_size)`` counts the last, smaller batch; ``int(...)`` makes it a
    whole number. Index ``X`` and ``y`` with the *same* ``order``.
    """

    def __init__(self, X, y, batch_size=20, seed=0):
        ### BEGIN SOLUTION
        self.batch_size = int(batch_size)
        rng = np.random.default_rng(seed)
        order = rng.permutation(len(X))
        self._X = X[order]
        self._y = y[order]
        self._stop = int(np.ceil(len(X) / self.batch_size))
        ### END SOLUTION

    def __len__(self):
        """The number of batches, ``ceil(N / batch_size)``."""
        ### BEGIN SOLUTION
        return self._stop
        ### END SOLUTION

    def __getitem__(self, item):
        """The pair ``(X_batch, y_batch)`` of batch ``item`` (negative counts from the end)."""
        ### BEGIN SOLUTION
        if item < 0:
            item += self._stop
        if not 0 <= item < self._stop:
            raise IndexError(f"batch {item} of {self._stop}")
        start = item * self.batch_size
        stop = start + self.batch_size
        return self._X[start:stop], self._y[start:stop]
        ### END SOLUTION

    def __iter__(self):
        """Every batch in order: ``batches[0]``, ``batches[1]``, ... (provided)."""
        for i in range(len(self)):
            yield self[i]


def init_params(layer_sizes, weight_init="he", seed=0, dtype="float64"):
    r"""The initial parameters of a fully connected network: random weights, zero biases.

    ``layer_sizes = [D, H1, ..., K]`` lists the neurons of every layer, input first: the
    network has ``L = len(layer_sizes) - 1`` Affine layers, and layer ``l`` (1-based) maps
    ``n_in = layer_sizes[l-1]`` inputs to ``n_out = layer_sizes[l]`` outputs with

    * ``W{l}``: ``(n_in, n_out)``, Gaussian (ガウス分布) with mean 0 and standard deviation
      ``std``;
    * ``b{l}``: ``(n_out,)``, zeros.

    The standard deviation (標準偏差) depends on ``weight_init``:

    ============ ====================== =========================================
    weight_init  std                    for
    ============ ====================== =========================================
    ``"he"``     :math:`\sqrt{2/n_{in}}` ReLU (He の初期値)
    ``"xavier"`` :math:`\sqrt{1/n_{in}}` sigmoid, tanh (Xavier の初期値)
    a number     that number             e.g. 0.01, the book's first experiments
    ============ ====================== =========================================

    Too small, and the signal (and the gradient) fades layer after layer; too large, and
    sigmoids saturate. Sprint 6 looks at why these two are right.

    The draws are a contract, because the checker compares the numbers: **one** generator
    (``np.random.default_rng(seed)``) for the whole network; layer 1's weights first, then layer
    2's, ...; each ``W{l}`` is ``n_in × n_out`` standard normal numbers (its
    ``standard_normal``, float64) times ``std``, then converted to ``dtype``. The biases are not
    drawn.

    Parameters
    ----------
    layer_sizes : sequence of ints, ``[D, H1, ..., K]`` (at least 2)
    weight_init : ``"he"``, ``"xavier"`` or a positive number (the std)
    seed : int, the seed of the generator
    dtype : the dtype of every array, e.g. ``"float64"`` or ``"float32"``

    Returns
    -------
    dict ``{"W1": (D, H1), "b1": (H1,), "W2": (H1, H2), ..., "bL": (K,)}``, keys in this order

    Example
    -------
    >>> params = init_params([3, 2, 2], weight_init="he", seed=0)
    >>> {key: value.shape for key, value in params.items()}
    {'W1': (3, 2), 'b1': (2,), 'W2': (2, 2), 'b2': (2,)}
    >>> params["W1"]                    # std = sqrt(2 / 3)
    array([[ 0.1026583 , -0.10786317],
           [ 0.5229029 ,  0.08565059],
           [-0.43737221,  0.29524113]])
    >>> init_params([2, 1], weight_init=0.01, seed=0, dtype="float32")["W1"].dtype
    dtype('float32')

    Hint: ``std`` uses the number of *inputs* of the layer, ``n_in``. Create the generator once,
    before the loop: a new ``default_rng(seed)`` per layer would give every layer the same
    numbers.
    """
    ### BEGIN SOLUTION
    if len(layer_sizes) < 2:
        raise ValueError(f"layer_sizes needs an input and an output size, got {layer_sizes!r}")
    rng = np.random.default_rng(seed)
    params = {}
    for layer, (n_in, n_out) in enumerate(zip(layer_sizes[:-1], layer_sizes[1:]), start=1):
        if weight_init == "he":
            std = np.sqrt(2.0 / n_in)
        elif weight_init == "xavier":
            std = np.sqrt(1.0 / n_in)
        elif isinstance(weight_init, str):
            raise ValueError(f'weight_init must be "he", "xavier" or a number, got {weight_init!r}')
        else:
            std = float(weight_init)
        params[f"W{layer}"] = (std * rng.standard_normal((n_in, n_out))).astype(dtype)
        params[f"b{layer}"] = np.zeros(n_out, dtype=dtype)
    return params
    ### END SOLUTION


def _softmax(scores):
    """Row-wise softmax of ``scores: (N, K)``, stable for large scores (provided helper)."""
    shifted = scores - np.max(scores, axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / np.sum(exp, axis=1, keepdims=True)


class ScratchNeuralNetClassifier:
    r"""A fully connected neural-network classifier (ニューラルネットワーク分類器) from scratch.

    ``D → hidden_sizes[0] → ... → hidden_sizes[-1] → K`` with an activation after every hidden
    Affine layer, softmax and cross-entropy (交差エントロピー誤差) at the end, trained by
    mini-batch gradient descent. ``D`` and the number of classes ``K = max(y) + 1`` come from
    the data given to ``fit``.

    Parameters
    ----------
    hidden_sizes : tuple of ints, the neurons of each hidden layer (中間層); ``()`` gives
        softmax regression (no hidden layer)
    activation : ``"relu"`` or ``"sigmoid"``, the hidden layers' activation
    lr : float, the learning rate (学習率) of plain SGD, used when ``optimizer`` is None
    epochs : int, the number of passes over the training data (each ``fit`` starts afresh)
    batch_size : int, the samples per mini-batch
    optimizer : None (plain SGD, ``W ← W - lr · ∂L/∂W``) or any object with
        ``update(params, grads)`` that updates the dicts' arrays in place (sprint 6's Adam ...)
    weight_init : ``"he"``, ``"xavier"`` or a number, see :func:`init_params`
    seed : int, the seed of the initial weights (``init_params(..., seed=seed)``) and of the
        shuffles (epoch ``e``, counted from 0, uses ``GetMiniBatch(..., seed=seed + e)``)
    verbose : bool, show a progress bar (tqdm) over the epochs with the latest losses

    Attributes
    ----------
    params : dict ``{"W1": (D, H1), "b1": (H1,), ..., "bL": (K,)}``; the Affine layers hold
        these very arrays, so they are updated **in place**
    grads : dict with the same keys and shapes, the gradients of the latest ``_gradient``
    layers : list of the layers in forward order (Affine, activation, Affine, ..., Affine);
        ``last_layer`` is the ``SoftmaxWithLoss`` layer
    history : dict of lists, one value per epoch: ``"train_loss"``, ``"train_acc"`` on the
        whole training set and ``"val_loss"``, ``"val_acc"`` on the validation set (empty
        lists without one), each measured after the epoch's last update

    Example
    -------
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    >>> y = np.array([0, 1, 1, 0])                         # XOR
    >>> clf = ScratchNeuralNetClassifier(hidden_sizes=(8,), lr=0.5, epochs=300, batch_size=4,
    ...                                  seed=0, verbose=False).fit(X, y)
    >>> clf.predict(X)
    array([0, 1, 1, 0])
    >>> clf.predict_proba(X).shape, len(clf.history["train_loss"])
    ((4, 2), 300)
    """

    def __init__(self, hidden_sizes=(100,), activation="relu", lr=0.01, epochs=10,
                 batch_size=100, optimizer=None, weight_init="he", seed=0, verbose=True):
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
        self.hidden_sizes = tuple(int(h) for h in hidden_sizes)
        self.activation = activation
        self.lr = lr
        self.epochs = int(epochs)
        self.batch_size = int(batch_size)
        self.optimizer = optimizer
        self.weight_init = weight_init
        self.seed = seed
        self.verbose = verbose
        self.params = {}
        self.grads = {}
        self.layers = []
        self.last_layer = None
        self.history = {key: [] for key in HISTORY_KEYS}

    # ------------------------------------------------------------------ provided
    def _initialize(self, n_features, n_classes, dtype="float64"):
        """Fresh parameters ``init_params([D, *hidden_sizes, K], weight_init, seed, dtype)``
        and the layers that use them (provided)."""
        sizes = [int(n_features), *self.hidden_sizes, int(n_classes)]
        self._build_layers(init_params(sizes, self.weight_init, self.seed, dtype))

    def _build_layers(self, params):
        """Use ``params`` (``{"W1", "b1", ..., "bL"}``) and build the layers on them (provided).

        ``self.layers`` becomes ``[Affine(W1, b1), activation, Affine(W2, b2), ..., Affine(WL,
        bL)]`` and ``self.last_layer`` a new ``SoftmaxWithLoss``. The Affine layers hold the
        *same* arrays as ``self.params``: update them in place and the layers see the change.
        """
        self.params = params
        self.grads = {}
        n_affine = len(params) // 2
        self.layers = []
        for i in range(1, n_affine + 1):
            self.layers.append(Affine(params[f"W{i}"], params[f"b{i}"]))
            if i < n_affine:
                self.layers.append(ACTIVATIONS[self.activation]())
        self.last_layer = SoftmaxWithLoss()

    def _loss_and_accuracy(self, X, y, chunk=10_000):
        """The mean loss and the accuracy (正解率) on ``X: (N, ...)``, ``y: (N,)`` (provided).

        Forward passes only, ``chunk`` samples at a time (to bound the memory); uses
        ``self._forward`` and a separate ``SoftmaxWithLoss``, so training state is untouched.
        """
        total_loss, correct = 0.0, 0
        for start in range(0, len(X), chunk):
            scores = self._forward(X[start:start + chunk])
            labels = y[start:start + chunk]
            total_loss += SoftmaxWithLoss().forward(scores, labels) * len(labels)
            correct += int(np.sum(np.argmax(scores, axis=1) == labels))
        return total_loss / len(X), correct / len(X)

    # ------------------------------------------------------------------ the training step
    def _forward(self, X):
        r"""The scores (スコア, logits) of ``X: (N, ...)``: every layer's ``forward`` in order.

        The network is the composition of its layers,
        :math:`\text{scores} = f_L(\cdots f_2(f_1(X)))` with :math:`f_i` the ``forward`` of
        ``self.layers[i-1]``: each layer's output is the next one's input. Returns ``(N, K)``.
        Softmax is **not** applied here: the last layer (``SoftmaxWithLoss``)
        does it, together with the loss.

        Example
        -------
        >>> clf = ScratchNeuralNetClassifier(hidden_sizes=(2,), verbose=False)
        >>> clf._build_layers({"W1": np.array([[1.0, -1.0]]), "b1": np.array([0.0, 0.5]),
        ...                    "W2": np.array([[1.0, 0.0], [0.0, 2.0]]), "b2": np.zeros(2)})
        >>> clf._forward(np.array([[2.0], [-1.0]]))      # ReLU([2, -1.5]) = [2, 0] ...
        array([[2., 0.],
               [0., 3.]])
        """
        ### BEGIN SOLUTION
        out = X
        for layer in self.layers:
            out = layer.forward(out)
        return out
        ### END SOLUTION

    def _gradient(self, X, y):
        r"""One forward and one backward pass on a mini-batch; set ``self.grads``, return the loss.

        * the loss :math:`L` is the mean cross-entropy of the batch, computed by
          ``self.last_layer`` (``SoftmaxWithLoss``) from the scores of ``_forward``;
        * backpropagation (誤差逆伝播法) is the chain rule from :math:`L` back to every
          parameter: the last layer's ``backward`` (with ``dout = 1``) already gives
          :math:`\partial L / \partial\,\text{scores} = (\text{softmax} - t) / N`, and each
          layer, **last first**, turns the gradient of its output into that of its input;
        * afterwards every Affine layer holds ``dW`` and ``db``: ``self.grads`` maps ``"W{l}"``,
          ``"b{l}"`` to those of the ``l``-th Affine layer (counting from 1), the shapes of
          ``self.params``.

        ``X: (N, ...)``, ``y: (N,)``. Returns the loss (a float).

        Example
        -------
        >>> clf = ScratchNeuralNetClassifier(hidden_sizes=(), verbose=False)
        >>> clf._build_layers({"W1": np.zeros((2, 2)), "b1": np.zeros(2)})
        >>> round(clf._gradient(np.array([[1.0, 2.0]]), np.array([1])), 6)   # log 2
        0.693147
        >>> clf.grads["W1"]                              # x.T @ (y - t) / N
        array([[ 0.5, -0.5],
               [ 1. , -1. ]])

        Hint: do not multiply ``dout`` by the softmax's derivative or divide it by ``N`` again:
        ``SoftmaxWithLoss.backward`` did both. Take ``layer.dW`` as it is (shape ``(D, M)``, the
        shape of ``W``): no transpose.
        """
        ### BEGIN SOLUTION
        loss = self.last_layer.forward(self._forward(X), y)
        dout = self.last_layer.backward(1)
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        self.grads = {}
        affine_layers = [layer for layer in self.layers if isinstance(layer, Affine)]
        for i, layer in enumerate(affine_layers, start=1):
            self.grads[f"W{i}"] = layer.dW
            self.grads[f"b{i}"] = layer.db
        return loss
        ### END SOLUTION

    def _update(self):
        r"""Move the parameters with the latest gradients, **in place**.

        Without an optimizer, plain stochastic gradient descent (確率的勾配降下法, SGD):

        .. math:: W \leftarrow W - \eta\, \frac{\partial L}{\partial W} \qquad (\eta = \texttt{lr})

        for every key of ``self.params``; with one, ``self.optimizer.update(self.params,
        self.grads)``.

        Example
        -------
        >>> clf = ScratchNeuralNetClassifier(hidden_sizes=(), lr=0.1, verbose=False)
        >>> clf._build_layers({"W1": np.array([[1.0]]), "b1": np.array([0.0])})
        >>> clf.grads = {"W1": np.array([[2.0]]), "b1": np.array([-1.0])}
        >>> clf._update()
        >>> clf.params["W1"], clf.layers[0].W          # the layer sees the same array
        (array([[0.8]]), array([[0.8]]))

        Hint: ``self.params[key] -= ...`` changes the array the Affine layer holds;
        ``self.params[key] = self.params[key] - ...`` makes a *new* array that the layer never
        sees, and the network stops learning.
        """
        ### BEGIN SOLUTION
        if self.optimizer is not None:
            self.optimizer.update(self.params, self.grads)
            return
        for key in self.params:
            self.params[key] -= self.lr * self.grads[key]
        ### END SOLUTION

    # ------------------------------------------------------------------ the interface
    def fit(self, X, y, X_val=None, y_val=None):
        r"""Train on ``X: (N, ...)``, ``y: (N,)``, measuring on ``X_val``, ``y_val``; return self.

        The contract (the checker replays it):

        * every ``fit`` starts afresh: new parameters from ``_initialize(D, K, dtype)`` — ``D``
          the features per sample (the product of ``X.shape[1:]``), ``K`` the largest label of
          ``y`` (and ``y_val``) plus one, ``dtype`` that of ``X`` — and empty ``history`` lists;
        * ``epochs`` epochs; epoch ``e`` (counted from 0) visits every mini-batch of
          ``GetMiniBatch`` with seed ``seed + e`` (a new shuffle every epoch), and every
          mini-batch is one training step: the gradients (``_gradient``), then the update
          (``_update``);
        * after each epoch, the loss and accuracy on the whole training set
          (``_loss_and_accuracy``) join ``history["train_loss"]``, ``history["train_acc"]``, and,
          when ``X_val`` is given, those on the validation set join ``"val_loss"``, ``"val_acc"``;
        * with ``verbose``, a tqdm progress bar over the epochs shows the latest numbers.

        Example
        -------
        >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [0.9, 0.2], [0.1, 0.8]])
        >>> clf = ScratchNeuralNetClassifier(hidden_sizes=(3,), lr=0.5, epochs=20, batch_size=2,
        ...                                  verbose=False)
        >>> clf.fit(X, np.array([0, 1, 1, 0])) is clf
        True
        >>> clf.history["train_acc"][-1], clf.history["val_acc"]
        (1.0, [])
        """
        ### BEGIN SOLUTION
        X, y = np.asarray(X), np.asarray(y)
        n_classes = int(np.max(y)) + 1
        if y_val is not None:
            n_classes = max(n_classes, int(np.max(y_val)) + 1)
        dtype = X.dtype if X.dtype.kind == "f" else np.float64
        self._initialize(int(np.prod(X.shape[1:])), n_classes, dtype)
        self.history = {key: [] for key in HISTORY_KEYS}
        bar = tqdm(range(self.epochs), desc="epochs", disable=not self.verbose)
        for epoch in bar:
            for X_batch, y_batch in GetMiniBatch(X, y, self.batch_size, seed=self.seed + epoch):
                self._gradient(X_batch, y_batch)
                self._update()
            train_loss, train_acc = self._loss_and_accuracy(X, y)
            self.history["train_loss"].append(train_loss)
            self.history["train_acc"].append(train_acc)
            shown = {"loss": f"{train_loss:.4f}", "acc": f"{train_acc:.3f}"}
            if X_val is not None:
                val_loss, val_acc = self._loss_and_accuracy(np.asarray(X_val), np.asarray(y_val))
                self.history["val_loss"].append(val_loss)
                self.history["val_acc"].append(val_acc)
                shown.update(val_loss=f"{val_loss:.4f}", val_acc=f"{val_acc:.3f}")
            bar.set_postfix(shown)
        return self
        ### END SOLUTION

    def predict_proba(self, X):
        r"""The probability of every class, ``(N, K)``: the softmax (ソフトマックス) of the scores.

        .. math:: p_{nk} = \frac{\exp(a_{nk} - m_n)}{\sum_j \exp(a_{nj} - m_n)}, \qquad
                  m_n = \max_j a_{nj}

        with ``a = self._forward(X)``. Subtracting each row's maximum changes nothing
        mathematically and keeps ``exp`` from overflowing. Each row sums to 1.

        Example
        -------
        >>> clf = ScratchNeuralNetClassifier(hidden_sizes=(), verbose=False)
        >>> clf._build_layers({"W1": np.array([[1.0, 2.0, 3.0]]), "b1": np.zeros(3)})
        >>> clf.predict_proba(np.array([[0.0], [1000.0]])).round(4)
        array([[0.3333, 0.3333, 0.3333],
               [0.    , 0.    , 1.    ]])
        """
        ### BEGIN SOLUTION
        return _softmax(self._forward(X))
        ### END SOLUTION

    def predict(self, X):
        r"""The predicted class of every sample, ``(N,)`` ints: the class with the highest score.

        ``np.argmax`` over the classes (``axis=1``) of the scores, or of ``predict_proba``: the
        same class, since softmax keeps the order.

        Example
        -------
        >>> clf = ScratchNeuralNetClassifier(hidden_sizes=(), verbose=False)
        >>> clf._build_layers({"W1": np.array([[1.0, -1.0]]), "b1": np.zeros(2)})
        >>> clf.predict(np.array([[2.0], [-3.0], [0.5]]))
        array([0, 1, 0])
        """
        ### BEGIN SOLUTION
        return np.argmax(self._forward(X), axis=1)
        ### END SOLUTION
