"""The benchmark harness keeps working (its figures are never asserted: see tests/benchmarks)."""

from __future__ import annotations

import os
import sys

import pytest

from tests.benchmarks.bench_cli_start import bench_cli_start
from tests.benchmarks.common import Figure, render, workspace
from tests.benchmarks.startup import FLOOR_SCRIPT, Unavailable, run_once
from tests.benchmarks.store import bench_append, bench_fold, bench_list


def test_store_benchmarks_run_at_small_sizes(tmp_path):
    with workspace(tmp_path) as ws:
        figures = (
            bench_append(ws, notes=30, warmup=2)
            + bench_fold(ws, events=300, runs=1)
            + bench_list(ws, count=12, runs=1)
        )
    assert len(figures) == 7
    for figure in figures:
        assert figure.value is not None and figure.floor is not None, figure
        assert figure.ratio is not None
    table = render(figures)
    for figure in figures:
        assert figure.name in table


@pytest.mark.slow
def test_the_cli_start_benchmark_runs_at_small_sizes(tmp_path):
    with workspace(tmp_path) as ws:
        figures = bench_cli_start(ws, count=3, runs=1)
    assert [f.name for f in figures] == [
        "CLI start: list 3 incidents",
        "CLI start: show",
        "CLI start: --version",
    ]
    for figure in figures:
        assert figure.value is not None, figure.note
        assert figure.floor is not None and figure.ratio is not None
        assert figure.target == round(figure.floor * 1.3, 3)
    table = render(figures)
    for figure in figures:
        assert figure.name in table


def test_the_report_says_what_is_missing_and_what_missed():
    table = render(
        [
            Figure("start", "s", None, 0.1, 1.0, "not available: no GUI yet"),
            Figure("append p99", "ms", 12.0, 1.0, 10.0),
            Figure("list", "ms", 5.0, 1.0, 200.0),
        ]
    )
    lines = table.splitlines()
    assert lines[2].endswith("not available")
    assert "12.0x" in lines[3] and lines[3].endswith("MISSED")
    assert lines[4].endswith("ok")
    assert "not available: no GUI yet" in table


def test_an_app_that_never_paints_is_reported_not_fatal():
    with pytest.raises(Unavailable, match=r"startup_probe\.install"):
        run_once([sys.executable, "-c", "print('no window here')"], dict(os.environ))


@pytest.mark.slow
def test_the_probe_reports_an_empty_windows_first_paint():
    env = {**os.environ, "MIMDESK_STARTUP_PROBE": "1", "QT_QPA_PLATFORM": "offscreen"}
    run = run_once([sys.executable, str(FLOOR_SCRIPT)], env)
    assert run.wall_s > 0
    if hasattr(os, "wait4"):
        assert run.peak_mib is not None and run.peak_mib > 0
