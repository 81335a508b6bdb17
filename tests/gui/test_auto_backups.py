"""The window backs its database up soon after it opens, and says so when it cannot."""

from __future__ import annotations

from dataclasses import replace

from mimdesk.config import BackupSettings
from mimdesk.store import backups
from mimdesk.usecases import backups as backups_uc


def test_the_window_takes_a_backup_after_it_opens(qtbot, app, workspace):
    folder = backups_uc.folder(app.paths, app.settings)
    qtbot.waitUntil(lambda: bool(backups.found(app.database, folder)), timeout=15_000)
    (taken,) = backups.found(app.database, folder)
    assert taken.why == "start"
    # The day's backup is not due again at once.
    workspace.backups.take_daily()
    workspace.runner.wait()
    assert len(backups.found(app.database, folder)) == 1


def test_a_backup_that_cannot_be_written_says_so(qtbot, app, workspace, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    app.settings = replace(app.settings, backups=BackupSettings(folder=str(blocked / "b")))
    workspace.backups.take_on_start()
    bar = workspace.window.statusBar()
    qtbot.waitUntil(lambda: "The automatic backup failed" in bar.currentMessage(), timeout=10_000)
