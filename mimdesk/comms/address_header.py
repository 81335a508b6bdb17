"""Address headers (To:) written here, in ASCII, so that the names a mail client decodes are
the names the log records.

Python 3.11's header folder can put the comma between two addresses inside an encoded word
(``=?utf-8?q?=2C?=``) when non-ASCII names fold: two names as common as "Ελένη Παπαδοπούλου"
and "Zoë Ångström" were enough, and the receiver then read one garbled name instead of two.
"""

from __future__ import annotations

import base64
import re
from email.headerregistry import Address
from typing import Any

HEADER_WIDTH = 78  # RFC 5322's recommended line length
_PLAIN_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+")
_MAX_WORD = 70  # an atom, quoted name or encoded word that fits a line with its neighbours
_CHUNK = 45  # UTF-8 bytes per encoded word: 60 base64 characters, 72 with the =?utf-8?b?…?=


class FoldedHeader(str):
    """A header value this module has encoded and folded; the message's policy writes it as
    it is (a value with ``name`` is a header object to :mod:`email.policy`)."""

    name: str

    def __new__(cls, name: str, text: str) -> FoldedHeader:
        header = super().__new__(cls, text)
        header.name = name
        return header

    def fold(self, *, policy: Any) -> str:
        return f"{self.name}: " + policy.linesep.join(self.split("\n")) + policy.linesep


def address_header(name: str, addresses: list[Address]) -> FoldedHeader:
    """``To:`` (or another address header) holding ``addresses``: each name encoded on its
    own, in whole encoded words, and lines broken only between words."""
    tokens: list[str] = []
    for n, address in enumerate(addresses):
        words = _name_words(address.display_name)
        words.append(f"<{address.addr_spec}>" if words else address.addr_spec)
        if n < len(addresses) - 1:
            words[-1] += ","
        tokens.extend(words)
    lines: list[str] = []
    line = ""
    used = len(name) + 2  # "To: "
    for token in tokens:
        if not line:
            line, used = token, used + len(token)
        elif used + 1 + len(token) > HEADER_WIDTH:
            lines.append(line)
            line, used = token, 1 + len(token)  # a continuation line starts with a space
        else:
            line, used = f"{line} {token}", used + 1 + len(token)
    lines.append(line)
    return FoldedHeader(name, "\n ".join(lines))


def _name_words(name: str) -> list[str]:
    if not name:
        return []
    if _PLAIN_NAME.fullmatch(name) and all(len(w) <= _MAX_WORD for w in name.split()):
        return name.split()
    if name.isascii() and name.isprintable() and len(name) <= _MAX_WORD - 2:
        return ['"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"']
    words: list[str] = []
    chunk = b""
    for ch in name:
        data = ch.encode("utf-8")
        if len(chunk) + len(data) > _CHUNK:
            words.append(_encoded_word(chunk))
            chunk = b""
        chunk += data
    words.append(_encoded_word(chunk))
    return words


def _encoded_word(data: bytes) -> str:
    return f"=?utf-8?b?{base64.b64encode(data).decode('ascii')}?="
