"""Declaring and rejecting in a test's set-up, the one way the product allows.

A status change cannot declare or reject (``incidents.change_status`` refuses it): a test that
needs a declared or rejected incident goes through ``mimdesk.usecases.declaration`` here.
"""

from __future__ import annotations

from mimdesk.config import Settings, load_settings
from mimdesk.paths import default_paths
from mimdesk.usecases import declaration
from mimdesk.usecases.context import Changes, Context


def declare(
    ctx: Context,
    reference: str,
    *,
    severity: str = "SEV2",
    mim: str = "Test MIM",
    rationale: str = "Declared for the test",
    settings: Settings | None = None,
) -> Changes:
    settings = settings or load_settings(default_paths())
    return declaration.declare(
        ctx,
        reference=reference,
        settings=settings,
        severity=severity,
        mim=mim,
        rationale=rationale,
    )


def reject(ctx: Context, reference: str, *, rationale: str = "Rejected for the test") -> Changes:
    return declaration.reject(ctx, reference=reference, rationale=rationale)
