"""Shared fixtures: learner packages made from the reference, the stubs, or a mistake."""
from __future__ import annotations

import ast
import functools
import inspect
import shutil
import sys
import textwrap
from pathlib import Path

import pytest

from autograder.learner.sprints import sprint_notebooks

from . import parallel

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
HELPERS = ROOT / "helpers"
NOTEBOOKS = sprint_notebooks(ROOT / "notebooks")   # the sprint notebooks, in course order


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


@functools.cache
def plain_source(obj) -> str:
    """``obj``'s source, dedented, without its decorator lines (a class made by
    :func:`autograder.exercises.rewritten` keeps its own). Read once per object: finding a
    class's source parses its whole module."""
    if "rewritten_source" in getattr(obj, "__dict__", {}):
        return obj.rewritten_source
    src = textwrap.dedent(inspect.getsource(obj))
    node = ast.parse(src).body[0]
    return "\n".join(src.splitlines()[node.lineno - 1:]) + "\n"


#: where the code a pasted implementation may use is declared, besides the reference
DECLARING_MODULES = ("autograder.exercises.", "tests.")


def private_helpers(target) -> list:
    """The functions and classes of the declaring modules (the exercises files, the corpus)
    that ``target`` uses (a base class, a shared step), transitively, each after what it
    uses: what a learner's module needs besides the reference for ``target`` to run there."""
    seen, order = {target.__name__}, []

    def visit(obj):
        names = vars(sys.modules[obj.__module__])
        tree = ast.parse(plain_source(obj))
        for name in sorted({n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}):
            dep = names.get(name)
            if (name not in seen and (inspect.isfunction(dep) or inspect.isclass(dep))
                    and dep.__module__.startswith(DECLARING_MODULES)):
                seen.add(name)
                visit(dep)
                order.append(dep)

    visit(target)
    return order


def pasted_source(target) -> str:
    """What a learner's module must hold for ``target`` to run there: the source of what it
    uses from its own module, then its own (decorators left out)."""
    return "\n\n".join(plain_source(obj) for obj in [*private_helpers(target), target])


def plant_mistake(pkg: Path, module: str, name: str, implementation) -> None:
    """Replace ``name`` in ``pkg/<module>.py`` by a known-mistake implementation.

    ``implementation`` is a function or class, or a ``functools.partial`` of one with keyword
    arguments (one implementation of several mistakes, chosen by a keyword). A base class or
    step of the declaring module that it uses is planted with it.
    """
    target, bind = implementation, ""
    if isinstance(implementation, functools.partial):
        assert not implementation.args, "bind keyword arguments only"
        target = implementation.func
        bind = "".join(f", {k}={v!r}" for k, v in implementation.keywords.items())
    src = pasted_source(target)
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


# --------------------------------------------------------------------------- the quick selection
#: Tests marked ``slow`` here, besides those marked in their files (notebooks, real nbgrader):
#: ``./course test -m "not slow"`` leaves them out for a fast inner loop, ``./course test``
#: runs everything. One entry per test function (all its parameters) or per file, with why.
SLOW_TESTS = {
    # one jailed check (a new sandboxed process) per known mistake: 236 cases
    "tests/test_exercises.py::test_each_hint_fires_on_the_mistake_it_names":
        "a jailed check per known mistake",
    # two jailed checks per exercise (68 each); the reference's pass of every public and
    # hidden case and the untouched stubs (one jailed check per sprint) stay quick
    "tests/test_exercises.py::test_a_hard_coded_answer_to_the_worked_examples_fails":
        "two jailed checks per exercise",
    # grades the whole accuracy corpus (every alternative answer and mistake) once per session,
    # whichever of its tests is selected; the check that the corpus is complete stays quick
    "tests/test_corpus.py::test_a_correct_implementation_gets_full_marks":
        "grades the whole corpus",
    "tests/test_corpus.py::test_a_mistake_loses_points_with_its_hint": "grades the whole corpus",
    "tests/test_corpus.py::test_a_mistake_no_output_reveals_gets_full_marks_and_is_documented":
        "grades the whole corpus",
    # `check --hidden` grades public and hidden cases in child processes; its refusal in a
    # learner release stays in the quick selection
    "tests/test_check_hidden.py::test_the_reference_passes_every_public_and_hidden_case":
        "check --hidden three times",
    "tests/test_check_hidden.py::"
    "test_a_mistake_only_hidden_cases_reveal_fails_with_hidden_and_passes_without":
        "check and check --hidden",
    "tests/test_check_hidden.py::test_the_salt_changes_the_hidden_cases": "check --hidden",
    # the speed benchmark's smoke run: worker processes, PyTorch imported twice
    "tests/test_benchmarks.py::test_quick_run_writes_a_well_formed_table":
        "runs the benchmark",
    # builds a learner release of every sprint
    "tests/test_release.py::test_every_sprint_with_a_notebook_is_released":
        "a release of every sprint",
    # render slides with nbconvert, every sprint
    "tests/test_slides.py::test_the_command_renders_into_a_folder": "renders every sprint",
    "tests/test_slides.py::test_slides_render_with_every_part_and_problem":
        "renders every sprint",
    # trains a network for the notebook's number of steps
    "tests/test_sprint7_conv1d.py::test_the_network_learns_the_signals_with_the_notebook_settings":
        "trains a network",
    # the release of every sprint that these tests read (a module fixture: all of them, or it
    # is built anyway)
    "tests/test_release.py::test_release_holds_the_stub_package_and_the_learner_checker":
        "a release of every sprint",
    "tests/test_release.py::test_release_has_no_reference_solutions_or_hidden_material":
        "a release of every sprint",
    "tests/test_release.py::test_stored_cases_are_exactly_the_public_ones":
        "a release of every sprint",
    "tests/test_release.py::test_check_runs_inside_a_release_folder": "a release of every sprint",
    # the slides of every sprint, rendered once for these tests (a module fixture)
    "tests/test_slides.py::test_slides_show_no_solution_code_no_check_and_no_hidden_case":
        "renders every sprint",
    "tests/test_slides.py::"
    "test_a_deck_loads_nothing_from_the_network_and_everything_it_loads_is_beside_it":
        "renders every sprint",
    "tests/test_slides.py::test_the_assets_hold_what_mathjax_and_the_theme_load":
        "renders every sprint",
    "tests/test_slides.py::test_rise_is_installed_and_enabled_in_jupyterlab":
        "asks JupyterLab for its extensions (two jupyter commands)",
    # the mutation tool: every mutant of the course generated, and a run on three of them
    "tests/test_mutation_tool.py::test_the_equivalent_baseline_names_real_mutants_with_reasons":
        "generates every mutant",
    "tests/test_mutation_tool.py::test_three_mutants_end_to_end": "runs the mutation tool",
    # ... a sample drawn from every mutant of the course, and a pytest child left to stall
    "tests/test_mutation_tool.py::test_a_sample_is_seeded_sized_and_drawn_from_every_file_in_proportion":
        "generates every mutant of the course",
    "tests/test_mutation_tool.py::test_a_deadlocked_pytest_child_is_stopped_early_with_its_stack":
        "waits for a stalled pytest child",
    # the pack command twice in a learner release (two new processes, every check)
    "tests/test_pack.py::test_the_command_in_a_learner_release": "the pack command twice",
}


#: Test files whose tests mostly wait, and what for: they are one group, which one pytest-xdist
#: worker runs from the start, one test after another, while the others compute
#: (:mod:`tests.parallel`). (A file is listed when its tests' wall time is at least twice their
#: CPU time.)
WAITING_TESTS = {
    "tests/test_grading_hostile.py": "kernels in the jail, time limits running out",
    "tests/test_browser.py": "a browser loading JupyterLab",
    "tests/test_slides_browser.py": "a browser presenting the slides",
    "tests/test_ja_grading_e2e.py": "nbgrader's steps, kernels in the jail",
    "tests/test_gradescope.py": "time limits running out",
    "tests/test_grading_db.py": "a PostgreSQL server starting",
}


@pytest.hookimpl(tryfirst=True)   # before pytest-xdist reads the xdist_group marks
def pytest_collection_modifyitems(config, items):
    """Mark :data:`SLOW_TESTS` slow; an entry naming a function its collected test file does not
    define is an error (the list must not silently go stale when a test is renamed).

    With several workers (``./course test``: pytest-xdist, ``--dist loadgroup``), the tests
    that share a fixture of their module run on one worker, and the slow tests and the groups
    are handed out before the quick tests, those that mostly wait (:data:`WAITING_TESTS`) as
    one group, first (:mod:`tests.parallel`).
    """
    modules = {}
    for item in items:
        path, _, rest = item.nodeid.partition("::")
        modules.setdefault(path, getattr(item, "module", None))
        if path in SLOW_TESTS or f"{path}::{rest.split('[')[0]}" in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)
        if path in WAITING_TESTS:
            item.add_marker(pytest.mark.waits)
    parallel.group_tests_sharing_a_module_fixture(items)
    if hasattr(config, "workerinput"):   # a pytest-xdist worker: the order to hand them out
        parallel.hand_out_order(items)
    stale = [entry for entry in SLOW_TESTS if "::" in entry
             and entry.split("::")[0] in modules
             and not hasattr(modules[entry.split("::")[0]], entry.split("::")[1])]
    if stale:
        raise pytest.UsageError(f"tests/conftest.py SLOW_TESTS names no test: {stale}")


def pytest_runtest_setup(item):
    parallel.fail_if_the_group_was_lost(item)


# the fixtures of tests/support.py, for every test (imported last: support imports ROOT)
from .support import lang, torch  # noqa: E402, F401
