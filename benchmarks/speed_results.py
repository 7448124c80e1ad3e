"""Speed results as data: what ``benchmarks.speed`` and ``benchmarks.side_by_side`` write beside
their Markdown, and the comparison of two such files.

A results file (JSON) holds one :class:`Results`: how it was measured (command, clock, threads,
load) and one :class:`CaseResult` per timed case, keyed by the case's id (``step``,
``conv1-forward``, ``pool2-backward``, …: the same ids in both benchmarks), with the reference's
and PyTorch's :class:`SideResult` and their ratio. :func:`compare` pairs two files' ratios case
by case; ``python -m benchmarks.speed_compare A.json B.json`` prints that comparison.

Two ratios *agree within* a tolerance when the larger is at most ``1 + tolerance`` times the
smaller (:func:`relative_difference`): symmetric in the two runs, and never smaller than the
difference taken relative to either of them.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

#: Bumped when a field changes meaning; :meth:`Results.read` refuses another version.
FORMAT = 1

#: The issue's tolerances: two runs of the benchmark, and the benchmark against the
#: independent side-by-side.
RUNS_TOLERANCE = 0.15
SIDE_BY_SIDE_TOLERANCE = 0.20


@dataclass
class SideResult:
    """One library's time for one case, in seconds per call.

    ``figure`` is the time the ratio is taken of: the median of the rounds' medians (one
    worker process a round); ``best`` the lowest round's median; ``median``, ``min``, ``max``
    of every sample; ``rounds`` every sample of every round, per call; ``calls`` how many calls
    one timed sample held.
    """
    figure: float
    best: float
    median: float
    min: float
    max: float
    calls: int = 1
    rounds: list = field(default_factory=list)


def ratio(ours, torch) -> float | None:
    """Reference ÷ PyTorch of two sides' ``figure`` times, or None when a side is missing."""
    if ours is None or torch is None or not torch.figure:
        return None
    return ours.figure / torch.figure


@dataclass
class CaseResult:
    """One case of a run: the reference (``ours``) against PyTorch (``torch``)."""
    id: str
    what: str
    ours: SideResult | None = None
    torch: SideResult | None = None
    goal_ratio: float | None = None

    @property
    def ratio(self) -> float | None:
        """Reference ÷ PyTorch of the ``figure`` times, or None when a side is missing."""
        return ratio(self.ours, self.torch)


@dataclass
class Results:
    """One run of a speed benchmark."""
    source: str                     # the module that measured: benchmarks.speed, …side_by_side
    command: str
    date: str
    clock: str                      # "cpu" or "wall"
    threads: int
    load_start: str                 # load average (1 / 5 / 15 min)
    load_end: str
    cases: list = field(default_factory=list)       # of CaseResult
    settings: dict = field(default_factory=dict)    # rounds, repeats, minimum sample, …

    def case(self, case_id: str) -> CaseResult | None:
        return next((c for c in self.cases if c.id == case_id), None)

    def to_json(self) -> str:
        data = asdict(self)
        data["format"] = FORMAT
        for case, out in zip(self.cases, data["cases"]):
            out["ratio"] = case.ratio          # for a reader of the file; recomputed on read
        return json.dumps(data, indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Results:
        data = json.loads(text)
        if data.pop("format", None) != FORMAT:
            raise ValueError(f"not a speed results file of format {FORMAT}")
        cases = []
        for c in data.pop("cases"):
            c.pop("ratio", None)
            for side in ("ours", "torch"):
                if c.get(side) is not None:
                    c[side] = SideResult(**c[side])
            cases.append(CaseResult(**c))
        return cls(cases=cases, **data)

    def write(self, path: Path) -> None:
        Path(path).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> Results:
        return cls.from_json(Path(path).read_text(encoding="utf-8"))


def relative_difference(a: float, b: float) -> float:
    """How far apart two positive figures are: the larger ÷ the smaller, minus 1."""
    if a <= 0 or b <= 0:
        raise ValueError(f"ratios must be positive: {a}, {b}")
    return max(a, b) / min(a, b) - 1


@dataclass(frozen=True)
class Agreement:
    """One case's ratio in two runs and whether they agree within the tolerance."""
    id: str
    what: str
    ratio_a: float
    ratio_b: float
    difference: float
    within: bool
    goal_ratio: float | None = None


@dataclass(frozen=True)
class Comparison:
    """Every case two runs share, and the ids only one of them has."""
    agreements: list
    only_a: list
    only_b: list
    tolerance: float

    @property
    def all_within(self) -> bool:
        return bool(self.agreements) and all(a.within for a in self.agreements)


def compare(a: Results, b: Results, tolerance: float = RUNS_TOLERANCE) -> Comparison:
    """Pair the ratios of ``a`` and ``b`` case by case (in ``a``'s order)."""
    agreements, only_a = [], []
    for case in a.cases:
        other = b.case(case.id)
        if case.ratio is None or other is None or other.ratio is None:
            if case.ratio is not None:
                only_a.append(case.id)
            continue
        diff = relative_difference(case.ratio, other.ratio)
        agreements.append(Agreement(case.id, case.what, case.ratio, other.ratio, diff,
                                    diff <= tolerance, case.goal_ratio))
    paired = {g.id for g in agreements}
    only_b = [c.id for c in b.cases if c.ratio is not None and c.id not in paired]
    return Comparison(agreements, only_a, only_b, tolerance)
