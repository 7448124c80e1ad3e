"""Sprint notebooks: their structure agrees with the registry, and they run against the reference.

Execution uses nbclient on a copy of the course in which ``helpers/`` holds the reference
modules, with ``AUTOGRADER_STRICT=1`` (a failing check cell fails) and ``COURSE_QUICK=1``
(long training cells run short), offline, with matplotlib's inline backend as in JupyterLab.
A second run uses the untouched stubs, as "Run All" on a fresh release does: every cell that
runs learner code is guarded by ``needs(...)``, so no cell may show an error.
"""
from __future__ import annotations

import ast
import os
import re

import nbformat
import pytest

from autograder.authoring import stubs
from autograder.learner.registry import live_exercises
from autograder.learner.sprints import notebook_sprint

from .conftest import HELPERS, NOTEBOOKS, ROOT, SOLUTIONS
from .support import execute_notebook, missing_glyphs

EXERCISES = live_exercises()


def _read(path):
    return nbformat.read(path, as_version=4)


def _check_cells(nb):
    return [c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade")
            and c.cell_type == "code"]


def _setup_cell_from_the_authoring_guide() -> str:
    text = (ROOT / "docs" / "authoring.md").read_text()
    block = text.split("  ```python\n  # Setup:", 1)[1].split("  ```", 1)[0]
    return "\n".join(line[2:] for line in ("  # Setup:" + block).splitlines()).strip()


def test_there_is_a_notebook_for_every_sprint_with_exercises():
    sprints = {e.sprint for e in EXERCISES}
    have = {notebook_sprint(p) for p in NOTEBOOKS}
    assert sprints <= have, f"sprints without a notebook: {sorted(sprints - have)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_valid_and_committed_without_outputs(path):
    nb = _read(path)
    nbformat.validate(nb)
    for c in nb.cells:
        if c.cell_type == "code":
            assert not c.outputs and c.execution_count is None, (
                "strip the outputs before committing")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_check_cells_match_the_registry_one_to_one(path):
    sprint = path.name.split("_", 1)[0]
    nb = _read(path)
    cells = _check_cells(nb)
    found = {}
    for c in cells:
        meta = c.metadata["nbgrader"]
        m = re.fullmatch(r'check\("([\w.]+)"\)', c.source.strip())
        assert m, f"a graded code cell must be exactly check(\"id\"), got {c.source!r}"
        ex_id = m.group(1)
        assert meta["grade_id"] == ex_id.replace(".", "-")
        assert meta.get("locked") is True and meta.get("solution") is False
        assert ex_id not in found, f"two check cells for {ex_id}"
        found[ex_id] = meta["points"]
    want = {e.id: e.points for e in EXERCISES if e.sprint == sprint}
    assert found == want


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_follows_the_sprint_format(path):
    nb = _read(path)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "今回のモチベーション" in text, "a motivation section"
    assert "【問題1】" in text, "numbered problems"
    assert "今日のDiver" in text, "a closing challenge"
    manual = [c for c in nb.cells if c.cell_type == "markdown"
              and c.get("metadata", {}).get("nbgrader", {}).get("solution")]
    assert manual, "at least one discussion question (a manually graded answer cell)"
    for c in manual:
        assert c.metadata["nbgrader"]["grade"] is True and c.metadata["nbgrader"]["points"] > 0
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert first_code.source.strip() == _setup_cell_from_the_authoring_guide()


def _errors(nb) -> list:
    return [(i, o.ename, o.evalue[:200]) for i, c in enumerate(nb.cells) if c.cell_type == "code"
            for o in c.outputs if o.output_type == "error"]


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom_against_the_reference(path, tmp_path):
    nb = execute_notebook(path, tmp_path, ROOT / "solutions", {"AUTOGRADER_STRICT": "1"})
    assert not _errors(nb), _errors(nb)
    assert not missing_glyphs(nb), missing_glyphs(nb)   # a label drawn as empty boxes
    images = sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code"
                 for o in c.outputs)
    assert images >= 1, "the notebook promises plots of the learner's results"
    outputs = "\n".join(o.get("text", "") for c in _check_cells(nb) for o in c.outputs)
    assert "FAIL" not in outputs and "TODO" not in outputs and "PASS" in outputs
    skipped = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
               for o in c.outputs if "Skipped:" in o.get("text", "")]
    assert not skipped, f"cells skipped although every problem is solved: {skipped}"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_run_all_on_the_untouched_stubs_ends_without_a_single_error(path, tmp_path):
    """A new learner's "Run All": every check says TODO, every experiment says what to finish."""
    nb = execute_notebook(path, tmp_path, HELPERS, {"AUTOGRADER_STRICT": None})
    assert not _errors(nb), _errors(nb)
    guarded = [c for c in nb.cells if c.cell_type == "code" and _needs_of(c.source)]
    assert guarded, "no experiment cell guards itself with needs(...)"
    for c in guarded:
        text = "".join(o.get("text", "") for o in c.outputs)
        assert "Skipped:" in text and "Traceback" not in text, c.source[:80]


# --------------------------------------------------------------------------- needs(...) guards
_NEEDS = re.compile(r"^(?:[%#].*\n)*if needs\(([^)]*)\):", re.M)


def _needs_of(source: str) -> set:
    m = _NEEDS.match(source)
    return set(re.findall(r'"([\w.]+)"', m.group(1))) if m else set()


def _python(source: str) -> ast.Module:
    from IPython.core.inputtransformer2 import TransformerManager

    return ast.parse(TransformerManager().transform_cell(source))


def _bound_and_used(tree) -> tuple:
    bound, used = set(), set()
    for n in ast.walk(tree):
        if isinstance(n, ast.Name):
            (bound if isinstance(n.ctx, ast.Store) else used).add(n.id)
        elif isinstance(n, (ast.FunctionDef, ast.ClassDef)):
            bound.add(n.name)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in n.names)
        elif isinstance(n, ast.arg):
            bound.add(n.arg)
    return bound, used


def _has_fallback(source: str) -> bool:
    """A try/except around what the cell tries, or done(...) choosing what runs."""
    return ("except NotImplementedError" in source or "except Exception" in source
            or re.search(r"\bdone\(", source) is not None)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_cell_using_a_name_from_a_guarded_cell_needs_at_least_the_same(path):
    """No NameError cascade: when a guarded cell is skipped, so is every cell using its names."""
    nb = _read(path)
    known = {e.id for e in EXERCISES}
    defined_under: dict = {}     # name -> the needs of the last cell that bound it
    for i, c in enumerate(nb.cells):
        if c.cell_type != "code":
            continue
        need = _needs_of(c.source)
        assert need <= known, f"cell {i}: unknown exercise ids {sorted(need - known)}"
        bound, used = _bound_and_used(_python(c.source))
        for name in sorted(used - bound):
            missing = defined_under.get(name, set()) - need
            assert not missing, (f"cell {i} uses {name!r}, bound in a cell that needs "
                                 f"{sorted(missing)} too: add them to its needs(...)")
        for name in bound:
            defined_under[name] = need


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_cell_calling_a_graded_helper_is_guarded_or_has_a_fallback(path):
    """A cell that calls ``module.Name`` of a graded exercise needs that exercise."""
    nb = _read(path)
    by_call = {}
    for e in EXERCISES:
        by_call.setdefault(f"{e.module}.{e.name}", set()).add(e.id)
    for i, c in enumerate(nb.cells):
        if c.cell_type != "code" or c in _check_cells(nb) or _has_fallback(c.source):
            continue
        tree = _python(c.source)
        calls = {f"{n.value.id}.{n.attr}" for n in ast.walk(tree)
                 if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)}
        need = _needs_of(c.source)
        for call in sorted(calls & set(by_call)):
            assert by_call[call] & need, f"cell {i} calls {call} without needs({by_call[call]})"


# --------------------------------------------------------------------------- one problem solved
def _helpers_with_one_solved(dest, exercise):
    """A ``helpers/`` source folder of stubs in which only ``exercise`` holds the reference code."""
    dest.mkdir(parents=True)
    for src in SOLUTIONS.glob("*.py"):
        if src.name == "__init__.py":
            continue
        text = src.read_text()
        if src.stem == exercise.module:
            text = _unmark(text, exercise.name)     # its code stays; every other region a stub
        (dest / src.name).write_text(stubs.strip_solutions(text, src.name))
    return dest


def _unmark(text, name):
    """Drop the markers (not the code) of the regions inside ``name``."""
    lines = text.splitlines(keepends=True)
    out, skip_end = [], False
    for i, line in enumerate(lines):
        if line.strip() == stubs.BEGIN:
            where = stubs._enclosing(lines, i, len(line) - len(line.lstrip()))
            if where == name or where.startswith(name + "."):
                skip_end = True
                continue
        elif line.strip() == stubs.END and skip_end:
            skip_end = False
            continue
        out.append(line)
    return "".join(out)


def _changes_alone(path) -> set:
    """The exercises that, solved alone, change which experiment cells of the notebook run:
    those a cell needs on its own, and those a fallback cell asks ``done(...)`` about. (A cell
    that needs two or more exercises stays skipped while only one is solved.)"""
    ids = set()
    for c in _read(path).cells:
        if c.cell_type == "code":
            need = _needs_of(c.source)
            ids |= need if len(need) == 1 else set()
            ids |= set(re.findall(r'done\("([\w.]+)"', c.source))
    return ids


_BY_ID = {e.id: e for e in EXERCISES}
_ONE_SOLVED = [(p, i) for p in NOTEBOOKS for i in sorted(_changes_alone(p))]
_EVERY_SINGLE = os.environ.get("COURSE_EVERY_SINGLE_PROBLEM") == "1"


@pytest.mark.slow
@pytest.mark.parametrize("path,exercise", _ONE_SOLVED,
                         ids=[f"{p.stem}-{i}" for p, i in _ONE_SOLVED])
def test_run_all_with_one_problem_solved_ends_without_an_error(path, exercise, tmp_path):
    """A learner who solved one problem and pressed "Run All": the cells that need only that
    problem run, and nothing they call reaches another problem's stub."""
    source = _helpers_with_one_solved(tmp_path / "source", _BY_ID[exercise])
    nb = execute_notebook(path, tmp_path / "course", source, {"AUTOGRADER_STRICT": None})
    assert not _errors(nb), _errors(nb)
    # Solved alone, an exercise that builds on another (the Perceptron class on step_function)
    # still fails its check: then its cells stay skipped. Either way the check cell decides.
    check_out = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                        and f'check("{exercise}")' in c.source for o in c.outputs)
    passes = "✔ PASS" in check_out
    for c in nb.cells:
        if c.cell_type == "code" and _needs_of(c.source) == {exercise}:
            skipped = any("Skipped:" in o.get("text", "") for o in c.outputs)
            assert skipped != passes, (f"check {'passes' if passes else 'fails'} but the cell "
                                       f"{'was skipped' if skipped else 'ran'}: {c.source[:80]}")


@pytest.mark.slow
@pytest.mark.skipif(not _EVERY_SINGLE, reason="82 notebook runs: COURSE_EVERY_SINGLE_PROBLEM=1")
@pytest.mark.parametrize("exercise", sorted(_BY_ID))
def test_every_single_problem_solved_alone_runs_its_notebook_without_an_error(exercise, tmp_path):
    """The exhaustive version of the test above, for a release: each exercise solved alone."""
    path = next(p for p in NOTEBOOKS if p.stem.split("_")[0] == exercise.split(".")[0])
    source = _helpers_with_one_solved(tmp_path / "source", _BY_ID[exercise])
    nb = execute_notebook(path, tmp_path / "course", source, {"AUTOGRADER_STRICT": None})
    assert not _errors(nb), _errors(nb)


def test_one_problem_solved_means_that_exercise_and_no_other(tmp_path):
    source = _helpers_with_one_solved(tmp_path / "s", _BY_ID["sprint6.dropout"])
    text = (source / "regularization.py").read_text()
    assert "self.mask = self.rng.random(x.shape) >= self.dropout_ratio" in text
    assert stubs.BEGIN not in text
    assert 'raise NotImplementedError("DropConnect.forward: not implemented yet")' in text
    assert (source / "optimizers.py").read_text() == stubs.strip_solutions(
        (SOLUTIONS / "optimizers.py").read_text())


# --------------------------------------------------------------------------- problem order
_HEADING = re.compile(r"^#+ 【問題(\d+)】", re.M)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_problems_are_numbered_in_order_and_each_check_follows_its_heading(path):
    sprint = path.name.split("_", 1)[0]
    nb = _read(path)
    numbers, heading, checked = [], None, []
    for c in nb.cells:
        if c.cell_type == "markdown":
            for m in _HEADING.finditer(c.source):
                numbers.append(int(m.group(1)))
                heading = (int(m.group(1)), c.source[m.start():].splitlines()[0])
        m = re.fullmatch(r'check\("([\w.]+)"\)', c.source.strip())
        if c.cell_type == "code" and m:
            ex = next(e for e in EXERCISES if e.id == m.group(1))
            number = int(re.search(r"Problem (\d+)", ex.title).group(1))
            assert heading and heading[0] == number, (ex.id, ex.title, heading)
            assert f"helpers/{ex.module}.py" in heading[1], (ex.id, heading[1])
            checked.append(ex.id)
    assert numbers == list(range(1, len(numbers) + 1)), f"problem numbers {numbers}"
    assert checked == [e.id for e in EXERCISES if e.sprint == sprint], "check cells out of order"


# --------------------------------------------------------------------------- answer notes
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_discussion_question_has_collapsible_notes_right_under_its_answer(path):
    from autograder.instructor.answer_notes import is_note

    nb = _read(path)
    for i, c in enumerate(nb.cells):
        if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("solution"):
            nxt = nb.cells[i + 1]
            assert is_note(nxt), f"no answer notes under {c.metadata.nbgrader.grade_id}"
            assert nxt.source.startswith("<details>") and "</details>" in nxt.source
            assert "What a good answer mentions" in nxt.source
    notes = [c for c in nb.cells if is_note(c)]
    assert len(notes) == sum(1 for c in nb.cells
                             if c.metadata.get("nbgrader", {}).get("solution"))


def test_a_class_release_leaves_the_answer_notes_out_unless_asked(tmp_path, monkeypatch):
    from autograder.instructor import answer_notes, course

    sprint = course.discover_sprints(["sprint1"])[0]
    monkeypatch.delenv(answer_notes.SWITCH, raising=False)
    dest = course.write_source(tmp_path / "class" / "sprint1", sprint)
    nb = _read(dest / sprint.notebook.name)
    assert not [c for c in nb.cells if answer_notes.is_note(c)]
    assert len(nb.cells) == len(_read(sprint.notebook).cells) - 3
    monkeypatch.setenv(answer_notes.SWITCH, "1")
    dest = course.write_source(tmp_path / "kept" / "sprint1", sprint)
    assert len([c for c in _read(dest / sprint.notebook.name).cells
                if answer_notes.is_note(c)]) == 3
