"""The accuracy corpus: implementations a learner could write, each with the verdict it deserves.

Every exercise has alternative *correct* implementations written from its stub's docstring
(the book's style, loops, einsum, ``sliding_window_view``, float32, lists...) and *classic
mistakes* (the book's in-place ``dout[mask] = 0``, CS231n habits, beginners' slips). Each is
registered with a decorator in ``tests/corpus/sprintN.py``::

    @correct("sprint2.sigmoid")
    def sigmoid_via_tanh(x):
        return 0.5 * (1 + np.tanh(x / 2))

    @mistake("sprint2.relu_grad", hint="float")      # a substring of the hint it must get
    def relu_grad_bool(x):
        return x > 0

The source of each (without its decorator) is pasted at the end of a copy of the reference
module, and the exercise's name is bound to it, as a learner's file would hold it
(``conftest.plant_mistake`` does the same for the registry's known mistakes). A class entry
usually subclasses the reference and overrides the method the exercise grades. Code that
several entries share is a helper of the corpus module (or, across sprints, of this package,
such as :class:`KeepsInput`), pasted with each entry that uses it; each correct entry stays
its own way of writing the answer. A known mistake of the registry is registered as it is,
``mistake("sprint4.add_layer", hint=...)(_AddSingle)``, not copied: the corpus grades it on
the hidden cases too.

``tests/test_corpus.py`` grades the whole corpus through the trusted grading path (public and
hidden cases, :func:`autograder.instructor.trusted.grade_exercises`) in as few helper packages as
the entries allow (:func:`packages`), and asserts every correct entry gets full marks and every
mistake loses points (with its hint, where one is named). An entry the harness misjudges for
a reason outside the declarations is marked with a :class:`Gap` (``xfail=MUTATION``): a strict
expected failure while a probe finds that gap in the harness, an ordinary test once it is
fixed.
"""
from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..conftest import pasted_source

SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions"


@dataclass
class Entry:
    """One implementation of one exercise and the verdict it deserves."""

    exercise: str            # "sprint2.sigmoid"
    implementation: object   # a function or a class, pasted into the learner's module
    correct: bool
    hint: str | None = None  # a substring of a hint the mistake must get
    xfail: object = None     # a Gap, or a str: why the harness misjudges it ("harness: ...")
    #: for a mistake no output reveals: (why no case can show it, how a human catches it)
    undetectable: tuple | None = None

    def expected_failure(self, exercise) -> str | None:
        """Why this entry is expected to be misjudged by the harness here, or ``None``."""
        if isinstance(self.xfail, Gap):
            return self.xfail.reason if self.xfail.open_for(exercise) else None
        return self.xfail

    @property
    def key(self) -> str:
        return f"{self.exercise}:{self.name}"

    @property
    def name(self) -> str:
        """The implementation's name where it is declared: a known mistake that
        :func:`autograder.exercises.rewritten` made goes by the name the declarations bind it
        to (``_SGDRebinds``), not by its generated ``__name__``."""
        impl = self.implementation
        if getattr(sys.modules[impl.__module__], impl.__name__, None) is impl:
            return impl.__name__
        declarations = [m for n, m in sorted(sys.modules.items())
                        if n.startswith("autograder.exercises.")]
        return next((n for m in declarations for n, v in vars(m).items() if v is impl),
                    impl.__name__)

    def source(self) -> str:
        """The implementation's source without its decorator lines, after that of the
        helpers (or other entries) of its corpus module that it uses."""
        return pasted_source(self.implementation)


ENTRIES: list = []


# --------------------------------------------------------------------------- harness gaps
@dataclass(frozen=True)
class Gap:
    """A class of misjudgement the harness had (``reason``), and a probe that says whether
    the harness in this checkout still has it. An entry marked with a gap is an expected
    failure only while the probe finds the gap, so the marks fall away as the harness is
    fixed, and an entry that still fails then is a real failure."""

    reason: str
    probe: str   # the name of a function below: True while the gap is there

    def open_for(self, exercise) -> bool:
        return globals()[self.probe](exercise)


def _mutated_method_argument_missed(exercise) -> bool:
    from autograder.learner import sandbox_child
    from autograder.learner.registry import class_case

    class Probe:
        def step(self, a):
            a[0] = 1.0

    out = sandbox_child.run_case(Probe, class_case(steps=[("step", (np.zeros(2),))]))
    return not out["mutated"]


def _float_kind_not_compared(exercise) -> bool:
    from autograder.learner.compare import compare

    return compare(np.array([1.0, 0.0]), np.array([True, False])) is None


def _float_labels_accepted(exercise) -> bool:
    from autograder.learner.compare import compare

    return compare(np.array([1, 0]), np.array([1.0, 0.0])) is None


def _empty_answer_dtype_compared(exercise) -> bool:
    from autograder.learner.compare import Tolerance, compare

    return compare(np.zeros(0, int), np.zeros(0), Tolerance(dtype="int")) is not None


def _float32_not_kept(exercise) -> bool:
    """float32 answers are compared as float64 unless the exercise asks for the same dtype."""
    from autograder.learner.compare import compare

    if compare(np.zeros(2, np.float32), np.zeros(2), exercise.tol) is not None:
        return False
    return True


def _returned_self_rejected(exercise) -> bool:
    from autograder.learner import sandbox_child
    from autograder.learner.compare import compare
    from autograder.learner.registry import class_case

    class Probe:
        def step(self):
            return self

    out = sandbox_child.run_case(Probe, class_case(steps=[("step", ())]))["outputs"]
    return compare(None, next(iter(out.values()))) is not None


MUTATION = Gap("harness: method arguments mutated in place are not detected (#14)",
               "_mutated_method_argument_missed")
DTYPE = Gap("harness: the float dtype kind is never compared (bool or int for floats) (#14)",
            "_float_kind_not_compared")
INT_LABELS = Gap("harness: floats are accepted where integers are promised (labels, counts) "
                 "(#14)", "_float_labels_accepted")
EMPTY_DTYPE = Gap("harness: an empty answer (N = 0) is rejected for its dtype (#14)",
                  "_empty_answer_dtype_compared")
FLOAT32 = Gap("harness: float32 answers are not required to stay float32 (declare "
              "same_dtype on the exercise's tolerance) (#14)", "_float32_not_kept")
RETURN_SELF = Gap("harness: a method that returns self where None is documented is rejected "
                  "(#14)", "_returned_self_rejected")


def correct(exercise: str, *, xfail: str | None = None):
    """Register a correct implementation of ``exercise``: it must get full marks."""
    def register(impl):
        ENTRIES.append(Entry(exercise, impl, True, xfail=xfail))
        return impl
    return register


def mistake(exercise: str, *, hint: str | None = None, xfail: str | None = None):
    """Register a wrong implementation of ``exercise``: it must lose points (and get ``hint``)."""
    def register(impl):
        ENTRIES.append(Entry(exercise, impl, False, hint=hint, xfail=xfail))
        return impl
    return register


def undetectable(exercise: str, *, why: str, human: str):
    """Register a mistake that no output can reveal: it gets full marks, and the test says so.

    ``why`` says why no case can show it, ``human`` how a person catches it; both are listed
    in ``docs/authoring.md``.
    """
    def register(impl):
        ENTRIES.append(Entry(exercise, impl, True, undetectable=(why, human)))
        return impl
    return register


# --------------------------------------------------------------------------- entry helpers
class KeepsInput:
    """Mixed in before a reference layer: its ``forward`` also keeps the input as ``self.x``,
    for a mistake whose ``backward`` is written from the input (pasted with each such entry).
    """

    def forward(self, x):
        self.x = x
        return super().forward(x)


def all_entries() -> list:
    """Every entry of ``tests/corpus/sprint*.py``, in course order."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("sprint"):
            importlib.import_module(f"{__name__}.{info.name}")
    keys = [e.key for e in ENTRIES]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    assert not dupes, f"corpus entries with the same name: {dupes}"
    return list(ENTRIES)


# --------------------------------------------------------------------------- packages
def module_dependencies() -> dict:
    """``{module: modules it imports from solutions, transitively}``."""
    direct = {}
    for f in SOLUTIONS.glob("*.py"):
        direct[f.stem] = set(re.findall(r"^\s*from \.(\w+) import", f.read_text(), re.M))
    closed = {}
    for m in direct:
        seen, todo = set(), list(direct[m])
        while todo:
            d = todo.pop()
            if d not in seen:
                seen.add(d)
                todo.extend(direct.get(d, ()))
        closed[m] = seen
    return closed


@dataclass
class Package:
    """Entries that can share one helper package: each is graded on its own exercise."""

    name: str
    entries: list

    def plant(self, pkg: Path, modules: dict) -> None:
        """Append each entry to its module in ``pkg`` (a copy of the reference)."""
        for e in self.entries:
            ex = modules[e.exercise]
            path = pkg / f"{ex.module}.py"
            path.write_text(path.read_text() +
                            f"\n\n{e.source()}\n{ex.name} = {e.implementation.__name__}\n")


def _mentioned(source: str, names: set) -> set:
    """The module-level ``names`` that ``source`` refers to."""
    return {n.id for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Name)} & names


def name_dependencies() -> dict:
    """``{module: {name: names of that module it uses, transitively}}`` for the reference."""
    out = {}
    for f in SOLUTIONS.glob("*.py"):
        src = f.read_text()
        tree = ast.parse(src)
        defs = {n.name: ast.get_source_segment(src, n) for n in tree.body
                if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
        defs.update({t.id: ast.get_source_segment(src, n) for n in tree.body
                     if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)})
        direct = {name: _mentioned(seg, set(defs)) for name, seg in defs.items()}
        out[f.stem] = {name: _closure(direct, {name}) for name in defs}
    return out


def _closure(direct: dict, start: set) -> set:
    seen, todo = set(), list(start)
    while todo:
        n = todo.pop()
        if n not in seen:
            seen.add(n)
            todo.extend(direct.get(n, ()))
    return seen


def packages(entries: list, exercises: dict) -> list:
    """Group ``entries`` into as few :class:`Package` objects as keep their verdicts apart.

    The k-th correct implementation of every exercise share a package (correct code cannot
    spoil another exercise's verdict). A mistake shares a package only with mistakes that
    cannot reach each other: other exercises and names, in modules that do not import each
    other, and, in the same module, names that neither the reference nor the two entries use
    from one another (``sigmoid_grad`` calls ``sigmoid``: a wrong ``sigmoid`` would spoil it).
    """
    deps = module_dependencies()
    names = name_dependencies()
    out = []
    by_exercise: dict = {}
    for e in entries:
        if e.correct:
            by_exercise.setdefault(e.exercise, []).append(e)
    slots = max((len(v) for v in by_exercise.values()), default=0)
    for k in range(slots):
        out.append(Package(f"correct-{k + 1}",
                           [v[k] for v in by_exercise.values() if len(v) > k]))

    reached: dict = {}

    def reach(e) -> tuple:
        """(module, the names of it that grading e can touch)."""
        if e.key not in reached:
            reached[e.key] = _reach(e)
        return reached[e.key]

    def _reach(e) -> tuple:
        ex = exercises[e.exercise]
        module_names = names.get(ex.module, {})
        used = _mentioned(e.source(), set(module_names)) | {ex.name}
        return ex.module, _closure({n: module_names.get(n, set()) for n in module_names}, used)

    def conflict(a, b) -> bool:
        (ma, ra), (mb, rb) = reach(a), reach(b)
        if a.exercise == b.exercise or ma in deps.get(mb, ()) or mb in deps.get(ma, ()):
            return True
        na, nb = exercises[a.exercise].name, exercises[b.exercise].name
        return ma == mb and (na in rb or nb in ra)

    groups: list = []
    for e in entries:
        if e.correct:
            continue
        for members in groups:
            if not any(conflict(e, m) for m in members):
                members.append(e)
                break
        else:
            groups.append([e])
    out += [Package(f"mistakes-{i + 1}", members) for i, members in enumerate(groups)]
    return out
