"""Replication between this desk's local log and the shared database (SYNC.md).

Qt-free: a :class:`SyncService` runs a worker thread and reports a :class:`Status` to
listeners; the GUI wraps it. The protocol is in :mod:`.protocol`, connection details in
:mod:`.target`, crash-test fault points in :mod:`.faults`.
"""

from mimdesk.sync.protocol import Incompatible, Outcome, Progress, Replicator
from mimdesk.sync.service import State, Status, SyncService
from mimdesk.sync.target import SharedTarget, Timeouts, make_engine, resolve

__all__ = [
    "Incompatible",
    "Outcome",
    "Progress",
    "Replicator",
    "SharedTarget",
    "State",
    "Status",
    "SyncService",
    "Timeouts",
    "make_engine",
    "resolve",
]
