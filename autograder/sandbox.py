"""Run learner code in a separate, limited child process (the grader's side).

The grader never imports a learner's module. It copies the learner's ``helpers/*.py`` files
into a fresh job folder (with a trusted ``helpers/__init__.py``), writes the case inputs with
:mod:`autograder.sandbox_child`'s wire format, and starts::

    python -I sandbox_child.py JOB_DIR

``-I`` keeps the environment, the user's site-packages and the current folder off
``sys.path``; the child imports NumPy before the learner's folder is on the path, so a
``numpy/`` folder shipped in a submission is never imported. The child has a time limit (its
whole process group is killed past it), a memory limit and a file-size limit. Only plain
values cross back, read without unpickling.
"""
from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import sandbox_child

CHILD_SCRIPT = Path(sandbox_child.__file__).resolve()
DEFAULT_TIMEOUT = 20.0          # seconds for all cases of one exercise (one job)
DEFAULT_MEMORY = 4 * 1024 ** 3  # bytes of address space
DEFAULT_FILE_SIZE = 256 * 1024 ** 2

_TRUSTED_INIT = '"""Your helper package (a copy made by the course checker)."""\n'

#: How the child is started. ``None``: ``python -I`` with the limits of :func:`_limits` (the
#: learner's own checker). The instructor's grader installs a launcher with
#: :func:`set_launcher` that isolates the child further (``autograder.jail``): it gets the
#: command, the job folder and the limits, and returns ``(command, preexec_fn)``.
_launcher = None


def set_launcher(launcher):
    """Start children with ``launcher(cmd, job_dir, memory=, cpu=, file_size=)``; returns the
    previous launcher (``None``: the default)."""
    global _launcher
    old, _launcher = _launcher, launcher
    return old


@dataclass
class RunResult:
    """What came back from one run of the child: one entry per case, or a crash."""

    results: list = field(default_factory=list)
    crashed: str | None = None     # why no result came back (timeout, killed, exit code)
    seconds: float = 0.0


def _limits(memory: int, cpu_seconds: int, file_size: int):
    def apply():  # runs in the child between fork and exec
        os.setsid()
        for what, value in ((resource.RLIMIT_AS, memory), (resource.RLIMIT_CPU, cpu_seconds),
                            (resource.RLIMIT_FSIZE, file_size), (resource.RLIMIT_CORE, 0)):
            try:
                resource.setrlimit(what, (value, value))
            except (ValueError, OSError):
                pass
    return apply


def copy_learner_package(helpers_dir: Path, dest_pkg: Path) -> None:
    """Copy the learner's ``.py`` files (only those) into ``dest_pkg/helpers``."""
    target = dest_pkg / "helpers"
    target.mkdir(parents=True)
    for src in sorted(Path(helpers_dir).glob("*.py")):
        if src.name == "__init__.py" or not src.is_file():
            continue
        shutil.copyfile(src, target / src.name)
    (target / "__init__.py").write_text(_TRUSTED_INIT)


@dataclass
class Job:
    """One helper and the cases to run it on: ``helpers.<module>.<name>(*case args)``."""

    module: str
    name: str
    cases: list
    timeout: float = DEFAULT_TIMEOUT   # seconds for all the cases of this job


def run_in_child(helpers_dir: Path, module: str, name: str, cases: list[dict], *,
                 timeout: float = DEFAULT_TIMEOUT, memory: int = DEFAULT_MEMORY,
                 file_size: int = DEFAULT_FILE_SIZE) -> RunResult:
    """Run ``helpers.<module>.<name>`` on every case in a child process."""
    return run_jobs(helpers_dir, [Job(module, name, cases, timeout)], memory=memory,
                    file_size=file_size)[0]


def run_jobs(helpers_dir: Path, jobs: list, *, memory: int = DEFAULT_MEMORY,
             file_size: int = DEFAULT_FILE_SIZE) -> list:
    """Run several jobs (a :class:`Job` per exercise) in as few child processes as possible.

    One child runs the jobs in order; each job keeps its own time limit. When a job ends the
    child (a hang past its limit, ``os._exit``, a crash, out of memory), that job gets the
    reason as its result and the jobs after it run in a fresh child: one exercise's crash
    never costs another exercise its result. Returns one :class:`RunResult` per job.
    """
    results: list = [None] * len(jobs)
    first = 0
    while first < len(jobs):
        done, crashed, spent = _run_batch(Path(helpers_dir), jobs[first:], memory, file_size)
        for i, (res, seconds) in enumerate(zip(done, spent)):
            results[first + i] = RunResult(results=res, seconds=seconds)
        first += len(done)
        if crashed is not None:
            results[first] = RunResult(crashed=crashed, seconds=spent[len(done)])
            first += 1
    return results


def _run_batch(helpers_dir: Path, jobs: list, memory: int, file_size: int):
    """One child for ``jobs``: ``(results of the jobs that finished, why the next did not
    (or None), seconds per job)``."""
    with tempfile.TemporaryDirectory(prefix="course-check-") as tmp:
        job_dir = Path(tmp)
        copy_learner_package(helpers_dir, job_dir / "pkg")
        sandbox_child.save(job_dir / "job.json", job_dir / "inputs.npz",
                           {"jobs": [{"module": j.module, "name": j.name, "cases": j.cases}
                                     for j in jobs]})
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(job_dir),
               "LANG": "C.UTF-8", "MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1",
               "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0"}
        cmd = [sys.executable, "-I", "-X", "utf8", str(CHILD_SCRIPT), str(job_dir)]
        cpu = int(sum(j.timeout for j in jobs)) + 2
        if _launcher is None:
            preexec = _limits(memory, cpu, file_size)
        else:
            cmd, preexec = _launcher(cmd, job_dir, memory=memory, cpu=cpu, file_size=file_size)
        log_path = job_dir / "child.log"
        start = time.perf_counter()
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(cmd, cwd=job_dir, env=env, stdin=subprocess.DEVNULL,
                                    stdout=log, stderr=subprocess.STDOUT, preexec_fn=preexec)
        done, spent, crashed = [], [], None
        job_start = start
        while crashed is None:
            exited = proc.poll() is not None
            # Each job's results are read as soon as they are there (written atomically).
            while len(done) < len(jobs) and \
                    sandbox_child.result_paths(job_dir, len(done))[0].exists():
                now = time.perf_counter()
                try:
                    doc = sandbox_child.load(*sandbox_child.result_paths(job_dir, len(done)))
                    done.append(doc["results"])
                except Exception as exc:  # noqa: BLE001 - whatever the child left behind
                    crashed = f"the result could not be read ({type(exc).__name__}: {exc})"
                    break
                spent.append(now - job_start)
                job_start = now
            if crashed is not None or exited or len(done) == len(jobs):
                break
            if time.perf_counter() - job_start > jobs[len(done)].timeout:
                crashed = (f"stopped after {jobs[len(done)].timeout:g} s: the code did not "
                           "finish in time (an endless loop, or far too slow?)")
                break
            time.sleep(0.01)
        # Whatever the learner's code started (forked children) ends with the check.
        _kill_group(proc)
        proc.wait()
        if crashed is None and len(done) < len(jobs):
            out = log_path.read_bytes()[-4000:]
            tail = out.decode("utf-8", "replace").strip().splitlines()[-5:]
            crashed = (f"the checker's process ended without a result "
                       f"({_describe_exit(proc.returncode)})" +
                       (":\n  " + "\n  ".join(tail) if tail else ""))
        if crashed is not None:
            spent.append(time.perf_counter() - job_start)   # the time of the job that failed
        return done, crashed, spent


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "still running"
    if code < 0:
        sig = signal.Signals(-code).name
        extra = {"SIGKILL": ", out of memory or killed", "SIGXCPU": ", CPU time limit",
                 "SIGXFSZ": ", wrote too large a file", "SIGSEGV": ", crashed"}.get(sig, "")
        return f"signal {sig}{extra}"
    if code == 0:
        return "exit status 0 before writing its result: did the code call sys.exit or os._exit?"
    return f"exit status {code}: did the code call sys.exit, or run out of memory?"
