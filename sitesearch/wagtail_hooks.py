"""The search glossary as a Wagtail snippet; only the coordinating team may see or change it (themes.permissions)."""

from __future__ import annotations

from typing import Any

from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from themes.permissions import can_edit_glossary

from .models import GlossaryEntry


class GlossaryPermissionPolicy(ModelPermissionPolicy):
    """Every action on the glossary follows the one rule in themes.permissions, not per-user model permissions."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return can_edit_glossary(user)

    def user_has_any_permission(self, user: Any, actions: Any) -> bool:
        return can_edit_glossary(user)


class GlossaryViewSet(SnippetViewSet):
    model = GlossaryEntry
    icon = "list-ul"
    menu_label = GlossaryEntry._meta.verbose_name_plural
    add_to_admin_menu = True
    list_display = ["swedish", "english", "source", "updated_at"]


register_permission_policy(GlossaryEntry, GlossaryPermissionPolicy(GlossaryEntry))
register_snippet(GlossaryViewSet)
