"""Schema migrations: the known revisions match the scripts, upgrades back up first."""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory

from mimdesk.app import open_app
from mimdesk.store import migrate
from mimdesk.store.eventlog import EventLog
from mimdesk.store.sqlite import backup, check_file, make_engine, open_database
from mimdesk.usecases import incidents, timeline
from tests.support.decided import declare

TABLES = {"alembic_version", "event", "incident_summary", "desk_meta"}


def scripts(location: Path = migrate.SCRIPT_LOCATION) -> ScriptDirectory:
    config = migrate.alembic_config()
    config.set_main_option("script_location", str(location))
    return ScriptDirectory.from_config(config)


def tables(path: Path) -> set[str]:
    con = sqlite3.connect(path)
    try:
        return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        con.close()


def revision_of(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        con.close()


def event_ids(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return [r[0] for r in con.execute("SELECT event_id FROM event ORDER BY seq")]
    finally:
        con.close()


def test_known_revisions_are_the_scripts_in_order():
    directory = scripts()
    walked = [s.revision for s in reversed(list(directory.walk_revisions("base", "heads")))]
    assert tuple(walked) == migrate.KNOWN_REVISIONS
    assert directory.get_heads() == [migrate.HEAD]
    assert migrate.KNOWN_REVISIONS[-1] == migrate.HEAD
    for older, newer in itertools.pairwise(walked):
        assert directory.get_revision(newer).down_revision == older


def test_a_new_database_is_created_at_head(tmp_path):
    path = tmp_path / "new.sqlite3"
    engine, made_backup = open_database(path)
    try:
        with engine.connect() as conn:
            assert migrate.current_revision(conn) == migrate.HEAD
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        engine.dispose()
    assert made_backup is None
    assert tables(path) >= TABLES
    assert check_file(path) == migrate.HEAD


def test_an_empty_file_becomes_a_database(tmp_path):
    path = tmp_path / "empty.sqlite3"
    path.touch()
    engine, made_backup = open_database(path)
    engine.dispose()
    assert made_backup is None
    assert tables(path) >= TABLES


def test_no_backup_when_already_at_head(app, ctx):
    incidents.report(ctx, title="Already current")
    app.close()
    folder = app.database.parent
    before = sorted(p.name for p in folder.iterdir())
    engine, made_backup = open_database(app.database)
    engine.dispose()
    assert made_backup is None
    assert not [p for p in folder.iterdir() if "before-upgrade" in p.name]
    assert sorted(p.name for p in folder.iterdir() if not p.name.endswith(("-wal", "-shm"))) == [
        n for n in before if not n.endswith(("-wal", "-shm"))
    ]


def fill(ctx) -> list[str]:
    refs = []
    for title in ("Mail down", "VPN slow"):
        summary, _ = incidents.report(ctx, title=title)
        refs.append(summary.reference)
    declare(ctx, refs[0], mim="Ann Lee")
    timeline.add_note(ctx, reference=refs[1], text="Users in Lyon only")
    return refs


def extra_revision_scripts(tmp_path: Path) -> Path:
    """A copy of the real scripts plus one newer revision, as a future version would ship."""
    location = tmp_path / "migrations"
    shutil.copytree(migrate.SCRIPT_LOCATION, location, ignore=shutil.ignore_patterns("__pycache__"))
    (location / "versions" / "9000_test_extra.py").write_text(
        f'''"""A newer revision used by the tests."""
import sqlalchemy as sa
from alembic import op

revision = "9000_test_extra"
down_revision = "{migrate.HEAD}"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("test_extra", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade():
    op.drop_table("test_extra")
''',
        encoding="utf-8",
    )
    return location


def database_at_older_revision(kind, app, tmp_path, monkeypatch) -> tuple[str, str]:
    """Return (revision the file is at, revision this MIM Desk upgrades it to)."""
    if kind == "synthetic":
        # This MIM Desk knows one revision more than the file has.
        location = extra_revision_scripts(tmp_path)
        monkeypatch.setattr(migrate, "SCRIPT_LOCATION", location)
        monkeypatch.setattr(
            migrate, "KNOWN_REVISIONS", (*migrate.KNOWN_REVISIONS, "9000_test_extra")
        )
        monkeypatch.setattr(migrate, "HEAD", "9000_test_extra")
        return revision_of(app.database), "9000_test_extra"
    # A real older revision: take the file down with Alembic's own downgrade scripts.
    older = migrate.KNOWN_REVISIONS[-2]
    engine = make_engine(app.database)
    try:
        with engine.begin() as conn:
            config = migrate.alembic_config()
            config.attributes["connection"] = conn
            command.downgrade(config, older)
    finally:
        engine.dispose()
    return older, migrate.HEAD


KINDS = ["synthetic"] + (["real"] if len(migrate.KNOWN_REVISIONS) > 1 else [])


@pytest.mark.parametrize("kind", KINDS)
def test_an_older_database_is_backed_up_then_upgraded(kind, app, ctx, clock, tmp_path, monkeypatch):
    refs = fill(ctx)
    summaries = {s.reference: s for s in app.log.summaries()}
    ids = event_ids(app.database)
    app.close()
    old, new = database_at_older_revision(kind, app, tmp_path, monkeypatch)
    assert revision_of(app.database) == old != new

    again = open_app(db=app.database, env=os.environ, now=clock)
    try:
        assert again.backup is not None
        assert again.backup.parent == app.database.parent
        assert f"before-upgrade-{old}" in again.backup.name
        # The copy is the database as it was: the old revision and every event.
        assert revision_of(again.backup) == old
        assert event_ids(again.backup) == ids
        with sqlite3.connect(again.backup) as con:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # The database itself is at the new revision, with every event and incident.
        assert revision_of(app.database) == new
        assert event_ids(app.database) == ids
        assert {s.reference: s for s in again.log.summaries()} == summaries
        assert again.log.find(refs[0])[0].mim == "Ann Lee"
    finally:
        again.close()
    if kind == "synthetic":
        assert "test_extra" in tables(app.database)


def test_backup_is_a_consistent_copy_of_committed_data(app, ctx, tmp_path):
    """Taken while another connection is in the middle of a write."""
    fill(ctx)
    committed = event_ids(app.database)
    assert committed
    # The app is open: the latest commits are still only in the write-ahead log.
    assert Path(f"{app.database}-wal").stat().st_size > 0
    writer = sqlite3.connect(app.database, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM event")
        copy = backup(app.database, "test")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert copy.exists() and copy != app.database
    assert event_ids(copy) == committed
    with sqlite3.connect(copy) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # A copy opens as a database of its own.
    engine, _ = open_database(copy)
    log = EventLog(engine)
    try:
        assert log.count_events() == len(committed)
    finally:
        log.close()


def test_the_tables_the_code_names_are_the_ones_the_migrations_make(tmp_path: Path) -> None:
    """models.py (SQLAlchemy Core tables) and the Alembic scripts describe one schema:
    Alembic's autogenerate finds nothing to change in a database upgraded to head."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from mimdesk.store.models import metadata

    engine, _ = open_database(tmp_path / "head.sqlite3")
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
    finally:
        engine.dispose()
