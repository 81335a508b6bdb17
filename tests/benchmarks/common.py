"""What every benchmark shares: a private MIM Desk home, timing helpers, and the report."""

from __future__ import annotations

import math
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from mimdesk.app import App, open_app


@dataclass(frozen=True)
class Figure:
    """One measured figure, the same work done as raw as possible (the floor), and the goal.

    ``value`` is None when the figure could not be measured; ``note`` then says why.
    """

    name: str
    unit: str  # "s", "ms" or "MiB": values are stored in that unit
    value: float | None
    floor: float | None = None
    target: float | None = None
    note: str = ""
    # A goal set as a ratio to the floor measured in the same run (issue 13's figures).
    ratio_target: float | None = None

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.floor:
            return None
        return self.value / self.floor

    @property
    def verdict(self) -> str:
        if self.value is None:
            return "not available"
        met = []
        if self.target is not None:
            met.append(self.value < self.target)
        if self.ratio_target is not None and self.ratio is not None:
            met.append(self.ratio <= self.ratio_target)
        if not met:
            return ""
        return "ok" if all(met) else "MISSED"


def _fmt(value: float | None, unit: str) -> str:
    if value is None or math.isnan(value):
        return "—"
    digits = 0 if unit == "MiB" else 3 if unit == "s" else 2
    return f"{value:,.{digits}f} {unit}"


def render(figures: Sequence[Figure]) -> str:
    header = ("figure", "measured", "floor", "ratio", "target", "")
    rows = [header]
    for f in figures:
        ratio = f"{f.ratio:.1f}x" if f.ratio is not None else "—"
        goals = [f"< {f.target:g} {f.unit}"] if f.target is not None else []
        if f.ratio_target is not None:
            goals.append(f"<= {f.ratio_target:g}x")
        target = ", ".join(goals)
        rows.append(
            (f.name, _fmt(f.value, f.unit), _fmt(f.floor, f.unit), ratio, target, f.verdict)
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = []
    for r in rows:
        cells = [r[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(r[1:5], widths[1:5], strict=True)
        ]
        lines.append("  ".join([*cells, r[5]]).rstrip())
    lines.insert(1, "-" * len(lines[0]))
    notes = [f"  {f.name}: {f.note}" for f in figures if f.note]
    if notes:
        lines += ["", "Notes:", *notes]
    return "\n".join(lines)


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def percentile(samples: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile: a value that was actually observed."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def repeat(work: Callable[[], object], times: int) -> list[float]:
    """Seconds taken by each of ``times`` calls."""
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        work()
        samples.append(time.perf_counter() - start)
    return samples


class Workspace:
    """A private MIMDESK_HOME and a folder for databases, on the disk the user named."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root / "home"
        self.env = {
            **os.environ,
            "MIMDESK_HOME": str(self.home),
            # No site file from this machine may change what is measured.
            "MIMDESK_SITE_CONFIG": str(root / "no-site.toml"),
        }

    def open(self, name: str) -> App:
        app = open_app(db=self.root / name, env=self.env)
        if not app.settings.display_name:
            # So that the GUI starts straight into its window, without the first-run questions.
            app.set_display_name("Benchmark")
        return app


@contextmanager
def workspace(base: Path | None = None) -> Iterator[Workspace]:
    with tempfile.TemporaryDirectory(prefix="mimdesk-bench-", dir=base) as tmp:
        yield Workspace(Path(tmp))
