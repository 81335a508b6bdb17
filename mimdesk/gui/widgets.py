"""Small widgets and helpers shared by the views: times, chips, inline errors."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from PySide6.QtCore import QDateTime, QSize, Qt, QTimeZone
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QDateTimeEdit, QLabel, QMessageBox, QSizePolicy, QWidget

from mimdesk.comms.addresses import split_entries
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
        self.setTextFormat(Qt.TextFormat.PlainText)
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
        super().__init__(parent)
        # Painted as plain text below; plain here too, or the size hint would lay it out
        # as rich text (and load what an <img> in it names).
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setText(text)
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
        self.setTextFormat(Qt.TextFormat.PlainText)  # errors quote what was typed
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
    plain_message(box)  # the message may quote what was typed
    box.setObjectName("errorBox")
    box.open()
    return box


def muted(label: QLabel) -> None:
    # A palette role rather than a colour, so it follows a switch between light and dark.
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)


def split_addresses(text: str) -> list[str]:
    """Addresses as typed or pasted, cut into entries (a comma or semicolon inside a quoted
    name does not cut). Each entry is checked by the one parser when the use case stores it:
    :mod:`mimdesk.comms.addresses` holds both."""
    return split_entries(text)


def join_addresses(addresses: Iterable[str]) -> str:
    """Addresses for an editable field, so that :func:`split_addresses` reads them back."""
    items = list(addresses)
    return ("; " if any("," in a for a in items) else ", ").join(items)


# -- text people typed is shown as typed -------------------------------------------------
# A QLabel, a QMessageBox and a tooltip guess (Qt's AutoText) that text which looks like HTML
# is rich text: a role holder named <img src="file:///…"> would load that file, and a title
# could restyle the window. Names, titles and notes come from every desk the database shares
# with, so they are shown as plain text; a label that is rich on purpose says so (RichText)
# and escapes what it quotes.


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A label whose text is shown as typed, never as rich text."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


def plain_labels(*roots: QWidget | QLabel) -> None:
    """Each label given, and each under each widget given (a form from a .ui file), that would
    guess its format shows plain text; a label made rich on purpose keeps RichText."""
    for root in roots:
        found = [root] if isinstance(root, QLabel) else []
        for label in [*found, *root.findChildren(QLabel)]:
            if label.textFormat() == Qt.TextFormat.AutoText:
                label.setTextFormat(Qt.TextFormat.PlainText)


def rich_label(label: QLabel) -> QLabel:
    """A label that is rich text on purpose (bold parts): whatever it quotes must be escaped
    with :func:`html.escape`."""
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


def plain_tip(text: str) -> str:
    """A tooltip that shows ``text`` as typed. Qt reads a tooltip as rich text when it looks
    like HTML; such text is escaped into rich text that shows it literally."""
    from PySide6 import QtGui  # the text functions live in QtGui's Qt, not QtCore's

    return QtGui.Qt.convertFromPlainText(text) if QtGui.Qt.mightBeRichText(text) else text


def plain_message(box: QMessageBox) -> QMessageBox:
    """The box's text and informative text shown as typed. Call it after setting them: Qt
    makes the informative text's label when it is first set."""
    box.setTextFormat(Qt.TextFormat.PlainText)
    plain_labels(box)
    return box
