"""Your progress (進捗) across the sprints, from the results of your checks.

Every check (``check(...)`` in a notebook, ``python -m autograder check`` in a terminal) saves
its results in ``.course_progress/`` in the course folder (the folder that holds ``helpers/``),
one small JSON file per sprint. Nothing to do on your side: the progress is there next session.

- ``python -m autograder progress``: a table of every sprint, then what is failing with its
  hint. ``--run`` checks everything first; ``--all`` lists every exercise.
- ``progress()`` in a notebook: the same as a table (rich HTML output).

Each exercise is *done* (its last check passed), *failing* (its last check failed: what was
wrong and the hint), *blocked* (it needs an exercise of an earlier sprint that is not done
yet: the row names it), or *not started* (never checked, or still ``NotImplementedError``). When
you have edited the helper file since the last check, the row says so ("edited since").
"""
from __future__ import annotations

import hashlib
import html
import json
import os
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from .evaluate import BLOCKED as BLOCKED_STATUS
from .evaluate import ERROR, FAILED, NOT_IMPLEMENTED, PASSED, ExerciseResult
from .i18n import N_, _, pgettext

if TYPE_CHECKING:
    from .registry import Spec

FOLDER = ".course_progress"
VERSION = 1
DONE, FAILING, BLOCKED, NOT_STARTED = "done", "failing", "blocked", "not started"
MARK = {DONE: "✔", FAILING: "✘", BLOCKED: "⧖", NOT_STARTED: "·"}
#: The states' words as shown (the states themselves are data: saved, compared, in --json).
STATE_WORDS = {DONE: N_("done"), FAILING: N_("failing"), BLOCKED: N_("blocked"),
               NOT_STARTED: N_("not started")}


def _width(text: str) -> int:
    """The terminal columns ``text`` takes (a CJK character takes two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, *, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` terminal columns."""
    fill = " " * max(width - _width(text), 0)
    return fill + text if right else text + fill


def progress_dir(helpers_dir: Path) -> Path:
    """Where the results of checks of ``helpers_dir`` are kept: beside it."""
    return Path(helpers_dir).resolve().parent / FOLDER


def file_digest(path: Path) -> str | None:
    """A short digest of a helper file (to tell whether it was edited since its check)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
    except OSError:
        return None


class SavedCheck(TypedDict):
    """An exercise's last check, as saved (``exercises`` of ``<sprint>.json``): the learner's
    own file, read with ``.get`` (it may have been edited)."""

    status: str               # evaluate's PASSED, FAILED, ...
    passed: int
    total: int
    title: str
    message: str
    hints: list[str]
    checked_at: str           # "2026-12-06 23:00:00"
    digest: str | None        # file_digest of the helper file checked


class SavedProgress(TypedDict):
    """A sprint's ``.course_progress/<sprint>.json``."""

    version: int
    exercises: dict[str, SavedCheck]    # exercise id: its last check


def record(results: list[ExerciseResult], specs: list[Spec], helpers_dir: Path) -> Path | None:
    """Merge check ``results`` (``evaluate.ExerciseResult``) into the saved progress.

    One file per sprint, written atomically. Saving is a convenience: a folder that cannot be
    written (read-only media) leaves the check as it is and returns ``None``.
    """
    folder = progress_dir(helpers_dir)
    module_of = {s.id: s.module for s in specs}
    by_sprint: dict[str, list[ExerciseResult]] = {}
    for r in results:
        by_sprint.setdefault(r.id.split(".", 1)[0], []).append(r)
    try:
        folder.mkdir(exist_ok=True)
        for sprint, items in by_sprint.items():
            path = folder / f"{sprint}.json"
            doc = _read(path)
            for r in items:
                module = module_of.get(r.id)
                doc["exercises"][r.id] = {
                    "status": r.status, "passed": r.passed, "total": r.total,
                    "title": r.title, "message": r.message, "hints": list(r.hints),
                    "checked_at": time.strftime("%Y-%m-%d %H:%M:%S"),
                    "digest": file_digest(Path(helpers_dir) / f"{module}.py") if module else None,
                }
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{sprint}-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(doc, fh, indent=1, ensure_ascii=False, sort_keys=True)
            os.chmod(tmp, 0o644)  # mkstemp makes it private; it is an ordinary file
            os.replace(tmp, path)
    except OSError:
        return None
    return folder


def _read(path: Path) -> SavedProgress:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        if doc.get("version") == VERSION and isinstance(doc.get("exercises"), dict):
            return doc
    except (OSError, ValueError, AttributeError):
        pass
    return {"version": VERSION, "exercises": {}}


@dataclass
class Row:
    """One exercise in the progress view."""

    id: str
    sprint: str
    title: str
    points: float
    state: str             # done / failing / not started
    detail: str = ""       # what was wrong (failing)
    hint: str = ""         # the first hint (failing)
    checked_at: str = ""
    edited_since: bool = False


def _state(saved: SavedCheck | None) -> str:
    if not saved or saved.get("status") == NOT_IMPLEMENTED:
        return NOT_STARTED
    if saved.get("status") == PASSED:
        return DONE
    if saved.get("status") == BLOCKED_STATUS:
        return BLOCKED
    return FAILING if saved.get("status") in (FAILED, ERROR) else NOT_STARTED


def rows(helpers_dir: Path | None = None, specs: list[Spec] | None = None) -> list[Row]:
    """Every exercise of the course (the registry's, or the release's) with its saved state."""
    from .check import find_helpers
    from .registry import load_exercises

    helpers_dir = Path(helpers_dir) if helpers_dir else find_helpers()
    specs = load_exercises() if specs is None else specs
    folder = progress_dir(helpers_dir)
    saved_by_sprint: dict[str, dict[str, SavedCheck]] = {}
    out: list[Row] = []
    for s in specs:
        if s.sprint not in saved_by_sprint:
            saved_by_sprint[s.sprint] = _read(folder / f"{s.sprint}.json")["exercises"]
        saved = saved_by_sprint[s.sprint].get(s.id)
        state = _state(saved)
        row = Row(s.id, s.sprint, s.title, s.points, state)
        if saved:
            row.checked_at = saved.get("checked_at", "")
            digest = saved.get("digest")
            row.edited_since = bool(digest) and digest != file_digest(
                helpers_dir / f"{s.module}.py")
            if state in (FAILING, BLOCKED):
                row.detail = (saved.get("message") or "").splitlines()[0] if saved.get(
                    "message") else ""
                row.hint = (saved.get("hints") or [""])[0]
        out.append(row)
    return out


def summary(all_rows: list[Row]) -> dict[str, dict[str, int]]:
    """``{sprint: {"done": n, "failing": n, "blocked": n, "not started": n, "total": n}}`` in
    course order."""
    out: dict[str, dict[str, int]] = {}
    for r in all_rows:
        counts = out.setdefault(r.sprint, {DONE: 0, FAILING: 0, BLOCKED: 0, NOT_STARTED: 0,
                                           "total": 0})
        counts[r.state] += 1
        counts["total"] += 1
    return out


class Progress:
    """The progress view: ``print()`` it for text, or let Jupyter show it as an HTML table."""

    def __init__(self, all_rows: list[Row], *, show_all: bool = False) -> None:
        self.rows = all_rows
        self.show_all = show_all

    def text(self) -> str:
        heads = [_("sprint"), _("progress"), _("done"), _("failing"), _("not started")]
        # each column as wide as its heading in this language, plus a space
        w = [max(least, _width(h) + 1) for least, h in zip((9, 14, 6, 9, 13), heads)]
        lines = ["".join(_pad(h, n, right=k > 1) for k, (h, n) in enumerate(zip(heads, w))),
                 "-" * sum(w)]
        for sprint, c in summary(self.rows).items():
            bar = "█" * c[DONE] + "▒" * c[FAILING] + "░" * (c[BLOCKED] + c[NOT_STARTED])
            lines.append(f"{sprint:<{w[0]}}{bar:<{w[1]}}{c[DONE]:>{w[2]}}{c[FAILING]:>{w[3]}}"
                         f"{c[NOT_STARTED]:>{w[4]}}")
        shown = self.rows if self.show_all else [r for r in self.rows
                                                 if r.state in (FAILING, BLOCKED)]
        if shown:
            lines += ["", _("all exercises:") if self.show_all else _("failing or blocked:")]
        for r in shown:
            edited = _("  (edited since)") if r.edited_since else ""
            lines.append(f"  {MARK[r.state]} {_pad(_(STATE_WORDS[r.state]), 12)}{r.id:<32} "
                         f"{pgettext(r.id, r.title)}{edited}")
            if r.state in (FAILING, BLOCKED):
                if r.detail:
                    lines.append(f"        {r.detail}")
                if r.hint:
                    lines.append("        " + _("Hint: {hint}").format(
                        hint=pgettext(r.id, r.hint)))
        if not any(r.checked_at for r in self.rows):
            lines += ["", _("No check has been run yet in this course folder: run a check "
                            "cell, or `python -m autograder progress --run`.")]
        return "\n".join(lines)

    __str__ = text

    def __repr__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        colour = {DONE: "#2e7d32", FAILING: "#c62828", BLOCKED: "#ef6c00", NOT_STARTED: "#757575"}
        e = html.escape
        parts = ['<table class="course-progress"><thead><tr>' + "".join(
            f"<th>{e(_(word))}</th>" for word in (N_("sprint"), N_("progress"), N_("done"),
                                                  N_("failing"), N_("not started")))
                 + '</tr></thead><tbody>']
        for sprint, c in summary(self.rows).items():
            width = 160
            segs = "".join(
                f'<span style="display:inline-block;height:10px;'
                f'width:{width * c[k] / c["total"]:.0f}px;'
                f'background:{colour[k]}"></span>' for k in (DONE, FAILING, BLOCKED, NOT_STARTED)
                if c[k])
            parts.append(f"<tr><td>{e(sprint)}</td><td>{segs}</td><td>{c[DONE]}</td>"
                         f"<td>{c[FAILING]}</td><td>{c[NOT_STARTED]}</td></tr>")
        parts.append("</tbody></table>")
        shown = self.rows if self.show_all else [r for r in self.rows
                                                 if r.state in (FAILING, BLOCKED)]
        if shown:
            heads = [_("exercise"), _("state"), _("what is wrong, and the hint")]
            parts.append('<table class="course-progress-detail" style="margin-top:0.8em">'
                         '<thead><tr><th></th>' + "".join(f"<th>{e(h)}</th>" for h in heads)
                         + '</tr></thead><tbody>')
            hint_word, edited = _("Hint:"), _("(edited since this check)")
            for r in shown:
                note = e(r.detail) + (f"<br><b>{e(hint_word)}</b> {e(pgettext(r.id, r.hint))}"
                                      if r.hint else "")
                if r.edited_since:
                    note += f"<br><i>{e(edited)}</i>"
                parts.append(f'<tr><td style="color:{colour[r.state]}">{MARK[r.state]}</td>'
                             f"<td><code>{e(r.id)}</code><br>{e(pgettext(r.id, r.title))}</td>"
                             f"<td>{e(_(STATE_WORDS[r.state]))}</td>"
                             f"<td style='text-align:left'>{note}</td></tr>")
            parts.append("</tbody></table>")
        return "\n".join(parts)


def progress(*sprints: str, run: bool = False, show_all: bool = False,
             helpers: str | Path | None = None) -> Progress:
    """Your progress across the sprints (or only ``sprints``), from your saved checks.

    ``run=True`` checks the selected exercises first (that takes a moment per exercise).
    In a notebook the result shows as a table; ``print(progress())`` gives the text.
    """
    from .check import find_helpers, run_checks
    from .registry import load_exercises, select

    helpers_dir = Path(helpers) if helpers else find_helpers()
    specs = select(load_exercises(), list(sprints))
    if run:
        run_checks(list(sprints), helpers_dir)
    return Progress(rows(helpers_dir, specs), show_all=show_all)
