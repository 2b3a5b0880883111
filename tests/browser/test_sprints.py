"""A project lead's sprint work in a real browser: create, move by keyboard, log a result, see it in the overview."""

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import (
    DESKTOP,
    axe_violations,
    create_kiruna_sprint,
    login,
    phone_overflow,
    screenshot,
)
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _column_of(page: Page, title: str) -> str:
    card = page.locator(".sprint-card", has_text=title)
    return str(card.evaluate("el => el.closest('.board__column').dataset.status"))


def test_a_lead_creates_a_sprint_moves_it_by_keyboard_logs_a_result_and_the_overview_shows_it(
    page: Page,
) -> None:
    user_with_role("lead", "kiruna", username="lead-kiruna", first_name="Lisa", last_name="Lead")
    login(page, "lead-kiruna")

    create_kiruna_sprint(page)

    page.goto("/sprints/kiruna/")
    assert _column_of(page, "Vinterbesök") == "idea"
    # Keyboard only: focus the card's "on to Planned" button and press Enter (a plain form post).
    card = page.locator(".sprint-card", has_text="Vinterbesök för distansarbetare")
    card.get_by_role("button", name="Vidare till Planerad").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert _column_of(page, "Vinterbesök") == "planned"
    # After the reload, focus is back on the moved sprint; Alt+→ moves it on again.
    focused_card = page.evaluate("document.activeElement.closest('.sprint-card')?.id")
    assert focused_card
    assert focused_card.startswith("sprint-")
    with page.expect_navigation():
        page.keyboard.press("Alt+ArrowRight")
    assert _column_of(page, "Vinterbesök") == "running"
    paths = screenshot(page, "sprints-board")
    assert all(path.stat().st_size > 10_000 for path in paths.values())
    assert axe_violations(page) == []
    assert phone_overflow(page) <= 0
    page.set_viewport_size(DESKTOP)

    page.get_by_role("link", name="Vinterbesök för distansarbetare").click()
    page.get_by_label("Mått").fill("Bokade provboenden")
    page.get_by_label("Enhet").fill("hushåll")
    page.get_by_label("Mål", exact=True).fill("10")
    page.get_by_label("Utfall").fill("12,5")
    page.get_by_label("Datum").fill("2027-01-15")
    with page.expect_navigation():
        page.get_by_role("button", name="Logga resultat").click()
    assert "Resultatet loggades." in page.locator(".messages").inner_text()
    assert page.locator(".results-chart__bar--met").count() == 1
    assert axe_violations(page) == []

    page.get_by_role("link", name="Sprintar", exact=True).first.click()
    row = page.locator("table.matrix").first.locator("tr", has=page.get_by_role("link", name="Kiruna"))
    assert "1 pågår" in row.locator("td").nth(2).inner_text()
    assert "1 av 1 mål uppnådda" in row.locator("td").nth(2).inner_text()
    page.get_by_text("Tidslinjen som lista").click()
    assert page.get_by_role("link", name="Vinterbesök för distansarbetare").is_visible()
    paths = screenshot(page, "sprints-overview")
    assert all(path.stat().st_size > 10_000 for path in paths.values())
    assert axe_violations(page) == []
    assert phone_overflow(page) <= 0


def test_the_board_refuses_a_move_by_someone_else_with_a_403_page(page: Page) -> None:
    lead = user_with_role("lead", "kiruna", username="lead-kiruna")
    user_with_role("lead", "lulea", username="lead-lulea")
    from tests.sprints.conftest import make_sprint
    from themes.models import Municipality, Visibility

    sprint = make_sprint(lead, Municipality.objects.get(slug="kiruna"), visibility=Visibility.PUBLIC)
    login(page, "lead-lulea")
    page.goto("/sprints/kiruna/")
    assert page.locator(".move-form").count() == 0
    response = page.request.post(f"/sprints/kiruna/{sprint.pk}/move/", form={"status": "running"})
    assert response.status == 403
