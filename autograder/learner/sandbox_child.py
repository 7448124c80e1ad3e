"""Run a learner's helper on test cases, in a child process of its own.

This file is both

* the *wire format* shared by the grader and the child: values (NumPy arrays, Python
  scalars, strings, ``None``, tuples, lists and dicts of those) are split into a JSON tree
  and a ``.npz`` archive, and read back with ``allow_pickle=False``, so nothing a learner's
  code returns can run code in the grader when it is loaded; and
* the *child program*: ``python -I sandbox_child.py JOB_DIR`` imports the real NumPy first,
  then the learner's ``helpers`` package copied into ``JOB_DIR/pkg``, runs the jobs of
  ``job.json`` (one per exercise: a function or class and its cases) in order, and writes
  ``result-<i>.json`` and ``outputs-<i>.npz`` beside it as each job finishes.

It must only need the standard library and NumPy: the child never imports the rest of the
``autograder`` package, the reference solutions or the hidden cases.
"""
from __future__ import annotations

import copy
import json
import os
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict

import numpy as np

WIRE_VERSION = 1


# --------------------------------------------------------------------------- test functions
def _softmax_cross_entropy(W, X, t):
    a = X @ W.reshape(X.shape[1], -1)
    a = a - a.max(axis=1, keepdims=True)
    log_p = a - np.log(np.exp(a).sum(axis=1, keepdims=True))
    return float(-log_p[np.arange(len(t)), t].mean())


#: Functions a case can pass to a helper that takes a function (a numerical gradient, gradient
#: descent). They cross between grader and child by name, never as code.
FUNCTIONS = {
    "sum_of_squares": lambda x: float(np.sum(np.asarray(x, dtype=float) ** 2)),
    "book_2d": lambda x: float(x[0] ** 2 + x[1] ** 2),                  # f(x0, x1) = x0² + x1²
    "race": lambda x: float(x[0] ** 2 / 20 + x[1] ** 2),                # f(x, y) = x²/20 + y²
    "sin_mix": lambda x: float(np.sum(np.sin(x) * np.cos(2 * np.asarray(x)) + 0.1 * x ** 3)),
    "quadratic": lambda x, A, c: float(0.5 * np.sum(x * (A @ x.ravel()).reshape(x.shape))
                                       + np.sum(c * x)),
    "softmax_cross_entropy": _softmax_cross_entropy,                    # of W, given X, t
    "book_1d": lambda x: float(0.01 * x ** 2 + 0.1 * x),                # f(x) = 0.01x² + 0.1x
    "poly": lambda x, coef: float(np.polyval(coef, x)),                 # coef[0] xⁿ + ... + coef[n]
}


class Fn:
    """A named test function with fixed parameters: ``Fn("quadratic", A=A, c=c)(x)``."""

    def __init__(self, name: str, **params):
        if name not in FUNCTIONS:
            raise UnsupportedValue(f"no test function called {name!r}")
        self.name, self.params = name, params

    def __call__(self, x):
        return FUNCTIONS[self.name](x, **self.params)

    def __eq__(self, other):
        return isinstance(other, Fn) and other.name == self.name and _same(
            self.params, other.params)

    def __repr__(self):
        return f"Fn({self.name!r})"

    def __deepcopy__(self, memo):
        return Fn(self.name, **copy.deepcopy(self.params, memo))


# --------------------------------------------------------------------------- what a case runs
@dataclass(frozen=True)
class Step:
    """One method call of a class case: ``obj.<method>(*args, **kwargs)``."""

    method: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Call:
    """What the child runs for one case, and nothing more.

    ``target(*args, **kwargs)``; for a class (``steps`` is not ``None``) then each
    :class:`Step` in order on the instance, and the attributes ``attrs`` read at the end. The
    arguments of the methods named in ``in_place`` may change (their docstring says they
    update them); every other argument must come back unchanged.
    """

    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    steps: tuple[Step, ...] | None = None    # None: a function's case
    attrs: tuple[str, ...] = ()
    in_place: tuple[str, ...] = ()

    def to_wire(self) -> dict[str, Any]:
        """The call as plain values (:func:`pack` stores them)."""
        steps = None if self.steps is None else [
            [s.method, list(s.args), dict(s.kwargs)] for s in self.steps]
        return {"args": list(self.args), "kwargs": dict(self.kwargs), "steps": steps,
                "attrs": list(self.attrs), "in_place": list(self.in_place)}

    @classmethod
    def from_wire(cls, wire: dict[str, Any]) -> Call:
        """Inverse of :meth:`to_wire`."""
        steps = wire.get("steps")
        return cls(tuple(wire.get("args") or ()), dict(wire.get("kwargs") or {}),
                   None if steps is None else tuple(Step(m, tuple(a), dict(k))
                                                    for m, a, k in steps),
                   tuple(wire.get("attrs") or ()), tuple(wire.get("in_place") or ()))


# --------------------------------------------------------------------------- wire format
class _Self:
    """The object itself, returned by one of its methods (``fit`` returns ``self``)."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self):
        return "self"

    def __deepcopy__(self, memo):
        return self


#: What crosses the wire for "the method returned its own object".
SELF = _Self()


class UnsupportedValue(TypeError):
    """A value that cannot cross between the grader and the child."""


def pack(value: Any, arrays: dict[str, np.ndarray], path: str = "v") -> Any:
    """Turn ``value`` into a JSON-able tree; arrays are stored in ``arrays`` by key."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if value is SELF:
        return {"__self__": True}
    if isinstance(value, (int,)) and not isinstance(value, bool):
        return {"__int__": str(value)}
    if isinstance(value, float) and not isinstance(value, np.generic):  # np.float64 is a float
        return {"__float__": repr(value)}
    if isinstance(value, complex):
        raise UnsupportedValue(f"{path}: complex numbers are not supported")
    if isinstance(value, (np.ndarray, np.generic)):
        arr = np.asarray(value)
        if arr.dtype.hasobject or arr.dtype.kind in "OVSUMm":
            raise UnsupportedValue(
                f"{path}: an array of dtype {arr.dtype} (use a numeric or bool array)")
        key = f"a{len(arrays)}"
        arrays[key] = arr
        return {"__array__": key, "scalar": isinstance(value, np.generic)}
    if isinstance(value, tuple):
        return {"__tuple__": [pack(v, arrays, f"{path}[{i}]") for i, v in enumerate(value)]}
    if isinstance(value, list):
        return [pack(v, arrays, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, Fn):
        return {"__fn__": value.name, "params": pack(value.params, arrays, f"{path}.params")}
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise UnsupportedValue(f"{path}: dict keys must be strings")
        return {"__dict__": {k: pack(v, arrays, f"{path}[{k!r}]") for k, v in value.items()}}
    raise UnsupportedValue(f"{path}: a value of type {type(value).__name__}")


def unpack(tree: Any, arrays: Mapping[str, np.ndarray]) -> Any:
    """Inverse of :func:`pack`."""
    if tree is None or isinstance(tree, (bool, str)):
        return tree
    if isinstance(tree, list):
        return [unpack(v, arrays) for v in tree]
    if isinstance(tree, dict):
        if "__self__" in tree:
            return SELF
        if "__int__" in tree:
            return int(tree["__int__"])
        if "__float__" in tree:
            return float(tree["__float__"])
        if "__array__" in tree:
            arr = np.array(arrays[tree["__array__"]])
            return arr[()] if tree.get("scalar") else arr
        if "__tuple__" in tree:
            return tuple(unpack(v, arrays) for v in tree["__tuple__"])
        if "__fn__" in tree:
            return Fn(tree["__fn__"], **unpack(tree["params"], arrays))
        if "__dict__" in tree:
            return {k: unpack(v, arrays) for k, v in tree["__dict__"].items()}
    raise UnsupportedValue(f"not a packed value: {tree!r}")


def save(path_json: Path, path_npz: Path, obj: Any) -> None:
    """Write ``obj`` as ``path_json`` + ``path_npz``."""
    arrays: dict[str, np.ndarray] = {}
    tree = pack(obj, arrays)
    # the keys are "a0", "a1", ... (pack): never savez's own keyword ``allow_pickle``
    np.savez(path_npz, **arrays)  # type: ignore[arg-type]
    Path(path_json).write_text(json.dumps({"wire": WIRE_VERSION, "tree": tree}))


def load(path_json: Path, path_npz: Path) -> Any:
    """Read what :func:`save` wrote, never unpickling anything."""
    doc = json.loads(Path(path_json).read_text())
    if doc.get("wire") != WIRE_VERSION:
        raise UnsupportedValue(f"wire version {doc.get('wire')!r}, expected {WIRE_VERSION}")
    with np.load(path_npz, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    return unpack(doc["tree"], arrays)


# --------------------------------------------------------------------------- running a case
def step_name(method: str, args: Sequence[Any], index: int) -> str:
    """The name of a step's output, as the learner would write the call."""
    if method == "__getitem__" and len(args) == 1 and isinstance(args[0], (int, str)):
        call = f"obj[{args[0]!r}]"
    elif method == "__len__":
        call = "len(obj)"
    elif method == "__call__":
        call = "obj()"
    else:
        call = f"{method}()"
    return f"{call} [step {index + 1}]"


class CaseRun(TypedDict):
    """What :func:`run_case` collects of one case."""

    outputs: dict[str, Any]    # output name ("return", "forward() [step 1]") -> value
    mutated: list[str]         # the inputs changed in place ("argument 1")
    aliased: list[str]         # the outputs that are an input array itself


def run_case(target: Callable[..., Any], call: Call) -> CaseRun:
    """Run one case's :class:`Call` against ``target`` (a function or a class) and collect
    its outputs.

    Inputs are deep-copied first, so a helper that modifies its input in place is noticed and
    does not spoil later cases: every argument of every call (the constructor's, each
    method's) is compared with its copy at the end of the case, except the arguments of the
    methods listed in ``in_place`` (meant to update them).

    Returns ``{"outputs": {name: value}, "mutated": [input names changed in place]}``. A
    method that returns its own object gives :data:`SELF`.
    """
    args = copy.deepcopy(list(call.args))
    kwargs = copy.deepcopy(dict(call.kwargs))
    watched = [("argument", args, kwargs, copy.deepcopy((args, kwargs)))]
    outputs: dict[str, Any] = {}
    aliased: list[str] = []
    result = target(*args, **kwargs)
    steps, attrs, in_place = call.steps or (), call.attrs, set(call.in_place)
    if not steps and not attrs:
        outputs["return"] = result
        if _returns_argument(result, args, kwargs):
            aliased.append("return")
    else:
        obj = result
        for i, step in enumerate(steps):
            method = step.method
            s_args = copy.deepcopy(list(step.args))
            s_kwargs = copy.deepcopy(dict(step.kwargs))
            name = step_name(method, s_args, i)
            if method not in in_place:
                watched.append((f"{name.split(' [')[0]} argument", s_args, s_kwargs,
                                copy.deepcopy((s_args, s_kwargs))))
            returned = getattr(obj, method)(*s_args, **s_kwargs)
            outputs[name] = SELF if returned is obj and obj is not None else returned
            if _returns_argument(returned, s_args, s_kwargs):
                aliased.append(name)
        for name in attrs:
            outputs[name] = copy.deepcopy(getattr(obj, name))
    mutated = []
    for what, a_now, k_now, (a_then, k_then) in watched:
        mutated += [f"{what} {i + 1}" for i, (a, b) in enumerate(zip(a_then, a_now))
                    if not _same(a, b)]
        mutated += [f"{what} {k!r}" for k in k_now if not _same(k_then[k], k_now[k])]
    return {"outputs": outputs, "mutated": mutated, "aliased": aliased}


def _returns_argument(returned: Any, args: Sequence[Any], kwargs: Mapping[str, Any]) -> bool:
    """Whether ``returned`` (or an item of a returned tuple or list) is one of the call's
    array arguments itself, the very object (a view is a new object)."""
    items = returned if isinstance(returned, (tuple, list)) else (returned,)
    inputs = [a for a in (*args, *kwargs.values()) if isinstance(a, np.ndarray)]
    return any(item is a for item in items for a in inputs)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and \
            a.shape == b.shape and a.dtype == b.dtype and bool(
                np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if type(a) is not type(b):   # 1 became 1.0, a tuple a list: changed in place
        return False
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - comparing odd learner objects
        return False


def _learner_traceback(exc: BaseException, pkg_dir: str) -> str:
    """The traceback frames that are in the learner's files, shortest useful form."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(pkg_dir)]
    lines = []
    for f in frames[-3:]:
        rel = os.path.relpath(f.filename, pkg_dir)
        lines.append(f'  {rel}, line {f.lineno}, in {f.name}\n    {f.line or ""}'.rstrip())
    head = f"{type(exc).__name__}: {exc}"
    return head if not lines else head + "\n" + "\n".join(lines)


def _raised_in(exc: BaseException, pkg_dir: str) -> dict[str, str]:
    """Which helper module and function raised ``exc``: ``{"raised_in": "layers",
    "raised_by": "Affine.forward"}`` (the innermost frame in a helper file), or ``{}``."""
    tb = exc.__traceback__
    found: dict[str, str] = {}
    helpers = os.path.join(pkg_dir, "helpers") + os.sep
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.startswith(helpers):
            found = {"raised_in": os.path.splitext(os.path.basename(code.co_filename))[0],
                     "raised_by": getattr(code, "co_qualname", code.co_name)}
        tb = tb.tb_next
    return found


def classify_exception(exc: BaseException, pkg_dir: str) -> dict[str, Any]:
    """Status for an exception raised by learner code."""
    if isinstance(exc, NotImplementedError):
        out: dict[str, Any] = {"status": "not_implemented",
                               "message": str(exc) or "not implemented yet"}
        out.update(_raised_in(exc, pkg_dir))
        return out
    return {"status": "error", "error_type": type(exc).__name__,
            "error_bases": [k.__name__ for k in type(exc).__mro__],
            "message": _learner_traceback(exc, pkg_dir)}


def _load_target(module_name: str, name: str, pkg_dir: str,
                 ) -> tuple[Any, dict[str, Any] | None]:
    """``(target, None)``, or ``(None, status)`` when the module or the name cannot be had."""
    import importlib

    try:
        module = importlib.import_module(f"helpers.{module_name}")
    except BaseException as exc:  # noqa: BLE001 - a syntax error, an import error, SystemExit
        status = classify_exception(exc, pkg_dir)
        if isinstance(exc, SyntaxError):
            status["message"] = (
                f"SyntaxError in helpers/{module_name}.py line {exc.lineno}: {exc.msg}")
            # the same as data: the check says it in its language (evaluate)
            status["syntax_line"], status["syntax_message"] = exc.lineno or 0, str(exc.msg)
        if status["status"] == "error":
            status["status"] = "import_error"
        return None, status
    target = getattr(module, name, None)
    if target is None:
        return None, {"status": "missing", "message": f"helpers/{module_name}.py has no `{name}`"}
    return target, None


class JobWire(TypedDict):
    """One job of ``job.json``: a helper and the cases to run it on."""

    module: str
    name: str
    cases: list[dict[str, Any]]    # each a Call.to_wire()


def run_job(job: JobWire, pkg_dir: str) -> list[dict[str, Any]]:
    """Every case of one job (``module``, ``name``, ``cases``: each a :meth:`Call.to_wire`):
    a list of result dicts (read back by ``sandbox.CaseReport.read``)."""
    target, load_status = _load_target(job["module"], job["name"], pkg_dir)
    results: list[dict[str, Any]] = []
    for wire in job["cases"]:
        if load_status is not None:
            results.append(dict(load_status))
            continue
        try:
            results.append({"status": "ok", **run_case(target, Call.from_wire(wire))})
        except BaseException as exc:  # noqa: BLE001 - learner code may raise anything
            results.append(classify_exception(exc, pkg_dir))
    packed: list[dict[str, Any]] = []
    for r in results:
        try:
            pack(r.get("outputs", {}), {})
            packed.append(r)
        except UnsupportedValue as exc:
            packed.append({"status": "unreadable",
                           "message": f"returned {exc} that the checker cannot read"})
    return packed


#: The file the child creates once its own start-up is done (see :func:`child_main`).
READY = "ready"


def result_paths(job_dir: str | os.PathLike[str], index: int) -> tuple[Path, Path]:
    """Where the child writes the results of job ``index`` (JSON tree, arrays)."""
    return Path(job_dir, f"result-{index}.json"), Path(job_dir, f"outputs-{index}.npz")


def child_main(job_dir: str) -> int:
    """Run the jobs of ``JOB_DIR/job.json`` in order, writing each job's results when done.

    Each job's results are written atomically as soon as it finishes, so when learner code
    ends the process (``os._exit``, a hang that gets killed) the grader knows which jobs
    finished and which one did not.
    """
    job_dir = os.path.abspath(job_dir)
    pkg_dir = os.path.join(job_dir, "pkg")
    doc = load(Path(job_dir, "job.json"), Path(job_dir, "inputs.npz"))
    # The checker's own start-up ends here, before any learner code runs: the grader starts
    # the first job's clock when this file appears, so a slow start on a busy machine is
    # never counted against the learner's time limit.
    Path(job_dir, READY).touch()
    # The real NumPy is already imported (above, before the learner's folder is on the path).
    sys.path.insert(0, pkg_dir)
    for index, job in enumerate(doc["jobs"]):
        results = run_job(job, pkg_dir)
        final_json, final_npz = result_paths(job_dir, index)
        tmp_json, tmp_npz = Path(job_dir, "result.tmp.json"), Path(job_dir, "outputs.tmp.npz")
        save(tmp_json, tmp_npz, {"numpy": np.__file__, "results": results})
        os.replace(tmp_npz, final_npz)
        os.replace(tmp_json, final_json)   # last: the JSON only exists once both are whole
    return 0


if __name__ == "__main__":
    os._exit(child_main(sys.argv[1]) if len(sys.argv) == 2 else 2)
