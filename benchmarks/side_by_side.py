"""An independent side-by-side: the reference against PyTorch CPU, timed the plainest way.

    python -m benchmarks.side_by_side                     # 3 rounds, 1 thread, CPU time
    python -m benchmarks.side_by_side --out /tmp/sbs.json
    python -m benchmarks.speed_compare benchmarks/results/speed.json /tmp/sbs.json --tolerance 0.20

A check on ``benchmarks.speed``, so it shares none of its timing code, only the shapes
(``CONV_SHAPES``, ``POOL_SHAPES``) and the case ids: each library runs in a child process of
its own (``python -m benchmarks.side_by_side --library numpy|torch``, one thread:
``OMP_NUM_THREADS`` and the BLAS variables set before the library loads,
``torch.set_num_threads(1)``), the children take turns for ``--rounds`` rounds, and a child
times each case in a plain loop:

* three untimed calls first (warm-up);
* then ``--blocks`` blocks; a block calls the operation again and again, reading the clock
  (``time.process_time``, or ``time.perf_counter`` with ``--clock wall``) around every single
  call, until the calls add up to ``--block-ms`` milliseconds; the block's figure is that sum
  divided by its calls;
* a backward pass is timed right after a fresh forward pass (untimed) each call, PyTorch's
  graph used once: the way a training step runs it.

What differs from ``benchmarks.speed`` on purpose: no choice of calls per sample (a block runs
for a fixed time), the clock read around every call (``benchmarks.speed`` reads it once around
k calls in a row, except for backward passes), its own inputs (other seeds, the same shapes)
and its own PyTorch network for the training step (``torch.nn.functional`` on the reference's
initial weights). If either way of timing bent a figure, the two would disagree.

A case's time is the median of a child's blocks; over the rounds, the median of those (the
statistic ``benchmarks.speed`` uses too, so that the two compare like with like). Ratio =
reference ÷ PyTorch. It writes the ratios as a results file
(:mod:`benchmarks.speed_results`, default ``benchmarks/results/side_by_side.json``) for
``benchmarks.speed_compare``, and prints a table.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARK = "SIDE-BY-SIDE "
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
BATCH = 100


# --------------------------------------------------------------------------- the cases
def _inputs():
    """Every case's inputs, as NumPy arrays: the same in both children (fixed seeds)."""
    import numpy as np

    from benchmarks.speed import CONV_SHAPES, POOL_SHAPES
    from solutions.datasets import load_mnist_small

    x, t = load_mnist_small("train", flatten=False)
    data = {"digits": (np.ascontiguousarray(x[:BATCH], dtype=np.float32),
                       np.asarray(t[:BATCH]))}
    for i, (_, N, C, H, W, F, K, pad, first) in enumerate(CONV_SHAPES):
        rng = np.random.default_rng(100 + i)
        OH, OW = H + 2 * pad - K + 1, W + 2 * pad - K + 1
        data[f"conv{i + 1}"] = (rng.random((N, C, H, W), dtype=np.float32),
                                rng.normal(0, 0.1, (F, C, K, K)).astype(np.float32),
                                rng.normal(0, 0.1, F).astype(np.float32),
                                rng.normal(size=(N, F, OH, OW)).astype(np.float32), pad, first)
    for i, (_, N, C, H, W) in enumerate(POOL_SHAPES):
        rng = np.random.default_rng(200 + i)
        data[f"pool{i + 1}"] = (np.maximum(rng.normal(size=(N, C, H, W)), 0).astype(np.float32),
                                rng.normal(size=(N, C, H // 2, W // 2)).astype(np.float32))
    return data


def numpy_cases(data):
    """``{case id: (call, untimed set-up or None)}`` for the reference."""
    import numpy as np

    from solutions.cnn import SimpleConvNet
    from solutions.conv2d import Conv2d
    from solutions.optimizers import Adam
    from solutions.pooling import MaxPool2D

    x, t = data["digits"]
    net, adam = SimpleConvNet(dtype=np.float32, seed=0), Adam(lr=0.001)
    out = {"step": (lambda: adam.update(net.params, net.gradient(x, t)), None)}
    for name in ("conv1", "conv2"):
        cx, W, b, dout, pad, first = data[name]
        layer = Conv2d(W, b, stride=1, pad=pad)
        layer.needs_dx = not first
        out[f"{name}-forward"] = (lambda layer=layer, cx=cx: layer.forward(cx), None)
        out[f"{name}-backward"] = (lambda layer=layer, d=dout: layer.backward(d),
                                   out[f"{name}-forward"][0])
    for name in ("pool1", "pool2"):
        px, dout = data[name]
        pool = MaxPool2D(2, 2)
        out[f"{name}-forward"] = (lambda pool=pool, px=px: pool.forward(px), None)
        out[f"{name}-backward"] = (lambda pool=pool, d=dout: pool.backward(d),
                                   out[f"{name}-forward"][0])
    return out


def torch_cases(data):
    """The same cases in PyTorch; the training step on the reference's initial weights."""
    import numpy as np
    import torch

    from solutions.cnn import SimpleConvNet

    torch.set_num_threads(1)
    F = torch.nn.functional
    x, t = data["digits"]
    p = SimpleConvNet(dtype=np.float32, seed=0).params
    weights = [torch.tensor(a) for a in (p["W1"], p["b1"], p["W2"].T.copy(), p["b2"],
                                         p["W3"].T.copy(), p["b3"])]
    for w in weights:
        w.requires_grad_(True)
    W1, b1, W2, b2, W3, b3 = weights
    adam = torch.optim.Adam(weights, lr=0.001)
    tx, tt = torch.tensor(x), torch.tensor(t).long()

    def step():
        adam.zero_grad()
        h = F.max_pool2d(F.relu(F.conv2d(tx, W1, b1)), 2).flatten(1)
        F.cross_entropy(F.linear(F.relu(F.linear(h, W2, b2)), W3, b3), tt).backward()
        adam.step()
    out = {"step": (step, None)}
    held = {}
    for name in ("conv1", "conv2"):
        cx, W, b, dout, pad, first = data[name]
        cx = torch.tensor(cx).requires_grad_(not first)
        W, b = torch.tensor(W).requires_grad_(True), torch.tensor(b).requires_grad_(True)
        wrt = [W, b] if first else [cx, W, b]

        def forward(name=name, cx=cx, W=W, b=b, pad=pad):
            held[name] = F.conv2d(cx, W, b, padding=pad)
        out[f"{name}-forward"] = (forward, None)
        d = torch.tensor(dout)
        out[f"{name}-backward"] = (lambda name=name, wrt=wrt, d=d:
                                   torch.autograd.grad(held[name], wrt, d), forward)
    for name in ("pool1", "pool2"):
        px, dout = data[name]
        px = torch.tensor(px).requires_grad_(True)

        def forward(name=name, px=px):
            held[name] = F.max_pool2d(px, 2)
        out[f"{name}-forward"] = (forward, None)
        d = torch.tensor(dout)
        out[f"{name}-backward"] = (lambda name=name, px=px, d=d:
                                   torch.autograd.grad(held[name], [px], d), forward)
    return out


# --------------------------------------------------------------------------- one child
def time_blocks(call, setup, clock, blocks, block_seconds, warmup=3):
    """Per-call seconds of each block, and the calls of each: every call timed on its own."""
    for _ in range(warmup):
        if setup is not None:
            setup()
        call()
    figures, counts = [], []
    for _ in range(blocks):
        spent, n = 0.0, 0
        while spent < block_seconds:
            if setup is not None:
                setup()
            start = clock()
            call()
            spent += clock() - start
            n += 1
        figures.append(spent / n)
        counts.append(n)
    return figures, counts


def child(library, clock_name, blocks, block_seconds) -> dict:
    clock = time.process_time if clock_name == "cpu" else time.perf_counter
    data = _inputs()
    plan = numpy_cases(data) if library == "numpy" else torch_cases(data)
    result = {"library": library, "load": " / ".join(f"{v:.1f}" for v in os.getloadavg()),
              "cases": {}}
    for case_id, (call, setup) in plan.items():
        figures, counts = time_blocks(call, setup, clock, blocks, block_seconds)
        result["cases"][case_id] = {"blocks": figures, "calls": counts}
    result["modules"] = sorted({"numpy", "torch"} & set(sys.modules))
    return result


# --------------------------------------------------------------------------- the parent
def run_child(library, args) -> dict:
    env = dict(os.environ, **{var: "1" for var in THREAD_VARIABLES})
    command = [sys.executable, "-m", "benchmarks.side_by_side", "--library", library,
               "--clock", args.clock, "--blocks", str(args.blocks),
               "--block-ms", f"{args.block_ms:g}"]
    out = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith(MARK)]
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"the {library} child failed:\n{out.stdout[-2000:]}{out.stderr[-2000:]}")
    return json.loads(lines[-1][len(MARK):])


def _side(rounds):
    """A :class:`SideResult` from ``rounds`` (one child's case entry per round)."""
    import statistics

    from benchmarks.speed_results import SideResult

    per_round = [r["blocks"] for r in rounds]
    medians = [statistics.median(r) for r in per_round]
    every = [f for r in per_round for f in r]
    calls = int(statistics.median(n for r in rounds for n in r["calls"]))
    return SideResult(statistics.median(medians), min(medians), statistics.median(every),
                      min(every), max(every), calls, per_round)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.side_by_side",
                                     description="An independent side-by-side of the reference "
                                                 "and PyTorch CPU, one process per library.")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of children (default 3)")
    parser.add_argument("--blocks", type=int, default=7, help="blocks per case and child "
                                                              "(default 7)")
    parser.add_argument("--block-ms", type=float, default=50.0,
                        help="timed milliseconds a block adds up to (default 50)")
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                        help="CPU time of the child (default) or wall time")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" /
                        "side_by_side.json", help="the results file (JSON)")
    parser.add_argument("--library", choices=("numpy", "torch"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.library:
        print(MARK + json.dumps(child(args.library, args.clock, args.blocks,
                                      args.block_ms / 1e3)), flush=True)
        return 0

    from benchmarks.speed_results import CaseResult, Results

    load_start = " / ".join(f"{v:.1f}" for v in os.getloadavg())
    children = []
    for r in range(args.rounds):
        for library in ("numpy", "torch"):
            start = time.perf_counter()
            children.append(run_child(library, args))
            print(f"round {r + 1}/{args.rounds}, {library}: {time.perf_counter() - start:.1f} s "
                  f"(load {children[-1]['load']}; loaded {', '.join(children[-1]['modules'])})",
                  flush=True)
    by_library = {lib: [c for c in children if c["library"] == lib] for lib in ("numpy", "torch")}
    results = Results(
        "benchmarks.side_by_side",
        "python -m benchmarks.side_by_side" + "".join(f" {a}" for a in (argv or sys.argv[1:])),
        _dt.datetime.now().strftime("%Y-%m-%d %H:%M"), args.clock, 1, load_start,
        " / ".join(f"{v:.1f}" for v in os.getloadavg()),
        [CaseResult(case_id, case_id, *(_side([c["cases"][case_id] for c in by_library[lib]])
                                       for lib in ("numpy", "torch")))
         for case_id in by_library["numpy"][0]["cases"]],
        {"rounds": args.rounds, "blocks": args.blocks, "block_ms": args.block_ms})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    results.write(args.out)
    print(f"\n{results.command} — {results.clock} clock, 1 thread, load {results.load_start} → "
          f"{results.load_end}\n")
    print("| case | reference | PyTorch | calls per block | ratio |\n|---|---|---|---|---|")
    for case in results.cases:
        print(f"| {case.id} | {case.ours.figure * 1e3:.3f} ms | {case.torch.figure * 1e3:.3f} ms | "
              f"{case.ours.calls} / {case.torch.calls} | {case.ratio:.2f}× |")
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
