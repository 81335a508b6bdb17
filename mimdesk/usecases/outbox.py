"""The outbox: the messages not sent, trying them again, and recording how each try went.

Sending a draft ends in one of four events: MESSAGE_SENT (delivered; resets the audience's
timer), HANDED_TO_MAIL_CLIENT (an .eml written for the person's mail client: nothing left the
building, so it resets no timer until a person marks it sent), QUEUED (the channel is
unreachable: connection refused, timeout, name lookup, a 5xx) or SEND_FAILED (refused for
good, with a reason free of secrets; the draft is kept). The channels and the try itself
are :mod:`mimdesk.comms.delivery`'s; this module decides.

**Not sent** (:func:`not_sent_in`, the one rule; :func:`not_sent` applies it to every incident
the outbox reaches): a draft whose last try was QUEUED or SEND_FAILED, whichever desk
recorded it, in an incident that is active or changed in the last week (:data:`LOOKBACK`:
beyond it nobody is waiting for the news). The window's outbox shows the open incident's part
and ``mimdesk outbox`` all of it, so the two always agree.

**Who tries again**: only the desk that recorded the last try. Another desk may lack the
channel's settings or secrets, and two desks retrying one message would send it twice; the
others list it as another desk's.

**When** (:func:`deliver`):

- on its own (the window's worker, every 30 s): the queued messages, with a back-off per
  message (:class:`RetrySchedule`). One that waited longer than ``[comms]
  outbox_expire_minutes`` is not sent (its news may be stale): it becomes SEND_FAILED, for a
  person to check. A refusal is never retried on its own: it stays a refusal until something
  is put right, and a wrong password tried every 30 s would lock the account.
- on a person's request (``mimdesk outbox --deliver``, the window's "Try again now"): every
  message this desk may retry, queued or failed, now. A failed one whose channel is now
  unreachable is queued again, and from then on retried on its own.

Delivery is at least once: if the desk stops between a channel accepting a message and the
MESSAGE_SENT being written, the message goes out again on the next retry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

from mimdesk import secrets
from mimdesk.comms import delivery
from mimdesk.comms.channels import LOCAL
from mimdesk.comms.delivery import RetrySchedule, SecretLookup
from mimdesk.config import Settings
from mimdesk.domain.events import Event, EventType
from mimdesk.domain.incident import Draft, IncidentState
from mimdesk.domain.lifecycle import ACTIVE
from mimdesk.domain.payloads import Drafted, HandedToMailClient, MessageSent, Queued, SendFailed
from mimdesk.usecases import directory as directory_uc
from mimdesk.usecases import incidents
from mimdesk.usecases.context import Changes, Context
from mimdesk.usecases.incidents import IncidentView

# How far back the outbox reaches beyond the active incidents.
LOOKBACK = timedelta(days=7)
NOT_SENT_STATES = ("queued", "failed")

__all__ = [
    "LOOKBACK",
    "NotSent",
    "OutboxRun",
    "RetrySchedule",
    "SecretLookup",
    "SendResult",
    "deliver",
    "deliver_draft",
    "distribution_list",
    "not_sent",
    "not_sent_in",
]


@dataclass(frozen=True, slots=True)
class SendResult:
    outcome: Literal["sent", "handed", "queued", "failed"]
    draft_id: str
    channel: str
    reason: str = ""
    recipients: tuple[str, ...] = ()
    detail: str = ""  # e.g. the .eml file written
    stream_id: str = ""

    @property
    def sent(self) -> bool:
        return self.outcome == "sent"

    @property
    def handed(self) -> bool:
        """Written for the mail client: the person sends it there, then marks it sent."""
        return self.outcome == "handed"


@dataclass(frozen=True, slots=True)
class NotSent:
    """A message in the outbox, as every view of the outbox shows it."""

    stream_id: str
    reference: str
    draft_id: str
    audience: str
    channel: str
    subject: str
    state: Literal["queued", "failed"]
    since: datetime  # when its last try was recorded
    desk_id: str  # the desk that recorded it: the one that tries it again
    retried_here: bool  # that desk is this one
    reason: str
    # Those recorded when it was queued, else the draft's; none means the audience's
    # distribution list, read when it is sent.
    recipients: tuple[str, ...]


@dataclass
class OutboxRun:
    sent: list[SendResult] = field(default_factory=list)
    waiting: list[NotSent] = field(default_factory=list)
    failed: list[SendResult] = field(default_factory=list)

    @property
    def changes(self) -> Changes:
        """The incidents whose log this run wrote to (a message still waiting adds nothing)."""
        return Changes(frozenset(r.stream_id for r in self.sent + self.failed))


# ---- what is not sent ---------------------------------------------------------------------


def in_reach(state: IncidentState, now: datetime) -> bool:
    """Whether the outbox reaches this incident: active, or changed in the last week."""
    if state.status in ACTIVE:
        return True
    return state.updated_at is not None and state.updated_at >= now - LOOKBACK


def not_sent_in(ctx: Context, view: IncidentView) -> list[NotSent]:
    """The incident's messages not sent, oldest first: the rule every view of the outbox
    (the window, ``mimdesk outbox``, the worker, ``--deliver``) goes by."""
    drafts = [d for d in view.state.drafts.values() if d.state in NOT_SENT_STATES]
    if not drafts or not in_reach(view.state, ctx.now()):
        return []
    last_try: dict[str, tuple[Event, str]] = {}  # draft id -> the event, its reason
    queued_to: dict[str, tuple[str, ...]] = {}
    for e in view.events:  # in the log's order, the fold's
        p = e.payload
        if isinstance(p, Drafted):
            queued_to.pop(p.draft_id, None)  # a new version: its own recipients
        elif isinstance(p, Queued):
            last_try[p.draft_id] = (e, p.reason)
            queued_to[p.draft_id] = p.recipients
        elif isinstance(p, SendFailed):
            last_try[p.draft_id] = (e, p.reason)
    found = []
    for draft in drafts:
        if draft.draft_id not in last_try:
            continue
        event, reason = last_try[draft.draft_id]
        found.append(
            NotSent(
                stream_id=view.state.stream_id,
                reference=view.reference,
                draft_id=draft.draft_id,
                audience=draft.audience,
                channel=draft.channel,
                subject=draft.subject,
                state="queued" if draft.state == "queued" else "failed",
                since=event.occurred_at,
                desk_id=event.desk_id,
                retried_here=event.desk_id == ctx.log.desk_id,
                reason=reason,
                recipients=queued_to.get(draft.draft_id, draft.recipients),
            )
        )
    return sorted(found, key=lambda m: m.since)


def not_sent(ctx: Context) -> list[NotSent]:
    """Every message not sent, on every desk, in the incidents the outbox reaches; oldest
    first."""
    now = ctx.now()
    reached = {s.stream_id: s for s in ctx.log.summaries("active")}
    for summary in ctx.log.summaries("recent", since=now - LOOKBACK):
        reached.setdefault(summary.stream_id, summary)
    # Only an incident that ever queued or failed a message is worth reading.
    tried = ctx.log.streams_holding((EventType.QUEUED, EventType.SEND_FAILED), among=reached)
    found: list[NotSent] = []
    for stream_id, summary in reached.items():  # in the list's order, for equal times
        if stream_id in tried:
            found.extend(not_sent_in(ctx, incidents.view(ctx, stream_id, summary.reference)))
    return sorted(found, key=lambda m: m.since)


# ---- delivering and recording --------------------------------------------------------------


def distribution_list(ctx: Context, settings: Settings, audience: str) -> list[str]:
    """Where updates to ``audience`` go unless the draft names others: the directory's list
    (kept by the desk in People and rota), else the site file's ``[comms.recipients]``."""
    kept = directory_uc.directory(ctx).distribution.get(audience)
    return list(kept) if kept else list(settings.comms.recipients.get(audience, ()))


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
    tried = delivery.attempt(
        settings,
        channel=channel,
        state=state,
        reference=reference,
        draft=draft,
        recipients=recipients,
        sender=ctx.author.name,
        sent_at=ctx.now(),
        out=out,
        secret=secret,
    )
    draft_id = draft.draft_id
    if tried.outcome == "unreachable":
        if queue_when_unreachable:
            queued = Queued(
                draft_id=draft_id, channel=channel, recipients=recipients, reason=tried.reason
            )
            ctx.log.append([ctx.event(stream_id, queued)])
        return SendResult("queued", draft_id, channel, tried.reason, recipients, "", stream_id)
    if tried.outcome == "refused":
        return _failed(ctx, stream_id, draft_id, channel, tried.reason)
    if channel in LOCAL:
        # A file for the person's mail client: not sent, and the record must not say so.
        handed = HandedToMailClient(
            draft_id=draft_id, recipients=tried.recipients, file=Path(tried.detail).name
        )
        ctx.log.append([ctx.event(stream_id, handed)])
        return SendResult(
            "handed", draft_id, channel, "", tried.recipients, tried.detail, stream_id
        )
    sent = MessageSent(
        draft_id=draft_id,
        kind=draft.kind,
        audience=draft.audience,
        channel=channel,
        recipients=tried.recipients,
        subject=draft.subject,
        body=draft.body,
    )
    # The time it really went out: after a retry this is later than the QUEUED event.
    ctx.log.append([ctx.event(stream_id, sent, ctx.now())])
    return SendResult("sent", draft_id, channel, "", tried.recipients, tried.detail, stream_id)


def _failed(ctx: Context, stream_id: str, draft_id: str, channel: str, reason: str) -> SendResult:
    failed = SendFailed(draft_id=draft_id, channel=channel, reason=reason)
    ctx.log.append([ctx.event(stream_id, failed)])
    return SendResult("failed", draft_id, channel, reason, stream_id=stream_id)


def deliver(
    ctx: Context,
    settings: Settings,
    *,
    requested: bool = False,
    schedule: RetrySchedule | None = None,
    secret: SecretLookup = secrets.get_secret,
) -> OutboxRun:
    """Try again the messages this desk may retry: on its own (``requested`` False) the
    queued ones that are due, giving up on stale ones; on a person's request every one,
    failed ones too, now (see the module's docstring)."""
    run = OutboxRun()
    now = ctx.now()
    expire = timedelta(minutes=settings.comms.outbox_expire_minutes)
    for item in not_sent(ctx):
        if not item.retried_here or (not requested and item.state != "queued"):
            continue
        if not requested and schedule is not None and not schedule.due(item.draft_id, now):
            run.waiting.append(item)
            continue
        if not requested and now - item.since > expire:
            run.failed.append(_expired(ctx, settings, item))
            if schedule is not None:
                schedule.forget(item.draft_id)
            continue
        result = _try_again(ctx, settings, item, secret)
        if result is None:
            continue
        if result.outcome == "queued":
            if schedule is not None:
                schedule.failed(item.draft_id, now)
            run.waiting.append(item)
            continue
        if schedule is not None:
            schedule.forget(item.draft_id)
        (run.sent if result.sent else run.failed).append(result)
    return run


def _expired(ctx: Context, settings: Settings, item: NotSent) -> SendResult:
    minutes = settings.comms.outbox_expire_minutes
    return _failed(
        ctx,
        item.stream_id,
        item.draft_id,
        item.channel,
        f"not delivered within {minutes} minutes ({item.reason}); check that it "
        "is still current, then send it again or record how it went out",
    )


def _try_again(
    ctx: Context, settings: Settings, item: NotSent, secret: SecretLookup
) -> SendResult | None:
    # Read again just before sending: someone may have sent it by other means, or edited it.
    view = incidents.view(ctx, item.stream_id, item.reference)
    draft = view.state.drafts.get(item.draft_id)
    if draft is None or draft.state != item.state:
        return None
    recipients = item.recipients or tuple(distribution_list(ctx, settings, draft.audience))
    return deliver_draft(
        ctx,
        settings,
        stream_id=item.stream_id,
        reference=item.reference,
        state=view.state,
        draft=draft,
        channel=item.channel,
        recipients=recipients,
        secret=secret,
        # A queued one stays as it was recorded; a failed one waits in the outbox again.
        queue_when_unreachable=item.state == "failed",
    )
