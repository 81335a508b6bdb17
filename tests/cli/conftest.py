"""CLI fixtures: the real ``python -m mimdesk`` in a subprocess, and main() in-process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from mimdesk import cli
from mimdesk.app import open_app
from mimdesk.usecases import incidents, timeline


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()


@pytest.fixture
def cli_env(home: Path) -> dict[str, str]:
    return os.environ.copy()


@pytest.fixture
def run_cli(cli_env: dict[str, str]) -> Callable[..., Result]:
    """``python -m mimdesk ARGS`` as a separate process, as a script or IT would run it."""

    def _run(*args: str | bytes | Path, prefix: tuple[str, ...] = (), **kw) -> Result:
        argv = [a if isinstance(a, str | bytes) else str(a) for a in args]
        proc = subprocess.run(
            [*prefix, sys.executable, "-m", "mimdesk", *argv],
            capture_output=True,
            text=True,
            errors="replace",
            env=kw.pop("env", cli_env),
            timeout=kw.pop("timeout", 60),
            **kw,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    return _run


@pytest.fixture
def run_main(home: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """cli.main(ARGS) in this process: the same code, without a process start per call."""

    def _run(*args: str | Path) -> Result:
        capsys.readouterr()
        try:
            code = cli.main([str(a) for a in args])
        except SystemExit as exc:  # argparse
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return _run


@pytest.fixture(scope="session")
def filled_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real database with incidents and a few hundred events, closed and checkpointed."""
    folder = tmp_path_factory.mktemp("filled")
    env = {"MIMDESK_HOME": str(folder / "home"), "MIMDESK_SITE_CONFIG": str(folder / "no.toml")}
    path = folder / "filled.sqlite3"
    app = open_app(db=path, env=env)
    try:
        summary, _ = incidents.report(app.ctx, title="Mail down", severity="SEV2")
        incidents.report(app.ctx, title="VPN slow")
        for n in range(300):
            timeline.add_note(app.ctx, reference=summary.reference, text=f"{n} " + "x" * 1000)
    finally:
        app.close()
    assert not Path(f"{path}-wal").exists()
    return path
