"""The sprint services: what each write stores, which history it leaves, and what it refuses."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from sprints import services
from sprints.models import ActivityEvent, Card, Result, Sprint, Status
from tests.sprints.conftest import log_result, make_sprint
from themes.models import Municipality

pytestmark = pytest.mark.django_db


def test_create_stores_the_sprint_with_phases_a_slug_and_a_created_event(
    lead_kiruna: User, kiruna: Municipality
) -> None:
    sprint = make_sprint(lead_kiruna, kiruna)
    assert sprint.slug == "prova-pa-boende-for-distansarbetare"
    assert sorted(sprint.relocation_phases.values_list("code", flat=True)) == ["decide", "visit"]
    assert sprint.visibility == "internal"
    event = sprint.events.get()
    assert (event.verb, event.actor, event.to_status) == ("created", lead_kiruna, "idea")


def test_create_gives_a_second_sprint_with_the_same_title_its_own_slug_and_the_next_position(
    lead_kiruna: User, kiruna: Municipality
) -> None:
    first = make_sprint(lead_kiruna, kiruna)
    second = make_sprint(lead_kiruna, kiruna)
    assert second.slug == f"{first.slug}-2"
    assert (first.position, second.position) == (0, 1)


def test_create_refuses_an_end_before_the_start_and_stores_nothing(
    lead_kiruna: User, kiruna: Municipality
) -> None:
    with pytest.raises(ValidationError) as error:
        make_sprint(lead_kiruna, kiruna, start=datetime.date(2026, 5, 1), end=datetime.date(2026, 4, 1))
    assert "end" in error.value.message_dict
    assert not Sprint.objects.exists()
    assert not ActivityEvent.objects.exists()


def test_the_database_refuses_an_end_before_the_start_even_past_clean(kiruna_sprint: Sprint) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Sprint.objects.filter(pk=kiruna_sprint.pk).update(end=datetime.date(2020, 1, 1))


def test_create_needs_at_least_one_phase(lead_kiruna: User, kiruna: Municipality) -> None:
    with pytest.raises(ValidationError) as error:
        make_sprint(lead_kiruna, kiruna, relocation_phases=[])
    assert "relocation_phases" in error.value.message_dict


def test_a_lead_cannot_create_a_sprint_for_another_municipality(
    lead_lulea: User, kiruna: Municipality
) -> None:
    with pytest.raises(PermissionDenied, match="Kiruna"):
        make_sprint(lead_lulea, kiruna)
    assert not Sprint.objects.exists()


def test_update_changes_fields_and_records_what_changed(lead_kiruna: User, kiruna_sprint: Sprint) -> None:
    services.sprint_update(
        actor=lead_kiruna, sprint=kiruna_sprint, changes={"title": "Testvecka i Kiruna", "goal": "x"}
    )
    kiruna_sprint.refresh_from_db()
    assert kiruna_sprint.title == "Testvecka i Kiruna"
    assert kiruna_sprint.slug == "testvecka-i-kiruna"
    assert kiruna_sprint.events.filter(verb="updated").get().detail == "title, goal"


def test_update_refuses_moving_a_sprint_to_another_municipality(
    lead_kiruna: User, kiruna_sprint: Sprint, lulea: Municipality
) -> None:
    with pytest.raises(ValidationError):
        services.sprint_update(actor=lead_kiruna, sprint=kiruna_sprint, changes={"municipality": lulea})


def test_move_puts_the_sprint_in_the_column_and_place_and_renumbers_the_column(
    lead_kiruna: User, kiruna: Municipality
) -> None:
    running = [make_sprint(lead_kiruna, kiruna, title=f"Pågår {i}", status=Status.RUNNING) for i in range(3)]
    sprint = make_sprint(lead_kiruna, kiruna, title="Ny idé")
    services.sprint_move(actor=lead_kiruna, sprint=sprint, status=Status.RUNNING, position=1)
    order = list(Sprint.objects.filter(status="running").order_by("position").values_list("pk", "position"))
    assert order == [(running[0].pk, 0), (sprint.pk, 1), (running[1].pk, 2), (running[2].pk, 3)]
    event = sprint.events.get(verb="moved")
    assert (event.from_status, event.to_status, event.actor) == ("idea", "running", lead_kiruna)


def test_move_without_a_position_puts_the_sprint_last(lead_kiruna: User, kiruna: Municipality) -> None:
    make_sprint(lead_kiruna, kiruna, title="A", status=Status.PLANNED)
    sprint = make_sprint(lead_kiruna, kiruna, title="B")
    services.sprint_move(actor=lead_kiruna, sprint=sprint, status=Status.PLANNED)
    assert sprint.position == 1


def test_move_within_a_column_reorders_it(lead_kiruna: User, kiruna: Municipality) -> None:
    *_, c = (make_sprint(lead_kiruna, kiruna, title=t) for t in "ABC")
    services.sprint_move(actor=lead_kiruna, sprint=c, status=Status.IDEA, position=0)
    assert list(Sprint.objects.order_by("position").values_list("title", flat=True)) == ["C", "A", "B"]


def test_move_refuses_an_unknown_column(lead_kiruna: User, kiruna_sprint: Sprint) -> None:
    with pytest.raises(ValidationError):
        services.sprint_move(actor=lead_kiruna, sprint=kiruna_sprint, status="done")


def test_a_partner_cannot_move_a_sprint(partner: User, kiruna_sprint: Sprint) -> None:
    with pytest.raises(PermissionDenied):
        services.sprint_move(actor=partner, sprint=kiruna_sprint, status=Status.RUNNING)
    kiruna_sprint.refresh_from_db()
    assert kiruna_sprint.status == "idea"


def test_the_coordinator_may_move_any_municipality_s_sprint(coordinator: User, kiruna_sprint: Sprint) -> None:
    services.sprint_move(actor=coordinator, sprint=kiruna_sprint, status=Status.RUNNING)
    assert Sprint.objects.get().status == "running"


def test_log_result_stores_decimals_and_an_event(lead_kiruna: User, kiruna_sprint: Sprint) -> None:
    result = log_result(lead_kiruna, kiruna_sprint, actual=Decimal("26.5"))
    result.refresh_from_db()
    assert result.actual == Decimal("26.50")
    assert result.target_met is True
    assert kiruna_sprint.events.get(verb="result_logged").detail == "Ansökningar till testveckan: 26.5 st"


def test_a_result_below_its_target_has_not_met_it_unless_lower_is_better(
    lead_kiruna: User, kiruna_sprint: Sprint
) -> None:
    assert log_result(lead_kiruna, kiruna_sprint, actual=Decimal("5")).target_met is False
    lower = log_result(
        lead_kiruna, kiruna_sprint, baseline=Decimal("40"), target=Decimal("30"), actual=Decimal("28")
    )
    assert lower.target_met is True


def test_log_result_refuses_a_non_numeric_actual_and_stores_nothing(
    lead_kiruna: User, kiruna_sprint: Sprint
) -> None:
    with pytest.raises(ValidationError) as error:
        log_result(lead_kiruna, kiruna_sprint, actual="många")
    assert "actual" in error.value.message_dict
    assert not Result.objects.exists()
    assert not kiruna_sprint.events.filter(verb="result_logged").exists()


def test_an_analyst_cannot_log_a_result(analyst_kiruna: User, kiruna_sprint: Sprint) -> None:
    with pytest.raises(PermissionDenied):
        log_result(analyst_kiruna, kiruna_sprint)


def test_close_with_retrospective_moves_the_sprint_to_closed_and_stores_the_retrospective(
    lead_kiruna: User, kiruna_sprint: Sprint
) -> None:
    retrospective = services.sprint_close_with_retrospective(
        actor=lead_kiruna,
        sprint=kiruna_sprint,
        what_worked="Lokala värdar",
        what_did_not_work="Bostäderna",
        surprises="Många barnfamiljer",
        next_step="Upprepa i vinter",
    )
    kiruna_sprint.refresh_from_db()
    assert kiruna_sprint.status == "closed"
    assert kiruna_sprint.retrospective == retrospective
    assert kiruna_sprint.events.get(verb="closed").from_status == "idea"


def test_closing_again_rewrites_the_retrospective_instead_of_adding_one(
    lead_kiruna: User, kiruna_sprint: Sprint
) -> None:
    services.sprint_close_with_retrospective(actor=lead_kiruna, sprint=kiruna_sprint, what_worked="A")
    services.sprint_close_with_retrospective(actor=lead_kiruna, sprint=kiruna_sprint, what_worked="B")
    kiruna_sprint.refresh_from_db()
    assert kiruna_sprint.retrospective.what_worked == "B"


def test_close_needs_what_worked(lead_kiruna: User, kiruna_sprint: Sprint) -> None:
    with pytest.raises(ValidationError):
        services.sprint_close_with_retrospective(actor=lead_kiruna, sprint=kiruna_sprint, what_worked="")
    kiruna_sprint.refresh_from_db()
    assert kiruna_sprint.status == "idea"


def test_card_create_and_move(lead_kiruna: User, kiruna_sprint: Sprint) -> None:
    first = services.card_create(actor=lead_kiruna, sprint=kiruna_sprint, title="Boka boende")
    second = services.card_create(
        actor=lead_kiruna,
        sprint=kiruna_sprint,
        title="Annonsera",
        owner=lead_kiruna,
        due_date=datetime.date(2026, 3, 5),
    )
    services.card_move(actor=lead_kiruna, card=second, column=Card.Column.DOING)
    services.card_move(actor=lead_kiruna, card=first, column=Card.Column.DOING, position=0)
    doing = list(Card.objects.filter(column="doing").order_by("position").values_list("title", flat=True))
    assert doing == ["Boka boende", "Annonsera"]
    assert kiruna_sprint.events.filter(verb="card_moved").count() == 2


def test_a_lead_of_another_municipality_cannot_add_a_card(lead_lulea: User, kiruna_sprint: Sprint) -> None:
    with pytest.raises(PermissionDenied):
        services.card_create(actor=lead_lulea, sprint=kiruna_sprint, title="x")
    assert not Card.objects.exists()
