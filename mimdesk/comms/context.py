"""What a message template can say: an incident turned into plain values for the templates.

Pure: the caller passes the incident, the settings, the MIM's directory entry and ``now``.
Every time is shown in the desk's zone (or ``[comms] timezone``) with the zone's name, because
a reader in another office must not guess which 14:30 is meant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mimdesk.comms import FINAL_KINDS, KINDS
from mimdesk.comms.checklist import internal_names
from mimdesk.comms.settings import CommsSettings
from mimdesk.domain import cadence
from mimdesk.domain.cadence import Level, TimerPolicy
from mimdesk.domain.clock import minute_up
from mimdesk.domain.directory import Person
from mimdesk.domain.incident import IncidentState
from mimdesk.domain.lifecycle import Status
from mimdesk.errors import InvalidInput

# What a status page and an outside reader call each status (Statuspage's wording).
PUBLIC_STATUS = {
    Status.CANDIDATE: "Investigating",
    Status.DECLARED: "Investigating",
    Status.INVESTIGATING: "Investigating",
    Status.IDENTIFIED: "Identified",
    Status.MITIGATED: "Monitoring",
    Status.RESOLVED: "Resolved",
    Status.CLOSED: "Resolved",
    Status.REJECTED: "Resolved",
}
ACTION_KINDS = ("action", "decision")
RECENT_ACTIONS = 3


@dataclass(frozen=True, slots=True)
class MessageFacts:
    """What the templates need that is not in the incident's fold."""

    severity_label: str
    audience_label: str
    severity_major: bool
    timers: TimerPolicy
    comms: CommsSettings
    mim: Person | None = None
    data_lost: bool | None = None
    data_loss_detail: str = ""
    note: str = ""  # a sentence the sender adds (a cancellation reason, a link)
    reason: str = ""  # why the severity was lowered, for "downgraded"


def zone(comms: CommsSettings) -> tzinfo | None:
    """The zone times are shown in; None means this computer's zone."""
    if not comms.timezone:
        return None
    try:
        return ZoneInfo(comms.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"The time zone {comms.timezone!r} in [comms] timezone is unknown.",
            "Use a name such as Europe/London.",
        ) from None


# English names whatever the process locale: Qt sets the locale from the system on start,
# and strftime's %a and %b would then mix languages into an English message.
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day(value: datetime) -> str:
    """``Sat 28 Nov 2026``."""
    return f"{_DAYS[value.weekday()]} {value.day:02d} {_MONTHS[value.month - 1]} {value.year}"


def when(value: datetime | None, tz: tzinfo | None, now: datetime | None = None) -> str:
    """``14:30 CET`` today, ``14:30 CET on Sat 28 Nov 2026`` on another day."""
    if value is None:
        return ""
    local = value.astimezone(tz)
    text = f"{local:%H:%M} {local.tzname() or local.strftime('%z')}"
    if now is None or local.date() != now.astimezone(tz).date():
        text += f" on {day(local)}"
    return text


def duration(span: timedelta | None) -> str:
    if span is None:
        return ""
    minutes = max(int(span.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes or not parts:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


def next_updates(
    state: IncidentState, policy: TimerPolicy, now: datetime
) -> dict[str, datetime | None]:
    """When each audience hears next, if this message goes out now.

    Sending resets the audience's timer, so the promise is now + its interval, rounded up to
    the minute (:func:`~mimdesk.domain.clock.minute_up`): the minute the header's countdown
    shows once the message has gone out, and never a time already past. A paused timer
    (mitigated by policy, resolved) makes no promise.
    """
    out: dict[str, datetime | None] = {}
    for timer in cadence.update_timers(state, policy, now):
        if timer.level is Level.PAUSED:
            out[timer.audience] = None
            continue
        out[timer.audience] = minute_up(now + timer.interval)
    return out


def past_promise(
    state: IncidentState,
    policy: TimerPolicy,
    comms: CommsSettings,
    *,
    audience: str,
    body: str,
    written_at: datetime,
    now: datetime,
) -> str:
    """The "next update by" time a text written at ``written_at`` promises, as the templates
    wrote it, when that time is already past at ``now``; "" when it promises none or a time
    still to come. Sending it would promise the audience a moment gone."""
    interval = cadence.intervals(state, policy).get(audience)
    if not interval:
        return ""
    promised = minute_up(written_at + timedelta(minutes=interval))
    if promised > now:
        return ""
    text = when(promised, zone(comms), written_at)
    return text if text in body else ""


def build(
    state: IncidentState,
    *,
    reference: str,
    kind: str,
    audience: str,
    facts: MessageFacts,
    now: datetime,
) -> dict[str, Any]:
    """The template variables (listed in resources/templates/README.md)."""
    if kind not in KINDS:
        raise InvalidInput(f"There is no kind of update {kind!r}.", f"Kinds: {', '.join(KINDS)}.")
    tz = zone(facts.comms)
    actions, since_last, workaround = _recent_notes(state, audience)
    users = state.users_affected
    return {
        "reference": reference,
        "title": state.title,
        "kind": kind,
        "kind_label": KINDS[kind],
        "audience": audience,
        "audience_label": facts.audience_label,
        "style": facts.comms.style(audience),
        "severity": state.severity,
        "severity_label": facts.severity_label,
        "is_major": state.is_major,
        "severity_major": facts.severity_major,
        "status": state.status.value,
        "status_label": state.status.label,
        "public_status": PUBLIC_STATUS.get(state.status, "Investigating"),
        "impact": state.impact,
        "users_affected": users,
        "users_text": f"about {users:,} {'person' if users == 1 else 'people'}" if users else "",
        "services": list(state.services),
        "actions": actions,
        # The templates end the sentence themselves.
        "latest_action": actions[-1].rstrip(" .") if actions else "",
        "since_last": since_last,
        "workaround": workaround,
        "bridge": state.bridge,
        "external_ref": state.external_ref,
        **_times(state, kind=kind, audience=audience, policy=facts.timers, now=now, tz=tz),
        **_mim(state, facts.mim),
        "from_name": facts.comms.from_name,
        "data_lost": facts.data_lost,
        "data_loss_detail": facts.data_loss_detail,
        "note": facts.note,
        "reason": facts.reason,
        "cancelled": state.status is Status.REJECTED,
        "postmortem": _postmortem(state),
        "followups": [f.title for f in state.followups.values() if f.status != "cancelled"],
    }


def _recent_notes(state: IncidentState, audience: str) -> tuple[list[str], list[str], str]:
    """The latest actions, what happened since ``audience`` last heard, and the workaround."""
    live_notes = [n for n in state.notes if not n.retracted]
    actions = [n.text for n in live_notes if n.kind in ACTION_KINDS][-RECENT_ACTIONS:]
    last_sent = state.last_sent.get(audience)
    since_last = [
        n.text
        for n in live_notes
        if n.kind in (*ACTION_KINDS, "observation", "workaround")
        and (last_sent is None or n.occurred_at > last_sent)
    ][-5:]
    workaround = state.workaround or next(
        (n.text for n in reversed(live_notes) if n.kind == "workaround"), ""
    )
    return actions, since_last, workaround


def _times(
    state: IncidentState,
    *,
    kind: str,
    audience: str,
    policy: TimerPolicy,
    now: datetime,
    tz: tzinfo | None,
) -> dict[str, Any]:
    """The incident's key times, how long it has lasted, and when each audience hears next."""
    promises = next_updates(state, policy, now)
    if kind in FINAL_KINDS:
        # A last message promises no next one.
        promises = dict.fromkeys(promises)
    times = state.key_times
    started = times.get("impact_started_at") or times.get("reported_at")
    ended = times.get("resolved_at") or now
    return {
        "started_at": when(started, tz, now),
        "started_date": day(started.astimezone(tz)) if started else "",
        "declared_at": when(times.get("declared_at"), tz, now),
        "mitigated_at": when(times.get("mitigated_at"), tz, now),
        "resolved_at": when(times.get("resolved_at"), tz, now),
        "duration": duration(ended - started) if started and ended else "",
        "now": when(now, tz, now),
        "next_update": when(promises.get(audience), tz, now),
        "next_updates": {a: when(t, tz, now) for a, t in promises.items()},
    }


def _mim(state: IncidentState, mim: Person | None) -> dict[str, Any]:
    """Who runs the incident and how to reach them: the holder of the MIM role, with the
    details of ``mim`` (their directory entry) when there is one."""
    mim_name = state.holder("mim")
    contact_bits = [mim_name] if mim_name else []
    if mim is not None:
        contact_bits += [x for x in (mim.email, mim.phone) if x]
    return {
        "mim": {
            "name": mim_name,
            "email": mim.email if mim else "",
            "phone": mim.phone if mim else "",
            "team": mim.team if mim else "",
        },
        "mim_contact": ", ".join(contact_bits),
    }


def _postmortem(state: IncidentState) -> dict[str, str]:
    root_cause = state.postmortem.get("root_cause", "")
    return {
        "summary": state.postmortem.get("summary", ""),
        "business_impact": state.postmortem.get("business_impact", ""),
        "root_cause": root_cause,
        # Customers may read the cause only when it names no internal system.
        "public_root_cause": "" if internal_names(root_cause) else root_cause,
    }
