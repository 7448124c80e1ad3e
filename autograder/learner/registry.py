"""The exercise registry: every graded exercise, declared once.

An :class:`Exercise` names the helper it grades (``helpers/<module>.py``, attribute ``name``),
its points, the worked examples from the notebook, a seeded generator of random cases, hidden
edge cases and the known mistakes with their hints. Declarations live in
``autograder/exercises/sprintN.py`` (grader side only: they import the reference solutions).

Cases are prepared by running the reference on them *in the grader's process*:
:func:`prepare` returns :class:`Prepared` cases holding the inputs, the expected outputs and
the outputs of each known mistake. A learner release carries the *public* prepared cases as
stored data (``autograder/public/<sprint>.json`` + ``.npz``) and no generator, reference or
hidden case; :func:`load_exercises` reads whichever is there.
"""
from __future__ import annotations

import functools
import importlib
import pkgutil
import zlib
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, TypedDict, cast

import numpy as np

from . import sandbox_child
from .compare import Tolerance
from .i18n import _
from .sandbox_child import FUNCTIONS, Call, Fn, Step  # noqa: F401 - for exercise declarations
from .sprints import sprint_key, sprint_number

PUBLIC_DIR = Path(__file__).resolve().parent / "public"


# --------------------------------------------------------------------------- declaring
#: The key of a prepared case's expected outputs that says "this call raises".
RAISES = "!raises"


@dataclass(frozen=True)
class Case(Call):
    """One case of an exercise: the :class:`Call` the child runs, and what only the grader
    reads of it.

    ``label`` describes the inputs to the learner (public cases); ``raises`` names the
    exception the call must raise (the docstring's ``Raises``); ``hidden`` marks a hidden
    case; ``fresh`` names the outputs that must be a new array, not an input itself. Declare
    cases with :func:`case` and :func:`class_case`.
    """

    label: str = ""
    raises: str = ""
    hidden: bool = False
    fresh: tuple[str, ...] = ()

    def call(self) -> Call:
        """What the child needs to run this case (never the label, the expected exception,
        or whether it is hidden)."""
        return Call(self.args, self.kwargs, self.steps, self.attrs, self.in_place)

    def as_dict(self) -> dict[str, Any]:
        """The case as plain values, for the stored public cases (:func:`write_store`)."""
        return {**self.call().to_wire(), "label": self.label, "raises": self.raises,
                "fresh": list(self.fresh)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Case:
        """Inverse of :meth:`as_dict`."""
        call = Call.from_wire(d)
        return cls(call.args, call.kwargs, call.steps, call.attrs, call.in_place,
                   label=d.get("label", ""), raises=d.get("raises", ""),
                   fresh=tuple(d.get("fresh") or ()))


def case(*args, label: str = "", raises: str = "", **kwargs) -> Case:
    """A case that calls the helper as ``helper(*args, **kwargs)``.

    Arguments are arrays, numbers, strings, lists, tuples and dicts of these, or a named test
    function ``Fn("race")`` / ``Fn("quadratic", A=A, c=c)`` (see ``sandbox_child.FUNCTIONS``)
    for helpers that take a function. ``raises="ValueError"``: the docstring's ``Raises``; the
    call must raise that exception (or a subclass), as the reference does.
    """
    return Case(tuple(args), kwargs, label=label, raises=raises)


def class_case(init_args: Iterable[Any] = (), init_kwargs: Mapping[str, Any] | None = None,
               steps: Iterable[Sequence[Any]] = (), attrs: Iterable[str] = (), label: str = "",
               in_place: Iterable[str] = (), raises: str = "") -> Case:
    """A case for a class: construct it, call ``steps`` in order, read ``attrs``.

    ``steps`` is a sequence of ``(method, args)`` or ``(method, args, kwargs)``. Every
    argument of every call must come back unchanged (the harness compares it with a copy),
    except the arguments of the methods named in ``in_place``, whose docstring says they
    update them (an optimizer's ``record(params, grads_sequence)``). ``raises``: the last step
    (or the constructor) must raise this exception.
    """
    norm = tuple(Step(s[0], tuple(s[1]), dict(s[2]) if len(s) > 2 else {}) for s in steps)
    return Case(tuple(init_args), dict(init_kwargs or {}), norm, tuple(attrs), tuple(in_place),
                label=label, raises=raises)


@dataclass
class Mistake:
    """A known wrong implementation of the helper and the hint it deserves.

    ``implementation`` has the helper's signature; its outputs on each case are computed in
    the grader and a learner's output that matches them triggers ``hint``. The same function
    serves as a test fixture: a helper module with it in place must get this hint.
    """

    implementation: Callable[..., Any]   # a function or a class, as the helper is
    hint: str


class _Named:
    """What an exercise's id says: ``"sprint1.and_gate"`` is of ``sprint1``."""

    id: str

    @property
    def sprint(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def grade_id(self) -> str:
        """The nbgrader grade cell id of this exercise's check cell."""
        return self.id.replace(".", "-")


@dataclass
class Exercise(_Named):
    id: str                      # "sprint1.and_gate"
    points: float
    module: str                  # "perceptron" -> helpers/perceptron.py
    name: str                    # the function or class graded
    title: str                   # "Problem 2: the AND gate"
    generate: Callable[[np.random.Generator], Case] | None = None
    examples: list[Case] = field(default_factory=list)     # worked examples (public)
    #: hidden only: cases, or functions of a salt-seeded ``np.random.Generator`` giving a case
    edge_cases: list[Case | Callable[[np.random.Generator], Case]] = field(
        default_factory=list)
    n_public: int = 3
    n_hidden: int = 12
    tol: Tolerance = field(default_factory=Tolerance)
    mistakes: list[Mistake] = field(default_factory=list)
    batch_size: Callable[[Case], int | None] | None = None  # the case's batch size, for hints
    #: the calls whose docstring promises a new array (``("return",)`` for a function,
    #: ``("forward()",)`` for a method): returning an input array itself there fails
    returns_new: tuple[str, ...] = ()
    reference: Callable[..., Any] | None = None      # default: solutions.<module>.<name>

    def reference_target(self) -> Callable[..., Any]:
        if self.reference is not None:
            return self.reference
        module = importlib.import_module(f"solutions.{self.module}")
        return getattr(module, self.name)

    def _seed(self, part: str) -> int:
        return zlib.crc32(f"{self.id}/{part}".encode())

    def public_inputs(self) -> list[Case]:
        rng = np.random.default_rng(self._seed("public"))
        randoms = [self.generate(rng) for _ in range(self.n_public)] if self.generate else []
        return [self._mark(c, hidden=False) for c in [*self.examples, *randoms]]

    def _mark(self, c: Case, hidden: bool) -> Case:
        return replace(c, hidden=hidden, fresh=tuple(self.returns_new))

    def hidden_inputs(self, salt: str = "") -> list[Case]:
        """The hidden cases for ``salt``: every one depends on it.

        The random cases come from a salt-seeded generator; an edge case declared as a
        function gets its own salt-seeded generator (a perturbation that keeps the edge);
        and the order of all of them is a salt-seeded permutation, so "hidden case 3" names
        a different case in every course.
        """
        rng = np.random.default_rng(self._seed(f"hidden/{salt}"))
        edges = [e(np.random.default_rng(self._seed(f"edge/{i}/{salt}"))) if callable(e) else e
                 for i, e in enumerate(self.edge_cases)]
        randoms = [self.generate(rng) for _ in range(self.n_hidden)] if self.generate else []
        every = [*edges, *randoms]
        order = np.random.default_rng(self._seed(f"order/{salt}")).permutation(len(every))
        return [self._mark(every[i], hidden=True) for i in order]


@dataclass(frozen=True)
class MistakeOutputs:
    """What one known mistake outputs on a case: a learner's code with these outputs gets
    ``hint``."""

    hint: str
    outputs: dict[str, Any]     # output name ("return", "forward() [step 1]") -> value


@dataclass
class Prepared:
    """A case with the reference's outputs and those of each known mistake."""

    case: Case
    expected: dict[str, Any]    # output name -> the reference's value (or ``{RAISES: name}``)
    mistakes: list[MistakeOutputs]
    batch: int | None = None

    @property
    def hidden(self) -> bool:
        return self.case.hidden

    @property
    def label(self) -> str:
        return self.case.label or describe_inputs(self.case)


def describe_inputs(case: Call) -> str:
    def one(v: Any) -> str:
        if isinstance(v, np.ndarray):
            return f"array{v.shape}" if v.size > 6 else np.array2string(v, separator=", ")
        return repr(v)
    parts = [one(a) for a in case.args]
    parts += [f"{k}={one(v)}" for k, v in case.kwargs.items()]
    text = ", ".join(parts)
    return _("inputs ({inputs})").format(inputs=text) if text else _("no inputs")


def _run_trusted(target: Callable[..., Any], c: Case) -> dict[str, Any]:
    if c.raises:
        try:
            sandbox_child.run_case(target, c)
        except Exception as exc:  # noqa: BLE001 - the documented exception, checked below
            names = [k.__name__ for k in type(exc).__mro__]
            if c.raises not in names:
                raise
            return {RAISES: c.raises}
        raise ValueError(f"the case {c.label!r} declares raises={c.raises!r}, "
                         "but the call returned")
    return sandbox_child.run_case(target, c)["outputs"]


def prepare(ex: Exercise, cases: list[Case]) -> list[Prepared]:
    """Run the reference (and each mistake) on ``cases`` in this process."""
    target = ex.reference_target()
    out: list[Prepared] = []
    for c in cases:
        expected = _run_trusted(target, c)
        mistake_outputs: list[MistakeOutputs] = []
        for m in ex.mistakes:
            try:
                with np.errstate(all="ignore"):
                    outputs = sandbox_child.run_case(m.implementation, c)["outputs"]
                mistake_outputs.append(MistakeOutputs(m.hint, outputs))
            except Exception:  # noqa: BLE001 - a mistake may well crash on some inputs
                pass
        out.append(Prepared(c, expected, mistake_outputs,
                            ex.batch_size(c) if ex.batch_size else None))
    return out


# --------------------------------------------------------------------------- loading
class SpecRow(TypedDict):
    """An exercise as a row (``python -m autograder list --json``)."""

    id: str
    sprint: str
    points: float
    module: str     # "helpers/layers.py"
    name: str
    title: str


@dataclass
class Spec(_Named):
    """What the checker needs of an exercise, live (repository) or stored (release)."""

    id: str
    points: float
    module: str
    name: str
    title: str
    tol: Tolerance
    exercise: Exercise | None = None    # present in the full repository only
    stored_public: list[Prepared] | None = None   # present in a learner release

    def public_cases(self) -> list[Prepared]:
        if self.stored_public is not None:
            return self.stored_public
        # a Spec holds either the exercise (live) or its stored public cases (a release)
        assert self.exercise is not None
        return prepare(self.exercise, self.exercise.public_inputs())

    def hidden_cases(self, salt: str = "") -> list[Prepared]:
        if self.exercise is None:
            raise RuntimeError("hidden cases exist only in the full course repository")
        return prepare(self.exercise, self.exercise.hidden_inputs(salt))

    def as_row(self) -> SpecRow:
        return {"id": self.id, "sprint": self.sprint, "points": self.points,
                "module": f"helpers/{self.module}.py", "name": self.name, "title": self.title}


def live_exercises(sprints: Collection[str] | None = None) -> list[Exercise]:
    """All exercises declared in ``autograder/exercises/``, in course order (only those of
    ``sprints``, e.g. ``{"sprint1"}``, when given: the other modules are not imported)."""
    from .. import exercises as pkg

    found: list[Exercise] = []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: sprint_key(i.name)):
        if sprints is not None and info.name not in sprints:
            continue
        mod = importlib.import_module(f"{pkg.__name__}.{info.name}")
        found.extend(getattr(mod, "EXERCISES", []))
    ids = [e.id for e in found]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise ValueError(f"exercise ids declared twice: {sorted(dupes)}")
    return found




class IndexEntry(TypedDict):
    """One exercise of the course index (``index.json`` of a release): ids and names only."""

    id: str        # "sprint4.affine"
    module: str    # "layers"
    name: str      # "Affine"


_INDEX: list[IndexEntry] | None = None
INDEX_FILE = "index.json"


def exercise_index() -> list[IndexEntry]:
    """``[{"id", "module", "name"}]`` of every exercise of the course (not only the released
    sprints': a release keeps this index of ids and names, never cases or reference)."""
    global _INDEX
    if _INDEX is None:
        if has_live_registry():
            _INDEX = [{"id": e.id, "module": e.module, "name": e.name} for e in live_exercises()]
        else:
            import json

            try:
                _INDEX = json.loads((PUBLIC_DIR / INDEX_FILE).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                _INDEX = []
    return _INDEX


def module_sprints(index: list[IndexEntry] | None = None) -> dict[str, str]:
    """``{module: sprint}``: a helper module belongs to the sprint whose exercises it holds."""
    out: dict[str, str] = {}
    for e in index if index is not None else exercise_index():
        sprint = e["id"].split(".", 1)[0]
        if e["module"] not in out or sprint_number(sprint) < sprint_number(out[e["module"]]):
            out[e["module"]] = sprint
    return out


def blocking_exercise(spec: Spec, module: str, qualname: str) -> str:
    """The earlier sprint's exercise whose stub stopped ``spec``'s code, or ``""``.

    ``module`` and ``qualname`` say where the ``NotImplementedError`` was raised
    (``layers``, ``Affine.forward``): a module of an earlier sprint than ``spec``'s blocks it.
    """
    if module == spec.module:    # the exercise's own stub (no need to load every sprint)
        return ""
    index = exercise_index()
    owner = module_sprints(index).get(module)
    if not owner or \
            sprint_number(owner) >= sprint_number(spec.sprint):
        return ""
    mine = [e for e in index if e["module"] == module]
    top = (qualname or "").split(".", 1)[0]
    return next((e["id"] for e in mine if e["name"] == top), mine[0]["id"])


def _reference_dir() -> Path:
    # ``solutions`` is a regular package (its ``__init__.py``): its ``__file__`` is set
    return Path(cast(str, importlib.import_module("solutions").__file__)).resolve().parent


@functools.lru_cache(maxsize=64)
def helper_imports(source: bytes | str) -> frozenset[str]:
    """The helper modules a module's source imports: ``from .layers import Affine``,
    ``from . import layers``, ``from helpers.layers import ...``, ``import helpers.layers``.
    Unparsable source imports nothing (it will not import in the child either). Kept for the
    next call with the same source: the grader asks again for every exercise of a sprint (64
    sources: the reference's modules and one submission's, at most 64 MB of learner files)."""
    import ast

    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return frozenset()
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 or (node.level == 0 and node.module == "helpers"):
                if node.module and node.level == 1:
                    found.add(node.module.split(".")[0])
                else:
                    found.update(a.name.split(".")[0] for a in node.names)
            elif node.level == 0 and node.module and node.module.startswith("helpers."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names
                         if a.name.startswith("helpers."))
    return frozenset(found)


def _reference_imports(module: str) -> frozenset[str]:
    try:
        return helper_imports((_reference_dir() / f"{module}.py").read_bytes())
    except OSError:
        return frozenset()


def earlier_reference(sprint: str, roots: Iterable[str]) -> dict[str, bytes]:
    """``{module: reference source}``: the modules of sprints before ``sprint`` among
    ``roots`` and everything their reference imports, transitively."""
    ref = _reference_dir()
    owners = module_sprints()
    mine = sprint_number(sprint)
    seen: set[str] = set()
    todo = list(roots)
    out: dict[str, bytes] = {}
    while todo:
        module = todo.pop()
        if module in seen or not (ref / f"{module}.py").is_file():
            continue
        seen.add(module)
        if module in owners and sprint_number(owners[module]) < mine:
            out[module] = (ref / f"{module}.py").read_bytes()
        todo.extend(_reference_imports(module))
    return dict(sorted(out.items()))


def reference_overlay(ex: Exercise, learner_source: dict[str, bytes] | None = None,
                      ) -> dict[str, bytes]:
    """``{module: reference source}`` of the earlier sprints' modules ``ex``'s code runs.

    Found from the imports of the reference (``from .layers import Affine``) and, given
    ``learner_source`` (``{module: source}`` of the learner's helpers), of the learner's
    modules of ``ex``'s own sprint, followed transitively; only modules that belong to an
    *earlier* sprint (:func:`module_sprints`) are included, never one of ``ex``'s own sprint.
    The trusted grader puts these in place of the learner's, so an exercise is graded on its
    own sprint's code only, whichever earlier helper the learner chose to call.
    """
    owners = module_sprints()
    mine = sprint_number(ex.sprint)
    roots = set(_reference_imports(ex.module))
    learner_source = learner_source or {}
    seen: set[str] = set()
    todo = [ex.module]
    while todo:   # the learner's own modules of this sprint (or provided ones), transitively
        module = todo.pop()
        if module in seen or module not in learner_source:
            continue
        seen.add(module)
        for dep in helper_imports(learner_source[module]):
            roots.add(dep)
            if dep not in owners or sprint_number(owners[dep]) >= mine:
                todo.append(dep)
    return earlier_reference(ex.sprint, roots - {ex.module})


def has_live_registry() -> bool:
    try:
        importlib.import_module("autograder.exercises")
        importlib.import_module("solutions")
    except ImportError:
        return False
    return True


def load_exercises(sprints: Collection[str] | None = None) -> list[Spec]:
    """The exercises as :class:`Spec` objects: live in the repository, stored in a release.

    ``sprints`` (e.g. ``{"sprint1"}``): only those sprints' exercises, and only their
    declarations (and the reference they use) are imported.
    """
    if has_live_registry():
        return [Spec(e.id, e.points, e.module, e.name, e.title, e.tol, exercise=e)
                for e in live_exercises(sprints)]
    return load_store(PUBLIC_DIR, sprints)


def select(specs: list[Spec], selectors: Iterable[str]) -> list[Spec]:
    """Exercises matching any selector: ``sprint1`` or ``sprint1.and_gate``."""
    if not selectors:
        return list(specs)
    chosen: list[Spec] = []
    unknown: list[str] = []
    for s in selectors:
        hit = [x for x in specs if x.id == s or x.sprint == s]
        if not hit:
            unknown.append(s)
        chosen.extend(h for h in hit if h not in chosen)
    if unknown:
        known = sorted({x.sprint for x in specs}, key=sprint_key)     # course order
        raise KeyError(_("no exercise or sprint called {names}; sprints are {sprints} "
                         "(`python -m autograder list` shows ids)").format(
                             names=", ".join(map(repr, unknown)), sprints=", ".join(known)))
    return chosen


# --------------------------------------------------------------------------- stored cases
# The stored public cases of a sprint (``<sprint>.json`` + ``.npz``, :mod:`.sandbox_child`'s
# wire format), as :func:`write_store` writes them and :func:`load_store` reads them.
class StoredMistake(TypedDict):
    hint: str
    outputs: dict[str, Any]     # as MistakeOutputs.outputs


class StoredCase(TypedDict):
    case: dict[str, Any]        # Case.as_dict()
    expected: dict[str, Any]    # as Prepared.expected
    mistakes: list[StoredMistake]
    batch: int | None


class StoredExercise(TypedDict):
    id: str
    points: float
    module: str
    name: str
    title: str
    tol: dict[str, Any]         # the Tolerance's fields
    cases: list[StoredCase]


class Store(TypedDict):
    exercises: list[StoredExercise]


def write_store(directory: Path, specs: list[Spec]) -> list[Path]:
    """Store the public cases of ``specs`` (one file pair per sprint); returns the files."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    by_sprint: dict[str, list[Spec]] = {}
    for s in specs:
        by_sprint.setdefault(s.sprint, []).append(s)
    written: list[Path] = []
    for sprint, items in by_sprint.items():
        doc: Store = {"exercises": []}
        for s in items:
            doc["exercises"].append({
                "id": s.id, "points": s.points, "module": s.module, "name": s.name,
                "title": s.title, "tol": asdict(s.tol),
                "cases": [{"case": p.case.as_dict(), "expected": p.expected,
                           "mistakes": [{"hint": m.hint, "outputs": m.outputs}
                                        for m in p.mistakes],
                           "batch": p.batch} for p in s.public_cases()],
            })
        js, npz = directory / f"{sprint}.json", directory / f"{sprint}.npz"
        sandbox_child.save(js, npz, doc)
        written += [js, npz]
    if has_live_registry():   # ids and names only: what "blocked by sprint4.affine" needs
        import json

        index = directory / INDEX_FILE
        index.write_text(json.dumps(exercise_index(), indent=1), encoding="utf-8")
        written.append(index)
    return written


def load_store(directory: Path, sprints: Collection[str] | None = None) -> list[Spec]:
    specs: list[Spec] = []
    for js in sorted(Path(directory).glob("sprint*.json"), key=lambda p: sprint_key(p.stem)):
        if sprints is not None and js.stem not in sprints:
            continue
        doc: Store = sandbox_child.load(js, js.with_suffix(".npz"))
        for e in doc["exercises"]:
            cases = [Prepared(Case.from_dict(c["case"]), c["expected"],
                              [MistakeOutputs(m["hint"], m["outputs"]) for m in c["mistakes"]],
                              c["batch"])
                     for c in e["cases"]]
            specs.append(Spec(e["id"], e["points"], e["module"], e["name"], e["title"],
                              Tolerance(**e["tol"]), stored_public=cases))
    if not specs:
        raise FileNotFoundError(
            f"no exercises found: neither the course repository's registry nor stored cases "
            f"in {directory}")
    return specs
