"""The progress view: a partly solved ``helpers/`` shows done, failing with the hint, and not
started, from results saved by the checks themselves, in a later process too."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from autograder import run_checks
from autograder.exercises import sprint1
from autograder.learner import progress
from autograder.learner.registry import live_exercises

from .conftest import HELPERS, ROOT, SOLUTIONS, plant_mistake

SPRINT0 = [e.id for e in live_exercises() if e.sprint == "sprint0"]
SPRINT1 = [e.id for e in live_exercises() if e.sprint == "sprint1"]
# a sprint 1 exercise with a known mistake, planted into an otherwise solved perceptron.py
# (XOR: no other exercise of the sprint calls it, so only it fails)
WRONG = next(e for e in sprint1.EXERCISES if e.name == "XOR")
SPRINT2_ONE = next(e.id for e in live_exercises() if e.sprint == "sprint2")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course folder where sprint 0 is solved, sprint 1 is solved but for one known mistake,
    one sprint 2 exercise was checked untouched, and nothing else was checked."""
    root = tmp_path_factory.mktemp("learner")
    pkg = root / "helpers"
    shutil.copytree(HELPERS, pkg, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(SOLUTIONS / "warmup.py", pkg / "warmup.py")
    shutil.copyfile(SOLUTIONS / "perceptron.py", pkg / "perceptron.py")
    mistake = WRONG.mistakes[0]
    plant_mistake(pkg, WRONG.module, WRONG.name, mistake.implementation)
    run_checks(["sprint0"], pkg)
    run_checks(["sprint1", SPRINT2_ONE], pkg)
    return root


def _by_id(rows):
    return {r.id: r for r in rows}


def test_checks_save_their_results_beside_helpers(course):
    saved = sorted(p.name for p in (course / ".course_progress").glob("*.json"))
    assert saved == ["sprint0.json", "sprint1.json", "sprint2.json"]
    doc = json.loads((course / ".course_progress" / "sprint1.json").read_text())
    assert doc["exercises"][WRONG.id]["status"] == "failed"


def test_states_of_a_partly_solved_course(course):
    rows = _by_id(progress.rows(course / "helpers"))
    assert {rows[i].state for i in SPRINT0} == {"done"}
    assert rows[WRONG.id].state == "failing"
    assert rows[WRONG.id].hint == WRONG.mistakes[0].hint
    assert rows[WRONG.id].detail.startswith("case ")
    assert {rows[i].state for i in SPRINT1 if i != WRONG.id} == {"done"}
    assert rows[SPRINT2_ONE].state == "not started"  # checked, but still NotImplementedError
    unchecked = [r for r in rows.values() if r.sprint in ("sprint3", "sprint4")]
    assert unchecked and {r.state for r in unchecked} == {"not started"}
    assert not any(r.edited_since for r in rows.values())

    counts = progress.summary(list(rows.values()))
    assert counts["sprint0"] == {"done": len(SPRINT0), "failing": 0, "blocked": 0, "not started": 0,
                                 "total": len(SPRINT0)}
    assert counts["sprint1"]["failing"] == 1 and counts["sprint1"]["done"] == len(SPRINT1) - 1


def test_the_command_shows_the_table_in_a_new_process(course):
    out = subprocess.run([sys.executable, "-m", "autograder", "progress", "--helpers",
                          str(course / "helpers")], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    row0 = next(ln for ln in lines if ln.startswith("sprint0 "))
    assert row0.split()[-3:] == [str(len(SPRINT0)), "0", "0"]
    row1 = next(ln for ln in lines if ln.startswith("sprint1 "))
    assert row1.split()[-3:] == [str(len(SPRINT1) - 1), "1", "0"]
    assert WRONG.id in out.stdout
    assert " ".join(WRONG.mistakes[0].hint.split())[:60] in " ".join(out.stdout.split())


def test_an_edit_after_the_check_is_noticed(course, tmp_path):
    copy = tmp_path / "course"
    shutil.copytree(course, copy)
    warmup = copy / "helpers" / "warmup.py"
    warmup.write_text(warmup.read_text() + "\n# trying something\n")
    rows = _by_id(progress.rows(copy / "helpers"))
    assert all(rows[i].edited_since for i in SPRINT0)
    assert not rows[WRONG.id].edited_since
    assert "(edited since)" in progress.Progress(list(rows.values()), show_all=True).text()


def test_notebook_output_is_an_html_table_with_the_hint(course):
    view = progress.progress(helpers=course / "helpers")
    page = view._repr_html_()
    assert page.startswith("<table") and "sprint4" in page
    import html
    assert html.escape(WRONG.mistakes[0].hint) in page
    assert WRONG.id in repr(view)


def test_a_fresh_course_says_nothing_was_checked(tmp_path):
    pkg = tmp_path / "helpers"
    shutil.copytree(HELPERS, pkg, ignore=shutil.ignore_patterns("__pycache__"))
    view = progress.progress(helpers=pkg)
    assert {r.state for r in view.rows} == {"not started"}
    assert "No check has been run yet" in view.text()


def test_an_unwritable_progress_folder_never_breaks_a_check(tmp_path):
    pkg = tmp_path / "helpers"
    shutil.copytree(HELPERS, pkg, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / ".course_progress").write_text("a file where the folder would go")
    report = run_checks([SPRINT0[0]], pkg)
    assert report.results[0].status == "not implemented"
    assert progress.rows(pkg)[0].state == "not started"


def test_an_exercise_waiting_for_an_earlier_sprint_is_blocked_not_failing(tmp_path):
    pkg = tmp_path / "helpers"
    shutil.copytree(HELPERS, pkg, ignore=shutil.ignore_patterns("__pycache__"))
    for module in ("numerical_net", "gradients", "losses"):   # sprint 3 solved, sprint 2 not
        shutil.copyfile(SOLUTIONS / f"{module}.py", pkg / f"{module}.py")
    run_checks(["sprint3.two_layer_net"], pkg)
    row = next(r for r in progress.rows(pkg) if r.id == "sprint3.two_layer_net")
    assert row.state == "blocked" and "needs sprint2.sigmoid" in row.detail, row
    text = progress.Progress(progress.rows(pkg)).text()
    assert "blocked" in text and "needs sprint2.sigmoid" in text
