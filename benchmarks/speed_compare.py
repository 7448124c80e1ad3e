"""Do two speed runs agree? Their ratios side by side, case by case.

    python -m benchmarks.speed_compare A.json B.json                   # two runs: within 15 %
    python -m benchmarks.speed_compare speed.json side-by-side.json --tolerance 0.20

``A.json`` and ``B.json`` are what ``python -m benchmarks.speed`` (beside its Markdown: ``--out
X.md`` writes ``X.json``) or ``python -m benchmarks.side_by_side`` wrote. For every case both
hold, it prints the two ratios (reference ÷ PyTorch), how far apart they are (the larger ÷ the
smaller, minus 1) and whether that is within the tolerance. Exit status 0 when every shared
case agrees, 1 when one does not (or no case is shared).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks.speed_results import RUNS_TOLERANCE, Comparison, Results, compare


def render(comparison: Comparison, a: Results, b: Results, names=("A", "B")) -> str:
    """The comparison as Markdown."""
    tol = f"{comparison.tolerance * 100:g} %"
    lines = [f"- {names[0]}: `{a.command}` ({a.source}, {a.date}, {a.clock} clock, "
             f"{a.threads} thread(s), load {a.load_start} → {a.load_end})",
             f"- {names[1]}: `{b.command}` ({b.source}, {b.date}, {b.clock} clock, "
             f"{b.threads} thread(s), load {b.load_start} → {b.load_end})", ""]
    if a.clock != b.clock or a.threads != b.threads:
        lines += ["**Not the same measurement**: the clocks or thread counts differ.", ""]
    lines += [f"| case | ratio {names[0]} | ratio {names[1]} | apart | within {tol} |",
              "|---|---|---|---|---|"]
    for g in comparison.agreements:
        lines.append(f"| {g.id} | {g.ratio_a:.2f}× | {g.ratio_b:.2f}× | {g.difference * 100:.0f} % "
                     f"| {'yes' if g.within else '**no**'} |")
    for name, ids in ((names[0], comparison.only_a), (names[1], comparison.only_b)):
        if ids:
            lines += ["", f"Only in {name}: {', '.join(ids)}."]
    outside = [g.id for g in comparison.agreements if not g.within]
    lines += ["", (f"Every one of the {len(comparison.agreements)} shared ratios agrees within "
                   f"{tol}." if comparison.all_within else
                   f"Not within {tol}: {', '.join(outside) or 'no shared case'}.")]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.speed_compare",
                                     description="Compare the ratios of two speed results "
                                                 "files.")
    parser.add_argument("a", type=Path, help="a results file (JSON)")
    parser.add_argument("b", type=Path, help="another results file (JSON)")
    parser.add_argument("--tolerance", type=float, default=RUNS_TOLERANCE,
                        help=f"largest allowed larger ÷ smaller − 1 (default {RUNS_TOLERANCE})")
    args = parser.parse_args(argv)
    a, b = Results.read(args.a), Results.read(args.b)
    comparison = compare(a, b, args.tolerance)
    names = (args.a.name, args.b.name) if args.a.name != args.b.name else (str(args.a),
                                                                            str(args.b))
    print(render(comparison, a, b, names), end="")
    return 0 if comparison.all_within else 1


if __name__ == "__main__":
    sys.exit(main())
