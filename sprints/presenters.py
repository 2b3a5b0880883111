"""What the board shows of each sprint, prepared as text before the template runs.

A board holds every sprint of a municipality, and each card needs a dozen lookups (labels, phases, dates, result
counts, move targets). Django's template engine costs microseconds per lookup and filter, so a board of 40 cards
spent most of its time resolving them; preparing the card's text once in Python halves the page's time
(bench/pages.py). The template (sprints/_sprint_card.html) keeps the markup.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from .models import Sprint
from .selectors import BoardColumn, ColumnLoad


@dataclass(frozen=True, slots=True)
class BoardCard:
    pk: str
    title: str
    url: str
    move_url: str
    work_package_code: str
    work_package_label: str
    method_label: str
    visibility: str
    visibility_label: str
    phases: str
    dates: str
    # "3 results, 1 of 2 targets met", or "" when the sprint has no results yet.
    results: str
    # Whether the "up"/"down" buttons apply: not for the first/last card of a column.
    can_move_up: bool
    can_move_down: bool
    # "Overdue" when the end date has passed and the sprint is not finished; "" otherwise.
    overdue: str = ""
    # "2 overdue activities", or "".
    overdue_cards: str = ""


@dataclass(frozen=True, slots=True)
class BoardColumnView:
    status: str
    label: str
    cards: list[BoardCard] = field(default_factory=list)
    # The neighbouring columns (value and label) that a card can be moved back to and on to; "" at the ends.
    previous_value: str = ""
    previous_label: str = ""
    next_value: str = ""
    next_label: str = ""
    # Sprints in the column (unfiltered) against its soft work-in-progress limit; the warning when above it.
    count: int = 0
    limit: int | None = None
    warning: str = ""


def results_summary(sprint: Sprint) -> str:
    count = getattr(sprint, "result_count", 0)
    if not count:
        return ""
    return ngettext(
        "%(counter)s result, %(met)s of %(targets)s targets met",
        "%(counter)s results, %(met)s of %(targets)s targets met",
        count,
    ) % {"counter": count, "met": sprint.targets_met, "targets": sprint.target_count}


def board_card(
    sprint: Sprint, *, board_url: str, first: bool, last: bool, today: datetime.date | None = None
) -> BoardCard:
    url = f"{board_url}{sprint.pk}/"
    late_cards = getattr(sprint, "overdue_cards", 0)
    return BoardCard(
        pk=str(sprint.pk),
        title=sprint.title,
        url=url,
        move_url=f"{url}move/",
        work_package_code=sprint.work_package.code,
        work_package_label=sprint.work_package.label,
        method_label=sprint.method.label,
        visibility=sprint.visibility,
        visibility_label=str(sprint.get_visibility_display()),
        phases=" · ".join(phase.label for phase in sprint.relocation_phases.all()),
        dates=f"{date_format(sprint.start, 'j M')} – {date_format(sprint.end, 'j M Y')}",
        results=results_summary(sprint),
        can_move_up=not first,
        can_move_down=not last,
        overdue=gettext("Overdue") if today and sprint.end < today and not sprint.is_finished else "",
        overdue_cards=ngettext("%(counter)s overdue activity", "%(counter)s overdue activities", late_cards)
        % {"counter": late_cards}
        if late_cards
        else "",
    )


def column_warning(load: ColumnLoad) -> str:
    if not load.over:
        return ""
    return gettext("Above the work-in-progress limit: %(count)s sprints, limit %(limit)s.") % {
        "count": load.count,
        "limit": load.limit,
    }


def board_columns(
    columns: list[BoardColumn],
    *,
    board_url: str,
    loads: dict[str, ColumnLoad] | None = None,
    today: datetime.date | None = None,
) -> list[BoardColumnView]:
    views = []
    for column in columns:
        last = len(column.sprints) - 1
        load = (loads or {}).get(column.status, ColumnLoad(count=len(column.sprints), limit=None))
        views.append(
            BoardColumnView(
                status=column.status,
                label=column.label,
                cards=[
                    board_card(sprint, board_url=board_url, first=i == 0, last=i == last, today=today)
                    for i, sprint in enumerate(column.sprints)
                ],
                previous_value=column.previous[0] if column.previous else "",
                previous_label=column.previous[1] if column.previous else "",
                next_value=column.next[0] if column.next else "",
                next_label=column.next[1] if column.next else "",
                count=load.count,
                limit=load.limit,
                warning=column_warning(load),
            )
        )
    return views
