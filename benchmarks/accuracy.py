"""Accuracy of the course's reference models on held-out data, with the wall time.

    python -m benchmarks.accuracy MODEL DATA [--no-record]

``MODEL`` is a key of :data:`MODELS` ("mlp": sprint 5's scratch classifier, ...), ``DATA`` a key
of :data:`DATASETS`:

* ``mnist-small`` — the bundled digits: trains on the 8,000 training images (the 1,000
  validation images are the learning curve's), reports accuracy on the 1,000 test images;
* ``fashion-mnist`` — full Fashion-MNIST (Debian's ``dataset-fashion-mnist``, a folder in
  ``$COURSE_DATA_DIR`` or the cache): trains on the 60,000 training images (``deep_cnn`` holds
  the last 2,000 of them out for its per-epoch validation curve), reports accuracy on the
  10,000 test images.

The test images are held out: nothing is tuned on them. The run prints the accuracy and the
wall time and appends one row to ``benchmarks/results/accuracy.md`` (unless ``--no-record``).

Adding a model: a function ``train(data, X_train, y_train, X_val, y_val) -> (model,
settings)`` where ``X_*`` are ``(N, 784)`` float32 in [0, 1] (reshape to ``(N, 1, 28, 28)`` for
a CNN), ``y_*`` ``(N,)`` int labels, ``X_val``/``y_val`` may be None, ``model`` has
``predict(X) -> (N,)`` labels and ``settings`` is a short string for the results table; then
``MODELS["name"] = train``.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

from solutions import datasets

RESULTS = Path(__file__).resolve().parent / "results" / "accuracy.md"
HEADER = (
    "# Accuracy of the reference models\n\n"
    "Appended by `python -m benchmarks.accuracy MODEL DATA`: accuracy on the held-out test "
    "images, training and total wall time (data loading included in the total).\n\n"
    "| date | model | data | train / test samples | test accuracy | train time (s) | "
    "total time (s) | settings | machine |\n"
    "|---|---|---|---|---|---|---|---|---|\n"
)


# --------------------------------------------------------------------------- data
def _mnist_small():
    return {"train": datasets.load_mnist_small("train"),
            "val": datasets.load_mnist_small("validation"),
            "test": datasets.load_mnist_small("test")}


def _fashion_mnist():
    try:
        return {"train": datasets.load_fashion_mnist("train"), "val": (None, None),
                "test": datasets.load_fashion_mnist("test")}
    except datasets.DatasetNotFoundError as exc:
        raise SystemExit(f"fashion-mnist is not installed here:\n{exc}\n(Debian: sudo apt-get "
                         "install dataset-fashion-mnist)") from None


#: Data set name -> loader of {"train": (X, y), "val": (X or None, y or None), "test": (X, y)}.
DATASETS = {"mnist-small": _mnist_small, "fashion-mnist": _fashion_mnist}


# --------------------------------------------------------------------------- models
#: Sprint 5's settings per data set: plain SGD, as the sprint teaches it.
MLP_SETTINGS = {
    "mnist-small": dict(hidden_sizes=(100,), activation="relu", lr=0.2, epochs=15,
                        batch_size=50, weight_init="he", seed=0),
    "fashion-mnist": dict(hidden_sizes=(256,), activation="relu", lr=0.1, epochs=20,
                          batch_size=50, weight_init="he", seed=0),
}


def train_mlp(data, X_train, y_train, X_val, y_val):
    """Sprint 5's ``ScratchNeuralNetClassifier`` (reference), plain SGD, float32."""
    from solutions.classifier import ScratchNeuralNetClassifier

    settings = MLP_SETTINGS[data]
    model = ScratchNeuralNetClassifier(**settings, verbose=True).fit(X_train, y_train, X_val, y_val)
    text = ", ".join(f"{k}={v}" for k, v in settings.items())
    return model, f"SGD, {text}"


#: Sprint 8's settings per data set: the book's SimpleConvNet trained with Adam.
CNN_SETTINGS = {
    "mnist-small": dict(epochs=10, batch_size=100, lr=0.001, seed=0),
    "fashion-mnist": dict(epochs=10, batch_size=100, lr=0.001, seed=0),
}


class _ImageClassifier:
    """``predict(X) -> labels`` for a CNN taking images, given flat rows ``X: (N, 784)``."""

    def __init__(self, net, image_shape=(1, 28, 28), batch_size=500):
        self.net, self.image_shape, self.batch_size = net, image_shape, batch_size

    def predict(self, X):
        X = np.asarray(X).reshape(len(X), *self.image_shape)
        return np.concatenate([np.argmax(self.net.predict(X[i:i + self.batch_size]), axis=1)
                               for i in range(0, len(X), self.batch_size)])


def train_cnn(data, X_train, y_train, X_val, y_val):
    """Sprint 8's ``SimpleConvNet`` (reference): conv 30×5×5 → ReLU → max pool 2 → affine 100
    → ReLU → affine 10, Adam, float32, with a progress bar."""
    from solutions.cnn import SimpleConvNet, train
    from solutions.optimizers import Adam

    settings = CNN_SETTINGS[data]
    images = X_train.reshape(len(X_train), 1, 28, 28)
    val = None if X_val is None else X_val.reshape(len(X_val), 1, 28, 28)
    net = SimpleConvNet(dtype=images.dtype, seed=settings["seed"])
    history = train(net, images, y_train, Adam(lr=settings["lr"]), epochs=settings["epochs"],
                    batch_size=settings["batch_size"], x_val=val, t_val=y_val,
                    seed=settings["seed"])
    if history["val_acc"]:
        print("validation accuracy per epoch:", " ".join(f"{a:.4f}" for a in history["val_acc"]))
    text = ", ".join(f"{k}={v}" for k, v in settings.items())
    return _ImageClassifier(net), f"Adam, SimpleConvNet 30×5×5/pool 2/100, {text}"


#: Sprint 9's settings per data set: the deeper CNN of 3×3 convolutions with batch norm, Adam.
#: ``val_split``: when the data set has no validation images (Fashion-MNIST), this many of the
#: training images (the last ones) are held out for the per-epoch validation curve instead.
#: ``flip``: mirror a random half of the images left-right every epoch (clothes, not digits).
DEEP_CNN_SETTINGS = {
    "mnist-small": dict(blocks=(16, 32), hidden_size=100, dropout_ratio=0.5, epochs=8,
                        batch_size=100, lr=0.001, lr_decay=0.75, max_shift=2, max_degrees=10,
                        flip=False, val_split=0, seed=0),
    "fashion-mnist": dict(blocks=(24, 48), hidden_size=128, dropout_ratio=0.5, epochs=16,
                          batch_size=100, lr=0.001, lr_decay=0.85, max_shift=2, max_degrees=0,
                          flip=True, val_split=2000, seed=0),
}


def train_deep_cnn(data, X_train, y_train, X_val, y_val):
    """Sprint 9's ``DeepConvNet`` (reference): [conv 3×3 → batch norm → ReLU] × 2 → max pool,
    per block, → affine → batch norm → ReLU → dropout → affine 10; Adam with the learning rate
    multiplied by ``lr_decay`` after every epoch, a new augmented copy of the training images
    every epoch (sprint 9's ``augment``: shifts up to ``max_shift`` pixels, rotations up to
    ``max_degrees``; with ``flip`` a random half mirrored left-right), float32. Prints one line
    per epoch (validation accuracy, mean training loss, time so far)."""
    from solutions.cnn import train
    from solutions.deep_cnn import DeepConvNet
    from solutions.optimizers import Adam
    from solutions.preprocessing import augment

    settings = dict(DEEP_CNN_SETTINGS[data])
    epochs, batch_size, lr = settings.pop("epochs"), settings.pop("batch_size"), settings.pop("lr")
    decay, shift, degrees = (settings.pop(k) for k in ("lr_decay", "max_shift", "max_degrees"))
    flip, val_split = settings.pop("flip", False), settings.pop("val_split", 0)
    if X_val is None and val_split:
        X_train, X_val = X_train[:-val_split], X_train[-val_split:]
        y_train, y_val = y_train[:-val_split], y_train[-val_split:]
    images = X_train.reshape(len(X_train), 1, 28, 28)
    val = None if X_val is None else X_val.reshape(len(X_val), 1, 28, 28)
    net = DeepConvNet(input_dim=(1, 28, 28), dtype=str(images.dtype), **settings)
    adam = Adam(lr=lr)
    history = {"val_acc": []}
    start = time.perf_counter()
    for epoch in range(epochs):     # a new augmented copy every epoch, the learning rate decays
        varied = augment(images, max_shift=shift, max_degrees=degrees, seed=epoch) \
            if shift or degrees else images
        if flip:
            mirrored = np.random.default_rng([settings["seed"], epoch]).random(len(varied)) < 0.5
            varied = np.where(mirrored[:, None, None, None], varied[..., ::-1], varied)
        h = train(net, varied, y_train, adam, epochs=1, batch_size=batch_size, x_val=val,
                  t_val=y_val, seed=settings["seed"] + epoch, progress=sys.stderr.isatty())
        history["val_acc"] += h["val_acc"]
        val_text = f"validation accuracy {h['val_acc'][-1]:.4f}, " if h["val_acc"] else ""
        print(f"epoch {epoch + 1}/{epochs}: {val_text}training loss {h['train_loss'][-1]:.4f}, "
              f"lr {adam.lr:.6f}, {time.perf_counter() - start:.0f} s", flush=True)
        adam.lr *= decay
    if history["val_acc"]:
        print("validation accuracy per epoch:", " ".join(f"{a:.4f}" for a in history["val_acc"]))
    text = ", ".join(f"{k}={v}" for k, v in DEEP_CNN_SETTINGS[data].items())
    return _ImageClassifier(net), f"Adam, DeepConvNet 3×3 conv + batch norm, {text}"


#: Model name -> ``train(data, X_train, y_train, X_val, y_val) -> (model, settings)``.
MODELS = {"mlp": train_mlp, "cnn": train_cnn, "deep_cnn": train_deep_cnn}


# --------------------------------------------------------------------------- running
def run(model_name, data_name, record=True, results=RESULTS):
    """Train ``model_name`` on ``data_name``, print and (optionally) record; return the row dict."""
    if model_name not in MODELS:
        raise SystemExit(f"unknown model {model_name!r}; models: {', '.join(sorted(MODELS))}")
    if data_name not in DATASETS:
        raise SystemExit(f"unknown data {data_name!r}; data: {', '.join(sorted(DATASETS))}")
    start = time.perf_counter()
    data = DATASETS[data_name]()
    (X_train, y_train), (X_val, y_val), (X_test, y_test) = data["train"], data["val"], data["test"]
    train_start, cpu_start = time.perf_counter(), time.process_time()
    model, settings = MODELS[model_name](data_name, X_train, y_train, X_val, y_val)
    train_seconds = time.perf_counter() - train_start
    cpu_seconds = time.process_time() - cpu_start
    accuracy = float(np.mean(np.asarray(model.predict(X_test)) == y_test))
    total_seconds = time.perf_counter() - start
    row = {"date": _dt.date.today().isoformat(), "model": model_name, "data": data_name,
           "samples": f"{len(X_train)} / {len(X_test)}", "accuracy": accuracy,
           "train_seconds": train_seconds, "total_seconds": total_seconds,
           "settings": settings, "machine": _machine(cpu_seconds)}
    print(f"{model_name} on {data_name}: test accuracy {accuracy:.4f} "
          f"({row['samples']} train / test samples), trained in {train_seconds:.1f} s "
          f"({cpu_seconds:.1f} s of CPU), {total_seconds:.1f} s in all")
    if record:
        append_row(row, results)
        print(f"recorded in {results}")
    return row


def append_row(row, results=RESULTS):
    """Append ``row`` to the results table (created with its header the first time)."""
    results = Path(results)
    results.parent.mkdir(parents=True, exist_ok=True)
    if not results.exists():
        results.write_text(HEADER)
    line = (f"| {row['date']} | {row['model']} | {row['data']} | {row['samples']} | "
            f"{row['accuracy']:.4f} | {row['train_seconds']:.1f} | {row['total_seconds']:.1f} | "
            f"{row['settings']} | {row['machine']} |\n")
    with results.open("a") as f:
        f.write(line)


def _machine(cpu_seconds=None):
    """The machine, and how busy it was: the training's CPU time (this process's, all threads)
    and the load average at the end, since a wall time on a shared machine says little alone."""
    threads = os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS")
    cpus = f"{os.cpu_count()} CPUs" + (f", BLAS threads {threads}" if threads else "")
    text = (f"{platform.machine()}, {cpus}, Python {platform.python_version()}, "
            f"NumPy {np.__version__}")
    if cpu_seconds is not None:
        text += f"; training CPU time {cpu_seconds:.0f} s"
    if hasattr(os, "getloadavg"):
        text += "; load average at the end " + " ".join(f"{x:.1f}" for x in os.getloadavg())
    return text


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.accuracy",
                                     description="Held-out accuracy and wall time of a model.")
    parser.add_argument("model", help=f"one of: {', '.join(sorted(MODELS))}")
    parser.add_argument("data", help=f"one of: {', '.join(sorted(DATASETS))}")
    parser.add_argument("--no-record", action="store_true",
                        help="print only; do not append to benchmarks/results/accuracy.md")
    args = parser.parse_args(argv)
    run(args.model, args.data, record=not args.no_record)
    return 0


if __name__ == "__main__":
    sys.exit(main())
