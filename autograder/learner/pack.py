"""Pack an assignment for upload: ``python -m autograder pack [sprintN] --student ID``.

The learner's side of a submission through a learning platform (Moodle, Canvas, a shared
drive). Before writing anything it checks the assignment folder, the way the grader will read
it, and explains what is wrong in words a learner can act on:

* the notebook is there, is valid JSON and a valid notebook (``nbformat``);
* every check cell of the sprint is present once, unchanged (its source ``check("...")``, its
  nbgrader metadata, and the checksum the release wrote into it), and no nbgrader cell id is
  doubled (a copied cell makes nbgrader refuse the whole notebook);
* every ``helpers/*.py`` compiles; no file is larger than the grader reads; no symbolic link;
* the work looks saved: written answers that still read ``YOUR ANSWER HERE`` and exercise
  functions that still ``raise NotImplementedError`` are listed (they block the pack unless
  ``--partial`` says the learner submits an unfinished assignment on purpose).

It then writes ``<student>_<sprintN>.zip`` holding ``sprintN/<notebook>`` and
``sprintN/helpers/*.py`` only — the name and layout that ``python -m autograder collect-zip``
takes as is (its default pattern) and that ``grade`` reads after collection.

Two layouts are understood: a learner release (the assignment folder ``sprintN/`` holding the
notebook, ``helpers/``, ``autograder/`` and ``data/``) and the course repository
(``notebooks/sprintN_*.ipynb`` and ``helpers/`` at its root, ``./course pack sprintN``).
This module ships in a learner release: it uses only the learner-side modules.
"""
from __future__ import annotations

import ast
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import registry
from .errors import CourseError
from .i18n import _, pgettext
from .intake import MAX_HELPER_BYTES, compile_failure
from .sprints import sprint_ids, sprint_notebooks

PLACEHOLDER = "YOUR ANSWER HERE"
MAX_NOTEBOOK_BYTES = 20 * 1024 ** 2   # outputs with many plots; the platform's limits are near
STUDENT_ID = re.compile(r"^[\w.-]+$")

ERROR = "error"            # the submission would be graded wrong or not at all: nothing written
INCOMPLETE = "incomplete"  # looks unsaved or unfinished: nothing written unless --partial


class PackError(CourseError):
    """The folder is not an assignment folder, or the student id is unusable."""

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    severity: str   # ERROR or INCOMPLETE
    where: str      # the file or cell concerned
    what: str       # what is wrong and what to do, for the learner


@dataclass
class Assignment:
    """Where one sprint's files are: its notebook and the helpers/ package."""

    sprint: str
    notebook: Path
    helpers: Path


@dataclass
class PackReport:
    assignment: Assignment
    problems: list[Problem] = field(default_factory=list)
    written: Path | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def incomplete(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == INCOMPLETE]

    def render(self) -> str:
        a = self.assignment
        lines = [_("Checked {sprint}: {notebook} and {count} file(s) in helpers/").format(
            sprint=a.sprint, notebook=a.notebook.name, count=len(list(a.helpers.glob("*.py"))))]
        for title, items in ((_("Must be fixed before packing ({count}):"), self.errors),
                             (_("Looks unsaved or unfinished ({count}):"), self.incomplete)):
            if items:
                lines.append(title.format(count=len(items)))
                lines += [f"  - {p.where}: {p.what}" for p in items]
        if self.written:
            lines.append(_("Wrote {file}: upload this file, as it is, to your course.").format(
                file=self.written))
        elif self.errors:
            lines.append(_("Nothing written: fix the problems above and run pack again."))
        else:
            lines.append(_("Nothing written: save your work (in JupyterLab: File > Save, "
                           "Ctrl+S) and run pack again, or add --partial to submit it "
                           "unfinished."))
        return "\n".join(lines)


# --------------------------------------------------------------------------- where things are
def locate(folder: Path, sprint: str | None = None) -> Assignment:
    """The assignment in ``folder``: a release's assignment folder, a release holding
    ``sprintN/`` folders, or the course repository (``notebooks/`` and ``helpers/``)."""
    folder = Path(folder).resolve()
    if sprint is None:
        found = sprint_ids(folder)
        if len(found) != 1:
            raise PackError((_("say which sprint to pack (e.g. `pack sprint1`): {folder} holds "
                               "notebooks of {sprints}") if found else
                             _("say which sprint to pack (e.g. `pack sprint1`): {folder} is not "
                               "an assignment folder")).format(folder=folder,
                                                               sprints=", ".join(found)))
        sprint = found[0]
    if not re.fullmatch(r"sprint\d+", sprint):
        raise PackError(_("{sprint} is not a sprint name (sprint0, sprint1, ...)").format(
            sprint=repr(sprint)))
    for nb_dir, helpers in ((folder, folder / "helpers"),
                            (folder / sprint, folder / sprint / "helpers"),
                            (folder / "notebooks", folder / "helpers")):
        notebooks = sprint_notebooks(nb_dir, sprint) if nb_dir.is_dir() else []
        if len(notebooks) > 1:
            raise PackError(_("{count} notebooks of {sprint} in {folder} ({names}): keep only "
                              "the one you were given (rename your copies without the sprint "
                              "prefix)").format(count=len(notebooks), sprint=sprint,
                                                folder=nb_dir,
                                                names=", ".join(p.name for p in notebooks)))
        if notebooks:
            return Assignment(sprint, notebooks[0], helpers)
    raise PackError(_("no notebook {sprint}_*.ipynb in {folder}, {sprint_folder} or "
                      "{notebooks}: run pack in your assignment folder").format(
                          sprint=sprint, folder=folder, sprint_folder=folder / sprint,
                          notebooks=folder / "notebooks"))


# --------------------------------------------------------------------------- the checks
def _source(cell: dict[str, Any]) -> str:    # a notebook cell
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def check_notebook(path: Path, specs: list[registry.Spec]) -> list[Problem]:
    """The notebook's problems: unreadable, invalid, check cells missing or changed."""
    import nbformat
    from nbgrader.utils import compute_checksum

    name = path.name
    if path.is_symlink():
        return [Problem(ERROR, name, _("is a symbolic link: put the notebook itself here"))]
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        return [Problem(ERROR, name, _(
            "is {size} MB (limit {limit} MB): clear the outputs (Edit > Clear Outputs of All "
            "Cells), save, and pack again").format(size=f"{size / 1e6:.0f}",
                                                   limit=f"{MAX_NOTEBOOK_BYTES / 1e6:.0f}"))]
    try:
        text = path.read_text(encoding="utf-8")
        json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [Problem(ERROR, name, _(
            "is not a readable notebook ({error}); it may have been cut short while saving: "
            "open it in JupyterLab, save it, pack again").format(error=exc))]
    try:
        nb = nbformat.reads(text, as_version=4)  # joins the sources' lines
        nbformat.validate(nb)
    except Exception as exc:  # noqa: BLE001 - nbformat's ValidationError and friends
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return [Problem(ERROR, name, _(
            "is not a valid notebook ({error}): open it in JupyterLab and save it, or start "
            "again from the notebook you were given and copy your answers in").format(
                error=first[:160]))]
    problems: list[Problem] = []
    cells = nb.get("cells", [])
    by_id: dict[str, list[tuple[int, dict[str, Any]]]] = {}   # grade id: (index, cell)
    for i, cell in enumerate(cells):
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid:
            by_id.setdefault(gid, []).append((i, cell))
    for gid, hits in by_id.items():
        if len(hits) > 1:
            cells_at = ", ".join(str(i + 1) for i, _hit in hits)
            problems.append(Problem(ERROR, _("{notebook}, cells {cells}").format(
                notebook=name, cells=cells_at), _(
                    "{count} cells carry the same nbgrader id {id} (a copied cell): delete the "
                    "copies you made, keep the original").format(count=len(hits), id=repr(gid))))
    for spec in specs:
        where = _("{notebook}, check cell of {title}").format(
            notebook=name, title=repr(pgettext(spec.id, spec.title)))
        hits = by_id.get(spec.grade_id, [])
        if not hits:
            problems.append(Problem(ERROR, where, _(
                "is missing (nbgrader id {id}): put back a code cell with {call} from the "
                "notebook you were given (copy it with its cell, not only its text)").format(
                    id=spec.grade_id, call=f'check("{spec.id}")')))
            continue
        i, cell = hits[0]
        meta = cell.get("metadata", {}).get("nbgrader", {})
        wrong: list[str] = []
        if cell.get("cell_type") != "code":
            wrong.append(_("it is no longer a code cell"))
        if _source(cell).strip() != f'check("{spec.id}")':
            wrong.append(_("its text was changed (it must read {call} alone)").format(
                call=f'check("{spec.id}")'))
        if not meta.get("grade") or not meta.get("locked"):
            wrong.append(_("its nbgrader settings were changed"))
        elif float(meta.get("points", -1)) != float(spec.points):
            wrong.append(_("its points were changed ({points}, not {expected})").format(
                points=meta.get("points"), expected=spec.points))
        elif "checksum" in meta and not wrong and compute_checksum(cell) != meta["checksum"]:
            wrong.append(_("it no longer matches the checksum it was released with"))
        if wrong:
            problems.append(Problem(ERROR, _("{where} (cell {number})").format(
                where=where, number=i + 1), _(
                    "{problems}: copy the cell back from the notebook you were given").format(
                        problems="; ".join(wrong))))
    for gid, hits in by_id.items():
        for i, cell in hits[:1]:
            meta = cell["metadata"]["nbgrader"]
            if meta.get("solution") and _source(cell).strip() == PLACEHOLDER:
                problems.append(Problem(
                    INCOMPLETE, _("{notebook}, written answer {id} (cell {number})").format(
                        notebook=name, id=gid, number=i + 1),
                    _("still reads {placeholder}: if you answered it, your notebook is not "
                      "saved").format(placeholder=PLACEHOLDER)))
    return problems


def _is_stub(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Raise) and sub.exc is not None:
            exc = sub.exc.func if isinstance(sub.exc, ast.Call) else sub.exc
            if isinstance(exc, ast.Name) and exc.id == "NotImplementedError":
                return True
    return False


def check_helpers(helpers: Path, specs: list[registry.Spec]) -> list[Problem]:
    """The helpers' problems: missing, links, too large, not compiling, exercises unfinished."""
    if not helpers.is_dir() or helpers.is_symlink():
        return [Problem(ERROR, "helpers/", _("is missing: it holds your code, pack the "
                                             "assignment folder you were given"))]
    problems: list[Problem] = []
    trees: dict[str, ast.Module] = {}
    for path in sorted(helpers.iterdir()):
        where = f"helpers/{path.name}"
        if path.is_symlink():
            problems.append(Problem(ERROR, where, _("is a symbolic link: the grader reads real "
                                                    "files only, copy the file here")))
            continue
        if path.suffix != ".py" or not path.is_file():
            continue
        data = path.read_bytes()
        if len(data) > MAX_HELPER_BYTES:
            problems.append(Problem(ERROR, where, _(
                "is {size} MB: the grader does not read files over {limit} MB").format(
                    size=f"{len(data) / 1e6:.1f}", limit=f"{MAX_HELPER_BYTES / 1e6:.0f}")))
            continue
        failure = compile_failure(data, where)
        if failure is None:
            trees[path.stem] = ast.parse(data, where)
        elif failure.syntax:
            problems.append(Problem(ERROR, where, _(
                "does not compile (line {line}: {error}): every exercise of this file would "
                "score 0").format(line=failure.line, error=failure.message)))
        else:
            problems.append(Problem(ERROR, where, _("does not compile ({error})").format(
                error=failure.message)))
    for spec in specs:
        where = f"helpers/{spec.module}.py"
        if not (helpers / f"{spec.module}.py").exists():
            if not any(p.where == where for p in problems):
                problems.append(Problem(ERROR, where, _(
                    "is missing: put back the file you were given (with your code in it)")))
            continue
        tree = trees.get(spec.module)
        if tree is None:
            continue
        defs = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef,
                                                       ast.AsyncFunctionDef))
                and n.name == spec.name]
        if not defs:
            problems.append(Problem(ERROR, f"{where}, {spec.name}", _(
                "is not defined any more: the grader calls {name} for {title}").format(
                    name=spec.name, title=repr(pgettext(spec.id, spec.title)))))
        elif _is_stub(defs[-1]):
            problems.append(Problem(INCOMPLETE, f"{where}, {spec.name}", _(
                "still raises NotImplementedError: if you wrote it, the file is not saved")))
    return problems


def check_student(student: str) -> str:
    student = (student or "").strip()
    if not student:
        raise PackError(_("say who you are: --student YOUR_ID (the id your course gave you), "
                          "or set COURSE_STUDENT"))
    if not STUDENT_ID.match(student) or re.search(r"_sprint\d", student):
        raise PackError(_("the student id {student} cannot name the file: use letters, "
                          "digits, '.', '-' and '_' only (no spaces, no '_sprintN')").format(
                              student=repr(student)))
    return student


# --------------------------------------------------------------------------- packing
def pack(folder: Path, student: str, sprint: str | None = None, out_dir: Path | None = None,
         *, partial: bool = False, specs: list[registry.Spec] | None = None) -> PackReport:
    """Check the assignment in ``folder`` and write ``out_dir/<student>_<sprint>.zip``.

    Nothing is written when a problem is an error, nor when the work looks unsaved or
    unfinished unless ``partial``. Raises :class:`PackError` when ``folder`` holds no
    assignment or ``student`` cannot name the file.
    """
    student = check_student(student)
    a = locate(folder, sprint)
    if specs is None:
        specs = registry.select(registry.load_exercises(), [a.sprint])
    else:
        specs = [s for s in specs if s.sprint == a.sprint]
    report = PackReport(a)
    report.problems += check_notebook(a.notebook, specs)
    report.problems += check_helpers(a.helpers, specs)
    if report.errors or (report.incomplete and not partial):
        return report
    out_dir = Path(out_dir or Path.cwd())
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{student}_{a.sprint}.zip"
    tmp = target.with_name(target.name + ".part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(a.notebook, f"{a.sprint}/{a.notebook.name}")
        for path in sorted(a.helpers.glob("*.py")):
            if path.is_file() and not path.is_symlink():
                zf.write(path, f"{a.sprint}/helpers/{path.name}")
    tmp.replace(target)
    report.written = target
    return report
