"""The tampering suite (tests/hostile/): every attack scores 0 and harms nothing.

All attacks are graded in one batch, beside an honest student (full marks) and a victim whose
files the attacks try to overwrite, on a copy of the repository (an attack that escaped would
damage the copy, not the course). The grader must isolate learner code for this: where
bubblewrap cannot run, the module skips and says why.
"""
from __future__ import annotations

import csv
import hashlib
import importlib.util
import io
import shutil
import sqlite3
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from autograder import course, grading, jail

from .conftest import ROOT, make_helpers
from .test_release import SPRINT, sprint_specs

HOSTILE_DIR = Path(__file__).parent / "hostile"
ATTACKS = sorted(p.stem for p in HOSTILE_DIR.glob("*.py"))
STUDENT_TIMEOUT = 300.0   # wall clock per student: generous, the machine may be shared
CELL_TIMEOUT = 30         # nbgrader's limit per notebook cell (the course's default is 60 s)


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"hostile_{name}", HOSTILE_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _repo_copy(dest: Path) -> Path:
    for name in ("helpers", "autograder", "solutions", "notebooks", "data"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, dest / name,
                            ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    return dest


def _digest(folder: Path) -> dict:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


def make_attack(release: Path, dest: Path, attack, fill) -> None:
    """A submission: the released stubs with the attack applied."""
    shutil.copytree(release, dest)
    code = fill(getattr(attack, "HELPER_CODE", ""))
    if code:
        for f in (dest / "helpers").glob("*.py"):
            if f.name != "__init__.py":
                f.write_text(f.read_text() + "\n" + code)
    for rel, text in getattr(attack, "FILES", {}).items():
        p = dest / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(fill(text))
    cells = [fill(c) for c in getattr(attack, "CELLS", [])]
    if cells:
        nb_path = next(dest.glob("sprint*_*.ipynb"))   # the sprint of `release`
        nb = nbformat.read(str(nb_path), as_version=4)
        at = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                   and "from autograder import check" in c.source), 0)
        for i, source in enumerate(cells):
            nb.cells.insert(at + 1 + i, new_code_cell(source))
        nbformat.write(nb, str(nb_path))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    if not jail.detect().isolated:
        pytest.skip(f"learner code cannot be isolated here: {jail.detect().warning}")
    tmp = tmp_path_factory.mktemp("hostile")
    repo = _repo_copy(tmp / "repo")
    if not list((repo / "notebooks").glob(f"{SPRINT}_*.ipynb")):
        pytest.skip(f"no {SPRINT} notebook")
    out = tmp / "course"
    release = course.release(tmp / "release", [SPRINT], repo=repo) / SPRINT

    def fill(text: str) -> str:
        return text.replace("{ROOT}", str(repo)).replace("{OUT}", str(out))

    submitted = tmp / "submitted"
    shutil.copytree(release, submitted / "honest" / SPRINT)
    make_helpers(submitted / "honest" / SPRINT, repo / "solutions")
    shutil.copytree(release, submitted / "victim" / SPRINT)
    make_helpers(submitted / "victim" / SPRINT, repo / "solutions")
    for name in ATTACKS:
        make_attack(release, submitted / name / SPRINT, _load(name), fill)
    repo_before = _digest(repo)
    victim_before = _digest(submitted / "victim")
    summary = io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        # a notebook cell that sleeps forever ends at nbgrader's cell time limit: shorter here
        mp.setattr(course, "EXECUTE_TIMEOUT", CELL_TIMEOUT)
        code = grading.grade(submitted, out, salt="hostile", timeout=4, sprints=[SPRINT],
                             repo=repo, stream=summary, workers=2,
                             student_timeout=STUDENT_TIMEOUT, progress=False)
    rows = list(csv.DictReader(open(out / "grades.csv", encoding="utf-8")))
    return {"code": code, "rows": rows, "summary": summary.getvalue(), "out": out,
            "repo": repo, "repo_before": repo_before, "submitted": submitted,
            "victim_before": victim_before, "specs": sprint_specs()}


def _scores(rows, student):
    return {r["exercise"]: float(r["score"]) for r in rows if r["student"] == student}


@pytest.mark.slow
def test_the_batch_finishes_and_the_honest_student_gets_full_marks(hostile):
    assert hostile["code"] == 0, hostile["summary"]
    full = {s.id: s.points for s in hostile["specs"]}
    assert _scores(hostile["rows"], "honest") == full, hostile["summary"]
    assert _scores(hostile["rows"], "victim") == full, hostile["summary"]


@pytest.mark.slow
@pytest.mark.parametrize("attack", ATTACKS)
def test_every_attack_scores_zero(hostile, attack):
    scores = _scores(hostile["rows"], attack)
    assert list(scores) == [s.id for s in hostile["specs"]], (attack, hostile["summary"])
    assert sum(scores.values()) == 0, (attack, scores)


@pytest.mark.slow
def test_nothing_outside_the_learners_folder_was_touched(hostile):
    assert _digest(hostile["repo"]) == hostile["repo_before"]
    assert not (hostile["repo"] / "PWNED_BY_A_LEARNER").exists()
    assert _digest(hostile["submitted"] / "victim") == hostile["victim_before"]
    out = hostile["out"]
    for folder in ("submitted", "autograded"):
        for f in (out / folder / "victim").rglob("helpers/*.py"):
            assert b"PWNED" not in f.read_bytes(), f
    for f in (out / "state").glob("*.json"):
        assert not f.read_bytes().startswith(b"PWNED"), f


@pytest.mark.slow
def test_the_gradebook_holds_a_row_for_every_attack_and_no_damage(hostile):
    db = sqlite3.connect(hostile["out"] / "gradebook.db")
    rows = db.execute("""
        SELECT st.id, bc.name, g.auto_score FROM grade g
        JOIN base_cell bc ON g.cell_id = bc.id
        JOIN submitted_notebook sn ON g.notebook_id = sn.id
        JOIN submitted_assignment sa ON sn.assignment_id = sa.id
        JOIN student st ON sa.student_id = st.id""").fetchall()
    db.close()
    check_ids = {s.grade_id for s in hostile["specs"]}
    by_student: dict = {}
    for student, cell, auto in rows:
        if cell in check_ids:
            by_student.setdefault(student, {})[cell] = auto
    for attack in ATTACKS:
        assert set(by_student.get(attack, {})) == check_ids, attack
        assert sum(by_student[attack].values()) == 0, attack
    assert sum(by_student["honest"].values()) == sum(s.points for s in hostile["specs"])


@pytest.mark.slow
def test_hangs_are_cut_by_the_student_time_limit_and_said_so(hostile):
    lines = [ln for ln in hostile["summary"].splitlines() if "hang_forever/" in ln]
    assert lines, hostile["summary"]
    assert any("did not finish in time" in ln or "longer than the limit" in ln
               for ln in lines), lines


@pytest.mark.slow
def test_no_leak_of_hidden_cases_or_reference_in_feedback(hostile):
    out = hostile["out"]
    texts = [(out / "grades.csv").read_text(encoding="utf-8")]
    texts += [p.read_text(encoding="utf-8") for p in (out / "feedback").rglob("*.html")]
    for text in texts:
        assert "LEAKED" not in text
