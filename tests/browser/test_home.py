"""The home page in a real browser: screenshots at desktop and phone width, keyboard access, axe-core."""

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import axe_violations, phone_overflow, screenshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_home_page_renders_all_municipalities_without_overflow_and_passes_axe(page: Page) -> None:
    page.goto("/")
    assert page.locator(".municipality-card").count() == 14
    paths = screenshot(page, "home")
    assert paths["desktop"].stat().st_size > 10_000
    assert paths["mobile"].stat().st_size > 10_000
    assert phone_overflow(page) <= 0
    assert axe_violations(page) == []


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Hoppa till innehållet"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_english_home_page_passes_axe(page: Page) -> None:
    page.goto("/en/")
    assert page.locator("h1").inner_text() == "Time to tread new paths"
    assert axe_violations(page) == []
