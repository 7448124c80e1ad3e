"""The suite on several cores: which tests pytest-xdist must keep on one worker.

``./course test`` runs pytest with one worker per core (``-n auto --dist loadgroup``). A
fixture with a scope wider than one test (a release, a graded class, a PostgreSQL server) is
built once per worker that runs a test using it: the tests sharing one of their module's own
fixtures get one ``xdist_group`` (their module's name), so one worker runs them all and builds
it once, as a serial run does. Every other test goes to whichever worker is free.

``tests/conftest.py`` calls these two functions from its hooks; this module imports only
pytest, so a small suite can use them too (``tests/test_parallel_run.py``).
"""
from __future__ import annotations

from pathlib import Path

import pytest


def shares_a_module_fixture(item) -> bool:
    """``item`` uses a fixture its own test module defines with a scope wider than a test."""
    info = getattr(item, "_fixtureinfo", None)
    module = item.nodeid.partition("::")[0]
    return info is not None and any(
        d.scope != "function" and d.baseid == module
        for defs in info.name2fixturedefs.values() for d in defs)


def group_tests_sharing_a_module_fixture(items) -> None:
    """Give those tests their module's group (call before pytest-xdist reads the marks)."""
    for item in items:
        if shares_a_module_fixture(item):
            item.add_marker(pytest.mark.xdist_group(Path(item.nodeid.partition("::")[0]).stem))


def fail_if_the_group_was_lost(item) -> None:
    """Under ``--dist loadgroup`` a grouped test's id ends in ``@group``: pytest-xdist's only
    way to tell its scheduler. Some pytest releases drop it (pytest-xdist issue 1386, pytest
    9.2.0), and then every worker would build every module fixture again: fail instead."""
    if (getattr(item.config.option, "loadgroup", False) and "@" not in item.nodeid
            and item.get_closest_marker("xdist_group")):
        pytest.fail("pytest-xdist lost this test's group: install the pytest and pytest-xdist "
                    "of requirements-dev.txt, or run serially (-n 0)", pytrace=False)
