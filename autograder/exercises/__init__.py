"""Exercise declarations, one module per sprint (``sprint1.py`` ...), each with a list
``EXERCISES`` of :class:`autograder.registry.Exercise`. Grader side only: these modules
import the reference solutions and generate hidden cases, and never ship to learners.

The order of ``EXERCISES`` is the order of the notebook's problems: wrap the list in
:func:`numbered` and write each title without its number.

A known mistake in a class subclasses the reference and overrides only what it gets wrong;
where that is a line or two inside a reference method, :func:`rewritten` makes the subclass
from the reference's own source with those lines changed."""
from __future__ import annotations

import inspect
import re
import sys
import textwrap
from collections import Counter
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


_MARKERS = re.compile(r"^\s*### (BEGIN|END) SOLUTION\n", re.M)
_REWRITES: Counter = Counter()


def rewritten(method, *changes: tuple[str, str]) -> type:
    """A subclass of ``method``'s class (a reference class) whose ``method`` is the
    reference's own source with each ``(old, new)`` change made: a known mistake that
    differs from the reference by a line or two, written as that difference.

    Each ``old`` must stand exactly once in the reference method: when the reference is
    edited so that it no longer does, the import stops here and names the mistake to update,
    instead of a copied method silently drifting away from the reference. The class keeps
    its source in ``rewritten_source``, so that a test can paste it into a learner's module.

    >>> from solutions.optimizers import SGD
    >>> Uphill = rewritten(SGD.update, ("params[key] -= ", "params[key] += "))
    """
    owner = sys.modules[method.__module__]
    base = method.__qualname__.split(".")[0]
    src = _MARKERS.sub("", textwrap.dedent(inspect.getsource(method)))
    for old, new in changes:
        if src.count(old) != 1:
            raise ValueError(f"{method.__qualname__} in {owner.__name__} holds {old!r} "
                             f"{src.count(old)} times, not once: the reference changed, "
                             "update the known mistake that rewrites it")
        src = src.replace(old, new)
    _REWRITES[base] += 1
    name = f"{base}Rewritten{_REWRITES[base]}"
    class_src = f"class {name}({base}):\n{textwrap.indent(src, '    ')}"
    namespace = dict(vars(owner))
    exec(compile(class_src, f"<{name}>", "exec"), namespace)   # noqa: S102 - the reference's own source
    cls = namespace[name]
    cls.rewritten_source = class_src
    return cls
