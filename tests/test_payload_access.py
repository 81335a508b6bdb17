"""Nothing outside the codec reads an event payload as a dict (issue 13, point 1).

The type checker proves most of it (a payload has no ``get`` or ``[]``); this scan catches
what it cannot see: a ``# type: ignore``, an ``Any`` on the way, or a dict made from a
payload by hand.
"""

from __future__ import annotations

import re
from pathlib import Path

import mimdesk

PACKAGE = Path(mimdesk.__file__).parent
CODEC = PACKAGE / "domain" / "schema.py"

# payload["x"], payload.get("x"), payload.items(), asdict(...payload), vars(e.payload),
# and the same through a short name bound to a payload ("p = e.payload" then p.get).
DICT_READS = re.compile(
    r"""payload\s*\[\s*["']
      | payload\s*\.\s*(get|items|keys|values)\s*\(
      | (asdict|vars|dict)\s*\(\s*[\w.]*payload\s*\)
      | json\.dumps\(\s*[\w.]*\.payload\b""",
    re.VERBOSE,
)
ALIAS = re.compile(r"^\s*(\w+)\s*=\s*[\w.]+\.payload\s*$", re.MULTILINE)


def offending_lines(source: str) -> list[str]:
    found = [line.strip() for line in source.splitlines() if DICT_READS.search(line)]
    for name in set(ALIAS.findall(source)):
        use = re.compile(rf"\b{re.escape(name)}\s*(\[\s*[\"']|\.(get|items|keys|values)\s*\()")
        found += [line.strip() for line in source.splitlines() if use.search(line)]
    return found


def test_no_module_outside_the_codec_reads_a_payload_as_a_dict() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): lines
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != CODEC and (lines := offending_lines(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_the_scan_finds_each_way_of_reading_a_payload_as_a_dict() -> None:
    for bad in (
        'title = e.payload["title"]',
        'kind = event.payload.get("kind", "")',
        "for k, v in e.payload.items(): pass",
        "data = asdict(e.payload)",
        "text = json.dumps(event.payload)",
        'p = e.payload\nx = p.get("text")',
        'p = e.payload\nx = p["text"]',
    ):
        assert offending_lines(bad), bad
    assert offending_lines("if isinstance(e.payload, NoteAdded):\n    x = e.payload.text") == []
