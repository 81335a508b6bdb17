"""The OS account check of declaring and of handing over the MIM role (issue 14, point 2),
through the use cases on a real log: each rule of mimdesk.domain.entitlement."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mimdesk import demo
from mimdesk.app import open_app
from mimdesk.domain import entitlement as rules
from mimdesk.domain.events import Author
from mimdesk.errors import NotEntitled
from mimdesk.usecases import declaration, directory, entitlement, incidents, roles

ANA = Author("Ana Costa", "CORP\\ana")
BEN = Author("Ben Okafor", "CORP\\ben")
CY = Author("Cy Tan", "CORP\\cy")


def as_(ctx, author):
    """The same log and clock, written from another account under another name."""
    return replace(ctx, author=author)


def link_everyone(ctx):
    for who in (ANA, BEN, CY):
        directory.save_person(ctx, name=who.name, accounts=[who.login])


@pytest.fixture
def candidate(ctx):
    summary, _ = incidents.report(ctx, title="Payroll export failing", severity="SEV2")
    return summary.reference


def declare(app, ctx, reference, mim="Ana Costa"):
    return declaration.declare(
        ctx, reference=reference, settings=app.settings, severity="SEV1", mim=mim, rationale="x"
    )


def count(ctx, reference):
    return len(incidents.get(ctx, reference).events)


# ---- weak mode: no account linked anywhere ---------------------------------------------------


def test_a_site_that_links_no_account_is_not_checked(app, ctx, candidate):
    stranger = as_(ctx, Author("Someone", "nobody-knows"))
    declare(app, stranger, candidate, mim="Ana Costa")
    # Handing over by a third person passes too, and records nothing new.
    roles.handover(stranger, reference=candidate, role="mim", to="Ben Okafor", note="Night shift")
    assert incidents.get(ctx, candidate).state.holder("mim") == "Ben Okafor"
    assert incidents.get(ctx, candidate).state.roles["mim"].note == "Night shift"


def test_a_retired_persons_link_keeps_the_check_in_force(app, ctx, candidate):
    cy, _ = directory.save_person(ctx, name="Cy Tan", accounts=["CORP\\cy"])
    directory.retire_person(ctx, person_id=cy.id)
    assert directory.accounts(ctx).any_linked
    with pytest.raises(NotEntitled, match=r"The account CORP\\cy is not linked to anyone"):
        declare(app, as_(ctx, CY), candidate)


# ---- the signer: the account must be the person signing ---------------------------------------


def test_an_account_linked_to_nobody_is_refused_with_how_to_link_it(app, ctx, candidate):
    directory.save_person(ctx, name="Ben Okafor", accounts=[BEN.login])
    directory.save_person(ctx, name="Ana Costa", accounts=["LAPTOP\\ana"])
    before = count(ctx, candidate)
    with pytest.raises(NotEntitled) as refused:
        declare(app, as_(ctx, ANA), candidate)
    assert (
        refused.value.message == "The account CORP\\ana is not linked to anyone in the directory."
    )
    # The command replaces a person's accounts, so it names the one Ana has already.
    assert refused.value.hint == (
        "Link it: mimdesk person 'Ana Costa' --account 'LAPTOP\\ana' --account 'CORP\\ana', "
        "or in the directory (Tools > People and rota)."
    )
    assert not refused.value.overridable
    assert count(ctx, candidate) == before, "nothing recorded"
    assert incidents.get(ctx, candidate).state.status.value == "candidate"


def test_an_account_signing_as_another_person_is_refused(app, ctx, candidate):
    link_everyone(ctx)
    with pytest.raises(NotEntitled) as refused:
        declare(app, as_(ctx, Author("Ana Costa", BEN.login)), candidate)
    assert (
        refused.value.message == "This account is Ben Okafor's, but you are signed in as Ana Costa."
    )
    assert incidents.get(ctx, candidate).state.status.value == "candidate"
    # Case and spacing of the name are forgiven, and so is the account's case.
    declare(app, as_(ctx, Author("ben  OKAFOR", "corp\\BEN")), candidate)
    assert incidents.get(ctx, candidate).state.status.value == "declared"


def test_a_desk_with_no_account_is_refused_once_accounts_are_linked(app, ctx, candidate):
    link_everyone(ctx)
    with pytest.raises(NotEntitled, match="cannot tell which OS account"):
        declare(app, as_(ctx, Author("Ana Costa", "")), candidate)


def test_declaring_names_anyone_as_mim(app, ctx, candidate):
    link_everyone(ctx)
    declare(app, as_(ctx, CY), candidate, mim="Ana Costa")
    state = incidents.get(ctx, candidate).state
    assert (state.status.value, state.holder("mim")) == ("declared", "Ana Costa")


# ---- the MIM role ----------------------------------------------------------------------------


@pytest.fixture
def held(app, ctx, candidate):
    """Declared by Cy with Ana as MIM, every account linked."""
    link_everyone(ctx)
    declare(app, as_(ctx, CY), candidate, mim="Ana Costa")
    return candidate


def test_the_first_mim_is_assigned_by_any_signer_whose_account_is_theirs(ctx, candidate):
    link_everyone(ctx)
    with pytest.raises(NotEntitled, match="This account is Ben Okafor's"):
        roles.assign(
            as_(ctx, Author("Cy Tan", BEN.login)),
            reference=candidate,
            role="mim",
            person="Ana Costa",
        )
    roles.assign(as_(ctx, CY), reference=candidate, role="mim", person="Ana Costa")
    assert incidents.get(ctx, candidate).state.holder("mim") == "Ana Costa"


def test_the_outgoing_mim_hands_over(ctx, held):
    roles.handover(as_(ctx, ANA), reference=held, role="mim", to="Ben Okafor", note="Bridge open")
    state = incidents.get(ctx, held).state
    assert (state.holder("mim"), state.roles["mim"].note) == ("Ben Okafor", "Bridge open")


def test_the_incoming_mim_takes_over(ctx, held):
    roles.assign(as_(ctx, BEN), reference=held, role="mim", person="Ben Okafor")
    assert incidents.get(ctx, held).state.holder("mim") == "Ben Okafor"


def test_a_third_person_is_refused_without_a_reason(ctx, held):
    before = count(ctx, held)
    with pytest.raises(NotEntitled) as refused:
        roles.handover(as_(ctx, CY), reference=held, role="mim", to="Ben Okafor")
    assert refused.value.message == (
        "Cy Tan may not hand over the Major Incident Manager role: only Ana Costa or Ben "
        "Okafor may."
    )
    assert refused.value.hint.startswith("Ask Ana Costa or Ben Okafor to hand it over")
    assert refused.value.overridable
    assert count(ctx, held) == before
    # A blank reason is no reason.
    with pytest.raises(NotEntitled):
        roles.handover(as_(ctx, CY), reference=held, role="mim", to="Ben Okafor", override="  ")


def test_a_third_persons_takeover_with_a_reason_is_recorded_in_the_note(ctx, held):
    roles.handover(
        as_(ctx, CY),
        reference=held,
        role="mim",
        to="Ben Okafor",
        note="Bridge open",
        override="Ana unreachable for 30 minutes",
    )
    view = incidents.get(ctx, held)
    assert view.state.holder("mim") == "Ben Okafor"
    assert view.state.roles["mim"].note == (
        "Taken over without Ana Costa: Ana unreachable for 30 minutes\nBridge open"
    )
    assert view.events[-1].author == CY
    assert "Taken over without Ana Costa" in view.timeline[-1].text


def test_a_reason_given_by_someone_entitled_is_not_recorded_as_a_takeover(ctx, held):
    roles.handover(as_(ctx, ANA), reference=held, role="mim", to="Ben Okafor", override="habit")
    assert incidents.get(ctx, held).state.roles["mim"].note == ""


def test_the_signer_check_has_no_override(ctx, held):
    with pytest.raises(NotEntitled, match="This account is Cy Tan's") as refused:
        roles.handover(
            as_(ctx, Author("Ana Costa", CY.login)),
            reference=held,
            role="mim",
            to="Ben Okafor",
            override="I am Ana, honestly",
        )
    assert not refused.value.overridable


def test_other_roles_are_not_checked(ctx, held):
    roles.assign(as_(ctx, CY), reference=held, role="scribe", person="Ana Costa")
    roles.handover(
        as_(ctx, Author("Who", "unknown")), reference=held, role="scribe", to="Ben Okafor"
    )
    assert incidents.get(ctx, held).state.holder("scribe") == "Ben Okafor"


# ---- reuse, the cache, the demo ----------------------------------------------------------------


def test_the_rule_takes_whoever_is_entitled_to_an_act(ctx):
    """How approving a message will use it: only the incident's MIM."""
    link_everyone(ctx)
    accounts = directory.accounts(ctx)
    assert rules.check(accounts, ANA, ("Ana Costa",), act="approve") is None
    refusal = rules.check(accounts, BEN, ("Ana Costa",), act="approve this message")
    assert refusal is not None and refusal.overridable
    assert refusal.message == "Ben Okafor may not approve this message: only Ana Costa may."
    with pytest.raises(NotEntitled, match="only Ana Costa may"):
        entitlement.check(as_(ctx, BEN), ("Ana Costa",), act="approve this message")


def test_the_account_links_are_folded_again_only_when_the_directory_changes(app, ctx, candidate):
    directory.save_person(ctx, name="Ana Costa", accounts=[ANA.login])
    first = directory.accounts(ctx)
    incidents.change_field(ctx, reference=candidate, field="bridge", value="https://meet/x")
    assert directory.accounts(ctx) is first, "an incident's change leaves the directory as is"
    # Another process on the same file links an account: seen at the next read.
    other = open_app(db=app.database)
    try:
        directory.save_person(other.ctx, name="Ben Okafor", accounts=[BEN.login])
    finally:
        other.close()
    fresh = directory.accounts(ctx)
    assert fresh is not first
    assert fresh.person_of("corp\\ben").name == "Ben Okafor"
    assert directory.accounts(ctx) is fresh


def test_the_demo_replays_its_people_on_a_desk_that_links_accounts(app, ctx):
    """The first run links this account, then offers the demo: its people are not here."""
    directory.link_account(ctx, name="Test Desk", account=ctx.author.login or "me")
    references = demo.load(ctx, settings=app.settings)
    assert any(incidents.get(ctx, r).state.holder("mim") for r in references)
