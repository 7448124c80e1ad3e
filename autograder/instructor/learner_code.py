"""Read a graded learner's code back from a grading folder, for the instructor's eyes only.

The class's own mistakes (:mod:`autograder.instructor.mistake_groups`) show one function of each
group, and the similarity report (:mod:`autograder.instructor.similarity`) compares the graded
functions. Both read the copies ``grade`` kept in
``GRADING/submitted/<student>/<assignment>/helpers/`` (regular files only, checked with
``lstat``; a file too large or not UTF-8 is skipped).
Nothing here runs learner code: the source is parsed with :mod:`ast`, never imported.
"""
from __future__ import annotations

import ast
import stat
from functools import lru_cache
from pathlib import Path

MAX_SOURCE_BYTES = 1_000_000
#: a top-level definition of a helper module
Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


def helper_text(submitted_dir: Path, student: str, assignment: str, module: str) -> str | None:
    """The text of ``helpers/<module>.py`` of a submission, or ``None``."""
    path = Path(submitted_dir) / student / assignment / "helpers" / f"{module}.py"
    for part in (path.parent.parent, path.parent, path):
        try:
            st = part.lstat()
        except OSError:
            return None
        if stat.S_ISLNK(st.st_mode):
            return None
    if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_SOURCE_BYTES:
        return None
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


@lru_cache(maxsize=8)
def _parse(text: str) -> ast.Module | None:
    """The module's tree, or ``None`` when it does not parse, or is nested too deep or too
    large for the parser (a learner's file must not stop the class's commands). Cached: a
    module's helpers are looked up one by one in the same text. Callers never change it."""
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


@lru_cache(maxsize=8)
def _index(text: str) -> tuple[dict[str, Definition], frozenset[str], list[str]] | None:
    """``(definitions by name, top-level names, lines)`` of a parsed module, or ``None``.
    Cached like :func:`_parse`, so that looking up many names costs one pass."""
    tree = _parse(text)
    if tree is None:
        return None
    defs: dict[str, Definition] = {}
    top: set[str] = set()
    for item in tree.body:        # the last definition wins, as at import
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defs[item.name] = item
            top.add(item.name)
        elif isinstance(item, ast.Assign):
            top.update(t.id for t in item.targets if isinstance(t, ast.Name))
        elif isinstance(item, (ast.Import, ast.ImportFrom)):
            top.update((a.asname or a.name).split(".")[0] for a in item.names)
    return defs, frozenset(top), text.splitlines()


def _definition(text: str, name: str) -> Definition | None:
    index = _index(text)
    return index[0].get(name) if index else None


def function_source(text: str, name: str, *, docstrings: bool = False) -> str | None:
    """The source of the top-level function or class ``name`` in ``text`` (``None`` when the
    module does not parse or has no such definition). Without ``docstrings``, the docstrings
    of the definition and of its methods are left out (they are the course's text)."""
    node = _definition(text, name)
    if node is None:
        return None
    index = _index(text)
    assert index is not None   # it parsed: _definition found the node in it
    lines = index[2]
    start = min([node.lineno] + [d.lineno for d in node.decorator_list])
    assert node.end_lineno is not None   # ast.parse sets every statement's end
    keep = list(range(start - 1, node.end_lineno))
    if not docstrings:
        drop: set[int] = set()
        for sub in ast.walk(node):
            if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and \
                    sub.body and isinstance(sub.body[0], ast.Expr) and isinstance(
                    sub.body[0].value, ast.Constant) and isinstance(
                    sub.body[0].value.value, str):
                doc = sub.body[0]
                assert doc.end_lineno is not None
                drop.update(range(doc.lineno - 1, doc.end_lineno))
        keep = [i for i in keep if i not in drop]
    return "\n".join(lines[i] for i in keep) + "\n"


def module_names_used(text: str, name: str) -> list[str]:
    """The top-level names of the module that the definition ``name`` uses (functions,
    constants and imports of its own file): what a copy of it needs beside it."""
    node = _definition(text, name)
    if node is None:
        return []
    index = _index(text)
    assert index is not None   # it parsed: _definition found the node in it
    top = index[1]
    used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)
            and isinstance(n.ctx, ast.Load)}
    return sorted((used & top) - {name})


def defined_names(text: str) -> set[str]:
    """The top-level functions and classes ``text`` defines (empty if it does not parse)."""
    index = _index(text)
    return set(index[0]) if index else set()


MAX_HELPERS = 50     # a learner's own helpers followed from one function (more: ignored)


def own_helpers(text: str, name: str, released: set[str], depth: int = 3,
                limit: int = MAX_HELPERS) -> list[tuple[str, str]]:
    """``[(helper, source)]``: the functions and classes of the learner's own (not in
    ``released``, the names the stub module defines) that ``name`` uses, and those they use,
    ``depth`` levels deep, in the order first met; at most ``limit`` of them (a file of
    thousands of helpers must not stall the class's commands)."""
    out: dict[str, str] = {}
    todo = [name]
    for _ in range(depth):
        nxt = []
        for current in todo:
            for used in module_names_used(text, current):
                if used in released or used in out or used == name:
                    continue
                if len(out) >= limit:
                    return list(out.items())
                source = function_source(text, used)
                if source:
                    out[used] = source
                    nxt.append(used)
        todo = nxt
    return list(out.items())
