"""A reference typed by a person is text: SQL LIKE's ``%`` and ``_`` in it match themselves.

Before the fix ``mimdesk show %`` became the prefix ``MI-%``, looked up with ``LIKE 'MI-%%'``,
and showed whichever incident the database held (or said that it "matches several").
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.conftest import Result


@pytest.fixture
def one_incident(run_cli: Callable[..., Result], tmp_path: Path) -> tuple[Path, str]:
    db = tmp_path / "desk.sqlite3"
    made = run_cli("--db", db, "new", "Payroll export failing")
    assert made.code == 0, made.err
    return db, made.out.strip()


@pytest.mark.parametrize("typed", ["%", "_", "MI-%", "MI-_____", "%%%%", "____", "\\%", "M%"])
def test_wildcards_in_a_reference_match_no_incident(
    run_cli: Callable[..., Result], one_incident: tuple[Path, str], typed: str
) -> None:
    db, reference = one_incident
    shown = run_cli("--db", db, "show", typed)
    assert shown.code == 2, shown.out
    assert shown.out == ""
    assert shown.err_lines == [
        f"mimdesk: No incident {typed!r} in this database. Check the reference with 'mimdesk list'."
    ]
    assert reference not in shown.err


def test_a_typed_prefix_still_finds_the_incident(
    run_cli: Callable[..., Result], one_incident: tuple[Path, str]
) -> None:
    db, reference = one_incident
    shown = run_cli("--db", db, "show", reference[:6].lower())
    assert shown.code == 0, shown.err
    assert reference in shown.out and "Payroll export failing" in shown.out
