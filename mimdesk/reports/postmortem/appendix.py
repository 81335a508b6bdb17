"""Appendix A: every message sent, in full."""

from __future__ import annotations

from typing import Any

from mimdesk.domain.wording import channel_name
from mimdesk.reports.postmortem.builder import Builder
from mimdesk.reports.postmortem.data import SECTIONS
from mimdesk.reports.postmortem.markup import paragraphs


def appendix(b: Builder) -> list[Any]:
    from reportlab.platypus import KeepTogether, Spacer

    st = b.st
    parts: list[Any] = [b.h1(SECTIONS[8])]
    messages = b.messages()
    if not messages:
        parts.append(b.p("<i>No updates were recorded as sent.</i>"))
        return parts
    for m in messages:
        number = b.message_numbers[m.event_id]
        audience = b.data.policy.audience_label(m.audience)
        head = b.p(
            f"{number} · {b.t(b.local(m.at))} · {b.t(audience)} · "
            f"by {b.t(channel_name(m.channel) or 'other means')}",
            st.h3,
        )
        meta = [f"Sent by {b.t(m.by.name)}."]
        if m.recipients:
            meta.append(f"To: {b.t(', '.join(m.recipients))}.")
        meta_p = b.p(" ".join(meta), st.message_meta)
        subject = b.p(
            f"<b>Subject:</b> {b.t(m.subject)}" if m.subject else "<i>No subject.</i>",
            st.message,
        )
        body = [b.p(b.t(chunk), st.message) for chunk in paragraphs(m.body)] or [
            b.p("<i>The text of this update was not recorded.</i>", st.message)
        ]
        # The heading stays with the start of the message.
        parts.append(KeepTogether([head, meta_p, subject, body[0]]))
        parts += body[1:]
        parts.append(Spacer(1, 6))
    return parts
