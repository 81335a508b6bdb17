"""One broadcast of what changed, from which every view decides whether to refresh.

Use cases return a :class:`~mimdesk.usecases.context.Changes`; whoever ran the mutation hands
it to the hub, and each view looks at it (Anki's ``OpChanges``). Views never signal each other.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from mimdesk.gui.signals import emit
from mimdesk.usecases.context import Changes


class ChangeHub(QObject):
    """Signals:
    changed(Changes): something in the database changed; sent after every mutation.
    """

    changed = Signal(object)

    def publish(self, changes: Changes) -> None:
        if changes.streams or changes.incidents_list:
            emit(self.changed, changes)
