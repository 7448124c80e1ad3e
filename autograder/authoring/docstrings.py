"""The docstrings of the learner's ``helpers/`` in Japanese (日本語版のスタブの docstring).

A stub's docstring is the lesson's contract (what to compute, the shapes, the formula, an
example). Its Japanese is a third kind of catalog beside the notebooks' and the messages'
(:mod:`autograder.learner.i18n`): ``translations/<lang>/docstrings/<module>.po``, one per helper
module, one entry per docstring::

    msgctxt "layers.Affine.backward"        # <module> for the module's own docstring,
    msgid   "The backward pass ..."         # <module>.<qualname> for a function, class, method
    msgstr  "逆伝播 ..."

``msgid`` is the docstring exactly as ``ast.get_docstring(node, clean=True)`` returns it from
``solutions/<module>.py`` with its solution regions stripped (the stub's docstrings are the
reference's: :mod:`autograder.authoring.stubs` copies them). A module with a catalog is *declared
translated*; ``python -m autograder translate update`` merges a changed English docstring into
it (the entry becomes fuzzy, and the tests name ``<module>.<qualname>`` as stale), and
``translate update --new <module>`` starts a module's catalog.

The repository's ``helpers/`` stays the English generated stubs. The Japanese docstrings
are written into copies, by :func:`translate_source`: each docstring literal (found with
``ast``) is replaced by its translation at the same indentation, with the same quotes when
they can hold it; every other byte of the file stays as it is, so the code (and what the check
grades) is the English stub's own. Where the copies are made:

* ``python -m autograder release --lang ja`` writes every assignment's ``helpers/`` so
  (:func:`localize_helpers`; a declared-translated module with a missing or stale entry stops
  the release, as a notebook does);
* in a clone of the course, ``python -m autograder translate docstrings --lang ja`` (run by
  ``./course start --lang ja``; ``--lang en`` switches back) rewrites the ``helpers/`` files that
  are still untouched generated stubs, in English or in any language (:func:`switch_helpers`).
  A file the learner has edited is never touched, and a stale entry keeps its English there.
"""
from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from ..learner.i18n import (
    DEFAULT,
    LANGUAGES,
    TRANSLATIONS,
    Problem,
    TranslationError,
    compiled,
    problems,
    read_catalog,
)
from . import stubs

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

    from .translate import CatalogJob

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "solutions"
FOLDER = "docstrings"                     # translations/<lang>/docstrings/<module>.po
_LITERAL = re.compile(r'^([rRuU]?)("""|\'\'\'|"|\')', re.DOTALL)


@dataclass(frozen=True)
class Docstring:
    """One docstring of a module's source."""

    context: str       # "<module>" or "<module>.<qualname>" (the catalog's msgctxt)
    text: str          # as ast.get_docstring(node, clean=True) returns it (the msgid)
    lineno: int        # the literal's first line (1-based)
    start: int         # the literal's span in the UTF-8 bytes of the source
    end: int
    indent: str        # the text before the literal on its first line (spaces)


def docstrings(source: str, module: str) -> list[Docstring]:
    """Every docstring of ``source`` (module, classes, functions, methods, in file order);
    qualnames as Python spells them (``f.<locals>.g`` for a function inside a function)."""
    tree = ast.parse(source)
    data = source.encode("utf-8")
    starts = [0]
    for line in data.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    out = []

    def visit(node, qualname: str | None, in_function: bool) -> None:
        text = ast.get_docstring(node, clean=True)
        if text is not None:
            lit = node.body[0].value
            start = starts[lit.lineno - 1] + lit.col_offset
            end = starts[lit.end_lineno - 1] + lit.end_col_offset
            indent = data[starts[lit.lineno - 1]:start].decode("utf-8")
            context = module if qualname is None else f"{module}.{qualname}"
            out.append(Docstring(context, text, lit.lineno, start, end, indent))
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                prefix = "" if qualname is None else qualname + (".<locals>." if in_function
                                                                 else ".")
                visit(child, prefix + child.name, isinstance(child, (ast.FunctionDef,
                                                                     ast.AsyncFunctionDef)))
            elif not isinstance(child, (ast.expr, ast.Lambda)):
                for grand in ast.walk(child):    # defs under if/try/with at this level
                    if isinstance(grand, (ast.FunctionDef, ast.AsyncFunctionDef,
                                          ast.ClassDef)) and _parent_level(child, grand):
                        prefix = "" if qualname is None else qualname + (
                            ".<locals>." if in_function else ".")
                        visit(grand, prefix + grand.name,
                              isinstance(grand, (ast.FunctionDef, ast.AsyncFunctionDef)))

    visit(tree, None, False)
    return sorted(out, key=lambda d: d.start)


def _parent_level(block: ast.AST, target: ast.AST) -> bool:
    """``target`` sits in ``block`` (an if/try/with/for statement) without a def between."""
    stack = [block]
    while stack:
        node = stack.pop()
        for child in ast.iter_child_nodes(node):
            if child is target:
                return True
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                                      ast.Lambda)):
                stack.append(child)
    return False


# --------------------------------------------------------------------------- the catalogs
def helper_modules(solutions_dir: Path | None = None) -> list[str]:
    """The helper modules (``solutions/<module>.py`` but the package's ``__init__``)."""
    return sorted(p.stem for p in Path(solutions_dir or SOLUTIONS).glob("*.py")
                  if p.name != "__init__.py")


def stub_source(module: str, solutions_dir: Path | None = None) -> str:
    """The text of ``helpers/<module>.py`` as :mod:`autograder.authoring.stubs` generates it."""
    return stubs.expected_helpers(Path(solutions_dir or SOLUTIONS))[f"{module}.py"]


def catalog_path(lang: str, module: str, directory: Path | None = None) -> Path:
    """``translations/<lang>/docstrings/<module>.po`` (``directory``: instead of
    ``translations/``)."""
    return Path(directory or TRANSLATIONS) / lang / FOLDER / f"{module}.po"


def translated_modules(lang: str, directory: Path | None = None) -> list[str]:
    """The modules whose docstrings are declared translated into ``lang`` (with a catalog)."""
    folder = Path(directory or TRANSLATIONS) / lang / FOLDER
    return sorted(p.stem for p in folder.glob("*.po")) if folder.is_dir() else []


def extract(module: str, solutions_dir: Path | None = None) -> Catalog:
    """The template (a Babel ``Catalog``) of ``module``'s docstrings: one entry each."""
    from babel.messages.catalog import Catalog

    template = Catalog(domain=module, project="dl-from-scratch", fuzzy=False)
    for d in docstrings(stub_source(module, solutions_dir), module):
        template.add(d.text, context=d.context, locations=[(f"solutions/{module}.py", d.lineno)])
    return template


def module_problems(lang: str, module: str, *, directory: Path | None = None,
                    solutions_dir: Path | None = None) -> list[Problem]:
    """What keeps ``module``'s catalog from translating each docstring as it is now (named
    ``<module>.<qualname>``)."""
    po = catalog_path(lang, module, directory)
    return problems(extract(module, solutions_dir), read_catalog(po, lang),
                    f"{TRANSLATIONS.name}/{lang}/{FOLDER}/{po.name}", by_context=True)


def all_problems(lang: str, *, directory: Path | None = None,
                 solutions_dir: Path | None = None) -> list[Problem]:
    """:func:`module_problems` of every module declared translated into ``lang``."""
    return [p for m in translated_modules(lang, directory)
            for p in module_problems(lang, m, directory=directory, solutions_dir=solutions_dir)]


def update_jobs(lang: str, new: tuple[str, ...] = (), solutions_dir: Path | None = None,
                ) -> list[CatalogJob]:
    """``[(make template, catalog path)]`` for ``translate update``: the declared modules and
    the ``new`` ones (names of ``new`` that are not helper modules are left to the caller)."""
    known = set(helper_modules(solutions_dir))
    chosen = set(translated_modules(lang)) | {n for n in new if n in known}
    return [(partial(extract, m, solutions_dir), catalog_path(lang, m))
            for m in sorted(chosen) if m in known]


# --------------------------------------------------------------------------- rewriting
def _literal(value: str, prefix: str, quote: str) -> str:
    """A Python literal of ``value`` with the original ``prefix`` and ``quote`` when they can
    hold it, else an escaped ``\"\"\"`` literal."""
    candidates = []
    if "r" in prefix.lower():
        candidates.append(prefix + quote + value + quote)
    q = quote[0]
    esc = value.replace("\\", "\\\\")
    esc = re.sub(re.escape(q) + f"(?={re.escape(q * 2)}|$)", lambda _: "\\" + q, esc)
    plain = prefix.replace("r", "").replace("R", "")
    candidates.append(plain + quote + esc + quote)
    candidates.append('"""' + value.replace("\\", "\\\\").replace('"', '\\"') + '"""')
    for literal in candidates:
        try:
            if ast.literal_eval(literal) == value:
                return literal
        except (SyntaxError, ValueError):
            continue
    raise ValueError(f"cannot write {value[:40]!r}... as a literal")  # not reached


def _raw_value(original: str, text: str, indent: str) -> str:
    """The string value to write for ``text`` (a cleaned docstring) where the literal's value
    was ``original``: continuation lines indented like the code, the closing quotes on their
    own line when they were."""
    pad = " " * len(indent)
    lines = text.split("\n")
    body = lines[0] + "".join("\n" + (pad + ln if ln.strip() else "") for ln in lines[1:])
    if original.startswith("\n"):
        body = "\n" + pad + body
    tail = original[len(original.rstrip(" \t")):]
    if original.rstrip(" \t").endswith("\n") and original.strip():
        body += "\n" + tail
    return body


#: ``lookup(context, English)``: the docstring's translation, or ``None`` (keep the English)
Lookup = Callable[[str, str], str | None]


def translate_source(source: str, module: str, lookup: Lookup) -> str:
    """``source`` with each docstring replaced by ``lookup(context, English)`` (``None``, or
    the English itself: left as it is). Everything but the docstring literals stays byte for
    byte; the result is checked to parse to the same code with the new docstrings."""
    data = source.encode("utf-8")
    found = docstrings(source, module)
    pieces, last, changed = [], 0, {}
    for d in found:
        new = lookup(d.context, d.text)
        if not new or new == d.text:
            continue
        old = data[d.start:d.end].decode("utf-8")
        m = _LITERAL.match(old)
        prefix, quote = (m.group(1), m.group(2)) if m and old.endswith(m.group(2)) \
            and len(old) >= 2 * len(m.group(2)) + len(m.group(1)) else ("", '"""')
        if len(quote) == 1 and "\n" in new:
            quote = '"""'
        value = ast.literal_eval(old)
        literal = _literal(_raw_value(value, new, d.indent), prefix, quote)
        pieces += [data[last:d.start], literal.encode("utf-8")]
        last = d.end
        changed[d.context] = new
    if not changed:
        return source
    pieces.append(data[last:])
    out = b"".join(pieces).decode("utf-8")
    after = {d.context: d.text for d in docstrings(out, module)}
    for context, text in changed.items():
        if after.get(context) != text:                     # pragma: no cover (a bug here)
            raise ValueError(f"{module}: the docstring of {context} did not survive rewriting")
    if _code(out) != _code(source):                        # pragma: no cover
        raise ValueError(f"{module}: rewriting the docstrings changed the code")
    return out


def _code(source: str) -> str:
    """The module's code without its docstrings (to compare two editions of a module)."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) \
                and ast.get_docstring(node, clean=False) is not None:
            node.body[0] = ast.Pass()
    return ast.dump(tree)


def lookup(lang: str, directory: Path | None = None) -> Lookup:
    """``lookup(context, English)`` for :func:`translate_source` from ``lang``'s catalogs: the
    current translation, else ``None`` (fuzzy and empty entries are not used)."""
    if lang == DEFAULT:
        return lambda context, text: None

    def find(context: str, text: str) -> str | None:
        module = context.split(".", 1)[0]
        path = catalog_path(lang, module, directory)
        if not path.is_file():
            return None
        got = compiled(path, lang).pgettext(context, text)
        return got if got != text else None
    return find


def localize_helpers(helpers_dir: Path, lang: str, *, directory: Path | None = None,
                     solutions_dir: Path | None = None) -> list[Path]:
    """A release's ``helpers_dir`` (a copy of the generated stubs) with the docstrings of the
    modules declared translated into ``lang``, and every stub's ``NotImplementedError`` message
    in ``lang`` (:func:`autograder.authoring.stubs.localize_messages`). Raises
    :class:`TranslationError` when one of their docstrings has no current translation.
    Returns the files rewritten."""
    if lang == DEFAULT:
        return []
    found = all_problems(lang, directory=directory, solutions_dir=solutions_dir)
    if found:
        raise TranslationError.listing(found, "docstring(s)", lang,
                                       f"translations/{lang}/{FOLDER}/")
    find = lookup(lang, directory)
    declared = set(translated_modules(lang, directory))
    written = []
    for path in sorted(Path(helpers_dir).glob("*.py")):
        text = path.read_text(encoding="utf-8")
        new = stubs.localize_messages(text, lang)
        if path.stem in declared:
            new = translate_source(new, path.stem, find)
        if new != text:
            path.write_text(new, encoding="utf-8")
            written.append(path)
    return written


@dataclass(frozen=True)
class Switched:
    """What :func:`switch_helpers` did with one ``helpers/`` file."""

    file: str          # "perceptron.py"
    action: str        # "rewritten", "already" (in the language), "edited" (kept)


def switch_helpers(lang: str, helpers_dir: Path | None = None, *,
                   solutions_dir: Path | None = None, directory: Path | None = None,
                   ) -> list[Switched]:
    """A clone's ``helpers/`` in ``lang`` (``en``: back to the English stubs): each file that
    is still an untouched generated stub (the English one, or one this wrote in any language:
    its docstrings and its stubs' ``NotImplementedError`` messages in that language) is
    rewritten; a file the learner edited is never touched. Returns a :class:`Switched` per
    helper module with docstrings in some language."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: one of {', '.join(LANGUAGES)}")
    helpers_dir = Path(helpers_dir or ROOT / "helpers")
    english = stubs.expected_helpers(Path(solutions_dir or SOLUTIONS))
    others = [x for x in LANGUAGES if x != DEFAULT]
    declared = {x: set(translated_modules(x, directory)) for x in others}
    out = []
    for name, text in sorted(english.items()):
        module = name[:-3]
        if not any(module in d for d in declared.values()):
            continue
        editions = {DEFAULT: text}
        untouched = {text}
        for x in others:
            if module in declared[x]:
                translated = translate_source(text, module, lookup(x, directory))
                editions[x] = stubs.localize_messages(translated, x)
                untouched |= {translated, editions[x]}   # (written before stubs said it in x)
        path = helpers_dir / name
        have = path.read_text(encoding="utf-8") if path.is_file() else None
        want = editions.get(lang, text)
        if have == want:
            out.append(Switched(name, "already"))
        elif have in untouched:
            path.write_text(want, encoding="utf-8")
            out.append(Switched(name, "rewritten"))
        else:
            out.append(Switched(name, "edited"))
    return out


def run_switch(lang: str) -> int:
    """``python -m autograder translate docstrings --lang LANG`` (learners)."""
    from ..learner.i18n import _

    done = switch_helpers(lang)
    rewritten = [s.file for s in done if s.action == "rewritten"]
    kept = [s.file for s in done if s.action == "edited"]
    if rewritten:
        print(_("docstrings of helpers/ now in {lang}: {files}").format(
            lang=lang, files=", ".join(rewritten)))
    if kept:
        print(_("kept as you edited them (docstrings unchanged): {files}").format(
            files=", ".join(kept)))
    return 0
