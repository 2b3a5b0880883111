"""Reads of the sprints app: boards, the sprint page, the overview of all 14, timeline, gaps and similar sprints.

Every function here runs a fixed number of queries whatever the number of sprints: counts are aggregated
in the database and related rows come through select_related/prefetch_related once.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field, fields
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from themes.models import Municipality, RelocationPhase, SprintMethod, ValueChainStep, WorkPackage
from themes.permissions import visible_levels
from themes.querystring import filter_value

from .models import (
    FINISHED_STATUSES,
    ActivityEvent,
    BoardColumnLimit,
    Card,
    Result,
    Retrospective,
    Sprint,
    Status,
)

# Columns that count as "someone is working on it" for gaps.
ACTIVE_STATUSES = (Status.PLANNED, Status.RUNNING)


def visible_sprints(user: Any) -> QuerySet[Sprint]:
    """Sprints whose existence `user` may see at all (INTERFACES.md, Visibility)."""
    return Sprint.objects.filter(visibility__in=visible_levels(user))


def target_met_q(prefix: str = "") -> Q:
    """A result reached its target, in the direction from the baseline (lower is better when target < baseline)."""

    def f(name: str) -> F:
        return F(prefix + name)

    def q(**lookups: Any) -> Q:
        return Q(**{prefix + key: value for key, value in lookups.items()})

    lower_is_better = q(baseline__isnull=False) & q(target__lt=f("baseline"))
    return q(target__isnull=False) & (
        (lower_is_better & q(actual__lte=f("target"))) | (~lower_is_better & q(actual__gte=f("target")))
    )


def _count_subquery(queryset: QuerySet[Any]) -> Coalesce:
    counted = queryset.order_by().values("sprint_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_result_counts(queryset: QuerySet[Sprint]) -> QuerySet[Sprint]:
    """Annotate result_count, target_count and targets_met: a counting subquery each, in the sprints' own query."""
    results = Result.objects.filter(sprint=OuterRef("pk"))
    return queryset.annotate(
        result_count=_count_subquery(results),
        target_count=_count_subquery(results.filter(target__isnull=False)),
        targets_met=_count_subquery(results.filter(target_met_q())),
    )


def with_overdue_cards(queryset: QuerySet[Sprint], *, today: datetime.date) -> QuerySet[Sprint]:
    """Annotate overdue_cards: the sprint's activity cards whose due date has passed and that are not done."""
    late = Card.objects.filter(sprint=OuterRef("pk"), due_date__lt=today).exclude(column=Card.Column.DONE)
    return queryset.annotate(overdue_cards=_count_subquery(late))


@dataclass(frozen=True)
class BoardFilters:
    """Codes chosen in the board's filter form; empty means no filter."""

    work_package: str = ""
    phase: str = ""
    method: str = ""
    status: str = ""
    # A username: sprints the person is on the team of, or owns an activity card in.
    assignee: str = ""

    @classmethod
    def from_query(cls, query: Any) -> BoardFilters:
        # Each filter is read from the query parameter of its own name.
        return cls(**{f.name: filter_value(query, f.name) for f in fields(cls)})

    @property
    def active(self) -> bool:
        return any((self.work_package, self.phase, self.method, self.status, self.assignee))


@dataclass
class BoardColumn:
    status: str
    label: str
    sprints: list[Sprint] = field(default_factory=list)
    # The neighbouring columns (value, label) that a sprint can be moved back to and on to.
    previous: tuple[str, str] | None = None
    next: tuple[str, str] | None = None


def board_queryset(*, municipality: Municipality, filters: BoardFilters, user: Any) -> QuerySet[Sprint]:
    queryset = visible_sprints(user).filter(municipality=municipality, archived_at__isnull=True)
    if filters.work_package:
        queryset = queryset.filter(work_package__code=filters.work_package)
    if filters.method:
        queryset = queryset.filter(method__code=filters.method)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.assignee:
        # Subqueries rather than joins, so that a sprint is listed once however many cards the person owns.
        queryset = queryset.filter(
            Q(
                pk__in=Sprint.team_members.through.objects.filter(user__username=filters.assignee).values(
                    "sprint_id"
                )
            )
            | Q(pk__in=Card.objects.filter(owner__username=filters.assignee).values("sprint_id"))
        )
    if filters.phase:
        # A subquery rather than a join, so that a sprint in several phases is listed once.
        queryset = queryset.filter(
            pk__in=Sprint.relocation_phases.through.objects.filter(
                relocationphase__code=filters.phase
            ).values("sprint_id")
        )
    return (
        queryset.select_related("municipality", "work_package", "method", "value_chain_step")
        .prefetch_related(
            Prefetch("relocation_phases", queryset=RelocationPhase.objects.order_by("sort_order"))
        )
        .order_by("position", "pk")
    )


def sprints_for_board(
    *, municipality: Municipality, filters: BoardFilters, user: Any, today: datetime.date | None = None
) -> list[BoardColumn]:
    """The five board columns of a municipality with the sprints `user` may see, each with its result counts and
    its activity cards overdue on `today` (default: today) (two queries)."""
    choices = [(status, str(label)) for status, label in Status.choices]
    sprints = with_overdue_cards(
        with_result_counts(board_queryset(municipality=municipality, filters=filters, user=user)),
        today=today or timezone.localdate(),
    )
    columns = {
        status: BoardColumn(
            status=status,
            label=label,
            previous=choices[i - 1] if i > 0 else None,
            next=choices[i + 1] if i + 1 < len(choices) else None,
        )
        for i, (status, label) in enumerate(choices)
    }
    for sprint in sprints:
        columns[sprint.status].sprints.append(sprint)
    return list(columns.values())


@dataclass(frozen=True)
class ColumnLoad:
    """How full a board column is against its soft work-in-progress limit (None: no limit set)."""

    count: int
    limit: int | None

    @property
    def over(self) -> bool:
        return self.limit is not None and self.count > self.limit


def board_limits(*, municipality: Municipality) -> dict[str, int]:
    """The municipality's work-in-progress limits by board column (one query)."""
    return dict(BoardColumnLimit.objects.filter(municipality=municipality).values_list("status", "limit"))


def column_loads(*, municipality: Municipality, user: Any) -> dict[str, ColumnLoad]:
    """Every column's sprints on the board, whatever filter is chosen, against its limit (two queries). Counted over
    the sprints `user` may see: a count must not reveal sprints hidden from them."""
    limits = board_limits(municipality=municipality)
    counts = dict(
        visible_sprints(user)
        .filter(municipality=municipality, archived_at__isnull=True)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {
        status: ColumnLoad(count=counts.get(status, 0), limit=limits.get(status)) for status in Status.values
    }


def archived_sprints(*, municipality: Municipality, user: Any) -> list[Sprint]:
    """The municipality's archived sprints `user` may see, for the list under its board (one query)."""
    return list(
        visible_sprints(user)
        .filter(municipality=municipality, archived_at__isnull=False)
        .select_related("municipality")
        .order_by("-archived_at", "pk")
    )


def sprint_for_page(*, municipality: Municipality, pk: int, user: Any) -> Sprint:
    """A sprint with everything its page shows; 404 when it does not exist or `user` may not see it."""
    queryset = (
        visible_sprints(user)
        .filter(municipality=municipality, pk=pk)
        .select_related(
            "municipality", "work_package", "method", "value_chain_step", "created_by", "retrospective"
        )
        .prefetch_related(
            Prefetch("relocation_phases", queryset=RelocationPhase.objects.order_by("sort_order")),
            "team_members",
            Prefetch(
                "cards", queryset=Card.objects.select_related("owner").order_by("column", "position", "pk")
            ),
            Prefetch(
                "results",
                queryset=Result.objects.select_related("recorded_by")
                .prefetch_related("attachments")
                .order_by("date", "pk"),
            ),
            Prefetch(
                "events",
                queryset=ActivityEvent.objects.select_related("actor").order_by("-created_at", "-pk"),
            ),
        )
    )
    sprint = with_result_counts(queryset).first()
    if sprint is None:
        raise Http404("No such sprint")
    return sprint


def retrospective_of(sprint: Sprint) -> Retrospective | None:
    """The sprint's retrospective, or None before it has one (select_related has fetched it either way)."""
    try:
        return sprint.retrospective
    except Retrospective.DoesNotExist:
        return None


# --- Overview of all 14 ------------------------------------------------------------------------


@dataclass
class Cell:
    """Sprints of one municipality in one phase (or work package), and their results against targets."""

    ideas: int = 0
    planned: int = 0
    running: int = 0
    finished: int = 0
    targets: int = 0
    targets_met: int = 0

    @property
    def total(self) -> int:
        return self.ideas + self.planned + self.running + self.finished

    @property
    def active(self) -> int:
        return self.planned + self.running

    def add_status(self, status: str, n: int) -> None:
        if status == Status.RUNNING:
            self.running += n
        elif status in FINISHED_STATUSES:
            self.finished += n
        elif status == Status.PLANNED:
            self.planned += n
        else:
            self.ideas += n


@dataclass
class MatrixRow:
    municipality: Municipality
    phases: list[Cell]
    work_packages: list[Cell]
    total: Cell


@dataclass
class OverviewMatrix:
    phases: list[RelocationPhase]
    work_packages: list[WorkPackage]
    rows: list[MatrixRow]
    phase_totals: list[Cell]
    work_package_totals: list[Cell]
    total: Cell


def overview_matrix(*, user: Any) -> OverviewMatrix:
    """Municipalities × relocation phases and × work packages: sprints by state, results against targets (6 queries).

    The database does the heavy part (results grouped per sprint); the few hundred sprint and phase rows that map
    sprints to cells are combined here, which is cheaper than grouping results through the phase join in SQL.
    """
    levels = visible_levels(user)
    municipalities = list(Municipality.objects.order_by("name"))
    phases = list(RelocationPhase.objects.all())
    work_packages = list(WorkPackage.objects.all())
    phase_index = {phase.pk: i for i, phase in enumerate(phases)}
    wp_index = {wp.pk: i for i, wp in enumerate(work_packages)}
    by_phase: dict[int, list[Cell]] = defaultdict(lambda: [Cell() for _ in phases])
    by_wp: dict[int, list[Cell]] = defaultdict(lambda: [Cell() for _ in work_packages])
    totals: dict[int, Cell] = defaultdict(Cell)

    visible = Sprint.objects.filter(visibility__in=levels).order_by()
    sprints = {
        pk: (municipality_id, wp_id, status)
        for pk, municipality_id, wp_id, status in visible.values_list(
            "pk", "municipality_id", "work_package_id", "status"
        )
    }
    results = {
        sprint_id: (targets, met)
        # No join to the sprint for visibility: only visible sprints' rows are looked up below.
        for sprint_id, targets, met in Result.objects.order_by()
        .values("sprint_id")
        .annotate(targets=Count("pk", filter=Q(target__isnull=False)), met=Count("pk", filter=target_met_q()))
        .values_list("sprint_id", "targets", "met")
    }
    for pk, (municipality_id, wp_id, status) in sprints.items():
        targets, met = results.get(pk, (0, 0))
        for cell in (by_wp[municipality_id][wp_index[wp_id]], totals[municipality_id]):
            cell.add_status(status, 1)
            cell.targets += targets
            cell.targets_met += met
    through = Sprint.relocation_phases.through.objects.filter(sprint_id__in=visible.values("pk")).order_by()
    for sprint_id, phase_id in through.values_list("sprint_id", "relocationphase_id"):
        municipality_id, _wp_id, status = sprints[sprint_id]
        targets, met = results.get(sprint_id, (0, 0))
        cell = by_phase[municipality_id][phase_index[phase_id]]
        cell.add_status(status, 1)
        cell.targets += targets
        cell.targets_met += met

    rows = [
        MatrixRow(
            municipality=municipality,
            phases=by_phase[municipality.pk],
            work_packages=by_wp[municipality.pk],
            total=totals[municipality.pk],
        )
        for municipality in municipalities
    ]
    return OverviewMatrix(
        phases=phases,
        work_packages=work_packages,
        rows=rows,
        phase_totals=[_sum(row.phases[i] for row in rows) for i in range(len(phases))],
        work_package_totals=[_sum(row.work_packages[i] for row in rows) for i in range(len(work_packages))],
        total=_sum(row.total for row in rows),
    )


def _sum(cells: Any) -> Cell:
    total = Cell()
    for cell in cells:
        for name in ("ideas", "planned", "running", "finished", "targets", "targets_met"):
            setattr(total, name, getattr(total, name) + getattr(cell, name))
    return total


def export_sprints(*, user: Any) -> list[Sprint]:
    """Every visible sprint with what the export lists (three queries)."""
    queryset = (
        visible_sprints(user)
        .select_related("municipality", "work_package", "method")
        .prefetch_related(
            Prefetch("relocation_phases", queryset=RelocationPhase.objects.order_by("sort_order"))
        )
        .order_by("municipality__name", "start", "pk")
    )
    return list(with_result_counts(queryset))


@dataclass
class Gap:
    phase: RelocationPhase
    ideas: int
    finished: int
    municipalities_without: int


def gaps(matrix: OverviewMatrix) -> list[Gap]:
    """Relocation phases no municipality is working on (no planned or running sprint), read off the matrix."""
    return [
        Gap(
            phase=phase,
            ideas=matrix.phase_totals[i].ideas,
            finished=matrix.phase_totals[i].finished,
            municipalities_without=sum(1 for row in matrix.rows if row.phases[i].total == 0),
        )
        for i, phase in enumerate(matrix.phases)
        if matrix.phase_totals[i].active == 0
    ]


@dataclass(frozen=True)
class TimelineSprint:
    pk: int
    title: str
    start: datetime.date
    end: datetime.date
    status: str


@dataclass
class TimelineEntry:
    sprint: TimelineSprint
    lane: int


@dataclass
class TimelineRow:
    municipality: Municipality
    entries: list[TimelineEntry]
    lanes: int


@dataclass
class Timeline:
    start: datetime.date | None
    end: datetime.date | None
    rows: list[TimelineRow]


def timeline(*, user: Any, municipality: Municipality | None = None) -> Timeline:
    """Visible sprints on a time axis, per municipality, in lanes so that overlapping sprints do not cover each other.

    Two queries; sprints come as plain rows, because the overview draws hundreds of them and needs five fields.
    """
    queryset = visible_sprints(user).order_by("municipality__name", "start", "pk")
    if municipality is not None:
        queryset = queryset.filter(municipality=municipality)
    places = {place.pk: place for place in Municipality.objects.all()}
    rows: dict[int, TimelineRow] = {}
    lane_ends: dict[int, list[datetime.date]] = defaultdict(list)
    first: datetime.date | None = None
    last: datetime.date | None = None
    for pk, place_id, title, start, end, status in queryset.values_list(
        "pk", "municipality_id", "title", "start", "end", "status"
    ):
        sprint = TimelineSprint(pk=pk, title=title, start=start, end=end, status=status)
        row = rows.setdefault(place_id, TimelineRow(places[place_id], [], 0))
        ends = lane_ends[place_id]
        lane = next((i for i, lane_end in enumerate(ends) if lane_end < start), len(ends))
        if lane == len(ends):
            ends.append(end)
        else:
            ends[lane] = end
        row.entries.append(TimelineEntry(sprint=sprint, lane=lane))
        row.lanes = len(ends)
        first = start if first is None else min(first, start)
        last = end if last is None else max(last, end)
    return Timeline(start=first, end=last, rows=list(rows.values()))


# --- "Has anyone tried this?" ---------------------------------------------------------------------

_WORD = re.compile(r"\w{4,}", re.UNICODE)
# Words too common in sprint titles to say anything about similarity.
_STOP_WORDS = frozenset(
    {"för", "från", "till", "inom", "med", "och", "test", "sprint", "nya", "ett", "den", "det"}
)


def title_words(title: str, limit: int = 6) -> list[str]:
    words = []
    for word in _WORD.findall(title.lower()):
        if word not in _STOP_WORDS and word not in words:
            words.append(word)
    return words[:limit]


def similar_to(
    *,
    user: Any,
    municipality: Municipality | None,
    phases: list[RelocationPhase] | list[int],
    method: SprintMethod | None,
    work_package: WorkPackage | None,
    title: str = "",
    exclude_pk: int | None = None,
    limit: int = 5,
) -> list[Sprint]:
    """Sprints in other municipalities sharing phases, method, work package or title words, best match first (2 queries)."""
    phase_ids: list[int] = [phase if isinstance(phase, int) else phase.pk for phase in phases]
    shared = Sprint.relocation_phases.through.objects.filter(
        sprint_id=OuterRef("pk"), relocationphase_id__in=phase_ids
    )
    queryset = visible_sprints(user)
    if municipality is not None:
        queryset = queryset.exclude(municipality=municipality)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)

    def bonus(condition: Q, points: int) -> Case:
        return Case(When(condition, then=Value(points)), default=Value(0), output_field=IntegerField())

    score: Any = Value(3) * _count_subquery(shared)
    if method is not None:
        score = score + bonus(Q(method_id=method.pk), 2)
    if work_package is not None:
        score = score + bonus(Q(work_package_id=work_package.pk), 1)
    for word in title_words(title):
        score = score + bonus(Q(title__icontains=word) | Q(goal__icontains=word), 2)
    return list(
        queryset.annotate(similarity=score)
        .filter(similarity__gt=1)
        .select_related("municipality", "method", "work_package")
        .prefetch_related(
            Prefetch("relocation_phases", queryset=RelocationPhase.objects.order_by("sort_order"))
        )
        .order_by("-similarity", "-start", "pk")[:limit]
    )


def similar_sprints(sprint: Sprint, *, user: Any, limit: int = 5) -> list[Sprint]:
    """'Has anyone tried this?': sprints in other municipalities like `sprint`."""
    return similar_to(
        user=user,
        municipality=sprint.municipality,
        phases=[phase.pk for phase in sprint.relocation_phases.all()],
        method=sprint.method,
        work_package=sprint.work_package,
        title=sprint.title,
        exclude_pk=sprint.pk,
        limit=limit,
    )


def form_choices(*, value_chain: bool = True) -> dict[str, list[Any]]:
    """The vocabularies for filters and forms, one query each (the board has no value-chain filter: it skips it)."""
    return {
        "work_packages": list(WorkPackage.objects.all()),
        "phases": list(RelocationPhase.objects.all()),
        "methods": list(SprintMethod.objects.all()),
        "value_chain": list(ValueChainStep.objects.all()) if value_chain else [],
    }
