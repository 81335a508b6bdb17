"""Helpers shared by the sync tests and the desk agent script: random edits, syncing a desk,
comparing desks with the server."""

from __future__ import annotations

import random
from typing import Any

from mimdesk.app import App
from mimdesk.domain import schema
from mimdesk.domain.events import EventType
from mimdesk.domain.ids import new_id
from mimdesk.sync.digest import local_digest, server_digest
from mimdesk.sync.protocol import Outcome, Replicator
from mimdesk.sync.target import SharedTarget, Timeouts, make_engine

STATUSES = ("declared", "investigating", "identified", "mitigated", "resolved", "closed")
ROLES = ("mim", "tech_lead", "comms_lead")
PEOPLE = ("Ana", "Ben", "Chen", "Dara")


def incident_ids(app: App) -> list[str]:
    return sorted(s.stream_id for s in app.log.summaries())


def random_edit(app: App, rng: random.Random, *, new_incident_chance: float = 0.1) -> str:
    """One edit a desk might make, appended straight to the log (conflicting edits are the
    point: the fold settles them)."""
    ctx = app.ctx
    streams = incident_ids(app)
    if not streams or rng.random() < new_incident_chance:
        sid = new_id()
        ctx.log.append(
            [
                ctx.event(
                    sid,
                    schema.decode(
                        EventType.INCIDENT_REPORTED, 1, {"title": f"Outage {rng.randrange(999)}"}
                    ),
                )
            ]
        )
        return "new"
    sid = rng.choice(streams)
    kind = rng.choice(("note", "note", "title", "status", "role", "unknown"))
    if kind == "note":
        payload: dict[str, Any] = {"text": f"note {rng.randrange(10**6)}", "kind": "observation"}
        event = ctx.event(sid, schema.decode(EventType.NOTE_ADDED, 1, payload))
    elif kind == "title":
        event = ctx.event(
            sid,
            schema.decode(
                EventType.FIELD_CHANGED, 1, {"field": "title", "value": f"T{rng.randrange(999)}"}
            ),
        )
    elif kind == "status":
        event = ctx.event(
            sid, schema.decode(EventType.STATUS_CHANGED, 1, {"to": rng.choice(STATUSES)})
        )
    elif kind == "role":
        event = ctx.event(
            sid,
            schema.decode(
                EventType.ROLE_ASSIGNED,
                1,
                {"role": rng.choice(ROLES), "person": rng.choice(PEOPLE)},
            ),
        )
    else:
        event = ctx.event(
            sid, schema.decode("future.widget_set", 1, {"widget": rng.randrange(99), "ü": "✓"})
        )
    ctx.log.append([event])
    return kind


def replicator(app: App, target: SharedTarget, timeouts: Timeouts | None = None) -> Replicator:
    t = timeouts or Timeouts(connect=2, statement=5, lock=3, idle_transaction=10, transaction=6)
    name = f"mimdesk-sync:{app.log.desk_id}"
    return Replicator(
        app.log, lambda: make_engine(target, application_name=name, timeouts=t), timeouts=t
    )


def sync(app: App, target: SharedTarget, timeouts: Timeouts | None = None) -> Outcome:
    rep = replicator(app, target, timeouts)
    try:
        rep.connect()
        return rep.sync()
    finally:
        rep.dispose()


def converge(apps: list[App], target: SharedTarget, rounds: int = 3) -> None:
    """Sync every desk until none has anything left to push or pull."""
    for _ in range(rounds):
        for app in apps:
            sync(app, target)
        if all(app.log.pending_count() == 0 for app in apps):
            digests = {local_digest(a.log)["seqs"] for a in apps}
            if len(digests) == 1:
                return


def assert_converged(apps: list[App], engine: Any) -> dict[str, Any]:
    with engine.connect() as conn:
        server = server_digest(conn)
    assert server["contiguous"], server
    digests = [local_digest(a.log) for a in apps]
    for d in digests:
        assert d["pending"] == 0
        assert d["events"] == server["events"], (d, server)
        assert d["ids"] == server["ids"]
        assert d["seqs"] == server["seqs"]
    assert len({d["projection"] for d in digests}) == 1, digests
    # ...and the projection equals a rebuild from the log.
    for app, d in zip(apps, digests, strict=True):
        app.log.rebuild_projections()
        assert local_digest(app.log)["projection"] == d["projection"]
    return server
