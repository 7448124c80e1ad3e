"""Sprint notebooks: their structure agrees with the registry, and they run against the reference.

Execution uses nbclient on a copy of the course in which ``helpers/`` holds the reference
modules, with ``AUTOGRADER_STRICT=1`` (a failing check cell fails) and ``COURSE_QUICK=1``
(long training cells run short), offline, with matplotlib's inline backend as in JupyterLab.
"""
from __future__ import annotations

import os
import re
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.registry import live_exercises

from .conftest import ROOT, make_helpers

NOTEBOOKS = sorted((ROOT / "notebooks").glob("sprint*_*.ipynb"))
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
    have = {p.name.split("_", 1)[0] for p in NOTEBOOKS}
    assert sprints <= have, f"sprints without a notebook: {sorted(sprints - have)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_valid_and_committed_without_outputs(path):
    nb = _read(path)
    nbformat.validate(nb)
    for c in nb.cells:
        if c.cell_type == "code":
            assert not c.outputs and c.execution_count is None, "strip the outputs before committing"


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


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom_against_the_reference(path, tmp_path):
    make_helpers(tmp_path)
    for name in ("autograder", "solutions", "data"):
        if (ROOT / name).exists():
            (tmp_path / name).symlink_to(ROOT / name)
    (tmp_path / "notebooks").mkdir()
    nb_path = tmp_path / "notebooks" / path.name
    shutil.copyfile(path, nb_path)
    nb = _read(nb_path)
    # The kernel gets the learner's environment: no MPLBACKEND, so plots render inline as in
    # JupyterLab (the test runner itself may use Agg).
    env = {"AUTOGRADER_STRICT": "1", "COURSE_QUICK": "1", "MPLBACKEND": None}
    old = {k: os.environ.get(k) for k in env}
    for k, v in env.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    try:
        NotebookClient(nb, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(nb_path.parent)}}).execute()
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    images = sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code"
                 for o in c.outputs)
    assert images >= 1, "the notebook promises plots of the learner's results"
    outputs = "\n".join(o.get("text", "") for c in _check_cells(nb) for o in c.outputs)
    assert "FAIL" not in outputs and "TODO" not in outputs and "PASS" in outputs
