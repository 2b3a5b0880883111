"""A plan as CSV (UTF-8 with BOM and semicolons, as Swedish Excel reads it) or XLSX (one sheet per part), written
by themes.exports and its formula guard."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _

from themes.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, Sheet, csv_bytes, download, xlsx_bytes

from .models import ActionPlan
from .selectors import PlanPage


def filename(plan: ActionPlan, extension: str) -> str:
    return f"stigar-handlingsplan-{plan.municipality.slug}-{plan.period}-v{plan.version}.{extension}"


def _number(value: Any) -> Any:
    return "" if value is None else float(value)


def sheets(page: PlanPage) -> list[tuple[str, list[str], list[list[Any]]]]:
    """(title, header, rows) of each part of the plan, in the active language."""
    content, capacity = page.content, page.capacity
    return [
        (
            _("Needs"),
            [
                _("Need or friction"),
                _("Value-chain step"),
                _("Force"),
                _("Relocation phase"),
                _("Work package"),
                _("Tags"),
            ],
            [
                [
                    need.text,
                    need.value_chain_step.label,
                    need.value_chain_step.get_force_display(),
                    need.relocation_phase.label,
                    need.work_package.code,
                    ", ".join(getattr(need, "tag_names", [])),
                ]
                for need in content.needs
            ],
        ),
        (
            _("Goals"),
            [
                _("Indicator"),
                _("Unit"),
                _("Baseline"),
                _("Target"),
                _("Due date"),
                _("Latest value"),
                _("Measured"),
                _("Progress (%)"),
            ],
            [
                [
                    view.goal.indicator,
                    view.goal.unit,
                    float(view.goal.baseline),
                    float(view.goal.target),
                    view.goal.due,
                    _number(view.measurement.value if view.measurement else None),
                    view.measurement.date if view.measurement else "",
                    "" if view.progress is None else round(view.progress * 100),
                ]
                for view in content.goals
            ],
        ),
        (
            _("Activities"),
            [
                _("Activity"),
                _("Status"),
                _("Reason for dropping"),
                _("Answers the need"),
                _("Serves the goal"),
                _("Sprints"),
            ],
            [
                [
                    view.activity.title,
                    view.activity.get_status_display(),
                    view.activity.drop_reason,
                    view.activity.need.text if view.activity.need else "",
                    view.activity.goal.indicator if view.activity.goal else "",
                    ", ".join(sprint.title for sprint in view.sprints),
                ]
                for view in content.activities
            ],
        ),
        (
            _("Capacity"),
            [_("Figure"), _("Value"), _("Source"), _("Date"), _("Synthetic")],
            [
                [_("Prospects in Desire"), _number(capacity.desire), "insights", "", ""],
                [_("Prospects in Action"), _number(capacity.action), "insights", "", ""],
                *(
                    [
                        label,
                        _number(value.value),
                        value.source,
                        value.date,
                        _("yes") if value.synthetic else "",
                    ]
                    if value
                    else [label, "", "", "", ""]
                    for _kind, label, value in capacity.indicator_list
                ),
            ],
        ),
    ]


def csv_response(page: PlanPage) -> HttpResponse:
    """The parts one after another, each under its own title line."""
    lines: list[list[Any]] = []
    for number, (title, header, rows) in enumerate(sheets(page)):
        if number:
            lines.append([])
        lines += [[title], header, *rows]
    return download(
        csv_bytes(lines), content_type=CSV_CONTENT_TYPE, filename=filename(page.content.plan, "csv")
    )


def xlsx_response(page: PlanPage) -> HttpResponse:
    body = xlsx_bytes(
        Sheet(title=title, header=header, rows=rows, widths=[48]) for title, header, rows in sheets(page)
    )
    return download(body, content_type=XLSX_CONTENT_TYPE, filename=filename(page.content.plan, "xlsx"))
