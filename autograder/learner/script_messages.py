"""What the ``./course`` script says, in the course's language (``COURSE_LANG=ja``: Japanese).

The script prints its messages through this module once ``.venv`` exists::

    python -m autograder.learner.script_messages MESSAGE [NAME=VALUE ...] [-- MESSAGE ...]

prints each ``MESSAGE`` (its English, the catalog's key, with ``{name}`` placeholders)
translated by :func:`autograder.learner.i18n._` and filled with its ``NAME=VALUE`` fields, one
line each, on standard output (the script adds its ``[course]`` prefix). Several messages
separated by ``--`` take one call (one start-up of Python). A message that is not one of
:data:`MESSAGES` is refused (exit 2): a message the catalog does not list would print in
English with no test noticing.

The language follows :func:`autograder.learner.i18n.language` (``COURSE_LANG``, which
``./course start --lang`` sets, a release's language, the locale). Before ``.venv`` exists, or
while its packages are not installed yet (no Babel), the script prints the English itself,
filled in: the few lines of its first minute (no suitable Python, creating ``.venv``, installing
its packages) stay English, as a fresh clone has nothing yet to translate them with.
"""
from __future__ import annotations

import sys

from .i18n import N_, _

#: Every message of the ``./course`` script, its English as the script passes it.
MESSAGES = (
    N_("installing {files} into {venv} (first time only; about a minute)"),
    N_("no apt-get: not installing {packages} (their tests skip)"),
    N_("not root: not installing {packages} (their tests skip)"),
    N_("installing system packages: {packages}"),
    N_("apt-get failed (see {log}); the tests that need {packages} skip"),
    N_("JupyterLab's own menus stay in English (no {lang} settings could be written)"),
    N_("the {lang} notebooks could not be built (python -m autograder translate check): "
       "opening the English ones"),
    N_("the docstrings of helpers/ could not be switched to {lang}"),
    N_("opening JupyterLab on {url} (Ctrl+C twice to stop)"),
    N_("start with {notebook}"),
    N_("no test was collected"),
    N_("unknown command: {command}"),
)


def groups(args: list[str]) -> list[tuple[str, dict[str, str]]]:
    """``[(message, {name: value})]`` from the command line's ``MESSAGE NAME=VALUE ... --
    MESSAGE ...``. Raises ``ValueError`` on an unknown message or a field not ``NAME=VALUE``."""
    out: list[tuple[str, dict[str, str]]] = []
    group: list[str] = []
    for arg in [*args, "--"]:
        if arg != "--":
            group.append(arg)
            continue
        if not group:
            continue
        message, *fields = group
        if message not in MESSAGES:
            raise ValueError(f"not a message of the ./course script: {message!r}")
        values: dict[str, str] = {}
        for field in fields:
            name, sep, value = field.partition("=")
            if not sep or not name.isidentifier():
                raise ValueError(f"not NAME=VALUE: {field!r}")
            values[name] = value
        out.append((message, values))
        group = []
    return out


def render(message: str, values: dict[str, str]) -> str:
    """``message`` in the course's language, its placeholders filled from ``values``."""
    return _(message).format(**values)


def main(argv: list[str] | None = None) -> int:
    try:
        said = [render(m, v) for m, v in groups(sys.argv[1:] if argv is None else argv)]
    except (ValueError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for line in said:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
