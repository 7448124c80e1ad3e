"""Learner checks: ``check("sprint1.and_gate")`` in a notebook, ``python -m autograder check``.

A check runs the *public* cases of the chosen exercises against the learner's ``helpers/``
package with exactly the harness that grades (a child process, the same comparison, the
same hints); grading adds hidden cases. Results say passed, failed (with what is wrong and
a hint when the answer matches a known mistake) or not implemented yet, and a summary shows
progress per sprint.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .evaluate import (
    BLOCKED,
    ERROR,
    FAILED,
    NOT_IMPLEMENTED,
    PASSED,
    ExerciseResult,
    evaluate_many,
)
from .i18n import _, pgettext
from .registry import Spec, load_exercises, select

#: Set by the course's grader for the notebook's kernel: checks are graded outside it.
GRADED_OUTSIDE = "COURSE_GRADED_OUTSIDE"

SPRINT_ID = re.compile(r"^sprint\d+$")

SYMBOL = {PASSED: "✔ PASS", FAILED: "✘ FAIL", NOT_IMPLEMENTED: "… TODO", ERROR: "✘ ERROR",
          BLOCKED: "⧖ BLOCKED"}


def find_helpers(start: Path | None = None) -> Path:
    """The ``helpers/`` package the learner edits: in this folder or the nearest parent."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "helpers"
        if (candidate / "__init__.py").is_file():
            return candidate
    raise FileNotFoundError(
        _("no helpers/ package found in {here} or its parents: run the check from the course "
          "folder (or an assignment folder), or pass helpers=PATH").format(here=here))


@dataclass
class CheckReport:
    results: list[ExerciseResult] = field(default_factory=list)
    #: ``{sprint: number of exercises}`` of the whole course (the footer's totals); found
    #: from the registry (or the release's stored cases) when not given
    sprint_sizes: dict[str, int] = field(default_factory=dict)

    def _sizes(self) -> dict[str, int]:
        if not self.sprint_sizes:
            try:
                for s in load_exercises():
                    self.sprint_sizes[s.sprint] = self.sprint_sizes.get(s.sprint, 0) + 1
            except (FileNotFoundError, ImportError):
                pass
        return self.sprint_sizes

    @property
    def ok(self) -> bool:
        return bool(self.results) and all(r.ok for r in self.results)

    def progress(self) -> dict[str, tuple[int, int]]:
        """``{sprint: (passed, checked)}`` of this check, in course order."""
        out: dict[str, tuple[int, int]] = {}
        for r in self.results:
            sprint = r.id.split(".", 1)[0]
            done, total = out.get(sprint, (0, 0))
            out[sprint] = (done + r.ok, total + 1)
        return out

    def render(self, verbose: bool = True) -> str:
        lines = []
        for r in self.results:
            lines.append(f"{SYMBOL[r.status]}  {r.id:<32} {pgettext(r.id, r.title)}  "
                         + _("[{passed}/{total} cases]").format(passed=r.passed, total=r.total))
            if verbose and not r.ok:
                for text in r.message.splitlines():
                    lines.append(f"      {text}")
                for h in r.hints:
                    lines.append("      " + _("Hint: {hint}").format(hint=pgettext(r.id, h)))
        lines.append("")
        for sprint, (done, checked) in self.progress().items():
            total = max(self._sizes().get(sprint, checked), checked)
            bar = "█" * done + "▒" * (checked - done) + "░" * (total - checked)
            part = _(" ({checked} checked now)").format(checked=checked) if checked < total else ""
            lines.append(f"{sprint:<8} {bar} " + _("{done} of {total} exercises passed").format(
                done=done, total=total) + part)
        return "\n".join(lines)


def run_checks(selectors: Iterable[str] = (), helpers: str | Path | None = None,
               timeout: float | None = None, *, save: bool = True) -> CheckReport:
    """Run the public cases of the selected exercises; returns a :class:`CheckReport`.

    With ``save`` (the default) the results are kept in ``.course_progress/`` beside
    ``helpers/`` for the progress view (:mod:`autograder.learner.progress`).
    """
    helpers_dir = Path(helpers) if helpers else find_helpers()
    specs, sizes = _selected(list(selectors))
    report = CheckReport(sprint_sizes=sizes)
    report.results = evaluate_many([(spec, spec.public_cases()) for spec in specs], helpers_dir,
                                   timeout=timeout)
    if save:
        from .progress import record

        record(report.results, specs, helpers_dir)
    return report


def _selected(selectors: list[str]) -> tuple[list[Spec], dict[str, int]]:
    """``(specs, {sprint: exercise count})`` of the selected exercises.

    A check of ``sprint1`` or ``sprint1.and_gate`` loads sprint 1's declarations only (the
    other sprints' declarations and reference are not imported: a terminal check starts in
    about half the time); an unknown name loads every sprint, for the error's list of them.
    """
    sprints = {s.split(".", 1)[0] for s in selectors}
    if selectors and all(SPRINT_ID.match(s) for s in sprints):
        try:
            some = load_exercises(sprints)
            chosen = select(some, selectors)
        except (KeyError, FileNotFoundError):
            pass
        else:
            sizes: dict[str, int] = {}
            for s in some:
                sizes[s.sprint] = sizes.get(s.sprint, 0) + 1
            return chosen, sizes
    return select(load_exercises(), selectors), {}


def check(*selectors: str, helpers: str | Path | None = None, verbose: bool = True) -> None:
    """Check your helpers, e.g. ``check("sprint1.and_gate")`` or ``check("sprint1")``.

    Prints what passed, what is wrong and a hint where one is known (use :func:`run_checks`
    for the results as data). Under nbgrader (validate or autograde), or with the environment
    variable ``AUTOGRADER_STRICT=1`` (the notebook tests), a failure raises ``AssertionError``
    so the cell is marked as failed.

    When the course's grader runs the notebook (``python -m autograder grade`` sets
    ``COURSE_GRADED_OUTSIDE=1`` for nbgrader's kernel), the check does nothing: the grader has
    already run every exercise on its public and hidden cases outside the notebook, and writes
    that result into the cell. (Plain ``nbgrader autograde`` runs the check as usual.)
    """
    if os.environ.get(GRADED_OUTSIDE) == "1" and os.environ.get("NBGRADER_EXECUTION"):
        print(_("{exercises}: graded by the course's grader, outside this notebook (the result "
                "replaces this cell's output).").format(
                    exercises=", ".join(selectors) or _("every exercise")))
        return
    report = run_checks(selectors, helpers)
    print(report.render(verbose))
    strict = os.environ.get("NBGRADER_EXECUTION") or os.environ.get("AUTOGRADER_STRICT")
    if not report.ok and strict:
        failing = [r.id for r in report.results if not r.ok]
        raise AssertionError(_("not passed yet: {exercises}").format(exercises=", ".join(failing)))
