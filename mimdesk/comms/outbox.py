"""The outbox: messages whose channel could not be reached wait here, and are sent later.

Sending a draft ends in one of three events: MESSAGE_SENT (delivered; resets the audience's
timer), QUEUED (the channel is unreachable: connection refused, timeout, name lookup, a 5xx)
or SEND_FAILED (refused for good, with a reason free of secrets; the draft is kept).

:func:`deliver_pending` retries this desk's queued messages, with a backoff when the caller
keeps a :class:`RetrySchedule` (the GUI's background worker does). It is synchronous and
Qt-free. Only the desk that queued a message retries it: another desk may lack the channel's
settings or secrets, and two desks retrying the same message would send it twice. A message
that waited longer than ``[comms] outbox_expire_minutes`` is not sent automatically (its news
may be stale): it becomes SEND_FAILED, for a person to check and send again.

Delivery is at least once: if the desk stops between a channel accepting a message and the
MESSAGE_SENT being written, the message goes out again on the next retry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mimdesk import secrets
from mimdesk.comms import channels
from mimdesk.comms.channels.base import (
    Delivery,
    DeliveryError,
    OutgoingMessage,
    Unreachable,
    redact,
)
from mimdesk.comms.context import PUBLIC_STATUS
from mimdesk.comms.templates import Templates
from mimdesk.domain import incident
from mimdesk.domain.events import Event, EventType
from mimdesk.domain.incident import Draft, IncidentState
from mimdesk.domain.payloads import MessageSent, Queued, SendFailed
from mimdesk.errors import InvalidInput, MimDeskError

if TYPE_CHECKING:
    from mimdesk.config import Settings
    from mimdesk.usecases.context import Context

SecretLookup = Callable[[str], str | None]
# How far back to look for queued messages: beyond a week nobody is waiting for them.
LOOKBACK = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class SendResult:
    outcome: str  # "sent", "queued" or "failed"
    draft_id: str
    channel: str
    reason: str = ""
    recipients: tuple[str, ...] = ()
    detail: str = ""  # e.g. the .eml file written

    @property
    def sent(self) -> bool:
        return self.outcome == "sent"


@dataclass(frozen=True, slots=True)
class PendingMessage:
    stream_id: str
    reference: str
    draft_id: str
    audience: str
    channel: str
    subject: str
    recipients: tuple[str, ...]
    queued_at: datetime
    queued_by_desk: str
    reason: str


@dataclass
class RetrySchedule:
    """Backoff per message, kept in memory by a long-lived caller: 30 s, 1 min, 2 min, ...
    up to 10 min between attempts. A new desk session starts again at the first step."""

    first: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(minutes=10)
    _next: dict[str, tuple[datetime, int]] = field(default_factory=dict)

    def due(self, draft_id: str, now: datetime) -> bool:
        entry = self._next.get(draft_id)
        return entry is None or now >= entry[0]

    def failed(self, draft_id: str, now: datetime) -> datetime:
        _, tries = self._next.get(draft_id, (now, 0))
        wait = min(self.first * (2**tries), self.cap)
        self._next[draft_id] = (now + wait, tries + 1)
        return now + wait

    def forget(self, draft_id: str) -> None:
        self._next.pop(draft_id, None)


@dataclass
class OutboxRun:
    sent: list[SendResult] = field(default_factory=list)
    waiting: list[PendingMessage] = field(default_factory=list)
    failed: list[SendResult] = field(default_factory=list)


def outgoing(
    state: IncidentState,
    *,
    reference: str,
    draft: Draft,
    recipients: tuple[str, ...],
    settings: Settings,
    sender: str,
    sent_at: datetime,
) -> OutgoingMessage:
    return OutgoingMessage(
        reference=reference,
        title=state.title,
        severity=state.severity,
        severity_label=settings.severity_label(state.severity) if state.severity else "",
        status=state.status.label,
        public_status=PUBLIC_STATUS.get(state.status, "Investigating"),
        kind=draft.kind,
        audience=draft.audience,
        audience_label=settings.timers.audience_label(draft.audience),
        subject=draft.subject,
        body=draft.body,
        recipients=recipients,
        sent_at=sent_at,
        sender=sender,
        draft_id=draft.draft_id,
    )


def deliver_draft(
    ctx: Context,
    settings: Settings,
    *,
    stream_id: str,
    reference: str,
    state: IncidentState,
    draft: Draft,
    channel: str,
    recipients: tuple[str, ...],
    out: Path | None = None,
    secret: SecretLookup = secrets.get_secret,
    queue_when_unreachable: bool = True,
) -> SendResult:
    """Try the channel once and record what happened (see the module's docstring)."""
    known_secrets: list[str] = []

    def lookup(name: str) -> str | None:
        value = secret(name)
        if value:
            known_secrets.append(value)
        return value

    try:
        templates = Templates(settings.comms.templates_dir)
        chan = channels.make(channel, settings.comms, templates, lookup, out=out)
        message = outgoing(
            state,
            reference=reference,
            draft=draft,
            recipients=recipients,
            settings=settings,
            sender=ctx.author.name,
            sent_at=ctx.now(),
        )
        delivery: Delivery = chan.deliver(message)
    except Unreachable as exc:
        reason = redact(exc.reason, known_secrets)
        if queue_when_unreachable:
            queued = Queued(
                draft_id=draft.draft_id, channel=channel, recipients=recipients, reason=reason
            )
            ctx.log.append([ctx.event(stream_id, queued)])
        return SendResult("queued", draft.draft_id, channel, reason, recipients)
    except (DeliveryError, MimDeskError) as exc:
        # MimDeskError covers a missing keyring and a bad address: permanent until fixed.
        reason = exc.reason if isinstance(exc, DeliveryError) else _error_kind(exc, channel)
        return _failed(ctx, stream_id, draft.draft_id, channel, redact(reason, known_secrets))
    # The time it really went out: after a retry this is later than the QUEUED event.
    sent_at = ctx.now()
    sent = MessageSent(
        draft_id=draft.draft_id,
        kind=draft.kind,
        audience=draft.audience,
        channel=channel,
        recipients=tuple(delivery.recipients),
        subject=draft.subject,
        body=draft.body,
    )
    ctx.log.append([ctx.event(stream_id, sent, sent_at)])
    return SendResult("sent", draft.draft_id, channel, "", delivery.recipients, delivery.detail)


def _error_kind(exc: MimDeskError, channel: str) -> str:
    """The failure's kind in our words. Its own text was not written for the log, which every
    desk keeps for good, and may quote what it was given."""
    if isinstance(exc, secrets.SecretStoreUnavailable):
        return f"No keyring is available to read the secret of the {channel} channel"
    if isinstance(exc, InvalidInput):
        # What the person gave (an address, a file name) and why it cannot be used: the
        # reason is then one they can act on; redact() below still takes out any URL.
        return exc.message
    return f"the {channel} channel could not be used ({type(exc).__name__})"


def _failed(ctx: Context, stream_id: str, draft_id: str, channel: str, reason: str) -> SendResult:
    failed = SendFailed(draft_id=draft_id, channel=channel, reason=reason)
    ctx.log.append([ctx.event(stream_id, failed)])
    return SendResult("failed", draft_id, channel, reason)


def pending_in(events: list[Event], state: IncidentState, reference: str) -> list[PendingMessage]:
    """The queued messages of one incident, with who queued them and when."""
    last_queued: dict[str, tuple[Event, Queued]] = {}
    for e in sorted(events, key=lambda e: e.sort_key):
        if isinstance(e.payload, Queued):
            last_queued[e.payload.draft_id] = (e, e.payload)
    out = []
    for draft in state.drafts.values():
        found = last_queued.get(draft.draft_id)
        if draft.state != "queued" or found is None:
            continue
        event, queued = found
        out.append(
            PendingMessage(
                stream_id=state.stream_id,
                reference=reference,
                draft_id=draft.draft_id,
                audience=draft.audience,
                channel=draft.channel,
                subject=draft.subject,
                recipients=queued.recipients,
                queued_at=event.occurred_at,
                queued_by_desk=event.desk_id,
                reason=queued.reason,
            )
        )
    return sorted(out, key=lambda p: p.queued_at)


def pending(ctx: Context, now: datetime) -> list[PendingMessage]:
    """Every queued message in incidents that are active or changed in the last week."""
    found: dict[str, Any] = {}
    for summary in ctx.log.summaries("recent", since=now - LOOKBACK):
        found[summary.stream_id] = summary
    for summary in ctx.log.summaries("active"):
        found.setdefault(summary.stream_id, summary)
    out: list[PendingMessage] = []
    for stream_id, summary in found.items():
        # Only streams that ever queued something are worth a fold.
        events = ctx.log.stream(stream_id)
        if not any(e.type == EventType.QUEUED for e in events):
            continue
        out.extend(pending_in(events, incident.fold(events), summary.reference))
    return sorted(out, key=lambda p: p.queued_at)


def deliver_pending(
    ctx: Context,
    settings: Settings,
    now: datetime,
    *,
    schedule: RetrySchedule | None = None,
    secret: SecretLookup = secrets.get_secret,
) -> OutboxRun:
    """Retry this desk's queued messages that are due; without a schedule, all of them."""
    run = OutboxRun()
    expire = timedelta(minutes=settings.comms.outbox_expire_minutes)
    for item in pending(ctx, now):
        if item.queued_by_desk != ctx.log.desk_id:
            continue
        if schedule is not None and not schedule.due(item.draft_id, now):
            run.waiting.append(item)
            continue
        if now - item.queued_at > expire:
            minutes = settings.comms.outbox_expire_minutes
            run.failed.append(
                _failed(
                    ctx,
                    item.stream_id,
                    item.draft_id,
                    item.channel,
                    f"not delivered within {minutes} minutes ({item.reason}); check that it "
                    "is still current, then send it again or record how it went out",
                )
            )
            if schedule is not None:
                schedule.forget(item.draft_id)
            continue
        # Fold again just before sending: someone may have sent it by other means meanwhile.
        state = incident.fold(ctx.log.stream(item.stream_id))
        draft = state.drafts.get(item.draft_id)
        if draft is None or draft.state != "queued":
            continue
        result = deliver_draft(
            ctx,
            settings,
            stream_id=item.stream_id,
            reference=item.reference,
            state=state,
            draft=draft,
            channel=item.channel,
            recipients=item.recipients,
            secret=secret,
            queue_when_unreachable=False,
        )
        if result.outcome == "queued":
            if schedule is not None:
                schedule.failed(item.draft_id, now)
            run.waiting.append(item)
            continue
        if schedule is not None:
            schedule.forget(item.draft_id)
        (run.sent if result.sent else run.failed).append(result)
    return run


__all__ = [
    "OutboxRun",
    "PendingMessage",
    "RetrySchedule",
    "SendResult",
    "deliver_draft",
    "deliver_pending",
    "pending",
]
