"""The parsers of the core commands, one builder per command family.

:func:`mimdesk.cli.build_parser` calls these in turn, then the feature modules (sync,
postmortem, comms) add theirs. The order of the calls is the order ``mimdesk --help`` lists the
commands in, so a new command goes into its family's builder, not at the end.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

# The object ``ArgumentParser.add_subparsers`` returns; argparse gives it no public name.
Commands = argparse._SubParsersAction


# The root options as ``root_parser`` spells them: the command on a command line is the first
# word that is neither one of these nor the value of one that takes a value.
ROOT_FLAGS = ("--version", "--self-test")
ROOT_VALUE_OPTIONS = ("--db", "--shared")


# The end of ``mimdesk --help``: where the files are, for IT. The same text on every system
# (the command line's shape is a snapshot); ``doctor --paths`` gives this computer's.
FOLDERS_EPILOG = """\
Where MIM Desk keeps its files (MIMDESK_HOME=FOLDER puts settings and data under FOLDER):
  Settings: Windows %APPDATA%\\MIMDesk, macOS ~/Library/Application Support/MIMDesk,
    Linux ~/.config/mimdesk
  Data (the database, backups, the signing key): Windows %LOCALAPPDATA%\\MIMDesk,
    macOS ~/Library/Application Support/MIMDesk, Linux ~/.local/share/mimdesk
  Logs (mimdesk.log, crash.log): Windows %LOCALAPPDATA%\\MIMDesk\\Logs,
    macOS ~/Library/Logs/MIMDesk, Linux ~/.local/state/mimdesk/log
  Files (drafts, role cards, PDFs, exports): "MIM Desk" in Documents
  Site settings file: Windows %ProgramData%\\MIMDesk\\site.toml,
    macOS /Library/Application Support/MIMDesk/site.toml, Linux /etc/mimdesk/site.toml
    (MIMDESK_SITE_CONFIG names another)
  Policies: Windows HKLM\\SOFTWARE\\Policies\\MIMDesk (then HKCU), macOS configuration
    profiles (org.mimdesk.MIMDesk), Linux /etc/mimdesk/managed/*.toml
The site file, the user's settings and policies may move the database, backups and files
folders; 'mimdesk doctor --paths' lists the places in force here and which setting chose each.
"""


def root_parser(version: str) -> argparse.ArgumentParser:
    """``mimdesk`` itself: the options every command takes, before its subcommand."""
    parser = argparse.ArgumentParser(
        prog="mimdesk",
        description="MIM Desk: run a major incident. With no command, opens the app.",
        epilog=FOLDERS_EPILOG,
        # The epilogue is laid out in lines; the rest of the help wraps as before.
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"MIM Desk {version}")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check that this installation works (window, database, PDFs, files) and exit",
    )
    parser.add_argument(
        "--db", metavar="PATH", help="use this database file instead of the default"
    )
    parser.add_argument(
        "--shared",
        metavar="URL",
        default=None,
        help="the shared database for this run (else MIMDESK_SHARED_URL, else [shared] url)",
    )
    return parser


def add_app_parsers(sub: Commands) -> None:
    """Opening the app, and filling it with demo incidents."""
    sub.add_parser("gui", help="open the app (the default)")
    sub.add_parser("demo", help="add realistic demo incidents to the database")


def add_incident_parsers(sub: Commands) -> None:
    """Finding, reporting and recording incidents."""
    p = sub.add_parser("list", help="one incident a line: reference, status, severity, title")
    p.add_argument("--filter", default="all", choices=["active", "candidates", "recent", "all"])
    p.add_argument("--search", default="", help="words that must all appear")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")

    p = sub.add_parser("show", help="an incident's state, roles and clocks")
    p.add_argument("ref", help="the incident reference, e.g. MI-7KQ4F")
    p.add_argument("--timeline", action="store_true", help="print the timeline too")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")

    p = sub.add_parser("new", help="report an incident")
    p.add_argument("title")
    p.add_argument("--impact", default="")
    p.add_argument("--severity", default="")
    p.add_argument("--users", type=int, default=None, help="users affected (estimate)")
    p.add_argument("--service", action="append", default=[], help="an affected service")

    p = sub.add_parser("note", help="add a note to an incident's timeline")
    p.add_argument("ref")
    p.add_argument("text")
    p.add_argument("--kind", default="observation")
    p.add_argument("--at", help="when it happened, to back-date it (local time or ISO-8601)")

    p = sub.add_parser(
        "status", help="move an incident to another status (declare and reject are their own)"
    )
    p.add_argument("ref")
    p.add_argument("status", help="investigating, identified, mitigated, resolved, closed")
    p.add_argument("--reason", default="")
    p.add_argument("--at", help="when it happened (local time or ISO-8601)")

    p = sub.add_parser("set", help="change a field or key time of an incident")
    p.add_argument("ref")
    p.add_argument("field")
    p.add_argument("value", help="the new value; for a key time, a time or 'none'")


OVERRIDE_HELP = (
    "take the MIM role over from its holder, though you are neither the holder nor the person "
    "taking it: your reason, which the handover note records"
)


def add_role_and_timer_parsers(sub: Commands) -> None:
    """Roles and their duties, and the update timers of each audience."""
    p = sub.add_parser("assign", help="put a person in a role")
    p.add_argument("ref")
    p.add_argument("role", help="role id, e.g. mim, tech_lead")
    p.add_argument("person")
    p.add_argument("--note", default="")
    p.add_argument("--override", default="", metavar="REASON", help=OVERRIDE_HELP)

    p = sub.add_parser("handover", help="hand a role over to someone else, with a note")
    p.add_argument("ref")
    p.add_argument("role")
    p.add_argument("person")
    p.add_argument("--note", default="")
    p.add_argument("--override", default="", metavar="REASON", help=OVERRIDE_HELP)

    p = sub.add_parser("duty", help="tick (or untick) a duty of a role")
    p.add_argument("ref")
    p.add_argument("role")
    p.add_argument("duty", help="the duty's text, or its number in the role's list (1, 2, …)")
    p.add_argument("--undo", action="store_true")

    p = sub.add_parser("cadence", help="set this incident's update interval for an audience")
    p.add_argument("ref")
    p.add_argument("audience")
    p.add_argument("minutes", type=int, help="0 switches the timer off")

    p = sub.add_parser("update", help="record an update sent to an audience (resets its timer)")
    p.add_argument("ref")
    p.add_argument("audience")
    p.add_argument("--channel", default="other", help="phone, sms, bridge, email, …")
    p.add_argument("--text", default="")
    p.add_argument("--at", help="when it was sent (local time or ISO-8601)")

    p = sub.add_parser("snooze", help="put off an audience's reminder")
    p.add_argument("ref")
    p.add_argument("audience")
    p.add_argument("minutes", type=int)


def add_directory_parsers(sub: Commands) -> None:
    """The people directory and the duty rota."""
    p = sub.add_parser("people", help="the people directory")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("person", help="add or change a person in the directory")
    p.add_argument("name")
    p.add_argument("--team", default="")
    p.add_argument("--email", default="")
    p.add_argument("--phone", default="")
    p.add_argument("--role", action="append", default=[], help="a role they can take (repeat)")
    p.add_argument(
        "--account",
        action="append",
        default=None,
        help="an OS account that is this person, e.g. CORP\\ana (repeat; replaces theirs)",
    )
    p.add_argument("--retire", action="store_true")

    p = sub.add_parser("rota", help="set who is on duty for a role in a week")
    p.add_argument("week", help="ISO week, e.g. 2026-W48, or 'this'")
    p.add_argument("role")
    p.add_argument("person", help="someone in the directory; empty ('') to clear")
    p.add_argument(
        "--add-person",
        action="store_true",
        help="add them to the directory first if they are not in it",
    )


def add_role_card_parsers(sub: Commands) -> None:
    """Printed role cards, and releasing a role (listed after the cards since the first
    release, so ``--help`` keeps that order)."""
    p = sub.add_parser("cards", help="print role cards (one page per role) to a PDF")
    p.add_argument("ref")
    p.add_argument("--out", required=True, help="the PDF file to write")
    p.add_argument("--role", default=None, help="only this role")
    p.add_argument("--letter", action="store_true", help="US Letter paper instead of A4")
    p.add_argument("--force", action="store_true", help="replace the PDF if it exists")

    p = sub.add_parser("release", help="release a role")
    p.add_argument("ref")
    p.add_argument("role")
    p.add_argument("--note", default="")


def add_declaration_parsers(sub: Commands) -> None:
    """Deciding whether a candidate is a major incident, and how often that is so."""
    p = sub.add_parser("assess", help="answer the declaration checklist for an incident")
    p.add_argument("ref")
    p.add_argument(
        "--answer",
        action="append",
        default=[],
        metavar="ID=VALUE",
        help="an answer, e.g. critical_service=yes, users_affected=1200 (repeat)",
    )
    p.add_argument("--questions", action="store_true", help="list the questions and exit")

    p = sub.add_parser("declare", help="declare a major incident and name its MIM")
    p.add_argument("ref")
    p.add_argument("--severity", required=True)
    p.add_argument(
        "--mim",
        default=None,
        help="the Major Incident Manager (default: this week's duty MIM, else you)",
    )
    p.add_argument("--rationale", default="")

    p = sub.add_parser("reject", help="handle a candidate as a normal incident")
    p.add_argument("ref")
    p.add_argument("--rationale", default="")

    p = sub.add_parser("severity", help="change an incident's severity")
    p.add_argument("ref")
    p.add_argument("severity")
    p.add_argument("--rationale", default="", help="required to downgrade a major incident")

    sub.add_parser("candidates", help="incidents waiting for a decision, oldest first")

    p = sub.add_parser("stats", help="declared against rejected: the over-escalation signal")
    p.add_argument(
        "--days", type=_days, default=30, help="the period, in days up to now (1 or more)"
    )


def add_catalogue_parsers(sub: Commands) -> None:
    """The service catalogue."""
    p = sub.add_parser("services", help="the service catalogue")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("service", help="add or change a service in the catalogue")
    p.add_argument("name")
    p.add_argument("--tier", type=int, default=3, choices=[1, 2, 3])
    p.add_argument("--owner", default="")
    p.add_argument("--critical", action="store_true", help="business-critical")
    p.add_argument("--revenue", action="store_true", help="revenue-generating")
    p.add_argument("--external", action="store_true", help="customers use it")
    p.add_argument("--users", type=int, default=None)
    p.add_argument("--retire", action="store_true", help="retire the service instead")


def add_config_parsers(sub: Commands) -> None:
    """Checking configuration files."""
    cfg = sub.add_parser("config", help="configuration files")
    cfgsub = cfg.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    p = cfgsub.add_parser("check", help="validate a site or settings file before deploying it")
    p.add_argument("path")


def add_db_parsers(sub: Commands) -> Commands:
    """Database maintenance; returns its actions, to which feature modules add theirs."""
    db = sub.add_parser("db", help="database maintenance")
    dbsub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    dbsub.add_parser("upgrade", help="upgrade the database schema (also done at start)")
    dbsub.add_parser("rebuild", help="rebuild the incident lists from the event log")
    return dbsub


# The core families, in the order ``--help`` lists them (the feature modules follow).
CORE_FAMILIES = (
    add_app_parsers,
    add_incident_parsers,
    add_role_and_timer_parsers,
    add_directory_parsers,
    add_role_card_parsers,
    add_declaration_parsers,
    add_catalogue_parsers,
    add_config_parsers,
)

# The family that adds each core command, so that a command line builds only its own family
# (``mimdesk.cli.build_parser``); tests/cli/test_lazy_imports.py holds it to what they add.
CORE_COMMANDS: dict[str, Callable[[Commands], None]] = {
    **dict.fromkeys(("gui", "demo"), add_app_parsers),
    **dict.fromkeys(("list", "show", "new", "note", "status", "set"), add_incident_parsers),
    **dict.fromkeys(
        ("assign", "handover", "duty", "cadence", "update", "snooze"), add_role_and_timer_parsers
    ),
    **dict.fromkeys(("people", "person", "rota"), add_directory_parsers),
    **dict.fromkeys(("cards", "release"), add_role_card_parsers),
    **dict.fromkeys(
        ("assess", "declare", "reject", "severity", "candidates", "stats"), add_declaration_parsers
    ),
    **dict.fromkeys(("services", "service"), add_catalogue_parsers),
    "config": add_config_parsers,
}


def _days(text: str) -> int:
    """A period of whole days up to now: 1 or more."""
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days") from None
    if days < 1:
        raise argparse.ArgumentTypeError(f"{days} days is no period; give 1 or more")
    return days
