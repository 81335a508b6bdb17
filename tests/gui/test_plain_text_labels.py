"""Text people typed is shown as typed: never read as rich text by a label, a message box or a
tooltip.

Qt guesses (AutoText) that text which looks like HTML is rich text. Before the fix a role
holder named ``<img src="file:///…">`` made the Roles tab's dialogs load that local file, and
a title or a note did the same in the header, the lists' tooltips and the timeline's
correction dialog. Here every field a person types holds such markup; every label in the
window, on every tab, and in the dialogs that quote the incident, must show it literally.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6 import QtGui
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QMessageBox,
    QTreeWidget,
    QWidget,
)

from mimdesk.domain.events import Author
from mimdesk.errors import InvalidInput
from mimdesk.gui.catalogue_dialog import ServiceCatalogueDialog
from mimdesk.gui.dialogs import AssignRoleDialog
from mimdesk.gui.main import Workspace
from mimdesk.gui.roles_tab import RolesTab
from mimdesk.gui.timeline import CorrectEntryDialog
from mimdesk.gui.widgets import show_error
from mimdesk.usecases import declaration, directory, followups, incidents, roles, timeline


def tiny_png(path: Path) -> Path:
    """A real 1×1 image: were it loaded, a rich-text label would show it instead of the tag."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )
    return path


@pytest.fixture
def markup(tmp_path: Path) -> str:
    image = tiny_png(tmp_path / "x.png")
    return f'<img src="{image.as_uri()}"> <b>bold</b>'


def shown(text: str, format: Qt.TextFormat) -> str:
    """What a person reads: the text itself, or the words its rich-text rendering shows."""
    rich = format == Qt.TextFormat.RichText or (
        format == Qt.TextFormat.AutoText and QtGui.Qt.mightBeRichText(text)
    )
    if not rich:
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def shown_tip(text: str) -> str:
    return shown(text, Qt.TextFormat.AutoText)  # a tooltip always guesses


def quoting(root: QWidget, marker: str) -> list[QLabel]:
    return [label for label in root.findChildren(QLabel) if marker in label.text()]


def assert_literal(labels: list[QLabel], markup: str) -> None:
    for label in labels:
        where = f"{label.objectName() or type(label.parent()).__name__}: {label.text()!r}"
        text = shown(label.text(), label.textFormat())
        assert markup in text, where  # "<img src=…>" and "<b>bold</b>" read as typed
        # Not by luck of Qt's guess either: the label says which format it is.
        assert label.textFormat() != Qt.TextFormat.AutoText, where


def tips(root: QWidget) -> Iterator[str]:
    """Every tooltip under ``root``: widgets', tree items', and item models' (ToolTipRole)."""
    for widget in [root, *root.findChildren(QWidget)]:
        if widget.toolTip():
            yield widget.toolTip()
        if isinstance(widget, QTreeWidget):
            for i in range(widget.topLevelItemCount()):
                item = widget.topLevelItem(i)
                yield from (item.toolTip(c) for c in range(widget.columnCount()))
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            try:
                columns = model.columnCount(QModelIndex())
            except TypeError:  # a list model keeps columnCount to itself: one column
                columns = 1
            for row in range(model.rowCount(QModelIndex())):
                for column in range(columns):
                    tip = model.index(row, column).data(Qt.ItemDataRole.ToolTipRole)
                    if isinstance(tip, str) and tip:
                        yield tip


@pytest.fixture
def hostile(app, ctx, markup: str):
    """An incident whose every typed field holds markup, and a candidate titled with it."""
    app.set_display_name(f"Desk {markup}")
    summary, _ = incidents.report(
        ctx, title=f"Mail {markup}", impact=f"Staff {markup}", services=[f"Exchange {markup}"]
    )
    reference = summary.reference
    declaration.declare(
        ctx,
        reference=reference,
        settings=app.settings,
        severity="SEV1",
        mim=f"Ana {markup}",
        rationale=f"Because {markup}",
    )
    roles.assign(ctx, reference=reference, role="tech_lead", person=f"Bo {markup}")
    roles.assign(
        ctx, reference=reference, role="tech_lead", person=f"Cy {markup}", note=f"Over {markup}"
    )
    timeline.add_note(ctx, reference=reference, text=f"Restarted {markup}")
    for field in ("bridge", "workaround"):
        incidents.change_field(ctx, reference=reference, field=field, value=f"{field} {markup}")
    followups.add(ctx, reference=reference, title=f"Fix {markup}", owner=f"Di {markup}")
    directory.save_service(ctx, name=f"Portal {markup}", tier=1)
    incidents.report(ctx, title=f"Waiting {markup}")  # a candidate, in the queue
    ctx.author = Author(f"Desk {markup}", "desk")
    return reference


@pytest.fixture
def opened(qtbot, hostile: str, workspace: Workspace) -> Workspace:
    window = workspace.window
    window.open_incident(incidents.get(workspace.app.ctx, hostile).state.stream_id)
    qtbot.waitUntil(lambda: window.current.reference == hostile, timeout=10_000)
    return workspace


def test_every_label_and_tooltip_in_the_window_shows_typed_markup_literally(
    qtbot, opened: Workspace, hostile: str, markup: str
) -> None:
    window = opened.window
    seen: set[str] = set()
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)  # a hidden tab draws its incident when shown
        QApplication.processEvents()
        labels = quoting(window, "x.png")
        assert_literal(labels, markup)
        seen |= {label.text() for label in labels}
        for tip in tips(window):
            if "x.png" in tip:
                assert markup in shown_tip(tip), tip
                seen.add(tip)
    # The attack reached the screen in many places: title, MIM, roles, notes, candidates.
    assert len(seen) >= 8, seen
    # No label is left to guess, whatever it shows now: the next incident may be hostile too.
    guessing = [
        f"{type(label.parent()).__name__}/{label.objectName()}: {label.text()[:40]!r}"
        for label in window.findChildren(QLabel)
        if label.textFormat() == Qt.TextFormat.AutoText
    ]
    assert guessing == []


def test_dialogs_quoting_the_incident_show_markup_literally(
    qtbot, opened: Workspace, hostile: str, markup: str
) -> None:
    window, ops = opened.window, opened.window.ops
    view = incidents.get(ops.ctx, hostile)
    holder = view.state.holder("tech_lead")
    handover = AssignRoleDialog(ops, hostile, "tech_lead", "Technical lead", holder, "", window)
    qtbot.addWidget(handover)
    assert_literal(quoting(handover, "x.png"), markup)
    assert quoting(handover, "x.png")  # the holder's name is quoted

    note = next(e for e in view.timeline if e.text.startswith("Restarted"))
    correct = CorrectEntryDialog(note, hostile, ops, window)
    qtbot.addWidget(correct)
    assert len(quoting(correct, "x.png")) == 1
    assert_literal(quoting(correct, "x.png"), f"Desk {markup}")  # the author's name
    assert_literal(quoting(correct, "x.png"), f"Restarted {markup}")

    roles_tab = window.findChild(RolesTab)
    window.tabs.setCurrentWidget(roles_tab)
    roles_tab.select_role("tech_lead")
    release = roles_tab.release_selected()
    assert release is not None
    assert_literal(quoting(release, "x.png"), f"Cy {markup}")
    release.reject()

    catalogue = ServiceCatalogueDialog(ops, window)
    qtbot.addWidget(catalogue)
    catalogue.edit_service(next(s for s in catalogue._services if "bold" in s.name))
    box = catalogue.ask_retire()
    assert box is not None
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert_literal(quoting(box, "x.png"), f"Portal {markup}")
    box.reject()


def test_an_error_box_quoting_typed_text_shows_it_literally(qtbot, markup: str) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    box = show_error(parent, "Not saved", InvalidInput(f"{markup} is not valid.", f"Not {markup}"))
    assert isinstance(box, QMessageBox)
    labels = quoting(box, "x.png")
    assert len(labels) == 2  # the message and the hint
    assert_literal(labels, markup)
    box.close()
