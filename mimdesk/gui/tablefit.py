"""Sizing a long table to its contents without measuring every cell at every change.

Qt's ``ResizeToContents`` measures every row (and a thousand rows per column) whenever anything
in the model changes: with 5,000 wrapped timeline entries one new note cost seconds. Here
:class:`RowsInSight` fits only the rows in sight (and, asked to, the rows at the end) to their
text, as they come into sight, and :func:`fit_columns` sizes a column to the widest of the cells
its caller names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from PySide6.QtCore import QEvent, QObject, QTimer, Slot
from PySide6.QtWidgets import QHeaderView, QTableView


class RowsInSight(QObject):
    """Keeps the rows a table shows fitted to their contents; call after the model is set.

    ``key(row)``, when given, names what a row shows (an object that is the same as long as the
    row reads the same): a row's height is then measured once for as long as the columns keep
    their widths, not each time the row comes into sight.
    """

    def __init__(self, view: QTableView, key: Callable[[int], object] | None = None) -> None:
        super().__init__(view)
        self._view = view
        self._key = key
        # id(key) -> (key, height), at the column widths in _widths; the key is held so that
        # its id is not reused while it is here.
        self._heights: dict[int, tuple[object, int]] = {}
        self._widths: tuple[int, ...] = ()
        # Owned, so that a fit still due when the view goes goes with it.
        self._due = QTimer(self)
        self._due.setSingleShot(True)
        self._due.setInterval(0)
        self._due.timeout.connect(self.fit)
        header = view.verticalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setDefaultSectionSize(self.line_height())
        view.verticalScrollBar().valueChanged.connect(self.schedule)
        view.horizontalHeader().sectionResized.connect(self.schedule)
        model = view.model()
        model.modelReset.connect(self.schedule)
        model.rowsInserted.connect(self.schedule)
        model.rowsRemoved.connect(self.schedule)
        model.dataChanged.connect(self.schedule)
        model.layoutChanged.connect(self.schedule)
        view.viewport().installEventFilter(self)
        view.installEventFilter(self)

    def line_height(self) -> int:
        """A row of one line of text, as ResizeToContents sizes it: the font's height (the grid
        takes one more pixel), and no less than the header's smallest section. A one-line row
        then needs no resizing, which would cost the view a second repaint."""
        view = self._view
        text = view.fontMetrics().height() + (1 if view.showGrid() else 0)
        return max(text, view.verticalHeader().minimumSectionSize())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._heights.clear()
            self.schedule()
        elif kind in (QEvent.Type.Resize, QEvent.Type.Show):
            self.schedule()
        return False

    @Slot()
    def schedule(self, *_args: object) -> None:
        """Fit the rows in sight once the view has taken in the change (one pass per turn)."""
        if not self._due.isActive():
            self._due.start()

    @Slot()
    def fit(self) -> None:
        """Fit the rows from the first in sight down to the bottom of the view."""
        self._due.stop()
        view = self._view
        row = view.rowAt(0)
        if row < 0:
            return
        self._check_widths()
        rows, room, used = view.model().rowCount(), view.viewport().height(), 0
        while row < rows and used < room:
            used += self._fit_row(row)
            row += 1

    def fit_end(self) -> None:
        """Fit the last rows, as many as fill the view: before scrolling to the end, so that
        the scroll lands on the true end."""
        view = self._view
        self._check_widths()
        row, room, used = view.model().rowCount() - 1, view.viewport().height(), 0
        while row >= 0 and used < room:
            used += self._fit_row(row)
            row -= 1

    def _check_widths(self) -> None:
        header = self._view.horizontalHeader()
        widths = tuple(header.sectionSize(c) for c in range(header.count()))
        rows = self._view.model().rowCount()
        if widths != self._widths or len(self._heights) > 2 * rows + 200:
            # Other widths wrap the text elsewhere; and entries gone need not be held.
            self._heights.clear()
            self._widths = widths

    def _fit_row(self, row: int) -> int:
        header = self._view.verticalHeader()
        height = self._height(row)
        if height > 0 and height != header.sectionSize(row):
            header.resizeSection(row, height)
        return header.sectionSize(row)

    def _height(self, row: int) -> int:
        if self._key is None:
            return self._measure(row)
        key = self._key(row)
        known = self._heights.get(id(key))
        if known is not None and known[0] is key:
            return known[1]
        height = self._measure(row)
        self._heights[id(key)] = (key, height)
        return height

    def _measure(self, row: int) -> int:
        minimum = self._view.verticalHeader().minimumSectionSize()
        return max(self._view.sizeHintForRow(row), minimum)


def fit_columns(view: QTableView, rows: Mapping[int, Iterable[int]], *, grow: bool) -> None:
    """Size each column of ``rows`` to the widest of its cells in those rows (and its title);
    with ``grow``, never narrower than it is."""
    model, header = view.model(), view.horizontalHeader()
    for column, sample in rows.items():
        width = header.sectionSizeHint(column)
        for row in sample:
            width = max(width, view.sizeHintForIndex(model.index(row, column)).width())
        if grow:
            width = max(width, header.sectionSize(column))
        if width != header.sectionSize(column):
            header.resizeSection(column, width)
