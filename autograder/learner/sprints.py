"""Sprint ids, their order, and each sprint's notebook: the one place they are spelled.

A sprint is ``sprintN``, N = 0, 1, 2...; course order is the order of N (``sprint10`` comes
after ``sprint9``, not after ``sprint1`` as text sorting would have it). A sprint's notebook
is ``sprintN_<slug>.ipynb`` (``sprint1_perceptron.ipynb``). This module imports nothing of
the course: the learner's release ships it with the checker.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import cast

NOTEBOOK_NAME = re.compile(r"^(sprint\d+)_[A-Za-z0-9][\w-]*\.ipynb$")
UNNUMBERED = 10 ** 6   # where a name that is not a sprint's sorts: after every sprint
_NUMBER = re.compile(r"^sprint(\d+)")


def sprint_number(name: str) -> int:
    """N of ``sprintN`` (or of a name starting with it, ``sprintN_<slug>``); else UNNUMBERED."""
    m = _NUMBER.match(name)
    return int(m.group(1)) if m else UNNUMBERED


def sprint_key(name: str) -> tuple[int, str]:
    """A sort key for sprint ids (and names starting with one): course order, then by name."""
    return sprint_number(name), name


def notebook_sprint(path: Path | str) -> str | None:
    """The sprint whose notebook ``path`` is (``sprint1`` for ``sprint1_perceptron.ipynb``)."""
    m = NOTEBOOK_NAME.match(Path(path).name)
    return m.group(1) if m else None


def sprint_notebooks(folder: Path | str, sprint: str | None = None) -> list[Path]:
    """The sprint notebooks in ``folder`` (only ``sprint``'s when given), in course order."""
    found = [p for p in Path(folder).glob("sprint*_*.ipynb")
             if notebook_sprint(p) is not None and sprint in (None, notebook_sprint(p))]
    return sorted(found, key=lambda p: sprint_key(p.name))


def sprint_ids(folder: Path | str) -> list[str]:
    """``sprintN`` of every sprint notebook in ``folder``, once each, in course order."""
    # never None: sprint_notebooks keeps only the notebooks that have a sprint
    return cast(list[str], list(dict.fromkeys(notebook_sprint(p)
                                              for p in sprint_notebooks(folder))))
