"""The main window: composes the header, the incident list and the workspace tabs, and
holds the actions with their shortcuts. It owns no incident logic of its own."""

from __future__ import annotations

import gc
import html
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QRect, QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mimdesk.app import App
from mimdesk.domain.summary import IncidentSummary
from mimdesk.errors import MimDeskError
from mimdesk.gui import log_folder
from mimdesk.gui.about import AboutBox
from mimdesk.gui.alerts import install as install_timers
from mimdesk.gui.app_icon import app_icon
from mimdesk.gui.banner_overlay import BannerOverlay
from mimdesk.gui.catalogue_dialog import CatalogueOpener
from mimdesk.gui.changes import ChangeHub
from mimdesk.gui.current import CurrentIncident
from mimdesk.gui.declaration_actions import DecisionOpener
from mimdesk.gui.dialogs import NewIncidentDialog
from mimdesk.gui.directory_dialog import install_menu as install_directory_menu
from mimdesk.gui.export import ExportActions, install_export_actions
from mimdesk.gui.header import IncidentHeader
from mimdesk.gui.help import HelpDialog, section_for_tab
from mimdesk.gui.incident_list import IncidentListView
from mimdesk.gui.next_step import install as install_next_step
from mimdesk.gui.operations import Operations
from mimdesk.gui.overview import OverviewTab
from mimdesk.gui.roles_tab import RolesTab
from mimdesk.gui.signals import emit, emitter
from mimdesk.gui.tasks import TaskRunner
from mimdesk.gui.timeline import TimelineTab
from mimdesk.gui.uiclock import UiClock
from mimdesk.gui.widgets import muted, plain_labels, show_error
from mimdesk.gui.workspace_tabs import WorkspaceTabs
from mimdesk.usecases import maintenance
from mimdesk.usecases.incidents import IncidentView

OVERVIEW_TAB, TIMELINE_TAB = 0, 1
DEFAULT_SIZE = (1280, 800)
# Room left for the window's frame around the default size, and how much of the title bar must
# lie on a screen for a restored window to count as reachable.
TITLE_BAR, FRAME_WIDTH, MIN_GRIP = 32, 16, 120


class MainWindow(QMainWindow):
    """Signals:
    open_database_requested(): the user asked to open another database file.
    new_database_requested(): the user asked to create a new database file.
    closed(): the window closed (the user quit, or another database replaces it).
    """

    open_database_requested = Signal()
    new_database_requested = Signal()
    closed = Signal()
    # The File menu's export and import entries (set by install_export_actions).
    export_actions: ExportActions

    def __init__(
        self,
        app: App,
        *,
        runner: TaskRunner,
        hub: ChangeHub,
        clock: UiClock,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.app = app
        self.runner = runner
        self.hub = hub
        self.clock = clock
        self.ops = Operations(app.ctx, runner, hub, self)
        self.current = CurrentIncident(app.ctx, hub, self)
        self.setWindowTitle("MIM Desk")
        # Also the tray's icon (alerts), which is installed below.
        self.setWindowIcon(app_icon())
        self.setObjectName("mainWindow")

        self.header = IncidentHeader(self.current, app.settings)
        self.incident_list = IncidentListView(app.ctx, hub, app.settings)
        self.incident_list.setMinimumWidth(self.fontMetrics().averageCharWidth() * 40)
        self.overview = OverviewTab(
            self.current, self.ops, app.settings, app.ctx.now, lambda: app.ctx.author.name
        )
        self.timeline = TimelineTab(self.current, self.ops, app.ctx.now)
        self.tabs = WorkspaceTabs()
        self.tabs.setObjectName("workspaceTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.overview, "Overview")
        self.tabs.addTab(self.timeline, "Timeline")
        self._tab_actions: list[QAction] = []
        self.settings_dialog: QWidget | None = None

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.incident_list)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.header)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.banners = BannerOverlay(self.splitter)

        self.database_label = QLabel(str(app.database))
        self.database_label.setObjectName("databaseLabel")
        muted(self.database_label)
        self.statusBar().addPermanentWidget(self.database_label)

        self._build_actions()
        self._build_feature_tabs()
        install_export_actions(self)
        # Every label built so far shows its text as typed unless it was made rich on purpose
        # (mimdesk.gui.widgets); a label made later is made plain where it is made.
        plain_labels(self)
        self.incident_list.incident_selected.connect(self.current.open)
        self.current.loaded.connect(self._on_loaded)
        self.current.failed.connect(self._on_read_failed)
        self._restore_state()

        self.incident_list.refresh()
        self.open_first()
        clock.start()

    # ---- actions --------------------------------------------------------------------------

    def _action(
        self, text: str, shortcut: str | QKeySequence.StandardKey | None, slot: object
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.new_incident_action = self._action("&New incident…", "Ctrl+N", self.new_incident)
        self.open_db_action = self._action(
            "&Open another database…", "Ctrl+Shift+O", emitter(self.open_database_requested)
        )
        self.new_db_action = self._action(
            "&Create a new database…", None, emitter(self.new_database_requested)
        )
        self.rebuild_action = self._action(
            "Re&build incident lists", None, self.rebuild_projections
        )
        self.quit_action = self._action("&Quit", "Ctrl+Q", self.close)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)

        self.quick_note_action = self._action("&Quick note", "Ctrl+L", self.focus_quick_note)
        self.search_action = self._action("&Find incident", "Ctrl+F", self.focus_search)
        # Ctrl+Enter works only while typing in the note; the menu entry is there to be found.
        self.add_note_action = self.timeline.quick_note.add_action
        self.correct_action = self.timeline.correct_action
        self.save_action = self._action(
            "&Save changes", QKeySequence.StandardKey.Save, self.save_current
        )
        self.save_action.setToolTip("Save what was changed on the Overview or the Postmortem tab")
        self.addAction(self.correct_action)

        self.overview_action = self._action(
            "&Overview", "Ctrl+1", lambda: self.go_to_tab(OVERVIEW_TAB)
        )
        self.timeline_action = self._action(
            "&Timeline", "Ctrl+2", lambda: self.go_to_tab(TIMELINE_TAB)
        )
        self.refresh_action = self._action("&Refresh", "F5", self.refresh)
        self.help_action = self._action("&Quick guide", "F1", self.show_help_for_tab)
        self.help_action.setToolTip("The guide to MIM Desk, at the part about the tab in front")
        self.about_action = self._action("&About MIM Desk", None, self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.help_dialog: HelpDialog | None = None

        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.new_incident_action)
        file_menu.addSeparator()
        file_menu.addAction(self.open_db_action)
        file_menu.addAction(self.new_db_action)
        file_menu.addAction(self.rebuild_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addAction(self.quick_note_action)
        edit_menu.addAction(self.add_note_action)
        edit_menu.addAction(self.correct_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.save_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.search_action)
        view_menu = bar.addMenu("&View")
        view_menu.addAction(self.overview_action)
        view_menu.addAction(self.timeline_action)
        view_menu.addSeparator()
        view_menu.addAction(self.refresh_action)
        self.tools_menu = bar.addMenu("&Tools")
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.help_action)
        self.log_folder_action = log_folder.install(help_menu, self.app.paths.logs, self)
        help_menu.addSeparator()
        help_menu.addAction(self.about_action)
        self.file_menu, self.edit_menu, self.view_menu = file_menu, edit_menu, view_menu

    def _build_feature_tabs(self) -> None:
        """The feature tabs after Overview and Timeline, in the order the work flows.

        A tab is built when it is first shown (see :mod:`mimdesk.gui.workspace_tabs`): the
        window paints sooner, and a hidden tab costs nothing when the incident changes. Roles is
        built at once, for a few milliseconds; Communications soon after the first paint, as its
        outbox worker delivers waiting messages whether or not the tab is ever shown.
        """
        # The Tools entry belongs to the window: it is there before the tab is built.
        self.catalogue = CatalogueOpener(self, self.tools_menu, self.ops)
        self.add_tab(self._declaration_tab, "&Declaration")
        self.decisions = DecisionOpener(self, self.tabs.count() - 1)
        self.add_tab(RolesTab(self.current, self.ops, self.runner, self.app.settings), "Ro&les")
        self.countdowns, self.alerts = install_timers(self)
        self.next_step = install_next_step(self)
        self.directory_action = install_directory_menu(self)
        self.add_tab(self._comms_tab, "&Communications")
        self._comms_index = self.tabs.count() - 1
        self.settings_action = self._install_settings_action()
        self.add_tab(self._followups_tab, "&Follow-ups")
        self.add_tab(self._postmortem_tab, "&Postmortem")
        self.installEventFilter(self)  # until the first paint (see _after_first_paint)

    def _declaration_tab(self) -> QWidget:
        from mimdesk.gui.declaration_tab import DeclarationTab

        return DeclarationTab.for_window(self)

    def _comms_tab(self) -> QWidget:
        from mimdesk.gui.comms_tab import CommsTab

        return CommsTab(self.app, self.current, self.ops, self.runner, self.clock)

    def _followups_tab(self) -> QWidget:
        from mimdesk.gui.followups_tab import FollowupsTab

        return FollowupsTab(self.current, self.ops, self.app.ctx.now)

    def _postmortem_tab(self) -> QWidget:
        from mimdesk.gui.postmortem_tab import PostmortemTab

        return PostmortemTab(self.current, self.ops, self.runner, self.app.settings)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self and event.type() == QEvent.Type.Paint:
            self.removeEventFilter(self)
            # After this paint is on the screen, not before it.
            QTimer.singleShot(0, self, self._after_first_paint)
        return super().eventFilter(watched, event)

    @Slot()
    def _after_first_paint(self) -> None:
        self.tabs.build(self._comms_index)
        QTimer.singleShot(0, self, self._settle_collector)  # a turn apart: input in between

    @Slot()
    def _settle_collector(self) -> None:
        # What lives by now (the modules, this window, the incident shown) lives as long as the
        # window: out of the collector's full passes, which walked all of it and stalled the
        # window for 0.1-0.2 s every few notes on a long incident. Garbage first: none is kept.
        gc.collect()
        gc.freeze()

    def _install_settings_action(self) -> QAction:
        """Tools > Settings… (Ctrl+,); the dialog's module (the channels, the templates) is
        imported when it is first opened, not at start."""
        action = self._action("&Settings…", "Ctrl+,", self.open_settings)
        action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.tools_menu.addAction(action)
        return action

    @Slot()
    def open_settings(self) -> QWidget:
        """Open the settings without blocking; each opening shows the settings as they are."""
        from mimdesk.gui.settings_dialog import SettingsDialog

        if self.settings_dialog is not None:
            self.settings_dialog.deleteLater()
        dialog = SettingsDialog(self.app, self)
        dialog.setObjectName("settingsDialog")
        dialog.open()
        self.settings_dialog = dialog
        return dialog

    def add_banner(self, banner: QWidget) -> None:
        """A banner (a reminder, an alarm) over the foot of the work area: it moves nothing."""
        self.banners.add(banner)

    def add_tab(self, page: QWidget | Callable[[], QWidget], title: str) -> QAction:
        """Add a workspace tab with a View menu entry; Ctrl+3, Ctrl+4… in the order added.
        ``page`` is the tab, or what builds it when it is first shown. An & in ``title`` marks
        the menu entry's access key; the tab shows the plain title."""
        plain = title.replace("&", "")
        if isinstance(page, QWidget):
            index = self.tabs.addTab(page, plain)
        else:
            index = self.tabs.add_later(page, plain)
        shortcut = f"Ctrl+{index + 1}" if index < 9 else None
        action = self._action(title, shortcut, lambda: self.go_to_tab(index))
        before = self.view_menu.actions()[len(self._tab_actions) + 2]
        self.view_menu.insertAction(before, action)
        self._tab_actions.append(action)
        return action

    # ---- what the actions do ---------------------------------------------------------------

    def go_to_tab(self, index: int) -> None:
        """Ctrl+1…7: the tab in front, and the keyboard in it (its first field), so that the
        next key works there; a tab that already holds the focus keeps it where it is."""
        self.tabs.setCurrentIndex(index)
        page, focus = self.tabs.currentWidget(), QApplication.focusWidget()
        if page is None or (focus is not None and page.isAncestorOf(focus)):
            return
        widget = page.nextInFocusChain()
        while widget is not None and widget is not page:
            if (
                page.isAncestorOf(widget)
                and widget.isVisibleTo(page)
                and widget.isEnabled()
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            ):
                widget.setFocus(Qt.FocusReason.TabFocusReason)
                return
            widget = widget.nextInFocusChain()

    @Slot()
    def open_first(self, *_args: object) -> None:
        """Open the incident at the top of the list (after start, or after the demo).

        The list opens on Active; with nothing active, on the candidates waiting for a
        decision, which are the desk's next work, rather than on an empty list."""
        first = self.incident_list.first_stream_id()
        if first is None and self.incident_list.filter == "active":
            self.incident_list.set_filter("candidates")
            first = self.incident_list.first_stream_id()
            if first is None:
                self.incident_list.set_filter("active")
        if first:
            self.open_incident(first)

    def open_incident(self, stream_id: str) -> None:
        self.current.open(stream_id)
        self.incident_list.select(stream_id, emit=False)

    @Slot()
    def new_incident(self) -> NewIncidentDialog:
        dialog = NewIncidentDialog(self.ops, self.app.settings, self.app.ctx.now, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.reported.connect(self._on_reported)
        dialog.open()
        return dialog

    @Slot(object)
    def _on_reported(self, summary: IncidentSummary) -> None:
        if self.incident_list.model.row_of(summary.stream_id) < 0:
            # The filter in force hides a brand-new incident; show it rather than lose it.
            self.incident_list.search.clear()
            self.incident_list.set_filter("candidates")
            if self.incident_list.model.row_of(summary.stream_id) < 0:
                self.incident_list.set_filter("all")
        self.open_incident(summary.stream_id)
        self.tabs.setCurrentIndex(OVERVIEW_TAB)
        self.statusBar().showMessage(f"Reported {summary.reference}", 5000)

    @Slot()
    def save_current(self) -> None:
        """Ctrl+S: save the form on the tab in front (the Overview's fields, the postmortem);
        elsewhere the Overview's, which is what a desk edits most."""
        save = getattr(self.tabs.currentWidget(), "save", None)
        (save if callable(save) else self.overview.save)()

    @Slot()
    def focus_quick_note(self) -> None:
        self.tabs.setCurrentIndex(TIMELINE_TAB)
        self.timeline.quick_note.focus()

    @Slot()
    def focus_search(self) -> None:
        self.incident_list.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.incident_list.search.selectAll()

    @Slot()
    def refresh(self) -> None:
        self.incident_list.refresh()
        self.current.reload()
        self.timeline.reload_accounts()
        self.statusBar().showMessage("Refreshed", 2000)

    @Slot()
    def show_about(self) -> AboutBox:
        dialog = AboutBox(self.app, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_help(self, section: str = "") -> HelpDialog:
        """The quick guide, at ``section`` (an anchor in it) or at its start."""
        if self.help_dialog is None:
            self.help_dialog = HelpDialog(self)
        self.help_dialog.show_section(section)
        return self.help_dialog

    @Slot()
    def show_help_for_tab(self) -> HelpDialog:
        """F1: the guide's part about the tab in front."""
        return self.show_help(section_for_tab(self.tabs.tabText(self.tabs.currentIndex())))

    @Slot()
    def rebuild_projections(self) -> None:
        progress = QProgressDialog("Rebuilding the incident lists from the log…", "", 0, 0, self)
        progress.setWindowTitle("MIM Desk")
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        ctx = self.app.ctx

        def step(done: int, total: int) -> None:
            progress.setMaximum(total)
            progress.setValue(done)

        def finished(count: int) -> None:
            progress.close()
            self.hub.publish(maintenance.rebuild_changes())
            noun = "incident" if count == 1 else "incidents"
            self.statusBar().showMessage(f"Rebuilt the lists from the log: {count} {noun}", 5000)

        def failed(error: BaseException) -> None:
            progress.close()
            if isinstance(error, MimDeskError):
                show_error(self, "Rebuild failed", error)
            else:
                sys.excepthook(type(error), error, error.__traceback__)

        self.runner.run(
            lambda report: maintenance.rebuild(ctx, report),
            done=finished,
            failed=failed,
            progress=step,
            lane="write",
        )

    # ---- reacting --------------------------------------------------------------------------

    @Slot(object)
    def _on_loaded(self, view: IncidentView | None) -> None:
        if view is None:
            self.setWindowTitle("MIM Desk")
        else:
            self.setWindowTitle(f"{view.reference} {view.state.title} — MIM Desk")

    @Slot(object)
    def _on_read_failed(self, error: MimDeskError) -> None:
        show_error(self, "Cannot read the incident", error)

    # ---- window state ------------------------------------------------------------------------

    def _state_file(self) -> Path:
        return self.app.paths.config_dir / "window.ini"

    def _restore_state(self) -> None:
        settings = QSettings(str(self._state_file()), QSettings.Format.IniFormat)
        geometry = settings.value("geometry")
        if geometry is None or not self.restoreGeometry(geometry) or not self._on_a_screen():
            self.place_default()
        splitter = settings.value("splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        else:
            # The list as wide as the tabs leave it once Communications (the widest) is built:
            # it is built after the first paint, and the list must not jump narrower then.
            self.splitter.setSizes([410, 900])

    def _on_a_screen(self) -> bool:
        """Whether the restored window can be reached: its title bar on a screen that exists
        now (a laptop undocked from the monitor it was left on) and not larger than it."""
        frame = self.geometry()
        title_bar = QRect(frame.left(), frame.top() - TITLE_BAR, frame.width(), TITLE_BAR)
        for screen in QGuiApplication.screens():
            room = screen.availableGeometry()
            reachable = (room & title_bar).width() >= MIN_GRIP
            if reachable and frame.width() <= room.width() and frame.height() <= room.height():
                return True
        return False

    def place_default(self) -> None:
        """The default size, within the work area of the screen the window opens on: 1280x800
        where there is room, less on a 1366x768 laptop or at 200 % on 1920x1080 (960x540)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(*DEFAULT_SIZE)
            return
        room = screen.availableGeometry()
        # The frame is not known before the window is shown; leave the usual title bar and
        # borders of the systems desks run.
        width = min(DEFAULT_SIZE[0], room.width() - FRAME_WIDTH)
        height = min(DEFAULT_SIZE[1], room.height() - TITLE_BAR - FRAME_WIDTH)
        self.resize(max(width, self.minimumSizeHint().width()), height)
        left = room.left() + (room.width() - self.width()) // 2
        top = room.top() + TITLE_BAR + max(0, (room.height() - TITLE_BAR - self.height()) // 2)
        self.move(left, top)

    def _save_state(self) -> None:
        try:
            self._state_file().parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            return  # the layout is a nicety; never stop a close over it
        settings = QSettings(str(self._state_file()), QSettings.Format.IniFormat)
        settings.setValue("geometry", self.saveGeometry())
        settings.setValue("splitter", self.splitter.saveState())

    def unsaved_work(self) -> list[str]:
        """Everything typed that is not in the log yet, in words, tab by tab."""
        found = []
        note = self.timeline.quick_note
        if note.edit.toPlainText().strip() and not note.pending:
            found.append("a quick note that is not in the timeline yet")
        for page in self.tabs.built_pages():
            ask = getattr(page, "unsaved_work", None)
            what = ask() if callable(ask) else None
            if what:
                found.append(what)
        return found

    def closeEvent(self, event: QCloseEvent) -> None:
        unsaved = self.unsaved_work()
        if unsaved:
            items = "".join(f"<li>{html.escape(u)}</li>" for u in unsaved)
            answer = QMessageBox.question(
                self,
                "Not saved yet",
                f"<p>Not saved yet:</p><ul>{items}</ul><p>Quit anyway and lose it?</p>",
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                event.ignore()
                return
        self.clock.stop()
        # Let queued writes reach the disk before the database is closed.
        self.runner.wait()
        self._save_state()
        super().closeEvent(event)
        gc.unfreeze()  # what the window held may be collected once it is gone
        emit(self.closed)
