"""A chart's data as CSV (UTF-8 with BOM and semicolons, as Swedish Excel reads it) or XLSX (PDF: knowledge.pdf),
written by themes.exports: chart headers and categories are taxonomy labels and titles, guarded like any cell."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.text import slugify

from themes.charts import Chart
from themes.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, Sheet, csv_bytes, xlsx_bytes

__all__ = ["CSV_CONTENT_TYPE", "PDF_CONTENT_TYPE", "XLSX_CONTENT_TYPE", "chart_csv", "chart_xlsx", "filename"]

PDF_CONTENT_TYPE = "application/pdf"


def _cell(value: float | None) -> float | int | str:
    if value is None:
        return ""
    return int(value) if float(value).is_integer() else value


def _rows(chart: Chart) -> list[list[Any]]:
    rows: list[list[Any]] = [[label, *(_cell(v) for v in values)] for label, values in chart.rows]
    if chart.note:
        rows += [[], [chart.note]]
    return rows


def chart_csv(chart: Chart) -> bytes:
    """Numbers are written with a decimal point and no grouping, so that any tool reads them back exactly."""
    return csv_bytes([chart.headers, *_rows(chart)])


def chart_xlsx(chart: Chart) -> bytes:
    width = max(12, min(40, max((len(c) for c in chart.categories), default=10) + 2))
    sheet = Sheet(title=chart.title, header=chart.headers, rows=_rows(chart), widths=[width], freeze=None)
    return xlsx_bytes([sheet])


def filename(chart: Chart, extension: str, *, prefix: Iterable[str] = ()) -> str:
    stem = "-".join(slugify(part) for part in (*prefix, chart.key) if part)
    return f"stigar-{stem}.{extension}"
