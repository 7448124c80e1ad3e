"""Sprint 5 (the classifier from scratch): implementations a learner could write."""
import numpy as np
from tqdm.auto import tqdm

from solutions.classifier import HISTORY_KEYS, GetMiniBatch, ScratchNeuralNetClassifier, _softmax
from solutions.layers import Affine

from . import FLOAT32, INT_LABELS, RETURN_SELF, correct, mistake, undetectable


# --------------------------------------------------------------------------- GetMiniBatch
@correct("sprint5.get_mini_batch")
class MiniBatchDiveIntoCode:
    # The course's original GetMiniBatch, with negative indices and IndexError added.
    def __init__(self, X, y, batch_size=20, seed=0):
        self.batch_size = batch_size
        rng = np.random.default_rng(seed)
        shuffle_index = rng.permutation(np.arange(X.shape[0]))
        self._X = X[shuffle_index]
        self._y = y[shuffle_index]
        self._stop = np.ceil(X.shape[0] / self.batch_size).astype(np.int64)

    def __len__(self):
        return int(self._stop)

    def __getitem__(self, item):
        if item < 0:
            item += self._stop
        if item < 0 or item >= self._stop:
            raise IndexError("no such batch")
        p0 = item * self.batch_size
        p1 = item * self.batch_size + self.batch_size
        return self._X[p0:p1], self._y[p0:p1]

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]


@correct("sprint5.get_mini_batch")
class MiniBatchPrecomputedList:
    def __init__(self, X, y, batch_size=20, seed=0):
        order = np.random.default_rng(seed).permutation(len(X))
        X, y = X[order], y[order]
        self.batches = [(X[i:i + batch_size], y[i:i + batch_size])
                        for i in range(0, len(X), batch_size)]

    def __len__(self):
        return len(self.batches)

    def __getitem__(self, item):
        return self.batches[item]

    def __iter__(self):
        return iter(self.batches)


@mistake("sprint5.get_mini_batch")
class MiniBatchNoNegativeIndex(GetMiniBatch):
    # The course's original __getitem__: batches[-1] is an empty slice.
    def __getitem__(self, item):
        p0 = item * self.batch_size
        p1 = item * self.batch_size + self.batch_size
        return self._X[p0:p1], self._y[p0:p1]


@mistake("sprint5.get_mini_batch")
class MiniBatchEmptyPastTheEnd(GetMiniBatch):
    # batches[len(batches)] gives two empty arrays instead of IndexError: a for loop over
    # the indices never ends on its own.
    def __getitem__(self, item):
        if item < 0:
            item += self._stop
        start = item * self.batch_size
        return self._X[start:start + self.batch_size], self._y[start:start + self.batch_size]


@mistake("sprint5.get_mini_batch")
class MiniBatchFloorDivision(GetMiniBatch):
    # Only len() is wrong (batches[-1] is still right): the known mistake's hint needs every
    # output of the case to match, so only the generic "times 0.6667" hint shows.
    def __len__(self):
        return len(self._X) // self.batch_size


# --------------------------------------------------------------------------- init_params
@correct("sprint5.init_params")
def init_params_gains(layer_sizes, weight_init="he", seed=0, dtype="float64"):
    rng = np.random.default_rng(seed)
    gains = {"he": 2.0, "xavier": 1.0}
    params = {}
    for i in range(1, len(layer_sizes)):
        n_in, n_out = layer_sizes[i - 1], layer_sizes[i]
        std = np.sqrt(gains[weight_init] / n_in) if weight_init in gains else weight_init
        params["W" + str(i)] = (std * rng.standard_normal((n_in, n_out))).astype(dtype)
        params["b" + str(i)] = np.zeros(n_out).astype(dtype)
    return params


@correct("sprint5.init_params")
def init_params_branches(layer_sizes, weight_init="he", seed=0, dtype="float64"):
    rng = np.random.default_rng(seed)
    params = {}
    for k, (n_in, n_out) in enumerate(zip(layer_sizes, layer_sizes[1:]), 1):
        if weight_init == "he":
            std = (2 / n_in) ** 0.5
        elif weight_init == "xavier":
            std = 1 / n_in ** 0.5
        else:
            std = weight_init
        W = std * rng.standard_normal(size=(n_in, n_out))
        params[f"W{k}"] = np.asarray(W, dtype=dtype)
        params[f"b{k}"] = np.zeros(n_out, dtype=dtype)
    return params


@mistake("sprint5.init_params", hint="Create the generator once, before the loop")
def init_params_rng_per_layer(layer_sizes, weight_init="he", seed=0, dtype="float64"):
    params = {}
    for k in range(1, len(layer_sizes)):
        rng = np.random.default_rng(seed)
        n_in, n_out = layer_sizes[k - 1], layer_sizes[k]
        std = {"he": np.sqrt(2 / n_in), "xavier": np.sqrt(1 / n_in)}.get(weight_init,
                                                                         weight_init)
        params[f"W{k}"] = (std * rng.standard_normal((n_in, n_out))).astype(dtype)
        params[f"b{k}"] = np.zeros(n_out, dtype=dtype)
    return params


@mistake("sprint5.init_params", xfail=FLOAT32)
def init_params_ignores_dtype(layer_sizes, weight_init="he", seed=0, dtype="float64"):
    rng = np.random.default_rng(seed)
    params = {}
    for k in range(1, len(layer_sizes)):
        n_in, n_out = layer_sizes[k - 1], layer_sizes[k]
        std = {"he": np.sqrt(2 / n_in), "xavier": np.sqrt(1 / n_in)}.get(weight_init,
                                                                         weight_init)
        # float64 always, although the docstring's own example shows float32
        params[f"W{k}"] = std * rng.standard_normal((n_in, n_out)).astype(dtype)
        params[f"b{k}"] = np.zeros(n_out)
    return params


# --------------------------------------------------------------------------- _forward
@correct("sprint5.forward")
class ForwardReduce(ScratchNeuralNetClassifier):
    def _forward(self, X):
        from functools import reduce

        return reduce(lambda out, layer: layer.forward(out), self.layers, X)


@correct("sprint5.forward")
class ForwardIndexLoop(ScratchNeuralNetClassifier):
    def _forward(self, X):
        x = X
        for i in range(len(self.layers)):
            x = self.layers[i].forward(x)
        return x


@mistake("sprint5.forward", hint="before softmax")
class ForwardWithSoftmax(ScratchNeuralNetClassifier):
    def _forward(self, X):
        out = X
        for layer in self.layers:
            out = layer.forward(out)
        return _softmax(out)


@mistake("sprint5.forward")
class ForwardSkipsLastLayer(ScratchNeuralNetClassifier):
    def _forward(self, X):
        out = X
        for layer in self.layers[:-1]:
            out = layer.forward(out)
        return out


# --------------------------------------------------------------------------- _gradient
@correct("sprint5.gradient")
class GradientBookOrder(ScratchNeuralNetClassifier):
    def _gradient(self, X, y):
        scores = self._forward(X)
        loss = self.last_layer.forward(scores, y)
        dout = 1
        dout = self.last_layer.backward(dout)
        layers = list(self.layers)
        layers.reverse()
        for layer in layers:
            dout = layer.backward(dout)
        self.grads = {}
        n = 0
        for layer in self.layers:
            if isinstance(layer, Affine):
                n += 1
                self.grads["W" + str(n)] = layer.dW
                self.grads["b" + str(n)] = layer.db
        return loss


@correct("sprint5.gradient")
class GradientIndexArithmetic(ScratchNeuralNetClassifier):
    def _gradient(self, X, y):
        loss = self.last_layer.forward(self._forward(X), y)
        dout = self.last_layer.backward()
        for layer in self.layers[::-1]:
            dout = layer.backward(dout)
        affines = self.layers[::2]          # Affine, activation, Affine, ...
        self.grads = {}
        for i, layer in enumerate(affines):
            self.grads[f"W{i + 1}"] = layer.dW.copy()
            self.grads[f"b{i + 1}"] = layer.db.copy()
        return float(loss)


class _GradientFromDout(ScratchNeuralNetClassifier):
    """_gradient with the loss's gradient as a step, for the slips below to change."""

    def _dout(self, X):
        return self.last_layer.backward(1)

    def _gradient(self, X, y):
        loss = self.last_layer.forward(self._forward(X), y)
        dout = self._dout(X)
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        affine = [layer for layer in self.layers if isinstance(layer, Affine)]
        self.grads = {}
        for i, layer in enumerate(affine, 1):
            self.grads[f"W{i}"], self.grads[f"b{i}"] = layer.dW, layer.db
        return loss


@mistake("sprint5.gradient", hint="N times too small")
class GradientDividedTwice(_GradientFromDout):
    def _dout(self, X):
        return self.last_layer.backward(1) / X.shape[0]


@mistake("sprint5.gradient", hint="N times too large")
class GradientNotAveraged(_GradientFromDout):
    def _dout(self, X):
        return self.last_layer.y - self.last_layer.t


# --------------------------------------------------------------------------- _update
@correct("sprint5.update")
class UpdateSubtractOut(ScratchNeuralNetClassifier):
    def _update(self):
        if self.optimizer is not None:
            self.optimizer.update(self.params, self.grads)
        else:
            for key, grad in self.grads.items():
                np.subtract(self.params[key], self.lr * grad, out=self.params[key])


@correct("sprint5.update", xfail=RETURN_SELF)
class UpdateReturnsSelf(ScratchNeuralNetClassifier):
    def _update(self):
        if self.optimizer is not None:
            self.optimizer.update(self.params, self.grads)
            return self
        for key in self.params.keys():
            self.params[key] -= self.lr * self.grads[key]
        return self


@correct("sprint5.update")
class UpdateSliceAssign(ScratchNeuralNetClassifier):
    def _update(self):
        if self.optimizer:
            return self.optimizer.update(self.params, self.grads)
        for key in self.params:
            self.params[key][...] = self.params[key] - self.lr * self.grads[key]


@mistake("sprint5.update", hint="Update in place")
class UpdateRebinds(ScratchNeuralNetClassifier):
    def _update(self):
        for key in self.params:
            self.params[key] = self.params[key] - self.lr * self.grads[key]


@mistake("sprint5.update")
class UpdateIgnoresLr(ScratchNeuralNetClassifier):
    def _update(self):
        for key in self.params:
            self.params[key] -= self.grads[key]


# --------------------------------------------------------------------------- predict
@correct("sprint5.predict")
class PredictViaProba(ScratchNeuralNetClassifier):
    def predict_proba(self, X):
        a = self._forward(X)
        a = a - a.max(axis=1, keepdims=True)
        return np.exp(a) / np.exp(a).sum(axis=1, keepdims=True)

    def predict(self, X):
        return self.predict_proba(X).argmax(axis=1)


@correct("sprint5.predict")
class PredictLogSumExp(ScratchNeuralNetClassifier):
    def predict_proba(self, X):
        a = self._forward(X)
        m = np.max(a, axis=1, keepdims=True)
        return np.exp(a - m - np.log(np.sum(np.exp(a - m), axis=1, keepdims=True)))

    def predict(self, X):
        return np.array([int(np.argmax(row)) for row in self._forward(X)])


@mistake("sprint5.predict", hint="subtract each row's maximum")
class PredictPlainExp(ScratchNeuralNetClassifier):
    def predict_proba(self, X):
        e = np.exp(self._forward(X))
        return e / e.sum(axis=1, keepdims=True)


@mistake("sprint5.predict", xfail=INT_LABELS)
class PredictFloatLabels(ScratchNeuralNetClassifier):
    def predict(self, X):
        labels = np.zeros(len(X))
        labels[:] = np.argmax(self._forward(X), axis=1)
        return labels


# --------------------------------------------------------------------------- fit
@correct("sprint5.fit")
class FitIndexedBatches(ScratchNeuralNetClassifier):
    def fit(self, X, y, X_val=None, y_val=None):
        K = int(y.max()) + 1 if y_val is None else int(max(y.max(), y_val.max())) + 1
        self._initialize(int(np.prod(X.shape[1:])), K, X.dtype)
        self.history = {"train_loss": [], "train_acc": [], "val_loss": [], "val_acc": []}
        for epoch in tqdm(range(self.epochs), disable=not self.verbose):
            batches = GetMiniBatch(X, y, batch_size=self.batch_size, seed=self.seed + epoch)
            for i in range(len(batches)):
                X_b, y_b = batches[i]
                self._gradient(X_b, y_b)
                self._update()
            loss, acc = self._loss_and_accuracy(X, y)
            self.history["train_loss"].append(loss)
            self.history["train_acc"].append(acc)
            if X_val is not None:
                loss, acc = self._loss_and_accuracy(X_val, y_val)
                self.history["val_loss"].append(loss)
                self.history["val_acc"].append(acc)
        return self


@correct("sprint5.fit")
class FitHistoryLoop(ScratchNeuralNetClassifier):
    def fit(self, X, y, X_val=None, y_val=None):
        labels = [y] if y_val is None else [y, y_val]
        n_classes = max(int(np.max(v)) for v in labels) + 1
        self._initialize(X[0].size, n_classes, X.dtype)
        self.history = {key: [] for key in HISTORY_KEYS}
        for epoch in tqdm(range(self.epochs), disable=not self.verbose):
            for X_batch, y_batch in GetMiniBatch(X, y, self.batch_size, self.seed + epoch):
                self._gradient(X_batch, y_batch)
                self._update()
            sets = [("train", X, y)] + ([("val", X_val, y_val)] if X_val is not None else [])
            for name, X_set, y_set in sets:
                loss, acc = self._loss_and_accuracy(X_set, y_set)
                self.history[f"{name}_loss"].append(loss)
                self.history[f"{name}_acc"].append(acc)
        return self


class _FitInSteps(ScratchNeuralNetClassifier):
    """fit with its steps named, so that a mistake below changes one of them (and no
    progress bar)."""

    def _n_classes(self, y, y_val):
        return max(int(np.max(v)) for v in ([y] if y_val is None else [y, y_val])) + 1

    def _start(self, X, y, y_val):
        self._initialize(X[0].size, self._n_classes(y, y_val), X.dtype)

    def _epoch_seed(self, epoch):
        return self.seed + epoch

    def fit(self, X, y, X_val=None, y_val=None):
        self._start(X, y, y_val)
        self.history = {key: [] for key in HISTORY_KEYS}
        for epoch in range(self.epochs):
            for X_batch, y_batch in GetMiniBatch(X, y, self.batch_size, self._epoch_seed(epoch)):
                self._gradient(X_batch, y_batch)
                self._update()
            for name, X_set, y_set in [("train", X, y), ("val", X_val, y_val)]:
                if X_set is not None:
                    loss, acc = self._loss_and_accuracy(X_set, y_set)
                    self.history[f"{name}_loss"].append(loss)
                    self.history[f"{name}_acc"].append(acc)
        return self


@mistake("sprint5.fit", hint="Shuffle differently every epoch")
class FitSameShuffle(_FitInSteps):
    def _epoch_seed(self, epoch):
        return self.seed


@mistake("sprint5.fit")
class FitClassesFromTrainingOnly(_FitInSteps):
    def _n_classes(self, y, y_val):
        return int(np.max(y)) + 1


@mistake("sprint5.fit", hint="Every fit starts afresh")
class FitInitialisesOnce(_FitInSteps):
    def _start(self, X, y, y_val):
        if not self.params:
            super()._start(X, y, y_val)


@mistake("sprint5.fit", xfail=FLOAT32)
class FitFloat64Always(ScratchNeuralNetClassifier):
    # float32 data trained in float64: the parameters come back float64.
    def fit(self, X, y, X_val=None, y_val=None):
        return super().fit(np.asarray(X, dtype=np.float64), y, X_val, y_val)


@undetectable("sprint5.update",
              why="no case can pass an optimizer: only values cross to the learner's process, "
                  "and an object with an update method is not a value",
              human="sprint 6's notebook trains the classifier with each optimizer: identical "
                    "curves for SGD and Adam mean _update ignores self.optimizer")
class UpdateIgnoresOptimizer(ScratchNeuralNetClassifier):
    def _update(self):
        for key in self.params:
            self.params[key] -= self.lr * self.grads[key]


@undetectable("sprint5.fit",
              why="every case trains with verbose=False: the progress bar is console output, "
                  "not a value",
              human="run the notebook's training cell: no tqdm bar appears")
class FitWithoutProgressBar(_FitInSteps):
    """Trains and records as it should, with no tqdm bar."""
