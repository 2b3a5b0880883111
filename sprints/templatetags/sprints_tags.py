"""Template tags for the overview (matrix cells and the timeline, rendered in Python because they repeat hundreds of
times) and the board's filter selects."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sprints.models import Status
from sprints.selectors import BoardFilters, Cell

register = template.Library()


# Translated texts of a cell, per language: the matrices draw some two hundred cells per page.
_CELL_TEXTS: dict[str, tuple[str, str, str]] = {}


def _cell_texts() -> tuple[str, str, str]:
    language = get_language() or ""
    if language not in _CELL_TEXTS:
        _CELL_TEXTS[language] = (
            escape(_("none")),
            escape(_("%(running)s running, %(finished)s finished, %(early)s planned or ideas")),
            escape(_("%(met)s of %(targets)s targets met")),
        )
    return _CELL_TEXTS[language]


@register.simple_tag
def matrix_cell(cell: Cell) -> SafeString:
    """Chips for running, finished and early sprints plus targets met, with the same content as text for screen readers.

    Only integers are interpolated into the (escaped) translated texts, so plain string formatting is safe here.
    """
    none, counts, met = _cell_texts()
    if not cell.total:
        return mark_safe(
            f'<span class="cell cell--empty"><span aria-hidden="true">·</span><span class="visually-hidden">{none}</span></span>'
        )
    early = cell.ideas + cell.planned
    chips = "".join(
        f'<span class="chip chip--{kind}" aria-hidden="true">{n}</span>'
        for kind, n in (("running", cell.running), ("finished", cell.finished), ("early", early))
        if n
    )
    text = counts % {"running": cell.running, "finished": cell.finished, "early": early}
    targets = ""
    if cell.targets:
        targets = f'<span class="cell__targets" aria-hidden="true">{cell.targets_met}/{cell.targets}</span>'
        text += "; " + met % {"met": cell.targets_met, "targets": cell.targets}
    return mark_safe(f'<span class="cell">{chips}{targets}<span class="visually-hidden">{text}</span></span>')


def _labels() -> dict[str, str]:
    # Resolved once per render: the choices' labels are lazy and would be translated again for every bar.
    return {value: str(label) for value, label in Status.choices}


@register.simple_tag
def timeline_svg(chart: dict[str, Any]) -> SafeString:
    """The timeline as one SVG: month ticks, a label per municipality and a bar per sprint (with a tooltip).

    Built with escape() and f-strings rather than format_html: the overview draws hundreds of bars.
    """
    labels = _labels()
    parts = [
        f'<svg class="timeline" viewBox="0 0 {chart["width"]} {chart["height"]}" role="img" '
        f'aria-labelledby="timeline-svg-title"><title id="timeline-svg-title">'
        f"{escape(_('Sprints on a time axis per municipality; the list below has the same content as text.'))}</title>"
    ]
    for tick in chart["ticks"]:
        parts.append(
            f'<line x1="{tick["x"]}" x2="{tick["x"]}" y1="18" y2="{chart["height"]}" class="timeline__tick"/>'
            f'<text x="{tick["x"]}" y="13" class="timeline__tick-label">{escape(tick["label"])}</text>'
        )
    for row in chart["rows"]:
        parts.append(
            f'<text x="0" y="{row["label_y"]}" class="timeline__label">{escape(row["municipality"].name)}</text>'
        )
        for bar in row["bars"]:
            sprint = bar["sprint"]
            parts.append(
                f'<rect x="{bar["x"]}" y="{bar["y"]}" width="{bar["width"]}" height="12" rx="3" '
                f'class="timeline__bar timeline__bar--{escape(sprint.status)}"><title>{escape(sprint.title)} '
                f"({sprint.start.isoformat()} – {sprint.end.isoformat()}, {escape(labels.get(sprint.status, ''))})"
                "</title></rect>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))


@register.simple_tag
def timeline_list(chart: dict[str, Any]) -> SafeString:
    """The timeline's text alternative: per municipality, its sprints with dates and status."""
    labels = _labels()
    parts = []
    for row in chart["timeline"].rows:
        # The sprint page lives right under its board (sprints/urls.py): one reverse() per municipality.
        board = reverse("sprints:board", kwargs={"municipality": row.municipality.slug})
        parts.append(f"<h3>{escape(row.municipality.name)}</h3><ul>")
        for entry in row.entries:
            sprint = entry.sprint
            parts.append(
                f'<li><a href="{escape(board)}{sprint.pk}/">{escape(sprint.title)}</a>: '
                f"{sprint.start.isoformat()} – {sprint.end.isoformat()} ({escape(labels.get(sprint.status, ''))})</li>"
            )
        parts.append("</ul>")
    return mark_safe("".join(parts))


@register.inclusion_tag("sprints/_board_filters.html")
def board_filters(
    filters: BoardFilters,
    choices: dict[str, list[Any]],
    statuses: Sequence[tuple[str, str]],
    people: Sequence[Any],
) -> dict[str, Any]:
    """The selects of the board's filter form: each its id, query name, label, "all" option, options and chosen value."""
    selects: list[dict[str, Any]] = [
        {
            "id": "filter-wp",
            "name": "work_package",
            "label": _("Work package"),
            "selected": filters.work_package,
            "options": [(wp.code, f"{wp.code} {wp.label}") for wp in choices["work_packages"]],
        },
        {
            "id": "filter-phase",
            "name": "phase",
            "label": _("Relocation phase"),
            "selected": filters.phase,
            "options": [(phase.code, phase.label) for phase in choices["phases"]],
        },
        {
            "id": "filter-method",
            "name": "method",
            "label": _("Sprint method"),
            "selected": filters.method,
            "options": [(method.code, method.label) for method in choices["methods"]],
        },
        {
            "id": "filter-status",
            "name": "status",
            "label": _("Status"),
            "selected": filters.status,
            "options": list(statuses),
        },
    ]
    if people:
        selects.append(
            {
                "id": "filter-assignee",
                "name": "assignee",
                "label": _("Assignee"),
                "all": _("Everyone"),
                "selected": filters.assignee,
                "options": [
                    (person.username, person.get_full_name() or person.username) for person in people
                ],
            }
        )
    return {"selects": selects}
