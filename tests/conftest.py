"""Shared fixtures: learner packages made from the reference, the stubs, or a mistake."""
from __future__ import annotations

import functools
import inspect
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
HELPERS = ROOT / "helpers"


def make_helpers(dest: Path, source: Path = SOLUTIONS) -> Path:
    """A ``helpers/`` package at ``dest/helpers`` with the modules of ``source``.

    With the default source this is "the reference modules copied over the learner's", the
    full-marks submission of the README.
    """
    pkg = dest / "helpers"
    pkg.mkdir(parents=True, exist_ok=True)
    for f in source.glob("*.py"):
        if f.name != "__init__.py":
            shutil.copyfile(f, pkg / f.name)
    shutil.copyfile(HELPERS / "__init__.py", pkg / "__init__.py")
    return pkg


def plant_mistake(pkg: Path, module: str, name: str, implementation) -> None:
    """Replace ``name`` in ``pkg/<module>.py`` by a known-mistake implementation.

    ``implementation`` is a function or class, or a ``functools.partial`` of one with keyword
    arguments (one implementation of several mistakes, chosen by a keyword).
    """
    target, bind = implementation, ""
    if isinstance(implementation, functools.partial):
        assert not implementation.args, "bind keyword arguments only"
        target = implementation.func
        bind = "".join(f", {k}={v!r}" for k, v in implementation.keywords.items())
    src = inspect.getsource(target)
    alias = (f"__import__('functools').partial({target.__name__}{bind})" if bind
             else target.__name__)
    path = pkg / f"{module}.py"
    path.write_text(path.read_text() + f"\n\n{src}\n{name} = {alias}\n")


@pytest.fixture(scope="session")
def reference_helpers(tmp_path_factory) -> Path:
    return make_helpers(tmp_path_factory.mktemp("reference"))


@pytest.fixture(scope="session")
def stub_helpers() -> Path:
    return HELPERS
