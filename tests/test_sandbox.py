"""The child process that runs learner code: wire format, isolation, limits."""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder.learner import sandbox, sandbox_child
from autograder.learner.compare import compare
from autograder.learner.registry import case

from .conftest import HELPERS, ROOT

# --------------------------------------------------------------------------- wire format
_arrays = hnp.arrays(dtype=st.sampled_from([np.float64, np.float32, np.int64, np.int8, np.bool_]),
                     shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=4))
_leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5),
                    st.floats(allow_nan=False), _arrays,
                    st.floats(allow_nan=False).map(np.float64), st.integers(-9, 9).map(np.int32),
                    st.booleans().map(np.bool_))
_values = st.recursive(_leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.tuples(inner, inner),
    st.dictionaries(st.text(max_size=3), inner, max_size=3)), max_leaves=8)


@settings(max_examples=60, deadline=None)
@given(_values)
def test_wire_format_round_trips_values_exactly(tmp_path_factory, value):
    d = tmp_path_factory.mktemp("wire")
    sandbox_child.save(d / "v.json", d / "v.npz", value)
    back = sandbox_child.load(d / "v.json", d / "v.npz")
    assert _identical(value, back)


def _identical(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, (np.ndarray, np.generic)):
        return a.dtype == b.dtype and np.shape(a) == np.shape(b) and np.array_equal(
            a, b, equal_nan=a.dtype.kind == "f")
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_identical(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_identical(a[k], b[k]) for k in a)
    return a == b


@pytest.mark.parametrize("bad", [object(), np.array([object()]), {1: 2}, 1j, lambda: 0])
def test_wire_format_refuses_what_would_need_pickle(bad, tmp_path):
    with pytest.raises(sandbox_child.UnsupportedValue):
        sandbox_child.save(tmp_path / "v.json", tmp_path / "v.npz", bad)


def test_loading_never_unpickles(tmp_path):
    np.save(tmp_path / "x.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    np.savez(tmp_path / "v.npz", a0=np.array([{"a": 1}], dtype=object))
    (tmp_path / "v.json").write_text('{"wire": 1, "tree": {"__array__": "a0", "scalar": false}}')
    with pytest.raises(ValueError, match="pickle"):
        sandbox_child.load(tmp_path / "v.json", tmp_path / "v.npz")


# --------------------------------------------------------------------------- the child
def _pkg(tmp_path, source: str, extra: dict | None = None):
    pkg = tmp_path / "sub" / "helpers"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text((HELPERS / "__init__.py").read_text())
    (pkg / "mod.py").write_text(source)
    for rel, text in (extra or {}).items():
        p = tmp_path / "sub" / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return pkg


def _run(pkg, cases, **kw):
    return sandbox.run_in_child(pkg, "mod", "f", cases, **kw)


def test_child_runs_learner_code_and_returns_outputs(tmp_path):
    pkg = _pkg(tmp_path, "import numpy as np\ndef f(x):\n    return x * 2, {'n': x.size}\n")
    run = _run(pkg, [case(np.arange(3))])
    assert run.crashed is None
    (out,) = run.results
    assert out["status"] == "ok"
    doubled, meta = out["outputs"]["return"]
    np.testing.assert_array_equal(doubled, [0, 2, 4])
    assert meta == {"n": 3}


def test_child_reports_in_place_modification_of_inputs(tmp_path):
    pkg = _pkg(tmp_path, "def f(x):\n    x += 1\n    return x\n")
    (out,) = _run(pkg, [case(np.zeros(2))]).results
    assert out["mutated"] == ["argument 1"]


def test_dict_arguments_are_compared_by_value_for_in_place_changes(tmp_path):
    pkg = _pkg(tmp_path, "def f(net, touch):\n    if touch:\n        net['W'][0] = 9\n"
                         "    return net['W'].sum()\n")
    net = {"W": np.zeros(2), "b": np.ones(1)}
    clean, dirty = _run(pkg, [case(net, False), case(net, True)]).results
    assert clean["mutated"] == [] and dirty["mutated"] == ["argument 1"]


def test_named_test_functions_cross_by_name_and_work_in_the_child(tmp_path):
    pkg = _pkg(tmp_path, "import numpy as np\ndef f(fn, x):\n    h = 1e-4\n"
                         "    g = np.zeros_like(x)\n"
                         "    for i in range(x.size):\n        e = np.zeros_like(x); e[i] = h\n"
                         "        g[i] = (fn(x + e) - fn(x - e)) / (2 * h)\n    return g\n")
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    x = np.array([0.5, -1.0])
    (out,) = _run(pkg, [case(sandbox_child.Fn("quadratic", A=A, c=np.ones(2)), x)]).results
    np.testing.assert_allclose(out["outputs"]["return"], A @ x + 1, rtol=1e-6)
    with pytest.raises(sandbox_child.UnsupportedValue, match="no test function"):
        sandbox_child.Fn("os.system")


def test_child_imports_the_real_numpy_not_a_shipped_numpy_folder(tmp_path):
    fake = {"numpy/__init__.py": "raise SystemExit('fake numpy imported')\n",
            "helpers/numpy.py": "raise SystemExit('fake numpy imported')\n"}
    pkg = _pkg(tmp_path, "import numpy as np\ndef f():\n    return np.__file__.endswith("
                         "'numpy/__init__.py') and 'site-packages' in np.__file__\n", fake)
    (out,) = _run(pkg, [case()]).results
    assert out == {"status": "ok", "outputs": {"return": True}, "mutated": [],
                   "aliased": []}


def test_child_cannot_import_the_reference_or_the_grader(tmp_path):
    pkg = _pkg(tmp_path, "import importlib\ndef f(name):\n"
                         "    try:\n        importlib.import_module(name)\n"
                         "        return 'imported'\n"
                         "    except ImportError:\n        return 'refused'\n")
    results = _run(pkg, [case("solutions"), case("autograder.exercises"),
                         case("autograder")]).results
    assert [r["outputs"]["return"] for r in results] == ["refused"] * 3


def test_monkeypatching_in_the_child_does_not_reach_the_grader(tmp_path):
    src = ("import numpy as np, builtins\n"
           "np.allclose = lambda *a, **k: True\nnp.testing.assert_allclose = lambda *a, **k: None\n"
           "builtins.abs = lambda x: 0\nnp.isclose = lambda a, b, **k: np.ones(np.shape(a), bool)\n"
           "def f(x):\n    return x * 0\n")
    pkg = _pkg(tmp_path, src)
    (out,) = _run(pkg, [case(np.ones(3))]).results
    assert compare(np.ones(3), out["outputs"]["return"]) is not None
    assert np.allclose.__module__.startswith("numpy")


@pytest.mark.parametrize("body,expect", [
    ("import sys\n    sys.exit(0)", "sys.exit"),
    ("import os\n    os._exit(0)", "sys.exit or os._exit"),
    ("while True:\n        pass", "did not finish in time"),
    ("import time\n    time.sleep(60)", "did not finish in time"),
])
def test_exits_and_hangs_become_a_clear_message(tmp_path, body, expect):
    pkg = _pkg(tmp_path, f"def f():\n    {body}\n")
    run = _run(pkg, [case()], timeout=3)
    if run.crashed is None:  # sys.exit is an exception the child catches per case
        (out,) = run.results
        assert out["status"] == "error" and "SystemExit" in out["message"]
    else:
        assert expect in run.crashed
    assert run.seconds < 10


def test_memory_is_limited(tmp_path):
    pkg = _pkg(tmp_path, "import numpy as np\ndef f():\n    return np.ones(2 * 1024**3).sum()\n")
    (out,) = _run(pkg, [case()], memory=1024 ** 3).results
    assert out["status"] == "error" and "MemoryError" in out["message"]


def test_forked_children_do_not_outlive_the_check(tmp_path):
    marker = tmp_path / "survivor"
    pkg = _pkg(tmp_path, "import os, time\ndef f():\n    if os.fork() == 0:\n"
                         f"        time.sleep(2)\n        open({str(marker)!r}, 'w').write('x')\n"
                         "        os._exit(0)\n    return 1\n")
    run = _run(pkg, [case()])
    assert run.results[0]["outputs"]["return"] == 1
    import time
    time.sleep(3)
    assert not marker.exists()


def test_unsupported_return_values_are_reported_not_unpickled(tmp_path):
    pkg = _pkg(tmp_path, "def f():\n    return object()\n")
    (out,) = _run(pkg, [case()]).results
    assert out["status"] == "unreadable" and "cannot read" in out["message"]


def test_a_syntax_error_names_the_file_and_line(tmp_path):
    pkg = _pkg(tmp_path, "def f(:\n    pass\n")
    (out,) = _run(pkg, [case()]).results
    assert out["status"] == "import_error"
    assert "helpers/mod.py line 1" in out["message"]


def test_learner_traceback_shows_the_learners_line(tmp_path):
    pkg = _pkg(tmp_path, "def f(x):\n    return x @ x\n")
    (out,) = _run(pkg, [case(np.ones((2, 3)))]).results
    assert out["status"] == "error"
    assert "ValueError" in out["message"] and "mod.py, line 2" in out["message"]


# ------------------------------------------------------------------------ several jobs, one child
_JOBS_SOURCE = ("import os, time\n"
                "def ok(x):\n    return x + 1\n"
                "def leaves():\n    os._exit(3)\n"
                "def hangs():\n    while True:\n        pass\n"
                "def pid():\n    return os.getpid()\n")


def test_jobs_share_one_child_when_nothing_goes_wrong(tmp_path):
    pkg = _pkg(tmp_path, _JOBS_SOURCE)
    runs = sandbox.run_jobs(pkg, [sandbox.Job("mod", "pid", [case()]),
                                  sandbox.Job("mod", "ok", [case(1), case(2)]),
                                  sandbox.Job("mod", "pid", [case()])])
    assert [r.crashed for r in runs] == [None, None, None]
    assert [o["outputs"]["return"] for o in runs[1].results] == [2, 3]
    assert runs[0].results[0]["outputs"] == runs[2].results[0]["outputs"]   # the same process


@pytest.mark.parametrize("bad,expect", [("leaves", "exit status 3"),
                                        ("hangs", "did not finish in time")])
def test_a_job_that_ends_the_child_costs_only_its_own_result(tmp_path, bad, expect):
    pkg = _pkg(tmp_path, _JOBS_SOURCE)
    runs = sandbox.run_jobs(pkg, [sandbox.Job("mod", "pid", [case()], timeout=5),
                                  sandbox.Job("mod", bad, [case()], timeout=2),
                                  sandbox.Job("mod", "ok", [case(41)], timeout=5),
                                  sandbox.Job("mod", "pid", [case()], timeout=5)])
    assert runs[0].crashed is None and runs[2].crashed is None and runs[3].crashed is None
    assert expect in runs[1].crashed and not runs[1].results
    assert runs[2].results[0]["outputs"]["return"] == 42
    first, last = runs[0].results[0]["outputs"], runs[3].results[0]["outputs"]
    assert first != last   # the jobs after the crash ran in a fresh child
    assert runs[1].seconds < 10


def test_each_job_has_its_own_time_limit(tmp_path):
    pkg = _pkg(tmp_path, "import time\ndef nap(s):\n    time.sleep(s)\n    return s\n")
    runs = sandbox.run_jobs(pkg, [sandbox.Job("mod", "nap", [case(1.0)], timeout=2.5)] * 4)
    assert [r.crashed for r in runs] == [None] * 4   # 4 s in all, but 1 s per job


def _slow_starting_child(tmp_path, monkeypatch, delay):
    """A child script that takes ``delay`` seconds before the real child's start-up (as a busy
    machine would), and is then the real child."""
    script = tmp_path / "slow_child.py"
    script.write_text(f"import sys, time\ntime.sleep({delay})\nsys.path.insert(0, {str(ROOT)!r})\n"
                      "from autograder.learner.sandbox_child import child_main\n"
                      "import os\nos._exit(child_main(sys.argv[1]))\n")
    monkeypatch.setattr(sandbox, "CHILD_SCRIPT", script)


def test_the_checker_s_own_start_up_is_not_counted_against_the_learner(tmp_path, monkeypatch):
    """A learner's 1 s exercise with a 2 s limit passes even when the checker's process took
    3 s to start (a loaded machine): the first job's clock starts once the child is ready."""
    _slow_starting_child(tmp_path, monkeypatch, 3)
    pkg = _pkg(tmp_path, "import time\ndef nap(s):\n    time.sleep(s)\n    return s\n")
    (run,) = sandbox.run_jobs(pkg, [sandbox.Job("mod", "nap", [case(1.0)], timeout=2)])
    assert run.crashed is None and run.results[0]["outputs"]["return"] == 1.0
    assert run.seconds < 2.5, "the job's time is its own, without the start-up"


def test_a_child_that_never_gets_ready_is_the_checker_s_failure_not_a_timeout(tmp_path,
                                                                              monkeypatch):
    _slow_starting_child(tmp_path, monkeypatch, 30)
    monkeypatch.setattr(sandbox, "STARTUP_LIMIT", 1.0)
    pkg = _pkg(tmp_path, "def f():\n    return 1\n")
    start = time.monotonic()
    (run,) = sandbox.run_jobs(pkg, [sandbox.Job("mod", "f", [case()], timeout=60)])
    assert time.monotonic() - start < 20
    assert run.crash_kind == "crashed" and "did not start" in run.crashed
    assert "before any of your code ran" in run.crashed


def test_a_module_that_does_not_import_spoils_only_its_own_jobs(tmp_path):
    pkg = _pkg(tmp_path, "def ok(x):\n    return x\n", {"helpers/broken.py": "def f(:\n"})
    runs = sandbox.run_jobs(pkg, [sandbox.Job("broken", "f", [case()]),
                                  sandbox.Job("mod", "ok", [case(5)]),
                                  sandbox.Job("mod", "missing", [case()])])
    assert runs[0].results[0]["status"] == "import_error"
    assert runs[1].results[0]["outputs"]["return"] == 5
    assert runs[2].results[0]["status"] == "missing"


# --------------------------------------------------------------------------- the jail
def _jailed():
    from autograder.instructor import jail

    j = jail.detect()
    if not j.isolated:
        pytest.skip(f"no jail on this machine: {j.warning}")
    return j


def test_jailed_child_sees_only_its_job_folder(tmp_path):
    from autograder.instructor import jail

    j = _jailed()
    secret = tmp_path / "secret.txt"
    secret.write_text("the reference")
    src = ("import os\ndef f(paths):\n    out = []\n    for p in paths:\n"
           "        try:\n            open(p).read()\n            out.append('read')\n"
           "        except OSError:\n            out.append('refused')\n"
           "    for p in paths:\n        try:\n            open(p, 'a').write('x')\n"
           "            out.append('wrote')\n        except OSError:\n"
           "            out.append('refused')\n    return out\n")
    pkg = _pkg(tmp_path, src)
    targets = [str(secret), str(HELPERS.parent / "solutions" / "layers.py"),
               str(HELPERS.parent / "autograder" / "exercises" / "sprint1.py")]
    old = sandbox.set_launcher(jail.child_launcher(j))
    try:
        (out,) = _run(pkg, [case(targets)]).results
    finally:
        sandbox.set_launcher(old)
    assert out["outputs"]["return"] == ["refused"] * 6
    assert secret.read_text() == "the reference"


def test_jailed_child_has_a_process_limit_and_no_network(tmp_path):
    from autograder.instructor import jail

    j = _jailed()
    if j.uid() is None:
        pytest.skip("the process limit needs the grader to run as root")
    src = ("import os, socket, time\ndef f():\n    n = 0\n    try:\n"
           "        for _ in range(500):\n            if os.fork() == 0:\n"
           "                time.sleep(30)\n                os._exit(0)\n            n += 1\n"
           "    except OSError:\n        pass\n    try:\n"
           "        socket.create_connection(('1.1.1.1', 80), timeout=2)\n        net = 'up'\n"
           "    except OSError:\n        net = 'down'\n    return n, net, os.getuid()\n")
    pkg = _pkg(tmp_path, src)
    old = sandbox.set_launcher(jail.child_launcher(j))
    try:
        (out,) = _run(pkg, [case()], timeout=20).results
    finally:
        sandbox.set_launcher(old)
    forks, net, uid = out["outputs"]["return"]
    assert forks < 64 and net == "down" and uid >= jail.UID_BASE


def test_the_jail_never_hands_over_a_shared_folder(tmp_path):
    from autograder.instructor import jail

    j = jail.Jail("bwrap", as_root=True)
    inside = tmp_path / "work"
    (inside / "alice").mkdir(parents=True)
    for path, root in [(tmp_path, tmp_path), (tmp_path, inside), (Path("/tmp"), Path("/")),
                       (inside / "alice" / ".." / "..", inside), (inside / "nope", inside)]:
        with pytest.raises(jail.JailError):
            j.give(path, inside=root)


# --------------------------------------------------------------------------- the check's start
def test_a_check_of_one_sprint_imports_only_that_sprints_declarations(tmp_path):
    """``./course check sprint1.and_gate`` must start fast: sprint 1's declarations and
    reference only, not the other sprints' (nor what they import, such as tqdm)."""
    import ast
    import subprocess
    import sys

    from .conftest import ROOT

    code = ("import sys\n"
            "from autograder.learner.check import run_checks\n"
            f"report = run_checks(['sprint1.and_gate'], {str(HELPERS)!r}, save=False)\n"
            "print(report.render())\n"
            "print(sorted(m for m in sys.modules if m.startswith(('autograder.exercises.', "
            "'solutions.', 'tqdm'))))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    text, loaded = out.stdout.rsplit("\n", 2)[0], out.stdout.strip().splitlines()[-1]
    assert "sprint1.and_gate" in text and "TODO" in text
    from autograder.learner.registry import load_exercises

    size = sum(s.sprint == "sprint1" for s in load_exercises())
    assert f"0 of {size} exercises passed (1 checked now)" in text   # the sprint's size
    loaded = ast.literal_eval(loaded)   # the list of module names printed above
    assert [m for m in loaded if m.startswith("autograder.")] == ["autograder.exercises.sprint1"]
    assert "solutions.perceptron" in loaded
    assert not {"solutions.classifier", "solutions.conv2d", "tqdm"} & set(loaded), loaded


def test_an_unknown_exercise_still_lists_every_sprint():
    from autograder.learner.check import run_checks

    with pytest.raises(KeyError, match="sprint0, sprint1, sprint2, ") as err:
        run_checks(["sprint1.no_such_gate"], HELPERS, save=False)
    assert "sprint8, sprint9, sprint10" in str(err.value)
    with pytest.raises(KeyError, match="'sprint99'"):
        run_checks(["sprint99"], HELPERS, save=False)
