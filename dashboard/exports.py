"""A chart's data as CSV (UTF-8 with BOM and semicolons, as Swedish Excel reads it) or XLSX (PDF: knowledge.pdf),
written by themes.exports: chart headers and categories are taxonomy labels and titles, guarded like any cell."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.text import slugify

from themes.charts import Chart
from themes.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, chart_csv, chart_xlsx

__all__ = [
    "CSV_CONTENT_TYPE",
    "PDF_CONTENT_TYPE",
    "XLSX_CONTENT_TYPE",
    "chart_csv",
    "chart_xlsx",
    "filename_stem",
]

PDF_CONTENT_TYPE = "application/pdf"


def filename_stem(chart: Chart, *, prefix: Iterable[str] = ()) -> str:
    """`stigar-<prefix…>-<chart key>`, slugified: the name of a chart's download before its extension."""
    return "stigar-" + "-".join(slugify(part) for part in (*prefix, chart.key) if part)
