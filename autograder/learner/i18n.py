"""The course in English and Japanese (日本語版), from one source, with gettext catalogs.

**Choosing the language.** :func:`language` is, in order: ``COURSE_LANG`` (``en`` or ``ja``),
the language a release was built in (``python -m autograder release --lang ja`` writes
``autograder/learner/locale/LANGUAGE``), the machine's locale (``LANGUAGE``, ``LC_ALL``,
``LC_MESSAGES``, ``LANG``: ``ja_JP.UTF-8`` means Japanese), else English. It is read at
every message, so ``COURSE_LANG`` switches the check's language at any time.

**Messages** (the check's output, the learner-side CLI): a message literal is wrapped in
:func:`_` (or marked with :func:`N_` where it is stored and translated later); exercise titles
and known-mistake hints go through :func:`pgettext` with the exercise id as context. The
catalog is ``autograder/learner/locale/<lang>/LC_MESSAGES/course.po``; it ships with the learner's
``autograder/`` and is compiled in memory with Babel when first needed (no compiled ``.mo``
is committed, so nothing can disagree with the ``.po``; English never reads a catalog).

**Notebooks**: a notebook's markdown cells are translated in
``translations/<lang>/<notebook stem>.po``, one entry per cell: ``msgctxt`` is the cell's id,
``msgid`` the English cell as it is, ``msgstr`` its translation. Code cells, check cells,
grade ids, problem numbers and answer cells are the English notebook's own: the Japanese
notebook is *built* (:func:`build_notebook`) from the English one and the catalog, never
edited. A notebook with a catalog is *declared translated*: the build, and the tests, refuse a
cell whose translation is missing or stale (its English changed since it was translated).
``python -m autograder translate update`` merges changed English into the catalogs with
Babel (a changed cell becomes ``#, fuzzy`` with its previous English kept as ``#| msgid``).

**Tiered hints** (:mod:`autograder.learner.hints`): ``hint_texts/<sprint>.toml`` stays their English
source; ``hint_texts/<lang>/<sprint>.po`` holds their translations, one entry per level
(``msgctxt`` = ``<exercise id> level <n>``, ``msgid`` the English level as it is). They sit
beside the texts, not in ``course.po``, so that a release ships a sprint's hints (and their
translations) with that sprint only, and none when hints are off (``COURSE_HINTS=0``). A
changed English level makes its translation stale: the hint then shows in English, and the
tests name the entry.
"""
from __future__ import annotations

import contextvars
import functools
import io
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import CourseError
from .sprints import sprint_notebooks

if TYPE_CHECKING:
    import gettext

    from babel.messages.catalog import Message

    from .registry import Spec

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
LOCALE = HERE / "locale"                  # message catalogs (shipped to learners)
HINTS = HERE / "hint_texts"               # tiered hints: <sprint>.toml, <lang>/<sprint>.po
TRANSLATIONS = ROOT / "translations"      # notebook catalogs (authors; built into releases)
DOMAIN = "course"
LANGUAGES = ("en", "ja")
DEFAULT = "en"
SWITCH = "COURSE_LANG"
# autograder/learner/locale/LANGUAGE in a release built --lang
RELEASE_LANGUAGE = "LANGUAGE"
#: The Python modules whose ``_()``/``N_()`` literals are the message catalog's.
MESSAGE_MODULES = ("__main__.py", "learner/check.py", "learner/verdict.py", "learner/compare.py",
                   "learner/evaluate.py", "learner/hints.py", "learner/progress.py",
                   "learner/pack.py", "learner/needs.py", "learner/registry.py",
                   "learner/cli_i18n.py", "learner/script_messages.py",
                   "authoring/docstrings.py", "instructor/trusted.py",
                   "instructor/report.py", "instructor/late_report.py",
                   "instructor/mistake_groups.py", "instructor/grading/summary.py",
                   "instructor/collect.py", "learner/intake.py",
                   "instructor/grading/feedback.py", "instructor/grading/nbgrader_run.py",
                   "instructor/grading/one_submission.py", "instructor/grading/pool.py",
                   "instructor/grading/run.py", "instructor/grading/state.py",
                   "instructor/grading/submitted.py", "instructor/grading/trusted_run.py",
                   "instructor/gradescope.py")


def _supported(value: str | None) -> str | None:
    """``ja`` for ``ja``, ``ja_JP.UTF-8``, ``ja-JP``...; ``en`` likewise; else ``None``."""
    for part in (value or "").split(":"):          # LANGUAGE may list several: ja:en
        code = part.strip().split(".")[0].replace("-", "_").split("_")[0].lower()
        if code in LANGUAGES:
            return code
    return None


@functools.lru_cache(maxsize=4)
def _release_language(path: Path) -> str | None:
    """The language a release was built in (read once per process)."""
    try:
        return _supported(path.read_text(encoding="utf-8"))
    except OSError:
        return None


#: The language :func:`speaking` chose for the code it wraps (None: :func:`language` decides).
_SPOKEN: contextvars.ContextVar[str | None] = contextvars.ContextVar("course_spoken", default=None)


@contextmanager
def speaking(lang: str | None) -> Iterator[None]:
    """Messages in ``lang`` inside the ``with`` block, whatever ``COURSE_LANG`` says (a
    grader's note in English for a CSV; a Gradescope bundle in the language it was built
    in). ``None`` or an unknown language: the language chosen around it, as usual."""
    token = _SPOKEN.set((_supported(lang) if lang else None) or _SPOKEN.get())
    try:
        yield
    finally:
        _SPOKEN.reset(token)


def language() -> str:
    """The language of messages now (see the module's docstring)."""
    chosen = _SPOKEN.get() or _supported(os.environ.get(SWITCH))
    if chosen:
        return chosen
    chosen = _release_language(LOCALE / RELEASE_LANGUAGE)
    if chosen:
        return chosen
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        if os.environ.get(var):
            return _supported(os.environ[var]) or DEFAULT
    return DEFAULT


def catalog_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    """The ``gettext`` translations of ``lang`` (``NullTranslations`` for English or when the
    catalog is absent), compiled from the ``.po`` with Babel; fuzzy entries are not used."""
    import gettext

    if lang == DEFAULT:
        return gettext.NullTranslations()
    return compiled(catalog_path(lang), lang)


@functools.cache
def compiled(path: Path, lang: str) -> gettext.NullTranslations:
    """The catalog at ``path`` as ``gettext`` translations (``NullTranslations`` when it is
    absent), compiled in memory with Babel; fuzzy (stale) entries are left out."""
    import gettext

    if not Path(path).is_file():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with Path(path).open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def _(message: str) -> str:
    """``message`` in the current language (English text is the key)."""
    lang = language()
    return message if lang == DEFAULT else translations(lang).gettext(message)


def N_(message: str) -> str:
    """Marks a literal for the catalog without translating it yet (``_(stored)`` later)."""
    return message


#: The words of a stub's ``raise NotImplementedError("<where>: not implemented yet")``
#: (:mod:`autograder.authoring.stubs` writes them; a release or a clone in another language has
#: them in its language: :func:`not_yet`). The same words as the check's verdict.
NOT_YET = N_("not implemented yet")


def not_yet(lang: str) -> str:
    """:data:`NOT_YET` in ``lang`` (a stub's message; English when it has no translation)."""
    return translations(lang).gettext(NOT_YET)


def stub_messages() -> Iterator[str]:
    """The words a stub's ``NotImplementedError`` says, in every language of the course:
    English first, the others (each compiles its catalog) only when asked for."""
    yield NOT_YET
    for lang in LANGUAGES:
        if lang != DEFAULT:
            yield not_yet(lang)


def stub_message(text: str) -> str:
    """``text`` (a ``NotImplementedError``'s message) in the current language when it is a
    generated stub's, ``"Affine.forward: not implemented yet"`` or its Japanese; any other
    message (the learner's own) as it is."""
    where, sep, words = (text or "").rpartition(": ")
    if not sep or not where.replace(".", "").isidentifier() or \
            not any(words == w for w in stub_messages()):
        return text
    return f"{where}: {_(NOT_YET)}"


def pgettext(context: str, message: str) -> str:
    """``message`` translated in ``context`` (an exercise id for titles and hints)."""
    lang = language()
    return message if lang == DEFAULT or not message else \
        translations(lang).pgettext(context, message)


def hint_context(ex_id: str, level: int) -> str:
    """The ``msgctxt`` of level ``level`` (1-based) of ``ex_id``'s tiered hints."""
    return f"{ex_id} level {level}"


def hint_catalog_path(lang: str, sprint: str, directory: Path | None = None) -> Path:
    return Path(directory or HINTS) / lang / f"{sprint}.po"


def hint_text(ex_id: str, level: int, text: str, directory: Path | None = None) -> str:
    """Level ``level`` of ``ex_id``'s hints (English ``text``) in the current language: its
    translation when current, else the English."""
    lang = language()
    if lang == DEFAULT or not text:
        return text
    path = hint_catalog_path(lang, ex_id.split(".", 1)[0], directory)
    return compiled(path, lang).pgettext(hint_context(ex_id, level), text)


# --------------------------------------------------------------------------- messages
def extract_messages(specs=None):
    """The message template (a Babel ``Catalog``): every ``_()``/``N_()`` literal of
    :data:`MESSAGE_MODULES`, and the titles and known-mistake hints of the exercises of the
    sprints with a notebook catalog (context: the exercise id)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_file

    template = Catalog(domain=DOMAIN, project="dl-from-scratch", fuzzy=False)
    for name in MESSAGE_MODULES:
        for lineno, message, comments, context in extract_from_file(
                "python", HERE.parent / name, keywords={"_": None, "N_": None}):
            template.add(message, locations=[(f"autograder/{name}", lineno)],
                         auto_comments=comments, context=context)
    for text, where, comment in command_line_texts():
        template.add(text, locations=[(where, 0)], auto_comments=[comment])
    for spec in _translated_specs(specs):
        where = [(f"autograder/exercises/{spec.sprint}.py", 0)]
        template.add(spec.title, locations=where, context=spec.id,
                     auto_comments=["the exercise's title"])
        for m in getattr(spec.exercise, "mistakes", ()) or ():
            template.add(m.hint, locations=where, context=spec.id,
                         auto_comments=["the hint of a known mistake"])
        for label in public_labels(spec):
            template.add(label, locations=where, context=spec.id,
                         auto_comments=[LABEL_COMMENT])
    return template


def command_line_texts() -> list[tuple[str, str, str]]:
    """``[(text, file, comment)]``: what ``python -m autograder --help`` (every command's) and
    ``./course help`` show (:mod:`autograder.learner.cli_i18n`)."""
    from .cli_i18n import parser_texts, script_help

    out: list[tuple[str, str, str]] = []
    try:
        from ..__main__ import build_parser
    except ImportError:                     # (a copy without the command line)
        pass
    else:
        out += [(t, "autograder/__main__.py", "--help") for t in parser_texts(build_parser())]
    if (ROOT / "course").is_file():
        out.append((script_help(ROOT / "course"), "course",
                    "./course help (keep the commands and the alignment of the columns)"))
    return out


#: The extracted comment of a public case's label in the message catalog.
LABEL_COMMENT = "a public case's label, shown by the check (keep its code and numbers)"


def public_labels(spec: Spec) -> list[str]:
    """The labels the public cases of ``spec`` declare, in order, once each. Only public
    ones: a hidden case's label is never shown, and the catalog ships to learners."""
    if spec.exercise is not None:
        cases = spec.exercise.public_inputs()
    else:                                     # a release: its stored public cases
        cases = [p.case for p in spec.stored_public or ()]
    return list(dict.fromkeys(label for c in cases if (label := c.label)))


def extract_hints(toml_path: Path):
    """The template of one sprint's tiered hints: one entry per level (see the module)."""
    from babel.messages.catalog import Catalog

    from .hints import load_file

    toml_path = Path(toml_path)
    template = Catalog(domain=toml_path.stem, project="dl-from-scratch", fuzzy=False)
    for ex_id, hint in load_file(toml_path).items():
        for level, text in enumerate(hint.levels, 1):
            template.add(text, context=hint_context(ex_id, level),
                         locations=[(f"autograder/learner/{HINTS.name}/{toml_path.name}", 0)])
    return template


def hint_sprints(directory: Path | None = None) -> list[str]:
    """The sprints with hint texts (``hint_texts/<sprint>.toml``), in file-name order."""
    return sorted(p.stem for p in Path(directory or HINTS).glob("*.toml"))


def translated_hints(lang: str, directory: Path | None = None) -> list[str]:
    """The sprints whose hints are declared translated into ``lang`` (a catalog exists)."""
    return [s for s in hint_sprints(directory)
            if hint_catalog_path(lang, s, directory).is_file()]


def hint_problems(lang: str, sprint: str, directory: Path | None = None,
                  po_path: Path | None = None) -> list[Problem]:
    """What keeps ``sprint``'s hint catalog from translating each level as it is now."""
    directory = Path(directory or HINTS)
    po_path = Path(po_path or hint_catalog_path(lang, sprint, directory))
    return problems(extract_hints(directory / f"{sprint}.toml"), read_catalog(po_path, lang),
                    f"{HINTS.name}/{lang}/{po_path.name}", by_context=True)


def _translated_specs(specs: list[Spec] | None = None) -> list[Spec]:
    from .registry import load_exercises

    sprints = {stem.split("_", 1)[0] for lang in LANGUAGES if lang != DEFAULT
               for stem in translated_notebooks(lang)}
    specs = load_exercises() if specs is None else specs
    return [s for s in specs if s.sprint in sprints]


# --------------------------------------------------------------------------- notebooks
def translated_notebooks(lang: str) -> list[str]:
    """The stems of the notebooks declared translated into ``lang`` (those with a catalog)."""
    folder = TRANSLATIONS / lang
    return sorted(p.stem for p in folder.glob("*.po")) if folder.is_dir() else []


def _cell_id(cell, index: int) -> str:
    return cell.get("id") or f"cell-{index}"


def units(nb) -> list[tuple[str, str]]:
    """``[(cell id, English text)]``: the cells a translation replaces (markdown cells but the
    learner's answer cells, which nbgrader grades)."""
    out: list[tuple[str, str]] = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown" or not cell.source.strip():
            continue
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            continue
        out.append((_cell_id(cell, i), cell.source))
    return out


def extract_notebook(nb_path: Path):
    """The notebook's template: one entry per cell of :func:`units`."""
    import nbformat
    from babel.messages.catalog import Catalog

    nb = nbformat.read(nb_path, as_version=4)
    template = Catalog(domain=Path(nb_path).stem, project="dl-from-scratch", fuzzy=False)
    for index, (cid, text) in enumerate(units(nb)):
        template.add(text, context=cid, locations=[(f"notebooks/{Path(nb_path).name}", index)])
    return template


@dataclass(frozen=True)
class Problem:
    """A cell (or message) whose translation cannot be used."""

    where: str       # the notebook's file name, or the catalog's
    unit: str        # the cell id (or the message's context and text)
    kind: str        # "missing", "untranslated", "stale", "obsolete"

    def __str__(self) -> str:
        words = {"missing": "no translation", "untranslated": "an empty translation",
                 "stale": "the English changed since it was translated",
                 "obsolete": "a translation of text the English no longer has"}
        return f"{self.where}: {self.unit}: {words[self.kind]}"


def read_catalog(po_path: Path, lang: str = "ja"):
    from babel.messages.pofile import read_po

    with Path(po_path).open("rb") as fh:
        return read_po(fh, locale=lang)


def problems(template, catalog, where: str, *, by_context: bool | None = None,
             ) -> list[Problem]:
    """What keeps ``catalog`` from translating every entry of ``template`` as it is now.
    ``by_context``: name an entry by its context alone (a cell id, a hint's level); by
    default for notebooks."""
    if by_context is None:
        by_context = where.endswith(".ipynb")
    out: list[Problem] = []
    current = set()
    contexts: dict[str | None, list[Message]] = {}
    for m in catalog:
        if m.id:
            contexts.setdefault(m.context, []).append(m)
    for m in template:
        if not m.id:
            continue
        key = m.context if m.context is not None else m.id
        current.add((m.id, m.context))
        have = catalog.get(m.id, context=m.context)
        if have is None:
            kind = "stale" if m.context is not None and contexts.get(m.context) else "missing"
        elif have.fuzzy:
            kind = "stale"
        elif not have.string:
            kind = "untranslated"
        else:
            continue
        out.append(Problem(where, key if m.context is None else
                           (m.context if by_context else f"{m.context}: {m.id}"),
                           kind))
    for m in catalog:
        if m.id and (m.id, m.context) not in current:
            unit = m.context if m.context is not None else m.id
            if not any(p.unit == unit for p in out):
                out.append(Problem(where, unit, "obsolete"))
    for m in getattr(catalog, "obsolete", {}).values():
        out.append(Problem(where, m.context or m.id, "obsolete"))
    return out


def notebook_problems(nb_path: Path, lang: str, po_path: Path | None = None) -> list[Problem]:
    po_path = Path(po_path or TRANSLATIONS / lang / f"{Path(nb_path).stem}.po")
    return problems(extract_notebook(nb_path), read_catalog(po_path, lang), Path(nb_path).name)


def message_problems(lang: str, po_path: Path | None = None) -> list[Problem]:
    po_path = Path(po_path or catalog_path(lang))
    return problems(extract_messages(), read_catalog(po_path, lang), po_path.name)


class TranslationError(CourseError):
    """A text declared translated (a notebook, a guide, a docstring) has a missing or stale
    translation."""

    @classmethod
    def listing(cls, found: list[Problem], what: str, lang: str, catalogs: str | Path,
                ) -> TranslationError:
        """The error naming every problem of ``found`` (``what``: e.g. "cell(s) of x.ipynb")
        and the catalogs (a file or folder) to update."""
        return cls(f"{len(found)} {what} cannot be translated into {lang}:\n  "
                   + "\n  ".join(map(str, found))
                   + "\n(update the catalogs: python -m autograder translate update; then "
                     f"translate the fuzzy and empty entries of {catalogs})")


def build_notebook(nb_path: Path, lang: str, po_path: Path | None = None, *,
                   target: Path | None = None):
    """The notebook in ``lang``: the English notebook with its markdown cells replaced from
    the catalog (everything else is the English notebook's own). ``target``: apply the
    translations to this copy of ``nb_path`` (a release's, with some cells left out) instead.
    Raises :class:`TranslationError` when a cell of ``nb_path`` has no current translation."""
    import nbformat

    po_path = Path(po_path or TRANSLATIONS / lang / f"{Path(nb_path).stem}.po")
    found = notebook_problems(nb_path, lang, po_path)
    if found:
        raise TranslationError.listing(found, f"cell(s) of {Path(nb_path).name}", lang, po_path)
    catalog = read_catalog(po_path, lang)
    nb = nbformat.read(target or nb_path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown" or not cell.source.strip():
            continue
        m = catalog.get(cell.source, context=_cell_id(cell, i))
        if m is not None:
            cell.source = m.string
    nb.metadata["course_language"] = lang
    return nb


def build_notebooks(lang: str, out_dir: Path | None = None, *, repo: Path | None = None,
                    force: bool = False) -> list[Path]:
    """Every sprint notebook in ``lang`` into ``out_dir`` (default ``notebooks/<lang>/``): the
    translated ones built, the others copied in English. A notebook already there is the
    learner's (their answers are in it) and is kept unless ``force``. Returns the files
    written."""
    import nbformat

    repo = Path(repo or ROOT)
    out_dir = Path(out_dir or repo / "notebooks" / lang)
    out_dir.mkdir(parents=True, exist_ok=True)
    done = set(translated_notebooks(lang))
    written: list[Path] = []
    for nb_path in sprint_notebooks(repo / "notebooks"):
        dest = out_dir / nb_path.name
        if dest.exists() and not force:
            continue
        if nb_path.stem in done:
            nbformat.write(build_notebook(nb_path, lang), dest)
        else:
            shutil.copyfile(nb_path, dest)
        written.append(dest)
    return written


def localize_source(dest: Path, notebook: Path, lang: str | None) -> None:
    """A release's assignment folder ``dest`` in ``lang``: the message catalogs always (a
    learner may switch with ``COURSE_LANG``), and for a language other than English the
    notebook translated from the course's ``translations/`` (when it has a catalog) and the
    release's language."""
    import nbformat

    learner = Path(dest) / "autograder" / "learner"
    if LOCALE.is_dir():
        shutil.copytree(LOCALE, learner / LOCALE.name, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(RELEASE_LANGUAGE, "*.mo", "*~"))
    if not lang or lang == DEFAULT:
        return
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: one of {', '.join(LANGUAGES)}")
    notebook = Path(notebook)
    po_path = notebook.parent.parent / TRANSLATIONS.name / lang / f"{notebook.stem}.po"
    if po_path.is_file():
        target = Path(dest) / notebook.name
        nbformat.write(build_notebook(notebook, lang, po_path, target=target), target)
    (learner / LOCALE.name).mkdir(exist_ok=True)
    (learner / LOCALE.name / RELEASE_LANGUAGE).write_text(lang + "\n", encoding="utf-8")


