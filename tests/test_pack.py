"""``python -m autograder pack``: the learner checks and packs an assignment folder.

Built on a real learner release of sprint 1 (what a learner holds), with the reference
solution copied into its helpers/ and the written answers filled in (the honest, saved
learner), then broken the ways learners break it. The round trip pack -> collect-zip -> the
folder ``grade`` reads is run for real; the grading itself is the e2e test's.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder.instructor import collect, course, grading
from autograder.learner import pack, registry

ROOT = Path(__file__).resolve().parents[1]
SPRINT = "sprint1"


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    return course.release(tmp_path_factory.mktemp("rel") / "out", [SPRINT]) / SPRINT


@pytest.fixture
def folder(release, tmp_path) -> Path:
    """A saved, finished assignment folder: reference helpers, every written answer given."""
    dest = tmp_path / SPRINT
    shutil.copytree(release, dest)
    shutil.copyfile(ROOT / "solutions" / "perceptron.py", dest / "helpers" / "perceptron.py")
    nb_path = next(dest.glob("sprint1_*.ipynb"))
    nb = json.loads(nb_path.read_text())
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("solution"):
            cell["source"] = "Because a single line cannot separate XOR's classes."
    nb_path.write_text(json.dumps(nb, indent=1))
    return dest


@pytest.fixture
def specs(release):
    return registry.load_store(release / "autograder" / "learner" / "public")


def notebook(folder: Path) -> Path:
    return next(folder.glob("sprint1_*.ipynb"))


def edit_cells(folder: Path, change) -> None:
    path = notebook(folder)
    nb = json.loads(path.read_text())
    nb["cells"] = change(nb["cells"])
    path.write_text(json.dumps(nb, indent=1))


def check_cell_index(cells, grade_id="sprint1-xor_gate") -> int:
    return next(i for i, c in enumerate(cells)
                if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)


def do_pack(folder, specs, tmp_path, **kw):
    return pack.pack(folder, "alice", None, tmp_path / "upload", specs=specs, **kw)


# --------------------------------------------------------------------------- the honest learner
def test_a_saved_assignment_is_packed_with_only_the_learners_files(folder, specs, tmp_path):
    report = do_pack(folder, specs, tmp_path)
    assert report.problems == []
    assert report.written == tmp_path / "upload" / "alice_sprint1.zip"
    names = zipfile.ZipFile(report.written).namelist()
    assert f"sprint1/{notebook(folder).name}" in names
    assert "sprint1/helpers/perceptron.py" in names
    assert not [n for n in names if "/autograder/" in n or "/data/" in n or
                not n.startswith("sprint1/")]


def test_pack_then_collect_zip_gives_the_folder_grade_reads(folder, specs, tmp_path):
    """Two learners' zips in one platform download: collect-zip's default pattern takes them
    as they are, and grading's own discovery finds student/assignment folders."""
    upload = tmp_path / "upload"
    pack.pack(folder, "alice", None, upload, specs=specs)
    pack.pack(folder, "bob.smith-2", None, upload, specs=specs)
    download = tmp_path / "download.zip"
    with zipfile.ZipFile(download, "w") as zf:
        for z in upload.glob("*.zip"):
            zf.write(z, z.name)
    submitted = tmp_path / "submitted"
    report = collect.collect_zip(download, SPRINT, submitted)
    assert report.problems == []
    assert sorted(c.student for c in report.collected) == ["alice", "bob.smith-2"]
    got = submitted / "alice" / SPRINT
    assert (got / notebook(folder).name).read_bytes() == notebook(folder).read_bytes()
    assert (got / "helpers" / "perceptron.py").read_bytes() == \
        (ROOT / "solutions" / "perceptron.py").read_bytes()
    sprints = {s.id: s for s in course.discover_sprints([SPRINT])}
    found, skipped = grading.find_submissions(submitted, sprints)
    assert [(s.student, s.assignment) for s in found] == [("alice", SPRINT),
                                                         ("bob.smith-2", SPRINT)]
    assert skipped == []


# --------------------------------------------------------------------------- not saved
def test_an_unsaved_assignment_is_explained_and_not_packed(release, specs, tmp_path):
    """The release as given: stubs and placeholders. Every one is named; nothing written."""
    report = do_pack(release, specs, tmp_path)
    assert report.written is None and not (tmp_path / "upload" / "alice_sprint1.zip").exists()
    assert report.errors == []
    stubbed = {p.where.split(", ")[1] for p in report.incomplete if p.where.startswith("helpers")}
    assert stubbed == {s.name for s in specs if s.sprint == SPRINT}
    answers = [p for p in report.incomplete if "written answer" in p.where]
    assert len(answers) == 3 and all("not saved" in p.what for p in answers)
    assert "--partial" in report.render()


def test_partial_packs_an_unfinished_assignment_on_purpose(release, specs, tmp_path):
    report = do_pack(release, specs, tmp_path, partial=True)
    assert report.written is not None and report.incomplete


def test_one_unsaved_function_is_named(folder, specs, tmp_path):
    path = folder / "helpers" / "perceptron.py"
    path.write_text(path.read_text().replace(
        "def XOR(", "def XOR(*a, **k):\n    raise NotImplementedError\n\n\ndef _old_XOR("))
    report = do_pack(folder, specs, tmp_path)
    assert [p.where for p in report.problems] == ["helpers/perceptron.py, XOR"]
    assert report.written is None


# --------------------------------------------------------------------------- broken check cells
def _edit_source(cells):
    cells[check_cell_index(cells)]["source"] = 'check("sprint1.and_gate")'
    return cells


def _delete(cells):
    del cells[check_cell_index(cells)]
    return cells


def _duplicate(cells):
    i = check_cell_index(cells)
    cells.insert(i, json.loads(json.dumps(cells[i])))
    return cells


def _points(cells):
    cells[check_cell_index(cells)]["metadata"]["nbgrader"]["points"] = 20
    return cells


def _unlock_and_relabel(cells):
    cell = cells[check_cell_index(cells)]
    cell["metadata"]["nbgrader"]["grade"] = False
    return cells


def _to_markdown(cells):
    cell = cells[check_cell_index(cells)]
    cell["cell_type"] = "markdown"
    cell.pop("outputs", None)
    cell.pop("execution_count", None)
    return cells


def _checksum(cells):
    cells[check_cell_index(cells)]["metadata"]["nbgrader"]["checksum"] = "0" * 32
    return cells


def _comment_out(cells):
    cells[check_cell_index(cells)]["source"] = '# check("sprint1.xor_gate")'
    return cells


@pytest.mark.parametrize("break_it, says", [
    (_edit_source, "text was changed"), (_comment_out, "text was changed"),
    (_delete, "is missing"), (_duplicate, "same nbgrader id"),
    (_points, "points were changed"), (_unlock_and_relabel, "nbgrader settings"),
    (_to_markdown, "no longer a code cell"), (_checksum, "checksum"),
])
def test_a_broken_check_cell_is_explained_and_blocks(folder, specs, tmp_path, break_it, says):
    edit_cells(folder, break_it)
    report = do_pack(folder, specs, tmp_path, partial=True)
    assert report.written is None
    assert len(report.errors) == 1, report.render()
    assert says in report.errors[0].what
    assert "XOR" in report.errors[0].where or "cells" in report.errors[0].where
    assert "Nothing written" in report.render()


def test_outputs_and_other_cells_may_change(folder, specs, tmp_path):
    """Running the notebook (outputs, execution counts) and adding cells is no problem."""
    def run(cells):
        i = check_cell_index(cells)
        cells[i]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "PASS\n"}]
        cells[i]["execution_count"] = 7
        cells.insert(0, {"cell_type": "code", "metadata": {}, "source": "x = 1",
                         "outputs": [], "execution_count": None})
        return cells
    edit_cells(folder, run)
    assert do_pack(folder, specs, tmp_path).written is not None


# --------------------------------------------------------------------------- broken files
def test_a_truncated_notebook_is_explained(folder, specs, tmp_path):
    path = notebook(folder)
    path.write_text(path.read_text()[:5000])
    report = do_pack(folder, specs, tmp_path)
    assert report.written is None
    assert "not a readable notebook" in report.errors[0].what


def test_an_invalid_notebook_is_explained(folder, specs, tmp_path):
    path = notebook(folder)
    nb = json.loads(path.read_text())
    nb["cells"][0]["cell_type"] = "pictures"
    path.write_text(json.dumps(nb))
    report = do_pack(folder, specs, tmp_path)
    assert report.written is None and "not a valid notebook" in report.errors[0].what


def test_a_helper_that_does_not_compile_blocks(folder, specs, tmp_path):
    (folder / "helpers" / "layers.py").write_text("def f(:\n    pass\n")
    report = do_pack(folder, specs, tmp_path)
    assert [p.where for p in report.errors] == ["helpers/layers.py"]
    assert "line 1" in report.errors[0].what


def test_a_symlink_and_an_oversized_file_block(folder, specs, tmp_path):
    outside = tmp_path / "elsewhere.py"
    outside.write_text("x = 1\n")
    (folder / "helpers" / "linked.py").symlink_to(outside)
    (folder / "helpers" / "huge.py").write_text("# " + "x" * pack.MAX_HELPER_BYTES + "\n")
    report = do_pack(folder, specs, tmp_path)
    whats = {p.where: p.what for p in report.errors}
    assert set(whats) == {"helpers/linked.py", "helpers/huge.py"}
    assert "symbolic link" in whats["helpers/linked.py"]


def test_an_oversized_or_linked_notebook_blocks(folder, specs, tmp_path, monkeypatch):
    monkeypatch.setattr(pack, "MAX_NOTEBOOK_BYTES", notebook(folder).stat().st_size - 1)
    report = do_pack(folder, specs, tmp_path)
    assert report.written is None and "Clear Outputs" in report.errors[0].what
    monkeypatch.undo()
    real = tmp_path / "real.ipynb"
    notebook(folder).rename(real)
    (folder / real.name.replace("real", "sprint1_perceptron")).symlink_to(real)
    report = do_pack(folder, specs, tmp_path)
    assert report.written is None and "symbolic link" in report.errors[0].what


def test_a_missing_helpers_module_blocks(folder, specs, tmp_path):
    (folder / "helpers" / "perceptron.py").unlink()
    report = do_pack(folder, specs, tmp_path)
    assert [p.where for p in report.errors] == ["helpers/perceptron.py"]


@pytest.mark.parametrize("student", ["", "alice smith", "a/b", "alice_sprint2", "../x"])
def test_an_unusable_student_id_is_refused(folder, specs, tmp_path, student):
    with pytest.raises(pack.PackError):
        pack.pack(folder, student, None, tmp_path, specs=specs)


def test_the_course_repository_layout_is_found():
    a = pack.locate(ROOT, SPRINT)
    assert a.notebook.parent == ROOT / "notebooks" and a.helpers == ROOT / "helpers"
    with pytest.raises(pack.PackError):
        pack.locate(ROOT)          # the repository holds every sprint: say which


# --------------------------------------------------------------------------- the command
def test_the_command_in_a_learner_release(release, tmp_path):
    """In a release folder with pack.py shipped beside the learner's checker: exit 1 and the
    explanation for the untouched release, exit 0 and the zip with --partial."""
    dest = tmp_path / SPRINT
    shutil.copytree(release, dest)
    for sub, name in (("learner", "pack.py"), ("", "__main__.py")):   # until the release ships them
        shutil.copyfile(ROOT / "autograder" / sub / name, dest / "autograder" / sub / name)
    env = {**os.environ, "COURSE_STUDENT": "carol"}
    env.pop("PYTHONPATH", None)
    run = subprocess.run([sys.executable, "-m", "autograder", "pack"], cwd=dest, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stderr
    assert "NotImplementedError" in run.stdout and not (dest / "carol_sprint1.zip").exists()
    run = subprocess.run([sys.executable, "-m", "autograder", "pack", "--partial"], cwd=dest,
                         env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert (dest / "carol_sprint1.zip").is_file()


@pytest.mark.slow
def test_pack_collect_grade_then_the_lms_and_late_exports(folder, specs, tmp_path):
    """The whole path of one class of two: a learner who saved everything (full marks) and
    one who packed the untouched release with --partial (0), through real nbgrader grading,
    then the Canvas import and the late-adjusted CSV from the grading folder."""
    from autograder.instructor import lms, policy

    upload = tmp_path / "upload"
    pack.pack(folder, "alice", None, upload, specs=specs)
    blank = tmp_path / "blank" / SPRINT
    shutil.copytree(folder, blank)      # bob: alice's notebook, but the untouched stubs
    shutil.copyfile(ROOT / "helpers" / "perceptron.py", blank / "helpers" / "perceptron.py")
    assert pack.pack(blank, "bob", None, upload, specs=specs).written is None
    assert pack.pack(blank, "bob", None, upload, specs=specs, partial=True).written
    download = tmp_path / "download"
    download.mkdir()
    for z in upload.glob("*.zip"):
        shutil.copyfile(z, download / z.name)
    submitted = tmp_path / "submitted"
    assert len(collect.collect_zip(download, SPRINT, submitted).collected) == 2
    (submitted / "alice" / SPRINT / "timestamp.txt").write_text("2026-10-05 10:00:00.0 UTC")
    out = tmp_path / "grading"
    assert grading.grade(submitted, out, sprints=[SPRINT], progress=False) == 0
    totals = {}
    for r in csv.DictReader(open(out / "grades.csv", encoding="utf-8")):
        totals[r["student"]] = totals.get(r["student"], 0) + float(r["score"])
    full = sum(s.points for s in specs if s.sprint == SPRINT)
    assert totals == {"alice": full, "bob": 0}
    (tmp_path / "roster.csv").write_text("student,name,canvas_id\nalice,A,1\nbob,B,2\n")
    path, _ = lms.write_export(out, tmp_path / "roster.csv", "canvas")
    table = list(csv.reader(open(path, encoding="utf-8")))
    assert table[1][5] == f"{full:g}" and table[2][5] == f"{full:g}" and table[3][5] == "0"
    (tmp_path / "policy.toml").write_text('[sprints.sprint1]\ndue = 2026-10-05T12:00:00Z\n')
    late = policy.write_late(out, tmp_path / "policy.toml")
    assert {(r.student, r.status) for r in late.records} == {("alice", policy.ON_TIME),
                                                             ("bob", policy.FLAGGED)}
