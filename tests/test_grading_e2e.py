"""End to end: a learner release, a class of submissions, real nbgrader, trusted grades.

One ``grade`` run grades every scenario (one student each) of sprint 1; the tests then read
its ``grades.csv``, summary, gradebook and feedback. A second, smaller run on the same course
folder checks that regrading gives the same grades.
"""
from __future__ import annotations

import csv
import inspect
import io
import os
import re
import shutil
import sqlite3
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from autograder.instructor import course, grading
from autograder.instructor.grading.submitted import _copy_tree
from autograder.learner import sandbox
from autograder.learner.evaluate import ERROR, FAILED, NOT_IMPLEMENTED, PASSED, evaluate

from .conftest import SOLUTIONS, make_helpers
from .support import (
    GRADEBOOK_JOINS,
    SAVED_OUTPUT,
    SPRINT,
    add_saved_output_cell,
    apply_attack,
    course_repo,
    load_attack,
    reference_secrets,
    sprint_specs,
    terminal_to,
    visible_text,
    wrong_exercise,
)

STUDENTS = ("full", "untouched", "wrong", "truncated", "syntax", "hostile_files",
            "hostile_cell")
HOSTILE = ("hostile_files", "hostile_cell")
FILE_ATTACKS = ("patch_numpy_testing", "shipped_packages")

FAKE_PASS_CELL = '''# An added cell: print passes and replace the checker.
import builtins
import autograder

def check(*selectors, **kwargs):
    for s in selectors:
        print(f"✔ PASS  {s}  all cases passed")

builtins.check = check
autograder.learner.check = check
print("✔ PASS  sprint1.step_function  [4/4 cases]")
'''

# --------------------------------------------------------------------------- the class
def _notebook(folder: Path) -> Path:
    return next(folder.glob(f"{SPRINT}_*.ipynb"))


def make_class(release: Path, submitted: Path, specs: list) -> dict:
    """``submitted/<student>/sprint1/`` for every scenario; returns facts the tests need."""
    src = release / SPRINT
    facts = {"wrong": wrong_exercise(specs).id,
             "syntax_module": specs[0].module}

    def start(student: str) -> Path:
        dest = submitted / student / SPRINT
        shutil.copytree(src, dest)
        return dest

    full = start("full")
    make_helpers(full)
    nb = nbformat.read(str(_notebook(full)), as_version=4)
    for cell in nb.cells:  # a written answer: it stays a manually graded cell
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "markdown":
            cell.source = "A perceptron draws one straight line, so XOR needs two layers."
    nbformat.write(nb, str(_notebook(full)))
    add_saved_output_cell(full)   # what the learner's own run printed, saved with the notebook

    start("untouched")

    wrong = start("wrong")
    make_helpers(wrong)
    spec = next(s for s in specs if s.id == facts["wrong"])
    with open(wrong / "helpers" / f"{spec.module}.py", "a") as fh:
        fh.write(f"\n\ndef {spec.name}(*args, **kwargs):\n    return 'a wrong answer'\n")
    # ... and deletes the check cell of an exercise it solved: still graded, and shown
    facts["deleted"] = next(s for s in specs if s.id != facts["wrong"]).id
    nb = nbformat.read(str(_notebook(wrong)), as_version=4)
    nb.cells = [c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get(
        "grade_id") != facts["deleted"].replace(".", "-")]
    nbformat.write(nb, str(_notebook(wrong)))

    truncated = start("truncated")
    make_helpers(truncated)
    text = _notebook(truncated).read_text()
    _notebook(truncated).write_text(text[: len(text) // 3])

    syntax = start("syntax")
    make_helpers(syntax)
    with open(syntax / "helpers" / f"{facts['syntax_module']}.py", "a") as fh:
        fh.write("\n\ndef broken(:\n    pass\n")

    # Stubs that patch NumPy's comparisons at import, and fake NumPy packages
    # (and a fake checker) beside the notebook and inside helpers/: two of tests/hostile/.
    files = start("hostile_files")
    for attack in FILE_ATTACKS:
        apply_attack(files, load_attack(attack))

    cell = start("hostile_cell")
    nb = nbformat.read(str(_notebook(cell)), as_version=4)
    at = next((i for i, c in enumerate(nb.cells)
               if c.cell_type == "code" and "from autograder import check" in c.source), 0)
    nb.cells.insert(at + 1, new_code_cell(FAKE_PASS_CELL))
    nb.cells.append(new_code_cell('print("✔ PASS  every exercise of sprint1")'))
    nbformat.write(nb, str(_notebook(cell)))
    module = cell / "helpers" / f"{facts['syntax_module']}.py"   # a link to the reference
    module.unlink()
    module.symlink_to(SOLUTIONS / module.name)

    return facts


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The default: no notebook runs (the feedback shows the outputs the learner saved)."""
    return _grade_class(tmp_path_factory.mktemp("grading"), STUDENTS, execute=False)


def _grade_class(tmp: Path, students, execute: bool) -> dict:
    repo = course_repo(tmp)
    specs = sprint_specs()
    release = course.release(tmp / "release", [SPRINT], repo=repo)
    submitted = tmp / "submitted"
    facts = make_class(release, submitted, specs)
    for folder in submitted.iterdir():
        if folder.name not in students:
            shutil.rmtree(folder)
    out = tmp / "course"
    summary = io.StringIO()
    t0 = time.perf_counter()
    terminal = tmp / "terminal.txt"
    with terminal_to(terminal):   # what reaches the instructor's terminal, at the fd level
        code = grading.grade(submitted, out, salt="test-salt", sprints=[SPRINT], repo=repo,
                             stream=summary, progress=False, execute_notebooks=execute)
    seconds = time.perf_counter() - t0
    rows = list(csv.DictReader(open(out / "grades.csv", encoding="utf-8")))
    return {"tmp": tmp, "repo": repo, "specs": specs, "release": release,
            "submitted": submitted, "out": out, "code": code, "summary": summary.getvalue(),
            "rows": rows, "facts": facts, "seconds": seconds,
            "terminal": terminal.read_text(encoding="utf-8", errors="replace")}


def scores(rows, student: str) -> dict:
    return {r["exercise"]: float(r["score"]) for r in rows if r["student"] == student}


def statuses(rows, student: str) -> dict:
    return {r["exercise"]: r["status"] for r in rows if r["student"] == student}


# --------------------------------------------------------------------------- the run
@pytest.mark.slow
def test_the_batch_is_graded_and_exits_0(graded):
    assert graded["code"] == 0, graded["summary"]
    ids = [s.id for s in graded["specs"]]
    for student in STUDENTS:
        assert list(scores(graded["rows"], student)) == ids, student
    assert list(graded["rows"][0]) == grading.CSV_COLUMNS
    print(f"\ngrading {len(STUDENTS)} students took {graded['seconds']:.1f} s")


@pytest.mark.slow
def test_reference_gets_full_marks_and_stubs_get_zero(graded):
    specs, rows = graded["specs"], graded["rows"]
    assert scores(rows, "full") == {s.id: s.points for s in specs}
    assert set(statuses(rows, "full").values()) == {PASSED}
    assert scores(rows, "untouched") == {s.id: 0 for s in specs}
    assert set(statuses(rows, "untouched").values()) == {NOT_IMPLEMENTED}


@pytest.mark.slow
def test_one_wrong_function_loses_exactly_its_points(graded):
    wrong = graded["facts"]["wrong"]
    expected = {s.id: (0 if s.id == wrong else s.points) for s in graded["specs"]}
    assert scores(graded["rows"], "wrong") == expected
    assert statuses(graded["rows"], "wrong")[wrong] == FAILED
    row = next(r for r in graded["rows"] if r["student"] == "wrong" and r["exercise"] == wrong)
    assert row["message"].startswith("public case 1 of")
    deleted = graded["facts"]["deleted"]
    assert f"wrong/{SPRINT}: check cell(s) deleted from the notebook: {deleted}" in \
        graded["summary"]
    page = visible_text(next((graded["out"] / "feedback" / "wrong" / SPRINT).glob("*.html")))
    assert re.search(rf"{re.escape(deleted)}\b.*\n.*outside the notebook: 1 of", page) or \
        re.search(rf"{re.escape(deleted)}\b.*\n.*outside the notebook: [\d.]+ of", page)


@pytest.mark.slow
def test_unreadable_notebook_is_reported_and_the_helpers_still_count(graded):
    specs = graded["specs"]
    assert scores(graded["rows"], "truncated") == {s.id: s.points for s in specs}
    problems = [ln for ln in graded["summary"].splitlines() if "truncated/" in ln]
    assert any("notebook could not be read" in ln and "helper code graded" in ln
               for ln in problems), graded["summary"]
    assert (graded["out"] / "feedback" / "truncated" / SPRINT).is_dir()


@pytest.mark.slow
def test_syntax_error_scores_that_module_0_and_is_reported(graded):
    module = graded["facts"]["syntax_module"]
    expected = {s.id: (0 if s.module == module else s.points) for s in graded["specs"]}
    assert scores(graded["rows"], "syntax") == expected
    assert all(st == ERROR for ex, st in statuses(graded["rows"], "syntax").items()
               if expected[ex] == 0)
    assert f"syntax/{SPRINT}: helpers/{module}.py has a syntax error" in graded["summary"]


@pytest.mark.slow
def test_hostile_submissions_gain_nothing(graded):
    rows = graded["rows"]
    for student in HOSTILE:
        assert sum(scores(rows, student).values()) == 0, (student, scores(rows, student))
    assert set(statuses(rows, "hostile_files").values()) == {NOT_IMPLEMENTED}
    module = graded["facts"]["syntax_module"]
    assert f"hostile_cell/{SPRINT}: symbolic link helpers/{module}.py ignored" in \
        graded["summary"]


@pytest.mark.slow
def test_summary_lists_each_student_total(graded):
    total = sum(s.points for s in graded["specs"])
    lines = graded["summary"].splitlines()
    for student in STUDENTS:
        got = sum(scores(graded["rows"], student).values())
        row = next(ln for ln in lines if ln.split()[:1] == [student])
        assert row.split()[-1] == f"{got:g}/{total:g}", row
    assert "Problems:" in graded["summary"]
    assert (graded["out"] / "summary.txt").read_text().strip() == graded["summary"].strip()


@pytest.mark.slow
def test_by_default_no_notebook_runs_and_the_feedback_shows_the_saved_outputs(graded):
    log = (graded["out"] / "logs" / f"{SPRINT}__full.log").read_text(encoding="utf-8")
    assert "--- the kernel's own output" not in log      # no kernel was started
    runtime = graded["out"] / ".jail" / "runtime"            # where a kernel's sockets go
    assert not runtime.exists() or not list(runtime.iterdir())
    full = visible_text(next((graded["out"] / "feedback" / "full" / SPRINT).glob("*.html")))
    assert SAVED_OUTPUT in full                          # the learner's own output...
    assert "checks graded outside: 1" not in full        # ... not one of a run of the grader
    assert "Graded by the course's grader, outside the notebook" in full
    # free-text answers are still nbgrader's manually graded cells (test below); the run
    # with --execute-notebooks is checked by tests/test_grading_hostile.py's second batch


def test_check_is_a_no_op_only_in_the_graders_kernel(monkeypatch, capsys, tmp_path):
    """``COURSE_GRADED_OUTSIDE`` skips checks under nbgrader only; alone it changes nothing."""
    from autograder.learner.check import check

    from .conftest import HELPERS

    shutil.copytree(HELPERS, tmp_path / "helpers")   # the stubs (progress is saved beside)
    ex = sprint_specs()[0].id
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    monkeypatch.setenv("COURSE_GRADED_OUTSIDE", "1")
    check(ex, helpers=tmp_path / "helpers")                          # the stubs: would fail
    assert "graded by the course's grader" in capsys.readouterr().out
    monkeypatch.delenv("COURSE_GRADED_OUTSIDE")
    with pytest.raises(AssertionError, match="not passed yet"):
        check(ex, helpers=tmp_path / "helpers")   # plain nbgrader: the check runs
    monkeypatch.delenv("NBGRADER_EXECUTION")
    monkeypatch.setenv("COURSE_GRADED_OUTSIDE", "1")
    check(ex, helpers=tmp_path / "helpers")                          # a learner's machine: it runs
    assert "TODO" in capsys.readouterr().out


@pytest.mark.slow
def test_feedback_is_html_only_with_trusted_results(graded):
    out = graded["out"]
    for student in STUDENTS:
        folder = out / "feedback" / student / SPRINT
        files = [p for p in folder.rglob("*") if p.is_file()]
        assert files and all(p.suffix == ".html" for p in files), (student, files)
    full = visible_text(next((out / "feedback" / "full" / SPRINT).glob("*.html")))
    assert "Graded by the course's grader, outside the notebook" in full
    fooled = visible_text(next((out / "feedback" / "hostile_cell" / SPRINT).glob("*.html")))
    for spec in graded["specs"]:
        assert re.search(rf"{re.escape(spec.id)}\b.*\n.*outside the notebook: 0 of", fooled), \
            spec.id
    assert re.search(r"\(Score: 0(\.0)? / [\d.]+\)", fooled), fooled[:500]


@pytest.mark.slow
def test_no_reference_source_or_hidden_case_in_feedback_or_csv(graded):
    out = graded["out"]
    texts = {"grades.csv": (out / "grades.csv").read_text(encoding="utf-8")}
    for page in (out / "feedback").rglob("*.html"):
        texts[str(page.relative_to(out))] = visible_text(page)
    secrets = reference_secrets()
    public_labels = set()
    hidden_labels = set()
    for spec in graded["specs"]:
        public_labels |= {p.label for p in spec.public_cases()}
        hidden_labels |= {p.label for p in spec.hidden_cases("test-salt")}
    hidden_only = {label for label in hidden_labels - public_labels if len(label) > 12}
    for name, text in texts.items():
        lines = {ln.strip() for ln in text.splitlines()}
        assert not (set(secrets) & lines), name
        for label in hidden_only:
            assert label not in text, (name, label)


@pytest.mark.slow
def test_gradebook_agrees_with_grades_csv(graded):
    db = sqlite3.connect(graded["out"] / "gradebook.db")
    query = ("SELECT st.id, a.name, bc.name, g.auto_score, g.manual_score, "
             f"g.needs_manual_grade {GRADEBOOK_JOINS}")
    rows = db.execute(query).fetchall()
    db.close()
    by_key = {(s, a, cell): (auto, manual, need) for s, a, cell, auto, manual, need in rows}
    assert len(by_key) == len(rows)
    check_ids = {s.grade_id for s in graded["specs"]}
    for r in graded["rows"]:
        auto, manual, need = by_key[(r["student"], r["assignment"],
                                     r["exercise"].replace(".", "-"))]
        assert manual is None and not need and auto == pytest.approx(float(r["score"])), r
    answers = {k: v for k, v in by_key.items() if k[2] not in check_ids}
    assert answers, "the notebook has no discussion cell"
    assert all(need for (student, _, _), (_, _, need) in answers.items()
               if student == "full"), answers


@pytest.mark.slow
def test_regrading_the_same_folder_gives_the_same_grades(graded, tmp_path):
    # A copy of the graded course folder (so the other tests keep reading the first run),
    # regraded with one of its students: the course is rebuilt, the submission regraded.
    out = tmp_path / "course"
    shutil.copytree(graded["out"], out)
    again = tmp_path / "submitted"
    shutil.copytree(graded["submitted"] / "wrong", again / "wrong")
    code = grading.grade(again, out, salt="test-salt", sprints=[SPRINT], repo=graded["repo"],
                         stream=io.StringIO())
    assert code == 0
    rows = list(csv.DictReader(open(out / "grades.csv", encoding="utf-8")))
    assert rows == [r for r in graded["rows"] if r["student"] == "wrong"]
    db = sqlite3.connect(out / "gradebook.db")
    dupes = db.execute("SELECT COUNT(*) FROM grade GROUP BY cell_id, notebook_id "
                       "HAVING COUNT(*) > 1").fetchall()
    students = db.execute("SELECT COUNT(*) FROM student").fetchone()[0]
    db.close()
    assert not dupes and students == len(STUDENTS)


# --------------------------------------------------------------------------- no nbgrader
def test_hidden_case_messages_never_carry_the_learners_text(tmp_path):
    """A helper that prints or raises what it sees cannot smuggle hidden cases out."""
    spec = next(s for s in sprint_specs() if s.exercise.generate is not None)
    pkg = tmp_path / "helpers"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    public, hidden = spec.public_cases(), spec.hidden_cases("s")
    target = f"_{spec.name}" if inspect.isclass(spec.exercise.reference_target()) else spec.name
    alias = f"\n{spec.name} = {target}\n" if target != spec.name else "\n"
    leaks = {
        "raises its inputs": f"def {target}(*args, **kwargs):\n"
                             f"    raise ValueError('LEAK ' + repr(args))\n" + alias,
        "prints them and dies": f"import os\n\ndef {target}(*args, **kwargs):\n"
                                f"    print('LEAK', repr(args), flush=True)\n"
                                f"    os._exit(3)\n" + alias,
        "reads the job at import": "raise ImportError('LEAK ' + open('job.json').read())\n",
    }
    for what, source in leaks.items():
        (pkg / f"{spec.module}.py").write_text(source)
        # the attack is real: the learner's text is in what the child sent back
        (raw,) = sandbox.run_jobs(pkg, [sandbox.Job(spec.module, spec.name,
                                                    [p.case.call() for p in hidden])])
        assert "LEAK" in repr(raw.results) or raw.crashed, what
        graded = evaluate(spec, hidden, pkg)   # ... and none of it is kept, even as data
        assert "LEAK" not in repr(graded), what
        only_hidden = grading.grade_exercise(spec, [], hidden, pkg)
        assert only_hidden.result.score == 0
        assert "LEAK" not in grading.trusted_text(only_hidden), what
        assert "LEAK" not in grading.csv_message(only_hidden.result), what
        both = grading.grade_exercise(spec, public, hidden, pkg)   # public text is shown
        assert both.result.message.startswith("public case 1 of") or both.result.status == ERROR
        assert (both.n_public, both.n_hidden) == (len(public), len(hidden))


def test_a_failed_notebook_is_run_again_only_if_the_released_one_runs_other_code(tmp_path):
    from nbformat.v4 import new_markdown_cell, new_notebook

    released = new_notebook(cells=[new_markdown_cell("Problem 1"), new_code_cell("x = 1"),
                                   new_code_cell('check("a")')])
    data = nbformat.writes(released).encode()
    path = tmp_path / "nb.ipynb"

    def learner(*cells) -> Path:
        nbformat.write(new_notebook(cells=list(cells)), str(path))
        return path

    answered = learner(new_markdown_cell("My answer"), new_code_cell("x = 1"),
                       new_code_cell('check("a")'))
    assert grading.same_code(answered, data)            # same code, same helpers: no retry
    added = learner(new_code_cell("x = 1"), new_code_cell("while True: pass"),
                    new_code_cell('check("a")'))
    assert not grading.same_code(added, data)           # the released notebook may run
    path.write_text("{not json")
    assert not grading.same_code(path, data)


def test_grade_refuses_overlapping_folders(tmp_path, capsys):
    (tmp_path / "course" / "submitted" / "alice" / SPRINT).mkdir(parents=True)
    assert grading.grade(tmp_path / "course" / "submitted", tmp_path / "course") == 1
    assert "overlap" in capsys.readouterr().err


def test_feedback_cleaning_keeps_the_html_and_what_release_feedback_needs(tmp_path):
    from autograder.instructor.grading import clean_feedback
    folder = tmp_path / "feedback" / "alice" / "sprint1"
    (folder / "helpers").mkdir(parents=True)
    for name in ("sprint1_perceptron.html", "timestamp.txt", "submission_secret.txt",
                 "helpers/perceptron.py", "autograder.py", "mine.html", "helpers/x.html"):
        (folder / name).write_text("x")
    (folder / "helpers" / "timestamp.txt").write_text("x")
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (folder / "leak.html").symlink_to(secret)
    os.mkfifo(folder / "pipe.html")
    clean_feedback(folder, "sprint1_perceptron.html")
    left = sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))
    assert left == ["sprint1_perceptron.html", "submission_secret.txt", "timestamp.txt"]
    assert secret.read_text() == "secret"


def test_intake_refuses_unsafe_student_ids_and_follows_no_link(tmp_path):
    sub = tmp_path / "submitted"
    names = ["alice", "山田_太郎", "victim*", "a" * 65, "-rf", "b[c]", "d?"]
    for name in names:
        (sub / name / SPRINT).mkdir(parents=True)
    (sub / os.fsdecode(b"bad\xff") / SPRINT).mkdir(parents=True)
    (sub / "linked").symlink_to(sub / "alice")
    (sub / "carol").mkdir()
    (sub / "carol" / SPRINT).symlink_to(sub / "alice" / SPRINT)
    sprints = {SPRINT: object()}
    found, skipped = grading.find_submissions(sub, sprints)
    assert [s.student for s in found] == ["alice", "山田_太郎"]
    text = "\n".join(map(str, skipped))
    for name in ("victim*", "-rf", "b[c]", "d?", "bad\\udcff", "linked", "carol/" + SPRINT):
        assert name in text, (name, text)
    assert all(ch.isprintable() for ch in text.replace("\n", ""))


def test_printable_escapes_terminal_control_and_undecodable_bytes():
    assert grading.printable("ok\tfine\nnext") == "ok\tfine\nnext"
    assert grading.printable("\x1b[2J\x1b]0;t\x07x") == "\\x1b[2J\\x1b]0;t\\x07x"
    assert grading.printable("\u202eevil") == "\\u202eevil"
    assert grading.shown(b"a\xffb") == "a\\udcffb"
    assert grading.shown("x\nhonest/sprint1: fine") == "x\\nhonest/sprint1: fine"
    assert len(grading.capped("x" * 10_000)) == grading.MAX_MESSAGE_CHARS


def test_copy_keeps_regular_files_only_with_notes(tmp_path):
    src, dest = tmp_path / "src", tmp_path / "dest"
    (src / "helpers").mkdir(parents=True)
    (src / "helpers" / "perceptron.py").write_text("x = 1\n")
    (src / "helpers" / "ref.py").symlink_to(tmp_path / "outside.py")
    (tmp_path / "outside.py").write_text("SECRET")
    os.mkfifo(src / "pipe.txt")
    with open(src / "sparse.bin", "wb") as fh:
        fh.truncate(grading.MAX_FILE_BYTES + 1)
    (src / os.fsdecode(b"\xff.py")).write_text("")
    sub = grading.Submission("alice", SPRINT, None)
    _copy_tree(src, dest, sub)
    assert sorted(str(p.relative_to(dest)) for p in dest.rglob("*")) == \
        ["helpers", "helpers/perceptron.py"]
    notes = "\n".join(map(str, sub.problems))
    for what in ("helpers/ref.py", "pipe.txt", "sparse.bin", "\\udcff.py"):
        assert what in notes, (what, notes)


def test_copy_notes_why_each_entry_is_left_out(tmp_path):
    """One note per entry left out, naming it and the rule: a link, a FIFO, an unsafe name,
    a folder too deep, a file too large, a file past the submission's file count."""
    from autograder.instructor.grading import submitted

    src, dest = tmp_path / "src", tmp_path / "dest"
    deep = src.joinpath(*[f"d{i}" for i in range(submitted.MAX_DEPTH + 1)])
    deep.mkdir(parents=True)
    (deep / "lost.py").write_text("")
    (src / "a_link.py").symlink_to(tmp_path / "elsewhere.py")
    os.mkfifo(src / "b_pipe")
    (src / "c*.py").write_text("")
    with open(src / "e_big.bin", "wb") as fh:
        fh.truncate(submitted.MAX_FILE_BYTES + 1)
    for name in ("f_kept.py", "g_one_too_many.py"):
        (src / name).write_text("x = 1\n")
    sub = grading.Submission("alice", SPRINT, None)
    _copy_tree(src, dest, sub, budget=submitted._Budget(files=1))
    kept = sorted(str(p.relative_to(dest)) for p in dest.rglob("*") if p.is_file())
    assert kept == ["f_kept.py"], kept
    why = {"a_link.py": "symbolic link", "b_pipe": "not a regular file",
           "c*.py": "a file name with characters other than",
           "/".join(deep.relative_to(src).parts): f"nested deeper than {submitted.MAX_DEPTH}",
           "e_big.bin": "larger than 50 MB", "g_one_too_many.py": "past the submission's"}
    assert len(sub.problems) == len(why), sub.problems
    for name, reason in why.items():
        assert any(name in str(note) and reason in str(note) for note in sub.problems), \
            (name, reason, sub.problems)


def test_grade_refuses_to_start_without_a_jail_unless_told(tmp_path, monkeypatch, capsys):
    from autograder.instructor import jail

    (tmp_path / "submitted" / "alice" / SPRINT).mkdir(parents=True)
    broken = jail.Jail("none", "bubblewrap (bwrap) is not installed")
    monkeypatch.setattr(jail, "detect", lambda: broken)
    monkeypatch.delenv("COURSE_JAIL", raising=False)
    assert grading.grade(tmp_path / "submitted", tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert "refusing to grade" in err and "--no-jail" in err
    assert not (tmp_path / "out").exists()   # nothing was built, nothing ran


def test_the_course_salt_is_random_kept_and_private(tmp_path):
    first = course.course_salt(tmp_path)
    assert len(first) >= 32 and course.course_salt(tmp_path) == first
    assert (tmp_path / course.SALT_FILE).stat().st_mode & 0o777 == 0o600
    other = tmp_path / "other"
    other.mkdir()
    assert course.course_salt(other) != first
    assert course.course_salt(other, "given") == "given"


def test_the_grader_version_changes_with_the_reference(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(SOLUTIONS, repo / "solutions",
                    ignore=shutil.ignore_patterns("__pycache__"))
    before = grading.grader_version(repo)
    (repo / "solutions" / "perceptron.py").write_text(
        (repo / "solutions" / "perceptron.py").read_text() + "\n# a fix\n")
    assert grading.grader_version(repo) != before
    folder = tmp_path / "sub"
    folder.mkdir()
    (folder / "a.py").write_text("x")
    assert grading.fingerprint(folder, "s", b"nb", "v1") != \
        grading.fingerprint(folder, "s", b"nb", "v2")


def test_the_interpreter_is_handed_to_the_jail_by_a_resolved_path(tmp_path, monkeypatch):
    """A relative or linked ``venv/bin/python`` is not found inside the jail, which shows
    only resolved paths: its folders are resolved, its name (a link into the venv) kept."""
    from autograder.instructor import jail

    real = tmp_path / "real" / "venv" / "bin"
    real.mkdir(parents=True)
    (real / "python").symlink_to(sys.executable)
    (tmp_path / "linked").symlink_to(tmp_path / "real")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    expected = str(real / "python")
    assert jail.program_path("../linked/venv/bin/python") == expected
    assert jail.program_path("python3") == "python3"
    cmd = jail.Jail("bwrap").command(["../linked/venv/bin/python", "-c", "1"], cwd=work)
    assert cmd[cmd.index("--") + 1:][:1] == [expected]


@pytest.mark.slow
def test_grading_unjailed_when_told_says_so_in_the_summary_and_exit_status(tmp_path,
                                                                          monkeypatch):
    from autograder.instructor import jail

    repo = course_repo(tmp_path)
    release = course.release(tmp_path / "release", [SPRINT], repo=repo)
    submitted = tmp_path / "submitted"
    shutil.copytree(release / SPRINT, submitted / "alice" / SPRINT)
    make_helpers(submitted / "alice" / SPRINT)
    monkeypatch.setattr(jail, "detect", lambda: jail.Jail("none", "no bubblewrap here"))
    monkeypatch.setenv("COURSE_JAIL", "none")   # the kernel's own detect() agrees
    summary = io.StringIO()
    code = grading.grade(submitted, tmp_path / "out", sprints=[SPRINT], repo=repo,
                         stream=summary, progress=False, no_jail=True)
    assert code == grading.UNJAILED, summary.getvalue()
    text = (tmp_path / "out" / "summary.txt").read_text(encoding="utf-8")
    assert text.startswith("LEARNER CODE RAN UNJAILED")
    assert "Hidden cases: the course's own salt" in text
    assert (tmp_path / "out" / course.SALT_FILE).is_file()


def test_a_step_run_twice_costs_the_sum_and_the_state_file_holds_it(tmp_path):
    import json

    from autograder.instructor.grading.submission import _timed

    sub = grading.Submission("alice", SPRINT, None)
    costs = []
    for _ in range(2):
        with _timed(sub, "trusted"):
            sum(range(300_000))
        costs.append(sub.timing["trusted"])
    first, both = costs
    assert isinstance(both, grading.StepTime) and both.wall > first.wall > 0 and \
        both.cpu >= first.cpu > 0, "_timed: a step's cost adds up over its runs"
    grading.write_state(tmp_path, sub, "fp", "graded")
    doc = json.loads(next((tmp_path / "state").glob("*.json")).read_text(encoding="utf-8"))
    assert doc["timing"] == {"trusted": both.as_dict()}, \
        "write_state: each step's cost as plain numbers (benchmarks/grading.py reads them)"
