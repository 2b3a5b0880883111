"""The insights charts as values of the portal's one SVG chart stack (themes.charts): the model report's (calibration,
lift by decile) and the stage history's (distribution, funnel, funnel over time, flows, conversions); each draws as
accessible SVG and fills its data table from the same numbers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from themes.charts import Chart, ChartKind, Series
from themes.models import AidaStage

from .scoring.funnel import Conversion, conversions, reached_at_least

if TYPE_CHECKING:
    from .selectors import SharedStageHistory


def calibration_chart(curve: list[dict[str, float]]) -> Chart:
    """Mean predicted probability against the share who relocated, per tenth of the scores; y = x is perfect."""
    return Chart(
        key="calibration",
        title=_("Calibration"),
        kind="line",
        category_header=_("Predicted probability"),
        # The rows are the points, labelled by their predicted probability in the active language's format.
        categories=tuple(number_format(point["predicted"], 3) for point in curve),
        positions=tuple(float(point["predicted"]) for point in curve),
        series=(Series(_("Share who relocated"), tuple(float(point["observed"]) for point in curve)),),
        reference="diagonal",
        decimals=3,
        note=_(
            "Predicted probability against the share who actually relocated, by tenth of the scores. "
            "The dashed line is perfect calibration."
        ),
    )


def lift_chart(deciles: list[dict[str, Any]]) -> Chart:
    """How many times the overall relocation rate each tenth of prospects has, highest scores first; 1 = no better."""
    return Chart(
        key="lift",
        title=_("Lift by decile"),
        kind="columns",
        category_header=_("Decile (1 = highest scores)"),
        categories=tuple(str(row["decile"]) for row in deciles),
        series=(
            Series(_("Lift"), tuple(float(row["lift"]) for row in deciles)),
            Series(
                _("Relocated (%)"),
                tuple(float(row["rate"]) * 100 for row in deciles),
                decimals=1,
                drawn=False,
            ),
        ),
        reference=1.0,
        decimals=2,
        note=_(
            "How many times more common relocation is in each tenth of prospects, highest scores first, than overall. "
            "The dashed line is 1: no better than picking at random."
        ),
    )


# --- the stage history -----------------------------------------------------------------------------------------

STAGES = tuple(AidaStage.values)


def _stage_label(stage: str) -> str:
    return str(dict(AidaStage.choices)[stage])


def month_label(month: str) -> str:
    """`2026-03` as the active language writes a month: "mars 2026", "March 2026"."""
    year, number = month.split("-")
    return date_format(dt.date(int(year), int(number), 1), "YEAR_MONTH_FORMAT")


def _short_month(month: str) -> str:
    year, number = month.split("-")
    return date_format(dt.date(int(year), int(number), 1), "M Y")


def _value(v: int | None) -> float | None:
    return None if v is None else float(v)


def _stage_labels() -> tuple[str, ...]:
    return tuple(_stage_label(s) for s in STAGES)


def _series_per_stage(
    figures: Callable[[str], Iterable[float | None]], label: Callable[[str], str] = _stage_label
) -> tuple[Series, ...]:
    """One series per AIDA stage, in the stages' order: `figures(stage)` are its values, `label(stage)` its name."""
    return tuple(Series(label(s), tuple(figures(s))) for s in STAGES)


def _chart_over_stages(
    figures: Mapping[str, int | None],
    kind: ChartKind,
    category_header: str,
    series_label: str,
    *,
    key: str,
    title: str,
    unit: str,
    note: str,
) -> Chart:
    """One figure per AIDA stage, the stages as the rows: drawn as `kind`, the rows headed `category_header`."""
    return Chart(
        key=key,
        title=title,
        kind=kind,
        category_header=category_header,
        categories=_stage_labels(),
        series=(Series(series_label, tuple(_value(figures.get(s)) for s in STAGES)),),
        unit=unit,
        note=note,
    )


def stage_distribution_chart(
    distribution: Mapping[str, int | None], *, key: str, title: str, unit: str, note: str = ""
) -> Chart:
    """How many prospects are at each stage: a distribution, drawn as bars (it need not narrow)."""
    return _chart_over_stages(
        distribution,
        "bars",
        _("AIDA stage"),
        _("Prospects at this stage"),
        key=key,
        title=title,
        unit=unit,
        note=note,
    )


def reached_funnel_chart(
    reached: Mapping[str, int | None], *, key: str, title: str, unit: str, note: str = ""
) -> Chart:
    """The true funnel: prospects who reached at least each stage, which can only narrow."""
    note = note or _(
        "Each bar counts the prospects who have reached at least that stage, so the funnel can only narrow."
    )
    return _chart_over_stages(
        reached,
        "funnel",
        _("Reached at least"),
        _("Prospects at this stage or beyond"),
        key=key,
        title=title,
        unit=unit,
        note=note,
    )


def funnel_over_time_chart(
    reached_by_month: Mapping[str, Mapping[str, int | None]],
    *,
    key: str,
    title: str,
    unit: str,
    note: str = "",
) -> Chart:
    """Per month, the prospects who had reached at least each stage (one column per stage)."""
    months = list(reached_by_month)
    return Chart(
        key=key,
        title=title,
        kind="columns",
        category_header=_("Month"),
        categories=tuple(_short_month(m) for m in months),
        series=_series_per_stage(
            lambda s: (_value(reached_by_month[m].get(s)) for m in months),
            label=lambda s: _("At least %(stage)s") % {"stage": _stage_label(s)},
        ),
        unit=unit,
        note=note,
    )


def stage_flows_chart(flows: Mapping[tuple[str, str], int], *, key: str, title: str, note: str = "") -> Chart:
    """Where the prospects at each stage were at their next observation: rows before, columns after."""
    return Chart(
        key=key,
        title=title,
        kind="matrix",
        category_header=_("Stage before → stage after"),
        categories=_stage_labels(),
        series=_series_per_stage(lambda after: (float(flows.get((before, after), 0)) for before in STAGES)),
        unit=_("prospects"),
        note=note,
    )


def conversion_chart(rows: list[Conversion], *, key: str, title: str) -> Chart:
    """Of those seen at a stage and seen again: the share who had moved on, with the counts behind it."""
    return Chart(
        key=key,
        title=title,
        kind="bars",
        category_header=_("From stage"),
        categories=tuple(_stage_label(c.stage) for c in rows),
        series=(
            Series(
                _("Moved on (%)"),
                tuple(None if c.rate is None else round(c.rate * 100, 1) for c in rows),
                decimals=1,
            ),
            Series(_("Seen again"), tuple(float(c.observed_again) for c in rows), decimals=0, drawn=False),
            Series(_("Moved on"), tuple(float(c.advanced) for c in rows), decimals=0, drawn=False),
            Series(_("Stayed"), tuple(float(c.stayed) for c in rows), decimals=0, drawn=False),
            Series(_("Fell back"), tuple(float(c.fell_back) for c in rows), decimals=0, drawn=False),
        ),
        unit=_("per cent of those seen again"),
        decimals=1,
        note=_(
            "Of the prospects seen at a stage in one import and seen again in a later one: the share who had reached "
            "a later stage by then. Action is the end of the funnel and has no conversion."
        ),
    )


def _reached(distribution: Mapping[str, int | None], total: int | None = None) -> dict[str, int | None]:
    return reached_at_least(distribution, total=total)


def history_charts(
    counts: Mapping[str, Mapping[str, int]], flows: Mapping[str, Mapping[tuple[str, str], int]]
) -> dict[str, Chart]:
    """One municipality's stage history (its own analysts only): the latest month's distribution and funnel, the
    funnel month by month, the stages month by month, and the movement between consecutive observations."""
    charts: dict[str, Chart] = {}
    if counts:
        latest = list(counts)[-1]
        when = month_label(latest)
        unit = _("prospects, %(month)s") % {"month": when}
        charts["stages"] = stage_distribution_chart(
            counts[latest], key="stages", title=_("Prospects by AIDA stage"), unit=unit
        )
        charts["funnel"] = reached_funnel_chart(
            _reached(counts[latest]), key="funnel", title=_("The AIDA funnel"), unit=unit
        )
        charts["funnel-over-time"] = funnel_over_time_chart(
            {month: _reached(dist) for month, dist in counts.items()},
            key="funnel-over-time",
            title=_("The funnel month by month"),
            unit=_("prospects who had reached at least each stage"),
            note=_(
                "A prospect seen by several imports in a month counts once, at the stage of the month's last import."
            ),
        )
        months = list(counts)
        charts["stages-over-time"] = Chart(
            key="stages-over-time",
            title=_("Prospects by AIDA stage, month by month"),
            kind="stacked",
            category_header=_("Month"),
            categories=tuple(month_label(m) for m in months),
            series=_series_per_stage(lambda s: (float(counts[m].get(s, 0)) for m in months)),
            unit=_("prospects"),
        )
    total: dict[tuple[str, str], int] = {}
    for per_month in flows.values():
        for pair, n in per_month.items():
            total[pair] = total.get(pair, 0) + n
    if total:
        charts["flows"] = stage_flows_chart(
            total,
            key="flows",
            title=_("Movement between imports"),
            note=_(
                "Each prospect seen by two imports in a row counts once per pair: the row is the stage in the "
                "earlier import, the column the stage in the later one; the diagonal is those who stayed."
            ),
        )
        charts["conversion"] = conversion_chart(
            conversions(total), key="conversion", title=_("Conversion to a later stage")
        )
    return charts


def shared_history_charts(history: SharedStageHistory, area_labels: Mapping[str, str]) -> dict[str, Chart]:
    """The shared stage history (`insights.selectors.SharedStageHistory`): suppressed figures are None and every
    derived figure is formed from published ones only."""
    charts: dict[str, Chart] = {}
    if not history.months:
        return charts
    note = _(
        "A dash is a figure that is suppressed: it describes fewer than %(n)d prospects, or would reveal one that "
        "does, also through the totals over the months."
    ) % {"n": history.threshold}
    latest = history.months[-1]
    region_latest = {s: history.region[(latest, s)] for s in STAGES}
    unit = _("prospects, all municipalities, %(month)s") % {"month": month_label(latest)}
    charts["shared-stages"] = stage_distribution_chart(
        region_latest, key="shared-stages", title=_("Prospects by AIDA stage"), unit=unit, note=note
    )
    charts["shared-funnel"] = reached_funnel_chart(
        _reached(region_latest), key="shared-funnel", title=_("The AIDA funnel"), unit=unit
    )
    charts["shared-funnel-over-time"] = funnel_over_time_chart(
        {m: _reached({s: history.region[(m, s)] for s in STAGES}) for m in history.months},
        key="shared-funnel-over-time",
        title=_("The funnel month by month"),
        unit=_("prospects who had reached at least each stage, all municipalities"),
        note=note,
    )
    charts["shared-by-area"] = Chart(
        key="shared-by-area",
        title=_("Prospects by area and AIDA stage, %(month)s") % {"month": month_label(latest)},
        kind="matrix",
        category_header=_("Area"),
        categories=tuple(area_labels.get(a, a) for a in history.areas),
        series=_series_per_stage(lambda s: (_value(history.cells[(latest, s, a)]) for a in history.areas)),
        unit=_("prospects"),
        note=note,
    )
    return charts
