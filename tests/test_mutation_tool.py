"""The mutation-testing command itself: the mutants it makes, its scope, and a tiny run.

The full run (``python -m benchmarks.mutation``) takes many minutes and is not part of the
suite; these tests check that the mutator makes the mutants it promises, only where it should,
and that an end-to-end run of three mutants kills them.
"""
from __future__ import annotations

import ast
import os
import subprocess
import sys

import pytest

from benchmarks import mutation
from benchmarks.mutation import mutants_of, solution_lines

from .conftest import ROOT

SOURCE = '''\
import numpy as np


def f(x, y):
    """A docstring is never mutated."""
    ### BEGIN SOLUTION
    x = np.asarray(x)
    if x.size < 3 and all(v > 0 for v in y):
        y = y.copy()
    return np.sum(x * 2, axis=0, keepdims=True), f"{x}"
    ### END SOLUTION


def g(z):
    return z + 1
'''


def test_the_mutants_promised_for_conversions_copies_keywords_and_comparisons():
    lines = solution_lines(SOURCE)
    got = {(m.operator, m.before, m.after) for m in mutants_of("m.py", SOURCE,
                                                                wanted_line=lines.__contains__)}
    assert ("unwrap", "np.asarray(x)", "(x)") in got
    assert ("unwrap", "y.copy()", "(y)") in got
    assert ("cmp", "x.size < 3", "(x.size <= 3)") in got
    assert ("all-any", "all", "(any)") in got
    assert ("number", "3", "(4)") in got
    assert ("if-false", "x.size < 3 and all(v > 0 for v in y)", "(False)") in got
    assert ("boolop", "x.size < 3 and all(v > 0 for v in y)",
            "(x.size < 3 or all((v > 0 for v in y)))") in got
    assert ("binop", "x * 2", "(x / 2)") in got
    call = "np.sum(x * 2, axis=0, keepdims=True)"
    assert ("kwarg", call, "(np.sum(x * 2, axis=0))") in got
    assert ("kwarg", call, "(np.sum(x * 2, keepdims=True))") in got


def test_only_the_graded_region_is_mutated_and_never_a_docstring_or_f_string():
    lines = solution_lines(SOURCE)
    ms = mutants_of("m.py", SOURCE, wanted_line=lines.__contains__)
    assert ms and all(m.line in lines for m in ms)
    assert all(m.scope == "f" for m in ms)
    assert not any("docstring" in m.before or "{x}" in m.before for m in ms)
    every = mutants_of("m.py", SOURCE)
    assert any(m.scope == "g" for m in every)
    assert not any(m.scope == "g" for m in mutants_of("m.py", SOURCE, skip={"g"}))


def test_each_mutant_changes_one_place_and_still_parses():
    for m in mutants_of("m.py", SOURCE):
        ast.parse(m.source)
        assert m.source != SOURCE
        kept = [a for a, b in zip(SOURCE.splitlines(), m.source.splitlines()) if a == b]
        assert len(kept) >= len(SOURCE.splitlines()) - 3, m.key


def test_a_mutant_knows_its_statement_s_first_line_where_coverage_records_it():
    text = "def h(a, b):\n    return max(\n        a,\n        b + 1)\n"
    (m,) = [m for m in mutants_of("m.py", text) if m.operator == "binop"]
    assert (m.line, m.lines) == (4, (2, 4))


def test_the_tests_that_run_a_mutant_s_line_come_fastest_first():
    m = mutation.Mutant("a.py", 7, "f", "cmp", "x < 1", "(x <= 1)", "", lines=(5, 7))
    coverage = {
        "tests/t1.py": {"lines": {"a.py": {"7": ["tests/t1.py::slow", "tests/t1.py::quick"],
                                           "9": ["tests/t1.py::other"]}},
                        "seconds": {"tests/t1.py::slow": 2.0, "tests/t1.py::quick": 0.1,
                                    "tests/t1.py::other": 0.0}},
        "tests/t2.py": {"lines": {"a.py": {"5": ["tests/t2.py::mid"]}},
                        "seconds": {"tests/t2.py::mid": 0.5}},
        "tests/t3.py": {"lines": {"a.py": {"7": ["tests/t3.py::unselected"]}},
                        "seconds": {"tests/t3.py::unselected": 0.0}},
    }
    got = mutation.covering_tests(m, ["tests/t1.py", "tests/t2.py"], coverage)
    assert got == ["tests/t1.py::quick", "tests/t2.py::mid", "tests/t1.py::slow"]
    assert mutation.covering_tests(m, ["tests/t9.py"], coverage) == []


def test_keys_are_stable_and_unique():
    ms = mutants_of("m.py", SOURCE)
    keys = [m.key for m in ms]
    assert len(keys) == len(set(keys))
    moved = "\n\n\n" + SOURCE
    assert [m.key for m in mutants_of("m.py", moved)] == keys, "keys must not hold line numbers"


def test_every_module_and_test_file_of_the_configuration_exists():
    for module, tests in mutation.REFERENCE_TESTS.items():
        text = (ROOT / "solutions" / f"{module}.py").read_text()
        assert solution_lines(text), f"solutions/{module}.py has no graded region"
        for t in tests:
            assert all((ROOT / f).is_file() for f in t.split() if f.endswith(".py")), t
    for path, tests in mutation.CORE_TESTS.items():
        assert (ROOT / path).is_file(), path
        for t in tests:
            assert all((ROOT / f).is_file() for f in t.split() if f.endswith(".py")), t
    graded = {p.stem for p in (ROOT / "solutions").glob("*.py")
              if p.name != "__init__.py" and solution_lines(p.read_text())}
    assert graded == set(mutation.REFERENCE_TESTS), "every graded module has a test selection"


@pytest.fixture(scope="module")
def every_target():
    """Every file the tool mutates, with its mutants (about 7 s to generate: once per module)."""
    return mutation.targets()


def test_the_equivalent_baseline_names_real_mutants_with_reasons(every_target):
    listed = mutation.load_equivalent()
    known = {m.key for t in every_target for m in t.mutants}
    for key, reason in listed.items():
        assert key in known, f"baseline entry matches no mutant (code changed?): {key}"
        assert len(reason.split()) >= 4, f"give the reason it is equivalent: {key}"


def test_three_mutants_end_to_end(tmp_path):
    out = tmp_path / "table.md"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.mutation", "--only", "param_count", "--limit", "3",
         "--jobs", "1", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    table = out.read_text()
    # the third mutant, int(s) -> (s) in count_parameters, is listed as equivalent
    assert "| `solutions/param_count.py` | reference | 3 | 2 | 0 | 1 | 0 | 100.0 % |" in table


def test_a_sample_is_seeded_sized_and_drawn_from_every_file_in_proportion(every_target):
    """`--sample N`: the timed quick run scores N mutants drawn alike from every file."""
    chosen = every_target
    total = sum(len(t.mutants) for t in chosen)
    first = mutation.sample_keys(chosen, 400, seed=0)
    assert len(first) == 400 and first == mutation.sample_keys(chosen, 400, seed=0)
    assert first != mutation.sample_keys(chosen, 400, seed=1)
    assert mutation.sample_keys(chosen, total + 10) == {m.key for t in chosen for m in t.mutants}
    by_file = {t.path: sum(m.key in first for m in t.mutants) for t in chosen}
    biggest = max(chosen, key=lambda t: len(t.mutants))
    share = len(biggest.mutants) / total
    assert 0.5 * share * 400 < by_file[biggest.path] < 1.5 * share * 400, by_file


def test_a_mutant_the_tests_cannot_even_load_with_is_killed_not_an_error():
    """pytest exits 4 when a conftest no longer imports: the baseline loaded the same tests, so
    the mutant broke them, and `./course test` would fail on it: killed. Other codes stay
    errors (they say the tool went wrong, not the code)."""
    assert mutation._verdict(4).startswith("killed")
    assert mutation._verdict(1) == "killed" and mutation._verdict(None).startswith("killed")
    assert mutation._verdict(0) == "survived"
    assert mutation._verdict(5).startswith("error")


def _run_python(code: str, *args, env=None) -> subprocess.CompletedProcess:
    """``code`` in a fresh interpreter (the test process itself has threads: it cannot fork)."""
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_tool_refuses_to_fork_while_another_thread_runs(tmp_path):
    """A child forked from a process with threads inherits the locks they held, with no thread
    to release them, and can wait for ever: both forks (the worker pool, each pytest child)
    refuse, naming the threads, instead of risking it. NumPy's BLAS pool is such a thread."""
    (tmp_path / "w").mkdir()
    (tmp_path / "w" / "test_nothing.py").write_text("def test_nothing():\n    pass\n")
    code = """
import sys, threading
from pathlib import Path
from benchmarks import mutation
print("alone", mutation._run_pytest(Path(sys.argv[1]), ["test_nothing.py"], 120)[0])
threading.Thread(target=threading.Event().wait, name="a-helper-thread", daemon=True).start()
for call in (lambda: mutation._run_pytest(Path(sys.argv[1]), ["test_nothing.py"], 120),
             lambda: mutation.run([], 1)):
    try:
        call()
    except RuntimeError as e:
        print("refused:", e)
"""
    proc = _run_python(code, tmp_path / "w")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.splitlines()
    assert out[0] == "alone 0", proc.stdout          # one thread: it forks and runs pytest
    assert len(out) == 3, proc.stdout
    assert "mutation worker" in out[1] and "a-helper-thread" in out[1], out[1]
    assert "mutation tool" in out[2] and "a-helper-thread" in out[2], out[2]
    # NumPy imported with its default BLAS threads before the tool could set one thread
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    env["OPENBLAS_NUM_THREADS"] = "2"
    proc = _run_python("import numpy\nfrom benchmarks import mutation\nmutation.run([], 1)",
                       env=env)
    assert proc.returncode != 0 and "refusing to fork" in proc.stderr, proc.stderr[-2000:]


def test_a_deadlocked_pytest_child_is_stopped_early_with_its_stack(tmp_path):
    """A child that uses no CPU (and waits on no process) for `stall` seconds is deadlocked:
    it is stopped long before its time limit, its Python stack is printed, and the verdict is
    an error (the tool's fault or the run's, never a kill to the tests' credit). A child that
    computes, or waits on a process it started, is not stopped."""
    w = tmp_path / "w"
    w.mkdir()
    (w / "test_hang.py").write_text(
        "import threading\n\n\ndef test_waits_on_a_lock_nobody_releases():\n"
        "    lock = threading.Lock()\n    lock.acquire()\n    lock.acquire()\n")
    (w / "test_busy.py").write_text(
        "import subprocess, time\n\n\ndef test_computes_then_waits_on_a_process():\n"
        "    end = time.process_time() + 2.5\n    while time.process_time() < end:\n"
        "        pass\n    subprocess.run(['sleep', '3'], check=True)\n")
    code = """
import sys, time
from pathlib import Path
from benchmarks import mutation
for test in ("test_hang.py", "test_busy.py"):
    rc, secs = mutation._run_pytest(Path(sys.argv[1]), [test], 200, stall=1.5)
    print(test, rc, round(secs))
"""
    proc = _run_python(code, w)
    assert proc.returncode == 0, proc.stderr
    hang, busy = proc.stdout.splitlines()
    name, rc, secs = hang.split()
    assert rc == mutation.HUNG and int(secs) < 60, hang     # not the 200 s limit
    assert "deadlocked" in proc.stderr and "test_waits_on_a_lock_nobody_releases" in proc.stderr
    assert busy.split()[1] == "0", busy
    assert mutation._verdict(mutation.HUNG).startswith("error")


def test_a_run_whose_worker_dies_stops_instead_of_waiting_for_ever():
    """multiprocessing.Pool loses the task of a worker that dies (killed for memory, crashed)
    and would wait for its result for ever: the tool stops, saying so."""
    code = """
import multiprocessing as mp, os
from benchmarks import mutation
with mp.get_context("fork").Pool(1) as pool:
    try:
        list(mutation.results(pool, os._exit, [3]))
    except SystemExit as e:
        print("stopped:", e)
"""
    proc = _run_python(code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("stopped: a mutation worker died (pid ") and "exit 3" in \
        proc.stdout, proc.stdout
