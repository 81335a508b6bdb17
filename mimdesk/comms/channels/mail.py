"""E-mail: the RFC 5322 message, an .eml draft for the user's mail client, a mailto: link.

The .eml carries ``X-Unsent: 1``, which Outlook and Apple Mail read as "open as a draft to
edit and send" rather than as a received message. It has no From unless the site sets one,
so the mail client sends from the user's own account. Headers go through the SMTP policy,
which encodes non-ASCII display names (RFC 2047) and folds long lines; the To header is
written by :mod:`mimdesk.comms.address_header`, as Python 3.11's folder can garble a list.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from pathlib import Path
from urllib.parse import quote

from mimdesk import outputs
from mimdesk.comms.address_header import address_header
from mimdesk.comms.addresses import parse_address
from mimdesk.comms.channels.base import Delivery, OutgoingMessage, Rejected
from mimdesk.comms.settings import CommsSettings
from mimdesk.comms.templates import Templates, paragraphs


def html_body(message: OutgoingMessage, templates: Templates, footer: str = "") -> str:
    """The HTML rendering of the exact text: the same words, escaped, in paragraphs."""
    return templates.render_html(
        "message.html.j2",
        {
            "subject": message.subject,
            "paragraphs": paragraphs(message.body),
            "footer": footer,
            "reference": message.reference,
        },
    )


def build_email(
    message: OutgoingMessage,
    comms: CommsSettings,
    templates: Templates,
    *,
    draft: bool,
    to: list[Address] | None = None,
) -> EmailMessage:
    """The message; ``to`` gives the recipients already parsed, so that a caller's envelope
    and this To header come from the same parse."""
    msg = EmailMessage(policy=SMTP)
    if comms.from_address:
        msg["From"] = Address(display_name=comms.from_name, addr_spec=comms.from_address)
    elif not draft:
        raise Rejected("no sender address: set [comms] from_address in the site settings")
    addresses = to if to is not None else [parse_address(r) for r in message.recipients]
    if addresses:
        msg["To"] = address_header("To", addresses)
    if comms.reply_to:
        msg["Reply-To"] = comms.reply_to
    msg["Subject"] = message.subject
    msg["Date"] = format_datetime(message.sent_at.astimezone())
    domain = comms.from_address.rpartition("@")[2] or "mimdesk.invalid"
    msg["Message-ID"] = make_msgid(domain=domain)
    msg["X-MIMDesk-Reference"] = message.reference
    if draft:
        msg["X-Unsent"] = "1"
    msg.set_content(message.body + "\n")
    msg.add_alternative(html_body(message, templates), subtype="html")
    return msg


def write_eml(
    message: OutgoingMessage,
    comms: CommsSettings,
    templates: Templates,
    out: Path | None = None,
    *,
    folder: Path | None = None,
    force: bool = False,
) -> Path:
    """Write the draft where asked, else in ``folder`` (the person's MIM Desk files folder,
    :func:`mimdesk.paths.files_folder`), and return the file. Never a temporary folder: the
    person may need the file again.

    A file the caller names is never a database, a folder or a device, and replaces an existing
    file only with ``force`` (see :mod:`mimdesk.outputs`)."""
    if out is None:
        if folder is None:
            raise Rejected("no folder for the .eml draft: give a file name")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise Rejected(f"could not make the folder {folder}: {exc.strerror}") from None
        stamp = message.sent_at.strftime("%Y%m%d-%H%M%S")
        base = f"{message.reference}-{message.audience}-{stamp}"
        out = folder / f"{base}.eml"
        # A file of that name may be another draft handed over in the same second, or a file
        # of the person's: never written over, the next free name is taken instead.
        n = 2
        while out.exists():
            out = folder / f"{base}-{n}.eml"
            n += 1
    data = build_email(message, comms, templates, draft=True).as_bytes()
    out = Path(out)
    try:
        return outputs.write_atomically(out, lambda f: f.write(data), force=force)
    except outputs.OutputRefused as exc:
        raise Rejected(f"{exc.message} Choose another file name.") from None
    except outputs.CannotWrite as exc:
        raise Rejected(f"could not write {out}: {exc.reason}") from None


class EmlChannel:
    name = "eml"

    def __init__(
        self,
        comms: CommsSettings,
        templates: Templates,
        out: Path | None = None,
        folder: Path | None = None,
    ) -> None:
        self.comms = comms
        self.templates = templates
        self.out = out
        self.folder = folder

    def deliver(self, message: OutgoingMessage) -> Delivery:
        """Writes the file; handing it to the mail client is the caller's (it is not sent)."""
        path = write_eml(message, self.comms, self.templates, self.out, folder=self.folder)
        return Delivery(self.name, message.recipients, detail=str(path))


@dataclass(frozen=True, slots=True)
class MailtoLink:
    url: str
    truncated: bool  # the body was cut to fit: put the full text on the clipboard too


_TRUNCATED = "\n\n[The message continues: paste the full text from the clipboard.]"


def mailto_url(message: OutgoingMessage, max_length: int = 2000) -> MailtoLink:
    """A mailto: link (RFC 6068) for when no .eml can be opened.

    Mail clients and Windows cut long links (about 2,000 characters), so a long body is cut
    at a character boundary and says where the rest is.
    """
    to = ",".join(quote(parse_address(r).addr_spec, safe="@") for r in message.recipients)
    head = f"mailto:{to}?subject={quote(message.subject, safe='')}&body="

    def enc(text: str) -> str:
        return quote(text.replace("\r\n", "\n").replace("\n", "\r\n"), safe="")

    full = head + enc(message.body)
    if len(full) <= max_length:
        return MailtoLink(full, False)
    room = max_length - len(head) - len(enc(_TRUNCATED))
    kept: list[str] = []
    used = 0
    for ch in message.body:
        size = len(enc(ch))
        if used + size > room:
            break
        kept.append(ch)
        used += size
    return MailtoLink(head + enc("".join(kept).rstrip() + _TRUNCATED), True)
