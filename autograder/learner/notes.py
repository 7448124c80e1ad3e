"""A grader's note on a submission, as a record rendered in the course's language when shown.

The grader notes what it found wrong with a submission (``helpers/x.py has a syntax error
(line 3: invalid syntax): its exercises score 0``). A :class:`Note` keeps the message's
English text with named ``{placeholders}`` — the message catalog's key, marked with ``N_`` so
extraction finds it — and the values that fill it, never a finished sentence: it is stored as
such (:meth:`Note.as_json`: ``{"message": ..., "values": {...}}`` in a state file, in
``summary.json``) and rendered only when shown (:meth:`Note.render`: the summary, the class
report, Gradescope's output), in the course's language (:mod:`autograder.learner.i18n`).

A value is a number, a text (a file name, an exception's class: shown as it is), another note
(``{why}``: rendered in the same language), or a check's :class:`~.verdict.Outcome` (its
verdict's first line, as the check shows it, in the same language). Only the catalog's
template is formatted; a value is inserted as it is, so a file name with ``{braces}`` or
``%s`` in it is shown literally. A note written by an older grader is a plain string: it is
read back as a *literal* note, shown exactly as it was written, never formatted or
translated, so a resumed run loses nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .i18n import _, speaking

if TYPE_CHECKING:
    from .verdict import Outcome

VERDICT_CHARS = 200      # of the verdict's first line a note shows


@dataclass(frozen=True)
class Note:
    """One note: ``message`` (English, ``{placeholders}``; the catalog's key) and ``values``."""

    message: str
    #: placeholder -> a Note, an Outcome, a number or a text (anything else: shown as str())
    values: dict[str, object] = field(default_factory=dict)
    literal: bool = False          # an older grader's finished text: shown as it is

    @classmethod
    def of(cls, message: str, **values: object) -> Note:
        """``Note.of(N_("helpers/{file} is missing"), file="x.py")``."""
        return cls(message, dict(values))

    @classmethod
    def text(cls, text: str) -> Note:
        """A finished text (an older grader's note, another module's English): literal."""
        return cls(str(text), {}, literal=True)

    # ------------------------------------------------------------------ showing
    def render(self, lang: str | None = None) -> str:
        """The note in ``lang`` (default: the course's language now)."""
        with speaking(lang):
            return self._render()

    def english(self) -> str:
        """The note in English (data: a CSV's message, a log)."""
        return self.render("en")

    __str__ = english

    def _render(self) -> str:
        if self.literal:
            return self.message
        values = {k: _shown(v) for k, v in self.values.items()}
        for template in (_(self.message), self.message):
            if _plain(template):
                try:
                    return template.format_map(values)
                except (KeyError, IndexError, ValueError):
                    pass       # a translation that names another placeholder: the English
        return " ".join([self.message, *(f"{k}={v}" for k, v in values.items())])

    # ------------------------------------------------------------------ storing
    def as_json(self) -> str | dict[str, Any]:
        """The note as JSON: a literal note's text as it is, else message and values."""
        if self.literal:
            return self.message
        return {"message": self.message,
                "values": {k: _value_json(v) for k, v in self.values.items()}}

    @classmethod
    def from_json(cls, doc: object) -> Note:
        """A note of :meth:`as_json`, or an older grader's plain string (literal)."""
        if isinstance(doc, str):
            return cls.text(doc)
        if not isinstance(doc, dict) or not isinstance(doc.get("message"), str) or \
                not isinstance(doc.get("values", {}), dict):
            raise ValueError(f"not a note: {str(doc)[:80]!r}")
        return cls(doc["message"], {str(k): _value_from_json(v)
                                    for k, v in doc.get("values", {}).items()})


def _plain(template: str) -> bool:
    """Whether ``template``'s fields are plain names (``{file}``): no attribute, index,
    conversion or format spec, so formatting it can only insert the values as they are."""
    import string

    try:
        return all(name is None or (name.isidentifier() and not spec and conversion is None)
                   for _, name, spec, conversion in string.Formatter().parse(template))
    except ValueError:          # an unmatched brace
        return False


def _shown(value: object) -> str:
    """A value as the note shows it, in the language being rendered."""
    from .verdict import Outcome, render

    if isinstance(value, Note):
        return value._render()
    if isinstance(value, Outcome):
        text = render(value, graded=True).strip()
        line = text.splitlines()[0] if text else ""
        return line if len(line) <= VERDICT_CHARS else line[: VERDICT_CHARS - 1] + "…"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _value_json(value: object) -> Any:
    from .verdict import Outcome

    if isinstance(value, Note):
        return {"note": value.as_json()}
    if isinstance(value, Outcome):
        return {"outcome": value.as_dict()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _value_from_json(doc: object) -> Note | Outcome | str | int | float | bool | None:
    from .verdict import Outcome

    if isinstance(doc, dict) and "note" in doc:
        return Note.from_json(doc["note"])
    if isinstance(doc, dict) and "outcome" in doc:
        outcome = Outcome.from_dict(doc["outcome"])
        if outcome is None:
            raise ValueError("not a check's outcome")
        return outcome
    if doc is None or isinstance(doc, (bool, int, float, str)):
        return doc
    raise ValueError(f"not a note's value: {str(doc)[:80]!r}")
