"""Every CSV and XLSX file the portal writes: one formula guard on every cell, one way to write each format.

A spreadsheet program runs a cell that starts with = + - @ (or a tab or carriage return that it strips first) as a
formula; openpyxl even stores such a string as a live formula. Sprint titles, needs, taxonomy labels and chart
headers are text people typed, so every text cell is neutralised here (OWASP's advice: a leading apostrophe), and
the apps' exports only say which rows go in which file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

if TYPE_CHECKING:
    from themes.charts import Chart

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Excel refuses these in a sheet's title, and titles longer than 31 characters.
_SHEET_TITLE_FORBIDDEN = frozenset("[]:*?/\\")


def spreadsheet_safe(value: Any) -> Any:
    """The value as a cell that is never run as a formula: text starting with a formula character is prefixed with
    an apostrophe; numbers, dates and empty cells are written as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [spreadsheet_safe(value) for value in row]


def csv_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a BOM and semicolons, which Swedish Excel opens correctly; numbers with a decimal point."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow(safe_row(row))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


@dataclass
class Sheet:
    """One sheet: a bold header row, the rows, and optional column widths (in characters) and frozen cell."""

    title: str
    header: Sequence[Any]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[float] = field(default=())
    freeze: str | None = "A2"


def sheet_title(text: str) -> str:
    return "".join(ch for ch in text if ch not in _SHEET_TITLE_FORBIDDEN)[:31] or "data"


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for spec in sheets:
        sheet = workbook.create_sheet(sheet_title(spec.title))
        sheet.append(safe_row(spec.header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in spec.rows:
            sheet.append(safe_row(row))
        for column, width in enumerate(spec.widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        if spec.freeze:
            sheet.freeze_panes = spec.freeze
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download(body: bytes, *, content_type: str, filename: str) -> HttpResponse:
    """An attachment response; `filename` is built by the caller from slugs and dates only."""
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- a chart's data (themes.charts): the same numbers as its picture and table, for the dashboard and insights ----


def _chart_cell(value: float | None) -> float | int | str:
    if value is None:
        return ""
    return int(value) if float(value).is_integer() else value


def _chart_rows(chart: Chart) -> list[list[Any]]:
    rows: list[list[Any]] = [[label, *(_chart_cell(v) for v in values)] for label, values in chart.rows]
    if chart.note:
        rows += [[], [chart.note]]
    return rows


def chart_csv(chart: Chart) -> bytes:
    """A `themes.charts.Chart` as CSV: numbers with a decimal point and no grouping, so any tool reads them back."""
    return csv_bytes([chart.headers, *_chart_rows(chart)])


def chart_xlsx(chart: Chart) -> bytes:
    """A `themes.charts.Chart` as one XLSX sheet."""
    width = max(12, min(40, max((len(c) for c in chart.categories), default=10) + 2))
    sheet = Sheet(
        title=chart.title, header=chart.headers, rows=_chart_rows(chart), widths=[width], freeze=None
    )
    return xlsx_bytes([sheet])


def chart_download(chart: Chart, fmt: str, *, stem: str) -> HttpResponse:
    """A chart's data as the attachment `<stem>.csv` or `<stem>.xlsx`; any other format is a missing page."""
    if fmt == "csv":
        return download(chart_csv(chart), content_type=CSV_CONTENT_TYPE, filename=f"{stem}.csv")
    if fmt == "xlsx":
        return download(chart_xlsx(chart), content_type=XLSX_CONTENT_TYPE, filename=f"{stem}.xlsx")
    raise Http404(_("Unknown download format."))
