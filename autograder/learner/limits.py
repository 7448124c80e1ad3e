"""Resource limits of a process that runs learner code, set between fork and exec.

One implementation for every such process: the learner's own check child
(:mod:`autograder.learner.sandbox`), and on the grading machine the jailed child and the
notebook's kernel (:mod:`autograder.instructor.jail`). Standard library only.
"""
from __future__ import annotations

import os
import resource
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Resource limits for one learner process tree (bytes, seconds, processes)."""

    memory: int = 4 * 1024 ** 3        # RLIMIT_AS: address space of each process
    cpu: int = 60                      # RLIMIT_CPU: CPU seconds of each process
    file_size: int = 256 * 1024 ** 2   # RLIMIT_FSIZE: the largest file it may write
    processes: int = 64                # RLIMIT_NPROC: processes and threads of its user

    def apply(self, *, processes: bool = True) -> None:
        """Set the limits on the calling process (between fork and exec, or before exec),
        and no core files. ``processes=False`` leaves the process count alone (it counts
        every process of the user id: without a user id of its own, the caller's too)."""
        pairs = [(resource.RLIMIT_AS, self.memory), (resource.RLIMIT_CPU, self.cpu),
                 (resource.RLIMIT_FSIZE, self.file_size), (resource.RLIMIT_CORE, 0)]
        if processes:
            pairs.append((resource.RLIMIT_NPROC, self.processes))
        for what, value in pairs:
            try:
                resource.setrlimit(what, (value, value))
            except (ValueError, OSError):
                pass


def preexec(limits: Limits, *, processes: bool) -> Callable[[], None]:
    """A ``preexec_fn``: a new session (the caller kills the whole group) and ``limits``."""
    def apply() -> None:  # runs in the child between fork and exec
        os.setsid()
        limits.apply(processes=processes)
    return apply
