"""The course in English and Japanese (日本語版), from one source, with gettext catalogs.

**Choosing the language.** :func:`language` is, in order: ``COURSE_LANG`` (``en`` or ``ja``),
the language a release was built in (``python -m autograder release --lang ja`` writes
``autograder/locale/LANGUAGE``), the machine's locale (``LANGUAGE``, ``LC_ALL``,
``LC_MESSAGES``, ``LANG``: ``ja_JP.UTF-8`` means Japanese), else English. It is read at
every message, so ``COURSE_LANG`` switches the check's language at any time.

**Messages** (the check's output, the learner-side CLI): a message literal is wrapped in
:func:`_` (or marked with :func:`N_` where it is stored and translated later); exercise titles
and known-mistake hints go through :func:`pgettext` with the exercise id as context. The
catalog is ``autograder/locale/<lang>/LC_MESSAGES/course.po``; it ships with the learner's
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

**Tiered hints** (:mod:`autograder.hints`): ``hint_texts/<sprint>.toml`` stays their English
source; ``hint_texts/<lang>/<sprint>.po`` holds their translations, one entry per level
(``msgctxt`` = ``<exercise id> level <n>``, ``msgid`` the English level as it is). They sit
beside the texts, not in ``course.po``, so that a release ships a sprint's hints (and their
translations) with that sprint only, and none when hints are off (``COURSE_HINTS=0``). A
changed English level makes its translation stale: the hint then shows in English, and the
tests name the entry.
"""
from __future__ import annotations

import functools
import io
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .errors import CourseError
from .sprints import sprint_notebooks

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LOCALE = HERE / "locale"                  # message catalogs (shipped to learners)
HINTS = HERE / "hint_texts"               # tiered hints: <sprint>.toml, <lang>/<sprint>.po
TRANSLATIONS = ROOT / "translations"      # notebook catalogs (authors; built into releases)
DOMAIN = "course"
LANGUAGES = ("en", "ja")
DEFAULT = "en"
SWITCH = "COURSE_LANG"
RELEASE_LANGUAGE = "LANGUAGE"             # autograder/locale/LANGUAGE in a release built --lang
#: The Python modules whose ``_()``/``N_()`` literals are the message catalog's.
MESSAGE_MODULES = ("check.py", "verdict.py", "compare.py", "evaluate.py", "hints.py",
                   "progress.py", "pack.py", "docstrings.py", "trusted.py", "report.py")


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


def language() -> str:
    """The language of messages now (see the module's docstring)."""
    chosen = _supported(os.environ.get(SWITCH))
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
def translations(lang: str):
    """The ``gettext`` translations of ``lang`` (``NullTranslations`` for English or when the
    catalog is absent), compiled from the ``.po`` with Babel; fuzzy entries are not used."""
    import gettext

    if lang == DEFAULT:
        return gettext.NullTranslations()
    return compiled(catalog_path(lang), lang)


@functools.cache
def compiled(path: Path, lang: str):
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
                "python", HERE / name, keywords={"_": None, "N_": None}):
            template.add(message, locations=[(f"autograder/{name}", lineno)],
                         auto_comments=comments, context=context)
    for spec in _translated_specs(specs):
        where = [(f"autograder/exercises/{spec.sprint}.py", 0)]
        template.add(spec.title, locations=where, context=spec.id,
                     auto_comments=["the exercise's title"])
        for m in getattr(spec.exercise, "mistakes", ()) or ():
            template.add(m.hint, locations=where, context=spec.id,
                         auto_comments=["the hint of a known mistake"])
    return template


def extract_hints(toml_path: Path):
    """The template of one sprint's tiered hints: one entry per level (see the module)."""
    from babel.messages.catalog import Catalog

    from .hints import load_file

    toml_path = Path(toml_path)
    template = Catalog(domain=toml_path.stem, project="dl-from-scratch", fuzzy=False)
    for ex_id, hint in load_file(toml_path).items():
        for level, text in enumerate(hint.levels, 1):
            template.add(text, context=hint_context(ex_id, level),
                         locations=[(f"autograder/{HINTS.name}/{toml_path.name}", 0)])
    return template


def hint_sprints(directory: Path | None = None) -> list:
    """The sprints with hint texts (``hint_texts/<sprint>.toml``), in file-name order."""
    return sorted(p.stem for p in Path(directory or HINTS).glob("*.toml"))


def translated_hints(lang: str, directory: Path | None = None) -> list:
    """The sprints whose hints are declared translated into ``lang`` (a catalog exists)."""
    return [s for s in hint_sprints(directory)
            if hint_catalog_path(lang, s, directory).is_file()]


def hint_problems(lang: str, sprint: str, directory: Path | None = None,
                  po_path: Path | None = None) -> list:
    """What keeps ``sprint``'s hint catalog from translating each level as it is now."""
    directory = Path(directory or HINTS)
    po_path = Path(po_path or hint_catalog_path(lang, sprint, directory))
    return problems(extract_hints(directory / f"{sprint}.toml"), read_catalog(po_path, lang),
                    f"{HINTS.name}/{lang}/{po_path.name}", by_context=True)


def _translated_specs(specs=None) -> list:
    from .registry import load_exercises

    sprints = {stem.split("_", 1)[0] for lang in LANGUAGES if lang != DEFAULT
               for stem in translated_notebooks(lang)}
    specs = load_exercises() if specs is None else specs
    return [s for s in specs if s.sprint in sprints]


# --------------------------------------------------------------------------- notebooks
def translated_notebooks(lang: str) -> list:
    """The stems of the notebooks declared translated into ``lang`` (those with a catalog)."""
    folder = TRANSLATIONS / lang
    return sorted(p.stem for p in folder.glob("*.po")) if folder.is_dir() else []


def _cell_id(cell, index: int) -> str:
    return cell.get("id") or f"cell-{index}"


def units(nb) -> list:
    """``[(cell id, English text)]``: the cells a translation replaces (markdown cells but the
    learner's answer cells, which nbgrader grades)."""
    out = []
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


def problems(template, catalog, where: str, *, by_context: bool | None = None) -> list:
    """What keeps ``catalog`` from translating every entry of ``template`` as it is now.
    ``by_context``: name an entry by its context alone (a cell id, a hint's level); by
    default for notebooks."""
    if by_context is None:
        by_context = where.endswith(".ipynb")
    out = []
    current = set()
    contexts: dict = {}
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


def notebook_problems(nb_path: Path, lang: str, po_path: Path | None = None) -> list:
    po_path = Path(po_path or TRANSLATIONS / lang / f"{Path(nb_path).stem}.po")
    return problems(extract_notebook(nb_path), read_catalog(po_path, lang), Path(nb_path).name)


def message_problems(lang: str, po_path: Path | None = None) -> list:
    po_path = Path(po_path or catalog_path(lang))
    return problems(extract_messages(), read_catalog(po_path, lang), po_path.name)


class TranslationError(CourseError):
    """A notebook declared translated has a missing or stale translation."""


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
        raise TranslationError(
            f"{len(found)} cell(s) of {Path(nb_path).name} cannot be translated into {lang}:\n  "
            + "\n  ".join(map(str, found))
            + "\n(update the catalog: python -m autograder translate update; then translate "
              f"the fuzzy and empty entries of {po_path})")
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
                    force: bool = False) -> list:
    """Every sprint notebook in ``lang`` into ``out_dir`` (default ``notebooks/<lang>/``): the
    translated ones built, the others copied in English. A notebook already there is the
    learner's (their answers are in it) and is kept unless ``force``. Returns the files
    written."""
    import nbformat

    repo = Path(repo or ROOT)
    out_dir = Path(out_dir or repo / "notebooks" / lang)
    out_dir.mkdir(parents=True, exist_ok=True)
    done = set(translated_notebooks(lang))
    written = []
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

    learner = Path(dest) / "autograder"
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
    if (Path(dest) / "helpers").is_dir():                     # the stubs' docstrings
        from .docstrings import localize_helpers

        localize_helpers(Path(dest) / "helpers", lang,
                         directory=notebook.parent.parent / TRANSLATIONS.name,
                         solutions_dir=notebook.parent.parent / "solutions")
    (learner / LOCALE.name).mkdir(exist_ok=True)
    (learner / LOCALE.name / RELEASE_LANGUAGE).write_text(lang + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- authoring
def _write_po(catalog, path: Path) -> None:
    from babel.messages.pofile import write_po

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100, include_previous=True, include_lineno=False)


HEADER = """\
# {what}: the Japanese edition's translations (日本語版の翻訳).
# msgid is the English text as it is now; msgstr its translation. After an English change run
# `python -m autograder translate update`, then translate each `#, fuzzy` entry (its previous
# English is kept as `#| msgid`) and each empty msgstr, and remove the fuzzy flag."""


def update(lang: str, *, new: tuple = ()) -> list:
    """Merge the English as it is now into ``lang``'s catalogs (Babel's ``update``: a changed
    text becomes fuzzy, with the English it translated kept as ``#| msgid``; a new one empty;
    a removed one obsolete ``#~``). ``new``: notebook stems to start translating (an empty
    catalog), or sprint ids (``sprint3``) whose tiered hints to start translating. Returns the
    files written."""
    from babel.messages.catalog import Catalog

    written = []
    jobs = []
    new_hints = {n for n in new if n in hint_sprints()}       # `--new sprint3`: its hints
    new = tuple(n for n in new if n not in new_hints)
    from .docstrings import update_jobs as docstring_jobs  # the helpers' docstrings

    jobs += docstring_jobs(lang, new)
    new = tuple(n for n in new if n not in {p.stem for _, p in jobs})
    for sprint in sorted(set(translated_hints(lang)) | new_hints):
        jobs.append((lambda s=sprint: extract_hints(HINTS / f"{s}.toml"),
                     hint_catalog_path(lang, sprint)))
    for stem in sorted(set(translated_notebooks(lang)) | set(new)):
        nb = ROOT / "notebooks" / f"{stem}.ipynb"
        if not nb.is_file():
            raise FileNotFoundError(f"no notebook {nb}")
        jobs.append((lambda nb=nb: extract_notebook(nb), TRANSLATIONS / lang / f"{stem}.po"))
    # last: the titles and hints of the sprints whose notebook has a catalog now
    jobs.append((extract_messages, catalog_path(lang)))
    for make_template, path in jobs:
        template = make_template()
        catalog = merge(template, read_catalog(path, lang) if path.is_file() else
                        Catalog(locale=lang, domain=template.domain))
        catalog.header_comment = HEADER.format(what=path.stem)
        _write_po(catalog, path)
        written.append(path)
    return written


def merge(template, catalog):
    """``catalog`` brought up to ``template`` (the English now), with Babel's ``update``."""
    created = catalog.creation_date if len(catalog) else template.creation_date
    catalog.update(template, no_fuzzy_matching=False, update_header_comment=False)
    catalog.creation_date = created          # an unchanged catalog stays byte for byte
    catalog.project, catalog.version, catalog.fuzzy = "dl-from-scratch", "", False
    catalog.msgid_bugs_address = "the course's issue tracker"
    catalog.last_translator = "the course's authors"
    catalog.language_team = "Japanese (日本語)"
    return catalog


def run(action: str, lang: str = "ja", *, new: tuple = (), out: str | None = None,
        force: bool = False) -> int:
    """``python -m autograder translate {check,update,build}`` (authors); ``translate
    docstrings --lang LANG``: a clone's untouched ``helpers/`` stubs in LANG (learners)."""
    from . import docstrings

    if action == "docstrings":
        return docstrings.run_switch(lang)
    if lang == DEFAULT:
        print(f"translate {action}: English is the source; choose a translation (--lang ja)")
        return 2
    if action == "update":
        for path in update(lang, new=tuple(new)):
            print(f"updated {path.relative_to(ROOT)}")
        return 0
    found = message_problems(lang)
    for sprint in translated_hints(lang):
        found += hint_problems(lang, sprint)
    for stem in translated_notebooks(lang):
        found += notebook_problems(ROOT / "notebooks" / f"{stem}.ipynb", lang)
    found += docstrings.all_problems(lang)
    for f in found:
        print(f)
    if action == "check":
        print(f"{len(found)} translation problem(s)" if found else "every translation is current")
        return 1 if found else 0
    if found:
        return 1
    written = build_notebooks(lang, Path(out) if out else None, force=force)
    for path in written:
        print(path)
    if not written:
        print("every notebook was there already (kept: they hold your work; --force rebuilds)")
    return 0
