"""Grade submissions with nbgrader, with the helper code scored by a trusted grader.

``python -m autograder grade SUBMITTED --out OUT`` takes nbgrader's collected layout
``SUBMITTED/<student>/<assignment>/`` (an assignment is a sprint: ``sprint1``...) and:

1. refuses student folders whose names are not safe ids (:data:`SAFE_ID`), builds the
   nbgrader course in ``OUT`` (:func:`autograder.instructor.course.build`; rerunning on the same
   ``OUT`` rebuilds and regrades) and copies each submission to ``OUT/submitted/``: folders and
   regular files only, checked with ``lstat``, with safe names, within size caps
   (:func:`_copy_tree`; what is left out is noted);
2. pre-flights each submission: a missing, unreadable or oversized notebook is replaced by
   the released one (so nbgrader grades the rest and the helper code still counts),
   ``helpers/`` syntax errors and missing modules are noted;
3. grades the helper code *outside* the notebook kernel: each exercise's public and hidden
   cases (prepared once per exercise) run against a copy of the student's ``helpers/*.py`` in
   sandboxed children of :mod:`autograder.learner.sandbox` (one for every public case, another for
   every hidden case, so only the grader's own words about hidden cases reach the feedback),
   compared in this process. This happens before any of the students' notebooks runs;
4. runs ``nbgrader autograde`` per student and assignment for its bookkeeping (locked cells
   restored, free-text cells scored, gradebook rows, the autograded notebook), **without a
   kernel** by default: the notebook keeps the outputs the learner saved
   (:func:`nbgrader_overrides`). With ``execute_notebooks`` (``--execute-notebooks``) the
   notebook also runs, its kernel jailed on a private copy of the folder
   (:func:`autograder.instructor.jail.kernel_main`: nothing nbgrader converts, chmods or copies
   afterwards was written by learner code; a failure is noted and retried with the released
   notebook when that runs other code; the batch never stops), with ``COURSE_QUICK=1`` so
   long experiments run short and ``COURSE_GRADED_OUTSIDE=1`` so the check cells do not grade
   a second time;
5. writes the trusted scores into the gradebook (each check cell's grade: ``auto_score``, no
   manual grade needed), overriding whatever the kernel reported (learner code in the kernel
   can patch ``numpy.allclose``, builtins, add cells printing "PASS"...), and puts the trusted
   result in each check cell's output of the autograded notebook;
6. generates the feedback (sanitised HTML, exactly the notebook's page: nbgrader's copies of
   other files are removed; outputs capped by bytes) and
   writes ``OUT/grades.csv`` (one row per student, assignment and exercise) and a summary
   with each student's total and problems.

Free-text discussion cells stay nbgrader manually graded cells (grade them in formgrader).

At class scale (:func:`grade`): steps 2-6 run per submission in forked worker processes
(forked after :func:`warm_up`), each step's cost recorded in the submission's state file
(``workers`` at a time, a wall-clock limit per submission, a tqdm progress bar); learner code (the
trusted child and the notebook's kernel) runs in the jail of :mod:`autograder.instructor.jail`; each
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
import re
import shutil
import signal
import stat
import sys
import tempfile
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..learner import intake
from ..learner.check import GRADED_OUTSIDE
from ..learner.evaluate import ERROR, ExerciseResult
from ..learner.sprints import sprint_key
from ..learner.verdict import render
from . import course
from .policy import PolicyError, after_grading, course_policy
from .trusted import (  # noqa: F401 - public API of the grading module
    CSV_EXTRA_COLUMNS,
    Trusted,
    _first_line,
    combine,
    csv_extra,
    csv_message,
    for_student,
    grade_exercise,
    grade_exercises,
    hidden_message,
    prepare_sprint,
    student_salt,
    trusted_text,
)

CSV_COLUMNS = ["student", "assignment", "exercise", "score", "max_score", "status", "message",
               *CSV_EXTRA_COLUMNS]
MAX_FILE_BYTES = 50 * 1024 ** 2          # a larger submitted file is left out
MAX_SUBMISSION_BYTES = 200 * 1024 ** 2   # files past this total are left out
MAX_FILES = 2000                         # files past this count are left out
MAX_DEPTH = 8                            # folders nested deeper are left out
MAX_NOTEBOOK_BYTES = 20 * 1024 ** 2      # a larger notebook is replaced by the released one
MAX_MESSAGE_CHARS = 2000                 # of one grades.csv message
MAX_OUTPUT_CHARS = 20_000                # of one output of the autograded notebook
MAX_OUTPUT_DATA = 2 * 1024 ** 2          # of one rich output (an image) of it
MAX_OUTPUTS = 100                        # outputs of one cell of it
# A student id is a folder name nbgrader uses in paths and as a glob pattern: letters of any
# script, digits, "_", "." and "-" only (no "*", "?", "[": they would select other students).
SAFE_ID = re.compile(r"^\w[\w.-]{0,63}$")
# A submitted file or folder name (spaces and brackets, as desktops name copies, are fine).
SAFE_NAME = re.compile(r"^[\w.][\w .+()-]{0,99}$")
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
    timing: dict = field(default_factory=dict)   # {step: StepTime.as_dict()} of this grading

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
@dataclass
class StepTime:
    """What one step of grading a submission cost: wall seconds, and CPU seconds of the
    worker itself and of the processes it reaped. A jailed child or kernel is not among
    them: bubblewrap's outer process exits before it reaps the process inside, so that CPU
    time is never charged to the worker (``benchmarks/results/grading.md``)."""

    wall: float = 0.0
    cpu: float = 0.0
    children_cpu: float = 0.0

    def as_dict(self) -> dict:
        return {"wall": round(self.wall, 4), "cpu": round(self.cpu, 4),
                "children_cpu": round(self.children_cpu, 4)}


@contextmanager
def _timed(sub: Submission, step: str):
    """Add the cost of the ``with`` block to ``sub.timing[step]``."""
    import resource

    def now():
        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (time.perf_counter(), own.ru_utime + own.ru_stime,
                kids.ru_utime + kids.ru_stime)

    start = now()
    try:
        yield
    finally:
        end = now()
        t = StepTime(*(b - a for a, b in zip(start, end)))
        old = sub.timing.get(step, {"wall": 0.0, "cpu": 0.0, "children_cpu": 0.0})
        sub.timing[step] = StepTime(old["wall"] + t.wall, old["cpu"] + t.cpu,
                                    old["children_cpu"] + t.children_cpu).as_dict()


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


def printable(text: str, keep: str = "\n\t") -> str:
    """``text`` with control characters (terminal escapes), format characters and the
    undecodable bytes of a file name shown as escapes (``\\x1b``), but those in ``keep``."""
    import unicodedata

    if text.isprintable():
        return text
    return "".join(ch if ch in keep or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")
                   else ascii(ch)[1:-1] for ch in text)


def shown(name) -> str:
    """A file or folder name as one line of the summary (newlines escaped too)."""
    return printable(os.fsdecode(name), keep="")


@dataclass
class _Budget:
    """What is left of a submission's file count and bytes while it is copied."""

    files: int = MAX_FILES
    bytes: int = MAX_SUBMISSION_BYTES


def _copy_tree(src: Path, dest: Path, sub: Submission, root: Path | None = None,
               budget: _Budget | None = None, depth: int = 0) -> None:
    """Copy a submission folder: regular files and folders only, each checked with ``lstat``.

    A symbolic link, a FIFO, a socket or a device, a name outside :data:`SAFE_NAME`, a file
    past the size caps and folders nested too deep are left out with a note; nothing is
    followed or read but regular files (opened with ``O_NOFOLLOW``).
    """
    from .jail import copy_regular_file

    root = root or src
    budget = budget or _Budget()
    dest.mkdir(parents=True, exist_ok=True)
    for entry in sorted(os.scandir(src), key=lambda e: os.fsencode(e.name)):
        if entry.name in ("__pycache__", ".ipynb_checkpoints"):
            continue
        rel = shown(os.path.relpath(entry.path, root))
        info = entry.stat(follow_symlinks=False)
        if stat.S_ISLNK(info.st_mode):
            sub.note(f"symbolic link {rel} ignored (submit real files)")
            continue
        if not (stat.S_ISDIR(info.st_mode) or stat.S_ISREG(info.st_mode)):
            sub.note(f"{rel} is not a regular file (a FIFO, socket or device): ignored")
            continue
        if not SAFE_NAME.match(entry.name):
            sub.note(f"{rel}: a file name with characters other than letters, digits and "
                     "' ._-+()', or longer than 100: ignored")
            continue
        if stat.S_ISDIR(info.st_mode):
            if depth >= MAX_DEPTH:
                sub.note(f"{rel}: folders nested deeper than {MAX_DEPTH}: ignored")
                continue
            _copy_tree(Path(entry.path), dest / entry.name, sub, root, budget, depth + 1)
            continue
        if info.st_size > MAX_FILE_BYTES or info.st_size > budget.bytes or budget.files <= 0:
            sub.note(f"{rel}: larger than {MAX_FILE_BYTES // 1024 ** 2} MB, or past the "
                     f"submission's {MAX_FILES} files / {MAX_SUBMISSION_BYTES // 1024 ** 2} MB:"
                     " ignored")
            continue
        try:
            budget.bytes -= copy_regular_file(Path(entry.path), dest / entry.name,
                                              MAX_FILE_BYTES)
            budget.files -= 1
        except OSError as exc:
            sub.note(f"{rel} could not be copied ({type(exc).__name__}): ignored")


def _read_notebook(path: Path):
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    return nb


# --------------------------------------------------------------------------- the steps
def find_submissions(submitted_dir: Path, sprints: dict, wanted=None):
    """``(submissions, skipped)``: the student/assignment folders to grade and the others.

    Nothing is followed: links are skipped, and so is a student folder whose name is not a
    safe student id (:data:`SAFE_ID`; nbgrader would read ``victim*`` as a pattern selecting
    another student's work), each with a note for the summary.
    """
    found, skipped = [], []
    for student_dir in sorted(submitted_dir.iterdir(), key=lambda p: os.fsencode(p.name)):
        name = shown(student_dir.name)
        if student_dir.name.startswith(".") or not _is_dir(student_dir):
            if student_dir.is_symlink():
                skipped.append(f"{name}: a symbolic link, not graded")
            continue
        if not SAFE_ID.match(student_dir.name):
            skipped.append(f"{name[:80]}: not a safe student id (letters, digits, '_', '.', "
                           "'-', at most 64 characters), not graded: rename the folder")
            continue
        for adir in sorted(student_dir.iterdir(), key=lambda p: os.fsencode(p.name)):
            if adir.name.startswith(".") or not (_is_dir(adir) or adir.is_symlink()):
                continue
            if adir.is_symlink():
                skipped.append(f"{name}/{shown(adir.name)}: a symbolic link, not graded")
                continue
            if wanted and adir.name not in wanted:
                continue
            if adir.name not in sprints:
                skipped.append(f"{name}/{shown(adir.name)[:80]}: not an assignment of the "
                               f"course (sprints: {', '.join(sprints)}), not graded")
                continue
            found.append(Submission(student_dir.name, adir.name, sprints[adir.name]))
    return found, skipped


def _is_dir(path: Path) -> bool:
    """A real folder (not a link to one)."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def preflight(sub: Submission, folder: Path, released: bytes) -> None:
    """Make the copied submission gradable and note what is wrong with it."""
    nb_name = sub.sprint.notebook.name
    nb_path = folder / nb_name
    problem = None
    if not nb_path.is_file() or nb_path.is_symlink():
        others = sorted(shown(p.name) for p in folder.glob("*.ipynb"))
        problem = (f"notebook {nb_name} missing" +
                   (f" (found {', '.join(others)})" if others else ""))
    elif nb_path.stat().st_size > MAX_NOTEBOOK_BYTES:
        problem = f"notebook larger than {MAX_NOTEBOOK_BYTES // 1024 ** 2} MB"
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
        if note := intake.size_note(f.name, data):
            sub.note(note)
            continue
        files[f.name] = data
        if note := intake.compile_note(f.name, data):
            sub.note(note)
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
    if _is_dir(target):
        shutil.rmtree(target)
    elif target.exists() or target.is_symlink():
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
                  execute: bool = True) -> None:
    """nbgrader autograde for one submission; never raises.

    ``execute=False``: the api was made with :func:`nbgrader_overrides` ``(execute=False)``,
    so nbgrader does its bookkeeping (restores the locked cells, scores the free-text cells,
    writes the gradebook rows and the autograded notebook) without starting a kernel.
    """
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
                    (_kernel_runtime(api, out_dir, log_path) if execute else nullcontext()):
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
    if path.is_symlink() or not path.is_file():
        return
    mode = _writable(path)
    nb = nbformat.read(str(path), as_version=4)
    by_id = {spec.grade_id: t for spec, t in zip(sub.sprint.exercises, sub.trusted)}
    seen = set()
    cut = 0
    for cell in nb.cells:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if cell.cell_type == "code" and gid in by_id:
            cell.outputs = [new_output("stream", name="stdout",
                                       text=capped(trusted_text(by_id[gid]),
                                                   MAX_OUTPUT_CHARS))]
            seen.add(gid)
        elif cell.cell_type == "code":
            cut += _cap_outputs(cell)
    if cut:
        sub.note(f"{cut} output(s) of the notebook cut to {MAX_OUTPUT_CHARS} characters "
                 "in the feedback")
    missing = [spec for spec in sub.sprint.exercises if spec.grade_id not in seen]
    if missing:  # a deleted check cell: put it back at the end, with its result
        for spec in missing:
            cell = new_code_cell(f'check("{spec.id}")')
            cell.metadata["nbgrader"] = {"grade": True, "grade_id": spec.grade_id,
                                         "locked": True, "points": spec.points,
                                         "solution": False, "task": False,
                                         "schema_version": 3}
            cell.outputs = [new_output("stream", name="stdout",
                                       text=capped(trusted_text(by_id[spec.grade_id]),
                                                   MAX_OUTPUT_CHARS))]
            nb.cells.append(cell)
        sub.note("check cell(s) deleted from the notebook: "
                 f"{', '.join(s.id for s in missing)} (put back at the end of the feedback; "
                 "the helper code is graded all the same)")
    nbformat.write(nb, str(path))
    path.chmod(mode)


def _cap_outputs(cell) -> int:
    """Cut a cell's long outputs (nbgrader limits lines, not bytes); returns how many."""
    cut = 0
    if len(cell.get("outputs", [])) > MAX_OUTPUTS:
        cut += len(cell.outputs) - MAX_OUTPUTS
        cell.outputs = cell.outputs[:MAX_OUTPUTS]
    for out in cell.get("outputs", []):
        if isinstance(out.get("text"), str) and len(out["text"]) > MAX_OUTPUT_CHARS:
            out["text"] = out["text"][:MAX_OUTPUT_CHARS] + "\n[... output cut by the grader]\n"
            cut += 1
        if "traceback" in out and sum(map(len, out["traceback"])) > MAX_OUTPUT_CHARS:
            out["traceback"] = [line[:MAX_OUTPUT_CHARS // 20] for line in out["traceback"][-20:]]
            cut += 1
        if isinstance(out.get("evalue"), str) and len(out["evalue"]) > MAX_OUTPUT_CHARS:
            out["evalue"] = out["evalue"][:MAX_OUTPUT_CHARS] + "…"
            cut += 1
        data = out.get("data") or {}
        for mime in list(data):
            value = data[mime]
            size = len(value) if isinstance(value, str) else len(str(value))
            if size > (MAX_OUTPUT_DATA if mime.startswith("image/") else MAX_OUTPUT_CHARS):
                data[mime] = ("[output cut by the grader]" if mime.startswith("text/") or
                              not mime.startswith("image/") else "")
                if not data[mime]:
                    del data[mime]
                cut += 1
        if "data" in out and not data:
            data["text/plain"] = "[output cut by the grader]"
    return cut


# nbgrader's release_feedback reads these two beside the HTML to find the submission
FEEDBACK_KEEP = ("timestamp.txt", "submission_secret.txt")


def clean_feedback(folder: Path, html_name: str) -> None:
    """Keep exactly the notebook's HTML in a feedback folder (nbgrader copies the
    assignment's files there), with the submission's ``timestamp.txt`` and
    ``submission_secret.txt`` (nbgrader's ``release_feedback`` needs them). Anything else,
    and anything that is not a regular file, goes; nothing is followed.
    """
    if folder.is_symlink() or not folder.is_dir():
        return
    keep = {html_name, *FEEDBACK_KEEP}
    for entry in os.scandir(folder):
        info = entry.stat(follow_symlinks=False)
        if stat.S_ISDIR(info.st_mode):
            shutil.rmtree(entry.path)
        elif entry.name not in keep or not stat.S_ISREG(info.st_mode):
            os.unlink(entry.path)


def regular_only(folder: Path, sub: Submission) -> None:
    """Remove from ``folder`` whatever is not a folder or a regular file, with a note."""
    if folder.is_symlink() or not folder.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            if not (stat.S_ISDIR(os.lstat(path).st_mode) or stat.S_ISREG(os.lstat(path).st_mode)):
                os.unlink(path)
                sub.note(f"{shown(os.path.relpath(path, folder))} in the autograded folder was "
                         "not a regular file: removed before feedback")
        dirnames[:] = [d for d in dirnames if os.path.isdir(os.path.join(dirpath, d))]


def capped(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``text`` printable (:func:`printable`) and at most ``limit`` characters."""
    text = printable(text or "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def write_csv(path: Path, subs: list) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
        for sub in sorted(subs, key=lambda s: (s.student, sprint_key(s.assignment))):
            for r in sub.results:
                writer.writerow([sub.student, sub.assignment, r.id, f"{r.score:g}",
                                 f"{r.points:g}", r.status, capped(csv_message(r)),
                                 *csv_extra(r)])


def summary(subs: list, skipped: list, course_problems: list, out_dir: Path,
            seconds: float) -> str:
    students = sorted({s.student for s in subs})
    assignments = sorted({s.assignment for s in subs}, key=sprint_key)
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
        tail = _read_tail(folder / "kernel.log", 20000)   # the kernel could replace it
        if log_path is not None and tail is not None:
            with open(log_path, "a", encoding="utf-8") as fh:
                fh.write("--- the kernel's own output\n")
                fh.write(printable(tail.decode("utf-8", errors="replace")))
        shutil.rmtree(folder, ignore_errors=True)


def _read_tail(path: Path, limit: int) -> bytes | None:
    """The last ``limit`` bytes of a regular file, never following a link (None if not)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        os.lseek(fd, max(0, info.st_size - limit), os.SEEK_SET)
        return os.read(fd, limit)
    finally:
        os.close(fd)


def fingerprint(folder: Path, salt: str, released: bytes, version: str = "") -> str:
    """What a submission's grade depends on: its files, the salt, the released notebook and
    the grader's ``version`` (:func:`grader_version`: a fix to the grader regrades).

    Files are hashed in chunks, links and special files by name only, and files past
    :data:`MAX_FILE_BYTES` by name and size (they are not graded either).
    """
    import hashlib

    h = hashlib.sha256()
    h.update(salt.encode() + b"\0" + hashlib.sha256(released).digest() + b"\0" +
             version.encode())
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames, key=os.fsencode):
            path = os.path.join(dirpath, name)
            h.update(os.fsencode(os.path.relpath(path, folder)) + b"\0")
            info = os.lstat(path)
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
                h.update(f"{stat.S_IFMT(info.st_mode)}:{info.st_size}".encode())
                continue
            h.update(_file_digest(path))
    return h.hexdigest()


def _file_digest(path) -> bytes:
    import hashlib

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        return f"unreadable:{type(exc).__name__}".encode()
    with open(fd, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").digest()


def grader_version(repo: Path | None = None) -> str:
    """A hash of what grading depends on besides the submission: the grader's code with the
    exercise declarations (``autograder/``) and the reference (``solutions/``)."""
    import hashlib

    h = hashlib.sha256()
    roots = [Path(__file__).resolve().parents[1], Path(repo or course.ROOT).resolve() / "solutions"]
    if repo is not None:
        roots.append(Path(repo).resolve() / "autograder")
    for root in dict.fromkeys(roots):
        for path in sorted(root.rglob("*.py")):
            if "__pycache__" not in path.parts and path.is_file():
                h.update(str(path.relative_to(root)).encode() + b"\0")
                h.update(_file_digest(path))
    return h.hexdigest()[:16]


def state_path(out_dir: Path, student: str, assignment: str) -> Path:
    return out_dir / "state" / f"{student}-{assignment}.json"


def write_state(out_dir: Path, sub: Submission, fp: str, status: str, version: str = "",
                ) -> None:
    """``OUT/state/<student>-<assignment>.json``, written atomically (rename)."""
    import json

    path = state_path(out_dir, sub.student, sub.assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"student": sub.student, "assignment": sub.assignment, "status": status,
           "fingerprint": fp, "version": version, "reason": sub.reason, "problems": sub.problems,
           "autograded": sub.autograded, "timing": sub.timing,
           "results": [r.as_row() | {"title": r.title, "seconds": r.seconds,
                                     "message": capped(r.message, 4 * MAX_MESSAGE_CHARS)}
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


def _restore_or_not_graded(sub: Submission, doc: dict) -> None:
    try:
        restore(sub, doc)
    except Exception as exc:  # noqa: BLE001 - a damaged state file: this submission only
        not_graded(sub, f"its state file could not be read ({type(exc).__name__})")


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
    version: str = ""       # grader_version(): recorded in each state file
    salt: str = ""
    per_student: bool = False   # hidden cases of each student's own (the course's policy)
    execute: bool = False   # run each notebook in a jailed kernel (``--execute-notebooks``)


def grade_submission(ctx: Context, sub: Submission, fp: str) -> None:
    """Grade one submission end to end and record it (gradebook rows and state file)."""
    out_dir = ctx.out_dir
    dest = out_dir / "submitted" / sub.student / sub.assignment
    with _timed(sub, "intake"):
        if dest.exists():
            shutil.rmtree(dest)
        _copy_tree(ctx.submitted_dir / sub.student / sub.assignment, dest, sub)
        preflight(sub, dest, ctx.released[sub.assignment])
    with _timed(sub, "trusted"):
        prepared = ctx.prepared[sub.assignment]
        if ctx.per_student:
            prepared = for_student(prepared, ctx.salt, sub.student)
        grade_prepared(sub, prepared, ctx.timeout)
    with _timed(sub, "autograde"):
        run_autograde(ctx.api, sub, out_dir, out_dir / "logs", ctx.released[sub.assignment],
                      execute=ctx.execute)
    with _timed(sub, "gradebook"):
        # No kernel ran, or it worked on a private copy (jail.kernel_main): this folder holds
        # what the grader and nbgrader wrote. Checked all the same before the feedback.
        regular_only(out_dir / "autograded" / sub.student / sub.assignment, sub)
        problems = write_gradebook(ctx.api, [sub])
        for p in problems:
            sub.note(f"course problem: {p}")
        rewrite_check_cells(sub, out_dir)
    with _timed(sub, "feedback"):
        _feedback(ctx, sub)
    write_state(out_dir, sub, fp, "failed" if problems else "graded", ctx.version)


def _feedback(ctx: Context, sub: Submission) -> None:
    """nbgrader's feedback page of ``sub``, and nothing else in its feedback folder."""
    out_dir = ctx.out_dir
    if sub.autograded:
        log = out_dir / "logs" / f"{sub.assignment}__{sub.student}.feedback.log"
        with _quiet(log):
            result = ctx.api.generate_feedback(sub.assignment, sub.student, force=True)
        with open(log, "a", encoding="utf-8") as fh:
            fh.write((result.get("log") or "") + (result.get("error") or ""))
        folder = out_dir / "feedback" / sub.student / sub.assignment
        clean_feedback(folder, f"{sub.sprint.notebook_id}.html")
        if not (folder / f"{sub.sprint.notebook_id}.html").is_file():
            sub.note("nbgrader generate_feedback wrote no feedback "
                     f"({course.failure_text(result)[:200]})")


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
        from ..learner import sandbox
        from . import jail as jail_mod

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
    write_state(ctx.out_dir, sub, fp, "not graded", ctx.version)


def _kill(pid: int) -> None:
    """Kill a worker's session (the worker called ``setsid``: its pid is the group's id).

    A process group id is not reused while any member is alive, so this never reaches a
    stranger's process, even after the worker itself was reaped.
    """
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def warm_up(notebooks) -> None:
    """Import and initialise, once in the grading process, what every worker needs.

    Workers are forked from this process, one per submission: what is imported and cached
    here (nbformat's schema, nbconvert's HTML exporter and its Markdown, Pygments and
    bleach machinery) is not paid again for each submission (about a second each).
    """
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.filters.strings import clean_html

    for data in list(notebooks)[:1]:
        try:
            nb = nbformat.reads(data.decode("utf-8"), as_version=4)
            nbformat.validate(nb)
            HTMLExporter(template_name="classic").from_notebook_node(nb)
            clean_html("<p>warm</p>")
        except Exception:  # noqa: BLE001 - only a cache: the workers do it for real
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


def nbgrader_overrides(jail, out_dir: Path, execute: bool) -> dict:
    """nbgrader settings for grading: with ``execute``, each notebook runs in a kernel in
    ``jail`` (:func:`kernel_overrides`); without, autograde runs no kernel at all.

    Without a kernel, autograde keeps its bookkeeping (locked cells restored from the
    gradebook, free-text cells scored, the gradebook rows, the autograded notebook) and the
    notebook keeps the outputs the learner saved with it (capped and sanitised like a
    kernel's); every check cell's output is then replaced by the trusted result.
    """
    if execute:
        return kernel_overrides(jail, out_dir)
    from nbgrader.converters.autograde import Autograde
    from nbgrader.preprocessors import ClearOutput, Execute

    traits = Autograde.class_traits()
    return {"Autograde.sanitize_preprocessors":
            [p for p in traits["sanitize_preprocessors"].default() if p is not ClearOutput],
            "Autograde.autograde_preprocessors":
            [p for p in traits["autograde_preprocessors"].default() if p is not Execute]}


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
UNJAILED = 3   # grade's exit status when learner code ran without the jail (asked for)


def grade(submitted_dir: Path, out_dir: Path, *, salt: str | None = None,
          timeout: float | None = None, sprints=None, repo: Path | None = None, stream=None,
          workers: int | None = None, student_timeout: float | None = None,
          db_url: str | None = None, regrade=None, progress: bool | None = None,
          no_jail: bool = False, policy: Path | None = None,
          execute_notebooks: bool = False) -> int:
    """Grade ``submitted_dir/<student>/<assignment>/`` into the course folder ``out_dir``.

    Submissions are graded in parallel (``workers`` processes, default: the machine's cores),
    each within ``student_timeout`` seconds (default :data:`STUDENT_TIMEOUT`). A submission
    already graded with the same files and salt (``OUT/state/``) is not graded again, so a
    killed run resumes; ``regrade=[students]`` grades those students again and nobody else.
    ``db_url``: the gradebook's database (default SQLite ``OUT/gradebook.db``). ``salt``:
    varies the hidden cases; by default the course folder's own random salt
    (:func:`course.course_salt`, made on the first run and kept there).

    Learner code runs in the jail of :mod:`autograder.instructor.jail`. Where it cannot (no
    bubblewrap), grading **refuses to start** unless ``no_jail`` (``--no-jail``) or
    ``COURSE_JAIL=none`` says to run learner code unjailed; the summary then says so first.

    ``policy``: the course's deadlines (:mod:`autograder.instructor.policy`), applied to grades.csv
    and kept in ``out_dir`` (a later run applies the kept copy again).

    Returns 0 when every submission was graded or recorded with the reason it could not be
    (the summary lists them), 1 when the grader itself failed or refused to start, and
    :data:`UNJAILED` (3) when grading finished but learner code ran without the jail.
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
    if no_jail:
        jail = jail_mod.Jail("none", "--no-jail: learner code ran WITHOUT isolation (it "
                                     "could read the reference and write wherever the grader "
                                     "can)")
    else:
        try:
            jail = jail_mod.detect()
        except RuntimeError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        if not jail.isolated and os.environ.get("COURSE_JAIL", "").strip().lower() != "none":
            print(f"error: refusing to grade: {jail.warning}. To run learner code unjailed "
                  "anyway (only on a machine and data you can afford to lose), pass "
                  "--no-jail or set COURSE_JAIL=none.", file=sys.stderr)
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
        wanted = sorted({s.assignment for s in subs}, key=sprint_key)
        out_dir, _, built = course.build(out_dir, wanted, repo=repo, db_url=db_url)
        if not jail.isolated:
            print(f"WARNING: {jail.warning}", file=sys.stderr)
        salt_given = salt is not None
        salt = course.course_salt(out_dir, salt)
        rules = course_policy(out_dir, policy)       # the course's deadlines and [hidden]
        now = datetime.now(UTC)             # the grader's clock, never a submission's
        revealed = {a for a in {s.assignment for s in subs} if rules and rules.reveals(a, now)}
        per_student = bool(rules and rules.hidden.per_student)
        # the feedback of a run with kernels differs (its outputs): a switch regrades
        version = grader_version(repo) + ("+executed" if execute_notebooks else "")
        api = course.nbgrader_api(out_dir, nbgrader_overrides(jail, out_dir,
                                                              execute_notebooks))
        sprint_of = {s.id: s for s in built}
        released = {s.id: (out_dir / "release" / s.id / s.notebook.name).read_bytes()
                    for s in built}
        for sub in subs:
            sub.sprint = sprint_of[sub.assignment]
        (out_dir / "logs").mkdir(parents=True, exist_ok=True)

        fps = {}
        for sub in list(subs):
            try:
                fps[sub.key] = fingerprint(
                    submitted_dir / sub.student / sub.assignment,
                    (student_salt(salt, sub.student) if per_student else salt)
                    + ("\0revealed" if sub.assignment in revealed else ""),
                    released[sub.assignment], version)
            except Exception as exc:  # noqa: BLE001 - this submission only
                subs.remove(sub)
                skipped.append(f"{sub.key}: could not be read ({type(exc).__name__}), "
                               "not graded")
        todo, resumed, stale = [], 0, 0
        for sub in subs:
            doc = None if regrade else read_state(out_dir, sub)
            stale += bool(doc and doc.get("version") != version and
                          doc.get("fingerprint") != fps[sub.key])
            if doc and doc.get("fingerprint") == fps[sub.key] and \
                    doc.get("status") in ("graded", "not graded"):
                _restore_or_not_graded(sub, doc)
                resumed += 1
            else:
                todo.append(sub)
        # One submission per worker, sprint by sprint: a slow or hanging student's sprints
        # spread over the workers instead of holding one of them to the end.
        units = [(sub.key, [sub]) for sub in sorted(
            todo, key=lambda s: (sprint_key(s.assignment), s.student))]
        ensure_students(api, sorted({s.student for s in todo}))
        prepared = {sid: prepare_sprint(sprint_of[sid].exercises, salt, sid in revealed)
                    for sid in sorted({s.assignment for s in todo}, key=sprint_key)}
        ctx = Context(submitted_dir, out_dir, api, released, prepared, jail, timeout, version,
                      salt, per_student, execute_notebooks)
        warm_up(released.values())
        workers = max(1, workers or os.cpu_count() or 1)
        limit = STUDENT_TIMEOUT if student_timeout is None else student_timeout
        run_pool(ctx, units, fps, workers, limit or None,
                 progress if progress is not None else stream is sys.stdout)
        for sub in todo:
            doc = read_state(out_dir, sub)
            if doc is None:
                not_graded(sub, "no result was recorded")
            else:
                _restore_or_not_graded(sub, doc)

        course_problems = sorted({p.split("course problem: ", 1)[1] for s in subs
                                  for p in s.problems if p.startswith("course problem: ")})
        for sub in subs:
            sub.problems = [p for p in sub.problems if not p.startswith("course problem: ")]
        write_csv(out_dir / "grades.csv", subs)
        text = summary(subs, skipped, course_problems, out_dir, time.perf_counter() - start)
        extra = []
        # the course's deadlines: grades.csv's late columns (autograder/instructor/policy.py)
        extra += [t for t in [after_grading(out_dir, policy)] if t]
        if resumed:
            extra.append(f"{resumed} submission(s) already graded with the same files and "
                         f"grader: kept from {out_dir / 'state'}/ (use --regrade STUDENT to "
                         "regrade)")
        if stale:
            extra.append(f"{stale} submission(s) graded again: the grader (its code, the "
                         "exercises or the reference) changed since they were graded")
        extra.append(f"Grader version {version} (a hash of autograder/ and solutions/).")
        if not salt_given:
            extra.append(f"Hidden cases: the course's own salt ({course.SALT_FILE} in "
                         f"{out_dir}; keep it private)")
        if not jail.isolated:
            text = (f"LEARNER CODE RAN UNJAILED: {jail.warning}\n\n" + text)
            extra.append(f"WARNING: {jail.warning}")
        if extra:
            text = text + "\n\n" + "\n".join(extra)
        text = printable(text)
        (out_dir / "summary.txt").write_text(text + "\n", encoding="utf-8")
        print(text, file=stream)
        if course_problems:
            return 1
        return 0 if jail.isolated else UNJAILED
    except (RuntimeError, PolicyError) as exc:   # CourseError, JailError are RuntimeErrors
        print(f"error: {printable(str(exc))}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - said plainly, with the traceback in the logs
        import traceback

        log = out_dir / "logs" / "grader.log"
        try:
            log.parent.mkdir(parents=True, exist_ok=True)
            with open(log, "a", encoding="utf-8") as fh:
                fh.write(traceback.format_exc())
        except OSError:
            pass
        print(f"error: the grader failed ({type(exc).__name__}: {printable(str(exc))[:300]});"
              f" details in {log}", file=sys.stderr)
        return 1
