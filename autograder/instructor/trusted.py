"""The trusted grade of one exercise: public and hidden cases, each set in a child of its own.

The grader (``python -m autograder grade``, the Gradescope runner) calls
:func:`grade_exercises`; every renderer of the result (the check cell in the feedback,
grades.csv, Gradescope's output) uses :func:`trusted_text` / :func:`csv_message`, which only
show :func:`autograder.learner.verdict.render` of the result's outcome and its hints.

**Each sprint graded on its own work.** An exercise whose reference runs code of an earlier
sprint (sprint 5's classifier on sprint 4's layers, sprint 3's ``TwoLayerNet`` on sprint 2's
activations) is graded with that earlier code taken from the reference
(:func:`autograder.learner.registry.reference_overlay`): the grade depends on this sprint's code
only. Learner code then runs beside reference code it could read, so such a run is *sealed*:
no text of the learner's code (exception messages, tracebacks, returned strings, printed
output) reaches any message, public cases included — only the grader's own words and
numbers. The reference of the sprint being graded is never put beside learner code.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NamedTuple

from ..learner.evaluate import BLOCKED, ERROR, FAILED, PASSED, ExerciseResult, evaluate_many
from ..learner.registry import Prepared, Spec
from ..learner.verdict import cap, render

#: Columns grades.csv gets after its first seven: the outcome as data (for the class report
#: and other tools; nobody parses the message).
CSV_EXTRA_COLUMNS = ["kind", "case", "hidden", "hints"]


def _first_line(text: str, limit: int = 300) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


@dataclass
class Trusted:
    """An exercise graded on public and hidden cases, each set in a child of its own."""

    result: ExerciseResult   # the combined result (score, status, outcome, message, hints)
    n_public: int
    n_hidden: int


def _learner_sources(helpers_dir: Path) -> dict[str, bytes]:
    """``{module: source}`` of the learner's helper files (regular files only)."""
    out = {}
    for path in sorted(Path(helpers_dir).glob("*.py")):
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        out[path.stem] = path.read_bytes()
    return out


def overlay_of(spec: Spec, helpers_dir: Path | None = None) -> dict[str, bytes]:
    """The earlier sprints' reference modules ``spec`` is graded with (``{}``: none): those
    its reference imports, and those the learner's modules of its sprint import."""
    exercise = getattr(spec, "exercise", None)
    if exercise is None:
        return {}
    from ..learner.registry import reference_overlay

    return reference_overlay(exercise,
                             _learner_sources(helpers_dir) if helpers_dir else None)


class PreparedExercise(NamedTuple):
    """An exercise with its cases prepared once (the reference's and the known mistakes'
    outputs), ready to grade any number of submissions. A plain ``(spec, public, hidden)``
    tuple is one too."""

    spec: Spec
    public: list[Prepared]
    hidden: list[Prepared]      # a :class:`RevealedCases` once the sprint is over


#: ``(spec, public, hidden)``: a :class:`PreparedExercise` or a plain tuple
PreparedTuple = tuple[Spec, list[Prepared], list[Prepared]]


def grade_exercise(spec: Spec, public: list[Prepared], hidden: list[Prepared],
                   helpers_dir: Path, timeout: float | None = None) -> Trusted:
    """Grade one exercise on its public and hidden cases (see :func:`grade_exercises`)."""
    return grade_exercises([(spec, public, hidden)], helpers_dir, timeout)[0]


def grade_exercises(prepared: Sequence[PreparedTuple], helpers_dir: Path,
                    timeout: float | None = None) -> list[Trusted]:
    """Grade ``prepared = [(spec, public, hidden), ...]``: one :class:`Trusted` per exercise.

    Exercises are grouped by the earlier sprints' modules they are graded with
    (:func:`overlay_of`; one group for most sprints); each group runs its public cases in one
    child process and its hidden cases in another. The public child never sees a hidden
    input, so what the learner's code writes there may be shown (unless the run is sealed);
    of the hidden run only the kind of problem is shown (:func:`autograder.learner.verdict.render`).
    Each exercise keeps its own time limit, and one that ends a child costs no other
    exercise its result (:func:`autograder.learner.sandbox.run_jobs`).
    """
    groups: dict[tuple[str, ...], tuple[dict[str, bytes], list[int]]] = {}
    for i, item in enumerate(prepared):
        overlay = overlay_of(item[0], helpers_dir)
        groups.setdefault(tuple(sorted(overlay)), (overlay, []))[1].append(i)
    publics: list[ExerciseResult | None] = [None] * len(prepared)
    hiddens: list[ExerciseResult | None] = [None] * len(prepared)
    which: Literal[1, 2]
    for overlay, members in groups.values():
        for which, out in ((1, publics), (2, hiddens)):   # 1: the public cases, 2: hidden
            chosen = [i for i in members if prepared[i][which]]
            if not chosen:
                continue
            work = [(prepared[i][0], prepared[i][which]) for i in chosen]
            for i, r in zip(chosen, evaluate_many(work, helpers_dir, timeout=timeout,
                                                  overlay=overlay or None)):
                out[i] = r
    graded = [combine(spec, pub, hid, len(public), len(hidden))
              for (spec, public, hidden), pub, hid in zip(prepared, publics, hiddens)]
    for (_, _, hidden), t in zip(prepared, graded):
        if isinstance(hidden, RevealedCases):
            reveal(t.result, hidden)
    return graded


# --------------------------------------------------------------------------- per student
def student_salt(salt: str, student: str) -> str:
    """The salt of one student's hidden cases (course setting ``[hidden] per_student``):
    derived from the course's secret salt and the student's id, so two students' hidden
    cases differ and nobody can work out another's without the course's salt."""
    import hashlib

    return hashlib.sha256(f"per-student\0{salt}\0{student}".encode()).hexdigest()


def for_student(prepared: Sequence[PreparedTuple], salt: str, student: str,
                ) -> list[PreparedExercise]:
    """``prepared`` (``[(spec, public, hidden)]``) with hidden cases of ``student``'s own
    (:func:`student_salt`); a :class:`RevealedCases` list stays one."""
    out = []
    for spec, public, hidden in prepared:
        mine = list(spec.hidden_cases(student_salt(salt, student)))
        out.append(PreparedExercise(spec, public, RevealedCases(mine)
                                    if isinstance(hidden, RevealedCases) else mine))
    return out


# --------------------------------------------------------------------------- staged reveal
class RevealedCases(list[Prepared]):
    """Hidden cases whose details the feedback may show: the grader decided, by its own
    clock and the course's policy (:meth:`autograder.instructor.policy.Policy.reveals`), that their
    sprint is over for every student. A plain list of hidden cases is never revealed."""


REVEAL_LIMIT = 600   # characters of one revealed value


def _describe_value(value: Any) -> str:   # any value of a case or its outputs
    import numpy as np

    if isinstance(value, np.ndarray):
        text = " ".join(np.array2string(value, separator=", ", threshold=24,
                                        precision=6).split())
        text = f"array{value.shape} {text}" if value.size > 6 else text
    else:
        text = repr(value)
    return cap(text, REVEAL_LIMIT)


def revealed_text(case: Prepared) -> str:
    """What a revealed hidden case shows: the inputs it asked and the expected output."""
    from ..learner.registry import RAISES

    expected = case.expected if isinstance(case.expected, dict) else {"return": case.expected}
    if RAISES in expected:
        wanted = f"raises {expected[RAISES]}"
    else:
        wanted = "; ".join(f"{k}: {_describe_value(v)}" for k, v in expected.items())
    c = case.case
    asked = [_describe_value(a) for a in c.args]
    asked += [f"{k}={_describe_value(v)}" for k, v in c.kwargs.items()]
    steps = [f"{step.method}({', '.join(_describe_value(a) for a in step.args)})"
             for step in c.steps or ()]
    label = c.label
    text = ((f"{label}: " if label else "") + (f"inputs ({', '.join(asked)})" if asked
                                              else "no inputs")
            + (f", then {', '.join(steps)}" if steps else ""))
    return (f"After the deadline, this hidden case is revealed: {cap(text, 2 * REVEAL_LIMIT)}"
            f"\nExpected: {cap(wanted, 2 * REVEAL_LIMIT)}")


def prepare_sprint(specs: list[Spec], salt: str, revealed: bool = False,
                   ) -> list[PreparedExercise]:
    """``[(spec, public, hidden)]`` for a sprint's exercises, the hidden cases of ``salt``;
    ``revealed``: as :class:`RevealedCases` (the grader decided the sprint is over)."""
    kind = RevealedCases if revealed else list
    return [PreparedExercise(spec, list(spec.public_cases()), kind(spec.hidden_cases(salt)))
            for spec in specs]


def reveal(result: ExerciseResult, hidden: list[Prepared]) -> None:
    """Add the failing hidden case's details to ``result``'s message (after the deadline)."""
    o = result.outcome
    if o is None or not o.hidden or not o.case or not 0 < o.case <= len(hidden):
        return
    result.message = f"{result.message}\n{revealed_text(hidden[o.case - 1])}"


def combine(spec: Spec, pub: ExerciseResult | None, hid: ExerciseResult | None, n_public: int,
            n_hidden: int) -> Trusted:
    """One exercise's result from its public run and its hidden run (either may be None).

    The outcome shown is the public run's when it failed, else the hidden run's; the hints
    are those of the run whose outcome is shown (they explain that case and no other).
    """
    runs = [r for r in (pub, hid) if r is not None]
    total = sum(r.total for r in runs)
    passed = sum(r.passed for r in runs)
    kinds = {r.status for r in runs}
    if total and passed == total:
        status = PASSED
    elif len(kinds) == 1:
        status = kinds.pop()
    elif ERROR in kinds:
        status = ERROR
    elif kinds <= {BLOCKED, PASSED} and BLOCKED in kinds:
        status = BLOCKED
    else:
        status = FAILED
    shown = next((r for r in runs if not r.ok), None)
    outcome = shown.outcome if shown is not None else None
    hints = list(shown.hints) if shown is not None else []
    score = round(spec.points * passed / total, 2) if total else 0.0
    result = ExerciseResult(id=spec.id, title=spec.title, status=status, passed=passed,
                            total=total, points=spec.points, score=score,
                            message=render(outcome, graded=True), hints=hints,
                            seconds=sum(r.seconds for r in runs), outcome=outcome,
                            fingerprints=[f for r in runs for f in r.fingerprints])
    return Trusted(result, n_public, n_hidden)


def trusted_text(t: Trusted) -> str:
    """What a check cell shows in the autograded notebook and the feedback."""
    from ..learner.check import SYMBOL
    from ..learner.i18n import _, pgettext  # (local: a loop of this module names a variable _)

    r = t.result
    graded = (_("Graded by the course's grader, outside the notebook: {score} of {points} "
                "points, {passed} of {total} cases passed ({public} public, {hidden} hidden).")
              if r.points != 1 else
              _("Graded by the course's grader, outside the notebook: {score} of {points} "
                "point, {passed} of {total} cases passed ({public} public, {hidden} hidden)."))
    lines = [f"{SYMBOL.get(r.status, r.status)}  {r.id}  {pgettext(r.id, r.title)}",
             graded.format(score=f"{r.score:g}", points=f"{r.points:g}", passed=r.passed,
                           total=r.total, public=t.n_public, hidden=t.n_hidden)]
    if not r.ok:
        lines += [f"    {text}" for text in r.message.splitlines()]
        lines += ["    " + _("Hint: {hint}").format(hint=pgettext(r.id, hint))
                  for hint in r.hints]
    return "\n".join(lines) + "\n"


def hidden_message(result: ExerciseResult) -> str:
    """The message of a result, as the one rendering policy gives it (kept for callers)."""
    return render(result.outcome, graded=True) if result.outcome else cap(result.message, 300)


def csv_message(r: ExerciseResult) -> str:
    """The ``message`` column of grades.csv: the message, then one ``Hint:`` line per hint."""
    return "\n".join(([r.message] if r.message else []) + [f"Hint: {h}" for h in r.hints])


def csv_extra(r: ExerciseResult) -> list[str]:
    """The values of :data:`CSV_EXTRA_COLUMNS` for ``r``: the outcome's kind, its case
    number, whether it is hidden, and the hints as a JSON list."""
    import json

    o = r.outcome
    return [o.kind if o else "", str(o.case) if o and o.case else "",
            ("yes" if o.hidden else "no") if o else "", json.dumps(list(r.hints),
                                                                   ensure_ascii=False)]


def hints_from_row(row: dict[str, str]) -> list[str] | None:
    """The hints of a grades.csv row from its ``hints`` column (a JSON list), or ``None`` for
    a grades.csv written before that column existed."""
    import json

    raw = row.get("hints")
    if raw is None:
        return None
    try:
        hints = json.loads(raw) if raw else []
    except ValueError:
        return []
    return [h for h in hints if isinstance(h, str)] if isinstance(hints, list) else []
