"""The pages that are drawn from the shared page parts (the knowledge page frame, the narrow form page, the form
partials of plans, insights and accounts) and that no other browser test visits: axe-core finds no serious or
critical violation in sv and en, and each page fits a phone."""

import re

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import assert_accessible_and_fits, login
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LANGUAGES = (("", "sv"), ("/en", "en"))


def _visit_in_both_languages(page: Page, pages: dict[str, str]) -> None:
    for prefix, language in LANGUAGES:
        for name, path in pages.items():
            response = page.goto(prefix + path)
            assert response is not None
            assert response.status == 200, (name, language, response.status)
            assert_accessible_and_fits(page, f"{name}-{language}")


def test_a_leads_knowledge_sprint_plan_and_account_pages(page: Page) -> None:
    from plans import services as plans
    from tests.knowledge.factories import make_meeting, make_method_card
    from tests.sprints.conftest import make_ended_sprint
    from themes.models import Municipality

    lead = user_with_role("lead", "kiruna", username="lead-kiruna", first_name="Lisa", last_name="Lead")
    kiruna = Municipality.objects.get(slug="kiruna")
    card = make_method_card(title="Tjänstesafari (syntetisk)")
    meeting = make_meeting(title="Erfarenhetsutbyte våren 2026 (syntetisk)")
    sprint = make_ended_sprint(lead, kiruna, "Testvecka i Kiruna (syntetisk)")
    plan = plans.action_plan_create(actor=lead, municipality=kiruna, period="2026")
    login(page, "lead-kiruna")
    _visit_in_both_languages(
        page,
        {
            "knowledge-method-card": card.url,
            "knowledge-meeting": meeting.url,
            "knowledge-agenda": "/kunskap/dagordning/",
            "knowledge-my-reviews": "/kunskap/mina-granskningar/",
            "sprint-retrospective": f"/sprints/kiruna/{sprint.pk}/retrospective/",
            "plan-need-add": f"/plans/kiruna/{plan.period}/needs/new/",
            "two-factor-setup": "/accounts/two-factor/setup/",
        },
    )


def test_an_analysts_upload_page_and_an_invitation_page(page: Page) -> None:
    from portal.accounts.services import invitation_create
    from themes.models import Municipality

    user_with_role("analyst", "kiruna", username="analyst-kiruna")
    _invitation, link = invitation_create(
        email="anna@kiruna.example",
        role="lead",
        municipality=Municipality.objects.get(slug="kiruna"),
        skip_permission_checks=True,
    )
    match = re.search(r"/accounts/invitation/[^/]+/$", link)
    assert match is not None, link
    _visit_in_both_languages(page, {"invitation": match.group(0)})
    login(page, "analyst-kiruna")
    _visit_in_both_languages(page, {"insights-upload": "/insights/upload/"})
