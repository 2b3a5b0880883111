"""Geometry for the server-rendered SVG charts: results against targets per sprint, and the overview timeline."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .models import Result
from .selectors import Timeline

CHART_WIDTH = 560
LABEL_WIDTH = 190
BAR_AREA = CHART_WIDTH - LABEL_WIDTH - 70
ROW_HEIGHT = 34


@dataclass
class ResultBar:
    result: Result
    y: int
    label: str
    actual_width: float
    target_x: float | None
    met: bool | None


def _short(text: str, length: int = 28) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def results_chart(results: list[Result]) -> dict[str, Any]:
    """One row per result: the actual value as a bar, the target as a line, each row on its own scale (units differ)."""
    bars = []
    for i, result in enumerate(results):
        values = [abs(v) for v in (result.actual, result.target, result.baseline) if v is not None]
        scale = max([*values, Decimal(1)]) * Decimal("1.1")

        def x(value: Decimal | None, scale: Decimal = scale) -> float | None:
            return None if value is None else round(float(abs(value) / scale) * BAR_AREA, 1)

        target = x(result.target)

        bars.append(
            ResultBar(
                result=result,
                y=i * ROW_HEIGHT,
                label=_short(result.metric),
                actual_width=x(result.actual) or 0.0,
                target_x=None if target is None else LABEL_WIDTH + target,
                met=result.target_met,
            )
        )
    return {
        "bars": bars,
        "width": CHART_WIDTH,
        "height": max(1, len(bars)) * ROW_HEIGHT + 6,
        "label_width": LABEL_WIDTH,
        "bar_area": BAR_AREA,
        "value_x": CHART_WIDTH - 4,
    }


TIMELINE_WIDTH = 1000
TIMELINE_LABEL = 120
LANE_HEIGHT = 16
ROW_GAP = 10


MAX_TICKS = 24


def _month_starts(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """First days of the months in [start, end], thinned to at most MAX_TICKS: every month, quarter, or every
    n-th year on long axes. Computed from month numbers, so a stored date near year 1 or 9999 cannot overflow."""
    first = start.year * 12 + start.month - 1 + (start.day > 1)
    last = end.year * 12 + end.month - 1
    count = last - first + 1
    if count <= 0:
        return []
    step = 1 if count <= 12 else 3 if count <= 3 * MAX_TICKS else 12 * -(-count // (12 * MAX_TICKS))
    # Steps of 3 and 12 fall on quarter and year starts, so labels stay round.
    offset = (-first) % step if step > 1 else 0
    return [datetime.date(index // 12, index % 12 + 1, 1) for index in range(first + offset, last + 1, step)]


def timeline_chart(line: Timeline) -> dict[str, Any]:
    """Bars placed on a shared date axis, one band per municipality with as many lanes as overlapping sprints."""
    if line.start is None or line.end is None:
        return {"rows": [], "ticks": [], "height": 0, "width": TIMELINE_WIDTH, "timeline": line}
    span = max(1, (line.end - line.start).days + 1)
    area = TIMELINE_WIDTH - TIMELINE_LABEL - 10

    def x(day: datetime.date) -> float:
        return round(TIMELINE_LABEL + (day - line.start).days / span * area, 1)  # type: ignore[operator]

    rows = []
    y = 28
    for row in line.rows:
        height = row.lanes * LANE_HEIGHT
        rows.append(
            {
                "municipality": row.municipality,
                "y": y,
                "label_y": y + min(height, 2 * LANE_HEIGHT) / 2 + 4,
                "height": height,
                "bars": [
                    {
                        "sprint": entry.sprint,
                        "x": x(entry.sprint.start),
                        "y": y + entry.lane * LANE_HEIGHT + 2,
                        "width": max(3.0, round(x(entry.sprint.end) - x(entry.sprint.start), 1)),
                    }
                    for entry in row.entries
                ],
            }
        )
        y += height + ROW_GAP
    # Every month on short axes, every quarter or year on long ones (_month_starts), so the labels never overlap.
    ticks = [{"x": x(month), "label": month.isoformat()[:7]} for month in _month_starts(line.start, line.end)]
    return {"rows": rows, "ticks": ticks, "height": y + 4, "width": TIMELINE_WIDTH, "timeline": line}
