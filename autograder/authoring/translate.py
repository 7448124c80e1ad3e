"""The translators' commands: ``python -m autograder translate update|check|build|docstrings``.

Authoring time only: merging the English as it is now into the catalogs (Babel's ``update``),
checking that every translation is current, building the translated notebooks, and switching a
clone's untouched stubs' docstrings. The learner side (:mod:`autograder.learner.i18n`) only
reads the catalogs; what it finds and builds is used here.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from ..learner.i18n import (
    DEFAULT,
    HINTS,
    ROOT,
    TRANSLATIONS,
    build_notebooks,
    catalog_path,
    extract_hints,
    extract_messages,
    extract_notebook,
    hint_catalog_path,
    hint_problems,
    hint_sprints,
    message_problems,
    notebook_problems,
    read_catalog,
    translated_hints,
    translated_notebooks,
)
from . import docstrings, guide_translation

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

    from ..learner.i18n import Problem

#: one catalog for ``translate update`` to write: (make its English template, its path)
CatalogJob = tuple[Callable[[], "Catalog"], Path]


def _write_po(catalog: Catalog, path: Path) -> None:
    from babel.messages.pofile import write_po

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100, include_previous=True, include_lineno=False)


HEADER = """\
# {what}: the Japanese edition's translations (日本語版の翻訳).
# msgid is the English text as it is now; msgstr its translation. After an English change run
# `python -m autograder translate update`, then translate each `#, fuzzy` entry (its previous
# English is kept as `#| msgid`) and each empty msgstr, and remove the fuzzy flag."""


def update(lang: str, *, new: tuple[str, ...] = ()) -> list[Path]:
    """Merge the English as it is now into ``lang``'s catalogs (Babel's ``update``: a changed
    text becomes fuzzy, with the English it translated kept as ``#| msgid``; a new one empty;
    a removed one obsolete ``#~``). ``new``: notebook stems to start translating (an empty
    catalog), or sprint ids (``sprint3``) whose tiered hints to start translating. Returns the
    files written."""
    from babel.messages.catalog import Catalog

    written = []
    jobs: list[CatalogJob] = []
    new_hints = {n for n in new if n in hint_sprints()}       # `--new sprint3`: its hints
    new = tuple(n for n in new if n not in new_hints)

    jobs += docstrings.update_jobs(lang, new)            # the helpers' docstrings
    new = tuple(n for n in new if n not in {p.stem for _, p in jobs})
    for sprint in sorted(set(translated_hints(lang)) | new_hints):
        jobs.append((partial(extract_hints, HINTS / f"{sprint}.toml"),
                     hint_catalog_path(lang, sprint)))
    for stem in sorted(set(translated_notebooks(lang)) | set(new)):
        nb = ROOT / "notebooks" / f"{stem}.ipynb"
        if not nb.is_file():
            raise FileNotFoundError(f"no notebook {nb}")
        jobs.append((partial(extract_notebook, nb), TRANSLATIONS / lang / f"{stem}.po"))
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


def merge(template: Catalog, catalog: Catalog) -> Catalog:
    """``catalog`` brought up to ``template`` (the English now), with Babel's ``update``."""
    created = catalog.creation_date if len(catalog) else template.creation_date
    catalog.update(template, no_fuzzy_matching=False, update_header_comment=False)
    catalog.creation_date = created          # an unchanged catalog stays byte for byte
    catalog.project, catalog.version, catalog.fuzzy = "dl-from-scratch", "", False
    catalog.msgid_bugs_address = "the course's issue tracker"
    catalog.last_translator = "the course's authors"
    catalog.language_team = "Japanese (日本語)"
    return catalog


def run(action: str, lang: str = "ja", *, new: tuple[str, ...] = (), out: str | None = None,
        force: bool = False) -> int:
    """``python -m autograder translate {check,update,build}`` (authors); ``translate
    docstrings --lang LANG``: a clone's untouched ``helpers/`` stubs in LANG (learners)."""
    if action == "docstrings":
        return docstrings.run_switch(lang)
    if lang == DEFAULT:
        print(f"translate {action}: English is the source; choose a translation (--lang ja)")
        return 2
    guides = tuple(n.split("/", 1)[1] for n in new if n.startswith(guide_translation.FOLDER + "/"))
    new = tuple(n for n in new if not n.startswith(guide_translation.FOLDER + "/"))
    if action == "update":
        for path in update(lang, new=tuple(new)) + guide_translation.update(lang, new=guides):
            print(f"updated {path.relative_to(ROOT)}")
        return 0
    found: list[Problem | guide_translation.OutOfDate] = []
    found += message_problems(lang)
    for sprint in translated_hints(lang):
        found += hint_problems(lang, sprint)
    for stem in translated_notebooks(lang):
        found += notebook_problems(ROOT / "notebooks" / f"{stem}.ipynb", lang)
    found += guide_translation.problems(lang)
    found += docstrings.all_problems(lang)
    for f in found:
        print(f)
    if action == "check":
        print(f"{len(found)} translation problem(s)" if found else "every translation is current")
        return 1 if found else 0
    if [f for f in found if not isinstance(f, guide_translation.OutOfDate)]:
        return 1                            # (an out-of-date guide is what build rewrites)
    for path in guide_translation.build_guides(lang):
        print(path)
    written = build_notebooks(lang, Path(out) if out else None, force=force)
    for path in written:
        print(path)
    if not written:
        print("every notebook was there already (kept: they hold your work; --force rebuilds)")
    return 0
