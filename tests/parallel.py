"""The suite on several cores: which tests pytest-xdist must keep on one worker.

``./course test`` runs pytest with one worker per core and one more (``-n <cores + 1> --dist
loadgroup --no-loadscope-reorder``). A fixture with a scope wider than one test (a release, a
graded class, a PostgreSQL server) is built once per worker that runs a test using it: the
tests sharing one of their module's own fixtures get one ``xdist_group`` (their module's name),
so one worker runs them all and builds it once, as a serial run does. Every other test goes to
whichever worker is free. A module fixture with parameters is one fixture per parameter: each
parameter's tests get a group of their own (``<module>-<parameter>``), which two workers
may run side by side; a test of such a module must not rely on a module global another
parameter's tests set (they may run in another process). The tests that mostly wait are one
group of their own, :data:`WAITING`, the tampering suite's two batches among them.
:func:`hand_out_order` decides the order in which the workers get the tests.

``tests/conftest.py`` calls these functions from its hooks; this module imports only
pytest, so a small suite can use them too (``tests/test_parallel_run.py``).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest


def module_fixtures(item) -> list:
    """The fixtures ``item`` uses that its own test module defines with a scope wider than a
    test."""
    info = getattr(item, "_fixtureinfo", None)
    module = item.nodeid.partition("::")[0]
    return [] if info is None else [
        d for defs in info.name2fixturedefs.values() for d in defs
        if d.scope != "function" and d.baseid == module]


def shares_a_module_fixture(item) -> bool:
    """``item`` uses a fixture its own test module defines with a scope wider than a test."""
    return bool(module_fixtures(item))


#: The one group of every test marked ``waits``.
WAITING = "waiting"


def group_of(item) -> str | None:
    """The ``xdist_group`` of ``item``: :data:`WAITING` for a test that mostly waits (marked
    ``waits``: a browser, a kernel in the jail, a time limit running out), so that one worker
    runs all of those one after another while the others compute; else its module's name when
    it shares a module fixture, and the fixture's parameter when that fixture is parametrized
    (pytest builds one instance per parameter, and the tests of different parameters share
    nothing, so two workers may run them side by side); ``None`` for a test that shares
    nothing."""
    if item.get_closest_marker("waits"):
        return WAITING
    shared = module_fixtures(item)
    if not shared:
        return None
    params = getattr(getattr(item, "callspec", None), "params", {})
    values = [str(params[d.argname]) for d in shared if d.params and d.argname in params]
    # (no "]" or "@" in a group: pytest-xdist finds the group after the last "@" of the test's
    # id, and only when it comes after the last "]")
    return re.sub(r"[^\w.-]+", "_", "-".join([Path(item.nodeid.partition("::")[0]).stem,
                                               *values]))


def group_tests_sharing_a_module_fixture(items) -> None:
    """Give those tests their group (call before pytest-xdist reads the marks)."""
    for item in items:
        group = group_of(item)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))


def unit_of(item) -> str:
    """The work unit pytest-xdist hands out whole: the test's group, else the test alone."""
    group = item.get_closest_marker("xdist_group")
    return "@" + str(group.args[0] if group.args else group.kwargs.get("name")) if group \
        else item.nodeid


def hand_out_order(items) -> None:
    """Order the tests, in place, as pytest-xdist is to hand them out (``./course test`` runs
    it with ``--no-loadscope-reorder``, so it keeps this order): the :data:`WAITING` group
    first, then the other groups (largest first), then the tests marked ``slow`` in the order
    they were collected, then the quick tests.

    The waiting group goes first because it is the longest unit (about five minutes of a
    browser, kernels in the jail and time limits on the course's 2-core machine) and takes
    little CPU time: one worker runs it from start to end while the others compute. Handed out
    with the other groups (the way pytest-xdist orders them, by size), the tests that wait took
    two or three of the three workers at once. A single test of minutes collected near the end
    (a network trained to its benchmark accuracy) handed out after the quick tests would run
    alone while the other workers had nothing left; handed out before them, it runs beside
    them, and the quick tests fill the end. For pytest-xdist's workers only: a serial run keeps
    the files' order.
    """
    units: dict = {}
    for item in items:
        units.setdefault(unit_of(item), []).append(item)

    def kind(unit) -> int:
        marked = [m for item in units[unit] for m in ("waits", "xdist_group", "slow")
                  if item.get_closest_marker(m)]
        return 0 if "waits" in marked else 1 if marked else 2

    def size(unit) -> int:   # groups by their number of tests; a single test is one
        return -len(units[unit]) if kind(unit) == 1 and unit.startswith("@") else 0

    order = sorted(units, key=lambda u: (kind(u), size(u)))   # stable: else collected order
    items[:] = [item for unit in order for item in units[unit]]


def fail_if_the_group_was_lost(item) -> None:
    """Under ``--dist loadgroup`` a grouped test's id ends in ``@group``: pytest-xdist's only
    way to tell its scheduler. Some pytest releases drop it (pytest-xdist issue 1386, pytest
    9.2.0), and then every worker would build every module fixture again: fail instead."""
    if (getattr(item.config.option, "loadgroup", False) and "@" not in item.nodeid
            and item.get_closest_marker("xdist_group")):
        pytest.fail("pytest-xdist lost this test's group: install the pytest and pytest-xdist "
                    "of requirements-dev.txt, or run serially (-n 0)", pytrace=False)
