"""Headless Chromium through Playwright (Debian's /usr/bin/chromium; no browser download) against the live server."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize
from pytest_django import DjangoDbBlocker
from pytest_django.live_server_helper import LiveServer

from tests.services import CHROMIUM, chromium_available, require

SCREENSHOT_DIR = Path(
    os.environ.get("STIGAR_SCREENSHOT_DIR", Path(__file__).resolve().parents[2] / "var" / "screenshots")
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP: ViewportSize = {"width": 1366, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _taxonomy() -> None:
    """The taxonomy comes from a data migration. When other test files set up the database first, the connection
    a browser test uses has no serialized copy to restore after an earlier transactional test's flush (seen with
    tests/knowledge before tests/browser/test_sprints.py), so every browser test reloads it; the migration's loader
    is idempotent."""
    import importlib

    from django.apps import apps

    importlib.import_module("themes.migrations.0002_taxonomy_data").load(apps, None)


@pytest.fixture(scope="session")
def chromium(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[Browser]:
    require(chromium_available(), f"needs headless Chromium at {CHROMIUM} (apt-get install chromium)")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Django's connections are context-local; under Playwright's running event loop the tests get new connection
    # objects, which lack the database snapshot that serialized_rollback restores (taken when the test database
    # was set up, before this fixture when other tests ran first). Carry the snapshot over.
    snapshots = {
        c.alias: c._test_serialized_contents
        for c in connections.all()
        if hasattr(c, "_test_serialized_contents")
    }
    # Playwright's sync API keeps an event loop running in this thread for the whole session; the ORM calls
    # the tests and the database fixtures make around it are ordinary synchronous calls, so this is safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            for alias, contents in snapshots.items():
                # Django's test runner keeps the snapshot in this private, untyped attribute.
                connections[alias]._test_serialized_contents = contents  # type: ignore[attr-defined]
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(chromium: Browser, live_server: LiveServer) -> Iterator[Page]:
    context = chromium.new_context(viewport=DESKTOP, locale="sv-SE", base_url=live_server.url)
    page = context.new_page()
    # Generous: the first request of a live server imports every view, and CI machines may be busy.
    page.set_default_timeout(30_000)
    yield page
    context.close()


def login(page: Page, username: str, password: str = "correct-horse-battery-staple") -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state("networkidle")


WINTER_VISIT = "Vinterbesök för distansarbetare"


def create_kiruna_sprint(page: Page) -> None:
    """As a signed-in Kiruna lead: fill in the new-sprint form on Kiruna's board and create the WINTER_VISIT
    sprint; its page opens."""
    page.goto("/sprints/kiruna/")
    page.get_by_role("link", name="Ny sprint").click()
    page.get_by_label("Titel", exact=True).fill(WINTER_VISIT)
    page.get_by_label("Mål", exact=True).fill("Fler distansarbetare ska pröva på vintern i Kiruna.")
    page.get_by_label("Arbetspaket").select_option(index=1)
    page.get_by_label("Sprintmetod").select_option(index=3)
    page.get_by_label("Besöka & pröva").check()
    page.get_by_label("Start", exact=True).fill("2026-12-01")
    page.get_by_label("Slut", exact=True).fill("2027-02-28")
    page.get_by_role("button", name="Skapa sprint").click()
    page.wait_for_url(re.compile(r"/sprints/kiruna/\d+/$"))
    assert page.locator("h1").inner_text() == WINTER_VISIT


def screenshot(page: Page, name: str) -> dict[str, Path]:
    """Desktop and phone screenshots of the current page into SCREENSHOT_DIR; returns their paths."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    paths = {}
    for label, viewport in (("desktop", DESKTOP), ("mobile", PHONE)):
        page.set_viewport_size(viewport)
        path = SCREENSHOT_DIR / f"{name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        paths[label] = path
    page.set_viewport_size(DESKTOP)
    return paths


def serious_accessibility_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core (shipped inside axe-playwright-python) run in the page: violations of impact serious or critical."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]


def horizontal_overflow(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def axe_violations(page: Page) -> list[tuple[str, str, list[Any]]]:
    """The serious and critical axe-core violations as (rule, help, first three targets), so that
    `assert axe_violations(page) == []` says what fails and where."""
    return [
        (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
        for v in serious_accessibility_violations(page)
    ]


def phone_overflow(page: Page) -> int:
    """Switch to phone width and return how far the page scrolls sideways there (0 or less: it fits)."""
    page.set_viewport_size(PHONE)
    return horizontal_overflow(page)


def assert_accessible_and_fits(page: Page, name: str) -> None:
    """axe-core clean at desktop width, screenshots taken, no sideways scrolling on a phone; ends at desktop width."""
    assert axe_violations(page) == [], name
    screenshot(page, name)
    assert phone_overflow(page) <= 0, name
    page.set_viewport_size(DESKTOP)
