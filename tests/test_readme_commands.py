"""Every command line the README shows is run by a test.

The README's command lines (its indented blocks, and the spans in backticks that start with
``mimdesk`` or ``uv``) are listed here, each with how it is run: here, against a real database
in a new process (``RUN``), or by the test named in ``ELSEWHERE`` (which must exist and hold
the command). A command line added to the README without either fails this test.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")

# README command line -> the command lines run for it here ({ref} is the incident made by
# the first; synopses run in their plain form and with their options).
RUN: dict[str, list[list[str]]] = {
    "mimdesk new TITLE [--impact …] [--severity SEV1] [--users N] [--service NAME]": [
        ["new", "Payroll export failing"],
        [
            "new",
            "Mail down",
            "--impact",
            "No mail",
            "--severity",
            "SEV1",
            "--users",
            "1200",
            "--service",
            "Exchange",
        ],
    ],
    "mimdesk --version": [["--version"]],
    "mimdesk COMMAND --help": [["list", "--help"]],
    "mimdesk demo": [["demo"]],
    "mimdesk list [--filter active\\|candidates\\|recent\\|all] [--search WORDS] [--json]": [
        ["list"],
        ["list", "--filter", "candidates", "--search", "Mail", "--json"],
    ],
    "mimdesk show REF [--timeline] [--json]": [
        ["show", "{ref}"],
        ["show", "{ref}", "--timeline", "--json"],
    ],
    'mimdesk note REF TEXT [--kind action] [--at "2026-11-28 09:40"]': [
        ["note", "{ref}", "Restarted the relay"],
        ["note", "{ref}", "Monitoring alerted", "--kind", "action", "--at", "2026-11-28 09:40"],
    ],
    "mimdesk status REF investigating\\|identified\\|mitigated\\|…": [
        ["declare", "{ref}", "--severity", "SEV1", "--mim", "Ana Costa", "--rationale", "Test"],
        ["status", "{ref}", "investigating"],
    ],
    "mimdesk set REF FIELD VALUE": [["set", "{ref}", "bridge", "https://meet.example/mi"]],
    "mimdesk assign REF ROLE PERSON": [["assign", "{ref}", "mim", "Ana Costa"]],
    "mimdesk handover REF ROLE PERSON --note …": [
        ["handover", "{ref}", "mim", "Ben Okafor", "--note", "Bridge open; vendor called"]
    ],
    "mimdesk release REF ROLE": [["release", "{ref}", "mim"]],
    "mimdesk assess REF": [["assess", "{ref}"]],
    "mimdesk draft REF --kind update --audience executives [--save]": [
        ["draft", "{ref}", "--kind", "update", "--audience", "executives"],
        ["draft", "{ref}", "--kind", "update", "--audience", "executives", "--save"],
    ],
    "mimdesk postmortem REF": [["postmortem", "{ref}"]],
    "mimdesk db rebuild": [["db", "rebuild"]],
    "mimdesk db upgrade [--shared URL]": [["db", "upgrade"]],
    "mimdesk doctor": [["doctor"]],
    "mimdesk config check FILE": [["config", "check", "{site}"]],
    "mimdesk config check site.toml": [["config", "check", "{site}"]],
    # Last: from here on the account check is in force for this database.
    "mimdesk person NAME --account ACCOUNT": [["person", "Ana Costa", "--account", "CORP\\ana"]],
}

# README command line -> (test file, a string that file holds: the command as it runs it).
ELSEWHERE: dict[str, tuple[str, str]] = {
    "mimdesk report REF --brief --pdf OUT": (
        "tests/reports/test_brief.py",
        '"report", incident, "--brief", "--pdf"',
    ),
    "mimdesk --self-test": ("tests/packaging/test_selftest.py", "--self-test"),
    "mimdesk list \\| head": ("tests/cli/test_exit_codes.py", "PIPE_CLOSED"),
    "mimdesk sync --once": ("tests/cli/test_exit_codes.py", '"sync", "--once"'),
    "mimdesk db init --shared URL --create-role NAME": (
        "tests/sync/test_desk_role.py",
        '"db", "init", "--shared", blank_db.url_text(), "--create-role"',
    ),
    "mimdesk db init --shared postgresql://mimdesk@db.example.org/mimdesk": (
        "tests/sync/test_shared_upgrade.py",
        "the README's form",
    ),
    "mimdesk db upgrade --shared postgresql://mimdesk@db.example.org/mimdesk": (
        "tests/sync/test_shared_upgrade.py",
        '"db", "upgrade", "--shared"',
    ),
    "mimdesk secret set db:db.example.org/mimdesk": (
        "tests/comms/test_cli_comms.py",
        '"secret", "set"',
    ),
    "mimdesk secret set smtp:HOST": ("tests/comms/test_cli_comms.py", '"secret", "set"'),
    "mimdesk backup OUT": ("tests/cli/test_backup_restore.py", '"backup", out'),
    "mimdesk verify": ("tests/cli/test_verify.py", '"--db", db, "verify")'),
    "mimdesk verify [--json]": ("tests/cli/test_verify.py", '"verify", "--json"'),
    "mimdesk db init --shared postgresql://mimdesk@db.example.org/mimdesk --per-person": (
        "tests/sync/test_person_logins.py",
        '"--per-person"',
    ),
    "mimdesk restore FILE": ("tests/cli/test_backup_restore.py", '"restore", out'),
    "mimdesk FILE.mimdesk": (
        "tests/gui/test_file_type.py",
        'cli.main(["--db", str(desk), str(path)])',
    ),
    "mimdesk doctor --paths": ("tests/cli/test_doctor_paths.py", '"doctor", "--paths"'),
    "mimdesk --help": ("tests/cli/test_doctor_paths.py", 'run_main("--help")'),
    # The window, from the installed entry point, until its first paint.
    "uv run mimdesk": ("tests/test_readme_commands.py", "test_uv_run_mimdesk_opens_the_window"),
    "uv run": ("tests/test_readme_commands.py", "test_uv_run_mimdesk_opens_the_window"),
    # The command running this very test; CI runs it through .ci/run.
    "uv run pytest": (".ci/run", "uv run pytest"),
    "python3 -m pip install uv": (".ci/run", "python3 -m pip install --quiet uv"),
    "uv run ruff check .": (".ci/run", "uv run ruff check ."),
    "uv run ruff format --check .": (".ci/run", "uv run ruff format --check ."),
    "uv run ruff format FILES": (".pre-commit-config.yaml", "entry: uv run ruff format"),
    "uv run lint-imports": (".ci/run", "uv run lint-imports"),
    "uv run mypy mimdesk": (".ci/run", "uv run mypy mimdesk"),
    "uv run python packaging/compile_forms.py --check": (
        "tests/gui/test_forms_fresh.py",
        "compile_forms.py",
    ),
    "uv run python packaging/compile_forms.py": (
        "tests/gui/test_forms_fresh.py",
        "compile_forms.py",
    ),
    "uvx pre-commit install": ("tests/test_dev_habits.py", ".pre-commit-config.yaml"),
    "uvx pre-commit run --all-files": ("tests/test_dev_habits.py", ".pre-commit-config.yaml"),
    "uv run python -m tests.benchmarks": ("tests/test_benchmarks.py", "tests.benchmarks"),
}


def readme_command_lines() -> set[str]:
    blocks = {
        line.strip().split("  #")[0].strip()
        for line in README.splitlines()
        if line.startswith("    ") and re.match(r"\s+(mimdesk|uv|uvx|python3) ", line)
    }
    spans = re.findall(r"`((?:mimdesk|uv|uvx) [^`]*|uv run)`", README)
    return blocks | {" ".join(span.split()) for span in spans}


def test_every_readme_command_line_is_run_by_a_test() -> None:
    shown = readme_command_lines()
    untested = sorted(shown - set(RUN) - set(ELSEWHERE))
    assert not untested, f"README command lines no test runs: {untested}"
    gone = sorted((set(RUN) | set(ELSEWHERE)) - shown)
    assert not gone, f"listed here but no longer in the README: {gone}"


@pytest.mark.parametrize(("command", "where"), sorted(ELSEWHERE.items()))
def test_the_test_named_runs_it(command: str, where: tuple[str, str]) -> None:
    path, holds = where
    assert holds in (ROOT / path).read_text(encoding="utf-8"), (command, path)


def _mimdesk(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mimdesk", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )


def test_the_readme_command_lines_run(home: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    site = tmp_path / "site.toml"
    site.write_text('[comms]\nfrom_name = "IT Service Desk"\n', encoding="utf-8")
    db = ["--db", str(tmp_path / "readme.sqlite3")]
    ref = ""
    for readme, runs in RUN.items():
        for args in runs:
            argv = [a.format(ref=ref, site=site) for a in args]
            done = _mimdesk(argv if argv[0].startswith("--") else [*db, *argv], env)
            assert done.returncode == 0, (readme, argv, done.stderr)
            if argv[0] == "new" and not ref:
                ref = done.stdout.strip()
    assert ref.startswith("MI-")


def test_uv_run_mimdesk_opens_the_window(home: Path, tmp_path: Path) -> None:
    """`uv run mimdesk` starts the installed entry point: here, until the first paint."""
    from mimdesk.app import open_app

    entry = Path(sys.executable).with_name("mimdesk.exe" if os.name == "nt" else "mimdesk")
    assert entry.exists(), f"no {entry.name} entry point beside {sys.executable}"
    db = tmp_path / "window.sqlite3"
    first = open_app(db=db, env=os.environ)  # past the first run's "who are you?"
    first.set_display_name("Test Desk")
    first.close()
    env = {
        **os.environ,
        "MIMDESK_STARTUP_PROBE": "1",
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
    }
    done = subprocess.run(
        [str(entry), "--db", str(db)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("first-paint "), done.stdout
