"""Reads of the plans app: plans with their needs, goals (and progress) and activities, attraction against receiving
capacity, and the needs that recur across the 14.

Every function runs a fixed number of queries whatever the number of plans, needs, goals, activities or sprints:
the parts of many plans are loaded together (`plan_contents`) and joined in Python. Prospect figures come only as
the insights app's suppressed aggregates (`insights.selectors.pipeline_counts`), never as rows.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from insights.selectors import pipeline_counts
from knowledge.selectors import lessons_from_sprints
from sprints.models import Result, Sprint
from sprints.models import Status as SprintStatus
from themes.models import Municipality

from .models import (
    ActionPlan,
    ActionPlanVersion,
    Activity,
    Goal,
    IndicatorKind,
    IndicatorValue,
    Need,
    NeedTag,
)

# A need recurs when plans of at least this many municipalities name it (by tag).
RECURRING_MIN_MUNICIPALITIES = 2
# Needs and answers listed per recurring need; the rest are counted ("and 12 more"), so the page stays readable and
# its size does not grow with the plans.
RECURRING_SHOWN = 10


def visible_plans(levels: Sequence[str]) -> QuerySet[ActionPlan]:
    """Plans whose existence the viewer may see (the visibility levels of sprints)."""
    return ActionPlan.objects.filter(visibility__in=levels)


def period_years(period: str) -> tuple[int, int]:
    """`2026` → (2026, 2026); `2026-2027` → (2026, 2027)."""
    first, _sep, last = period.partition("-")
    return int(first), int(last or first)


# --- the parts of plans ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SprintLink:
    id: int
    title: str
    status: str
    municipality_slug: str = ""

    @property
    def url(self) -> str:
        # Reversed only when a template shows the link: the matrix loads a few hundred links and shows a few dozen.
        if not self.municipality_slug:
            return ""
        return reverse("sprints:detail", kwargs={"municipality": self.municipality_slug, "pk": self.id})

    @property
    def status_label(self) -> str:
        return str(SprintStatus(self.status).label)


@dataclass(frozen=True)
class Measurement:
    """The latest reading of a goal's indicator: from an indicator value, or from a linked sprint's result."""

    value: Decimal
    date: datetime.date
    source: str  # "indicator" or "result"
    label: str  # the indicator's source, or the sprint's title
    synthetic: bool = False


@dataclass(frozen=True)
class GoalView:
    goal: Goal
    measurement: Measurement | None

    @property
    def progress(self) -> float | None:
        """The share of the way from the baseline to the target that the latest reading has come (1 = reached;
        below 0 when it moved away, above 1 when it went past); None without a reading."""
        if self.measurement is None:
            return None
        span = self.goal.target - self.goal.baseline
        return round(float((self.measurement.value - self.goal.baseline) / span), 3)

    @property
    def percent(self) -> int | None:
        """The progress as a whole percentage between 0 and 100, for a progress bar."""
        progress = self.progress
        return None if progress is None else max(0, min(100, round(progress * 100)))

    @property
    def reached(self) -> bool:
        progress = self.progress
        return progress is not None and progress >= 1


@dataclass(frozen=True)
class ActivityView:
    activity: Activity
    sprints: list[SprintLink]


@dataclass
class PlanContent:
    plan: ActionPlan
    needs: list[Need] = field(default_factory=list)
    goals: list[GoalView] = field(default_factory=list)
    activities: list[ActivityView] = field(default_factory=list)


def _latest(values: Iterable[IndicatorValue]) -> dict[tuple[int, str], IndicatorValue]:
    """The newest value per (municipality id, kind)."""
    latest: dict[tuple[int, str], IndicatorValue] = {}
    for value in values:
        key = (value.municipality_id, value.kind)
        if key not in latest or (value.date, value.pk) > (latest[key].date, latest[key].pk):
            latest[key] = value
    return latest


def indicator_values(municipality_ids: Iterable[int]) -> list[IndicatorValue]:
    """Every indicator value of these municipalities (a handful per municipality and period)."""
    return list(
        IndicatorValue.objects.filter(municipality_id__in=list(municipality_ids)).order_by("date", "pk")
    )


# The latest result per (sprint, metric): (date, pk, actual); metrics compared case-insensitively.
LatestResults = dict[tuple[int, str], tuple[datetime.date, int, Decimal]]


def _latest_results(sprint_ids: set[int]) -> LatestResults:
    latest: LatestResults = {}
    if not sprint_ids:
        return latest
    for pk, sprint_id, metric, actual, date in Result.objects.filter(sprint_id__in=sprint_ids).values_list(
        "pk", "sprint_id", "metric", "actual", "date"
    ):
        key = (sprint_id, metric.casefold())
        if key not in latest or (date, pk) > latest[key][:2]:
            latest[key] = (date, pk, actual)
    return latest


def _measure(
    goal: Goal,
    *,
    municipality_id: int,
    latest_values: dict[tuple[int, str], IndicatorValue],
    goal_sprints: dict[int, list[SprintLink]],
    results: LatestResults,
) -> Measurement | None:
    if goal.capacity_indicator:
        value = latest_values.get((municipality_id, goal.capacity_indicator))
        if value is None:
            return None
        return Measurement(value.value, value.date, "indicator", value.source, value.synthetic)
    metric = goal.metric.casefold()
    best: tuple[datetime.date, int, SprintLink, Decimal] | None = None
    for sprint in goal_sprints.get(goal.pk, []):
        row = results.get((sprint.id, metric))
        if row is not None and (best is None or row[:2] > best[:2]):
            best = (row[0], row[1], sprint, row[2])
    if best is None:
        return None
    return Measurement(best[3], best[0], "result", best[2].title)


def plan_contents(
    plans: Sequence[ActionPlan],
    *,
    levels: Sequence[str],
    values: list[IndicatorValue] | None = None,
    with_tags: bool = False,
    with_taxonomy: bool = True,
) -> dict[int, PlanContent]:
    """Needs, goals with their progress, and activities with the sprints the viewer may see, of every plan in
    `plans`: six queries (seven with tags, one fewer when the indicator values are passed in). Without
    `with_taxonomy` the needs come without their value-chain step, phase and work package (the matrix shows
    text and tags only)."""
    contents = {plan.pk: PlanContent(plan) for plan in plans}
    if not contents:
        return contents
    ids = list(contents)
    needs = Need.objects.filter(plan_id__in=ids)
    if with_taxonomy:
        needs = needs.select_related("value_chain_step", "relocation_phase", "work_package")
    tags: dict[int, list[str]] = defaultdict(list)
    if with_tags:
        for need_id, name in (
            NeedTag.objects.filter(content_object__plan_id__in=ids)
            .order_by("tag__name")
            .values_list("content_object_id", "tag__name")
        ):
            tags[need_id].append(name)
    needs_by_id: dict[int, Need] = {}
    for need in needs:
        need.tag_names = tags.get(need.pk, [])  # type: ignore[attr-defined]
        contents[need.plan_id].needs.append(need)
        needs_by_id[need.pk] = need
    goals = list(Goal.objects.filter(plan_id__in=ids))
    goals_by_id = {goal.pk: goal for goal in goals}
    # The activities' need and goal are rows loaded above: attached, not joined and built a second time.
    activities = list(Activity.objects.filter(plan_id__in=ids))
    for activity in activities:
        if activity.need_id in needs_by_id:
            activity.need = needs_by_id[activity.need_id]
        if activity.goal_id in goals_by_id:
            activity.goal = goals_by_id[activity.goal_id]
    links: dict[int, list[SprintLink]] = defaultdict(list)
    for activity_id, sprint_id, title, status, slug in (
        Activity.sprints.through.objects.filter(activity__plan_id__in=ids, sprint__visibility__in=levels)
        .order_by("sprint__start", "sprint_id")
        .values_list(
            "activity_id", "sprint_id", "sprint__title", "sprint__status", "sprint__municipality__slug"
        )
    ):
        links[activity_id].append(SprintLink(sprint_id, title, status, slug))
    goal_sprints: dict[int, list[SprintLink]] = defaultdict(list)
    for activity in activities:
        contents[activity.plan_id].activities.append(ActivityView(activity, links.get(activity.pk, [])))
        if activity.goal_id is not None:
            goal_sprints[activity.goal_id].extend(links.get(activity.pk, []))
    results = _latest_results({link.id for sprint_links in goal_sprints.values() for link in sprint_links})
    if values is None:
        values = indicator_values({plan.municipality_id for plan in plans})
    latest_values = _latest(values)
    for goal in goals:
        plan = contents[goal.plan_id].plan
        measurement = _measure(
            goal,
            municipality_id=plan.municipality_id,
            latest_values=latest_values,
            goal_sprints=goal_sprints,
            results=results,
        )
        contents[goal.plan_id].goals.append(GoalView(goal, measurement))
    return contents


def plan_document(
    plan: ActionPlan, *, levels: Sequence[str], content: PlanContent | None = None
) -> dict[str, Any]:
    """The plan as INTERFACES.md's `/api/action-plans/` gives it (and as an approved version is frozen)."""
    if content is None:
        content = plan_contents([plan], levels=levels)[plan.pk]
    return {
        "municipality": plan.municipality.slug,
        "period": plan.period,
        "status": plan.status,
        "needs": [
            {
                "text": need.text,
                "value_chain": need.value_chain_step.code,
                "phase": need.relocation_phase.code,
            }
            for need in content.needs
        ],
        "goals": [
            {
                "indicator": view.goal.indicator,
                "baseline": float(view.goal.baseline),
                "target": float(view.goal.target),
                "due": view.goal.due.isoformat(),
                "progress": view.progress,
            }
            for view in content.goals
        ],
        "activities": [
            {
                "title": view.activity.title,
                "status": view.activity.status,
                "sprints": [s.id for s in view.sprints],
            }
            for view in content.activities
        ],
    }


def plan_documents(
    *, levels: Sequence[str], municipality: Municipality | None = None
) -> list[dict[str, Any]]:
    """Every plan the viewer may see (of one municipality), in the API's shape: seven queries."""
    plans = visible_plans(levels).select_related("municipality").order_by("municipality__name", "period")
    if municipality is not None:
        plans = plans.filter(municipality=municipality)
    plan_list = list(plans)
    contents = plan_contents(plan_list, levels=levels)
    return [plan_document(plan, levels=levels, content=contents[plan.pk]) for plan in plan_list]


# --- attraction against receiving capacity --------------------------------------------------------------


@dataclass(frozen=True)
class CapacityFlag:
    kind: str
    message: str
    action: int
    capacity: Decimal


def _flag_message(kind: str) -> str:
    messages = {
        IndicatorKind.VACANT_RENTAL_FLATS: _("More prospects in Action than vacant rental flats"),
        IndicatorKind.OPEN_JOB_ADS: _("More prospects in Action than open job ads"),
        IndicatorKind.FREE_PRESCHOOL_PLACES: _("More prospects in Action than free preschool places"),
    }
    return messages[IndicatorKind(kind)]


# Indicators that count something a newcomer household needs one of: a flag when Action outnumbers them.
FLAGGED_KINDS = (
    IndicatorKind.VACANT_RENTAL_FLATS,
    IndicatorKind.OPEN_JOB_ADS,
    IndicatorKind.FREE_PRESCHOOL_PLACES,
)


@dataclass(frozen=True)
class CapacityRow:
    municipality: Municipality
    period: str
    desire: int | None  # None: suppressed (or no prospects imported: see has_pipeline)
    action: int | None
    has_pipeline: bool
    indicators: dict[str, IndicatorValue | None]
    flags: list[CapacityFlag]

    @property
    def suppressed(self) -> bool:
        return self.has_pipeline and (self.desire is None or self.action is None)

    @property
    def synthetic(self) -> bool:
        return any(value is not None and value.synthetic for value in self.indicators.values())

    @property
    def indicator_list(self) -> list[tuple[str, str, IndicatorValue | None]]:
        """(kind, label, value) in the indicators' order, for templates."""
        return [(kind.value, str(kind.label), self.indicators.get(kind.value)) for kind in IndicatorKind]


def capacity_rows(
    municipalities: Sequence[Municipality], *, period: str, values: list[IndicatorValue] | None = None
) -> list[CapacityRow]:
    """For each municipality: Desire and Action (suppressed aggregates) beside the newest value of each indicator
    in `period`, and a plain-words flag for each indicator that Action outnumbers. Two queries (one when the
    indicator values are passed in)."""
    first, last = period_years(period)
    pipeline = pipeline_counts(first_year=first, last_year=last)
    if values is None:
        values = indicator_values(m.pk for m in municipalities)
    latest = _latest(value for value in values if value.period == period)
    rows = []
    for municipality in municipalities:
        counts = pipeline.get(municipality.slug)
        desire = counts.get("desire") if counts else None
        action = counts.get("action") if counts else None
        indicators = {kind.value: latest.get((municipality.pk, kind.value)) for kind in IndicatorKind}
        flags = []
        for kind in FLAGGED_KINDS:
            value = indicators[kind.value]
            if action is not None and value is not None and action > value.value:
                flags.append(CapacityFlag(kind.value, _flag_message(kind), action, value.value))
        rows.append(CapacityRow(municipality, period, desire, action, counts is not None, indicators, flags))
    return rows


# --- pages ----------------------------------------------------------------------------------------------


@dataclass
class PlanPage:
    content: PlanContent
    capacity: CapacityRow
    versions: list[ActionPlanVersion]
    periods: list[str]


def plan_page(*, municipality: Municipality, period: str, levels: Sequence[str]) -> PlanPage | None:
    """Everything the plan page shows, or None when there is no such plan the viewer may see: eleven queries at most
    (one fewer while the pipeline counts are cached)."""
    plans = list(
        visible_plans(levels).filter(municipality=municipality).select_related("municipality", "reviewed_by")
    )
    plan = next((p for p in plans if p.period == period), None)
    if plan is None:
        return None
    values = indicator_values([municipality.pk])
    content = plan_contents([plan], levels=levels, values=values, with_tags=True)[plan.pk]
    return PlanPage(
        content=content,
        capacity=capacity_rows([municipality], period=period, values=values)[0],
        versions=list(
            ActionPlanVersion.objects.filter(plan=plan).select_related("approved_by").order_by("-number")
        ),
        periods=sorted((p.period for p in plans), reverse=True),
    )


def latest_plan(*, municipality: Municipality, levels: Sequence[str]) -> ActionPlan | None:
    return visible_plans(levels).filter(municipality=municipality).order_by("-period").first()


def plan_version(*, plan: ActionPlan, number: int) -> ActionPlanVersion | None:
    return ActionPlanVersion.objects.filter(plan=plan, number=number).select_related("approved_by").first()


def plan_list(*, levels: Sequence[str]) -> list[ActionPlan]:
    """The plans the viewer may see, with their part counts (one query)."""
    return list(
        visible_plans(levels)
        .select_related("municipality")
        .annotate(
            need_count=Count("needs", distinct=True),
            goal_count=Count("goals", distinct=True),
            activity_count=Count("activities", distinct=True),
        )
        .order_by("municipality__name", "-period")
    )


def linkable_sprints(*, municipality: Municipality, levels: Sequence[str]) -> list[Sprint]:
    """The municipality's sprints the viewer may see, for linking to activities (one query)."""
    return list(
        Sprint.objects.filter(municipality=municipality, visibility__in=levels)
        .only("pk", "title", "start")
        .order_by("-start", "title")
    )


@dataclass(frozen=True)
class DashboardPanel:
    """The municipality dashboard's panel: the newest visible plan's goals and attraction against capacity."""

    plan: ActionPlan | None
    goals: list[GoalView]
    capacity: CapacityRow


def goal_views(plan: ActionPlan, *, levels: Sequence[str], values: list[IndicatorValue]) -> list[GoalView]:
    """Only the goals of one plan with their progress (three queries at most), for pages that show no more."""
    goal_sprints: dict[int, list[SprintLink]] = defaultdict(list)
    for goal_id, sprint_id, title, status in Activity.sprints.through.objects.filter(
        activity__plan=plan, activity__goal__isnull=False, sprint__visibility__in=levels
    ).values_list("activity__goal_id", "sprint_id", "sprint__title", "sprint__status"):
        goal_sprints[goal_id].append(SprintLink(sprint_id, title, status))
    results = _latest_results({link.id for links in goal_sprints.values() for link in links})
    latest_values = _latest(values)
    return [
        GoalView(
            goal,
            _measure(
                goal,
                municipality_id=plan.municipality_id,
                latest_values=latest_values,
                goal_sprints=goal_sprints,
                results=results,
            ),
        )
        for goal in Goal.objects.filter(plan=plan)
    ]


def dashboard_panel(
    *, municipality: Municipality, levels: Sequence[str], today: datetime.date
) -> DashboardPanel:
    """Seven queries at most; without a plan the capacity is shown for the current year."""
    plan = (
        visible_plans(levels)
        .filter(municipality=municipality)
        .select_related("municipality")
        .order_by("-period")
        .first()
    )
    values = indicator_values([municipality.pk])
    goals = goal_views(plan, levels=levels, values=values) if plan else []
    period = plan.period if plan else str(today.year)
    return DashboardPanel(plan, goals, capacity_rows([municipality], period=period, values=values)[0])


# --- across the 14 --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LessonLink:
    id: int
    title: str
    url: str


@dataclass(frozen=True)
class Answer:
    """An activity that answered a recurring need, with its sprints and the lessons learned in them."""

    municipality: str
    title: str
    status: str
    status_label: str
    sprints: list[SprintLink]
    lessons: list[LessonLink]


@dataclass
class RecurringNeed:
    tag: str
    municipalities: list[Municipality]
    needs: list[tuple[Municipality, Need]]
    answers: list[Answer]
    answer_total: int = 0

    @property
    def shown_needs(self) -> list[tuple[Municipality, Need]]:
        return self.needs[:RECURRING_SHOWN]

    @property
    def more_needs(self) -> int:
        return max(0, len(self.needs) - RECURRING_SHOWN)

    @property
    def more_answers(self) -> int:
        return max(0, self.answer_total - len(self.answers))


@dataclass
class MatrixRow:
    municipality: Municipality
    plan: ActionPlan | None
    goals: list[GoalView]
    capacity: CapacityRow

    @property
    def goals_reached(self) -> int:
        return sum(1 for view in self.goals if view.reached)


@dataclass
class Matrix:
    period: str
    rows: list[MatrixRow]
    recurring: list[RecurringNeed]
    periods: list[str]

    @property
    def flagged(self) -> int:
        return sum(1 for row in self.rows if row.capacity.flags)


def matrix(*, period: str, levels: Sequence[str]) -> Matrix:
    """The 14 municipalities for one period (plan, goals, pipeline against capacity) and the needs that recur
    across their plans, with the activities that answered them and those sprints' lessons: twelve queries at most
    (one fewer while the pipeline counts are cached)."""
    municipalities = list(Municipality.objects.order_by("name"))
    # Every visible plan in one query (a few per municipality): the period's plans, and the periods to choose from.
    every_plan = list(visible_plans(levels).select_related("municipality"))
    plans = [plan for plan in every_plan if plan.period == period]
    periods = sorted({plan.period for plan in every_plan} | {period}, reverse=True)
    values = indicator_values(m.pk for m in municipalities)
    contents = plan_contents(plans, levels=levels, values=values, with_tags=True, with_taxonomy=False)
    by_municipality = {plan.municipality_id: contents[plan.pk] for plan in plans}
    capacity = {
        row.municipality.pk: row for row in capacity_rows(municipalities, period=period, values=values)
    }
    rows = [
        MatrixRow(
            m,
            by_municipality[m.pk].plan if m.pk in by_municipality else None,
            by_municipality[m.pk].goals if m.pk in by_municipality else [],
            capacity[m.pk],
        )
        for m in municipalities
    ]
    return Matrix(period, rows, recurring_needs(list(contents.values()), levels=levels), periods)


def recurring_needs(contents: list[PlanContent], *, levels: Sequence[str]) -> list[RecurringNeed]:
    """Needs grouped by tag, where plans of several municipalities carry the tag; most municipalities first.
    One query: the lessons learned in the sprints of the activities that answered them."""
    groups: dict[str, RecurringNeed] = {}
    answers_by_need: dict[int, list[ActivityView]] = defaultdict(list)
    for content in contents:
        for view in content.activities:
            if view.activity.need_id is not None:
                answers_by_need[view.activity.need_id].append(view)
    for content in contents:
        for need in content.needs:
            for tag in getattr(need, "tag_names", []):
                group = groups.setdefault(tag, RecurringNeed(tag, [], [], []))
                group.needs.append((content.plan.municipality, need))
    recurring = []
    for group in groups.values():
        seen: dict[int, Municipality] = {}
        for municipality, _need in group.needs:
            seen.setdefault(municipality.pk, municipality)
        if len(seen) >= RECURRING_MIN_MUNICIPALITIES:
            group.municipalities = sorted(seen.values(), key=lambda m: m.name)
            recurring.append(group)
    # Done and running answers first: they are the ones with something to learn from.
    rank = {"done": 0, "running": 1, "planned": 2, "dropped": 3}
    chosen: dict[str, list[tuple[Municipality, ActivityView]]] = {}
    for group in recurring:
        every = [
            (municipality, view)
            for municipality, need in group.needs
            for view in answers_by_need.get(need.pk, [])
        ]
        every.sort(key=lambda pair: rank.get(pair[1].activity.status, 9))
        group.answer_total = len(every)
        chosen[group.tag] = every[:RECURRING_SHOWN]
    sprint_ids = {link.id for pairs in chosen.values() for _m, view in pairs for link in view.sprints}
    lessons = lessons_from_sprints(sprint_ids=sprint_ids, levels=levels) if sprint_ids else {}
    for group in recurring:
        for municipality, view in chosen[group.tag]:
            activity = view.activity
            group.answers.append(
                Answer(
                    municipality=municipality.name,
                    title=activity.title,
                    status=activity.status,
                    status_label=str(activity.get_status_display()),
                    sprints=view.sprints,
                    lessons=[
                        LessonLink(lesson.pk, lesson.title, lesson.url or "")
                        for link in view.sprints
                        for lesson in lessons.get(link.id, [])
                    ],
                )
            )
    recurring.sort(key=lambda group: (-len(group.municipalities), group.tag))
    return recurring


def exchange_proposal(*, tag: str, levels: Sequence[str]) -> RecurringNeed | None:
    """One recurring need (by tag) across the visible plans of every period, for proposing an exchange meeting."""
    plans = list(
        visible_plans(levels).filter(needs__tags__name=tag).distinct().select_related("municipality")
    )
    contents = plan_contents(plans, levels=levels, values=[], with_tags=True)
    return next(
        (group for group in recurring_needs(list(contents.values()), levels=levels) if group.tag == tag), None
    )


def has_pipeline_figures(rows: Iterable[CapacityRow]) -> bool:
    return any(row.has_pipeline for row in rows)
