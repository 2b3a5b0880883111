"""The dashboard in a real browser: screenshots at desktop and phone width, keyboard access to the data, axe-core."""

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import axe_violations, login, phone_overflow, screenshot
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def coordinator_page(page: Page) -> Page:
    """A coordinator logged in, with sprints, results, lessons and shared segments so that every panel has data."""
    from tests.dashboard.dashboard_data import add_shared_segments, make_result, make_sprint
    from tests.knowledge.factories import make_lesson
    from themes.models import Municipality

    coordinator = user_with_role("coordinator", username="coordinator")
    for i, (slug, wp, method, status, phases) in enumerate(
        (
            ("kiruna", "WP1", "test-week", "running", ["visit", "decide"]),
            ("kiruna", "WP2", "interviews", "closed", ["discover"]),
            ("lulea", "WP1", "campaign-ab", "learned", ["consider", "visit"]),
            ("pajala", "WP3", "hackathon", "planned", ["move", "settle", "stay"]),
            ("boden", "WP4", "pilot", "idea", ["stay"]),
        )
    ):
        sprint = make_sprint(
            coordinator,
            slug,
            f"Sprint {i}",
            wp=wp,
            method=method,
            status=status,
            visibility="public",
            phases=phases,
        )
        make_result(coordinator, sprint, str(10 + i), baseline="5", target="12")
    for slug, title in (
        ("kiruna", "Prova-på-boende lockade fler"),
        ("lulea", "Välkomstsamtal första månaden"),
    ):
        make_lesson(title=title, municipality=Municipality.objects.get(slug=slug))
    add_shared_segments({"kiruna": (40, 15, 12, 3), "lulea": (30, 20, 10, 5), "arjeplog": (25, 12, 11, 12)})
    login(page, "coordinator")
    return page


def test_programme_dashboard_renders_charts_with_tables_and_passes_axe(coordinator_page: Page) -> None:
    page = coordinator_page
    page.goto("/dashboard/")
    assert page.locator("h1").inner_text() == "Programöversikt"
    charts = page.locator("figure.chart")
    assert charts.count() >= 10
    assert page.locator(".chart__empty").count() == 0
    # Every chart has a data table and its two downloads.
    assert page.locator("figure.chart table").count() == charts.count()
    assert page.locator("figure.chart a[href$='.xlsx']").count() == charts.count()
    assert page.locator("svg[role='img'] title").count() >= 2
    # The data tables and charts scroll sideways on a phone: each such region takes keyboard focus.
    focusable = page.locator(".chart__table[tabindex='0']")
    assert focusable.count() == charts.count()
    focusable.first.focus()
    assert page.evaluate("document.activeElement.classList.contains('chart__table')")
    paths = screenshot(page, "dashboard")
    assert paths["desktop"].stat().st_size > 10_000
    assert paths["mobile"].stat().st_size > 10_000
    assert phone_overflow(page) <= 0
    assert axe_violations(page) == []


def test_municipality_page_renders_and_passes_axe(coordinator_page: Page) -> None:
    page = coordinator_page
    page.goto("/dashboard/")
    page.get_by_role("link", name="Kiruna", exact=True).first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/dashboard/kiruna/")
    assert page.locator("h1").inner_text() == "Kiruna"
    screenshot(page, "dashboard-kiruna")
    assert phone_overflow(page) <= 0
    assert axe_violations(page) == []


def test_english_dashboard_passes_axe(coordinator_page: Page) -> None:
    page = coordinator_page
    page.goto("/en/dashboard/")
    assert page.locator("h1").inner_text() == "Programme dashboard"
    assert axe_violations(page) == []
