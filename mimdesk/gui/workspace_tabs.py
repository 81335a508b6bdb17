"""The workspace's tab widget, whose pages may be built the first time they are needed.

Every page sits in a scroll area: a page wider or taller than the window leaves it as it is
and scrolls, rather than growing the window past the screen (Communications at 200 % asked
for 2248x1264).

Start-up draws the tab in front; the others cost their imports, their construction and their
first drawing of the incident, about a third of the time to the first paint. A page added with
:meth:`WorkspaceTabs.add_later` is an empty holder until it is first shown or asked for; then
it is built and put in the holder. Whoever asks for a page (:meth:`~WorkspaceTabs.widget`,
:meth:`~WorkspaceTabs.currentWidget`, :meth:`~WorkspaceTabs.indexOf`) always gets the tab
itself, built if it was not yet.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtWidgets import QFrame, QScrollArea, QTabWidget, QVBoxLayout, QWidget


class _Holder(QScrollArea):
    """Holds a page in the tab widget, scrolling it when it needs more room than the window
    gives; stands in for a page added with :meth:`WorkspaceTabs.add_later` until it is built.
    """

    def __init__(self, build: Callable[[], QWidget] | None, page: QWidget | None = None) -> None:
        super().__init__()
        self._build = build
        self.page: QWidget | None = None
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # The page's own fields take the focus; the scroll area follows it (ensureWidgetVisible).
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._inner = QWidget()
        self._layout = QVBoxLayout(self._inner)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.setWidget(self._inner)
        if page is not None:
            self._place(page)

    def _place(self, page: QWidget) -> None:
        self.page = page
        self._layout.addWidget(page)
        # At once: a layout would show it only on the next turn of the event loop.
        page.show()

    def built(self) -> QWidget:
        if self.page is None:
            assert self._build is not None
            build, self._build = self._build, None
            self._place(build())
        assert self.page is not None
        return self.page

    def sizeHint(self) -> QSize:
        # Ask for what the page would like, so a roomy screen shows it whole; the minimum
        # stays the scroll area's own, so a small one scrolls.
        return self.page.sizeHint() if self.page is not None else super().sizeHint()


class WorkspaceTabs(QTabWidget):
    """A tab widget whose pages may be built later.

    Signals:
        built(QWidget): a page added with :meth:`add_later` was built.
    """

    built = Signal(QWidget)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.currentChanged.connect(self._on_current_changed)

    def addTab(self, page: QWidget, title: str) -> int:  # type: ignore[override]
        """Add a tab showing ``page``, scrolled when it needs more room than it has."""
        return super().addTab(page if isinstance(page, _Holder) else _Holder(None, page), title)

    def add_later(self, build: Callable[[], QWidget], title: str) -> int:
        """Add a tab whose page ``build()`` makes when it is first shown or asked for."""
        return super().addTab(_Holder(build), title)

    def is_built(self, index: int) -> bool:
        holder = super().widget(index)
        return not isinstance(holder, _Holder) or holder.page is not None

    def built_pages(self) -> list[QWidget]:
        """The pages built so far, in tab order (a page not built has nothing to say yet)."""
        pages = (self.widget(i) for i in range(self.count()) if self.is_built(i))
        return [page for page in pages if page is not None]

    def build(self, index: int) -> QWidget | None:
        """The page at ``index``, built now if it was not yet."""
        holder = super().widget(index)
        if not isinstance(holder, _Holder):
            return holder
        fresh = holder.page is None
        page = holder.built()
        if fresh:
            self.built.emit(page)
        return page

    # The tab widget's own accessors answer with the page, never with its holder.

    def widget(self, index: int) -> QWidget | None:
        return self.build(index)

    def currentWidget(self) -> QWidget | None:  # type: ignore[override]
        index = self.currentIndex()
        return self.build(index) if index >= 0 else None

    def indexOf(self, page: QWidget) -> int:
        index = super().indexOf(page)
        if index >= 0:
            return index
        for i in range(self.count()):
            holder = super().widget(i)
            if isinstance(holder, _Holder) and holder.page is page:
                return i
        return -1

    def setCurrentWidget(self, page: QWidget) -> None:
        index = self.indexOf(page)
        if index >= 0:
            self.setCurrentIndex(index)

    @Slot(int)
    def _on_current_changed(self, index: int) -> None:
        if index >= 0:
            self.build(index)
