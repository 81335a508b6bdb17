"""A database written by the December 2026 release (commit b6ffeed) opens, upgrades if it
must, and shows the same incidents through today's command line.

The fixture, and the script that wrote it with the release: ``tests/fixtures/release_2026_12``.
The committed file is never opened in place: every test works on a copy in its own folder.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mimdesk.app import open_app
from mimdesk.domain.events import EventType
from mimdesk.usecases import comms, directory
from tests.fixtures.release_2026_12 import cli_view
from tests.fixtures.release_2026_12.cli_view import assert_shows_the_same

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
EXPECTED: dict[str, Any] = json.loads(cli_view.EXPECTED_VIEW.read_text("utf-8"))
REFS: dict[str, str] = EXPECTED["references"]
MAX_FIXTURE_BYTES = 400 * 1024
# Statuses whose clocks have stopped (at resolved_at): ``show --json`` then says the same
# whenever it runs. The other incidents' clocks run on to this day.
STOPPED = ("resolved", "closed")


def copy_of_fixture(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / "release.db"
    shutil.copyfile(cli_view.DATABASE, copy)
    return copy


@dataclass(frozen=True)
class Opened:
    db: Path
    env: dict[str, str]
    view: dict[str, Any]
    said: str  # what the first command (the one that upgrades) wrote on standard error


@pytest.fixture(scope="module")
def opened(tmp_path_factory: pytest.TempPathFactory) -> Opened:
    """A copy of the release's database, opened and read through today's CLI, once."""
    folder = tmp_path_factory.mktemp("release-2026-12")
    db = copy_of_fixture(folder)
    env = cli_view.environment(folder, ROOT)
    view, said = cli_view.capture(db, root=ROOT, env=env)
    return Opened(db, env, view, said)


@pytest.fixture
def sql(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """The fixture read with plain SQLite, as the release wrote it (no MIM Desk in between)."""
    con = sqlite3.connect(copy_of_fixture(tmp_path))
    yield con
    con.close()


# ---- the fixture itself ---------------------------------------------------------------------


def test_the_fixture_is_one_small_file_holding_every_event_type(sql: sqlite3.Connection) -> None:
    for suffix in ("-wal", "-shm", "-journal"):
        assert not Path(f"{cli_view.DATABASE}{suffix}").exists(), f"commit {suffix} too"
    assert cli_view.DATABASE.stat().st_size < MAX_FIXTURE_BYTES
    assert sql.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    counts = dict(sql.execute("SELECT type, count(*) FROM event GROUP BY type").fetchall())
    assert counts == EXPECTED["event_counts"]
    # Every type the release knew is in it, and today's code still knows every one of them.
    assert len(counts) == 26
    assert set(counts) <= {t.value for t in EventType}
    assert sql.execute("SELECT DISTINCT payload_v FROM event").fetchall() == [(1,)]


def test_the_payload_fixture_is_taken_from_the_database(sql: sqlite3.Connection) -> None:
    payloads = json.loads(cli_view.PAYLOADS_V1.read_text("utf-8"))["payloads"]
    stored = set(sql.execute("SELECT type, payload_v, payload FROM event").fetchall())
    assert {p["type"] for p in payloads} == set(EXPECTED["event_counts"])
    for p in payloads:
        assert (p["type"], p["payload_v"], p["stored"]) in stored
        assert json.loads(p["stored"]) == p["payload"]
    # Each distinct payload once, and none left out.
    assert len(payloads) == len({(t, text) for t, _, text in stored})


# ---- through today's command line ---------------------------------------------------------


def test_the_release_database_opens_and_lists_the_same_incidents(opened: Opened) -> None:
    # Nothing on standard error but, after a schema change, the note of the upgrade.
    assert all(line.startswith("Upgraded the database") for line in opened.said.splitlines())
    assert_shows_the_same(EXPECTED["view"]["list"], opened.view["list"])


@pytest.mark.parametrize("name", sorted(REFS))
def test_each_incident_shows_as_the_release_showed_it(opened: Opened, name: str) -> None:
    expected = dict(EXPECTED["view"]["incidents"][REFS[name]]["show"])
    actual = dict(opened.view["incidents"][REFS[name]]["show"])
    if expected["status"] not in STOPPED:
        del expected["clocks"]
    assert_shows_the_same(expected, actual)


@pytest.mark.parametrize("name", sorted(REFS))
def test_each_incident_exports_the_summary_the_release_exported(opened: Opened, name: str) -> None:
    # The export's summary is the whole incident: timeline (notes, corrections, withdrawals,
    # drafts approved, queued, failed), messages, roles and handovers, assessment and
    # decisions, postmortem, follow-ups, key times.
    expected = EXPECTED["view"]["incidents"][REFS[name]]["export_summary"]
    assert_shows_the_same(expected, opened.view["incidents"][REFS[name]]["export_summary"])


def test_the_directory_reads_the_same(opened: Opened) -> None:
    for part in ("people", "services", "lists"):
        assert_shows_the_same(EXPECTED["view"][part], opened.view[part])


def test_drafts_keep_their_states_and_the_rota_its_names(opened: Opened) -> None:
    # No command lists drafts or the rota, so they are read through the use cases the window
    # reads them with, field by field as the release's use cases gave them.
    app = open_app(db=opened.db, env=opened.env)
    try:
        for ref, expected in EXPECTED["drafts"].items():
            drafts = sorted(comms.drafts(app.ctx, ref), key=lambda d: d.draft_id)
            assert len(drafts) == len(expected), ref
            actual = [
                {name: _plain(getattr(d, name)) for name in wanted}
                for d, wanted in zip(drafts, expected, strict=True)
            ]
            assert_shows_the_same(expected, actual)
        found = directory.directory(app.ctx)
        rota = {
            week: {role: found.on_duty(role, week) for role in roles}
            for week, roles in EXPECTED["rota"].items()
        }
        assert rota == EXPECTED["rota"]
    finally:
        app.close()


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def test_the_log_rebuilds_the_same_list_and_takes_new_events(tmp_path: Path) -> None:
    db = copy_of_fixture(tmp_path)
    env = cli_view.environment(tmp_path, ROOT)
    ref = REFS["payroll"]
    # The list folded again from the log by today's code, not the release's projection; then
    # a change on top of the release's, whose "prev" names the release's change in force.
    _, listed, _, shown = (
        cli_view.ok(r).out
        for r in cli_view.run_batch(
            [
                ["--db", db, "db", "rebuild"],
                ["--db", db, "list", "--json"],
                ["--db", db, "set", ref, "users_affected", "2500"],
                ["--db", db, "show", ref, "--json"],
            ],
            root=ROOT,
            env=env,
        )
    )
    assert_shows_the_same(EXPECTED["view"]["list"], json.loads(listed))
    expected = dict(EXPECTED["view"]["incidents"][ref]["show"])
    expected["users_affected"] = 2500
    expected["timeline_entries"] += 1
    assert_shows_the_same(expected, json.loads(shown))
