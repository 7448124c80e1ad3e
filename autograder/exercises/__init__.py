"""Exercise declarations, one module per sprint (``sprint1.py`` ...), each with a list
``EXERCISES`` of :class:`autograder.learner.registry.Exercise`. Grader side only: these modules
import the reference solutions and generate hidden cases, and never ship to learners.

Everything about one exercise stands in the section of the module headed by its id
(``# ---...--- sprint0.as_column``): its known mistakes, then its declaration,
``AS_COLUMN = Exercise(...)``. The list at the end only names the declarations, and its order
is the order of the notebook's problems: wrap it in :func:`numbered` and write each title
without its number.

A known mistake is declared where its code is, with its hint above it (:func:`hint`); the
exercise lists it by name, ``mistakes=known(_as_row, _as_column_by_transpose)``
(:func:`known`). A known mistake in a class subclasses the reference and overrides only what
it gets wrong; where that is a line or two inside a reference method, :func:`rewritten` makes
the subclass from the reference's own source with those lines changed (its ``hint=`` is the
hint); a slip of a formula that one function makes behind a keyword switch is
:func:`switched`."""
from __future__ import annotations

import inspect
import re
import sys
import textwrap
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any, TypeVar

from ..learner.registry import Case, Exercise, Mistake, Step

_T = TypeVar("_T")

_NUMBERED = re.compile(r"^Problem (\d+)\b")


def numbered(exercises: list[Exercise]) -> list[Exercise]:
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


def steps_of(c: Case) -> tuple[Step, ...]:
    """The steps of a class's case (:func:`class_case` always gives a tuple), for a
    ``batch_size=`` that reads the batch from a step's argument:
    ``batch_size=lambda c: len(steps_of(c)[0].args[0])``."""
    assert c.steps is not None, f"the case {c.label!r} is a function's, not a class's"
    return c.steps


_HINT = "known_mistake_hint"     # the attribute :func:`hint` sets


def hint(text: str) -> Callable[[_T], _T]:
    """Decorate a known mistake (a function, a class, or any object that takes attributes)
    with the hint a learner whose code answers like it gets; it returns the object itself,
    so that a mistake class can still be subclassed and a test can still use it.

    >>> @hint("You made a row, shape (1, D). A column has shape (D, 1).")
    ... def _as_row(v):
    ...     return v.reshape(1, -1)
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"a hint is a non-empty string, not {text!r}")

    def attach(mistake: _T) -> _T:
        setattr(mistake, _HINT, text)
        return mistake
    return attach


def known(*mistakes: Callable[..., Any]) -> list[Mistake]:
    """The :class:`Mistake` records of an exercise, each with the hint :func:`hint` gave its
    implementation. A mistake without a hint of its own (a class does not count its base's)
    stops the import here, naming it."""
    out = []
    for m in mistakes:
        text = vars(m).get(_HINT) if hasattr(m, "__dict__") else None
        if text is None:
            name = getattr(m, "__qualname__", None) or repr(m)
            raise ValueError(f"the known mistake {name} has no hint: put @hint(\"...\") above "
                             "its definition (or pass hint= to rewritten)")
        out.append(Mistake(m, text))
    return out


def switched(variant: Callable[..., Any], *, hint: str, **switches: Any,
             ) -> partial[Any]:
    """A known mistake written as one slip of a function that can make several: ``variant``
    with the keyword ``switches`` that turn its slip on, carrying ``hint`` as :func:`hint`
    gives it. Where the slips are of one formula (a count without its biases, or over one
    channel), one function with a switch per slip reads better than a copy per slip.

    >>> _count_without_biases = switched(_count_variant, bias=False,
    ...                                  hint="Count the biases too: one per filter ...")
    """
    made = partial(variant, **switches)
    setattr(made, _HINT, hint)
    return made


_MARKERS = re.compile(r"^\s*### (BEGIN|END) SOLUTION\n", re.M)
_REWRITES: Counter[str] = Counter()   # reference name -> mistakes made from it


def rewritten(reference: Callable[..., Any], *changes: tuple[str, str],
              hint: str | None = None) -> Any:   # a function or a class, made by exec
    """A known mistake written as its difference from the reference: ``reference`` (a
    reference function, or a method of a reference class) with each ``(old, new)`` change
    made to its own source. A function gives a function; a method gives a subclass of its
    class that overrides that method.

    Each ``old`` must stand exactly once in the reference: when the reference is edited so
    that it no longer does, the import stops here and names the mistake to update, instead
    of a copied method silently drifting away from the reference. The result keeps its source
    in ``rewritten_source``, so that a test can paste it into a learner's module. ``hint``
    is the known mistake's hint, as :func:`hint` gives it.

    >>> from solutions.optimizers import SGD
    >>> Uphill = rewritten(SGD.update, ("params[key] -= ", "params[key] += "),
    ...                    hint="Step downhill: params[key] -= lr * grads[key].")
    """
    owner = sys.modules[reference.__module__]
    src = _MARKERS.sub("", textwrap.dedent(inspect.getsource(reference)))
    for old, new in changes:
        if src.count(old) != 1:
            raise ValueError(f"{reference.__qualname__} in {owner.__name__} holds {old!r} "
                             f"{src.count(old)} times, not once: the reference changed, "
                             "update the known mistake that rewrites it")
        src = src.replace(old, new)
    base, _, method = reference.__qualname__.partition(".")
    _REWRITES[base] += 1
    name = f"_{base}_rewritten_{_REWRITES[base]}"
    if method:
        src = f"class {name}({base}):\n{textwrap.indent(src, '    ')}"
    else:
        src = src.replace(f"def {base}(", f"def {name}(", 1)
    namespace = dict(vars(owner))
    exec(compile(src, f"<{name}>", "exec"), namespace)   # the reference's own source, changed
    made = namespace[name]
    made.rewritten_source = src
    if hint is not None:
        setattr(made, _HINT, hint)
    return made

