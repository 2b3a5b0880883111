"""The search glossary as a Wagtail snippet and the search analytics reports; only the coordinating team sees or
changes them (themes.permissions)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from themes.permissions import can_edit_glossary, can_view_search_analytics

from . import reports
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


class SearchAnalyticsMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return can_view_search_analytics(request.user)


@hooks.register("register_admin_urls")
def register_search_report_urls() -> list[Any]:
    urls = [
        path("top/", reports.TopSearchQueriesReport.as_view(), name="top_queries"),
        path(
            "top/results/",
            reports.TopSearchQueriesReport.as_view(results_only=True),
            name="top_queries_results",
        ),
        path("zero/", reports.ZeroResultQueriesReport.as_view(), name="zero_results"),
        path(
            "zero/results/",
            reports.ZeroResultQueriesReport.as_view(results_only=True),
            name="zero_results_results",
        ),
    ]
    return [path("reports/search/", include((urls, "sitesearch_reports"), namespace="sitesearch_reports"))]


@hooks.register("register_reports_menu_item")
def register_top_queries_menu_item() -> MenuItem:
    return SearchAnalyticsMenuItem(
        _("Top search queries"), reverse("sitesearch_reports:top_queries"), icon_name="search", order=1300
    )


@hooks.register("register_reports_menu_item")
def register_zero_results_menu_item() -> MenuItem:
    return SearchAnalyticsMenuItem(
        _("Search queries without hits"),
        reverse("sitesearch_reports:zero_results"),
        icon_name="warning",
        order=1310,
    )
