"""Password reset at /accounts/password-reset/ (INTERFACES.md): never tells whether an address has an account."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from tests.factories import user_with_role
from tests.matching import found

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Norrsken-over-Abisko-2026"


def _normalised(html: bytes) -> str:
    # The CSRF token differs between any two responses; everything else must be the same.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html.decode())


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(client: Client) -> None:
    user_with_role("partner", username="partner", email="known@example.test")
    known = client.post("/accounts/password-reset/", {"email": "known@example.test"}, follow=True)
    unknown = client.post("/accounts/password-reset/", {"email": "nobody@example.test"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain == [("/accounts/password-reset/done/", 302)]
    assert known.status_code == unknown.status_code == 200
    assert _normalised(known.content) == _normalised(unknown.content)
    assert "Titta i din e-post" in known.content.decode()
    assert [m.to for m in mail.outbox] == [["known@example.test"]]


def test_the_reset_link_sets_a_new_password_once(client: Client) -> None:
    person = user_with_role("partner", username="partner", email="known@example.test")
    client.post("/accounts/password-reset/", {"email": "known@example.test"})
    link = found(r"https?://[^/\s]+(/accounts/password-reset/[^\s]+/)", mail.outbox[0].body, 1)
    form = client.get(link, follow=True)
    assert "Välj ett nytt lösenord" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == "/accounts/password-reset/complete/"
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert "kan inte användas" in client.get(link, follow=True).content.decode()


def test_the_e_mail_is_in_the_language_the_person_chose(client: Client) -> None:
    from wagtail.users.models import UserProfile

    person = user_with_role("partner", username="partner", email="known@example.test")
    profile = UserProfile.get_for_user(person)
    profile.preferred_language = "en"
    profile.save()
    client.post("/accounts/password-reset/", {"email": "known@example.test"})
    assert mail.outbox[0].subject == "Choose a new password for Stigar"
    assert "/en/accounts/password-reset/" in mail.outbox[0].body


def test_pages_in_english(client: Client) -> None:
    page = client.get("/en/accounts/password-reset/")
    assert "Reset your password" in page.content.decode()
    done = client.get("/en/accounts/password-reset/done/")
    assert "Check your e-mail" in done.content.decode()


def test_the_login_page_links_to_the_reset(client: Client) -> None:
    assert 'href="/accounts/password-reset/"' in client.get("/accounts/login/").content.decode()
    assert 'href="/en/accounts/password-reset/"' in client.get("/en/accounts/login/").content.decode()
