"""Files written by the December 2026 release import with today's code: an incident export of
format version 1, and a back-fill, each as the release imported it and only once.

The files, and the script that wrote them with the release: ``tests/fixtures/release_2026_12``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.release_2026_12 import cli_view
from tests.fixtures.release_2026_12.cli_view import assert_shows_the_same

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
EXPECTED: dict[str, Any] = json.loads(cli_view.EXPECTED_VIEW.read_text("utf-8"))
REFS: dict[str, str] = EXPECTED["references"]
IMPORTED_BY = "Priya Raman"


def import_twice_then_read(tmp_path: Path, file: Path, ref: str) -> tuple[list[str], Any, Any]:
    """Into a new database: import, import again, export and show; what the imports said,
    the export and the shown incident. The desk is Priya Raman's, who imported the back-fill
    into the fixture: a back-fill's postmortem and follow-ups are written by who imports it."""
    db = tmp_path / "fresh.db"
    out = tmp_path / "exported.json"
    runs = cli_view.run_batch(
        [
            ["--db", db, "import", file],
            ["--db", db, "import", file],
            ["--db", db, "export", ref, "--json", out],
            ["--db", db, "show", ref, "--json"],
        ],
        root=ROOT,
        env=cli_view.environment(tmp_path, ROOT, user=IMPORTED_BY),
    )
    first, again, _, shown = (cli_view.ok(r) for r in runs)
    return [first.out, again.out], json.loads(out.read_text("utf-8")), json.loads(shown.out)


def test_a_version_1_export_imports_once_and_exports_the_same_events(tmp_path: Path) -> None:
    document = json.loads(cli_view.EXPORT_V1.read_text("utf-8"))
    assert (document["format"], document["version"]) == ("mimdesk.incident", 1)
    ref = document["incident"]["reference"]
    assert ref == REFS["payroll"]

    said, exported, shown = import_twice_then_read(tmp_path, cli_view.EXPORT_V1, ref)

    assert ref in said[0]
    assert "nothing imported" in said[1]
    # The events are the record: each one back, once, exactly as the release wrote it.
    assert len(exported["events"]) == len(document["events"])
    changed = [
        f"events[{n}] ({mine['type']}) {key}: {mine.get(key)!r} became {theirs.get(key)!r}"
        for n, (mine, theirs) in enumerate(zip(document["events"], exported["events"], strict=True))
        for key in dict.fromkeys([*mine, *theirs])
        if mine.get(key) != theirs.get(key)
    ]
    assert not changed, "\n".join(changed[:20])
    assert exported["incident"] == document["incident"]
    assert_shows_the_same(document["summary"], exported["summary"])
    assert_shows_the_same(EXPECTED["view"]["incidents"][ref]["show"], shown)


def test_the_release_backfill_imports_as_the_release_imported_it(tmp_path: Path) -> None:
    # The reference and every event id come from the file's content, so they are the ones
    # the release gave; only the time of the import differs.
    ref = REFS["backfilled"]
    expected = EXPECTED["view"]["incidents"][ref]

    said, exported, shown = import_twice_then_read(tmp_path, cli_view.BACKFILL_V1, ref)

    assert ref in said[0]
    assert "nothing imported" in said[1]
    summary = copy.deepcopy(expected["export_summary"])
    for entry in summary["timeline"]:
        del entry["recorded_at"]  # the time of the import
    assert_shows_the_same(summary, exported["summary"])
    assert_shows_the_same(expected["show"], shown)
