"""Selectors: what the board, the overview, gaps, the timeline and "has anyone tried this?" return, in constant queries."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from pytest_django import DjangoAssertNumQueries

from sprints import selectors
from sprints.models import Sprint, Status
from tests.factories import user_with_role
from tests.sprints.conftest import log_result, make_sprint
from themes.models import Municipality, RelocationPhase, SprintMethod, Visibility, WorkPackage

pytestmark = pytest.mark.django_db

NO_FILTERS = selectors.BoardFilters()


def _fill(municipality: Municipality, lead: User, n: int, **overrides: Any) -> None:
    for i in range(n):
        sprint = make_sprint(lead, municipality, title=f"Sprint {i}", **overrides)
        log_result(lead, sprint)


def test_the_board_has_the_five_columns_in_order_with_their_sprints(
    lead_kiruna: User, kiruna: Municipality
) -> None:
    make_sprint(lead_kiruna, kiruna, title="A", status=Status.RUNNING)
    make_sprint(lead_kiruna, kiruna, title="B")
    columns = selectors.sprints_for_board(municipality=kiruna, filters=NO_FILTERS, user=lead_kiruna)
    assert [c.status for c in columns] == ["idea", "planned", "running", "learned", "closed"]
    assert [s.title for s in columns[2].sprints] == ["A"]
    assert [s.title for s in columns[0].sprints] == ["B"]
    assert columns[0].previous is None
    assert columns[0].next == ("planned", "Planerad")


def test_the_board_counts_results_and_met_targets_per_sprint(
    lead_kiruna: User, kiruna_sprint: Sprint, kiruna: Municipality
) -> None:
    log_result(lead_kiruna, kiruna_sprint, actual=Decimal("26"))
    log_result(lead_kiruna, kiruna_sprint, actual=Decimal("3"))
    log_result(lead_kiruna, kiruna_sprint, target=None)
    sprint = selectors.sprints_for_board(municipality=kiruna, filters=NO_FILTERS, user=lead_kiruna)[
        0
    ].sprints[0]
    assert (sprint.result_count, sprint.target_count, sprint.targets_met) == (3, 2, 1)


def test_the_board_query_count_does_not_grow_with_the_number_of_sprints(
    lead_kiruna: User, kiruna: Municipality, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    _fill(kiruna, lead_kiruna, 3)
    with django_assert_max_num_queries(3) as few:
        selectors.sprints_for_board(municipality=kiruna, filters=NO_FILTERS, user=lead_kiruna)
    _fill(kiruna, lead_kiruna, 12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        columns = selectors.sprints_for_board(municipality=kiruna, filters=NO_FILTERS, user=lead_kiruna)
        assert sum(len(c.sprints) for c in columns) == 15
        assert all(len(s.relocation_phases.all()) == 2 for c in columns for s in c.sprints)


def test_board_filters_by_work_package_phase_method_and_status(
    lead_kiruna: User, kiruna: Municipality
) -> None:
    make_sprint(lead_kiruna, kiruna, title="Match", status=Status.RUNNING)
    make_sprint(lead_kiruna, kiruna, title="Other WP", work_package=WorkPackage.objects.get(code="WP2"))
    make_sprint(
        lead_kiruna, kiruna, title="Other phase", relocation_phases=[RelocationPhase.objects.get(code="stay")]
    )
    make_sprint(lead_kiruna, kiruna, title="Other method", method=SprintMethod.objects.get(code="hackathon"))

    def titles(**filters: str) -> list[str]:
        columns = selectors.sprints_for_board(
            municipality=kiruna, filters=selectors.BoardFilters(**filters), user=lead_kiruna
        )
        return sorted(s.title for c in columns for s in c.sprints)

    assert titles(work_package="WP1", phase="visit", method="test-week") == ["Match"]
    assert titles(status="running") == ["Match"]
    assert titles(phase="stay") == ["Other phase"]


def test_anonymous_visitors_see_only_public_sprints_and_partners_also_partner_ones(
    lead_kiruna: User, kiruna: Municipality, partner: User
) -> None:
    for level in Visibility.values:
        make_sprint(lead_kiruna, kiruna, title=level, visibility=level)

    def titles(user: User | AnonymousUser) -> list[str]:
        columns = selectors.sprints_for_board(municipality=kiruna, filters=NO_FILTERS, user=user)
        return sorted(s.title for c in columns for s in c.sprints)

    assert titles(AnonymousUser()) == ["public"]
    assert titles(partner) == ["partners", "public"]
    assert titles(lead_kiruna) == ["internal", "partners", "public"]


def test_the_overview_counts_sprints_per_municipality_and_phase_and_results_against_targets(
    lead_kiruna: User, kiruna: Municipality, lead_lulea: User, lulea: Municipality, coordinator: User
) -> None:
    running = make_sprint(lead_kiruna, kiruna, status=Status.RUNNING)
    log_result(lead_kiruna, running)  # met
    log_result(lead_kiruna, running, actual=Decimal("2"))  # not met
    make_sprint(lead_kiruna, kiruna, status=Status.PLANNED)
    make_sprint(lead_lulea, lulea, relocation_phases=[RelocationPhase.objects.get(code="stay")])
    matrix = selectors.overview_matrix(user=coordinator)
    phase_codes = [phase.code for phase in matrix.phases]
    kiruna_row = next(row for row in matrix.rows if row.municipality == kiruna)
    visit = kiruna_row.phases[phase_codes.index("visit")]
    assert (visit.running, visit.planned, visit.finished, visit.targets, visit.targets_met) == (1, 1, 0, 2, 1)
    assert kiruna_row.work_packages[0].running == 1
    assert kiruna_row.total.total == 2
    assert kiruna_row.total.targets_met == 1
    assert len(matrix.rows) == 14
    assert matrix.phase_totals[phase_codes.index("stay")].ideas == 1
    assert matrix.total.total == 3


def test_the_overview_hides_what_anonymous_visitors_may_not_see(
    lead_kiruna: User, kiruna: Municipality
) -> None:
    make_sprint(lead_kiruna, kiruna, visibility=Visibility.INTERNAL)
    make_sprint(lead_kiruna, kiruna, visibility=Visibility.PUBLIC, status=Status.RUNNING)
    matrix = selectors.overview_matrix(user=AnonymousUser())
    assert matrix.total.total == 1
    assert matrix.total.running == 1


def test_the_overview_runs_in_constant_queries(
    coordinator: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    municipalities = list(Municipality.objects.all()[:4])
    for municipality in municipalities:
        _fill(municipality, coordinator, 1, status=Status.RUNNING)
    with django_assert_max_num_queries(7) as first:
        selectors.overview_matrix(user=coordinator)
    for municipality in municipalities:
        _fill(municipality, coordinator, 4)
    with django_assert_max_num_queries(len(first.captured_queries)):
        matrix = selectors.overview_matrix(user=coordinator)
    assert matrix.total.total == 20


def test_gaps_are_phases_without_planned_or_running_sprints(
    lead_kiruna: User, kiruna: Municipality, coordinator: User
) -> None:
    phases = {p.code: p for p in RelocationPhase.objects.all()}
    make_sprint(lead_kiruna, kiruna, relocation_phases=[phases["discover"]], status=Status.RUNNING)
    make_sprint(lead_kiruna, kiruna, relocation_phases=[phases["consider"]], status=Status.PLANNED)
    make_sprint(lead_kiruna, kiruna, relocation_phases=[phases["stay"]], status=Status.CLOSED)
    make_sprint(lead_kiruna, kiruna, relocation_phases=[phases["move"]], status=Status.IDEA)
    gaps = selectors.gaps(selectors.overview_matrix(user=coordinator))
    assert [gap.phase.code for gap in gaps] == ["visit", "decide", "move", "settle", "stay"]
    stay = gaps[-1]
    assert (stay.finished, stay.municipalities_without) == (1, 13)


def test_the_timeline_puts_overlapping_sprints_of_a_municipality_in_separate_lanes(
    lead_kiruna: User, kiruna: Municipality
) -> None:
    make_sprint(
        lead_kiruna, kiruna, title="A", start=datetime.date(2026, 1, 1), end=datetime.date(2026, 3, 1)
    )
    make_sprint(
        lead_kiruna, kiruna, title="B", start=datetime.date(2026, 2, 1), end=datetime.date(2026, 4, 1)
    )
    make_sprint(
        lead_kiruna, kiruna, title="C", start=datetime.date(2026, 3, 15), end=datetime.date(2026, 5, 1)
    )
    line = selectors.timeline(user=lead_kiruna)
    (row,) = line.rows
    assert [(e.sprint.title, e.lane) for e in row.entries] == [("A", 0), ("B", 1), ("C", 0)]
    assert (line.start, line.end) == (datetime.date(2026, 1, 1), datetime.date(2026, 5, 1))


def test_similar_sprints_come_from_other_municipalities_best_match_first(
    lead_kiruna: User, kiruna: Municipality, lead_lulea: User, lulea: Municipality
) -> None:
    mine = make_sprint(lead_kiruna, kiruna, title="Testvecka för distansarbetare")
    make_sprint(lead_kiruna, kiruna, title="Kiruna's own twin")
    best = make_sprint(lead_lulea, lulea, title="Distansarbetare provbor i Luleå")
    make_sprint(
        lead_lulea,
        lulea,
        title="Kampanj om norrsken",
        method=SprintMethod.objects.get(code="campaign-ab"),
        work_package=WorkPackage.objects.get(code="WP4"),
        relocation_phases=[RelocationPhase.objects.get(code="discover")],
    )
    weaker = make_sprint(
        lead_lulea, lulea, title="Hackathon om bostäder", method=SprintMethod.objects.get(code="hackathon")
    )
    similar = selectors.similar_sprints(mine, user=lead_kiruna)
    assert [s.pk for s in similar] == [best.pk, weaker.pk]


def test_similar_sprints_respect_visibility(
    lead_kiruna: User, kiruna: Municipality, lulea: Municipality, coordinator: User
) -> None:
    mine = make_sprint(lead_kiruna, kiruna, visibility=Visibility.PUBLIC)
    make_sprint(coordinator, lulea, visibility=Visibility.INTERNAL)
    partner = user_with_role("partner", username="p2")
    assert selectors.similar_sprints(mine, user=partner) == []
    assert len(selectors.similar_sprints(mine, user=lead_kiruna)) == 1
