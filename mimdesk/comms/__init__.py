"""Communications: message templates, drafting aids, delivery channels and one try of a
channel (:mod:`.delivery`).

Qt-free and store-free: the use cases in :mod:`mimdesk.usecases.comms` and
:mod:`mimdesk.usecases.outbox` gather the incident, decide what to send and append the events;
this package turns them into text and delivers it.
"""

from __future__ import annotations

from mimdesk.domain.vocabulary import MESSAGE_KINDS, SEND_CHANNELS

# The kinds of update and the channels, id -> label: the lists live in the domain
# (mimdesk.domain.vocabulary), where every dialog and command checks against them.
KINDS: dict[str, str] = MESSAGE_KINDS.labels()

# Kinds after which no further update is promised.
FINAL_KINDS = frozenset({"resolved", "downgraded", "post_incident"})

CHANNELS: dict[str, str] = SEND_CHANNELS.labels()
