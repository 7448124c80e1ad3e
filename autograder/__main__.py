"""Command line: ``python -m autograder COMMAND`` (``--help`` lists the commands)."""
from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path


def _cmd_list(args) -> int:
    from .registry import load_exercises

    rows = [s.as_row() for s in load_exercises()]
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        for r in rows:
            print(f"{r['id']:<34} {r['points']:>4g} pt  {r['module']}:{r['name']}  {r['title']}")
        print(f"\n{len(rows)} exercises, {sum(r['points'] for r in rows):g} points")
    return 0


def _cmd_check(args) -> int:
    from .check import run_checks

    try:
        report = run_checks(args.selectors, args.helpers, timeout=args.timeout)
    except (KeyError, FileNotFoundError) as exc:
        print(f"error: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([r.as_row() for r in report.results], indent=2))
    else:
        print(report.render(not args.quiet))
    return 0 if report.ok else 1


def _instructor_module(name: str, command: str):
    """``autograder.<name>``, or a clear exit where it is absent (a learner release)."""
    import importlib

    try:
        return importlib.import_module(f"{__package__}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name not in (f"{__package__}.{name}", "solutions", f"{__package__}.exercises"):
            raise
        raise SystemExit(f"error: `python -m autograder {command}` is an instructor command: run "
                         "it in the course repository, not in a learner's assignment folder")


def _cmd_stubs(args) -> int:
    stubs = _instructor_module("stubs", "stubs")

    if args.check:
        diff = stubs.differences()
        if diff:
            print("helpers/ is out of date with solutions/ in: " + ", ".join(diff) +
                  "\nrun `python -m autograder stubs` and commit the result", file=sys.stderr)
            return 1
        print("helpers/ matches solutions/")
        return 0
    written = stubs.write_helpers()
    print(f"wrote helpers/: {', '.join(written)}")
    return 0


def _cmd_course(args) -> int:
    course = _instructor_module("course", "course")
    try:
        path = course.build_course(Path(args.course_dir), sprints=args.sprint or None)
    except course.CourseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"nbgrader course written to {path}")
    return 0


def _cmd_release(args) -> int:
    course = _instructor_module("course", "release")
    try:
        path = course.release(Path(args.out_dir), sprints=args.sprint or None)
    except course.CourseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"learner release written to {path}")
    return 0


def _cmd_grade(args) -> int:
    grade = _instructor_module("grading", "grade").grade
    return grade(Path(args.submitted_dir), Path(args.out), salt=args.salt,
                 timeout=args.timeout, sprints=args.sprint or None)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder",
                                     description="Checks, releases and grades the course.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("list", help="list the graded exercises")
    p.add_argument("--json", action="store_true", help="print the registry as JSON")
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser("check", help="check your helpers/ on the public cases")
    p.add_argument("selectors", nargs="*", help="sprints or exercise ids (default: all)")
    p.add_argument("--helpers", help="the helpers/ folder to check (default: the nearest)")
    p.add_argument("--timeout", type=float, default=None, help="seconds per exercise")
    p.add_argument("--quiet", action="store_true", help="one line per exercise")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser("stubs", help="generate helpers/ from solutions/")
    p.add_argument("--check", action="store_true", help="only report whether helpers/ is current")
    p.set_defaults(func=_cmd_stubs)

    p = sub.add_parser("course", help="build the nbgrader course folder (instructor)")
    p.add_argument("course_dir")
    p.add_argument("--sprint", action="append", help="only this sprint (repeatable)")
    p.set_defaults(func=_cmd_course)

    p = sub.add_parser("release", help="build the learner release, one folder per assignment")
    p.add_argument("out_dir")
    p.add_argument("--sprint", action="append", help="only this sprint (repeatable)")
    p.set_defaults(func=_cmd_release)

    p = sub.add_parser("grade", help="grade submitted/<student>/<assignment>/ with nbgrader")
    p.add_argument("submitted_dir")
    p.add_argument("--out", required=True, help="where the course, gradebook, feedback and "
                                                "grades.csv go")
    p.add_argument("--salt", default="", help="varies the hidden cases (keep it private)")
    p.add_argument("--timeout", type=float, default=None, help="seconds per exercise")
    p.add_argument("--sprint", action="append", help="only this assignment (repeatable)")
    p.set_defaults(func=_cmd_grade)

    args = parser.parse_args(argv)
    if hasattr(signal, "SIGPIPE"):  # `python -m autograder list | head` ends quietly
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
