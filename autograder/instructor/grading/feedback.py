"""The autograded notebook's check cells and the feedback page: trusted results, the
grader's notes on the submission, capped and sanitised outputs, nothing but the page in the
feedback folder."""
from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

from ...learner.i18n import N_, _
from ...learner.notes import Note
from ..trusted import trusted_text
from .submission import Submission
from .text import capped, shown

MAX_OUTPUT_CHARS = 20_000                # of one output of the autograded notebook


MAX_OUTPUT_DATA = 2 * 1024 ** 2          # of one rich output (an image) of it


MAX_OUTPUTS = 100                        # outputs of one cell of it


def _writable(path: Path) -> int:
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
        sub.note(Note.of(N_("{count} output(s) of the notebook cut to {limit} characters in "
                            "the feedback"), count=cut, limit=MAX_OUTPUT_CHARS))
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
        sub.note(Note.of(N_("check cell(s) deleted from the notebook: {exercises} (put back "
                            "at the end of the feedback; the helper code is graded all the "
                            "same)"), exercises=", ".join(s.id for s in missing)))
    # the grader's notes first (a cell of the learner's posing as them is left out)
    nb.cells = ([_notes_cell(sub)] if sub.problems else []) + [
        c for c in nb.cells if not c.get("metadata", {}).get(NOTES_KEY)]
    nbformat.write(nb, str(path))
    path.chmod(mode)


#: The metadata key of the cell :func:`_notes_cell` adds at the top of the autograded notebook.
NOTES_KEY = "course_grader_notes"


def _notes_cell(sub: Submission):
    """A cell for the top of the feedback: the grader's notes on the submission (a syntax
    error, a missing module, files left out...), in the course's language. They are the
    output of a code cell, shown as text: a note's values (file names, Python's messages)
    are never read as markdown or HTML."""
    from nbformat.v4 import new_code_cell, new_output

    title = _("The grader's notes on this submission")
    cell = new_code_cell(f"# {title}")
    cell.metadata[NOTES_KEY] = True
    text = "\n".join([f"{title}:", *(f"- {note.render()}" for note in sub.problems)])
    cell.outputs = [new_output("stream", name="stdout",
                               text=capped(text, MAX_OUTPUT_CHARS) + "\n")]
    return cell


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
                sub.note(Note.of(N_("{file} in the autograded folder was not a regular "
                                    "file: removed before feedback"),
                                 file=shown(os.path.relpath(path, folder))))
        dirnames[:] = [d for d in dirnames if os.path.isdir(os.path.join(dirpath, d))]
