"""Promoting a sprint (its goal, results and retrospective) to a lesson draft, linked both ways."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client

from knowledge import services
from knowledge.models import Evidence, LessonPage
from sprints.models import Sprint
from tests.sprints.conftest import make_closed_sprint
from themes.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_sprint(lead_kiruna: User, kiruna: Municipality) -> Sprint:
    return make_closed_sprint(
        lead_kiruna,
        kiruna,
        visibility="public",
        retrospective={
            "what_worked": "Familjerna uppskattade värdfamiljerna.",
            "what_did_not_work": "Bokningen tog för lång tid.",
            "surprises": "Flera frågade om förskoleplats redan första dagen.",
            "next_step": "Erbjud testveckan även på sommaren.",
        },
    )


def test_promotion_prefills_the_draft_from_results_and_retrospective(
    lead_kiruna: User, closed_sprint: Sprint
) -> None:
    lesson = services.lesson_promote_from_sprint(user=lead_kiruna, sprint=closed_sprint)
    assert not lesson.live
    assert lesson.owner == lead_kiruna
    assert lesson.title == closed_sprint.title
    assert lesson.source_sprint == closed_sprint
    assert lesson.municipality == closed_sprint.municipality
    assert lesson.method == closed_sprint.method
    assert lesson.work_package == closed_sprint.work_package
    assert {p.code for p in lesson.relocation_phases.all()} == {"visit", "decide"}
    assert "Ansökningar till testveckan" in lesson.result
    assert "förskoleplats" in lesson.result
    assert "värdfamiljerna" in lesson.summary
    assert "Bokningen" in lesson.advice
    assert "sommaren" in lesson.advice
    assert "26 st" in lesson.result
    assert "utgångsläge 0 st" in lesson.result
    assert lesson.evidence == Evidence.MEASURED  # a result with a baseline
    assert list(LessonPage.objects.filter(source_sprint=closed_sprint)) == [lesson]


def test_promoting_again_returns_the_unpublished_draft(lead_kiruna: User, closed_sprint: Sprint) -> None:
    first = services.lesson_promote_from_sprint(user=lead_kiruna, sprint=closed_sprint)
    second = services.lesson_promote_from_sprint(user=lead_kiruna, sprint=closed_sprint)
    assert first.pk == second.pk
    assert LessonPage.objects.count() == 1


def test_a_lead_of_another_municipality_cannot_promote(lead_lulea: User, closed_sprint: Sprint) -> None:
    with pytest.raises(PermissionDenied):
        services.lesson_promote_from_sprint(user=lead_lulea, sprint=closed_sprint)


def test_the_sprint_page_offers_promotion_and_lists_its_lessons(
    client: Client, lead_kiruna: User, coordinator: User, closed_sprint: Sprint
) -> None:
    client.force_login(lead_kiruna)
    html = client.get(closed_sprint.get_absolute_url()).content.decode()
    assert f'action="/kunskap/fran-sprint/{closed_sprint.pk}/"' in html
    response = client.post(f"/kunskap/fran-sprint/{closed_sprint.pk}/")
    lesson = LessonPage.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/kunskap/utkast/{lesson.pk}/"
    assert lesson.title in client.get(closed_sprint.get_absolute_url()).content.decode()

    client.post(f"/kunskap/utkast/{lesson.pk}/", {"action": "submit"})
    client.force_login(coordinator)
    client.post(f"/kunskap/utkast/{lesson.pk}/", {"action": "publish"})
    lesson.refresh_from_db()
    assert lesson.live
    lesson_html = client.get(lesson.url).content.decode()
    assert closed_sprint.get_absolute_url() in lesson_html  # the evidence trail back to the sprint


def test_a_partner_sees_no_promote_button_and_no_drafts(
    client: Client, partner: User, lead_kiruna: User, closed_sprint: Sprint
) -> None:
    services.lesson_promote_from_sprint(user=lead_kiruna, sprint=closed_sprint)
    client.force_login(partner)
    html = client.get(closed_sprint.get_absolute_url()).content.decode()
    assert "/kunskap/fran-sprint/" not in html
    assert "/kunskap/utkast/" not in html
    assert client.post(f"/kunskap/fran-sprint/{closed_sprint.pk}/").status_code == 403
