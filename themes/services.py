"""Writes of the taxonomy app: assigning people their role and municipality, recorded in Wagtail's audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, User
from django.db import transaction
from wagtail.log_actions import log

from .models import Membership, Municipality, Role
from .permissions import require_manage_people

# Django groups mirror the roles so that Wagtail's own permission system (admin access,
# page and snippet permissions) can be granted per role.
ROLE_GROUPS: dict[Role, str] = {
    Role.COORDINATOR: "Coordinating team",
    Role.LEAD: "Project leads",
    Role.ANALYST: "Analysts",
    Role.PARTNER: "Partners",
}

# The audit-log action of a role or membership change (formatted in themes/wagtail_hooks.py).
MEMBERSHIP_LOG_ACTION = "stigar.membership"


def _described(membership: Membership | None) -> dict[str, str | None]:
    """What the audit log keeps of a membership: codes to format in the reader's language, and the municipality's
    name as it was then."""
    if membership is None:
        return {"role": None, "municipality": None, "municipality_name": None}
    municipality = membership.municipality
    return {
        "role": membership.role,
        "municipality": municipality.slug if municipality else None,
        "municipality_name": municipality.name if municipality else None,
    }


def _log_change(*, user: User, by: Any, old: dict[str, str | None], new: dict[str, str | None]) -> None:
    if old == new:
        return
    actor = by if getattr(by, "is_authenticated", False) else None
    log(instance=user, action=MEMBERSHIP_LOG_ACTION, user=actor, data={"old": old, "new": new})


def _set_role_group(user: User, role: Role | None) -> None:
    user.groups.remove(*Group.objects.filter(name__in=ROLE_GROUPS.values()))
    if role is not None:
        group, _ = Group.objects.get_or_create(name=ROLE_GROUPS[role])
        user.groups.add(group)


@transaction.atomic
def membership_assign(
    *,
    user: User,
    role: Role,
    municipality: Municipality | None = None,
    organisation: str | None = None,
    by: Any = None,
    skip_permission_checks: bool = False,
) -> Membership:
    """Give `user` a role (and for leads and analysts, their municipality); the role's group follows.

    `by` is the person making the change (a coordinator); the change is recorded in the audit log with them, the time
    and the old and new role. System callers (demo data, an accepted invitation) pass `skip_permission_checks=True`.
    `organisation=None` keeps the one stored.
    """
    if not skip_permission_checks:
        require_manage_people(by)
    if role in (Role.LEAD, Role.ANALYST) and municipality is None:
        raise ValueError(f"A {role.label} belongs to a municipality.")
    if role in (Role.COORDINATOR, Role.PARTNER):
        municipality = None
    previous = Membership.objects.select_related("municipality").filter(user=user).first()
    defaults: dict[str, Any] = {"role": role, "municipality": municipality}
    if organisation is not None:
        defaults["organisation"] = organisation
    membership, _ = Membership.objects.update_or_create(user=user, defaults=defaults)
    _set_role_group(user, role)
    _log_change(user=user, by=by, old=_described(previous), new=_described(membership))
    # Keep the in-memory user consistent with the database for the rest of this request.
    user.membership = membership
    user._stigar_membership = membership  # type: ignore[attr-defined]
    return membership


@transaction.atomic
def membership_end(*, user: User, by: Any = None, skip_permission_checks: bool = False) -> None:
    """Take `user`'s role away (they keep their account and content, and see what an anonymous reader sees)."""
    if not skip_permission_checks:
        require_manage_people(by)
    previous = Membership.objects.select_related("municipality").filter(user=user).first()
    if previous is None:
        return
    previous_description = _described(previous)
    previous.delete()
    _set_role_group(user, None)
    _log_change(user=user, by=by, old=previous_description, new=_described(None))
    user._stigar_membership = None  # type: ignore[attr-defined]
