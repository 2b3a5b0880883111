"""CSV and XLSX exports of the overview: the sprint list, and (in XLSX) the matrices of phases and work packages.

The files are written by themes.exports, whose formula guard covers every cell, the matrices' label headers included.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from themes.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, Sheet, csv_bytes, download, xlsx_bytes

from .models import Sprint, Status
from .selectors import OverviewMatrix


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
    body = csv_bytes([sprint_header(), *sprint_rows(sprints)])
    return download(body, content_type=CSV_CONTENT_TYPE, filename=_filename("csv"))


def _matrix_sheet(title: str, labels: list[str], rows: list[tuple[str, list[Any]]]) -> Sheet:
    # The labels are the taxonomy's, which the coordinating team edits: headers are guarded like any cell.
    header = [_("Municipality")]
    for label in labels:
        header += [f"{label}: {_('running')}", f"{label}: {_('finished')}", f"{label}: {_('targets met')}"]
    lines: list[list[Any]] = []
    for name, cells in rows:
        line: list[Any] = [name]
        for cell in cells:
            line += [
                cell.running,
                cell.finished,
                f"{cell.targets_met}/{cell.targets}" if cell.targets else "",
            ]
        lines.append(line)
    return Sheet(title=title, header=header, rows=lines, freeze="B2")


def xlsx_response(matrix: OverviewMatrix, sprints: list[Sprint]) -> HttpResponse:
    body = xlsx_bytes(
        [
            Sheet(
                title=_("Sprints"),
                header=sprint_header(),
                rows=sprint_rows(sprints),
                widths=[16, 48, 8, 28, 16, 12, 12, 12, 9, 9, 12, 10],
            ),
            _matrix_sheet(
                _("Phases"),
                [phase.label for phase in matrix.phases],
                [(row.municipality.name, row.phases) for row in matrix.rows],
            ),
            _matrix_sheet(
                _("Work packages"),
                [wp.code for wp in matrix.work_packages],
                [(row.municipality.name, row.work_packages) for row in matrix.rows],
            ),
        ]
    )
    return download(body, content_type=XLSX_CONTENT_TYPE, filename=_filename("xlsx"))
