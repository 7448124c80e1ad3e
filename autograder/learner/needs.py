"""``needs(...)``: run a notebook cell only when the problems it uses are done.

An experiment cell that calls your code starts with::

    if needs("sprint1.and_gate", "sprint1.or_gate"):
        ...the experiment...

When every named exercise is done, ``needs`` returns ``True`` silently and the cell runs.
Otherwise it prints which problem to finish and returns ``False``: the cell does nothing, with
no traceback, and "Run All" goes on to the end of the notebook. (A later cell that uses a name
the skipped cell would have defined needs the same exercises, so it is skipped too.)

Deciding is cheap. ``needs`` does not run the checks again on every cell:

1. it reads the result of the exercise's last check, saved in ``.course_progress/`` by every
   check cell (:mod:`autograder.learner.progress`); the result counts only if the helper file has
   not been edited since (the saved digest of the file still matches);
2. only when there is no such result (never checked, or edited since) does it run that one
   exercise's public check (about 0.2 s), which saves its result for the next cells.

"Run All" runs each check cell before the experiments below it, so in practice step 1 decides
almost every time. When the course's grader runs the notebook (its checks are graded outside
the kernel and save nothing), step 2 is replaced by a look at the source: a function or class
that still holds the stub's ``NotImplementedError`` is not done; anything else runs.

``done("sprint6.adam")`` answers the same question quietly, for a cell that has a fallback.
"""
from __future__ import annotations

import functools
import importlib
import inspect
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .i18n import stub_messages

if TYPE_CHECKING:
    from .registry import Spec

#: Written beside the learner's checker in a release: every exercise's id, module, name and
#: title, so that a sprint's folder can name (and probe) the exercises of earlier sprints.
INDEX = Path(__file__).resolve().parent / "exercise_index.json"


@dataclass(frozen=True)
class Need:
    """One exercise a cell needs, and whether it is done."""

    id: str
    title: str          # "Problem 2: the AND gate"
    where: str          # "helpers/perceptron.py: AND"
    done: bool
    why: str = ""       # "not started", "failing", ... when not done


@functools.cache
def _checkable() -> dict[str, Spec]:
    """``{id: registry.Spec}``: the exercises whose public cases this folder holds."""
    try:
        from .registry import load_exercises

        return {s.id: s for s in load_exercises()}
    except (FileNotFoundError, ImportError):
        return {}


@functools.cache
def _specs() -> dict[str, tuple[str, ...]]:
    """``{id: (module, name, title)}`` for every exercise this folder knows about."""
    out: dict[str, Sequence[str]] = {}
    try:
        out.update(json.loads(INDEX.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        pass
    out.update({i: (s.module, s.name, s.title) for i, s in _checkable().items()})
    return {k: tuple(v) for k, v in out.items()}


def write_index(path: Path, specs: list[Spec]) -> Path:
    """Write the :data:`INDEX` of ``specs`` (``registry.Spec``) at ``path`` (for a release)."""
    doc = {s.id: [s.module, s.name, s.title] for s in specs}
    Path(path).write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return Path(path)


def _graded_outside() -> bool:
    from .check import GRADED_OUTSIDE

    return os.environ.get(GRADED_OUTSIDE) == "1" and bool(os.environ.get("NBGRADER_EXECUTION"))


def is_stub(module: str, name: str, helpers_dir: Path | None = None) -> bool:
    """Whether ``helpers/<module>.py``'s ``name`` still holds a stub's ``NotImplementedError``."""
    try:
        target = getattr(importlib.import_module(f"helpers.{module}"), name)
        source = inspect.getsource(target)
    except Exception:  # noqa: BLE001 - a module that does not import is not done either
        return True
    # the stub's message, in English or in the language its release was written in
    return any(f'{words}")' in source for words in stub_messages())


def status(*ids: str, helpers: str | Path | None = None) -> list[Need]:
    """A :class:`Need` for each exercise id, from the saved checks (checking the stale ones)."""
    from .check import find_helpers, run_checks
    from .progress import DONE, rows

    specs = _specs()
    unknown = [i for i in ids if i not in specs]
    if unknown:
        raise KeyError(f"needs(): no exercise called {', '.join(map(repr, unknown))} "
                       "(`python -m autograder list` shows the ids)")
    helpers_dir = Path(helpers) if helpers else find_helpers()
    known: dict[str, tuple[bool, str]] = {}    # id: (done, why not)
    live = _checkable()
    checkable = [live[i] for i in ids if i in live]
    saved = {r.id: r for r in rows(helpers_dir, checkable)} if checkable else {}
    stale: list[str] = []
    for i in ids:
        r = saved.get(i)
        if r is not None and r.checked_at and not r.edited_since:
            known[i] = (r.state == DONE, r.state)
        elif i in live and not _graded_outside():
            stale.append(i)
    if stale:
        for res in run_checks(stale, helpers_dir).results:
            known[res.id] = (res.ok, "done" if res.ok else res.status)
    out: list[Need] = []
    for i in ids:
        module, name, title = specs[i]
        if i not in known:  # not checkable here: look at the source
            stub = is_stub(module, name, helpers_dir)
            known[i] = (not stub, "not started" if stub else "")
        ok, why = known[i]
        out.append(Need(i, title, f"helpers/{module}.py: {name}", ok, "" if ok else why))
    return out


def done(*ids: str, helpers: str | Path | None = None) -> bool:
    """Whether every exercise of ``ids`` is done, without printing anything."""
    return all(n.done for n in status(*ids, helpers=helpers))


def needs(*ids: str, helpers: str | Path | None = None) -> bool:
    """``True`` when every exercise of ``ids`` is done; otherwise say what to finish.

    Use it as the first line of a cell that runs your code: ``if needs("sprint1.and_gate"):``.
    """
    missing = [n for n in status(*ids, helpers=helpers) if not n.done]
    if not missing:
        return True
    from .i18n import _, pgettext

    print(_("⏭ Skipped: this cell runs your code of a problem that does not pass its check yet:"))
    for n in missing:
        state = (_("its check fails (see the check cell)")
                 if n.why in ("failing", "failed", "error") else _("not written yet"))
        print("   • " + _("{title} — {where} ({id}): {state}").format(
            title=pgettext(n.id, n.title), where=n.where, id=n.id, state=state))
    print("  " + _("Finish it, run its check cell, then run this cell again."))
    return False
