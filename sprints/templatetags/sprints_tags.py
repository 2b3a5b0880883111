"""Template tags for the overview: matrix cells and the timeline, rendered in Python because they repeat hundreds of times."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from sprints.models import Status
from sprints.selectors import Cell

register = template.Library()


@register.simple_tag
def matrix_cell(cell: Cell) -> SafeString:
    """Chips for running, finished and early sprints plus targets met, with the same content as text for screen readers."""
    if not cell.total:
        return format_html(
            '<span class="cell cell--empty"><span aria-hidden="true">·</span>'
            '<span class="visually-hidden">{}</span></span>',
            _("none"),
        )
    early = cell.ideas + cell.planned
    chips = [
        ("running", cell.running),
        ("finished", cell.finished),
        ("early", early),
    ]
    visible = format_html_join(
        "", '<span class="chip chip--{}" aria-hidden="true">{}</span>', ((k, n) for k, n in chips if n)
    )
    text = _("%(running)s running, %(finished)s finished, %(early)s planned or ideas") % {
        "running": cell.running,
        "finished": cell.finished,
        "early": early,
    }
    targets: SafeString | str = ""
    if cell.targets:
        targets = format_html(
            '<span class="cell__targets" aria-hidden="true">{}/{}</span>', cell.targets_met, cell.targets
        )
        text += "; " + _("%(met)s of %(targets)s targets met") % {
            "met": cell.targets_met,
            "targets": cell.targets,
        }
    return format_html(
        '<span class="cell">{}{}<span class="visually-hidden">{}</span></span>', visible, targets, text
    )


@register.simple_tag
def timeline_svg(chart: dict[str, Any]) -> SafeString:
    """The timeline as one SVG: month ticks, a label per municipality and a bar per sprint (with a tooltip)."""
    labels = dict(Status.choices)
    ticks = format_html_join(
        "",
        '<line x1="{0}" x2="{0}" y1="18" y2="{1}" class="timeline__tick"/>'
        '<text x="{0}" y="13" class="timeline__tick-label">{2}</text>',
        ((tick["x"], chart["height"], tick["label"]) for tick in chart["ticks"]),
    )
    rows = []
    for row in chart["rows"]:
        rows.append(
            format_html(
                '<text x="0" y="{}" class="timeline__label">{}</text>',
                row["label_y"],
                row["municipality"].name,
            )
        )
        rows.append(
            format_html_join(
                "",
                '<rect x="{}" y="{}" width="{}" height="12" rx="3" class="timeline__bar timeline__bar--{}">'
                "<title>{} ({} – {}, {})</title></rect>",
                (
                    (
                        bar["x"],
                        bar["y"],
                        bar["width"],
                        bar["sprint"].status,
                        bar["sprint"].title,
                        bar["sprint"].start.isoformat(),
                        bar["sprint"].end.isoformat(),
                        labels.get(bar["sprint"].status, ""),
                    )
                    for bar in row["bars"]
                ),
            )
        )
    return format_html(
        '<svg class="timeline" viewBox="0 0 {} {}" role="img" aria-labelledby="timeline-svg-title">'
        '<title id="timeline-svg-title">{}</title>{}{}</svg>',
        chart["width"],
        chart["height"],
        _("Sprints on a time axis per municipality; the list below has the same content as text."),
        ticks,
        mark_safe("".join(rows)),
    )


@register.simple_tag
def timeline_list(chart: dict[str, Any]) -> SafeString:
    """The timeline's text alternative: per municipality, its sprints with dates and status."""
    labels = dict(Status.choices)
    parts = []
    for row in chart["timeline"].rows:
        # The sprint page lives right under its board (sprints/urls.py): one reverse() per municipality, not per sprint.
        board = reverse("sprints:board", kwargs={"municipality": row.municipality.slug})
        items = format_html_join(
            "",
            '<li><a href="{}">{}</a>: {} – {} ({})</li>',
            (
                (
                    f"{board}{entry.sprint.pk}/",
                    entry.sprint.title,
                    entry.sprint.start.isoformat(),
                    entry.sprint.end.isoformat(),
                    labels.get(entry.sprint.status, ""),
                )
                for entry in row.entries
            ),
        )
        parts.append(format_html("<h3>{}</h3><ul>{}</ul>", row.municipality.name, items))
    return mark_safe("".join(parts))
