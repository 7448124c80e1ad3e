"""The class's own mistakes: the wrong answers of each exercise, grouped by what they output.

``python -m autograder mistakes GRADING`` reads the state files ``grade`` wrote
(``GRADING/state/<student>-<assignment>.json``): each exercise's result holds one fingerprint
per case (:mod:`autograder.learner.fingerprint`: the case's key and a digest of what the code
answered, rounded coarser than the exercise's tolerance). For each exercise, the results that
are wrong (status ``failed`` or ``error``) are grouped by their answers on the cases every one
of them was graded on (public cases, and hidden cases when the whole class had the same ones): two
students are in one group when their code gave the same answers, case by case, whatever
their code looks like. Each :class:`MistakeGroup` says

* its size and its members (the instructor's, never a learner's view);
* the known mistake it is, by the hint the grader gave (``known_hint``), or none: a mistake
  nobody has catalogued yet — the ones worth a look;
* the first case where the group's answer differs from the expected one (its number, whether
  it is hidden, the public case's description);
* the source of one member's function (the representative, instructor only).

``python -m autograder mistakes promote GRADING EXERCISE GROUP --hint "..."`` turns a group
into a proposed known mistake: it writes ``GRADING/mistakes/<exercise>-<group>.py``, a
declaration ready to paste into ``autograder/exercises/sprintN.py`` (the representative's
function renamed, under an ``@hint(...)`` line with the hint) and changes nothing in the
course.
The declaration holds a learner's code, and a known mistake runs *in the grader* (outside the
jail, beside the reference): it must be read before it is pasted, which a separate file
invites and a silent edit of the registry would not.
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..learner import fingerprint as fp
from ..learner.errors import CourseError
from ..learner.evaluate import ExerciseResult
from ..learner.i18n import _, pgettext
from .learner_code import (
    defined_names,
    function_source,
    helper_text,
    module_names_used,
    own_helpers,
)

if TYPE_CHECKING:
    from ..learner.registry import Spec

WRONG = ("failed", "error")
#: ``(student, assignment, result)``: one graded result of a state file
Graded = tuple[str, str, ExerciseResult]


class MistakeError(CourseError):
    """The grading folder or the group asked for cannot be used."""


@dataclass(frozen=True)
class MistakeGroup:
    """Students whose code gave the same wrong answers on one exercise."""

    exercise: str
    group: str                    # "G1", "G2"... by size, within the exercise
    students: tuple[str, ...]
    known_hint: str = ""          # the known mistake's hint; "" for an uncatalogued one
    first_case: int = 0           # 1-based, in the exercise's cases (public first)
    first_case_hidden: bool = False
    first_case_label: str = ""    # a public case's description (instructor only)
    answer: str = ""              # the answer key there: a kind word or a digest
    message: str = ""             # the grader's message for the representative
    representative: str = ""
    source: str = ""              # the representative's function (instructor only)

    @property
    def size(self) -> int:
        return len(self.students)

    @property
    def known(self) -> bool:
        return bool(self.known_hint)

    def case_text(self) -> str:
        """The first differing case in words: ``public case 2 (softmax([1010, ...]))``."""
        if not self.first_case:
            return _("every case (the code did not run)")
        if self.first_case_hidden:
            return _("hidden case {case}").format(case=self.first_case)
        label = self.first_case_label and pgettext(self.exercise, self.first_case_label)
        return _("public case {case}").format(case=self.first_case) + \
            (f" ({label})" if label else "")


@dataclass
class ExerciseMistakes:
    """The wrong answers of one exercise, grouped."""

    exercise: str
    title: str = ""
    submissions: int = 0           # results of this exercise in the grading folder
    wrong: int = 0                 # of which failed or error
    without_prints: int = 0        # wrong results graded before fingerprints were recorded
    compared_cases: int = 0        # the cases every wrong result was graded on
    groups: list[MistakeGroup] = field(default_factory=list)

    @property
    def unknown_groups(self) -> list[MistakeGroup]:
        """Uncatalogued mistakes shared by two students or more."""
        return [g for g in self.groups if not g.known and g.size > 1]

    @property
    def unique_unknown(self) -> int:
        """Wrong answers no known mistake explains and nobody else gave."""
        return sum(1 for g in self.groups if not g.known and g.size == 1)


# --------------------------------------------------------------------------- reading
def load_results(grading_dir: Path) -> list[Graded]:
    """``[(student, assignment, result), ...]`` of every state file (sorted); a row that is
    not a result is passed over."""
    state = Path(grading_dir) / "state"
    if not state.is_dir():
        raise MistakeError(f"no state/ folder in {grading_dir}: run `python -m autograder "
                           "grade` first (its --out folder is the grading folder)")
    out = []
    for path in sorted(state.glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(doc, dict) or doc.get("status") != "graded":
            continue
        for row in doc.get("results") or []:
            if isinstance(row, dict) and isinstance(row.get("id"), str):
                try:
                    result = ExerciseResult.from_row(row)
                except (KeyError, TypeError, ValueError):
                    continue
                out.append((str(doc.get("student")), str(doc.get("assignment")), result))
    return out


def _specs() -> dict[str, Spec]:
    from ..learner.registry import has_live_registry, load_exercises

    if not has_live_registry():
        raise MistakeError("the class's mistakes need the course repository (the exercises "
                           "and their known mistakes)")
    return {s.id: s for s in load_exercises()}


def _known_hints(spec: Spec) -> set[str]:
    ex = getattr(spec, "exercise", None)
    return {m.hint for m in ex.mistakes} if ex is not None else set()


def _public_labels(spec: Spec) -> list[str]:
    try:
        return [p.label for p in spec.public_cases()]
    except Exception:  # noqa: BLE001 - a label is a nicety
        return []


# --------------------------------------------------------------------------- grouping
def group_exercise(exercise: str, rows: list[Graded], spec: Spec | None = None,
                   submitted_dir: Path | None = None) -> ExerciseMistakes:
    """Group the wrong results ``rows = [(student, assignment, result)]`` of one exercise."""
    out = ExerciseMistakes(exercise, title=getattr(spec, "title", ""), submissions=len(rows))
    wrong = [(s, a, r) for s, a, r in rows if r.status in WRONG and r.total]
    out.wrong = len(wrong)
    printed = [(s, a, r) for s, a, r in wrong if r.fingerprints]
    out.without_prints = len(wrong) - len(printed)
    if not printed:
        return out
    entries = {s: [fp.split(e) for e in r.fingerprints] for s, _, r in printed}
    common = set.intersection(*({k for k, _ in e} for e in entries.values()))
    order = [k for k, _ in entries[printed[0][0]] if k in common]
    out.compared_cases = len(order)
    known = _known_hints(spec) if spec is not None else set()

    buckets: dict[tuple[str, ...], list[Graded]] = {}   # the answers, case by case: members
    for student, assignment, row in printed:
        answers = dict(entries[student])
        # no case in common (results of different cases): nobody's answers compare
        key = tuple(answers[k] for k in order) if order else ("alone", student)
        buckets.setdefault(key, []).append((student, assignment, row))
    labels = _public_labels(spec) if spec is not None else []
    n_public = len(labels)
    groups = []
    for members in buckets.values():
        members.sort(key=lambda m: m[0])
        hints = Counter(h for _, _, r in members for h in dict.fromkeys(r.hints) if h in known)
        student, assignment, row = members[0]
        number = next((i for i, (k, a) in enumerate(entries[student], 1)
                       if k in common and a != fp.PASSED), 0)
        # public cases come first (autograder.instructor.trusted.combine)
        if n_public:
            hidden = number > n_public
        else:
            hidden = bool(row.outcome and row.outcome.hidden)
        source = ""
        if submitted_dir is not None and spec is not None:
            text = helper_text(submitted_dir, student, assignment, spec.module)
            source = (function_source(text, spec.name) if text else None) or ""
        groups.append(MistakeGroup(
            exercise=exercise, group="", students=tuple(m[0] for m in members),
            known_hint=hints.most_common(1)[0][0] if hints else "", first_case=number,
            first_case_hidden=hidden,
            first_case_label=labels[number - 1] if number and not hidden and
            number <= len(labels) else "",
            answer=entries[student][number - 1][1] if number else "",
            message=str(row.message or ""), representative=student, source=source))
    groups.sort(key=lambda g: (-g.size, g.students))
    out.groups = [MistakeGroup(**(asdict(g) | {"group": f"G{i}", "students": g.students}))
                  for i, g in enumerate(groups, 1)]
    return out


def class_mistakes(grading_dir: Path, submitted_dir: Path | None = None, *,
                   exercises: Iterable[str] | None = None, specs: dict[str, Spec] | None = None,
                   ) -> list[ExerciseMistakes]:
    """The :class:`ExerciseMistakes` of every exercise graded in ``grading_dir`` (course
    order), or of ``exercises`` only. Sources are read from ``submitted_dir`` (default
    ``GRADING/submitted``, the copies ``grade`` made)."""
    grading_dir = Path(grading_dir)
    submitted_dir = Path(submitted_dir) if submitted_dir else grading_dir / "submitted"
    specs = _specs() if specs is None else specs
    by_exercise: dict[str, list[Graded]] = {}
    for student, assignment, row in load_results(grading_dir):
        by_exercise.setdefault(row.id, []).append((student, assignment, row))
    order = {eid: i for i, eid in enumerate(specs)}
    wanted = set(exercises) if exercises else None
    out = []
    for eid in sorted(by_exercise, key=lambda e: (order.get(e, len(order)), e)):
        if wanted is not None and eid not in wanted:
            continue
        out.append(group_exercise(eid, by_exercise[eid], specs.get(eid), submitted_dir))
    return out


def find_group(mistakes: list[ExerciseMistakes], exercise: str, group: str) -> MistakeGroup:
    for em in mistakes:
        if em.exercise == exercise:
            for g in em.groups:
                if g.group.lower() == group.lower():
                    return g
            raise MistakeError(f"{exercise} has no group {group} (it has "
                               f"{', '.join(g.group for g in em.groups) or 'none'})")
    raise MistakeError(f"no wrong answers of {exercise} in this grading folder")


# --------------------------------------------------------------------------- text
def render_text(mistakes: list[ExerciseMistakes], *, sources: bool = False) -> str:
    """The groups as plain text (the command's output)."""
    lines = []
    for em in mistakes:
        if not em.wrong:
            continue
        lines.append(f"{em.exercise}  {pgettext(em.exercise, em.title)}: " + _(
            "{wrong} wrong of {submissions}, compared on {cases} case(s)").format(
                wrong=em.wrong, submissions=em.submissions, cases=em.compared_cases))
        for g in em.groups:
            if not g.known and g.size == 1:
                continue
            what = (_("known: {hint}").format(hint=pgettext(em.exercise, g.known_hint))
                    if g.known else _("NOT CATALOGUED"))
            lines.append(f"  {g.group}  " + _(
                "{count} student(s)  first differs at {case}  [{what}]").format(
                    count=g.size, case=g.case_text(), what=what))
            lines.append(f"      {', '.join(g.students)}")
            if sources and g.source:
                lines += [f"      | {ln}" for ln in g.source.rstrip().splitlines()]
        if em.unique_unknown:
            lines.append("  + " + _("{count} other wrong answer(s), each given by one student "
                                    "only").format(count=em.unique_unknown))
        if em.without_prints:
            lines.append("  (" + _("{count} wrong result(s) graded before answers were "
                                   "fingerprinted: regrade to include them").format(
                                       count=em.without_prints) + ")")
    from .grading.text import printable

    # learner text reaches the instructor's terminal: escapes and bidi controls shown, inert
    return printable("\n".join(lines)) if lines else _("No wrong answers: nothing to group.")


def as_json(mistakes: list[ExerciseMistakes]) -> list[dict[str, Any]]:
    return [asdict(em) | {"groups": [asdict(g) | {"size": g.size} for g in em.groups]}
            for em in mistakes]


# --------------------------------------------------------------------------- promote
def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in text.lower()).strip("_")


#: Builtins a known mistake never needs: a call to one of them in a learner's code that is to
#: run in the grader is refused, not left for a reviewer to spot.
UNSAFE_CALLS = frozenset({
    "__import__", "breakpoint", "compile", "delattr", "eval", "exec", "exit", "getattr",
    "globals", "input", "locals", "open", "quit", "setattr", "vars", "memoryview"})


def _literal(node) -> bool:
    import ast

    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def unsafe_parts(node: Any, module_level: set[str]) -> list[str]:   # node: a def or a class
    """Why the definition ``node`` may not be proposed as a known mistake as it stands:
    what would run when the declaration is pasted (decorators, default values that are not
    literals, a class body), and what a mistake has no use for when the grader calls it
    (imports, dunder names, builtins such as ``exec`` or ``open``, changing a module's
    attributes such as ``np.allclose``). Empty when none."""
    import ast

    why = []
    if isinstance(node, ast.ClassDef):
        return [f"line {node.lineno}: a class (its body runs when pasted)"]
    if node.decorator_list:
        why.append(f"line {node.lineno}: a decorator (it runs when pasted)")
    for default in [*node.args.defaults, *node.args.kw_defaults]:
        if default is not None and not _literal(default):
            why.append(f"line {default.lineno}: a default value that is not a literal "
                       "(it runs when pasted)")
    for sub in ast.walk(node):
        line = getattr(sub, "lineno", node.lineno)
        if isinstance(sub, (ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal)):
            why.append(f"line {line}: {type(sub).__name__.lower()}")
        elif isinstance(sub, ast.Name) and (sub.id.startswith("__") or sub.id in UNSAFE_CALLS):
            why.append(f"line {line}: {sub.id}")
        elif isinstance(sub, ast.Attribute) and sub.attr.startswith("__"):
            why.append(f"line {line}: .{sub.attr}")
        elif isinstance(sub, ast.Attribute) and isinstance(sub.ctx, (ast.Store, ast.Del)) \
                and isinstance(sub.value, ast.Name) and sub.value.id in module_level:
            why.append(f"line {line}: changes {sub.value.id}.{sub.attr}")
        elif isinstance(sub, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef)) and \
                sub is not node and any(d is not None and not _literal(d) for d in
                                        [*sub.args.defaults, *sub.args.kw_defaults]):
            why.append(f"line {line}: a nested default value that is not a literal")
    return sorted(set(why), key=lambda w: (int(w.split()[1].rstrip(":")), w))


def _stripped(node):
    """``node`` without annotations (they are evaluated when pasted, and a mistake needs
    none)."""
    import ast

    for sub in ast.walk(node):
        if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)):
            sub.returns = None
        if isinstance(sub, ast.arg):
            sub.annotation = None
    return node


def _hint_decorator(hint: str, width: int = 92) -> list[str]:
    """``@hint("...")`` lines for ``hint``, its string cut between words into pieces that
    keep every line under ``width`` characters."""
    pieces, current = [], ""
    for word in hint.split(" "):
        if current and len(repr(current + word)) > width - 7:
            pieces.append(current)
            current = ""
        current += word + " "
    pieces.append(current[:-1])
    lines = [("@hint(" if i == 0 else "      ") + repr(piece) for i, piece in enumerate(pieces)]
    lines[-1] += ")"
    return lines


def declaration(group: MistakeGroup, hint: str, spec: Spec, module_text: str) -> str:
    """A known-mistake declaration made from ``group``'s representative, ready to paste."""
    import ast

    if not hint.strip():
        raise MistakeError("give the hint the new mistake deserves: --hint \"...\"")
    if not group.source:
        raise MistakeError(f"{group.exercise} {group.group}: the representative's code could "
                           "not be read (is GRADING/submitted/ there?)")
    new_name = f"_{_slug(group.exercise.split('.', 1)[1])}_class_{group.group.lower()}"
    stub = Path(__file__).resolve().parents[2] / "helpers" / f"{spec.module}.py"
    released = defined_names(stub.read_text(encoding="utf-8")) if stub.is_file() else set()
    own = own_helpers(module_text, spec.name, released)
    # Every carried definition is re-printed from its syntax tree: no comment, no line that
    # runs past the reviewer's screen, no annotation; what would run when pasted is refused.
    carried = []
    for name, source in [(spec.name, group.source), *own]:
        try:
            node = ast.parse(source).body[0]
        except (SyntaxError, ValueError, RecursionError, MemoryError, IndexError):
            raise MistakeError(f"{group.exercise} {group.group}: {name} could not be read "
                               "back; write this mistake by hand") from None
        why = unsafe_parts(node, {"np", "numpy", *module_names_used(module_text, name)})
        if why:
            raise MistakeError(
                f"{group.exercise} {group.group}: the representative's {name} has code a "
                "known mistake must not carry (" + "; ".join(why) + "): write this mistake "
                "by hand from what the group's answers show")
        carried.append((name, _stripped(node)))
    node = carried[0][1]
    node.name = new_name
    try:
        body = ast.unparse(node)
        own = [(name, ast.unparse(helper)) for name, helper in carried[1:]]
    except (RecursionError, MemoryError, ValueError):
        raise MistakeError(f"{group.exercise} {group.group}: the representative's code is "
                           "nested too deep to print back; write this mistake by hand") from None
    needs = module_names_used(module_text, spec.name)
    for helper, _source in own:
        needs = sorted(set(needs) | set(module_names_used(module_text, helper)))
    imports = ["import numpy as np"]
    others = [n for n in needs if n not in ("np", "numpy") and n not in dict(own)]
    if others:
        imports.append(f"from solutions.{spec.module} import {', '.join(others)}  "
                       "# the reference's, not the learner's")
    sprint = group.exercise.split(".", 1)[0]
    header = [
        f"# A known mistake proposed from this class's own wrong answers: group {group.group} "
        f"of {group.exercise},",
        f"# {group.size} student(s), first differing at {group.case_text()}.",
        "#",
        "# REVIEW BEFORE PASTING. The function below is a learner's code (renamed). A known "
        "mistake",
        "# runs in the grader itself, outside the jail and beside the reference: read every "
        "line.",
        "#",
        f"# 1. paste the function, with its @hint line, into autograder/exercises/{sprint}.py,",
        f"#    in the section headed {group.exercise} (beside the exercise's other mistakes);",
        f"# 2. add {new_name} to the mistakes=known(...) of the exercise {group.exercise!r};",
        "# 3. run: .venv/bin/python -m pytest tests/test_hints.py tests/test_exercises.py -k "
        f"{spec.name}",
        "#    and: .venv/bin/python -m autograder facilitator   (the guides list the new hint)",
        *[f"{ln}" for ln in imports],
        "",
        "from autograder.exercises import hint, known",
        "",
        "",
        *[f"# the learner's own helper, used by the mistake below\n{src.rstrip()}\n\n"
          for _, src in own],
        *_hint_decorator(hint.strip()),
        body,
        "",
        "",
        f"MISTAKE = known({new_name})[0]   # what step 2 declares: not to paste",
        ""]
    text = "\n".join(header)
    ast.parse(text)     # the declaration is valid Python
    return text


def promote(grading_dir: Path, exercise: str, group: str, hint: str, *,
            out: Path | None = None, submitted_dir: Path | None = None) -> Path:
    """Write the declaration of ``exercise``'s group ``group`` (see the module's docstring);
    returns its path (default ``GRADING/mistakes/<exercise>-<group>.py``)."""
    specs = _specs()
    if exercise not in specs:
        raise MistakeError(f"no exercise {exercise!r}")
    spec = specs[exercise]
    grading_dir = Path(grading_dir)
    submitted_dir = Path(submitted_dir) if submitted_dir else grading_dir / "submitted"
    mistakes = class_mistakes(grading_dir, submitted_dir, exercises=[exercise], specs=specs)
    g = find_group(mistakes, exercise, group)
    if g.known:
        raise MistakeError(f"{exercise} {g.group} is already a known mistake: {g.known_hint}")
    module_text = helper_text(submitted_dir, g.representative, exercise.split(".")[0],
                              spec.module) or ""
    text = declaration(g, hint, spec, module_text)
    path = Path(out) if out else grading_dir / "mistakes" / f"{exercise}-{g.group}.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def promoted_text(path: Path) -> str:
    """What ``mistakes promote`` says when it wrote the declaration at ``path``, in the
    course's language."""
    return _("wrote {file}: a learner's function as a known mistake with your hint.\n"
             "Read it line by line (it will run in the grader), then paste it as the file's "
             "comments say.").format(file=path)
