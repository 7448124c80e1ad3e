"""One student's submission of one assignment, what grading found, and what each step cost."""
from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from ...learner.evaluate import ExerciseResult
from ...learner.notes import Note
from .. import course
from ..trusted import Trusted


@dataclass
class Submission:
    """One student's submission of one assignment, and what grading found."""

    student: str
    assignment: str
    sprint: course.Sprint
    # what grading noted, for the summary: records, rendered in the course's language
    problems: list[Note] = field(default_factory=list)
    # the course's own problems (its notebook vs. the registry): the grade was not recorded
    course_problems: list[str] = field(default_factory=list)
    helpers: dict[str, bytes] | None = None   # helpers/*.py by file name; None: no helpers/
    # helpers/*.py (file names) that do not compile: already noted, so importing them is not
    not_compiled: set[str] = field(default_factory=set)
    trusted: list[Trusted] = field(default_factory=list)   # per exercise, course order
    notebook_replaced: bool = False
    autograded: bool = False
    reason: Note | None = None   # why the submission could not be graded (it then scores 0)
    timing: dict[str, StepTime] = field(default_factory=dict)   # step name: what it cost

    @property
    def results(self) -> list[ExerciseResult]:
        """The :class:`ExerciseResult` of each exercise, in course order."""
        return [t.result for t in self.trusted]

    @property
    def key(self) -> str:
        return f"{self.student}/{self.assignment}"

    def note(self, note: Note) -> None:
        """Add ``note`` to the problems (once)."""
        if not isinstance(note, Note):
            raise TypeError(f"a note is a Note, not {type(note).__name__}")
        if note not in self.problems:
            self.problems.append(note)


@dataclass
class StepTime:
    """What one step of grading a submission cost: wall seconds, and CPU seconds of the
    worker itself and of the processes it reaped. A jailed child or kernel is not among
    them: bubblewrap's outer process exits before it reaps the process inside, so that CPU
    time is never charged to the worker (``benchmarks/results/grading.md``)."""

    wall: float = 0.0
    cpu: float = 0.0
    children_cpu: float = 0.0

    def as_dict(self) -> dict[str, float]:
        return {"wall": round(self.wall, 4), "cpu": round(self.cpu, 4),
                "children_cpu": round(self.children_cpu, 4)}


@contextmanager
def _timed(sub: Submission, step: str) -> Iterator[None]:
    """Add the cost of the ``with`` block to ``sub.timing[step]``."""
    import resource

    def now() -> tuple[float, float, float]:   # wall, own CPU, reaped children's CPU
        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (time.perf_counter(), own.ru_utime + own.ru_stime,
                kids.ru_utime + kids.ru_stime)

    start = now()
    try:
        yield
    finally:
        end = now()
        t = StepTime(*(b - a for a, b in zip(start, end)))
        old = sub.timing.get(step, StepTime())
        sub.timing[step] = StepTime(old.wall + t.wall, old.cpu + t.cpu,
                                    old.children_cpu + t.children_cpu)
