"""The profile page: name, e-mail, language, second factor and personal API tokens for partners' scripts."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from wagtail.models import APIToken
from wagtail.users.models import UserProfile

from tests.matching import found
from tests.sprints.conftest import sprint_payload
from themes.models import Municipality

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client: Client) -> None:
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_name_email_and_language_are_saved_and_the_language_drives_the_portal(
    client: Client, partner: User
) -> None:
    client.force_login(partner)
    response = client.post(
        "/accounts/profile/",
        {
            "action": "profile",
            "first_name": "Pia",
            "last_name": "Partner",
            "email": "pia@region.example",
            "language": "en",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/profile/"
    partner.refresh_from_db()
    assert (partner.get_full_name(), partner.email) == ("Pia Partner", "pia@region.example")
    assert UserProfile.get_for_user(partner).preferred_language == "en"
    client.logout()
    login = client.post(
        "/accounts/login/", {"username": partner.username, "password": "correct-horse-battery-staple"}
    )
    # INTERFACES.md: login lands on the start page, in the person's language.
    assert login["Location"] == "/en/min-sida/"


def test_an_address_of_another_account_is_refused(client: Client, partner: User, coordinator: User) -> None:
    client.force_login(partner)
    response = client.post(
        "/accounts/profile/",
        {
            "action": "profile",
            "first_name": "",
            "last_name": "",
            "email": coordinator.email,
            "language": "sv",
        },
    )
    assert response.status_code == 400
    assert "Ett annat konto" in response.content.decode()


def test_a_named_token_is_shown_once_works_for_the_api_and_is_revoked_at_once(
    client: Client, lead_kiruna: User, kiruna: Municipality
) -> None:
    client.force_login(lead_kiruna)
    created = client.post("/accounts/profile/", {"action": "token_create", "name": "Veckorapport"})
    plaintext = found(r'<code id="new-token">([^<]+)</code>', created.content.decode(), 1)
    assert plaintext not in client.get("/accounts/profile/").content.decode()
    token = APIToken.objects.get(user=lead_kiruna)
    assert token.name == "Veckorapport"
    assert token.key_hash != plaintext

    script = Client()
    auth = {"Authorization": f"Bearer {plaintext}"}
    assert script.get("/api/sprints/", headers=auth).status_code == 200
    wrote = script.post("/api/sprints/", sprint_payload(), content_type="application/json", headers=auth)
    assert wrote.status_code == 201, wrote.content
    other = script.post(
        "/api/sprints/", sprint_payload(municipality="lulea"), content_type="application/json", headers=auth
    )
    assert other.status_code == 403

    client.post("/accounts/profile/", {"action": "token_revoke", "token": token.pk})
    assert script.get("/api/sprints/", headers=auth).status_code in (401, 403)


def test_a_person_cannot_revoke_someone_elses_token(client: Client, partner: User, lead_kiruna: User) -> None:
    token, _plaintext = APIToken.create_token(user=lead_kiruna, name="theirs")
    client.force_login(partner)
    client.post("/accounts/profile/", {"action": "token_revoke", "token": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is None


def test_profile_page_in_english(client: Client, partner: User) -> None:
    client.force_login(partner)
    page = client.get("/en/accounts/profile/").content.decode()
    assert "Personal API tokens" in page
    assert "Two-factor authentication" in page
