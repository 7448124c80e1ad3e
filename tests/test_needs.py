"""needs(): a notebook cell runs only when the problems it uses pass; cheap, quiet otherwise."""
from __future__ import annotations

import importlib
import shutil
import sys

import pytest

from autograder.learner.check import run_checks

from .conftest import HELPERS, SOLUTIONS, make_helpers

needs_mod = importlib.import_module("autograder.learner.needs")  # autograder.needs: the function


@pytest.fixture()
def stubs(tmp_path):
    return make_helpers(tmp_path, HELPERS)


def _solve(pkg, module):
    shutil.copyfile(SOLUTIONS / f"{module}.py", pkg / f"{module}.py")


def test_a_stub_is_not_done_and_the_message_names_the_problem(stubs, capsys):
    assert needs_mod.needs("sprint1.and_gate", helpers=stubs) is False
    out = capsys.readouterr().out
    assert "Problem 3: the AND gate" in out and "helpers/perceptron.py: AND" in out
    assert "Traceback" not in out and "not written yet" in out


def test_a_passing_exercise_is_done_silently(stubs, capsys):
    _solve(stubs, "perceptron")
    assert needs_mod.needs("sprint1.and_gate", "sprint1.step_function", helpers=stubs) is True
    assert capsys.readouterr().out == ""


def test_a_failing_check_is_not_done(stubs, capsys):
    _solve(stubs, "perceptron")
    with open(stubs / "perceptron.py", "a") as fh:      # the OR gate in AND's place
        fh.write("\n\ndef AND(x):\n    return OR(x)\n")
    assert needs_mod.needs("sprint1.and_gate", helpers=stubs) is False
    assert "its check fails" in capsys.readouterr().out


def test_one_missing_exercise_is_enough_to_skip_and_only_it_is_named(stubs, capsys):
    _solve(stubs, "warmup")
    text = (stubs / "warmup.py").read_text()
    (stubs / "warmup.py").write_text(
        text.replace("def affine(", "def _solved_affine(") + "\n\ndef affine(X, W, b):\n"
        "    raise NotImplementedError(\"affine: not implemented yet\")\n")
    assert needs_mod.needs("sprint0.add_bias", "sprint0.affine", helpers=stubs) is False
    out = capsys.readouterr().out
    assert "sprint0.affine" in out and "sprint0.add_bias" not in out


def test_the_saved_check_decides_without_running_the_check_again(stubs, monkeypatch):
    _solve(stubs, "perceptron")
    run_checks(["sprint1.and_gate"], stubs)                 # what the check cell does

    def no_check(*a, **k):
        raise AssertionError("needs() ran a check although a fresh result was saved")

    monkeypatch.setattr(sys.modules["autograder.learner.check"], "run_checks", no_check)
    assert needs_mod.done("sprint1.and_gate", helpers=stubs) is True


def test_an_edit_after_the_check_is_seen(stubs):
    _solve(stubs, "perceptron")
    run_checks(["sprint1.and_gate"], stubs)
    with open(stubs / "perceptron.py", "a") as fh:
        fh.write("\n\ndef AND(x):\n    raise NotImplementedError(\"AND: not implemented yet\")\n")
    assert needs_mod.done("sprint1.and_gate", helpers=stubs) is False


def test_an_unknown_id_is_an_authoring_error(stubs):
    with pytest.raises(KeyError, match="sprint1.and_gat"):
        needs_mod.needs("sprint1.and_gat", helpers=stubs)


def test_under_the_course_grader_the_source_decides_and_no_check_runs(stubs, monkeypatch):
    monkeypatch.setenv("COURSE_GRADED_OUTSIDE", "1")
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")

    def no_check(*a, **k):
        raise AssertionError("no check may run inside the grader's kernel")

    monkeypatch.setattr(sys.modules["autograder.learner.check"], "run_checks", no_check)
    monkeypatch.syspath_prepend(str(stubs.parent))
    for name in [m for m in list(sys.modules) if m.split(".")[0] == "helpers"]:
        monkeypatch.delitem(sys.modules, name)
    assert needs_mod.done("sprint1.and_gate", helpers=stubs) is False     # still the stub
    assert needs_mod.is_stub("perceptron", "AND") is True


def test_in_a_release_folder_earlier_sprints_are_named_and_probed(tmp_path):
    """A sprint's assignment holds only its own public cases: needs() still knows the others."""
    import subprocess

    from autograder.instructor import course

    sprint = next(s for s in course.discover_sprints() if s.id == "sprint7")
    folder = course.write_source(tmp_path / "sprint7", sprint)
    code = ("from autograder import needs\n"
            "print(needs('sprint4.affine'), needs('sprint7.conv1d'))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=folder, capture_output=True,
                         text=True, check=True).stdout
    assert "Problem 5: the Affine layer" in out and "helpers/layers.py: Affine" in out
    assert out.strip().endswith("False False")
    shutil.copyfile(SOLUTIONS / "layers.py", folder / "helpers" / "layers.py")
    out = subprocess.run([sys.executable, "-c", code], cwd=folder, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip().endswith("True False"), out


def test_the_skip_message_follows_the_course_language(stubs, capsys, monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "ja")
    assert needs_mod.needs("sprint1.and_gate", helpers=stubs) is False
    out = capsys.readouterr().out
    assert "問題3: AND ゲート" in out and "Problem 3" not in out
    assert "スキップ" in out and "まだ書かれていません" in out and "Skipped" not in out
    assert "helpers/perceptron.py: AND" in out and "sprint1.and_gate" in out
