"""Cold start to the main window's first paint, and the memory it takes to get there.

Each run is a new process. The parent notes the time just before spawning it and the time the
child's ``first-paint`` line arrives (the app prints it when ``MIMDESK_STARTUP_PROBE`` is set;
see ``mimdesk/gui/startup_probe.py``); the child then quits. Peak memory is the child's RSS
high-water mark, read from the kernel when the child is reaped. The floor is an empty PySide6
window started the same way.
"""

from __future__ import annotations

import importlib.util
import math
import os
import queue
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from mimdesk import demo

from .common import Figure, Workspace, median

START_TARGET_S = 0.5
MEMORY_TARGET_MIB = 150.0
TIMEOUT_S = 30.0
FLOOR_SCRIPT = Path(__file__).with_name("empty_window.py")


class Unavailable(Exception):
    """The figure cannot be measured here; the message says why."""


@dataclass(frozen=True)
class Run:
    wall_s: float  # parent side: spawn to the first-paint line
    child_s: float  # child side: process start to first paint (NaN without psutil)
    peak_mib: float | None
    cpu_s: float = math.nan  # child side: CPU time used until the first paint


def qt_platform() -> str:
    """Offscreen where there is no display (CI, this container), else the native platform."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return os.environ["QT_QPA_PLATFORM"]
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return "offscreen"
    return ""


def _pump(stream: object, sink: queue.Queue[tuple[float, str | None]]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        sink.put((time.perf_counter(), line))
    sink.put((time.perf_counter(), None))


def run_once(command: list[str], env: dict[str, str]) -> Run:
    lines: queue.Queue[tuple[float, str | None]] = queue.Queue()
    errors: deque[str] = deque(maxlen=15)
    started = time.perf_counter()
    proc = subprocess.Popen(
        command,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True).start()
    threading.Thread(target=errors.extend, args=(proc.stderr,), daemon=True).start()
    painted: tuple[float, float, float] | None = None
    deadline = started + TIMEOUT_S
    while painted is None:
        try:
            at, line = lines.get(timeout=max(0.0, deadline - time.perf_counter()))
        except queue.Empty:
            proc.kill()
            proc.wait()
            raise Unavailable(f"no first paint within {TIMEOUT_S:.0f} s{_tail(errors)}") from None
        if line is None:
            code = proc.wait()
            raise Unavailable(
                f"the app exited (status {code}) without printing 'first-paint'; the GUI must "
                f"call mimdesk.gui.startup_probe.install(window){_tail(errors)}"
            )
        if line.startswith("first-paint"):
            parts = line.split()
            child = float(parts[1]) if len(parts) > 1 else math.nan
            cpu = float(parts[3]) if len(parts) > 3 and parts[2] == "cpu" else math.nan
            painted = (at - started, child, cpu)
    peak = _reap(proc)
    return Run(painted[0], painted[1], peak, painted[2])


def _tail(errors: deque[str]) -> str:
    text = " | ".join(line.strip() for line in errors if line.strip())
    return f" (stderr: {text[-400:]})" if text else ""


def _reap(proc: subprocess.Popen[str]) -> float | None:
    """Wait for the child and return its peak RSS in MiB, where the OS tells it."""
    deadline = time.perf_counter() + TIMEOUT_S
    if hasattr(os, "wait4"):
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                proc.returncode = os.waitstatus_to_exitcode(status)
                # ru_maxrss is KiB on Linux, bytes on macOS.
                scale = 1 if sys.platform == "darwin" else 1024
                return usage.ru_maxrss * scale / 2**20
            if time.perf_counter() > deadline:
                proc.kill()
            time.sleep(0.005)
    try:
        proc.wait(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    return None  # Windows: no rusage for a child; psutil cannot read a process that is gone


def measure(command: list[str], env: dict[str, str], runs: int) -> list[Run]:
    run_once(command, env)  # warm the disk cache: "cold" here means a new process
    return [run_once(command, env) for _ in range(runs)]


def bench_startup(ws: Workspace, runs: int = 5) -> list[Figure]:
    app = ws.open("startup.sqlite3")
    try:
        # The window opens on a desk with incidents in it, as a user's would.
        demo.load(app.ctx, settings=app.settings)
    finally:
        app.close()
    env = {**ws.env, "MIMDESK_STARTUP_PROBE": "1"}
    # An installed app starts from compiled bytecode. Where PYTHONDONTWRITEBYTECODE is set
    # (this dev container sets it), every start would compile SQLAlchemy and the app from
    # source, about 0.6 s here; a private cache, filled by the warm-up run, measures what
    # users get without writing into the virtual environment.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(ws.root / "pycache")
    platform = qt_platform()
    if platform:
        env["QT_QPA_PLATFORM"] = platform
    where = f"Qt platform {platform or 'native'}; median of {runs} processes after one warm-up"
    floor_runs = measure([sys.executable, str(FLOOR_SCRIPT)], env, runs)
    floor_s = median([r.wall_s for r in floor_runs])
    floor_peaks = [r.peak_mib for r in floor_runs if r.peak_mib is not None]
    floor_mib = max(floor_peaks) if floor_peaks else None
    try:
        if importlib.util.find_spec("mimdesk.gui.main") is None:
            raise Unavailable("mimdesk/gui/main.py does not exist yet")
        command = [sys.executable, "-m", "mimdesk", "--db", str(ws.root / "startup.sqlite3")]
        app_runs = measure(command, env, runs)
    except Unavailable as exc:
        why = f"not available: {exc}"
        return [
            Figure("cold start to first paint", "s", None, floor_s, START_TARGET_S, why),
            Figure("peak memory at start", "MiB", None, floor_mib, MEMORY_TARGET_MIB, why),
        ]
    child = [r.child_s for r in app_runs if not math.isnan(r.child_s)]
    cross = f"; the app's own figure from process start: {median(child):.3f} s" if child else ""
    cpu = [r.cpu_s for r in app_runs if not math.isnan(r.cpu_s)]
    floor_cpu = [r.cpu_s for r in floor_runs if not math.isnan(r.cpu_s)]
    if cpu and floor_cpu:
        # Other busy processes stretch the wall time; the CPU time barely moves with them.
        cross += (
            f"; CPU time to first paint {median(cpu):.3f} s against the floor's "
            f"{median(floor_cpu):.3f} s ({median(cpu) / median(floor_cpu):.1f}x)"
        )
    peaks = [r.peak_mib for r in app_runs if r.peak_mib is not None]
    return [
        Figure(
            "cold start to first paint",
            "s",
            median([r.wall_s for r in app_runs]),
            floor_s,
            START_TARGET_S,
            f"`python -m mimdesk` on the demo data; {where}{cross}; floor: an empty PySide6 window",
        ),
        Figure(
            "peak memory at start",
            "MiB",
            max(peaks) if peaks else None,
            floor_mib,
            MEMORY_TARGET_MIB,
            "RSS high-water mark of the child, largest of the runs"
            if peaks
            else "not available: this OS gives no child rusage",
        ),
    ]
