"""The back-fill document (``"format": "mimdesk.backfill"``): an incident handled before the
desk had MIM Desk, in the words a person would use, turned into the events a desk would have
written. The format is described in :mod:`mimdesk.exchange` and, with every field of both
versions, in ``resources/schemas/incident-export-v1.md``.

Version 2 holds what published postmortems hold and version 1 could not without an invented
value: an incident never formally declared, times known only to the hour or the day, updates
whose time nobody noted, the impact as a range with words, roles with notes, and follow-ups
without a priority. A version 1 file is read exactly as before: the same events, the same ids,
so importing it again after an upgrade adds nothing. What is new is read only from a version 2
file, and adds events (or payload keys) only where the file uses it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from mimdesk.domain import hlc as hlc_mod
from mimdesk.domain import impact, schema
from mimdesk.domain import incident as incident_mod
from mimdesk.domain import precision as precision_mod
from mimdesk.domain.events import Author, Event, format_time
from mimdesk.domain.incident import FOLLOWUP_FIELDS
from mimdesk.domain.keytimes import KEY_TIMES, ORDER_RULES
from mimdesk.domain.lifecycle import Status
from mimdesk.domain.payloads import (
    CadenceSet,
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
from mimdesk.exchange.backfill_reader import Reader
from mimdesk.exchange.validation import (
    MAX_NAME,
    MAX_TEXT,
    Checker,
    Parsed,
    canonical,
    derived_id,
    describe,
    join,
    read_author,
    read_list,
    unstorable,
)

BACKFILL_FORMAT = "mimdesk.backfill"
# The newest version of the back-fill this desk reads (the incident format has its own).
BACKFILL_VERSION = 2

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
# The fields version 2 added.
BACKFILL_V2_KEYS = {"declared", "zone", "cadences", "impact_ended_at"}
# The fields of an entry, an update and a role in version 2 (version 1 did not check them,
# and still does not: a version 1 file reads as it did).
_ENTRY_KEYS = ("at", "precision", "author", "text", "kind")
_UPDATE_KEYS = ("at", "precision", "author", "audience", "channel", "subject", "body", "recipients")
_ROLE_KEYS = ("role", "person", "at", "note")
MAX_ROLE = 200
MAX_ROLE_NOTE = 2000


# The times a back-fill may give, beside reported_at.
_TIMES = (
    "impact_started_at",
    "detected_at",
    "declared_at",
    "mitigated_at",
    "resolved_at",
    "closed_at",
)
# Version 2's: a key time the desk now keeps.
_V2_TIMES = ("impact_ended_at",)


def parse_backfill(
    c: Checker, root: Mapping[str, Any], *, now: datetime, author: Author, desk_id: str
) -> Parsed | None:
    version = root.get("version")
    r = Reader(c, version if isinstance(version, int) else 1)
    for key in root:
        if key in BACKFILL_V2_KEYS:
            r.new(str(key), "this field")
        elif key not in BACKFILL_KEYS:
            known = BACKFILL_KEYS | BACKFILL_V2_KEYS if r.v2 else BACKFILL_KEYS
            c.bad(
                str(key),
                f"is not a field of a back-fill (fields: {', '.join(sorted(known))})",
            )
    r.read_zone(root)
    digest = hashlib.sha256(canonical(root).encode("utf-8", "surrogatepass")).hexdigest()
    stream_id = derived_id("backfill", digest)
    head = _read_head(r, root, author)
    plan = _Plan()
    reported = _reported(c, root, head, incident_mod.reference_for(stream_id))
    _plan_fields(c, root, head, plan)
    _plan_decision(r, root, head, plan)
    _plan_status(head, plan)
    _plan_roles(r, root, head, plan)
    _plan_entries(r, root, head, plan)
    _plan_updates(r, root, head, plan)
    last = max([t for t in (head.reported_at, *head.times.values()) if t is not None], default=now)
    last = max([last, *(p[0] for p in plan.planned)])
    _plan_postmortem(r, root, head, plan, last, author)
    _plan_follow_ups(r, root, stream_id, plan, last, author)
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
    # False: handled as a major incident, never formally declared (version 2).
    formal: bool = True
    # key time -> its precision, when coarser than the minute (version 2)
    precisions: dict[str, str] | None = None
    # The users affected as a line of text ("about 1,000–5,000 EU customers"), version 2.
    users_text: str = ""

    @property
    def lead(self) -> Author:
        """Who status changes and role assignments are recorded as made by."""
        return self.mim or self.reporter

    @property
    def decided_at(self) -> datetime | None:
        """When it became a major incident: its declaration, or the report when it was
        handled as one without being declared."""
        return self.times["declared_at"] if self.formal else self.reported_at


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


def _read_head(r: Reader, root: Mapping[str, Any], author: Author) -> _Head:
    c = r.c
    title = c.text(root, "title", "", required=True, limit=MAX_NAME)
    reported_at, reported_precision = r.key_time(root, "reported_at", required=True)
    reporter = (
        read_author(c, root["reported_by"], "reported_by") if root.get("reported_by") else None
    )
    reporter = reporter or author
    status = c.one_of(root, "status", "", BACKFILL_STATUSES, "")
    if "status" not in root:
        c.bad("status", f"missing (required: one of {', '.join(BACKFILL_STATUSES)})")
    times: dict[str, datetime | None] = {}
    precisions = {"reported_at": reported_precision} if reported_precision else {}
    for name in (*_TIMES, *(_V2_TIMES if r.v2 else ())):
        times[name], precision = r.key_time(root, name)
        if precision:
            precisions[name] = precision
    if precisions.pop("closed_at", ""):
        # The closing is not a key time: nothing keeps a precision beside it.
        c.bad("closed_at", "give it to the minute, or leave it out (it then follows resolved_at)")
    major = status not in ("", "candidate", "rejected")
    formal = _formal(r, root, status, major, times)
    needs = {
        "declared_at": major and formal,
        "mitigated_at": status == "mitigated",
        "resolved_at": status in ("resolved", "closed"),
    }
    for name, needed in needs.items():
        if needed and times[name] is None and name not in {p.split(":")[0] for p in c.problems}:
            hint = ""
            if name == "declared_at" and r.v2:
                hint = '; if it was never formally declared, write "declared": false'
            c.bad(name, f"missing (required when status is {status}{hint})")
    known_times = {**times, "reported_at": reported_at}
    for earlier, later in ORDER_RULES:
        a, b = known_times.get(earlier), known_times.get(later)
        if a is not None and b is not None and a > b:
            c.bad(later, f"is before {earlier}: {later.removesuffix('_at')} cannot come first")
    if r.v2:
        _check_flow(r, times, reported_at, formal)
    users, users_text = _users(r, root)
    services = c.texts(root, "services", "")
    severity = c.text(root, "severity", "", limit=20)
    # A published postmortem may not give a severity: version 2 records it as not known.
    if major and not severity and not r.v2:
        c.bad("severity", f"missing (required when status is {status})")
    mim = read_author(c, root["mim"], "mim") if root.get("mim") else None
    return _Head(
        title,
        reported_at,
        reporter,
        status,
        times,
        major,
        users,
        services,
        severity,
        mim,
        formal=formal,
        precisions=precisions,
        users_text=users_text,
    )


# The times a status change is dated by, each after the one before: the incident moves
# through them in this order, and a desk does not apply a change out of it.
_FLOW = ("mitigated_at", "resolved_at", "closed_at")


def _check_flow(
    r: Reader, times: Mapping[str, datetime | None], reported_at: datetime | None, formal: bool
) -> None:
    """Version 2: no status change before the incident became major, none before the one it
    follows. A rough time sorts where it is written (a day alone at noon), so it can fall out
    of order where a time to the minute would not."""
    start = "declared_at" if formal else "reported_at"
    earlier: tuple[str, datetime | None] = (
        start,
        times.get("declared_at") if formal else reported_at,
    )
    for name in _FLOW:
        when = times.get(name)
        if when is None:
            continue
        before, at = earlier
        if at is not None and when < at and not any(p.startswith(f"{name}:") for p in r.c.problems):
            r.c.bad(
                name,
                f"is before {before}: the incident cannot reach it first (a day alone sorts at "
                "noon: give a time that day, with its precision)",
            )
        earlier = (name, when)


def _formal(
    r: Reader,
    root: Mapping[str, Any],
    status: str,
    major: bool,
    times: Mapping[str, datetime | None],
) -> bool:
    """Whether the incident was formally declared: "declared": false says it was handled as
    a major incident without a declaration (version 2); then it has no declared time."""
    if "declared" not in root or not r.v2:
        return True
    value = root["declared"]
    if not isinstance(value, bool):
        r.c.bad("declared", f"must be true or false, not {describe(value)}")
        return True
    if value:
        return True
    if not major:
        r.c.bad(
            "declared",
            f"false is for a major incident handled without a declaration, "
            f"not one whose status is {status or 'not given'}",
        )
    if times["declared_at"] is not None:
        r.c.bad(
            "declared_at",
            'given, but "declared" is false: an incident never formally '
            "declared has no declared time",
        )
    return False


def _users(r: Reader, root: Mapping[str, Any]) -> tuple[int | None, str]:
    """The users affected: a whole number, or in version 2 a line holding a number or a range
    with words around it. The number is kept as the incident's count only when the line gives
    one number plainly ("3,000 EU customers"), never an estimate ("about 3,000")."""
    value = root.get("users_affected")
    if not (r.v2 and isinstance(value, str)):
        return r.c.integer(root, "users_affected", ""), ""
    text = " ".join(value.split())
    problem = impact.problem("impact_users", text)
    if problem or not text:
        r.c.bad("users_affected", problem or "is empty")
        return None, ""
    measure = impact.parse(text)
    if measure is None or measure.qualifier or measure.high:
        return None, text
    digits = measure.low.replace(",", "").replace("_", "").replace(" ", "")
    return (int(digits) if digits.isdigit() else None), text


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
    if head.precisions:
        # One change at the report names every time known only roughly, in the key times'
        # order: the report prints each as precisely as it is known, and no more.
        order = list(KEY_TIMES)
        known = {n: head.precisions[n] for n in sorted(head.precisions, key=order.index)}
        plan.add(head.reported_at, FieldChanged(field="time_precision", value=known), head.reporter)
    ended = head.times.get("impact_ended_at")
    if ended is not None:
        plan.add(ended, FieldChanged(field="impact_ended_at", value=format_time(ended)), head.lead)


def _plan_decision(r: Reader, root: Mapping[str, Any], head: _Head, plan: _Plan) -> None:
    c = r.c
    decided_at = head.decided_at
    cadences = _cadences(r, root, head)
    if head.major:
        who = head.lead
        rationale = c.text(root, "declaration_rationale", "")
        plan.add(
            decided_at,
            Decided(
                decision="declare",
                severity=head.severity,
                rationale=rationale,
                formal=head.formal,
                cadences=cadences,
            ),
            who,
        )
        if head.mim is not None:
            plan.add(decided_at, RoleAssigned(role="mim", person=head.mim.name), who)
        for audience, minutes in (cadences or {}).items():
            plan.add(decided_at, CadenceSet(audience=audience, minutes=minutes), who)
    elif head.status == "rejected":
        rationale = c.text(root, "rejection_rationale", "")
        plan.add(head.reported_at, Decided(decision="reject", rationale=rationale), head.reporter)


def _cadences(r: Reader, root: Mapping[str, Any], head: _Head) -> dict[str, int] | None:
    """The update interval per audience in force (version 2); None when the file does not
    say, and then nothing about cadences is written."""
    value = root.get("cadences") if r.v2 else None
    if value is None:
        return None
    data = r.c.obj(value, "cadences")
    if data is None:
        return None
    if not head.major:
        r.c.bad("cadences", "only a major incident has update cadences")
    out: dict[str, int] = {}
    for audience, minutes in data.items():
        where = f"cadences.{audience}"
        if not isinstance(audience, str) or not audience.strip() or len(audience) > 64:
            r.c.bad("cadences", "holds an audience name that is empty or too long")
        elif isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 0:
            r.c.bad(where, f"must be whole minutes (0 for none), not {describe(minutes)}")
        else:
            out[audience] = minutes
    return out


def _plan_status(head: _Head, plan: _Plan) -> None:
    status, times = head.status, head.times
    flow = {
        "mitigated": ("mitigated_at", Status.MITIGATED),
        "resolved": ("resolved_at", Status.RESOLVED),
        "closed": ("closed_at", Status.CLOSED),
    }
    reached = BACKFILL_STATUSES.index(status) if status else 0
    if status in ("investigating", "identified"):
        plan.add(head.decided_at, StatusChanged(to=status), head.lead)
    for name, (key, target) in flow.items():
        if BACKFILL_STATUSES.index(name) <= reached and times[key] is not None:
            plan.add(times[key], StatusChanged(to=target.value), head.lead)
    if status == "closed" and times["closed_at"] is None and times["resolved_at"] is not None:
        plan.add(times["resolved_at"], StatusChanged(to=Status.CLOSED.value), head.lead)


def _plan_roles(r: Reader, root: Mapping[str, Any], head: _Head, plan: _Plan) -> None:
    c = r.c
    for i, raw in enumerate(read_list(c, root, "roles")):
        path = f"roles[{i}]"
        data = c.obj(raw, path)
        if data is None:
            continue
        r.keys(data, path, _ROLE_KEYS, "a role")
        # Kept exactly as written ("SRE on call for pg_dump"): a role outside the site's
        # list is shown as recorded.
        role = c.text(data, "role", path, required=True, limit=MAX_ROLE)
        person = c.text(data, "person", path, required=True, limit=MAX_NAME)
        note = ""
        if data.get("note") is not None and r.new(f"{path}.note", "a role's note"):
            note = c.text(data, "note", path, limit=MAX_ROLE_NOTE)
        at = c.time(data, "at", path) or head.decided_at or head.reported_at
        plan.add(at, RoleAssigned(role=role, person=person, note=note), head.lead)


def _plan_entries(r: Reader, root: Mapping[str, Any], head: _Head, plan: _Plan) -> None:
    c = r.c
    for i, raw in enumerate(read_list(c, root, "entries")):
        path = f"entries[{i}]"
        data = c.obj(raw, path)
        if data is None:
            continue
        r.keys(data, path, _ENTRY_KEYS, "an entry")
        if r.v2:
            at, precision = r.moment(data, path, unknown_ok=False)
        else:
            at, precision = c.time(data, "at", path, required=True), ""
        text = c.text(data, "text", path, required=True)
        # Kept as recorded, even one this desk does not know: see _recorded_word.
        kind = _recorded_word(c, data, "kind", path, "observation")
        who = (
            read_author(c, data["author"], f"{path}.author")
            if data.get("author")
            else head.reporter
        )
        plan.add(at, NoteAdded(text=text, kind=kind, precision=precision), who or head.reporter)


def _plan_updates(r: Reader, root: Mapping[str, Any], head: _Head, plan: _Plan) -> None:
    c = r.c
    for i, raw in enumerate(read_list(c, root, "updates")):
        path = f"updates[{i}]"
        data = c.obj(raw, path)
        if data is None:
            continue
        r.keys(data, path, _UPDATE_KEYS, "an update")
        if r.v2:
            at, precision = r.moment(data, path, unknown_ok=True)
        else:
            at, precision = c.time(data, "at", path, required=True), ""
        limit = head.decided_at or head.reported_at
        if precision == precision_mod.UNKNOWN:
            # It went out; nobody noted when. It sorts at the declaration (the report when it
            # was not declared), is shown as "time not known" and counts neither on time nor
            # late.
            at = limit
        elif precision and at is not None and limit is not None and at < limit:
            # A desk does not apply an update dated before the declaration; a rough time is
            # only where the update sorts, so the file must place it after.
            c.bad(
                join(path, "at"),
                f"{format_time(at)}, where this update sorts, is before the "
                f"{'declaration' if head.formal and head.major else 'report'} "
                f"({format_time(limit)}): give a time that {precision} after it, with its "
                "precision",
            )
        payload = MessageSent(
            audience=c.text(data, "audience", path, required=True, limit=64),
            channel=c.text(data, "channel", path, limit=50) or "other",
            subject=c.text(data, "subject", path, limit=300),
            body=c.text(data, "body", path),
            recipients=tuple(c.texts(data, "recipients", path, limit=320)),
            precision=precision,
        )
        who = (
            read_author(c, data["author"], f"{path}.author")
            if data.get("author")
            else head.reporter
        )
        plan.add(at, payload, who or head.reporter)


# The postmortem's dates (version 2 checks them; version 1 kept any text).
_PM_DATES = ("meeting_date", "approved_on")


def _plan_postmortem(
    r: Reader,
    root: Mapping[str, Any],
    head: _Head,
    plan: _Plan,
    last: datetime,
    author: Author,
) -> None:
    c = r.c
    given = root.get("postmortem")
    pm = (c.obj(given, "postmortem") or {}) if given is not None else {}
    fields: list[tuple[Any, Any]] = list(pm.items())
    if head.users_text:
        if "impact_users" in pm:
            c.bad(
                "postmortem.impact_users",
                "given, and users_affected is a text too: give the users affected once",
            )
        else:
            fields.append(("impact_users", head.users_text))
    for key, value in fields:
        # A field this desk does not know is kept as recorded; the fold shows it as not
        # applied, as it does for one pulled from another desk.
        where = f"postmortem.{key}"
        if not isinstance(key, str) or not key.strip() or len(key) > 64 or unstorable(key):
            c.bad("postmortem", "holds a field name that is empty, too long or unstorable")
            continue
        if (key == "authors" or r.v2) and _is_lines(value):
            # A list of texts (the authors, the links) is kept one a line.
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
        if r.v2 and not _postmortem_value_ok(c, key, value, where):
            continue
        plan.add(last, PostmortemChanged(field=key, value=value), author)


def _is_lines(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _postmortem_value_ok(c: Checker, key: str, value: str, where: str) -> bool:
    """Version 2 checks what the review's own checks would refuse: a measure without a
    number, a date that is not one."""
    if key in impact.MEASURES:
        problem = impact.problem(key, value)
        if problem:
            c.bad(where, problem)
            return False
    if key in _PM_DATES and value.strip():
        try:
            ok = len(value) == 10 and bool(date.fromisoformat(value))
        except ValueError:
            ok = False
        if not ok:
            c.bad(where, f"{describe(value)} is not a date in the form YYYY-MM-DD")
            return False
    return True


def _plan_follow_ups(
    r: Reader,
    root: Mapping[str, Any],
    stream_id: str,
    plan: _Plan,
    last: datetime,
    author: Author,
) -> None:
    c = r.c
    # Version 1 recorded a follow-up without a priority as "medium"; version 2 records that
    # none was given ("") rather than invent one.
    no_priority = "" if r.v2 else "medium"
    for i, raw in enumerate(read_list(c, root, "follow_ups")):
        path = f"follow_ups[{i}]"
        data = c.obj(raw, path)
        if data is None:
            continue
        for key in data:
            if key not in FOLLOWUP_FIELDS:
                c.bad(f"{path}.{key}", f"is not a follow-up field ({', '.join(FOLLOWUP_FIELDS)})")
        due = data.get("due")
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
            title=c.text(data, "title", path, required=True, limit=MAX_NAME),
            owner=c.text(data, "owner", path, limit=MAX_NAME),
            due=due if isinstance(due, str) else "",
            priority=_recorded_word(c, data, "priority", path, no_priority),
            kind=_recorded_word(c, data, "kind", path, "prevent"),
            status=_recorded_word(c, data, "status", path, "open"),
            ticket=c.text(data, "ticket", path, limit=100),
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
