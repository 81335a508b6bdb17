"""One broadcast of what changed, from which every view decides whether to refresh.

Use cases return a :class:`~mimdesk.usecases.context.Changes`; whoever ran the mutation hands
it to the hub, and each view looks at it (Anki's ``OpChanges``). Views never signal each other.

A view that would read the database to show a change (the open incident: a stream read and a
fold, a long while for a long incident) registers a reader with :meth:`ChangeHub.read_ahead`.
Whoever made the change off the UI thread calls :meth:`ChangeHub.prepare` there, and hands what
it returns to :meth:`ChangeHub.publish`: the reads are done by then, and the broadcast costs
the UI thread only the drawing. A change published without it is read on the UI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Signal

from mimdesk.gui.signals import emit
from mimdesk.usecases.context import Changes

log = logging.getLogger(__name__)

# Called off the UI thread with what changed; returns what to run on the UI thread before the
# broadcast (to hand over what it read), or None when it has nothing to read.
Reader = Callable[[Changes], Callable[[], None] | None]


class Prepared:
    """What the readers read ahead for one change, to be handed over before its broadcast."""

    def __init__(self, handovers: Sequence[Callable[[], None]] = ()) -> None:
        self.handovers = tuple(handovers)


class ChangeHub(QObject):
    """Signals:
    changed(Changes): something in the database changed; sent after every mutation.
    """

    changed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._readers: list[Reader] = []

    def read_ahead(self, reader: Reader) -> None:
        """Register ``reader``, on the UI thread, before anything is prepared."""
        self._readers.append(reader)

    def prepare(self, changes: Changes) -> Prepared:
        """Run every reader for ``changes``; call it off the UI thread, after the change."""
        handovers = []
        for reader in self._readers:
            try:
                handover = reader(changes)
            except Exception:
                # The change itself is made: the view reads it on the UI thread instead.
                log.exception("reading ahead for %s failed", changes)
                continue
            if handover is not None:
                handovers.append(handover)
        return Prepared(handovers)

    def publish(self, changes: Changes, prepared: Prepared | None = None) -> None:
        if prepared is not None:
            for handover in prepared.handovers:
                handover()
        if changes.streams or changes.incidents_list:
            emit(self.changed, changes)
