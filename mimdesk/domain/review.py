"""The postmortem review's fields as people read them: the long texts with their headings,
the one-line fields with their labels, the dates, and when a review counts as approved.

In the domain, so that the use cases that check the fields and the reports that print them
read the same lists (:data:`mimdesk.domain.incident.POSTMORTEM_FIELDS` holds every name).
"""

from __future__ import annotations

from collections.abc import Mapping

from mimdesk.domain import impact

# The review's long texts, in the order the PDF prints them by default, with their headings.
TEXT_FIELDS: dict[str, str] = {
    "summary": "Summary",
    "business_impact": "Business impact",
    "trigger": "Trigger",
    "detection": "Detection",
    "resolution": "Resolution",
    "lead_up": "Lead-up",
    "fault": "Fault",
    "response": "Response",
    "recovery": "Recovery",
    "root_cause": "Root cause",
    "contributing_factors": "Contributing factors",
    "five_whys": "Five whys",
    "went_well": "What went well",
    "went_badly": "What went badly",
    "got_lucky": "Where we got lucky",
    "lessons": "Lessons learned",
    "related_incidents": "Related incidents",
    "links": "Supporting links",
}
# The review's one-line fields besides, with their labels.
LINE_FIELDS: dict[str, str] = {
    **impact.MEASURES,
    "published_duration": "Published duration",
    "approver": "Approved by",
}
DATE_FIELDS: dict[str, str] = {"meeting_date": "meeting date", "approved_on": "approval date"}


def is_approved(fields: Mapping[str, str]) -> bool:
    """A review is approved when someone is named as approving it, on a date."""
    return bool(fields.get("approver", "").strip() and fields.get("approved_on", "").strip())
