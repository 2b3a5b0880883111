"""The search analytics as Wagtail admin reports: the most searched queries, and the queries that found nothing.

Read from the anonymous query log (SearchQueryDay: query, day, searches, hits) and shown only to the coordinating
team (themes.permissions.can_view_search_analytics).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView

from themes.permissions import can_view_search_analytics

from . import selectors


class SearchQueryReport(ReportView):
    """Queries summed over the days the log keeps (SEARCH_LOG_RETENTION_DAYS), most searched first."""

    header_icon = "search"
    paginate_by = 50
    zero_hits_only = False
    default_ordering = "-total_searches"
    columns = [
        Column("query", label=_("Query"), sort_key="query"),
        Column("total_searches", label=_("Searches"), sort_key="total_searches"),
        Column("days", label=_("Days searched"), sort_key="days"),
        # The log keeps days, not moments: the day itself (DateColumn would say "1 hour ago" of its midnight).
        Column("last_searched", label=_("Last searched"), sort_key="last_searched"),
        Column("fewest_hits", label=_("Fewest hits on a day"), sort_key="fewest_hits"),
    ]
    list_export = ["query", "total_searches", "days", "last_searched", "fewest_hits"]
    export_headings = {
        "query": _("Query"),
        "total_searches": _("Searches"),
        "days": _("Days searched"),
        "last_searched": _("Last searched"),
        "fewest_hits": _("Fewest hits on a day"),
    }

    @property
    def permission_policy(self) -> None:
        return None  # the rule in themes.permissions decides, in dispatch

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not can_view_search_analytics(request.user):
            raise PermissionDenied
        response: HttpResponseBase = super().dispatch(request, *args, **kwargs)
        return response

    def get_base_queryset(self) -> QuerySet[Any]:
        since = timezone.localdate() - datetime.timedelta(days=settings.SEARCH_LOG_RETENTION_DAYS)
        return selectors.query_log_rows(since=since, zero_hits_only=self.zero_hits_only).order_by("query")


class TopSearchQueriesReport(SearchQueryReport):
    page_title = _("Top search queries")
    index_url_name = "sitesearch_reports:top_queries"
    index_results_url_name = "sitesearch_reports:top_queries_results"


class ZeroResultQueriesReport(SearchQueryReport):
    """Queries that found nothing as typed on at least one day (the page then loosened them)."""

    page_title = _("Search queries without hits")
    zero_hits_only = True
    index_url_name = "sitesearch_reports:zero_results"
    index_results_url_name = "sitesearch_reports:zero_results_results"
