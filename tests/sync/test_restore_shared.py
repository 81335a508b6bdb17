"""A desk restored from a backup takes back from the shared database what is newer."""

from __future__ import annotations

import os

from mimdesk.app import open_app
from mimdesk.usecases import backups, incidents, timeline
from tests.sync.helpers import sync


def test_a_restored_desk_pulls_again_what_it_had_shared_since(shared_db, desks, tmp_path):
    ana = desks["ana"]
    target = shared_db.target()
    summary, _ = incidents.report(ana.ctx, title="Mail down")
    sync(ana, target)
    saved = backups.manual(ana.database, tmp_path / "before.sqlite3")
    timeline.add_note(ana.ctx, reference=summary.reference, text="Shared after the backup")
    sync(ana, target)
    database, paths, settings = ana.database, ana.paths, ana.settings
    shared_events = ana.log.count_events()
    ana.close()
    del desks["ana"]

    kept = backups.restore(database, saved, paths, settings)
    assert kept is not None
    restored = open_app(db=database, env=os.environ)
    try:
        assert restored.log.count_events() == shared_events - 1
        outcome = sync(restored, target)
        assert outcome.pulled == 1
        texts = [n.text for n in incidents.get(restored.ctx, summary.reference).state.notes]
        assert texts == ["Shared after the backup"]
        assert restored.log.count_events() == shared_events
    finally:
        restored.close()
