"""A command imports what it uses, and nothing for the commands it is not.

Read-only commands start in a new process and are timed against ``import sqlalchemy``
(tests/benchmarks/bench_cli_start.py); whatever they import and do not use, every script and
every IT check pays at each start. Here each runs as a real ``python -m mimdesk`` process, and
the child reports what it imported after ``main`` returned: never reportlab, Jinja2, Alembic or
Qt, and never the modules of other commands. Building only the parsers of the command named
must not change what any command line means, nor its help or its error messages.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from mimdesk import cli
from mimdesk.store import migrate
from tests.cli.test_parser_shape import parser_shape

# The packages no read-only command below has any use for.
HEAVY = ("reportlab", "jinja2", "alembic", "PySide6")

# Runs mimdesk's own __main__ and writes the exit status and sys.modules to the file named
# first; the command's output goes where it always does.
PROBE = """
import json, runpy, sys
report, sys.argv = sys.argv[1], ["mimdesk", *sys.argv[2:]]
code = 0
try:
    runpy.run_module("mimdesk", run_name="__main__", alter_sys=True)
except SystemExit as exc:
    code = exc.code
with open(report, "w", encoding="utf-8") as f:
    json.dump({"code": code, "modules": sorted(sys.modules)}, f)
"""

Probe = Callable[..., tuple[int, set[str], str]]


@pytest.fixture
def probe(cli_env: dict[str, str], tmp_path: Path) -> Probe:
    """``python -m mimdesk ARGS`` in a new process: (status, modules it imported, stderr)."""

    def _probe(*args: str | Path) -> tuple[int, set[str], str]:
        report = tmp_path / "modules.json"
        report.unlink(missing_ok=True)
        proc = subprocess.run(
            [sys.executable, "-c", PROBE, str(report), *map(str, args)],
            capture_output=True,
            text=True,
            env=cli_env,
            timeout=120,
            check=False,
        )
        assert report.exists(), proc.stderr
        data = json.loads(report.read_text("utf-8"))
        return data["code"], set(data["modules"]), proc.stderr

    return _probe


@pytest.fixture
def desk(filled_db: Path, tmp_path: Path) -> tuple[Path, str]:
    """A copy of a filled database (a command may write its WAL beside it) and a reference."""
    path = tmp_path / "desk.sqlite3"
    shutil.copy(filled_db, path)
    con = sqlite3.connect(path)
    try:
        (reference,) = con.execute(
            "SELECT reference FROM incident_summary WHERE title = 'Mail down'"
        ).fetchone()
    finally:
        con.close()
    return path, reference


def _family(modules: set[str], package: str) -> set[str]:
    return {m for m in modules if m == package or m.startswith(package + ".")}


# The modules that hold commands besides the core ones (mimdesk.cli and cli_parsers).
COMMAND_MODULES = {
    "mimdesk.cli_sync",
    "mimdesk.cli_postmortem",
    "mimdesk.cli_comms",
    "mimdesk.cli_declaration",
    "mimdesk.cli_backup",
}

# Read-only commands, and the one command module each may import (its own).
READ_ONLY = [
    pytest.param(command, own, id=" ".join(command))
    for command, own in [
        (("list",), None),
        (("list", "--json"), None),
        (("show", "REF"), None),
        (("show", "REF", "--timeline", "--json"), None),
        (("people",), None),
        (("services",), None),
        (("candidates",), "mimdesk.cli_declaration"),
        (("stats",), "mimdesk.cli_declaration"),
        (("followups", "REF"), "mimdesk.cli_postmortem"),
        (("postmortem", "REF"), "mimdesk.cli_postmortem"),
        (("state-digest",), "mimdesk.cli_sync"),
        (("outbox",), "mimdesk.cli_comms"),
        (("lists",), "mimdesk.cli_comms"),
    ]
]


@pytest.mark.slow
@pytest.mark.parametrize(("command", "own"), READ_ONLY)
def test_a_read_only_command_imports_neither_heavy_packages_nor_other_commands(
    probe: Probe, desk: tuple[Path, str], command: tuple[str, ...], own: str | None
) -> None:
    path, reference = desk
    args = [reference if a == "REF" else a for a in command]
    code, modules, err = probe("--db", path, *args)
    assert code == 0, err
    for package in HEAVY:
        assert not _family(modules, package), f"{' '.join(command)} imported {package}"
    others = (COMMAND_MODULES & modules) - {own}
    assert not others, f"{' '.join(command)} imported the modules of other commands: {others}"


@pytest.mark.slow
def test_version_opens_nothing(probe: Probe) -> None:
    code, modules, err = probe("--version")
    assert code == 0, err
    for package in (*HEAVY, "sqlalchemy", "mimdesk.app", "mimdesk.store", "mimdesk.domain"):
        assert not _family(modules, package), f"--version imported {package}"
    assert not COMMAND_MODULES & modules


@pytest.mark.slow
def test_alembic_is_imported_only_when_the_database_needs_an_upgrade(
    probe: Probe, desk: tuple[Path, str]
) -> None:
    """The probe sees Alembic where it is used: a database one revision behind is upgraded."""
    from alembic import command

    from mimdesk.store.sqlite import make_engine

    path, _ = desk
    older = migrate.KNOWN_REVISIONS[-2]
    engine = make_engine(path)
    try:
        with engine.begin() as conn:
            config = migrate.alembic_config()
            config.attributes["connection"] = conn
            command.downgrade(config, older)
    finally:
        engine.dispose()

    code, modules, err = probe("--db", path, "list")
    assert code == 0, err
    assert "alembic" in modules
    assert "Upgraded the database; the copy from before is" in err
    assert f"before-upgrade-{older}" in err

    code, modules, err = probe("--db", path, "list")
    assert code == 0, err
    assert "alembic" not in modules, "at head, no upgrade: no Alembic"


# ---- the parsers of one command are those of the whole command line --------------------------


def _subcommands(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return action


def _whole() -> argparse.ArgumentParser:
    return cli.build_parser()


def test_every_command_is_placed_in_the_family_that_builds_it() -> None:
    assert {*cli.FEATURE_COMMANDS, *cli.CORE_HANDLER_MODULES} == COMMAND_MODULES
    whole = set(_subcommands(_whole()).choices)
    placed = {
        *cli.cli_parsers.CORE_COMMANDS,
        *(n for names in cli.FEATURE_COMMANDS.values() for n in names),
        "db",
    }
    assert placed == whole


def test_each_command_built_alone_is_the_same_as_in_the_whole_parser() -> None:
    whole = _whole()
    every = _subcommands(whole)
    helps = {a.dest: a.help for a in every._choices_actions}
    options = [a for a in parser_shape(whole)["actions"] if a["kind"] != "_SubParsersAction"]
    for name, parser in every.choices.items():
        alone = cli.build_parser([name])
        built = _subcommands(alone)
        assert name in built.choices, name
        assert parser_shape(built.choices[name]) == parser_shape(parser), name
        assert {a.dest: a.help for a in built._choices_actions}[name] == helps[name], name
        # The options before the command are the same; only the list of commands is shorter.
        shape = parser_shape(alone)["actions"]
        assert [a for a in shape if a["kind"] != "_SubParsersAction"] == options, name


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        ([], None),
        (["--version"], None),
        (["--db", "desk.sqlite3"], None),
        (["--self-test"], None),
        (["list"], "list"),
        (["--db", "list", "show", "MI-1"], "show"),
        (["--db=desk.sqlite3", "--shared", "postgresql://h/db", "sync", "--once"], "sync"),
        (["db", "upgrade"], "db"),
        (["-h"], cli.WHOLE),
        (["--help", "list"], cli.WHOLE),
        (["--d", "desk.sqlite3", "list"], cli.WHOLE),
        (["--", "list"], cli.WHOLE),
        (["lsit"], cli.WHOLE),
    ],
)
def test_the_command_named(argv: list[str], named: str | None) -> None:
    assert cli.command_named(argv) == named


def _outcome(parser: argparse.ArgumentParser, argv: Sequence[str]) -> tuple[Any, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            result: Any = vars(parser.parse_args(argv))
        except SystemExit as exc:
            result = ("exit", exc.code)
    return result, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    "argv",
    [
        ["--db", "desk.sqlite3", "list", "--json", "--filter", "active"],
        ["show", "MI-1", "--timeline"],
        ["list", "--bogus"],
        ["show"],
        ["list", "-h"],
        ["report", "MI-1"],
        ["db", "upgrade", "--shared", "postgresql://h/db"],
        ["db", "rebuild"],
        ["db", "-h"],
        ["db", "init", "-h"],
        ["secret", "check", "smtp:mail.example.org"],
        ["--version"],
        ["--db"],
        ["-h"],
        ["lsit"],
        ["--db", "desk.sqlite3"],
        ["--version", "list"],
        ["list", "--version"],
    ],
    ids=" ".join,
)
def test_a_command_line_means_the_same_as_with_the_whole_parser(argv: list[str]) -> None:
    assert _outcome(cli.build_parser(argv), argv) == _outcome(_whole(), argv)
