"""Exercise declarations, one module per sprint (``sprint1.py`` ...), each with a list
``EXERCISES`` of :class:`autograder.learner.registry.Exercise`. Grader side only: these modules
import the reference solutions and generate hidden cases, and never ship to learners.

The order of ``EXERCISES`` is the order of the notebook's problems: wrap the list in
:func:`numbered` and write each title without its number."""
from __future__ import annotations

import re
from dataclasses import replace

_NUMBERED = re.compile(r"^Problem (\d+)\b")


def numbered(exercises: list) -> list:
    """``exercises`` with ``"Problem k: "`` put before the k-th one's title (k from 1).

    A title that already spells a number must spell its own place: reordering the list
    renumbers the problems, and nothing else does.
    """
    out = []
    for k, e in enumerate(exercises, start=1):
        if m := _NUMBERED.match(e.title):
            if int(m.group(1)) != k:
                raise ValueError(f"{e.id} is problem {k} in the list, but its title says "
                                 f"{e.title!r}: leave the number out of the title")
            out.append(e)
        else:
            out.append(replace(e, title=f"Problem {k}: {e.title}"))
    return out
