"""Communications: draft from templates, save and edit, approve, send, record, check.

The flow is draft -> (approve) -> send. A draft is rendered from the templates (not stored),
edited by a person, saved (DRAFTED; editing saves a new DRAFTED with the same id), approved
when the site requires it (``[comms] approval``, :func:`approval_gap`), then sent through a
channel: MESSAGE_SENT with the exact text, or QUEUED in the outbox when the channel is
unreachable, or SEND_FAILED with the reason. An .eml for the mail client is HANDED_TO_MAIL_CLIENT,
never sent: the person sends it there and records it. A message that went out by phone, SMS,
the mail client or on the bridge is recorded with :func:`mark_sent_by_other_means`.

Approval (``[comms] approval``): ``none``; ``mim``, the incident's Major Incident Manager;
``approver``, the MIM or a person ``[comms] approvers`` names; ``verbal``, as ``approver``, or
a person at the desk records that one of them approved by voice (:func:`record_verbal_approval`,
its own event naming both). Every approval checks the OS account of whoever records it
(:func:`mimdesk.usecases.entitlement.check`). Copy and the mail client wait for it as Send
does; marking a message sent does not (it records what happened) but the record says it went
out without approval.

A draft saved while someone else was the Major Incident Manager is signed by them
(:func:`former_signer`): approving or sending it is refused until it is refreshed or saved
again.
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
from mimdesk.domain.directory import same_name
from mimdesk.domain.ids import new_id
from mimdesk.domain.incident import Draft, IncidentState
from mimdesk.domain.payloads import (
    Approved,
    ApprovedVerbally,
    Decided,
    Drafted,
    FieldChanged,
    MessageSent,
    RoleAssigned,
    RoleReleased,
)
from mimdesk.domain.roles import MIM
from mimdesk.errors import InvalidInput, NotFound, Refused
from mimdesk.usecases import directory as directory_uc
from mimdesk.usecases import entitlement
from mimdesk.usecases.context import Changes, Context
from mimdesk.usecases.incidents import IncidentView, get
from mimdesk.usecases.outbox import SendResult, deliver_draft, distribution_list
from mimdesk.usecases.timers import check_update_time
from mimdesk.usecases.validate import MAX_NOTE, check_time, choose, clean_text

MAX_SUBJECT = 300
EMAIL_CHANNELS = ("eml", "smtp")

__all__ = [
    "SendResult",
    "approval_gap",
    "approve",
    "approvers",
    "check",
    "clipboard_texts",
    "distribution_list",
    "draft",
    "drafts",
    "export_eml",
    "former_signer",
    "hand_to_mail_client",
    "mailto",
    "mark_sent_by_other_means",
    "past_promise",
    "preview_html",
    "record_verbal_approval",
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


def approvers(view: IncidentView, settings: Settings | None) -> list[str]:
    """Who may approve this incident's messages: its MIM, and in the ``approver`` and
    ``verbal`` modes the people ``[comms] approvers`` names."""
    mode = settings.comms.approval if settings is not None else "mim"
    mim = view.state.holder(MIM)
    named = [mim] if mim else []
    if mode in ("approver", "verbal") and settings is not None:
        named += [a for a in settings.comms.approvers if not any(same_name(a, n) for n in named)]
    return named


def _who_approves(view: IncidentView, settings: Settings | None) -> str:
    names = approvers(view, settings)
    return " or ".join(names) if names else "the Major Incident Manager"


def former_signer(view: IncidentView, draft: Draft) -> str:
    """The former Major Incident Manager whose name signs ``draft``: its text was last saved
    while they held the role, and someone else holds it now. "" when the draft is current."""
    holder = ""
    at_save = ""
    for e in view.events:  # the log's order: the fold's
        p = e.payload
        if isinstance(p, RoleAssigned) and p.role == MIM:
            holder = p.person
        elif isinstance(p, RoleReleased) and p.role == MIM:
            holder = ""
        elif isinstance(p, Drafted) and p.draft_id == draft.draft_id:
            at_save = holder
    now = view.state.holder(MIM)
    if not at_save or same_name(at_save, now or ""):
        return ""
    return at_save if at_save.casefold() in draft.body.casefold() else ""


def _refuse_former_signer(view: IncidentView, draft: Draft) -> None:
    former = former_signer(view, draft)
    if former:
        now = view.state.holder(MIM) or "nobody"
        raise Refused(
            f"This draft is signed by {former}, who was Major Incident Manager when it was "
            f"saved; it is {now} now.",
            "Refresh it from the templates (or correct the signature) and save it first.",
        )


def past_promise(view: IncidentView, settings: Settings, draft: Draft, now: datetime) -> str:
    """The "next update by" time ``draft`` promises when it has passed ("" when it has not):
    a draft saved a while ago must be refreshed before it goes out."""
    return message_context.past_promise(
        view.state,
        settings.timers,
        settings.comms,
        audience=draft.audience,
        body=draft.body,
        written_at=draft.drafted_at,
        now=now,
    )


def approval_gap(view: IncidentView, settings: Settings, draft: Draft | None) -> str:
    """Why ``draft`` may not be sent, copied or handed to the mail client yet: "" when the
    site requires no approval or it has it; else a sentence saying who must approve."""
    mode = settings.comms.approval
    if mode == "none" or (draft is not None and draft.approved_by):
        return ""
    who = _who_approves(view, settings)
    if mode == "verbal":
        return f"Needs approval first: {who} approves here, or record their approval by voice."
    return f"Needs approval by {who} first."


def approve(
    ctx: Context, *, reference: str, draft_id: str, settings: Settings | None = None
) -> Changes:
    """The person at this desk approves a draft for sending: the incident's Major Incident
    Manager, or in the ``approver`` and ``verbal`` modes a named approver. Their OS account
    is checked."""
    view = get(ctx, reference)
    found = _draft(view, draft_id)
    entitled = approvers(view, settings)
    if not entitled:
        raise Refused(
            f"Nobody is Major Incident Manager on {view.reference}, so nobody can approve.",
            "Assign the MIM first.",
        )
    if not any(same_name(ctx.author.name, name) for name in entitled):
        who = " or ".join(entitled)
        only = f"the Major Incident Manager, {who}," if len(entitled) == 1 else who
        raise Refused(
            f"Only {only} can approve messages on {view.reference}; "
            f"you are signed in as {ctx.author.name}.",
            _ask_to_approve(who, view, found),
        )
    if found.state == "sent":
        raise Refused("That message was sent already.", "")
    if found.state == "approved":
        return Changes()
    _refuse_former_signer(view, found)
    entitlement.check(ctx, entitled, act="approve messages")
    ctx.log.append([ctx.event(view.state.stream_id, Approved(draft_id=found.draft_id))])
    return Changes(frozenset({view.state.stream_id}))


def record_verbal_approval(
    ctx: Context,
    *,
    reference: str,
    settings: Settings,
    draft_id: str,
    approver: str,
    note: str = "",
) -> Changes:
    """A person at the desk records that ``approver`` (a named approver, or the MIM) approved
    the draft by voice. The event names both; the recorder's OS account is checked."""
    view = get(ctx, reference)
    found = _draft(view, draft_id)
    if settings.comms.approval != "verbal":
        raise Refused(
            "This site does not take approvals by voice.",
            "Ask an approver to approve it at their desk.",
        )
    named = clean_text(approver, what="approver", limit=200, required=True, single_line=True)
    entitled = approvers(view, settings)
    match = next((n for n in entitled if same_name(n, named)), None)
    if match is None:
        raise InvalidInput(
            f"{named} is not an approver on {view.reference}.",
            f"Approvers: {', '.join(entitled) or 'nobody yet (assign the MIM)'}.",
        )
    if found.state == "sent":
        raise Refused("That message was sent already.", "")
    _refuse_former_signer(view, found)
    entitlement.check(ctx, act="record an approval")
    recorded = ApprovedVerbally(
        draft_id=found.draft_id,
        approver=match,
        note=clean_text(note, what="note", limit=500, single_line=True),
    )
    ctx.log.append([ctx.event(view.state.stream_id, recorded)])
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
    if approval_gap(view, settings, found):
        whose = "the Major Incident Manager's" if settings.comms.approval == "mim" else "an"
        raise Refused(
            f"This site requires {whose} approval before a message is sent.",
            _ask_to_approve(_who_approves(view, settings), view, found),
        )
    _refuse_former_signer(view, found)
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
    past = past_promise(view, settings, found, ctx.now())
    if past:
        raise Refused(
            f"This draft promises the next update by {past}, which has passed.",
            "Refresh it from the template (or correct the time) and save it, then send it.",
        )
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
    # No approval check: this records what already happened, and the log must say so, with
    # whether it went out without the approval the site requires.
    found = _draft(view, draft_id)
    unapproved = bool(approval_gap(view, settings, found))
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
        without_approval=unapproved,
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
    """(plain text, HTML) of a draft, for the clipboard when no channel can be used; it waits
    for the approval the site requires, as sending does."""
    view = get(ctx, reference)
    message = _message(ctx, view, settings, _ready(view, settings, draft_id), [])
    return clipboard.plain_text(message), clipboard.html(
        message, Templates(settings.comms.templates_dir)
    )


def preview_html(settings: Settings, *, reference: str, subject: str, body: str) -> str:
    """The HTML an e-mail or the clipboard would carry for this text, before it is saved."""
    return Templates(settings.comms.templates_dir).render_html(
        "message.html.j2",
        {"subject": subject, "paragraphs": paragraphs(body), "footer": "", "reference": reference},
    )


def hand_to_mail_client(
    ctx: Context,
    *,
    reference: str,
    settings: Settings,
    draft_id: str,
    recipients: list[str] | None = None,
    out: Path | None = None,
) -> tuple[SendResult, Changes]:
    """Write the draft as an .eml for the person's mail client (``out``, else the files
    folder) and record it as handed to the mail client: not sent. The caller opens it."""
    return send(
        ctx,
        reference=reference,
        settings=settings,
        draft_id=draft_id,
        channel="eml",
        recipients=recipients,
        out=out,
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
    """Write a draft as an .eml (``out``, else the files folder) and record nothing."""
    view = get(ctx, reference)
    found = _ready(view, settings, draft_id)
    to = _recipients(recipients or list(found.recipients), emails=True)
    message = _message(ctx, view, settings, found, to)
    return write_eml(
        message,
        settings.comms,
        Templates(settings.comms.templates_dir),
        out,
        folder=settings.files.path,
    )


def mailto(
    ctx: Context,
    *,
    reference: str,
    settings: Settings,
    draft_id: str,
    recipients: list[str] | None = None,
) -> MailtoLink:
    view = get(ctx, reference)
    found = _ready(view, settings, draft_id)
    to = _recipients(recipients or list(found.recipients), emails=True)
    message = _message(ctx, view, settings, found, to)
    return mailto_url(message, settings.comms.mailto_max_length)
