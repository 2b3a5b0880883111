"""The Wagtail admin's page actions follow the one knowledge rule: role × municipality × admin action (issue #17, 7)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from wagtail.models import Page

from knowledge import services
from knowledge.models import LessonPage
from knowledge.selectors import knowledge_index
from tests.factories import user_with_role
from themes.models import Municipality

pytestmark = pytest.mark.django_db

PEOPLE = ("coordinator", "lead-kiruna", "lead-lulea", "partner", "analyst-kiruna")

# GET views of one page that Wagtail guards with its page permission tester; `{rev}` is the page's latest revision.
ACTIONS = {
    "edit": "/admin/pages/{pk}/edit/",
    "view_draft": "/admin/pages/{pk}/view_draft/",
    "history": "/admin/pages/{pk}/history/",
    "revision": "/admin/pages/{pk}/revisions/{rev}/view/",
    "compare": "/admin/pages/{pk}/revisions/compare/earliest...{rev}/",
    "usage": "/admin/pages/{pk}/usage/",
    "workflow_history": "/admin/pages/{pk}/workflow_history/",
    "copy": "/admin/pages/{pk}/copy/",
    "move": "/admin/pages/{pk}/move/",
    "delete": "/admin/pages/{pk}/delete/",
}
EVERY_ACTION = frozenset(ACTIONS)

# Who may do what to a Kiruna draft, a region-wide draft and a published Kiruna page (unpublish needs publishing).
KIRUNA_DRAFT = {
    "coordinator": EVERY_ACTION,
    "lead-kiruna": EVERY_ACTION,
    "lead-lulea": frozenset(),
    "partner": frozenset(),
    "analyst-kiruna": frozenset(),
}
REGION_WIDE_DRAFT = {**KIRUNA_DRAFT, "lead-kiruna": frozenset()}


@pytest.fixture
def people(db: None) -> dict[str, User]:
    return {
        "coordinator": user_with_role("coordinator", username="coordinator"),
        "lead-kiruna": user_with_role("lead", "kiruna", username="lead-kiruna"),
        "lead-lulea": user_with_role("lead", "lulea", username="lead-lulea"),
        "partner": user_with_role("partner", username="partner"),
        "analyst-kiruna": user_with_role("analyst", "kiruna", username="analyst-kiruna"),
    }


def _draft(people: dict[str, User], municipality: Municipality | None) -> LessonPage:
    author = people["lead-kiruna"] if municipality is not None else people["coordinator"]
    lesson = services.lesson_create_draft(
        user=author, title="Utkast om välkomstsamtal", municipality=municipality, advice="<p>Första</p>"
    )
    lesson.advice = "<p>Andra</p>"
    lesson.save_revision(user=author)
    stored: LessonPage = LessonPage.objects.get(pk=lesson.pk)
    return stored


def _allowed(client: Client, user: User, url: str) -> bool:
    client.force_login(user)
    response = client.get(url)
    if response.status_code == 200:
        return True
    # A refusal: Wagtail redirects to its dashboard (or to login without admin access), or answers 403.
    assert response.status_code in (302, 403), (url, response.status_code)
    if response.status_code == 302:
        assert response["Location"].startswith("/admin/"), response["Location"]
    return False


def _who_may_open(client: Client, people: dict[str, User], url: str) -> set[str]:
    return {name for name, user in people.items() if _allowed(client, user, url)}


def _matrix(client: Client, people: dict[str, User], page: Page) -> dict[str, frozenset[str]]:
    rev = page.latest_revision.pk
    return {
        name: frozenset(
            action
            for action, url in ACTIONS.items()
            if _allowed(client, user, url.format(pk=page.pk, rev=rev))
        )
        for name, user in people.items()
    }


def test_the_admin_action_matrix_on_a_municipalitys_draft(
    client: Client, people: dict[str, User], kiruna: Municipality
) -> None:
    assert _matrix(client, people, _draft(people, kiruna)) == KIRUNA_DRAFT


def test_the_admin_action_matrix_on_a_region_wide_draft(client: Client, people: dict[str, User]) -> None:
    assert _matrix(client, people, _draft(people, None)) == REGION_WIDE_DRAFT


def test_only_the_coordinating_team_unpublishes_and_only_its_own_leads_see_the_draft_of_a_live_page(
    client: Client, people: dict[str, User], kiruna: Municipality
) -> None:
    lesson = _draft(people, kiruna)
    services.lesson_publish(user=people["coordinator"], lesson=lesson)
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert lesson.live
    unpublish = f"/admin/pages/{lesson.pk}/unpublish/"
    assert _who_may_open(client, people, unpublish) == {"coordinator"}
    view_draft = f"/admin/pages/{lesson.pk}/view_draft/"
    assert _who_may_open(client, people, view_draft) == {
        "coordinator",
        "lead-kiruna",
    }


def test_a_lead_of_another_municipality_cannot_copy_by_posting_either(
    client: Client, people: dict[str, User], kiruna: Municipality
) -> None:
    lesson = _draft(people, kiruna)
    index = knowledge_index()
    assert index is not None
    before = Page.objects.count()
    client.force_login(people["lead-lulea"])
    response = client.post(
        f"/admin/pages/{lesson.pk}/copy/",
        {"new_title": "Kopia", "new_slug": "kopia", "new_parent_page": index.pk},
    )
    assert response.status_code in (302, 403)
    assert Page.objects.count() == before
    client.force_login(people["lead-kiruna"])
    client.post(
        f"/admin/pages/{lesson.pk}/copy/",
        {"new_title": "Kopia", "new_slug": "kopia", "new_parent_page": index.pk},
    )
    assert Page.objects.count() == before + 1


def test_workflow_actions_are_the_coordinating_teams_and_not_another_municipalitys_lead(
    client: Client, people: dict[str, User], kiruna: Municipality
) -> None:
    lesson = _draft(people, kiruna)
    services.lesson_submit_for_review(user=people["lead-kiruna"], lesson=lesson)
    lesson = LessonPage.objects.get(pk=lesson.pk)
    task_state = lesson.current_workflow_state.current_task_state
    reject = f"/admin/pages/workflow/action/{lesson.pk}/reject/{task_state.pk}/"
    assert _who_may_open(client, people, reject) == {"coordinator"}
    preview = f"/admin/pages/workflow/preview/{lesson.pk}/{task_state.task_id}/"
    assert _who_may_open(client, people, preview) == {"coordinator"}
    workflow_history = f"/admin/pages/{lesson.pk}/workflow_history/"
    assert not _allowed(client, people["lead-lulea"], workflow_history)
    assert _allowed(client, people["lead-kiruna"], workflow_history)
