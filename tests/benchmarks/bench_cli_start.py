"""CLI start: ``mimdesk list`` on a desk of many incidents, ``show`` and ``--version``.

Each run is a new process, timed from spawn to exit in the parent, with its output thrown
away. The floor is ``python -c "import sqlalchemy"`` started the same way: the least any
command that reads the database pays. The commands and the floor run in turns, one of each per
round, so that a burst of load from another process falls on all of them alike. Where the OS
reports a child's CPU time (``wait4``), the notes give it too: on a busy machine it moves far
less than the wall time.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from mimdesk.usecases import incidents

from .common import Figure, Workspace, median
from .store import build_incidents

TARGET_RATIO = 1.3  # of the floor, for list, show and --version alike
TIMEOUT_S = 60.0
FLOOR_COMMAND = ("-c", "import sqlalchemy")


class Failed(Exception):
    """A command exited non-zero: its figure would time an error message."""


def child_env(ws: Workspace) -> dict[str, str]:
    """The workspace's environment with a private bytecode cache, as startup.py sets it.

    An installed app starts from compiled bytecode; where PYTHONDONTWRITEBYTECODE is set
    (this dev container sets it) every start would compile SQLAlchemy and the app from source.
    The warm-up round fills the cache, without writing into the virtual environment.
    """
    env = dict(ws.env)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(ws.root / "pycache")
    return env


@dataclass(frozen=True)
class Run:
    wall_s: float
    cpu_s: float  # the child's user + system time; NaN where the OS does not say


def run_once(args: list[str], env: dict[str, str]) -> Run:
    """``python ARGS`` from spawn to exit."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, *args],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
        watchdog = threading.Timer(TIMEOUT_S, proc.kill)
        watchdog.start()
        try:
            if hasattr(os, "wait4"):
                _, status, usage = os.wait4(proc.pid, 0)
                elapsed = time.perf_counter() - started
                proc.returncode = os.waitstatus_to_exitcode(status)
                cpu = usage.ru_utime + usage.ru_stime
            else:  # Windows: no rusage for a child
                proc.wait()
                elapsed = time.perf_counter() - started
                cpu = math.nan
        finally:
            watchdog.cancel()
        if proc.returncode != 0:
            errors.seek(0)
            text = errors.read().decode("utf-8", "replace")
            tail = " | ".join(deque((ln for ln in text.splitlines() if ln.strip()), maxlen=3))
            raise Failed(f"`{' '.join(args)}` exited with status {proc.returncode}: {tail[-300:]}")
    return Run(elapsed, cpu)


def bench_cli_start(ws: Workspace, count: int = 1_000, runs: int = 9) -> list[Figure]:
    db = ws.root / "cli.sqlite3"
    app = ws.open(db.name)
    try:
        build_incidents(app.ctx, count)
        newest = incidents.list_incidents(app.ctx, "all")
        assert len(newest) == count, len(newest)
        reference = newest[0].reference
    finally:
        app.close()
    env = child_env(ws)
    commands: dict[str, list[str]] = {
        "floor": list(FLOOR_COMMAND),
        "list": _mimdesk(db, "list"),
        "show": _mimdesk(db, "show", reference),
        "--version": ["-m", "mimdesk", "--version"],
    }
    samples: dict[str, list[Run]] = {name: [] for name in commands}
    failed: dict[str, str] = {}
    for round_ in range(runs + 1):  # round 0 warms the disk and the bytecode cache
        for name, args in commands.items():
            if name in failed:
                continue
            try:
                run = run_once(args, env)
            except Failed as exc:
                failed[name] = str(exc)
                continue
            if round_:
                samples[name].append(run)
    floor = None if "floor" in failed else median([r.wall_s for r in samples["floor"]])
    target = round(floor * TARGET_RATIO, 3) if floor is not None else None
    how = (
        f"median of {runs} new processes after a warm-up, output discarded; floor: "
        f'`python -c "import sqlalchemy"`, same interpreter and bytecode cache; target '
        f"{TARGET_RATIO:g}x the floor"
    )
    labels = {
        "list": f"CLI start: list {count:,} incidents",
        "show": "CLI start: show",
        "--version": "CLI start: --version",
    }
    notes = {
        "list": f"`mimdesk --db DB list`; {how}",
        "show": f"`mimdesk --db DB show {reference}`, the newest incident",
        "--version": "`mimdesk --version`: no database opened",
    }
    floor_cpu = _cpu(samples["floor"])
    figures = []
    for name, label in labels.items():
        if name in failed:
            why = f"not available: {failed[name]}"
            figures.append(Figure(label, "s", None, floor, target, why))
            continue
        note = notes[name]
        cpu = _cpu(samples[name])
        if cpu is not None and floor_cpu:
            note += f"; child CPU {cpu:.3f} s against the floor's {floor_cpu:.3f} s"
            note += f" ({cpu / floor_cpu:.1f}x)"
        wall = median([r.wall_s for r in samples[name]])
        figures.append(Figure(label, "s", wall, floor, target, note))
    return figures


def _cpu(runs: list[Run]) -> float | None:
    """Median user + system time of the child, where the OS reports it."""
    known = [r.cpu_s for r in runs if not math.isnan(r.cpu_s)]
    return median(known) if known else None


def _mimdesk(db: Path, *args: str) -> list[str]:
    return ["-m", "mimdesk", "--db", str(db), *args]
