"""What the README promises matches what is built: the oldest macOS follows the locked PySide6
wheel, CI covers every supported system with pinned actions, the version has one home."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
WORKFLOW = (ROOT / ".github" / "workflows" / "build.yml").read_text(encoding="utf-8")
MACOS_NAMES = {11: "Big Sur", 12: "Monterey", 13: "Ventura", 14: "Sonoma", 15: "Sequoia"}


def locked_pyside6() -> dict:
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    [package] = [p for p in lock["package"] if p["name"] == "pyside6-essentials"]
    return package


def supported_systems() -> str:
    return README.split("## Supported systems", 1)[1].split("\n## ", 1)[0]


def test_readme_states_the_macos_the_locked_pyside6_needs():
    wheels = [w["url"] for w in locked_pyside6()["wheels"]]
    [tag] = {m for w in wheels for m in re.findall(r"macosx_(\d+)_\d+", w)}
    major = int(tag)
    section = supported_systems()
    assert f"macOS {major} {MACOS_NAMES[major]} or later" in section
    version = locked_pyside6()["version"]
    assert f"PySide6 {'.'.join(version.split('.')[:2])}" in section


def test_readme_states_the_oldest_windows():
    section = supported_systems()
    assert "Windows 10 version 1809 or later, Windows 11" in section
    assert "x64" in section


def test_ci_builds_on_every_supported_system_with_python_312():
    for runner in ("windows-2022", "macos-15", "macos-15-intel", "ubuntu-24.04"):
        assert f"os: {runner}" in WORKFLOW, runner
    assert 'PYTHON_VERSION: "3.12"' in WORKFLOW
    assert "uv run pytest" in WORKFLOW


def test_every_action_is_pinned_to_a_commit():
    uses = re.findall(r"uses:\s*(\S+)", WORKFLOW)
    assert uses
    for ref in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", ref), ref


def test_the_version_lives_in_mimdesk_init_only():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" in pyproject["project"]["dynamic"]
    assert pyproject["tool"]["hatch"]["version"]["path"] == "mimdesk/__init__.py"
    spec = (ROOT / "packaging" / "mimdesk.spec").read_text(encoding="utf-8")
    assert "from mimdesk import __version__" in spec
    assert "mimdesk/__init__.py" in (ROOT / "packaging" / "windows" / "build_msi.sh").read_text()
    assert "mimdesk/__init__.py" in WORKFLOW
