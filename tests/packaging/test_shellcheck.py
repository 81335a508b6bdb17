"""Every shell script of the packaging passes shellcheck (.ci/run installs it on Linux)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.system_tools import require_tool

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted((ROOT / "packaging").rglob("*.sh"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="shellcheck runs on Linux CI")
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_shellcheck(script):
    shellcheck = require_tool("shellcheck", "shellcheck")
    result = subprocess.run(
        [shellcheck, "--shell=bash", "--external-sources", str(script)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_scripts_are_found_and_executable():
    names = {p.name for p in SCRIPTS}
    assert {"build_msi.sh", "wine_lifecycle.sh", "build_app.sh", "build_pkg.sh",
            "build_dmg.sh", "notarize.sh"} <= names  # fmt: skip
    for script in SCRIPTS:
        assert script.read_text().startswith("#!/usr/bin/env bash\n"), script
        if sys.platform != "win32":
            assert script.stat().st_mode & 0o111, f"chmod +x {script}"
