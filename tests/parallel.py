"""The suite on several cores: which tests pytest-xdist must keep on one worker.

``./course test`` runs pytest with one worker per core and one more (``-n <cores + 1> --dist
loadgroup --no-loadscope-reorder``). A fixture with a scope wider than one test (a release, a
graded class, a PostgreSQL server) is built once per worker that runs a test using it: the
tests sharing one of their module's own fixtures get one ``xdist_group`` (their module's name),
so one worker runs them all and builds it once, as a serial run does. Every other test goes to
whichever worker is free. A module fixture with parameters is one fixture per parameter: each
parameter's tests get a group of their own (``test_grading_hostile-executed``), so the two
batches of the tampering suite run side by side; a test of such a module must not rely on a
module global another parameter's tests set (they may run in another process).
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


def group_of(item) -> str | None:
    """The ``xdist_group`` of ``item``: its module's name when it shares a module fixture, and
    the fixture's parameter when that fixture is parametrized (pytest builds one instance per
    parameter, and the tests of different parameters share nothing, so two workers may run
    them side by side); ``None`` for a test that shares nothing."""
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
    it with ``--no-loadscope-reorder``, so it keeps this order): the work units (a group, or a
    test of its own) that mostly **wait** (marked ``waits``: a browser, a kernel in the jail, a
    time limit running out), one between every two **long** units (a group, a test marked
    ``slow``), then the quick tests, each kind in its order.

    The long units go largest group first, then the slow tests in the order they were
    collected, as pytest-xdist's own order would hand them out. A single test of minutes
    collected near the end (a network trained to its benchmark accuracy) handed out after the
    quick tests would run alone while the other workers had nothing left; handed out before
    them, it runs beside them, and the quick tests fill the end. A waiting unit handed out
    beside two that compute leaves the cores busy; all of them first (the largest groups are
    the ones that wait) left the two cores of the course's machine a third idle for the first
    three minutes. For pytest-xdist's workers only: a serial run keeps the files' order.
    """
    units: dict = {}
    for item in items:
        units.setdefault(unit_of(item), []).append(item)

    def marked(unit, name) -> bool:
        return any(item.get_closest_marker(name) for item in units[unit])

    waiting = sorted((u for u in units if marked(u, "waits")), key=lambda u: -len(units[u]))
    long = sorted((u for u in units if u not in waiting
                   and (marked(u, "slow") or marked(u, "xdist_group"))),
                  key=lambda u: -len(units[u]))
    quick = [u for u in units if u not in waiting and u not in long]
    order = []
    while waiting or long:
        order += waiting[:1] + long[:2]
        del waiting[:1], long[:2]
    items[:] = [item for unit in order + quick for item in units[unit]]


def fail_if_the_group_was_lost(item) -> None:
    """Under ``--dist loadgroup`` a grouped test's id ends in ``@group``: pytest-xdist's only
    way to tell its scheduler. Some pytest releases drop it (pytest-xdist issue 1386, pytest
    9.2.0), and then every worker would build every module fixture again: fail instead."""
    if (getattr(item.config.option, "loadgroup", False) and "@" not in item.nodeid
            and item.get_closest_marker("xdist_group")):
        pytest.fail("pytest-xdist lost this test's group: install the pytest and pytest-xdist "
                    "of requirements-dev.txt, or run serially (-n 0)", pytrace=False)
