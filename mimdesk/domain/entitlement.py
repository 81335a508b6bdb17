"""Who may act for whom: the OS account check of declaring an incident and of handing over
the Major Incident Manager's role (and, to come, of approving a message).

Every event records the name it is signed with and the OS account that wrote it
(:class:`~mimdesk.domain.events.Author`); the directory links people to their accounts
(:class:`~mimdesk.domain.directory.AccountIndex`). The check, for the signer ``author``:

1. The acting person is the person the directory links ``author.login`` to.
2. Weak mode: while the directory links no account to anyone (a retired person's links
   count), the check passes and nothing more is recorded. A small site may run without
   account links, and a site upgrading from a version without them keeps working until it
   links its first account; from then on the check is in force. In weak mode the record
   still holds the account beside the name, so a postmortem can be checked later.
3. An account the directory links to nobody is refused, with how to link it.
4. An account whose person is not the name signing (case forgiven) is refused: nobody acts
   under another person's name.
5. Declaring: 1 to 4. The MIM it names may be anyone.
6. Handing over a held role: 1 to 4, and the acting person must be the outgoing holder or
   the incoming person. Anyone else is refused unless they give a reason for taking the role
   over; the handover's note records it (:func:`override_note`), so the record shows who
   moved the role without its holder, and why. The first assignment of a role (nobody holds
   it) is 1 to 4 only.

Approving a message will be 1 to 4 with the incident's MIM entitled: :func:`check` takes the
people entitled to the act, whatever it is.

The account is what the operating system says this process runs as; the check is as strong
as that and as the directory's links. It stops a desk signed with a colleague's name and a
colleague's role being moved without them; it does not stop someone who can edit the
directory, or who runs MIM Desk under another person's OS account.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mimdesk.domain.directory import AccountIndex, same_name
from mimdesk.domain.events import Author


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why the account may not act: one line each of what is wrong and what to do.

    ``overridable``: the account is who it says, but not one of those entitled; a reason for
    acting anyway lets it through (and is recorded).
    """

    message: str
    hint: str
    overridable: bool = False


def check(
    accounts: AccountIndex,
    author: Author,
    entitled: Sequence[str] = (),
    *,
    act: str = "do this",
    override_hint: str = "",
) -> Refusal | None:
    """None when ``author``'s account may act; else why not (the module's rules 1 to 4, and
    with ``entitled`` the names of the people who may ``act``, rule 6)."""
    if not accounts.any_linked:
        return None
    account = author.login
    if not account:
        return Refusal(
            "MIM Desk cannot tell which OS account it runs under, and this site links "
            "people to their accounts.",
            "Run it under your own account.",
        )
    person = accounts.person_of(account)
    if person is None:
        # The command replaces a person's accounts: it names the ones they have already.
        known = next((p for p in accounts.owners.values() if same_name(p.name, author.name)), None)
        links = [*(known.accounts if known else ()), account]
        options = " ".join(f"--account {_quoted(a)}" for a in links)
        return Refusal(
            f"The account {account} is not linked to anyone in the directory.",
            f"Link it: mimdesk person {_quoted(author.name)} {options}, "
            "or in the directory (Tools > People and rota).",
        )
    if not same_name(person.name, author.name):
        return Refusal(
            f"This account is {person.name}'s, but you are signed in as {author.name}.",
            f"Sign in as {person.name} (Settings, display name), or, if the account is yours, "
            "correct the directory (Tools > People and rota).",
        )
    named = [name for name in dict.fromkeys(entitled) if name.strip()]
    if named and not any(same_name(person.name, name) for name in named):
        return Refusal(
            f"{person.name} may not {act}: only {' or '.join(named)} may.",
            override_hint or f"Ask {' or '.join(named)}.",
            overridable=True,
        )
    return None


def override_note(holder: str, reason: str, note: str = "") -> str:
    """A handover's note when the role was taken over without its holder: the reason first,
    where whoever reads the handover sees it."""
    taken = f"Taken over without {holder}: {reason}"
    return f"{taken}\n{note}" if note else taken


def _quoted(text: str) -> str:
    """``text`` as a shell argument a person can paste (a Windows account's backslash kept)."""
    return f'"{text}"' if "'" in text else f"'{text}'"
