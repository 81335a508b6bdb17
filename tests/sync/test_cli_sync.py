"""The shared-database commands: db init (and the append-only role), sync --once, doctor,
--shared and MIMDESK_SHARED_URL, the [shared] settings."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import text

from mimdesk.cli import main
from mimdesk.store import shared
from tests.support.faultproxy import FaultProxy


@pytest.fixture
def empty_db(server):
    """A database of its own, without the shared schema, on the module's server."""
    from tests.sync.conftest import _admin_engine

    name = f"mimdesk_i_{uuid.uuid4().hex[:10]}"
    admin = _admin_engine(server.admin_url)
    quote = '"' if server.kind == "pg" else "`"
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {quote}{name}{quote}"))
        conn.commit()
    scheme = "postgresql" if server.kind == "pg" else "mariadb"
    url = f"{scheme}://{server.url.username}@127.0.0.1:{server.port}/{name}"
    yield url, server
    with admin.connect() as conn:
        force = " WITH (FORCE)" if server.kind == "pg" else ""
        conn.execute(text(f"DROP DATABASE IF EXISTS {quote}{name}{quote}{force}"))
        conn.commit()
    admin.dispose()


def test_db_init_creates_then_finds_the_schema_current(empty_db, home, capsys, monkeypatch):
    url, _server = empty_db
    assert main(["--shared", url, "db", "init"]) == 0
    assert "created the shared schema" in capsys.readouterr().out
    monkeypatch.setenv("MIMDESK_SHARED_URL", url)
    assert main(["db", "init"]) == 0
    assert f"shared schema {shared.HEAD} is current" in capsys.readouterr().out


def test_db_init_can_create_a_desk_role(empty_db, home, capsys):
    """The role reads events and appends through the server-side step; it may not write any
    table itself (tests/sync/test_desk_role.py attacks it through a login)."""
    from tests.sync.desk_logins import drop_role

    url, server = empty_db
    role = f"mim_desks_{uuid.uuid4().hex[:6]}"
    assert main(["db", "init", "--shared", url, "--create-role", role]) == 0
    assert f"Role {role}: may read events" in capsys.readouterr().out
    from tests.sync.conftest import Server

    db = Server(server.kind, server.admin_url, server.admin_url.set(database=url.rsplit("/")[-1]))
    try:
        with db.engine.connect() as conn:
            if server.kind == "pg":
                rights = {
                    (table, p): conn.execute(
                        text("SELECT has_table_privilege(:r, :t, :p)"),
                        {"r": role, "t": table, "p": p},
                    ).scalar()
                    for table in ("event", "sync_head", "desk")
                    for p in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE")
                }
                assert {k for k, v in rights.items() if v} == {("event", "SELECT")}
                assert conn.execute(
                    text(
                        "SELECT has_function_privilege(:r, 'mimdesk_append(text, text)', 'EXECUTE')"
                    ),
                    {"r": role},
                ).scalar()
            else:
                grants = " ".join(conn.execute(text(f"SHOW GRANTS FOR `{role}`")).scalars())
                assert "GRANT SELECT ON" in grants and "`event`" in grants
                assert "EXECUTE ON PROCEDURE" in grants and "`mimdesk_append`" in grants
                assert "INSERT" not in grants and "UPDATE" not in grants
                assert "`sync_head`" not in grants
    finally:
        db.engine.dispose()
        drop_role(db, role)


def test_a_url_with_a_password_is_refused(home, capsys):
    assert main(["--shared", "postgresql://u:secret@h/db", "db", "init"]) == 2
    err = capsys.readouterr().err
    assert "keyring" in err and "secret" not in err


def test_sync_once_and_doctor(shared_db, home, tmp_path, capsys):
    db = str(tmp_path / "cli.sqlite3")
    url = shared_db.url_text()
    assert main(["--db", db, "new", "Printers down"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "doctor", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["shared"] is None and report["local"]["pending"] == 1
    assert report["settings"]["app.theme"] == "built-in"

    assert main(["--db", db, "--shared", url, "sync", "--once", "--json"]) == 0
    outcome = json.loads(capsys.readouterr().out)
    assert outcome["pushed"] == 1 and outcome["pending"] == 0

    assert main(["--db", db, "--shared", url, "doctor"]) == 0
    out = capsys.readouterr().out
    assert "0 not yet shared" in out
    assert f"schema version {shared.SCHEMA_VERSION}" in out
    assert "last good sync: 20" in out
    assert "(from --shared)" in out


def test_sync_once_reports_an_unreachable_database(shared_db, home, tmp_path, capsys):
    proxy = FaultProxy(shared_db.host, shared_db.port).start()
    proxy.refuse()
    try:
        db = str(tmp_path / "cli.sqlite3")
        url = shared_db.url_text(proxy.port)
        assert main(["--db", db, "new", "Offline incident"]) == 0
        assert main(["--db", db, "--shared", url, "sync", "--once"]) == 4
        assert "unreachable" in capsys.readouterr().err
        assert main(["--db", db, "--shared", url, "list"]) == 0
        assert "Offline incident" in capsys.readouterr().out
        assert main(["--db", db, "--shared", url, "doctor"]) == 1
        assert "unreachable" in capsys.readouterr().out
    finally:
        proxy.stop()


def test_the_shared_settings_section_is_checked(tmp_path):
    from mimdesk import configcheck

    path = tmp_path / "site.toml"
    path.write_text('[shared]\nurl = "postgresql://mim@db/mimdesk"\ntls = "sometimes"\n')
    report = configcheck.check_file(path)
    assert any("shared.tls" in e for e in report.errors)
    path.write_text('[shared]\nurl = "postgresql://mim@db/mimdesk"\ntls = "require"\n')
    assert configcheck.check_file(path).ok


def test_the_shared_url_comes_from_settings(home, tmp_path, monkeypatch):
    from mimdesk import config
    from mimdesk.paths import default_paths
    from mimdesk.sync.target import resolve

    site = tmp_path / "site.toml"
    site.write_text('[shared]\nurl = "mariadb://mim@db.example/mimdesk"\n')
    monkeypatch.setenv("MIMDESK_SITE_CONFIG", str(site))
    monkeypatch.delenv("MIMDESK_SHARED_URL", raising=False)
    settings = config.load_settings(default_paths())
    target = resolve(settings)
    assert target is not None and target.url.host == "db.example"
    assert target.source.startswith("site")
    assert target.keyring_name == "db:db.example/mim"
    assert resolve(settings, "postgresql://x@y/z").source == "--shared"
