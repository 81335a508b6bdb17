"""The review's written sections: each a heading and its text, printed only when written.

Most are paragraphs as the authors wrote them; the five whys are numbered, one a line; the
supporting links are one a line, and a link that is a web address can be clicked.
"""

from __future__ import annotations

import re
from typing import Any
from xml.sax.saxutils import quoteattr

from mimdesk.reports.postmortem.builder import Builder

# "1.", "2)", "- ", "Why 3:" before a why: the PDF numbers them itself.
_NUMBERING = re.compile(r"^\s*(?:[-*•]\s*|(?:why\s*)?\d+\s*[.):-]\s*)", re.IGNORECASE)
_URL = re.compile(r"^(https?://|mailto:)\S+$", re.IGNORECASE)


def lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def written_section(b: Builder, name: str, title: str) -> list[Any]:
    """The heading and text of one written section, or nothing when it is not written."""
    if name == "root_cause":
        if not b.pm("root_cause") and b.pm("root_cause_status") != "under investigation":
            return []
        return [b.h2(title), b.p(b.root_cause_markup())]
    value = b.pm(name).strip()
    if not value:
        return []
    if name == "five_whys":
        whys = [_NUMBERING.sub("", line, count=1) or line for line in lines(value)]
        return [b.h2(title), *(b.p(f"{n}. {b.t(why)}") for n, why in enumerate(whys, 1))]
    if name == "links":
        return [b.h2(title), *(b.p(link_markup(b, link)) for link in lines(value))]
    return [b.h2(title), b.p(b.t(value))]


def link_markup(b: Builder, link: str) -> str:
    """A supporting link as printed: a web address underlined and clickable, other text (a
    ticket, a document's name) as written."""
    if not _URL.match(link):
        return b.t(link)
    return f'<link href={quoteattr(link)} color="#1a4f8b"><u>{b.t(link)}</u></link>'
