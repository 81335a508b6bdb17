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
    assert qapp_themed.style().name().lower() == "fusion"
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
