"""Banners (an update overdue, the shared record altered) float over the foot of the work
area instead of taking a row of the layout: showing or dismissing one moves nothing under
the mouse, so a click meant for a button never lands on the one below it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QVBoxLayout, QWidget

# Events after which the overlay finds its place again: a banner shown or hidden (also while
# the overlay itself is hidden), its text rewrapped, the work area moved or resized.
_REPLACE_ON = frozenset(
    {
        QEvent.Type.ShowToParent,
        QEvent.Type.HideToParent,
        QEvent.Type.LayoutRequest,
        QEvent.Type.Resize,
        QEvent.Type.Move,
    }
)


class BannerOverlay(QWidget):
    """Holds the banners over the bottom edge of ``area``, as wide as it, shown only while a
    banner is."""

    def __init__(self, area: QWidget) -> None:
        parent = area.parentWidget()
        assert parent is not None, "the work area is laid out in the window first"
        super().__init__(parent)
        self.setObjectName("bannerOverlay")
        self._area = area
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(8, 4, 8, 6)
        self._layout.setSpacing(4)
        area.installEventFilter(self)
        self.hide()

    def add(self, banner: QWidget) -> None:
        self._layout.addWidget(banner)
        banner.installEventFilter(self)
        self.place()

    def banners(self) -> list[QWidget]:
        items = (self._layout.itemAt(i) for i in range(self._layout.count()))
        return [w for item in items if item is not None and (w := item.widget()) is not None]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _REPLACE_ON:
            self.place()
        return super().eventFilter(watched, event)

    def place(self) -> None:
        if not any(banner.isVisibleTo(self) for banner in self.banners()):
            self.hide()
            return
        area = self._area.geometry()
        height = min(self._layout.totalHeightForWidth(area.width()), area.height())
        if height < 0:
            height = min(self._layout.totalSizeHint().height(), area.height())
        self.setGeometry(area.left(), area.bottom() + 1 - height, area.width(), height)
        self.show()
        self.raise_()
