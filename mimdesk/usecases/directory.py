"""The service catalogue in the shared directory: list, add or change, retire."""

from __future__ import annotations

import re
import threading
import weakref
from dataclasses import replace

from mimdesk.comms.addresses import canonical_list
from mimdesk.domain.directory import (
    PER_PERSON_LOGINS,
    TIERS,
    AccountIndex,
    Directory,
    Person,
    Service,
    fold_directory,
    iso_week,
)
from mimdesk.domain.events import DIRECTORY_STREAM
from mimdesk.domain.ids import new_id
from mimdesk.domain.payloads import (
    DistributionSet,
    PersonRetired,
    PersonUpserted,
    RotaSet,
    ServiceRetired,
    ServiceUpserted,
)
from mimdesk.errors import InvalidInput, NotFound, NotInDirectory
from mimdesk.store import read_model
from mimdesk.store.eventlog import EventLog
from mimdesk.usecases.context import Changes, Context
from mimdesk.usecases.validate import choose, clean_text

DIRECTORY_CHANGED = Changes(frozenset({DIRECTORY_STREAM}))


def directory(ctx: Context) -> Directory:
    return fold_directory(ctx.log.stream(DIRECTORY_STREAM))


# Per log: the directory's snapshot in the read model, and the account index folded from it.
_ACCOUNTS: weakref.WeakKeyDictionary[EventLog, tuple[object, AccountIndex]] = (
    weakref.WeakKeyDictionary()
)
_ACCOUNTS_LOCK = threading.Lock()


def accounts(ctx: Context) -> AccountIndex:
    """Who each OS account is, for readers that ask often (the window's timeline at each
    refresh, the account check). Folded again only when the directory's stream changed: the
    read model keys its snapshot of the stream on the stream's count, last row and HLCs, and
    reads only new rows; an unchanged directory costs one small query."""
    # The shared database gives each person a login of their own (db init --per-person):
    # the login it stamps then says who wrote an entry. Learnt by the sync at each connect.
    per_person = ctx.log.sync_state().get("login_mode") == PER_PERSON_LOGINS
    snapshot = read_model.of(ctx.log).incident(DIRECTORY_STREAM)
    if snapshot is None:
        return AccountIndex(logins_per_person=per_person)
    with _ACCOUNTS_LOCK:
        cached = _ACCOUNTS.get(ctx.log)
    if cached is not None and cached[0] is snapshot:
        index = cached[1]
    else:
        index = fold_directory(snapshot.events).accounts()
        with _ACCOUNTS_LOCK:
            _ACCOUNTS[ctx.log] = (snapshot, index)
    return (
        index
        if index.logins_per_person == per_person
        else replace(index, logins_per_person=per_person)
    )


def logins_of_another(ctx: Context) -> list[tuple[str, str, str]]:
    """(event id, author, database login) of each entry the shared database stamped with a
    login that is not its author's: none unless each person has a login of their own."""
    index = accounts(ctx)
    if not index.logins_per_person:
        return []
    return [
        (event_id, author.name, login)
        for event_id, author, login in ctx.log.stamped_logins()
        if index.login_of_another(author, login)
    ]


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
    upserted = ServiceUpserted(
        id=service.id,
        name=service.name,
        tier=service.tier,
        owner=service.owner,
        critical=service.critical,
        revenue=service.revenue,
        external=service.external,
        users=service.users,
    )
    ctx.log.append([ctx.event(DIRECTORY_STREAM, upserted)])
    return service, DIRECTORY_CHANGED


def people(ctx: Context, role: str | None = None) -> list[Person]:
    return directory(ctx).active_people(role)


def save_person(
    ctx: Context,
    *,
    name: str,
    person_id: str | None = None,
    team: str = "",
    email: str = "",
    phone: str = "",
    roles: list[str] | None = None,
    accounts: list[str] | None = None,
) -> tuple[Person, Changes]:
    """Add a person to the directory, or change one (``person_id`` given). ``accounts`` (the
    OS accounts that are this person) replaces theirs; None keeps them."""
    current = directory(ctx)
    name = clean_text(name, what="name", limit=200, required=True, single_line=True)
    same = current.person(name)
    if same is not None and same.id != person_id:
        raise InvalidInput(f"{name!r} is in the directory already.", "Edit that entry instead.")
    if person_id is not None and person_id not in current.people:
        raise NotFound(f"No person with id {person_id}.", "Pick one from the directory.")
    # Roles the entry had are kept as recorded, even one this site's list lacks; a role
    # added is one of the site's.
    had = current.people[person_id].roles if person_id in current.people else ()
    can_take = [r if r in had else choose(ctx.vocab.roles, r) for r in roles or ()]
    email = clean_text(email, what="e-mail address", limit=320, single_line=True)
    if email and ("@" not in email or " " in email):
        raise InvalidInput(f"{email!r} is not an e-mail address.", "Use name@example.org.")
    kept = current.people[person_id].accounts if person_id in current.people else ()
    person_accounts = kept if accounts is None else _accounts(current, accounts, person_id)
    person = Person(
        id=person_id or new_id(),
        name=name,
        team=clean_text(team, what="team", limit=200, single_line=True),
        email=email,
        phone=clean_text(phone, what="phone number", limit=50, single_line=True),
        roles=tuple(dict.fromkeys(can_take)),
        accounts=person_accounts,
    )
    upserted = PersonUpserted(
        id=person.id,
        name=person.name,
        team=person.team,
        email=person.email,
        phone=person.phone,
        roles=person.roles,
        accounts=person.accounts,
    )
    ctx.log.append([ctx.event(DIRECTORY_STREAM, upserted)])
    return person, DIRECTORY_CHANGED


def link_account(ctx: Context, *, name: str, account: str) -> Person | None:
    """The first run: ``account`` (this desk's OS account) is the person named ``name``,
    added to the directory if they are not in it. Returns the person the account is; one
    already another person's stays theirs (returned, for the caller to say so)."""
    if not account:
        return None
    current = directory(ctx)
    owner = current.person_of_account(account)
    if owner is not None:
        return owner
    known = current.person(name)
    if known is None:
        person, _ = save_person(ctx, name=name, accounts=[account])
        return person
    person, _ = save_person(
        ctx,
        name=known.name,
        person_id=known.id,
        team=known.team,
        email=known.email,
        phone=known.phone,
        roles=list(known.roles),
        accounts=[*known.accounts, account],
    )
    return person


def _accounts(current: Directory, typed: list[str], person_id: str | None) -> tuple[str, ...]:
    """OS accounts checked: one line each, and none that is already another person's (an
    account is one person)."""
    out: list[str] = []
    for raw in typed:
        account = clean_text(raw, what="account", limit=200, single_line=True)
        if not account or account.casefold() in (a.casefold() for a in out):
            continue
        owner = current.person_of_account(account)
        if owner is not None and owner.id != person_id:
            raise InvalidInput(
                f"The account {account} is {owner.name}'s in the directory.",
                "An account is one person: take it off theirs first.",
            )
        out.append(account)
    return tuple(out)


def _new_person(name: str, role: str) -> PersonUpserted:
    """A directory entry for someone named on the rota: the name, and the role they are on
    duty for (the rest is added later, in People and rota)."""
    return PersonUpserted(id=new_id(), name=name, team="", email="", phone="", roles=(role,))


def retire_person(ctx: Context, *, person_id: str) -> Changes:
    if person_id not in directory(ctx).people:
        raise NotFound(f"No person with id {person_id}.", "Pick one from the directory.")
    ctx.log.append([ctx.event(DIRECTORY_STREAM, PersonRetired(id=person_id))])
    return DIRECTORY_CHANGED


def set_rota(
    ctx: Context, *, week: str, role: str, person: str, add_person: bool = False
) -> Changes:
    """Who is on duty for ``role`` in ISO week ``week`` (``2026-W48``); empty clears it. The
    person must be in the directory (the rota is who to call): with ``add_person`` one who is
    not is added first, as typed; otherwise :class:`NotInDirectory` says so."""
    if not re.fullmatch(r"\d{4}-W(0[1-9]|[1-4]\d|5[0-3])", week):
        raise InvalidInput(f"{week!r} is not a week.", "Write it as 2026-W48 (ISO week).")
    role = choose(ctx.vocab.roles, role)
    person = clean_text(person, what="name", limit=200, single_line=True)
    events = []
    if person:
        known = directory(ctx).person(person)
        if known is not None:
            person = known.name  # as the directory spells it
        elif add_person:
            events.append(ctx.event(DIRECTORY_STREAM, _new_person(person, role)))
        else:
            raise NotInDirectory(
                person,
                f"{person} is not in the directory, so the rota could not reach them.",
                "Add them to the directory (People and rota), then set the rota.",
            )
    events.append(ctx.event(DIRECTORY_STREAM, RotaSet(week=week, role=role, person=person)))
    ctx.log.append(events)  # one transaction: never a rota naming someone not added
    return DIRECTORY_CHANGED


def clean_addresses(addresses: list[str]) -> list[str]:
    """The addresses parsed strictly and in canonical form (what the envelope will carry), a
    malformed one refused by name, blanks and repeats dropped."""
    return canonical_list(addresses)


def set_distribution(ctx: Context, *, audience: str, addresses: list[str]) -> Changes:
    """The e-mail addresses updates to ``audience`` go to by default; an empty list goes back
    to the site file's list (``[comms.recipients]``)."""
    typed = clean_text(audience, what="audience", limit=50, single_line=True)
    # A list kept for an audience this site's list lacks can still be changed or cleared.
    kept = typed in directory(ctx).distribution
    audience = typed if kept else choose(ctx.vocab.audiences, typed)
    distribution = DistributionSet(audience=audience, addresses=tuple(clean_addresses(addresses)))
    ctx.log.append([ctx.event(DIRECTORY_STREAM, distribution)])
    return DIRECTORY_CHANGED


def on_duty(ctx: Context, role: str) -> str:
    """Who the rota names for ``role`` this week (the desk's local week), or ''."""
    return directory(ctx).on_duty(role, iso_week(ctx.now().astimezone()))


def retire_service(ctx: Context, *, service_id: str) -> Changes:
    if service_id not in directory(ctx).services:
        raise NotFound(f"No service with id {service_id}.", "Pick one from the catalogue.")
    ctx.log.append([ctx.event(DIRECTORY_STREAM, ServiceRetired(id=service_id))])
    return DIRECTORY_CHANGED
