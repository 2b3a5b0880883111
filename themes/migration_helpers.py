"""Helpers that data migrations import: they work on the historical models a migration is given, never on the
apps' current ones.

Released migrations call these, so a change here changes what those migrations do on a new database: add new
helpers rather than altering what an existing one does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

DEFAULT_ACTIONS = ("add", "change", "delete", "view")


def grant_model_permissions(
    apps: Any,
    *,
    group: str,
    app_label: str,
    model: str,
    verbose_name: str = "",
    actions: tuple[str, ...] = DEFAULT_ACTIONS,
    permissions: Mapping[str, str] | None = None,
) -> None:
    """Give the role group `group` permissions on `app_label.model`: those named (codename: name), or else Django's
    default ones for `actions` (add, change, delete, view), named from `verbose_name` as Django names them.

    The group, the content type and the permissions are created when missing: in a fresh database a data
    migration runs before Django's post_migrate signal has made content types and permissions.
    """
    if permissions is None:
        permissions = {f"{action}_{model}": f"Can {action} {verbose_name}" for action in actions}
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    role_group, _ = Group.objects.get_or_create(name=group)
    for codename, name in permissions.items():
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        role_group.permissions.add(permission)
