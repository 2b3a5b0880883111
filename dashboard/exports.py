"""A chart's data as CSV (UTF-8 with BOM and semicolons, as Swedish Excel reads it) or XLSX (PDF: knowledge.pdf)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Font

from themes.charts import Chart

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_CONTENT_TYPE = "application/pdf"


def _cell(value: float | None) -> float | int | str:
    if value is None:
        return ""
    return int(value) if float(value).is_integer() else value


def chart_csv(chart: Chart) -> bytes:
    """Numbers are written with a decimal point and no grouping, so that any tool reads them back exactly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(chart.headers)
    for label, values in chart.rows:
        writer.writerow([label, *(_cell(v) for v in values)])
    if chart.note:
        writer.writerow([])
        writer.writerow([chart.note])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def chart_xlsx(chart: Chart) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one sheet
    # Excel limits sheet titles to 31 characters and forbids a few punctuation marks.
    sheet.title = "".join(ch for ch in chart.title if ch not in "[]:*?/\\")[:31] or "data"
    sheet.append(chart.headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for label, values in chart.rows:
        sheet.append([label, *(_cell(v) for v in values)])
    if chart.note:
        sheet.append([])
        sheet.append([chart.note])
    sheet.column_dimensions["A"].width = max(
        12, min(40, max((len(c) for c in chart.categories), default=10) + 2)
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filename(chart: Chart, extension: str, *, prefix: Iterable[str] = ()) -> str:
    stem = "-".join(slugify(part) for part in (*prefix, chart.key) if part)
    return f"stigar-{stem}.{extension}"
