"""Communications: message templates, drafting aids, delivery channels and the outbox.

Qt-free and store-free: the use cases in :mod:`mimdesk.usecases.comms` gather the incident and
append the events; this package turns them into text and delivers it.
"""

from __future__ import annotations

# The kinds of update, in the order an incident usually needs them (DOMAIN.md).
KINDS: dict[str, str] = {
    "initial": "Initial notification",
    "scoping": "Scope and impact",
    "update": "Update",
    "long_running": "Long-running incident update",
    "mitigated": "Workaround in place",
    "resolved": "Resolved",
    "downgraded": "Downgraded or cancelled",
    "post_incident": "Post-incident summary",
}

# Kinds after which no further update is promised.
FINAL_KINDS = frozenset({"resolved", "downgraded", "post_incident"})

CHANNELS: dict[str, str] = {
    "eml": "E-mail draft for your mail client (.eml)",
    "smtp": "E-mail sent by MIM Desk (SMTP)",
    "teams": "Microsoft Teams (Workflows webhook)",
    "slack": "Slack (incoming webhook)",
    "webhook": "Generic JSON webhook",
    "statuspage": "Status page (static files)",
}
