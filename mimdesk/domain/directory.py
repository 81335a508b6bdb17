"""The shared directory: the service catalogue, people and the rota, and the distribution
list of each audience.

It is a stream of its own in the event log, folded like an incident: last writer wins per
service, and retiring a service is an event, never a delete.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from mimdesk.domain.events import Event, EventType

TIERS = (1, 2, 3)


@dataclass(frozen=True, slots=True)
class Service:
    id: str
    name: str
    tier: int = 3
    owner: str = ""
    critical: bool = False  # business-critical
    revenue: bool = False  # revenue-generating
    external: bool = False  # customers or the public use it
    users: int | None = None  # people who depend on it
    retired: bool = False

    @property
    def is_critical(self) -> bool:
        """What the declaration checklist counts as a business-critical service."""
        return self.critical or self.revenue or self.tier == 1


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str
    team: str = ""
    email: str = ""
    phone: str = ""
    roles: tuple[str, ...] = ()  # role ids this person can take
    retired: bool = False


@dataclass
class Directory:
    services: dict[str, Service] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    # (ISO week "2026-W48", role id) -> person name
    rota: dict[tuple[str, str], str] = field(default_factory=dict)
    # audience id -> the addresses its updates go to (the desk's own, over the site file's)
    distribution: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def active_people(self, role: str | None = None) -> list[Person]:
        people = (p for p in self.people.values() if not p.retired)
        if role is not None:
            people = (p for p in people if not p.roles or role in p.roles)
        return sorted(people, key=lambda p: p.name.casefold())

    def person(self, name: str) -> Person | None:
        wanted = name.strip().casefold()
        return next(
            (p for p in self.people.values() if p.name.casefold() == wanted and not p.retired),
            None,
        )

    def on_duty(self, role: str, week: str) -> str:
        return self.rota.get((week, role), "")

    def active_services(self) -> list[Service]:
        return sorted(
            (s for s in self.services.values() if not s.retired), key=lambda s: s.name.casefold()
        )

    def by_name(self, name: str) -> Service | None:
        wanted = name.strip().casefold()
        return next(
            (s for s in self.services.values() if s.name.casefold() == wanted and not s.retired),
            None,
        )


def fold_directory(events: Iterable[Event]) -> Directory:
    directory = Directory()
    for e in sorted(events, key=lambda e: e.sort_key):
        p = e.payload
        if e.type == EventType.SERVICE_UPSERTED and p.get("id") and p.get("name"):
            users = p.get("users")
            directory.services[str(p["id"])] = Service(
                id=str(p["id"]),
                name=str(p["name"]),
                tier=int(p.get("tier", 3)) if p.get("tier") in TIERS else 3,
                owner=str(p.get("owner", "")),
                critical=bool(p.get("critical", False)),
                revenue=bool(p.get("revenue", False)),
                external=bool(p.get("external", False)),
                users=users if isinstance(users, int) and not isinstance(users, bool) else None,
            )
        elif e.type == EventType.SERVICE_RETIRED and str(p.get("id")) in directory.services:
            old = directory.services[str(p["id"])]
            directory.services[old.id] = replace(old, retired=True)
        elif e.type == EventType.PERSON_UPSERTED and p.get("id") and p.get("name"):
            directory.people[str(p["id"])] = Person(
                id=str(p["id"]),
                name=str(p["name"]),
                team=str(p.get("team", "")),
                email=str(p.get("email", "")),
                phone=str(p.get("phone", "")),
                roles=tuple(str(r) for r in p.get("roles", [])),
            )
        elif e.type == EventType.PERSON_RETIRED and str(p.get("id")) in directory.people:
            old_person = directory.people[str(p["id"])]
            directory.people[old_person.id] = replace(old_person, retired=True)
        elif e.type == EventType.ROTA_SET and p.get("week") and p.get("role"):
            key = (str(p["week"]), str(p["role"]))
            if p.get("person"):
                directory.rota[key] = str(p["person"])
            else:
                directory.rota.pop(key, None)
        elif e.type == EventType.DISTRIBUTION_SET and p.get("audience"):
            addresses = p.get("addresses")
            wanted = tuple(str(a) for a in addresses) if isinstance(addresses, list) else ()
            if wanted:
                directory.distribution[str(p["audience"])] = wanted
            else:
                directory.distribution.pop(str(p["audience"]), None)
    return directory


def iso_week(when: datetime) -> str:
    """The ISO week a time falls in, as the rota names it: ``2026-W48``."""
    year, week, _ = when.isocalendar()
    return f"{year}-W{week:02d}"


def prefill(services: Iterable[Service], users_affected: int | None) -> dict[str, bool | int]:
    """Answers the catalogue can give for the affected services, keyed by prefill source."""
    picked = list(services)
    answers: dict[str, bool | int] = {}
    if picked:
        answers["service.critical"] = any(s.is_critical for s in picked)
        answers["service.external"] = any(s.external for s in picked)
        known = [s.users for s in picked if s.users is not None]
        if known:
            answers["service.users"] = sum(known)
    if users_affected is not None:
        answers["incident.users_affected"] = users_affected
    elif "service.users" in answers:
        answers["incident.users_affected"] = answers["service.users"]
    return answers
