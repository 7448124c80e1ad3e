"""The package's folders are its boundaries (``autograder/README.md``).

What a release ships, ``autograder/__init__.py``, ``__main__.py`` and the ``learner/`` folder,
imports nothing of the instructor's side or the authoring tools: every import of every file is
read with :mod:`ast` (top-level, lazy ones inside functions, relative ones, and
``importlib.import_module``/``__import__`` of a literal name), so a release can never need a
module it does not have.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from autograder.instructor import course

from .conftest import ROOT

PACKAGE = ROOT / "autograder"
FORBIDDEN = ("autograder.instructor", "autograder.authoring")


def shipped_files() -> list[Path]:
    """The Python files a release's ``autograder/`` holds (from the release's own lists)."""
    files = [PACKAGE / name for name in course.CHECKER_FILES]
    files += sorted(p for p in (PACKAGE / course.LEARNER_DIR).rglob("*.py")
                    if "__pycache__" not in p.parts)
    return files


def _module_name(path: Path) -> tuple[str, bool]:
    """``("autograder.learner.check", False)``; a package's ``__init__`` is the package."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts), is_package


def imported_modules(source: str, module: str, is_package: bool = False) -> list[tuple[int, str]]:
    """``[(line, absolute module name), ...]`` for every import in ``source``, the module
    ``module`` (a package when ``is_package``): relative ones resolved, ``from X import a``
    giving both ``X`` and ``X.a`` (``a`` may be a module), lazy imports included."""
    package = module if is_package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.append((node.lineno, name))
            found += [(node.lineno, f"{name}.{alias.name}") for alias in node.names]
        elif (isinstance(node, ast.Call) and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
              and ((isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                   or (isinstance(node.func, ast.Name) and node.func.id == "__import__"))):
            found.append((node.lineno, node.args[0].value))
    return found


def forbidden_imports(path: Path, source: str | None = None) -> list[str]:
    module, is_package = _module_name(path)
    text = path.read_text(encoding="utf-8") if source is None else source
    return [f"{path.relative_to(ROOT)}:{line} imports {name}"
            for line, name in imported_modules(text, module, is_package)
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)]


def test_the_release_ships_the_learner_folder_and_the_front_door():
    files = shipped_files()
    assert PACKAGE / "__main__.py" in files and PACKAGE / "learner" / "check.py" in files
    assert PACKAGE / "learner" / "sandbox_child.py" in files
    assert not [p for p in files if {"instructor", "authoring", "exercises"} & set(p.parts)]


def test_nothing_a_release_ships_imports_the_instructor_or_authoring_side():
    found = [hit for path in shipped_files() for hit in forbidden_imports(path)]
    assert not found, ("a release would need modules it does not have (move the code to "
                       "learner/, or reach it as __main__ does):\n" + "\n".join(found))


@pytest.mark.parametrize("line", [
    "from ..instructor import jail",
    "from ..instructor.grading import grade",
    "from .. import instructor",
    "from autograder.authoring.sync import sync",
    "import autograder.instructor.jail",
    "import autograder.authoring",
    "importlib.import_module('autograder.instructor.gradescope')",
    "__import__('autograder.authoring.stubs')",
])
def test_an_added_import_of_the_other_sides_is_found(line):
    """Each form, at the top and lazily inside a function of a learner module."""
    path = PACKAGE / "learner" / "check.py"
    source = path.read_text(encoding="utf-8")
    assert forbidden_imports(path, source + f"\n{line}\n")
    lazy = source + f"\n\ndef later():\n    if True:\n        {line}\n"
    assert forbidden_imports(path, lazy)


def test_relative_imports_resolve_from_the_package_of_the_file():
    assert imported_modules("from . import hints\nfrom ..authoring import stubs\n",
                            "autograder.learner.check") == [
        (1, "autograder.learner"), (1, "autograder.learner.hints"),
        (2, "autograder.authoring"), (2, "autograder.authoring.stubs")]
    assert imported_modules("from .learner.check import check\n", "autograder", True) == [
        (1, "autograder.learner.check"), (1, "autograder.learner.check.check")]
    assert not forbidden_imports(PACKAGE / "learner" / "check.py",
                                 "from .instructor_notes import x\nimport autograder.instructors\n")


def test_every_command_the_front_door_names_by_module_exists():
    """``__main__`` reaches the instructor's and author's commands by a module name (absent
    from a release): each name it gives is a module of the repository."""
    import importlib

    tree = ast.parse((PACKAGE / "__main__.py").read_text(encoding="utf-8"))
    named = sorted({node.args[0].value for node in ast.walk(tree)
                    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "_instructor_module"
                    and isinstance(node.args[0], ast.Constant)})
    assert "instructor.grading" in named and "authoring.sync" in named
    for name in named:
        importlib.import_module(f"autograder.{name}")


def test_the_translate_command_runs(capsys):
    from autograder.__main__ import main

    assert main(["translate", "check"]) in (0, 1)   # 1: a translation is out of date
    assert capsys.readouterr().out.strip()
