"""Evaluate one exercise: run the learner's helper on prepared cases and score it.

The learner's code runs in a child process (:mod:`autograder.sandbox`); the comparison with
the reference outputs and the search for known mistakes happen here, in the grader.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import sandbox
from .compare import compare, generic_hints, matches
from .registry import Spec

PASSED, FAILED, NOT_IMPLEMENTED, ERROR = "passed", "failed", "not implemented", "error"


@dataclass
class ExerciseResult:
    id: str
    title: str
    status: str                  # passed / failed / not implemented / error
    passed: int
    total: int
    points: float
    score: float
    message: str = ""            # what is wrong, for the first failing case
    hints: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == PASSED

    def as_row(self) -> dict:
        return {"id": self.id, "status": self.status, "passed": self.passed,
                "total": self.total, "score": self.score, "points": self.points,
                "message": self.message, "hints": self.hints}


def _describe_case(p, number: int, total: int) -> str:
    if p.hidden:
        return f"hidden case {number} of {total}"
    return f"case {number} of {total} ({p.label})"


def _mistake_hints(p, outputs: dict, spec: Spec) -> list:
    hints = []
    for m in p.mistakes:
        mo = m["outputs"]
        if set(mo) == set(outputs) and all(matches(mo[k], outputs[k], spec.tol) for k in mo) \
                and not all(matches(p.expected[k], mo[k], spec.tol) for k in mo):
            hints.append(m["hint"])
    return hints


def evaluate(spec: Spec, cases: list, helpers_dir: Path, *, timeout: float | None = None,
             ) -> ExerciseResult:
    """Run ``cases`` (a list of ``registry.Prepared``) against ``helpers_dir``."""
    return evaluate_many([(spec, cases)], helpers_dir, timeout=timeout)[0]


def evaluate_many(work: list, helpers_dir: Path, *, timeout: float | None = None) -> list:
    """Evaluate several exercises, ``work = [(spec, cases), ...]``, in one child process.

    Each exercise keeps its own time limit (``timeout`` seconds for its cases), and one that
    ends the child does not cost the others their results (:func:`sandbox.run_jobs`).
    Returns one :class:`ExerciseResult` per item of ``work``, in order.
    """
    jobs = [sandbox.Job(spec.module, spec.name, [p.case for p in cases],
                        timeout or sandbox.DEFAULT_TIMEOUT) for spec, cases in work]
    runs = sandbox.run_jobs(Path(helpers_dir), jobs)
    return [score(spec, cases, run) for (spec, cases), run in zip(work, runs)]


def score(spec: Spec, cases: list, run: sandbox.RunResult) -> ExerciseResult:
    """Compare what the learner's code gave (``run``) with the expected outputs of ``cases``."""
    total = len(cases)
    base = dict(id=spec.id, title=spec.title, total=total, points=spec.points,
                seconds=run.seconds)
    if run.crashed:
        return ExerciseResult(status=ERROR, passed=0, score=0.0, message=run.crashed, **base)
    passed, first_msg, hints = 0, "", []
    statuses = {r["status"] for r in run.results}
    if statuses == {"not_implemented"}:
        msg = run.results[0].get("message") or "not implemented yet"
        return ExerciseResult(status=NOT_IMPLEMENTED, passed=0, score=0.0, message=msg, **base)
    for number, (p, r) in enumerate(zip(cases, run.results), 1):
        where = _describe_case(p, number, total)
        if r["status"] != "ok":
            if not first_msg:
                label = {"not_implemented": "not implemented yet", "import_error":
                         "could not import the module", "missing": "missing"}.get(
                    r["status"], r.get("error_type", "error"))
                first_msg = f"{where}: {label}: {r.get('message', '')}".rstrip(": ")
            continue
        outputs = r["outputs"]
        mismatch = None
        for name, exp in p.expected.items():
            if name not in outputs:
                mismatch = f"{name}: no output"
                break
            m = compare(exp, outputs[name], spec.tol, where=name)
            if m:
                mismatch = m.message
                hints += [h for h in _mistake_hints(p, outputs, spec) if h not in hints]
                if not hints:
                    hints += [h for h in generic_hints(exp, outputs[name], spec.tol, p.batch)
                              if h not in hints]
                break
        if mismatch is None and r.get("mutated"):
            mismatch = (f"the right answer, but {', '.join(r['mutated'])} was modified in place: "
                        "work on a copy (x = x.copy()) or build a new array")
        if mismatch is None:
            passed += 1
        elif not first_msg:
            if p.hidden:  # say what kind of problem, never the hidden inputs or answers
                kind = mismatch.split(": ", 1)[-1].split(":", 1)[0]
                first_msg = f"{where}: {kind} (the public cases may pass: think of edge cases)"
            else:
                first_msg = f"{where}: {mismatch}"
    score = round(spec.points * passed / total, 2) if total else 0.0
    if passed == total:
        status = PASSED
    elif statuses <= {"import_error", "missing"}:
        status = ERROR
    else:
        status = FAILED
    return ExerciseResult(status=status, passed=passed, score=score, message=first_msg,
                          hints=hints, **base)
