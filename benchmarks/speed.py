"""Speed of the course's reference layers, side by side with PyTorch CPU, each library alone.

    python -m benchmarks.speed                  # the full run, writes benchmarks/results/speed.md
    python -m benchmarks.speed --quick          # a smoke run: small sizes, few repeats
    python -m benchmarks.speed --threads 1      # NumPy's BLAS and PyTorch both on 1 thread
    python -m benchmarks.speed --threads 1 --clock cpu   # CPU time: steady on a busy machine
    python -m benchmarks.speed --same-process   # the naive way, both libraries in one process
    python -m benchmarks.speed --only MaxPool2D # only the rows whose name contains MaxPool2D
    python -m benchmarks.speed --test-suite     # also time the whole test suite (minutes)

PyTorch is the yardstick, not a course dependency: ``pip install -r benchmarks/requirements.txt``
installs it (the rows without a PyTorch twin still run when it is absent). One run measures:

* **matmul ceiling** — a large matrix product (float32 and float64): the GFLOP/s this
  machine's BLAS reaches here and now. Every other GFLOP/s is also given as a fraction of it.
* **training step** — the reference ``SimpleConvNet`` (conv 30×5×5 → ReLU → max pool 2×2 →
  affine 100 → ReLU → affine 10 → softmax-with-loss) on a batch of 100 bundled digits, float32,
  one ``gradient`` plus one ``Adam.update``; against the same network, loss and optimizer in
  PyTorch (``zero_grad``, forward, ``backward``, ``step``).
* **layers** — ``Conv2d`` and ``MaxPool2D`` forward and backward on the LeNet shapes
  (N=100, C=1, 28×28, 30 filters 5×5) and (N=64, C=16, 14×14, 32 filters 3×3, pad 1), against
  ``torch.nn.functional``. The first shape is a first layer: its backward computes no input
  gradient in either library (``needs_dx = False``; the input does not require grad).
* **learner check** — ``python -m autograder check sprint1.and_gate`` as a learner types it
  and the same check in-process (``run_checks``, as a notebook's check cell runs it).
* **notebooks** — every notebook executed top to bottom against the reference with
  ``COURSE_QUICK=1``, as the test suite runs them (kernel start included).

**Each library in its own process.** NumPy's OpenBLAS and PyTorch's OpenMP each keep a pool of
worker threads that *spin* (busy-wait) for a while after every parallel call, so that the next
call starts at once. In one process, the pool of the library that just ran still burns the
cores while the other library works: whichever runs second is measured on a machine that is
partly busy. So the library sides are timed by separate worker processes
(``python -m benchmarks.speed --worker numpy|torch``), each started with the same thread count
in ``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS`` and ``MKL_NUM_THREADS`` (read once, when the
library loads) and ``torch.set_num_threads``; the worker of one side never imports the other
library's compute path. The sides take turns in rounds (NumPy, PyTorch, NumPy, PyTorch, …), so a
change of load on a shared machine hits both. A third process, started once and untimed,
checks that both sides compute the same thing (same loss from the same weights, same
convolution and pooling outputs). ``--same-process`` times both libraries in one process, one
call after the other, as the first version of this benchmark did: kept to show the difference.

**Samples of k calls.** Every case is timed in samples: a sample holds k calls of the
operation, k chosen once per case and side (by the first round's worker, after two warm-up
calls, on the steps 1, 2, 5, 10, 20, … as ``timeit``'s ``autorange``) so that a sample lasts at
least ``--min-sample`` milliseconds (20) of the clock; later rounds are given the same k. A
backward pass gets a fresh forward pass (untimed) before each of its calls, and the sample adds
up the backward calls' own times. Every time is per call: a sample's time divided by k.

Every time is, per round, the **median** of ``--repeats`` samples; the table shows the
**median of the rounds' medians** and, in brackets, min–median–max of every sample of every
round: the spread. Ratios are reference ÷ PyTorch of those medians. Beside the Markdown goes
the same run as data (``speed.json``, :mod:`benchmarks.speed_results`); ``python -m
benchmarks.speed_compare A.json B.json`` says whether two runs agree, and ``python -m
benchmarks.side_by_side`` is an independent check written apart from this module's timing code.
"""
from __future__ import annotations

import os
import sys

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def _limit_threads_from_argv(argv):
    """Set the BLAS/OpenMP thread variables from ``--threads N`` before NumPy is imported."""
    value = None
    for i, arg in enumerate(argv):
        if arg == "--threads" and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--threads="):
            value = arg.split("=", 1)[1]
    if value and value.isdigit() and int(value) > 0:
        for var in THREAD_VARIABLES:
            os.environ[var] = value


if __name__ == "__main__":      # BLAS reads its thread count once, when NumPy is imported
    _limit_threads_from_argv(sys.argv[1:])

import argparse  # noqa: E402
import datetime as _dt  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from benchmarks.speed_results import CaseResult, Results, SideResult, ratio  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
TORCH_HINT = "PyTorch not installed: pip install -r benchmarks/requirements.txt"

#: The issue's goals: reference time ÷ PyTorch time at most this (ratio goals) ...
GOAL_STEP_RATIO = 1.0
GOAL_CONV_FORWARD_RATIO = 2.5
GOAL_POOL_RATIO = 1.5
#: ... and wall times at most this many seconds.
GOAL_CHECK_SECONDS = 1.0
GOAL_SUITE_SECONDS = 600.0
#: Rounds (a worker process per side each) and timed samples per case and round, by default.
DEFAULT_ROUNDS = 5
DEFAULT_REPEATS = 15


# --------------------------------------------------------------------------- timing
@dataclass
class Timing:
    """Times of repeated runs of one thing, in seconds per call, grouped in rounds.

    ``samples`` holds every timed sample; ``rounds`` the samples of each round (one worker
    process each), empty when they were not grouped; ``calls`` how many calls one sample
    timed (its time is divided by them, see :func:`_clock`).
    """
    samples: list = field(default_factory=list)
    rounds: list = field(default_factory=list)
    calls: int = 1

    @classmethod
    def of_rounds(cls, rounds, calls: int = 1) -> Timing:
        return cls([s for r in rounds for s in r], [list(r) for r in rounds], calls)

    @property
    def median(self) -> float:
        """The median of all runs."""
        return float(np.median(self.samples))

    @property
    def figure(self) -> float:
        """The time the table shows and ratios are taken of: the median of the rounds' medians
        (the median of all runs when there are no rounds).

        Within a round (a process) the median ignores a sample a hiccup hit; across rounds the
        median ignores a process that was luckier or unluckier than the others (its memory
        layout, what the other core was doing). The lowest round's median (:attr:`best`) was
        the figure before: on the shared machine one lucky process moved it by up to 35 %
        between two runs (``benchmarks/README.md``).
        """
        if not self.rounds:
            return self.median
        return float(np.median([np.median(r) for r in self.rounds]))

    @property
    def best(self) -> float:
        """The lowest of the rounds' medians (the median of all runs when there are no rounds)."""
        if not self.rounds:
            return self.median
        return min(float(np.median(r)) for r in self.rounds)


#: What a time is: ``wall`` (``time.perf_counter``, the default) or ``cpu``
#: (``time.process_time``: the CPU time of the worker process, all its threads together).
CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}
_now = CLOCKS["wall"]


def use_clock(name: str) -> None:
    """Time with the clock ``name`` (a key of :data:`CLOCKS`) from now on, in this process."""
    global _now
    _now = CLOCKS[name]


def _clock(fn, before=None, calls=1):
    """Seconds ``calls`` calls of ``fn()`` take together.

    Without ``before``, the calls run back to back between two readings of the clock. With
    it, every call gets its own untimed ``before()`` first (the forward pass a backward pass
    needs, as in a training step) and the calls' own times are added up: a backward pass is
    never timed on caches its previous call left warm, nor on a graph walked before.
    """
    if before is None:
        start = _now()
        for _ in range(calls):
            fn()
        return _now() - start
    total = 0.0
    for _ in range(calls):
        before()
        start = _now()
        fn()
        total += _now() - start
    return total


#: A timed sample lasts at least this long (of the chosen clock) unless told otherwise: one
#: call of a short operation (a pooling backward: 0.15 ms) is at the mercy of a single cache
#: miss, timer tick or page fault, k calls in a row average them out.
MIN_SAMPLE_SECONDS = 0.020
#: The most calls one sample may hold (an operation this fast is not what this measures).
MAX_CALLS = 100_000


def choose_calls(seconds_of, min_seconds=MIN_SAMPLE_SECONDS, max_calls=MAX_CALLS) -> int:
    """The fewest calls per sample, of 1, 2, 5, 10, 20, 50, …, that take ``min_seconds``.

    ``seconds_of(k)`` times ``k`` calls in a row (as ``timeit``'s ``autorange`` does, and on
    the same steps); the first ``k`` whose time reaches ``min_seconds`` is the answer, and
    ``max_calls`` caps it (an operation that costs nothing never ends the search).
    """
    k = 1
    while True:
        for step in (1, 2, 5):
            calls = k * step
            if calls >= max_calls or seconds_of(calls) >= min_seconds:
                return min(calls, max_calls)
        k *= 10


def measure(fns, repeats, warmup=2, before=None, calls=None):
    """Time each of ``fns`` ``repeats`` times, interleaved (a, b, a, b, ...), after warm-up.

    ``before``: a matching list of untimed set-up calls (or None), run before each call
    (:func:`_clock`); ``calls``: a matching list of calls per sample (default 1 each), each
    sample's time divided by its calls. Returns a list of :class:`Timing`, one per function.
    """
    before = before or [None] * len(fns)
    calls = calls or [1] * len(fns)
    for _ in range(warmup):
        for fn, pre in zip(fns, before):
            _clock(fn, pre)
    timings = [Timing(calls=k) for k in calls]
    for _ in range(repeats):
        for fn, pre, timing in zip(fns, before, timings):
            timing.samples.append(_clock(fn, pre, timing.calls) / timing.calls)
    return timings


# --------------------------------------------------------------------------- result rows
@dataclass
class Row:
    """One line of the results table."""
    section: str
    what: str
    dtype: str = ""
    ours: Timing | None = None
    torch: Timing | None = None
    flops: float | None = None          # floating-point operations of one run (ours)
    goal: str = ""                      # e.g. "≤ 1× PyTorch", "≤ 1 s"
    goal_ratio: float | None = None
    goal_seconds: float | None = None
    note: str = ""
    id: str = ""                        # the case's id (library rows only)

    @property
    def ratio(self) -> float | None:
        return ratio(self.ours, self.torch)

    @property
    def status(self) -> str:
        if self.goal_ratio is not None and self.ratio is not None:
            return "met" if self.ratio <= self.goal_ratio else "NOT met"
        if self.goal_seconds is not None and self.ours is not None:
            return "met" if self.ours.figure <= self.goal_seconds else "NOT met"
        return "n/a" if self.goal else ""


def _unit(seconds: float):
    """``(scale, unit)`` to show ``seconds`` with."""
    return (1, "s") if seconds >= 1 else (1e3, "ms") if seconds >= 1e-3 else (1e6, "µs")


def _fmt_time(t: Timing | None) -> str:
    """``figure`` in a readable unit, then ``(min–median–max)`` of every run when there are
    several, in the same unit."""
    if t is None:
        return "—"
    scale, unit = _unit(t.figure)
    digits = 0 if unit == "µs" else 2
    text = f"{t.figure * scale:.{digits}f} {unit}"
    if len(t.samples) < 3:
        return text
    lo, mid, hi = (f"{v * scale:.{digits}f}" for v in
                   (min(t.samples), t.median, max(t.samples)))
    return f"{text} ({lo}–{mid}–{hi})"


def _gflops(row: Row, ceilings: dict) -> str:
    if row.flops is None or row.ours is None:
        return ""
    rate = row.flops / row.ours.figure / 1e9
    ceiling = ceilings.get(row.dtype)
    share = f" ({rate / ceiling * 100:.0f}%)" if ceiling and row.section != "ceiling" else ""
    return f"{rate:.1f}{share}"


# --------------------------------------------------------------------------- environment
def available_cores() -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return int(cores or 1)


def blas_threads() -> tuple[int, str]:
    """``(threads, how it was found)`` for NumPy's BLAS in this process."""
    try:
        from threadpoolctl import threadpool_info
        pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
        if pools:
            return int(pools[0]["num_threads"]), (f"threadpoolctl: {pools[0].get('internal_api')}"
                                                  f" {pools[0].get('version')}")
    except ImportError:
        pass
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        if os.environ.get(var, "").isdigit():
            return int(os.environ[var]), f"${var}"
    return available_cores(), "BLAS default: one thread per available core"


def limit_blas_threads(n: int) -> None:
    """Limit BLAS to ``n`` threads now (threadpoolctl), on top of the variables set at start."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(limits=n, user_api="blas")


def import_torch(threads: int):
    """PyTorch with ``threads`` intra-op threads, or None when it is not installed."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(threads)
    return torch


def have_torch() -> bool:
    import importlib.util
    return importlib.util.find_spec("torch") is not None


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _load() -> str:
    try:
        return " / ".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:
        return "?"


# --------------------------------------------------------------------------- what is measured
@dataclass(frozen=True)
class Case:
    """One thing timed on both sides: its id, its row in the table, and how to time it."""
    id: str
    section: str
    what: str
    dtype: str = "float32"
    flops: float | None = None
    goal_ratio: float | None = None
    note: str = ""
    repeats: int | None = None      # None: the run's --repeats
    warmup: int = 2


CONV_SHAPES = [
    # (label, N, C, H, W, F, K, pad, first layer: no dx)
    ("LeNet conv1: N=100, C=1, 28×28, 30 filters 5×5", 100, 1, 28, 28, 30, 5, 0, True),
    ("conv2: N=64, C=16, 14×14, 32 filters 3×3, pad 1", 64, 16, 14, 14, 32, 3, 1, False),
]
POOL_SHAPES = [
    ("after conv1: N=100, C=30, 24×24, 2×2 stride 2", 100, 30, 24, 24),
    ("after conv2: N=64, C=32, 14×14, 2×2 stride 2", 64, 32, 14, 14),
]
STEP_NET = dict(C=1, H=28, W=28, F=30, K=5, hidden=100, classes=10)
#: Sprint 9's DeepConvNet as its notebook and `benchmarks.accuracy deep_cnn mnist-small` train it.
DEEP_NET = dict(blocks=(16, 32), hidden_size=100, dropout_ratio=0.5)


def _quick_batch(N, label, quick):
    """``(N, label)``, or a tenth of the batch and a label that says so with ``--quick``."""
    if not quick:
        return N, label
    n = max(N // 10, 2)
    return n, label.replace(f"N={N}", f"N={n}") + " (quick)"


def _matmul_size(quick):
    return 512 if quick else 2048


def _batch(quick):
    return 20 if quick else 100


def _step_flops(batch):
    """Multiply-adds ×2 of one training step: conv forward + dW, affine forward + dW + dx
    (the first convolution computes no dx)."""
    s = STEP_NET
    oh, ow = s["H"] - s["K"] + 1, s["W"] - s["K"] + 1
    conv = 2.0 * batch * s["F"] * s["C"] * s["K"] ** 2 * oh * ow
    flat = s["F"] * (oh // 2) * (ow // 2)
    affine = 2.0 * batch * (flat * s["hidden"] + s["hidden"] * s["classes"])
    return 2 * conv + 3 * affine


def _deep_step_flops(batch):
    """Multiply-adds ×2 of one DeepConvNet training step: every 3×3 convolution forward, dW
    and dx (the first one no dx), the two affine layers forward, dW and dx."""
    c, hw, conv = 1, 28, 0.0
    for filters in DEEP_NET["blocks"]:
        for k in range(2):
            passes = 2 if (c == 1 and k == 0) else 3
            conv += passes * 2.0 * batch * filters * c * 9 * hw * hw
            c = filters
        hw //= 2
    hidden = DEEP_NET["hidden_size"]
    return conv + 3 * 2.0 * batch * (c * hw * hw * hidden + hidden * 10)


def cases(quick=False, only=()) -> list[Case]:
    """The cases of one run; with ``only``, those whose id or description contains one of
    its texts (case-sensitive: ``pool2`` is the id ``pool2-…``, not every ``MaxPool2D``)."""
    plan = _all_cases(quick)
    if not only:
        return plan
    return [c for c in plan if any(t in c.id or t in c.what for t in only)]


def _all_cases(quick) -> list[Case]:
    """Everything the library sides time, in order."""
    n = _matmul_size(quick)
    out = [Case(f"matmul-{dt}", "ceiling", f"matmul {n}×{n} @ {n}×{n}", dt, 2.0 * n ** 3,
                note="the BLAS ceiling the GFLOP/s column is compared with", repeats=7,
                warmup=1)
           for dt in ("float32", "float64")]
    batch = _batch(quick)
    out.append(Case("step", "training", f"SimpleConvNet training step, batch {batch}, Adam",
                    flops=_step_flops(batch), goal_ratio=GOAL_STEP_RATIO))
    out.append(Case("deep-step", "training",
                    f"DeepConvNet training step (sprint 9: 3×3 convolutions {DEEP_NET['blocks'][0]}"
                    f"/{DEEP_NET['blocks'][1]} filters, batch norm, dropout), batch {batch}, Adam",
                    flops=_deep_step_flops(batch), repeats=7,
                    note="PyTorch: `solutions.framework.to_torch`'s twin in training mode"))
    for i, (label, N, C, H, W, F, K, pad, first) in enumerate(CONV_SHAPES):
        N, label = _quick_batch(N, label, quick)
        OH, OW = H + 2 * pad - K + 1, W + 2 * pad - K + 1
        flops = 2.0 * N * F * C * K * K * OH * OW
        out.append(Case(f"conv{i + 1}-forward", "layers", f"Conv2d forward — {label}",
                        flops=flops, goal_ratio=GOAL_CONV_FORWARD_RATIO))
        out.append(Case(f"conv{i + 1}-backward", "layers", f"Conv2d backward — {label}",
                        flops=flops * (1 if first else 2),
                        note="dW, db only (first layer)" if first else "dx, dW, db"))
    for i, (label, N, *_) in enumerate(POOL_SHAPES):
        N, label = _quick_batch(N, label, quick)
        for part in ("forward", "backward"):
            out.append(Case(f"pool{i + 1}-{part}", "layers", f"MaxPool2D {part} — {label}",
                            goal_ratio=GOAL_POOL_RATIO))
    return out


# --------------------------------------------------------------------------- the inputs
def _digits(n):
    """``n`` bundled digits as ``(n, 1, 28, 28)`` float32 and their labels."""
    from solutions.datasets import load_mnist_small
    x, t = load_mnist_small("train", flatten=False)
    return np.ascontiguousarray(x[:n], dtype=np.float32), np.asarray(t[:n])


def _conv_data(i, quick):
    """``(x, W, b, dout, pad, first)`` of the ``i``-th convolution shape, the same every time."""
    label, N, C, H, W, F, K, pad, first = CONV_SHAPES[i]
    N, _ = _quick_batch(N, label, quick)
    rng = np.random.default_rng(10 + i)
    x = rng.random((N, C, H, W), dtype=np.float32)
    Wt = (rng.standard_normal((F, C, K, K)) * 0.1).astype(np.float32)
    b = (rng.standard_normal(F) * 0.1).astype(np.float32)
    OH, OW = H + 2 * pad - K + 1, W + 2 * pad - K + 1
    dout = rng.standard_normal((N, F, OH, OW)).astype(np.float32)
    return x, Wt, b, dout, pad, first


def _pool_data(i, quick):
    """``(x, dout)`` of the ``i``-th pooling shape: ReLU outputs (many exact zeros, so ties)."""
    label, N, C, H, W = POOL_SHAPES[i]
    N, _ = _quick_batch(N, label, quick)
    rng = np.random.default_rng(20 + i)
    x = np.maximum(rng.standard_normal((N, C, H, W)), 0).astype(np.float32)
    dout = rng.standard_normal((N, C, H // 2, W // 2)).astype(np.float32)
    return x, dout


def _reference_net(quick):
    from solutions.cnn import SimpleConvNet
    x, t = _digits(_batch(quick))
    return SimpleConvNet(dtype=np.float32, seed=0), x, t


def _deep_net(quick):
    from solutions.deep_cnn import DeepConvNet
    x, t = _digits(_batch(quick))
    return DeepConvNet(dtype="float32", seed=0, **DEEP_NET), x, t


def _torch_twin(torch, net):
    """The reference network's twin in PyTorch, with the same initial weights."""
    nn = torch.nn
    p = net.params
    F, C, K, _ = p["W1"].shape
    model = nn.Sequential(nn.Conv2d(C, F, K), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(p["W2"].shape[0], p["W2"].shape[1]), nn.ReLU(),
                          nn.Linear(p["W3"].shape[0], p["W3"].shape[1]))
    with torch.no_grad():
        model[0].weight.copy_(torch.from_numpy(p["W1"]))
        model[0].bias.copy_(torch.from_numpy(p["b1"]))
        model[4].weight.copy_(torch.from_numpy(np.ascontiguousarray(p["W2"].T)))
        model[4].bias.copy_(torch.from_numpy(p["b2"]))
        model[6].weight.copy_(torch.from_numpy(np.ascontiguousarray(p["W3"].T)))
        model[6].bias.copy_(torch.from_numpy(p["b3"]))
    return model


# --------------------------------------------------------------------------- the two sides
def numpy_side(quick):
    """``{case id: (fn, before)}`` for the reference, and the network of its training step."""
    from solutions.conv2d import Conv2d
    from solutions.optimizers import Adam
    from solutions.pooling import MaxPool2D

    fns = {}
    rng = np.random.default_rng(0)
    n = _matmul_size(quick)
    for dt in ("float32", "float64"):
        a, b = (rng.standard_normal((n, n)).astype(dt) for _ in range(2))
        fns[f"matmul-{dt}"] = ((lambda a=a, b=b: a @ b), None)
    net, x, t = _reference_net(quick)
    optimizer = Adam(lr=0.001)

    def step():
        optimizer.update(net.params, net.gradient(x, t))
    fns["step"] = (step, None)
    deep, _, _ = _deep_net(quick)
    deep_optimizer = Adam(lr=0.001)

    def deep_step():
        deep_optimizer.update(deep.params, deep.gradient(x, t))
    fns["deep-step"] = (deep_step, None)
    for i in range(len(CONV_SHAPES)):
        cx, W, b, dout, pad, first = _conv_data(i, quick)
        layer = Conv2d(W, b, stride=1, pad=pad)
        layer.needs_dx = not first

        def forward(layer=layer, cx=cx):
            return layer.forward(cx)
        fns[f"conv{i + 1}-forward"] = (forward, None)
        fns[f"conv{i + 1}-backward"] = ((lambda layer=layer, d=dout: layer.backward(d)), forward)
    for i in range(len(POOL_SHAPES)):
        px, dout = _pool_data(i, quick)
        pool = MaxPool2D(2, 2)

        def forward(pool=pool, px=px):
            return pool.forward(px)
        fns[f"pool{i + 1}-forward"] = (forward, None)
        fns[f"pool{i + 1}-backward"] = ((lambda pool=pool, d=dout: pool.backward(d)), forward)
    return fns, (net, optimizer, x, t)


def torch_side(torch, quick):
    """``{case id: (fn, before)}`` for PyTorch CPU on the same inputs."""
    F_ = torch.nn.functional
    fns = {}
    rng = np.random.default_rng(0)
    n = _matmul_size(quick)
    for dt in ("float32", "float64"):
        a, b = (torch.from_numpy(rng.standard_normal((n, n)).astype(dt)) for _ in range(2))
        fns[f"matmul-{dt}"] = ((lambda a=a, b=b: a @ b), None)
    net, x, t = _reference_net(quick)
    model = _torch_twin(torch, net)
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    tx, tt = torch.from_numpy(x), torch.from_numpy(t)

    def step():
        optimizer.zero_grad()
        loss_fn(model(tx), tt).backward()
        optimizer.step()
    fns["step"] = (step, None)
    from solutions.framework import to_torch
    deep_model = to_torch(_deep_net(quick)[0]).train()
    deep_optimizer = torch.optim.Adam(deep_model.parameters(), lr=0.001)

    def deep_step():
        deep_optimizer.zero_grad()
        loss_fn(deep_model(tx), tt).backward()
        deep_optimizer.step()
    fns["deep-step"] = (deep_step, None)
    graph = {}
    for i in range(len(CONV_SHAPES)):
        cx, W, b, dout, pad, first = _conv_data(i, quick)
        cx = torch.from_numpy(cx).requires_grad_(not first)
        W, b = (torch.from_numpy(a).requires_grad_(True) for a in (W, b))
        inputs = [W, b] if first else [cx, W, b]

        def forward(key=f"conv{i}", cx=cx, W=W, b=b, pad=pad):
            graph[key] = F_.conv2d(cx, W, b, padding=pad)
        fns[f"conv{i + 1}-forward"] = (forward, None)
        d = torch.from_numpy(dout)
        fns[f"conv{i + 1}-backward"] = (
            (lambda key=f"conv{i}", inputs=inputs, d=d: torch.autograd.grad(graph[key], inputs, d)),
            forward)
    for i in range(len(POOL_SHAPES)):
        px, dout = _pool_data(i, quick)
        px = torch.from_numpy(px).requires_grad_(True)

        def forward(key=f"pool{i}", px=px):      # with the indices its backward needs
            graph[key] = F_.max_pool2d(px, 2)
        fns[f"pool{i + 1}-forward"] = (forward, None)
        d = torch.from_numpy(dout)
        fns[f"pool{i + 1}-backward"] = (
            (lambda key=f"pool{i}", px=px, d=d: torch.autograd.grad(graph[key], [px], d)), forward)
    return fns


def verify_twins(torch, quick) -> list[str]:
    """Check, untimed, that both sides compute the same thing; the notes that say so.

    Raises ``AssertionError`` on a disagreement: the run stops rather than compare different
    work."""
    F_ = torch.nn.functional
    notes = []
    net, x, t = _reference_net(quick)
    model = _torch_twin(torch, net)
    with torch.no_grad():
        theirs = float(torch.nn.CrossEntropyLoss()(model(torch.from_numpy(x)),
                                                   torch.from_numpy(t)))
    ours = float(net.loss(x, t))
    if not np.isclose(ours, theirs, rtol=1e-4):
        raise AssertionError(f"the twins disagree before training: loss {ours} (reference) "
                             f"vs {theirs} (PyTorch)")
    notes.append(f"same initial weights, same loss: {ours:.4f} (PyTorch {theirs:.4f})")
    from solutions.framework import to_torch
    deep, x, t = _deep_net(quick)
    deep.gradient(x, t)                 # one training pass: batch norm's running averages move
    deep_model = to_torch(deep)         # eval mode, with those running averages
    with torch.no_grad():
        theirs = deep_model(torch.from_numpy(x)).numpy()
    ours = deep.predict(x)
    if not np.allclose(ours, theirs, rtol=1e-3, atol=1e-4 * float(np.abs(theirs).max())):
        raise AssertionError("the DeepConvNet twins disagree on their scores (inference mode)")
    notes.append("DeepConvNet and its twin give the same scores (inference mode)")
    from solutions.conv2d import Conv2d
    from solutions.pooling import MaxPool2D
    for i, (label, *_rest) in enumerate(CONV_SHAPES):
        cx, W, b, dout, pad, first = _conv_data(i, quick)
        layer = Conv2d(W, b, pad=pad)
        tcx, tW, tb = (torch.from_numpy(a).requires_grad_(True) for a in (cx, W, b))
        tout = F_.conv2d(tcx, tW, tb, padding=pad)
        tdx, tdW, tdb = torch.autograd.grad(tout, [tcx, tW, tb], torch.from_numpy(dout))
        out = layer.forward(cx)
        dx = layer.backward(dout)
        for name, a, e in (("out", out, tout), ("dx", dx, tdx),
                           ("dW", layer.dW, tdW), ("db", layer.db, tdb)):
            e = e.detach().numpy()
            if not np.allclose(a, e, rtol=1e-3, atol=1e-4 * float(np.abs(e).max())):
                raise AssertionError(f"Conv2d {name} disagrees with PyTorch on {label}")
    for i, (label, *_rest) in enumerate(POOL_SHAPES):
        px, dout = _pool_data(i, quick)
        pool = MaxPool2D(2, 2)
        tpx = torch.from_numpy(px).requires_grad_(True)
        tout = F_.max_pool2d(tpx, 2)
        if not np.array_equal(pool.forward(px), tout.detach().numpy()):
            raise AssertionError(f"MaxPool2D disagrees with PyTorch on {label}")
        # ties (the ReLU's zeros) may route differently; the sums per window must agree
        tdx = torch.autograd.grad(tout, [tpx], torch.from_numpy(dout))[0].numpy()
        dx = pool.backward(dout)
        n, c, h, w = dx.shape
        sums = [d.reshape(n, c, h // 2, 2, w // 2, 2).sum(axis=(3, 5)) for d in (dx, tdx)]
        if not np.allclose(*sums, atol=1e-6):
            raise AssertionError(f"MaxPool2D backward disagrees with PyTorch on {label}")
    notes.append("Conv2d out, dx, dW, db and MaxPool2D out, per-window dx agree with PyTorch")
    return notes


def step_breakdown(net, optimizer, x, t, repeats):
    """Median seconds of each layer's forward and backward within a training step."""
    names = list(net.layers)
    samples = {}

    def note(key, seconds):
        samples.setdefault(key, []).append(seconds)

    for _ in range(max(repeats, 3)):
        out = x
        for name in names:
            start = _now()
            out = net.layers[name].forward(out)
            note(f"{name} forward", _now() - start)
        start = _now()
        net.last_layer.forward(out, t)
        note("SoftmaxWithLoss forward", _now() - start)
        start = _now()
        dout = net.last_layer.backward(1)
        note("SoftmaxWithLoss backward", _now() - start)
        for name in reversed(names):
            start = _now()
            dout = net.layers[name].backward(dout)
            note(f"{name} backward", _now() - start)
        layers = net.layers
        grads = {"W1": layers["Conv1"].dW, "b1": layers["Conv1"].db,
                 "W2": layers["Affine1"].dW, "b2": layers["Affine1"].db,
                 "W3": layers["Affine2"].dW, "b3": layers["Affine2"].db}
        start = _now()
        optimizer.update(net.params, grads)
        note("Adam update", _now() - start)
    return {key: float(np.median(v)) for key, v in samples.items()}


# --------------------------------------------------------------------------- a worker process
def worker(side: str, threads: int, repeats: int, quick: bool, clock: str = "wall",
           only=(), calls=None, min_sample=MIN_SAMPLE_SECONDS) -> dict:
    """Time one side (``numpy``, ``torch``, or ``both`` in this one process) or, for
    ``verify``, check that the sides agree. Runs in a process of its own.

    ``calls[side][case id]``: calls per sample, as an earlier worker chose them; a case
    without them gets them chosen here (:func:`choose_calls`, after its warm-up) so that a
    sample lasts at least ``min_sample`` seconds. The result says which were used."""
    use_clock(clock)
    limit_blas_threads(threads)
    result = {"side": side, "load": _load(), "numpy": np.__version__,
              "blas": "{} ({})".format(*blas_threads()), "samples": {}, "calls": {}}
    torch = import_torch(threads) if side in ("torch", "both", "verify") else None
    if torch is not None:
        result["torch"] = torch.__version__
        result["torch_threads"] = torch.get_num_threads()
    if side == "verify":
        result["notes"] = verify_twins(torch, quick) if torch is not None else []
        return result
    plan = cases(quick, only)
    sides = {}
    if side in ("numpy", "both"):
        sides["numpy"], step_state = numpy_side(quick)
    if torch is not None:
        sides["torch"] = torch_side(torch, quick)
    calls = calls or {}
    for case in plan:
        fns = [fns_[case.id][0] for fns_ in sides.values()]
        before = [fns_[case.id][1] for fns_ in sides.values()]
        for _ in range(case.warmup):
            for fn, pre in zip(fns, before):
                _clock(fn, pre)
        ks = [calls.get(name, {}).get(case.id) or
              choose_calls(lambda k, fn=fn, pre=pre: _clock(fn, pre, k), min_sample)
              for name, fn, pre in zip(sides, fns, before)]
        timings = measure(fns, case.repeats or repeats, warmup=0, before=before, calls=ks)
        for name, timing in zip(sides, timings):
            result["samples"].setdefault(name, {})[case.id] = timing.samples
            result["calls"].setdefault(name, {})[case.id] = timing.calls
    if "numpy" in sides and any(case.id == "step" for case in plan):
        result["breakdown"] = step_breakdown(*step_state, repeats)
    result["load_end"] = _load()
    result["libraries"] = sorted({"numpy", "torch"} & set(sys.modules))
    return result


RESULT_MARK = "BENCHMARK-RESULT "


def run_worker(side: str, threads: int, repeats: int, quick: bool, clock: str = "wall",
               only=(), calls=None, min_sample=MIN_SAMPLE_SECONDS) -> dict:
    """Start a worker process for ``side`` with ``threads`` threads; its result."""
    env = dict(os.environ, **{var: str(threads) for var in THREAD_VARIABLES})
    command = [sys.executable, "-m", "benchmarks.speed", "--worker", side,
               "--threads", str(threads), "--repeats", str(repeats),
               "--clock", clock, "--min-sample", f"{min_sample * 1e3:g}"] + (["--quick"] * quick)
    if calls:
        command += ["--calls", json.dumps(calls)]
    for text in only:
        command += ["--only", text]
    out = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith(RESULT_MARK)]
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"the {side} worker failed:\n{out.stdout[-3000:]}{out.stderr[-3000:]}")
    return json.loads(lines[-1][len(RESULT_MARK):])


def library_rounds(threads, rounds, repeats, quick, same_process=False, clock="wall",
                   log=print, only=(), min_sample=MIN_SAMPLE_SECONDS):
    """Time the library sides: ``rounds`` rounds, each side in its own process, taking turns.

    The first round's workers choose each case's calls per sample; the later rounds' workers
    are given the same, so that every round times the same samples.

    Returns ``(timings, breakdown, workers)``: ``timings[side][case id]`` a :class:`Timing`
    over the rounds, ``breakdown`` the reference step's parts (the median of the rounds'
    medians), ``workers`` what
    each worker process reported about itself."""
    torch_here = have_torch()
    order = ["both"] if same_process else (["numpy", "torch"] if torch_here else ["numpy"])
    workers = []
    if torch_here:
        log("… checking that both sides compute the same thing (own process, untimed)")
        workers.append(run_worker("verify", threads, repeats, quick, clock, only))
    per_side, calls = {}, {}
    for r in range(rounds):
        for side in order:
            start = time.perf_counter()
            res = run_worker(side, threads, repeats, quick, clock, only, calls, min_sample)
            for name, chosen in res["calls"].items():
                calls.setdefault(name, chosen)
            log(f"  round {r + 1}/{rounds}, {side}: {time.perf_counter() - start:.1f} s "
                f"(load {res['load']})")
            res["round"] = r + 1
            workers.append(res)
            for name, samples in res["samples"].items():
                for cid, s in samples.items():
                    per_side.setdefault(name, {}).setdefault(cid, []).append(s)
    timings = {name: {cid: Timing.of_rounds(rs, calls[name][cid]) for cid, rs in c.items()}
               for name, c in per_side.items()}
    parts = [w["breakdown"] for w in workers if "breakdown" in w]
    breakdown = {k: float(np.median([p[k] for p in parts])) for k in parts[0]} if parts else {}
    return timings, breakdown, workers


def library_rows(timings, quick, only=()):
    rows = []
    for case in cases(quick, only):
        ours = timings.get("numpy", {}).get(case.id)
        theirs = timings.get("torch", {}).get(case.id)
        goal = f"≤ {case.goal_ratio:g}× PyTorch" if case.goal_ratio else ""
        rows.append(Row(case.section, case.what, case.dtype, ours, theirs, case.flops, goal,
                        case.goal_ratio, note=case.note, id=case.id))
    return rows

# --------------------------------------------------------------------------- 4. learner check
def reference_course(dest: Path) -> Path:
    """A course folder at ``dest`` whose ``helpers/`` holds the reference (a full-marks learner)."""
    pkg = dest / "helpers"
    pkg.mkdir(parents=True, exist_ok=True)
    for f in (ROOT / "solutions").glob("*.py"):
        if f.name != "__init__.py":
            shutil.copyfile(f, pkg / f.name)
    shutil.copyfile(ROOT / "helpers" / "__init__.py", pkg / "__init__.py")
    for name in ("autograder", "solutions", "data"):
        if (ROOT / name).exists() and not (dest / name).exists():
            (dest / name).symlink_to(ROOT / name)
    return dest


def _cpu_seconds() -> float:
    """CPU time (user + system) of this process and of its finished children, so far."""
    import resource
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _with_cpu_time(fn, cpu: list):
    """``fn`` that also appends the CPU seconds of each call (all its processes) to ``cpu``."""
    def timed():
        start = _cpu_seconds()
        fn()
        cpu.append(_cpu_seconds() - start)
    return timed


def bench_check(repeats, quick=False, exercise="sprint1.and_gate"):
    """The latency of one learner check: a new ``python -m autograder`` process, and in-process."""
    from autograder.learner.check import run_checks

    rows = []
    with tempfile.TemporaryDirectory(prefix="speed-check-") as tmp:
        course = reference_course(Path(tmp))
        helpers = course / "helpers"
        command = [sys.executable, "-m", "autograder", "check", exercise, "--quiet"]

        def cli():
            out = subprocess.run(command, cwd=course, capture_output=True, text=True)
            if out.returncode != 0:
                raise AssertionError(f"{' '.join(command[1:])} failed on the reference:\n"
                                     f"{out.stdout}{out.stderr}")

        def in_process():
            report = run_checks([exercise], helpers, save=False)
            if not report.ok:
                raise AssertionError(report.render())

        n = max(2, repeats // 3) if not quick else 1
        cli_cpu, inproc_cpu = [], []
        cli_t, inproc_t = measure([_with_cpu_time(cli, cli_cpu),
                                   _with_cpu_time(in_process, inproc_cpu)], n, warmup=1)
        cpu_note = ("CPU time of all its processes {:.2f} s: about the wall time on an idle "
                    "machine")
        rows.append(Row("check", f"`python -m autograder check {exercise}` (new process)", "",
                        cli_t, goal=f"≤ {GOAL_CHECK_SECONDS:g} s",
                        goal_seconds=GOAL_CHECK_SECONDS,
                        note=cpu_note.format(np.median(cli_cpu[-n:]))))
        rows.append(Row("check", f"check(\"{exercise}\") in a notebook (in-process run_checks)",
                        "", inproc_t, goal=f"≤ {GOAL_CHECK_SECONDS:g} s",
                        goal_seconds=GOAL_CHECK_SECONDS,
                        note=cpu_note.format(np.median(inproc_cpu[-n:]))))
        if not quick:
            rows.append(slowest_check(helpers))
    return rows


def slowest_check(helpers: Path) -> Row:
    """Every exercise checked once in-process; the row of the slowest."""
    from autograder.learner.check import run_checks
    from autograder.learner.registry import load_exercises

    times = {}
    for spec in load_exercises():
        start = time.perf_counter()
        run_checks([spec.id], helpers, save=False)
        times[spec.id] = time.perf_counter() - start
    worst = max(times, key=times.get)
    return Row("check", f"slowest of all {len(times)} checks in-process: {worst}", "",
               Timing([times[worst]]), goal=f"≤ {GOAL_CHECK_SECONDS:g} s",
               goal_seconds=GOAL_CHECK_SECONDS,
               note=f"median over all checks {np.median(list(times.values())) * 1e3:.0f} ms")


# --------------------------------------------------------------------------- 5. notebooks
def _set_environ(values: dict) -> None:
    """Set each variable to its value; a value of None removes the variable."""
    for key, value in values.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def bench_notebooks(pattern: str | None = None):
    """Seconds to execute each notebook top to bottom against the reference, COURSE_QUICK=1."""
    import nbformat
    from nbclient import NotebookClient

    rows = []
    paths = sorted((ROOT / "notebooks").glob("sprint*_*.ipynb"))
    if pattern:
        paths = [p for p in paths if pattern in p.name]
    # as the notebook test: strict checks, quick training, plots inline (no MPLBACKEND)
    env = {"AUTOGRADER_STRICT": "1", "COURSE_QUICK": "1", "MPLBACKEND": None}
    old = {k: os.environ.get(k) for k in env}
    total = 0.0
    try:
        _set_environ(env)
        for path in paths:
            with tempfile.TemporaryDirectory(prefix="speed-nb-") as tmp:
                course = reference_course(Path(tmp))
                (course / "notebooks").mkdir()
                nb_path = course / "notebooks" / path.name
                shutil.copyfile(path, nb_path)
                nb = nbformat.read(nb_path, as_version=4)
                start = time.perf_counter()
                note = ""
                try:
                    NotebookClient(nb, timeout=900, kernel_name="python3",
                                   resources={"metadata": {"path": str(nb_path.parent)}}
                                   ).execute()
                except Exception as exc:            # a broken notebook: say so, time the rest
                    lines = [ln for ln in str(exc).splitlines() if ln.strip()]
                    note = f"FAILED: {(lines[-1] if lines else type(exc).__name__)[:120]}"
                    print(f"  {path.name}: {note}", flush=True)
                seconds = time.perf_counter() - start
            total += seconds
            rows.append(Row("notebooks", f"{path.stem} (COURSE_QUICK=1)", "", Timing([seconds]),
                            note=note.replace("|", "/")))
    finally:
        _set_environ(old)
    if len(rows) > 1:
        rows.append(Row("notebooks", f"all {len(rows)} notebooks", "", Timing([total]),
                        note="the tests run each once"))
    return rows


def bench_test_suite():
    """Wall time of the whole test suite, as ``./course test`` runs it."""
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                         cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    last = (out.stdout.strip().splitlines() or ["?"])[-1]
    return [Row("suite", "whole test suite incl. every notebook", "", Timing([seconds]),
                goal=f"≤ {GOAL_SUITE_SECONDS / 60:g} min", goal_seconds=GOAL_SUITE_SECONDS,
                note=last)]


# --------------------------------------------------------------------------- report
SECTIONS = {
    "ceiling": "Matmul ceiling",
    "training": "Training step",
    "layers": "Layers",
    "check": "Learner check",
    "notebooks": "Notebooks",
    "suite": "Test suite",
}


CLOCK_TEXT = {
    "wall": ", in wall time",
    "cpu": ", in **CPU time** of the worker process (user + system, all its threads: a "
           "descheduled process is not charged for the wait, a spinning thread is charged for "
           "its spinning)",
}


def _side_result(t: Timing | None) -> SideResult | None:
    if t is None:
        return None
    return SideResult(t.figure, t.best, t.median, min(t.samples), max(t.samples), t.calls,
                      t.rounds or [t.samples])


def results_of(rows, info) -> Results:
    """The library rows of a run as data (:mod:`benchmarks.speed_results`), for
    ``benchmarks.speed_compare``."""
    cases_ = [CaseResult(r.id, r.what, _side_result(r.ours), _side_result(r.torch),
                         r.goal_ratio) for r in rows if r.id]
    settings = {k: info[k] for k in ("rounds", "repeats", "min_sample", "quick", "same_process",
                                     "cpu", "cores", "python", "numpy", "torch") if k in info}
    return Results("benchmarks.speed", info["command"], info["date"], info["clock"],
                   info["threads"], info["load0"], info["load1"], cases_, settings)


def render(rows, breakdown, info, ceilings) -> str:
    """The results as Markdown: a header, the main table, the training-step breakdown."""
    how = ("both libraries in ONE process, one call after the other (`--same-process`: the "
           "naive way, shown for comparison; its PyTorch figures are not PyTorch alone)"
           if info["same_process"] else
           "each library in its own worker process, the sides taking turns (NumPy, PyTorch, "
           "NumPy, …)")
    lines = ["# Speed of the reference against PyTorch CPU", "",
             f"Written by `{info['command']}` on {info['date']}. {info['rounds']} rounds, "
             f"{how}; each round times every case {info['repeats']} times after warm-up"
             f"{CLOCK_TEXT[info['clock']]}. A timed sample holds k calls back to back (the "
             "*calls per sample* column, reference / PyTorch), k chosen once per case and "
             "side, in the first round, so that a sample lasts at least "
             f"{info['min_sample'] * 1e3:g} ms; a time is per call. "
             f"A time is the median of the {info['rounds']} rounds' medians; in brackets "
             "min–median–max of every sample of every round. Ratio = reference ÷ PyTorch of "
             "those times (lower is better "
             "for the reference). GFLOP/s in brackets: share of the same dtype's matmul "
             "ceiling measured in this run.", "",
             f"Machine: {info['cpu']}, {info['cores']} cores; {info['threads']} threads for "
             f"both libraries (NumPy's BLAS: {info['blas']}; PyTorch: {info['torch_threads']});"
             f" Python {info['python']}, NumPy {info['numpy']}, PyTorch {info['torch']}; load "
             f"average (1 / 5 / 15 min) at start {info['load0']}, at end {info['load1']}.", ""]
    if info.get("verified"):
        lines += ["Checked first, in a process of its own: " + "; ".join(info["verified"]) + ".",
                  ""]
    if info.get("quick"):
        lines += ["**Quick run** (`--quick`: smaller batches, few repeats): a smoke test of the "
                  "harness, not figures to quote.", ""]
    lines += ["| section | what | dtype | reference (NumPy) | PyTorch CPU | calls per sample "
              "| ratio | GFLOP/s | goal | status | note |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        ratio = f"{r.ratio:.2f}×" if r.ratio is not None else "—"
        torch_col = _fmt_time(r.torch) if r.torch is not None else (
            "—" if r.section in ("check", "notebooks", "suite") else "n/a")
        calls = " / ".join(str(t.calls) for t in (r.ours, r.torch) if t is not None)
        lines.append(f"| {SECTIONS[r.section]} | {r.what} | {r.dtype or '—'} | "
                     f"{_fmt_time(r.ours)} | {torch_col} | {calls or '—'} | {ratio} | "
                     f"{_gflops(r, ceilings) or '—'} | {r.goal or '—'} | {r.status or '—'} | "
                     f"{r.note} |")
    if breakdown:
        total = sum(breakdown.values())
        lines += ["", "## Where the reference training step spends its time", "",
                  "Each layer's forward and backward timed inside a step (the median of the "
                  f"rounds' medians, float32, batch {info['batch']}); sum {total * 1e3:.1f} ms.",
                  "",
                  "| part | time | share |", "|---|---|---|"]
        for key, seconds in sorted(breakdown.items(), key=lambda kv: -kv[1]):
            lines.append(f"| {key} | {seconds * 1e3:.2f} ms | {seconds / total * 100:.0f}% |")
    if info.get("workers"):
        lines += ["", "## The worker processes", "",
                  "One process per side and round, in this order; *libraries loaded* is what "
                  "the process had imported when it finished.", "",
                  "| round | side | libraries loaded | threads (BLAS / PyTorch) | load at its "
                  "start | load at its end |", "|---|---|---|---|---|---|"]
        for w in info["workers"]:
            lines.append(f"| {w['round']} | {w['side']} | {', '.join(w['libraries'])} | "
                         f"{w['blas'].split(' ')[0]} / {w.get('torch_threads', '—')} | "
                         f"{w['load']} | {w['load_end']} |")
    return "\n".join(lines) + "\n"


#: The command line: each option's flags and its ``add_argument`` settings, in --help's order.
OPTIONS = [
    ("--quick", dict(action="store_true", help="a smoke run: small sizes, 3 repeats, 2 rounds, "
                                               "only the first notebook")),
    ("--threads", dict(type=int, help="threads for NumPy's BLAS and PyTorch (default: the "
                                      "available cores)")),
    ("--rounds", dict(type=int, help=f"rounds of worker processes, the sides taking turns "
                                     f"(default {DEFAULT_ROUNDS})")),
    ("--repeats", dict(type=int, help=f"timed samples per case and round (default "
                                      f"{DEFAULT_REPEATS})")),
    ("--min-sample", dict(type=float, default=MIN_SAMPLE_SECONDS * 1e3, metavar="MS",
                          help="a timed sample holds as many calls as make it last at least "
                               "MS milliseconds of the clock (default %(default)g)")),
    ("--clock", dict(choices=sorted(CLOCKS), default="wall",
                     help="wall time (default) or the worker's CPU time (all its threads): "
                          "steadier on a busy machine, meaningful with --threads 1")),
    ("--same-process", dict(action="store_true", help="time both libraries in one process "
                                                      "(the naive way, to compare)")),
    ("--notebooks", dict(metavar="PATTERN", help="only notebooks whose name contains PATTERN "
                                                 "('none': skip them)")),
    ("--no-check", dict(action="store_true", help="skip the learner-check rows")),
    ("--only", dict(action="append", default=[], metavar="TEXT",
                    help="only the library rows (matmul, training steps, layers) whose id or "
                         "description contains TEXT (case-sensitive; repeatable); the "
                         "learner-check, notebook and test-suite rows are then skipped")),
    ("--test-suite", dict(action="store_true", help="also time the whole test suite (several "
                                                    "minutes)")),
    ("--install", dict(action="store_true", help="first pip-install benchmarks/requirements.txt "
                                                 "(PyTorch CPU, threadpoolctl) into this "
                                                 "Python, then run")),
    ("--out", dict(type=Path, help="where the Markdown table goes, the JSON results beside it "
                                   "(default: benchmarks/results/speed.md and .json; "
                                   "speed-quick.* with --quick, speed-only.* with --only)")),
    ("--worker", dict(choices=("numpy", "torch", "both", "verify"), help=argparse.SUPPRESS)),
    ("--calls", dict(type=json.loads, help=argparse.SUPPRESS)),     # a worker's calls per sample
]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.speed",
                                     description="Speed of the reference against PyTorch CPU.")
    for flag, settings in OPTIONS:
        parser.add_argument(flag, **settings)
    args = parser.parse_args(argv)
    argv = argv if argv is not None else sys.argv[1:]
    threads = args.threads or available_cores()
    repeats = args.repeats or (3 if args.quick else DEFAULT_REPEATS)
    min_sample = args.min_sample / 1e3

    if args.only and not cases(args.quick, args.only):
        parser.error(f"--only {' '.join(args.only)}: no row matches; the rows: "
                     + ", ".join(c.id for c in cases(args.quick)))
    if args.worker:
        result = worker(args.worker, threads, repeats, args.quick, args.clock, args.only,
                        args.calls, min_sample)
        print(RESULT_MARK + json.dumps(result), flush=True)
        return 0
    if args.install:
        requirements = Path(__file__).resolve().parent / "requirements.txt"
        subprocess.run([sys.executable, "-m", "pip", "install", "-r", str(requirements)],
                       check=True)
        argv = [a for a in argv if a != "--install"]
        return subprocess.run([sys.executable, "-m", "benchmarks.speed", *argv],
                              cwd=ROOT).returncode
    if not have_torch():
        print(f"note: {TORCH_HINT}; the PyTorch columns stay empty.", file=sys.stderr)
    rounds = args.rounds or (2 if args.quick else DEFAULT_ROUNDS)
    batch = _batch(args.quick)
    notebooks = args.notebooks or ("sprint0" if args.quick else None)
    info = {
        "command": "python -m benchmarks.speed" + "".join(f" {a}" for a in argv),
        "date": _dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "repeats": repeats, "rounds": rounds, "cpu": _cpu_name(), "cores": os.cpu_count(),
        "threads": threads, "python": platform.python_version(), "load0": _load(),
        "quick": args.quick, "batch": batch, "same_process": args.same_process,
        "clock": args.clock, "min_sample": min_sample,
    }
    print(f"threads: {threads}; {rounds} rounds; load average {info['load0']}", flush=True)

    def run(title, fn, *a, **kw):
        print(f"… {title}", flush=True)
        start = time.perf_counter()
        result = fn(*a, **kw)
        print(f"  done in {time.perf_counter() - start:.1f} s", flush=True)
        return result

    timings, breakdown, workers = run(
        "library sides", library_rounds, threads, rounds, repeats, args.quick,
        same_process=args.same_process, clock=args.clock, only=args.only, min_sample=min_sample)
    timed = [w for w in workers if w["side"] != "verify"]
    info["verified"] = [n for w in workers for n in w.get("notes", [])]
    info["workers"] = timed
    info["numpy"] = timed[0]["numpy"]
    info["blas"] = next((w["blas"] for w in timed if w["side"] in ("numpy", "both")), "?")
    info["torch"] = next((w["torch"] for w in workers if "torch" in w), "not installed")
    info["torch_threads"] = next((w["torch_threads"] for w in workers if "torch_threads" in w),
                                 "—")
    rows = library_rows(timings, args.quick, args.only)
    ceilings = {r.dtype: r.flops / r.ours.figure / 1e9 for r in rows if r.section == "ceiling"}
    if not (args.no_check or args.only):
        rows += run("learner check", bench_check, repeats, quick=args.quick)
    if notebooks != "none" and not args.only:
        rows += run("notebooks", bench_notebooks, notebooks)
    if args.test_suite and not args.only:
        rows += run("test suite", bench_test_suite)
    info["load1"] = _load()

    text = render(rows, breakdown, info, ceilings)
    # a smoke run or a selection of rows never overwrites the full table
    default = "speed-quick.md" if args.quick else "speed-only.md" if args.only else "speed.md"
    out = args.out or RESULTS_DIR / default
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    results_of(rows, info).write(out.with_suffix(".json"))
    print()
    print(text)
    print(f"written to {out} and {out.with_suffix('.json').name} beside it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
