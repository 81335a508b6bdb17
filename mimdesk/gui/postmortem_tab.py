"""The Postmortem tab: the review's fields, saved as events, beside the incident's key figures.

Saving writes only the fields that changed (:func:`mimdesk.usecases.postmortem.set_fields`
writes one event per field), so the log shows who wrote which part. A change from another desk
never overwrites text being typed here: a field holding an unsaved edit is left alone and the
indicator says someone else changed it, as the Overview's details do.
"""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mimdesk.config import Settings
from mimdesk.domain import impact, review
from mimdesk.domain.clock import format_duration, format_local
from mimdesk.domain.incident import POSTMORTEM_FIELDS
from mimdesk.domain.timeline import TimelineEntry, review_history
from mimdesk.domain.vocabulary import POSTMORTEM_STATUSES, ROOT_CAUSE_STATES
from mimdesk.domain.wording import counted
from mimdesk.errors import MimDeskError
from mimdesk.gui import theme
from mimdesk.gui.current import CurrentIncident
from mimdesk.gui.dialogs import fill_choices
from mimdesk.gui.operations import Operations
from mimdesk.gui.tasks import TaskRunner
from mimdesk.gui.widgets import (
    ErrorLabel,
    muted,
    plain_label,
    plain_labels,
    plain_tip,
    rich_label,
)
from mimdesk.usecases import postmortem
from mimdesk.usecases.context import Changes, Context
from mimdesk.usecases.incidents import IncidentView

# What an unset field means: a review nobody marked final is a draft; a root cause nobody
# marked otherwise is the known one. Comparing through these keeps an untouched form clean.
DEFAULTS = {"status": "draft", "root_cause_status": "known"}
LABELS = {
    **review.TEXT_FIELDS,
    **review.LINE_FIELDS,
    "root_cause_status": "Root cause status",
    "problem_ref": "Problem record",
    "status": "Status",
    "owner": "Owner",
    "authors": "Authors",
    "meeting_date": "Review meeting",
    "approved_on": "Approved on",
}
PLACEHOLDERS = {
    "summary": "What happened, in two or three sentences a director can read aloud",
    "business_impact": "Who could not do what, for how long, and what it cost (orders, "
    "customers, money, reputation)",
    "root_cause": "Why it happened; or mark it under investigation and name the problem record",
    "contributing_factors": "What made it worse or longer",
    "went_well": "What helped: keep doing it",
    "went_badly": "What hindered: change it",
    "got_lucky": "What saved us this time that we cannot count on",
    "lessons": "What we learned, and what we will do differently",
    "trigger": "What set it off: a change, a load, an expiry",
    "detection": "How we found out, and how long that took",
    "resolution": "What restored service",
    "lead_up": "What happened before, that made it possible",
    "fault": "What broke, and how",
    "response": "Who did what once we knew",
    "recovery": "How service came back, step by step",
    "five_whys": "One why a line: why did it fail? why was that? …",
    "related_incidents": "Earlier or later incidents with the same cause, one a line",
    "links": "Dashboards, tickets, chat logs: one address a line",
}
SMALL_BOXES = ("contributing_factors", "went_well", "went_badly", "got_lucky")
# The narrative the well-known templates ask for; each optional, printed only when written.
STORY_FIELDS = ("trigger", "detection", "resolution", "lead_up", "fault", "response", "recovery")
LINE_PLACEHOLDERS = {
    "impact_users": "e.g. about 3,000",
    "impact_customers": "e.g. up to 1,200 EU customers",
    "impact_transactions": "e.g. 41,000 card payments",
    "impact_support_contacts": "e.g. 350 calls, 90 e-mails",
    "impact_data_lost": "e.g. 0, or about 6 hours of records",
    "impact_money": "e.g. about £250,000 in refunds",
    "published_duration": "As the organisation published it, e.g. about 24 hours",
    "problem_ref": "Problem record carrying the investigation, e.g. PRB0001234",
    "owner": "Who sees the review through",
    "authors": "Names separated by semicolons",
    "meeting_date": "YYYY-MM-DD",
    "approver": "Who approved the review",
    "approved_on": "YYYY-MM-DD",
}
# The fields edited in one line each (the text boxes hold the rest).
LINE_EDITS = (
    "problem_ref",
    "owner",
    "authors",
    "meeting_date",
    "approver",
    "approved_on",
    "published_duration",
    *impact.MEASURES,
)


def _text_box(name: str, lines: int) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setObjectName(f"pm_{name}")
    box.setPlaceholderText(PLACEHOLDERS[name])
    box.setTabChangesFocus(True)
    # Fixed, like the Overview's boxes: a long text scrolls inside its box, and the form
    # keeps its shape instead of one box taking all the height.
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


class KeyFiguresBox(QGroupBox):
    """Time to declare, mitigate, resolve against their targets, and updates sent on time."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Key figures", parent)
        self.grid = QGridLayout()
        self.grid.setColumnStretch(2, 1)
        self.updates = QLabel()
        self.updates.setObjectName("pmUpdates")
        self.updates.setWordWrap(True)
        self.updates.setTextFormat(Qt.TextFormat.RichText)
        self.values: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)
        layout.addLayout(self.grid)
        layout.addWidget(self.updates)

    def clear_figures(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.values.clear()
        self.updates.setText("Working out the figures…")

    def show_figures(self, figures: Any) -> None:
        self.clear_figures()
        good = "#15803d" if not theme.is_dark(self.palette()) else "#6ee7a0"
        bad = theme.error_colour(self.palette()).name()
        for row, span in enumerate(figures.spans):
            value = plain_label(span_text(span))
            value.setObjectName(f"pmFigure_{span.name}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            target = rich_label(QLabel())  # the verdict in colour; no typed text
            # What the figure measures, beside it, as the PDF prints it under it.
            parts = [escape(span.definition)] if span.definition else []
            if span.target is not None:
                verdict = {True: "met", False: "missed", None: ""}[span.met]
                colour = {True: good, False: bad, None: ""}[span.met]
                text = f"target {format_duration(span.target)}"
                if verdict:
                    text += f" — <b style='color:{colour}'>{verdict}</b>"
                parts.append(text)
            target.setText(" · ".join(parts))
            if span.met is None:
                muted(target)
            self.grid.addWidget(plain_label(span.label + ":"), row, 0)
            self.grid.addWidget(value, row, 1)
            self.grid.addWidget(target, row, 2)
            self.values[span.name] = value
        self.updates.setText(updates_text(figures))


def span_text(span: Any) -> str:
    """A duration as the PDF words it: exact, rounded for rough times, or why there is none."""
    from mimdesk.reports import pm_figures

    if span.withheld:
        return "not recorded"
    if span.value is None:
        return "not known" if span.start is not None and span.end is not None else "not yet"
    return pm_figures.approximate(span) or format_duration(span.value)


def updates_text(figures: Any) -> str:
    """The updates figure in words that add up (as the PDF says it), then each audience."""
    from mimdesk.reports import pm_figures

    lines = [f"<b>{escape(pm_figures.updates_summary(figures))}</b>"]
    for u in figures.updates:
        if not u.sent and not u.due:
            continue  # nothing sent and nothing due: the sentence above covers it
        line = f"{escape(u.label)}: {counted(u.sent, 'update')} sent"
        if u.due:
            line += f"; {u.on_time} of {u.due} due on time ({u.late} late, {u.missed} missed)"
        untracked = u.no_cadence + u.before_declaration + u.time_unknown
        if untracked:
            line += f"; {untracked} not tracked"
        lines.append(line)
    return "<br>".join(lines)


class ReviewHistoryBox(QGroupBox):
    """Who edited which part of the review, and when: the review's own history, kept out of
    the incident's timeline."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Review history", parent)
        self.setObjectName("reviewHistory")
        self.list = QTreeWidget()
        self.list.setObjectName("reviewHistoryList")
        self.list.setHeaderLabels(["When", "Who", "What changed"])
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setAlternatingRowColors(True)
        self.list.setMinimumHeight(self.fontMetrics().height() * 6)
        self.empty = QLabel("No edits to the review yet.")
        muted(self.empty)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.list)

    def show_entries(self, entries: list[TimelineEntry]) -> None:
        self.list.clear()
        self.list.addTopLevelItems(
            [
                QTreeWidgetItem([format_local(e.occurred_at), e.author.name, e.text])
                for e in reversed(entries)  # the latest edit first
            ]
        )
        for column in (0, 1):
            self.list.resizeColumnToContents(column)
        self.empty.setVisible(not entries)
        self.list.setVisible(bool(entries))


class PostmortemTab(QScrollArea):
    def __init__(
        self,
        current: CurrentIncident,
        ops: Operations,
        runner: TaskRunner,
        settings: Settings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._current = current
        self._ops = ops
        self._runner = runner
        self._settings = settings
        self._view: IncidentView | None = None
        self._saving = False
        self._figures_stale = False
        self._history_stale = True
        # Fields another desk changed while this one held an unsaved edit of them.
        self._overtaken: set[str] = set()
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)

        self._build_header_widgets()
        self._build_review_fields()
        top = self._build_top_row()
        figures_row = self._build_figures_row()
        review = self._build_what_happened()
        learning = self._build_what_we_learned()
        self._arrange(top, figures_row, review, learning)
        self._connect_form()
        current.loaded.connect(self.show_incident)
        self.show_incident(current.view)

    def _build_header_widgets(self) -> None:
        """The review's status, whether it is saved, Save and Revert, and the error line."""
        self.status = QComboBox()
        self.status.setObjectName("pmStatus")
        fill_choices(self.status, POSTMORTEM_STATUSES)
        self.status.setToolTip("Final needs a summary, and a root cause or a problem record")
        self.state_label = QLabel()
        self.state_label.setObjectName("pmSaveState")
        self.state_label.setWordWrap(True)
        self.save_button = QPushButton("&Save postmortem")
        self.save_button.setObjectName("pmSaveButton")
        self.save_button.setToolTip("Save the changed fields")
        self.revert_button = QPushButton("&Revert")
        self.revert_button.setObjectName("pmRevertButton")
        self.revert_button.setToolTip("Throw away what you changed here")
        self.error = ErrorLabel()
        self.error.setObjectName("pmError")

    def _build_review_fields(self) -> None:
        """One editor per postmortem field besides the status, the key figures, and what
        shows while no incident is open."""
        self.texts = {
            name: _text_box(name, 3 if name in STORY_FIELDS else 4 if name in SMALL_BOXES else 5)
            for name in review.TEXT_FIELDS
        }
        self.root_cause_status = QComboBox()
        self.root_cause_status.setObjectName("pmRootCauseStatus")
        fill_choices(self.root_cause_status, ROOT_CAUSE_STATES)
        self.lines: dict[str, QLineEdit] = {}
        for name in LINE_EDITS:
            line = QLineEdit()
            line.setObjectName("pm" + "".join(w.capitalize() for w in name.split("_")))
            line.setPlaceholderText(LINE_PLACEHOLDERS[name])
            if name in review.DATE_FIELDS:
                line.setMaxLength(10)
            self.lines[name] = line
        self.problem_ref = self.lines["problem_ref"]
        self.owner = self.lines["owner"]
        self.authors = self.lines["authors"]
        self.meeting_date = self.lines["meeting_date"]
        self.figures = KeyFiguresBox()
        self.placeholder = QLabel("Open an incident from the list to write its postmortem.")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        muted(self.placeholder)

    def _build_top_row(self) -> QHBoxLayout:
        top = QHBoxLayout()
        status_label = QLabel("St&atus:")
        status_label.setBuddy(self.status)
        top.addWidget(status_label)
        top.addWidget(self.status)
        top.addSpacing(12)
        top.addWidget(self.state_label, 1)
        top.addWidget(self.revert_button)
        top.addWidget(self.save_button)
        return top

    def _build_figures_row(self) -> QHBoxLayout:
        """The key figures beside who owns, writes and reviews the postmortem."""
        people = QFormLayout()
        people.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        people.addRow("&Owner:", self.owner)
        people.addRow("A&uthors:", self.authors)
        people.addRow("Review &meeting:", self.meeting_date)
        people.addRow("Approved &by:", self.lines["approver"])
        people.addRow("Approved on:", self.lines["approved_on"])
        figures_row = QHBoxLayout()
        figures_row.addWidget(self.figures, 3)
        people_box = QGroupBox("Review")
        people_box.setLayout(people)
        figures_row.addWidget(people_box, 2)
        return figures_row

    def _build_what_happened(self) -> QGroupBox:
        review = QGroupBox("What happened")
        form = QFormLayout(review)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        for name in ("summary", "business_impact"):
            form.addRow(self._label(name), self.texts[name])
        cause_row = QHBoxLayout()
        cause_row.addWidget(self.root_cause_status)
        cause_row.addWidget(self.problem_ref, 1)
        form.addRow("Root cause is:", cause_row)
        form.addRow(self._label("root_cause"), self.texts["root_cause"])
        form.addRow(self._label("contributing_factors"), self.texts["contributing_factors"])
        form.addRow(self._label("five_whys"), self.texts["five_whys"])
        return review

    def _build_impact_numbers(self) -> QGroupBox:
        """The impact in numbers, two measures a row, and the duration as published."""
        box = QGroupBox("Impact in numbers")
        grid = QGridLayout(box)
        names = [*impact.MEASURES, "published_duration"]
        for i, name in enumerate(names):
            row, column = divmod(i, 2)
            label = QLabel(f"{LABELS[name]}:")
            label.setBuddy(self.lines[name])
            grid.addWidget(label, row, column * 2)
            grid.addWidget(self.lines[name], row, column * 2 + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        note = QLabel(
            "A number or a range, with words around it: about 3,000; up to 12,000 EU customers."
        )
        note.setWordWrap(True)
        muted(note)
        grid.addWidget(note, (len(names) + 1) // 2, 0, 1, 4)
        return box

    def _build_story(self) -> QGroupBox:
        """The narrative sections, two a row; each is printed only when written."""
        box = QGroupBox("The story in detail (optional)")
        grid = QGridLayout(box)
        for i, name in enumerate(STORY_FIELDS):
            row, column = divmod(i, 2)
            grid.addWidget(self._label(name), row * 2, column)
            grid.addWidget(self.texts[name], row * 2 + 1, column)
            grid.setColumnStretch(column, 1)
        return box

    def _build_references(self) -> QGroupBox:
        box = QGroupBox("References")
        grid = QGridLayout(box)
        for column, name in enumerate(("related_incidents", "links")):
            grid.addWidget(self._label(name), 0, column)
            grid.addWidget(self.texts[name], 1, column)
            grid.setColumnStretch(column, 1)
        return box

    def _build_what_we_learned(self) -> QGroupBox:
        """Went well, went badly and got lucky side by side; the lessons across below."""
        learning = QGroupBox("What we learned")
        grid = QGridLayout(learning)
        for i, name in enumerate(("went_well", "went_badly", "got_lucky")):
            label = self._label(name)
            grid.addWidget(label, 0, i)
            grid.addWidget(self.texts[name], 1, i)
            grid.setColumnStretch(i, 1)
        lessons = self._label("lessons")
        grid.addWidget(lessons, 2, 0, 1, 3)
        grid.addWidget(self.texts["lessons"], 3, 0, 1, 3)
        return learning

    def _arrange(
        self, top: QHBoxLayout, figures_row: QHBoxLayout, review: QGroupBox, learning: QGroupBox
    ) -> None:
        """The placeholder, or the form, in the scrolled body."""
        body = QWidget()
        self.body_layout = QVBoxLayout(body)
        self.body_layout.addWidget(self.placeholder)
        self.content = QWidget()
        content = QVBoxLayout(self.content)
        content.setContentsMargins(0, 0, 0, 0)
        content.addLayout(top)
        content.addWidget(self.error)
        content.addLayout(figures_row)
        content.addWidget(review)
        content.addWidget(self._build_impact_numbers())
        content.addWidget(self._build_story())
        content.addWidget(learning)
        content.addWidget(self._build_references())
        self.history = ReviewHistoryBox()
        content.addWidget(self.history)
        self.body_layout.addWidget(self.content)
        self.body_layout.addStretch(1)
        self.setWidget(body)
        plain_labels(body)  # the figures' labels keep the RichText they were given

    def _connect_form(self) -> None:
        """Every edit updates the saved/unsaved state; the root-cause status governs whether
        a problem record is asked for."""
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.revert)
        for box in self.texts.values():
            box.textChanged.connect(self._update_state)
        for line in self.lines.values():
            line.textChanged.connect(self._update_state)
        for combo in (self.status, self.root_cause_status):
            combo.currentIndexChanged.connect(self._update_state)
        self.root_cause_status.currentIndexChanged.connect(self._update_problem_ref)

    def _label(self, name: str) -> QLabel:
        label = QLabel(f"{LABELS[name]}:")
        label.setBuddy(self.texts[name])
        return label

    # ---- the form --------------------------------------------------------------------------

    def form_value(self, name: str) -> str:
        match name:
            case "status":
                return str(self.status.currentData())
            case "root_cause_status":
                return str(self.root_cause_status.currentData())
            case _ if name in self.lines:
                return self.lines[name].text()
            case _:
                return self.texts[name].toPlainText()

    def set_form_value(self, name: str, value: str) -> None:
        value = value or DEFAULTS.get(name, "")
        match name:
            case "status":
                fill_choices(self.status, POSTMORTEM_STATUSES, value)
            case "root_cause_status":
                fill_choices(self.root_cause_status, ROOT_CAUSE_STATES, value)
            case "authors":
                self.authors.setText("; ".join(postmortem.authors_of({"authors": value})))
                self.authors.setCursorPosition(0)
            case _ if name in self.lines:
                line = self.lines[name]
                line.setText(value)
                line.setCursorPosition(0)
            case _:
                self.texts[name].setPlainText(value)

    def _differs(self, name: str, stored: dict[str, str]) -> bool:
        kept = stored.get(name, "") or DEFAULTS.get(name, "")
        if self.form_value(name) == kept:
            return False  # as recorded, even a status this site's list lacks
        try:
            typed = postmortem.clean_field(name, self.form_value(name))
        except MimDeskError:
            return True  # not valid as typed: unsaved, and saving will say why
        return (typed or DEFAULTS.get(name, "")) != kept

    def unsaved_work(self) -> str | None:
        """What closing the window now would lose, in words; None when nothing."""
        dirty = self.dirty()
        if not dirty or self._view is None:
            return None
        names = ", ".join(LABELS[n] for n in dirty)
        return f"postmortem changes for {self._view.reference} ({names})"

    def dirty(self) -> dict[str, str]:
        """The fields whose form value differs from what is stored, as typed."""
        if self._view is None:
            return {}
        stored = self._view.state.postmortem
        return {
            name: self.form_value(name) for name in POSTMORTEM_FIELDS if self._differs(name, stored)
        }

    # ---- showing ---------------------------------------------------------------------------

    @Slot(object)
    def show_incident(self, view: IncidentView | None) -> None:
        same = (
            view is not None
            and self._view is not None
            and view.state.stream_id == self._view.state.stream_id
        )
        previous = dict(self._view.state.postmortem) if same and self._view else None
        self._view = view
        self.placeholder.setVisible(view is None)
        self.content.setVisible(view is not None)
        if not same:
            self._overtaken.clear()
            self.error.clear_error()
        stored = view.state.postmortem if view else {}
        for name in POSTMORTEM_FIELDS:
            new = stored.get(name, "")
            if previous is None or not self._differs(name, previous):
                self.set_form_value(name, new)
                self._overtaken.discard(name)
            elif new != previous.get(name, ""):
                # Someone else saved this field while it was being edited here: keep the typing.
                self._overtaken.add(name)
        self._update_problem_ref()
        self._update_state()
        # The figures re-read the whole log: only for a tab someone is looking at.
        self._figures_stale = view is not None
        if view is not None and self.isVisible():
            self._load_figures(view.reference)
        self._history_stale = True
        if self.isVisible():
            self._show_history()

    def _show_history(self) -> None:
        self._history_stale = False
        view = self._view
        self.history.show_entries(review_history(view.timeline) if view else [])

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._history_stale:
            self._show_history()
        reference = self._current.reference
        if self._figures_stale and reference is not None:
            self._load_figures(reference)

    def _load_figures(self, reference: str) -> None:
        self._figures_stale = False
        ctx, settings = self._ops.ctx, self._settings

        def done(figures: Any) -> None:
            if self._current.reference == reference:
                self.figures.show_figures(figures)

        def failed(error: BaseException) -> None:
            if self._current.reference == reference:
                self.figures.clear_figures()
                self.figures.updates.setText(f"The figures cannot be worked out: {error}")

        self._runner.run(
            lambda: postmortem.key_figures(ctx, reference=reference, settings=settings),
            done=done,
            failed=failed,
            lane="pool",
        )

    @Slot()
    def _update_problem_ref(self) -> None:
        investigating = self.root_cause_status.currentData() == "under investigation"
        self.problem_ref.setEnabled(investigating or bool(self.problem_ref.text()))

    @Slot()
    def _update_state(self) -> None:
        dirty = self.dirty()
        self.save_button.setEnabled(bool(dirty) and not self._saving)
        self.revert_button.setEnabled(bool(dirty) and not self._saving)
        label = self.state_label
        if self._view is None:
            label.clear()
            return
        if self._saving:
            label.setText("Saving…")
            label.setStyleSheet("")
            return
        if not dirty:
            label.setText("All changes saved")
            label.setToolTip("")
            label.setStyleSheet("")
            muted(label)
            return
        names = ", ".join(LABELS[n] for n in dirty)
        text = f"Unsaved changes: {names}"
        overtaken = [LABELS[n] for n in POSTMORTEM_FIELDS if n in self._overtaken and n in dirty]
        if overtaken:
            text += (
                f". Someone else changed {', '.join(overtaken)} meanwhile; saving replaces"
                " their text with yours (Revert shows theirs)."
            )
        label.setText(text)
        label.setToolTip(plain_tip(text))
        label.setStyleSheet(
            f"QLabel {{ color: {theme.WARNING_TEXT}; background:"
            f" {theme.WARNING_BACKGROUND}; padding: 0.2em 0.5em;"
            " border-radius: 0.3em; font-weight: bold; }"
        )

    # ---- saving ----------------------------------------------------------------------------

    @Slot()
    def save(self) -> None:
        reference = self._current.reference
        dirty = self.dirty()
        if reference is None or not dirty or self._saving:
            return
        self._saving = True
        self.error.clear_error()
        self._update_state()

        def action(ctx: Context) -> Changes:
            return postmortem.set_fields(ctx, reference=reference, **dirty)

        self._ops.mutate(action, done=self._saved, failed=self._save_failed)

    def _saved(self, _changes: Changes) -> None:
        self._saving = False
        self._overtaken.clear()
        self._update_state()

    def _save_failed(self, error: MimDeskError) -> None:
        self._saving = False
        self.error.show_error(error)
        self._update_state()

    @Slot()
    def revert(self) -> None:
        if self._view is None:
            return
        for name in POSTMORTEM_FIELDS:
            self.set_form_value(name, self._view.state.postmortem.get(name, ""))
        self._overtaken.clear()
        self.error.clear_error()
        self._update_state()
