"""The knowledge workflow in a real browser: a lead promotes a sprint retrospective to a lesson draft and submits it,
the coordinator publishes it, and a partner finds it."""

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import axe_violations, login, screenshot
from tests.factories import user_with_role
from tests.sprints.conftest import make_closed_sprint
from themes.models import Municipality

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _logout(page: Page) -> None:
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_load_state("networkidle")


def test_a_retrospective_becomes_a_lesson_that_a_partner_finds(page: Page) -> None:
    lead = user_with_role("lead", "kiruna", username="lead-kiruna")
    user_with_role("coordinator", username="coord")
    user_with_role("partner", username="partner1")
    sprint = make_closed_sprint(
        lead,
        Municipality.objects.get(slug="kiruna"),
        title="Testvecka med lokala värdar",
        visibility="public",
        retrospective={"what_worked": "Lokala värdar visade vardagen.", "surprises": "Frågor om förskola."},
    )

    # The lead promotes the retrospective and submits the draft, proposing partner visibility.
    login(page, "lead-kiruna")
    page.goto(sprint.get_absolute_url())
    page.get_by_role("button", name="Gör ett lärdomsutkast").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Testvecka med lokala värdar"
    assert page.locator(".draft-status").inner_text() == "Utkast"
    assert "Lokala värdar visade vardagen." in page.locator(".knowledge-summary").inner_text()
    draft_url = page.url
    page.get_by_label("Vem ska se den när den publiceras?").select_option("partners")
    page.get_by_role("button", name="Skicka på granskning").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".draft-status").inner_text() == "Granskas av koordineringsteamet"
    assert page.get_by_role("button", name="Godkänn och publicera").count() == 0
    _logout(page)

    # The coordinating team approves, which publishes through Wagtail's workflow.
    login(page, "coord")
    page.goto(draft_url)
    page.get_by_role("button", name="Godkänn och publicera").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".draft-status").inner_text() == "Publicerad"
    _logout(page)

    # A partner finds it in the knowledge base and opens it; the lesson shows its evidence trail.
    login(page, "partner1")
    page.goto("/kunskap/?type=lesson")
    page.get_by_role("link", name="Testvecka med lokala värdar").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Testvecka med lokala värdar"
    assert page.locator(".evidence-trail a").get_attribute("href") == sprint.get_absolute_url()
    screenshot(page, "knowledge-lesson")
    assert axe_violations(page) == []
    _logout(page)

    # Anonymous visitors do not see a partners-only lesson at all.
    page.goto("/kunskap/")
    assert page.get_by_role("link", name="Testvecka med lokala värdar").count() == 0


def test_the_knowledge_index_passes_axe_and_filters_by_keyboard(page: Page) -> None:
    page.goto("/kunskap/")
    assert page.locator("h1").inner_text() == "Kunskapsbanken"
    screenshot(page, "knowledge-index")
    assert axe_violations(page) == []
    page.get_by_label("Typ").select_option("method")
    page.get_by_role("button", name="Visa").press("Enter")
    page.wait_for_load_state("networkidle")
    assert "type=method" in page.url
