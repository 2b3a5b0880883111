"""The second factor: enrolment, verification, recovery codes, and STIGAR_REQUIRE_2FA on the portal, the admin and
the session-authenticated API."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.fixtures import Settings
from wagtail.models import ModelLogEntry

from portal.accounts.services import api_token_create
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def required(settings: Settings) -> None:
    settings.STIGAR_REQUIRE_2FA = True


def _signed_in(username: str) -> Client:
    client = Client()
    assert client.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


def _code(device: TOTPDevice, drift: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


def _enrol(client: Client, user: User) -> list[str]:
    page = client.get("/accounts/two-factor/setup/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert "<svg" in page.content.decode()
    response = client.post("/accounts/two-factor/setup/", {"code": _code(device)})
    assert response.status_code == 200
    assert "Dina reservkoder" in response.content.decode()
    return list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


def test_an_analyst_must_enrol_before_insights(required: None, analyst_kiruna: User) -> None:
    client = _signed_in("analyst-kiruna")
    response = client.get("/insights/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/?next=%2Finsights%2F"
    # Without a device the second-factor page sends the person on to set one up.
    assert client.get(response["Location"])["Location"].startswith("/accounts/two-factor/setup/")
    codes = _enrol(client, analyst_kiruna)
    assert len(codes) == 10
    assert client.get("/insights/").status_code == 200


def test_portal_pages_and_the_admin_wait_for_the_second_factor(required: None, coordinator: User) -> None:
    client = _signed_in("coord")
    for path in ("/", "/sprints/", "/admin/", "/en/dashboard/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/accounts/two-factor/" in response["Location"], path
    _enrol(client, coordinator)
    assert client.get("/admin/").status_code == 200


def test_the_session_authenticated_api_answers_403_until_the_second_factor(
    required: None, analyst_kiruna: User
) -> None:
    client = _signed_in("analyst-kiruna")
    refused = client.get("/api/insights/shared-segments/")
    assert refused.status_code == 403
    assert "Tvåstegsverifiering" in refused.json()["detail"]
    _enrol(client, analyst_kiruna)
    assert client.get("/api/insights/shared-segments/").status_code == 200


def test_a_personal_token_is_not_blocked_by_a_half_signed_in_session(
    required: None, analyst_kiruna: User
) -> None:
    _token, plaintext = api_token_create(person=analyst_kiruna, name="script")
    client = _signed_in("analyst-kiruna")
    assert (
        client.get("/api/insights/shared-segments/", HTTP_AUTHORIZATION=f"Bearer {plaintext}").status_code
        == 200
    )


def test_next_sign_in_asks_for_a_code_and_recovery_codes_work_once(
    required: None, analyst_kiruna: User
) -> None:
    codes = _enrol(_signed_in("analyst-kiruna"), analyst_kiruna)
    client = _signed_in("analyst-kiruna")
    assert client.get("/insights/")["Location"].startswith("/accounts/two-factor/")
    assert (
        client.post("/accounts/two-factor/", {"code": codes[0], "next": "/insights/"})["Location"]
        == "/insights/"
    )
    assert client.get("/insights/").status_code == 200
    again = _signed_in("analyst-kiruna")
    device = TOTPDevice.objects.get(user=analyst_kiruna, confirmed=True)
    assert (
        again.post(
            "/accounts/two-factor/", {"code": _code(device, drift=1), "next": "/insights/"}
        ).status_code
        == 302
    )
    assert again.get("/insights/").status_code == 200
    third = _signed_in("analyst-kiruna")
    assert third.post("/accounts/two-factor/", {"code": codes[0]}).status_code == 200  # used up
    assert third.get("/insights/").status_code == 302


def test_a_wrong_code_is_refused_and_then_throttled(required: None, analyst_kiruna: User) -> None:
    _enrol(_signed_in("analyst-kiruna"), analyst_kiruna)
    client = _signed_in("analyst-kiruna")
    wrong = client.post("/accounts/two-factor/", {"code": "000000", "next": "/insights/"})
    assert wrong.status_code == 200
    assert "stämmer inte" in wrong.content.decode()
    # django-otp throttles each device after a failure (the delay doubles with every further failure).
    device = TOTPDevice.objects.get(user=analyst_kiruna, confirmed=True)
    assert client.post("/accounts/two-factor/", {"code": _code(device, drift=1)}).status_code == 200
    assert client.get("/insights/").status_code == 302


def test_a_password_alone_cannot_replace_the_second_factor(required: None, analyst_kiruna: User) -> None:
    _enrol(_signed_in("analyst-kiruna"), analyst_kiruna)
    client = _signed_in("analyst-kiruna")
    response = client.get("/accounts/two-factor/setup/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/?next=")
    assert TOTPDevice.objects.filter(user=analyst_kiruna).count() == 1


def test_leads_and_partners_are_not_asked_unless_they_set_it_up(required: None, lead_kiruna: User) -> None:
    client = _signed_in("lead-kiruna")
    assert client.get("/sprints/").status_code == 200
    _enrol(client, lead_kiruna)
    later = _signed_in("lead-kiruna")
    assert later.get("/sprints/")["Location"].startswith("/accounts/two-factor/")


def test_without_the_setting_analysts_go_straight_in(settings: Settings, analyst_kiruna: User) -> None:
    settings.STIGAR_REQUIRE_2FA = False
    assert _signed_in("analyst-kiruna").get("/insights/").status_code == 200


def test_a_coordinator_resets_a_persons_second_factor_in_the_admin(
    required: None, coordinator: User, analyst_kiruna: User
) -> None:
    _enrol(_signed_in("analyst-kiruna"), analyst_kiruna)
    admin = _signed_in("coord")
    _enrol(admin, coordinator)
    url = f"/admin/users/{analyst_kiruna.pk}/two-factor-reset/"
    assert admin.get(url).status_code == 200
    assert admin.post(url).status_code == 302
    assert not TOTPDevice.objects.filter(user=analyst_kiruna).exists()
    assert not StaticToken.objects.filter(device__user=analyst_kiruna).exists()
    entry = ModelLogEntry.objects.get(action="stigar.two_factor.reset", object_id=str(analyst_kiruna.pk))
    assert entry.user_id == coordinator.pk
    # Next sign-in: set it up again.
    client = _signed_in("analyst-kiruna")
    assert client.get("/accounts/two-factor/")["Location"].startswith("/accounts/two-factor/setup/")


def test_only_the_coordinating_team_resets(lead_kiruna: User, analyst_kiruna: User) -> None:
    client = Client()
    client.force_login(lead_kiruna)
    assert client.post(f"/admin/users/{analyst_kiruna.pk}/two-factor-reset/").status_code in (302, 403)
    user_with_role("partner", username="p2")
    assert ModelLogEntry.objects.filter(action="stigar.two_factor.reset").count() == 0
