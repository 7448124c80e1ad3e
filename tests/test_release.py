"""The learner release: what it holds, what it must never hold, and that its checker works.

The release is built once (``autograder.instructor.course.release``) for every sprint that has a
notebook. Sprint 1 is the sprint the checks run on; if its notebook is not in ``notebooks/`` yet, a
minimal one in the authoring format (setup cell, one check cell per exercise, a discussion
question) is made in a temporary copy of the repository, so the release is still tested.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder.authoring import stubs
from autograder.instructor import course
from autograder.learner import registry

from .conftest import ROOT, SOLUTIONS
from .support import SPRINT, course_repo, reference_secrets, sprint_specs


def text_lines(path: Path) -> set:
    """The stripped lines of a text file; for a notebook, of its cells and outputs."""
    if path.suffix == ".ipynb":
        nb = nbformat.read(str(path), as_version=4)
        chunks = []
        for c in nb.cells:
            chunks.append(c.source)
            for o in c.get("outputs", []):
                chunks.append(o.get("text", "") if isinstance(o.get("text", ""), str) else "")
                chunks += [v for v in o.get("data", {}).values() if isinstance(v, str)]
        text = "\n".join(chunks)
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            return set()
    return {ln.strip() for ln in text.splitlines()}


def learner_env() -> dict:
    """The environment of a learner's terminal: no PYTHONPATH into the repository."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["MPLBACKEND"] = "Agg"
    return env


def run_cli(args: list, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd,
                          env=learner_env(), capture_output=True, text=True, timeout=timeout)


def same_value(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        return a.shape == b.shape and a.dtype == b.dtype and bool(np.array_equal(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("release")
    repo = course_repo(tmp)
    return course.release(tmp / "out", repo=repo)


# --------------------------------------------------------------------------- tests
def test_release_writes_neither_beside_the_reference_nor_over_a_folder_of_its_own(tmp_path):
    """`release .` in the repository would put the release beside solutions/ (to be
    published); a folder that only shares a sprint's name is someone's work. Both stop the
    release before it writes anything; an earlier release of the sprint is replaced."""
    with pytest.raises(course.CourseError, match="holds solutions/: a release is published"):
        course.release(ROOT, [SPRINT])
    assert not (ROOT / SPRINT).exists()
    repo = course_repo(tmp_path)
    out = tmp_path / "out"
    (out / SPRINT).mkdir(parents=True)
    (out / SPRINT / "notes.txt").write_text("mine")
    with pytest.raises(course.CourseError, match=f"{SPRINT} exists and is not an earlier "
                                                 f"release of {SPRINT}"):
        course.release(out, [SPRINT], repo=repo)
    assert [p.name for p in out.iterdir()] == [SPRINT]
    assert [p.name for p in (out / SPRINT).iterdir()] == ["notes.txt"]
    again = tmp_path / "again"
    course.release(again, [SPRINT], repo=repo)
    (again / SPRINT / "stale.txt").write_text("from a week ago")
    course.release(again, [SPRINT], repo=repo)
    assert not (again / SPRINT / "stale.txt").exists()
    assert (again / SPRINT / "autograder" / "learner").is_dir()


def test_every_sprint_with_a_notebook_is_released(released):
    names = sorted(p.name for p in released.iterdir())
    assert SPRINT in names
    for name in names:
        folder = released / name
        notebooks = list(folder.glob("*.ipynb"))
        assert len(notebooks) == 1 and notebooks[0].name.startswith(f"{name}_"), name
        nbformat.validate(nbformat.read(str(notebooks[0]), as_version=4))


def test_release_holds_the_stub_package_and_the_learner_checker(released):
    folder = released / SPRINT
    repo_helpers = sorted(p.name for p in (ROOT / "helpers").iterdir()
                          if p.name != "__pycache__")
    assert sorted(p.name for p in (folder / "helpers").iterdir()) == repo_helpers
    for f in (folder / "helpers").glob("*.py"):
        assert f.read_bytes() == (ROOT / "helpers" / f.name).read_bytes(), f.name
    for f in SOLUTIONS.glob("*.py"):
        if f.name != "__init__.py" and stubs.BEGIN in f.read_text(encoding="utf-8"):
            stub = (folder / "helpers" / f.name).read_text(encoding="utf-8")
            assert "raise NotImplementedError" in stub and "not implemented yet" in stub
    assert sorted(p.name for p in (folder / "autograder").glob("*.py")) == [
        "__init__.py", "__main__.py"]
    assert sorted(p.name for p in (folder / "autograder").iterdir()) == [
        "__init__.py", "__main__.py", "learner"]            # no instructor/, authoring/, exercises/
    shipped = folder / "autograder" / "learner"
    assert sorted(p.name for p in shipped.glob("*.py")) == sorted(
        p.name for p in (ROOT / "autograder" / "learner").glob("*.py")), \
        "the release ships the learner folder's modules, all of them"
    for f in shipped.glob("*.py"):
        assert f.read_bytes() == (ROOT / "autograder" / "learner" / f.name).read_bytes(), f.name
    assert sorted(p.name for p in (shipped / "public").iterdir()) == [
        "index.json", f"{SPRINT}.json", f"{SPRINT}.npz"]
    if (ROOT / "data").is_dir():  # the bundled data sets, without their build scripts
        want = sorted(p.relative_to(ROOT / "data").as_posix() for p in (ROOT / "data").rglob("*")
                      if p.is_file() and p.suffix != ".py" and "__pycache__" not in p.parts)
        have = sorted(p.relative_to(folder / "data").as_posix()
                      for p in (folder / "data").rglob("*") if p.is_file())
        assert have == want


def test_release_has_no_reference_solutions_or_hidden_material(released):
    for path in released.rglob("*"):
        rel = path.relative_to(released).as_posix()
        assert "solutions" not in path.parts, rel
        assert "exercises" not in path.parts, rel
        assert path.name not in ("stubs.py", "course.py", "grading.py", "gradebook.db"), rel
        assert not path.is_symlink(), rel
    secrets = reference_secrets()
    assert secrets, "no solution regions found in solutions/"
    for path in released.rglob("*"):
        if path.is_file() and path.suffix in (".py", ".ipynb", ".json", ".txt", ".md"):
            leaked = sorted(set(secrets) & text_lines(path))
            assert not leaked, (
                f"{path.relative_to(released)} holds reference code of "
                f"{sorted({secrets[x] for x in leaked})}: {leaked}. A provided module must not "
                "repeat a graded solution: import it from its module (e.g. `from .activations "
                "import softmax`), so the learner's own code is used")


def test_stored_cases_are_exactly_the_public_ones(released):
    stored = registry.load_store(released / SPRINT / "autograder" / "learner" / "public")
    live = sprint_specs()
    assert [s.id for s in stored] == [s.id for s in live]
    for st, lv in zip(stored, live):
        assert (st.points, st.module, st.name, st.title, st.tol) == (
            lv.points, lv.module, lv.name, lv.title, lv.tol)
        public = lv.public_cases()
        assert len(st.stored_public) == len(public), st.id
        for a, b in zip(st.stored_public, public):
            assert same_value(a.case.as_dict(), b.case.as_dict()), st.id
            assert same_value(a.expected, b.expected), st.id
            assert not a.hidden
    public = released / SPRINT / "autograder" / "learner" / "public"
    doc = json.loads((public / f"{SPRINT}.json").read_text())

    def keys(tree):
        if isinstance(tree, dict):
            for k, v in tree.items():
                yield k
                yield from keys(v)
        elif isinstance(tree, list):
            for v in tree:
                yield from keys(v)

    assert "hidden" not in set(keys(doc))


@pytest.mark.slow
def test_check_runs_inside_a_release_folder(released, tmp_path):
    folder = tmp_path / SPRINT
    shutil.copytree(released / SPRINT, folder)
    ids = [s.id for s in sprint_specs()]

    stubs_run = run_cli(["check", SPRINT], folder)
    assert stubs_run.returncode == 1, stubs_run.stderr
    assert "not implemented" in stubs_run.stdout
    for i in ids:
        assert i in stubs_run.stdout

    for f in SOLUTIONS.glob("*.py"):
        if f.name != "__init__.py":
            shutil.copyfile(f, folder / "helpers" / f.name)
    ref_run = run_cli(["check", SPRINT, "--json"], folder)
    assert ref_run.returncode == 0, ref_run.stdout + ref_run.stderr
    rows = json.loads(ref_run.stdout)
    assert [r["id"] for r in rows] == ids
    assert all(r["status"] == "passed" for r in rows), rows

    for command in (["grade", ".", "--out", str(tmp_path / "g")], ["course", "c"],
                    ["release", "r"], ["stubs", "--check"]):
        res = run_cli(command, folder)
        assert res.returncode != 0
        assert "instructor command" in res.stderr and "Traceback" not in res.stderr, res.stderr
