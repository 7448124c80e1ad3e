"""``./course test`` runs the suite on every core (pytest-xdist, ``-n auto --dist loadgroup``):
the tests that share a fixture of their module run on one worker, so the fixture (a release, a
graded class, a server) is built once, as in a serial run; the other tests go to whichever
worker is free. These tests run a small suite the way ``./course test`` runs this one.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys

from . import parallel
from .conftest import ROOT

# A module fixture that records each build, four tests sharing it and four that do not.
SMALL_SUITE = '''
import os
from pathlib import Path

import pytest

BUILDS = Path(__file__).parent / "builds.txt"


@pytest.fixture(scope="module")
def expensive():
    with open(BUILDS, "a") as fh:
        fh.write(os.environ.get("PYTEST_XDIST_WORKER", "serial") + "\\n")
    return 42


@pytest.mark.parametrize("i", range(4))
def test_shares(expensive, i):
    assert expensive == 42


@pytest.mark.parametrize("i", range(4))
def test_alone(i, tmp_path):
    assert tmp_path.is_dir()
'''


# A module fixture with two parameters (two fixtures, as the tampering suite's two batches):
# each records its build, three tests use each.
BATCHES_SUITE = '''
import os
from pathlib import Path

import pytest

BUILDS = Path(__file__).parent / "builds.txt"


@pytest.fixture(scope="module", params=["first", "second"])
def batch(request):
    with open(BUILDS, "a") as fh:
        fh.write(request.param + ":" + os.environ.get("PYTEST_XDIST_WORKER", "serial") + "\\n")
    return request.param


@pytest.mark.parametrize("i", range(3))
def test_batch(batch, i):
    assert batch in ("first", "second")
'''


def _run(tmp_path, *args, suite_text=SMALL_SUITE):
    suite = tmp_path / "suite"
    suite.mkdir()
    # this suite's conftest: the two hooks of tests/conftest.py that tests/parallel.py serves
    (suite / "conftest.py").write_text(
        "import pytest\n"
        "from tests import parallel\n\n\n"
        "@pytest.hookimpl(tryfirst=True)\n"
        "def pytest_collection_modifyitems(items):\n"
        "    parallel.group_tests_sharing_a_module_fixture(items)\n\n\n"
        "def pytest_runtest_setup(item):\n"
        "    parallel.fail_if_the_group_was_lost(item)\n")
    (suite / "test_small.py").write_text(suite_text)
    # only pytest-xdist of the installed plugins (nbval alone takes seconds to import)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "xdist", "-p",
                           "no:cacheprovider", "-v",
                           "--rootdir", str(suite), "-c", os.devnull, *args, str(suite)],
                          cwd=suite, env=env, capture_output=True, text=True, timeout=600)
    builds = (suite / "builds.txt").read_text().split() if (suite / "builds.txt").exists() else []
    return proc, builds


def test_tests_sharing_a_module_fixture_run_on_one_worker_and_build_it_once(tmp_path):
    proc, builds = _run(tmp_path, "-n", "2", "--dist", "loadgroup")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "8 passed" in proc.stdout
    assert len(builds) == 1, f"the module fixture was built {len(builds)} times: {builds}"
    workers = set(re.findall(r"\[(gw\d+)\][^\n]*PASSED[^\n]*test_shares", proc.stdout))
    assert len(workers) == 1, proc.stdout
    # (with pytest 9.2.0 the group is lost: the four shared tests fail, saying so; with
    # `--dist load` and no groups, both workers build the fixture: two lines in builds.txt)


def test_each_parameter_of_a_module_fixture_is_a_group_of_its_own_built_once(tmp_path):
    proc, builds = _run(tmp_path, "-n", "2", "--dist", "loadgroup", suite_text=BATCHES_SUITE)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "6 passed" in proc.stdout
    assert sorted(b.split(":")[0] for b in builds) == ["first", "second"], builds
    for param in ("first", "second"):   # its own group: its three tests on one worker
        ran = re.findall(rf"\[(gw\d+)\][^\n]*PASSED[^\n]*test_batch\[{param}-\d\]"
                         rf"@test_small-{param}\b", proc.stdout)
        assert len(ran) == 3 and len(set(ran)) == 1, proc.stdout


class _Mark:
    def __init__(self, *args):
        self.args, self.kwargs = args, {}


class _Item:
    """What :mod:`tests.parallel` reads of a collected test: its id and marks (``group=...``:
    its ``xdist_group``)."""

    def __init__(self, name, *marks, group=None):
        self.name = self.nodeid = name
        self.marks = {m: _Mark() for m in marks}
        if group:
            self.marks["xdist_group"] = _Mark(group)

    def get_closest_marker(self, name):
        return self.marks.get(name)

    def add_marker(self, mark):
        self.marks[mark.name] = _Mark(*mark.args)


def _order(*items):
    items = list(items)
    parallel.hand_out_order(items)
    return [i.name for i in items]


def test_slow_and_grouped_tests_are_handed_out_before_the_quick_ones_largest_group_first():
    assert _order(_Item("quick1"), _Item("a1", group="a"), _Item("quick2"), _Item("slow1", "slow"),
                  _Item("b1", "slow", group="b"), _Item("quick3"), _Item("b2", group="b"),
                  _Item("slow2", "slow")) == \
        ["b1", "b2", "a1", "slow1", "slow2", "quick1", "quick2", "quick3"]


def test_the_tests_that_wait_are_one_group_handed_out_first():
    waiting = [_Item(f"w{n}", "waits") for n in range(3)]
    parallel.group_tests_sharing_a_module_fixture(waiting)   # (no module fixture here)
    assert [parallel.unit_of(i) for i in waiting] == ["@" + parallel.WAITING] * 3
    assert _order(_Item("quick"), waiting[0], _Item("slow0", "slow"), _Item("a1", group="a"),
                  *waiting[1:]) == ["w0", "w1", "w2", "a1", "slow0", "quick"]
