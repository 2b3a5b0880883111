"""Corrections and boards in a real browser: a lead corrects a result by keyboard and reads the history; the board
warns above its work-in-progress limit; the new pages pass axe (sv, en) and fit a phone."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from tests.browser.conftest import assert_accessible_and_fits, login
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_lead_corrects_a_result_by_keyboard_and_the_board_warns_above_its_limit(page: Page) -> None:
    from sprints import services
    from sprints.models import Status
    from tests.sprints.conftest import log_result, make_ended_sprint, make_sprint
    from themes.models import Municipality

    lead = user_with_role("lead", "kiruna", username="lead-kiruna", first_name="Lisa", last_name="Lead")
    kiruna = Municipality.objects.get(slug="kiruna")
    today = timezone.localdate()
    sprint = make_ended_sprint(lead, kiruna, "Testvecka i Kiruna (syntetisk)")
    make_sprint(lead, kiruna, title="Vinterbesök (syntetisk)", status=Status.RUNNING)
    services.card_create(
        actor=lead, sprint=sprint, title="Boka lokal", due_date=today - datetime.timedelta(days=2)
    )
    log_result(lead, sprint, actual=Decimal("26"))
    services.board_limits_set(actor=lead, municipality=kiruna, limits={Status.RUNNING: 1})
    login(page, "lead-kiruna")

    page.goto(sprint.get_absolute_url())
    page.get_by_role("link", name=re.compile("Korrigera resultatet")).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_accessible_and_fits(page, "result-correction-sv")
    page.get_by_label("Utfall", exact=True).fill("16")
    page.get_by_label("Utfall", exact=True).press("Enter")
    page.wait_for_url(re.compile(r"/sprints/kiruna/\d+/"))
    history = page.locator(".history").inner_text()
    assert "korrigerade ett resultat" in history
    assert "26" in history
    assert "16" in history
    assert_accessible_and_fits(page, "sprint-history-sv")

    page.goto("/sprints/kiruna/")
    assert "Över gränsen för pågående arbete" in page.locator(".board__column--running").inner_text()
    assert page.locator(".sprint-card .overdue").count() >= 1
    assert_accessible_and_fits(page, "board-wip-sv")

    page.goto("/en" + sprint.get_absolute_url())
    assert "corrected a result" in page.locator(".history").inner_text()
    assert_accessible_and_fits(page, "sprint-history-en")
    page.goto("/en/sprints/kiruna/")
    assert_accessible_and_fits(page, "board-wip-en")
    page.goto("/en" + sprint.get_absolute_url())
    page.get_by_role("link", name=re.compile("Correct the result")).click()
    assert_accessible_and_fits(page, "result-correction-en")
