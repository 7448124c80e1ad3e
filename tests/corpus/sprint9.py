"""Sprint 9 (batch norm, weight decay, preprocessing, search, checkpoints): implementations a
learner could write."""
import io
import json

import numpy as np

from autograder.exercises.sprint9 import _decay_twice, _log_uniform_linear, _penalty_with_biases
from solutions.batchnorm import BatchNormalization
from solutions.preprocessing import Standardizer

from . import correct, mistake


# --------------------------------------------------------------------------- batch norm forward
@correct("sprint9.batchnorm_forward")
class BatchNormAxes(BatchNormalization):
    """Statistics over the axes (0,) or (0, 2, 3) directly, no to_rows."""

    def forward(self, x, train_flg=True):
        x = np.asarray(x)
        x = x if x.dtype.kind == "f" else x.astype(float)
        axes = (0,) if x.ndim == 2 else (0, 2, 3)
        shape = (1, -1) if x.ndim == 2 else (1, -1, 1, 1)
        self.input_shape, self.train_flg = x.shape, train_flg
        if self.running_mean is None:
            self.running_mean = np.zeros(x.shape[1], dtype=x.dtype)
            self.running_var = np.ones(x.shape[1], dtype=x.dtype)
        if train_flg:
            mu, var = x.mean(axis=axes), x.var(axis=axes)
            self.running_mean = self.momentum * self.running_mean + (1 - self.momentum) * mu
            self.running_var = self.momentum * self.running_var + (1 - self.momentum) * var
        else:
            mu, var = self.running_mean, self.running_var
        self.std = np.sqrt(var + self.eps)
        xn = (x - mu.reshape(shape)) / self.std.reshape(shape)
        self.x_hat = to_rows(xn)   # noqa: F821 - what backward reads, as the docstring says
        return self.gamma.reshape(shape) * xn + self.beta.reshape(shape)


@correct("sprint9.batchnorm_forward")
class BatchNormBook(BatchNormalization):
    """The book's layout of the computation, on the rows of to_rows."""

    def forward(self, x, train_flg=True):
        x = np.asarray(x)
        x = x if x.dtype.kind == "f" else x.astype(np.float64)
        self.input_shape, self.train_flg = x.shape, train_flg
        rows = x if x.ndim == 2 else x.transpose(0, 2, 3, 1).reshape(-1, x.shape[1])
        if self.running_mean is None:
            D = rows.shape[1]
            self.running_mean, self.running_var = np.zeros(D, rows.dtype), np.ones(D, rows.dtype)
        if train_flg:
            mu = rows.mean(axis=0)
            xc = rows - mu
            var = np.mean(xc ** 2, axis=0)
            self.std = np.sqrt(var + self.eps)
            xn = xc / self.std
            self.running_mean = self.momentum * self.running_mean + (1 - self.momentum) * mu
            self.running_var = self.momentum * self.running_var + (1 - self.momentum) * var
        else:
            self.std = np.sqrt(self.running_var + self.eps)
            xn = (rows - self.running_mean) / self.std
        self.x_hat = xn
        out = self.gamma * xn + self.beta
        if x.ndim == 4:
            N, C, H, W = x.shape
            out = out.reshape(N, H, W, C).transpose(0, 3, 1, 2)
        return out


@mistake("sprint9.batchnorm_forward", hint="ddof=0")
class BatchNormSampleVariance(BatchNormalization):
    def forward(self, x, train_flg=True):
        x = np.asarray(x, dtype=float)
        rows = to_rows(x)   # noqa: F821 - the module's given function
        if self.running_mean is None:
            self.running_mean = np.zeros(rows.shape[1])
            self.running_var = np.ones(rows.shape[1])
        if train_flg:
            mu = rows.mean(axis=0)
            var = rows.var(axis=0, ddof=1) if len(rows) > 1 else np.zeros(rows.shape[1])
            self.running_mean = self.momentum * self.running_mean + (1 - self.momentum) * mu
            self.running_var = self.momentum * self.running_var + (1 - self.momentum) * var
        else:
            mu, var = self.running_mean, self.running_var
        out = self.gamma * (rows - mu) / np.sqrt(var + self.eps) + self.beta
        return from_rows(out, x.shape)   # noqa: F821


# --------------------------------------------------------------------------- batch norm backward
@correct("sprint9.batchnorm_backward")
class BatchNormBackwardGraph(BatchNormalization):
    """The backward pass node by node through the computational graph."""

    def backward(self, dout):
        dout = to_rows(np.asarray(dout))   # noqa: F821
        n = dout.shape[0]
        self.dbeta = dout.sum(axis=0)
        self.dgamma = np.sum(self.x_hat * dout, axis=0)
        dxn = self.gamma * dout
        if not self.train_flg:
            return from_rows(dxn / self.std, self.input_shape)   # noqa: F821
        xc = self.x_hat * self.std
        dxc = dxn / self.std
        dstd = -np.sum(dxn * xc / (self.std * self.std), axis=0)
        dvar = 0.5 * dstd / self.std
        dxc += (2.0 / n) * xc * dvar
        dmu = np.sum(dxc, axis=0)
        return from_rows(dxc - dmu / n, self.input_shape)   # noqa: F821


@correct("sprint9.batchnorm_backward")
class BatchNormBackwardCompact(BatchNormalization):
    """The simplified form with the batch size written out."""

    def backward(self, dout):
        dout = to_rows(np.asarray(dout))   # noqa: F821
        n = dout.shape[0]
        self.dbeta = np.sum(dout, axis=0)
        self.dgamma = np.sum(dout * self.x_hat, axis=0)
        if not self.train_flg:
            return from_rows(self.gamma * dout / self.std, self.input_shape)   # noqa: F821
        dx = (self.gamma / (n * self.std)) * (n * dout - self.dbeta - self.x_hat * self.dgamma)
        return from_rows(dx, self.input_shape)   # noqa: F821


@mistake("sprint9.batchnorm_backward", hint="depend on every x_i")
class BatchNormBackwardScaleOnly(BatchNormalization):
    def backward(self, dout):
        dout = to_rows(np.asarray(dout))   # noqa: F821
        self.dbeta = dout.sum(axis=0)
        self.dgamma = (dout * self.x_hat).sum(axis=0)
        return from_rows(self.gamma * dout / self.std, self.input_shape)   # noqa: F821


# --------------------------------------------------------------------------- weight decay
@correct("sprint9.l2_penalty")
def l2_penalty_loop(params, weight_decay):
    total = 0.0
    for key, value in params.items():
        if key.startswith("W"):
            total += float(np.linalg.norm(value.astype(np.float64)) ** 2)
    return weight_decay / 2 * total


@correct("sprint9.l2_penalty")
def l2_penalty_book(params, weight_decay):
    decay = 0
    for key in sorted(params):
        if key[0] == "W":
            decay += 0.5 * weight_decay * np.sum(params[key].astype(float) ** 2)
    return float(decay)


mistake("sprint9.l2_penalty", hint="weight matrices only")(_penalty_with_biases)


@correct("sprint9.add_weight_decay")
def add_weight_decay_loop(grads, params, weight_decay):
    out = {}
    for key, g in grads.items():
        out[key] = g + weight_decay * params[key] if key.startswith("W") else np.array(g)
    return out


@correct("sprint9.add_weight_decay")
def add_weight_decay_copy_then_add(grads, params, weight_decay):
    out = {k: v.copy() for k, v in grads.items()}
    for k in out:
        if k[:1] == "W":
            out[k] += (weight_decay * params[k]).astype(out[k].dtype)
    return out


mistake("sprint9.add_weight_decay", hint="not 2λW")(_decay_twice)


# --------------------------------------------------------------------------- preprocessing
@correct("sprint9.standardizer")
class StandardizerVar(Standardizer):
    def fit(self, X):
        X = np.asarray(X)
        self.mean = np.mean(X, axis=0)
        std = np.sqrt(np.mean((X - self.mean) ** 2, axis=0))
        std[std == 0] = 1
        self.std = std
        return self


@correct("sprint9.standardizer")
class StandardizerBroadcast(Standardizer):
    def fit(self, X):
        self.mean = X.mean(axis=0)
        self.std = X.std(axis=0)
        self.std = np.where(self.std > 0, self.std, 1).astype(X.dtype)
        return self

    def transform(self, X):
        return (X - self.mean[None]) / self.std[None]


@mistake("sprint9.standardizer", hint="fitted on the training data")
class StandardizerOnItsInput(Standardizer):
    def transform(self, X):
        std = X.std(axis=0)
        return (X - X.mean(axis=0)) / np.where(std == 0, 1, std)


@correct("sprint9.shift_images")
def shift_by_padding(images, dy, dx):
    images = np.asarray(images)
    H, W = images.shape[-2:]
    p = max(H, W)
    pad = [(0, 0)] * (images.ndim - 2) + [(p, p), (p, p)]
    padded = np.pad(images, pad)
    return padded[..., p - dy:p - dy + H, p - dx:p - dx + W].copy()


@correct("sprint9.shift_images")
def shift_by_roll_and_clear(images, dy, dx):
    out = np.roll(np.asarray(images), (dy, dx), axis=(-2, -1))
    if dy > 0:
        out[..., :dy, :] = 0
    elif dy < 0:
        out[..., dy:, :] = 0
    if dx > 0:
        out[..., :, :dx] = 0
    elif dx < 0:
        out[..., :, dx:] = 0
    return out


@mistake("sprint9.shift_images", hint="wraps around")
def shift_by_roll(images, dy, dx):
    return np.roll(images, (dy, dx), axis=(-2, -1))


# --------------------------------------------------------------------------- search
@correct("sprint9.train_val_split")
def split_with_take(x, t, val_ratio=0.2, seed=0):
    order = np.random.default_rng(seed).permutation(len(x))
    n_val = int(len(x) * val_ratio)
    return (np.take(x, order[n_val:], axis=0), np.take(t, order[n_val:], axis=0),
            np.take(x, order[:n_val], axis=0), np.take(t, order[:n_val], axis=0))


@correct("sprint9.train_val_split")
def split_with_np_split(x, t, val_ratio=0.2, seed=0):
    rng = np.random.default_rng(seed)
    val_idx, train_idx = np.split(rng.permutation(x.shape[0]), [int(x.shape[0] * val_ratio)])
    return x[train_idx], t[train_idx], x[val_idx], t[val_idx]


@mistake("sprint9.train_val_split", hint="Shuffle first")
def split_in_order(x, t, val_ratio=0.2, seed=0):
    n_val = int(len(x) * val_ratio)
    return x[n_val:], t[n_val:], x[:n_val], t[:n_val]


@correct("sprint9.log_uniform")
def log_uniform_power(low, high, size, seed=0):
    rng = np.random.default_rng(seed)
    return np.power(10.0, rng.uniform(np.log10(low), np.log10(high), size=size))


@correct("sprint9.log_uniform")
def log_uniform_exp(low, high, size, seed=0):
    u = np.random.default_rng(seed).uniform(np.log10(low), np.log10(high), size)
    return np.exp(u * np.log(10.0))


mistake("sprint9.log_uniform", hint="Draw the *exponent* uniformly")(_log_uniform_linear)


# --------------------------------------------------------------------------- checkpoints
# The checks grade save_network and load_network through the given wrappers (in memory); each
# entry is such a wrapper around a learner's own save or load.
def _read_back(buffer):
    """What the file in ``buffer`` holds, its config parsed: the exercise's reading side."""
    buffer.seek(0)
    with np.load(buffer, allow_pickle=False) as f:
        out = {name: f[name] for name in f.files}
    out["config"] = json.loads(str(out["config"]))
    return out


@correct("sprint9.save_network")
def save_and_read_back_compressed(params, config):
    buffer = io.BytesIO()
    np.savez_compressed(buffer, config=np.array(json.dumps(config, indent=1)),
                        **{"params/" + k: v for k, v in params.items()})
    return _read_back(buffer)


@correct("sprint9.save_network")
def save_and_read_back_in_a_loop(params, config):
    arrays = {"config": np.array(json.dumps(config))}
    for k, v in params.items():
        arrays[f"params/{k}"] = v
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    buffer.seek(0)
    f = np.load(buffer, allow_pickle=False)
    out = {name: f[name] for name in f.files}
    f.close()
    out["config"] = json.loads(str(out["config"]))
    return out


@mistake("sprint9.save_network", hint="\"params/\"")
def save_and_read_back_bare_keys(params, config):
    buffer = io.BytesIO()
    np.savez(buffer, config=np.array(json.dumps(config)), **params)
    return _read_back(buffer)


@correct("sprint9.load_network")
def write_and_load_dict(params, config):
    buffer = io.BytesIO()
    np.savez(buffer, config=np.array(json.dumps(config)),
             **{"params/" + k: np.asarray(v) for k, v in params.items()})
    buffer.seek(0)
    data = dict(np.load(buffer, allow_pickle=False))
    cfg = json.loads(data.pop("config").item())
    return {k.split("/", 1)[1]: v for k, v in data.items()}, cfg


@correct("sprint9.load_network")
def write_and_load_removeprefix(params, config):
    buffer = io.BytesIO()
    np.savez(buffer, config=np.array(json.dumps(config)),
             **{"params/" + k: np.asarray(v) for k, v in params.items()})
    buffer.seek(0)
    f = np.load(buffer, allow_pickle=False)
    loaded = {n.removeprefix("params/"): f[n] for n in f.files if n != "config"}
    cfg = json.loads(f["config"].tolist())
    f.close()
    return loaded, cfg


@mistake("sprint9.load_network", hint="Decode the settings")
def write_and_load_raw_config(params, config):
    buffer = io.BytesIO()
    np.savez(buffer, config=np.array(json.dumps(config)),
             **{"params/" + k: np.asarray(v) for k, v in params.items()})
    buffer.seek(0)
    with np.load(buffer, allow_pickle=False) as f:
        return ({n[7:]: f[n] for n in f.files if n != "config"}, str(f["config"]))
