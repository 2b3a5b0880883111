"""Every number on the dashboard, computed with aggregate queries (grouped counts, never one query per municipality).

The sprints, knowledge and insights apps are read through their models (reads only) and their own rules (what counts as
a target met, how segment cells are suppressed).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, cast

import pandas as pd
from django.conf import settings
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Window,
)
from django.db.models.functions import Cast
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.formats import date_format
from wagtail.models import TaskState

from insights.models import Segment
from insights.scoring.funnel import reached_at_least
from insights.scoring.segments import ALL, REGION, shared_table
from knowledge.models import ExchangeMeetingPage, LessonPage, MethodCardPage
from sprints.models import FINISHED_STATUSES, Result, Sprint, Status
from sprints.selectors import target_met_q
from themes.models import AidaStage, Municipality, RelocationPhase, SprintMethod, WorkPackage

Key = tuple[str, str]


# --- taxonomy -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Taxonomy:
    municipalities: list[Municipality]
    phases: list[RelocationPhase]
    work_packages: list[WorkPackage]
    methods: list[SprintMethod]


def taxonomy() -> Taxonomy:
    """The rows and columns of every matrix (four queries)."""
    return Taxonomy(
        municipalities=list(Municipality.objects.order_by("name")),
        phases=list(RelocationPhase.objects.all()),
        work_packages=list(WorkPackage.objects.all()),
        methods=list(SprintMethod.objects.all()),
    )


# --- sprints --------------------------------------------------------------------------------------------

FINISHED = tuple(str(s) for s in FINISHED_STATUSES)
RUNNING = (str(Status.RUNNING),)


@dataclass
class SprintCounts:
    """Sprint counts keyed by (municipality slug, code) for phases, work packages, statuses and methods."""

    by_phase: Counter[Key] = field(default_factory=Counter)
    by_work_package: Counter[Key] = field(default_factory=Counter)
    by_status: Counter[Key] = field(default_factory=Counter)
    by_method: Counter[Key] = field(default_factory=Counter)

    def total(self, slug: str | None = None) -> int:
        return sum(n for (m, _), n in self.by_status.items() if slug is None or m == slug)

    def in_statuses(self, statuses: tuple[str, ...], slug: str | None = None) -> int:
        return sum(n for (m, s), n in self.by_status.items() if s in statuses and (slug is None or m == slug))


def sprint_counts(*, levels: tuple[str, ...]) -> SprintCounts:
    """Two grouped queries: one over sprints (work package × status × method), one over the sprint–phase links."""
    counts = SprintCounts()
    rows = (
        Sprint.objects.filter(visibility__in=levels)
        .values_list("municipality__slug", "work_package__code", "status", "method__code")
        .annotate(n=Count("id"))
        .order_by()
    )
    for slug, wp, status, method, n in rows:
        counts.by_work_package[(slug, wp)] += n
        counts.by_status[(slug, status)] += n
        counts.by_method[(slug, method)] += n
    phase_rows = (
        Sprint.relocation_phases.through.objects.filter(sprint__visibility__in=levels)
        .values_list("sprint__municipality__slug", "relocationphase__code")
        .annotate(n=Count("sprint_id", distinct=True))
        .order_by()
    )
    for slug, phase, n in phase_rows:
        counts.by_phase[(slug, phase)] += n
    return counts


@dataclass(frozen=True)
class ResultCounts:
    results: int
    with_target: int
    met: int

    @property
    def met_share(self) -> float | None:
        """Share of results with a target that reached it, in per cent; None when no result has a target."""
        return round(100 * self.met / self.with_target, 1) if self.with_target else None


def result_counts(*, levels: tuple[str, ...]) -> dict[str, ResultCounts]:
    """Results logged, results with a target and results that met it (the sprints app's own rule), per municipality
    slug (one query)."""
    rows = (
        Result.objects.filter(sprint__visibility__in=levels)
        .values_list("sprint__municipality__slug")
        .annotate(
            results=Count("id"),
            with_target=Count("id", filter=Q(target__isnull=False)),
            met=Count("id", filter=target_met_q()),
        )
        .order_by()
    )
    return {slug: ResultCounts(results, with_target, met) for slug, results, with_target, met in rows}


# --- knowledge ------------------------------------------------------------------------------------------


def _months(today: dt.date, count: int) -> list[dt.date]:
    """The first days of the `count` months ending with today's month, oldest first."""
    months, year, month = [], today.year, today.month
    for _ in range(count):
        months.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


# What a lesson in a list needs: its title and what Wagtail builds its URL from (not the body and its StreamFields).
_LISTED_FIELDS = ("title", "url_path", "depth", "path", "locale_id")


def _visible_lessons(levels: tuple[str, ...]) -> QuerySet[LessonPage]:
    return cast("QuerySet[LessonPage]", LessonPage.objects.live().filter(visibility__in=levels))


@dataclass(frozen=True)
class LessonActivity:
    months: list[dt.date]
    published: list[int]
    reviewed: list[int]


def _monthly_counts(queryset: QuerySet[Any], *, field: str, months: list[dt.date]) -> list[int]:
    """How many rows of `queryset` have `field` in each month (local time), in one query.

    One filtered count per month, between that month's first moment and the next's: plain comparisons that every
    database answers from its own data. (TruncMonth runs a Python function per row on SQLite, which made this the
    dashboard's slowest query.)
    """
    ends = [*months[1:], _next_month(months[-1])]
    bounds = [
        (
            timezone.make_aware(dt.datetime.combine(start, dt.time.min)),
            timezone.make_aware(dt.datetime.combine(end, dt.time.min)),
        )
        for start, end in zip(months, ends, strict=True)
    ]
    counts = queryset.order_by().aggregate(
        **{
            f"m{i}": Count("pk", filter=Q(**{f"{field}__gte": start, f"{field}__lt": end}))
            for i, (start, end) in enumerate(bounds)
        }
    )
    return [counts[f"m{i}"] for i in range(len(months))]


def _next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + 1, 1, 1) if month.month == 12 else dt.date(month.year, month.month + 1, 1)


def lesson_activity(*, levels: tuple[str, ...], today: dt.date, months: int = 12) -> LessonActivity:
    """Lessons first published, and lesson reviews approved in Wagtail's workflow, per month (two queries)."""
    lessons = _visible_lessons(levels)
    window = _months(today, months)
    reviews = TaskState.objects.filter(
        status=TaskState.STATUS_APPROVED,
        # Wagtail keeps the reviewed object's id as text (a generic relation): compare it as text.
        workflow_state__object_id__in=lessons.annotate(id_text=Cast("pk", CharField()))
        .values("id_text")
        .order_by(),
    )
    return LessonActivity(
        months=window,
        published=_monthly_counts(lessons, field="first_published_at", months=window),
        reviewed=_monthly_counts(reviews, field="finished_at", months=window),
    )


@dataclass(frozen=True)
class OverdueReview:
    title: str
    url: str
    municipality: str
    review_by: dt.date
    owner: str


@dataclass(frozen=True)
class OverdueReviews:
    oldest: list[OverdueReview]
    total: int


def overdue_reviews(*, levels: tuple[str, ...], today: dt.date, limit: int = 20) -> OverdueReviews:
    """The oldest live lessons past their review-by date and how many there are (one query: a window count)."""
    rows = list(
        _visible_lessons(levels)
        .filter(review_by__lt=today)
        .select_related("municipality", "owner")
        .only(
            *_LISTED_FIELDS,
            "review_by",
            "municipality__name",
            "owner__username",
            "owner__first_name",
            "owner__last_name",
        )
        .annotate(total=Window(Count("pk")))
        .order_by("review_by", "title")[:limit]
    )
    return OverdueReviews(
        oldest=[
            OverdueReview(
                title=row.title,
                url=row.url or "",
                municipality=row.municipality.name if row.municipality else "",
                review_by=row.review_by,
                owner=(row.owner.get_full_name() or row.owner.username) if row.owner else "",
            )
            for row in rows
            if row.review_by is not None
        ],
        total=rows[0].total if rows else 0,
    )


@dataclass(frozen=True)
class LessonCounts:
    """Per municipality slug: lessons published, from a sprint, and discussed with other municipalities."""

    published: dict[str, int]
    from_sprint: dict[str, int]
    shared: dict[str, int]


def lesson_counts(*, levels: tuple[str, ...]) -> LessonCounts:
    """One grouped query; region-wide lessons are left out (they belong to no municipality).

    A lesson counts as shared when a live exchange meeting that another municipality took part in discussed it, and as
    from a sprint when it was promoted from one (its evidence trail).
    """
    other_municipality_discussed = Exists(
        ExchangeMeetingPage.participating_municipalities.through.objects.filter(
            exchangemeetingpage__live=True,
            exchangemeetingpage__linked_lessons=OuterRef("pk"),
        ).exclude(municipality_id=OuterRef("municipality_id"))
    )
    from_sprint = Q(source_sprint__isnull=False) if _has_field(LessonPage, "source_sprint") else Q(pk__in=[])
    rows = (
        _visible_lessons(levels)
        .filter(municipality__isnull=False)
        .annotate(shared=other_municipality_discussed)
        .values_list("municipality__slug")
        .annotate(
            n=Count("id"),
            from_sprint=Count("id", filter=from_sprint),
            shared_n=Count("id", filter=Q(shared=True)),
        )
        .order_by()
    )
    counts = LessonCounts(published={}, from_sprint={}, shared={})
    for slug, n, promoted, shared in rows:
        counts.published[slug] = n
        counts.from_sprint[slug] = promoted
        counts.shared[slug] = shared
    return counts


def _has_field(model: type[Model], name: str) -> bool:
    return any(f.name == name for f in model._meta.get_fields())


def method_cards(*, levels: tuple[str, ...]) -> dict[str, int]:
    """Live method cards the user may see, per sprint method code (one query)."""
    rows = (
        MethodCardPage.objects.live()
        .filter(visibility__in=levels, method__isnull=False)
        .values_list("method__code")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def lessons_by_method(*, levels: tuple[str, ...]) -> dict[str, int]:
    """Live lessons per sprint method code (one query)."""
    rows = (
        _visible_lessons(levels)
        .filter(method__isnull=False)
        .values_list("method__code")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


# --- insights -------------------------------------------------------------------------------------------

AIDA_STAGES = tuple(AidaStage.values)


@dataclass(frozen=True)
class AidaFunnel:
    """Prospects in shared segments by AIDA stage, region-wide and per statistics area, after suppression.

    A value is None where it is suppressed (it describes fewer than the threshold, or would let a suppressed value be
    recovered from totals) or where there is nothing to publish; no published value is below the threshold.
    """

    stages: tuple[str, ...]
    totals: dict[str, int | None]
    areas: list[str]
    by_area: dict[tuple[str, str], int | None]
    area_totals: dict[str, int | None]
    # All prospects of the shared segments (the table's grand total), None where suppressed.
    total: int | None = None

    @property
    def reached(self) -> dict[str, int | None]:
        """The true funnel: prospects at each stage or beyond, non-increasing by construction and formed from the
        published figures only (insights.scoring.funnel), so it reveals nothing they do not."""
        return reached_at_least(self.totals, total=self.total)


def aida_funnel(*, threshold: int) -> AidaFunnel:
    """The AIDA mix of the scored segments, summed per statistics area (small municipalities in their cluster) and
    suppressed with the insights app's own primary and secondary suppression (one query)."""
    cells: Counter[tuple[str, str]] = Counter()
    rows = Segment.objects.filter(size__gt=0, mean_score__isnull=False).values_list(
        "municipality__slug", "municipality__cluster", "aida_mix"
    )
    for slug, cluster, mix in rows:
        area = cluster or slug
        for stage in AIDA_STAGES:
            cells[(stage, area)] += int((mix or {}).get(stage, 0))
    frame = pd.DataFrame(
        [{"segment": stage, "area": area, "n": n, "score_sum": 0.0} for (stage, area), n in cells.items()],
        columns=["segment", "area", "n", "score_sum"],
    )
    published: dict[tuple[str, str], int | None] = {}
    if not frame.empty:
        table = shared_table(frame, threshold=threshold)
        for stage, area, n in zip(table["segment"], table["area"], table["n_published"], strict=True):
            published[(stage, area)] = None if pd.isna(n) else int(n)
    areas = sorted({area for _stage, area in cells})
    return AidaFunnel(
        stages=AIDA_STAGES,
        totals={stage: published.get((stage, REGION)) for stage in AIDA_STAGES},
        areas=areas,
        by_area={(area, stage): published.get((stage, area)) for area in areas for stage in AIDA_STAGES},
        area_totals={area: published.get((ALL, area)) for area in areas},
        total=published.get((ALL, REGION)),
    )


# --- the dashboard as a whole ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionFigures:
    """What both the programme page and each municipality page (its comparison with the region) need."""

    taxonomy: Taxonomy
    sprints: SprintCounts
    results: dict[str, ResultCounts]
    lessons: LessonCounts


def region_figures(*, levels: tuple[str, ...]) -> RegionFigures:
    """Seven queries: the taxonomy (four), sprints (two), results (one) and lessons (one)."""
    return RegionFigures(
        taxonomy=taxonomy(),
        sprints=sprint_counts(levels=levels),
        results=result_counts(levels=levels),
        lessons=lesson_counts(levels=levels),
    )


@dataclass(frozen=True)
class ProgrammeFigures(RegionFigures):
    lesson_activity: LessonActivity
    overdue: OverdueReviews
    method_cards: dict[str, int]
    lessons_by_method: dict[str, int]
    funnel: AidaFunnel


def programme_figures(*, region: RegionFigures, levels: tuple[str, ...], today: dt.date) -> ProgrammeFigures:
    """The region's figures plus six queries: lesson activity (two), overdue reviews, method cards, lessons by method
    and the AIDA funnel."""
    return ProgrammeFigures(
        taxonomy=region.taxonomy,
        sprints=region.sprints,
        results=region.results,
        lessons=region.lessons,
        lesson_activity=lesson_activity(levels=levels, today=today),
        overdue=overdue_reviews(levels=levels, today=today),
        method_cards=method_cards(levels=levels),
        lessons_by_method=lessons_by_method(levels=levels),
        funnel=aida_funnel(threshold=settings.SUPPRESSION_THRESHOLD),
    )


@dataclass(frozen=True)
class MunicipalitySprint:
    title: str
    url: str
    status: str
    status_label: str
    work_package: str
    method: str
    phases: list[str]
    start: dt.date
    end: dt.date

    # Display text, in the active language, for the page's tables: a table has a hundred rows, and each filter in a
    # template loop costs more than the same call here.
    @property
    def start_text(self) -> str:
        return date_format(self.start, "j M Y")

    @property
    def end_text(self) -> str:
        return date_format(self.end, "j M Y")

    @property
    def phases_text(self) -> str:
        return ", ".join(self.phases)


def _amount_text(value: float | None) -> str:
    return "–" if value is None else floatformat(value, "-2g")


@dataclass(frozen=True)
class MunicipalityResult:
    sprint: str
    metric: str
    unit: str
    baseline: float | None
    target: float | None
    actual: float
    date: dt.date
    met: bool | None

    @property
    def baseline_text(self) -> str:
        return _amount_text(self.baseline)

    @property
    def target_text(self) -> str:
        return _amount_text(self.target)

    @property
    def actual_text(self) -> str:
        return _amount_text(self.actual)

    @property
    def date_text(self) -> str:
        return date_format(self.date, "j M Y")


@dataclass(frozen=True)
class MunicipalityLesson:
    title: str
    url: str
    evidence: str
    published: dt.date | None

    @property
    def published_text(self) -> str:
        return date_format(self.published, "j M Y") if self.published else ""


@dataclass(frozen=True)
class MunicipalityFigures:
    """Its sprints, and its latest results and lessons (the full lists can be long: their totals say how long)."""

    sprints: list[MunicipalitySprint]
    results: list[MunicipalityResult]
    results_total: int
    lessons: list[MunicipalityLesson]
    lessons_total: int


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def municipality_figures(
    *, municipality: Municipality, levels: tuple[str, ...], latest: int = 30
) -> MunicipalityFigures:
    """One municipality's sprints (two queries), results (one) and lessons (one); the region comes from the programme."""
    sprint_rows = (
        Sprint.objects.filter(municipality=municipality, visibility__in=levels)
        .select_related("work_package", "method", "municipality")
        .prefetch_related("relocation_phases")
        .order_by("-start", "title")
    )
    sprints = [
        MunicipalitySprint(
            title=s.title,
            url=s.get_absolute_url(),
            status=s.status,
            status_label=str(s.get_status_display()),
            work_package=s.work_package.code,
            method=s.method.label,
            phases=[p.label for p in s.relocation_phases.all()],
            start=s.start,
            end=s.end,
        )
        for s in sprint_rows
    ]
    result_rows = list(
        Result.objects.filter(sprint__municipality=municipality, sprint__visibility__in=levels)
        .select_related("sprint")
        .annotate(
            met=ExpressionWrapper(target_met_q(), output_field=BooleanField()), total=Window(Count("pk"))
        )
        .order_by("-date", "metric")[:latest]
    )
    lesson_rows = list(
        _visible_lessons(levels)
        .filter(municipality=municipality)
        .only(*_LISTED_FIELDS, "evidence", "first_published_at")
        .annotate(total=Window(Count("pk")))
        .order_by("-first_published_at", "title")[:latest]
    )
    results = [
        MunicipalityResult(
            sprint=r.sprint.title,
            metric=r.metric,
            unit=r.unit,
            baseline=_number(r.baseline),
            target=_number(r.target),
            actual=float(r.actual),
            date=r.date,
            met=None if r.target is None else bool(r.met),
        )
        for r in result_rows
    ]
    lessons = [
        MunicipalityLesson(
            title=lesson.title,
            url=lesson.url or "",
            evidence=str(lesson.get_evidence_display()),
            published=timezone.localdate(lesson.first_published_at) if lesson.first_published_at else None,
        )
        for lesson in lesson_rows
    ]
    return MunicipalityFigures(
        sprints=sprints,
        results=results,
        results_total=result_rows[0].total if result_rows else 0,
        lessons=lessons,
        lessons_total=lesson_rows[0].total if lesson_rows else 0,
    )
