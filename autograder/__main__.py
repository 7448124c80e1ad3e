"""Command line: ``python -m autograder COMMAND`` (``--help`` lists the commands)."""
from __future__ import annotations

import argparse
import json
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from .learner.errors import CourseError
from .learner.i18n import _
from .learner.sprints import sprint_key

if TYPE_CHECKING:
    from .learner.check import CheckReport


def _error(message: object) -> str:
    """``error: MESSAGE`` in the course's language (what a command prints before exiting)."""
    return _("error: {message}").format(message=message)


def _cmd_list(args: argparse.Namespace) -> int:
    from .learner.i18n import pgettext
    from .learner.registry import load_exercises

    rows = [s.as_row() for s in load_exercises()]
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        pt = _("pt")     # points, after each exercise's number of them
        for r in rows:   # the title in the course's language (the JSON keeps the data)
            print(f"{r['id']:<34} {r['points']:>4g} {pt}  {r['module']}:{r['name']}  "
                  f"{pgettext(r['id'], r['title'])}")
        print("\n" + _("{count} exercises, {points} points").format(
            count=len(rows), points=f"{sum(r['points'] for r in rows):g}"))
    return 0


def _hidden_report(selectors: list[str], helpers: str | None, timeout: float | None, salt: str,
                   student: str | None = None) -> CheckReport:
    """The check on public *and* hidden cases, graded exactly as ``grade`` grades (instructor).

    Needs the course repository (the reference prepares the hidden cases); in a learner's
    release, which has neither, it stops with an explanation. Nothing is saved to the
    learner's progress.
    """
    trusted = _instructor_module("instructor.trusted", "check --hidden")
    from .learner.check import CheckReport, find_helpers
    from .learner.registry import has_live_registry, load_exercises, select

    if not has_live_registry():
        raise SystemExit(_error(_(
            "`python -m autograder check --hidden` needs the course repository (the reference "
            "and the hidden cases): a learner's release has only the public cases; run `check` "
            "without --hidden there")))
    helpers_dir = Path(helpers) if helpers else find_helpers()
    specs = select(load_exercises(), list(selectors))
    if student:   # the course's [hidden] per_student: that student's own hidden cases
        salt = trusted.student_salt(salt, student)
    prepared = [(s, s.public_cases(), s.hidden_cases(salt)) for s in specs]
    graded = trusted.grade_exercises(prepared, helpers_dir, timeout)
    return CheckReport(results=[t.result for t in graded])


def _cmd_check(args: argparse.Namespace) -> int:
    from .learner.check import run_checks

    try:
        if args.hidden:
            report = _hidden_report(args.selectors, args.helpers, args.timeout, args.salt,
                                    args.student)
        else:
            if args.salt or args.student:
                print(_error(_("--salt and --student go with --hidden (they vary the hidden "
                               "cases)")), file=sys.stderr)
                return 2
            report = run_checks(args.selectors, args.helpers, timeout=args.timeout)
    except (KeyError, FileNotFoundError) as exc:
        print(_error(exc.args[0] if exc.args else exc), file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([r.as_row() for r in report.results], indent=2))
    else:
        print(report.render(not args.quiet))
    return 0 if report.ok else 1


def _instructor_module(name: str, command: str) -> ModuleType:
    """``autograder.<name>``, or a clear exit where it is absent (a learner release)."""
    import importlib

    try:
        return importlib.import_module(f"{__package__}.{name}")
    except ModuleNotFoundError as exc:
        parts = f"{__package__}.{name}".split(".")
        absent = {".".join(parts[:i]) for i in range(2, len(parts) + 1)}
        if exc.name not in (*absent, "solutions", f"{__package__}.exercises"):
            raise
        raise SystemExit(_error(_(
            "`python -m autograder {command}` is an instructor command: run it in the course "
            "repository, not in a learner's assignment folder").format(command=command))
                         ) from None


def _cmd_translate(args: argparse.Namespace) -> int:
    translate = _instructor_module("authoring.translate", "translate")
    return translate.run(args.action, args.lang, new=tuple(args.new), out=args.out,
                         force=args.force)


def _cmd_sync(args: argparse.Namespace) -> int:
    sync = _instructor_module("authoring.sync", args.command)
    report = sync.sync(check=args.check)
    verb = "out of date" if args.check else "updated"
    for finding in report.changes:
        print(f"{verb}: {finding}", file=sys.stderr if args.check else sys.stdout)
    for finding in report.problems:
        print(f"problem: {finding}", file=sys.stderr)
    if report.problems:
        print("fix the problems above by hand (sync writes only generated parts)",
              file=sys.stderr)
    if args.check and report.changes:
        print("run `python -m autograder sync` and commit the result", file=sys.stderr)
    if report.clean:
        print("everything generated matches solutions/ and the registry")
    return 1 if report.problems or (args.check and report.changes) else 0


def _cmd_course(args: argparse.Namespace) -> int:
    course = _instructor_module("instructor.course", "course")
    path = course.build_course(Path(args.course_dir), sprints=args.sprint or None)
    print(f"nbgrader course written to {path}")
    return 0


def _cmd_release(args: argparse.Namespace) -> int:
    course = _instructor_module("instructor.course", "release")
    path = course.release(Path(args.out_dir), sprints=args.sprint or None, lang=args.lang)
    print(f"learner release written to {path}")
    return 0


def _cmd_grade(args: argparse.Namespace) -> int:
    grade = _instructor_module("instructor.grading", "grade").grade
    if args.policy:   # a bad policy stops here, before any grading
        _instructor_module("instructor.policy", "grade").load_policy(Path(args.policy))
    return grade(Path(args.submitted_dir), Path(args.out), salt=args.salt,
                 timeout=args.timeout, sprints=args.sprint or None, workers=args.workers,
                 student_timeout=args.student_timeout, db_url=args.db_url,
                 regrade=args.regrade or None, progress=not args.no_progress,
                 no_jail=args.no_jail, execute_notebooks=args.execute_notebooks,
                 **({"policy": Path(args.policy)} if args.policy else {}))


def _cmd_progress(args: argparse.Namespace) -> int:
    from .learner.progress import progress

    try:
        view = progress(*args.sprints, run=args.run, show_all=args.all, helpers=args.helpers)
    except (KeyError, FileNotFoundError) as exc:
        print(_error(exc.args[0] if exc.args else exc), file=sys.stderr)
        return 2
    if args.json:
        from dataclasses import asdict

        print(json.dumps([asdict(r) for r in view.rows], indent=2, ensure_ascii=False))
    else:
        print(view.text())
    return 0


def _cmd_hint(args: argparse.Namespace) -> int:
    from .learner import hints

    try:
        if args.exercise:
            print(hints.next_hint(args.exercise, args.helpers))
        else:
            print(hints.usage_text(args.helpers))
    except FileNotFoundError as exc:
        print(_error(exc.args[0] if exc.args else exc), file=sys.stderr)
        return 2
    return 0


def _cmd_slides(args: argparse.Namespace) -> int:
    slides = _instructor_module("authoring.slides", "slides")
    if args.rise:
        try:
            path = slides.set_up_rise()
        except FileNotFoundError as exc:
            print(_error(exc), file=sys.stderr)
            return 1
        print(f"RISE's defaults for the course written to {path}: in JupyterLab, open a sprint "
              "notebook and press Alt+R (or the RISE button in its toolbar) to present it live")
        return 0
    if args.tag or args.reset:
        changed = slides.tag_all(reset=args.reset)
        for path, n in changed.items():
            print(f"{path.name}: {n} cell(s) tagged" if n else f"{path.name}: up to date")
        return 0
    if args.check:
        import nbformat

        bad = {p.name: slides.untagged_cells(nbformat.read(p, as_version=4))
               for p in slides.sprint_notebooks()}
        return _check_verdict([f"{name}: cells without a slide type: {cells}"
                               for name, cells in bad.items() if cells],
                              "python -m autograder slides --tag",
                              "every sprint notebook has slide metadata")
    if not args.out_dir:
        print("error: give OUT_DIR (or --tag, --check, --rise)", file=sys.stderr)
        return 2
    paths = None
    if args.source:
        paths = slides.sprint_notebooks(Path(args.source))
        if not paths:
            print(f"error: no sprintN_*.ipynb in {args.source}", file=sys.stderr)
            return 2
    try:
        from .learner.i18n import language

        written = slides.render_all(Path(args.out_dir), paths, lang=args.lang or language())
    except FileNotFoundError as exc:
        print(_error(exc), file=sys.stderr)
        return 1
    for path in written:
        print(path)
    print(f"(reveal.js and MathJax are in {Path(args.out_dir) / slides.ASSETS}: open a file in a "
          "browser, no network needed; keep the folder together)")
    return 0


def _check_verdict(problems: list[str], fix: str, all_well: str) -> int:
    """A ``--check``'s ending: each problem and the command that fixes them on stderr (1), or
    ``all_well`` (0)."""
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        print(f"run `{fix}`", file=sys.stderr)
        return 1
    print(all_well)
    return 0


def _cmd_facilitator(args: argparse.Namespace) -> int:
    facilitator = _instructor_module("authoring.facilitator", "facilitator")
    if args.class_dir:
        written = facilitator.write_class_guides(
            Path(args.class_dir), Path(args.out) if args.out else None,
            Path(args.submitted) if args.submitted else None)
        for path in written:
            print(path)
        return 0
    if args.check:
        return _check_verdict([f"{sprint}: {reason}" for sprint, reason in
                               facilitator.stale_guides()],
                              "python -m autograder facilitator",
                              "every sprint has a facilitator guide with a current list of "
                              "mistakes")
    written = facilitator.write_guides()
    print("updated: " + ", ".join(str(p) for p in written) if written
          else "every guide is up to date")
    return 0


def _cmd_collect(args: argparse.Namespace) -> int:
    collect = _instructor_module("instructor.collect", args.command)
    try:
        if args.command == "collect-zip":
            report = collect.collect_zip(Path(args.source), args.assignment, Path(args.out),
                                         pattern=args.pattern or collect.DEFAULT_PATTERN)
        else:
            report = collect.collect_exchange(Path(args.inbound), args.assignment,
                                              Path(args.out))
    except (ValueError, FileNotFoundError) as exc:
        print(_error(exc), file=sys.stderr)
        return 2
    print(report.render())
    return 0 if report.collected else 1


def _cmd_mistakes(args: argparse.Namespace) -> int:
    groups = _instructor_module("instructor.mistake_groups", "mistakes")
    words = list(args.words)
    promote = words[:1] == ["promote"]
    if promote:
        words = words[1:]
    if (promote and len(words) != 3) or (not promote and len(words) != 1):
        print("usage: python -m autograder mistakes GRADING  |  python -m autograder mistakes "
              "promote GRADING EXERCISE GROUP --hint \"...\"", file=sys.stderr)
        return 2
    submitted = Path(args.submitted) if args.submitted else None
    try:
        if promote:
            path = groups.promote(Path(words[0]), words[1], words[2], args.hint or "",
                                  out=Path(args.out) if args.out else None,
                                  submitted_dir=submitted)
            print(groups.promoted_text(path))
            return 0
        found = groups.class_mistakes(Path(words[0]), submitted,
                                      exercises=args.exercise or None)
    except groups.MistakeError as exc:
        print(_error(exc), file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(groups.as_json(found), indent=1, ensure_ascii=False))
    else:
        print(groups.render_text(found, sources=args.code))
    return 0


def _cmd_similarity(args: argparse.Namespace) -> int:
    similarity = _instructor_module("instructor.similarity", "similarity")
    grading = Path(args.grading_dir)
    submitted = Path(args.submitted) if args.submitted else grading / "submitted"
    sprints = args.sprint or sorted({p.name for s in submitted.glob("*") if s.is_dir()
                                     for p in s.glob("sprint*") if p.is_dir()},
                                    key=sprint_key)
    if not sprints:
        print(f"error: no submissions in {submitted}", file=sys.stderr)
        return 1
    for sprint in sprints:
        try:
            written = similarity.write_report(grading, sprint, submitted_dir=submitted,
                                              out=Path(args.out) if args.out else None,
                                              top=args.top)
        except similarity.SimilarityError as exc:
            print(f"{sprint}: {exc}", file=sys.stderr)
            continue
        top = written["pairs"][:3]
        print(f"{sprint}: {written['index']} (for review, not a verdict); most alike: "
              + ", ".join(f"{p.a}+{p.b} {100 * p.score:.0f}%" for p in top))
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    report = _instructor_module("instructor.report", "report")
    written = report.write_report(Path(args.grading_dir),
                                  Path(args.out) if args.out else None,
                                  threshold=args.threshold,
                                  submitted_dir=Path(args.submitted) if args.submitted else None)
    print(report.printed_summary(written))
    return 0


def _cmd_gradescope(args: argparse.Namespace) -> int:
    gradescope = _instructor_module("instructor.gradescope", "gradescope")
    path = gradescope.build_bundle(Path(args.out_zip), args.sprint, salt=args.salt,
                                   timeout=args.timeout,
                                   policy=Path(args.policy) if args.policy else None,
                                   roster=Path(args.roster) if args.roster else None)
    print(f"Gradescope autograder for {args.sprint} written to {path} (it holds the reference: "
          "upload it to Gradescope, do not share it)")
    return 0


def _cmd_pack(args: argparse.Namespace) -> int:
    import importlib
    import os

    try:
        pack = importlib.import_module(f"{__package__}.learner.pack")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__package__}.learner.pack":
            raise
        raise SystemExit(_error(_(
            "this copy of the course has no pack command: zip your assignment folder's "
            "notebook and helpers/ by hand, or ask for a newer release"))) from None
    report = pack.pack(Path(args.folder), args.student or os.environ.get("COURSE_STUDENT", ""),
                       args.sprint, Path(args.out) if args.out else None, partial=args.partial)
    print(report.render())
    return 0 if report.written else 1


def _cmd_lms(args: argparse.Namespace) -> int:
    lms = _instructor_module("instructor.lms", "lms")
    columns = {}
    for item in args.column or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            print(f"error: --column {item!r}: write ASSIGNMENT=HEADER, e.g. "
                  "sprint1='Sprint 1 (4821)'", file=sys.stderr)
            return 2
        columns[key.strip()] = value.strip()
    path, result = lms.write_export(Path(args.grading_dir), Path(args.roster), args.format,
                                    Path(args.out) if args.out else None, columns=columns,
                                    moodle_id=args.moodle_id,
                                    late=False if args.raw else (True if args.late else None))
    print(f"{args.format} grade import written to {path}")
    if result.ungraded:
        print(f"no grade (left empty) for: {', '.join(result.ungraded)}")
    return 0


def _cmd_late(args: argparse.Namespace) -> int:
    policy = _instructor_module("instructor.policy", "late")
    result = policy.apply_policy(Path(args.grading_dir),
                                 Path(args.policy) if args.policy else None,
                                 out=Path(args.out) if args.out else None,
                                 submitted_dir=Path(args.submitted) if args.submitted else None,
                                 times_path=Path(args.times) if args.times else None)
    if result is None:
        print(f"error: no --policy given and no {policy.POLICY_FILE} kept in "
              f"{args.grading_dir}", file=sys.stderr)
        return 1
    print(result.render())
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command line's parser (its help in the course's language: ``cli_i18n``)."""
    from .learner.cli_i18n import ArgumentParser

    parser = ArgumentParser(prog="python -m autograder",
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
    p.add_argument("--hidden", action="store_true",
                   help="instructor: the hidden cases too, graded as `grade` grades (in the "
                        "course repository only; exit 0 only when every case passes)")
    p.add_argument("--salt", default="", help="with --hidden: the grading salt (the hidden "
                                              "cases of `grade --salt SALT`; a grading "
                                              "folder's own salt is in GRADING/.course_salt)")
    p.add_argument("--student", help="with --hidden: that student's own hidden cases (a "
                   "course whose policy has [hidden] per_student = true)")
    p.set_defaults(func=_cmd_check)

    for name in ("sync", "stubs"):
        p = sub.add_parser(name, help="regenerate what follows from solutions/ and the registry: "
                                      "helpers/, check cells, facilitator guides' mistakes, slide "
                                      "tags" + (" (the same as sync)" if name == "stubs" else ""))
        p.add_argument("--check", action="store_true",
                       help="write nothing; exit 1 when something is out of date or disagrees")
        p.set_defaults(func=_cmd_sync)

    p = sub.add_parser("course", help="build the nbgrader course folder (instructor)")
    p.add_argument("course_dir")
    p.add_argument("--sprint", action="append", help="only this sprint (repeatable)")
    p.set_defaults(func=_cmd_course)

    p = sub.add_parser("release", help="build the learner release, one folder per assignment")
    p.add_argument("out_dir")
    p.add_argument("--sprint", action="append", help="only this sprint (repeatable)")
    p.add_argument("--lang", choices=("en", "ja"), default=None,
                   help="the release's language: its notebooks and messages (default en)")
    p.set_defaults(func=_cmd_release)

    p = sub.add_parser("translate", help="the Japanese edition's catalogs (authors)")
    p.add_argument("action", choices=("check", "update", "build", "docstrings"),
                   help="check: every translation current; update: merge the English into "
                        "the catalogs; build: the translated notebooks into notebooks/LANG/ "
                        "and the translated facilitator guides into docs/facilitator/LANG/; "
                        "docstrings: the docstrings of your untouched helpers/ stubs in LANG "
                        "(en: back to English)")
    p.add_argument("--lang", default="ja", choices=("en", "ja"))
    p.add_argument("--new", action="append", default=[], metavar="NOTEBOOK_STEM",
                   help="with update: start the catalog of this notebook, of this sprint's "
                        "tiered hints (sprint3), of this helper module's docstrings (layers), "
                        "or of this facilitator guide (facilitator/sprint3) (repeatable)")
    p.add_argument("--out", help="with build: the folder (default notebooks/LANG/)")
    p.add_argument("--force", action="store_true", help="with build: replace the notebooks "
                   "already there (they may hold a learner's answers)")
    p.set_defaults(func=_cmd_translate)

    p = sub.add_parser("grade", help="grade submitted/<student>/<assignment>/ with nbgrader")
    p.add_argument("submitted_dir")
    p.add_argument("--out", required=True, help="where the course, gradebook, feedback and "
                                                "grades.csv go")
    p.add_argument("--salt", default=None, help="varies the hidden cases (keep it private; "
                   "default: the course folder's own random salt, made on the first run)")
    p.add_argument("--timeout", type=float, default=None, help="seconds per exercise")
    p.add_argument("--sprint", action="append", help="only this assignment (repeatable)")
    p.add_argument("--workers", type=int, default=None,
                   help="students graded at once (default: the machine's cores)")
    p.add_argument("--student-timeout", type=float, default=None,
                   help="wall-clock limit in seconds for grading each submission of a "
                   "student (default 600; 0: none)")
    p.add_argument("--db-url", default=None, help="the gradebook's database URL, e.g. "
                   "postgresql://grader@localhost/course (default: SQLite OUT/gradebook.db)")
    p.add_argument("--regrade", action="append", metavar="STUDENT",
                   help="grade this student again, and nobody else (repeatable)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--no-jail", action="store_true", help="grade even where learner code "
                   "cannot be jailed (no bubblewrap): it then runs unisolated, and the "
                   "summary and exit status (3) say so")
    p.add_argument("--policy", help="the course's deadline policy (TOML): grades.csv gets the "
                   "late columns; kept as OUT/policy.toml and applied again by later runs")
    p.add_argument("--execute-notebooks", action="store_true",
                   help="also run each notebook in a jailed kernel: the feedback then shows "
                   "that run's outputs instead of those the learner saved (same grades, "
                   "several times slower)")
    p.set_defaults(func=_cmd_grade)

    p = sub.add_parser("progress", help="your progress across the sprints, from your checks")
    p.add_argument("sprints", nargs="*", help="only these sprints (default: all)")
    p.add_argument("--run", action="store_true", help="run the checks first")
    p.add_argument("--all", action="store_true", help="list every exercise, not only failing")
    p.add_argument("--helpers", help="the helpers/ folder (default: the nearest)")
    p.add_argument("--json", action="store_true", help="print one row per exercise as JSON")
    p.set_defaults(func=_cmd_progress)

    p = sub.add_parser("hint", help="the next level of an exercise's hints; alone: the levels "
                                    "you used")
    p.add_argument("exercise", nargs="?", help="an exercise id, e.g. sprint8.conv2d")
    p.add_argument("--helpers", help="the helpers/ folder (default: the nearest)")
    p.set_defaults(func=_cmd_hint)

    p = sub.add_parser("slides", help="offline reveal.js slides of every sprint (facilitator)")
    p.add_argument("out_dir", nargs="?", help="where the .slides.html files go")
    p.add_argument("--tag", action="store_true",
                   help="set slide metadata on the cells that have none, in notebooks/")
    p.add_argument("--reset", action="store_true",
                   help="re-tag every cell by the rule, dropping hand-set slide types")
    p.add_argument("--check", action="store_true", help="only report untagged cells")
    p.add_argument("--rise", action="store_true",
                   help="set RISE (live slides in JupyterLab) up for the course's notebooks")
    p.add_argument("--from", dest="source", metavar="DIR",
                   help="render the sprint notebooks of DIR (e.g. ones you ran, with their "
                        "plots) instead of the course's notebooks/")
    p.add_argument("--lang", choices=("en", "ja"), default=None,
                   help="the slides' language (default: the course's, COURSE_LANG or the "
                        "locale): ja renders each translated notebook's Japanese text")
    p.set_defaults(func=_cmd_slides)

    p = sub.add_parser("facilitator",
                       help="update the generated mistakes in docs/facilitator/sprintN.md; "
                            "--class GRADING: the guides with this class's own mistakes")
    p.add_argument("--class", dest="class_dir", metavar="GRADING",
                   help="write GRADING/facilitator/sprintN.md: each graded sprint's guide with "
                        "the class's groups of wrong answers (no names, no code)")
    p.add_argument("--out", help="with --class: the folder to write")
    p.add_argument("--submitted", help="with --class: where the learners' code is")
    p.add_argument("--check", action="store_true", help="only report missing or stale guides")
    p.set_defaults(func=_cmd_facilitator)

    p = sub.add_parser("collect-zip", help="collect a learning platform's download into "
                                           "SUBMITTED/<student>/<assignment>/ (instructor)")
    p.add_argument("source", metavar="ZIP_OR_FOLDER")
    p.add_argument("--assignment", required=True, help="the assignment (sprintN)")
    p.add_argument("--out", required=True, help="the SUBMITTED folder to write")
    p.add_argument("--pattern", help="regular expression with (?P<student_id>...) and "
                                     "optionally (?P<assignment>...), (?P<file_id>...), "
                                     "(?P<timestamp>...) groups, matched to each name")
    p.set_defaults(func=_cmd_collect)

    p = sub.add_parser("collect-exchange", help="collect nbgrader's exchange inbound folder "
                       "into SUBMITTED/<student>/<assignment>/ without following links "
                       "(instead of `nbgrader collect`; instructor)")
    p.add_argument("inbound", help="the exchange's EXCHANGE/<course>/inbound folder")
    p.add_argument("--assignment", required=True, help="the assignment (sprintN)")
    p.add_argument("--out", required=True, help="the SUBMITTED folder to write")
    p.set_defaults(func=_cmd_collect)

    p = sub.add_parser("report", help="class report (HTML), CSV export and per-student pages "
                                      "from a grading folder (instructor)")
    p.add_argument("grading_dir")
    p.add_argument("--out", help="the report's HTML file (default GRADING_DIR/report.html)")
    p.add_argument("--threshold", type=float, default=0.5,
                   help="a student needs help below this fraction of the points (0.5)")
    p.add_argument("--submitted", help="where the learners' code is, for the class's own "
                                       "mistakes (default GRADING_DIR/submitted)")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("mistakes", help="the class's own mistakes: wrong answers grouped by "
                       "what they output; `mistakes promote GRADING EXERCISE GROUP --hint ...` "
                       "writes a known-mistake declaration to review (instructor)")
    p.add_argument("words", nargs="+", metavar="[promote] GRADING [EXERCISE GROUP]")
    p.add_argument("--exercise", action="append", help="only this exercise (repeatable)")
    p.add_argument("--code", action="store_true", help="show each group's representative code")
    p.add_argument("--json", action="store_true")
    p.add_argument("--hint", help="promote: the hint of the new known mistake")
    p.add_argument("--out", help="promote: the file to write (default "
                                 "GRADING/mistakes/EXERCISE-GROUP.py)")
    p.add_argument("--submitted", help="where the learners' code is (default GRADING/submitted)")
    p.set_defaults(func=_cmd_mistakes)

    p = sub.add_parser("similarity", help="code similarity of the graded functions, pairs "
                                          "ranked with side-by-side pages, for review "
                                          "(instructor)")
    p.add_argument("grading_dir")
    p.add_argument("--sprint", action="append", help="the sprint (repeatable; default: every "
                                                     "sprint submitted)")
    p.add_argument("--submitted", help="where the learners' code is (default GRADING/submitted)")
    p.add_argument("--out", help="the folder to write (default GRADING_DIR/similarity)")
    p.add_argument("--top", type=int, default=30, help="pairs listed and shown side by side")
    p.set_defaults(func=_cmd_similarity)

    p = sub.add_parser("gradescope", help="build a Gradescope autograder zip for a sprint "
                                          "(instructor)")
    p.add_argument("out_zip")
    p.add_argument("--sprint", required=True)
    p.add_argument("--salt", default=None, help="varies the hidden cases (keep it private; "
                   "default: a random one, kept in the bundle)")
    p.add_argument("--timeout", type=float, default=None, help="seconds per exercise")
    p.add_argument("--policy", help="the course's deadline policy (TOML), applied to each "
                   "submission's time from Gradescope's submission_metadata.json")
    p.add_argument("--roster", help="the course's roster (CSV with student and email): "
                   "names each submission's student for extensions and accommodations")
    p.set_defaults(func=_cmd_gradescope)

    p = sub.add_parser("pack", help="check your assignment folder and write the zip to upload")
    p.add_argument("sprint", nargs="?", help="the sprint (default: the notebook's, in an "
                                             "assignment folder)")
    p.add_argument("--student", help="your student id (default: $COURSE_STUDENT); it names "
                                     "the file: ID_sprintN.zip")
    p.add_argument("--folder", default=".", help="the assignment folder or course repository "
                                                 "(default: here)")
    p.add_argument("--out", help="where the zip goes (default: here)")
    p.add_argument("--partial", action="store_true",
                   help="pack even with unanswered questions or unfinished exercises")
    p.set_defaults(func=_cmd_pack)

    p = sub.add_parser("lms", help="grades as a Canvas, Moodle or generic gradebook import "
                                   "(instructor)")
    p.add_argument("grading_dir", help="the grading folder (its grades.csv)")
    p.add_argument("--roster", required=True, help="CSV: student plus the platform's ids "
                   "(name, canvas_id, sis_user_id, sis_login_id, section, email, idnumber, "
                   "username)")
    p.add_argument("--format", choices=("canvas", "moodle", "generic"), default="generic")
    p.add_argument("--moodle-id", choices=("email", "idnumber", "username"), default="email",
                   help="the column Moodle identifies users by (default email)")
    p.add_argument("--column", action="append", metavar="ASSIGNMENT=HEADER",
                   help="the column of an assignment, e.g. sprint1='Sprint 1 (4821)' for "
                        "Canvas assignment 4821 (repeatable; default: the assignment id)")
    p.add_argument("--late", action="store_true", help="insist on the final scores after "
                   "the late penalty (the default whenever grades.csv has the late columns)")
    p.add_argument("--raw", action="store_true", help="export the scores as graded, without "
                   "the late penalty")
    p.add_argument("--out", help="the file to write (default GRADING_DIR/grades-FORMAT.csv)")
    p.set_defaults(func=_cmd_lms)

    p = sub.add_parser("late", help="apply the course's deadlines, extensions and late "
                                    "penalties to grades.csv (instructor)")
    p.add_argument("grading_dir", help="the grading folder (its grades.csv and submitted/)")
    p.add_argument("--policy", help="the course's policy file (TOML; default: the copy "
                   "kept in GRADING_DIR/policy.toml)")
    p.add_argument("--submitted", help="where the submissions' timestamp.txt files are "
                                       "(default GRADING_DIR/submitted)")
    p.add_argument("--times", help="CSV of submission times (student, assignment, "
                                   "submitted_at), e.g. from the platform; it wins over "
                                   "timestamp.txt")
    p.add_argument("--out", help="write the CSV there instead of updating "
                   "GRADING_DIR/grades.csv in place")
    p.set_defaults(func=_cmd_late)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if hasattr(signal, "SIGPIPE"):  # `python -m autograder list | head` ends quietly
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    try:
        return args.func(args)
    except CourseError as exc:   # every command's own errors: a message, not a traceback
        print(_error(exc), file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())
