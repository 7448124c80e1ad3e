"""The command line's ``--help`` in the course's language (``COURSE_LANG=ja``: Japanese).

``python -m autograder`` builds its parser with :class:`ArgumentParser` (argparse's, with
:class:`HelpFormatter`): every text ``--help`` shows — the description, each command's and
option's ``help=``, the section headings and argparse's own words (``usage:``, ``options``,
``show this help message and exit``) — is looked up in the message catalog when the help is
printed, with the English as the key (:func:`autograder.learner.i18n._`). The English help is
argparse's own, unchanged. :func:`parser_texts` lists those texts for the catalog (the
extraction builds the parser, so a changed ``help=`` marks its translation stale).

**Errors** (``the following arguments are required: ...``, ``invalid choice: ...``, ``error:``):
argparse builds them with the ``gettext``/``ngettext`` functions it imported from :mod:`gettext`
(Python ships no catalog for them). While :class:`ArgumentParser` parses (and reports an
error), :func:`argparse_language` points those two names of the ``argparse`` module at the
course's catalog, then puts them back: argparse's own messages (:data:`ARGPARSE_ERRORS`, its
English as the key) read in the course's language, whoever else uses argparse is untouched.

``./course help`` prints the script's leading comment block; :func:`script_help` is that block
as the catalog holds it.
"""
from __future__ import annotations

import argparse
import copy
import re
import textwrap
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .i18n import N_, _

#: argparse's own words in the help it prints (Python ships no catalog for them).
ARGPARSE_WORDS = (N_("usage: "), N_("positional arguments"), N_("options"),
                  N_("show this help message and exit"))

#: argparse's own error messages (its ``_()`` and ``ngettext()`` literals a command line can
#: meet; Python 3.11-3.13 word them alike). ``%s`` and ``%(name)s`` are argparse's to fill.
ARGPARSE_ERRORS = (N_("%(prog)s: error: %(message)s\n"),
                   N_("argument %(argument_name)s: %(message)s"),
                   N_("the following arguments are required: %s"),
                   N_("unrecognized arguments: %s"),
                   N_("invalid choice: %(value)r (choose from %(choices)s)"),
                   N_("invalid %(type)s value: %(value)r"),
                   N_("expected one argument"), N_("expected at most one argument"),
                   N_("expected at least one argument"),
                   N_("expected %s argument"), N_("expected %s arguments"),
                   N_("ambiguous option: %(option)s could match %(matches)s"),
                   N_("not allowed with argument %s"), N_("ignored explicit argument %r"),
                   N_("one of the arguments %s is required"),
                   N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
                   N_("can't open '%(filename)s': %(error)s"))


def _ngettext(singular: str, plural: str, n: int) -> str:
    """argparse's ``ngettext``: the English form for ``n``, translated (Japanese has one
    form; each English form is its own entry of the catalog)."""
    return _(singular if n == 1 else plural)


@contextmanager
def argparse_language():
    """argparse's own messages in the course's language inside the ``with`` block (see the
    module): its module-level ``_`` and ``ngettext`` look in the course's catalog, and are
    put back after, however the block ends (an error exits with ``SystemExit``)."""
    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = _, _ngettext
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


#: Characters a line does not start with (Japanese line breaking: 行頭禁則).
_NO_LINE_START = set("、。，．）」』】〕！？：；ー・,.)]:;!?")
#: Characters a line does not end with (行末禁則).
_NO_LINE_END = set("（「『【〔")


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal (a wide, East Asian character takes two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text: str, width: int) -> list[str]:
    """``text`` as lines of at most ``width`` columns: argparse's wrapping (at spaces) for
    text without wide characters; otherwise also between two wide characters (Japanese has
    no spaces), never before a closing bracket or a punctuation mark."""
    text = " ".join(text.split())
    if _width(text) == len(text):
        return textwrap.wrap(text, width)
    # tokens: a run of narrow non-space characters, a space, or one wide character
    tokens = re.findall(r"[^\s\u1100-\uffdc]+|\s|[\u1100-\uffdc]", text)
    lines: list[str] = []
    line = ""
    for tok in tokens:
        if line and _width(line + tok.rstrip()) > width and tok[0] not in _NO_LINE_START:
            line = line.rstrip()
            carry = line[-1] if line[-1] in _NO_LINE_END and len(line) > 1 else ""
            lines.append(line[:len(line) - len(carry)])
            line = carry + ("" if tok.isspace() else tok)
        else:
            line += tok
    if line.strip():
        lines.append(line.rstrip())
    return lines


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, each text translated when it is printed (and Japanese wrapped
    to the terminal's width, :func:`wrap`)."""

    def _split_lines(self, text, width):
        return wrap(text, width)

    def _fill_text(self, text, width, indent):
        return "\n".join(indent + line for line in wrap(text, width - len(indent)))

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, _("usage: ") if prefix is None else prefix)

    def start_section(self, heading):
        super().start_section(_(heading) if heading else heading)

    def add_text(self, text):
        super().add_text(_(text) if text and text is not argparse.SUPPRESS else text)

    def _expand_help(self, action):
        if not action.help:
            return super()._expand_help(action)
        shown = copy.copy(action)
        shown.help = _(action.help)
        return super()._expand_help(shown)


class ArgumentParser(argparse.ArgumentParser):
    """An ``argparse.ArgumentParser`` whose help is in the course's language; its
    subcommands' parsers are of this class too (argparse makes them of the parent's class)."""

    def __init__(self, *args, formatter_class=HelpFormatter, **kwargs):
        super().__init__(*args, formatter_class=formatter_class, **kwargs)

    def parse_args(self, args=None, namespace=None):
        with argparse_language():
            return super().parse_args(args, namespace)

    def parse_known_args(self, args=None, namespace=None):
        with argparse_language():
            return super().parse_known_args(args, namespace)

    def error(self, message):
        with argparse_language():
            super().error(message)


def _walk(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """``parser`` and every subcommand's parser below it."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                yield from _walk(sub)


def parser_texts(parser: argparse.ArgumentParser) -> list[str]:
    """Every text the help of ``parser`` (and of its subcommands) shows, once each, in order:
    the descriptions, the section headings, the ``help=`` of each argument and command."""
    out: list[str | None] = list(ARGPARSE_WORDS)    # None: no description, no help
    for p in _walk(parser):
        out += [p.description, p.epilog]
        out += [g.title for g in p._action_groups]
        for action in p._actions:
            out.append(action.help)
            if isinstance(action, argparse._SubParsersAction):
                out += [choice.help for choice in action._choices_actions]
    return [t for t in dict.fromkeys(out) if t and t is not argparse.SUPPRESS]


def script_help(script: Path) -> str:
    """The help ``./course help`` prints: the script's leading comment block (after the
    ``#!`` line), each line without its ``# ``, as ``sed 's/^# \\{0,1\\}//'`` strips it."""
    lines = []
    for line in Path(script).read_text(encoding="utf-8").splitlines()[1:]:
        if not line.startswith("#"):
            break
        lines.append(line[2:] if line.startswith("# ") else line[1:])
    return "\n".join(lines) + "\n"
