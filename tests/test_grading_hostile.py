"""The tampering suite (tests/hostile/): every attack scores 0 and harms nothing.

All attacks are graded in one batch (the default: no notebook runs), and the attacks made
through the notebook's kernel again in a second batch with ``execute_notebooks`` (each
notebook in a jailed kernel), beside an honest student (full marks) and a victim whose files
the attacks try to overwrite, on a copy of the repository (an attack that escaped would
damage the copy, not the course), with the grading folder inside that copy as the docs
suggest, and a root-only file outside both. The grader must isolate learner code for this:
where bubblewrap cannot run, the module skips and says why.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import stat
import time
from pathlib import Path

import pytest

from autograder.instructor import course, grading, jail

from .conftest import ROOT, make_helpers
from .support import (
    HOSTILE_DIR,
    SAVED_OUTPUT,
    SPRINT,
    add_saved_output_cell,
    apply_attack,
    load_attack,
    sprint_specs,
    terminal_to,
    visible_text,
)

# HOSTILE_ONLY=name,name grades only those attacks (while working on one)
ATTACKS = sorted(p.stem for p in HOSTILE_DIR.glob("*.py")
                 if not os.environ.get("HOSTILE_ONLY")
                 or p.stem in os.environ["HOSTILE_ONLY"].split(","))
STUDENT_TIMEOUT = 300.0   # wall clock per student: generous, the machine may be shared
EXERCISE_TIMEOUT = 2      # per exercise child: the honest one needs about 0.2 s under load;
#                           hang_forever spins in three children until this cuts each
CELL_TIMEOUT = 10         # nbgrader's limit per notebook cell (the course's default is 60 s):
#                           sleep_in_a_cell waits it out twice; sprint 1's slowest honest cell
#                           takes well under a second
SECRET_TEXT = "OUTSIDE-FILE-CONTENT-ONLY-ROOT-MAY-READ"


def _repo_copy(dest: Path) -> Path:
    for name in ("helpers", "autograder", "solutions", "notebooks", "data"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, dest / name,
                            ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    return dest


def _digest(folder: Path, skip: str = "") -> dict:
    """Content and mode of every file under ``folder`` but ``skip`` (links not followed)."""
    out = {}
    for p in sorted(folder.rglob("*")):
        if skip and p.relative_to(folder).parts[:1] == (skip,):
            continue
        if p.is_file() and not p.is_symlink() and "__pycache__" not in p.parts:
            out[str(p.relative_to(folder))] = (hashlib.sha256(p.read_bytes()).hexdigest(),
                                               stat.S_IMODE(p.lstat().st_mode))
    return out


def student_folder(name: str, attack) -> str | bytes:
    return getattr(attack, "STUDENT", name)


def reference_lines(repo: Path) -> set:
    """Lines of the reference solutions that no released stub holds (the answers)."""
    stubs = {ln.strip() for f in (repo / "helpers").glob("*.py")
             for ln in f.read_text().splitlines()}
    return {ln.strip() for f in (repo / "solutions").glob("*.py")
            for ln in f.read_text().splitlines()
            if len(ln.strip()) >= 30 and ln.strip() not in stubs and not ln.strip().startswith("#")
            and not ln.strip().startswith(("def ", '"""', "from ", "import ", "class "))}


def _in_the_kernel(name: str) -> bool:
    """Whether the attack acts through the notebook's kernel (its cells or kernelspec)."""
    attack = load_attack(name)
    return hasattr(attack, "CELLS") or hasattr(attack, "METADATA")


# The default grading runs no kernel: every attack is graded that way. With
# --execute-notebooks each notebook also runs in a jailed kernel: the attacks made through the
# kernel are graded that way too, in a second batch.
MODES = {"not executed": ATTACKS,
         "executed": [a for a in ATTACKS if _in_the_kernel(a)]}


@pytest.fixture(scope="module", params=list(MODES))
def hostile(request, tmp_path_factory):
    mode, attacks = request.param, MODES[request.param]
    if not jail.detect().isolated:
        pytest.skip(f"learner code cannot be isolated here: {jail.detect().warning}")
    tmp = tmp_path_factory.mktemp("hostile")
    repo = _repo_copy(tmp / "repo")
    if not list((repo / "notebooks").glob(f"{SPRINT}_*.ipynb")):
        pytest.skip(f"no {SPRINT} notebook")
    out = repo / "grading"              # inside the course, as docs/grading.md suggests
    secret = tmp / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(SECRET_TEXT)
    secret.chmod(0o600)
    release = course.release(tmp / "release", [SPRINT], repo=repo) / SPRINT

    def fill(text: str) -> str:
        return (text.replace("{ROOT}", str(repo)).replace("{OUT}", str(out))
                .replace("{SECRET}", str(secret)))

    submitted = tmp / "submitted"
    shutil.copytree(release, submitted / "honest" / SPRINT)
    make_helpers(submitted / "honest" / SPRINT, repo / "solutions")
    add_saved_output_cell(submitted / "honest" / SPRINT)
    shutil.copytree(release, submitted / "victim" / SPRINT)
    make_helpers(submitted / "victim" / SPRINT, repo / "solutions")
    for name in attacks:
        attack = load_attack(name)
        folder = os.path.join(os.fsencode(submitted), os.fsencode(student_folder(name, attack)),
                              SPRINT.encode())
        shutil.copytree(release, os.fsdecode(folder))
        apply_attack(folder, attack, fill)
    repo_before = _digest(repo, skip="grading")
    victim_before = _digest(submitted / "victim")
    secret_before = _digest(secret.parent)
    summary = io.StringIO()
    terminal = tmp / "terminal.txt"
    # what reaches the instructor's terminal, at the fd level, goes to `terminal`
    with pytest.MonkeyPatch.context() as mp, terminal_to(terminal):
        # a notebook cell that sleeps forever ends at nbgrader's cell time limit: shorter here
        mp.setattr(course, "EXECUTE_TIMEOUT", CELL_TIMEOUT)
        started = time.perf_counter()
        # three submissions at a time: the students who wait out a time limit (hang_forever,
        # sleep_in_a_cell) hold one grading worker each while the others go on
        code = grading.grade(submitted, out, salt="hostile", timeout=EXERCISE_TIMEOUT,
                             sprints=[SPRINT],
                             repo=repo, stream=summary, workers=3,
                             student_timeout=STUDENT_TIMEOUT, progress=False,
                             execute_notebooks=mode == "executed")
        seconds = time.perf_counter() - started
    rows = list(csv.DictReader(open(out / "grades.csv", encoding="utf-8")))
    _save_rows(tmp_path_factory, mode, rows)
    batch = {
        "code": code, "rows": rows, "summary": summary.getvalue(), "out": out,
        "repo": repo, "repo_before": repo_before, "submitted": submitted,
        "victim_before": victim_before, "secret": secret, "secret_before": secret_before,
        "specs": sprint_specs(), "seconds": seconds, "mode": mode, "attacks": attacks,
        "terminal": terminal.read_text(encoding="utf-8", errors="replace")}
    return batch


def _batches_folder(tmp_path_factory) -> Path:
    """Where each batch leaves its grades for the other: the session's temporary root, which
    every pytest-xdist worker of the session shares (``./course test`` runs both batches on one
    worker, in the group of the tests that wait, but another ``--dist`` may put them on two)."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "hostile-batches"
    folder.mkdir(exist_ok=True)
    return folder


def _save_rows(tmp_path_factory, mode: str, rows: list) -> None:
    path = _batches_folder(tmp_path_factory) / f"{mode.replace(' ', '-')}.json"
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(rows), encoding="utf-8")
    partial.replace(path)   # whole or absent for the other batch's reader


def _saved_rows(tmp_path_factory, mode: str) -> list | None:
    path = _batches_folder(tmp_path_factory) / f"{mode.replace(' ', '-')}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


@pytest.mark.slow
def test_the_notebook_runs_only_when_asked_and_its_notes_stay_off_the_terminal(hostile):
    assert "To connect another client" not in hostile["terminal"]
    assert "--existing" not in hostile["terminal"]
    log = (hostile["out"] / "logs" / f"{SPRINT}__honest.log").read_text(encoding="utf-8")
    page = visible_text(next((hostile["out"] / "feedback" / "honest" / SPRINT).glob("*.html")))
    assert "Graded by the course's grader, outside the notebook" in page
    if hostile["mode"] == "executed":
        assert "--- the kernel's own output" in log   # kept in the submission's log
        assert "checks graded outside: 1" in page     # so check() is a no-op in that kernel
        assert SAVED_OUTPUT not in page               # the outputs are the grader's run's
    else:
        assert "--- the kernel's own output" not in log   # no kernel was started
        assert SAVED_OUTPUT in page                   # the learner's own output is shown
        assert "checks graded outside: 1" not in page


@pytest.mark.slow
def test_running_the_notebooks_changes_no_grade(hostile, tmp_path_factory):
    # whichever batch finishes grading second compares itself with the first
    other_mode = next(m for m in MODES if m != hostile["mode"])
    other = _saved_rows(tmp_path_factory, other_mode)
    if other is None:
        pytest.skip(f"compares with the batch graded {other_mode}, not graded yet")
    executed = other if hostile["mode"] != "executed" else hostile["rows"]
    students = {r["student"] for r in executed}
    assert {"honest", "victim"} <= students
    for student in students:
        mine = [r for r in hostile["rows"] if r["student"] == student]
        assert mine and mine == [r for r in other if r["student"] == student], student


@pytest.mark.slow
def test_the_batch_finishes_and_the_honest_student_gets_full_marks(hostile):
    assert hostile["code"] == 0, hostile["summary"]
    full = {s.id: s.points for s in hostile["specs"]}
    assert _scores(hostile["rows"], "honest") == full, hostile["summary"]
    assert _scores(hostile["rows"], "victim") == full, hostile["summary"]
    # their notebooks ran (in the jail) and have feedback: the kernel works
    for student in ("honest", "victim"):
        assert not [ln for ln in hostile["summary"].splitlines()
                    if ln.strip().startswith(f"{student}/")], hostile["summary"]
        assert list((hostile["out"] / "feedback" / student / SPRINT).glob("*.html"))


def _scores(rows, student):
    return {r["exercise"]: float(r["score"]) for r in rows if r["student"] == student}


def _refused(name: str) -> bool:
    return bool(getattr(load_attack(name), "REFUSED", False))


@pytest.mark.slow
@pytest.mark.parametrize("attack", ATTACKS)
def test_every_attack_scores_zero(hostile, attack):
    if attack not in hostile["attacks"]:
        pytest.skip("not an attack through the notebook's kernel: graded in the other "
                    "batch only")
    scores = _scores(hostile["rows"], attack)
    if _refused(attack):   # its folder never reaches nbgrader: refused, and said so
        assert not scores, (attack, scores)
        assert any("not graded" in ln and ln.lstrip().startswith(attack[:6]) or
                   "not a safe student id" in ln for ln in hostile["summary"].splitlines())
        return
    assert list(scores) == [s.id for s in hostile["specs"]], (attack, hostile["summary"])
    assert sum(scores.values()) == 0, (attack, scores)


@pytest.mark.slow
def test_nothing_outside_the_learners_folder_was_touched(hostile):
    assert _digest(hostile["repo"], skip="grading") == hostile["repo_before"]
    assert not (hostile["repo"] / "PWNED_BY_A_LEARNER").exists()
    assert not (hostile["out"] / "PWNED_BY_A_LEARNER").exists()
    assert _digest(hostile["submitted"] / "victim") == hostile["victim_before"]
    assert _digest(hostile["secret"].parent) == hostile["secret_before"]
    out = hostile["out"]
    for folder in ("submitted", "autograded"):
        for f in (out / folder / "victim").rglob("helpers/*.py"):
            assert b"PWNED" not in f.read_bytes(), f
    for f in (out / "state").glob("*.json"):
        assert not f.read_bytes().startswith(b"PWNED"), f
    assert (out / "gradebook.db").read_bytes().startswith(b"SQLite format 3")


@pytest.mark.slow
def test_no_reference_or_outside_content_anywhere_under_the_grading_folder(hostile):
    """Every file nbgrader or the grader left, but the honest students' own copies."""
    out = hostile["out"]
    answers = reference_lines(hostile["repo"])
    assert answers
    links, leaks = [], []
    for dirpath, dirnames, filenames in os.walk(out):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            if p.is_symlink() or not (p.is_dir() or p.is_file()):
                links.append(str(p.relative_to(out)))
        for name in filenames:
            p = Path(dirpath) / name
            if p.is_symlink() or not p.is_file():
                continue
            data = p.read_bytes()
            if SECRET_TEXT.encode() in data or b"LEAKED" in data:
                leaks.append(str(p.relative_to(out)))
            rel = p.relative_to(out).parts
            if len(rel) > 1 and rel[1] in ("honest", "victim"):
                continue   # their helpers are the reference modules
            lines = {ln.strip() for ln in data.decode("utf-8", "replace").splitlines()}
            if lines & answers:
                leaks.append((str(p.relative_to(out)), sorted(lines & answers)[:3]))
    assert not links, links
    assert not leaks, leaks


@pytest.mark.slow
def test_gradebook_and_grades_csv_agree_for_every_student(hostile):
    db = sqlite3.connect(hostile["out"] / "gradebook.db")
    rows = db.execute("""
        SELECT st.id, bc.name, g.auto_score, g.manual_score FROM grade g
        JOIN base_cell bc ON g.cell_id = bc.id
        JOIN submitted_notebook sn ON g.notebook_id = sn.id
        JOIN submitted_assignment sa ON sn.assignment_id = sa.id
        JOIN student st ON sa.student_id = st.id""").fetchall()
    db.close()
    by_grade_id = {s.grade_id: s.id for s in hostile["specs"]}
    book = {(st, by_grade_id[cell]): (manual if manual is not None else auto)
            for st, cell, auto, manual in rows if cell in by_grade_id}
    csv_scores = {(r["student"], r["exercise"]): float(r["score"]) for r in hostile["rows"]}
    assert book == csv_scores


@pytest.mark.slow
def test_the_class_report_builds(hostile, tmp_path):
    from autograder.instructor import report

    written = report.write_report(hostile["out"], tmp_path / "report.html")
    assert written["report"].is_file()
    text = written["report"].read_text(encoding="utf-8")
    assert "\x1b" not in text


@pytest.mark.slow
def test_no_terminal_escape_reaches_the_summary(hostile):
    text = hostile["summary"] + "".join((hostile["out"] / name).read_text(encoding="utf-8")
                                        for name in ("summary.txt", "summary.json"))
    assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in text)
    print(f"hostile batch, notebooks {hostile['mode']}: {hostile['seconds']:.0f} s")


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
    for attack in hostile["attacks"]:
        if _refused(attack):
            assert student_folder(attack, load_attack(attack)) not in by_student, attack
            continue
        assert set(by_student.get(attack, {})) == check_ids, attack
        assert sum(by_student[attack].values()) == 0, attack
    assert sum(by_student["honest"].values()) == sum(s.points for s in hostile["specs"])


@pytest.mark.slow
def test_hangs_are_cut_by_the_student_time_limit_and_said_so(hostile):
    if hostile["mode"] == "executed":
        pytest.skip("hang_forever's helpers are graded in the batch that runs no kernel")
    if "hang_forever" not in hostile["attacks"]:
        pytest.skip("HOSTILE_ONLY leaves hang_forever out")
    lines = [ln for ln in hostile["summary"].splitlines() if "hang_forever/" in ln]
    assert lines, hostile["summary"]
    assert any("did not finish in time" in ln or "longer than the limit" in ln
               for ln in lines), lines


@pytest.mark.slow
def test_a_cell_that_sleeps_is_cut_by_the_cell_time_limit_and_the_notebook_graded_as_released(
        hostile):
    if hostile["mode"] != "executed":
        pytest.skip("no cell runs in the batch that runs no kernel")
    if "sleep_in_a_cell" not in hostile["attacks"]:
        pytest.skip("HOSTILE_ONLY leaves sleep_in_a_cell out")
    log = (hostile["out"] / "logs" / f"{SPRINT}__sleep_in_a_cell.log").read_text(
        encoding="utf-8", errors="replace")
    assert "CellTimeoutError" in log or "Timeout waiting" in log, log[-2000:]
    state = json.loads((hostile["out"] / "state" / f"sleep_in_a_cell-{SPRINT}.json").read_text(
        encoding="utf-8"))
    assert state["timing"]["autograde"]["wall"] < 3 * CELL_TIMEOUT + 60, state["timing"]
    lines = [ln for ln in hostile["summary"].splitlines() if "sleep_in_a_cell/" in ln]
    assert any("nbgrader autograde failed" in ln for ln in lines), lines


@pytest.mark.slow
def test_no_leak_of_hidden_cases_or_reference_in_feedback(hostile):
    out = hostile["out"]
    texts = [(out / "grades.csv").read_text(encoding="utf-8")]
    texts += [p.read_bytes().decode("utf-8", "replace")
              for p in (out / "feedback").rglob("*.html")]
    for text in texts:
        assert "LEAKED" not in text


@pytest.mark.slow
def test_feedback_html_runs_no_learner_script(hostile):
    pages = list((hostile["out"] / "feedback").rglob("*.html"))
    assert any("feedback_script" in p.parts for p in pages)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        live = re.findall(r"<script[^>]*>[^<]*LEARNER_SCRIPT", text, flags=re.I)
        assert not live, (page, live)
        assert not re.search(r"<[^>]*\son(error|load)\s*=", text, flags=re.I), page


@pytest.mark.slow
def test_long_learner_text_is_capped(hostile):
    out = hostile["out"]
    assert (out / "grades.csv").stat().st_size < 1_000_000
    for page in (out / "feedback").rglob("*.html"):
        assert page.stat().st_size < 10_000_000, page
    assert max(len(r["message"]) for r in hostile["rows"]) <= grading.MAX_MESSAGE_CHARS
