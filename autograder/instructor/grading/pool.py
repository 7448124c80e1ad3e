"""The worker pool: one forked process per submission, ``workers`` at a time, each with a
wall-clock limit."""
from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Iterable

from ...learner.i18n import N_
from ...learner.notes import Note
from ..trusted import _first_line
from .one_submission import Context, grade_submission, record_not_graded
from .state import not_graded, read_state
from .submission import Submission


def _worker(ctx: Context, subs: list[Submission], fps: dict[str, str]) -> None:
    """A forked process grading one student's submissions (never returns)."""
    code = 0
    try:
        os.setsid()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)   # the parent decides
        from ...learner import sandbox
        from .. import jail as jail_mod

        sandbox.set_launcher(jail_mod.child_launcher(ctx.jail))
        for sub in subs:
            try:
                grade_submission(ctx, sub, fps[sub.key])
            except Exception as exc:  # noqa: BLE001 - recorded, the others go on
                import traceback

                (ctx.out_dir / "logs").mkdir(exist_ok=True)
                with open(ctx.out_dir / "logs" / f"{sub.assignment}__{sub.student}.log",
                          "a", encoding="utf-8") as fh:
                    fh.write(traceback.format_exc())
                not_graded(sub, Note.of(N_("the grader failed on this submission ({error}: "
                                           "{detail})"), error=type(exc).__name__,
                                        detail=_first_line(str(exc), 200)))
                record_not_graded(ctx, sub, fps[sub.key])
    except BaseException:  # noqa: BLE001
        code = 1
    finally:
        sys.stdout.flush()
        os._exit(code)


def _kill(pid: int) -> None:
    """Kill a worker's session (the worker called ``setsid``: its pid is the group's id).

    A process group id is not reused while any member is alive, so this never reaches a
    stranger's process, even after the worker itself was reaped.
    """
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def warm_up(notebooks: Iterable[bytes]) -> None:
    """Import and initialise, once in the grading process, what every worker needs.

    Workers are forked from this process, one per submission: what is imported and cached
    here (nbformat's schema, nbconvert's HTML exporter and its Markdown, Pygments and
    bleach machinery) is not paid again for each submission (about a second each).
    """
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.filters.strings import clean_html

    for data in list(notebooks)[:1]:
        try:
            nb = nbformat.reads(data.decode("utf-8"), as_version=4)
            nbformat.validate(nb)
            HTMLExporter(template_name="classic").from_notebook_node(nb)
            clean_html("<p>warm</p>")
        except Exception:  # noqa: BLE001 - only a cache: the workers do it for real
            pass


def run_pool(ctx: Context, units: list[tuple[str, list[Submission]]], fps: dict[str, str],
             workers: int,
             student_timeout: float | None, progress: bool) -> None:
    """Grade each unit ``(label, [submissions])`` in a forked worker, ``workers`` at a time.

    A unit has ``student_timeout`` seconds (wall clock) for each of its submissions; past
    that its worker and everything it started are killed and its unfinished submissions are
    recorded as not graded.
    """
    from tqdm.auto import tqdm

    tqdm.monitor_interval = 0   # no monitor thread in a process that forks
    queue = list(units)
    running: dict[int, tuple[str, list[Submission], float]] = {}   # pid: label, subs, started
    bar = tqdm(total=sum(len(subs) for _, subs in queue), desc="grading", unit="submission",
               disable=not progress, file=sys.stderr)
    try:
        while queue or running:
            while queue and len(running) < workers:
                label, subs = queue.pop(0)
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:
                    _worker(ctx, subs, fps)
                running[pid] = (label, subs, time.monotonic())
            time.sleep(0.2)
            for pid, (label, subs, started) in list(running.items()):
                done, status = os.waitpid(pid, os.WNOHANG)
                limit = student_timeout * len(subs) if student_timeout else None
                late = limit and time.monotonic() - started > limit
                if not done and not late:
                    continue
                if not done:
                    _kill(pid)
                    try:
                        os.kill(pid, signal.SIGKILL)   # not reaped yet: still ours
                    except ProcessLookupError:
                        pass
                    os.waitpid(pid, 0)
                    why = Note.of(N_("grading took longer than the limit of {seconds} s (an "
                                     "endless loop or a far too slow notebook?)"),
                                  seconds=f"{limit:g}")
                else:
                    _kill(pid)   # whatever it left in its session
                    why = Note.of(N_("the grading process ended unexpectedly ({how})"),
                                  how=_wait_text(status))
                del running[pid]
                for sub in subs:
                    doc = read_state(ctx.out_dir, sub)
                    if doc is None or doc.get("fingerprint") != fps[sub.key]:
                        not_graded(sub, why)
                        record_not_graded(ctx, sub, fps[sub.key])
                bar.update(len(subs))
                bar.set_postfix_str(label)
    except BaseException:
        for pid in running:
            _kill(pid)
        raise
    finally:
        bar.close()


def _wait_text(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit status {os.WEXITSTATUS(status)}"
