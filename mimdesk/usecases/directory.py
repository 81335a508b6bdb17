"""The service catalogue in the shared directory: list, add or change, retire."""

from __future__ import annotations

from dataclasses import asdict

from mimdesk.domain.directory import TIERS, Directory, Service, fold_directory
from mimdesk.domain.events import DIRECTORY_STREAM, EventType
from mimdesk.domain.ids import new_id
from mimdesk.errors import InvalidInput, NotFound
from mimdesk.usecases.context import Changes, Context
from mimdesk.usecases.validate import clean_text

DIRECTORY_CHANGED = Changes(frozenset({DIRECTORY_STREAM}))


def directory(ctx: Context) -> Directory:
    return fold_directory(ctx.log.stream(DIRECTORY_STREAM))


def services(ctx: Context) -> list[Service]:
    return directory(ctx).active_services()


def save_service(
    ctx: Context,
    *,
    name: str,
    service_id: str | None = None,
    tier: int = 3,
    owner: str = "",
    critical: bool = False,
    revenue: bool = False,
    external: bool = False,
    users: int | None = None,
) -> tuple[Service, Changes]:
    """Add a service, or change one (``service_id`` given)."""
    current = directory(ctx)
    name = clean_text(name, what="service name", limit=200, required=True, single_line=True)
    if tier not in TIERS:
        raise InvalidInput(f"Tier {tier!r} does not exist.", "Use 1 (most critical), 2 or 3.")
    if users is not None and (isinstance(users, bool) or not isinstance(users, int) or users < 0):
        raise InvalidInput(f"Users {users!r} is not a number of people.", "Give a whole number.")
    same_name = current.by_name(name)
    if same_name is not None and same_name.id != service_id:
        raise InvalidInput(f"A service named {name!r} exists already.", "Edit that one instead.")
    if service_id is not None and service_id not in current.services:
        raise NotFound(f"No service with id {service_id}.", "Pick one from the catalogue.")
    service = Service(
        id=service_id or new_id(),
        name=name,
        tier=tier,
        owner=clean_text(owner, what="owner", limit=200, single_line=True),
        critical=critical,
        revenue=revenue,
        external=external,
        users=users,
    )
    payload = asdict(service)
    payload.pop("retired")
    ctx.log.append([ctx.event(DIRECTORY_STREAM, EventType.SERVICE_UPSERTED, payload)])
    return service, DIRECTORY_CHANGED


def retire_service(ctx: Context, *, service_id: str) -> Changes:
    if service_id not in directory(ctx).services:
        raise NotFound(f"No service with id {service_id}.", "Pick one from the catalogue.")
    ctx.log.append([ctx.event(DIRECTORY_STREAM, EventType.SERVICE_RETIRED, {"id": service_id})])
    return DIRECTORY_CHANGED
