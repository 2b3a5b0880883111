"""The Wagtail admin form of knowledge pages: the programme's rule on whose municipality a page may name."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from themes.permissions import can_edit_knowledge


class KnowledgePageForm(WagtailAdminPageForm):
    """A lead may name only their own municipality; the coordinating team any, or none (region-wide).

    The page's permission tester (page_permissions.py) checks the page as stored; this checks what the form would store,
    so that a lead cannot move their page to another municipality, or create one there.
    """

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        user = self.for_user
        if "municipality" not in self.fields or user is None:
            return cleaned
        if not can_edit_knowledge(user, municipality=cleaned.get("municipality")):
            self.add_error("municipality", _("You can write knowledge for your own municipality only."))
        return cleaned
