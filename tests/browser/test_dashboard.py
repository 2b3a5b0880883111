"""The dashboard in a real browser: screenshots at desktop and phone width, keyboard access to the data, axe-core."""

import pytest

from tests.browser.conftest import (
    PHONE,
    horizontal_overflow,
    login,
    screenshot,
    serious_accessibility_violations,
)
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def coordinator_page(page):
    user_with_role("coordinator", username="coordinator")
    login(page, "coordinator")
    return page


def test_programme_dashboard_renders_charts_with_tables_and_passes_axe(coordinator_page):
    page = coordinator_page
    page.goto("/dashboard/")
    assert page.locator("h1").inner_text() == "Programöversikt"
    charts = page.locator("figure.chart")
    assert charts.count() >= 2
    # Every chart has a data table and its two downloads.
    assert page.locator("figure.chart table").count() == charts.count()
    assert page.locator("figure.chart a[href$='.xlsx']").count() == charts.count()
    assert page.locator("svg[role='img'] title").count() >= 2
    paths = screenshot(page, "dashboard")
    assert paths["desktop"].stat().st_size > 10_000 and paths["mobile"].stat().st_size > 10_000
    page.set_viewport_size(PHONE)
    assert horizontal_overflow(page) <= 0
    violations = serious_accessibility_violations(page)
    assert violations == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in violations]


def test_municipality_page_renders_and_passes_axe(coordinator_page):
    page = coordinator_page
    page.goto("/dashboard/")
    page.get_by_role("link", name="Kiruna", exact=True).first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/dashboard/kiruna/")
    assert page.locator("h1").inner_text() == "Kiruna"
    screenshot(page, "dashboard-kiruna")
    page.set_viewport_size(PHONE)
    assert horizontal_overflow(page) <= 0
    violations = serious_accessibility_violations(page)
    assert violations == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in violations]


def test_english_dashboard_passes_axe(coordinator_page):
    page = coordinator_page
    page.goto("/en/dashboard/")
    assert page.locator("h1").inner_text() == "Programme dashboard"
    assert serious_accessibility_violations(page) == []


def test_chart_regions_and_data_tables_are_reachable_by_keyboard(coordinator_page):
    page = coordinator_page
    page.goto("/dashboard/")
    focusable = page.locator(".chart__table[tabindex='0']")
    assert focusable.count() >= 2
    focusable.first.focus()
    assert page.evaluate("document.activeElement.classList.contains('chart__table')")
