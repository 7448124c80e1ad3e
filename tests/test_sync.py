"""``python -m autograder sync``: everything derived from the registry and the reference is
committed as sync writes it, sync repairs each generated part, and leaves the prose alone."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import nbformat
import pytest

from autograder.authoring import facilitator, sync
from autograder.learner.registry import Exercise, live_exercises

from .conftest import ROOT

SPRINT1 = "notebooks/sprint1_perceptron.ipynb"


def test_the_committed_course_is_in_sync():
    report = sync.sync(check=True)
    assert report.clean, ("run `python -m autograder sync` and commit, or fix by hand:\n"
                          + "\n".join(map(str, report.changes + report.problems)))


@pytest.fixture
def scratch(tmp_path):
    """A copy of the files sync reads and writes."""
    for name in ("solutions", "helpers", "notebooks", "docs/facilitator"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _check_cell(path, ex_id):
    return next(c for c in _cells(path) if "".join(c["source"]) == f'check("{ex_id}")')


def test_sync_repairs_every_generated_part_and_nothing_else(scratch):
    nb_path = scratch / SPRINT1
    original = nb_path.read_bytes()
    guide = scratch / "docs/facilitator/sprint4.md"
    guide_text = guide.read_text(encoding="utf-8")

    nb = json.loads(original)
    check = next(c for c in nb["cells"] if "".join(c["source"]) == 'check("sprint1.and_gate")')
    check["metadata"]["nbgrader"]["points"] = 7
    check["metadata"]["nbgrader"]["grade_id"] = "and"
    del nb["cells"][3]["metadata"]["slideshow"]
    nb_path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (scratch / "helpers/perceptron.py").write_text("# an edited stub\n")
    guide.write_text(guide_text.replace(facilitator.END, "| a stale row |\n" + facilitator.END),
                     encoding="utf-8")

    report = sync.sync(scratch, check=True)
    said = "\n".join(map(str, report.changes))
    assert "check cell of sprint1.and_gate" in said
    assert "slide types of 1 cell(s)" in said
    assert "perceptron.py" in said
    assert "sprint4" in said and "out of date" in said
    assert not report.problems
    assert nb_path.read_bytes() != original, "--check writes nothing"

    sync.sync(scratch)
    assert nb_path.read_bytes() == original
    assert guide.read_text(encoding="utf-8") == guide_text
    stub = "helpers/perceptron.py"
    assert (scratch / stub).read_text() == (ROOT / stub).read_text()
    assert sync.sync(scratch, check=True).clean


def test_a_missing_check_cell_goes_under_its_problem_with_the_registry_metadata(scratch):
    nb_path = scratch / SPRINT1
    nb = nbformat.read(nb_path, as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if c.source == 'check("sprint1.or_gate")')
    del nb.cells[at]
    nbformat.write(nb, nb_path)

    report = sync.sync(scratch, check=True)
    assert [f.message for f in report.changes] == [
        "a check cell for sprint1.or_gate under 【問題5】", "slide types of 1 cell(s)"]
    sync.sync(scratch)
    cells = nbformat.read(nb_path, as_version=4).cells
    assert cells[at - 1].source.startswith("## 【問題5】")
    new = cells[at]
    assert new.source == 'check("sprint1.or_gate")'
    points = next(e.points for e in live_exercises() if e.id == "sprint1.or_gate")
    assert dict(new.metadata.nbgrader) == {
        "grade": True, "grade_id": "sprint1-or_gate", "locked": True, "points": points,
        "schema_version": 3, "solution": False, "task": False}
    assert new.metadata.slideshow.slide_type == "skip"
    assert sync.sync(scratch, check=True).clean


def _exercise(ex_id, title, module="perceptron"):
    return Exercise(id=ex_id, points=2, module=module, name="f", title=title)


def _notebook(*cells):
    return nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell(c) if c.startswith("#") else nbformat.v4.new_code_cell(c)
        for c in cells])


def test_problem_numbers_follow_the_order_of_the_declarations():
    nb = _notebook("## 【問題1】 A — `helpers/perceptron.py: a`", 'check("s.a")',
                   "## 【問題2】 B — `helpers/perceptron.py: b`", 'check("s.b")')
    a, b = _exercise("s.a", "Problem 1: a"), _exercise("s.b", "b, unnumbered")
    changes, problems = sync.sync_check_cells(nb, "s", [a, b])
    assert problems == [] and len(changes) == 2  # the bare check cells get their metadata

    changes, problems = sync.sync_check_cells(nb, "s", [b, a])
    assert not any("s.b is problem" in p for p in problems), "an unnumbered title is fine"
    assert ("s.a is problem 2 of s in the order of autograder/exercises/s.py, but its title "
            "there says 'Problem 1: a'") in problems
    assert "under 【問題1】 is the check cell of s.a, but problem 1 of s" in "\n".join(problems)


def test_what_only_an_author_can_fix_is_a_problem_and_nothing_is_deleted():
    nb = _notebook("## 【問題1】 A — `helpers/layers.py: a`", 'check("s.a")', 'check("s.gone")')
    changes, problems = sync.sync_check_cells(
        nb, "s", [_exercise("s.a", "a"), _exercise("s.b", "b")])
    text = "\n".join(problems)
    assert "a check cell for s.gone, which s does not declare" in text
    assert "no heading 【問題2】 for s.b" in text
    assert "does not name helpers/perceptron.py" in text
    assert len(nb.cells) == 3


def test_the_command_and_its_alias():
    for command in ("sync", "stubs"):
        run = subprocess.run([sys.executable, "-m", "autograder", command, "--check"],
                             cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        assert "matches" in run.stdout


def test_a_finding_shows_its_path_from_the_root_or_whole_outside_it(tmp_path):
    from autograder.authoring.guide_translation import OutOfDate

    inside = ROOT / "docs" / "facilitator" / "ja" / "sprint0.md"
    assert str(sync.Finding(inside, "stale")) == "docs/facilitator/ja/sprint0.md: stale"
    assert str(sync.Finding(tmp_path / "x", "stale")) == f"{tmp_path / 'x'}: stale"
    assert str(OutOfDate(inside)) == \
        "docs/facilitator/ja/sprint0.md: out of date (python -m autograder translate build)"


def test_check_exits_1_when_something_is_stale(tmp_path, monkeypatch):
    stale = sync.Report(changes=[sync.Finding(tmp_path / "x", "stale")])
    monkeypatch.setattr(sync, "sync", lambda check=False: stale)
    from autograder.__main__ import main

    assert main(["sync", "--check"]) == 1
    assert main(["sync"]) == 0
    stale.problems.append(sync.Finding(tmp_path / "y", "needs an author"))
    assert main(["sync"]) == 1



def test_the_sample_check_output_is_written_from_the_checker(scratch):
    path = scratch / "notebooks/sprint0_start_here.ipynb"
    original = path.read_text(encoding="utf-8")
    assert original.count("Problem 1: a vector as a column  [") == 1  # in the sample only
    path.write_text(original.replace("Problem 1: a vector as a column  [", "Problem 9: stale  ["),
                    encoding="utf-8")
    report = sync.sync(scratch, check=True)
    assert [f.message for f in report.changes] == ["the sample check output"]
    sync.sync(scratch)
    assert path.read_text(encoding="utf-8") == original
