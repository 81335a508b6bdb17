"""The timeline's table model: each entry of an incident as a row, and how a row reads."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyle

from mimdesk.domain.clock import format_local
from mimdesk.domain.directory import AccountIndex, Person
from mimdesk.domain.timeline import TimelineEntry
from mimdesk.gui import theme
from mimdesk.gui.tablemodel import RowsModel
from mimdesk.gui.widgets import plain_tip

Index = QModelIndex | QPersistentModelIndex

TIME, AUTHOR, KIND, TEXT = range(4)
HEADERS = ("Time", "Author", "Kind", "Entry")
EntryRole = Qt.ItemDataRole.UserRole + 1
# What the author's cell of a flagged entry answers itself (see TimelineModel._flag).
_FLAG_ROLES = (
    Qt.ItemDataRole.DecorationRole,
    Qt.ItemDataRole.AccessibleTextRole,
    Qt.ItemDataRole.ForegroundRole,
)

KIND_LABELS = {
    "report": "Reported",
    "field": "Change",
    "status": "Status",
    "role": "Role",
    "correction": "Correction",
    "assessment": "Assessment",
    "decision": "Decision",
    "other": "Other",
}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.capitalize())


def shown_value(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "none"
    return "none" if value is None or value == "" else str(value)


def concurrent_text(entry: TimelineEntry) -> str:
    """Both values of a concurrent change, and which won and why."""
    c = entry.concurrent
    if c is None:
        return ""
    who = c.other_author.name if c.other_author else "another desk"
    name = c.field.replace("_", " ")
    return (
        f"Concurrent change: {who} set {name} to “{shown_value(c.other_value)}” at the same "
        f"time; “{shown_value(c.value)}” won (the later change wins)"
    )


def entry_text(entry: TimelineEntry) -> str:
    """The entry as the table shows it, with its correction spelled out."""
    text = entry.text
    if entry.concurrent is not None:
        text = f"{text}. ⚠ {concurrent_text(entry)}"
    if entry.not_applied:
        text = f"Not applied ({entry.not_applied}): {text}"
    if entry.retracted:
        return f"{text}  (withdrawn)"
    if entry.original_text is not None and entry.original_text != entry.text:
        return f"{text}  (corrected; was: {entry.original_text})"
    if entry.corrected_by:
        return f"{text}  (corrected)"
    return text


@dataclass(frozen=True, slots=True)
class TimelineFilter:
    """What the reader asked to see: milestones only, one kind, one author, words to find."""

    milestones: bool = False
    kind: str = ""
    author: str = ""
    search: str = ""

    @property
    def active(self) -> bool:
        return bool(self.milestones or self.kind or self.author or self.search.strip())

    def narrows(self, earlier: TimelineFilter) -> bool:
        """Whether every entry this filter keeps was kept by ``earlier`` too (the same, with
        more words typed): then only ``earlier``'s result needs looking at again."""
        same = (self.milestones, self.kind, self.author) == (
            earlier.milestones,
            earlier.kind,
            earlier.author,
        )
        return same and self.search.casefold().startswith(earlier.search.casefold())

    def keeps(self, entry: TimelineEntry) -> bool:
        if self.milestones and not entry.is_milestone:
            return False
        if self.kind and entry.kind != self.kind:
            return False
        if self.author and entry.author.name != self.author:
            return False
        words = self.search.casefold().split()
        if words:
            haystack = f"{entry_text(entry)} {entry.author.name} {kind_label(entry.kind)}"
            folded = haystack.casefold()
            return all(word in folded for word in words)
        return True

    def apply(self, entries: Sequence[TimelineEntry]) -> list[TimelineEntry]:
        return [e for e in entries if self.keeps(e)] if self.active else list(entries)


def signed_as_another_text(entry: TimelineEntry, owner: Person) -> str:
    """What the postmortem says of an entry signed with a name its account is not."""
    return f"Written by account {entry.author.login}, which is {owner.name}'s"


def flag_text(accounts: AccountIndex, entry: TimelineEntry) -> str | None:
    """Why an entry's author is in doubt, or None: signed with a name its OS account is not,
    or written through a database login that is not its author's."""
    owner = accounts.signed_as_another(entry.author)
    if owner is not None:
        return f"{signed_as_another_text(entry, owner)} in the directory"
    if accounts.login_of_another(entry.author, entry.db_login):
        return (
            f"Written through the database login {entry.db_login}, which is not "
            f"{entry.author.name}'s"
        )
    return None


def _day(entry: TimelineEntry) -> date:
    return entry.occurred_at.astimezone().date()


Run = tuple[int, list[TimelineEntry]]


def reuse_unchanged(
    shown: Sequence[TimelineEntry], fresh: Sequence[TimelineEntry]
) -> list[TimelineEntry]:
    """``fresh``, with each entry equal to one in ``shown`` replaced by that one: the model
    then tells the unchanged rows by identity. Off the UI thread, so that comparing five
    thousand entries costs the UI nothing."""
    by_id = {e.event_id: e for e in shown}
    kept = []
    for entry in fresh:
        old = by_id.get(entry.event_id)
        kept.append(old if old is not None and old == entry else entry)
    return kept


def _patch_plan(
    old: Sequence[TimelineEntry], new: Sequence[TimelineEntry]
) -> tuple[list[Run], list[tuple[int, int]]] | None:
    """How to turn the rows ``old`` into ``new`` by inserting rows and updating rows in place:
    the runs to insert (each at its row in ``new``) and the ranges of rows whose entry changed.
    None when that cannot be done: an entry gone, or two entries shown in another order."""
    if not old or len(new) < len(old):
        return None
    inserts: list[Run] = []
    changed: list[tuple[int, int]] = []
    i = 0
    for j, entry in enumerate(new):
        if i < len(old) and old[i].event_id == entry.event_id:
            if old[i] is not entry and old[i] != entry:
                if changed and changed[-1][1] == j - 1:
                    changed[-1] = (changed[-1][0], j)
                else:
                    changed.append((j, j))
            i += 1
        elif inserts and inserts[-1][0] + len(inserts[-1][1]) == j:
            inserts[-1][1].append(entry)
        else:
            inserts.append((j, [entry]))
    if i < len(old):
        return None
    return inserts, changed


class TimelineModel(RowsModel[TimelineEntry]):
    """Timeline entries as rows, in the order things happened.

    :meth:`set_entries` inserts the rows that are new and updates the rows that changed, so
    that a note added to a long incident costs the view one row, not all of them; only when the
    rows already shown do not keep their order (another incident, an entry moved in time) is
    the model reset.

    An entry whose account the directory gives to someone other than the name it is signed
    with is flagged, as the postmortem flags it: asked of ``accounts`` (one lookup) as a row
    is drawn, and of every row only when the directory changes (:meth:`set_accounts`).
    """

    headers = HEADERS

    def __init__(self, now: Callable[[], datetime], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._now = now
        self._days: set[date] = set()
        self._spans_days = False
        self._accounts = AccountIndex()

    def set_accounts(self, accounts: AccountIndex) -> None:
        """The directory's account links changed: redraw the rows whose flag changed."""
        old, self._accounts = self._accounts, accounts
        changed = [
            row
            for row, entry in enumerate(self._rows)
            if flag_text(old, entry) != flag_text(accounts, entry)
        ]
        last = self.columnCount() - 1
        start = 0
        for i, row in enumerate(changed):
            if i + 1 == len(changed) or changed[i + 1] != row + 1:
                self.dataChanged.emit(self.index(changed[start], 0), self.index(row, last))
                start = i + 1

    @property
    def accounts(self) -> AccountIndex:
        return self._accounts

    def flag(self, entry: TimelineEntry) -> str | None:
        """Why ``entry``'s author is in doubt (:func:`flag_text`), or None."""
        return flag_text(self._accounts, entry)

    def set_entries(self, entries: Sequence[TimelineEntry]) -> None:
        new = list(entries)
        plan = _patch_plan(self._rows, new)
        if plan is None:
            self.beginResetModel()
            self._rows = new
            self._days = {_day(e) for e in new}
            self._spans_days = len(self._days) > 1
            self.endResetModel()
            return
        inserts, changed = plan
        for start, run in inserts:
            self.beginInsertRows(QModelIndex(), start, start + len(run) - 1)
            self._rows[start:start] = run
            self.endInsertRows()
        # The rows line up with ``new`` now; the changed ones still hold their old entry.
        moved = any(
            self._rows[row].occurred_at != new[row].occurred_at
            for first, end in changed
            for row in range(first, end + 1)
        )
        self._rows = new
        last = self.columnCount() - 1
        for first, end in changed:
            self.dataChanged.emit(self.index(first, 0), self.index(end, last))
        if moved:
            days = {_day(e) for e in new}
        else:
            days = self._days.union(_day(e) for _start, run in inserts for e in run)
        self._days = days
        if (len(days) > 1) != self._spans_days:
            # Every time shown changes, between "14:05" and "2026-11-28 14:05".
            self._spans_days = len(days) > 1
            self.dataChanged.emit(self.index(0, TIME), self.index(len(new) - 1, TIME))

    def entry(self, row: int) -> TimelineEntry:
        return self._rows[row]

    def row_of(self, event_id: str) -> int:
        # From the end: the entry looked for is most often one just added.
        for row in range(len(self._rows) - 1, -1, -1):
            if self._rows[row].event_id == event_id:
                return row
        return -1

    def show_date(self, entry: TimelineEntry) -> bool:
        today = self._now().astimezone().date()
        return self._spans_days or entry.occurred_at.astimezone().date() != today

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self.in_range(index):
            return None
        entry = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == TIME:
                if not entry.exact:  # a back-filled time known only to the hour or day
                    return entry.when()
                return format_local(entry.occurred_at, date=self.show_date(entry))
            if column == AUTHOR:
                return entry.author.name
            if column == KIND:
                return kind_label(entry.kind)
            if column == TEXT:
                return entry_text(entry)
            return None
        if role == EntryRole:
            return entry
        if column == AUTHOR and role in _FLAG_ROLES:
            flag = self._flag(entry, role)
            if flag is not None:
                return flag
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(entry)
        if role == Qt.ItemDataRole.FontRole:
            return self._font(entry, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            if entry.not_applied:
                return theme.error_colour(QGuiApplication.palette())
            if entry.retracted or entry.corrects is not None:
                return QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)
            return None
        if role == Qt.ItemDataRole.DecorationRole and column == TEXT and entry.not_applied:
            style = QApplication.style()
            return style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        if role == Qt.ItemDataRole.DecorationRole and column == TEXT and entry.concurrent:
            style = QApplication.style()
            return style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            # Top, so that a short cell lines up with the first line of a long entry.
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return None

    def _flag(self, entry: TimelineEntry, role: int) -> Any:
        """The author's cell of an entry signed by another person's account: a warning sign,
        and the same in words for a screen reader."""
        flag = self.flag(entry)
        if flag is None:
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{entry.author.name}. {flag}."
        return theme.error_colour(QGuiApplication.palette())

    def _font(self, entry: TimelineEntry, column: int) -> QFont | None:
        if not (entry.retracted or entry.corrects or (column == TIME and entry.backdated)):
            return None
        font = QFont(QGuiApplication.font())
        if entry.retracted and column == TEXT:
            font.setStrikeOut(True)
        if entry.corrects is not None or (column == TIME and entry.backdated):
            font.setItalic(True)
        return font

    def _tooltip(self, entry: TimelineEntry) -> str:
        lines = [entry.text]
        if entry.original_text is not None and entry.original_text != entry.text:
            lines.append(f"Originally: {entry.original_text}")
        if entry.retracted:
            lines.append("Withdrawn by a correction; kept in the record.")
        if entry.not_applied:
            lines.append(f"Not applied: {entry.not_applied}")
        if entry.concurrent:
            lines.append(concurrent_text(entry) + ". “Use other value” sets the other one.")
        lines.append(f"{kind_label(entry.kind)} by {entry.author.name}")
        flag = self.flag(entry)
        if flag is not None:
            lines.append(f"⚠ {flag}.")
        lines.append(f"Happened {format_local(entry.occurred_at) if entry.exact else entry.when()}")
        if entry.backdated:
            lines.append(f"Recorded {format_local(entry.recorded_at)} (back-dated)")
        return plain_tip("\n".join(lines))
