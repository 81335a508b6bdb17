"""Follow-up actions: what the review decided to do so that it does not happen again.

Each follow-up is an action item with an owner, a due date, a priority, a kind (Google's
prevent / mitigate / detect, plus process) and a status; the ticket reference links it to the
problem record or change that tracks it outside MIM Desk. Adding one writes FOLLOWUP_ADDED,
changing one writes FOLLOWUP_UPDATED holding only the fields that changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from mimdesk.domain import incident
from mimdesk.domain.ids import new_id
from mimdesk.domain.incident import FOLLOWUP_FIELDS, FollowUp
from mimdesk.domain.payloads import FollowUpAdded, FollowUpUpdated
from mimdesk.domain.vocabulary import (
    FOLLOWUP_CLOSED,
    FOLLOWUP_KINDS,
    FOLLOWUP_PRIORITIES,
    FOLLOWUP_STATUSES,
)
from mimdesk.errors import InvalidInput, NotFound
from mimdesk.usecases.context import Changes, Context
from mimdesk.usecases.incidents import resolve, view
from mimdesk.usecases.validate import MAX_TITLE, choose, clean_text

MAX_OWNER = 200
MAX_TICKET = 100
# The fields whose values come from a closed list.
VOCABULARY_FIELDS = ("priority", "kind", "status")


def _due(value: Any) -> str:
    """An ISO date (YYYY-MM-DD), or "" for none."""
    if value is None or value == "":
        return ""
    if isinstance(value, date):
        return value.isoformat()[:10]
    text = str(value).strip()
    try:
        parsed = date.fromisoformat(text)
    except ValueError:
        parsed = None
    if parsed is None or len(text) != 10:
        raise InvalidInput(
            f"The due date {text!r} is not a date in the form YYYY-MM-DD.",
            "Give the date as year-month-day, e.g. 2026-12-31.",
        )
    return parsed.isoformat()


def clean_fields(fields: Mapping[str, Any]) -> dict[str, str]:
    """Check and normalise follow-up fields; raises InvalidInput naming the bad one."""
    unknown = sorted(set(fields) - set(FOLLOWUP_FIELDS))
    if unknown:
        raise InvalidInput(
            f"A follow-up has no field {unknown[0]!r}.",
            f"Fields are: {', '.join(FOLLOWUP_FIELDS)}.",
        )
    out: dict[str, str] = {}
    for name, value in fields.items():
        if name == "title":
            out[name] = clean_text(
                str(value),
                what="follow-up title",
                limit=MAX_TITLE,
                required=True,
                single_line=True,
            )
        elif name == "owner":
            out[name] = clean_text(
                str(value or ""), what="owner's name", limit=MAX_OWNER, single_line=True
            )
        elif name == "ticket":
            out[name] = clean_text(
                str(value or ""), what="ticket reference", limit=MAX_TICKET, single_line=True
            )
        elif name == "due":
            out[name] = _due(value)
        elif name == "priority":
            out[name] = choose(FOLLOWUP_PRIORITIES, value)
        elif name == "kind":
            out[name] = choose(FOLLOWUP_KINDS, value)
        elif name == "status":
            out[name] = choose(FOLLOWUP_STATUSES, value)
    return out


def _not_past(ctx: Context, due: str) -> None:
    """A due date a person sets is today or later, on the desk's calendar. One already past
    is history: a back-fill file records it as it was."""
    today = ctx.now().astimezone().date()
    if due and date.fromisoformat(due) < today:
        raise InvalidInput(
            f"The due date {due} is in the past (today is {today.isoformat()}).",
            "Give today or a later date.",
        )


def add(
    ctx: Context,
    *,
    reference: str,
    title: str,
    owner: str = "",
    due: date | str | None = None,
    priority: str = "medium",
    kind: str = "prevent",
    status: str = "open",
    ticket: str = "",
) -> tuple[str, Changes]:
    """Add a follow-up action; returns its id."""
    summary = resolve(ctx, reference)
    fields = clean_fields(
        {
            "title": title,
            "owner": owner,
            "due": due,
            "priority": priority,
            "kind": kind,
            "status": status,
            "ticket": ticket,
        }
    )
    _not_past(ctx, fields["due"])
    added = FollowUpAdded(
        id=new_id(),
        title=fields["title"],
        owner=fields["owner"],
        due=fields["due"],
        priority=fields["priority"],
        kind=fields["kind"],
        status=fields["status"],
        ticket=fields["ticket"],
    )
    ctx.log.append([ctx.event(summary.stream_id, added)])
    return added.id, Changes(frozenset({summary.stream_id}))


def find(followups: Mapping[str, FollowUp], wanted: str) -> FollowUp:
    """A follow-up by its id, the start of its id, or its number (1, 2, … or F1, F2, …)."""
    items = ordered(followups)
    text = wanted.strip()
    number = text[1:] if text[:1] in ("F", "f") else text
    if number.isdigit() and 1 <= int(number) <= len(items):
        return items[int(number) - 1]
    matches = [f for f in items if f.id == text] or [
        f for f in items if len(text) >= 4 and f.id.startswith(text.lower())
    ]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFound(
            f"There is no follow-up {wanted!r}.",
            "Give its number (F1, F2, …) as the follow-ups list shows it.",
        )
    raise InvalidInput(f"{wanted!r} matches several follow-ups.", "Give more of its id.")


def ordered(followups: Mapping[str, FollowUp]) -> list[FollowUp]:
    """Follow-ups in the order they were added: their numbers F1, F2, … follow this order."""
    return incident.followups_in_order(followups)


def update(ctx: Context, *, reference: str, followup: str, **fields: Any) -> Changes:
    """Change fields of a follow-up (``followup`` is its id or number). Only the fields that
    differ from the current values are written; nothing changed writes nothing."""
    summary = resolve(ctx, reference)
    state = view(ctx, summary.stream_id).state
    current = find(state.followups, followup)
    if not fields:
        raise InvalidInput("No change given for the follow-up.", "Name a field to change.")
    # A value kept as recorded is not checked, even one this site's lists lack (from an
    # import or another desk): only what changes is.
    kept = {n for n in VOCABULARY_FIELDS if n in fields and fields[n] == getattr(current, n)}
    clean = clean_fields({n: v for n, v in fields.items() if n not in kept})
    changed = {k: v for k, v in clean.items() if getattr(current, k) != v}
    if not changed:
        return Changes()
    if "due" in changed:
        _not_past(ctx, changed["due"])
    # Only the fields that changed are set; the others stay None and are not written.
    updated = FollowUpUpdated(
        id=current.id,
        title=changed.get("title"),
        owner=changed.get("owner"),
        due=changed.get("due"),
        priority=changed.get("priority"),
        kind=changed.get("kind"),
        status=changed.get("status"),
        ticket=changed.get("ticket"),
    )
    ctx.log.append([ctx.event(summary.stream_id, updated)])
    return Changes(frozenset({summary.stream_id}))


def list_followups(ctx: Context, *, reference: str) -> list[FollowUp]:
    summary = resolve(ctx, reference)
    return ordered(view(ctx, summary.stream_id).state.followups)


def is_overdue(followup: FollowUp, today: date) -> bool:
    if not followup.due or followup.status in FOLLOWUP_CLOSED:
        return False
    try:
        return date.fromisoformat(followup.due) < today
    except ValueError:
        return False
