"""The back-fill document (``"format": "mimdesk.backfill"``): an incident handled before the
desk had MIM Desk, in the words a person would use, turned into the events a desk would have
written. The format is described in :mod:`mimdesk.exchange`."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from mimdesk.domain import hlc as hlc_mod
from mimdesk.domain import incident as incident_mod
from mimdesk.domain import schema
from mimdesk.domain.events import Author, Event, format_time
from mimdesk.domain.incident import FOLLOWUP_FIELDS
from mimdesk.domain.keytimes import ORDER_RULES
from mimdesk.domain.lifecycle import Status
from mimdesk.domain.payloads import (
    Decided,
    FieldChanged,
    FollowUpAdded,
    IncidentReported,
    MessageSent,
    NoteAdded,
    Payload,
    PostmortemChanged,
    RoleAssigned,
    StatusChanged,
)
from mimdesk.exchange.validation import (
    MAX_NAME,
    MAX_TEXT,
    Checker,
    Parsed,
    canonical,
    derived_id,
    describe,
    read_author,
    read_list,
    unstorable,
)

BACKFILL_FORMAT = "mimdesk.backfill"

BACKFILL_STATUSES = (
    "candidate",
    "rejected",
    "declared",
    "investigating",
    "identified",
    "mitigated",
    "resolved",
    "closed",
)
BACKFILL_KEYS = {
    "format",
    "version",
    "title",
    "reported_at",
    "reported_by",
    "severity",
    "impact",
    "users_affected",
    "services",
    "impact_started_at",
    "detected_at",
    "declared_at",
    "mim",
    "declaration_rationale",
    "rejection_rationale",
    "mitigated_at",
    "resolved_at",
    "closed_at",
    "status",
    "external_ref",
    "workaround",
    "bridge",
    "roles",
    "entries",
    "updates",
    "postmortem",
    "follow_ups",
}


# The times a back-fill may give, beside reported_at.
_TIMES = (
    "impact_started_at",
    "detected_at",
    "declared_at",
    "mitigated_at",
    "resolved_at",
    "closed_at",
)


def parse_backfill(
    c: Checker, root: Mapping[str, Any], *, now: datetime, author: Author, desk_id: str
) -> Parsed | None:
    for key in root:
        if key not in BACKFILL_KEYS:
            c.bad(
                str(key),
                f"is not a field of a back-fill (fields: {', '.join(sorted(BACKFILL_KEYS))})",
            )
    digest = hashlib.sha256(canonical(root).encode("utf-8", "surrogatepass")).hexdigest()
    stream_id = derived_id("backfill", digest)
    head = _read_head(c, root, author)
    plan = _Plan()
    reported = _reported(c, root, head, incident_mod.reference_for(stream_id))
    _plan_fields(c, root, head, plan)
    _plan_decision(c, root, head, plan)
    _plan_status(head, plan)
    _plan_roles(c, root, head, plan)
    _plan_entries(c, root, head, plan)
    _plan_updates(c, root, head, plan)
    last = max([t for t in (head.reported_at, *head.times.values()) if t is not None], default=now)
    last = max([last, *(p[0] for p in plan.planned)])
    _plan_postmortem(c, root, plan, last, author)
    _plan_follow_ups(c, root, stream_id, plan, last, author)
    if c.problems or head.reported_at is None:
        return None
    events = _events(stream_id, head.reported_at, head, reported, plan, now=now, desk_id=desk_id)
    return Parsed(BACKFILL_FORMAT, stream_id, incident_mod.reference_for(stream_id), events)


@dataclass
class _Head:
    """What the back-fill says about the incident as a whole."""

    title: str
    reported_at: datetime | None
    reporter: Author
    status: str
    times: dict[str, datetime | None]
    major: bool
    users: int | None
    services: list[str]
    severity: str
    mim: Author | None

    @property
    def lead(self) -> Author:
        """Who status changes and role assignments are recorded as made by."""
        return self.mim or self.reporter


class _Plan:
    """The events to write, as (time, order, payload, author): sorted by time, then as
    listed, to become the log."""

    def __init__(self) -> None:
        self.planned: list[tuple[datetime, int, Payload, Author]] = []
        self.order = 0

    def add(self, when: datetime | None, payload: Payload, who: Author) -> None:
        if when is None:
            return
        self.order += 1
        self.planned.append((when, self.order, payload, who))


def _read_head(c: Checker, root: Mapping[str, Any], author: Author) -> _Head:
    title = c.text(root, "title", "", required=True, limit=MAX_NAME)
    reported_at = c.time(root, "reported_at", "", required=True)
    reporter = (
        read_author(c, root["reported_by"], "reported_by") if root.get("reported_by") else None
    )
    reporter = reporter or author
    status = c.one_of(root, "status", "", BACKFILL_STATUSES, "")
    if "status" not in root:
        c.bad("status", f"missing (required: one of {', '.join(BACKFILL_STATUSES)})")
    times = {name: c.time(root, name, "") for name in _TIMES}
    major = status not in ("", "candidate", "rejected")
    needs = {
        "declared_at": major,
        "mitigated_at": status == "mitigated",
        "resolved_at": status in ("resolved", "closed"),
    }
    for name, needed in needs.items():
        if needed and times[name] is None and name not in {p.split(":")[0] for p in c.problems}:
            c.bad(name, f"missing (required when status is {status})")
    known_times = {**times, "reported_at": reported_at}
    for earlier, later in ORDER_RULES:
        a, b = known_times.get(earlier), known_times.get(later)
        if a is not None and b is not None and a > b:
            c.bad(later, f"is before {earlier}: {later.removesuffix('_at')} cannot come first")
    users = c.integer(root, "users_affected", "")
    services = c.texts(root, "services", "")
    severity = c.text(root, "severity", "", limit=20)
    if major and not severity:
        c.bad("severity", f"missing (required when status is {status})")
    mim = read_author(c, root["mim"], "mim") if root.get("mim") else None
    return _Head(title, reported_at, reporter, status, times, major, users, services, severity, mim)


def _reported(c: Checker, root: Mapping[str, Any], head: _Head, reference: str) -> IncidentReported:
    return IncidentReported(
        title=head.title,
        reference=reference,
        impact=c.text(root, "impact", ""),
        severity=head.severity,
        users_affected=head.users,
        services=tuple(head.services),
        reported_at=format_time(head.reported_at),
        impact_started_at=format_time(head.times["impact_started_at"]),
        detected_at=format_time(head.times["detected_at"]),
    )


def _plan_fields(c: Checker, root: Mapping[str, Any], head: _Head, plan: _Plan) -> None:
    for name in ("external_ref", "workaround", "bridge"):
        value = c.text(root, name, "", limit=MAX_TEXT if name != "external_ref" else 100)
        if value:
            plan.add(head.reported_at, FieldChanged(field=name, value=value), head.reporter)


def _plan_decision(c: Checker, root: Mapping[str, Any], head: _Head, plan: _Plan) -> None:
    declared_at = head.times["declared_at"]
    if head.major:
        who = head.lead
        rationale = c.text(root, "declaration_rationale", "")
        plan.add(
            declared_at,
            Decided(decision="declare", severity=head.severity, rationale=rationale),
            who,
        )
        if head.mim is not None:
            plan.add(declared_at, RoleAssigned(role="mim", person=head.mim.name), who)
    elif head.status == "rejected":
        rationale = c.text(root, "rejection_rationale", "")
        plan.add(head.reported_at, Decided(decision="reject", rationale=rationale), head.reporter)


def _plan_status(head: _Head, plan: _Plan) -> None:
    status, times = head.status, head.times
    flow = {
        "mitigated": ("mitigated_at", Status.MITIGATED),
        "resolved": ("resolved_at", Status.RESOLVED),
        "closed": ("closed_at", Status.CLOSED),
    }
    reached = BACKFILL_STATUSES.index(status) if status else 0
    if status in ("investigating", "identified"):
        plan.add(times["declared_at"], StatusChanged(to=status), head.lead)
    for name, (key, target) in flow.items():
        if BACKFILL_STATUSES.index(name) <= reached and times[key] is not None:
            plan.add(times[key], StatusChanged(to=target.value), head.lead)
    if status == "closed" and times["closed_at"] is None and times["resolved_at"] is not None:
        plan.add(times["resolved_at"], StatusChanged(to=Status.CLOSED.value), head.lead)


def _plan_roles(c: Checker, root: Mapping[str, Any], head: _Head, plan: _Plan) -> None:
    for i, raw in enumerate(read_list(c, root, "roles")):
        path = f"roles[{i}]"
        r = c.obj(raw, path)
        if r is None:
            continue
        role = c.text(r, "role", path, required=True, limit=64)
        person = c.text(r, "person", path, required=True, limit=MAX_NAME)
        at = c.time(r, "at", path) or head.times["declared_at"] or head.reported_at
        plan.add(at, RoleAssigned(role=role, person=person), head.lead)


def _plan_entries(c: Checker, root: Mapping[str, Any], head: _Head, plan: _Plan) -> None:
    for i, raw in enumerate(read_list(c, root, "entries")):
        path = f"entries[{i}]"
        r = c.obj(raw, path)
        if r is None:
            continue
        at = c.time(r, "at", path, required=True)
        text = c.text(r, "text", path, required=True)
        # Kept as recorded, even one this desk does not know: see _recorded_word.
        kind = _recorded_word(c, r, "kind", path, "observation")
        who = read_author(c, r["author"], f"{path}.author") if r.get("author") else head.reporter
        plan.add(at, NoteAdded(text=text, kind=kind), who or head.reporter)


def _plan_updates(c: Checker, root: Mapping[str, Any], head: _Head, plan: _Plan) -> None:
    for i, raw in enumerate(read_list(c, root, "updates")):
        path = f"updates[{i}]"
        r = c.obj(raw, path)
        if r is None:
            continue
        at = c.time(r, "at", path, required=True)
        payload = MessageSent(
            audience=c.text(r, "audience", path, required=True, limit=64),
            channel=c.text(r, "channel", path, limit=50) or "other",
            subject=c.text(r, "subject", path, limit=300),
            body=c.text(r, "body", path),
            recipients=tuple(c.texts(r, "recipients", path, limit=320)),
        )
        who = read_author(c, r["author"], f"{path}.author") if r.get("author") else head.reporter
        plan.add(at, payload, who or head.reporter)


def _plan_postmortem(
    c: Checker, root: Mapping[str, Any], plan: _Plan, last: datetime, author: Author
) -> None:
    if "postmortem" not in root or root["postmortem"] is None:
        return
    pm = c.obj(root["postmortem"], "postmortem") or {}
    for key, value in pm.items():
        # A field this desk does not know is kept as recorded; the fold shows it as not
        # applied, as it does for one pulled from another desk.
        where = f"postmortem.{key}"
        if not isinstance(key, str) or not key.strip() or len(key) > 64 or unstorable(key):
            c.bad("postmortem", "holds a field name that is empty, too long or unstorable")
            continue
        if key == "authors" and isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = "\n".join(v.strip() for v in value if v.strip())
        if not isinstance(value, str):
            c.bad(where, f"must be text, not {describe(value)}")
            continue
        if len(value) > MAX_TEXT:
            c.bad(where, f"is longer than {MAX_TEXT:,} characters")
            continue
        if unstorable(value):
            c.bad(where, "holds characters that cannot be stored (a NUL or a lone surrogate)")
            continue
        plan.add(last, PostmortemChanged(field=key, value=value), author)


def _plan_follow_ups(
    c: Checker,
    root: Mapping[str, Any],
    stream_id: str,
    plan: _Plan,
    last: datetime,
    author: Author,
) -> None:
    for i, raw in enumerate(read_list(c, root, "follow_ups")):
        path = f"follow_ups[{i}]"
        r = c.obj(raw, path)
        if r is None:
            continue
        for key in r:
            if key not in FOLLOWUP_FIELDS:
                c.bad(f"{path}.{key}", f"is not a follow-up field ({', '.join(FOLLOWUP_FIELDS)})")
        due = r.get("due")
        if due not in (None, ""):
            try:
                ok = isinstance(due, str) and len(due) == 10 and bool(date.fromisoformat(due))
            except ValueError:
                ok = False
            if not ok:
                c.bad(f"{path}.due", f"{describe(due)} is not a date in the form YYYY-MM-DD")
        # Priority, kind and status are kept as recorded, even ones this desk does not know.
        payload = FollowUpAdded(
            id=derived_id(stream_id, "follow-up", str(i)),
            title=c.text(r, "title", path, required=True, limit=MAX_NAME),
            owner=c.text(r, "owner", path, limit=MAX_NAME),
            due=due if isinstance(due, str) else "",
            priority=_recorded_word(c, r, "priority", path, "medium"),
            kind=_recorded_word(c, r, "kind", path, "prevent"),
            status=_recorded_word(c, r, "status", path, "open"),
            ticket=c.text(r, "ticket", path, limit=100),
        )
        plan.add(last, payload, author)


def _recorded_word(c: Checker, data: Mapping[str, Any], key: str, path: str, default: str) -> str:
    """A word from a vocabulary (a note kind, a follow-up's priority), as recorded.

    A back-fill records what was, so a word this desk does not know (another tool's, an older
    one's) is kept, not refused or changed: where it matters the fold shows it as not applied.
    Absent or empty means the default."""
    return c.text(data, key, path, limit=64) or default


def _events(
    stream_id: str,
    reported_at: datetime,
    head: _Head,
    reported: IncidentReported,
    plan: _Plan,
    *,
    now: datetime,
    desk_id: str,
) -> list[Event]:
    """The planned events in the order they happened, after the incident.reported event."""
    planned = sorted(plan.planned, key=lambda p: (p[0], p[1]))
    base = hlc_mod.pack(int(now.timestamp() * 1000), 0)
    events = [
        Event(
            event_id=derived_id(stream_id, "reported"),
            stream_id=stream_id,
            type=schema.payload_type(reported),
            payload=reported,
            author=head.reporter,
            desk_id=desk_id,
            hlc=base,
            occurred_at=reported_at,
            recorded_at=now,
        )
    ]
    for n, (when, _, planned_payload, who) in enumerate(planned, 1):
        payload = _as_release_wrote(planned_payload)
        etype = schema.payload_type(payload)
        events.append(
            Event(
                event_id=derived_id(
                    stream_id, str(n), etype, format_time(when) or "", _id_basis(payload)
                ),
                stream_id=stream_id,
                type=etype,
                payload=payload,
                author=who,
                desk_id=desk_id,
                hlc=base + n,
                occurred_at=when,
                recorded_at=max(now, when),
            )
        )
    return events


# The keys the first release wrote for each kind of back-filled entry, even at their default;
# the others only when set. Written the same way for good: an event's id is derived from its
# payload, and a back-fill imported again after an upgrade must find the same ids, not add
# its entries a second time.
_RELEASE_KEYS: dict[type[Payload], tuple[str, ...]] = {
    FieldChanged: ("field", "value"),
    Decided: ("decision",),
    StatusChanged: ("to",),
    RoleAssigned: ("role", "person"),
    NoteAdded: ("text", "kind"),
    MessageSent: ("audience", "channel", "subject", "body", "recipients"),
    PostmortemChanged: ("field", "value"),
    FollowUpAdded: ("id", "title", "owner", "ticket", "priority", "kind", "status"),
}


def _as_release_wrote(payload: Payload) -> Payload:
    return replace(payload, recorded_keys=_RELEASE_KEYS.get(type(payload), ()))


def _id_basis(payload: Payload) -> str:
    """The text an event's id is derived from: its payload as the first release wrote it."""
    return canonical(schema.encode(payload)[1])
