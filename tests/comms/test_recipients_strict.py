"""Recipients are exactly what was recorded (issue 11, point 4).

Attacks found on this machine: ``--to "CFO: attacker@evil.example <cfo@example.org>"`` was
delivered to the attacker while the log said cfo, and ``cio@example.org\\r\\nBcc: …`` was
"sent" to ``cio@example.orgBcc``. Here a real SMTP server (aiosmtpd, no TLS: a relay on
127.0.0.1) records every RCPT TO it is given; what it got is compared with the events, the
CLI's words and the postmortem PDF, read back with independent parsers (``email.utils``,
``email.header``, pypdf), never with the parser under test.
"""

from __future__ import annotations

import email
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.header import decode_header, make_header
from email.headerregistry import Address
from email.utils import getaddresses
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from mimdesk import config, configcheck
from mimdesk.app import open_app
from mimdesk.comms.addresses import canonical, parse_address, split_entries
from mimdesk.comms.channels.base import OutgoingMessage
from mimdesk.comms.channels.mail import build_email
from mimdesk.comms.settings import CommsSettings
from mimdesk.comms.templates import Templates
from mimdesk.domain.events import EventType
from mimdesk.errors import InvalidInput
from mimdesk.usecases import directory, incidents, postmortem
from tests.comms.conftest import free_port
from tests.comms.test_smtp import draft_and_send
from tests.support.recorded import as_json

# -- the relay ---------------------------------------------------------------------------


@dataclass
class Relay:
    """An SMTP relay that keeps every RCPT TO, even of a message that never gets its DATA."""

    port: int
    rcpts: list[str] = field(default_factory=list)
    messages: list[tuple[list[str], bytes]] = field(default_factory=list)
    controller: Any = None

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        self.rcpts.append(address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


@pytest.fixture
def relay(tmp_path: Path, app) -> Iterator[Relay]:
    server = Relay(free_port())
    server.controller = Controller(server, hostname="127.0.0.1", port=server.port)
    server.controller.start()
    site = [
        "[comms]",
        'from_address = "desk@example.org"',
        "[comms.smtp]",
        'host = "127.0.0.1"',
        f"port = {server.port}",
        'security = "none"',  # a relay inside the network: no login, so no keyring needed
        "timeout_seconds = 5",
    ]
    (tmp_path / "no-site.toml").write_text("\n".join(site) + "\n", encoding="utf-8")
    app.settings = config.load_settings(app.paths)
    assert not app.settings.warnings, app.settings.warnings
    yield server
    server.controller.stop()


# -- reading back, independently -----------------------------------------------------------


def addr_specs(entries: list[str] | tuple[str, ...]) -> list[str]:
    """The addresses of recorded entries, by the standard library's parser."""
    found = [addr for entry in entries for _, addr in getaddresses([entry])]
    assert len(found) == len(entries), entries  # each recorded entry is exactly one mailbox
    return found


def names(entries: list[str] | tuple[str, ...]) -> list[str]:
    return [name for entry in entries for name, _ in getaddresses([entry])]


def to_header(content: bytes) -> list[tuple[str, str]]:
    """(decoded display name, address) of the To header as a mail client shows it.

    decode_header joins adjacent encoded words as RFC 2047 says (Python 3.11's policy parser
    leaves a space where the header was folded between them)."""
    raw = email.message_from_bytes(content, policy=policy.compat32)["To"]
    return [(str(make_header(decode_header(name))), addr) for name, addr in getaddresses([raw])]


def sent_events(app) -> list[Any]:
    return [e for e in app.log.all_events() if e.type == EventType.MESSAGE_SENT]


# -- the parser's refusals ---------------------------------------------------------------

REFUSED = {
    "CFO: attacker@evil.example <cfo@example.org>": "group syntax",
    "Board: ceo@example.org;": "group syntax",
    "cio@example.org\r\nBcc: attacker@evil.example": "line break or another control",
    "cio@example.org\nBcc: attacker@evil.example": "line break or another control",
    "Jane\t<jane@example.org>": "line break or another control",
    "jane@example.org\x00": "line break or another control",
    "Jane\x7f <jane@example.org>": "line break or another control",
    "Jane\x85 <jane@example.org>": "line break or another control",  # C1: NEL
    "Jane\u2028 <jane@example.org>": "line break or another control",
    "\u202egro.elpmaxe@enaj <jane@example.org>": "line break or another control",
    "a@example.org, b@example.org": "more than one address",
    "x@evil.example <cfo@example.org>": "more than one address",
    '"attacker@evil.example" <cfo@example.org>': "name that looks like another address",
    "a@example.org;": "';'",
    "@example.org": "nothing before the @",
    "jane@": "no domain after the @",
    "jane": "no @",
    "jane @ example.org": "space inside the address",
    "jane@exa mple.org": "space inside the address",
    '"jane doe"@example.org': "space inside the address",
    "jane(x)@example.org": "characters an address cannot hold",
    ".jane@example.org": "misplaced dot",
    "élodie@example.org": "non-ASCII letters before the @",
    "jane@example..org": "domain that is not a valid name",
    "jane@-example.org": "domain that is not a valid name",
    "jane@xn--zz.example": "domain that is not a valid name",
    "jane@" + "a" * 64 + ".example": "domain that is not a valid name",
    "jane@[192.0.2.1]": "IP address",
    "Jane <jane@example.org": "'<' and '>' out of place",
    "Jane <jane@example.org> Bcc": "'<' and '>' out of place",
    '"Jane <jane@example.org>': "double quote that is not closed",
    '"Jane" Doe <jane@example.org>': "text after the quoted name",
    "=?utf-8?q?CEO?= <attacker@evil.example>": "encoded header word",
    "": "is empty",
}


@pytest.mark.parametrize("entry", list(REFUSED))
def test_each_refusal_is_one_line_naming_the_entry_and_the_fault(entry):
    with pytest.raises(InvalidInput) as caught:
        parse_address(entry)
    text = str(caught.value)
    assert REFUSED[entry] in caught.value.message
    assert repr(entry) in caught.value.message  # named, with any line break shown escaped
    assert "\n" not in text and "\r" not in text


def test_a_recipient_longer_than_the_log_keeps_is_refused_also_once_quoted():
    tail = " <j@example.org>"
    typed = "Doe, " + "J" * (320 - len("Doe, ") - len(tail)) + tail
    assert len(typed) == 320  # the quotes the canonical form needs make it 322
    with pytest.raises(InvalidInput, match="longer than 320 characters"):
        parse_address(typed)
    with pytest.raises(InvalidInput, match="longer than 320 characters"):
        parse_address("Ω" * 400 + tail)
    plain = "J" * (320 - len(tail)) + tail  # needs no quotes: exactly at the limit
    assert canonical(plain) == plain


ACCEPTED = {
    "jane@example.org": ("", "jane@example.org", "jane@example.org"),
    "  <jane@example.org>  ": ("", "jane@example.org", "jane@example.org"),
    '"Doe, Jane" <jane@example.org>': ("Doe, Jane", "jane@example.org", None),
    # As Outlook copies it: a name cannot hold an @, so this is still one mailbox.
    "Doe, Jane <jane@example.org>": (
        "Doe, Jane", "jane@example.org", '"Doe, Jane" <jane@example.org>'
    ),
    "Ελένη Παπαδοπούλου <eleni@example.org>": ("Ελένη Παπαδοπούλου", "eleni@example.org", None),
    '"CFO: Jane" <cfo@example.org>': ("CFO: Jane", "cfo@example.org", None),
    '"O\'Brien \\"Bob\\"" <bob@example.org>': ('O\'Brien "Bob"', "bob@example.org", None),
    "ops@Bücher.Example": ("", "ops@xn--bcher-kva.example", "ops@xn--bcher-kva.example"),
    "Ops <ops@EXAMPLE.org>": ("Ops", "ops@example.org", "Ops <ops@example.org>"),
    '"cfo@example.org" <cfo@example.org>': ("", "cfo@example.org", "cfo@example.org"),
}  # fmt: skip


@pytest.mark.parametrize("entry", list(ACCEPTED))
def test_display_names_in_any_script_and_one_canonical_form(entry):
    name, addr, canonical_form = ACCEPTED[entry]
    parsed = parse_address(entry)
    assert (parsed.display_name, parsed.addr_spec) == (name, addr)
    assert canonical(entry) == (canonical_form or entry)
    # The canonical form parses to itself, by this parser and by the standard library's.
    assert canonical(canonical(entry)) == canonical(entry)
    assert getaddresses([canonical(entry)]) == [(name, addr)]


# Any name a person could type: letters of every script, marks, symbols, punctuation, spaces.
typed_names = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp")),
    min_size=1,
    max_size=100,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(typed_names, min_size=1, max_size=5))
def test_whatever_the_names_the_to_header_decodes_to_what_is_recorded(typed):
    recorded = []
    for n, name in enumerate(typed):
        domain = "bücher.example" if n % 2 else "example.org"
        entry = str(Address(display_name=name, username=f"p{n}", domain=domain))
        try:
            recorded.append(canonical(entry))
        except InvalidInput:
            continue  # refused with its reason: nothing to compare
    assume(recorded)
    message = OutgoingMessage(
        reference="MI-1", title="t", severity="SEV1", severity_label="SEV1", status="Open",
        public_status="Investigating", kind="update", audience="business",
        audience_label="Business", subject="s", body="b", recipients=tuple(recorded),
        sent_at=datetime(2026, 11, 28, 9, 0, tzinfo=UTC), sender="x", draft_id="d",
    )  # fmt: skip
    comms_settings = CommsSettings(from_address="desk@example.org", from_name="Υπηρεσία")
    raw = build_email(message, comms_settings, Templates(""), draft=False).as_bytes()
    head = raw.split(b"\r\n\r\n")[0]
    assert head.isascii() and all(len(line) <= 78 for line in head.split(b"\r\n"))
    assert to_header(raw) == list(zip(names(recorded), addr_specs(recorded), strict=True))


def test_a_comma_or_semicolon_inside_a_quoted_name_does_not_split_the_entry():
    typed = '"Doe; Jane" <jane@example.org>, "Smith, Bob" <bob@example.org>; ops@example.org'
    assert split_entries(typed) == [
        '"Doe; Jane" <jane@example.org>',
        '"Smith, Bob" <bob@example.org>',
        "ops@example.org",
    ]
    assert split_entries("Doe, Jane <jane@example.org>, ops@example.org") == [
        "Doe, Jane <jane@example.org>",
        "ops@example.org",
    ]
    assert split_entries("CEO, CFO") == ["CEO", "CFO"]  # who was told, by phone: not addresses


# -- what was sent is what is recorded ------------------------------------------------------

TRICKY = [
    '"Doe, Jane" <jane@example.org>',
    "Ελένη Παπαδοπούλου <eleni@example.org>",
    "Zoë Ångström, Ops <zoe@example.org>",
    "Дмитрий Иванов-Петров, Директор по информационным технологиям <dmitry@example.org>",
    '"O\'Brien \\"Bob\\"" <bob@Bücher.Example>',
    "ops@example.org",
    "<OPS@example.org>",  # the same mailbox again: sent once, recorded once
]


def send_smtp(app, reference: str, recipients: list[str]):
    _draft_id, result = draft_and_send(app, reference, recipients)
    return result


def test_envelope_to_header_log_timeline_and_pdf_agree(app, ctx, incident, relay, tmp_path):
    result = send_smtp(app, incident.reference, TRICKY)
    assert result.outcome == "sent", result.reason

    ((envelope, content),) = relay.messages
    assert (
        envelope
        == relay.rcpts
        == [
            "jane@example.org",
            "eleni@example.org",
            "zoe@example.org",
            "dmitry@example.org",
            "bob@xn--bcher-kva.example",
            "ops@example.org",
        ]
    )
    (event,) = sent_events(app)
    logged = as_json(event.payload)["recipients"]
    (message,) = incidents.get(ctx, incident.reference).state.messages
    # The log, the incident's timeline of messages and the use case's answer: the same entries.
    assert list(message.recipients) == logged == list(result.recipients)
    assert addr_specs(logged) == envelope
    header = to_header(content)
    assert [addr for _, addr in header] == envelope
    assert (
        [name for name, _ in header]
        == names(logged)
        == [
            "Doe, Jane",
            "Ελένη Παπαδοπούλου",
            "Zoë Ångström, Ops",
            "Дмитрий Иванов-Петров, Директор по информационным технологиям",
            'O\'Brien "Bob"',
            "",
        ]
    )

    out = tmp_path / "pm.pdf"
    postmortem.export_pdf(ctx, reference=incident.reference, settings=app.settings, out=out)
    pdf = re.sub(r"\s+", "", " ".join(p.extract_text() for p in PdfReader(out).pages))
    assert re.sub(r"\s+", "", "To: " + ", ".join(logged)) in pdf


def test_folded_names_reach_the_to_header_whole(app, incident, relay):
    # Python 3.11's own folder wrote the second name as two encoded words with the space
    # between them, which decoders drop: the receiver read "ΕλένηΠαπαδοπούλου". With other
    # names it put the comma between two addresses inside an encoded word (=?utf-8?q?=2C?=).
    pair = ["Дмитрий Иванов <dmitry@example.org>", "Ελένη Παπαδοπούλου <eleni@example.org>"]
    assert send_smtp(app, incident.reference, pair).outcome == "sent"
    ((_, content),) = relay.messages
    assert to_header(content) == [
        ("Дмитрий Иванов", "dmitry@example.org"),
        ("Ελένη Παπαδοπούλου", "eleni@example.org"),
    ]


def test_the_site_files_and_the_directorys_lists_are_kept_parsed(app, ctx, incident, relay):
    directory.set_distribution(
        ctx,
        audience="business",
        addresses=["Doe, Jane <jane@EXAMPLE.org>", "ops@Bücher.Example", " jane@example.org "],
    )
    kept = directory.directory(ctx).distribution["business"]
    assert kept == ('"Doe, Jane" <jane@example.org>', "ops@xn--bcher-kva.example")
    result = send_smtp(app, incident.reference, [])  # no --to: the audience's list
    assert result.outcome == "sent", result.reason
    ((envelope, _),) = relay.messages
    assert (
        envelope
        == addr_specs(as_json(sent_events(app)[0].payload)["recipients"])
        == addr_specs(kept)
    )


def test_the_site_file_list_is_checked_by_the_same_parser(tmp_path):
    path = tmp_path / "site.toml"
    path.write_text(
        "[comms]\n"
        'from_address = "Desk <desk@example.org>"\n'
        "[comms.recipients]\n"
        "executives = [\n"
        '  "CFO: attacker@evil.example <cfo@example.org>",\n'
        '  "Doe, Jane <j@example.org>",\n'
        "]\n",
        encoding="utf-8",
    )
    errors = configcheck.check_file(path).errors
    assert any(
        e.startswith("comms.recipients.executives[1]:") and "group syntax" in e for e in errors
    )
    assert not any(e.startswith("comms.recipients.executives[2]") for e in errors)
    assert any(e.startswith("comms.from_address:") and "address alone" in e for e in errors)
    # Read from a file that passed the check: kept in the form the log will record.
    read = CommsSettings.from_table({"recipients": {"executives": ["Doe, Jane <j@Example.org>"]}})
    assert read.recipients["executives"] == ('"Doe, Jane" <j@example.org>',)


# -- the attacks, through the real command line --------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mimdesk", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=60,
        check=False,
    )


ATTACKS = [
    "CFO: attacker@evil.example <cfo@example.org>",
    "cio@example.org\r\nBcc: attacker@evil.example",
]


@pytest.mark.parametrize("to", ATTACKS, ids=["group", "crlf"])
def test_cli_send_refuses_the_attack_and_sends_nothing(app, incident, relay, to):
    database = str(app.database)
    app.close()  # the subprocess opens the database itself
    done = run_cli(
        "--db", database, "send", incident.reference, "--kind", "update",
        "--audience", "business", "--channel", "smtp", "--to", "ops@example.org", "--to", to,
    )  # fmt: skip
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stderr.startswith("mimdesk: ") and done.stderr.count("\n") == 1, done.stderr
    assert repr(to) in done.stderr and "Traceback" not in done.stderr
    assert relay.rcpts == [] and relay.messages == []
    again = open_app(db=database, env=os.environ)
    try:
        kinds = {e.type for e in again.log.all_events()}
    finally:
        again.close()
    # Refused before the draft was kept: no draft with the raw text, nothing sent or queued.
    assert not kinds & {EventType.DRAFTED, EventType.MESSAGE_SENT, EventType.QUEUED}


@pytest.mark.parametrize("to", ATTACKS, ids=["group", "crlf"])
def test_cli_lists_refuses_the_attack_and_keeps_nothing(app, to):
    database = str(app.database)
    app.close()
    done = run_cli("--db", database, "lists", "executives", "--to", to)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stderr.startswith("mimdesk: ") and done.stderr.count("\n") == 1, done.stderr
    again = open_app(db=database, env=os.environ)
    try:
        assert directory.directory(again.ctx).distribution == {}
    finally:
        again.close()


def test_cli_says_and_records_the_addresses_it_sent_to(app, incident, relay):
    database = str(app.database)
    app.close()
    done = run_cli(
        "--db", database, "send", incident.reference, "--kind", "update",
        "--audience", "business", "--channel", "smtp",
        *[arg for to in TRICKY for arg in ("--to", to)],
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    ((envelope, content),) = relay.messages
    again = open_app(db=database, env=os.environ)
    try:
        (event,) = sent_events(again)
    finally:
        again.close()
    logged = as_json(event.payload)["recipients"]
    assert addr_specs(logged) == envelope == [addr for _, addr in to_header(content)]
    assert names(logged) == [name for name, _ in to_header(content)]
    (line,) = done.stdout.splitlines()
    assert line.startswith(f"Sent by smtp to {', '.join(logged)}.")
