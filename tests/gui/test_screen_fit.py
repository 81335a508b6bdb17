"""The window fits the screens desks have, a tab never grows it, a saved geometry is used only
on a screen that exists, and a banner moves nothing under the mouse."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSettings
from PySide6.QtWidgets import QApplication

from mimdesk.gui.main import Workspace
from tests.gui.conftest import wait_written

ROOT = Path(__file__).resolve().parents[2]

# A 1366x768 laptop with a 40-pixel taskbar; 1920x1080 at 200 % (logical 960x540, taskbar too).
SCREENS = {
    "1366x768": ({"width": 1366, "height": 728}, "1"),
    "1920x1080 at 200 %": ({"width": 1920, "height": 1040}, "2"),
}


def probe(tmp_path: Path, screen: dict[str, int], scale: str) -> dict:
    config = tmp_path / "screen.json"
    geometry = {"name": "desk", "x": 0, "y": 0, "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
    config.write_text(json.dumps({"screens": [geometry | screen]}))
    env = os.environ | {
        "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
        "QT_SCALE_FACTOR": scale,
    }
    home = tmp_path / "home"
    home.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "tests.gui.screen_fit_probe", str(home)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SCREENS))
def test_the_window_fits_the_screen_on_every_tab(tmp_path, name) -> None:
    screen, scale = SCREENS[name]
    found = probe(tmp_path, screen, scale)
    room = QRect(*found["room"])
    assert room.width() == screen["width"] // int(scale)  # the scale was in force
    assert room.contains(QRect(*found["frame"])), found
    # No tab makes the window grow: every one scrolls inside the size it opened at.
    opened_at = found["frame"][2:]
    assert {tab: size for tab, size in found["tabs"].items() if size != opened_at} == {}


def test_a_geometry_saved_on_a_screen_gone_is_not_used(qtbot, app) -> None:
    # Left on a second monitor, far right of this screen, which is not there any more.
    first = Workspace(app)
    first.window.show()
    first.window.move(5000, 3000)
    first.window.unsaved_work = list  # type: ignore[method-assign]
    first.window.close()
    first.runner.wait()
    state = QSettings(str(app.paths.config_dir / "window.ini"), QSettings.Format.IniFormat)
    assert state.value("geometry") is not None
    first.window.deleteLater()

    again = Workspace(app)
    window = again.window
    window.show()
    qtbot.waitExposed(window)
    room = window.screen().availableGeometry()
    assert room.contains(window.geometry().topLeft())
    assert window.geometry().top() < room.bottom()
    window.unsaved_work = list  # type: ignore[method-assign]
    window.close()
    again.runner.wait()


def test_a_banner_moves_nothing_under_the_mouse(qtbot, opened) -> None:
    window = opened.window
    window.tabs.setCurrentIndex(0)
    QApplication.processEvents()
    watched = [window.tabs, window.incident_list.table, window.header]

    def places() -> list[tuple[QPoint, object]]:
        return [(w.mapTo(window, QPoint(0, 0)), w.size()) for w in watched]

    before = places()
    banner = window.alerts.banner
    banner.label.setText("Update for Executives is overdue by 3 minutes")
    banner.show()
    QApplication.processEvents()
    assert banner.isVisible()
    assert places() == before
    # It floats over the foot of the work area, in view.
    shown = banner.mapTo(window, QPoint(0, 0))
    assert window.splitter.geometry().contains(window.centralWidget().mapFrom(window, shown))
    banner.hide()
    QApplication.processEvents()
    assert places() == before
    assert not window.banners.isVisible()
    wait_written(qtbot, opened)
