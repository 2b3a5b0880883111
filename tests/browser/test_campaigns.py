"""Campaigns on segments in a real browser: the lead targets a segment and logs two variants on the campaign sprint's
page, the analyst reads the effect on the segments page; axe-core (0 serious or critical) in sv and en on both."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from sprints.models import Sprint
from tests.browser.conftest import (
    PHONE,
    axe_violations,
    horizontal_overflow,
    login,
    screenshot,
)
from tests.campaigns.conftest import make_segments
from tests.factories import user_with_role
from tests.sprints.conftest import make_sprint

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def campaign(db: None) -> Sprint:
    from themes.models import Municipality, SprintMethod

    kiruna = Municipality.objects.get(slug="kiruna")
    lead = user_with_role("lead", kiruna, username="lead-kiruna")
    user_with_role("analyst", kiruna, username="analyst-kiruna")
    make_segments(kiruna)
    return make_sprint(
        lead,
        kiruna,
        title="Norrskensgäster blir invånare",
        method=SprintMethod.objects.get(code="campaign-ab"),
    )


def test_a_lead_runs_a_campaign_and_the_analyst_reads_its_effect(page: Page, campaign: Sprint) -> None:
    login(page, "lead-kiruna")
    page.goto(campaign.get_absolute_url())
    panel = page.locator("#campaign")
    assert panel.get_by_role("heading", name="Kampanj på segment").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "campaigns-sprint-targets")
    panel.get_by_label("familjer från DE, skidåkning (40 prospekt)").check()
    panel.get_by_role("button", name="Spara målsegment").click()
    page.wait_for_load_state("networkidle")
    page.locator("#campaign summary", has_text="Logga variantsiffror").click()
    page.get_by_label("Variant A: nådda").fill("2000")
    page.get_by_label("Variant A: svar").fill("120")
    page.get_by_label("Variant B: nådda").fill("2400")
    page.get_by_label("Variant B: svar").fill("204")
    page.get_by_role("button", name="Spara variantsiffror").click()
    page.wait_for_load_state("networkidle")
    sentence = "Variant B gav 2,5 procentenheter fler svar än A (95 % KI 1,0 till 4,0); skillnaden är statistiskt säker."
    assert page.locator("#campaign .campaign-effect").inner_text() == sentence
    page.locator("#campaign summary", has_text="Logga variantsiffror").click()
    assert axe_violations(page) == []
    screenshot(page, "campaigns-sprint")
    page.goto("/en" + campaign.get_absolute_url())
    assert page.locator("#campaign h2").inner_text() == "Campaign on segments"
    assert axe_violations(page) == []

    page.context.clear_cookies()
    login(page, "analyst-kiruna")
    page.goto("/insights/segments/")
    block = page.locator(".segment-campaigns")
    assert block.count() == 1
    assert block.locator(".campaign-effect").inner_text() == sentence
    assert axe_violations(page) == []
    paths = screenshot(page, "campaigns-segments")
    assert paths["desktop"].stat().st_size > 10_000
    page.set_viewport_size(PHONE)
    assert horizontal_overflow(page) <= 0
    page.goto("/en/insights/segments/")
    assert "the difference is statistically reliable." in page.locator(".segment-campaigns").inner_text()
    assert axe_violations(page) == []
