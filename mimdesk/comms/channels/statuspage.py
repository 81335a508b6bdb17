"""A static status page: ``index.html`` and ``status.json`` written into a configured folder.

Any web server (or a file share) can publish the folder. Only approved message text goes on
the page: the headline is the message's subject, never the incident's internal title. Every
value is escaped by the HTML template. Both files are written atomically (a temporary file in
the same folder, then a rename), so a reader never sees half a page, and with mode 0644 (less
the umask), so the web server publishing the folder can read them.

``status.json``::

    {"title": "Service status", "generated_at": ISO-8601 UTC, "version": 1,
     "incidents": [{"reference", "headline", "status" (Investigating, Identified, Monitoring,
                    Resolved), "resolved": bool, "updated_at": ISO-8601 UTC,
                    "updates": [{"at": ISO-8601 UTC, "subject", "body"}]  (newest first)}]}
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from mimdesk import outputs
from mimdesk.comms.channels.base import (
    Delivery,
    NotConfigured,
    OutgoingMessage,
    Rejected,
    Unreachable,
)
from mimdesk.comms.context import when, zone
from mimdesk.comms.settings import CommsSettings
from mimdesk.comms.templates import Templates, paragraphs

VERSION = 1
MAX_UPDATES = 20


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` (mode 0644 less the umask, so a web server can read it);
    a folder, a device or a database at that name is refused, never written over."""
    outputs.write_atomically(path, lambda f: f.write(data), force=True)


def _load(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError):
        # A damaged page is rebuilt from this update on; the log keeps every message anyway.
        return []
    incidents = data.get("incidents") if isinstance(data, dict) else None
    return [i for i in incidents or [] if isinstance(i, dict) and i.get("reference")]


class StatusPageChannel:
    name = "statuspage"

    def __init__(self, comms: CommsSettings, templates: Templates) -> None:
        self.comms = comms
        self.templates = templates

    def deliver(self, message: OutgoingMessage) -> Delivery:
        if not self.comms.status_page_dir:
            raise NotConfigured("no status page folder: set [comms] status_page_dir")
        folder = Path(self.comms.status_page_dir).expanduser()
        if not folder.is_dir():
            # Usually a network share that is not there right now.
            raise Unreachable(f"the status page folder {folder} cannot be reached")
        try:
            self._publish(folder, message)
        except outputs.CannotWrite as exc:
            raise Rejected(f"could not write the status page in {folder} ({exc.reason})") from None
        except outputs.OutputRefused as exc:
            raise Rejected(f"could not write the status page: {exc.message}") from None
        except OSError as exc:  # reading the page's template or the last status.json
            raise Rejected(
                f"could not write the status page in {folder} "
                f"({exc.strerror or type(exc).__name__})"
            ) from None
        return Delivery(self.name, ("status page",), detail=str(folder / "index.html"))

    def _publish(self, folder: Path, message: OutgoingMessage) -> None:
        now = message.sent_at
        tz = zone(self.comms)
        incidents = _load(folder / "status.json")
        entry = next((i for i in incidents if i["reference"] == message.reference), None)
        if entry is None:
            entry = {"reference": message.reference, "updates": []}
            incidents.append(entry)
        resolved = message.public_status == "Resolved"
        entry.update(
            headline=message.subject,
            status=message.public_status,
            resolved=resolved,
            updated_at=now.isoformat(),
        )
        update = {"at": now.isoformat(), "subject": message.subject, "body": message.body}
        entry["updates"] = [update, *entry.get("updates", [])][:MAX_UPDATES]
        keep = timedelta(days=self.comms.status_page_keep_days)
        incidents = [
            i
            for i in incidents
            if not i.get("resolved") or _parse(i.get("updated_at")) >= now - keep
        ]
        # Open incidents first, then the most recently updated.
        incidents.sort(key=lambda i: str(i.get("updated_at")), reverse=True)
        incidents.sort(key=lambda i: bool(i.get("resolved")))
        document = {
            "version": VERSION,
            "title": self.comms.status_page_title,
            "generated_at": now.isoformat(),
            "incidents": incidents,
        }
        page = self.templates.render_html(
            "statuspage.html.j2",
            {
                "title": self.comms.status_page_title,
                "generated_at": when(now, tz),
                "incidents": [
                    {
                        "reference": i["reference"],
                        "headline": i.get("headline", ""),
                        "status": i.get("status", ""),
                        "resolved": bool(i.get("resolved")),
                        "updated_at": when(_parse(i.get("updated_at")), tz),
                        "updates": [
                            {
                                "at": when(_parse(u.get("at")), tz),
                                "paragraphs": paragraphs(str(u.get("body", ""))),
                            }
                            for u in i.get("updates", [])
                        ],
                    }
                    for i in incidents
                ],
            },
        )
        atomic_write(
            folder / "status.json",
            json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8"),
        )
        atomic_write(folder / "index.html", page.encode("utf-8"))


def _parse(value: object) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return _EPOCH
    return parsed if parsed.tzinfo else _EPOCH


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
