"""The stage history's charts as figures with their CSV and XLSX download links (the dashboard's chart_panel, for insights)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse

from themes.charts import Chart
from themes.templatetags.chart_tags import chart_figure_context

register = template.Library()


@register.inclusion_tag("themes/_chart.html")
def history_chart(
    chart: Chart, shared: bool = False, recipient: str = "", heading_level: int = 2
) -> dict[str, Any]:
    name = "insights:shared-history-data" if shared else "insights:history-data"
    # A shared download is logged for the same recipient as the page view.
    query = f"?{urlencode({'recipient': recipient})}" if shared and recipient else ""
    return chart_figure_context(
        chart,
        heading_level=heading_level,
        csv_url=reverse(name, args=[chart.key, "csv"]) + query,
        xlsx_url=reverse(name, args=[chart.key, "xlsx"]) + query,
    )


@register.filter
def get_chart(charts: dict[str, Chart], key: str) -> Chart | None:
    """`charts|get_chart:"funnel-over-time"`: chart keys contain hyphens, which a template's dot lookup cannot take."""
    return charts.get(key)
