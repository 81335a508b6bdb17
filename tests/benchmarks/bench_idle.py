"""CPU used by the idle app with 10 active declared incidents: the one UI clock ticking every
countdown, clock and reminder each second, and nothing else.

The window runs in a child process (offscreen where there is no display), settles for a few
seconds, then measures its own CPU time (every thread) over ~20 s of wall time. The figure is
the percentage of one core; the goal is under 1 %.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from .common import Figure, Workspace
from .startup import qt_platform

TARGET_PERCENT = 1.0
INCIDENTS = 10
SETTLE_S = 4.0
MEASURE_S = 20.0
ROOT = Path(__file__).resolve().parents[2]


def seed(ws: Workspace, name: str, count: int = INCIDENTS) -> Path:
    """``count`` declared SEV1/SEV2 incidents with their roles filled, some updates sent."""
    from mimdesk.usecases import declaration, incidents, roles, timers

    app = ws.open(name)
    try:
        for i in range(count):
            severity = "SEV1" if i % 2 == 0 else "SEV2"
            summary, _ = incidents.report(
                app.ctx, title=f"Service {i} unavailable", severity=severity
            )
            ref = summary.reference
            declaration.declare(
                app.ctx,
                reference=ref,
                settings=app.settings,
                severity=severity,
                mim=f"Manager {i}",
                rationale="Benchmark",
            )
            roles.assign(app.ctx, reference=ref, role="tech_lead", person=f"Engineer {i}")
            timers.record_update(
                app.ctx, reference=ref, settings=app.settings, audience="service_desk"
            )
        return app.database
    finally:
        app.close()


def child(db: str, settle_s: float, measure_s: float) -> int:
    """Run the real window over ``db`` and print ``cpu-percent N`` once measured."""
    from PySide6.QtCore import QTimer

    from mimdesk.app import open_app
    from mimdesk.gui.main import Workspace as GuiWorkspace
    from mimdesk.gui.main import application

    qapp = application()
    gui = GuiWorkspace(open_app(db=db, env=os.environ))
    gui.window.show()
    marks: dict[str, float] = {}

    def start() -> None:
        marks["cpu"], marks["wall"] = time.process_time(), time.perf_counter()

    def stop() -> None:
        cpu = time.process_time() - marks["cpu"]
        wall = time.perf_counter() - marks["wall"]
        print(f"cpu-percent {100 * cpu / wall:.3f}", flush=True)
        gui.window.close()
        qapp.quit()

    QTimer.singleShot(round(settle_s * 1000), start)
    QTimer.singleShot(round((settle_s + measure_s) * 1000), stop)
    qapp.exec()
    gui.close()
    return 0


def bench_idle(
    ws: Workspace, *, settle_s: float = SETTLE_S, measure_s: float = MEASURE_S
) -> list[Figure]:
    name = f"idle CPU, {INCIDENTS} active incidents"
    db = seed(ws, "idle.sqlite3")
    env = dict(ws.env)
    platform = qt_platform()
    if platform:
        env["QT_QPA_PLATFORM"] = platform
    command = [sys.executable, "-m", "tests.benchmarks.bench_idle", str(db), str(settle_s)]
    command.append(str(measure_s))
    try:
        done = subprocess.run(
            command,
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=settle_s + measure_s + 60,
        )
    except subprocess.TimeoutExpired:
        return [Figure(name, "%", None, note="the window did not finish in time")]
    for line in done.stdout.splitlines():
        if line.startswith("cpu-percent "):
            value = float(line.split()[1])
            return [
                Figure(
                    name,
                    "%",
                    value,
                    target=TARGET_PERCENT,
                    note=f"% of one core over {measure_s:g} s, after {settle_s:g} s to settle",
                )
            ]
    tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
    return [Figure(name, "%", None, note=f"child failed (exit {done.returncode}): {tail}")]


if __name__ == "__main__":
    sys.exit(child(sys.argv[1], float(sys.argv[2]), float(sys.argv[3])))
