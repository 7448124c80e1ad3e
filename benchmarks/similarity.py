"""How long the similarity report takes for a class: ``python -m benchmarks.similarity``.

For each class size (``--students 42 120``) it writes the generated class of
``tests/generated_class.py`` (sprint 2, two pairs of near-copies), then times
:func:`autograder.instructor.similarity.compare_class` (every pair of students, every exercise,
without the HTML pages) in a fresh process per run, the sizes interleaved (``--repeat`` rounds), and
writes ``benchmarks/results/similarity.md``: the median and the spread of each size, the
machine's load average beside each run, and whether the copied pairs ranked first.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "similarity.md"

_CHILD = """
import json, sys, time
from pathlib import Path
from autograder.instructor import similarity
from autograder.learner.registry import load_exercises
from tests.generated_class import SPRINT
submitted, copies = Path(sys.argv[1]), json.loads(sys.argv[2])
specs = [s for s in load_exercises() if s.sprint == SPRINT]
t = time.perf_counter()
pairs = similarity.compare_class(submitted, SPRINT, specs)
seconds = time.perf_counter() - t
top = {tuple(sorted((p.a, p.b))) for p in pairs[:len(copies)]}
print(json.dumps({"seconds": seconds, "pairs": len(pairs),
                  "copies_first": top == {tuple(sorted(c)) for c in copies}}))
"""


def run_once(submitted: Path, copies: list) -> dict:
    out = subprocess.run([sys.executable, "-c", _CHILD, str(submitted), json.dumps(copies)],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    doc = json.loads(out.stdout.strip().splitlines()[-1])
    doc["load"] = os.getloadavg()[0]
    return doc


def main(argv=None) -> int:
    from tests.generated_class import write_class

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, nargs="+", default=[42, 120])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args(argv)
    runs: dict = {n: [] for n in args.students}
    with tempfile.TemporaryDirectory(prefix="similarity-bench-") as tmp:
        plans = {n: write_class(Path(tmp) / str(n), n_students=n) for n in args.students}
        for _ in range(args.repeat):
            for n, plan in plans.items():          # interleaved: size after size, each round
                doc = run_once(plan.submitted, [list(c) for c in plan.copies])
                runs[n].append(doc)
                print(f"{n} students: {doc['seconds']:.1f} s (load {doc['load']:.1f})",
                      flush=True)
    lines = ["# Similarity report: time per class size",
             "",
             f"`python -m benchmarks.similarity --students {' '.join(map(str, args.students))} "
             f"--repeat {args.repeat}`, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores. "
             "Each run is a fresh process comparing every pair of the generated class of "
             "tests/generated_class.py (sprint 2, 10 exercises), without writing pages.",
             "",
             "| students | pairs | median | min – max | load average during the runs | "
             "copied pairs ranked first |",
             "|---:|---:|---:|---:|---|---|"]
    for n, docs in runs.items():
        secs = [d["seconds"] for d in docs]
        lines.append(f"| {n} | {docs[0]['pairs']:,} | {statistics.median(secs):.1f} s | "
                     f"{min(secs):.1f} – {max(secs):.1f} s | "
                     f"{', '.join(format(d['load'], '.1f') for d in docs)} | "
                     f"{'yes' if all(d['copies_first'] for d in docs) else 'NO'} |")
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
