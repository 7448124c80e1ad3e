"""Hints on request (ヒント): ``hint("sprint8.conv2d")`` in a notebook, ``./course hint ...``
in a terminal.

A stub's docstring is the contract and the math; it does not give the code away. When you are
stuck, ask for a hint: each call shows the next level, up to three:

1. **the idea** — what to think about;
2. **the steps and shapes** — the plan, with the shape of every intermediate array;
3. **nearly the code** — the plan as code with a gap or two left for you.

How many levels you used is kept in ``.course_progress/hints.json`` beside ``helpers/`` (never
part of a submission); ``hint_usage()`` or ``python -m autograder hint`` shows it.

The texts live in ``autograder/learner/hint_texts/<sprint>.toml``, keyed by exercise id, in
English; their translations in ``autograder/learner/hint_texts/<lang>/<sprint>.po``
(:mod:`autograder.learner.i18n`: a hint shows in Japanese when the course's language is
Japanese). A class can turn hints off: build its release with ``COURSE_HINTS=0`` (the texts
are then left out of the assignment folders), or set ``COURSE_HINTS=0`` in the learners'
environment.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .i18n import N_, _, hint_text, pgettext

TEXTS = Path(__file__).resolve().parent / "hint_texts"
USAGE_FILE = "hints.json"
SWITCH = "COURSE_HINTS"          # "0": hints are off (at release time, or in the learner's env)
LEVEL_NAMES = (N_("the idea"), N_("the steps and shapes"), N_("nearly the code"))


@dataclass(frozen=True)
class Hint:
    """The hints of one exercise: ``levels[0]`` is the idea, ``levels[-1]`` nearly the code."""

    id: str
    levels: tuple[str, ...]


def enabled() -> bool:
    """Whether hints are on: not switched off and their texts are present."""
    return os.environ.get(SWITCH, "1") != "0" and TEXTS.is_dir() and any(TEXTS.glob("*.toml"))


def load(directory: Path = TEXTS) -> dict[str, Hint]:
    """``{exercise id: Hint}`` (in English) from every ``<sprint>.toml`` of ``directory``."""
    out: dict[str, Hint] = {}
    for path in sorted(Path(directory).glob("*.toml")):
        out.update(load_file(path))
    return out


def load_file(path: Path) -> dict[str, Hint]:
    """``{exercise id: Hint}`` (in English) of one ``<sprint>.toml``."""
    with Path(path).open("rb") as fh:
        doc = tomllib.load(fh)
    out: dict[str, Hint] = {}
    for ex_id, entry in doc.items():
        levels = tuple(str(t).strip() for t in entry.get("levels", ()))
        if levels:
            out[ex_id] = Hint(ex_id, levels)
    return out


def localized(h: Hint) -> Hint:
    """``h`` in the course's language (:mod:`autograder.learner.i18n`): each level's current
    translation from ``hint_texts/<lang>/<sprint>.po``, else its English."""
    return Hint(h.id, tuple(hint_text(h.id, k, text, TEXTS)
                            for k, text in enumerate(h.levels, 1)))


def _usage_path(helpers: str | Path | None = None) -> Path:
    from .check import find_helpers
    from .progress import progress_dir

    return progress_dir(Path(helpers) if helpers else find_helpers()) / USAGE_FILE


def usage(helpers: str | Path | None = None) -> dict[str, int]:
    """``{exercise id: levels shown}`` from this course folder's saved hint usage."""
    try:
        doc = json.loads(_usage_path(helpers).read_text(encoding="utf-8"))
        return {k: int(v) for k, v in doc.get("levels_shown", {}).items()}
    except (OSError, ValueError, AttributeError):
        return {}


def _save_usage(used: dict[str, int], helpers: str | Path | None = None) -> None:
    path = _usage_path(helpers)
    try:
        path.parent.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".hints-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"version": 1, "levels_shown": used}, fh, indent=1, sort_keys=True)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError:  # a read-only folder: the hint is shown all the same
        pass


def _title(ex_id: str) -> str:
    try:
        from .needs import _specs

        return _specs().get(ex_id, ("", "", ""))[2]
    except Exception:  # noqa: BLE001 - the title is a nicety
        return ""


def next_hint(ex_id: str, helpers: str | Path | None = None) -> str:
    """Record one more level of ``ex_id``'s hints as shown and return the text to show."""
    if not enabled():
        return _("Hints are turned off for this course (your instructor's choice): the "
                 "docstring and the check's messages are your guides.")
    hints = load()
    if ex_id not in hints:
        known = sorted(hints)
        sprint = ex_id.split(".", 1)[0]
        same = [k for k in known if k.startswith(sprint + ".")]
        if same:
            return _("No hints for {exercise}. Exercises with hints in {sprint}: "
                     "{exercises}").format(exercise=repr(ex_id), sprint=sprint,
                                           exercises=", ".join(same))
        return _("No hints for {exercise}. Exercises with hints: {exercises}").format(
            exercise=repr(ex_id), exercises=", ".join(known))
    levels = localized(hints[ex_id]).levels
    used = usage(helpers)
    shown = min(used.get(ex_id, 0) + 1, len(levels))
    used[ex_id] = shown
    _save_usage(used, helpers)
    title = _title(ex_id)
    heading = (_("Hints for {exercise} ({title}): level {shown} of {levels}") if title else
               _("Hints for {exercise}: level {shown} of {levels}"))
    lines = [heading.format(exercise=ex_id, title=pgettext(ex_id, title), shown=shown,
                            levels=len(levels)), ""]
    for k in range(shown):
        name = (_(LEVEL_NAMES[k]) if k < len(LEVEL_NAMES) else
                _("level {number}").format(number=k + 1)).capitalize()
        lines.append(f"{k + 1}. {name}" + (":" if k + 1 == shown else _(" (shown before):")))
        lines += ["   " + ln if ln else "" for ln in levels[k].splitlines()]
        lines.append("")
    lines.append(_("That was the last level.") if shown == len(levels) else
                 _("Still stuck? Ask again for level {level}.").format(level=shown + 1))
    return "\n".join(lines)


def hint(ex_id: str, *, helpers: str | Path | None = None) -> None:
    """Show the next level of the hints for ``ex_id``, e.g. ``hint("sprint8.conv2d")``."""
    print(next_hint(ex_id, helpers))


def usage_text(helpers: str | Path | None = None) -> str:
    """How many hint levels were used, per exercise (for ``python -m autograder hint``)."""
    used = usage(helpers)
    if not enabled():
        return _("Hints are turned off for this course.")
    if not used:
        return _("No hint used yet. Ask for one with `python -m autograder hint EXERCISE_ID` "
                 "(in a notebook: `hint(\"sprint8.conv2d\")`).")
    total = {k: len(h.levels) for k, h in load().items()}
    lines = [_("hint levels used:")]
    for ex_id in sorted(used):
        lines.append(f"  {ex_id:<32} " + _("{used} of {total}").format(
            used=used[ex_id], total=total.get(ex_id, "?")))
    return "\n".join(lines)


def hint_usage(helpers: str | Path | None = None) -> None:
    """Print how many hint levels you used, per exercise."""
    print(usage_text(helpers))


def ship(dest_autograder: Path, sprint: str | None = None) -> list[Path]:
    """Copy the hint texts (``sprint``'s only, when given) and their translations into a
    release's ``autograder/``.

    Nothing is copied when the release is built with ``COURSE_HINTS=0``: hints are then off
    in that class. Returns the files written.
    """
    if os.environ.get(SWITCH, "1") == "0" or not TEXTS.is_dir():
        return []
    out_dir = Path(dest_autograder) / TEXTS.name
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for path in sorted(TEXTS.glob("*.toml")):
        if sprint is None or path.stem == sprint:
            shutil.copyfile(path, out_dir / path.name)
            written.append(out_dir / path.name)
            for po in sorted(TEXTS.glob(f"*/{path.stem}.po")):      # <lang>/<sprint>.po
                (out_dir / po.parent.name).mkdir(exist_ok=True)
                shutil.copyfile(po, out_dir / po.parent.name / po.name)
                written.append(out_dir / po.parent.name / po.name)
    return written
