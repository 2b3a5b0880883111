"""Template helpers of the dashboard: a chart with its text alternative, data table and download links."""

from __future__ import annotations

import base64
from typing import Any

from django import template
from django.urls import reverse

from themes.charts import Chart, describe, svg, svg_size, table_body
from themes.templatetags.chart_tags import chart_figure_context

register = template.Library()

PDF_IMAGE_WIDTH = 480  # points: the A4 text width with the PDF template's margins


@register.inclusion_tag("themes/_chart.html")
def chart_panel(chart: Chart, municipality: str = "", heading_level: int = 3) -> dict[str, Any]:
    if municipality:
        args: list[str] = [municipality, chart.key]
        csv_url = reverse("dashboard:municipality-data", args=[*args, "csv"])
        xlsx_url = reverse("dashboard:municipality-data", args=[*args, "xlsx"])
    else:
        csv_url = reverse("dashboard:programme-data", args=[chart.key, "csv"])
        xlsx_url = reverse("dashboard:programme-data", args=[chart.key, "xlsx"])
    return chart_figure_context(chart, heading_level=heading_level, csv_url=csv_url, xlsx_url=xlsx_url)


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    """`charts|get_item:"eu-spi"`: chart keys contain hyphens, which the template language's dot lookup cannot take."""
    return mapping.get(key)


@register.filter
def svg_image(chart: Chart) -> dict[str, Any]:
    """The chart as an SVG data URI for the PDF export (xhtml2pdf draws SVG images as vectors through svglib)."""
    markup = str(svg(chart))
    width, height = svg_size(markup)
    scale = PDF_IMAGE_WIDTH / width
    return {
        "src": "data:image/svg+xml;base64," + base64.b64encode(markup.encode()).decode(),
        "width": PDF_IMAGE_WIDTH,
        "height": round(height * scale),
        "alt": describe(chart),
    }


@register.filter(name="table_body")
def table_body_filter(chart: Chart) -> str:
    return table_body(chart)
