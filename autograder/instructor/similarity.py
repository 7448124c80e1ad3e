"""Similarity of the graded functions, for a human to review — never a verdict.

``python -m autograder similarity GRADING [--sprint sprintN]`` compares, exercise by exercise,
the function each student wrote (read from ``GRADING/submitted/<student>/<sprint>/helpers/``,
parsed, never run) with every other student's, using copydetect's winnowed fingerprints
(:mod:`copydetect`, run here, offline: no code leaves the machine). Variable and function
names are abstracted away by copydetect's tokeniser, so renaming does not hide a copy; a
reordered statement breaks only the few fingerprints that straddle it.

* **Boilerplate**: each function's docstring is left out, and every fingerprint of the
  released stub of the function (its signature and the code the course provides in it, such
  as an argument check) is discarded, so that what the course wrote counts for nobody.
* **The learner's own helpers count**: a graded function is compared together with the
  functions of the learner's own that it calls (not those the stub module defines), so code
  moved into a helper function is compared too.
* **Padding hides nothing**: an exercise's similarity is the larger of the two sides' shares
  of matching code (how much of one function is found in the other), so dead code added to a
  copy lowers only the copy's own share.
* **Short exercises weigh less**: a pair's score is the mean of its per-exercise similarities,
  each weighted by the length of the reference's function (tokens after the boilerplate); a
  one-line exercise, whose right answers all look alike, weighs little, and a function shorter
  than the fingerprint length contributes nothing.
* Pairs are ranked by that score; ``similarity.html`` lists the top pairs and each pair has a
  side-by-side page (``pairs/<sprint>-<a>~<b>.html``) with the matching passages highlighted.

The pages say what the figures are: how much of two students' code is the same after names
are abstracted, for a person to read and judge, knowing that short and standard answers match
by nature and that students may have worked together as allowed. The figures are not a
finding of misconduct, and the pages never call them one.
"""
from __future__ import annotations

import html
import io
import stat
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from ..learner.errors import CourseError
from .learner_code import defined_names, function_source, helper_text, own_helpers

if TYPE_CHECKING:
    import numpy as np

    from ..learner.registry import Spec

NOISE = 20          # characters of tokenised code in a fingerprint (copydetect's k)
WINDOW = 1          # winnowing window: every fingerprint kept (functions are short)
MIN_TOKENS = 20     # a function with less code than this (after boilerplate) is not compared
TOP = 30            # pairs on the summary page
#: A fingerprint found in at least this share of the class's functions of an exercise is how
#: most of the class writes it: discarded like the boilerplate (MOSS's "-m" idea).
COMMON = 0.5
MIN_CLASS = 6       # functions of an exercise needed before any fingerprint is "common"
#: A graded function (with its own helpers) longer than this is not fingerprinted: it would
#: cost every pair of the class seconds. Such students are listed on the index page, to be
#: read by a person (the reference functions are a few thousand characters at most).
MAX_CHARS = 50_000

WORDING = ("For review, not a verdict. These figures say how much of two students' code is "
           "alike once names are abstracted and the code the course provides is left out. "
           "Right answers to short exercises look alike by nature, and students may have "
           "worked together as the course allows: read the code side by side and talk with "
           "the students before drawing any conclusion.")


class SimilarityError(CourseError):
    """Nothing to compare."""


@dataclass(frozen=True)
class ExerciseMatch:
    """How alike two students' functions of one exercise are."""

    exercise: str
    similarity: float      # the larger of the two sides' shares of matching code, 0 to 1
    weight: float
    shares: tuple[float, float] = (0.0, 0.0)   # each side's share of its code in the other's


@dataclass
class PairSimilarity:
    """Two students of one assignment, for review."""

    a: str
    b: str
    assignment: str
    score: float = 0.0                      # weighted mean of the exercises' similarities
    matches: list[ExerciseMatch] = field(default_factory=list)   # course order

    @property
    def compared(self) -> int:
        return len(self.matches)


@dataclass
class _Code:
    source: str
    print_: object          # copydetect.CodeFingerprint


def _fingerprint(source: str, boilerplate: np.ndarray | None = None,
                 ) -> Any:   # a copydetect.CodeFingerprint (no type information)
    from copydetect import CodeFingerprint

    return CodeFingerprint("function.py", NOISE, WINDOW, boilerplate=boilerplate,
                           fp=io.StringIO(source), language="python")


def graded_source(text: str, spec: Spec, released: set[str]) -> str | None:
    """The learner's function of ``spec`` followed by the learner's own helper functions it
    calls (code moved into a helper of one's own is compared too); docstrings left out."""
    source = function_source(text, spec.name) if text else None
    if not source:
        return None
    extra = [src for _, src in own_helpers(text, spec.name, released)]
    return "\n".join([source, *extra])


def _released_names(repo: Path, module: str) -> set[str]:
    path = repo / "helpers" / f"{module}.py"
    return defined_names(path.read_text(encoding="utf-8")) if path.is_file() else set()


def _stub_source(repo: Path, spec: Spec) -> str:
    text = (repo / "helpers" / f"{spec.module}.py").read_text(encoding="utf-8")
    return function_source(text, spec.name, docstrings=False) or ""


def _reference_source(repo: Path, spec: Spec) -> str:
    path = repo / "solutions" / f"{spec.module}.py"
    if not path.is_file():
        return ""
    return function_source(path.read_text(encoding="utf-8"), spec.name) or ""


def exercise_weight(reference: str, boilerplate: np.ndarray | None) -> float:
    """The tokens of the reference's function once the boilerplate is discarded."""
    if not reference:
        return 0.0
    return float(_fingerprint(reference, boilerplate).token_coverage)


def _with_common(sources: dict[str, str], boilerplate: np.ndarray | None,
                 ) -> np.ndarray | None:
    """``boilerplate`` plus the fingerprints found in :data:`COMMON` of ``sources``' functions
    and in three at least (with fewer than :data:`MIN_CLASS` functions, none: a share of a
    few says nothing, and a pair must never make its own match common)."""
    import math
    from collections import Counter

    import numpy as np

    if len(sources) < MIN_CLASS:
        return boilerplate
    counts = Counter(h for src in sources.values() for h in set(_fingerprint(src).hashes))
    least = max(3, math.ceil(COMMON * len(sources)))
    common = [h for h, n in counts.items() if n >= least]
    base = list(boilerplate) if boilerplate is not None else []
    return np.unique(np.array(base + common, dtype=np.int64)) if base or common else None


def _compare(x: _Code, y: _Code,
             ) -> tuple[float, tuple[np.ndarray, np.ndarray], tuple[float, float]]:
    """``(similarity, each side's copied slices, each side's share)``."""
    from copydetect import compare_files

    _, (sx, sy), slices = compare_files(x.print_, y.print_)
    # The larger share: a copy padded with dead code (or with helpers nobody calls) lowers
    # only its own side's share, never the share of the original found in it.
    return max(float(sx), float(sy)), slices, (round(float(sx), 4), round(float(sy), 4))


def _oversized(path: Path) -> bool:
    from .learner_code import MAX_SOURCE_BYTES

    try:
        st = path.lstat()
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and st.st_size > MAX_SOURCE_BYTES


def compare_class(submitted_dir: Path, assignment: str, specs: list[Spec],
                  students: list[str] | None = None, *, repo: Path | None = None,
                  too_long: dict[str, list[str]] | None = None) -> list[PairSimilarity]:
    """Every pair of students of ``assignment``, ranked by score (highest first).
    ``too_long``, when given, is filled with ``{student: [exercise, ...]}``: the functions
    longer than :data:`MAX_CHARS`, not compared (for a person to read)."""
    import numpy as np

    repo = Path(repo) if repo else Path(__file__).resolve().parents[2]
    submitted_dir = Path(submitted_dir)
    if students is None:
        students = sorted(p.name for p in submitted_dir.iterdir()
                          if (p / assignment).is_dir() and not p.is_symlink()) \
            if submitted_dir.is_dir() else []
    if len(students) < 2:
        raise SimilarityError(f"fewer than two submissions of {assignment} in {submitted_dir}")
    codes: dict[str, dict[str, _Code]] = {}      # exercise -> {student: _Code}
    weights: dict[str, float] = {}
    for spec in specs:
        stub = _stub_source(repo, spec)
        boilerplate = np.unique(np.array(list(_fingerprint(stub).hashes))) if stub else None
        weights[spec.id] = exercise_weight(_reference_source(repo, spec), boilerplate)
        if not weights[spec.id]:
            continue
        sources = {}
        released = _released_names(repo, spec.module)
        for student in students:
            text = helper_text(submitted_dir, student, assignment, spec.module)
            source = graded_source(text or "", spec, released)
            if text is None and _oversized(submitted_dir / student / assignment / "helpers"
                                           / f"{spec.module}.py"):
                if too_long is not None:       # larger than the reader takes: listed too
                    too_long.setdefault(student, []).append(spec.id)
            elif source and len(source) > MAX_CHARS:
                if too_long is not None:
                    too_long.setdefault(student, []).append(spec.id)
            elif source:
                sources[student] = source
        boilerplate = _with_common(sources, boilerplate)
        mine = {}
        for student, source in sources.items():
            fp = _fingerprint(source, boilerplate)
            if fp.token_coverage >= MIN_TOKENS:
                mine[student] = _Code(source, fp)
        codes[spec.id] = mine
    pairs = []
    for a, b in combinations(students, 2):
        pair = PairSimilarity(a, b, assignment)
        for spec in specs:
            mine = codes.get(spec.id, {})
            if a in mine and b in mine:
                sim, _, shares = _compare(mine[a], mine[b])
                pair.matches.append(ExerciseMatch(spec.id, round(sim, 4), weights[spec.id],
                                                  shares))
        total = sum(m.weight for m in pair.matches)
        pair.score = round(sum(m.similarity * m.weight for m in pair.matches) / total, 4) \
            if total else 0.0
        pairs.append(pair)
    pairs.sort(key=lambda p: (-p.score, p.a, p.b))
    return pairs


# --------------------------------------------------------------------------- HTML
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 80em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.note { background: #fff8e1; border-left: 4px solid #f0b400; padding: 0.6em 1em; }
.side { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; }
pre { white-space: pre-wrap; font-size: 0.85em; background: #fafafa; padding: 0.5em;
      border: 1px solid #eee; margin: 0; }
mark { background: #ffe08a; }
"""


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _page(title: str, body: list[str]) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{_e(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


def _safe(name: str) -> str:
    from .report import _safe_name

    return _safe_name(name)


def pair_file(pair: PairSimilarity) -> str:
    # "~" is in no student id (nor in _safe's output): the students "a--b" and "c" never
    # share a page with "a" and "b--c"
    return f"{_safe(pair.assignment)}-{_safe(pair.a)}~{_safe(pair.b)}.html"


def _highlighted(source: str, slices: np.ndarray | None) -> str:
    from copydetect.utils import highlight_overlap

    if slices is None or len(slices) == 0 or slices.shape[-1] == 0:
        return _e(source)
    text, _ = highlight_overlap(source, slices, "\0MARK\0", "\0END\0", escape_html=True)
    return text.replace("\0MARK\0", "<mark>").replace("\0END\0", "</mark>")


def render_pair(pair: PairSimilarity, submitted_dir: Path, specs: dict[str, Spec]) -> str:
    """One pair's side-by-side page."""
    body = [f"<h1>{_e(pair.assignment)}: {_e(pair.a)} and {_e(pair.b)}, side by side</h1>",
            f'<p class="note">{_e(WORDING)}</p>',
            f"<p>Weighted similarity {100 * pair.score:.0f}% over {pair.compared} exercise(s). "
            "Highlighted: passages whose fingerprints match (after names are abstracted).</p>"]
    for m in pair.matches:
        spec = specs[m.exercise]
        sides = []
        released = _released_names(Path(__file__).resolve().parents[2], spec.module)
        for student in (pair.a, pair.b):
            text = helper_text(submitted_dir, student, pair.assignment, spec.module) or ""
            sides.append(graded_source(text, spec, released) or "")
        boilerplate = None
        slices: tuple[np.ndarray | None, np.ndarray | None] = (None, None)
        if all(sides):
            import numpy as np

            stub = _stub_source(Path(__file__).resolve().parents[2], spec)
            boilerplate = np.unique(np.array(list(_fingerprint(stub).hashes))) if stub \
                else None
            _, slices, _ = _compare(*(_Code(s, _fingerprint(s, boilerplate)) for s in sides))
        body.append(f"<h2>{_e(m.exercise)}: {100 * m.similarity:.0f}% alike "
                    f"(weight {m.weight:g})</h2>")
        body.append(f"<p>{100 * m.shares[0]:.0f}% of {_e(pair.a)}'s code is found in "
                    f"{_e(pair.b)}'s, {100 * m.shares[1]:.0f}% of {_e(pair.b)}'s in "
                    f"{_e(pair.a)}'s: a large gap means one side holds much more code "
                    "(padding, or a longer answer that contains the shorter).</p>")
        body.append('<div class="side">' + "".join(
            f"<div><h3>{_e(student)}</h3><pre>{_highlighted(src, sl)}</pre></div>"
            for student, src, sl in zip((pair.a, pair.b), sides, slices)) + "</div>")
    return _page(f"{pair.assignment}: {pair.a} and {pair.b}", body)


def render_index(pairs: list[PairSimilarity], top: int, assignment: str, n_students: int,
                 too_long: dict[str, list[str]] | None = None) -> str:
    rows = ["<tr><th>rank</th><th>students</th><th>weighted similarity</th>"
            "<th>exercises compared</th><th>most alike exercises</th><th>side by side</th></tr>"]
    for rank, p in enumerate(pairs[:top], 1):
        best = sorted(p.matches, key=lambda m: -m.similarity * m.weight)[:3]
        rows.append(f"<tr><td class=\"num\">{rank}</td><td>{_e(p.a)} and {_e(p.b)}</td>"
                    f"<td class=\"num\">{100 * p.score:.0f}%</td>"
                    f"<td class=\"num\">{p.compared}</td><td>"
                    + _e(", ".join(f"{m.exercise.split('.', 1)[1]} {100 * m.similarity:.0f}%"
                                   for m in best))
                    + f"</td><td><a href=\"pairs/{_e(pair_file(p))}\">view</a></td></tr>")
    body = [f"<h1>Code similarity of {_e(assignment)}, for review</h1>",
            f'<p class="note">{_e(WORDING)}</p>',
            f"<p>{n_students} submission(s), {len(pairs)} pair(s); the {min(top, len(pairs))} "
            "most alike are listed. Each exercise's similarity is the share of the two "
            "functions' code whose fingerprints match; a pair's figure weights each exercise "
            "by the length of its reference solution, so short exercises count little. "
            "Docstrings and the stubs' code are left out.</p>",
            '<table id="pairs">', *rows, "</table>"]
    if too_long:
        body += [f"<h2>Not compared: functions longer than {MAX_CHARS:,} characters</h2>",
                 "<p>Too long to fingerprint against the whole class; read them yourself "
                 "(padding a function is also a way to hide what it holds).</p>",
                 '<ul id="too-long">', *[f"<li>{_e(s)}: {_e(', '.join(ex))}</li>"
                                         for s, ex in sorted(too_long.items())], "</ul>"]
    return _page(f"Similarity of {assignment}, for review", body)


class Written(TypedDict):
    """What :func:`write_report` wrote and found."""

    index: Path                  # the assignment's summary page
    pairs: list[PairSimilarity]  # every pair, ranked


def write_report(grading_dir: Path, assignment: str, *, submitted_dir: Path | None = None,
                 out: Path | None = None, top: int = TOP) -> Written:
    """Compare the class's functions of ``assignment`` and write the pages; returns
    ``{"index": path, "pairs": [PairSimilarity, ...]}``."""
    from ..learner.registry import has_live_registry, load_exercises

    if not has_live_registry():
        raise SimilarityError("the similarity report needs the course repository")
    grading_dir = Path(grading_dir)
    submitted_dir = Path(submitted_dir) if submitted_dir else grading_dir / "submitted"
    specs = [s for s in load_exercises() if s.sprint == assignment]
    if not specs:
        raise SimilarityError(f"no graded exercise in {assignment!r}")
    too_long: dict[str, list[str]] = {}
    pairs = compare_class(submitted_dir, assignment, specs, too_long=too_long)
    out = Path(out) if out else grading_dir / "similarity"
    (out / "pairs").mkdir(parents=True, exist_ok=True)
    for old in (out / "pairs").glob(f"{_safe(assignment)}-*.html"):   # an earlier run's
        if old.is_file() and not old.is_symlink():
            old.unlink()
    n = len({s for p in pairs for s in (p.a, p.b)})
    index = out / f"{_safe(assignment)}.html"
    index.write_text(render_index(pairs, top, assignment, n, too_long), encoding="utf-8")
    by_id = {s.id: s for s in specs}
    for p in pairs[:top]:
        (out / "pairs" / pair_file(p)).write_text(render_pair(p, submitted_dir, by_id),
                                                  encoding="utf-8")
    return {"index": index, "pairs": pairs}
