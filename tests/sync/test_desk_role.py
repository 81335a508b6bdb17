"""A desk login cannot break the log (issue 12, point 2), on PostgreSQL and MariaDB.

IT creates the schema and the desk role as the README says (``mimdesk db init --shared URL
--create-role NAME``) and gives a login that role. Desks share through that login. The same
login then attacks the log the ways the issue found: move the counter back, insert a row at
head+1 without moving the head, change or delete events, append a payload over the limit or
a malformed row. Every attack is refused by the server, and the desks go on sharing.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from mimdesk.app import open_app
from mimdesk.domain import schema
from mimdesk.domain.events import Author, Event, EventType
from mimdesk.domain.ids import new_id
from mimdesk.store import shared
from mimdesk.sync.digest import local_digest, server_digest
from tests.sync.desk_logins import desk_login, drop_role, new_role_name
from tests.sync.desk_procs import desk_env, mimdesk, sync_once
from tests.sync.test_protocol import new_incident, notes

STAMP = "2026-12-02T10:00:00.000000Z"


def wire_event(**changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "event_id": new_id(),
        "stream_id": new_id(),
        "type": "note.added",
        "payload_v": 1,
        "payload": '{"text":"x"}',
        "hlc": 1 << 40,
        "desk_id": new_id(),
        "author_name": "Mallory",
        "author_login": "mallory",
        "occurred_at": STAMP,
        "recorded_at": STAMP,
    }
    row.update(changes)
    return row


def head_and_count(db) -> tuple[int, int]:
    with db.engine.connect() as conn:
        head = conn.execute(text("SELECT last_seq FROM sync_head")).scalar_one()
        count = conn.execute(text("SELECT count(*) FROM event")).scalar_one()
    return int(head), int(count)


@pytest.fixture
def role_db(blank_db, home):
    role = new_role_name()
    run = mimdesk("db", "init", "--shared", blank_db.url_text(), "--create-role", role)
    assert run.code == 0, run.err
    assert f"Role {role}: may read events and append them" in run.out
    try:
        yield blank_db, role
    finally:
        drop_role(blank_db, role)


def test_a_desk_login_shares_but_cannot_break_the_log(role_db, tmp_path):
    db, role = role_db
    env = desk_env()
    with desk_login(db, role) as login:
        a_db, b_db = tmp_path / "ana.sqlite3", tmp_path / "ben.sqlite3"
        a = open_app(db=a_db)
        try:
            sid = new_incident(a, "Printers down")
            notes(a, sid, 20)
        finally:
            a.close()
        # Desks share through the login: push, pull.
        for path in (a_db, b_db):
            run = sync_once(path, login.url_text(), env)
            assert run.code == 0, run.err
        before = head_and_count(db)
        assert before == (21, 21)

        attacks = {
            "move the counter back": "UPDATE sync_head SET last_seq = 0",
            "read the counter table": "SELECT last_seq FROM sync_head",
            "insert at head+1 without moving the head": (
                "INSERT INTO event (event_id, seq, stream_id, type, payload_v, payload, hlc, "
                "desk_id, author_name, author_login, occurred_at, recorded_at, app_version, "
                f"received_at) VALUES ('{new_id()}', 22, 's', 'note.added', 1, '{{}}', 1, 'd', "
                f"'m', 'm', '{STAMP}', '{STAMP}', '', '{STAMP}')"
            ),
            "rewrite an event": "UPDATE event SET payload = '{}'",
            "delete events": "DELETE FROM event",
            "empty the log": "TRUNCATE TABLE event",
            "forge a desk": "UPDATE desk SET label = 'forged'",
            "change the meta facts": "UPDATE sync_meta SET value = '1'",
            "replace a desk's key": "UPDATE desk_key SET public_key = 'x'",
            "remove the desk keys": "DELETE FROM desk_key",
            "publish a key by hand": (
                "INSERT INTO desk_key (desk_id, public_key, published_at) "
                f"VALUES ('{new_id()}', 'k', '{STAMP}')"
            ),
        }
        refused: dict[str, str] = {}
        engine = login.engine()
        try:
            for what, statement in attacks.items():
                with engine.connect() as conn:
                    with pytest.raises(DBAPIError) as caught:
                        conn.execute(text(statement))
                        conn.commit()
                    refused[what] = str(caught.value.orig).split("\n")[0][:80]
                assert head_and_count(db) == before, what
            # The append step refuses rows it must not take, whatever the login sends.
            bad_rows = {
                "a payload over 1 MiB": wire_event(
                    payload=json.dumps({"text": "x" * shared.PAYLOAD_LIMIT})
                ),
                "a payload that is not JSON": wire_event(payload="{not json"),
                "a payload that is not an object": wire_event(payload="[1, 2]"),
                "a malformed time": wire_event(occurred_at="yesterday"),
            }
            batches = {what: [row] for what, row in bad_rows.items()}
            # One call holds the head lock while it inserts: its size is bounded.
            batches["1,001 events in one call"] = [wire_event() for _ in range(1001)]
            for what, batch in batches.items():
                with engine.connect() as conn:
                    with pytest.raises(DBAPIError) as caught:
                        conn.execute(
                            text(shared.append_sql(conn.dialect.name)),
                            {"batch": json.dumps(batch), "version": "attack"},
                        ).all()
                        conn.commit()
                    message = str(caught.value.orig)
                    assert "mimdesk_append" in message, message
                    refused[what] = message.split("\n")[0][:80]
                assert head_and_count(db) == before, what
            # A good row through the append step is all a login may add: it gets the next seq.
            with engine.connect() as conn:
                good = wire_event()
                got = conn.execute(
                    text(shared.append_sql(conn.dialect.name)),
                    {"batch": json.dumps([good]), "version": "mallory"},
                ).all()
                conn.commit()
                assert [(r[0], r[1]) for r in got] == [(good["event_id"], 22)]
                assert conn.execute(text("SELECT last_seq FROM log_head")).scalar_one() == 22
                # The server stamps the login on the row, whatever the batch said.
                stamped = conn.execute(
                    text("SELECT db_login FROM event WHERE event_id = :id"),
                    {"id": good["event_id"]},
                ).scalar_one()
                assert stamped == login.name
                # Publishing another key for a desk that has one changes nothing.
                keys = dict(conn.execute(text("SELECT desk_id, public_key FROM desk_key")).all())
                assert len(keys) == 2
                desk_id, key = next(iter(keys.items()))
                kept = conn.execute(
                    text(shared.publish_key_sql(conn.dialect.name)),
                    {"desk_id": desk_id, "public_key": "forged"},
                ).scalar()
                conn.commit()
                assert kept == key
                again = conn.execute(text("SELECT desk_id, public_key FROM desk_key")).all()
                assert dict(again) == keys
        finally:
            engine.dispose()
        print(f"\n{db.kind}: refused {json.dumps(refused, indent=1)}")

        # Every desk still shares: more notes from Ana reach Ben.
        a = open_app(db=a_db)
        try:
            notes(a, sid, 5, prefix="after")
        finally:
            a.close()
        for path in (a_db, b_db, a_db):
            run = sync_once(path, login.url_text(), env)
            assert run.code == 0, run.err
    with db.engine.connect() as conn:
        srv = server_digest(conn)
    assert srv["contiguous"] and srv["events"] == 27, srv
    for path in (a_db, b_db):
        app = open_app(db=path)
        try:
            d = local_digest(app.log)
        finally:
            app.close()
        assert (d["events"], d["ids"], d["pending"]) == (srv["events"], srv["ids"], 0)


def test_an_event_the_server_refuses_is_set_aside_and_the_rest_is_shared(role_db, tmp_path):
    """An event the server will not take (here: a 2 MiB payload, refused before sending, and
    a payload that is not a JSON object, refused by the append step) does not hold back the
    events around it; each is named in the warning and in ``mimdesk doctor``."""
    db, role = role_db
    env = desk_env()
    path = tmp_path / "ana.sqlite3"
    app = open_app(db=path)
    try:
        sid = new_incident(app, "Mail down")
        notes(app, sid, 3, prefix="before")
        ctx = app.ctx
        huge = ctx.event(
            sid,
            schema.decode(
                EventType.NOTE_ADDED, 1, {"text": "y" * (2 * 1_048_576), "kind": "observation"}
            ),
        )
        odd = Event(
            event_id=new_id(),
            stream_id=sid,
            type="zz.future_kind",
            payload=schema.decode("zz.future_kind", 1, ["not", "an", "object"]),
            author=Author("Ana", "ana"),
            desk_id=app.log.desk_id,
            hlc=app.log.tick(int(datetime.now(UTC).timestamp() * 1000)),
            occurred_at=datetime.now(UTC),
            recorded_at=datetime.now(UTC),
        )
        app.log.append([huge])
        app.log.append([odd])
        notes(app, sid, 3, prefix="after")
        set_aside = {huge.event_id, odd.event_id}
    finally:
        app.close()
    with desk_login(db, role) as login:
        run = sync_once(path, login.url_text(), env)
        assert run.code == 0, run.err
        assert "2 changes refused by the shared database" in run.err, run.err
        again = sync_once(path, login.url_text(), env)
        assert again.code == 0 and "Pushed 0 events" in again.out, again.out
    with db.engine.connect() as conn:
        on_server = set(conn.execute(text("SELECT event_id FROM event")).scalars())
    assert len(on_server) == 7 and not (on_server & set_aside)
    doctor = mimdesk("--db", str(path), "doctor", "--json", env=env)
    report = json.loads(doctor.out)
    assert set(report["local"]["refused"]) == set_aside
    reasons = " ".join(report["local"]["refused"].values())
    assert "over the 1 MiB limit" in reasons and "not a JSON object" in reasons, reasons


def test_a_login_granted_more_by_hand_still_cannot_rewrite_the_log(role_db, tmp_path):
    """The triggers of revision s0003: a login given UPDATE and DELETE on the event table by
    hand is still refused; the owner is not."""
    db, role = role_db
    a_db = tmp_path / "ana.sqlite3"
    a = open_app(db=a_db)
    try:
        notes(a, new_incident(a, "Printers down"), 3)
    finally:
        a.close()
    with desk_login(db, role) as login:
        assert sync_once(a_db, login.url_text(), desk_env()).code == 0
        grant = "GRANT UPDATE, DELETE ON event TO {}"
        who = f'"{login.name}"' if db.kind == "pg" else f"'{login.name}'@'%'"
        with db.engine.connect() as conn:
            conn.execute(text(grant.format(who)))
            conn.commit()
        before = head_and_count(db)
        engine = login.engine()
        try:
            for statement in ("UPDATE event SET payload = '{}'", "DELETE FROM event"):
                with engine.connect() as conn:
                    with pytest.raises(DBAPIError) as caught:
                        conn.execute(text(statement))
                        conn.commit()
                    assert "append-only" in str(caught.value.orig), statement
                assert head_and_count(db) == before
        finally:
            engine.dispose()
            with db.engine.connect() as conn:  # so that the login can be dropped
                conn.execute(text(f"REVOKE UPDATE, DELETE ON event FROM {who}"))
                conn.commit()
    # The owner may: it is the one login IT keeps to itself.
    with db.engine.connect() as conn:
        assert conn.execute(text("DELETE FROM event WHERE seq = 1")).rowcount == 1
        conn.rollback()


def test_db_init_makes_the_desk_role_and_doctor_warns_a_login_that_can_rewrite(
    blank_db, home, tmp_path
):
    """Append-only by default (issue 14, point 4): plain `db init --shared URL` makes the desk
    role; doctor warns when the login it connects with can update or delete events."""
    from mimdesk.cli_sync import DEFAULT_DESK_ROLE

    run = mimdesk("db", "init", "--shared", blank_db.url_text())
    assert run.code == 0, run.err
    assert f"Role {DEFAULT_DESK_ROLE}: may read events and append them" in run.out
    desk_db = tmp_path / "desk.sqlite3"
    owner = mimdesk("--db", str(desk_db), "--shared", blank_db.url_text(), "doctor")
    assert owner.code == 0, owner.err
    assert "WARNING: this login can update and delete events" in owner.out
    with desk_login(blank_db, DEFAULT_DESK_ROLE) as login:
        desk = mimdesk("--db", str(desk_db), "--shared", login.url_text(), "doctor", "--json")
        assert desk.code == 0, desk.err
        assert json.loads(desk.out)["shared"]["can_alter_history"] == []
    # --no-role leaves the rights to IT.
    again = mimdesk("db", "init", "--shared", blank_db.url_text(), "--no-role")
    assert again.code == 0 and "Role " not in again.out
