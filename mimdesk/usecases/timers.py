"""Update timers: cadence per audience, updates recorded, reminders snoozed."""

from __future__ import annotations

from datetime import datetime, timedelta

from mimdesk.config import Settings
from mimdesk.domain import cadence, keytimes
from mimdesk.domain.cadence import IncidentClock, UpdateTimer
from mimdesk.domain.events import utc
from mimdesk.domain.incident import IncidentState
from mimdesk.domain.payloads import CadenceSet, MessageSent, Snoozed
from mimdesk.errors import InvalidInput
from mimdesk.usecases.context import Changes, Context
from mimdesk.usecases.incidents import IncidentView, resolve
from mimdesk.usecases.incidents import view as incident_view
from mimdesk.usecases.validate import MAX_NOTE, check_time, choose, clean_text


def _audience(ctx: Context, settings: Settings, stream_id: str, typed: str) -> str:
    """One of the site's audiences however spelled, or one this incident's timers name
    exactly as recorded (from an import or another desk), whose timer must stay usable."""
    try:
        return choose(ctx.vocab.audiences, typed)
    except InvalidInput:
        state = incident_view(ctx, stream_id).state
        timed = settings.timers.cadence.get(state.severity, {})
        if typed in {*timed, *state.cadence, *state.last_sent, *state.snoozed}:
            return typed
        raise


def set_cadence(
    ctx: Context, *, reference: str, settings: Settings, audience: str, minutes: int
) -> Changes:
    """This incident's interval for an audience; 0 switches its timer off."""
    summary = resolve(ctx, reference)
    audience = _audience(ctx, settings, summary.stream_id, audience)
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 <= minutes <= 24 * 60:
        raise InvalidInput(
            f"{minutes!r} minutes is not an interval.",
            "Give whole minutes from 1 to 1440, or 0 to switch it off.",
        )
    ctx.log.append([ctx.event(summary.stream_id, CadenceSet(audience=audience, minutes=minutes))])
    return Changes(frozenset({summary.stream_id}))


def record_update(
    ctx: Context,
    *,
    reference: str,
    settings: Settings,
    audience: str,
    channel: str = "other",
    text: str = "",
    subject: str = "",
    recipients: list[str] | None = None,
    sent_at: datetime | None = None,
) -> Changes:
    """Record an update that went out (by any means); it resets that audience's timer."""
    summary = resolve(ctx, reference)
    audience = _audience(ctx, settings, summary.stream_id, audience)
    if sent_at is not None:
        check_time(sent_at, what="time the update was sent", now=ctx.now())
        check_update_time(incident_view(ctx, summary.stream_id).state, sent_at)
    sent = MessageSent(
        audience=audience,
        channel=choose(ctx.vocab.hand_channels, channel),
        subject=clean_text(subject, what="subject", limit=300, single_line=True),
        body=clean_text(text, what="message", limit=MAX_NOTE),
        recipients=tuple(
            clean_text(r, what="recipient", limit=320, single_line=True)
            for r in recipients or []
            if r.strip()
        ),
    )
    ctx.log.append([ctx.event(summary.stream_id, sent, sent_at)])
    return Changes(frozenset({summary.stream_id}))


def snooze(
    ctx: Context, *, reference: str, settings: Settings, audience: str, minutes: int
) -> Changes:
    """Put off the reminder for an audience; recorded, so every desk sees the same."""
    summary = resolve(ctx, reference)
    audience = _audience(ctx, settings, summary.stream_id, audience)
    if not 1 <= minutes <= 120:
        raise InvalidInput(
            f"Snoozing for {minutes} minutes is not allowed.",
            "Snooze for 1 to 120 minutes; send the update instead if you can.",
        )
    until = ctx.now() + timedelta(minutes=minutes)
    snoozed = Snoozed(audience=audience, until=utc(until).isoformat())
    ctx.log.append([ctx.event(summary.stream_id, snoozed)])
    return Changes(frozenset({summary.stream_id}))


def timers(view: IncidentView, settings: Settings, now: datetime) -> list[UpdateTimer]:
    return cadence.update_timers(view.state, settings.timers, now)


def clocks(view: IncidentView, settings: Settings, now: datetime) -> list[IncidentClock]:
    return cadence.incident_clocks(view.state, settings.timers, now)


def check_update_time(state: IncidentState, sent_at: datetime) -> None:
    """An update a person dates: not before the report, nor before the declaration (it
    would count as on time for a timer that had not started)."""
    early = keytimes.dated_too_early(
        "An update", sent_at, state.key_times, zone=None, before_declaration=True
    )
    if early:
        raise InvalidInput(early + ".", "Give the time it went out.")
