"""The shared directory: the service catalogue, people and the rota, and the distribution
list of each audience.

It is a stream of its own in the event log, folded like an incident: last writer wins per
service, and retiring a service is an event, never a delete.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import MappingProxyType

from mimdesk.domain.events import Author, Event
from mimdesk.domain.payloads import (
    DistributionSet,
    PersonRetired,
    PersonUpserted,
    RotaSet,
    ServiceRetired,
    ServiceUpserted,
)

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
    accounts: tuple[str, ...] = ()  # the OS accounts that are this person


@dataclass(frozen=True, slots=True)
class AccountIndex:
    """The directory's links of OS accounts to people, as one lookup per account.

    ``any_linked``: the directory links at least one account to someone (retired people
    included): the site uses account links (see :mod:`mimdesk.domain.entitlement`).
    ``logins_per_person``: the shared database gives each person a login of their own, so
    the login it stamps on an entry says who wrote it (:meth:`login_of_another`).
    """

    owners: Mapping[str, Person] = field(default_factory=lambda: MappingProxyType({}))
    any_linked: bool = False
    people: Mapping[str, Person] = field(default_factory=lambda: MappingProxyType({}))
    logins_per_person: bool = False

    def login_of_another(self, author: Author, db_login: str) -> bool:
        """Whether the database login the server stamped on an entry is not its author's:
        only where each person has a login of their own, and only for an entry the server
        stamped. A login is a person's when it is one of their accounts, or its user part
        (``CORP\\ana`` and ``ana@CORP.EXAMPLE`` are the login ``ana``)."""
        if not self.logins_per_person or not db_login:
            return False
        person = self.people.get(" ".join(author.name.split()).casefold())
        if person is None:
            return True
        wanted = db_login.casefold()
        return not any(wanted in (a.casefold(), login_name(a)) for a in person.accounts)

    def person_of(self, account: str) -> Person | None:
        """The active person ``account`` is (case forgiven), or None."""
        return self.owners.get(account.casefold()) if account else None

    def signed_as_another(self, author: Author) -> Person | None:
        """The person whose account wrote as ``author`` under another name, or None."""
        owner = self.person_of(author.login)
        if owner is None or same_name(owner.name, author.name):
            return None
        return owner


# How a shared database's logins map to people (its sync_meta login_mode, learnt by each
# desk): one login for each person, or desk logins several people share.
PER_PERSON_LOGINS = "per-person"
SHARED_LOGINS = "shared"


def login_name(account: str) -> str:
    """The database login an OS account maps to: its user part, lower case
    (``CORP\\Ana`` -> ``ana``, ``ana@CORP.EXAMPLE`` -> ``ana``), as PostgreSQL's pg_ident
    maps a Kerberos principal."""
    user = account.rsplit("\\", 1)[-1].split("@", 1)[0]
    return user.strip().casefold()


def same_name(a: str, b: str) -> bool:
    """Two spellings of one person's name: case and spacing forgiven."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


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

    def person_of_account(self, account: str) -> Person | None:
        """The person the directory gives ``account`` to (case forgiven: Windows accounts
        are), or None."""
        return self.accounts().person_of(account)

    def signed_as_another(self, author: Author) -> Person | None:
        """The person whose account made an entry signed with another name, or None: the
        timeline and the postmortem flag such an entry."""
        return self.accounts().signed_as_another(author)

    def accounts(self) -> AccountIndex:
        """Who each OS account is, indexed: for asking of many entries or many times."""
        owners: dict[str, Person] = {}
        named: dict[str, Person] = {}
        linked = False
        for p in self.people.values():
            linked = linked or bool(p.accounts)
            if p.retired:
                continue
            named.setdefault(" ".join(p.name.split()).casefold(), p)
            for account in p.accounts:
                # The first entry holding an account keeps it (two desks may have given it
                # to two people before either saw the other's).
                owners.setdefault(account.casefold(), p)
        return AccountIndex(MappingProxyType(owners), linked, MappingProxyType(named))

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
        match e.payload:
            case ServiceUpserted() as p if p.id and p.name:
                directory.services[p.id] = Service(
                    id=p.id,
                    name=p.name,
                    tier=p.tier if p.tier in TIERS else 3,
                    owner=p.owner,
                    critical=p.critical,
                    revenue=p.revenue,
                    external=p.external,
                    users=p.users,
                )
            case ServiceRetired() as p if p.id in directory.services:
                directory.services[p.id] = replace(directory.services[p.id], retired=True)
            case PersonUpserted() as p if p.id and p.name:
                directory.people[p.id] = Person(
                    id=p.id,
                    name=p.name,
                    team=p.team,
                    email=p.email,
                    phone=p.phone,
                    roles=p.roles,
                    accounts=p.accounts,
                )
            case PersonRetired() as p if p.id in directory.people:
                directory.people[p.id] = replace(directory.people[p.id], retired=True)
            case RotaSet() as p if p.week and p.role:
                if p.person:
                    directory.rota[(p.week, p.role)] = p.person
                else:
                    directory.rota.pop((p.week, p.role), None)
            case DistributionSet() as p if p.audience:
                if p.addresses:
                    directory.distribution[p.audience] = p.addresses
                else:
                    directory.distribution.pop(p.audience, None)
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
