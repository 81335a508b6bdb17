"""Desks and proxies as real processes, for the hardening tests: ``mimdesk`` subprocesses
(with their peak memory), and :mod:`tests.sync.stall_proxy` to stop, kill and SIGSTOP
between a desk and the server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def desk_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "MIMDESK_FAULT"}
    env.update(PYTHONUNBUFFERED="1", **extra)
    return env


@dataclass
class Run:
    code: int
    out: str
    err: str
    max_rss_kb: int  # the child's peak resident set, from wait4 (Linux: kilobytes)


# Peak RSS from wait4 includes the address space the child was forked from (Linux keeps the
# high-water mark across exec), so the desk is started by a small launcher process, not by
# the test process, whose size would otherwise be counted.
_LAUNCHER = (
    "import os, subprocess, sys\n"
    "child = subprocess.Popen(sys.argv[1:])\n"
    "_pid, status, usage = os.wait4(child.pid, 0)\n"
    "sys.stderr.write(f'\\n@maxrss_kb={usage.ru_maxrss}\\n')\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n"
)
_MARK = "\n@maxrss_kb="


def mimdesk(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120, cwd: Path = ROOT
) -> Run:
    """``python -m mimdesk ARGS`` in a child process, with that process's own peak RSS."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _LAUNCHER, sys.executable, "-m", "mimdesk", *args],
        cwd=cwd,
        env=env or desk_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own group: a hung desk is killed with its launcher
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        raise AssertionError(f"mimdesk {' '.join(args)} hung: {err[-2000:]}") from None
    rss = "0"
    if _MARK in err:
        err, _, rss = err.rpartition(_MARK)
    return Run(proc.returncode, out, err, int(rss.strip() or 0))


def sync_once(db: Path, url: str, env: dict[str, str] | None = None, *extra: str) -> Run:
    return mimdesk("--db", str(db), "--shared", url, "sync", "--once", *extra, env=env)


def retry_until_ok(run: Callable[[], Run], deadline: float) -> tuple[Run, list[Run]]:
    """Call ``run()`` until it exits 0 or the monotonic ``deadline`` has passed."""
    attempts: list[Run] = []
    while True:
        result = run()
        attempts.append(result)
        if result.code == 0 or time.monotonic() > deadline:
            return result, attempts
        time.sleep(0.5)


class ProxyProcess:
    """:mod:`tests.sync.stall_proxy` in its own process."""

    def __init__(self, target_port: int, freeze_after: int | None = None) -> None:
        cmd = [sys.executable, "-m", "tests.sync.stall_proxy", str(target_port)]
        if freeze_after is not None:
            cmd += ["--freeze-after", str(freeze_after)]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.port = int(self.proc.stdout.readline())

    @property
    def pid(self) -> int:
        return self.proc.pid

    def state(self) -> str:
        """The kernel's one-letter state of the process: R, S, T (stopped), X (gone)."""
        try:
            stat = Path(f"/proc/{self.pid}/stat").read_text()
        except OSError:
            return "X"
        return stat.rsplit(")", 1)[1].split()[0]

    def wait_frozen(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.state() == "T":
                return True
            if self.proc.poll() is not None:
                return False
            time.sleep(0.05)
        return False

    def sigstop(self) -> None:
        self.proc.send_signal(signal.SIGSTOP)

    def sigcont(self) -> None:
        self.proc.send_signal(signal.SIGCONT)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.kill()
        self.proc.wait(10)


class Agent:
    """``mimdesk sync-agent`` in its own process; its status lines are kept."""

    def __init__(self, db: Path, url: str, *options: str, env: dict[str, str] | None = None):
        command = [sys.executable, "-m", "mimdesk", "--db", str(db), "--shared", url]
        self.proc = subprocess.Popen(
            [*command, "sync-agent", *options],
            cwd=ROOT,
            env=env or desk_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for_line(self, needle: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(needle in line for line in self.lines):
                return True
            if self.proc.poll() is not None:
                return False
            time.sleep(0.1)
        return False

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._reader.join(5)
        return self.proc.returncode
