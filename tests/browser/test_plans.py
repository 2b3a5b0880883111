"""Action plans in a real browser: a lead writes a need and a goal and links a sprint, the coordinator approves, and
the municipality dashboard shows the goal's progress beside attraction against capacity; axe-core in sv and en."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import Page

from sprints.models import Sprint
from tests.browser.conftest import axe_violations, login, phone_overflow, screenshot
from tests.factories import user_with_role
from tests.plans.conftest import add_prospects

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def kiruna_data() -> Sprint:
    """A public sprint with a result, prospects in Desire and Action (aggregated by insights), and few vacant flats."""
    from plans.models import IndicatorValue
    from sprints.services import result_log
    from tests.sprints.conftest import make_sprint
    from themes.models import Municipality

    lead = user_with_role("lead", "kiruna", username="lead-kiruna")
    user_with_role("coordinator", username="coordinator")
    kiruna, lulea = Municipality.objects.get(slug="kiruna"), Municipality.objects.get(slug="lulea")
    sprint = make_sprint(lead, kiruna, title="Prova-på-boende i Kiruna", visibility="public")
    result_log(
        actor=lead,
        sprint=sprint,
        metric="Flyttbeslut inom 3 månader",
        actual=Decimal("4"),
        date=datetime.date(2026, 5, 1),
        baseline=Decimal("0"),
        target=Decimal("10"),
    )
    from django.utils import timezone

    for municipality in (kiruna, lulea):
        add_prospects(municipality, desire=30, action=20, year=timezone.localdate().year)
    IndicatorValue.objects.create(
        municipality=kiruna,
        period=str(timezone.localdate().year),
        kind="vacant_rental_flats",
        value=Decimal("6"),
        source="Syntetiska demodata",
        date=datetime.date(2026, 3, 1),
        synthetic=True,
    )
    return sprint


def test_a_lead_writes_the_plan_and_the_coordinator_approves_it(page: Page, kiruna_data: Sprint) -> None:
    from django.utils import timezone

    year = str(timezone.localdate().year)
    login(page, "lead-kiruna")
    page.goto("/plans/kiruna/new/")
    page.get_by_label("Period").fill(year)
    page.get_by_label("Synlighet").select_option("public")
    page.get_by_role("button", name="Spara").click()
    assert page.locator("h1").inner_text() == f"Handlingsplan för Kiruna, {year}"

    page.get_by_role("link", name="Lägg till ett behov").click()
    page.get_by_label("Behov eller skav").fill("Inga lediga hyresrätter för nyinflyttade")
    page.get_by_label("Steg i värdekedjan").select_option(label="Fysisk organisering & resurser")
    page.get_by_label("Fas i inflyttningscykeln").select_option(label="Flytta & anlända")
    page.get_by_label("Arbetspaket").select_option(index=1)
    page.get_by_label("Taggar").fill("bostäder")
    page.get_by_role("button", name="Spara").click()
    assert page.get_by_text("Behovet lades till.").is_visible()

    page.get_by_role("link", name="Lägg till ett mål").click()
    page.get_by_label("Indikator:", exact=True).fill("Flyttbeslut inom 3 månader")
    page.get_by_label("Utgångsvärde").fill("0")
    page.get_by_label("Mål:", exact=True).fill("10")
    page.get_by_label("Klart senast").fill(f"{year}-12-31")
    page.get_by_role("button", name="Spara").click()

    page.get_by_role("link", name="Lägg till en aktivitet").click()
    page.get_by_label("Aktivitet:", exact=True).fill("Testveckor för distansarbetare")
    page.get_by_label("Bidrar till målet").select_option(label="Flyttbeslut inom 3 månader")
    page.get_by_label("Svarar mot behovet").select_option(index=1)
    page.get_by_role("button", name="Spara").click()

    page.get_by_label("Koppla en sprint").select_option(label="Prova-på-boende i Kiruna")
    page.get_by_role("button", name="Koppla", exact=True).click()
    assert page.get_by_role("link", name="Prova-på-boende i Kiruna").is_visible()
    assert page.locator("progress").first.get_attribute("value") == "40"
    assert axe_violations(page) == []
    page.get_by_role("button", name="Skicka på granskning").click()
    assert page.get_by_text("Inskickad för granskning").first.is_visible()
    screenshot(page, "plan-lead")

    page.context.clear_cookies()
    login(page, "coordinator")
    page.goto(f"/plans/kiruna/{year}/")
    page.get_by_label("Granskningskommentar").fill("Tydliga mål, bra koppling till sprinten.")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Godkänn").click()
    assert page.get_by_text("Version 1 av planen godkändes.").is_visible()
    assert page.locator(".plan-status").first.inner_text() == "Godkänd"
    assert page.get_by_text("Tydliga mål, bra koppling till sprinten.").first.is_visible()
    screenshot(page, "plan-approved")
    assert phone_overflow(page) <= 0
    page.goto(f"/en/plans/kiruna/{year}/")
    assert "Action plan of Kiruna" in page.locator("h1").inner_text()
    assert axe_violations(page) == []

    page.goto("/dashboard/kiruna/")
    panel = page.locator(".plan-panel")
    assert panel.locator("progress").get_attribute("value") == "40"
    assert panel.get_by_text("Fler prospekt i Action än lediga hyresrätter").is_visible()
    screenshot(page, "plan-dashboard-kiruna")
    assert axe_violations(page) == []
    page.goto("/en/dashboard/kiruna/")
    assert (
        page.locator(".plan-panel")
        .get_by_text("More prospects in Action than vacant rental flats")
        .is_visible()
    )
    assert axe_violations(page) == []

    page.goto(f"/plans/matrix/?period={year}")
    assert page.locator(".plans-matrix__flagged").count() == 1
    screenshot(page, "plan-matrix")
    assert axe_violations(page) == []
    page.goto(f"/en/plans/matrix/?period={year}")
    assert axe_violations(page) == []
