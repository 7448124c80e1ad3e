"""helpers/ is generated from solutions/ and must stay in step with it."""
from __future__ import annotations

import ast
import doctest
import importlib

import pytest

from autograder.authoring import stubs

from .conftest import HELPERS, ROOT, SOLUTIONS


def test_committed_helpers_match_the_generator():
    assert stubs.differences() == [], (
        "helpers/ differs from solutions/: run `python -m autograder stubs` and commit")


def test_differences_notices_an_edit_and_an_extra_file(tmp_path):
    stubs.write_helpers(tmp_path)
    assert stubs.differences(tmp_path) == []
    victim = sorted(p for p in tmp_path.glob("*.py") if p.name != "__init__.py")[0]
    victim.write_text(victim.read_text() + "\n# edited\n")
    (tmp_path / "stray.py").write_text("")
    assert stubs.differences(tmp_path) == sorted([victim.name, "stray.py"])


def test_regions_become_stubs_with_the_enclosing_name_and_indentation():
    src = ("class Layer:\n    def forward(self, x):\n        \"\"\"Doc.\"\"\"\n"
           "        ### BEGIN SOLUTION\n        return x\n        ### END SOLUTION\n")
    out = stubs.strip_solutions(src)
    assert "return x" not in out
    assert '        raise NotImplementedError("Layer.forward: not implemented yet")\n' in out
    ast.parse(out)


@pytest.mark.parametrize("src,err", [
    ("### BEGIN SOLUTION\nx = 1\n", "never closed"),
    ("### END SOLUTION\n", "without"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n", "inside another"),
])
def test_broken_markers_are_errors_with_a_line_number(src, err):
    with pytest.raises(stubs.MarkerError, match=err):
        stubs.strip_solutions(src, "m.py")


def test_no_solution_line_survives_in_helpers():
    for src in SOLUTIONS.glob("*.py"):
        text = src.read_text()
        if stubs.BEGIN not in text:
            continue
        stub_lines = set((HELPERS / src.name).read_text().splitlines())
        inside, solution, given = False, [], set()
        for line in text.splitlines():
            if line.strip() == stubs.BEGIN:
                inside = True
            elif line.strip() == stubs.END:
                inside = False
            elif inside:
                solution.append(line)
            else:
                given.add(line)
        for line in solution:
            # a line the module also gives the learner outside every region is not a leak
            if len(line.strip()) > 12 and line not in given:
                assert line not in stub_lines, f"{src.name}: {line.strip()!r} leaked"


def test_provided_modules_are_copied_whole():
    for src in SOLUTIONS.glob("*.py"):
        if src.name != "__init__.py" and stubs.BEGIN not in src.read_text():
            assert (HELPERS / src.name).read_text() == src.read_text()


SOLUTION_MODULES = sorted(p.stem for p in SOLUTIONS.glob("*.py") if p.name != "__init__.py")


@pytest.mark.parametrize("name", SOLUTION_MODULES)
def test_docstring_examples_of_the_reference_are_true(name):
    module = importlib.import_module(f"solutions.{name}")
    failures, tried = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE,
                                      extraglobs={"np": importlib.import_module("numpy")})
    assert failures == 0


@pytest.mark.parametrize("name", SOLUTION_MODULES)
def test_every_public_function_and_class_has_a_docstring(name):
    tree = ast.parse((ROOT / "solutions" / f"{name}.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
            assert ast.get_docstring(node), f"solutions/{name}.py: {node.name} has no docstring"
