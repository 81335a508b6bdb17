"""Postmortem commands: the review's fields, follow-ups, the PDF, JSON export and import.

mimdesk postmortem REF                      print the review's fields
mimdesk postmortem REF FIELD VALUE          set one (VALUE '-' reads standard input)
mimdesk followup add REF TITLE [--owner …] [--due YYYY-MM-DD] [--priority …] [--kind …]
mimdesk followup update REF F1 [--status done] …
mimdesk followups REF
mimdesk report REF --pdf OUT [--brief] [--letter] [--zone Europe/London] [--force]
mimdesk export REF --json OUT [--force]
mimdesk import FILE [--check]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mimdesk import exitcodes
from mimdesk.errors import InvalidInput

Handler = Callable[[Any, argparse.Namespace], int]


def add_parsers(sub: Any) -> dict[str, Handler]:
    from mimdesk.domain.incident import POSTMORTEM_FIELDS

    p = sub.add_parser("postmortem", help="show or set the postmortem's fields")
    p.add_argument("ref")
    p.add_argument("field", nargs="?", choices=POSTMORTEM_FIELDS, metavar="FIELD")
    p.add_argument(
        "value",
        nargs="?",
        help="the new text ('-' reads it from standard input); authors: names separated by ';'",
    )
    p.add_argument("--json", action="store_true", help="print the fields as JSON")

    p = sub.add_parser("followup", help="add or change a follow-up action")
    actions = p.add_subparsers(dest="followup_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a follow-up action")
    add.add_argument("ref")
    add.add_argument("title")
    upd = actions.add_parser("update", help="change a follow-up (by number, F1, or id)")
    upd.add_argument("ref")
    upd.add_argument("followup", help="F1, 1, or the follow-up's id")
    upd.add_argument("--title")
    for parser, default in ((add, True), (upd, False)):
        parser.add_argument("--owner", default="" if default else None)
        parser.add_argument("--due", default=None, help="YYYY-MM-DD")
        parser.add_argument(
            "--priority", default="medium" if default else None, help="low, medium or high"
        )
        parser.add_argument(
            "--kind",
            default="prevent" if default else None,
            help="prevent, mitigate, detect or process",
        )
        parser.add_argument(
            "--status",
            default="open" if default else None,
            help="open, 'in progress', done or cancelled",
        )
        parser.add_argument("--ticket", default="" if default else None)

    p = sub.add_parser("followups", help="an incident's follow-up actions")
    p.add_argument("ref")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("report", help="write the postmortem PDF of an incident")
    p.add_argument("ref")
    p.add_argument("--pdf", required=True, metavar="OUT", help="the PDF file to write")
    p.add_argument(
        "--brief", action="store_true", help="one page for an executive, not the full postmortem"
    )
    size = p.add_mutually_exclusive_group()
    size.add_argument("--letter", action="store_true", help="US Letter paper")
    size.add_argument("--a4", action="store_true", help="A4 paper")
    p.add_argument(
        "--zone", default=None, help="time zone for the times shown (default: this computer's)"
    )
    p.add_argument("--quiet", action="store_true", help="no progress on standard error")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")

    p = sub.add_parser("export", help="export an incident as JSON (events in full + a summary)")
    p.add_argument("ref")
    p.add_argument("--json", required=True, metavar="OUT", help="the JSON file to write")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")

    p = sub.add_parser(
        "import", help="import an incident (an export, or a back-filled incident) from JSON"
    )
    p.add_argument("file")
    p.add_argument("--check", action="store_true", help="only check the file; import nothing")
    return {
        "postmortem": cmd_postmortem,
        "followup": cmd_followup,
        "followups": cmd_followups,
        "report": cmd_report,
        "export": cmd_export,
        "import": cmd_import,
    }


def cmd_postmortem(app: Any, args: argparse.Namespace) -> int:
    import json

    from mimdesk.usecases import incidents, postmortem

    if args.field is None:
        incident = incidents.get(app.ctx, args.ref)
        fields = incident.state.postmortem
        if args.json:
            print(json.dumps(fields, ensure_ascii=False, indent=2))
            return 0
        from mimdesk.domain.incident import POSTMORTEM_FIELDS

        for name in POSTMORTEM_FIELDS:
            shown = fields.get(name, "")
            if name == "authors":
                shown = "; ".join(postmortem.authors_of(fields))
            print(f"{name}: {shown or '—'}")
        return 0
    if args.value is None:
        raise InvalidInput(f"No value for {args.field}.", "Give the text, or '-' to read stdin.")
    value: Any = sys.stdin.read() if args.value == "-" else args.value
    if args.field == "authors":
        value = [v for v in value.replace("\n", ";").split(";")]
    changes = postmortem.set_field(app.ctx, reference=args.ref, field=args.field, value=value)
    if not changes.streams:
        print(f"{args.field} unchanged.")
    return 0


def cmd_followup(app: Any, args: argparse.Namespace) -> int:
    from mimdesk.usecases import followups

    if args.followup_command == "add":
        followup_id, _ = followups.add(
            app.ctx,
            reference=args.ref,
            title=args.title,
            owner=args.owner,
            due=args.due,
            priority=args.priority,
            kind=args.kind,
            status=args.status,
            ticket=args.ticket,
        )
        items = followups.list_followups(app.ctx, reference=args.ref)
        number = next(n for n, f in enumerate(items, 1) if f.id == followup_id)
        print(f"F{number} {followup_id}")
        return 0
    fields = {
        name: getattr(args, name)
        for name in ("title", "owner", "due", "priority", "kind", "status", "ticket")
        if getattr(args, name) is not None
    }
    changes = followups.update(app.ctx, reference=args.ref, followup=args.followup, **fields)
    if not changes.streams:
        print("Nothing changed.")
    return 0


def cmd_followups(app: Any, args: argparse.Namespace) -> int:
    import json
    from dataclasses import asdict

    from mimdesk.usecases import followups

    items = followups.list_followups(app.ctx, reference=args.ref)
    if args.json:
        out = []
        for n, f in enumerate(items, 1):
            row = asdict(f)
            row["added_at"] = f.added_at.isoformat() if f.added_at else None
            row["number"] = f"F{n}"
            out.append(row)
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    if not items:
        print("No follow-up actions.")
    for n, f in enumerate(items, 1):
        due = f.due or "no due date"
        print(
            f"F{n}  {f.status:<11}  {f.priority:<6}  {f.kind:<8}  {due:<11}  "
            f"{f.owner or '—'}  {f.title}" + (f"  [{f.ticket}]" if f.ticket else "")
        )
    return 0


def _zone(name: str | None) -> Any:
    if not name:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"There is no time zone {name!r}.", "Use a name such as Europe/London or UTC."
        ) from None


def cmd_report(app: Any, args: argparse.Namespace) -> int:
    from mimdesk import terminal
    from mimdesk.domain.wording import counted
    from mimdesk.usecases import postmortem

    size = "Letter" if args.letter else ("A4" if args.a4 else None)
    shown = [-1]

    def progress(done: int, total: int) -> None:
        if args.quiet or not sys.stderr.isatty():
            return
        percent = done * 100 // max(total, 1)
        if percent // 10 != shown[0] // 10:
            shown[0] = percent
            # Past mimdesk.terminal's cleaning, which would show the carriage return.
            terminal.rewrite_line(sys.stderr, f"Writing the PDF… {percent}%")

    result = postmortem.export_pdf(
        app.ctx,
        reference=args.ref,
        settings=app.settings,
        out=Path(args.pdf),
        progress=progress,
        page_size=size,
        zone=_zone(args.zone),
        force=args.force,
        brief=args.brief,
    )
    if shown[0] >= 0:
        print(file=sys.stderr)
    print(f"{result.path} ({counted(result.pages, 'page')})")
    return 0


def cmd_export(app: Any, args: argparse.Namespace) -> int:
    from mimdesk.usecases import exchange

    print(exchange.export_json(app.ctx, reference=args.ref, out=Path(args.json), force=args.force))
    return 0


def cmd_import(app: Any, args: argparse.Namespace) -> int:
    from mimdesk.usecases import exchange

    try:
        if args.check:
            parsed = exchange.check_document(
                app.ctx, exchange.read_file(Path(args.file)), source=args.file
            )
            print(f"{args.file}: OK, {len(parsed.events)} events ({parsed.kind}).")
            return 0
        result = exchange.import_file(app.ctx, path=Path(args.file))
    except exchange.ImportRefused as exc:
        # One line a problem, each naming its JSON path, the way `config check` reports.
        for problem in exc.problems:
            print(f"{args.file}: error: {problem}", file=sys.stderr)
        print(
            f"{args.file}: {len(exc.problems)} problem(s); nothing was imported.", file=sys.stderr
        )
        return exitcodes.USER_ERROR
    print(result.sentence())
    return 0
