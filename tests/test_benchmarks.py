"""The speed benchmark (``benchmarks/speed.py``) and what makes the reference fast.

Not timed: speed is measured by ``python -m benchmarks.speed``, never asserted here. These
tests check that the benchmark runs (``--quick``) and writes a well-formed table, that its
bookkeeping (medians, ratios, goals, thread variables) is right, and the properties the
reference's speed rests on without trading accuracy: float32 stays float32 through every layer,
network and optimizer (and float64 stays the default), and the first convolution skips the
input gradient when told to while its weight gradients still pass a numerical check.
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from functools import partial

import numpy as np
import pytest

from benchmarks import speed
from solutions.backprop_net import MultiLayerNet
from solutions.cnn import SimpleConvNet
from solutions.conv2d import Conv2d
from solutions.layers import Affine, Relu, Sigmoid, SoftmaxWithLoss
from solutions.optimizers import SGD, AdaGrad, Adam, Momentum, RMSProp
from solutions.pooling import AveragePool2D, Flatten, MaxPool2D

from .conftest import ROOT
from .numeric import central_difference, loss_of_param

_central_difference = partial(central_difference, h=1e-6)  # smooth functions: a finer step

HAVE_TORCH = importlib.util.find_spec("torch") is not None


# --------------------------------------------------------------------------- the benchmark runs
@pytest.fixture(scope="module")
def quick_table(tmp_path_factory):
    out = tmp_path_factory.mktemp("speed") / "speed.md"
    env = dict(os.environ, MPLBACKEND="Agg")
    run = subprocess.run([sys.executable, "-m", "benchmarks.speed", "--quick", "--threads", "1",
                          "--repeats", "3", "--rounds", "2", "--notebooks", "none",
                          "--min-sample", "2",
                          "--out", str(out)],
                         cwd=ROOT, capture_output=True, text=True, env=env, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return out.read_text(), run.stdout, out


def _table_rows(text):
    lines = [ln for ln in text.splitlines() if ln.startswith("| ")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    rows = [[c.strip() for c in ln.strip("|").split("|")] for ln in lines[1:]
            if not ln.startswith("|---")]
    return header, rows


def test_quick_run_writes_a_well_formed_table(quick_table):
    text, stdout, _ = quick_table
    assert text in stdout, "the table is printed as well as written"
    assert text.startswith("# Speed of the reference against PyTorch CPU")
    assert "1 threads for both libraries" in text
    header, rows = _table_rows(text.split("## ", 1)[0])
    assert header == ["section", "what", "dtype", "reference (NumPy)", "PyTorch CPU",
                      "calls per sample", "ratio", "GFLOP/s", "goal", "status", "note"]
    assert all(len(r) == len(header) for r in rows), "every row has every column"
    sections = {r[0] for r in rows}
    assert {"Matmul ceiling", "Training step", "Layers", "Learner check"} <= sections
    whats = " ".join(r[1] for r in rows)
    for name in ("matmul", "training step", "Conv2d forward", "Conv2d backward",
                 "MaxPool2D forward", "MaxPool2D backward", "autograder check"):
        assert name in whats
    a_time = r"[\d.]+ (s|ms|µs)( \([\d.]+–[\d.]+–[\d.]+\))?"
    for r in rows:
        assert re.fullmatch(a_time, r[3]), f"a reference time: {r}"
        assert r[9] in ("met", "NOT met", "—", "n/a")
        if r[0] in ("Matmul ceiling", "Training step", "Layers"):
            assert "(" in r[3], f"2 rounds × 3 runs: the spread is shown: {r}"
            calls = r[5].split(" / ")
            assert len(calls) == (2 if HAVE_TORCH else 1) and all(c.isdigit() for c in calls), r
        if HAVE_TORCH and r[0] in ("Matmul ceiling", "Training step", "Layers"):
            assert re.fullmatch(a_time, r[4]), f"a PyTorch time: {r}"
            assert re.fullmatch(r"\d+\.\d\d×", r[6]), f"a ratio: {r}"
    goals = {r[1]: r[8] for r in rows}
    assert any(g == "≤ 1× PyTorch" for w, g in goals.items() if "training step" in w)
    assert any(g == "≤ 2.5× PyTorch" for w, g in goals.items() if "Conv2d forward" in w)
    assert all(g == "≤ 1.5× PyTorch" for w, g in goals.items() if "MaxPool2D" in w)
    assert any(g == "≤ 1 s" for w, g in goals.items() if "check" in w)
    # each library timed in its own worker process, the sides taking turns
    workers = [r for r in _table_rows(text.split("## The worker processes", 1)[1])[1]]
    sides = [w[1] for w in workers]
    assert sides == (["numpy", "torch"] * 2 if HAVE_TORCH else ["numpy"] * 2), sides
    assert [w[0] for w in workers] == (["1", "1", "2", "2"] if HAVE_TORCH else ["1", "2"])
    for w in workers:
        assert w[2] == ("numpy" if w[1] == "numpy" else "numpy, torch"), w
        assert w[3].startswith("1 /"), f"one thread, as asked: {w}"
    assert "## Where the reference training step spends its time" in text
    _, parts = _table_rows(text.split("## Where", 1)[1].split("## The worker", 1)[0])
    assert {"Conv1 forward", "Pool1 backward", "Adam update"} <= {p[0] for p in parts}
    assert "Conv1 backward" in {p[0] for p in parts}


def test_quick_run_writes_its_results_as_json_beside_the_table(quick_table):
    from benchmarks.speed_results import Results

    text, _, out = quick_table
    results = Results.read(out.with_suffix(".json"))
    assert [c.id for c in results.cases] == [c.id for c in speed.cases(quick=True)]
    assert results.source == "benchmarks.speed" and results.threads == 1
    assert results.settings["rounds"] == 2 and results.settings["repeats"] == 3
    _, rows = _table_rows(text.split("## ", 1)[0])
    for case, plan, row in zip(results.cases, speed.cases(quick=True), rows):
        assert case.what == row[1] == plan.what
        assert len(case.ours.rounds) == 2
        assert all(len(r) == (plan.repeats or 3) for r in case.ours.rounds), case.id
        medians = [float(np.median(r)) for r in case.ours.rounds]
        assert case.ours.figure == pytest.approx(float(np.median(medians)))
        assert case.ours.best == min(medians)
        assert row[5].split(" / ")[0] == str(case.ours.calls)
        if HAVE_TORCH:
            assert row[6] == f"{case.ratio:.2f}×"
            assert row[5] == f"{case.ours.calls} / {case.torch.calls}"


# --------------------------------------------------------------------------- its bookkeeping
def test_timing_reports_the_median_and_the_spread():
    t = speed.Timing([0.3, 0.1, 0.2, 10.0])
    assert t.median == pytest.approx(0.25) and t.best == pytest.approx(0.25)
    assert t.figure == pytest.approx(0.25)
    assert speed._fmt_time(t) == "250.00 ms (100.00–250.00–10000.00)"


def test_a_timing_over_rounds_is_the_median_of_the_rounds_medians():
    t = speed.Timing.of_rounds([[0.3, 0.1, 0.2], [0.5, 0.4, 0.9], [0.6, 0.7, 0.8]])
    assert t.figure == pytest.approx(0.5)           # medians 0.2, 0.5, 0.7
    assert t.best == pytest.approx(0.2) and t.median == pytest.approx(0.5)
    assert len(t.samples) == 9
    assert speed._fmt_time(t) == "500.00 ms (100.00–500.00–900.00)"
    # one lucky process does not move it, as it moved the lowest round's median
    lucky = speed.Timing.of_rounds([[0.33] * 3, [0.32] * 3, [0.23] * 3, [0.33] * 3, [0.35] * 3])
    assert lucky.figure == pytest.approx(0.33) and lucky.best == pytest.approx(0.23)
    t = speed.Timing.of_rounds([[0.3, 0.1, 0.2], [0.5, 0.4, 0.9]])
    assert t.figure == pytest.approx(0.35) and t.median == pytest.approx(0.35)
    assert len(t.samples) == 6
    assert speed._fmt_time(t) == "350.00 ms (100.00–350.00–900.00)"
    assert speed.Timing([0.3, 0.1]).figure == pytest.approx(0.2) == speed.Timing([0.3, 0.1]).best


def test_a_timed_side_loads_only_its_own_library():
    run = subprocess.run([sys.executable, "-m", "benchmarks.speed", "--worker", "numpy",
                          "--quick", "--threads", "1", "--repeats", "1"],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    line = [ln for ln in run.stdout.splitlines() if ln.startswith(speed.RESULT_MARK)][-1]
    result = json.loads(line[len(speed.RESULT_MARK):])
    assert result["libraries"] == ["numpy"], "PyTorch's threads must not share its process"
    assert set(result["samples"]) == {"numpy"}
    assert set(result["samples"]["numpy"]) == {c.id for c in speed.cases(quick=True)}
    assert result["blas"].startswith("1 ")


def test_only_selects_the_rows_whose_id_or_description_contains_a_text():
    def ids(*only):
        return [c.id for c in speed.cases(quick=True, only=only)]
    assert ids("MaxPool2D backward") == ["pool1-backward", "pool2-backward"]   # description
    assert ids("pool2") == ["pool2-forward", "pool2-backward"]     # id (case-sensitive: not Pool2D)
    assert ids("maxpool2d backward") == []
    assert ids("conv2-f", "step") == ["step", "deep-step", "conv2-forward"]    # the table's order
    assert ids() == [c.id for c in speed.cases(quick=True)] and len(ids()) == 12
    assert ids("no such row") == []


def test_a_worker_times_only_the_selected_rows():
    run = subprocess.run([sys.executable, "-m", "benchmarks.speed", "--worker", "numpy",
                          "--quick", "--threads", "1", "--repeats", "1", "--only", "pool2"],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    line = [ln for ln in run.stdout.splitlines() if ln.startswith(speed.RESULT_MARK)][-1]
    result = json.loads(line[len(speed.RESULT_MARK):])
    assert set(result["samples"]["numpy"]) == {"pool2-forward", "pool2-backward"}
    assert "breakdown" not in result            # no training step selected: no step breakdown
    run = subprocess.run([sys.executable, "-m", "benchmarks.speed", "--only", "no such row"],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 2 and "no row matches" in run.stderr


def test_the_cpu_clock_does_not_charge_a_wait_and_the_wall_clock_does():
    # in a process of its own, as the benchmark measures: the CPU clock is the process's, and
    # a thread an earlier test left in this one (a BLAS pool spinning down) would be charged;
    # after a warm-up, as the benchmark's: a fresh process's first sample carries one-time
    # costs (about 40 ms of CPU here)
    code = """if True:
        import json, time
        from benchmarks import speed
        speed.use_clock("cpu")
        cpu = speed.measure([lambda: time.sleep(0.05)], repeats=2, warmup=1)[0]
        speed.use_clock("wall")
        wall = speed.measure([lambda: time.sleep(0.05)], repeats=2, warmup=1)[0]
        print(json.dumps([list(cpu.samples), list(wall.samples)]))"""
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    cpu, wall = json.loads(run.stdout.splitlines()[-1])
    assert max(cpu) < 0.02 and min(wall) >= 0.05, (cpu, wall)


def test_measure_interleaves_runs_after_warm_up_and_runs_the_untimed_set_up():
    calls = []
    timings = speed.measure([lambda: calls.append("a"), lambda: calls.append("b")], repeats=3,
                            warmup=1, before=[lambda: calls.append("a0"), None])
    assert calls == ["a0", "a", "b"] * 4
    assert [len(t.samples) for t in timings] == [3, 3]


def test_row_ratio_and_goal_status():
    fast, slow = speed.Timing([1.0]), speed.Timing([2.0])
    row = speed.Row("training", "step", ours=slow, torch=fast, goal="≤ 1.5× PyTorch",
                    goal_ratio=1.5)
    assert row.ratio == pytest.approx(2.0) and row.status == "NOT met"
    row.ours = speed.Timing([1.4])
    assert row.status == "met"
    row.torch = None
    assert row.ratio is None and row.status == "n/a"
    check = speed.Row("check", "one check", ours=speed.Timing([1.2]), goal="≤ 1 s",
                      goal_seconds=1.0)
    assert check.status == "NOT met"
    assert speed.Row("layers", "pool", ours=fast).status == ""


def test_gflops_column_is_the_rate_and_its_share_of_the_ceiling():
    row = speed.Row("layers", "conv", "float32", ours=speed.Timing([0.5]), flops=10e9)
    assert speed._gflops(row, {"float32": 40.0}) == "20.0 (50%)"
    assert speed._gflops(speed.Row("layers", "pool", ours=speed.Timing([1.0])), {}) == ""


def test_threads_option_sets_the_blas_variables_before_numpy_loads(monkeypatch):
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.delenv(var, raising=False)
    speed._limit_threads_from_argv(["--quick", "--threads", "3"])
    assert {os.environ[v] for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                    "MKL_NUM_THREADS")} == {"3"}
    speed._limit_threads_from_argv(["--threads=2"])
    assert os.environ["OPENBLAS_NUM_THREADS"] == "2"


def test_benchmark_requirements_pin_pytorch_and_stay_out_of_the_course():
    pins = {}
    for line in (ROOT / "benchmarks" / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-r"):
            assert re.fullmatch(r"[A-Za-z0-9_.\-]+==[0-9][\w.]*", line), line
            name, version = line.split("==")
            pins[name] = version
    assert pins.get("torch") == "2.13.0" and "threadpoolctl" in pins
    assert "threadpoolctl" not in (ROOT / "requirements.txt").read_text()


# --------------------------------------------------------------------------- float32 end to end
F32 = np.float32


def _rng():
    return np.random.default_rng(7)


@pytest.mark.parametrize("layer", [Relu(), Sigmoid(), Flatten(), MaxPool2D(2, 2),
                                   AveragePool2D(2, 2)], ids=lambda layer: type(layer).__name__)
def test_parameter_free_layers_keep_float32(layer):
    x = _rng().standard_normal((2, 3, 4, 4)).astype(F32)
    out = layer.forward(x)
    dx = layer.backward(np.ones_like(out))
    assert out.dtype == F32 and dx.dtype == F32 and dx.shape == x.shape


def test_affine_conv_and_softmax_keep_float32():
    rng = _rng()
    x = rng.standard_normal((3, 2, 5, 5)).astype(F32)
    conv = Conv2d(rng.standard_normal((4, 2, 3, 3)).astype(F32), np.zeros(4, F32), pad=1)
    out = conv.forward(x)
    dx = conv.backward(np.ones_like(out))
    assert {a.dtype for a in (out, dx, conv.dW, conv.db)} == {np.dtype(F32)}
    affine = Affine(rng.standard_normal((100, 6)).astype(F32), np.zeros(6, F32))
    scores = affine.forward(out)
    assert scores.dtype == F32
    loss = SoftmaxWithLoss()
    loss.forward(scores, np.array([0, 5, 2]))
    dscores = loss.backward()
    assert dscores.dtype == F32 and loss.y.dtype == F32
    assert {affine.backward(dscores).dtype, affine.dW.dtype, affine.db.dtype} == {np.dtype(F32)}


@pytest.mark.parametrize("optimizer", [SGD(0.1), Momentum(0.1), AdaGrad(0.1), RMSProp(0.1),
                                       Adam(0.1)], ids=lambda o: type(o).__name__)
def test_optimizers_keep_float32_parameters(optimizer):
    params = {"W": np.ones((2, 3), F32), "b": np.zeros(3, F32)}
    arrays = dict(params)
    for _ in range(2):
        optimizer.update(params, {"W": np.full((2, 3), 0.5, F32), "b": np.ones(3, F32)})
    assert all(params[k] is arrays[k] and params[k].dtype == F32 for k in params)


def test_simple_conv_net_trains_in_float32_end_to_end():
    rng = _rng()
    net = SimpleConvNet(input_dim=(1, 10, 10), filter_num=4, filter_size=3, hidden_size=8,
                        output_size=3, dtype=F32)
    x = rng.random((5, 1, 10, 10), dtype=F32)
    t = np.array([0, 1, 2, 1, 0])
    assert net.predict(x).dtype == F32
    grads = net.gradient(x, t)
    assert {k: g.dtype for k, g in grads.items()} == {k: np.dtype(F32) for k in net.params}
    Adam(0.01).update(net.params, grads)
    assert all(p.dtype == F32 for p in net.params.values())


def test_float32_gradients_agree_with_float64_ones():
    """Speed does not cost accuracy: the float32 network's gradients are float64's to ~1e-4."""
    rng = _rng()
    x = rng.random((6, 1, 9, 9))
    t = np.array([0, 1, 2, 0, 1, 2])
    net64 = SimpleConvNet(input_dim=(1, 9, 9), filter_num=3, filter_size=3, hidden_size=7,
                          output_size=3, dtype=np.float64, seed=3)
    net32 = SimpleConvNet(input_dim=(1, 9, 9), filter_num=3, filter_size=3, hidden_size=7,
                          output_size=3, dtype=F32, seed=3)
    g64, g32 = net64.gradient(x, t), net32.gradient(x.astype(F32), t)
    for k in g64:
        scale = np.max(np.abs(g64[k])) + 1e-12
        assert np.max(np.abs(g32[k] - g64[k])) / scale < 1e-4, k


def test_multilayer_net_float32_in_float32_out_and_float64_by_default():
    x64 = _rng().standard_normal((4, 3))
    t = np.array([0, 1, 1, 0])
    default = MultiLayerNet([3, 5, 2], hidden="relu", seed=0)
    assert default.params["W1"].dtype == np.float64
    assert default.forward(x64).dtype == np.float64
    assert default.forward(np.array([[1, 2, 3]])).dtype == np.float64, "ints become float64"
    net = MultiLayerNet([3, 5, 2], hidden="relu", seed=0, dtype=F32)
    assert all(p.dtype == F32 for p in net.params.values())
    np.testing.assert_allclose(net.params["W1"], default.params["W1"], rtol=1e-6)
    assert net.forward(x64.astype(F32)).dtype == F32
    grads = net.gradient(x64.astype(F32), t)
    assert all(g.dtype == F32 for g in grads.values())
    net.step(grads, 0.1)
    assert all(p.dtype == F32 for p in net.params.values())
    sig = MultiLayerNet([3, 4, 1], output="sigmoid", seed=0, dtype=F32)
    sig.gradient(x64.astype(F32), np.array([[1.0], [0.0], [1.0], [0.0]]))
    assert sig.last_layer.y.dtype == F32


# --------------------------------------------------------------------------- first layer: no dx
def test_first_conv_layer_skips_the_input_gradient_when_told():
    rng = _rng()
    x = rng.standard_normal((2, 2, 6, 6))
    W, b = rng.standard_normal((3, 2, 3, 3)), rng.standard_normal(3)
    dout = rng.standard_normal((2, 3, 6, 6))
    full, first = Conv2d(W, b, pad=1), Conv2d(W, b, pad=1)
    first.needs_dx = False
    full.forward(x)
    first.forward(x)
    dx = full.backward(dout)
    assert dx is not None and dx.shape == x.shape
    assert first.backward(dout) is None, "no input gradient when needs_dx is False"
    np.testing.assert_array_equal(first.dW, full.dW)
    np.testing.assert_array_equal(first.db, full.db)

    # and the weight gradients it still computes are right: central differences of sum(out·dout)
    def objective_w(w):
        return float(np.sum(Conv2d(w, b, pad=1).forward(x) * dout))

    def objective_b(bias):
        return float(np.sum(Conv2d(W, bias, pad=1).forward(x) * dout))
    np.testing.assert_allclose(first.dW, _central_difference(objective_w, W), rtol=1e-6,
                               atol=1e-7)
    np.testing.assert_allclose(first.db, _central_difference(objective_b, b), rtol=1e-6,
                               atol=1e-7)


def test_simple_conv_net_asks_its_first_convolution_for_no_input_gradient():
    net = SimpleConvNet(input_dim=(1, 8, 8), filter_num=2, filter_size=3, hidden_size=4,
                        output_size=3, dtype=np.float64)
    assert net.layers["Conv1"].needs_dx is False
    x = _rng().random((3, 1, 8, 8))
    t = np.array([0, 1, 2])
    grads = net.gradient(x, t)
    for key in ("W1", "b1"):
        numeric = _central_difference(loss_of_param(net, key, x, t), net.params[key])
        np.testing.assert_allclose(grads[key], numeric, rtol=1e-5, atol=1e-8, err_msg=key)


# --------------------------------------------------------------------------- grading benchmark
@pytest.mark.slow
def test_grading_benchmark_grades_a_class_and_appends_a_row(tmp_path):
    """One student of sprint 0, the baseline given: the run grades and writes a table row."""
    table = tmp_path / "grading.md"
    run = subprocess.run([sys.executable, "-m", "benchmarks.grading", "--students", "1",
                          "--sprint", "sprint0", "--baseline-seconds", "100000",
                          "--results", str(table)],
                         cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    header, rows = _table_rows(table.read_text())
    assert header[:3] == ["date", "students", "sprints"] and len(rows) == 1
    row = dict(zip(header, rows[0]))
    assert (row["students"], row["sprints"], row["submissions"]) == ("1", "sprint0", "1")
    assert row["baseline s"] == "100000 (earlier run)"
    assert float(row["grader s"]) > 0 and row["goal (baseline/cores)"] == "met"
    assert "grader (python -m autograder grade" in run.stdout
    # the CPU time it took (workers and their children included) and how loaded the machine was
    assert float(row["grader CPU s"]) > 0 and row["notebooks"] == "not executed"
    before, after = (float(x) for x in row["load before / after"].split(" / "))
    assert before >= 0 and after >= 0
    steps = run.stdout.split("per submission, mean of 1 (s)", 1)[1].splitlines()[1:7]
    names = [line.split("|")[0].strip() for line in steps]
    assert names == ["intake", "trusted", "autograde", "gradebook", "feedback", "all"], steps
    trusted = [float(x) for x in steps[1].split("|")[1:]]
    assert trusted[0] > 0 and trusted[2] > 0   # the trusted children's CPU time is counted


# --------------------------------------------------------------------------- the fast paths
def _max_pool_loops(x, ph, pw, stride, pad, dout):
    """Max pooling and its backward, one window at a time with ``np.argmax`` (first max)."""
    sh, sw = (ph, pw) if stride is None else (stride, stride)
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), constant_values=-np.inf)
    n, c, h, w = xp.shape
    oh, ow = (h - ph) // sh + 1, (w - pw) // sw + 1
    out = np.zeros((n, c, oh, ow), x.dtype)
    dxp = np.zeros(xp.shape, x.dtype)
    for i in np.ndindex(n, c, oh, ow):
        window = xp[i[0], i[1], i[2] * sh:i[2] * sh + ph, i[3] * sw:i[3] * sw + pw]
        p, q = np.unravel_index(np.argmax(window), window.shape)
        out[i] = window[p, q]
        dxp[i[0], i[1], i[2] * sh + p, i[3] * sw + q] += dout[i]
    return out, dxp[:, :, pad:pad + x.shape[2], pad:pad + x.shape[3]]


@pytest.mark.parametrize("ph, pw, stride, pad, size", [
    (2, 2, None, 0, 8),      # windows tile the input: dx is not zeroed first
    (2, 2, None, 0, 7),      # an odd size: the last row and column are in no window
    (2, 2, 3, 0, 8),         # gaps between windows
    (3, 3, 2, 1, 7),         # overlapping windows with padding
    (2, 3, 1, 0, 5),         # overlapping, not square
])
def test_max_pool_fast_paths_agree_with_a_loop_on_ties(ph, pw, stride, pad, size):
    """Small integers make ties in most windows: the first maximum must win, as np.argmax."""
    rng = np.random.default_rng(size + ph)
    x = rng.integers(0, 3, (2, 3, size, size)).astype(np.float32)
    pool = MaxPool2D(ph, pw, stride=stride, pad=pad)
    out = pool.forward(x)
    dout = rng.standard_normal(out.shape).astype(np.float32)
    expected, expected_dx = _max_pool_loops(x, ph, pw, stride, pad, dout)
    assert np.array_equal(out, expected)
    assert np.allclose(pool.backward(dout), expected_dx, atol=1e-6)
    assert np.allclose(pool.backward(dout), expected_dx, atol=1e-6), "a second backward too"


def test_a_grading_row_joins_the_first_table_not_the_end_of_the_page():
    """The results page has later sections with tables of their own: a new run's row goes at
    the end of the runs table (appending to the file put it under the last table)."""
    from benchmarks.grading import with_row

    page = ("# Grading benchmark\n\n| date | students |\n|---|---|\n| 2026-11-23 | 8 |\n\n"
            "## Per step\n\n| step | s |\n|---|---|\n| feedback | 0.5 |\n")
    out = with_row(page, "| 2026-12-06 | 12 |").splitlines()
    assert out[5] == "| 2026-12-06 | 12 |" and out[4] == "| 2026-11-23 | 8 |", out
    assert out[-1] == "| feedback | 0.5 |" and out.count("| 2026-12-06 | 12 |") == 1
