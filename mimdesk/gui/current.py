"""The incident open in the workspace, kept current from the change broadcast."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from mimdesk.errors import MimDeskError
from mimdesk.gui.changes import ChangeHub
from mimdesk.gui.signals import emit
from mimdesk.usecases import incidents
from mimdesk.usecases.context import Changes, Context
from mimdesk.usecases.incidents import IncidentView


class CurrentIncident(QObject):
    """Holds the open incident's :class:`IncidentView`; the header, overview and timeline
    all show this one object, so they never disagree about which incident is open.

    Signals:
        loaded(IncidentView | None): the incident was opened, changed, or closed.
        failed(MimDeskError): reading it failed (the previous view stays shown).
    """

    loaded = Signal(object)
    failed = Signal(object)

    def __init__(self, ctx: Context, hub: ChangeHub, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._view: IncidentView | None = None
        hub.changed.connect(self._on_changed)

    @property
    def view(self) -> IncidentView | None:
        return self._view

    @property
    def stream_id(self) -> str | None:
        return self._view.state.stream_id if self._view else None

    @property
    def reference(self) -> str | None:
        return self._view.reference if self._view else None

    def open(self, stream_id: str | None) -> None:
        if stream_id == self.stream_id:
            return
        if stream_id is None:
            self._view = None
            emit(self.loaded, None)
            return
        self._load(stream_id)

    def reload(self) -> None:
        if self._view is not None:
            self._load(self._view.state.stream_id)

    def _load(self, stream_id: str) -> None:
        try:
            self._view = incidents.view(self._ctx, stream_id)
        except MimDeskError as exc:
            emit(self.failed, exc)
            return
        emit(self.loaded, self._view)

    @Slot(object)
    def _on_changed(self, changes: Changes) -> None:
        if self.stream_id is not None and self.stream_id in changes.streams:
            self.reload()
