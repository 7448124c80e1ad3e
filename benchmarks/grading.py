"""Class-scale grading: the parallel grader against serial nbgrader, on a generated class.

    python -m benchmarks.grading --students 100              # sprints with a notebook
    python -m benchmarks.grading --students 20 --sprint sprint0 --sprint sprint1
    python -m benchmarks.grading --students 100 --baseline-students 10   # extrapolate
    python -m benchmarks.grading --students 12 --baseline-seconds 1922 --sprint sprint0 \
        --sprint sprint1 ... --sprint sprint8   # grader only, the baseline of sprints 0-8
    python -m benchmarks.grading --students 12 --skip-baseline --execute-notebooks

Makes ``--students`` submissions of every chosen sprint: a mix of the reference (full marks),
the untouched stubs, a wrong submission (the reference with one function broken) and hostile
ones (the attacks of ``tests/hostile/`` that finish: no endless loops). Then times

* the **baseline**: plain ``nbgrader autograde SPRINT`` run serially for each sprint in a
  course folder holding the same submissions (with ``COURSE_QUICK=1``, as the grader runs the
  notebooks). ``--baseline-students K`` times it on the first K students only and scales the
  time linearly to the whole class (the report says so);
* the **grader**: ``python -m autograder grade`` (trusted grading in the jail, gradebook,
  feedback) with ``--workers`` processes (default: the machine's cores); with
  ``--execute-notebooks`` it also runs every notebook in a jailed kernel, as it did by default
  before (``docs/grading.md``, "Does the notebook run?").

Beside the wall time it reports the grader's CPU time (its own and its reaped children's:
the workers, nbgrader, the feedback) and the load average before and after, so that a figure
measured on a shared machine says how shared it was, and the mean cost of each step of a
submission (from the ``timing`` of the state files). The jailed trusted children (and kernels)
are not in the CPU time: bubblewrap's outer process exits before it reaps the process inside,
so their time is never charged to the grader (``benchmarks/results/grading.md`` gives them
measured apart).

The goal is grader time ≤ baseline / cores. Prints the figures and appends a row to
``benchmarks/results/grading.md``.
"""
from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "grading.md"
SKIP_ATTACKS = {"hang_forever"}   # it only measures the time limit


def _attacks() -> list:
    """The tampering suite's attacks (``tests/hostile/``), each as a module of its data."""
    from tests.support import HOSTILE_DIR, load_attack

    return [load_attack(path.stem) for path in sorted(HOSTILE_DIR.glob("*.py"))
            if path.stem not in SKIP_ATTACKS]


def make_class(release_dir: Path, submitted: Path, students: int, sprints: list,
               grading_out: Path) -> dict:
    """``submitted/<student>/<sprint>/``; returns ``{student: kind}``."""
    sys.path.insert(0, str(ROOT))
    from tests.conftest import make_helpers
    from tests.support import apply_attack

    attacks = _attacks()
    kinds = {}
    for i in range(students):
        student = f"s{i:03d}"
        kind = ("reference", "reference", "stubs", "wrong", "reference", "hostile",
                "reference", "wrong", "reference", "stubs")[i % 10]
        kinds[student] = kind
        for sid in sprints:
            dest = submitted / student / sid
            src = release_dir / sid
            if kind == "hostile":
                attack = attacks[i % len(attacks)]
                kinds[student] = f"hostile:{attack.__name__.removeprefix('hostile_')}"
                shutil.copytree(src, dest)
                apply_attack(dest, attack, lambda t: t.replace("{ROOT}", str(ROOT))
                             .replace("{OUT}", str(grading_out)))
                continue
            shutil.copytree(src, dest)
            if kind in ("reference", "wrong"):
                make_helpers(dest)
            if kind == "wrong":
                import re

                for f in sorted((dest / "helpers").glob("*.py")):
                    names = re.findall(r"^def ([a-z]\w*)\(", f.read_text(), re.M)
                    if f.name != "__init__.py" and names:   # one function answers 0
                        f.write_text(f.read_text() + f"\n\ndef {names[0]}(*a, **k):\n"
                                     "    return 0\n")
                        break
    return kinds


def baseline(course_dir: Path, submitted: Path, sprints: list, students: list) -> float:
    """Serial ``nbgrader autograde`` of ``students``, one command per sprint; seconds."""
    dest = course_dir / "submitted"
    if dest.exists():
        shutil.rmtree(dest)
    for st in students:
        shutil.copytree(submitted / st, dest / st)
    env = dict(os.environ, COURSE_QUICK="1",
               PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))
    start = time.perf_counter()
    for sid in sprints:
        subprocess.run([sys.executable, "-m", "nbgrader", "autograde", sid, "--force",
                        "--create"], cwd=course_dir, env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.grading")
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--sprint", action="append", help="default: every sprint")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--baseline-students", type=int, default=None,
                        help="time nbgrader on this many students and scale (default: all)")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--baseline-seconds", type=float, default=None,
                        help="reuse a baseline measured by an earlier run on this machine with "
                        "the same --students and sprints (the class is the same every time); "
                        "the table marks it 'earlier run'")
    parser.add_argument("--execute-notebooks", action="store_true",
                        help="the grader also runs each notebook in a jailed kernel")
    parser.add_argument("--keep", help="keep the generated folders here")
    parser.add_argument("--results", default=str(RESULTS),
                        help="the table to append the row to (default: %(default)s)")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from autograder.instructor import course, grading

    cores = os.cpu_count() or 1
    workers = args.workers or cores
    tmp = Path(args.keep or tempfile.mkdtemp(prefix="grading-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    sprints = [s.id for s in course.discover_sprints(args.sprint)]
    release = course.release(tmp / "release", sprints)
    submitted = tmp / "submitted"
    if submitted.exists():
        shutil.rmtree(submitted)
    out = tmp / "grading"
    kinds = make_class(release, submitted, args.students, sprints, out)
    students = sorted(kinds)
    n_sub = len(students) * len(sprints)
    print(f"{len(students)} students x {len(sprints)} sprints ({', '.join(sprints)}) = "
          f"{n_sub} submissions; {cores} cores, {workers} workers; in {tmp}", flush=True)

    base, base_note = None, ""
    if args.baseline_seconds is not None:
        base, base_note = args.baseline_seconds, " (earlier run)"
        print(f"baseline (serial nbgrader autograde): {base:.0f} s, from an earlier run",
              flush=True)
    elif not args.skip_baseline:
        k = min(args.baseline_students or len(students), len(students))
        course_dir = course.build_course(tmp / "baseline", sprints)
        measured = baseline(course_dir, submitted, sprints, students[:k])
        base = measured * len(students) / k
        base_note = "" if k == len(students) else " (scaled)"
        how = "measured" if k == len(students) else f"measured on {k} students, scaled"
        print(f"baseline (serial nbgrader autograde): {base:.0f} s ({how}: {measured:.0f} s)",
              flush=True)

    if out.exists():
        shutil.rmtree(out)
    load_before = os.getloadavg()[0]
    cpu_before = _cpu_seconds()
    start = time.perf_counter()
    code = grading.grade(submitted, out, salt="bench", sprints=sprints, workers=workers,
                         stream=io.StringIO(), progress=True,
                         execute_notebooks=args.execute_notebooks)
    ours = time.perf_counter() - start
    cpu = _cpu_seconds() - cpu_before
    load = f"{load_before:.1f} / {os.getloadavg()[0]:.1f}"
    mode = "notebooks executed" if args.execute_notebooks else "notebooks not executed"
    print(f"grader (python -m autograder grade, {workers} workers, {mode}): {ours:.0f} s, "
          f"CPU {cpu:.0f} s ({cpu / n_sub:.2f} s per submission), load average before / "
          f"after {load}, exit {code}", flush=True)
    print(step_table(out / "state"), flush=True)
    verdict = ""
    if base is not None:
        goal = base / cores
        verdict = "met" if ours <= goal else "NOT met"
        print(f"goal: grader <= baseline / {cores} cores = {goal:.0f} s: {verdict} "
              f"(speed-up over the baseline x{base / ours:.2f})")
    results = Path(args.results)
    results.parent.mkdir(parents=True, exist_ok=True)
    if not results.exists():
        results.write_text("# Grading benchmark\n\n`python -m benchmarks.grading`: serial "
                           "nbgrader autograde (baseline) against the parallel grader.\n\n"
                           "| date | students | sprints | submissions | cores | workers | "
                           "baseline s | grader s | goal (baseline/cores) | grader CPU s | "
                           "load before / after | notebooks |\n"
                           "|---|---|---|---|---|---|---|---|---|---|---|---|\n")
    row = (f"| {datetime.now(UTC):%Y-%m-%d} | {len(students)} | "
           f"{' '.join(sprints)} | {n_sub} | {cores} | {workers} | "
           f"{'-' if base is None else f'{base:.0f}'}{base_note} | "
           f"{ours:.0f} | {verdict or '-'} | {cpu:.0f} | {load} | "
           f"{'executed' if args.execute_notebooks else 'not executed'} |")
    results.write_text(with_row(results.read_text(encoding="utf-8"), row), encoding="utf-8")
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    return code


def with_row(text: str, row: str) -> str:
    """``text`` (the results page) with ``row`` added at the end of its first table, the one
    whose header starts ``| date |``: the page's later sections and tables stay below it."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| date |"))
    end = start
    while end + 1 < len(lines) and lines[end + 1].startswith("|"):
        end += 1
    return "\n".join(lines[:end + 1] + [row] + lines[end + 1:]) + "\n"


def step_table(state_dir: Path) -> str:
    """Per-submission cost of each grading step, from the state files (``timing``): mean wall
    seconds, the worker's CPU seconds and its children's (trusted children, kernels)."""
    import json

    steps: dict = {}
    docs = [json.loads(p.read_text("utf-8")) for p in sorted(state_dir.glob("*.json"))]
    timed = [d for d in docs if d.get("timing")]
    for doc in timed:
        for step, t in doc["timing"].items():
            total = steps.setdefault(step, {"wall": 0.0, "cpu": 0.0, "children_cpu": 0.0})
            for key in total:
                total[key] += t.get(key, 0.0)
    n = max(1, len(timed))
    lines = [f"per submission, mean of {len(timed)} (s): step | wall | worker CPU | "
             "children CPU"]
    for step, t in steps.items():
        lines.append(f"  {step:<10} | {t['wall'] / n:6.2f} | {t['cpu'] / n:6.2f} | "
                     f"{t['children_cpu'] / n:6.2f}")
    all_ = {k: sum(t[k] for t in steps.values()) / n for k in ("wall", "cpu", "children_cpu")}
    lines.append(f"  {'all':<10} | {all_['wall']:6.2f} | {all_['cpu']:6.2f} | "
                 f"{all_['children_cpu']:6.2f}")
    return "\n".join(lines)


def _cpu_seconds() -> float:
    """User + system CPU time of this process and its finished children (and theirs)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


if __name__ == "__main__":
    sys.exit(main())
