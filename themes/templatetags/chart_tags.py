"""A chart as a figure: the SVG with its text alternative, the data table, a note and (where the page offers them) downloads."""

from __future__ import annotations

from typing import Any

from django import template

from themes.charts import Chart, describe, svg, table_body

register = template.Library()


def chart_figure_context(
    chart: Chart, *, heading_level: int = 3, csv_url: str = "", xlsx_url: str = ""
) -> dict[str, Any]:
    """What `themes/_chart.html` needs; the dashboard's panels add their download links to it."""
    return {
        "chart": chart,
        "svg": svg(chart),
        "description": describe(chart),
        "body": table_body(chart),
        "csv_url": csv_url,
        "xlsx_url": xlsx_url,
        "heading": f"h{heading_level}",
    }


@register.inclusion_tag("themes/_chart.html")
def chart_figure(chart: Chart, heading_level: int = 3) -> dict[str, Any]:
    return chart_figure_context(chart, heading_level=heading_level)
