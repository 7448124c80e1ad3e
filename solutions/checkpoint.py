r"""Sprint 9: saving a trained network and loading it back (保存と読み込み), safely.

Training takes minutes to days; predicting takes milliseconds. So a trained network is saved
once and loaded by the program that predicts (a prediction script, 推論スクリプト). What to save:

* the **parameters** (the arrays the layers use: ``params``), and
* the **architecture's settings** (設定: input shape, number of filters, hidden units, …), so
  that a fresh network of the same shape can be built before the parameters go in.

One ``.npz`` file (NumPy's zip of ``.npy`` arrays) holds both: each parameter under the name
``"params/<key>"`` and the settings as JSON text under ``"config"``. Never store Python objects
in it: ``np.save`` of a dict falls back to **pickle**, and loading a pickle runs whatever code the
file contains. A file from elsewhere could do anything on your machine. So the file holds plain
arrays and text only, and is read with ``np.load(file, allow_pickle=False)``, which refuses
pickles. (``pickle.dump(network)`` would also tie the file to your class's code of today.)

``file`` may be a path or an open binary file (``io.BytesIO`` for a file in memory).
"""
import io
import json

import numpy as np

PREFIX = "params/"


def save_network(file, params, config):
    r"""Save ``params`` and ``config`` to one ``.npz`` file, without pickle.

    Parameters
    ----------
    file : path (str or Path) or binary file object
    params : dict of ndarrays, e.g. ``{"W1": ..., "b1": ...}``; each is stored as it is (same
        shape, same dtype) under the name ``"params/" + key``
    config : dict of the architecture's settings (numbers, strings, lists, nested dicts):
        stored as **JSON text** under the name ``"config"``: ``np.array(json.dumps(config))``
        is a string array, no pickle needed

    Example
    -------
    >>> buffer = io.BytesIO()
    >>> save_network(buffer, {"W1": np.ones((2, 3))}, {"hidden_size": 3})
    >>> _ = buffer.seek(0)
    >>> with np.load(buffer, allow_pickle=False) as f:
    ...     sorted(f.files), str(f["config"])
    (['config', 'params/W1'], '{"hidden_size": 3}')

    Hint: ``np.savez`` stores every keyword argument under its name; build the dict of names
    and arrays first (names with a ``/`` can only be passed by unpacking a dict).
    """
    ### BEGIN SOLUTION
    arrays = {PREFIX + str(k): np.asarray(v) for k, v in params.items()}
    arrays["config"] = np.array(json.dumps(config))
    np.savez(file, **arrays)
    ### END SOLUTION


def load_network(file):
    r"""Read a file written by :func:`save_network`; return ``(params, config)``.

    Open it with ``np.load(file, allow_pickle=False)`` (never ``True``: see the module's
    docstring), take every array whose name starts with ``"params/"`` into ``params`` under its
    key without the prefix, and decode ``"config"`` with ``json.loads(str(...))``.

    Returns
    -------
    params : dict of ndarrays, the arrays as saved (shapes and dtypes)
    config : dict, as saved (JSON has no tuples: a tuple comes back as a list)

    Example
    -------
    >>> buffer = io.BytesIO()
    >>> save_network(buffer, {"W1": np.ones((2, 3)), "b1": np.zeros(3)}, {"input_dim": [1, 8, 8]})
    >>> _ = buffer.seek(0)
    >>> params, config = load_network(buffer)
    >>> sorted(params), params["W1"].shape, config
    (['W1', 'b1'], (2, 3), {'input_dim': [1, 8, 8]})

    Hint: an ``NpzFile`` reads lazily and closes with its ``with`` block: copy the arrays out
    (``f[name]`` returns a new array) before it closes.
    """
    ### BEGIN SOLUTION
    with np.load(file, allow_pickle=False) as f:
        params = {name[len(PREFIX):]: f[name] for name in f.files if name.startswith(PREFIX)}
        config = json.loads(str(f["config"]))
    return params, config
    ### END SOLUTION


# --------------------------------------------------------------------------- given: checks
def save_and_read_back(params, config):
    """Given (used by the check of ``save_network``): what a file written by your
    ``save_network`` holds, read with ``allow_pickle=False``, the config decoded from JSON.

    Returns ``{"config": dict, "params/W1": array, ...}``.
    """
    buffer = io.BytesIO()
    save_network(buffer, params, config)
    buffer.seek(0)
    with np.load(buffer, allow_pickle=False) as f:
        out = {name: f[name] for name in f.files}
    if "config" in out:
        out["config"] = json.loads(str(out["config"]))
    return out


def write_and_load(params, config):
    """Given (used by the check of ``load_network``): write a file in the format of
    ``save_network`` with NumPy directly, then read it with your ``load_network``."""
    buffer = io.BytesIO()
    arrays = {PREFIX + k: np.asarray(v) for k, v in params.items()}
    np.savez(buffer, config=np.array(json.dumps(config)), **arrays)
    buffer.seek(0)
    loaded_params, loaded_config = load_network(buffer)
    return dict(loaded_params), loaded_config
