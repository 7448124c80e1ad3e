"""Evaluate one exercise: run the learner's helper on prepared cases and score it.

The learner's code runs in a child process (:mod:`autograder.learner.sandbox`); the comparison with
the reference outputs and the search for known mistakes happen here, in the grader. What
went wrong is an :class:`~autograder.learner.verdict.Outcome` (data); its words come from
:func:`autograder.learner.verdict.render` only. Everything the child sent back is learner data: it
is checked for its form here and never shown for a hidden case.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypedDict

import numpy as np

from . import sandbox
from .compare import Tolerance, compare, generic_hints, matches
from .fingerprint import PASSED as SAME
from .fingerprint import answer_digest, case_print
from .i18n import _
from .registry import RAISES, Case, MistakeOutputs, Prepared, Spec, blocking_exercise
from .verdict import MAX_DETAIL, Outcome, cap, input_words, render, standard_exception, where_words

PASSED, FAILED, NOT_IMPLEMENTED, ERROR = "passed", "failed", "not implemented", "error"
#: The exercise cannot run yet: it calls an exercise of an earlier sprint that is a stub.
BLOCKED = "blocked"


@dataclass
class ExerciseResult:
    id: str
    title: str
    status: str                  # passed / failed / not implemented / blocked / error
    passed: int
    total: int
    points: float
    score: float
    message: str = ""            # render(outcome): what is wrong, for the first failing case
    hints: list[str] = field(default_factory=list)   # for the case the message shows
    seconds: float = 0.0
    outcome: Outcome | None = None
    #: one ``"<case key>:<answer key>"`` per case, in case order
    #: (:mod:`autograder.learner.fingerprint`): what the code answered, as digests, for the
    #: class's own mistakes (instructor data)
    fingerprints: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == PASSED

    def as_row(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "passed": self.passed,
                "total": self.total, "score": self.score, "points": self.points,
                "message": self.message, "hints": self.hints,
                "outcome": self.outcome.as_dict() if self.outcome else None,
                "fingerprints": list(self.fingerprints)}

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ExerciseResult:
        """Inverse of :meth:`as_row` (plus ``title`` and ``seconds`` when present)."""
        return cls(id=row["id"], title=row.get("title", ""), status=row["status"],
                   passed=row["passed"], total=row["total"], points=row["points"],
                   score=row["score"], message=row.get("message", ""),
                   hints=list(row.get("hints", [])), seconds=row.get("seconds", 0.0),
                   outcome=Outcome.from_dict(row.get("outcome")),
                   fingerprints=[f for f in row.get("fingerprints") or [] if isinstance(f, str)])


def _best_mistake_hint(p: Prepared, outputs: dict[str, Any], spec: Spec,
                       all_cases: list[Prepared], all_results: list[sandbox.CaseReport],
                       consistency_of: dict[str, int],
                       ) -> list[str]:
    """The hint of the known mistake that explains the learner's output on case ``p``.

    A mistake explains it when it gives the learner's output on *every* output of the case
    (and differs from the expected answer). Several mistakes can give the same output there:
    the one most consistent with the whole run wins — one point for each case it explains,
    one off for each case where it gives another output than the learner's code (the first
    declared on a tie) — and only its hint is given. A hint's consistency depends on the whole
    run only, so ``consistency_of`` (one dict per run scored) keeps it for the next failing case.
    """
    def agrees(prepared: Prepared, m: MistakeOutputs, got: dict[str, Any]) -> bool:
        mo = m.outputs   # the mistake's output plays the expected one: its own dtype
        return set(mo) == set(got) and all(matches(mo[k], got[k], replace(
            _case_tol(spec, prepared.case, k), dtype=None, same_dtype=False)) for k in mo)

    def wrong(prepared: Prepared, m: MistakeOutputs) -> bool:
        return not all(matches(prepared.expected.get(k), v, _case_tol(spec, prepared.case, k))
                       for k, v in m.outputs.items())

    candidates = [m for m in p.mistakes if agrees(p, m, outputs) and wrong(p, m)]
    if not candidates:
        return []

    def consistency(hint: str) -> int:
        if hint not in consistency_of:
            n = 0
            for q, r in zip(all_cases, all_results):
                if r.status != "ok":
                    continue
                for m in q.mistakes:
                    if m.hint == hint:
                        n += (1 if wrong(q, m) else 0) if agrees(q, m, r.outputs) else -1
            consistency_of[hint] = n
        return consistency_of[hint]

    best = max(candidates, key=lambda m: consistency(m.hint))  # the first one on a tie
    return [best.hint]


def evaluate(spec: Spec, cases: list[Prepared], helpers_dir: Path, *,
             timeout: float | None = None) -> ExerciseResult:
    """Run ``cases`` (a list of ``registry.Prepared``) against ``helpers_dir``."""
    return evaluate_many([(spec, cases)], helpers_dir, timeout=timeout)[0]


def evaluate_many(work: list[tuple[Spec, list[Prepared]]], helpers_dir: Path, *,
                  timeout: float | None = None, overlay: dict[str, bytes] | None = None,
                  ) -> list[ExerciseResult]:
    """Evaluate several exercises, ``work = [(spec, cases), ...]``, in one child process.

    Each exercise keeps its own time limit (``timeout`` seconds for its cases), and one that
    ends the child does not cost the others their results (:func:`sandbox.run_jobs`).
    ``overlay`` (``{module: source}``): course modules put in place of the learner's (the
    reference of earlier sprints, :mod:`autograder.instructor.trusted`); the run is then *sealed*:
    no text of the learner's code in its messages. Returns one :class:`ExerciseResult` per
    item of ``work``, in order.
    """
    jobs = [sandbox.Job(spec.module, spec.name, [p.case.call() for p in cases],
                        timeout or sandbox.DEFAULT_TIMEOUT) for spec, cases in work]
    runs = sandbox.run_jobs(Path(helpers_dir), jobs, overlay=overlay)
    return [score(spec, cases, run, sealed=bool(overlay))
            for (spec, cases), run in zip(work, runs)]


def _has_int_array(value: Any) -> bool:
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "iu"
    if isinstance(value, dict):
        return any(_has_int_array(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_has_int_array(v) for v in value)
    return False


def _case_tol(spec: Spec, case: Case, output: str = "") -> Tolerance:
    """The exercise's tolerance for one output of a case (``Tolerance.for_output``), with
    floats allowed for integers when the case's inputs hold integer arrays and no kind is
    declared (see ``Tolerance.float_for_int``)."""
    tol = spec.tol.for_output(output) if output else spec.tol
    inputs = [case.args, case.kwargs, [(s.args, s.kwargs) for s in case.steps or ()]]
    if tol.dtype is None and _has_int_array(inputs):
        return replace(tol, float_for_int=True)
    return tol


def _text(value: object) -> str:
    """Text the child sent (learner data), made printable and capped."""
    return cap(value, 4 * MAX_DETAIL) if isinstance(value, str) else ""


class _Base(TypedDict):
    """What every :class:`ExerciseResult` of one exercise's run says alike."""

    id: str
    title: str
    total: int
    points: float
    seconds: float


class _Where(TypedDict):
    """Which case an :class:`Outcome` is about, and how much of it may be shown."""

    case: int
    of: int
    hidden: bool
    sealed: bool
    label: str
    exercise: str


#: A failing case: its outcome, the hint of the known mistake that explains it (or none),
#: and the generic hints (:func:`generic_hints`).
_Failing = tuple[Outcome, list[str], list[str]]


def score(spec: Spec, cases: list[Prepared], run: sandbox.RunResult, *, sealed: bool = False,
          ) -> ExerciseResult:
    """Compare what the learner's code gave (``run``) with the expected outputs of ``cases``."""
    total = len(cases)
    base = _Base(id=spec.id, title=spec.title, total=total, points=spec.points,
                 seconds=run.seconds)
    any_hidden = any(p.hidden for p in cases)

    answers: list[str] = []    # per case: its answer key (autograder.learner.fingerprint)
    outcome: Outcome | None    # what the result shows (None: every case passed)

    def result(status: str, passed: int, outcome: Outcome | None, hints: Iterable[str] = (),
               ) -> ExerciseResult:
        pts = round(spec.points * passed / total, 2) if total else 0.0
        keys = answers if len(answers) == total else [outcome.kind if outcome else "none"] * total
        return ExerciseResult(status=status, passed=passed, score=pts, message=render(outcome),
                              hints=list(hints), outcome=outcome,
                              fingerprints=[case_print(p.case, a) for p, a in zip(cases, keys)],
                              **base)

    def answered(outputs: dict[str, Any]) -> str:
        return answer_digest(outputs, spec.tol.rtol, spec.tol.atol)

    if run.crashed:
        kind = run.crash_kind if run.crash_kind in ("timeout", "unreadable") else "crashed"
        return result(ERROR, 0, Outcome(kind, hidden=any_hidden, sealed=sealed,
                                        detail="" if any_hidden else _text(run.crashed)))
    results = [sandbox.CaseReport.read(r) for r in run.results][:total]
    results += [sandbox.CaseReport("unreadable")] * (total - len(results))

    blocked_by: dict[int, str] = {}    # case index: the earlier exercise it needs
    for i, r in enumerate(results):
        if r.status == "not_implemented":
            blocker = blocking_exercise(spec, _text(r.raised_in), _text(r.raised_by))
            if blocker:
                blocked_by[i] = blocker
    statuses = {r.status for r in results}
    if statuses == {"not_implemented"} and not blocked_by:
        first = results[0]
        return result(NOT_IMPLEMENTED, 0, Outcome(
            "not_implemented", hidden=any_hidden, sealed=sealed,
            detail="" if any_hidden else _text(first.message)))
    if statuses == {"not_implemented"}:
        return result(BLOCKED, 0, Outcome("blocked", hidden=any_hidden,
                                          blocked_by=next(iter(blocked_by.values()))))
    if statuses & {"import_error", "missing"} and statuses <= {"import_error", "missing"}:
        first = results[0]
        if first.status == "import_error":
            error = _text(first.message)
            if first.error_type == "SyntaxError" and first.syntax_line > 0:
                error = _("SyntaxError in helpers/{module}.py line {line}: {message}").format(
                    module=spec.module, line=first.syntax_line, message=_text(first.syntax_message))
            detail = "" if any_hidden else _(
                "could not import helpers/{module}.py: {error}").format(
                    module=spec.module, error=error)
            outcome = Outcome("import_error", hidden=any_hidden, detail=detail, sealed=sealed)
        else:
            outcome = Outcome("missing", hidden=any_hidden, learner_text=False, sealed=sealed,
                              detail=_("helpers/{module}.py has no `{name}`").format(
                                  module=spec.module, name=spec.name))
        return result(ERROR, 0, outcome)

    passed = 0
    failing: list[_Failing] = []
    consistency_of: dict[str, int] = {}    # hint: how well its mistake explains the whole run
    for number, (p, r) in enumerate(zip(cases, results), 1):
        where = _Where(case=number, of=total, hidden=p.hidden, sealed=sealed,
                       label="" if p.hidden else p.label, exercise=spec.id)
        keep = not p.hidden   # a hidden case's outcome keeps no detail: not even stored
        status = r.status
        raises = p.expected.get(RAISES) if isinstance(p.expected, dict) else None
        if raises and status == "error":
            if raises in r.error_bases:
                passed += 1
                answers.append(SAME)
                continue
        if raises and status == "ok":
            detail = _("expected {exception} (the docstring's Raises), but the call returned: "
                       "check the inputs and raise {exception}(...) as documented").format(
                           exception=raises)
            failing.append((Outcome("no_raise", detail=detail if keep else "",
                                    learner_text=False, **where),
                            _best_mistake_hint(p, r.outputs, spec, cases, results,
                                               consistency_of), []))
            answers.append(answered(r.outputs))
            continue
        if status != "ok":
            if number - 1 in blocked_by:
                outcome = Outcome("blocked", blocked_by=blocked_by[number - 1], **where)
            elif status == "error":
                text = _text(r.message)
                if raises:
                    text = _("expected {exception} (the docstring's Raises), got {error}").format(
                        exception=raises, error=text)
                outcome = Outcome("error", exception=standard_exception(r.error_type),
                                  detail=text if keep else "", **where)
            else:
                outcome = Outcome(status, detail=_text(r.message) if keep else "",
                                  **where)
            failing.append((outcome, [], []))
            answers.append(f"error-{outcome.exception or 'other'}" if outcome.kind == "error"
                           else outcome.kind)
            continue
        outputs = r.outputs
        mismatch: _Failing | None = None
        for name, exp in p.expected.items():
            if name not in outputs:
                mismatch = (Outcome("no_output", where=name, learner_text=False, **where),
                            [], [])
                break
            m = compare(exp, outputs[name], _case_tol(spec, p.case, name), where=name)
            if m:
                generic = [h.text for h in generic_hints(exp, outputs[name], spec.tol, p.batch)
                           if not (h.numeric and p.hidden)]
                mismatch = (Outcome(m.kind, where=m.where, detail=cap(m.message) if keep else "",
                                    learner_text=m.learner_text, **where),
                            _best_mistake_hint(p, outputs, spec, cases, results,
                                               consistency_of), generic)
                break
        if mismatch is None and r.mutated:
            names = cap(", ".join(input_words(_text(n)) for n in r.mutated[:10]), 500)
            detail = _("the right answer, but {names} was modified in place: work on a copy "
                       "(x = x.copy()) or build a new array").format(names=names)
            mismatch = (Outcome("mutated", detail=detail if keep else "", **where), [], [])
        fresh = set(p.case.fresh)
        aliased = [n for n in r.aliased if _text(n).split(" [", 1)[0] in fresh]
        if mismatch is None and aliased:
            names = cap(", ".join(where_words(_text(n)) for n in aliased[:10]), 500)
            detail = _("the right values, but {names} is the input array itself: the docstring "
                       "promises a new array (return x.copy(), or build the result)").format(
                           names=names)
            mismatch = (Outcome("aliased", detail=detail if keep else "", **where), [], [])
        if mismatch is None:
            passed += 1
            answers.append(SAME)
        else:
            failing.append(mismatch)
            kind = mismatch[0].kind
            answers.append(kind if kind in ("mutated", "aliased") else answered(outputs))
    # The case shown: the first one a known mistake explains (its hint then explains what the
    # message shows), else the first failing case with its generic hints.
    explained = [f for f in failing if f[1]]
    outcome, mistake_hints, generic = (explained or failing)[0] if failing else (None, [], [])
    hints = mistake_hints or generic
    if passed == total:
        return result(PASSED, passed, None)
    return result(FAILED, passed, outcome, hints)
