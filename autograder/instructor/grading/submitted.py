"""The submitted folders: found, copied safely into ``OUT/submitted/`` and pre-flighted.

Regular files and folders only (checked with ``lstat``), safe names, size caps; a missing,
unreadable or oversized notebook is replaced by the released one."""
from __future__ import annotations

import os
import re
import shutil
import stat
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from ...learner import intake
from ...learner.i18n import N_
from ...learner.notes import Note
from ..course import Sprint
from ..trusted import _first_line
from .submission import Submission
from .text import shown

MAX_FILE_BYTES = 50 * 1024 ** 2          # a larger submitted file is left out


MAX_SUBMISSION_BYTES = 200 * 1024 ** 2   # files past this total are left out


MAX_FILES = 2000                         # files past this count are left out


MAX_DEPTH = 8                            # folders nested deeper are left out


MAX_NOTEBOOK_BYTES = 20 * 1024 ** 2      # a larger notebook is replaced by the released one


# A student id is a folder name nbgrader uses in paths and as a glob pattern: letters of any
# script, digits, "_", "." and "-" only (no "*", "?", "[": they would select other students).
SAFE_ID = re.compile(r"^\w[\w.-]{0,63}$")


# A submitted file or folder name (spaces and brackets, as desktops name copies, are fine).
SAFE_NAME = re.compile(r"^[\w.][\w .+()-]{0,99}$")


NOTEBOOK_FALLBACK = N_("{why}; helper code graded, free-text answers scored 0")


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
    from ..jail import copy_regular_file

    root = root or src
    budget = budget or _Budget()
    dest.mkdir(parents=True, exist_ok=True)
    for entry in sorted(os.scandir(src), key=lambda e: os.fsencode(e.name)):
        if entry.name in ("__pycache__", ".ipynb_checkpoints"):
            continue
        rel = shown(os.path.relpath(entry.path, root))
        info = entry.stat(follow_symlinks=False)
        if why := _left_out(entry.name, rel, info, depth, budget):
            sub.note(why)
            continue
        if stat.S_ISDIR(info.st_mode):
            _copy_tree(Path(entry.path), dest / entry.name, sub, root, budget, depth + 1)
            continue
        try:
            budget.bytes -= copy_regular_file(Path(entry.path), dest / entry.name,
                                              MAX_FILE_BYTES)
            budget.files -= 1
        except OSError as exc:
            sub.note(Note.of(N_("{file} could not be copied ({error}): ignored"), file=rel,
                             error=type(exc).__name__))


def _left_out(name: str, rel: str, info: os.stat_result, depth: int,
              budget: _Budget) -> Note | None:
    """Why :func:`_copy_tree` leaves out the entry ``name`` (shown as ``rel``, ``lstat`` gave
    ``info``, ``depth`` folders down): the note for the submission, or None to copy it."""
    if stat.S_ISLNK(info.st_mode):
        return Note.of(N_("symbolic link {file} ignored (submit real files)"), file=rel)
    if not (stat.S_ISDIR(info.st_mode) or stat.S_ISREG(info.st_mode)):
        return Note.of(N_("{file} is not a regular file (a FIFO, socket or device): ignored"),
                       file=rel)
    if not SAFE_NAME.match(name):
        return Note.of(N_("{file}: a file name with characters other than letters, digits "
                          "and ' ._-+()', or longer than 100: ignored"), file=rel)
    if stat.S_ISDIR(info.st_mode):
        if depth >= MAX_DEPTH:
            return Note.of(N_("{file}: folders nested deeper than {depth}: ignored"),
                           file=rel, depth=MAX_DEPTH)
        return None
    if info.st_size > MAX_FILE_BYTES or info.st_size > budget.bytes or budget.files <= 0:
        return Note.of(N_("{file}: larger than {mb} MB, or past the submission's {files} "
                          "files / {total} MB: ignored"), file=rel,
                       mb=MAX_FILE_BYTES // 1024 ** 2, files=MAX_FILES,
                       total=MAX_SUBMISSION_BYTES // 1024 ** 2)
    return None


def _read_notebook(path: Path):
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    return nb


def find_submissions(submitted_dir: Path, sprints: dict[str, Sprint],
                     wanted: Collection[str] | None = None,
                     ) -> tuple[list[Submission], list[Note]]:
    """``(submissions, skipped)``: the student/assignment folders to grade and the others
    (each a :class:`Note` naming the folder).

    Nothing is followed: links are skipped, and so is a student folder whose name is not a
    safe student id (:data:`SAFE_ID`; nbgrader would read ``victim*`` as a pattern selecting
    another student's work), each with a note for the summary.
    """
    found, skipped = [], []
    for student_dir in sorted(submitted_dir.iterdir(), key=lambda p: os.fsencode(p.name)):
        name = shown(student_dir.name)
        if student_dir.name.startswith(".") or not _is_dir(student_dir):
            if student_dir.is_symlink():
                skipped.append(Note.of(N_("{folder}: a symbolic link, not graded"),
                                       folder=name))
            continue
        if not SAFE_ID.match(student_dir.name):
            skipped.append(Note.of(N_("{folder}: not a safe student id (letters, digits, '_', "
                                      "'.', '-', at most 64 characters), not graded: rename "
                                      "the folder"), folder=name[:80]))
            continue
        for adir in sorted(student_dir.iterdir(), key=lambda p: os.fsencode(p.name)):
            if adir.name.startswith(".") or not (_is_dir(adir) or adir.is_symlink()):
                continue
            if adir.is_symlink():
                skipped.append(Note.of(N_("{folder}: a symbolic link, not graded"),
                                       folder=f"{name}/{shown(adir.name)}"))
                continue
            if wanted and adir.name not in wanted:
                continue
            if adir.name not in sprints:
                skipped.append(Note.of(N_("{folder}: not an assignment of the course "
                                          "(sprints: {sprints}), not graded"),
                                       folder=f"{name}/{shown(adir.name)[:80]}",
                                       sprints=", ".join(sprints)))
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
        problem = (Note.of(N_("notebook {notebook} missing (found {found})"),
                           notebook=nb_name, found=", ".join(others)) if others else
                   Note.of(N_("notebook {notebook} missing"), notebook=nb_name))
    elif nb_path.stat().st_size > MAX_NOTEBOOK_BYTES:
        problem = Note.of(N_("notebook larger than {mb} MB"), mb=MAX_NOTEBOOK_BYTES // 1024 ** 2)
    else:
        try:
            _read_notebook(nb_path)
        except Exception as exc:  # noqa: BLE001 - truncated, not JSON, invalid...
            if type(exc).__name__ == "NotJSONError":
                problem = Note.of(N_("notebook could not be read: {error}: not valid JSON "
                                     "(truncated, or not a notebook)"),
                                  error=type(exc).__name__)
            else:
                problem = Note.of(N_("notebook could not be read: {error}: {detail}"),
                                  error=type(exc).__name__, detail=_first_line(str(exc), 160))
    if problem:
        replace_notebook(sub, folder, released, problem)

    helpers = folder / "helpers"
    if not helpers.is_dir():
        sub.helpers = None
        sub.note(Note.of(N_("no helpers/ folder submitted: every exercise scores 0")))
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
            sub.not_compiled.add(f.name)
    sub.helpers = files
    for module in dict.fromkeys(s.module for s in sub.sprint.exercises):
        if f"{module}.py" not in files:
            sub.note(Note.of(N_("helpers/{file} missing: its exercises score 0"),
                             file=f"{module}.py"))


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


def replace_notebook(sub: Submission, folder: Path, released: bytes, why: Note) -> None:
    """Put the released notebook (its bytes, read before any learner code ran) in place."""
    target = folder / sub.sprint.notebook.name
    if _is_dir(target):
        shutil.rmtree(target)
    elif target.exists() or target.is_symlink():
        target.unlink()
    target.write_bytes(released)
    sub.notebook_replaced = True
    sub.note(Note.of(NOTEBOOK_FALLBACK, why=why))
