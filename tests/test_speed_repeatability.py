"""What makes the speed benchmark repeatable, checked without timing anything.

How many calls a timed sample holds (``benchmarks.speed.choose_calls``) and that every round
uses the first round's choice; that a backward sample of k calls recomputes every time (nothing
memoised); the results file's round trip (``benchmarks.speed_results``); the comparison of two
runs (``benchmarks.speed_compare``: within 15 % or not); and the independent side-by-side's
block timing (``benchmarks.side_by_side``), whose untimed set-up must not count.
"""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import numpy as np
import pytest

from benchmarks import side_by_side, speed, speed_compare
from benchmarks.speed_results import (
    FORMAT,
    CaseResult,
    Results,
    SideResult,
    compare,
    relative_difference,
)

from .conftest import ROOT

HAVE_TORCH = importlib.util.find_spec("torch") is not None


# --------------------------------------------------------------------------- calls per sample
def _costing(per_call):
    """``seconds_of(k)`` for an operation of ``per_call`` seconds, and the ks it was asked."""
    asked = []

    def seconds_of(k):
        asked.append(k)
        return k * per_call
    return seconds_of, asked


@pytest.mark.parametrize("per_call, expected, tried", [
    (0.030, 1, [1]),                                    # longer than a sample: one call
    (0.020, 1, [1]),                                    # exactly the minimum is enough
    (0.0199, 2, [1, 2]),
    (0.004, 5, [1, 2, 5]),
    (0.00015, 200, [1, 2, 5, 10, 20, 50, 100, 200]),    # a pooling backward: 0.15 ms
    (0.0011, 20, [1, 2, 5, 10, 20]),
])
def test_a_sample_holds_the_fewest_calls_of_1_2_5_10_that_last_the_minimum(per_call, expected,
                                                                            tried):
    seconds_of, asked = _costing(per_call)
    assert speed.choose_calls(seconds_of, 0.020) == expected
    assert asked == tried
    assert expected * per_call >= 0.020 and (expected == 1 or asked[-2] * per_call < 0.020)


def test_an_operation_that_costs_nothing_stops_at_the_cap():
    seconds_of, asked = _costing(0.0)
    assert speed.choose_calls(seconds_of, 0.020, max_calls=1000) == 1000
    assert asked[-1] < 1000 and len(asked) < 12
    seconds_of, _ = _costing(1e-9)
    assert speed.choose_calls(seconds_of, 0.020, max_calls=300) == 300


def test_a_longer_minimum_takes_more_calls():
    assert speed.choose_calls(_costing(0.001)[0], 0.005) == 5
    assert speed.choose_calls(_costing(0.001)[0], 0.050) == 50
    assert speed.choose_calls(_costing(0.001)[0], 0.0) == 1


def test_a_sample_of_k_calls_is_divided_by_k_and_a_backward_gets_a_forward_each_call():
    calls = []
    ticks = iter(range(1000))
    try:
        speed._now = lambda: float(next(ticks))           # every clock read one "second" later
        alone, after = speed.measure([lambda: calls.append("a"), lambda: calls.append("b")],
                                     repeats=2, warmup=1,
                                     before=[None, lambda: calls.append("f")], calls=[4, 3])
    finally:
        speed.use_clock("wall")
    # warm-up: one call each; then per sample 4 calls back to back, 3 each after its forward
    assert calls == ["a", "f", "b"] + (["a"] * 4 + ["f", "b"] * 3) * 2
    assert alone.calls == 4 and alone.samples == [0.25, 0.25]    # one pair of reads: 1 s / 4
    assert after.calls == 3 and after.samples == [1.0, 1.0]      # a pair per call: 3 s / 3


def test_every_round_uses_the_calls_the_first_round_chose(monkeypatch):
    seen = []

    def fake_worker(side, threads, repeats, quick, clock="wall", only=(), calls=None,
                    min_sample=speed.MIN_SAMPLE_SECONDS):
        seen.append((side, json.loads(json.dumps(calls or {}))))
        if side == "verify":
            return {"side": "verify", "notes": []}
        chosen = {"numpy": 7, "torch": 3}[side] + len(seen)     # what a new worker would choose
        mine = (calls or {}).get(side, {}).get("pool2-backward", chosen)
        return {"side": side, "load": "0", "samples": {side: {"pool2-backward": [0.1, 0.2]}},
                "calls": {side: {"pool2-backward": mine}}}

    monkeypatch.setattr(speed, "run_worker", fake_worker)
    monkeypatch.setattr(speed, "have_torch", lambda: True)
    timings, _, workers = speed.library_rounds(1, 3, 2, True, log=lambda *a: None)
    assert [s for s, _ in seen] == ["verify"] + ["numpy", "torch"] * 3
    assert seen[1][1] == {} and seen[2][1] == {"numpy": {"pool2-backward": 9}}
    for _, given in seen[3:]:
        assert given == {"numpy": {"pool2-backward": 9}, "torch": {"pool2-backward": 6}}
    assert timings["numpy"]["pool2-backward"].calls == 9
    assert timings["torch"]["pool2-backward"].calls == 6
    assert len(timings["numpy"]["pool2-backward"].rounds) == 3


def test_a_worker_uses_the_calls_it_is_given_and_chooses_the_rest():
    run = subprocess.run([sys.executable, "-m", "benchmarks.speed", "--worker", "numpy",
                          "--quick", "--threads", "1", "--repeats", "1", "--only", "pool2",
                          "--min-sample", "1", "--calls",
                          json.dumps({"numpy": {"pool2-forward": 3}})],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    line = [ln for ln in run.stdout.splitlines() if ln.startswith(speed.RESULT_MARK)][-1]
    result = json.loads(line[len(speed.RESULT_MARK):])
    calls = result["calls"]["numpy"]
    assert calls["pool2-forward"] == 3
    assert calls["pool2-backward"] in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)


# --------------------------------------------------------------------------- nothing memoised
def test_the_references_backward_recomputes_on_every_call_of_a_sample():
    fns, _ = speed.numpy_side(quick=True)
    for case in ("pool1-backward", "conv2-backward"):
        backward, forward = fns[case]
        forward()
        first, second = backward(), backward()
        assert first is not second and np.array_equal(first, second), case
        assert not np.shares_memory(first, second), f"{case}: a fresh gradient each call"


@pytest.mark.skipif(not HAVE_TORCH, reason="PyTorch not installed")
def test_every_pytorch_backward_of_a_sample_walks_a_graph_of_its_own():
    torch = speed.import_torch(1)
    fns = speed.torch_side(torch, quick=True)
    for case in ("pool1-backward", "conv2-backward"):
        backward, forward = fns[case]
        forward()
        backward()
        with pytest.raises(RuntimeError):           # a graph is freed by its backward pass ...
            backward()
        timing, = speed.measure([backward], repeats=2, warmup=1, before=[forward], calls=[3])
        assert timing.calls == 3 and len(timing.samples) == 2   # ... so each call had its own


# --------------------------------------------------------------------------- results as data
def _results(ratios, source="benchmarks.speed", **kw):
    cases = [CaseResult(cid, f"the {cid} case",
                        SideResult(r, r * 0.95, r, r * 0.9, r * 1.5, 10,
                                   [[r, r * 1.1], [r * 1.2, r]]),
                        SideResult(1.0, 1.0, 1.1, 0.9, 2.0, 200, [[1.0, 1.2]]), goal_ratio=1.5)
             for cid, r in ratios.items()]
    return Results(source, "python -m benchmarks.speed --threads 1", "2026-12-06 15:00", "cpu",
                   1, "0.4 / 0.5 / 0.6", "0.7 / 0.5 / 0.6", cases, {"rounds": 5}, **kw)


def test_results_survive_a_round_trip_through_json(tmp_path):
    results = _results({"step": 0.85, "pool2-backward": 0.97})
    results.cases.append(CaseResult("matmul", "no PyTorch side",
                                    SideResult(2.0, 2.0, 2.0, 2.0, 2.0)))
    path = tmp_path / "speed.json"
    results.write(path)
    again = Results.read(path)
    assert again == results
    assert again.case("pool2-backward").ratio == pytest.approx(0.97)
    assert again.case("matmul").ratio is None and again.case("nothing") is None
    data = json.loads(path.read_text())
    assert data["format"] == FORMAT
    assert [c["ratio"] for c in data["cases"]] == [pytest.approx(0.85), pytest.approx(0.97), None]


def test_a_file_of_another_format_is_refused(tmp_path):
    data = json.loads(_results({"step": 1.0}).to_json())
    data["format"] = FORMAT + 1
    with pytest.raises(ValueError):
        Results.from_json(json.dumps(data))
    with pytest.raises(ValueError):
        Results.from_json(json.dumps({"cases": []}))


def test_the_benchmarks_rows_become_results_with_their_ids_and_calls():
    ours = speed.Timing.of_rounds([[0.2, 0.3, 0.4], [0.1, 0.5, 0.6], [0.1, 0.2, 0.2]],
                                  calls=5)
    theirs = speed.Timing.of_rounds([[0.5, 0.5, 0.5]], calls=2)
    rows = [speed.Row("layers", "pool", "float32", ours, theirs, goal_ratio=1.5, id="pool1-f"),
            speed.Row("check", "a check", ours=speed.Timing([1.0]))]     # no id: not a case
    info = {"command": "c", "date": "d", "clock": "cpu", "threads": 1, "load0": "1",
            "load1": "2", "rounds": 2, "repeats": 3, "min_sample": 0.02}
    results = speed.results_of(rows, info)
    case, = results.cases
    assert case.id == "pool1-f" and case.ours.calls == 5 and case.torch.calls == 2
    assert case.ours.figure == pytest.approx(0.3) and case.ours.best == pytest.approx(0.2)
    assert case.ours.min == 0.1 and case.ours.max == 0.6
    assert case.ratio == pytest.approx(rows[0].ratio) == pytest.approx(0.6)
    assert results.settings == {"rounds": 2, "repeats": 3, "min_sample": 0.02}


# --------------------------------------------------------------------------- comparing runs
def test_relative_difference_is_the_larger_over_the_smaller_minus_one():
    assert relative_difference(1.0, 1.15) == pytest.approx(0.15)
    assert relative_difference(1.15, 1.0) == pytest.approx(0.15)
    assert relative_difference(0.62, 0.97) == pytest.approx(0.97 / 0.62 - 1)   # 56 %
    with pytest.raises(ValueError):
        relative_difference(0.0, 1.0)


def test_two_runs_agree_within_15_percent_or_not():
    a = _results({"step": 0.85, "conv1-forward": 1.08, "pool1-backward": 0.85,
                  "pool2-backward": 0.62})
    b = _results({"step": 0.87, "conv1-forward": 0.93, "pool1-backward": 0.73,
                  "pool2-backward": 0.62 * 1.149})
    result = compare(a, b)
    verdicts = {g.id: g.within for g in result.agreements}
    # the three ratios that moved in the runs issue #15 reports: 16 %, 16 %; 14.9 % is in
    assert verdicts == {"step": True, "conv1-forward": False, "pool1-backward": False,
                        "pool2-backward": True}
    assert not result.all_within
    assert compare(a, b, tolerance=0.20).all_within
    assert compare(a, a).all_within
    assert [g.id for g in result.agreements] == list(verdicts)        # a's order


def test_cases_only_one_run_has_are_named_and_no_shared_case_is_no_agreement():
    a = _results({"step": 1.0, "deep-step": 2.5})
    b = _results({"step": 1.05, "pool1-forward": 0.4})
    result = compare(a, b)
    assert [g.id for g in result.agreements] == ["step"] and result.all_within
    assert result.only_a == ["deep-step"] and result.only_b == ["pool1-forward"]
    assert not compare(_results({"x": 1.0}), _results({"y": 1.0})).all_within


def test_the_compare_command_prints_each_ratio_and_fails_outside_the_tolerance(tmp_path, capsys):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    _results({"step": 0.85, "pool2-backward": 0.62}).write(a)
    _results({"step": 0.87, "pool2-backward": 0.97}, source="benchmarks.side_by_side").write(b)
    assert speed_compare.main([str(a), str(b)]) == 1
    out = capsys.readouterr().out
    assert "| step | 0.85× | 0.87× | 2 % | yes |" in out
    assert "| pool2-backward | 0.62× | 0.97× | 56 % | **no** |" in out
    assert "Not within 15 %: pool2-backward." in out
    _results({"step": 0.95, "pool2-backward": 0.70}).write(b)
    assert speed_compare.main([str(a), str(b), "--tolerance", "0.2"]) == 0
    assert "Every one of the 2 shared ratios agrees within 20 %." in capsys.readouterr().out


# --------------------------------------------------------------------------- the side-by-side
def test_the_side_by_side_times_every_call_and_leaves_the_set_up_out():
    now = [0.0]

    def call():
        now[0] += 0.004

    def setup():
        now[0] += 1.0                               # a forward pass: must not count

    figures, counts = side_by_side.time_blocks(call, setup, lambda: now[0], blocks=3,
                                               block_seconds=0.010, warmup=2)
    assert figures == pytest.approx([0.004] * 3)
    assert counts == [3, 3, 3]                      # 3 calls of 4 ms reach 10 ms
    assert now[0] == pytest.approx(11 * 1.004)      # 2 warm-up + 9 timed, each after a set-up


def test_the_side_by_side_keeps_the_median_of_the_rounds_medians():
    rounds = [{"blocks": [0.3, 0.1, 0.2], "calls": [5, 6, 7]},
              {"blocks": [0.25, 0.15, 0.9], "calls": [5, 5, 5]},
              {"blocks": [0.5, 0.6, 0.7], "calls": [4, 4, 4]}]
    side = side_by_side._side(rounds)
    assert side.figure == pytest.approx(0.25) and side.best == pytest.approx(0.2)
    assert side.min == 0.1 and side.max == 0.9
    assert side.calls == 5 and side.rounds == [r["blocks"] for r in rounds]


def test_the_side_by_side_times_the_cases_the_benchmark_does():
    data = side_by_side._inputs()
    cases = side_by_side.numpy_cases(data)
    goals = {c.id for c in speed.cases() if c.goal_ratio}
    assert goals <= set(cases), "every case with a goal can be compared"
    assert set(cases) <= {c.id for c in speed.cases()}
    x, _, _, dout, pad, first = data["conv2"]
    assert x.shape == (64, 16, 14, 14) and dout.shape == (64, 32, 14, 14) and pad == 1
    assert data["pool1"][0].shape == (100, 30, 24, 24) and (data["pool1"][0] == 0).mean() > 0.4


def test_the_compare_command_says_when_two_runs_measured_differently(tmp_path, capsys):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    a, b = tmp_path / "x" / "speed.json", tmp_path / "y" / "speed.json"
    _results({"step": 0.85}).write(a)
    wall = _results({"step": 0.85})
    wall.clock = "wall"
    wall.write(b)
    assert speed_compare.main([str(a), str(b)]) == 0
    out = capsys.readouterr().out
    assert "**Not the same measurement**" in out
    assert f"| case | ratio {a} | ratio {b} |" in out      # the same file name: whole paths
