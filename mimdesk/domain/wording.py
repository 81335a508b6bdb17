"""Audiences and channels named as a person reads them, in one spelling everywhere.

The site's settings label its audiences ("IT staff"); texts built from the log alone, such as
the timeline's, have only the recorded id (``it_staff``). These names stand in there, so that
no text shows "it staff" or "sms". A site's own audience is shown as recorded, readable.
"""

from __future__ import annotations

# The built-in audiences (resources/defaults/timers.toml), as they read inside a sentence.
AUDIENCE_NAMES = {
    "executives": "executives",
    "business": "business stakeholders",
    "it_staff": "IT staff",
    "service_desk": "the service desk",
    "customers": "customers",
    "all_staff": "all staff",
}

# Every channel, sending (mimdesk.domain.vocabulary.SEND_CHANNELS) and by hand (HAND_CHANNELS),
# short enough for "Update sent to IT staff by SMS".
CHANNEL_NAMES = {
    "eml": "a mail-client draft",
    "smtp": "e-mail (SMTP)",
    "teams": "Microsoft Teams",
    "slack": "Slack",
    "webhook": "webhook",
    "statuspage": "the status page",
    "phone": "phone",
    "sms": "SMS",
    "bridge": "the bridge",
    "email": "e-mail",
    "chat": "chat",
    "in person": "in person",
    "other": "other means",
}


def audience_name(audience_id: str) -> str:
    """An audience inside a sentence: "IT staff", "business stakeholders"."""
    return AUDIENCE_NAMES.get(audience_id, audience_id.replace("_", " "))


def audience_title(audience_id: str) -> str:
    """An audience on its own, as a label: "IT staff", "Business stakeholders"."""
    name = audience_name(audience_id).removeprefix("the ")
    return name[:1].upper() + name[1:]


def channel_name(channel_id: str) -> str:
    """A channel inside a sentence: "SMS", "e-mail (SMTP)"; "" when none was recorded."""
    if not channel_id:
        return ""
    return CHANNEL_NAMES.get(channel_id, channel_id.replace("_", " "))


def counted(count: int, singular: str, plural: str = "") -> str:
    """A count and its noun, as a person writes them: "1 update", "3 updates" (never
    "update(s)")."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"
