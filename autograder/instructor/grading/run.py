"""``python -m autograder grade``: the entry point that ties the steps together."""
from __future__ import annotations

import os
import sys
import time
from collections.abc import Collection
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from ...learner.i18n import N_
from ...learner.notes import Note
from ...learner.sprints import sprint_key
from .. import course
from ..policy import PolicyError, after_grading, course_policy
from ..trusted import prepare_sprint, student_salt
from .gradebook import ensure_students
from .nbgrader_run import nbgrader_overrides
from .one_submission import Context
from .pool import run_pool, warm_up
from .results import write_csv
from .state import _restore_or_not_graded, fingerprint, grader_version, not_graded, read_state
from .submitted import find_submissions
from .summary import build_summary, render_summary, write_summary
from .text import printable

STUDENT_TIMEOUT = 600.0        # wall-clock seconds for grading one submission


UNJAILED = 3   # grade's exit status when learner code ran without the jail (asked for)


def grade(submitted_dir: Path, out_dir: Path, *, salt: str | None = None,
          timeout: float | None = None, sprints: Collection[str] | None = None,
          repo: Path | None = None, stream: TextIO | None = None,
          workers: int | None = None, student_timeout: float | None = None,
          db_url: str | None = None, regrade: Collection[str] | None = None,
          progress: bool | None = None,
          no_jail: bool = False, policy: Path | None = None,
          execute_notebooks: bool = False) -> int:
    """Grade ``submitted_dir/<student>/<assignment>/`` into the course folder ``out_dir``.

    Submissions are graded in parallel (``workers`` processes, default: the machine's cores),
    each within ``student_timeout`` seconds (default :data:`STUDENT_TIMEOUT`). A submission
    already graded with the same files and salt (``OUT/state/``) is not graded again, so a
    killed run resumes; ``regrade=[students]`` grades those students again and nobody else.
    ``db_url``: the gradebook's database (default SQLite ``OUT/gradebook.db``). ``salt``:
    varies the hidden cases; by default the course folder's own random salt
    (:func:`course.course_salt`, made on the first run and kept there).

    Learner code runs in the jail of :mod:`autograder.instructor.jail`. Where it cannot (no
    bubblewrap), grading **refuses to start** unless ``no_jail`` (``--no-jail``) or
    ``COURSE_JAIL=none`` says to run learner code unjailed; the summary then says so first.

    ``policy``: the course's deadlines (:mod:`autograder.instructor.policy`), applied to grades.csv
    and kept in ``out_dir`` (a later run applies the kept copy again).

    Returns 0 when every submission was graded or recorded with the reason it could not be
    (the summary lists them), 1 when the grader itself failed or refused to start, and
    :data:`UNJAILED` (3) when grading finished but learner code ran without the jail.
    """
    from .. import jail as jail_mod

    stream = stream or sys.stdout
    start = time.perf_counter()
    submitted_dir = Path(submitted_dir).resolve()
    out_dir = Path(out_dir).resolve()
    if not submitted_dir.is_dir():
        print(f"error: no folder {submitted_dir}", file=sys.stderr)
        return 1
    if submitted_dir.is_relative_to(out_dir / "submitted") or out_dir.is_relative_to(
            submitted_dir):
        print(f"error: {submitted_dir} and {out_dir} overlap: grading rewrites the course's "
              "submitted/ folder, so collect into another folder (or pass a copy), and keep "
              "--out outside the submissions", file=sys.stderr)
        return 1
    if no_jail:
        jail = jail_mod.Jail("none", "--no-jail: learner code ran WITHOUT isolation (it "
                                     "could read the reference and write wherever the grader "
                                     "can)")
    else:
        try:
            jail = jail_mod.detect()
        except RuntimeError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        if not jail.isolated and os.environ.get("COURSE_JAIL", "").strip().lower() != "none":
            print(f"error: refusing to grade: {jail.warning}. To run learner code unjailed "
                  "anyway (only on a machine and data you can afford to lose), pass "
                  "--no-jail or set COURSE_JAIL=none.", file=sys.stderr)
            return 1
    try:
        available = {s.id: s for s in course.discover_sprints(repo=repo)}
        if sprints:
            course.discover_sprints(sprints, repo=repo)   # an unknown sprint: a clear error
        subs, skipped = find_submissions(submitted_dir, available, sprints)
        if regrade:
            unknown = sorted(set(regrade) - {s.student for s in subs})
            if unknown:
                print(f"error: --regrade {', '.join(unknown)}: no such student in "
                      f"{submitted_dir}", file=sys.stderr)
                return 1
            subs = [s for s in subs if s.student in set(regrade)]
        if not subs:
            print(f"error: nothing to grade in {submitted_dir} (expected "
                  f"<student>/<assignment>/ with assignments among "
                  f"{', '.join(available) or 'none'})", file=sys.stderr)
            for p in skipped:
                print(f"  {printable(p.render(), keep='')}", file=sys.stderr)
            return 1
        wanted = sorted({s.assignment for s in subs}, key=sprint_key)
        out_dir, _, built = course.build(out_dir, wanted, repo=repo, db_url=db_url)
        if not jail.isolated:
            print(f"WARNING: {jail.warning}", file=sys.stderr)
        salt_given = salt is not None
        salt = course.course_salt(out_dir, salt)
        rules = course_policy(out_dir, policy)       # the course's deadlines and [hidden]
        now = datetime.now(UTC)             # the grader's clock, never a submission's
        revealed = {a for a in {s.assignment for s in subs} if rules and rules.reveals(a, now)}
        per_student = bool(rules and rules.hidden.per_student)
        # the feedback of a run with kernels differs (its outputs): a switch regrades
        version = grader_version(repo) + ("+executed" if execute_notebooks else "")
        api = course.nbgrader_api(out_dir, nbgrader_overrides(jail, out_dir,
                                                              execute_notebooks))
        sprint_of = {s.id: s for s in built}
        released = {s.id: (out_dir / "release" / s.id / s.notebook.name).read_bytes()
                    for s in built}
        for sub in subs:
            sub.sprint = sprint_of[sub.assignment]
        (out_dir / "logs").mkdir(parents=True, exist_ok=True)

        fps = {}
        for sub in list(subs):
            try:
                fps[sub.key] = fingerprint(
                    submitted_dir / sub.student / sub.assignment,
                    (student_salt(salt, sub.student) if per_student else salt)
                    + ("\0revealed" if sub.assignment in revealed else ""),
                    released[sub.assignment], version)
            except Exception as exc:  # noqa: BLE001 - this submission only
                subs.remove(sub)
                skipped.append(Note.of(N_("{folder}: could not be read ({error}), not graded"),
                                       folder=sub.key, error=type(exc).__name__))
        todo, resumed, stale = [], 0, 0
        for sub in subs:
            doc = None if regrade else read_state(out_dir, sub)
            stale += bool(doc and doc.get("version") != version and
                          doc.get("fingerprint") != fps[sub.key])
            if doc and doc.get("fingerprint") == fps[sub.key] and \
                    doc.get("status") in ("graded", "not graded"):
                _restore_or_not_graded(sub, doc)
                resumed += 1
            else:
                todo.append(sub)
        # One submission per worker, sprint by sprint: a slow or hanging student's sprints
        # spread over the workers instead of holding one of them to the end.
        units = [(sub.key, [sub]) for sub in sorted(
            todo, key=lambda s: (sprint_key(s.assignment), s.student))]
        ensure_students(api, sorted({s.student for s in todo}))
        prepared = {sid: prepare_sprint(sprint_of[sid].exercises, salt, sid in revealed)
                    for sid in sorted({s.assignment for s in todo}, key=sprint_key)}
        ctx = Context(submitted_dir, out_dir, api, released, prepared, jail, timeout, version,
                      salt, per_student, execute_notebooks)
        warm_up(released.values())
        workers = max(1, workers or os.cpu_count() or 1)
        limit = STUDENT_TIMEOUT if student_timeout is None else student_timeout
        run_pool(ctx, units, fps, workers, limit or None,
                 progress if progress is not None else stream is sys.stdout)
        for sub in todo:
            doc = read_state(out_dir, sub)
            if doc is None:
                not_graded(sub, Note.of(N_("no result was recorded")))
            else:
                _restore_or_not_graded(sub, doc)

        course_problems = sorted({p for s in subs for p in s.course_problems})
        write_csv(out_dir / "grades.csv", subs)
        # the course's deadlines: grades.csv's late columns (autograder/instructor/policy.py)
        record = build_summary(
            subs, skipped, course_problems, out_dir, time.perf_counter() - start,
            resumed=resumed, stale=stale, grader_version=version, own_salt=not salt_given,
            unjailed="" if jail.isolated else jail.warning,
            deadlines=after_grading(out_dir, policy) or "")
        write_summary(out_dir, record)
        text = render_summary(record)
        print(text, file=stream)
        if course_problems:
            return 1
        return 0 if jail.isolated else UNJAILED
    except (RuntimeError, PolicyError) as exc:   # CourseError, JailError are RuntimeErrors
        print(f"error: {printable(str(exc))}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - said plainly, with the traceback in the logs
        import traceback

        log = out_dir / "logs" / "grader.log"
        try:
            log.parent.mkdir(parents=True, exist_ok=True)
            with open(log, "a", encoding="utf-8") as fh:
                fh.write(traceback.format_exc())
        except OSError:
            pass
        print(f"error: the grader failed ({type(exc).__name__}: {printable(str(exc))[:300]});"
              f" details in {log}", file=sys.stderr)
        return 1
