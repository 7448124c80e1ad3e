"""Run learner code in a separate, limited child process (the grader's side).

The grader never imports a learner's module. It copies the learner's ``helpers/*.py`` files
into a fresh job folder (with a trusted ``helpers/__init__.py``), writes the case inputs with
:mod:`autograder.learner.sandbox_child`'s wire format, and starts::

    python -I sandbox_child.py JOB_DIR

``-I`` keeps the environment, the user's site-packages and the current folder off
``sys.path``; the child imports NumPy before the learner's folder is on the path, so a
``numpy/`` folder shipped in a submission is never imported. The child has a time limit (its
whole process group is killed past it), a memory limit and a file-size limit. Only plain
values cross back, read without unpickling.
"""
from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO, Protocol, cast

from . import limits, sandbox_child
from .verdict import ended_words, exit_words, startup_words, timeout_words

CHILD_SCRIPT = Path(sandbox_child.__file__).resolve()
DEFAULT_TIMEOUT = 20.0          # seconds for all cases of one exercise (one job)
STARTUP_LIMIT = 60.0            # seconds for the child's own start-up, before any learner code
DEFAULT_MEMORY = 4 * 1024 ** 3  # bytes of address space
DEFAULT_FILE_SIZE = 256 * 1024 ** 2

_TRUSTED_INIT = '"""Your helper package (a copy made by the course checker)."""\n'


class Launcher(Protocol):
    """Starts the child: given its command, job folder and limits, the command to run and
    the ``preexec_fn`` to run it with."""

    def __call__(self, cmd: list[str], job_dir: Path, *, memory: int, cpu: int,
                 file_size: int) -> tuple[list[str], Callable[[], None]]: ...


#: How the child is started. ``None``: ``python -I`` with the limits of :mod:`.limits` (the
#: learner's own checker). The instructor's grader installs a launcher with
#: :func:`set_launcher` that isolates the child further (``autograder.instructor.jail``): it gets
#: the command, the job folder and the limits, and returns ``(command, preexec_fn)``.
_launcher: Launcher | None = None


def set_launcher(launcher: Launcher | None) -> Launcher | None:
    """Start children with ``launcher(cmd, job_dir, memory=, cpu=, file_size=)``; returns the
    previous launcher (``None``: the default)."""
    global _launcher
    old, _launcher = _launcher, launcher
    return old


MAX_RESULT_JSON = 64 * 1024 ** 2    # bytes of one job's result tree
MAX_RESULT_ARRAYS = 256 * 1024 ** 2  # bytes of one job's arrays, once loaded
MAX_LOG_TAIL = 4000


class UnreadableResult(Exception):
    """A result file the grader refuses to read; the message is the grader's own words."""


@dataclass
class RunResult:
    """What came back from one run of the child: one entry per case, or a crash."""

    #: per case, the child's report as it sent it (learner data: read by
    #: :meth:`CaseReport.read`)
    results: list[Any] = field(default_factory=list)
    crashed: str | None = None     # why no result came back (timeout, killed, exit code)
    seconds: float = 0.0
    #: what kind of crash: "timeout", "crashed" (the process ended) or "unreadable"
    crash_kind: str = ""


#: What the child may report on a case (:func:`sandbox_child.run_job`).
CHILD_STATUSES = frozenset({"ok", "not_implemented", "import_error", "missing", "error",
                            "unreadable"})


@dataclass(frozen=True)
class CaseReport:
    """What the child reported on one case, read defensively: learner code ran in the child
    and may have written anything in its place. Texts are the learner's (a traceback, a
    stub's message): shown only through the one rendering policy (:mod:`.verdict`)."""

    status: str                          # one of CHILD_STATUSES
    outputs: dict[str, Any] = field(default_factory=dict)   # "ok": output name -> value
    mutated: tuple[str, ...] = ()        # "ok": the inputs changed in place
    aliased: tuple[str, ...] = ()        # "ok": the outputs that are an input array itself
    message: str = ""                    # what the error or the stub said
    error_type: str = ""                 # "error": the exception's class name ...
    error_bases: tuple[str, ...] = ()    # ... and those of its bases
    raised_in: str = ""                  # "not_implemented": the helper module ...
    raised_by: str = ""                  # ... and the function that raised
    syntax_line: int = 0                 # "import_error" of a SyntaxError: its line ...
    syntax_message: str = ""             # ... and Python's words for it

    @classmethod
    def read(cls, raw: Any) -> CaseReport:
        """The report in ``raw`` (one entry of :attr:`RunResult.results`), or an
        ``unreadable`` one when it has not the form the child writes."""
        if not isinstance(raw, dict) or raw.get("status") not in CHILD_STATUSES:
            return cls("unreadable")
        if raw["status"] == "ok" and not (isinstance(raw.get("outputs"), dict) and isinstance(
                raw.get("mutated", []), list) and isinstance(raw.get("aliased", []), list)):
            return cls("unreadable")

        def text(value) -> str:
            return value if isinstance(value, str) else ""

        def texts(value) -> tuple[str, ...]:
            return tuple(map(text, value)) if isinstance(value, list) else ()

        outputs = raw.get("outputs")
        return cls(raw["status"], outputs if isinstance(outputs, dict) else {},
                   texts(raw.get("mutated")), texts(raw.get("aliased")), text(raw.get("message")),
                   text(raw.get("error_type")), texts(raw.get("error_bases")),
                   text(raw.get("raised_in")), text(raw.get("raised_by")),
                   line if isinstance(line := raw.get("syntax_line"), int) else 0,
                   text(raw.get("syntax_message")))


def _open_regular(path: Path, limit: int) -> BinaryIO:
    """A file object for ``path`` if it is a regular file of at most ``limit`` bytes.

    Opened without following a symbolic link and without blocking on a FIFO, then checked
    with ``fstat`` on what was opened: a link, a FIFO, a device or a file too large is
    refused with :class:`UnreadableResult`.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        raise UnreadableResult("a result file could not be opened (replaced by a link?)") \
            from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise UnreadableResult("a result file is not a regular file (a link, a FIFO or a "
                               "device was put in its place)")
    if info.st_size > limit:
        os.close(fd)
        raise UnreadableResult(f"a result file is larger than {limit // 1024 ** 2} MiB")
    return os.fdopen(fd, "rb")


def _read_capped(fh: BinaryIO, limit: int) -> bytes:
    data = fh.read(limit + 1)
    if len(data) > limit:
        raise UnreadableResult(f"a result file is larger than {limit // 1024 ** 2} MiB")
    return data


def _check_npy_header(member: IO[bytes], limit: int) -> int:
    """The bytes one ``.npy`` member of an archive will take, from its header (not loaded)."""
    from numpy.lib import format as npy

    try:
        version = npy.read_magic(member)
        header = (npy.read_array_header_1_0 if version == (1, 0) else
                  npy.read_array_header_2_0)(member, max_header_size=10000)
        shape, _, dtype = header
        count = 1
        for n in shape:
            count *= int(n)
    except Exception:  # noqa: BLE001 - a malformed header: refused below in our words
        raise UnreadableResult("an array in the result is malformed") from None
    if dtype.hasobject or dtype.kind not in "biuf":
        raise UnreadableResult("an array in the result has a dtype the checker does not read")
    size = count * max(dtype.itemsize, 1)
    if size > limit or count < 0:
        raise UnreadableResult(f"an array in the result would take more than "
                               f"{limit // 1024 ** 2} MiB")
    return size


def read_result(job_dir: Path, index: int) -> Any:
    """Job ``index``'s results as written by the child, read defensively.

    Only regular files, opened without following links, at most :data:`MAX_RESULT_JSON` for
    the tree; every ``.npy`` header of the archive is checked (shape × itemsize, and the
    member's stored size) before anything is loaded, the arrays together at most
    :data:`MAX_RESULT_ARRAYS`. Raises :class:`UnreadableResult` (the grader's own words, never
    text of the files) otherwise.
    """
    import io
    import json
    import zipfile

    import numpy as np

    path_json, path_npz = sandbox_child.result_paths(job_dir, index)
    with _open_regular(path_json, MAX_RESULT_JSON) as fh:
        raw = _read_capped(fh, MAX_RESULT_JSON)
    with _open_regular(path_npz, MAX_RESULT_ARRAYS) as fh:
        blob = _read_capped(fh, MAX_RESULT_ARRAYS)
    try:
        doc = json.loads(raw)
    except ValueError:
        raise UnreadableResult("the result is not valid JSON") from None
    if not isinstance(doc, dict) or doc.get("wire") != sandbox_child.WIRE_VERSION:
        raise UnreadableResult("the result is not in the checker's format")
    arrays: dict[str, np.ndarray] = {}
    total = 0
    try:
        archive = zipfile.ZipFile(io.BytesIO(blob))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnreadableResult("the result's arrays are not a valid archive") from None
    if len(infos) > 100_000:
        raise UnreadableResult("the result holds too many arrays")
    for info in infos:
        if not info.filename.endswith(".npy"):
            raise UnreadableResult("the result's archive holds a file that is not an array")
        total += info.file_size
        if total > MAX_RESULT_ARRAYS:
            raise UnreadableResult(f"the result's arrays take more than "
                                   f"{MAX_RESULT_ARRAYS // 1024 ** 2} MiB")
        try:
            with archive.open(info) as member:
                size = _check_npy_header(member, MAX_RESULT_ARRAYS)
                if size > info.file_size:   # the stored data must hold what the header says
                    raise UnreadableResult("an array in the result is truncated")
            with archive.open(info) as member:
                arrays[info.filename[:-4]] = np.lib.format.read_array(
                    member, allow_pickle=False, max_header_size=10000)
        except UnreadableResult:
            raise
        except Exception:  # noqa: BLE001 - bad CRC, truncated data...
            raise UnreadableResult("an array in the result could not be read") from None
    try:
        return sandbox_child.unpack(doc["tree"], arrays)
    except Exception:  # noqa: BLE001 - a tree that does not match its arrays
        raise UnreadableResult("the result is not in the checker's format") from None


def copy_learner_package(helpers_dir: Path, dest_pkg: Path,
                         overlay: dict[str, bytes] | None = None) -> None:
    """Copy the learner's ``.py`` files (only those) into ``dest_pkg/helpers``.

    ``overlay`` (``{module: source bytes}``) replaces those modules by the course's own.
    """
    target = dest_pkg / "helpers"
    target.mkdir(parents=True)
    for src in sorted(Path(helpers_dir).glob("*.py")):
        if src.name == "__init__.py" or src.is_symlink() or not src.is_file():
            continue
        shutil.copyfile(src, target / src.name)
    for module, source in (overlay or {}).items():
        (target / f"{module}.py").write_bytes(source)
    (target / "__init__.py").write_text(_TRUSTED_INIT)


@dataclass
class Job:
    """One helper and the cases to run it on: ``helpers.<module>.<name>(*case args)``."""

    module: str
    name: str
    cases: list[sandbox_child.Call]    # what the child runs of each case (``Case.call()``)
    timeout: float = DEFAULT_TIMEOUT   # seconds for all the cases of this job


def run_in_child(helpers_dir: Path, module: str, name: str, cases: list[sandbox_child.Call], *,
                 timeout: float = DEFAULT_TIMEOUT, memory: int = DEFAULT_MEMORY,
                 file_size: int = DEFAULT_FILE_SIZE) -> RunResult:
    """Run ``helpers.<module>.<name>`` on every case in a child process."""
    return run_jobs(helpers_dir, [Job(module, name, cases, timeout)], memory=memory,
                    file_size=file_size)[0]


def run_jobs(helpers_dir: Path, jobs: list[Job], *, memory: int = DEFAULT_MEMORY,
             file_size: int = DEFAULT_FILE_SIZE, overlay: dict[str, bytes] | None = None,
             ) -> list[RunResult]:
    """Run several jobs (a :class:`Job` per exercise) in as few child processes as possible.

    One child runs the jobs in order; each job keeps its own time limit. When a job ends the
    child (a hang past its limit, ``os._exit``, a crash, out of memory), that job gets the
    reason as its result and the jobs after it run in a fresh child: one exercise's crash
    never costs another exercise its result. ``overlay``: modules put in place of the
    learner's (:func:`copy_learner_package`). Returns one :class:`RunResult` per job.
    """
    results: list[RunResult | None] = [None] * len(jobs)
    first = 0
    while first < len(jobs):
        done, crashed, spent = _run_batch(Path(helpers_dir), jobs[first:], memory, file_size,
                                          overlay)
        for i, (res, seconds) in enumerate(zip(done, spent)):
            results[first + i] = RunResult(results=res, seconds=seconds)
        first += len(done)
        if crashed is not None:
            results[first] = RunResult(crashed=crashed[0], crash_kind=crashed[1],
                                       seconds=spent[len(done)])
            first += 1
    # every one is set: a batch runs its jobs until one of them ends the child
    return cast(list[RunResult], results)


def _run_batch(helpers_dir: Path, jobs: list[Job], memory: int, file_size: int,
               overlay: dict[str, bytes] | None = None,
               ) -> tuple[list[list[Any]], tuple[str, str] | None, list[float]]:
    """One child for ``jobs``: ``(results of the jobs that finished, why the next did not
    (or None), seconds per job)``."""
    with tempfile.TemporaryDirectory(prefix="course-check-") as tmp:
        job_dir = Path(tmp)
        copy_learner_package(helpers_dir, job_dir / "pkg", overlay)
        sandbox_child.save(job_dir / "job.json", job_dir / "inputs.npz",
                           {"jobs": [{"module": j.module, "name": j.name,
                                      "cases": [c.to_wire() for c in j.cases]}
                                     for j in jobs]})
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(job_dir),
               "LANG": "C.UTF-8", "MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1",
               "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0"}
        cmd = [sys.executable, "-I", "-X", "utf8", str(CHILD_SCRIPT), str(job_dir)]
        cpu = int(sum(j.timeout for j in jobs)) + 2
        if _launcher is None:
            preexec = limits.preexec(limits.Limits(memory=memory, cpu=cpu, file_size=file_size),
                                     processes=False)
        else:
            cmd, preexec = _launcher(cmd, job_dir, memory=memory, cpu=cpu, file_size=file_size)
        # The grader keeps the log's file object: what it reads back is what the child
        # wrote there, whatever the child did to the name ``child.log`` afterwards.
        log = tempfile.TemporaryFile(prefix="course-check-log-")
        start = time.perf_counter()
        with log:
            proc = subprocess.Popen(cmd, cwd=job_dir, env=env, stdin=subprocess.DEVNULL,
                                    stdout=log, stderr=subprocess.STDOUT, preexec_fn=preexec)
            done: list[list[Any]] = []    # per job that finished: its RunResult.results
            spent: list[float] = []
            crashed: str | None = None
            kind = ""
            job_start, started = start, False
            while crashed is None:
                exited = proc.poll() is not None
                # The first job's clock starts when the child says its own start-up (Python,
                # NumPy, the inputs) is done: on a busy machine that can take seconds, and
                # they are not the learner's.
                if not started:
                    started = os.path.lexists(job_dir / sandbox_child.READY)
                    if started:
                        job_start = time.perf_counter()
                    elif not exited:
                        if time.perf_counter() - start > STARTUP_LIMIT:
                            crashed = startup_words(STARTUP_LIMIT)
                            kind = "crashed"
                            break
                        time.sleep(0.01)
                        continue
                # Each job's results are read as soon as they are there (written atomically;
                # the JSON last). ``lexists``: a link planted under the name counts, and is
                # refused by the reader.
                while len(done) < len(jobs) and os.path.lexists(
                        sandbox_child.result_paths(job_dir, len(done))[0]):
                    now = time.perf_counter()
                    try:
                        doc = read_result(job_dir, len(done))
                        if not isinstance(doc, dict) or not isinstance(doc.get("results"), list):
                            raise UnreadableResult("the result is not in the checker's format")
                        done.append(doc["results"])
                    except UnreadableResult as exc:
                        crashed, kind = f"the result could not be read: {exc}", "unreadable"
                        break
                    spent.append(now - job_start)
                    job_start = now
                if crashed is not None or exited or len(done) == len(jobs):
                    break
                if time.perf_counter() - job_start > jobs[len(done)].timeout:
                    crashed = timeout_words(jobs[len(done)].timeout)
                    kind = "timeout"
                    break
                time.sleep(0.01)
            # Whatever the learner's code started (forked children) ends with the check.
            _kill_group(proc)
            proc.wait()
            if crashed is None and len(done) < len(jobs):
                log.seek(max(0, log.seek(0, os.SEEK_END) - MAX_LOG_TAIL))
                out = log.read(MAX_LOG_TAIL)
                tail = out.decode("utf-8", "replace").strip().splitlines()[-5:]
                crashed = ended_words(_describe_exit(proc.returncode), tail)
                kind = "crashed"
        if crashed is not None:
            spent.append(time.perf_counter() - job_start)   # the time of the job that failed
        return done, (crashed, kind) if crashed is not None else None, spent


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _describe_exit(code: int | None) -> str:
    return exit_words(code, signal.Signals(-code).name if code is not None and code < 0 else "")
