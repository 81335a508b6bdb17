"""The OS account check of declaring and of handing over the MIM role, as use cases raise it
(the rules are :mod:`mimdesk.domain.entitlement`'s)."""

from __future__ import annotations

from collections.abc import Sequence

from mimdesk.domain import entitlement
from mimdesk.errors import NotEntitled
from mimdesk.usecases import directory as directory_uc
from mimdesk.usecases.context import Context


def check(
    ctx: Context,
    entitled: Sequence[str] = (),
    *,
    act: str = "do this",
    override_hint: str = "",
) -> None:
    """Raise :class:`NotEntitled` unless this desk's account may act as the name it signs
    with, and, with ``entitled``, is one of those people. A context that replays what others
    did (the demo) is not checked: its authors are not at this desk."""
    if ctx.replaying:
        return
    refusal = entitlement.check(
        directory_uc.accounts(ctx),
        ctx.author,
        entitled,
        act=act,
        override_hint=override_hint,
    )
    if refusal is not None:
        raise NotEntitled(refusal.message, refusal.hint, overridable=refusal.overridable)


def check_handover(
    ctx: Context, *, role_label: str, holder: str, incoming: str, override: str = ""
) -> bool:
    """The check of handing a held role from ``holder`` to ``incoming``; True when the
    account is neither of them and acts on ``override``, its reason (the caller records it
    with :func:`~mimdesk.domain.entitlement.override_note`). Without a reason such an
    account is refused."""
    try:
        check(
            ctx,
            (holder, incoming),
            act=f"hand over the {role_label} role",
            override_hint=(
                f"Ask {holder} or {incoming} to hand it over, or give a reason for taking it "
                "over without them: the handover note records it."
            ),
        )
    except NotEntitled as refused:
        if refused.overridable and override.strip():
            return True
        raise
    return False
