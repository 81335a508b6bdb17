"""Named fault points in the sync code, for crash tests.

``MIMDESK_FAULT=push.after_server_commit`` makes the process die (``os._exit(137)``, as
SIGKILL would) the first time the sync reaches that point; ``point:3`` on the third time.
Several points may be given, separated by commas. In-process tests install a hook instead,
which may raise to simulate a crash without ending the test run.

The points, in the order a sync cycle meets them:
  push.before_server_commit  the batch is built, not yet sent: the append step locks,
                             inserts and commits on the server within its one call, so no
                             point of this desk's lies between its insert and its commit
  push.after_server_commit   the server has the batch; this desk has not recorded it
  push.after_local_ack       both sides agree
  pull.after_fetch           a batch is read from the server, nothing written locally
  pull.mid_apply             the local transaction holds the batch, not committed
  pull.after_commit          the batch and the moved cursor are on disk
"""

from __future__ import annotations

import os
from collections.abc import Callable

POINTS = (
    "push.before_server_commit",
    "push.after_server_commit",
    "push.after_local_ack",
    "pull.after_fetch",
    "pull.mid_apply",
    "pull.after_commit",
)
EXIT_CODE = 137

_hook: Callable[[str], None] | None = None
_counts: dict[str, int] = {}


def _armed() -> dict[str, int]:
    spec = os.environ.get("MIMDESK_FAULT", "")
    armed: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        name, _, nth = part.partition(":")
        armed[name] = int(nth) if nth.isdigit() else 1
    return armed


_ARMED = _armed()


def set_hook(hook: Callable[[str], None] | None) -> None:
    """Call ``hook(point)`` at every fault point (tests); None removes it."""
    global _hook
    _hook = hook


def point(name: str) -> None:
    if _hook is not None:
        _hook(name)
    nth = _ARMED.get(name)
    if nth is None:
        return
    _counts[name] = _counts.get(name, 0) + 1
    if _counts[name] == nth:
        os._exit(EXIT_CODE)
