"""Speed of the course's reference layers, side by side with PyTorch CPU.

    python -m benchmarks.speed                  # the full run, writes benchmarks/results/speed.md
    python -m benchmarks.speed --quick          # a smoke run: small sizes, few repeats
    python -m benchmarks.speed --threads 2      # NumPy's BLAS and PyTorch both on 2 threads
    python -m benchmarks.speed --test-suite     # also time the whole test suite (minutes)

PyTorch is the yardstick, not a course dependency: ``pip install -r benchmarks/requirements.txt``
installs it (the rows without a PyTorch twin still run when it is absent). One run measures:

* **matmul ceiling** — a large matrix product in NumPy (float32 and float64): the GFLOP/s this
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
  (a new process: interpreter start, imports, the sandboxed child) and the same check
  in-process (``run_checks``, as a notebook's check cell runs it); the full run also times every
  exercise in-process and reports the slowest.
* **notebooks** — every notebook executed top to bottom against the reference with
  ``COURSE_QUICK=1``, as the test suite runs them (kernel start included).

Every time is the **median** of several runs after warm-up runs; NumPy and PyTorch runs
alternate, so a load change on a shared machine hits both. Ratios are reference ÷ PyTorch.

Threads: NumPy's BLAS (OpenBLAS) uses as many threads as cores unless told otherwise;
``--threads N`` sets ``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS`` and ``MKL_NUM_THREADS`` before
NumPy is imported (and limits BLAS with ``threadpoolctl`` when it is installed); PyTorch gets
``torch.set_num_threads`` with the BLAS thread count found, so both use the same number.
"""
from __future__ import annotations

import os
import sys


def _limit_threads_from_argv(argv):
    """Set the BLAS/OpenMP thread variables from ``--threads N`` before NumPy is imported."""
    value = None
    for i, arg in enumerate(argv):
        if arg == "--threads" and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--threads="):
            value = arg.split("=", 1)[1]
    if value and value.isdigit() and int(value) > 0:
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = value


if __name__ == "__main__":      # BLAS reads its thread count once, when NumPy is imported
    _limit_threads_from_argv(sys.argv[1:])

import argparse  # noqa: E402
import datetime as _dt  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
TORCH_HINT = "PyTorch not installed: pip install -r benchmarks/requirements.txt"

#: The issue's goals: reference time ÷ PyTorch time at most this (ratio goals) ...
GOAL_STEP_RATIO = 1.5
GOAL_CONV_FORWARD_RATIO = 3.0
#: ... and wall times at most this many seconds.
GOAL_CHECK_SECONDS = 1.0
GOAL_SUITE_SECONDS = 600.0


# --------------------------------------------------------------------------- timing
@dataclass
class Timing:
    """Wall times of repeated runs of one thing, in seconds."""
    samples: list = field(default_factory=list)

    @property
    def median(self) -> float:
        return float(np.median(self.samples))

    @property
    def spread(self) -> float:
        """Half the interquartile range, relative to the median: the run-to-run noise."""
        q1, q3 = np.percentile(self.samples, [25, 75])
        return float((q3 - q1) / 2 / self.median) if self.median else 0.0


def _clock(fn, before=None):
    """Seconds ``fn()`` takes; ``before()`` (untimed) runs first, e.g. a forward pass."""
    if before is not None:
        before()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def measure(fns, repeats, warmup=2, before=None):
    """Time each of ``fns`` ``repeats`` times, interleaved (a, b, a, b, ...), after warm-up.

    ``before``: a matching list of untimed set-up calls (or None). Returns a list of
    :class:`Timing`, one per function.
    """
    before = before or [None] * len(fns)
    for _ in range(warmup):
        for fn, pre in zip(fns, before):
            _clock(fn, pre)
    timings = [Timing() for _ in fns]
    for _ in range(repeats):
        for fn, pre, timing in zip(fns, before, timings):
            timing.samples.append(_clock(fn, pre))
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
    goal: str = ""                      # e.g. "≤ 1.5× PyTorch", "≤ 1 s"
    goal_ratio: float | None = None
    goal_seconds: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.ours is None or self.torch is None or not self.torch.median:
            return None
        return self.ours.median / self.torch.median

    @property
    def status(self) -> str:
        if self.goal_ratio is not None and self.ratio is not None:
            return "met" if self.ratio <= self.goal_ratio else "NOT met"
        if self.goal_seconds is not None and self.ours is not None:
            return "met" if self.ours.median <= self.goal_seconds else "NOT met"
        return "n/a" if self.goal else ""


def _fmt_time(t: Timing | None) -> str:
    if t is None:
        return "—"
    m = t.median
    text = f"{m:.2f} s" if m >= 1 else f"{m * 1e3:.2f} ms" if m >= 1e-3 else f"{m * 1e6:.0f} µs"
    return f"{text} ±{t.spread * 100:.0f}%" if len(t.samples) >= 4 else text


def _gflops(row: Row, ceilings: dict) -> str:
    if row.flops is None or row.ours is None:
        return ""
    rate = row.flops / row.ours.median / 1e9
    ceiling = ceilings.get(row.dtype)
    share = f" ({rate / ceiling * 100:.0f}%)" if ceiling and row.section != "ceiling" else ""
    return f"{rate:.1f}{share}"


# --------------------------------------------------------------------------- environment
def blas_threads() -> tuple[int, str]:
    """``(threads, how it was found)`` for NumPy's BLAS."""
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
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return int(cores or 1), "BLAS default: one thread per available core"


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


# --------------------------------------------------------------------------- 1. matmul ceiling
def bench_matmul(torch, n, repeats):
    """The GFLOP/s of an ``n × n`` matrix product: the BLAS's ceiling on this machine."""
    rows = []
    rng = np.random.default_rng(0)
    for dtype in (np.float32, np.float64):
        a = rng.standard_normal((n, n)).astype(dtype)
        b = rng.standard_normal((n, n)).astype(dtype)
        fns = [lambda: a @ b]
        if torch is not None:
            ta, tb = torch.from_numpy(a), torch.from_numpy(b)
            fns.append(lambda: ta @ tb)
        timings = measure(fns, min(repeats, 7), warmup=1)      # long and steady: fewer runs
        rows.append(Row("ceiling", f"matmul {n}×{n} @ {n}×{n}", np.dtype(dtype).name, timings[0],
                        timings[1] if torch is not None else None, flops=2.0 * n ** 3,
                        note="the BLAS ceiling the GFLOP/s column is compared with"))
    return rows


# --------------------------------------------------------------------------- 2. training step
def _digits(n):
    """``n`` bundled digits as ``(n, 1, 28, 28)`` float32 and their labels."""
    from solutions.datasets import load_mnist_small
    x, t = load_mnist_small("train", flatten=False)
    return np.ascontiguousarray(x[:n], dtype=np.float32), np.asarray(t[:n])


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


def _step_flops(net, x):
    """Multiply-adds ×2 of one training step on ``x``: conv forward + dW, affine forward + dW
    + dx (the first convolution computes no dx)."""
    p = net.params
    F, C, K, _ = p["W1"].shape
    n, _, H, W = x.shape
    conv = 2.0 * n * F * C * K * K * (H - K + 1) * (W - K + 1)
    affine = sum(2.0 * n * p[w].shape[0] * p[w].shape[1] for w in ("W2", "W3"))
    return 2 * conv + 3 * affine


def bench_training_step(torch, repeats, batch=100):
    """One training step of the reference SimpleConvNet (Adam, float32) and of its twin."""
    from solutions.cnn import SimpleConvNet
    from solutions.optimizers import Adam

    x, t = _digits(batch)
    net = SimpleConvNet(dtype=np.float32, seed=0)
    optimizer = Adam(lr=0.001)
    fns = []
    check = {}

    def ours():
        grads = net.gradient(x, t)
        optimizer.update(net.params, grads)
    fns.append(ours)
    check["ours"] = net.loss(x, t)
    if torch is not None:
        model = _torch_twin(torch, net)
        loss_fn = torch.nn.CrossEntropyLoss()
        torch_opt = torch.optim.Adam(model.parameters(), lr=0.001)
        tx, tt = torch.from_numpy(x), torch.from_numpy(t)
        with torch.no_grad():
            check["torch"] = float(loss_fn(model(tx), tt))

        def theirs():
            torch_opt.zero_grad()
            loss = loss_fn(model(tx), tt)
            loss.backward()
            torch_opt.step()
        fns.append(theirs)
        if not np.isclose(check["ours"], check["torch"], rtol=1e-4):
            raise AssertionError(f"the twins disagree before training: loss {check['ours']} "
                                 f"(reference) vs {check['torch']} (PyTorch)")
    timings = measure(fns, repeats)
    steps = len(timings[0].samples) + 2                     # the timed runs and the warm-up
    note = f"same initial weights: loss {check['ours']:.4f}"
    if torch is not None:
        with torch.no_grad():
            after = float(loss_fn(model(tx), tt))
        note += (f" (PyTorch {check['torch']:.4f}); after {steps} steps on this batch "
                 f"{net.loss(x, t):.4f} (PyTorch {after:.4f})")
    row = Row("training", f"SimpleConvNet training step, batch {batch}, Adam", "float32",
              timings[0], timings[1] if torch is not None else None, flops=_step_flops(net, x),
              goal=f"≤ {GOAL_STEP_RATIO}× PyTorch", goal_ratio=GOAL_STEP_RATIO, note=note)
    breakdown = step_breakdown(net, optimizer, x, t, repeats)
    return [row], breakdown


def step_breakdown(net, optimizer, x, t, repeats):
    """Median milliseconds of each layer's forward and backward within a training step."""
    names = list(net.layers)
    samples = {}

    def note(key, seconds):
        samples.setdefault(key, []).append(seconds)

    for _ in range(max(repeats, 3)):
        out = x
        for name in names:
            start = time.perf_counter()
            out = net.layers[name].forward(out)
            note(f"{name} forward", time.perf_counter() - start)
        start = time.perf_counter()
        net.last_layer.forward(out, t)
        note("SoftmaxWithLoss forward", time.perf_counter() - start)
        start = time.perf_counter()
        dout = net.last_layer.backward(1)
        note("SoftmaxWithLoss backward", time.perf_counter() - start)
        for name in reversed(names):
            start = time.perf_counter()
            dout = net.layers[name].backward(dout)
            note(f"{name} backward", time.perf_counter() - start)
        layers = net.layers
        grads = {"W1": layers["Conv1"].dW, "b1": layers["Conv1"].db,
                 "W2": layers["Affine1"].dW, "b2": layers["Affine1"].db,
                 "W3": layers["Affine2"].dW, "b3": layers["Affine2"].db}
        start = time.perf_counter()
        optimizer.update(net.params, grads)
        note("Adam update", time.perf_counter() - start)
    return {key: float(np.median(v)) for key, v in samples.items()}


# --------------------------------------------------------------------------- 3. layers
CONV_SHAPES = [
    # (label, N, C, H, W, F, K, pad, first layer: no dx)
    ("LeNet conv1: N=100, C=1, 28×28, 30 filters 5×5", 100, 1, 28, 28, 30, 5, 0, True),
    ("conv2: N=64, C=16, 14×14, 32 filters 3×3, pad 1", 64, 16, 14, 14, 32, 3, 1, False),
]


def _quick_batch(N, label, quick):
    """``(N, label)``, or a tenth of the batch and a label that says so with ``--quick``."""
    if not quick:
        return N, label
    n = max(N // 10, 2)
    return n, label.replace(f"N={N}", f"N={n}") + " (quick)"


def bench_conv(torch, repeats, quick=False):
    """Conv2d forward and backward, reference vs ``torch.nn.functional.conv2d``."""
    from solutions.conv2d import Conv2d

    rows = []
    rng = np.random.default_rng(1)
    for label, N, C, H, W, F, K, pad, first in CONV_SHAPES:
        N, label = _quick_batch(N, label, quick)
        x = rng.random((N, C, H, W), dtype=np.float32)
        Wt = (rng.standard_normal((F, C, K, K)) * 0.1).astype(np.float32)
        b = (rng.standard_normal(F) * 0.1).astype(np.float32)
        layer = Conv2d(Wt, b, stride=1, pad=pad)
        layer.needs_dx = not first
        out = layer.forward(x)
        dout = rng.standard_normal(out.shape).astype(np.float32)
        flops = 2.0 * N * F * C * K * K * out.shape[2] * out.shape[3]
        fwd = [lambda: layer.forward(x)]
        bwd = [lambda: layer.backward(dout)]
        bwd_before = [lambda: layer.forward(x)]
        if torch is not None:
            F_ = torch.nn.functional
            tx = torch.from_numpy(x).requires_grad_(not first)
            tw = torch.from_numpy(Wt).requires_grad_(True)
            tb = torch.from_numpy(b).requires_grad_(True)
            tdout = torch.from_numpy(dout)
            expected = F_.conv2d(tx, tw, tb, padding=pad).detach().numpy()
            if not np.allclose(out, expected, rtol=1e-4, atol=1e-4):
                raise AssertionError(f"Conv2d disagrees with PyTorch on {label}")
            graph = {}

            def torch_forward():
                graph["out"] = F_.conv2d(tx, tw, tb, padding=pad)
            inputs = [tw, tb] if first else [tx, tw, tb]
            fwd.append(torch_forward)
            bwd.append(lambda: torch.autograd.grad(graph["out"], inputs, tdout))
            bwd_before.append(torch_forward)
        tf = measure(fwd, repeats)
        tbw = measure(bwd, repeats, before=bwd_before)
        has_torch = torch is not None
        rows.append(Row("layers", f"Conv2d forward — {label}", "float32", tf[0],
                        tf[1] if has_torch else None, flops=flops,
                        goal=f"≤ {GOAL_CONV_FORWARD_RATIO:g}× PyTorch",
                        goal_ratio=GOAL_CONV_FORWARD_RATIO))
        rows.append(Row("layers", f"Conv2d backward — {label}", "float32", tbw[0],
                        tbw[1] if has_torch else None, flops=flops * (1 if first else 2),
                        note="dW, db only (first layer)" if first else "dx, dW, db"))
    return rows


POOL_SHAPES = [
    ("after conv1: N=100, C=30, 24×24, 2×2 stride 2", 100, 30, 24, 24),
    ("after conv2: N=64, C=32, 14×14, 2×2 stride 2", 64, 32, 14, 14),
]


def bench_pool(torch, repeats, quick=False):
    """MaxPool2D forward and backward, reference vs ``torch.nn.functional.max_pool2d``."""
    from solutions.pooling import MaxPool2D

    rows = []
    rng = np.random.default_rng(2)
    for label, N, C, H, W in POOL_SHAPES:
        N, label = _quick_batch(N, label, quick)
        # ReLU outputs, as in a network: many exact zeros, so ties are common
        x = np.maximum(rng.standard_normal((N, C, H, W)), 0).astype(np.float32)
        pool = MaxPool2D(2, 2)
        out = pool.forward(x)
        dout = rng.standard_normal(out.shape).astype(np.float32)
        fwd = [lambda: pool.forward(x)]
        bwd = [lambda: pool.backward(dout)]
        bwd_before = [lambda: pool.forward(x)]
        if torch is not None:
            F_ = torch.nn.functional
            tx = torch.from_numpy(x).requires_grad_(True)
            tdout = torch.from_numpy(dout)
            if not np.array_equal(out, F_.max_pool2d(tx, 2).detach().numpy()):
                raise AssertionError(f"MaxPool2D disagrees with PyTorch on {label}")
            graph = {}

            def torch_forward():
                graph["out"] = F_.max_pool2d(tx, 2)
            fwd.append(torch_forward)
            bwd.append(lambda: torch.autograd.grad(graph["out"], [tx], tdout))
            bwd_before.append(torch_forward)
        tf = measure(fwd, repeats)
        tbw = measure(bwd, repeats, before=bwd_before)
        has_torch = torch is not None
        rows.append(Row("layers", f"MaxPool2D forward — {label}", "float32", tf[0],
                        tf[1] if has_torch else None))
        rows.append(Row("layers", f"MaxPool2D backward — {label}", "float32", tbw[0],
                        tbw[1] if has_torch else None))
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
    from autograder.check import run_checks

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
    from autograder.check import run_checks
    from autograder.registry import load_exercises

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


def render(rows, breakdown, info, ceilings) -> str:
    """The results as Markdown: a header, the main table, the training-step breakdown."""
    lines = ["# Speed of the reference against PyTorch CPU", "",
             f"Written by `{info['command']}` on {info['date']}. Medians of {info['repeats']} "
             "runs after warm-up, NumPy and PyTorch runs interleaved; ±x% is half the "
             "interquartile range (run-to-run noise). Ratio = reference ÷ PyTorch (lower is "
             "better for the reference). GFLOP/s in brackets: share of the same dtype's matmul "
             "ceiling measured in this run.", "",
             f"Machine: {info['cpu']}, {info['cores']} cores; {info['threads']} threads for "
             f"both libraries ({info['threads_how']}); Python {info['python']}, NumPy "
             f"{info['numpy']}, PyTorch {info['torch']}; load average at start {info['load0']},"
             f" at end {info['load1']}.", ""]
    if info.get("quick"):
        lines += ["**Quick run** (`--quick`: smaller batches, few repeats): a smoke test of the "
                  "harness, not figures to quote.", ""]
    lines += ["| section | what | dtype | reference (NumPy) | PyTorch CPU | ratio | GFLOP/s | "
              "goal | status | note |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        ratio = f"{r.ratio:.2f}×" if r.ratio is not None else "—"
        torch_col = _fmt_time(r.torch) if r.torch is not None else (
            "—" if r.section in ("check", "notebooks", "suite") else "n/a")
        lines.append(f"| {SECTIONS[r.section]} | {r.what} | {r.dtype or '—'} | "
                     f"{_fmt_time(r.ours)} | {torch_col} | {ratio} | {_gflops(r, ceilings) or '—'}"
                     f" | {r.goal or '—'} | {r.status or '—'} | {r.note} |")
    if breakdown:
        total = sum(breakdown.values())
        lines += ["", "## Where the reference training step spends its time", "",
                  "Each layer's forward and backward timed inside a step (medians, float32, "
                  f"batch {info['batch']}); sum {total * 1e3:.1f} ms.", "",
                  "| part | time | share |", "|---|---|---|"]
        for key, seconds in sorted(breakdown.items(), key=lambda kv: -kv[1]):
            lines.append(f"| {key} | {seconds * 1e3:.2f} ms | {seconds / total * 100:.0f}% |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.speed",
                                     description="Speed of the reference against PyTorch CPU.")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: small sizes, 3 repeats, only the first notebook")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads for NumPy's BLAS and PyTorch (default: BLAS's own)")
    parser.add_argument("--repeats", type=int, default=None, help="runs per measurement")
    parser.add_argument("--notebooks", default=None, metavar="PATTERN",
                        help="only notebooks whose name contains PATTERN ('none': skip them)")
    parser.add_argument("--test-suite", action="store_true",
                        help="also time the whole test suite (several minutes)")
    parser.add_argument("--install", action="store_true",
                        help="first pip-install benchmarks/requirements.txt (PyTorch CPU, "
                             "threadpoolctl) into this Python, then run")
    parser.add_argument("--out", type=Path, default=None,
                        help="where the Markdown table goes (default: benchmarks/results/"
                             "speed.md, speed-quick.md with --quick)")
    args = parser.parse_args(argv)

    if args.install:
        requirements = Path(__file__).resolve().parent / "requirements.txt"
        subprocess.run([sys.executable, "-m", "pip", "install", "-r", str(requirements)],
                       check=True)
        argv = [a for a in (argv if argv is not None else sys.argv[1:]) if a != "--install"]
        # a new process, so that the freshly installed packages and the thread variables apply
        return subprocess.run([sys.executable, "-m", "benchmarks.speed", *argv],
                              cwd=ROOT).returncode
    if args.threads:
        limit_blas_threads(args.threads)
    threads, threads_how = blas_threads()
    torch = import_torch(threads)
    if torch is None:
        print(f"note: {TORCH_HINT}; the PyTorch columns stay empty.", file=sys.stderr)
    repeats = args.repeats or (3 if args.quick else 15)
    batch = 20 if args.quick else 100
    notebooks = args.notebooks or ("sprint0" if args.quick else None)
    info = {
        "command": "python -m benchmarks.speed" + "".join(
            f" {a}" for a in (argv if argv is not None else sys.argv[1:])),
        "date": _dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "repeats": repeats, "cpu": _cpu_name(), "cores": os.cpu_count(),
        "threads": threads, "threads_how": threads_how, "python": platform.python_version(),
        "numpy": np.__version__, "torch": getattr(torch, "__version__", "not installed"),
        "load0": _load(), "quick": args.quick, "batch": batch,
    }
    print(f"threads: {threads} ({threads_how}); PyTorch {info['torch']}; "
          f"load average {info['load0']}", flush=True)

    rows = []

    def run(title, fn, *a, **kw):
        print(f"… {title}", flush=True)
        start = time.perf_counter()
        result = fn(*a, **kw)
        print(f"  done in {time.perf_counter() - start:.1f} s", flush=True)
        return result

    rows += run("matmul ceiling", bench_matmul, torch, 512 if args.quick else 2048, repeats)
    ceilings = {r.dtype: r.flops / r.ours.median / 1e9 for r in rows}
    step_rows, breakdown = run("training step", bench_training_step, torch, repeats,
                               batch=batch)
    rows += step_rows
    rows += run("Conv2d", bench_conv, torch, repeats, quick=args.quick)
    rows += run("MaxPool2D", bench_pool, torch, repeats, quick=args.quick)
    rows += run("learner check", bench_check, repeats, quick=args.quick)
    if notebooks != "none":
        rows += run("notebooks", bench_notebooks, notebooks)
    if args.test_suite:
        rows += run("test suite", bench_test_suite)
    info["load1"] = _load()

    text = render(rows, breakdown, info, ceilings)
    out = args.out or RESULTS_DIR / ("speed-quick.md" if args.quick else "speed.md")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print()
    print(text)
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
