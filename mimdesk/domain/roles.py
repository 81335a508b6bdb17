"""Incident roles. The list is configuration; these are the built-in defaults."""

from __future__ import annotations

from dataclasses import dataclass

MIM = "mim"


@dataclass(frozen=True, slots=True)
class RoleDef:
    id: str
    label: str
    duties: tuple[str, ...] = ()


DEFAULT_ROLES: tuple[RoleDef, ...] = (
    RoleDef(MIM, "Major Incident Manager"),
    RoleDef("tech_lead", "Technical Lead"),
    RoleDef("comms_lead", "Communications Lead"),
    RoleDef("scribe", "Scribe"),
    RoleDef("business_liaison", "Business Liaison"),
    RoleDef("service_owner", "Service Owner"),
)


def role_label(role_id: str, roles: tuple[RoleDef, ...] = DEFAULT_ROLES) -> str:
    """The role's label; a role outside the site's list is shown as it was recorded ("SRE on
    call for pg_dump", not "Sre on call for pg dump")."""
    for role in roles:
        if role.id == role_id:
            return role.label
    return role_id
