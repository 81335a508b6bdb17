"""Light and dark palettes, and colours that stay readable on both."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from mimdesk.domain.lifecycle import Status
from mimdesk.gui import theme
from mimdesk.gui.main import application


def luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def contrast(a: QColor, b: QColor) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.fixture
def qapp_themed(qapp):
    application()
    yield qapp
    theme.apply_theme(qapp, "light")


@pytest.mark.parametrize("name", ["light", "dark"])
def test_palette_is_readable(qapp_themed, name):
    theme.apply_theme(qapp_themed, name)
    palette = QGuiApplication.palette()
    assert theme.is_dark(palette) == (name == "dark")
    assert isinstance(qapp_themed.style(), theme.FocusStyle)
    assert qapp_themed.style().baseStyle().name().lower() == "fusion"
    window = palette.color(QPalette.ColorRole.Window)
    base = palette.color(QPalette.ColorRole.Base)
    assert contrast(palette.color(QPalette.ColorRole.WindowText), window) >= 7
    assert contrast(palette.color(QPalette.ColorRole.Text), base) >= 7
    assert contrast(theme.error_colour(palette), window) >= 4.5
    assert contrast(palette.color(QPalette.ColorRole.PlaceholderText), base) >= 3
    assert (
        contrast(
            palette.color(QPalette.ColorRole.HighlightedText),
            palette.color(QPalette.ColorRole.Highlight),
        )
        >= 4.5
    )


def test_status_chips_read_on_either_palette():
    white = QColor("#ffffff")
    for status in Status:
        assert contrast(white, theme.status_colour(status)) >= 4.5, status
    assert contrast(QColor(theme.WARNING_TEXT), QColor(theme.WARNING_BACKGROUND)) >= 7


def test_system_theme_follows_the_colour_scheme(qapp_themed):
    theme.apply_theme(qapp_themed, "system")
    scheme = QGuiApplication.styleHints().colorScheme()
    assert theme.is_dark(QGuiApplication.palette()) == (scheme.name == "Dark")
    assert theme.wants_dark("dark") and not theme.wants_dark("light")


def ring_pixels(widget, colour: QColor) -> int:
    image = widget.grab().toImage()
    return sum(
        1
        for y in range(image.height())
        for x in range(image.width())
        if image.pixelColor(x, y) == colour
    )


@pytest.mark.parametrize("name", ["light", "dark"])
def test_keyboard_focus_is_clearly_visible(qapp_themed, qtbot, name):
    from PySide6.QtWidgets import QLineEdit, QPushButton, QVBoxLayout, QWidget

    theme.apply_theme(qapp_themed, name)
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    button, edit = QPushButton("Declare major incident…"), QLineEdit()
    layout.addWidget(button)
    layout.addWidget(edit)
    window.show()
    qtbot.waitExposed(window)
    ring = theme.focus_ring_colour(QGuiApplication.palette())
    # Non-text contrast: the ring stands out from the window around it (WCAG 1.4.11).
    assert contrast(ring, QGuiApplication.palette().color(QPalette.ColorRole.Window)) >= 3
    for widget in (button, edit):
        unfocused = ring_pixels(widget, ring)
        widget.setFocus()
        qtbot.waitUntil(widget.hasFocus)
        # A ring all the way round, two pixels wide: at least the widget's perimeter.
        perimeter = 2 * (widget.width() + widget.height())
        assert ring_pixels(widget, ring) - unfocused >= perimeter, widget
