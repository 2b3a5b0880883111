"""Context every page needs: the navigation the user may use, their role, and links to the other language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from themes.permissions import role_of

# (url name, label, roles that see it; None = everyone)
NAVIGATION: list[tuple[str, Any, frozenset[str] | None]] = [
    ("home", _("Home"), None),
    ("sprints:overview", _("Sprints"), None),
    ("knowledge:index", _("Knowledge"), None),
    ("plans:list", _("Action plans"), None),
    ("search", _("Search"), None),
    ("insights:home", _("Insights"), frozenset({"analyst", "coordinator", "partner"})),
    ("dashboard:programme", _("Dashboard"), frozenset({"coordinator", "partner", "lead", "analyst"})),
]


def _navigation(request: HttpRequest, role: str | None) -> list[dict[str, Any]]:
    items = []
    for name, label, roles in NAVIGATION:
        if roles is not None and role not in roles:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:  # an app that has no pages yet simply has no menu entry
            continue
        current = request.path == url if name == "home" else request.path.startswith(url)
        items.append({"url": url, "label": label, "current": current})
    return items


def portal(request: HttpRequest) -> dict[str, Any]:
    role = role_of(getattr(request, "user", None))
    current = get_language() or settings.LANGUAGE_CODE
    languages = [
        {
            "code": code,
            "name": name,
            "url": translate_url(request.path, code),
            "current": current.startswith(code),
        }
        for code, name in settings.LANGUAGES
    ]
    return {
        "stigar_navigation": _navigation(request, role),
        "stigar_role": role,
        "stigar_languages": languages,
    }
