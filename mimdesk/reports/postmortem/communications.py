"""Section 7: the log of updates sent, and the drafts never sent."""

from __future__ import annotations

from typing import Any

from mimdesk.domain.wording import channel_name, counted
from mimdesk.reports.postmortem.builder import Builder
from mimdesk.reports.postmortem.data import SECTIONS
from mimdesk.reports.postmortem.markup import small


def communications(b: Builder) -> list[Any]:
    st, s = b.st, b.state
    parts: list[Any] = [b.h1(SECTIONS[6])]
    messages = b.messages()
    if not messages:
        parts.append(b.p("<i>No updates were recorded as sent.</i>"))
    else:
        audiences = {m.audience for m in messages}
        parts.append(
            b.p(
                f"{counted(len(messages), 'update')} went to "
                f"{counted(len(audiences), 'audience')}. Each is "
                "printed in full in appendix A.",
                st.muted,
            )
        )
        rows = []
        for m in messages:
            subject = [b.t(m.subject) or "<i>no subject</i>"]
            if m.recipients:
                to = b.pieces("To: " + ", ".join(m.recipients), 0.34, small)
                subject = [f"{subject[0]}<br/>{to[0]}", *to[1:]]
            rows.append(
                [
                    b.cell(b.message_numbers[m.event_id], st.cell_bold),
                    b.cell(b.t(b.local(m.at))),
                    b.cell(b.t(b.data.policy.audience_label(m.audience))),
                    b.cell(b.t(channel_name(m.channel) or "other means")),
                    b.cell(b.t(m.by.name)),
                    [b.cell(x) for x in subject],
                ]
            )
        parts.append(
            b.table(
                ["#", "Sent", "Audience", "Channel", "By", "Subject"],
                rows,
                [0.06, 0.2, 0.14, 0.1, 0.16, 0.34],
            )
        )
    unsent = [d for d in s.drafts.values() if d.state != "sent"]
    if unsent:
        parts.append(b.h2("Drafts never sent"))
        rows = [
            [
                b.cell(b.t(b.local(d.drafted_at))),
                b.cell(b.t(b.data.policy.audience_label(d.audience))),
                b.cell(b.t(d.state)),
                b.cell(
                    b.t(d.subject)
                    + (
                        f'<br/><font size="7" color="#b00020">{b.t(d.last_error[:500])}</font>'
                        if d.last_error
                        else ""
                    )
                ),
            ]
            for d in sorted(unsent, key=lambda d: (d.drafted_at, d.draft_id))
        ]
        parts.append(
            b.table(["Drafted", "Audience", "State", "Subject"], rows, [0.2, 0.2, 0.12, 0.48])
        )
    return parts
