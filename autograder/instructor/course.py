"""Build the nbgrader course folder and the learner release (instructor side).

Each notebook ``notebooks/sprintN_<slug>.ipynb`` is the nbgrader assignment ``sprintN``; its
graded exercises are the registry's whose id starts with ``sprintN.`` (one check cell each,
nbgrader ``grade_id`` = ``Spec.grade_id``). :func:`build_course` writes::

    COURSE/nbgrader_config.py
    COURSE/source/sprintN/sprintN_<slug>.ipynb
    COURSE/source/sprintN/helpers/                 the whole stub package (every sprint's)
    COURSE/source/sprintN/autograder/              the learner's checker: __init__, __main__,
                                                   learner/ (never instructor/, authoring/,
                                                   exercises/)
    COURSE/source/sprintN/autograder/learner/public/sprintN.json + .npz   public cases only
    COURSE/source/sprintN/data/                    the bundled data sets, if the repo has data/

and runs ``nbgrader generate_assignment`` for each sprint, so ``COURSE/release/sprintN/`` is the
learner's assignment folder and the gradebook (``COURSE/gradebook.db``) knows the assignment.
:func:`release` copies those folders out. Grading is :mod:`autograder.instructor.grading`.

Nothing here ships the reference: ``helpers/`` is the generated stub package (a module with a
solution marker left in it stops the build), the learner's ``autograder/`` holds only the
checker's modules, and the stored cases are the public ones (inputs, expected outputs,
known-mistake outputs), never hidden cases, generators or reference code.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..authoring import stubs
from ..learner import registry
from ..learner.errors import CourseError
from ..learner.sprints import notebook_sprint, sprint_key, sprint_notebooks

ROOT = Path(__file__).resolve().parents[2]
COURSE_ID = "dl-from-scratch"
# Seconds per notebook cell under nbgrader (autograde, validate). The slowest cell of any
# notebook takes under 5 s at COURSE_QUICK on a 2-core laptop; 60 s leaves room for slow
# learner code on a busy grading machine, and a hang costs a minute, not two.
EXECUTE_TIMEOUT = 60
# What a learner gets of the package: its front door and the learner/ folder as it is (never
# instructor/, authoring/ or exercises/). The learner folder's generated parts are written per
# release (the public cases, the exercise index, the sprint's hint texts, the catalogs).
CHECKER_FILES = ("__init__.py", "__main__.py")
LEARNER_DIR = "learner"
LEARNER_WRITTEN = ("public", "exercise_index.json", "hint_texts", "locale")
# (.course_progress/ is the learner's saved check results: never part of a release or submission)
IGNORE = (".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".DS_Store",
          ".course_progress")

CONFIG_TEMPLATE = '''\
# nbgrader configuration of the course, written by `python -m autograder course|grade`.
# It is rewritten on every build: change autograder/instructor/course.py, not this file.
import os

c = get_config()  # noqa: F821 - provided by traitlets when the file is loaded

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.ignore = {ignore!r}
{db_line}
# Seconds per notebook cell when autograding (a timed-out cell scores 0 and grading goes on).
c.Execute.timeout = {timeout!r}

# The learner's helpers/*.py are what is graded: autograde keeps the submitted copies and
# restores every other file (notebook test cells, autograder/) from source/.
c.Autograde.exclude_overwriting = {exclude!r}

# Feedback shows scores and outputs, never hidden test source.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "nbgrader.preprocessors.ClearHiddenTests",
    "autograder.instructor.course.SanitizeMarkdown",
]
# The learner's HTML (rich outputs here, markdown and raw cells above: nbgrader's feedback
# template renders them unsanitised) is sanitised in the feedback: no live <script>, no
# onerror= handlers (nbconvert's clean_html, bleach).
c.HTMLExporter.sanitize_html = True
'''


def _sanitize_markdown_class():
    from nbconvert.filters.strings import clean_html
    from nbconvert.preprocessors import Preprocessor

    class SanitizeMarkdown(Preprocessor):
        """Markdown and raw cells through bleach (nbconvert's ``clean_html``) before the
        feedback renders them: HTML a learner typed is shown as text, not run."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.enabled = True   # nbconvert's preprocessors are off unless enabled

        def preprocess_cell(self, cell, resources, index):
            if cell.cell_type in ("markdown", "raw"):
                cell.source = clean_html(cell.source)
            return cell, resources
    return SanitizeMarkdown


def __getattr__(name):   # nbgrader imports the preprocessor by name; nbconvert only then
    if name == "SanitizeMarkdown":
        return _sanitize_markdown_class()
    raise AttributeError(name)


@dataclass
class Sprint:
    """One nbgrader assignment: a sprint notebook and the exercises it grades."""

    id: str              # "sprint1"
    notebook: Path       # notebooks/sprint1_perceptron.ipynb
    exercises: list[registry.Spec]   # in course order

    @property
    def notebook_id(self) -> str:
        """nbgrader's notebook id: the file name without ``.ipynb``."""
        return self.notebook.stem


def discover_sprints(sprints: Iterable[str] | None = None, *, repo: Path | None = None,
                     specs: list[registry.Spec] | None = None) -> list[Sprint]:
    """The sprints that have a notebook, in course order (only ``sprints`` when given)."""
    repo = Path(repo or ROOT)
    specs = registry.load_exercises() if specs is None else specs
    found: dict[str, Sprint] = {}
    for nb in sprint_notebooks(repo / "notebooks"):
        sid = notebook_sprint(nb)
        assert sid is not None   # sprint_notebooks gives sprint notebooks only
        if sid in found:
            raise CourseError(f"two notebooks for {sid}: {found[sid].notebook.name} and "
                              f"{nb.name} (one notebook per sprint)")
        found[sid] = Sprint(sid, nb, [s for s in specs if s.sprint == sid])
    if sprints:
        unknown = [s for s in sprints if s not in found]
        if unknown:
            raise CourseError(
                f"no notebook for {', '.join(unknown)} in {repo / 'notebooks'}; sprints with a "
                f"notebook: {', '.join(sorted(found, key=sprint_key)) or 'none'}")
        found = {s: found[s] for s in dict.fromkeys(sprints)}
    return sorted(found.values(), key=lambda s: sprint_key(s.id))


def _ignore(*patterns: str) -> Callable[[Any, list[str]], set[str]]:   # shutil's ignore=
    return shutil.ignore_patterns(*IGNORE, *patterns)


def _check_stubs(helpers_dir: Path) -> None:
    """Refuse to ship a helper that still has a solution region in it."""
    for f in sorted(helpers_dir.glob("*.py")):
        lines = {ln.strip() for ln in f.read_text(encoding="utf-8").splitlines()}
        if stubs.BEGIN in lines or stubs.END in lines:
            raise CourseError(f"{f} still contains a solution marker: run "
                              "`python -m autograder stubs` (helpers/ is generated from "
                              "solutions/)")


def copy_checker(package: Path, dest: Path) -> Path:
    """Copy the learner's checker of ``package`` (the course's ``autograder/``) to ``dest``: its
    :data:`CHECKER_FILES` and its ``learner/`` folder, without the parts each release writes
    itself (:data:`LEARNER_WRITTEN`). Returns ``dest/learner``."""
    dest.mkdir(parents=True)
    for name in CHECKER_FILES:
        shutil.copyfile(package / name, dest / name)
    return Path(shutil.copytree(package / LEARNER_DIR, dest / LEARNER_DIR,
                                ignore=_ignore(*LEARNER_WRITTEN)))


def write_source(dest: Path, sprint: Sprint, *, repo: Path | None = None,
                 lang: str | None = None) -> Path:
    """Write nbgrader's ``source/<sprint>/`` folder for ``sprint`` at ``dest`` (its notebook
    and messages in ``lang``, :mod:`autograder.learner.i18n`)."""
    repo = Path(repo or ROOT)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    shutil.copyfile(sprint.notebook, dest / sprint.notebook.name)
    from .answer_notes import strip as strip_answer_notes  # graded by hand in a class

    strip_answer_notes(dest / sprint.notebook.name)
    _check_stubs(repo / "helpers")
    shutil.copytree(repo / "helpers", dest / "helpers", ignore=_ignore())
    learner = copy_checker(repo / "autograder", dest / "autograder")
    if sprint.exercises:
        registry.write_store(learner / "public", sprint.exercises)
    # needs() names (and probes) earlier sprints' exercises; hint texts unless COURSE_HINTS=0
    from ..learner.hints import ship as ship_hints
    from ..learner.needs import INDEX, write_index

    write_index(learner / INDEX.name, registry.load_exercises())
    ship_hints(learner, sprint.id)
    from ..learner.i18n import DEFAULT, localize_source

    localize_source(dest, sprint.notebook, lang)
    if lang and lang != DEFAULT:                  # the stubs' docstrings in the release's language
        from ..authoring.docstrings import localize_helpers

        localize_helpers(dest / "helpers", lang, directory=repo / "translations",
                         solutions_dir=repo / "solutions")
    # the bundled data sets (helpers/datasets.py looks beside helpers/)
    if (repo / "data").is_dir():
        shutil.copytree(repo / "data", dest / "data", ignore=_ignore("*.py"))
    return dest


def exclude_overwriting(source_root: Path) -> dict[str, list[str]]:
    """``{assignment: [helpers/*.py ...]}``: the learner's files autograde must keep."""
    out = {}
    for folder in sorted(p for p in Path(source_root).iterdir() if p.is_dir()):
        out[folder.name] = sorted(f"helpers/{f.name}" for f in (folder / "helpers").glob("*.py"))
    return out


SALT_FILE = ".course_salt"   # the course folder's own salt: never released


def course_salt(course_dir: Path, salt: str | None = None) -> str:
    """The salt of the hidden cases: ``salt`` when one is given, else the course folder's own
    (a random one written to ``course_dir/.course_salt``, mode 0600, on first use and kept:
    later runs grade the same hidden cases). It is never part of a release."""
    if salt is not None:
        return salt
    import secrets

    path = Path(course_dir) / SALT_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        text = path.read_text(encoding="utf-8").strip()
        if not text:
            raise CourseError(f"{path} is empty: delete it (a new salt changes the hidden "
                              "cases) or pass --salt") from None
        return text
    with open(fd, "w", encoding="utf-8") as fh:
        fh.write(secrets.token_hex(16) + "\n")
    return path.read_text(encoding="utf-8").strip()


def write_config(course_dir: Path, db_url: str | None = None) -> Path:
    """Write ``nbgrader_config.py`` for the assignments now in ``course_dir/source``.

    ``db_url`` is the gradebook's SQLAlchemy URL (e.g. ``postgresql://user@host/db``);
    ``None`` is nbgrader's default, ``COURSE/gradebook.db`` (SQLite). A password in the URL is
    better kept out of it (``~/.pgpass`` or ``PGPASSWORD``): the file is plain text.
    """
    path = Path(course_dir) / "nbgrader_config.py"
    source = Path(course_dir) / "source"
    exclude = exclude_overwriting(source) if source.is_dir() else {}
    db_line = ("" if not db_url else
               f"\n# The gradebook (default: SQLite gradebook.db here).\n"
               f"c.CourseDirectory.db_url = {db_url!r}\n")
    path.write_text(CONFIG_TEMPLATE.format(course_id=COURSE_ID, ignore=list(IGNORE),
                                           timeout=EXECUTE_TIMEOUT, exclude=exclude,
                                           db_line=db_line))
    return path


def _fast_alembic_version() -> None:
    """Let a new gradebook learn its schema version in-process.

    ``nbgrader.api.Gradebook`` runs the ``alembic heads`` command (about 5 s, and only if
    ``alembic`` is on ``PATH``) whenever it creates a database; asking alembic's script folder
    directly gives the same answer in a fraction of a second. Falls back to nbgrader's own.
    """
    import nbgrader.api as nb_api

    if getattr(nb_api.get_alembic_version, "_course_fast", False):
        return
    original = nb_api.get_alembic_version

    def get_alembic_version() -> str:
        try:
            from alembic.config import Config as AlembicConfig
            from alembic.script import ScriptDirectory

            cfg = AlembicConfig()
            cfg.set_main_option("script_location", str(Path(nb_api.__file__).parent / "alembic"))
            head = ScriptDirectory.from_config(cfg).get_current_head()
            if head:
                return head
        except Exception:  # noqa: BLE001 - any trouble: nbgrader's own way
            pass
        return original()

    get_alembic_version._course_fast = True  # type: ignore[attr-defined]  # a mark on a function
    nb_api.get_alembic_version = get_alembic_version


def nbgrader_api(course_dir: Path, overrides: dict[str, Any] | None = None) -> Any:
    """An in-process ``NbGraderAPI`` configured from ``course_dir/nbgrader_config.py``.

    ``overrides``: ``{"Section.name": value}`` set on top of the file (the grader's kernel
    and transport). Importing nbgrader takes seconds: callers make one and reuse it.
    """
    import logging
    import os
    import sys

    # nbgrader's fallback for a new gradebook runs the `alembic` command: make sure the one
    # beside this Python is found when the virtual environment is not activated.
    bindir = str(Path(sys.executable).parent)
    path = os.environ.get("PATH", "").split(os.pathsep)
    if (Path(bindir) / "alembic").exists() and bindir not in path:
        os.environ["PATH"] = os.pathsep.join([bindir, *path])

    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    _fast_alembic_version()
    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config()
    for key, value in (overrides or {}).items():
        section, _, name = key.rpartition(".")
        cfg[section][name] = value
    coursedir = CourseDirectory(config=cfg)
    api = NbGraderAPI(coursedir=coursedir, config=cfg)
    # Each API call captures its log and returns it (grading keeps it in OUT/logs/); nothing
    # of it goes to the console, which is left to our own summary.
    api.log.setLevel(logging.INFO)
    if not api.log.handlers:
        api.log.addHandler(logging.NullHandler())
    api.log.propagate = False
    return api


def failure_text(result: dict[str, Any]) -> str:
    """The useful part of a failed ``NbGraderAPI`` call's result."""
    lines = (result.get("log") or "").strip().splitlines()
    errors = [ln for ln in lines if ln.startswith(("[ERROR]", "[CRITICAL]"))]
    tail = (result.get("error") or "").strip().splitlines()[-1:]
    return "; ".join((errors[-3:] or lines[-3:]) + tail) or "unknown error"


def build_course(course_dir: Path, sprints: Iterable[str] | None = None, *,
                 repo: Path | None = None, db_url: str | None = None, lang: str | None = None,
                 ) -> Path:
    """Write the nbgrader course at ``course_dir`` and generate each sprint's release.

    Rebuilding an existing course folder is fine: ``source/`` and ``release/`` of the chosen
    sprints are rewritten and the gradebook (with any grades in it) is kept.
    """
    return build(course_dir, sprints, repo=repo, db_url=db_url, lang=lang)[0]


def build(course_dir: Path, sprints: Iterable[str] | None = None, *, repo: Path | None = None,
          db_url: str | None = None, lang: str | None = None,
          ) -> tuple[Path, Any, list[Sprint]]:   # Any: nbgrader's NbGraderAPI (no types)
    """:func:`build_course`, returning ``(course_dir, api, [Sprint])`` for further use."""
    course_dir = Path(course_dir).resolve()
    course_dir.mkdir(parents=True, exist_ok=True)
    chosen = discover_sprints(sprints, repo=repo)
    if not chosen:
        raise CourseError(f"no sprint notebooks (notebooks/sprintN_<slug>.ipynb) in "
                          f"{Path(repo or ROOT) / 'notebooks'}")
    for sprint in chosen:
        write_source(course_dir / "source" / sprint.id, sprint, repo=repo, lang=lang)
    write_config(course_dir, db_url)
    course_salt(course_dir)   # made once, on the course's first build
    api = nbgrader_api(course_dir)
    for sprint in chosen:
        result = api.generate_assignment(sprint.id, force=True, create=True)
        if not result.get("success"):
            raise CourseError(f"nbgrader generate_assignment {sprint.id} failed: "
                              f"{failure_text(result)}")
        released = course_dir / "release" / sprint.id
        if not (released / sprint.notebook.name).is_file():
            raise CourseError(f"nbgrader generate_assignment {sprint.id} wrote no notebook in "
                              f"{released}")
    return course_dir, api, chosen


def release(out_dir: Path, sprints: Iterable[str] | None = None, *, repo: Path | None = None,
            lang: str | None = None) -> Path:
    """Build the course in a temporary folder and copy ``release/<sprint>/`` to ``out_dir``.

    ``out_dir/<sprint>/`` is nbgrader's release layout: the notebook, the whole ``helpers/``
    stub package and the learner's ``autograder/`` with that sprint's public cases. An
    earlier release's ``out_dir/<sprint>/`` is replaced; anything else of that name, or an
    ``out_dir`` that holds ``solutions/`` (the course's repository: a release is published
    as it is), stops the release before it writes anything.
    """
    out_dir = Path(out_dir).resolve()
    if (out_dir / "solutions").exists():
        raise CourseError(f"{out_dir} holds solutions/: a release is published as it is, so "
                          "write it to a folder of its own (e.g. release/), never beside the "
                          "reference")
    with tempfile.TemporaryDirectory(prefix="course-release-") as tmp:
        course_dir = build_course(Path(tmp) / "course", sprints, repo=repo, lang=lang)
        folders = sorted((course_dir / "release").iterdir(), key=lambda p: p.name)
        for folder in folders:
            dest = out_dir / folder.name
            if (dest.exists() or dest.is_symlink()) and not _earlier_release(dest):
                raise CourseError(f"{dest} exists and is not an earlier release of "
                                  f"{folder.name}: move it away or choose another folder "
                                  "(release replaces only its own folders)")
        out_dir.mkdir(parents=True, exist_ok=True)
        for folder in folders:
            dest = out_dir / folder.name
            if dest.exists():
                shutil.rmtree(dest)
            shutil.copytree(folder, dest, ignore=_ignore())
    return out_dir


def _earlier_release(folder: Path) -> bool:
    """Whether ``folder`` is a sprint's folder that :func:`release` wrote: a real folder
    with the learner's checker and that sprint's notebook."""
    return (folder.is_dir() and not folder.is_symlink()
            and (folder / "autograder" / "learner").is_dir()
            and any(notebook_sprint(p) == folder.name for p in folder.glob("*.ipynb")))
