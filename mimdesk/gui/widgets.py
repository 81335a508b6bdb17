"""Small widgets and helpers shared by the views: times, chips, inline errors."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from PySide6.QtCore import QDateTime, QSize, Qt, QTimeZone
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QDateTimeEdit, QLabel, QMessageBox, QSizePolicy, QWidget

from mimdesk.errors import MimDeskError
from mimdesk.gui import theme

# 't' is the zone's abbreviation: every time a person edits says which zone it is in.
DATETIME_FORMAT = "yyyy-MM-dd HH:mm t"


def to_qdatetime(when: datetime) -> QDateTime:
    return QDateTime.fromMSecsSinceEpoch(round(when.timestamp() * 1000), QTimeZone.systemTimeZone())


def from_qdatetime(value: QDateTime) -> datetime:
    return datetime.fromtimestamp(value.toMSecsSinceEpoch() / 1000, UTC)


def setup_datetime_edit(edit: QDateTimeEdit, when: datetime | None = None) -> None:
    """Local zone, minutes, with the zone shown; seconds dropped as nobody types them."""
    edit.setTimeZone(QTimeZone.systemTimeZone())
    edit.setDisplayFormat(DATETIME_FORMAT)
    edit.setCalendarPopup(True)
    if when is not None:
        set_edit_time(edit, when)


def set_edit_time(edit: QDateTimeEdit, when: datetime) -> None:
    edit.setDateTime(to_qdatetime(when.replace(second=0, microsecond=0)))


def edit_time(edit: QDateTimeEdit) -> datetime:
    return from_qdatetime(edit.dateTime())


class Chip(QLabel):
    """A coloured label for a status or a severity."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMargin(0)

    def set_chip(self, text: str, background: QColor | str, foreground: str = "#ffffff") -> None:
        self.setText(text)
        self.setVisible(bool(text))
        bg = QColor(background).name()
        # Padding in em so the chip scales with the font at 200 %.
        self.setStyleSheet(
            f"QLabel {{ background: {bg}; color: {foreground}; border-radius: 0.35em;"
            " padding: 0.15em 0.6em; font-weight: bold; }"
        )


class ElidedLabel(QLabel):
    """A one-line label that ends in "…" when it does not fit, rather than being cut off."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def minimumSizeHint(self) -> QSize:
        return QSize(self.fontMetrics().averageCharWidth() * 8, super().minimumSizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(rect, int(self.alignment() | Qt.AlignmentFlag.AlignVCenter), text)


class ErrorLabel(QLabel):
    """An inline error: what is wrong, and what to do. Empty and hidden when all is well."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.hide()

    def show_error(self, error: MimDeskError | str) -> None:
        style_error(self)
        self.setText(describe(error))
        self.show()

    def clear_error(self) -> None:
        self.clear()
        self.hide()


def style_error(label: QLabel) -> None:
    colour = theme.error_colour(label.palette()).name()
    label.setStyleSheet(f"QLabel {{ color: {colour}; font-weight: bold; }}")


def describe(error: MimDeskError | str) -> str:
    if isinstance(error, MimDeskError):
        return f"{error.message} {error.hint}".strip()
    return str(error)


def show_error(parent: QWidget | None, title: str, error: MimDeskError) -> QMessageBox:
    """A non-blocking message box: the window keeps ticking behind it."""
    box = QMessageBox(
        QMessageBox.Icon.Warning, title, error.message, QMessageBox.StandardButton.Ok, parent
    )
    if error.hint:
        box.setInformativeText(error.hint)
    box.setObjectName("errorBox")
    box.open()
    return box


def muted(label: QLabel) -> None:
    # A palette role rather than a colour, so it follows a switch between light and dark.
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)


def split_addresses(text: str) -> list[str]:
    """Addresses as typed or pasted: separated by semicolons (as Outlook copies them, where a
    name may hold a comma: "Doe, Jane <jane@example.org>"), or else by commas."""
    parts = text.split(";") if ";" in text else text.split(",")
    return [part.strip() for part in parts if part.strip()]


def join_addresses(addresses: Iterable[str]) -> str:
    """Addresses for an editable field, so that :func:`split_addresses` reads them back."""
    items = list(addresses)
    return ("; " if any("," in a for a in items) else ", ").join(items)
