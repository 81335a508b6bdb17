"""Communications: draft from templates, save and edit, approve, send, record, check.

The flow is draft -> (approve) -> send. A draft is rendered from the templates (not stored),
edited by a person, saved (DRAFTED; editing saves a new DRAFTED with the same id), approved
by the Major Incident Manager when the site requires it (``[comms] require_approval``), then
sent through a channel: MESSAGE_SENT with the exact text, or QUEUED in the outbox when the
channel is unreachable, or SEND_FAILED with the reason. A message that went out by phone, SMS
or on the bridge is recorded with :func:`mark_sent_by_other_means`.
"""

from __future__ import annotations

import textwrap
from datetime import datetime
from pathlib import Path

from mimdesk import secrets
from mimdesk.comms import addresses, checklist, delivery
from mimdesk.comms import context as message_context
from mimdesk.comms.channels import clipboard
from mimdesk.comms.channels.base import OutgoingMessage
from mimdesk.comms.channels.mail import MailtoLink, mailto_url, write_eml
from mimdesk.comms.checklist import Missing
from mimdesk.comms.templates import Rendered, Templates, paragraphs
from mimdesk.config import Settings
from mimdesk.domain.ids import new_id
from mimdesk.domain.incident import Draft, IncidentState
from mimdesk.domain.payloads import Approved, Decided, Drafted, FieldChanged, MessageSent
from mimdesk.domain.roles import MIM
from mimdesk.errors import InvalidInput, NotFound, Refused
from mimdesk.usecases import directory as directory_uc
from mimdesk.usecases.context import Changes, Context
from mimdesk.usecases.incidents import IncidentView, get
from mimdesk.usecases.outbox import SendResult, deliver_draft, distribution_list
from mimdesk.usecases.timers import check_update_time
from mimdesk.usecases.validate import MAX_NOTE, check_time, choose, clean_text

MAX_SUBJECT = 300
EMAIL_CHANNELS = ("eml", "smtp")

__all__ = [
    "SendResult",
    "approve",
    "check",
    "clipboard_texts",
    "distribution_list",
    "draft",
    "drafts",
    "export_eml",
    "mailto",
    "mark_sent_by_other_means",
    "preview_html",
    "save_draft",
    "send",
]


def _kind(ctx: Context, kind: str) -> str:
    return choose(ctx.vocab.message_kinds, kind)


def _audience(ctx: Context, audience: str) -> str:
    return choose(ctx.vocab.audiences, audience)


def _downgrade_reason(view: IncidentView) -> str:
    """Why the incident stopped being major: the last severity change's or rejection's reason."""
    for e in reversed(view.events):
        p = e.payload
        if isinstance(p, FieldChanged) and p.field == "severity":
            return p.reason
        if isinstance(p, Decided) and p.decision == "reject":
            return p.rationale
    return ""


def draft(
    ctx: Context,
    *,
    reference: str,
    settings: Settings,
    kind: str,
    audience: str,
    data_lost: bool | None = None,
    data_loss_detail: str = "",
    note: str = "",
) -> Rendered:
    """The message the templates make for this incident, kind and audience; not stored."""
    view = get(ctx, reference)
    kind = _kind(ctx, kind)
    audience = _audience(ctx, audience)
    state = view.state
    mim = directory_uc.directory(ctx).person(state.holder(MIM)) if state.holder(MIM) else None
    facts = message_context.MessageFacts(
        severity_label=settings.severity_label(state.severity) if state.severity else "",
        audience_label=settings.timers.audience_label(audience),
        severity_major=settings.is_major_severity(state.severity),
        timers=settings.timers,
        comms=settings.comms,
        mim=mim,
        data_lost=data_lost,
        data_loss_detail=clean_text(data_loss_detail, what="data loss detail", limit=2000),
        note=clean_text(note, what="note", limit=5000),
        reason=_downgrade_reason(view),
    )
    values = message_context.build(
        state, reference=view.reference, kind=kind, audience=audience, facts=facts, now=ctx.now()
    )
    return Templates(settings.comms.templates_dir).render_message(kind, audience, values)


def drafts(ctx: Context, reference: str) -> list[Draft]:
    """The incident's drafts, newest first."""
    state = get(ctx, reference).state
    return sorted(state.drafts.values(), key=lambda d: d.drafted_at, reverse=True)


def _recipients(values: list[str] | tuple[str, ...] | None, *, emails: bool) -> list[str]:
    """E-mail recipients parsed strictly and kept in canonical form, so that what the log
    records is what the envelope carries; else free text (who was told on the phone)."""
    if emails:
        # The raw text, not clean_text's: joining lines would turn "a@b.c\r\nBcc: …" into
        # something that parses.
        return addresses.canonical_list(values or [])
    out = []
    for raw in values or []:
        text = clean_text(raw, what="recipient", limit=320, single_line=True)
        if text:
            out.append(text)
    return out


def save_draft(
    ctx: Context,
    *,
    reference: str,
    settings: Settings,
    kind: str,
    audience: str,
    subject: str,
    body: str,
    recipients: list[str] | None = None,
    channel: str = "",
    draft_id: str | None = None,
) -> tuple[str, Changes]:
    """Save a new draft, or a new version of ``draft_id`` (which then needs approving again)."""
    view = get(ctx, reference)
    existing = None
    if draft_id is not None:
        existing = view.state.drafts.get(draft_id)
        if existing is None:
            raise NotFound(f"No draft {draft_id} on {view.reference}.", "Save it as a new draft.")
        if existing.state == "sent":
            raise Refused("That message was sent already; it cannot be edited.", "Draft a new one.")
    # A new version keeps what the draft recorded, even a value this site's lists lack (from
    # an import or another desk); what changes is checked.
    if existing is None or kind != existing.kind:
        kind = _kind(ctx, kind)
    if existing is None or audience != existing.audience:
        audience = _audience(ctx, audience)
    if channel and (existing is None or channel != existing.channel):
        channel = choose(ctx.vocab.send_channels, channel)
    drafted = Drafted(
        draft_id=draft_id or new_id(),
        kind=kind,
        audience=audience,
        subject=clean_text(
            subject, what="subject", limit=MAX_SUBJECT, required=True, single_line=True
        ),
        body=clean_text(body, what="message", limit=MAX_NOTE, required=True),
        # Always addresses, whatever the channel: a draft saved for one channel can be sent
        # by e-mail later, and the composer's field holds addresses only.
        recipients=tuple(_recipients(recipients, emails=True)),
        channel=channel,
    )
    ctx.log.append([ctx.event(view.state.stream_id, drafted)])
    return drafted.draft_id, Changes(frozenset({view.state.stream_id}))


def _draft(view: IncidentView, draft_id: str) -> Draft:
    found = view.state.drafts.get(draft_id)
    if found is None:
        raise NotFound(f"No draft {draft_id} on {view.reference}.", "Pick one from the drafts.")
    return found


def numbered_drafts(state: IncidentState) -> list[tuple[str, Draft]]:
    """The incident's drafts numbered D1, D2, ... in the order they were first saved (the
    log's agreed order, so every desk numbers them alike)."""
    return [(f"D{n}", d) for n, d in enumerate(state.drafts.values(), 1)]


def draft_number(state: IncidentState, draft_id: str) -> str:
    return next((n for n, d in numbered_drafts(state) if d.draft_id == draft_id), draft_id)


def resolve_draft(ctx: Context, *, reference: str, typed: str) -> Draft:
    """The draft a person means: its number as ``mimdesk drafts`` lists it (D2), or its id."""
    view = get(ctx, reference)
    wanted = typed.strip()
    exact = view.state.drafts.get(wanted.lower())
    if exact is not None:
        return exact
    number = wanted.upper() if wanted.upper().startswith("D") else f"D{wanted}"
    for n, found in numbered_drafts(view.state):
        if n == number:
            return found
    raise NotFound(
        f"No draft {wanted!r} on {view.reference}.",
        f"Give its number (D1, D2, ...) as 'mimdesk drafts {view.reference}' lists them.",
    )


def approve(ctx: Context, *, reference: str, draft_id: str) -> Changes:
    """The Major Incident Manager approves a draft for sending."""
    view = get(ctx, reference)
    found = _draft(view, draft_id)
    mim = view.state.holder(MIM)
    if not mim:
        raise Refused(
            f"Nobody is Major Incident Manager on {view.reference}, so nobody can approve.",
            "Assign the MIM first.",
        )
    if ctx.author.name.casefold() != mim.casefold():
        raise Refused(
            f"Only the Major Incident Manager, {mim}, can approve messages on {view.reference}; "
            f"you are signed in as {ctx.author.name}.",
            _ask_to_approve(mim, view, found),
        )
    if found.state == "sent":
        raise Refused("That message was sent already.", "")
    if found.state == "approved":
        return Changes()
    ctx.log.append([ctx.event(view.state.stream_id, Approved(draft_id=found.draft_id))])
    return Changes(frozenset({view.state.stream_id}))


def _ask_to_approve(mim: str, view: IncidentView, draft: Draft) -> str:
    number = draft_number(view.state, draft.draft_id)
    subject = textwrap.shorten(draft.subject, 60, placeholder="…")
    # The window and the command line both show it: the draft by number and subject.
    return f'Ask {mim} to approve draft {number} ("{subject}") of {view.reference}.'


def _ready(view: IncidentView, settings: Settings, draft_id: str) -> Draft:
    found = _draft(view, draft_id)
    if found.state == "sent":
        raise Refused("That message was sent already.", "Draft a new one for a new update.")
    if settings.comms.require_approval and not found.approved_by:
        mim = view.state.holder(MIM) or "the Major Incident Manager"
        raise Refused(
            "This site requires the Major Incident Manager's approval before a message is sent.",
            _ask_to_approve(mim, view, found),
        )
    return found


def send(
    ctx: Context,
    *,
    reference: str,
    settings: Settings,
    draft_id: str,
    channel: str,
    recipients: list[str] | None = None,
    out: Path | None = None,
    secret: delivery.SecretLookup = secrets.get_secret,
) -> tuple[SendResult, Changes]:
    """Deliver a saved draft through ``channel``; the result says sent, queued or failed."""
    view = get(ctx, reference)
    channel = choose(ctx.vocab.send_channels, channel)
    found = _ready(view, settings, draft_id)
    chosen = (
        recipients or list(found.recipients) or distribution_list(ctx, settings, found.audience)
    )
    to = _recipients(chosen, emails=channel in EMAIL_CHANNELS)
    if channel == "smtp" and not to:
        raise InvalidInput(
            "No recipients for this e-mail.",
            f"Give addresses, or set the distribution list for {found.audience} in Tools > "
            "People and rota (or [comms.recipients] in the site settings).",
        )
    result = deliver_draft(
        ctx,
        settings,
        stream_id=view.state.stream_id,
        reference=view.reference,
        state=view.state,
        draft=found,
        channel=channel,
        recipients=tuple(to),
        out=out,
        secret=secret,
    )
    return result, Changes(frozenset({view.state.stream_id}))


def mark_sent_by_other_means(
    ctx: Context,
    *,
    reference: str,
    settings: Settings,
    draft_id: str,
    channel: str,
    recipients: list[str] | None = None,
    sent_at: datetime | None = None,
) -> Changes:
    """Record that a draft (queued, failed or not yet sent) went out by phone, SMS, the bridge..."""
    view = get(ctx, reference)
    # No approval check: this records what already happened, and the log must say so.
    found = _draft(view, draft_id)
    if found.state == "sent":
        raise Refused("That message is recorded as sent already.", "")
    channel = choose(ctx.vocab.hand_channels, channel)
    if sent_at is not None:
        check_time(sent_at, what="time the message was sent", now=ctx.now())
        check_update_time(view.state, sent_at)
    sent = MessageSent(
        draft_id=found.draft_id,
        kind=found.kind,
        audience=found.audience,
        channel=channel,
        recipients=tuple(_recipients(recipients or list(found.recipients), emails=False)),
        subject=found.subject,
        body=found.body,
    )
    ctx.log.append([ctx.event(view.state.stream_id, sent, sent_at)])
    return Changes(frozenset({view.state.stream_id}))


def check(
    ctx: Context,
    *,
    reference: str,
    settings: Settings,
    kind: str,
    audience: str,
    subject: str,
    body: str,
) -> list[Missing]:
    """What the text seems to lack that every update needs (named items, with hints)."""
    view = get(ctx, reference)
    return checklist.check(
        view.state,
        kind=_kind(ctx, kind),
        style=settings.comms.style(_audience(ctx, audience)),
        subject=subject,
        body=body,
    )


def _message(
    ctx: Context, view: IncidentView, settings: Settings, found: Draft, to: list[str]
) -> OutgoingMessage:
    return delivery.outgoing(
        view.state,
        reference=view.reference,
        draft=found,
        recipients=tuple(to),
        settings=settings,
        sender=ctx.author.name,
        sent_at=ctx.now(),
    )


def clipboard_texts(
    ctx: Context, *, reference: str, settings: Settings, draft_id: str
) -> tuple[str, str]:
    """(plain text, HTML) of a draft, for the clipboard when no channel can be used."""
    view = get(ctx, reference)
    message = _message(ctx, view, settings, _draft(view, draft_id), [])
    return clipboard.plain_text(message), clipboard.html(
        message, Templates(settings.comms.templates_dir)
    )


def preview_html(settings: Settings, *, reference: str, subject: str, body: str) -> str:
    """The HTML an e-mail or the clipboard would carry for this text, before it is saved."""
    return Templates(settings.comms.templates_dir).render_html(
        "message.html.j2",
        {"subject": subject, "paragraphs": paragraphs(body), "footer": "", "reference": reference},
    )


def export_eml(
    ctx: Context,
    *,
    reference: str,
    settings: Settings,
    draft_id: str,
    recipients: list[str] | None = None,
    out: Path | None = None,
) -> Path:
    """Write a draft as an .eml for the mail client without recording it as sent."""
    view = get(ctx, reference)
    found = _draft(view, draft_id)
    to = _recipients(recipients or list(found.recipients), emails=True)
    message = _message(ctx, view, settings, found, to)
    return write_eml(message, settings.comms, Templates(settings.comms.templates_dir), out)


def mailto(
    ctx: Context,
    *,
    reference: str,
    settings: Settings,
    draft_id: str,
    recipients: list[str] | None = None,
) -> MailtoLink:
    view = get(ctx, reference)
    found = _draft(view, draft_id)
    to = _recipients(recipients or list(found.recipients), emails=True)
    message = _message(ctx, view, settings, found, to)
    return mailto_url(message, settings.comms.mailto_max_length)
