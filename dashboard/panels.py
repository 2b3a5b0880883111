"""The dashboard's panels: selector figures turned into labelled charts in the active language, cached until data change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from insights.charts import reached_funnel_chart, stage_distribution_chart
from plans.selectors import DashboardPanel, dashboard_panel
from sprints.models import Status
from themes.charts import Chart, ChartKind, Series
from themes.models import AidaStage, Municipality

from . import cache, selectors, spi


@dataclass
class Dashboard:
    """Everything a dashboard page shows: charts by key (for the downloads), headline figures and lists."""

    charts: dict[str, Chart] = field(default_factory=dict)
    headline: list[tuple[str, str]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def _key(*parts: object) -> str:
    return ":".join(str(p) for p in (get_language() or "sv", *parts))


def _month_label(month: dt.date) -> str:
    return formats.date_format(month, "M Y")


# --- EU-SPI ---------------------------------------------------------------------------------------------


def spi_chart() -> Chart:
    components = [c for d in spi.DIMENSIONS for c in d.components]
    return Chart(
        key="eu-spi",
        title=_("EU Social Progress Index 2020: Övre Norrland (SE33) and the EU average"),
        kind="bars",
        category_header=_("Component"),
        categories=tuple(str(c.label) for c in components),
        series=(
            Series(_("Övre Norrland (SE33)"), tuple(c.region for c in components)),
            Series(_("EU average"), tuple(c.eu for c in components)),
        ),
        unit=_("score 0–100"),
        decimals=1,
        note=spi.SOURCE,
    )


def spi_dimensions_chart() -> Chart:
    dims = spi.DIMENSIONS
    return Chart(
        key="eu-spi-dimensions",
        title=_("EU-SPI 2020 dimensions: published and recomputed scores"),
        kind="bars",
        category_header=_("Dimension"),
        categories=(*(str(d.label) for d in dims), _("Overall")),
        series=(
            Series(_("Published (SE33)"), (*(d.published_region for d in dims), spi.PUBLISHED_OVERALL)),
            Series(
                _("Recomputed (power mean, p = 0.5)"),
                (*(round(d.region, 2) for d in dims), round(spi.overall(), 2)),
            ),
            Series(_("EU average"), (*(d.published_eu for d in dims), spi.PUBLISHED_EU_OVERALL)),
        ),
        unit=_("score 0–100"),
        decimals=2,
        note=spi.SOURCE,
    )


def spi_context() -> dict[str, Any]:
    return {
        "overall": spi.overall(),
        "published_overall": spi.PUBLISHED_OVERALL,
        "eu_overall": spi.PUBLISHED_EU_OVERALL,
        "rank": spi.RANK,
        "regions": spi.REGIONS_RANKED,
        "gdp": spi.GDP_PER_HEAD_PPS,
        "gdp_rank": spi.GDP_RANK,
        "stage": spi.DEVELOPMENT_STAGE,
        "population": spi.POPULATION,
        "exponent": spi.POWER_MEAN_EXPONENT,
    }


# --- programme ------------------------------------------------------------------------------------------


def _municipality_chart(
    munis: list[Municipality],
    columns: Iterable[tuple[str, Mapping[str, float]]],
    *,
    key: str,
    title: str,
    kind: ChartKind,
    unit: str,
    note: str = "",
) -> Chart:
    """The municipalities as the rows, each linked to its dashboard page; a column is its label and its figures by
    municipality slug (a municipality without a figure has 0)."""
    return Chart(
        key=key,
        title=title,
        kind=kind,
        category_header=_("Municipality"),
        categories=tuple(m.name for m in munis),
        series=tuple(
            Series(label, tuple(float(figures.get(m.slug, 0)) for m in munis)) for label, figures in columns
        ),
        unit=unit,
        note=note,
        links=tuple(reverse("dashboard:municipality", args=[m.slug]) for m in munis),
    )


def _column(counts: Mapping[tuple[str, str], int], code: str) -> dict[str, int]:
    """One column of a count table keyed by (municipality slug, code): the counts of `code` by municipality."""
    return {slug: n for (slug, c), n in counts.items() if c == code}


def _matrix(
    key: str, title: str, tax_rows: list[Municipality], columns: list[Any], counts: dict[tuple[str, str], int]
) -> Chart:
    return _municipality_chart(
        tax_rows,
        ((getattr(c, "label", c.code), _column(counts, c.code)) for c in columns),
        key=key,
        title=title,
        kind="matrix",
        unit=_("sprints"),
    )


def region_figures(*, levels: tuple[str, ...]) -> selectors.RegionFigures:
    """The raw figures shared by the programme page and the 14 municipality pages (their comparison with the region)."""
    return cache.cached(f"region:{','.join(levels)}", lambda: selectors.region_figures(levels=levels))


def programme_figures(*, levels: tuple[str, ...], today: dt.date) -> selectors.ProgrammeFigures:
    return cache.cached(
        f"figures:{','.join(levels)}:{today.isoformat()}",
        lambda: selectors.programme_figures(region=region_figures(levels=levels), levels=levels, today=today),
    )


def build_programme(*, levels: tuple[str, ...], today: dt.date, shared_segments: bool) -> Dashboard:
    """The programme board; `shared_segments` says whether the viewer may see shared segment aggregates (the funnel)."""
    figures = programme_figures(levels=levels, today=today)
    tax = figures.taxonomy
    munis = tax.municipalities
    board = Dashboard()
    board.extra["municipalities"] = [{"slug": m.slug, "name": m.name} for m in munis]
    board.extra["suppression_threshold"] = settings.SUPPRESSION_THRESHOLD

    sc = figures.sprints
    board.charts["sprints-by-phase"] = _matrix(
        "sprints-by-phase",
        _("Sprints by municipality and relocation phase"),
        munis,
        tax.phases,
        sc.by_phase,
    )
    board.charts["sprints-by-work-package"] = _matrix(
        "sprints-by-work-package",
        _("Sprints by municipality and work package"),
        munis,
        tax.work_packages,
        sc.by_work_package,
    )
    board.charts["sprints-by-status"] = _municipality_chart(
        munis,
        ((str(label), _column(sc.by_status, code)) for code, label in Status.choices),
        key="sprints-by-status",
        title=_("Sprints by municipality and board column"),
        kind="stacked",
        unit=_("sprints"),
    )
    board.charts["method-use"] = Chart(
        key="method-use",
        title=_("Sprint methods in use: sprints, municipalities and lessons"),
        kind="bars",
        category_header=_("Sprint method"),
        categories=tuple(method.label for method in tax.methods),
        series=(
            Series(
                _("Sprints"),
                tuple(
                    float(sum(n for (_m, c), n in sc.by_method.items() if c == method.code))
                    for method in tax.methods
                ),
            ),
            Series(
                _("Municipalities"),
                tuple(
                    float(len({m for (m, c), n in sc.by_method.items() if c == method.code and n}))
                    for method in tax.methods
                ),
            ),
            Series(
                _("Lessons"),
                tuple(float(figures.lessons_by_method.get(method.code, 0)) for method in tax.methods),
            ),
        ),
        note=_("Methods with a published method card: %(methods)s.")
        % {"methods": ", ".join(m.label for m in tax.methods if figures.method_cards.get(m.code)) or "–"},
    )
    total = sc.total()
    board.headline += [
        (_("Sprints"), formats.number_format(total, force_grouping=True)),
        (
            _("Running"),
            formats.number_format(sc.in_statuses(selectors.RUNNING), force_grouping=True),
        ),
        (
            _("Finished"),
            formats.number_format(sc.in_statuses(selectors.FINISHED), force_grouping=True),
        ),
        (
            _("Phases no one works on"),
            formats.number_format(
                sum(1 for p in tax.phases if not any(n for (_m, c), n in sc.by_phase.items() if c == p.code))
            ),
        ),
    ]

    rc = figures.results
    board.charts["results-against-targets"] = _municipality_chart(
        munis,
        (
            (_("Target met"), {slug: r.met for slug, r in rc.items()}),
            (_("Target not met"), {slug: r.with_target - r.met for slug, r in rc.items()}),
            (_("No target"), {slug: r.results - r.with_target for slug, r in rc.items()}),
        ),
        key="results-against-targets",
        title=_("Results against targets by municipality"),
        kind="stacked",
        unit=_("results"),
    )
    with_target = sum(r.with_target for r in rc.values())
    met = sum(r.met for r in rc.values())
    board.headline.append(
        (
            _("Results that met their target"),
            f"{met} / {with_target}" if with_target else "–",
        )
    )

    la = figures.lesson_activity
    board.charts["lessons-per-month"] = Chart(
        key="lessons-per-month",
        title=_("Lessons published and reviewed per month"),
        kind="columns",
        category_header=_("Month"),
        categories=tuple(_month_label(m) for m in la.months),
        series=(
            Series(_("Published"), tuple(float(n) for n in la.published)),
            Series(_("Reviewed"), tuple(float(n) for n in la.reviewed)),
        ),
        unit=_("lessons"),
    )
    lc = figures.lessons
    board.charts["reuse"] = _municipality_chart(
        munis,
        (
            (_("Lessons published"), lc.published),
            (_("From a sprint"), lc.from_sprint),
            (_("Discussed with other municipalities"), lc.shared),
        ),
        key="reuse",
        title=_("Lessons and their reuse by municipality"),
        kind="bars",
        unit=_("lessons"),
        note=_(
            "Discussed with other municipalities: on the agenda of an exchange meeting that another municipality took part in."
        ),
    )
    used_cards = sum(
        1 for code in figures.method_cards if any(n for (_m, c), n in sc.by_method.items() if c == code)
    )
    board.extra["overdue"] = figures.overdue.oldest
    board.extra["overdue_total"] = figures.overdue.total
    board.headline += [
        (_("Lessons published"), formats.number_format(sum(lc.published.values()), force_grouping=True)),
        (_("Lessons discussed across municipalities"), str(sum(lc.shared.values()))),
        (_("Method cards used in sprints"), f"{used_cards} / {len(figures.method_cards)}"),
        (_("Overdue reviews"), str(figures.overdue.total)),
    ]
    board.extra["shared_segments"] = shared_segments
    if shared_segments:
        _funnel_charts(board, figures.funnel, munis)
    board.charts["eu-spi"] = spi_chart()
    board.charts["eu-spi-dimensions"] = spi_dimensions_chart()
    board.extra["spi"] = spi_context()
    return board


def _area_label(area: str, munis: list[Municipality]) -> str:
    clusters = dict(Municipality.Cluster.choices)
    if area in clusters:
        return str(clusters[area])
    return next((m.name for m in munis if m.slug == area), area)


def _funnel_charts(board: Dashboard, funnel: selectors.AidaFunnel, munis: list[Municipality]) -> None:
    stage_labels = dict(AidaStage.choices)
    note = _(
        "A dash is a figure that is suppressed: it describes fewer than %(n)d prospects, or would reveal one that does."
    ) % {"n": settings.SUPPRESSION_THRESHOLD}
    # A stage distribution is not a funnel (more people can be in Desire than in Interest): the distribution is
    # drawn as bars, and the funnel as "reached at least this stage", which can only narrow.
    board.charts["aida-stages"] = stage_distribution_chart(
        funnel.totals,
        key="aida-stages",
        title=_("Shared segments by AIDA stage"),
        unit=_("prospects, all municipalities"),
        note=note,
    )
    board.charts["aida-funnel"] = reached_funnel_chart(
        funnel.reached,
        key="aida-funnel",
        title=_("AIDA funnel of the shared segments"),
        unit=_("prospects, all municipalities"),
        note=_(
            "Each bar counts the prospects who have reached at least that stage, so the funnel can only narrow. "
            "A dash is a figure that is suppressed, or that could only be formed from a suppressed one."
        ),
    )
    board.charts["aida-by-area"] = Chart(
        key="aida-by-area",
        title=_("Shared segments by area and AIDA stage"),
        kind="matrix",
        category_header=_("Area"),
        categories=tuple(_area_label(a, munis) for a in funnel.areas),
        series=(
            *(
                Series(str(stage_labels[s]), tuple(_as_float(funnel.by_area[(a, s)]) for a in funnel.areas))
                for s in funnel.stages
            ),
            Series(_("All stages"), tuple(_as_float(funnel.area_totals[a]) for a in funnel.areas)),
        ),
        unit=_("prospects"),
        note=note,
    )


def _as_float(value: int | None) -> float | None:
    return None if value is None else float(value)


def programme(*, levels: tuple[str, ...], today: dt.date, shared_segments: bool) -> Dashboard:
    return cache.cached(
        _key(
            "programme", ",".join(levels), today.isoformat(), "segments" if shared_segments else "no-segments"
        ),
        lambda: build_programme(levels=levels, today=today, shared_segments=shared_segments),
    )


# --- municipality ---------------------------------------------------------------------------------------


def _comparison_rows(figures: selectors.RegionFigures) -> list[tuple[str, dict[str, float]]]:
    """Per-municipality headline figures (metric label, {slug: value}) from the programme's grouped counts."""
    slugs = [m.slug for m in figures.taxonomy.municipalities]
    rows: list[tuple[str, dict[str, float]]] = []
    sc, rc = figures.sprints, figures.results
    rows += [
        (_("Sprints"), {s: float(sc.total(s)) for s in slugs}),
        (_("Running"), {s: float(sc.in_statuses(selectors.RUNNING, s)) for s in slugs}),
        (_("Finished"), {s: float(sc.in_statuses(selectors.FINISHED, s)) for s in slugs}),
        (_("Results logged"), {s: float(rc[s].results) if s in rc else 0.0 for s in slugs}),
        (_("Target met"), {s: float(rc[s].met) if s in rc else 0.0 for s in slugs}),
    ]
    rows.append((_("Lessons published"), {s: float(figures.lessons.published.get(s, 0)) for s in slugs}))
    return rows


def build_municipality(*, municipality: Municipality, levels: tuple[str, ...]) -> Dashboard:
    region = region_figures(levels=levels)
    figures = selectors.municipality_figures(municipality=municipality, levels=levels)
    board = Dashboard()
    board.extra["figures"] = figures
    count = len(region.taxonomy.municipalities) or 1

    rows = _comparison_rows(region)
    if rows:
        board.charts["comparison"] = Chart(
            key="comparison",
            title=_("%(name)s compared with the region") % {"name": municipality.name},
            kind="bars",
            category_header=_("Figure"),
            categories=tuple(label for label, _values in rows),
            series=(
                Series(municipality.name, tuple(values.get(municipality.slug, 0.0) for _l, values in rows)),
                Series(_("Average of the 14"), tuple(round(sum(v.values()) / count, 1) for _l, v in rows)),
                Series(_("Highest"), tuple(max(v.values(), default=0.0) for _l, v in rows)),
            ),
            decimals=1,
        )
    by_method = region.sprints.by_method
    methods = region.taxonomy.methods
    board.charts["method-mix"] = Chart(
        key="method-mix",
        title=_("Method mix: %(name)s and the average municipality") % {"name": municipality.name},
        kind="bars",
        category_header=_("Sprint method"),
        categories=tuple(m.label for m in methods),
        series=(
            Series(
                municipality.name,
                tuple(float(by_method.get((municipality.slug, m.code), 0)) for m in methods),
            ),
            Series(
                _("Average of the 14"),
                tuple(
                    round(sum(n for (_s, c), n in by_method.items() if c == m.code) / count, 1)
                    for m in methods
                ),
            ),
        ),
        decimals=1,
    )
    board.charts["phases"] = Chart(
        key="phases",
        title=_("Sprints of %(name)s by relocation phase") % {"name": municipality.name},
        kind="bars",
        category_header=_("Relocation phase"),
        categories=tuple(p.label for p in region.taxonomy.phases),
        series=(
            Series(
                municipality.name,
                tuple(
                    float(region.sprints.by_phase.get((municipality.slug, p.code), 0))
                    for p in region.taxonomy.phases
                ),
            ),
        ),
    )
    return board


def find_municipality(*, slug: str, levels: tuple[str, ...]) -> Municipality | None:
    """The municipality from the (cached) region figures, saving a query on every municipality page."""
    return next((m for m in region_figures(levels=levels).taxonomy.municipalities if m.slug == slug), None)


def municipality(*, municipality: Municipality, levels: tuple[str, ...]) -> Dashboard:
    return cache.cached(
        _key("municipality", municipality.slug, ",".join(levels)),
        lambda: build_municipality(municipality=municipality, levels=levels),
    )


def plan_panel(*, municipality: Municipality, levels: tuple[str, ...], today: dt.date) -> DashboardPanel:
    """The newest visible action plan's goals and attraction against capacity, read from the plans app."""
    return cache.cached(
        _key("plan-panel", municipality.slug, ",".join(levels), today.isoformat()),
        lambda: dashboard_panel(municipality=municipality, levels=levels, today=today),
    )
