"""``nbgrader autograde`` for one submission: its bookkeeping, without a kernel by default,
or with each notebook's kernel in the jail (``--execute-notebooks``)."""
from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...learner.check import GRADED_OUTSIDE
from ...learner.i18n import N_
from ...learner.notes import Note
from .. import course
from .submission import Submission
from .submitted import replace_notebook, same_code
from .text import printable

if TYPE_CHECKING:
    from ..jail import Jail


@contextmanager
def _quiet(log_path: Path) -> Iterator[None]:
    """Send what nbgrader's kernels and libraries print (file descriptor 2) to ``log_path``."""
    import warnings

    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(log_path, "ab") as fh, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            os.dup2(fh.fileno(), 2)
            try:
                yield
            finally:
                try:
                    sys.stderr.flush()
                except Exception:  # noqa: BLE001 - a replaced sys.stderr
                    pass
                os.dup2(saved, 2)
    finally:
        os.close(saved)


@contextmanager
def _env(**values: str) -> Iterator[None]:
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run_autograde(api: Any, sub: Submission, out_dir: Path, log_dir: Path, released: bytes,
                  execute: bool = True) -> None:
    """nbgrader autograde for one submission; never raises.

    ``execute=False``: the api was made with :func:`nbgrader_overrides` ``(execute=False)``,
    so nbgrader does its bookkeeping (restores the locked cells, scores the free-text cells,
    writes the gradebook rows and the autograded notebook) without starting a kernel.
    """
    folder = out_dir / "submitted" / sub.student / sub.assignment
    nb_out = out_dir / "autograded" / sub.student / sub.assignment / sub.sprint.notebook.name
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{sub.assignment}__{sub.student}.log"
    log_path.write_text("")
    attempt, locked = 0, 0
    while attempt < 2:
        attempt += 1
        try:
            with _env(COURSE_QUICK="1", **{GRADED_OUTSIDE: "1"}), _quiet(log_path), \
                    (_kernel_runtime(api, out_dir, log_path) if execute else nullcontext()):
                result = api.autograde(sub.assignment, sub.student, force=True, create=True)
        except Exception as exc:  # noqa: BLE001 - nbgrader must not stop the batch
            result = {"success": False, "error": f"{type(exc).__name__}: {exc}"}
        if not result.get("success") and "database is locked" in course.failure_text(result) \
                and locked < 5:
            locked += 1          # another worker was writing the SQLite gradebook: again
            attempt -= 1
            time.sleep(locked)
            continue
        with open(log_path, "a", encoding="utf-8") as fh:
            fh.write(f"--- nbgrader autograde, attempt {attempt}\n")
            fh.write((result.get("log") or "") + (result.get("error") or ""))
        if result.get("success") and nb_out.is_file():
            sub.autograded = True
            return
        why = Note.of(N_("nbgrader autograde failed ({error})"),
                      error=course.failure_text(result)[:300])
        if attempt == 1 and not sub.notebook_replaced and \
                not same_code(folder / sub.sprint.notebook.name, released):
            replace_notebook(sub, folder, released, why)
            continue
        sub.note(Note.of(N_("{why}: no autograded notebook or feedback; helper code graded"),
                         why=why))
        return


@contextmanager
def _kernel_runtime(api: Any, out_dir: Path, log_path: Path | None = None) -> Iterator[Path]:
    """A fresh folder for one kernel's connection file and Unix sockets (the jail's kernel).

    ``tempfile`` is where jupyter_client writes the connection file; the sockets go beside it.
    What the kernel printed outside its cells (``kernel.log`` there) is added to ``log_path``.
    """
    root = out_dir / ".jail" / "runtime"
    root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="k", dir=root))
    saved_tmp = tempfile.tempdir
    km = api.config.KernelManager
    saved_ip = km.get("ip")
    tempfile.tempdir = str(folder)
    if km.get("transport") == "ipc":
        km.ip = str(folder / "s")
    try:
        yield folder
    finally:
        tempfile.tempdir = saved_tmp
        if saved_ip is None:
            km.pop("ip", None)
        else:
            km.ip = saved_ip
        tail = _read_tail(folder / "kernel.log", 20000)   # the kernel could replace it
        if log_path is not None and tail is not None:
            with open(log_path, "a", encoding="utf-8") as fh:
                fh.write("--- the kernel's own output\n")
                fh.write(printable(tail.decode("utf-8", errors="replace")))
        shutil.rmtree(folder, ignore_errors=True)


def _read_tail(path: Path, limit: int) -> bytes | None:
    """The last ``limit`` bytes of a regular file, never following a link (None if not)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        os.lseek(fd, max(0, info.st_size - limit), os.SEEK_SET)
        return os.read(fd, limit)
    finally:
        os.close(fd)


def nbgrader_overrides(jail: Jail, out_dir: Path, execute: bool) -> dict[str, Any]:
    """nbgrader settings for grading: with ``execute``, each notebook runs in a kernel in
    ``jail`` (:func:`kernel_overrides`); without, autograde runs no kernel at all.

    Without a kernel, autograde keeps its bookkeeping (locked cells restored from the
    gradebook, free-text cells scored, the gradebook rows, the autograded notebook) and the
    notebook keeps the outputs the learner saved with it (capped and sanitised like a
    kernel's); every check cell's output is then replaced by the trusted result.
    """
    if execute:
        return kernel_overrides(jail, out_dir)
    from nbgrader.converters.autograde import Autograde
    from nbgrader.preprocessors import ClearOutput, Execute

    traits = Autograde.class_traits()
    return {"Autograde.sanitize_preprocessors":
            [p for p in traits["sanitize_preprocessors"].default() if p is not ClearOutput],
            "Autograde.autograde_preprocessors":
            [p for p in traits["autograde_preprocessors"].default() if p is not Execute]}


def kernel_overrides(jail: Jail, out_dir: Path) -> dict[str, Any]:
    """nbgrader settings that run each notebook's kernel in ``jail`` (see :mod:`.jail`)."""
    from .. import jail as jail_mod

    jupyter = out_dir / ".jail" / "jupyter"
    (out_dir / "autograded").mkdir(parents=True, exist_ok=True)
    (out_dir / ".jail" / "runtime").mkdir(parents=True, exist_ok=True)
    jail_mod.write_kernelspec(jupyter, jail, out_dir / "autograded", out_dir / ".jail" / "runtime")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        [str(jupyter)] + [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p])
    out = {"Execute.kernel_name": jail_mod.KERNEL_NAME}
    if jail.isolated:
        out["KernelManager.transport"] = "ipc"   # the kernel has no network: Unix sockets
    return out
