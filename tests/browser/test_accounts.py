"""People and access in a real browser: an invitation from the admin to a signed-in project lead, an analyst's
second factor before /insights/, and axe on every account page in Swedish and English."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django_otp.oath import totp
from playwright.sync_api import Browser, Page
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import axe_violations, create_kiruna_sprint, login, screenshot
from tests.factories import user_with_role
from tests.matching import found

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "Midnattssol-over-Torne-2026"


def _no_serious_violations(page: Page, name: str) -> None:
    # The admin's messages fade in; contrast is measured on the settled page, not half-way through the transition.
    # The page's Content-Security-Policy forbids the string evaluation that wait_for_function would need to ask the
    # page whether its animations have finished, so the test waits out Wagtail's fade (well under a second).
    if page.locator(".messages li").count():
        page.wait_for_timeout(1500)
    assert axe_violations(page) == [], name


def test_the_coordinator_invites_a_lead_for_kiruna_who_sets_a_password_and_edits_only_kiruna(
    page: Page, chromium: Browser, live_server: LiveServer
) -> None:
    user_with_role("coordinator", username="coordinator", first_name="Kim", last_name="Koordinator")
    login(page, "coordinator")

    page.goto("/admin/users/")
    page.get_by_role("link", name="Bjud in en person").click()
    page.wait_for_url(re.compile(r"/admin/invitations/add/$"))
    _no_serious_violations(page, "admin invitation form")
    page.get_by_label("E-postadress").fill("lisa.lead@kiruna.example")
    page.get_by_label("Roll i Stigar").select_option(label="Projektledare")
    page.get_by_label("Kommun").select_option(label="Kiruna")
    page.get_by_role("button", name="Skicka inbjudan").click()
    page.wait_for_url(re.compile(r"/admin/invitations/$"))
    assert page.get_by_role("cell", name="lisa.lead@kiruna.example", exact=True).is_visible()
    _no_serious_violations(page, "admin invitation list")

    assert [m.to for m in mail.outbox] == [["lisa.lead@kiruna.example"]]
    assert mail.outbox[0].subject == "Du är inbjuden till Stigar"
    link = found(r"https?://\S+/accounts/invitation/\S+/", mail.outbox[0].body)
    assert link.startswith(live_server.url)

    # The lead, in a browser of their own, with the keyboard only.
    lead = chromium.new_context(locale="sv-SE", base_url=live_server.url).new_page()
    lead.set_default_timeout(30_000)
    lead.goto(link)
    assert lead.locator("h1").inner_text() == "Välkommen till Stigar"
    _no_serious_violations(lead, "invitation page")
    screenshot(lead, "invitation")
    lead.get_by_label("Förnamn").focus()
    lead.keyboard.type("Lisa")
    lead.keyboard.press("Tab")
    lead.keyboard.type("Lead")
    lead.keyboard.press("Tab")
    lead.keyboard.type(PASSWORD)
    lead.keyboard.press("Tab")
    lead.keyboard.type(PASSWORD)
    with lead.expect_navigation():
        lead.keyboard.press("Enter")
    assert "Välkommen till Stigar! Ditt konto är klart." in lead.content()
    assert lead.locator(".account__name").inner_text().startswith("Lisa Lead")

    create_kiruna_sprint(lead)

    lead.goto("/sprints/lulea/")
    assert lead.get_by_role("link", name="Ny sprint").count() == 0
    refused = lead.goto("/sprints/lulea/new/")
    assert refused is not None
    assert refused.status == 403

    # The link worked once.
    lead.goto(link)
    assert lead.locator("h1").inner_text() == "Den här inbjudan har redan använts"
    lead.context.close()


def test_an_analyst_enrols_totp_and_only_then_reaches_insights(page: Page, settings: Settings) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.STIGAR_REQUIRE_2FA = True
    analyst = user_with_role("analyst", "kiruna", username="analyst-kiruna")
    login(page, "analyst-kiruna")
    page.goto("/insights/")
    page.wait_for_url(re.compile(r"/accounts/two-factor/setup/"))
    assert page.locator("h1").inner_text() == "Ställ in tvåstegsverifiering"
    _no_serious_violations(page, "two-factor setup")
    screenshot(page, "two-factor-setup")

    device = TOTPDevice.objects.get(user=analyst, confirmed=False)
    secret_shown = page.locator("#totp-secret").inner_text().replace(" ", "")
    assert secret_shown  # the key is there for typing by hand
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    page.get_by_label("Kod från appen").fill(code)
    page.get_by_role("button", name="Slå på tvåstegsverifiering").click()
    assert page.locator("h1").inner_text() == "Dina reservkoder"
    assert page.locator(".recovery-codes li").count() == 10
    _no_serious_violations(page, "recovery codes")
    page.get_by_role("link", name="Jag har sparat koderna – fortsätt").click()
    page.wait_for_url(re.compile(r"/insights/$"))
    assert page.url.endswith("/insights/")


ACCOUNT_PAGES = [
    "/accounts/login/",
    "/accounts/password-reset/",
    "/accounts/password-reset/done/",
    "/accounts/password-reset/complete/",
    "/accounts/password-reset/MQ/bad-token/",
    "/accounts/invitation/not-a-real-token/",
]


@pytest.mark.parametrize("language", ["sv", "en"])
def test_account_pages_pass_axe(page: Page, language: str) -> None:
    prefix = "" if language == "sv" else "/en"
    for path in ACCOUNT_PAGES:
        page.goto(prefix + path)
        assert page.locator("html").get_attribute("lang") == language
        _no_serious_violations(page, prefix + path)
    user_with_role("partner", username="partner")
    login(page, "partner")
    for path in ("/accounts/profile/", "/accounts/two-factor/setup/"):
        page.goto(prefix + path)
        _no_serious_violations(page, prefix + path)
    page.goto(prefix + "/accounts/profile/")
    page.get_by_label("Token name" if language == "en" else "Namn på token").fill("Weekly report")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.locator("#new-token").inner_text().startswith("wagtail_")
    _no_serious_violations(page, "profile with a new token")
    screenshot(page, f"profile-{language}")
