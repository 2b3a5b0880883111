"""Boards: soft work-in-progress limits per column and municipality, overdue marks, the assignee filter, and a board
page that stays within 15 queries."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from sprints import selectors, services
from sprints.models import BoardColumnLimit, Status
from tests.sprints.conftest import make_ended_sprint, make_sprint
from themes.models import Municipality

pytestmark = pytest.mark.django_db


def _board(kiruna: Municipality) -> str:
    return reverse("sprints:board", args=[kiruna.slug])


def test_a_column_above_its_limit_shows_a_warning_and_moves_are_not_refused(
    client: Client, lead_kiruna: User, kiruna: Municipality
) -> None:
    services.board_limits_set(actor=lead_kiruna, municipality=kiruna, limits={Status.RUNNING: 1})
    make_sprint(lead_kiruna, kiruna, title="Första", status=Status.RUNNING)
    client.force_login(lead_kiruna)
    assert "Över gränsen för pågående arbete" not in client.get(_board(kiruna)).content.decode()
    second = make_sprint(lead_kiruna, kiruna, title="Andra", status=Status.PLANNED)
    services.sprint_move(actor=lead_kiruna, sprint=second, status=Status.RUNNING)
    html = client.get(_board(kiruna)).content.decode()
    assert "Över gränsen för pågående arbete: 2 sprintar, gräns 1." in html
    assert "board__column--over" in html
    english = client.get("/en" + _board(kiruna)).content.decode()
    assert "Above the work-in-progress limit: 2 sprints, limit 1." in english


def test_the_limit_counts_the_whole_column_even_when_the_board_is_filtered(
    lead_kiruna: User, kiruna: Municipality
) -> None:
    services.board_limits_set(actor=lead_kiruna, municipality=kiruna, limits={Status.IDEA: 1})
    make_sprint(lead_kiruna, kiruna, title="A")
    make_sprint(lead_kiruna, kiruna, title="B")
    load = selectors.column_loads(municipality=kiruna, user=lead_kiruna)[Status.IDEA]
    assert (load.count, load.limit, load.over) == (2, 1, True)


def test_limits_are_per_municipality_and_set_by_its_own_lead(
    lead_kiruna: User, lead_lulea: User, partner: User, kiruna: Municipality, lulea: Municipality
) -> None:
    services.board_limits_set(actor=lead_kiruna, municipality=kiruna, limits={Status.RUNNING: 3})
    assert selectors.board_limits(municipality=lulea) == {}
    for actor in (lead_lulea, partner, None):
        with pytest.raises(PermissionDenied):
            services.board_limits_set(actor=actor, municipality=kiruna, limits={Status.RUNNING: 9})
    services.board_limits_set(actor=lead_kiruna, municipality=kiruna, limits={Status.RUNNING: None})
    assert not BoardColumnLimit.objects.exists()


def test_a_bad_limit_is_refused_with_the_column_named(
    lead_kiruna: User, kiruna: Municipality, client: Client
) -> None:
    with pytest.raises(ValidationError):
        services.board_limits_set(actor=lead_kiruna, municipality=kiruna, limits={"nowhere": 2})
    client.force_login(lead_kiruna)
    response = client.post(reverse("sprints:board_limits", args=[kiruna.slug]), {"running": "-3"})
    assert response.status_code == 400
    assert "id_running_error" in response.content.decode() or "running" in response.content.decode()
    assert not BoardColumnLimit.objects.exists()


def test_the_limits_form_saves(lead_kiruna: User, kiruna: Municipality, client: Client) -> None:
    client.force_login(lead_kiruna)
    response = client.post(
        reverse("sprints:board_limits", args=[kiruna.slug]), {"running": "4", "planned": ""}
    )
    assert response.status_code == 302
    assert selectors.board_limits(municipality=kiruna) == {"running": 4}


def test_overdue_marks_on_sprints_and_activity_cards(
    client: Client, lead_kiruna: User, kiruna: Municipality
) -> None:
    today = timezone.localdate()
    late = make_ended_sprint(lead_kiruna, kiruna, "Sen sprint")
    make_ended_sprint(lead_kiruna, kiruna, "Klar sprint", status=Status.CLOSED)
    services.card_create(
        actor=lead_kiruna, sprint=late, title="Boka lokal", due_date=today - datetime.timedelta(days=2)
    )
    services.card_create(
        actor=lead_kiruna,
        sprint=late,
        title="Klart kort",
        due_date=today - datetime.timedelta(days=2),
        column="done",
    )
    services.card_create(
        actor=lead_kiruna, sprint=late, title="Framtida", due_date=today + datetime.timedelta(days=2)
    )
    client.force_login(lead_kiruna)
    html = client.get(_board(kiruna)).content.decode()
    assert html.count('class="overdue">Försenad<') == 1
    assert "1 försenad aktivitet" in html
    detail = client.get(late.get_absolute_url()).content.decode()
    assert detail.count('class="overdue"') == 1


def test_the_board_filters_by_assignee(
    client: Client, lead_kiruna: User, coordinator: User, kiruna: Municipality
) -> None:
    mine = make_sprint(lead_kiruna, kiruna, title="Teamets sprint", team_members=[lead_kiruna])
    carded = make_sprint(lead_kiruna, kiruna, title="Kortets sprint")
    services.card_create(actor=lead_kiruna, sprint=carded, title="Ring", owner=coordinator)
    services.card_create(actor=lead_kiruna, sprint=carded, title="Ring igen", owner=coordinator)
    make_sprint(lead_kiruna, kiruna, title="Någon annans")

    def titles(username: str) -> list[str]:
        filters = selectors.BoardFilters(assignee=username)
        columns = selectors.sprints_for_board(municipality=kiruna, filters=filters, user=lead_kiruna)
        return sorted(s.title for c in columns for s in c.sprints)

    assert titles("lead-kiruna") == [mine.title]
    assert titles("coord") == [carded.title]
    client.force_login(lead_kiruna)
    html = client.get(_board(kiruna), {"assignee": "coord"}).content.decode()
    assert "Kortets sprint" in html
    assert "Någon annans" not in html
    assert 'id="filter-assignee"' in html


def test_the_board_page_stays_within_15_queries(
    client: Client,
    lead_kiruna: User,
    kiruna: Municipality,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    services.board_limits_set(actor=lead_kiruna, municipality=kiruna, limits={Status.IDEA: 2})
    today = timezone.localdate()
    for n in range(12):
        sprint = make_sprint(lead_kiruna, kiruna, title=f"Sprint {n}", team_members=[lead_kiruna])
        services.card_create(
            actor=lead_kiruna, sprint=sprint, title="Kort", due_date=today - datetime.timedelta(days=1)
        )
    services.sprint_archive(actor=lead_kiruna, sprint=sprint)
    client.force_login(lead_kiruna)
    client.get(_board(kiruna))
    with django_assert_max_num_queries(15):
        response = client.get(_board(kiruna), {"assignee": "lead-kiruna"})
    assert response.status_code == 200
    assert "11 försenade aktiviteter" not in response.content.decode()
    assert response.content.decode().count("1 försenad aktivitet") == 11
