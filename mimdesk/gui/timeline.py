"""The Timeline tab: every entry of the incident, a quick-note field, and corrections."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mimdesk.domain.clock import format_local
from mimdesk.domain.directory import AccountIndex
from mimdesk.domain.events import DIRECTORY_STREAM
from mimdesk.domain.timeline import TimelineEntry, incident_entries
from mimdesk.domain.vocabulary import NOTE_KINDS
from mimdesk.errors import MimDeskError
from mimdesk.gui.current import CurrentIncident
from mimdesk.gui.forms.ui_correct_entry_dialog import Ui_CorrectEntryDialog
from mimdesk.gui.operations import Operations
from mimdesk.gui.signals import emit
from mimdesk.gui.tablefit import RowsInSight, fit_columns
from mimdesk.gui.timeline_model import (
    AUTHOR,
    KIND,
    TEXT,
    TIME,
    EntryRole,
    TimelineFilter,
    TimelineModel,
    concurrent_text,
    entry_text,
    kind_label,
    shown_value,
)
from mimdesk.gui.widgets import (
    ErrorLabel,
    edit_time,
    plain_labels,
    plain_tip,
    rich_label,
    set_edit_time,
    setup_datetime_edit,
    show_error,
    style_error,
)
from mimdesk.usecases import directory, incidents, timeline
from mimdesk.usecases.context import Changes
from mimdesk.usecases.incidents import IncidentView

# As in the incident list: a pause in typing, not every key, filters a long incident.
SEARCH_DELAY_MS = 200

# The model's names, where the tab's users have always found them.
__all__ = [
    "AUTHOR",
    "KIND",
    "TEXT",
    "TIME",
    "CorrectEntryDialog",
    "EntryRole",
    "QuickNote",
    "TimelineModel",
    "TimelineTab",
    "entry_text",
]


class CorrectEntryDialog(QDialog):
    """Reword, re-kind, re-time or withdraw one entry; the original stays in the record."""

    def __init__(
        self,
        entry: TimelineEntry,
        reference: str,
        ops: Operations,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ui = Ui_CorrectEntryDialog()
        self.ui.setupUi(self)
        rich_label(self.ui.originalLabel)  # a bold heading; the name and the text escaped
        plain_labels(self)
        self.entry = entry
        self._reference = reference
        self._ops = ops
        self.error = ErrorLabel(self)
        self.ui.errorLabel.hide()
        self.ui.mainLayout.replaceWidget(self.ui.errorLabel, self.error)
        self.ui.originalLabel.setText(
            f"<b>{format_local(entry.occurred_at)}, {_escape(entry.author.name)}, "
            f"{kind_label(entry.kind).lower()}:</b> {_escape(entry.text)}"
        )
        self.ui.textEdit.setPlainText(entry.text)
        for kind in NOTE_KINDS:
            self.ui.kindCombo.addItem(kind.capitalize(), kind)
        if entry.is_note:
            if self.ui.kindCombo.findData(entry.kind) < 0:  # from another desk: kept as is
                self.ui.kindCombo.addItem(entry.kind, entry.kind)
            self.ui.kindCombo.setCurrentIndex(self.ui.kindCombo.findData(entry.kind))
        else:
            # Only notes can be reworded or withdrawn; other entries can only move in time.
            for widget in (
                self.ui.textEdit,
                self.ui.textLabel,
                self.ui.kindCombo,
                self.ui.kindLabel,
                self.ui.withdrawCheck,
            ):
                widget.hide()
            self.ui.timeCheck.setChecked(True)
        setup_datetime_edit(self.ui.timeEdit, entry.occurred_at)
        self.ui.timeEdit.setEnabled(self.ui.timeCheck.isChecked())
        self.ui.timeCheck.toggled.connect(self.ui.timeEdit.setEnabled)
        self.ui.withdrawCheck.toggled.connect(self._on_withdraw)
        ok = self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Save correction")
        self.ui.buttonBox.accepted.connect(self.submit)
        self.ui.buttonBox.rejected.connect(self.reject)

    @Slot(bool)
    def _on_withdraw(self, withdraw: bool) -> None:
        self.ui.textEdit.setEnabled(not withdraw)
        self.ui.kindCombo.setEnabled(not withdraw)

    def request(self) -> dict[str, Any]:
        """The correction as keyword arguments of :func:`timeline.correct`."""
        changes: dict[str, Any] = {}
        withdraw = self.entry.is_note and self.ui.withdrawCheck.isChecked()
        if self.entry.is_note and not withdraw:
            text = self.ui.textEdit.toPlainText().strip()
            if text != self.entry.text:
                changes["text"] = text
            kind = self.ui.kindCombo.currentData()
            if kind != self.entry.kind:
                changes["kind"] = kind
        if withdraw:
            changes["retract"] = True
        if self.ui.timeCheck.isChecked():
            when = edit_time(self.ui.timeEdit)
            if when != self.entry.occurred_at.replace(second=0, microsecond=0):
                changes["occurred_at"] = when
        return changes

    @Slot()
    def submit(self) -> None:
        changes = self.request()
        if not changes:
            self.error.show_error("The correction changes nothing. Change the text, kind or time.")
            return
        self.error.clear_error()
        self.ui.buttonBox.setEnabled(False)
        reference, target = self._reference, self.entry.event_id
        self._ops.mutate(
            lambda ctx: timeline.correct(ctx, reference=reference, target=target, **changes),
            done=lambda _changes: self.accept(),
            failed=self._failed,
        )

    def _failed(self, error: MimDeskError) -> None:
        self.ui.buttonBox.setEnabled(True)
        self.error.show_error(error)


def count_text(shown: int, total: int) -> str:
    noun = "entry" if total == 1 else "entries"
    return f"{total} {noun}" if shown == total else f"{shown} of {total} {noun}"


def _buddy(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    return label


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class QuickNote(QWidget):
    """The quick-note field: type, Ctrl+Enter, and it is in the timeline.

    What was typed is cleared only once it is safely written; if the write fails the text
    stays in the field with the reason beside it, so no entry is ever lost.

    Signals:
        note_added(str): the event id of a note this field added.
    """

    note_added = Signal(str)

    def __init__(
        self,
        current: CurrentIncident,
        ops: Operations,
        now: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._current = current
        self._ops = ops
        self._now = now
        self.pending = False

        self.edit = QPlainTextEdit()
        self.edit.setObjectName("quickNoteEdit")
        self.edit.setPlaceholderText(
            "Type what happened, what was decided or done. Ctrl+Enter adds it to the timeline."
        )
        self.edit.setTabChangesFocus(True)
        self.kind = QComboBox()
        self.kind.setObjectName("noteKindCombo")
        for kind in NOTE_KINDS:
            self.kind.addItem(kind.capitalize(), kind)
        self.kind.setToolTip("What kind of entry this is")
        self.backdate = QCheckBox("Happened at")
        self.backdate.setObjectName("backdateCheck")
        self.backdate.setToolTip("Record something that happened earlier, at the time it happened")
        self.when = QDateTimeEdit()
        self.when.setObjectName("backdateEdit")
        setup_datetime_edit(self.when, now())
        self.when.setEnabled(False)
        self.backdate.toggled.connect(self._on_backdate)
        self.add_button = QPushButton("Add note")
        self.add_button.setObjectName("addNoteButton")
        self.add_button.setToolTip("Add the note to the timeline (Ctrl+Enter)")
        self.add_button.clicked.connect(self.submit)
        self.error = ErrorLabel()
        self.error.setObjectName("noteError")

        self.add_action = QAction("Add &note", self)
        self.add_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        # Only while typing here: Ctrl+Enter in another field must not add a note.
        self.add_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.add_action.triggered.connect(self.submit)
        self.addAction(self.add_action)

        row = QHBoxLayout()
        row.addWidget(QLabel("Kind:"))
        row.addWidget(self.kind)
        row.addSpacing(12)
        row.addWidget(self.backdate)
        row.addWidget(self.when)
        row.addStretch(1)
        row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addLayout(row)
        layout.addWidget(self.error)

        current.loaded.connect(self._on_loaded)
        self._on_loaded(current.view)

    @Slot(object)
    def _on_loaded(self, view: IncidentView | None) -> None:
        self.setEnabled(view is not None)

    @Slot(bool)
    def _on_backdate(self, checked: bool) -> None:
        self.when.setEnabled(checked)
        if checked:
            set_edit_time(self.when, self._now())
            self.when.setFocus()

    def focus(self) -> None:
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    @Slot()
    def submit(self) -> None:
        reference = self._current.reference
        text = self.edit.toPlainText()
        if self.pending or reference is None or not text.strip():
            return
        kind = str(self.kind.currentData())
        occurred_at = edit_time(self.when) if self.backdate.isChecked() else None
        self.pending = True
        # Read-only rather than cleared: the text is only let go once it is on disk.
        self.edit.setReadOnly(True)
        self.add_button.setEnabled(False)
        self._ops.mutate(
            lambda ctx: timeline.add_note(
                ctx, reference=reference, text=text, kind=kind, occurred_at=occurred_at
            ),
            done=lambda result: self._added(result[0], text),
            failed=self._failed,
        )

    def _added(self, event_id: str, text: str) -> None:
        self.pending = False
        self.edit.setReadOnly(False)
        self.add_button.setEnabled(True)
        self.error.clear_error()
        self.error.setMinimumHeight(0)
        if self.edit.toPlainText() == text:
            self.edit.clear()
        self.backdate.setChecked(False)
        self.kind.setCurrentIndex(0)
        emit(self.note_added, event_id)

    def _failed(self, error: MimDeskError) -> None:
        self.pending = False
        self.edit.setReadOnly(False)
        self.add_button.setEnabled(True)
        style_error(self.error)
        self.error.show_error(f"Not added: {error.message} {error.hint} Your note is kept here.")
        self.focus()
        # Once the layout has placed the message: a long one must be read whole, not clipped.
        QTimer.singleShot(0, self._make_room)

    @Slot()
    def _make_room(self) -> None:
        """Grow this pane of the splitter until the error message fits, taking the room from
        the timeline above (the panes keep their order and nothing else moves)."""
        if not self.error.isVisible():
            return
        # The field above takes the stretch: the message must claim its wrapped height.
        self.error.setMinimumHeight(self.error.heightForWidth(self.error.width()))
        splitter = self.parentWidget()
        short = self.minimumSizeHint().height() - self.height()
        if not isinstance(splitter, QSplitter) or short <= 0:
            return
        sizes = splitter.sizes()
        mine = splitter.indexOf(self)
        other = 0 if mine else 1
        sizes[mine] += short
        sizes[other] = max(0, sizes[other] - short)
        splitter.setSizes(sizes)


class TimelineTab(QWidget):
    def __init__(
        self,
        current: CurrentIncident,
        ops: Operations,
        now: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._current = current
        self._ops = ops
        self._scroll_to: str | None = None
        self._stream_id: str | None = None
        self.model = TimelineModel(now, self)
        # What the filter bar asks for, and its last result: typing more words looks again
        # only at the entries the fewer words kept.
        self.filter = TimelineFilter()
        self._last: tuple[TimelineFilter, int, list[TimelineEntry]] | None = None
        # The directory's account links, read once and again only when the directory changes
        # (off the UI thread when the change was made here): never at each refresh.
        self._accounts_read = False
        self._accounts_ahead: AccountIndex | None = None
        ops.hub.read_ahead(self._read_accounts)
        ops.hub.changed.connect(self._on_changed)
        self._build_table()
        self._build_actions()
        filters = self._build_filter_bar()
        bar = self._build_bar()

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(bar)
        top_layout.addLayout(filters)
        top_layout.addWidget(self.table, 1)

        self.quick_note = QuickNote(current, ops, now)
        self.quick_note.note_added.connect(self._on_note_added)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self.quick_note)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        current.loaded.connect(self.show_incident)
        self.show_incident(current.view)

    def _build_table(self) -> None:
        """The entries, one row each, with columns fitted to what they hold."""
        self.table = QTableView()
        self.table.setObjectName("timelineTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        # Not ResizeToContents: that measures every row of a long incident at every change.
        self.rows = RowsInSight(self.table, key=self.model.entry)
        header = self.table.horizontalHeader()
        for column in (TIME, AUTHOR, KIND):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(TEXT, QHeaderView.ResizeMode.Stretch)
        self.model.modelReset.connect(lambda: self._fit_columns(0, self.model.rowCount() - 1))
        self.model.rowsInserted.connect(
            lambda _parent, first, last: self._fit_columns(first, last, grow=True)
        )
        self.model.dataChanged.connect(self._on_data_changed)
        header.setHighlightSections(False)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.table.doubleClicked.connect(lambda _index: self.correct_selected())

    def _build_actions(self) -> None:
        """Correct and Use other value, in the table's context menu."""
        self.correct_action = QAction("&Correct entry…", self)
        self.correct_action.setShortcut(QKeySequence("Ctrl+E"))
        self.correct_action.setToolTip("Reword, re-time or withdraw the selected entry (Ctrl+E)")
        self.correct_action.triggered.connect(self.correct_selected)
        self.table.addAction(self.correct_action)
        self.use_other_action = QAction("&Use other value", self)
        self.use_other_action.setToolTip(
            "Of two concurrent changes, set the value that did not win (a new change)"
        )
        self.use_other_action.triggered.connect(self.use_other_value)
        self.table.addAction(self.use_other_action)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())

    def _build_bar(self) -> QHBoxLayout:
        """The count of entries, and the actions as buttons."""
        self.count_label = QLabel()
        self.correct_button = QPushButton("Correct…")
        self.correct_button.setObjectName("correctButton")
        self.correct_button.setToolTip(self.correct_action.toolTip())
        self.correct_button.clicked.connect(self.correct_selected)
        bar = QHBoxLayout()
        self.use_other_button = QPushButton("Use other value")
        self.use_other_button.setObjectName("useOtherValueButton")
        self.use_other_button.clicked.connect(self.use_other_value)
        bar.addWidget(self.count_label)
        bar.addStretch(1)
        bar.addWidget(_buddy("&Search:", self.search_edit))
        bar.addWidget(self.search_edit, 2)
        bar.addWidget(self.use_other_button)
        bar.addWidget(self.correct_button)
        return bar

    def _build_filter_bar(self) -> QHBoxLayout:
        """Milestones only, one kind, one author, and words to find."""
        self.milestones_check = QCheckBox("&Milestones only")
        self.milestones_check.setObjectName("milestonesOnly")
        self.milestones_check.setToolTip("Only the report, status changes and decisions")
        self.milestones_check.toggled.connect(lambda _on: self._filter_changed())
        self.kind_filter = QComboBox()
        self.kind_filter.setObjectName("kindFilter")
        self.kind_filter.addItem("All kinds", "")
        self.kind_filter.currentIndexChanged.connect(lambda _i: self._filter_changed())
        self.author_filter = QComboBox()
        self.author_filter.setObjectName("authorFilter")
        self.author_filter.addItem("Everyone", "")
        self.author_filter.currentIndexChanged.connect(lambda _i: self._filter_changed())
        for combo in (self.kind_filter, self.author_filter):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(10)
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("timelineSearch")
        self.search_edit.setPlaceholderText("Words in the entries or their authors")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(self.fontMetrics().averageCharWidth() * 18)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._filter_changed)
        self.search_edit.textChanged.connect(lambda _text: self._search_timer.start())
        self.search_edit.returnPressed.connect(self._filter_changed)
        row = QHBoxLayout()
        row.addWidget(self.milestones_check)
        row.addWidget(_buddy("&Kind:", self.kind_filter))
        row.addWidget(self.kind_filter)
        row.addWidget(_buddy("A&uthor:", self.author_filter))
        row.addWidget(self.author_filter)
        row.addStretch(1)
        return row

    @Slot()
    def _filter_changed(self) -> None:
        self._search_timer.stop()
        self.filter = TimelineFilter(
            milestones=self.milestones_check.isChecked(),
            kind=str(self.kind_filter.currentData() or ""),
            author=str(self.author_filter.currentData() or ""),
            search=self.search_edit.text(),
        )
        self.show_incident(self._current.view)

    def _shown(self, view: IncidentView | None) -> tuple[list[TimelineEntry], int]:
        """The entries the filter keeps, and how many the incident has (review edits apart:
        they are the Postmortem tab's history)."""
        if view is None:
            self._last = None
            return [], 0
        source = view.timeline
        entries = incident_entries(source)
        last = self._last
        if last is not None and last[1] == id(source) and self.filter.narrows(last[0]):
            shown = self.filter.apply(last[2])
        else:
            shown = self.filter.apply(entries)
        self._last = (self.filter, id(source), shown)
        self._offer_choices(entries)
        return shown, len(entries)

    def _offer_choices(self, entries: list[TimelineEntry]) -> None:
        """The kinds and authors the incident has, in the filter's lists (added, never
        removed while the incident is shown, so a choice does not vanish under the mouse)."""
        for combo, values, label in (
            (self.kind_filter, {e.kind for e in entries}, kind_label),
            (self.author_filter, {e.author.name for e in entries}, str),
        ):
            have = {combo.itemData(i) for i in range(combo.count())}
            for value in sorted(values - have, key=label):
                combo.addItem(label(value), value)

    def _reset_choices(self) -> None:
        for combo in (self.kind_filter, self.author_filter):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            while combo.count() > 1:
                combo.removeItem(1)
            combo.blockSignals(False)
        self.filter = TimelineFilter(
            milestones=self.milestones_check.isChecked(), search=self.search_edit.text()
        )
        self._last = None

    def _read_accounts(self, changes: Changes) -> Callable[[], None] | None:
        """Off the UI thread: the account links again, if ``changes`` touch the directory."""
        if DIRECTORY_STREAM not in changes.streams:
            return None
        accounts = directory.accounts(self._ops.ctx)

        def hand_over() -> None:
            self._accounts_ahead = accounts

        return hand_over

    @Slot(object)
    def _on_changed(self, changes: Changes) -> None:
        ahead, self._accounts_ahead = self._accounts_ahead, None
        if DIRECTORY_STREAM not in changes.streams:
            return
        self._accounts_read = True
        # A change published without reading ahead (pulled by the sync) is read here.
        accounts = ahead if ahead is not None else self._accounts_now()
        if accounts is not None:
            self.model.set_accounts(accounts)

    def reload_accounts(self) -> None:
        """Read the account links again (Refresh: another program may have changed them)."""
        accounts = self._accounts_now()
        if accounts is not None:
            self._accounts_read = True
            self.model.set_accounts(accounts)

    def _accounts_now(self) -> AccountIndex | None:
        try:
            return directory.accounts(self._ops.ctx)
        except MimDeskError:
            return None  # the flags shown stay until the directory next changes

    @Slot(object)
    def show_incident(self, view: IncidentView | None) -> None:
        if view is not None and not self._accounts_read:
            self.reload_accounts()
        bar = self.table.verticalScrollBar()
        same = view is not None and view.state.stream_id == self._stream_id
        # Follow new entries only when the reader is already at the end, like a chat log.
        follow = not same or bar.value() >= bar.maximum() - 2
        selected = self.selected_entry() if same else None
        if not same:
            self._reset_choices()  # another incident: its own kinds and authors
        self._stream_id = view.state.stream_id if view else None
        # New rows are inserted and the selection moves with its row; a reset loses it.
        shown, total = self._shown(view)
        self.model.set_entries(shown)
        self.count_label.setText(count_text(len(shown), total) if view else "")
        if selected is not None and not self.table.selectionModel().hasSelection():
            row = self.model.row_of(selected.event_id)
            if row >= 0:
                self.table.selectRow(row)
        row = self.model.row_of(self._scroll_to) if self._scroll_to else -1
        if row >= 0:
            self.table.scrollTo(self.model.index(row, 0))
        elif follow:
            self.rows.fit_end()
            self.table.scrollToBottom()
        self._scroll_to = None
        self._update_actions()

    @Slot(str)
    def _on_note_added(self, event_id: str) -> None:
        row = self.model.row_of(event_id)
        if row >= 0:
            self.table.scrollTo(self.model.index(row, 0))
        else:
            # The broadcast that shows the note may come after this; scroll when it does.
            self._scroll_to = event_id

    def _fit_columns(self, first: int, last: int, *, grow: bool = False) -> None:
        """Time, Author and Kind as wide as their widest text in rows ``first`` to ``last``.

        Every name and kind is measured once, and the times at both ends (they differ only by
        the date, shown once the incident spans days, and the zone's name) and one back-dated
        (set in italics)."""
        if last < first:
            return
        authors: dict[str, int] = {}
        kinds: dict[str, int] = {}
        times = {first, last}
        backdated = False
        for row in range(first, last + 1):
            entry = self.model.entry(row)
            # A flagged author's cell has a sign beside the name: measured apart.
            flagged = self.model.flag(entry) is not None
            authors.setdefault(f"{flagged:d}{entry.author.name}", row)
            kinds.setdefault(entry.kind, row)
            if not backdated and entry.backdated:
                times.add(row)
                backdated = True
        rows = {TIME: times, AUTHOR: authors.values(), KIND: kinds.values()}
        fit_columns(self.table, rows, grow=grow)

    @Slot(QModelIndex, QModelIndex)
    def _on_data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex) -> None:
        if top_left.column() <= KIND:
            self._fit_columns(top_left.row(), bottom_right.row(), grow=True)

    def selected_entry(self) -> TimelineEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.entry(rows[0].row()) if rows else None

    def _update_actions(self) -> None:
        entry = self.selected_entry()
        can = entry is not None and entry.corrects is None
        self.correct_action.setEnabled(can)
        self.correct_button.setEnabled(can)
        other = entry.concurrent if entry is not None else None
        self.use_other_action.setEnabled(other is not None)
        self.use_other_button.setVisible(other is not None)
        if other is not None:
            value = shown_value(other.other_value)
            short = value if len(value) <= 40 else value[:39] + "…"
            self.use_other_button.setText(f"Use “{short}”")
            self.use_other_button.setToolTip(plain_tip(concurrent_text(entry)))  # type: ignore[arg-type]

    @Slot()
    def use_other_value(self) -> None:
        """Set the value of a concurrent change that did not win, as a new field change."""
        entry = self.selected_entry()
        reference = self._current.reference
        if entry is None or entry.concurrent is None or reference is None:
            return
        name, value = entry.concurrent.field, entry.concurrent.other_value
        self.use_other_button.setEnabled(False)
        self._ops.mutate(
            lambda ctx: incidents.change_field(ctx, reference=reference, field=name, value=value),
            done=lambda _changes: self.use_other_button.setEnabled(True),
            failed=self._use_other_failed,
        )

    def _use_other_failed(self, error: MimDeskError) -> None:
        self.use_other_button.setEnabled(True)
        show_error(self, "Cannot use the other value", error)

    @Slot()
    def correct_selected(self) -> CorrectEntryDialog | None:
        entry = self.selected_entry()
        reference = self._current.reference
        if entry is None or reference is None or entry.corrects is not None:
            return None
        dialog = CorrectEntryDialog(entry, reference, self._ops, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog
