"""Writes of the taxonomy app: assigning people their role and municipality."""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.db import transaction

from .models import Membership, Municipality, Role

# Django groups mirror the roles so that Wagtail's own permission system (admin access,
# page and snippet permissions) can be granted per role.
ROLE_GROUPS: dict[Role, str] = {
    Role.COORDINATOR: "Coordinating team",
    Role.LEAD: "Project leads",
    Role.ANALYST: "Analysts",
    Role.PARTNER: "Partners",
}


@transaction.atomic
def membership_assign(
    *, user: User, role: Role, municipality: Municipality | None = None, organisation: str = ""
) -> Membership:
    """Give `user` a role (and for leads and analysts, their municipality); the role's group follows."""
    if role in (Role.LEAD, Role.ANALYST) and municipality is None:
        raise ValueError(f"A {role.label} belongs to a municipality.")
    if role in (Role.COORDINATOR, Role.PARTNER):
        municipality = None
    membership, _ = Membership.objects.update_or_create(
        user=user, defaults={"role": role, "municipality": municipality, "organisation": organisation}
    )
    groups = Group.objects.filter(name__in=ROLE_GROUPS.values())
    user.groups.remove(*groups)  # type: ignore[attr-defined]
    group, _ = Group.objects.get_or_create(name=ROLE_GROUPS[role])
    user.groups.add(group)  # type: ignore[attr-defined]
    # Keep the in-memory user consistent with the database for the rest of this request.
    user.membership = membership  # type: ignore[attr-defined]
    user._stigar_membership = membership  # type: ignore[attr-defined]
    return membership
