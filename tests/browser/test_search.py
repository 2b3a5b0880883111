"""The search page in Chromium: a query without hits as typed is no dead end (how it was loosened, the
did-you-mean, method cards), axe-clean in Swedish and English at desktop and phone width; the coordinating team
reads the queries in the admin reports."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import axe_violations, horizontal_overflow, login, phone_overflow, screenshot
from tests.factories import user_with_role
from tests.knowledge.factories import make_lesson, make_method_card
from themes.models import Municipality

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def pages(kiruna: Municipality) -> None:
    make_lesson(
        title="Underhåll av vägar i byarna",
        slug="vagar",
        summary="<p>Grusvägarna hölls öppna med byns egen plog.</p>",
        municipality=kiruna,
    )
    make_method_card(
        title="Tjänstesafari", slug="safari", summary="<p>Besök tjänsterna i byn.</p>", evidence="measured"
    )
    make_method_card(title="Intern metod för vägunderhåll", slug="intern", visibility="internal")


@pytest.mark.parametrize(
    ("prefix", "loosened", "methods_title"),
    [
        ("", "Inget matchade alla ord i ”vägar zebrafink”", "Metodkort som kan hjälpa"),
        ("/en", "Nothing matched every word of “vägar zebrafink”", "Method cards that may help"),
    ],
)
def test_a_query_without_hits_is_loosened_and_brings_method_cards(
    page: Page, pages: None, prefix: str, loosened: str, methods_title: str
) -> None:
    page.goto(f"{prefix}/search/?q=vägar+zebrafink")
    assert loosened in page.locator(".search-relaxed").inner_text()
    assert "Underhåll av vägar i byarna" in page.locator(".search-results").inner_text()
    methods = page.locator(".search-methods")
    assert methods.get_by_role("heading", level=2).inner_text() == methods_title
    assert methods.get_by_role("link", name="Tjänstesafari").count() == 1
    assert "Intern metod" not in page.content()
    assert horizontal_overflow(page) == 0
    paths = screenshot(page, f"search-loosened{prefix.replace('/', '-')}")
    assert all(path.stat().st_size > 0 for path in paths.values())
    assert axe_violations(page) == []
    assert phone_overflow(page) == 0
    assert axe_violations(page) == []


def test_a_misspelled_query_offers_the_correction_and_finds_by_it(page: Page, pages: None) -> None:
    page.goto("/search/?q=grusvägarnz")
    assert "Underhåll av vägar i byarna" in page.locator(".search-results").inner_text()
    note = page.locator(".search-relaxed")
    assert note.inner_text() == "Inget matchade ”grusvägarnz”. Visar resultat för grusvägarna."
    assert note.get_by_role("link", name="grusvägarna").get_attribute("href") == "?q=grusv%C3%A4garna"
    assert page.locator(".search-methods").get_by_role("link", name="Tjänstesafari").count() == 1
    screenshot(page, "search-misspelled")
    assert axe_violations(page) == []


def test_the_coordinator_reads_top_queries_and_queries_without_hits(page: Page, pages: None) -> None:
    page.goto("/search/?q=xylofonorkester")
    assert page.locator(".search-methods").get_by_role("link", name="Tjänstesafari").count() == 1
    page.goto("/search/?q=vägar")
    user_with_role("coordinator", username="coord")
    login(page, "coord")
    page.goto("/admin/reports/search/top/")
    assert "xylofonorkester" in page.locator("main").inner_text()
    assert "vägar" in page.locator("main").inner_text()
    page.goto("/admin/reports/search/zero/")
    body = page.locator("main").inner_text()
    assert "xylofonorkester" in body
    assert "vägar" not in body
    screenshot(page, "search-admin-zero-hits")
