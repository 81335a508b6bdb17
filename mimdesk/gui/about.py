"""What the About box adds to its form: the icon, the settings files in force and the log
folder, which is what someone helping on the phone asks for first."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from mimdesk import config
from mimdesk.app import App
from mimdesk.domain.wording import counted
from mimdesk.gui.app_icon import app_icon
from mimdesk.gui.dialogs import AboutDialog

ICON_SIZE = 64
# The layers as config.load_settings names them, lowest first: the order they apply in.
LAYER_ORDER = (config.BUILTIN, config.SITE, config.USER, config.MANAGED)
LAYER_WORDS = {
    config.BUILTIN: "Built-in defaults",
    config.SITE: "Site file",
    config.USER: "Your settings",
    config.MANAGED: "Managed by your organisation:",
}


def config_sources(sources: Mapping[str, str]) -> list[str]:
    """One line for each layer that sets a value in force, lowest first, with how many values
    it sets: ``Site file /etc/mimdesk/site.toml (4 settings)``.

    ``sources`` is ``Settings.sources``: each value's key and the layer it came from, as
    ``site (/etc/mimdesk/site.toml)`` or ``built-in``."""
    counts = Counter(sources.values())

    def order(layer: str) -> tuple[int, str]:
        name = layer.split(" (", 1)[0]
        return (LAYER_ORDER.index(name) if name in LAYER_ORDER else len(LAYER_ORDER), layer)

    lines = []
    for layer in sorted(counts, key=order):
        name, _, where = layer.partition(" (")
        where = where.removesuffix(")")
        words = LAYER_WORDS.get(name, name)
        how_many = counted(counts[layer], "setting")
        if name == config.MANAGED:
            how_many += ", locked"
        lines.append(f"{words} {where} ({how_many})" if where else f"{words} ({how_many})")
    return lines


def log_folder_text(folder: Path) -> str:
    return str(folder) if folder.is_dir() else f"{folder} (nothing logged yet)"


class AboutBox(AboutDialog):
    """The About form, with the icon beside the title, and the settings and log rows under
    the database's."""

    def __init__(self, app: App, parent: QWidget | None = None) -> None:
        super().__init__(app.database, parent)
        icon = app_icon()
        self.setWindowIcon(icon)
        self.icon_label = QLabel(self)
        self.icon_label.setObjectName("aboutIcon")
        self.icon_label.setPixmap(
            icon.pixmap(QSize(ICON_SIZE, ICON_SIZE), self.devicePixelRatioF())
        )
        self.icon_label.setFixedSize(ICON_SIZE, ICON_SIZE)
        title = self.ui.titleLabel
        layout = self.ui.mainLayout
        layout.removeWidget(title)
        heading = QHBoxLayout()
        heading.addWidget(self.icon_label)
        heading.addSpacing(12)
        heading.addWidget(title, 1)
        layout.insertLayout(0, heading)

        self.settings_label = _value(
            self, "settingsSourcesLabel", "\n".join(config_sources(app.settings.sources))
        )
        self.logs_label = _value(self, "logFolderLabel", log_folder_text(app.paths.logs))
        rows = self.ui.formLayout
        qt_row = rows.rowCount() - 1  # the last row: the new ones go above it
        rows.insertRow(qt_row, "Settings from:", self.settings_label)
        rows.insertRow(qt_row + 1, "Log folder:", self.logs_label)
        # Room for a path on one line in most profiles; a longer one wraps.
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)
        self.adjustSize()


def _value(parent: QWidget, name: str, text: str) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)  # paths are shown as they are
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
