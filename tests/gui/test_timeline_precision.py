"""A back-filled incident's timeline shows each time as precisely as it is known (issue 16)."""

from __future__ import annotations

import json

import pytest

from mimdesk.gui.timeline_model import TEXT, TIME
from mimdesk.usecases import exchange


@pytest.fixture
def backfilled(app, tmp_path):
    source = tmp_path / "rough.json"
    source.write_text(
        json.dumps(
            {
                "format": "mimdesk.backfill",
                "version": 2,
                "zone": "UTC",
                "title": "Rough times",
                "reported_at": "2025-06-08T12:00:00+00:00",
                "status": "candidate",
                "entries": [
                    {"at": "2025-06-08", "precision": "day", "text": "Some time that day"},
                    {
                        "at": "2025-06-08T10:00:00+00:00",
                        "precision": "hour",
                        "text": "Around ten",
                    },
                    {"at": "2025-06-08T12:30:00+00:00", "text": "To the minute"},
                ],
            }
        ),
        encoding="utf-8",
    )
    return exchange.import_file(app.ctx, path=source)


def test_rough_times_read_as_rough(qtbot, backfilled, workspace):
    window = workspace.window
    model = window.timeline.model
    shown = {
        model.index(row, TEXT).data(): model.index(row, TIME).data()
        for row in range(model.rowCount())
    }
    day = next(v for k, v in shown.items() if "Some time that day" in k)
    hour = next(v for k, v in shown.items() if "Around ten" in k)
    minute = next(v for k, v in shown.items() if "To the minute" in k)
    assert day.endswith("time not known") and "June 2025" in day
    assert "(to the hour)" in hour
    assert "time not known" not in minute and "to the hour" not in minute
