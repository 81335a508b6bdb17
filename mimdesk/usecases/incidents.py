"""Incidents: report one, change its fields, key times and status, read it, list them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from mimdesk.domain import cadence, incident, keytimes, lifecycle
from mimdesk.domain.events import Event, format_time
from mimdesk.domain.ids import new_id, normalise_crockford
from mimdesk.domain.incident import IncidentState
from mimdesk.domain.lifecycle import Status
from mimdesk.domain.payloads import FieldChanged, IncidentReported, StatusChanged
from mimdesk.domain.summary import IncidentSummary
from mimdesk.domain.timeline import TimelineEntry
from mimdesk.errors import InvalidInput, NotFound, Refused
from mimdesk.store import read_model
from mimdesk.store.read_model import IncidentSnapshot
from mimdesk.usecases.context import Changes, Context
from mimdesk.usecases.validate import MAX_FIELD, MAX_TITLE, check_time, choose, clean_text

RECENT = timedelta(days=14)
# The statuses only a decision sets (declaration.declare / declaration.reject), never
# change_status.
DECIDED_BY_DECLARATION = frozenset({Status.DECLARED, Status.REJECTED})


@dataclass(frozen=True)
class IncidentView:
    """One incident as plain data: its state, the reference in force, its events and (built
    when first asked for) its timeline. Shared with every other reader of the same snapshot:
    read-only."""

    snapshot: IncidentSnapshot
    reference: str
    # A timeline the caller already holds for these events (the window reuses the entry
    # objects of rows that did not change); None: the snapshot's own.
    timeline_entries: list[TimelineEntry] | None = None

    @property
    def state(self) -> IncidentState:
        return self.snapshot.state

    @property
    def events(self) -> Sequence[Event]:
        return self.snapshot.events

    @property
    def timeline(self) -> list[TimelineEntry]:
        if self.timeline_entries is not None:
            return self.timeline_entries
        return self.snapshot.timeline

    def with_timeline(self, entries: list[TimelineEntry]) -> IncidentView:
        return replace(self, timeline_entries=entries)


def resolve(ctx: Context, reference: str) -> IncidentSummary:
    """The incident a person means by ``reference`` (case, dashes and O/0 forgiven)."""
    typed = reference.strip()
    if not typed:
        raise InvalidInput("No incident reference given.", "Give a reference such as MI-7KQ4F.")
    # The prefix is taken off before normalising, which would read its I as a 1. A code
    # may itself begin with MI (or M1, typed as MI): a whole code typed bare is tried as
    # typed first, and a shorter text as a reference's prefix first.
    code = typed.upper().replace("-", "").replace(" ", "")
    prefix = incident.REFERENCE_PREFIX.rstrip("-")
    codes = [code]
    if code.startswith(prefix):
        bare = code.removeprefix(prefix)
        codes = [code, bare] if len(code) == incident.REFERENCE_LENGTH else [bare, code]
    found = []
    for candidate in codes:
        found = ctx.log.find(incident.REFERENCE_PREFIX + normalise_crockford(candidate))
        if found:
            break
    found = found or ctx.log.find(typed)
    if not found:
        raise NotFound(
            f"No incident {typed!r} in this database.",
            "Check the reference with 'mimdesk list'.",
        )
    if len(found) > 1:
        refs = ", ".join(s.reference for s in found[:5])
        raise InvalidInput(f"{typed!r} matches several incidents: {refs}.", "Type more of it.")
    return found[0]


def get(ctx: Context, reference: str) -> IncidentView:
    summary = resolve(ctx, reference)
    return view(ctx, summary.stream_id, summary.reference)


def view(ctx: Context, stream_id: str, reference: str | None = None) -> IncidentView:
    """The incident from the read model: read and folded once, then kept up to date."""
    snapshot = read_model.of(ctx.log).incident(stream_id)
    if snapshot is None:
        raise NotFound(f"No incident with id {stream_id}.", "It may have been removed.")
    if reference is None:
        summary = ctx.log.summary(stream_id)
        reference = summary.reference if summary else snapshot.state.reference
    return IncidentView(snapshot, reference)


def list_incidents(ctx: Context, filter: str = "all", search: str = "") -> list[IncidentSummary]:
    if filter not in ("active", "candidates", "recent", "all"):
        raise InvalidInput(
            f"Unknown filter {filter!r}.", "Use one of: active, candidates, recent, all."
        )
    return ctx.log.summaries(filter, search, since=ctx.now() - RECENT)


def report(
    ctx: Context,
    *,
    title: str,
    impact: str = "",
    severity: str = "",
    users_affected: int | None = None,
    services: list[str] | None = None,
    reported_at: datetime | None = None,
    impact_started_at: datetime | None = None,
    detected_at: datetime | None = None,
) -> tuple[IncidentSummary, Changes]:
    now = ctx.now()
    title = clean_text(title, what="title", limit=MAX_TITLE, required=True, single_line=True)
    impact = clean_text(impact, what="impact", limit=MAX_FIELD)
    severity = choose(ctx.vocab.severities, severity) if severity.strip() else ""
    users_affected = _users(users_affected)
    names = tuple(
        clean_text(s, what="service name", limit=200, single_line=True)
        for s in (services or [])
        if s.strip()
    )
    times = {
        "reported_at": reported_at,
        "impact_started_at": impact_started_at,
        "detected_at": detected_at,
    }
    checked = {
        name: check_time(value, what=f"time {keytimes.label(name)}", now=now)
        for name, value in times.items()
        if value is not None
    }
    problems = keytimes.violations({**dict.fromkeys(keytimes.KEY_TIMES), **checked}, zone=None)
    if problems:
        raise InvalidInput(problems[0] + ".", "Correct the times and try again.")
    stream_id = new_id()
    reported = IncidentReported(
        title=title,
        reference=incident.reference_for(stream_id),
        impact=impact,
        severity=severity,
        users_affected=users_affected,
        services=names,
        reported_at=format_time(checked.get("reported_at")),
        impact_started_at=format_time(checked.get("impact_started_at")),
        detected_at=format_time(checked.get("detected_at")),
    )
    # A report filed after the fact happened when it says: its timeline entry goes there.
    event = ctx.event(stream_id, reported, checked.get("reported_at"))
    ctx.log.append([event])
    summary = ctx.log.summary(stream_id)
    assert summary is not None
    return summary, Changes(frozenset({stream_id}), incidents_list=True)


def _users(value: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(
            f"Users affected must be a whole number of zero or more, not {value!r}.",
            "Give an estimate such as 250.",
        )
    return value


def change_field(ctx: Context, *, reference: str, field: str, value: Any) -> Changes:
    summary = resolve(ctx, reference)
    if field in keytimes.KEY_TIMES:
        return set_key_time(ctx, reference=summary.reference, name=field, when=value)
    if field not in incident.FIELDS:
        names = ", ".join(sorted(incident.FIELDS))
        times = ", ".join(keytimes.KEY_TIMES)
        raise InvalidInput(
            f"There is no field {field!r}.", f"Fields are: {names}; key times are: {times}."
        )
    if field == "title":
        value = clean_text(
            str(value), what="title", limit=MAX_TITLE, required=True, single_line=True
        )
    elif field == "users_affected":
        value = _users(value)
    elif field == "services":
        value = [
            clean_text(str(s), what="service name", limit=200, single_line=True)
            for s in value
            if str(s).strip()
        ]
    else:
        value = clean_text(
            str(value),
            what=field.replace("_", " "),
            limit=MAX_FIELD,
            single_line=field == "severity",
        )
    state = view(ctx, summary.stream_id).state
    if field == "severity" and value and value != state.severity:
        # Empty clears it; the value in force stays as recorded, even one the list lacks.
        value = choose(ctx.vocab.severities, value)
    if getattr(state, field) == value:
        return Changes()
    # The change this desk saw in force: another desk's change made meanwhile shows up in the
    # fold as a concurrent change (both values kept, the later one wins).
    writer = state.field_writers.get(field)
    change = FieldChanged(field=field, value=value, prev=writer.event_id if writer else "")
    if field == "severity" and value and ctx.timers is not None and state.is_major:
        # The cadences the new severity puts in force, recorded with it (issue 16).
        change = replace(
            change, cadences=cadence.intervals(replace(state, severity=value), ctx.timers)
        )
    ctx.log.append([ctx.event(summary.stream_id, change)])
    return Changes(frozenset({summary.stream_id}), incidents_list=True)


def set_key_time(ctx: Context, *, reference: str, name: str, when: datetime | None) -> Changes:
    summary = resolve(ctx, reference)
    if name not in keytimes.KEY_TIMES:
        raise InvalidInput(
            f"There is no key time {name!r}.", f"Key times are: {', '.join(keytimes.KEY_TIMES)}."
        )
    if when is not None:
        check_time(when, what=f"time {keytimes.label(name)}", now=ctx.now())
    state = view(ctx, summary.stream_id).state
    problems = keytimes.check_change(state.key_times, name, when, zone=None, status=state.status)
    if problems:
        hint = (
            "Set it to the right time instead."
            if when is None
            else "Correct the other time first, or pick another."
        )
        raise InvalidInput(problems[0] + ".", hint)
    change = FieldChanged(field=name, value=format_time(when))
    ctx.log.append([ctx.event(summary.stream_id, change)])
    return Changes(frozenset({summary.stream_id}), incidents_list=True)


def change_status(
    ctx: Context,
    *,
    reference: str,
    to: Status | str,
    reason: str = "",
    occurred_at: datetime | None = None,
) -> Changes:
    summary = resolve(ctx, reference)
    target = Status(choose(ctx.vocab.statuses, to))
    if target in DECIDED_BY_DECLARATION:
        # Declaring and rejecting are decisions with a checklist, a severity, a manager and a
        # rationale (mimdesk.usecases.declaration): a bare status change would start the
        # clocks and count in the statistics without any of them. Back-fill and import write
        # their recorded history directly and are not affected.
        command = (
            _declare_command(summary.reference)
            if target is Status.DECLARED
            else f"mimdesk reject {summary.reference} --rationale WHY"
        )
        raise Refused(
            f"{summary.reference}: {target.label} is a decision, not a status change.",
            f"Use: {command} (in the window: the Declaration tab).",
        )
    state = view(ctx, summary.stream_id).state
    if not lifecycle.can_move(state.status, target):
        undecided = state.status in (Status.CANDIDATE, Status.REJECTED)
        raise Refused(
            f"{summary.reference}: {lifecycle.why_not(state.status, target)}.",
            f"Declare it first: {_declare_command(summary.reference)}."
            if undecided
            else "Reopen a resolved incident by moving it to Investigating.",
        )
    if occurred_at is not None:
        check_time(occurred_at, what="time of the change", now=ctx.now())
        early = keytimes.dated_too_early("A status change", occurred_at, state.key_times, zone=None)
        if early:
            raise InvalidInput(early + ".", "Give the time it happened, after the report.")
    reason = clean_text(reason, what="reason", limit=MAX_FIELD)
    changed = StatusChanged(to=target.value, reason=reason)
    ctx.log.append([ctx.event(summary.stream_id, changed, occurred_at)])
    return Changes(frozenset({summary.stream_id}), incidents_list=True)


def _declare_command(reference: str) -> str:
    return f"mimdesk declare {reference} --severity SEV --mim NAME"
