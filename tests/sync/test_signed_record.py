"""Tampering is seen (issue 14, point 5), on real PostgreSQL and MariaDB: every event is
signed by the desk that wrote it; a row edited on the server raises the "shared record
altered" alarm on a new desk (the signature fails) and on the desk that holds the original
(anti-entropy), which keeps its own copy; a desk presenting another key is an alarm too."""

from __future__ import annotations

from sqlalchemy import select, text, update

from mimdesk.store import shared
from mimdesk.store.record_trust import AlarmKind, Verdict
from mimdesk.usecases import incidents, timeline
from tests.support.recorded import as_json
from tests.sync.desk_procs import mimdesk
from tests.sync.helpers import sync


def _note_row(db, note: str):
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(shared.event.c.event_id, shared.event.c.payload, shared.event.c.signature)
        ).all()
    return next(r for r in rows if note in r.payload)


def test_every_shared_event_carries_a_signature_that_verifies(shared_db, desks):
    ana, ben = desks["ana"], desks["ben"]
    target = shared_db.target()
    summary, _ = incidents.report(ana.ctx, title="Payroll down")
    timeline.add_note(ana.ctx, reference=summary.reference, text="Vendor called")
    sync(ana, target)
    sync(ben, target)
    with shared_db.engine.connect() as conn:
        signed = conn.execute(select(shared.event.c.signature)).scalars().all()
        keys = dict(
            conn.execute(select(shared.desk_key.c.desk_id, shared.desk_key.c.public_key)).all()
        )
    assert len(signed) == 2 and all(len(s) == 88 for s in signed)  # base64 of 64 bytes
    assert ana.log.desk_id in keys and ben.log.desk_id in keys
    counts, failing = ben.log.check_signatures()
    assert counts[Verdict.GOOD] == 2 and failing == []
    assert ben.log.alarms() == [] and ana.log.alarms() == []
    # Ben pinned Ana's key as the server published it.
    assert ben.log.desk_keys()[ana.log.desk_id].pinned == keys[ana.log.desk_id]


def test_a_row_edited_on_the_server_raises_the_alarm_on_old_and_new_desks(shared_db, desks):
    ana = desks["ana"]
    target = shared_db.target()
    summary, _ = incidents.report(ana.ctx, title="Payroll down")
    timeline.add_note(ana.ctx, reference=summary.reference, text="Restarted the VPN at 10:05")
    sync(ana, target)
    row = _note_row(shared_db, "Restarted the VPN")
    forged = row.payload.replace("Restarted the VPN at 10:05", "Nothing was done")
    # The server's owner rewrites history (the triggers let the owner through).
    with shared_db.engine.begin() as conn:
        conn.execute(
            update(shared.event)
            .where(shared.event.c.event_id == row.event_id)
            .values(payload=forged)
        )

    # A desk that never saw the original: the signature does not verify.
    carl = desks["carl"]
    sync(carl, target)
    alarms = carl.log.alarms()
    assert [(a.kind, a.event_id) for a in alarms] == [(AlarmKind.BAD, row.event_id)]
    assert "Nothing was done" in alarms[0].detail["shown"]["payload"]
    assert "does not verify" in alarms[0].describe()

    # The desk that wrote it: anti-entropy finds the shared copy differs, names both
    # versions, and keeps its own.
    outcome = sync(ana, target)
    assert summary.stream_id in outcome.streams
    kinds = {(a.kind, a.event_id) for a in ana.log.alarms()}
    assert (AlarmKind.ALTERED, row.event_id) in kinds
    assert (AlarmKind.BAD, row.event_id) in kinds  # and the shared copy's signature fails
    altered = next(a for a in ana.log.alarms() if a.kind is AlarmKind.ALTERED)
    assert "Restarted the VPN at 10:05" in altered.detail["here"]["payload"]
    assert "Nothing was done" in altered.detail["shown"]["payload"]
    notes = [as_json(e.payload).get("text") for e in ana.log.stream(summary.stream_id)]
    assert "Restarted the VPN at 10:05" in notes and "Nothing was done" not in notes
    # A second sync finds the same thing, and records it once.
    sync(ana, target)
    assert len(ana.log.alarms()) == len(kinds)
    # doctor names the entry, its incident and both versions, and fails.
    doctor = mimdesk("--db", str(ana.database), "doctor")
    assert doctor.code == 1, doctor.err
    assert (
        f"SHARED RECORD ALTERED: event {row.event_id} of {summary.reference}: the shared "
        "database's copy differs from this desk's"
    ) in doctor.out
    assert "payload, this desk's copy: '{" in doctor.out
    assert "Restarted the VPN at 10:05" in doctor.out and "Nothing was done" in doctor.out


def test_a_changed_key_for_a_known_desk_is_an_alarm(shared_db, desks):
    ana, ben = desks["ana"], desks["ben"]
    target = shared_db.target()
    incidents.report(ana.ctx, title="Payroll down")
    sync(ana, target)
    sync(ben, target)
    pinned = ben.log.desk_keys()[ana.log.desk_id].pinned
    # The owner presents another key for Ana's desk, and a row signed with it.
    from mimdesk.store import signatures

    other = signatures.Ed25519Signer(signatures.new_private_key())
    with shared_db.engine.begin() as conn:
        conn.execute(
            update(shared.desk_key)
            .where(shared.desk_key.c.desk_id == ana.log.desk_id)
            .values(public_key=other.public_key)
        )
    sync(ben, target)
    alarms = [a for a in ben.log.alarms() if a.kind is AlarmKind.KEY_CHANGED]
    assert [a.desk_id for a in alarms] == [ana.log.desk_id]
    assert alarms[0].detail == {
        "here": {"public_key": pinned},
        "shown": {"public_key": other.public_key},
    }
    # The pin holds: Ana's events still verify with the key Ben met first.
    assert ben.log.desk_keys()[ana.log.desk_id].pinned == pinned
    assert ben.log.check_signatures()[1] == []
    # Ana herself sees that the server keeps another key for her desk.
    sync(ana, target)
    assert [a.kind for a in ana.log.alarms()] == [AlarmKind.KEY_CHANGED]


def test_the_server_stamps_the_login_that_wrote_each_row(shared_db, desks):
    ana = desks["ana"]
    target = shared_db.target()
    incidents.report(ana.ctx, title="Payroll down")
    sync(ana, target)
    with shared_db.engine.begin() as conn:
        login = conn.execute(
            text(
                "SELECT session_user"
                if shared_db.kind == "pg"
                else "SELECT SUBSTRING_INDEX(USER(), '@', 1)"
            )
        ).scalar()
        stamped = conn.execute(select(shared.event.c.db_login)).scalars().all()
        # A login that writes a row directly cannot put another login's name on it.
        row = conn.execute(select(shared.event)).mappings().one()
        copy = {**row, "event_id": "forged-0001", "seq": 999, "db_login": "mallory"}
        conn.execute(shared.event.insert().values(**copy))
        forged = conn.execute(
            select(shared.event.c.db_login).where(shared.event.c.event_id == "forged-0001")
        ).scalar()
    assert stamped == [login] and forged == login
    # The desk keeps what the server stamped on the rows it pulled.
    ben = desks["ben"]
    sync(ben, target)
    with ben.log.engine.connect() as conn:
        logins = conn.execute(text("SELECT DISTINCT db_login FROM event")).scalars().all()
    assert logins == [login]
