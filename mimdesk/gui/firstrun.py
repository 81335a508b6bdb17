"""First run: the person's name, and optionally demo incidents to explore."""

from __future__ import annotations

import importlib
import inspect
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QProgressDialog, QWidget

from mimdesk.app import App
from mimdesk.errors import MimDeskError
from mimdesk.gui.changes import ChangeHub
from mimdesk.gui.dialogs import FirstRunDialog
from mimdesk.gui.tasks import TaskRunner
from mimdesk.gui.widgets import plain_message, show_error
from mimdesk.usecases.context import Changes, os_login

DemoLoader = Callable[..., list[str]]


def demo_loader() -> DemoLoader | None:
    """``mimdesk.demo.load`` when this version has demo data, else None."""
    try:
        demo: Any = importlib.import_module("mimdesk.demo")
    except ImportError:
        return None
    load = getattr(demo, "load", None)
    return load if callable(load) else None


def needs_first_run(app: App) -> bool:
    return not app.settings.display_name.strip()


def ask_name(app: App, parent: QWidget | None = None) -> bool:
    """Ask the display name (modal, before the window opens); True if demo data is wanted.

    Cancelling keeps the login name for this session and asks again next time.
    """
    dialog = FirstRunDialog(os_login(), demo_loader() is not None, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.name:
        return False
    app.set_display_name(dialog.name)
    _link_account(app, dialog.name, parent)
    return dialog.wants_demo


def _link_account(app: App, name: str, parent: QWidget | None) -> None:
    """This account is the person just named (added to the directory if new). An account the
    directory gives to someone else stays theirs, and the person is told: what they sign
    under another name is flagged in the postmortem."""
    from mimdesk.usecases import directory

    try:
        owner = directory.link_account(app.ctx, name=name, account=app.ctx.author.login)
    except MimDeskError:
        return  # the name is saved; the link is made the next time the directory is edited
    if owner is not None and owner.name.casefold() != name.casefold():
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Not your account",
            f"The directory gives the account {app.ctx.author.login} to {owner.name}.",
            QMessageBox.StandardButton.Ok,
            parent,
        )
        box.setInformativeText(
            f"What you write as {name} from this account says so in the postmortem. If the "
            "directory is wrong, correct it under Tools > People and rota."
        )
        plain_message(box)
        box.setObjectName("notYourAccountBox")
        box.exec()


def load_demo(
    app: App,
    runner: TaskRunner,
    hub: ChangeHub,
    parent: QWidget | None = None,
    *,
    done: Callable[[list[str]], None] | None = None,
    loader: DemoLoader | None = None,
) -> QProgressDialog | None:
    """Add the demo incidents in the background, with a progress dialog over ``parent``."""
    load = loader or demo_loader()
    if load is None:
        return None
    ctx, settings = app.ctx, app.settings
    # The demo reads the settings itself unless given the ones in force (newer versions).
    takes_settings = "settings" in inspect.signature(load).parameters
    progress = QProgressDialog("Adding demo incidents…", "", 0, 0, parent)
    progress.setObjectName("demoProgress")
    progress.setWindowTitle("MIM Desk")
    progress.setCancelButton(None)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(0)
    progress.setAutoClose(False)
    progress.setAutoReset(False)

    def step(n: int, total: int) -> None:
        progress.setMaximum(total)
        progress.setValue(n)

    def finished(references: list[str]) -> None:
        progress.close()
        hub.publish(Changes(incidents_list=True))
        if done is not None:
            done(references)

    def failed(error: BaseException) -> None:
        progress.close()
        if isinstance(error, MimDeskError):
            show_error(parent, "Demo incidents not added", error)
        else:
            sys.excepthook(type(error), error, error.__traceback__)

    runner.run(
        lambda report: (
            load(ctx, progress=report, settings=settings)
            if takes_settings
            else load(ctx, progress=report)
        ),
        done=finished,
        failed=failed,
        progress=step,
        lane="write",
    )
    progress.show()
    return progress
