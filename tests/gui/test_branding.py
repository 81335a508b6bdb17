"""Issue 17, point 1: the app's own icon on the application, the window, the tray and the
About box; the About box also says the version, the settings files in force and the log
folder.

The icon is compared by its pixels with the PNG shipped in resources/icons/ (what
packaging/make_icons.py renders from the SVG), so a fallback icon (the style's warning
triangle, Qt's blank) fails.
"""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QEvent, QSize
from PySide6.QtGui import QIcon, QImage
from PySide6.QtWidgets import QApplication, QStyle, QSystemTrayIcon

from mimdesk import __version__
from mimdesk.app import open_app
from mimdesk.gui import alerts
from mimdesk.gui.about import AboutBox, config_sources
from mimdesk.gui.app_icon import app_icon
from mimdesk.gui.main import Workspace, application
from mimdesk.resources import resource_path

SIZES = (16, 32, 48, 256)


def shipped(size: int) -> QImage:
    image = QImage(str(resource_path("icons", f"mimdesk-{size}.png")))
    assert not image.isNull(), f"mimdesk-{size}.png is missing"
    return image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)


def drawn(icon: QIcon, size: int) -> QImage:
    # A device pixel ratio of 1, so that the picture is the file of that size, not a scaled one.
    pixmap = icon.pixmap(QSize(size, size), 1.0)
    return pixmap.toImage().convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)


def is_the_app_icon(icon: QIcon) -> bool:
    return not icon.isNull() and all(drawn(icon, s) == shipped(s) for s in SIZES)


def test_the_icon_has_every_size_drawn_for_it(qtbot):
    icon = app_icon()
    assert not icon.isNull()
    available = {s.width() for s in icon.availableSizes()}
    assert set(SIZES) <= available
    # The 16 px picture is the one drawn for 16 px: red all round the white siren.
    small = drawn(icon, 16)
    corner_in, centre = small.pixelColor(3, 13), small.pixelColor(8, 12)
    assert corner_in.red() > 150 and corner_in.green() < 80, corner_in.name()
    assert min(centre.red(), centre.green(), centre.blue()) > 200, centre.name()


def test_the_application_and_the_window_carry_the_icon(qtbot, window):
    application()
    assert is_the_app_icon(QApplication.windowIcon())
    assert is_the_app_icon(window.windowIcon())


# The offscreen platform's own complaint about a tray it does not have.
@pytest.mark.qt_log_ignore("systemTrayWindowChanged")
def test_the_tray_shows_the_app_icon_not_a_warning(qtbot, app, monkeypatch):
    # The offscreen platform has no tray: pretend one, as a desktop has.
    monkeypatch.setattr(alerts.QSystemTrayIcon, "isSystemTrayAvailable", lambda: True)
    application()
    ws = Workspace(app)
    try:
        tray = ws.window.alerts.tray
        assert isinstance(tray, QSystemTrayIcon)
        assert is_the_app_icon(tray.icon())
        warning = ws.window.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        assert drawn(tray.icon(), 32) != drawn(warning, 32)
    finally:
        ws.window.unsaved_work = list  # type: ignore[method-assign]
        ws.window.close()
        ws.close()
        ws.window.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_about_shows_icon_version_settings_sources_and_log_folder(qtbot, window, app):
    window.about_action.trigger()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), AboutBox))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, AboutBox)
    assert dialog.ui.versionLabel.text() == __version__
    assert is_the_app_icon(dialog.windowIcon())
    assert drawn_label(dialog) == shipped(64)
    sources = dialog.settings_label.text().splitlines()
    assert sources[0].startswith("Built-in defaults (")
    assert sources == config_sources(app.settings.sources)
    assert str(app.paths.logs) in dialog.logs_label.text()
    captions = [
        dialog.ui.formLayout.labelForField(w).text()
        for w in (dialog.ui.versionLabel, dialog.settings_label, dialog.logs_label)
    ]
    assert captions == ["Version:", "Settings from:", "Log folder:"]
    dialog.reject()


def drawn_label(dialog: AboutBox) -> QImage:
    pixmap = dialog.icon_label.pixmap()
    assert not pixmap.isNull()
    pixmap.setDevicePixelRatio(1.0)
    return pixmap.toImage().convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)


def test_about_names_a_site_file_and_a_log_folder_not_made_yet(
    qtbot, home, tmp_path, monkeypatch, clock
):
    site = tmp_path / "site.toml"
    site.write_text('[app]\ntheme = "dark"\n\n[backups]\nkeep = 3\n', encoding="utf-8")
    monkeypatch.setenv("MIMDESK_SITE_CONFIG", str(site))
    mine = home / "config" / "settings.toml"
    mine.parent.mkdir(parents=True, exist_ok=True)
    mine.write_text('[user]\ndisplay_name = "Ana Costa"\n', encoding="utf-8")
    desk = open_app(db=tmp_path / "site-desk.sqlite3", env=os.environ, now=clock)
    try:
        box = AboutBox(desk)
        lines = box.settings_label.text().splitlines()
        assert f"Site file {site} (2 settings)" in lines
        assert lines.index(f"Site file {site} (2 settings)") == 1, "after the built-in ones"
        assert lines[2:] == [f"Your settings {mine} (1 setting)"]
        logs = desk.paths.logs
        assert not logs.exists()
        assert box.logs_label.text() == f"{logs} (nothing logged yet)"
        logs.mkdir(parents=True)
        assert AboutBox(desk).logs_label.text() == str(logs)
    finally:
        desk.close()


@pytest.mark.parametrize(
    ("sources", "lines"),
    [
        (
            {"a": "built-in", "b": "built-in", "c": "user (/u/settings.toml)"},
            ["Built-in defaults (2 settings)", "Your settings /u/settings.toml (1 setting)"],
        ),
        (
            {"x": "managed (HKLM\\Software\\Policies\\MIMDesk)", "y": "site (/s.toml)"},
            [
                "Site file /s.toml (1 setting)",
                "Managed by your organisation: HKLM\\Software\\Policies\\MIMDesk "
                "(1 setting, locked)",
            ],
        ),
    ],
)
def test_config_sources_in_the_order_they_apply(sources, lines):
    assert config_sources(sources) == lines
