"""The habits that keep the code in shape are wired where they run: CI (.ci/run), the
pre-commit hooks, and the type checker's strictness on the domain and the use cases."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

import pytest
from mypy import api as mypy_api

ROOT = Path(__file__).resolve().parent.parent
PRE_COMMIT = ROOT / ".pre-commit-config.yaml"
CI_RUN = ROOT / ".ci" / "run"

# Each check a commit must pass, as the command line that runs it.
CHECKS = {
    "ruff check": "uv run ruff check",
    "ruff format": "uv run ruff format",
    "lint-imports": "uv run lint-imports",
    "forms freshness": "uv run python packaging/compile_forms.py --check",
    "mypy": "uv run mypy mimdesk",
}


def _hook_entries() -> list[str]:
    # PyYAML is not a dependency: the file is flat enough to read its `entry:` lines.
    text = PRE_COMMIT.read_text(encoding="utf-8")
    return [m.group(1).strip() for m in re.finditer(r"^\s*entry:\s*(.+)$", text, re.M)]


def _ci_commands() -> list[str]:
    lines = CI_RUN.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip().startswith("uv run ")]


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_pre_commit_runs_each_check(name: str) -> None:
    wanted = shlex.split(CHECKS[name])
    entries = [shlex.split(e) for e in _hook_entries()]
    assert any(e[: len(wanted)] == wanted for e in entries), (name, entries)


def test_pre_commit_hooks_use_the_locked_tools() -> None:
    text = PRE_COMMIT.read_text(encoding="utf-8")
    entries = _hook_entries()
    assert entries and all(e.startswith("uv run ") for e in entries), entries
    assert text.count("language: system") == len(entries)
    assert "  - repo: local" in text


@pytest.mark.parametrize(
    "command", ["uv run ruff check .", "uv run ruff format --check .", "uv run mypy mimdesk"]
)
def test_ci_runs_the_check_before_the_tests(command: str) -> None:
    commands = _ci_commands()
    assert command in commands, commands
    assert commands.index(command) < commands.index("uv run pytest")


def _mypy_errors(tmp_path: Path, package: str, source: str) -> list[str]:
    """mypy's errors, under the project's configuration, for ``source`` as a module of
    ``package`` (a scratch copy of the package path, so the override patterns apply)."""
    folder = tmp_path.joinpath(*package.split("."))
    folder.mkdir(parents=True)
    parts = package.split(".")
    for depth in range(1, len(parts) + 1):
        tmp_path.joinpath(*parts[:depth], "__init__.py").touch()
    (folder / "probe.py").write_text(source, encoding="utf-8")
    config = tmp_path / "mypy.toml"
    config.write_text((ROOT / "pyproject.toml").read_text(encoding="utf-8"), encoding="utf-8")
    stdout, _, _ = mypy_api.run(
        [
            "--config-file",
            str(config),
            "--cache-dir",
            str(tmp_path / ".mypy_cache"),
            str(folder / "probe.py"),
        ]
    )
    return [line for line in stdout.splitlines() if ": error:" in line]


UNTYPED = "def half(x):\n    return x / 2\n"


@pytest.mark.parametrize("package", ["mimdesk.domain", "mimdesk.usecases"])
def test_mypy_is_strict_on_the_domain_and_use_cases(tmp_path: Path, package: str) -> None:
    errors = _mypy_errors(tmp_path, package, UNTYPED)
    assert any("[no-untyped-def]" in e for e in errors), errors


def test_mypy_is_basic_elsewhere(tmp_path: Path) -> None:
    # Basic still catches a real type error in the rest of the package...
    errors = _mypy_errors(tmp_path, "mimdesk.comms", UNTYPED + "n: int = 'one'\n")
    assert any("[assignment]" in e for e in errors), errors
    # ...but does not demand annotations there.
    assert not any("[no-untyped-def]" in e for e in errors), errors


def test_mypy_config_is_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "mypy" in config["tool"]
    assert any(dep.startswith("mypy") for dep in config["dependency-groups"]["dev"])
