"""CSV and XLSX exports of the overview: the sprint list, and (in XLSX) the matrices of phases and work packages."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .models import Sprint, Status
from .selectors import OverviewMatrix

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Spreadsheet programs execute cells starting with these as formulas; a text cell must not.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def sprint_header() -> list[str]:
    return [
        _("Municipality"),
        _("Title"),
        _("Work package"),
        _("Relocation phases"),
        _("Sprint method"),
        _("Status"),
        _("Start"),
        _("End"),
        _("Results"),
        _("Targets"),
        _("Targets met"),
        _("Visibility"),
    ]


def sprint_rows(sprints: list[Sprint]) -> list[list[Any]]:
    return [
        [
            sprint.municipality.name,
            sprint.title,
            sprint.work_package.code,
            ", ".join(phase.code for phase in sprint.relocation_phases.all()),
            sprint.method.code,
            str(Status(sprint.status).label),
            sprint.start,
            sprint.end,
            sprint.result_count,
            sprint.target_count,
            sprint.targets_met,
            sprint.visibility,
        ]
        for sprint in sprints
    ]


def _filename(extension: str) -> str:
    return f"stigar-sprintar-{timezone.localdate():%Y-%m-%d}.{extension}"


def csv_response(sprints: list[Sprint]) -> HttpResponse:
    """UTF-8 with a BOM and semicolons, which Swedish Excel opens correctly."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(sprint_header())
    for row in sprint_rows(sprints):
        writer.writerow([spreadsheet_safe(value) for value in row])
    return response


def _matrix_sheet(sheet: Any, title: str, labels: list[str], rows: list[tuple[str, list[Any]]]) -> None:
    sheet.title = title
    header = [_("Municipality")]
    for label in labels:
        header += [f"{label}: {_('running')}", f"{label}: {_('finished')}", f"{label}: {_('targets met')}"]
    sheet.append(header)
    for name, cells in rows:
        line: list[Any] = [name]
        for cell in cells:
            line += [
                cell.running,
                cell.finished,
                f"{cell.targets_met}/{cell.targets}" if cell.targets else "",
            ]
        sheet.append(line)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"


def xlsx_response(matrix: OverviewMatrix, sprints: list[Sprint]) -> HttpResponse:
    workbook = Workbook()
    sprint_sheet = workbook.active
    sprint_sheet.title = _("Sprints")
    sprint_sheet.append(sprint_header())
    for row in sprint_rows(sprints):
        sprint_sheet.append([spreadsheet_safe(value) for value in row])
    for cell in sprint_sheet[1]:
        cell.font = Font(bold=True)
    for column, width in enumerate([16, 48, 8, 28, 16, 12, 12, 12, 9, 9, 12, 10], start=1):
        sprint_sheet.column_dimensions[get_column_letter(column)].width = width
    sprint_sheet.freeze_panes = "A2"
    _matrix_sheet(
        workbook.create_sheet(),
        _("Phases"),
        [phase.label for phase in matrix.phases],
        [(row.municipality.name, row.phases) for row in matrix.rows],
    )
    _matrix_sheet(
        workbook.create_sheet(),
        _("Work packages"),
        [wp.code for wp in matrix.work_packages],
        [(row.municipality.name, row.work_packages) for row in matrix.rows],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    return response
