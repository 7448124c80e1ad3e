"""Grade submissions with nbgrader, with the helper code scored by a trusted grader.

``python -m autograder grade SUBMITTED --out OUT`` takes nbgrader's collected layout
``SUBMITTED/<student>/<assignment>/`` (an assignment is a sprint: ``sprint1``...) and:

1. builds the nbgrader course in ``OUT`` (:func:`autograder.course.build`; rerunning on the
   same ``OUT`` rebuilds and regrades) and copies the submissions to ``OUT/submitted/``;
2. pre-flights each submission: a missing or unreadable notebook is replaced by the released
   one (so nbgrader grades the rest and the helper code still counts), symbolic links are
   dropped, ``helpers/`` syntax errors and missing modules are noted;
3. grades the helper code *outside* the notebook kernel: each exercise's public and hidden
   cases (prepared once per exercise) run against a copy of the student's ``helpers/*.py`` in
   sandboxed children of :mod:`autograder.sandbox` (one for every public case, another for
   every hidden case, so only the grader's own words about hidden cases reach the feedback),
   compared in this process. This happens before any of the students' notebooks runs;
4. runs ``nbgrader autograde`` per student and assignment (a failure is noted and retried with
   the released notebook when that runs other code; the batch never stops), with
   ``COURSE_QUICK=1`` so long experiments run short and ``COURSE_GRADED_OUTSIDE=1`` so the
   check cells do not grade a second time;
5. writes the trusted scores into the gradebook (each check cell's grade: ``auto_score``, no
   manual grade needed), overriding whatever the kernel reported (learner code in the kernel
   can patch ``numpy.allclose``, builtins, add cells printing "PASS"...), and puts the trusted
   result in each check cell's output of the autograded notebook;
6. generates the feedback (HTML only: nbgrader's copies of other files are removed) and
   writes ``OUT/grades.csv`` (one row per student, assignment and exercise) and a summary
   with each student's total and problems.

Free-text discussion cells stay nbgrader manually graded cells (grade them in formgrader).

At class scale (:func:`grade`): steps 2-6 run per submission in forked worker processes
(``workers`` at a time, a wall-clock limit per submission, a tqdm progress bar); learner code (the
trusted child and the notebook's kernel) runs in the jail of :mod:`autograder.jail`; each
submission ends with a state record ``OUT/state/<student>-<assignment>.json`` and gradebook
rows (its score, or 0 and the reason it could not be graded), so a killed run resumes and
``regrade=[student]`` touches only that student. Public API: :func:`grade`,
:func:`grade_submission`, :func:`grade_prepared`, :func:`grade_exercise`,
:func:`grade_exercises`, :func:`find_submissions`, :func:`preflight`, :func:`write_gradebook`,
:func:`trusted_text`, :func:`csv_message`, :func:`hidden_message`, :func:`read_state`.
"""
from __future__ import annotations

import csv
import os
import shutil
import signal
import stat
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import course
from .check import GRADED_OUTSIDE
from .evaluate import ERROR, ExerciseResult
from .trusted import (  # noqa: F401 - public API of the grading module
    CSV_EXTRA_COLUMNS, Trusted, _first_line, combine, csv_extra, csv_message, grade_exercise,
    grade_exercises, hidden_message, trusted_text)
from .verdict import render

CSV_COLUMNS = ["student", "assignment", "exercise", "score", "max_score", "status", "message",
               *CSV_EXTRA_COLUMNS]
MAX_HELPER_BYTES = 1_000_000   # a larger helpers/*.py is not graded
NOTEBOOK_FALLBACK = "helper code graded, free-text answers scored 0"
STUDENT_TIMEOUT = 600.0        # wall-clock seconds for grading one submission


@dataclass
class Submission:
    """One student's submission of one assignment, and what grading found."""

    student: str
    assignment: str
    sprint: course.Sprint
    problems: list = field(default_factory=list)
    helpers: dict | None = None          # {file name: bytes} of helpers/*.py; None: no helpers/
    trusted: list = field(default_factory=list)   # Trusted per exercise, course order
    notebook_replaced: bool = False
    autograded: bool = False
    reason: str = ""     # why the submission could not be graded (it then scores 0)

    @property
    def results(self) -> list:
        """The :class:`ExerciseResult` of each exercise, in course order."""
        return [t.result for t in self.trusted]

    @property
    def key(self) -> str:
        return f"{self.student}/{self.assignment}"

    def note(self, text: str) -> None:
        if text not in self.problems:
            self.problems.append(text)


# --------------------------------------------------------------------------- small helpers
@contextmanager
def _quiet(log_path: Path):
    """Send what nbgrader's kernels and libraries print (file descriptor 2) to ``log_path``."""
    import warnings

    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(log_path, "ab") as fh, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            os.dup2(fh.fileno(), 2)
            try:
                yield
            finally:
                try:
                    sys.stderr.flush()
                except Exception:  # noqa: BLE001 - a replaced sys.stderr
                    pass
                os.dup2(saved, 2)
    finally:
        os.close(saved)


@contextmanager
def _env(**values):
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _copy_tree(src: Path, dest: Path, sub: Submission, root: Path | None = None) -> None:
    """Copy a submission folder; symbolic links and caches are left out."""
    root = root or src
    dest.mkdir(parents=True, exist_ok=True)
    for entry in sorted(src.iterdir(), key=lambda p: p.name):
        if entry.name in ("__pycache__", ".ipynb_checkpoints"):
            continue
        if entry.is_symlink():
            sub.note(f"symbolic link {entry.relative_to(root)} ignored (submit real files)")
            continue
        if entry.is_dir():
            _copy_tree(entry, dest / entry.name, sub, root)
        elif entry.is_file():
            shutil.copyfile(entry, dest / entry.name)


def _read_notebook(path: Path):
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    return nb


# --------------------------------------------------------------------------- the steps
def find_submissions(submitted_dir: Path, sprints: dict, wanted=None):
    """``(submissions, skipped)``: the student/assignment folders to grade and the others."""
    found, skipped = [], []
    for student_dir in sorted(p for p in submitted_dir.iterdir() if p.is_dir()):
        if student_dir.name.startswith("."):
            continue
        if student_dir.is_symlink():
            skipped.append(f"{student_dir.name}: a symbolic link, not graded")
            continue
        for adir in sorted(p for p in student_dir.iterdir() if p.is_dir()):
            if adir.name.startswith("."):
                continue
            if adir.is_symlink():
                skipped.append(f"{student_dir.name}/{adir.name}: a symbolic link, not graded")
                continue
            if wanted and adir.name not in wanted:
                continue
            if adir.name not in sprints:
                skipped.append(f"{student_dir.name}/{adir.name}: not an assignment of the "
                               f"course (sprints: {', '.join(sprints)}), not graded")
                continue
            found.append(Submission(student_dir.name, adir.name, sprints[adir.name]))
    return found, skipped


def preflight(sub: Submission, folder: Path, released: bytes) -> None:
    """Make the copied submission gradable and note what is wrong with it."""
    nb_name = sub.sprint.notebook.name
    nb_path = folder / nb_name
    problem = None
    if not nb_path.is_file():
        others = sorted(p.name for p in folder.glob("*.ipynb"))
        problem = (f"notebook {nb_name} missing" +
                   (f" (found {', '.join(others)})" if others else ""))
    else:
        try:
            _read_notebook(nb_path)
        except Exception as exc:  # noqa: BLE001 - truncated, not JSON, invalid...
            detail = ("not valid JSON (truncated, or not a notebook)"
                      if type(exc).__name__ == "NotJSONError" else _first_line(str(exc), 160))
            problem = f"notebook could not be read: {type(exc).__name__}: {detail}"
    if problem:
        replace_notebook(sub, folder, released, problem)

    helpers = folder / "helpers"
    if not helpers.is_dir():
        sub.helpers = None
        sub.note("no helpers/ folder submitted: every exercise scores 0")
        return
    files = {}
    for f in sorted(helpers.glob("*.py")):
        if not f.is_file() or f.is_symlink():
            continue
        data = f.read_bytes()
        if len(data) > MAX_HELPER_BYTES:
            sub.note(f"helpers/{f.name} is larger than {MAX_HELPER_BYTES // 1000} kB: not graded")
            continue
        files[f.name] = data
        try:
            compile(data, f"helpers/{f.name}", "exec", dont_inherit=True)
        except SyntaxError as exc:
            sub.note(f"helpers/{f.name} has a syntax error (line {exc.lineno}: {exc.msg}): "
                     "its exercises score 0")
        except Exception as exc:  # noqa: BLE001 - null bytes, nesting too deep...
            sub.note(f"helpers/{f.name} cannot be compiled ({type(exc).__name__}): its "
                     "exercises score 0")
    sub.helpers = files
    for module in dict.fromkeys(s.module for s in sub.sprint.exercises):
        if f"{module}.py" not in files:
            sub.note(f"helpers/{module}.py missing: its exercises score 0")


def same_code(path: Path, released: bytes) -> bool:
    """Whether the notebook at ``path`` has exactly the released notebook's code cells.

    Running the released notebook instead would then run the same code on the same helpers:
    no point in a second try (a helper that hangs the kernel would cost its time twice).
    """
    import nbformat

    try:
        mine = _read_notebook(path)
        theirs = nbformat.reads(released.decode("utf-8"), as_version=4)
    except Exception:  # noqa: BLE001 - unreadable: not the same
        return False
    code = [[c.source for c in nb.cells if c.cell_type == "code"] for nb in (mine, theirs)]
    return code[0] == code[1]


def replace_notebook(sub: Submission, folder: Path, released: bytes, why: str) -> None:
    """Put the released notebook (its bytes, read before any learner code ran) in place."""
    target = folder / sub.sprint.notebook.name
    if target.exists() or target.is_symlink():
        target.unlink()
    target.write_bytes(released)
    sub.notebook_replaced = True
    sub.note(f"{why}; {NOTEBOOK_FALLBACK}")


def _note_error(sub: Submission, spec, result: ExerciseResult) -> None:
    """A problem for the summary: a module that does not import, a crash, a timeout."""
    module = f"helpers/{spec.module}.py"
    if result.outcome is not None and result.outcome.kind == "import_error":
        if any(p.startswith(f"{module} has a syntax error") for p in sub.problems):
            return
        detail = _first_line(render(result.outcome, graded=True), 200)
        sub.note(f"{module} could not be imported ({detail}): its exercises score 0")
    else:
        sub.note(f"{spec.id}: {_first_line(render(result.outcome, graded=True), 200)}")


def run_autograde(api, sub: Submission, out_dir: Path, log_dir: Path, released: bytes,
                  ) -> None:
    """nbgrader autograde for one submission; never raises."""
    folder = out_dir / "submitted" / sub.student / sub.assignment
    nb_out = out_dir / "autograded" / sub.student / sub.assignment / sub.sprint.notebook.name
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{sub.assignment}__{sub.student}.log"
    log_path.write_text("")
    attempt, locked = 0, 0
    while attempt < 2:
        attempt += 1
        try:
            with _env(COURSE_QUICK="1", **{GRADED_OUTSIDE: "1"}), _quiet(log_path), \
                    _kernel_runtime(api, out_dir, log_path):
                result = api.autograde(sub.assignment, sub.student, force=True, create=True)
        except Exception as exc:  # noqa: BLE001 - nbgrader must not stop the batch
            result = {"success": False, "error": f"{type(exc).__name__}: {exc}"}
        if not result.get("success") and "database is locked" in course.failure_text(result) \
                and locked < 5:
            locked += 1          # another worker was writing the SQLite gradebook: again
            attempt -= 1
            time.sleep(locked)
            continue
        with open(log_path, "a", encoding="utf-8") as fh:
            fh.write(f"--- nbgrader autograde, attempt {attempt}\n")
            fh.write((result.get("log") or "") + (result.get("error") or ""))
        if result.get("success") and nb_out.is_file():
            sub.autograded = True
            return
        why = f"nbgrader autograde failed ({course.failure_text(result)[:300]})"
        if attempt == 1 and not sub.notebook_replaced and \
                not same_code(folder / sub.sprint.notebook.name, released):
            replace_notebook(sub, folder, released, why)
            continue
        sub.note(f"{why}: no autograded notebook or feedback; helper code graded")
        return


def write_gradebook(api, subs: list) -> list:
    """Put the trusted scores in the gradebook; returns course-level problems.

    Only the rows of ``subs`` change; the write holds the course's gradebook lock.
    """
    from nbgrader.api import Gradebook, MissingEntry

    problems = []
    with gradebook_lock(api), Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        for sub in subs:
            nb_id = sub.sprint.notebook_id
            for spec, result in zip(sub.sprint.exercises, sub.results):
                try:
                    grade = gb.find_grade(spec.grade_id, nb_id, sub.assignment, sub.student)
                except MissingEntry:
                    try:
                        gb.update_or_create_submission(sub.assignment, sub.student)
                        grade = gb.find_grade(spec.grade_id, nb_id, sub.assignment, sub.student)
                    except MissingEntry:
                        problems.append(f"{sub.assignment}: the notebook has no check cell "
                                        f"with grade_id {spec.grade_id!r}")
                        continue
                if grade.max_score != spec.points:
                    problems.append(f"{sub.assignment}: check cell {spec.grade_id} gives "
                                    f"{grade.max_score:g} points, the registry {spec.points:g}")
                grade.auto_score = float(result.score)
                grade.manual_score = None
                grade.extra_credit = None
                grade.needs_manual_grade = False
                _set_comment(gb, spec.grade_id, nb_id, sub, sub.reason)
        gb.db.commit()
    return sorted(set(problems))


def _writable(path: Path):
    mode = path.stat().st_mode
    path.chmod(mode | stat.S_IWUSR)
    return mode


def rewrite_check_cells(sub: Submission, out_dir: Path) -> None:
    """Each check cell of the autograded notebook shows the trusted result."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_output

    path = out_dir / "autograded" / sub.student / sub.assignment / sub.sprint.notebook.name
    if not path.is_file():
        return
    mode = _writable(path)
    nb = nbformat.read(str(path), as_version=4)
    by_id = {spec.grade_id: t for spec, t in zip(sub.sprint.exercises, sub.trusted)}
    seen = set()
    for cell in nb.cells:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if cell.cell_type == "code" and gid in by_id:
            cell.outputs = [new_output("stream", name="stdout", text=trusted_text(by_id[gid]))]
            seen.add(gid)
    missing = [spec for spec in sub.sprint.exercises if spec.grade_id not in seen]
    if missing:  # a deleted check cell: put it back at the end, with its result
        for spec in missing:
            cell = new_code_cell(f'check("{spec.id}")')
            cell.metadata["nbgrader"] = {"grade": True, "grade_id": spec.grade_id,
                                         "locked": True, "points": spec.points,
                                         "solution": False, "task": False,
                                         "schema_version": 3}
            cell.outputs = [new_output("stream", name="stdout",
                                       text=trusted_text(by_id[spec.grade_id]))]
            nb.cells.append(cell)
        sub.note("check cell(s) deleted from the notebook: "
                 f"{', '.join(s.id for s in missing)} (put back at the end of the feedback; "
                 "the helper code is graded all the same)")
    nbformat.write(nb, str(path))
    path.chmod(mode)


# nbgrader's release_feedback reads these two beside the HTML to find the submission
FEEDBACK_KEEP = ("timestamp.txt", "submission_secret.txt")


def clean_feedback(folder: Path) -> None:
    """Keep only the HTML in a feedback folder (nbgrader copies the assignment's files).

    The submission's ``timestamp.txt`` and ``submission_secret.txt`` stay too: nbgrader's
    ``release_feedback`` needs them.
    """
    if not folder.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(folder, topdown=False):
        for name in filenames:
            p = Path(dirpath) / name
            if p.is_symlink() or (p.suffix.lower() != ".html"
                                  and not (Path(dirpath) == folder and name in FEEDBACK_KEEP)):
                p.unlink()
        for name in dirnames:
            d = Path(dirpath) / name
            if d.is_symlink():
                d.unlink()
            elif not any(d.iterdir()):
                d.rmdir()


def write_csv(path: Path, subs: list) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
        for sub in sorted(subs, key=lambda s: (s.student, course._sprint_number(s.assignment))):
            for r in sub.results:
                writer.writerow([sub.student, sub.assignment, r.id, f"{r.score:g}",
                                 f"{r.points:g}", r.status, csv_message(r), *csv_extra(r)])


def summary(subs: list, skipped: list, course_problems: list, out_dir: Path,
            seconds: float) -> str:
    students = sorted({s.student for s in subs})
    assignments = sorted({s.assignment for s in subs}, key=course._sprint_number)
    table = {(s.student, s.assignment): s for s in subs}
    width = max([len("student"), *map(len, students)]) + 2
    lines = [f"Graded {len(subs)} submission(s) of {len(students)} student(s) "
             f"({', '.join(assignments)}) in {seconds:.0f} s.",
             f"Grades: {out_dir / 'grades.csv'}   feedback: {out_dir / 'feedback'}/",
             "Free-text answers are graded by hand (nbgrader formgrader, course folder "
             f"{out_dir}).", "",
             "student".ljust(width) + "".join(a.ljust(12) for a in assignments) + "total"]
    for st in students:
        row, got, tot = st.ljust(width), 0.0, 0.0
        for a in assignments:
            sub = table.get((st, a))
            if sub is None:
                row += "-".ljust(12)
                continue
            score = sum(r.score for r in sub.results)
            points = sum(r.points for r in sub.results)
            got, tot = got + score, tot + points
            row += f"{score:g}/{points:g}".ljust(12)
        lines.append(row + f"{got:g}/{tot:g}")
    problems = [(s.key, p) for s in sorted(subs, key=lambda s: (s.student, s.assignment))
                for p in s.problems]
    lines.append("")
    if problems or skipped:
        lines.append("Problems:")
        lines += [f"  {key}: {p}" for key, p in problems]
        lines += [f"  {p}" for p in skipped]
    else:
        lines.append("Problems: none")
    if course_problems:
        lines += ["", "Course problems (the grader could not record every grade):"]
        lines += [f"  {p}" for p in course_problems]
    return "\n".join(lines)


# --------------------------------------------------------------------------- class scale
@contextmanager
def gradebook_lock(api):
    """One writer at a time on the gradebook (workers grade in parallel; SQLite locks)."""
    import fcntl

    path = Path(api.coursedir.root) / ".gradebook.lock"
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ensure_students(api, students: list) -> None:
    """Every student in the gradebook before the workers start.

    nbgrader's autograde creates a missing student (find, then insert): two workers grading
    two assignments of the same new student at once could both insert it.
    """
    from nbgrader.api import Gradebook

    with gradebook_lock(api), Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        known = {s.id for s in gb.students}
        for student in students:
            if student not in known:
                gb.add_student(student)


def _set_comment(gb, grade_id: str, nb_id: str, sub: Submission, text: str) -> None:
    """The check cell's comment in the gradebook: why it scored 0 when it was not graded."""
    from nbgrader.api import MissingEntry

    try:
        comment = gb.find_comment(grade_id, nb_id, sub.assignment, sub.student)
    except MissingEntry:
        return
    comment.auto_comment = text or None


@contextmanager
def _kernel_runtime(api, out_dir: Path, log_path: Path | None = None):
    """A fresh folder for one kernel's connection file and Unix sockets (the jail's kernel).

    ``tempfile`` is where jupyter_client writes the connection file; the sockets go beside it.
    What the kernel printed outside its cells (``kernel.log`` there) is added to ``log_path``.
    """
    root = out_dir / ".jail" / "runtime"
    root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="k", dir=root))
    saved_tmp = tempfile.tempdir
    km = api.config.KernelManager
    saved_ip = km.get("ip")
    tempfile.tempdir = str(folder)
    if km.get("transport") == "ipc":
        km.ip = str(folder / "s")
    try:
        yield folder
    finally:
        tempfile.tempdir = saved_tmp
        if saved_ip is None:
            km.pop("ip", None)
        else:
            km.ip = saved_ip
        kernel_log = folder / "kernel.log"
        if log_path is not None and kernel_log.is_file():
            with open(log_path, "a", encoding="utf-8") as fh:
                fh.write("--- the kernel's own output\n")
                fh.write(kernel_log.read_text(encoding="utf-8", errors="replace")[-20000:])
        shutil.rmtree(folder, ignore_errors=True)


def fingerprint(folder: Path, salt: str, released: bytes) -> str:
    """What a submission's grade depends on: its files, the salt and the released notebook."""
    import hashlib

    h = hashlib.sha256()
    h.update(salt.encode() + b"\0" + hashlib.sha256(released).digest())
    for p in sorted(folder.rglob("*")):
        if p.is_file() and not p.is_symlink() and "__pycache__" not in p.parts:
            h.update(str(p.relative_to(folder)).encode() + b"\0")
            h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def state_path(out_dir: Path, student: str, assignment: str) -> Path:
    return out_dir / "state" / f"{student}-{assignment}.json"


def write_state(out_dir: Path, sub: Submission, fp: str, status: str) -> None:
    """``OUT/state/<student>-<assignment>.json``, written atomically (rename)."""
    import json

    path = state_path(out_dir, sub.student, sub.assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"student": sub.student, "assignment": sub.assignment, "status": status,
           "fingerprint": fp, "reason": sub.reason, "problems": sub.problems,
           "autograded": sub.autograded, "results": [r.as_row() | {"title": r.title,
                                                                   "seconds": r.seconds}
                                                     for r in sub.results]}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def read_state(out_dir: Path, sub: Submission) -> dict | None:
    import json

    try:
        return json.loads(state_path(out_dir, sub.student, sub.assignment).read_text("utf-8"))
    except (OSError, ValueError):
        return None


def restore(sub: Submission, doc: dict) -> None:
    """Fill ``sub`` from its state record (a submission graded by an earlier run)."""
    sub.problems = list(doc.get("problems", []))
    sub.reason = doc.get("reason", "")
    sub.autograded = doc.get("autograded", False)
    sub.trusted = []
    for row in doc.get("results", []):
        sub.trusted.append(Trusted(ExerciseResult.from_row(row), 0, 0))


def not_graded(sub: Submission, reason: str) -> None:
    """Every exercise of ``sub`` scores 0, with ``reason``."""
    sub.reason = reason
    sub.note(reason)
    sub.trusted = [Trusted(ExerciseResult(id=spec.id, title=spec.title, status=ERROR,
                                          passed=0, total=0, points=spec.points, score=0.0,
                                          message=f"not graded: {reason}"), 0, 0)
                   for spec in sub.sprint.exercises]


@dataclass
class Context:
    """What a worker needs, prepared once in the grading process (inherited by fork)."""

    submitted_dir: Path
    out_dir: Path
    api: object
    released: dict          # {assignment: notebook bytes}
    prepared: dict          # {assignment: [(spec, public, hidden)]}
    jail: object
    timeout: float | None


def grade_submission(ctx: Context, sub: Submission, fp: str) -> None:
    """Grade one submission end to end and record it (gradebook rows and state file)."""
    out_dir = ctx.out_dir
    dest = out_dir / "submitted" / sub.student / sub.assignment
    if dest.exists():
        shutil.rmtree(dest)
    _copy_tree(ctx.submitted_dir / sub.student / sub.assignment, dest, sub)
    preflight(sub, dest, ctx.released[sub.assignment])
    grade_prepared(sub, ctx.prepared[sub.assignment], ctx.timeout)
    run_autograde(ctx.api, sub, out_dir, out_dir / "logs", ctx.released[sub.assignment])
    work = out_dir / "autograded" / sub.student / sub.assignment
    if ctx.jail.isolated and work.is_dir():
        ctx.jail.take_back(work, inside=out_dir / "autograded")
    problems = write_gradebook(ctx.api, [sub])
    for p in problems:
        sub.note(f"course problem: {p}")
    rewrite_check_cells(sub, out_dir)
    if sub.autograded:
        log = out_dir / "logs" / f"{sub.assignment}__{sub.student}.feedback.log"
        with _quiet(log):
            result = ctx.api.generate_feedback(sub.assignment, sub.student, force=True)
        with open(log, "a", encoding="utf-8") as fh:
            fh.write((result.get("log") or "") + (result.get("error") or ""))
        folder = out_dir / "feedback" / sub.student / sub.assignment
        clean_feedback(folder)
        if not (folder / f"{sub.sprint.notebook_id}.html").is_file():
            sub.note("nbgrader generate_feedback wrote no feedback "
                     f"({course.failure_text(result)[:200]})")
    write_state(out_dir, sub, fp, "failed" if problems else "graded")


def grade_prepared(sub: Submission, prepared: list, timeout) -> None:
    """Trusted grading of one submission on cases prepared once per exercise."""
    sub.trusted = []
    with tempfile.TemporaryDirectory(prefix="course-grade-") as tmp:
        helpers_dir = Path(tmp) / "helpers"
        helpers_dir.mkdir()
        for name, data in (sub.helpers or {}).items():
            (helpers_dir / name).write_bytes(data)
        for (spec, _, _), trusted in zip(prepared,
                                         grade_exercises(prepared, helpers_dir, timeout)):
            sub.trusted.append(trusted)
            if trusted.result.status == ERROR and sub.helpers is not None and \
                    f"{spec.module}.py" in sub.helpers:
                _note_error(sub, spec, trusted.result)


def _worker(ctx: Context, subs: list, fps: dict) -> None:
    """A forked process grading one student's submissions (never returns)."""
    code = 0
    try:
        os.setsid()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)   # the parent decides
        from . import jail as jail_mod, sandbox

        sandbox.set_launcher(jail_mod.child_launcher(ctx.jail))
        for sub in subs:
            try:
                grade_submission(ctx, sub, fps[sub.key])
            except Exception as exc:  # noqa: BLE001 - recorded, the others go on
                import traceback

                (ctx.out_dir / "logs").mkdir(exist_ok=True)
                with open(ctx.out_dir / "logs" / f"{sub.assignment}__{sub.student}.log",
                          "a", encoding="utf-8") as fh:
                    fh.write(traceback.format_exc())
                not_graded(sub, f"the grader failed on this submission ({type(exc).__name__}:"
                                f" {_first_line(str(exc), 200)})")
                record_not_graded(ctx, sub, fps[sub.key])
    except BaseException:  # noqa: BLE001
        code = 1
    finally:
        sys.stdout.flush()
        os._exit(code)


def record_not_graded(ctx: Context, sub: Submission, fp: str) -> None:
    """Gradebook rows (0 points, the reason as the check cells' comment) and the state."""
    try:
        write_gradebook(ctx.api, [sub])
    except Exception as exc:  # noqa: BLE001 - the state file still says why
        sub.note(f"the gradebook could not be written ({type(exc).__name__}: {exc})")
    write_state(ctx.out_dir, sub, fp, "not graded")


def _kill(pid: int) -> None:
    """Kill a worker's session (the worker called ``setsid``: its pid is the group's id).

    A process group id is not reused while any member is alive, so this never reaches a
    stranger's process, even after the worker itself was reaped.
    """
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run_pool(ctx: Context, units: list, fps: dict, workers: int,
             student_timeout: float | None, progress: bool) -> None:
    """Grade each unit ``(label, [submissions])`` in a forked worker, ``workers`` at a time.

    A unit has ``student_timeout`` seconds (wall clock) for each of its submissions; past
    that its worker and everything it started are killed and its unfinished submissions are
    recorded as not graded.
    """
    from tqdm.auto import tqdm

    tqdm.monitor_interval = 0   # no monitor thread in a process that forks
    queue = list(units)
    running: dict = {}   # pid -> (label, subs, started)
    bar = tqdm(total=sum(len(subs) for _, subs in queue), desc="grading", unit="submission",
               disable=not progress, file=sys.stderr)
    try:
        while queue or running:
            while queue and len(running) < workers:
                label, subs = queue.pop(0)
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:
                    _worker(ctx, subs, fps)
                running[pid] = (label, subs, time.monotonic())
            time.sleep(0.2)
            for pid, (label, subs, started) in list(running.items()):
                done, status = os.waitpid(pid, os.WNOHANG)
                limit = student_timeout * len(subs) if student_timeout else None
                late = limit and time.monotonic() - started > limit
                if not done and not late:
                    continue
                if not done:
                    _kill(pid)
                    try:
                        os.kill(pid, signal.SIGKILL)   # not reaped yet: still ours
                    except ProcessLookupError:
                        pass
                    os.waitpid(pid, 0)
                    why = (f"grading took longer than the limit of {limit:g} s (an endless "
                           "loop or a far too slow notebook?)")
                else:
                    _kill(pid)   # whatever it left in its session
                    why = ("the grading process ended unexpectedly "
                           f"({_wait_text(status)})")
                del running[pid]
                for sub in subs:
                    doc = read_state(ctx.out_dir, sub)
                    if doc is None or doc.get("fingerprint") != fps[sub.key]:
                        not_graded(sub, why)
                        record_not_graded(ctx, sub, fps[sub.key])
                bar.update(len(subs))
                bar.set_postfix_str(label)
    except BaseException:
        for pid in running:
            _kill(pid)
        raise
    finally:
        bar.close()


def _wait_text(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit status {os.WEXITSTATUS(status)}"


def kernel_overrides(jail, out_dir: Path) -> dict:
    """nbgrader settings that run each notebook's kernel in ``jail`` (see :mod:`.jail`)."""
    from . import jail as jail_mod

    jupyter = out_dir / ".jail" / "jupyter"
    (out_dir / "autograded").mkdir(parents=True, exist_ok=True)
    (out_dir / ".jail" / "runtime").mkdir(parents=True, exist_ok=True)
    jail_mod.write_kernelspec(jupyter, jail, out_dir / "autograded", out_dir / ".jail" / "runtime")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        [str(jupyter)] + [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p])
    out = {"Execute.kernel_name": jail_mod.KERNEL_NAME}
    if jail.isolated:
        out["KernelManager.transport"] = "ipc"   # the kernel has no network: Unix sockets
    return out


# --------------------------------------------------------------------------- entry point
def grade(submitted_dir: Path, out_dir: Path, *, salt: str = "", timeout: float | None = None,
          sprints=None, repo: Path | None = None, stream=None, workers: int | None = None,
          student_timeout: float | None = None, db_url: str | None = None,
          regrade=None, progress: bool | None = None) -> int:
    """Grade ``submitted_dir/<student>/<assignment>/`` into the course folder ``out_dir``.

    Submissions are graded in parallel (``workers`` processes, default: the machine's cores),
    each within ``student_timeout`` seconds (default :data:`STUDENT_TIMEOUT`). A submission
    already graded with the same files and salt (``OUT/state/``) is not graded again, so a
    killed run resumes; ``regrade=[students]`` grades those students again and nobody else.
    ``db_url``: the gradebook's database (default SQLite ``OUT/gradebook.db``).

    Returns 0 when every submission was graded or recorded with the reason it could not be
    (the summary lists them), 1 when the grader itself failed.
    """
    from . import jail as jail_mod

    stream = stream or sys.stdout
    start = time.perf_counter()
    submitted_dir = Path(submitted_dir).resolve()
    out_dir = Path(out_dir).resolve()
    if not submitted_dir.is_dir():
        print(f"error: no folder {submitted_dir}", file=sys.stderr)
        return 1
    if submitted_dir.is_relative_to(out_dir / "submitted") or out_dir.is_relative_to(
            submitted_dir):
        print(f"error: {submitted_dir} and {out_dir} overlap: grading rewrites the course's "
              "submitted/ folder, so collect into another folder (or pass a copy), and keep "
              "--out outside the submissions", file=sys.stderr)
        return 1
    try:
        available = {s.id: s for s in course.discover_sprints(repo=repo)}
        if sprints:
            course.discover_sprints(sprints, repo=repo)   # an unknown sprint: a clear error
        subs, skipped = find_submissions(submitted_dir, available, sprints)
        if regrade:
            unknown = sorted(set(regrade) - {s.student for s in subs})
            if unknown:
                print(f"error: --regrade {', '.join(unknown)}: no such student in "
                      f"{submitted_dir}", file=sys.stderr)
                return 1
            subs = [s for s in subs if s.student in set(regrade)]
        if not subs:
            print(f"error: nothing to grade in {submitted_dir} (expected "
                  f"<student>/<assignment>/ with assignments among "
                  f"{', '.join(available) or 'none'})", file=sys.stderr)
            for p in skipped:
                print(f"  {p}", file=sys.stderr)
            return 1
        wanted = sorted({s.assignment for s in subs}, key=course._sprint_number)
        out_dir, _, built = course.build(out_dir, wanted, repo=repo, db_url=db_url)
        jail = jail_mod.detect()
        if not jail.isolated:
            print(f"WARNING: {jail.warning}", file=sys.stderr)
        api = course.nbgrader_api(out_dir, kernel_overrides(jail, out_dir))
        sprint_of = {s.id: s for s in built}
        released = {s.id: (out_dir / "release" / s.id / s.notebook.name).read_bytes()
                    for s in built}
        for sub in subs:
            sub.sprint = sprint_of[sub.assignment]
        (out_dir / "logs").mkdir(parents=True, exist_ok=True)

        fps = {s.key: fingerprint(submitted_dir / s.student / s.assignment, salt,
                                  released[s.assignment]) for s in subs}
        todo, resumed = [], 0
        for sub in subs:
            doc = None if regrade else read_state(out_dir, sub)
            if doc and doc.get("fingerprint") == fps[sub.key] and \
                    doc.get("status") in ("graded", "not graded"):
                restore(sub, doc)
                resumed += 1
            else:
                todo.append(sub)
        # One submission per worker, sprint by sprint: a slow or hanging student's sprints
        # spread over the workers instead of holding one of them to the end.
        units = [(sub.key, [sub]) for sub in sorted(
            todo, key=lambda s: (course._sprint_number(s.assignment), s.student))]
        ensure_students(api, sorted({s.student for s in todo}))
        prepared = {sid: [(spec, list(spec.public_cases()), list(spec.hidden_cases(salt)))
                          for spec in sprint_of[sid].exercises]
                    for sid in sorted({s.assignment for s in todo}, key=course._sprint_number)}
        ctx = Context(submitted_dir, out_dir, api, released, prepared, jail, timeout)
        workers = max(1, workers or os.cpu_count() or 1)
        limit = STUDENT_TIMEOUT if student_timeout is None else student_timeout
        run_pool(ctx, units, fps, workers, limit or None,
                 progress if progress is not None else stream is sys.stdout)
        for sub in todo:
            doc = read_state(out_dir, sub)
            if doc is None:
                not_graded(sub, "no result was recorded")
            else:
                restore(sub, doc)

        course_problems = sorted({p.split("course problem: ", 1)[1] for s in subs
                                  for p in s.problems if p.startswith("course problem: ")})
        for sub in subs:
            sub.problems = [p for p in sub.problems if not p.startswith("course problem: ")]
        write_csv(out_dir / "grades.csv", subs)
        text = summary(subs, skipped, course_problems, out_dir, time.perf_counter() - start)
        extra = []
        if resumed:
            extra.append(f"{resumed} submission(s) already graded with the same files: "
                         f"kept from {out_dir / 'state'}/ (use --regrade STUDENT to regrade)")
        if not jail.isolated:
            extra.append(f"WARNING: {jail.warning}")
        if extra:
            text = text + "\n\n" + "\n".join(extra)
        (out_dir / "summary.txt").write_text(text + "\n", encoding="utf-8")
        print(text, file=stream)
        return 1 if course_problems else 0
    except (course.CourseError, jail_mod.JailError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
