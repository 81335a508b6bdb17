"""``mimdesk draft``, ``send``, ``outbox`` and ``secret``: communications without the GUI.

``draft`` lets IT try the site's templates against a real incident; ``send`` drafts and sends
in one go (for scripts and for a desk without the GUI); ``secret set`` keeps an SMTP password
or webhook address in the OS keyring, reading it without echo.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mimdesk import exitcodes
from mimdesk.comms import CHANNELS, KINDS
from mimdesk.errors import InvalidInput

EXIT_FAILED = exitcodes.FAILED
EXIT_QUEUED = exitcodes.QUEUED

STANDALONE = ("secret",)
KIND_HELP = f"the kind of update, one of: {', '.join(KINDS)}"

Handler = Callable[[Any, argparse.Namespace], int]


def _yes_no(text: str) -> bool:
    value = text.strip().lower()
    if value in ("yes", "y", "true"):
        return True
    if value in ("no", "n", "false"):
        return False
    raise argparse.ArgumentTypeError(f"{text!r}: use yes or no")


def add_parsers(sub: Any) -> dict[str, Handler]:
    p = sub.add_parser("draft", help="print the drafted message for an incident (nothing is sent)")
    p.add_argument("ref")
    # No argparse choices: the use case checks, forgiving case and spelling, as dialogs do.
    p.add_argument("--kind", required=True, help=KIND_HELP)
    p.add_argument("--audience", required=True, help="an audience id, e.g. executives")
    p.add_argument("--data-lost", type=_yes_no, default=None, metavar="yes|no")
    p.add_argument("--note", default="", help="a sentence to add to the message")
    p.add_argument("--check", action="store_true", help="also list what the draft seems to lack")
    p.add_argument(
        "--save", action="store_true", help="keep it as a draft (to approve or send later)"
    )

    p = sub.add_parser("drafts", help="an incident's saved drafts, numbered D1, D2, ...")
    p.add_argument("ref")

    p = sub.add_parser("approve", help="approve a saved draft for sending (the incident's MIM)")
    p.add_argument("ref")
    p.add_argument("draft", help="its number as 'drafts' lists it (D2), or its id")

    p = sub.add_parser(
        "mark-sent",
        help="record that a saved draft went out another way (the mail client, phone, SMS)",
    )
    p.add_argument("ref")
    p.add_argument("draft", help="its number as 'drafts' lists it (D2), or its id")
    p.add_argument("--channel", default="email", help="email, phone, sms, bridge, … (email)")
    p.add_argument("--at", help="when it went out (local time or ISO-8601; default now)")

    p = sub.add_parser("send", help="draft a message from the templates and send it")
    p.add_argument("ref")
    p.add_argument("--kind", help=KIND_HELP)
    p.add_argument("--audience")
    p.add_argument(
        "--draft", default=None, help="send this saved draft instead (D2, as 'drafts' lists it)"
    )
    p.add_argument("--channel", required=True, help=f"one of: {', '.join(CHANNELS)}")
    p.add_argument(
        "--to",
        action="append",
        default=[],
        help="one recipient: name@example.org or 'Name <name@example.org>' (repeat)",
    )
    p.add_argument("--out", default=None, help="the .eml file to write (channel eml)")
    p.add_argument("--data-lost", type=_yes_no, default=None, metavar="yes|no")
    p.add_argument("--note", default="")
    p.add_argument(
        "--approve", action="store_true", help="approve it first (you must be the incident's MIM)"
    )

    p = sub.add_parser("outbox", help="messages waiting for their channel to come back")
    p.add_argument("--deliver", action="store_true", help="try to send this desk's now")

    p = sub.add_parser(
        "lists", help="each audience's distribution list, or set one (kept in the directory)"
    )
    p.add_argument("audience", nargs="?", help="the audience to set, e.g. executives")
    p.add_argument(
        "--to",
        action="append",
        default=None,
        help="one address: name@example.org or 'Name <name@example.org>' (repeat)",
    )
    p.add_argument("--clear", action="store_true", help="go back to the site file's list")

    p = sub.add_parser("secret", help="keep a password or webhook address in the OS keyring")
    secret_sub = p.add_subparsers(dest="secret_command", metavar="ACTION", required=True)
    q = secret_sub.add_parser("set", help="store a secret (read without echo, or from stdin)")
    q.add_argument("name", help="e.g. smtp:mail.example.org, webhook:teams, webhook:slack")
    q = secret_sub.add_parser("delete", help="forget a secret")
    q.add_argument("name")
    q = secret_sub.add_parser("check", help="say whether a secret is set (never its value)")
    q.add_argument("name")

    return {
        "draft": _cmd_draft,
        "drafts": _cmd_drafts,
        "approve": _cmd_approve,
        "mark-sent": _cmd_mark_sent,
        "send": _cmd_send,
        "outbox": _cmd_outbox,
        "lists": _cmd_lists,
        "secret": _cmd_secret,
    }


def _cmd_draft(app: Any, args: argparse.Namespace) -> int:
    from mimdesk.usecases import comms, incidents

    rendered = _rendered(app.ctx, app.settings, args)
    print(rendered.subject)
    print()
    print(rendered.body)
    if args.check:
        missing = comms.check(
            app.ctx,
            reference=args.ref,
            settings=app.settings,
            kind=args.kind,
            audience=args.audience,
            subject=rendered.subject,
            body=rendered.body,
        )
        for item in missing:
            print(f"missing: {item.label}: {item.hint}", file=sys.stderr)
    if args.save:
        draft_id = _saved(app.ctx, app.settings, args, rendered)
        state = incidents.get(app.ctx, args.ref).state
        print(f"Saved as draft {comms.draft_number(state, draft_id)}.", file=sys.stderr)
    return 0


def _rendered(ctx: Any, settings: Any, args: argparse.Namespace) -> Any:
    """The message the templates make for ``--kind`` and ``--audience`` (draft and send)."""
    from mimdesk.usecases import comms

    return comms.draft(
        ctx,
        reference=args.ref,
        settings=settings,
        kind=args.kind,
        audience=args.audience,
        data_lost=args.data_lost,
        note=args.note,
    )


def _saved(
    ctx: Any,
    settings: Any,
    args: argparse.Namespace,
    rendered: Any,
    *,
    recipients: list[str] | None = None,
    channel: str = "",
) -> str:
    """``rendered`` kept as a new draft; its id."""
    from mimdesk.usecases import comms

    draft_id, _ = comms.save_draft(
        ctx,
        reference=args.ref,
        settings=settings,
        kind=args.kind,
        audience=args.audience,
        subject=rendered.subject,
        body=rendered.body,
        recipients=recipients,
        channel=channel,
    )
    return str(draft_id)


def _cmd_drafts(app: Any, args: argparse.Namespace) -> int:
    from mimdesk.domain.clock import format_local
    from mimdesk.usecases import comms, incidents

    view = incidents.get(app.ctx, args.ref)
    numbered = comms.numbered_drafts(view.state)
    if not numbered:
        print(f"No drafts on {view.reference}.")
    for number, d in numbered:
        approved = f", approved by {d.approved_by}" if d.approved_by else ""
        print(
            f"{number:<4} {d.state:<9} {d.kind} to {d.audience}: {d.subject}"
            f"  (by {d.drafted_by.name} at {format_local(d.drafted_at)}{approved}; id {d.draft_id})"
        )
    return 0


def _cmd_approve(app: Any, args: argparse.Namespace) -> int:
    from mimdesk.usecases import comms, incidents

    found = comms.resolve_draft(app.ctx, reference=args.ref, typed=args.draft)
    comms.approve(app.ctx, reference=args.ref, draft_id=found.draft_id, settings=app.settings)
    state = incidents.get(app.ctx, args.ref).state
    number = comms.draft_number(state, found.draft_id)
    print(f"Draft {number} approved by {state.drafts[found.draft_id].approved_by}.")
    return 0


def _cmd_mark_sent(app: Any, args: argparse.Namespace) -> int:
    """A person says the draft went out (a mail-client draft they sent, a call): the record
    and the audience's timer follow, flagged when it lacked the approval the site requires."""
    from mimdesk.cli import _parse_when
    from mimdesk.usecases import comms, incidents

    found = comms.resolve_draft(app.ctx, reference=args.ref, typed=args.draft)
    before = incidents.get(app.ctx, args.ref)
    unapproved = bool(comms.approval_gap(before, app.settings, found))
    comms.mark_sent_by_other_means(
        app.ctx,
        reference=args.ref,
        settings=app.settings,
        draft_id=found.draft_id,
        channel=args.channel,
        sent_at=_parse_when(args.at) if args.at else None,
    )
    number = comms.draft_number(before.state, found.draft_id)
    note = " (without the approval this site requires)" if unapproved else ""
    print(f"Draft {number} recorded as sent by {args.channel}{note}.")
    return exitcodes.OK


def _cmd_send(app: Any, args: argparse.Namespace) -> int:
    from mimdesk.usecases import comms

    ctx, settings = app.ctx, app.settings
    if args.draft:
        draft_id = comms.resolve_draft(ctx, reference=args.ref, typed=args.draft).draft_id
    else:
        if not args.kind or not args.audience:
            raise InvalidInput("Give --kind and --audience, or --draft.", "")
        rendered = _rendered(ctx, settings, args)
        draft_id = _saved(ctx, settings, args, rendered, recipients=args.to, channel=args.channel)
    if args.approve:
        comms.approve(ctx, reference=args.ref, draft_id=draft_id, settings=settings)
    result, _ = comms.send(
        ctx,
        reference=args.ref,
        settings=settings,
        draft_id=draft_id,
        channel=args.channel,
        recipients=args.to or None,
        out=Path(args.out) if args.out else None,
    )
    if result.outcome == "sent":
        to = ", ".join(result.recipients) or "no recipients yet"
        extra = f" ({result.detail})" if result.detail else ""
        print(f"Sent by {args.channel} to {to}{extra}. Draft {draft_id}.")
        return 0
    if result.outcome == "handed":
        # Written, not sent: the record says so, and the timer keeps running.
        print(
            f"Written for your mail client, not sent: {result.detail}. Open it there and send "
            "it, then record it in the window (Mark sent) or with 'mimdesk update "
            f"{args.ref} AUDIENCE --channel email'."
        )
        return 0
    if result.outcome == "queued":
        print(
            f"Queued: {result.reason}. 'mimdesk outbox --deliver' tries again. Draft {draft_id}.",
            file=sys.stderr,
        )
        return EXIT_QUEUED
    print(f"Not sent: {result.reason}. The draft {draft_id} is kept.", file=sys.stderr)
    return EXIT_FAILED


def _cmd_outbox(app: Any, args: argparse.Namespace) -> int:
    """The messages not sent, as the window's outbox lists them; with ``--deliver`` first
    try again every one this desk may retry, refused ones too (a person asked)."""
    from mimdesk.domain.clock import format_local
    from mimdesk.usecases import outbox

    failed = False
    if args.deliver:
        run = outbox.deliver(app.ctx, app.settings, requested=True)
        for r in run.sent:
            print(f"Sent {r.draft_id} by {r.channel}.")
        for r in run.failed:
            print(f"Failed {r.draft_id} by {r.channel}: {r.reason}", file=sys.stderr)
        failed = bool(run.failed)
    waiting = outbox.not_sent(app.ctx)
    if not waiting:
        print("The outbox is empty.")
        return 0
    for m in waiting:
        mine = "" if m.retried_here else " (another desk's)"
        print(
            f"{m.reference}  {m.audience}  {m.channel}  {m.state} {format_local(m.since)}"
            f"{mine}  {m.subject}  [{m.reason}]"
        )
    if not args.deliver:
        return 0
    return EXIT_FAILED if failed else EXIT_QUEUED


def _cmd_lists(app: Any, args: argparse.Namespace) -> int:
    # The outbox's module, not comms': listing needs no template engine.
    from mimdesk.usecases import directory, outbox

    if args.audience is not None:
        if not args.clear and not args.to:
            raise InvalidInput(
                "Give the addresses with --to (repeat it), or --clear.",
                "e.g. mimdesk lists executives --to cio@example.org --to ceo@example.org",
            )
        directory.set_distribution(
            app.ctx, audience=args.audience, addresses=[] if args.clear else args.to
        )
    kept = directory.directory(app.ctx).distribution
    for a in app.settings.timers.audiences:
        addresses = outbox.distribution_list(app.ctx, app.settings, a.id)
        source = "directory" if a.id in kept else "site file" if addresses else "none"
        print(f"{a.label:<22} {', '.join(addresses) or '—'}  ({source})")
    return 0


def _read_secret(name: str) -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(f"Value for {name} (not shown): ")
    # Piped in (a script, a password manager): the first line is the value.
    return (sys.stdin.readline() if sys.stdin is not None else "").rstrip("\r\n")


def _cmd_secret(app: Any, args: argparse.Namespace) -> int:
    from mimdesk import secrets

    name = secrets.check_name(args.name)
    if args.secret_command == "set":
        secrets.set_secret(name, _read_secret(name))
        print(f"Stored {name} in the keyring.")
        return 0
    if args.secret_command == "delete":
        print(f"Deleted {name}." if secrets.delete_secret(name) else f"{name} was not set.")
        return 0
    is_set = secrets.get_secret(name) is not None
    print(f"{name} is set." if is_set else f"{name} is not set.")
    return 0 if is_set else EXIT_FAILED
