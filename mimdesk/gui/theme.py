"""Fusion style with a light or dark palette, following the system or the user's setting.

Colours that carry meaning (status, warnings) are chosen to read well on both palettes, so
no view needs to know which one is in force except through :func:`is_dark`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QStyleOption,
    QStyleOptionComplex,
    QWidget,
)

from mimdesk.domain.lifecycle import Status

THEMES = ("system", "light", "dark")

# Status chip colours: white text on a saturated background reads on light and dark windows.
STATUS_COLOURS: dict[Status, str] = {
    Status.CANDIDATE: "#5f6b7a",
    Status.REJECTED: "#6b6b6b",
    Status.DECLARED: "#b42318",
    Status.INVESTIGATING: "#c2410c",
    Status.IDENTIFIED: "#a15c07",
    Status.MITIGATED: "#1d5bd8",
    Status.RESOLVED: "#15803d",
    Status.CLOSED: "#475467",
}
# The keyboard focus ring: the light theme's selection blue, a lighter blue on dark windows;
# both stand at least 3:1 against their window and base colours (WCAG's non-text contrast).
FOCUS_RING_LIGHT = "#1f63b4"
FOCUS_RING_DARK = "#7ab4ff"
FOCUS_RING_WIDTH = 2
WARNING_BACKGROUND = "#f5b83d"
WARNING_TEXT = "#1f1300"
# The shared record was altered: white on the declared-incident red, on any window.
ALARM_BACKGROUND = "#b42318"
ALARM_TEXT = "#ffffff"


def wants_dark(theme: str) -> bool:
    if theme == "dark":
        return True
    if theme == "light":
        return False
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def dark_palette() -> QPalette:
    p = QPalette()
    window, base, text = QColor("#2a2c30"), QColor("#1f2124"), QColor("#e8e8e8")
    button, mid, dim = QColor("#3a3d42"), QColor("#4a4e55"), QColor("#8d9299")
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        p.setColor(group, QPalette.ColorRole.Window, window)
        p.setColor(group, QPalette.ColorRole.WindowText, text)
        p.setColor(group, QPalette.ColorRole.Base, base)
        p.setColor(group, QPalette.ColorRole.AlternateBase, QColor("#272a2e"))
        p.setColor(group, QPalette.ColorRole.Text, text)
        p.setColor(group, QPalette.ColorRole.Button, button)
        p.setColor(group, QPalette.ColorRole.ButtonText, text)
        p.setColor(group, QPalette.ColorRole.BrightText, QColor("#ff6b6b"))
        p.setColor(group, QPalette.ColorRole.ToolTipBase, QColor("#3a3d42"))
        p.setColor(group, QPalette.ColorRole.ToolTipText, text)
        p.setColor(group, QPalette.ColorRole.PlaceholderText, dim)
        p.setColor(group, QPalette.ColorRole.Link, QColor("#7ab4ff"))
        p.setColor(group, QPalette.ColorRole.LinkVisited, QColor("#b69cff"))
        p.setColor(group, QPalette.ColorRole.Highlight, QColor("#2f6fd6"))
        p.setColor(group, QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
        p.setColor(group, QPalette.ColorRole.Light, QColor("#55595f"))
        p.setColor(group, QPalette.ColorRole.Midlight, QColor("#44474d"))
        p.setColor(group, QPalette.ColorRole.Mid, mid)
        p.setColor(group, QPalette.ColorRole.Dark, QColor("#18191b"))
        p.setColor(group, QPalette.ColorRole.Shadow, QColor("#000000"))
    disabled = QPalette.ColorGroup.Disabled
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        p.setColor(disabled, role, QColor("#7a7e85"))
    p.setColor(disabled, QPalette.ColorRole.Window, window)
    p.setColor(disabled, QPalette.ColorRole.Base, QColor("#26282b"))
    p.setColor(disabled, QPalette.ColorRole.Button, QColor("#33363a"))
    p.setColor(disabled, QPalette.ColorRole.Highlight, mid)
    p.setColor(disabled, QPalette.ColorRole.HighlightedText, QColor("#c8c8c8"))
    p.setColor(disabled, QPalette.ColorRole.PlaceholderText, QColor("#6a6e75"))
    return p


def light_palette() -> QPalette:
    style = QStyleFactory.create("Fusion")
    p = style.standardPalette()
    # Fusion's default placeholder grey is too faint to read on a bright office screen.
    p.setColor(QPalette.ColorRole.PlaceholderText, QColor("#707780"))
    # Fusion's light selection blue gives white text a contrast of only 3.7:1.
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        p.setColor(group, QPalette.ColorRole.Highlight, QColor("#1f63b4"))
        p.setColor(group, QPalette.ColorRole.Accent, QColor("#1f63b4"))
    return p


def focus_ring_colour(palette: QPalette) -> QColor:
    return QColor(FOCUS_RING_DARK if is_dark(palette) else FOCUS_RING_LIGHT)


class FocusStyle(QProxyStyle):
    """Fusion with a focus ring a person sees from a desk away.

    Fusion marks the focused widget with a faint tint that all but vanishes on the dark
    palette; a desk that works by keyboard must see at a glance where the next key goes. The
    ring is drawn over Fusion's own drawing, so every widget keeps its look otherwise.
    """

    _PRIMITIVES = frozenset(
        {
            QStyle.PrimitiveElement.PE_FrameFocusRect,
            QStyle.PrimitiveElement.PE_PanelButtonCommand,
            QStyle.PrimitiveElement.PE_FrameLineEdit,
        }
    )
    _COMPLEX = frozenset(
        {
            QStyle.ComplexControl.CC_ComboBox,
            QStyle.ComplexControl.CC_SpinBox,
            QStyle.ComplexControl.CC_ToolButton,
        }
    )

    def __init__(self) -> None:
        super().__init__(QStyleFactory.create("Fusion"))

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element in self._PRIMITIVES:
            self._ring(option, painter)

    def drawComplexControl(
        self,
        control: QStyle.ComplexControl,
        option: QStyleOptionComplex,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawComplexControl(control, option, painter, widget)
        if control in self._COMPLEX:
            self._ring(option, painter)

    def drawControl(
        self,
        element: QStyle.ControlElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawControl(element, option, painter, widget)
        # Text boxes, lists and tables: their frame has no focus state of its own.
        shaped = element == QStyle.ControlElement.CE_ShapedFrame
        if shaped and widget is not None and widget.hasFocus():
            self._ring(option, painter, force=True)

    @staticmethod
    def _ring(option: QStyleOption, painter: QPainter, *, force: bool = False) -> None:
        if not force and not option.state & QStyle.StateFlag.State_HasFocus:
            return
        if not option.state & QStyle.StateFlag.State_Enabled:
            return
        painter.save()
        pen = QPen(focus_ring_colour(option.palette), FOCUS_RING_WIDTH)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        half = FOCUS_RING_WIDTH // 2
        painter.drawRect(option.rect.adjusted(half, half, -half, -half))
        painter.restore()


def apply_theme(app: QApplication, theme: str) -> None:
    """Fusion everywhere (one look on Windows and macOS), light or dark as asked, with a
    focus ring that shows on both."""
    if not isinstance(app.style(), FocusStyle):
        app.setStyle(FocusStyle())
    dark = wants_dark(theme)
    hints = QGuiApplication.styleHints()
    # Tells the platform (window frames on Windows and macOS) which scheme we paint.
    if theme == "system":
        hints.unsetColorScheme()
    else:
        hints.setColorScheme(Qt.ColorScheme.Dark if dark else Qt.ColorScheme.Light)
    app.setPalette(dark_palette() if dark else light_palette())


def follow_system(app: QApplication, theme: str) -> bool:
    """Re-apply the palette when the system switches between light and dark.

    Returns whether it now follows; connect once per application.
    """
    if theme != "system":
        return False
    QGuiApplication.styleHints().colorSchemeChanged.connect(
        lambda _scheme: apply_theme(app, "system")
    )
    return True


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def error_colour(palette: QPalette) -> QColor:
    return QColor("#ff8a80") if is_dark(palette) else QColor("#b42318")


def muted_colour(palette: QPalette) -> QColor:
    return palette.color(QPalette.ColorRole.PlaceholderText)


def status_colour(status: Status) -> QColor:
    return QColor(STATUS_COLOURS.get(status, "#5f6b7a"))
