"""The incident open in the workspace, kept current from the change broadcast."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

from mimdesk.errors import MimDeskError
from mimdesk.gui.changes import ChangeHub
from mimdesk.gui.signals import emit
from mimdesk.gui.timeline_model import reuse_unchanged
from mimdesk.usecases import incidents
from mimdesk.usecases.context import Changes, Context
from mimdesk.usecases.incidents import IncidentView


class CurrentIncident(QObject):
    """Holds the open incident's :class:`IncidentView`; the header, overview and timeline
    all show this one object, so they never disagree about which incident is open.

    A change to it is read ahead (:meth:`ChangeHub.read_ahead`) off the UI thread by whoever
    made it, and taken over when it is broadcast; a change broadcast without that is read here.
    Either way the new view is loaded before the broadcast returns.

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
        self._ahead: IncidentView | None = None  # read ahead, waiting for its broadcast
        hub.read_ahead(self._read_ahead)
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

    def _read_ahead(self, changes: Changes) -> Callable[[], None] | None:
        """Off the UI thread: read the open incident if ``changes`` touch it."""
        shown = self._view  # one read of the attribute: the UI thread may replace it meanwhile
        if shown is None or shown.state.stream_id not in changes.streams:
            return None
        try:
            fresh = incidents.view(self._ctx, shown.state.stream_id)
        except MimDeskError:
            return None  # read again on the UI thread, which reports the error
        fresh = fresh.with_timeline(reuse_unchanged(shown.timeline, fresh.timeline))

        def hand_over() -> None:
            self._ahead = fresh

        return hand_over

    @Slot(object)
    def _on_changed(self, changes: Changes) -> None:
        ahead, self._ahead = self._ahead, None
        shown = self._view
        if shown is None or shown.state.stream_id not in changes.streams:
            return
        if ahead is None or ahead.state.stream_id != shown.state.stream_id:
            self.reload()
        elif len(ahead.events) >= len(shown.events):
            # The log only grows: a view of no fewer events is no older than the one shown.
            self._view = ahead
            emit(self.loaded, ahead)
        # Else what is shown was read later than this change was made, so it holds it.
