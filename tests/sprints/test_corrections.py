"""Corrections with history: results, cards and attachments are corrected or removed through the services, the history
keeps who, when and old → new, and every figure follows the corrected data."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from dashboard import cache as dashboard_cache
from dashboard import selectors as dashboard_selectors
from plans import selectors as plan_selectors
from plans import services as plan_services
from sprints import charts, exports, selectors, services
from sprints.models import ActivityEvent, Card, Result, ResultAttachment, Sprint
from tests.plans.conftest import add_goal
from tests.sprints.conftest import log_result
from themes.models import Municipality, Visibility
from themes.permissions import visible_levels

pytestmark = pytest.mark.django_db

ALL = (Visibility.PUBLIC, Visibility.PARTNERS, Visibility.INTERNAL)


def test_a_correction_keeps_who_when_and_old_to_new_in_the_history(
    lead_kiruna: User, kiruna_sprint: Sprint
) -> None:
    result = log_result(lead_kiruna, kiruna_sprint, actual=Decimal("26"))
    services.result_correct(actor=lead_kiruna, result=result, changes={"actual": Decimal("16"), "unit": "st"})
    event = ActivityEvent.objects.filter(sprint=kiruna_sprint).first()
    assert event is not None
    assert event.verb == ActivityEvent.Verb.RESULT_CORRECTED
    assert event.actor == lead_kiruna
    assert event.changes == [{"field": "actual", "old": "26", "new": "16"}]
    assert event.change_rows == [(str(Result._meta.get_field("actual").verbose_name), "26", "16")]
    result.refresh_from_db()
    assert result.actual == Decimal("16")


def test_a_correction_that_changes_nothing_writes_no_history(
    lead_kiruna: User, kiruna_sprint: Sprint
) -> None:
    result = log_result(lead_kiruna, kiruna_sprint)
    before = ActivityEvent.objects.count()
    services.result_correct(actor=lead_kiruna, result=result, changes={"actual": Decimal("26")})
    assert ActivityEvent.objects.count() == before


def test_a_correction_changes_the_dashboard_totals_and_empties_its_cache(
    lead_kiruna: User, kiruna_sprint: Sprint
) -> None:
    result = log_result(lead_kiruna, kiruna_sprint, target=Decimal("20"), actual=Decimal("26"))
    assert dashboard_selectors.result_counts(levels=ALL)["kiruna"].met == 1
    version = dashboard_cache.version()
    services.result_correct(actor=lead_kiruna, result=result, changes={"actual": Decimal("12")})
    assert dashboard_cache.version() > version
    counts = dashboard_selectors.result_counts(levels=ALL)["kiruna"]
    assert (counts.results, counts.with_target, counts.met) == (1, 1, 0)


def test_bad_input_in_a_correction_is_refused_and_changes_nothing(
    lead_kiruna: User, kiruna_sprint: Sprint
) -> None:
    result = log_result(lead_kiruna, kiruna_sprint)
    with pytest.raises(ValidationError):
        services.result_correct(actor=lead_kiruna, result=result, changes={"date": datetime.date(1066, 1, 1)})
    with pytest.raises(ValidationError):
        services.result_correct(actor=lead_kiruna, result=result, changes={"sprint": None})
    result.refresh_from_db()
    assert result.date == datetime.date(2026, 4, 10)


def test_a_removed_result_is_gone_from_every_figure(
    lead_kiruna: User, kiruna: Municipality, kiruna_sprint: Sprint, client: Client
) -> None:
    kept = log_result(lead_kiruna, kiruna_sprint, metric="Flyttbeslut", actual=Decimal("3"), target=None)
    wrong = log_result(
        lead_kiruna,
        kiruna_sprint,
        metric="Flyttbeslut",
        actual=Decimal("317"),
        date=datetime.date(2026, 4, 12),
    )
    plan = plan_services.action_plan_create(actor=lead_kiruna, municipality=kiruna, period="2026")
    goal = add_goal(lead_kiruna, plan, indicator="Flyttbeslut", baseline=Decimal("0"), target=Decimal("10"))
    activity = plan_services.activity_add(actor=lead_kiruna, plan=plan, title="Testvecka", goal=goal)
    plan_services.activity_link_sprint(actor=lead_kiruna, activity=activity, sprint=kiruna_sprint)
    assert plan_selectors.plan_contents([plan], levels=ALL)[plan.pk].goals[0].progress == 31.7

    services.result_remove(actor=lead_kiruna, result=wrong)

    assert Result.objects.filter(sprint=kiruna_sprint).get() == kept
    assert Result.all_objects.filter(sprint=kiruna_sprint).count() == 2
    counts = dashboard_selectors.result_counts(levels=ALL)["kiruna"]
    assert (counts.results, counts.with_target) == (1, 0)
    figures = dashboard_selectors.municipality_figures(municipality=kiruna, levels=ALL)
    assert [r.actual for r in figures.results] == [3.0]
    assert plan_selectors.plan_contents([plan], levels=ALL)[plan.pk].goals[0].progress == 0.3
    [exported] = selectors.export_sprints(user=lead_kiruna)
    assert exported.result_count == 1
    assert "317" not in exports.csv_response([exported]).content.decode()
    page = selectors.sprint_for_page(municipality=kiruna, pk=kiruna_sprint.pk, user=lead_kiruna)
    assert [r.pk for r in page.results.all()] == [kept.pk]
    assert "317" not in str(charts.results_chart(list(page.results.all())))
    matrix = selectors.overview_matrix(user=lead_kiruna)
    assert matrix.total.targets == 0
    client.force_login(lead_kiruna)
    api = client.get(f"/api/sprints/{kiruna_sprint.pk}/results/").json()
    assert [row["id"] for row in api] == [kept.pk]
    event = ActivityEvent.objects.filter(sprint=kiruna_sprint).first()
    assert event is not None
    assert event.verb == ActivityEvent.Verb.RESULT_REMOVED
    assert event.detail == "Flyttbeslut"
    assert {"field": "actual", "old": "317", "new": ""} in event.changes


@pytest.mark.parametrize("who", ["lead_lulea", "partner", "analyst_kiruna"])
def test_only_those_who_edit_the_sprint_correct_it(
    who: str, request: pytest.FixtureRequest, lead_kiruna: User, kiruna_sprint: Sprint
) -> None:
    result = log_result(lead_kiruna, kiruna_sprint)
    card = services.card_create(actor=lead_kiruna, sprint=kiruna_sprint, title="Boka lokal")
    actor = request.getfixturevalue(who)
    for call in (
        lambda: services.result_correct(actor=actor, result=result, changes={}),
        lambda: services.result_remove(actor=actor, result=result),
        lambda: services.card_update(actor=actor, card=card, changes={"title": "X"}),
        lambda: services.card_remove(actor=actor, card=card),
        lambda: services.sprint_archive(actor=actor, sprint=kiruna_sprint),
        lambda: services.result_remove(actor=None, result=result),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert Result.objects.filter(pk=result.pk).exists()
    assert Card.objects.filter(pk=card.pk).exists()


def test_the_coordinating_team_corrects_any_municipality(
    coordinator: User, lead_kiruna: User, kiruna_sprint: Sprint
) -> None:
    result = log_result(lead_kiruna, kiruna_sprint)
    services.result_correct(actor=coordinator, result=result, changes={"metric": "Ansökningar"})
    assert ActivityEvent.objects.filter(sprint=kiruna_sprint)[0].actor == coordinator


def test_a_card_is_edited_and_removed_with_history(lead_kiruna: User, kiruna_sprint: Sprint) -> None:
    card = services.card_create(actor=lead_kiruna, sprint=kiruna_sprint, title="Boka lokal")
    services.card_update(
        actor=lead_kiruna, card=card, changes={"title": "Boka lokal i Folkets hus", "owner": lead_kiruna}
    )
    event = ActivityEvent.objects.filter(sprint=kiruna_sprint).first()
    assert event is not None
    assert event.verb == ActivityEvent.Verb.CARD_EDITED
    assert event.changes == [
        {"field": "title", "old": "Boka lokal", "new": "Boka lokal i Folkets hus"},
        {"field": "owner", "old": "", "new": "lead-kiruna"},
    ]
    services.card_remove(actor=lead_kiruna, card=card)
    assert not Card.objects.filter(sprint=kiruna_sprint).exists()
    assert ActivityEvent.objects.filter(sprint=kiruna_sprint)[0].verb == ActivityEvent.Verb.CARD_REMOVED


def test_a_removed_attachment_is_no_longer_served(
    lead_kiruna: User, kiruna_sprint: Sprint, client: Client, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    result = log_result(lead_kiruna, kiruna_sprint)
    upload = SimpleUploadedFile("underlag.txt", b"Synthetic evidence\n", content_type="text/plain")
    attachment = services.attachment_add(actor=lead_kiruna, result=result, file=upload)
    url = reverse("sprints:attachment", args=["kiruna", kiruna_sprint.pk, attachment.pk])
    client.force_login(lead_kiruna)
    assert client.get(url).status_code == 200
    services.attachment_remove(actor=lead_kiruna, attachment=attachment)
    assert client.get(url).status_code == 404
    assert ResultAttachment.all_objects.filter(pk=attachment.pk).exists()
    event = ActivityEvent.objects.filter(sprint=kiruna_sprint).first()
    assert event is not None
    assert event.verb == ActivityEvent.Verb.ATTACHMENT_REMOVED
    assert "underlag.txt" in event.detail


def test_an_archived_sprint_leaves_the_board_is_read_only_and_can_be_restored(
    lead_kiruna: User, kiruna: Municipality, kiruna_sprint: Sprint
) -> None:
    services.sprint_archive(actor=lead_kiruna, sprint=kiruna_sprint)
    filters = selectors.BoardFilters()
    on_board = [
        s.pk
        for c in selectors.sprints_for_board(municipality=kiruna, filters=filters, user=lead_kiruna)
        for s in c.sprints
    ]
    assert kiruna_sprint.pk not in on_board
    assert [s.pk for s in selectors.archived_sprints(municipality=kiruna, user=lead_kiruna)] == [
        kiruna_sprint.pk
    ]
    with pytest.raises(ValidationError):
        log_result(lead_kiruna, kiruna_sprint)
    services.sprint_restore(actor=lead_kiruna, sprint=kiruna_sprint)
    on_board = [
        s.pk
        for c in selectors.sprints_for_board(municipality=kiruna, filters=filters, user=lead_kiruna)
        for s in c.sprints
    ]
    assert kiruna_sprint.pk in on_board
    verbs = list(ActivityEvent.objects.filter(sprint=kiruna_sprint).values_list("verb", flat=True)[:2])
    assert verbs == [ActivityEvent.Verb.RESTORED, ActivityEvent.Verb.ARCHIVED]


def test_the_sprint_page_shows_the_history_readably(
    lead_kiruna: User, kiruna_sprint: Sprint, client: Client
) -> None:
    result = log_result(lead_kiruna, kiruna_sprint, actual=Decimal("26"))
    client.force_login(lead_kiruna)
    response = client.post(
        reverse("sprints:result_edit", args=["kiruna", kiruna_sprint.pk, result.pk]),
        {
            "metric": result.metric,
            "unit": "st",
            "baseline": "0",
            "target": "20",
            "actual": "16,5",
            "date": "2026-04-10",
            "evidence_note": "",
        },
    )
    assert response.status_code == 302
    page = client.get(kiruna_sprint.get_absolute_url()).content.decode()
    assert "korrigerade ett resultat" in page
    assert "<del>26</del> → <ins>16.5</ins>" in page
    english = client.get("/en" + kiruna_sprint.get_absolute_url()).content.decode()
    assert "corrected a result" in english
    assert "Actual" in english


def test_the_correction_pages_refuse_another_municipality(
    lead_lulea: User, lead_kiruna: User, kiruna_sprint: Sprint, client: Client
) -> None:
    result = log_result(lead_kiruna, kiruna_sprint)
    client.force_login(lead_lulea)
    edit = reverse("sprints:result_edit", args=["kiruna", kiruna_sprint.pk, result.pk])
    assert client.get(edit).status_code == 403
    remove = reverse("sprints:result_remove", args=["kiruna", kiruna_sprint.pk, result.pk])
    assert client.post(remove).status_code == 403
    assert Result.objects.filter(pk=result.pk).exists()


def test_the_visible_levels_helper_is_what_the_dashboard_reads(lead_kiruna: User) -> None:
    # The figures above are computed with every level; a lead sees all of them.
    assert set(visible_levels(lead_kiruna)) == set(ALL)
