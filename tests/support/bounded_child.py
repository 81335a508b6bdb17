"""Run a command as a child process that cannot take the machine down with it.

A regression in a test of hostile input would otherwise exhaust this machine's memory or hang
the run: the child gets an address-space limit (RLIMIT_AS) and is killed after a timeout, and
the result reports its own peak resident memory (from wait4, so no other child counts).
POSIX only: ``resource`` and ``os.wait4`` do not exist on Windows.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

GIB = 1 << 30


@dataclass(frozen=True)
class Finished:
    code: int
    out: str
    err: str
    peak_rss_mb: float
    timed_out: bool

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()


def run_bounded(
    args: Sequence[str],
    *,
    env: Mapping[str, str],
    memory: int = GIB,
    timeout: float = 30.0,
    file_size: int | None = None,
) -> Finished:
    """Run ``args`` with at most ``memory`` bytes of address space (and files of at most
    ``file_size`` bytes: a disk that is full), killed after ``timeout`` seconds."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        if file_size is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(args, stdout=out, stderr=err, env=dict(env), preexec_fn=limit)
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            proc.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)  # Popen must not wait for it again
        out.seek(0)
        err.seek(0)
        return Finished(
            code=proc.returncode,
            out=out.read().decode("utf-8", "replace"),
            err=err.read().decode("utf-8", "replace"),
            peak_rss_mb=usage.ru_maxrss / (2**20 if sys.platform == "darwin" else 2**10),
            timed_out=killed.is_set(),
        )
