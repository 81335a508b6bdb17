"""Run the benchmarks and print each figure beside its floor and its target.

    uv run python -m tests.benchmarks              # everything, about two minutes
    uv run python -m tests.benchmarks --only fold  # or startup, append, list, cli, pdf, idle, note
    uv run python -m tests.benchmarks --quick      # smaller sizes, to check the harness

Databases go to a temporary folder; ``--dir`` puts it on the disk you want measured (durable
commits cost what that disk's flush costs).
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import sys
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from .bench_cli_start import bench_cli_start
from .bench_gui_note import bench_note
from .bench_idle import bench_idle
from .common import Figure, Workspace, render, workspace
from .startup import bench_startup
from .store import bench_append, bench_fold, bench_list


def _pdf(ws: Workspace, quick: bool) -> list[Figure]:
    # Imported here so that a broken or unfinished PDF module costs one figure, not the run.
    try:
        from .bench_pdf import bench_pdf
    except Exception as exc:
        return [Figure("postmortem PDF", "s", None, note=f"not available: {exc}")]
    if quick:
        return bench_pdf(ws, entries=300, messages=20, runs=1)
    return bench_pdf(ws)


FULL: dict[str, Callable[[Workspace], list[Figure]]] = {
    "startup": lambda ws: bench_startup(ws, runs=5),
    "append": lambda ws: bench_append(ws, notes=10_000),
    "fold": lambda ws: bench_fold(ws, events=5_000),
    "list": lambda ws: bench_list(ws, count=1_000),
    "cli": lambda ws: bench_cli_start(ws, count=1_000),
    "pdf": lambda ws: _pdf(ws, quick=False),
    "idle": lambda ws: bench_idle(ws),
    "note": lambda ws: bench_note(ws, events=5_000, notes=5),
}
QUICK: dict[str, Callable[[Workspace], list[Figure]]] = {
    "startup": lambda ws: bench_startup(ws, runs=1),
    "append": lambda ws: bench_append(ws, notes=300, warmup=10),
    "fold": lambda ws: bench_fold(ws, events=500, runs=3),
    "list": lambda ws: bench_list(ws, count=100, runs=3),
    "cli": lambda ws: bench_cli_start(ws, count=100, runs=1),
    "pdf": lambda ws: _pdf(ws, quick=True),
    "idle": lambda ws: bench_idle(ws, settle_s=2, measure_s=5),
    "note": lambda ws: bench_note(ws, events=300, notes=2),
}


def describe_machine(base: Path | None) -> str:
    try:
        qt = metadata.version("PySide6-Essentials")
    except metadata.PackageNotFoundError:
        qt = "?"
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, PySide6 {qt}; "
        f"databases in {base or 'the temporary folder'}"
    )


def load_warning() -> str:
    """Other busy processes inflate every figure here, the tails most: say so."""
    if not hasattr(os, "getloadavg"):
        return ""
    load = os.getloadavg()[0]
    if load < 0.5:
        return ""
    return (
        f"warning: load average {load:.2f} before starting; other processes are busy and the "
        "figures (p99 most) will be inflated"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks", description=__doc__)
    parser.add_argument("--only", action="append", choices=list(FULL), help="repeatable")
    parser.add_argument("--quick", action="store_true", help="small sizes, fast")
    parser.add_argument("--dir", type=Path, help="where to put the benchmark databases")
    args = parser.parse_args(argv)
    suite = QUICK if args.quick else FULL
    print(f"MIM Desk benchmarks: {describe_machine(args.dir)}", flush=True)
    warning = load_warning()
    if warning:
        print(warning, flush=True)
    figures: list[Figure] = []
    started = time.perf_counter()
    for name in args.only or list(suite):
        print(f"  running {name}...", flush=True)
        with workspace(args.dir) as ws:
            figures += suite[name](ws)
    print()
    print(render(figures))
    print(f"\n{time.perf_counter() - started:.0f} s in all.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
