"""Roles on an incident: assign, hand over, release, tick duties."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from mimdesk import outputs
from mimdesk.config import Settings
from mimdesk.domain.entitlement import override_note
from mimdesk.domain.incident import IncidentState
from mimdesk.domain.payloads import DutyTicked, RoleAssigned, RoleReleased
from mimdesk.domain.roles import MIM, role_label
from mimdesk.errors import InvalidInput, Refused
from mimdesk.usecases import directory as directory_uc
from mimdesk.usecases import entitlement
from mimdesk.usecases.context import Changes, Context
from mimdesk.usecases.incidents import resolve, view
from mimdesk.usecases.validate import MAX_FIELD, check_time, choose, clean_text


def _role(ctx: Context, state: IncidentState, typed: str) -> str:
    """The role a person means: one the incident holds, named exactly as recorded (it may
    be one this site's list lacks, from an import or another desk), else one of the site's
    roles however it is spelled."""
    text = clean_text(typed, what="role", limit=64, single_line=True)
    return text if text in state.roles else choose(ctx.vocab.roles, text)


def assign(
    ctx: Context,
    *,
    reference: str,
    role: str,
    person: str,
    note: str = "",
    remember: bool = False,
    occurred_at: datetime | None = None,
    override: str = "",
) -> Changes:
    """Put a person in a role. If someone holds it already this is a handover: one event
    naming both, so the role is never empty in between.

    ``remember`` saves a person typed in by hand to the directory. The MIM role is put in
    someone's hands only by an account entitled to (:mod:`mimdesk.domain.entitlement`):
    handing it over, the outgoing holder or the incoming person; anyone else gives
    ``override``, their reason, which the handover note records.
    """
    summary = resolve(ctx, reference)
    state = view(ctx, summary.stream_id).state
    role = _role(ctx, state, role)
    person = clean_text(person, what="person's name", limit=200, required=True, single_line=True)
    note = clean_text(note, what="handover note", limit=MAX_FIELD)
    current = state.holder(role)
    if current == person:
        return Changes()
    if role == MIM and current:
        reason = clean_text(override, what="reason for taking over", limit=500, single_line=True)
        term = ctx.vocab.roles.term(MIM)
        label = term.label if term is not None else role_label(MIM)
        if entitlement.check_handover(
            ctx, role_label=label, holder=current, incoming=person, override=reason
        ):
            note = override_note(current, reason, note)
    elif role == MIM:
        entitlement.check(ctx)
    # With the previous holder named it is a handover.
    assigned = RoleAssigned(role=role, person=person, note=note, handed_over_from=current)
    if occurred_at is not None:
        check_time(occurred_at, what="time of the assignment", now=ctx.now())
    ctx.log.append([ctx.event(summary.stream_id, assigned, occurred_at)])
    changes = Changes(frozenset({summary.stream_id}), incidents_list=True)
    if remember and directory_uc.directory(ctx).person(person) is None:
        # The directory lists the roles a person can take from the site's list only.
        can_take = [role] if role in ctx.vocab.roles else []
        _, more = directory_uc.save_person(ctx, name=person, roles=can_take)
        changes = changes | more
    return changes


def handover(
    ctx: Context,
    *,
    reference: str,
    role: str,
    to: str,
    note: str = "",
    occurred_at: datetime | None = None,
    override: str = "",
) -> Changes:
    """Hand a held role to someone else, with a note of what they need to know (``override``:
    see :func:`assign`)."""
    summary = resolve(ctx, reference)
    state = view(ctx, summary.stream_id).state
    role = _role(ctx, state, role)
    if not state.holder(role):
        raise Refused(
            f"Nobody holds {role!r} on {summary.reference}, so there is nothing to hand over.",
            "Assign someone instead.",
        )
    return assign(
        ctx,
        reference=summary.reference,
        role=role,
        person=to,
        note=note,
        occurred_at=occurred_at,
        override=override,
    )


def release(
    ctx: Context,
    *,
    reference: str,
    role: str,
    note: str = "",
    occurred_at: datetime | None = None,
) -> Changes:
    summary = resolve(ctx, reference)
    state = view(ctx, summary.stream_id).state
    role = _role(ctx, state, role)
    holder = state.holder(role)
    if not holder:
        raise Refused(
            f"Nobody holds the role {role!r} on {summary.reference}.", "Assign someone first."
        )
    note = clean_text(note, what="note", limit=MAX_FIELD)
    released = RoleReleased(role=role, person=holder, note=note)
    if occurred_at is not None:
        check_time(occurred_at, what="time of the release", now=ctx.now())
    ctx.log.append([ctx.event(summary.stream_id, released, occurred_at)])
    return Changes(frozenset({summary.stream_id}), incidents_list=True)


def tick_duty(
    ctx: Context, *, reference: str, settings: Settings, role: str, duty: str, done: bool = True
) -> Changes:
    summary = resolve(ctx, reference)
    role = choose(ctx.vocab.roles, role)
    definition = settings.role(role)
    duties = definition.duties if definition is not None else ()
    text = duty.strip()
    # A duty by its number in the role's list (1, 2, …), as the role card prints them.
    if text.isdigit() and 1 <= int(text) <= len(duties):
        duty = duties[int(text) - 1]
    if duty not in duties:
        raise InvalidInput(
            f"{duty!r} is not a duty of {role!r}.", "Pick a duty from the role's checklist."
        )
    state = view(ctx, summary.stream_id).state
    if (duty in state.duties_done.get(role, set())) == done:
        return Changes()
    ticked = DutyTicked(role=role, duty=duty, done=done)
    ctx.log.append([ctx.event(summary.stream_id, ticked)])
    return Changes(frozenset({summary.stream_id}))


def role_cards(
    ctx: Context,
    *,
    reference: str,
    settings: Settings,
    out: Path,
    role: str | None = None,
    page_size: str = "A4",
    force: bool = False,
) -> Path:
    """Print role cards for an incident: one page per role (or the one role asked for).

    An existing ``out`` is replaced only with ``force``; the open database, a folder or a
    device never is."""
    from mimdesk.reports.rolecards import CardData, write_cards

    summary = resolve(ctx, reference)
    state = view(ctx, summary.stream_id).state
    chosen = settings.roles
    if role is not None:
        definition = settings.role(choose(ctx.vocab.roles, role))
        if definition is None:  # the context's roles are the settings' (mimdesk.app)
            raise InvalidInput(f"There is no role {role!r} in these settings.", "")
        chosen = (definition,)
    data = CardData(
        reference=summary.reference,
        state=state,
        roles=chosen,
        directory=directory_uc.directory(ctx),
        severity_label=settings.severity_label(state.severity) if state.severity else "No severity",
        printed_at=ctx.now(),
    )
    return write_cards(
        data,
        out,
        page_size,
        force=force,
        protected=outputs.database_files(ctx.log.engine.url.database),
    )
