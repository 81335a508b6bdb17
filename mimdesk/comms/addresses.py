"""E-mail recipients: the one strict parser every way in uses (CLI, GUI, lists, site file).

An entry is one mailbox: ``name@example.org``, ``<name@example.org>`` or
``Display Name <name@example.org>``, the name plain or in double quotes and in any script.
What mail programs would read as something else is refused rather than guessed at: group
syntax (``CFO: a@evil.example <cfo@example.org>;`` sent to the attacker while the log showed
the CFO), line breaks and other control characters (``cio@example.org\\r\\nBcc: …`` became
``cio@example.orgBcc``), two addresses in one entry, comments, quoted or non-ASCII local
parts, and domains IDNA cannot encode.

The parsed :class:`~email.headerregistry.Address` is what is kept: its ``str()`` is the
canonical entry the events record, and its ``addr_spec`` is exactly the SMTP envelope, with
the domain lower-cased and IDNA-encoded (``bücher.example`` -> ``xn--bcher-kva.example``).
Parsing a canonical entry gives the same address back.

Python 3.11's ``email.utils.getaddresses`` has no ``strict`` mode and
``email._header_value_parser`` accepts comments and obsolete forms (and is private), so the
small grammar above is checked here by hand.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

from mimdesk.errors import InvalidInput

if TYPE_CHECKING:
    # Imported where an address is parsed: the email package costs every command's start
    # about a tenth of importing SQLAlchemy, and most commands parse no address.
    from email.headerregistry import Address

# What the log keeps of one recipient, quotes included (an imported export holds it to this).
MAX_ENTRY = 320
MAX_ADDRESS = 254  # RFC 5321: a path holds at most 256 octets, the brackets included
MAX_LOCAL = 64
MAX_DOMAIN = 253
HINT = "Give one address per entry: name@example.org or Name <name@example.org>."
HINT_SHORTER = "Shorten the name."

# C0, DEL and C1 controls (CR, LF, TAB and NEL among them), the Unicode line and paragraph
# separators, and the bidirectional overrides and isolates, which reorder what a reader sees.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_ATEXT = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~"
)
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
# An RFC 2047 encoded word in a name would be decoded by the receiver into other text.
_ENCODED_WORD = re.compile(r"=\?.*\?=")


def _refuse(
    entry: str, problem: str, hint: str = HINT, verdict: str = "is not an e-mail address"
) -> InvalidInput:
    # repr() keeps the message on one line: a line break shows as \r\n, not as a new line.
    return InvalidInput(f"{entry!r} {verdict}: it {problem}.", hint)


def _outside_quotes(text: str, entry: str) -> list[tuple[int, str]]:
    """The characters of ``text`` that are not inside a quoted string, with their index."""
    out: list[tuple[int, str]] = []
    quoted = escaped = False
    for i, ch in enumerate(text):
        if escaped:
            escaped = False
        elif quoted and ch == "\\":
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif not quoted:
            out.append((i, ch))
    if quoted:
        raise _refuse(entry, "has a double quote that is not closed")
    return out


def parse_address(text: str) -> Address:
    """One recipient, checked strictly; an :class:`InvalidInput` names what is wrong."""
    if _CONTROL.search(text):
        raise _refuse(
            text,
            "holds a line break or another control character",
            "Type the address on one line; " + HINT[0].lower() + HINT[1:],
        )
    if len(text) > MAX_ENTRY:
        raise _refuse(text[:60] + "…", f"is longer than {MAX_ENTRY} characters", HINT_SHORTER)
    entry = unicodedata.normalize("NFC", text).strip()
    if not entry:
        raise _refuse(text, "is empty")
    plain = _outside_quotes(entry, text)
    specials = [ch for _, ch in plain]
    if ":" in specials:
        raise _refuse(
            text,
            "uses group syntax (a name followed by ':'), which mail programs read as a list "
            "of other addresses",
        )
    if specials.count("@") > 1:
        raise _refuse(text, "holds more than one address")
    if ";" in specials:
        raise _refuse(text, "holds a ';', which separates addresses")
    angles = [i for i, ch in plain if ch in "<>"]
    if not angles:
        name, spec = "", entry
    else:
        opening, closing = angles[0], len(entry) - 1
        if angles != [opening, closing] or entry[opening] != "<" or entry[closing] != ">":
            raise _refuse(text, "has '<' and '>' out of place")
        name, spec = _display_name(entry[:opening], text), entry[opening + 1 : closing]
    address = _addr_spec(spec, text)
    if "@" in name:
        if name.casefold() != address.addr_spec.casefold():
            # A name that is another address shows the reader somewhere the mail did not go.
            raise _refuse(text, "has a name that looks like another address")
        name = ""
    from email.headerregistry import Address

    parsed = Address(display_name=name, username=address.username, domain=address.domain)
    if len(str(parsed)) > MAX_ENTRY:
        raise _refuse(text[:60] + "…", f"is longer than {MAX_ENTRY} characters", HINT_SHORTER)
    return parsed


def _display_name(part: str, entry: str) -> str:
    part = part.strip()
    if part.startswith('"'):
        name, end = _quoted_string(part)
        if end != len(part):
            raise _refuse(entry, "has text after the quoted name")
    elif '"' in part or "\\" in part:
        raise _refuse(entry, "has quotes out of place in its name")
    else:
        # A plain name may hold a comma ("Doe, Jane <jane@example.org>", as Outlook copies
        # it): it cannot hold an @, so the entry still names one mailbox.
        name = part
    name = " ".join(name.split())
    if _ENCODED_WORD.search(name):
        raise _refuse(entry, "has a name written as an encoded header word (=?…?=)")
    return name


def _quoted_string(text: str) -> tuple[str, int]:
    """The content of the quoted string ``text`` starts with, unescaped, and where it ends.

    The caller has checked that the quote is closed (:func:`_outside_quotes`)."""
    out: list[str] = []
    i = 1
    while text[i] != '"':
        if text[i] == "\\":
            i += 1
        out.append(text[i])
        i += 1
    return "".join(out), i + 1


def _addr_spec(spec: str, entry: str) -> Address:
    if any(ch.isspace() for ch in spec):
        raise _refuse(entry, "has a space inside the address")
    if "," in spec:
        raise _refuse(entry, "holds a ',', which separates addresses")
    local, at, domain = spec.rpartition("@")
    if not at:
        raise _refuse(entry, "has no @", "Use name@example.org.")
    if not local:
        raise _refuse(entry, "has nothing before the @", "Use name@example.org.")
    if not domain:
        raise _refuse(entry, "has no domain after the @", "Use name@example.org.")
    if not local.isascii():
        # A non-ASCII mailbox needs SMTPUTF8, which many servers and clients lack.
        raise _refuse(
            entry,
            "has non-ASCII letters before the @",
            "Use the person's ASCII address (display names may be in any script).",
            verdict="cannot be used",
        )
    odd = sorted({ch for ch in local if ch not in _ATEXT and ch != "."})
    if odd:
        shown = " ".join(odd)
        raise _refuse(entry, f"has characters an address cannot hold before the @: {shown}")
    if local.startswith(".") or local.endswith(".") or ".." in local:
        raise _refuse(entry, "has a misplaced dot before the @")
    if len(local) > MAX_LOCAL:
        raise _refuse(entry, f"has more than {MAX_LOCAL} characters before the @")
    ascii_domain = _domain(domain, entry)
    if len(local) + 1 + len(ascii_domain) > MAX_ADDRESS:
        raise _refuse(entry, f"is an address longer than {MAX_ADDRESS} characters")
    from email.headerregistry import Address

    return Address(username=local, domain=ascii_domain)


def _domain(domain: str, entry: str) -> str:
    """The domain as the SMTP envelope carries it: IDNA (ASCII), lower case, checked."""
    if domain.startswith("["):
        raise _refuse(entry, "gives an IP address as the domain", "Use the mail domain's name.")
    try:
        encoded = domain.encode("idna").decode("ascii").lower()
        # An xn-- label that is not valid punycode passes encode() unchanged: decode checks it.
        encoded.encode("ascii").decode("idna")
    except UnicodeError:
        raise _refuse(entry, "has a domain that is not a valid name") from None
    labels = encoded.split(".")
    if len(encoded) > MAX_DOMAIN or not all(_LABEL.fullmatch(label) for label in labels):
        raise _refuse(entry, "has a domain that is not a valid name")
    return encoded


def canonical(text: str) -> str:
    """The entry as it is recorded: ``Display Name <addr@domain>`` or the bare address."""
    return str(parse_address(text))


def canonical_list(entries: Iterable[str]) -> list[str]:
    """Each non-blank entry parsed and made canonical, an address given twice kept once.

    Every entry is checked before any is kept: one bad entry refuses the whole list.
    """
    out: list[str] = []
    seen: set[str] = set()
    for entry in entries:
        if not entry.strip():
            continue
        address = parse_address(entry)
        key = address.addr_spec.casefold()
        if key not in seen:
            seen.add(key)
            out.append(str(address))
    return out


def split_entries(text: str) -> list[str]:
    """A typed or pasted list cut into entries; each entry is then given to the parser.

    A ';' outside quotes always ends an entry (Outlook copies lists that way). A ',' ends one
    only once the entry holds an @, so a comma in a name, quoted (``"Doe, Jane" <…>``) or
    not (``Doe, Jane <…>``), stays inside its entry; in a list with no address at all (who
    was told by phone: "CEO, CFO") every comma ends an entry.
    """
    names_only = "@" not in text
    entries: list[str] = []
    current: list[str] = []
    quoted = escaped = has_at = False
    for ch in text:
        if escaped:
            escaped = False
        elif quoted and ch == "\\":
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif not quoted and (ch == ";" or (ch == "," and (has_at or names_only))):
            entries.append("".join(current))
            current, has_at = [], False
            continue
        elif not quoted and ch == "@":
            has_at = True
        current.append(ch)
    entries.append("".join(current))
    return [entry.strip() for entry in entries if entry.strip()]
