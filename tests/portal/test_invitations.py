"""Invitations: the service, the set-password page and `manage.py invite_user` (INTERFACES.md)."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks
from pytest_django.fixtures import Settings

from portal.accounts.models import Invitation
from portal.accounts.services import invitation_create, invitation_resend
from tests.factories import user_with_role
from themes.models import Municipality
from themes.permissions import municipality_of, role_of

pytestmark = pytest.mark.django_db

PASSWORD = "Midnattssol-over-Torne-2026"


def _path(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


Invite = Callable[..., tuple[Invitation, str]]


@pytest.fixture
def invite(
    coordinator: User,
    kiruna: Municipality,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> Invite:
    """Invite anna@kiruna.example as Kiruna's lead on the coordinator's behalf (keyword arguments change that), the
    e-mail sent as it is once the transaction commits; returns the invitation and its link."""

    def send(**kwargs: Any) -> tuple[Invitation, str]:
        defaults = {"email": "anna@kiruna.example", "role": "lead", "municipality": kiruna, "by": coordinator}
        with django_capture_on_commit_callbacks(execute=True):
            return invitation_create(**{**defaults, **kwargs})

    return send


def test_an_invitation_mails_a_link_that_sets_the_password_and_signs_in(
    client: Client,
    kiruna: Municipality,
    invite: Invite,
) -> None:
    invitation, link = invite()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["anna@kiruna.example"]
    assert link in mail.outbox[0].body
    assert mail.outbox[0].subject == "Du är inbjuden till Stigar"
    assert "som Projektledare för Kiruna" in mail.outbox[0].body
    assert invitation.token_hash not in link  # only a digest of the token is stored

    page = client.get(_path(link))
    assert page.status_code == 200
    assert "Kiruna" in page.content.decode()
    response = client.post(
        _path(link),
        {"first_name": "Anna", "last_name": "Nilsson", "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert response.status_code == 302
    person = get_user_model().objects.get(email="anna@kiruna.example")
    assert client.get("/").context["user"] == person
    assert role_of(person) == "lead"
    assert municipality_of(person) == kiruna
    assert person.check_password(PASSWORD)
    assert person.get_full_name() == "Anna Nilsson"


def test_the_link_works_once(
    client: Client,
    kiruna: Municipality,
    invite: Invite,
) -> None:
    _invitation, link = invite()
    data = {"new_password1": PASSWORD, "new_password2": PASSWORD}
    assert client.post(_path(link), data).status_code == 302
    client.logout()
    again = client.get(_path(link))
    assert again.status_code == 410
    assert "redan använts" in again.content.decode()
    assert client.post(_path(link), data).status_code == 410
    assert get_user_model().objects.filter(email="anna@kiruna.example").count() == 1


def test_an_expired_link_says_so_and_creates_nothing(
    client: Client,
    kiruna: Municipality,
    invite: Invite,
) -> None:
    invitation, link = invite()
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    page = client.get(_path(link))
    assert page.status_code == 410
    assert "har gått ut" in page.content.decode()
    client.post(_path(link), {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert not get_user_model().objects.filter(email="anna@kiruna.example").exists()


def test_the_invitation_expires_after_the_configured_days(
    settings: Settings,
    invite: Invite,
) -> None:
    settings.STIGAR_INVITATION_DAYS = 7
    invitation, _link = invite()
    assert abs((invitation.expires_at - timezone.now()) - datetime.timedelta(days=7)) < datetime.timedelta(
        minutes=1
    )


def test_an_english_invitation_is_written_and_shown_in_english(
    client: Client,
    invite: Invite,
) -> None:
    _invitation, link = invite(language="en")
    assert "You are invited to Stigar" in mail.outbox[0].subject
    assert "Project lead" in mail.outbox[0].body
    page = client.get(_path(link))
    assert '<html lang="en">' in page.content.decode()
    assert "Choose your password" in page.content.decode()


def test_resending_replaces_the_link_and_extends_the_expiry(
    client: Client,
    coordinator: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
    invite: Invite,
) -> None:
    invitation, old_link = invite()
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(days=1))
    invitation.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        new_link = invitation_resend(invitation=invitation, by=coordinator)
    assert new_link != old_link
    assert len(mail.outbox) == 2
    assert new_link in mail.outbox[1].body
    assert client.get(_path(old_link)).status_code == 404
    assert client.get(_path(new_link)).status_code == 200


def test_a_weak_or_mismatched_password_is_refused_on_the_page(
    client: Client,
    kiruna: Municipality,
    invite: Invite,
) -> None:
    _invitation, link = invite()
    weak = client.post(_path(link), {"new_password1": "stigar123", "new_password2": "stigar123"})
    assert weak.status_code == 200
    assert 'role="alert"' in weak.content.decode()
    mismatch = client.post(_path(link), {"new_password1": PASSWORD, "new_password2": PASSWORD + "x"})
    assert "inte samma" in mismatch.content.decode()
    assert not get_user_model().objects.filter(email="anna@kiruna.example").exists()


def test_only_the_coordinating_team_invites(lead_kiruna: User, kiruna: Municipality) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        invitation_create(email="x@example.test", role="lead", municipality=kiruna, by=lead_kiruna)


def test_a_deactivated_person_invited_again_gets_their_old_account_back(
    client: Client,
    kiruna: Municipality,
    invite: Invite,
) -> None:
    old = user_with_role("partner", username="old-partner", email="anna@kiruna.example")
    old.is_active = False
    old.save()
    _invitation, link = invite()
    client.post(_path(link), {"new_password1": PASSWORD, "new_password2": PASSWORD})
    again = get_user_model().objects.get(pk=old.pk)
    assert again.is_active
    assert role_of(again) == "lead"


# --- manage.py invite_user ---------------------------------------------------------------------------------------


def test_invite_user_prints_the_contract_json(
    capsys: pytest.CaptureFixture[str], kiruna: Municipality
) -> None:
    call_command(
        "invite_user", "--email", "lisa@example.test", "--role", "lead", "--municipality", "2584", "--json"
    )
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"email", "role", "municipality", "link", "expires"}
    assert report["email"] == "lisa@example.test"
    assert report["role"] == "lead"
    assert report["municipality"] == "kiruna"
    assert re.match(r"^https?://[^/]+/accounts/invitation/[^/]+/$", report["link"])
    expires = datetime.datetime.fromisoformat(report["expires"])
    assert expires.tzinfo is not None
    assert expires > timezone.now() + datetime.timedelta(days=6)


def test_invite_user_without_municipality_for_a_partner_is_null(capsys: pytest.CaptureFixture[str]) -> None:
    call_command(
        "invite_user", "--email", "p@example.test", "--role", "partner", "--json", "--language", "en"
    )
    report = json.loads(capsys.readouterr().out)
    assert report["municipality"] is None
    assert Invitation.objects.get(email="p@example.test").language == "en"


def test_invite_user_sends_the_email(
    kiruna: Municipality, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    # The e-mail goes when the command's transaction commits (here: the test's, hence the capture).
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "invite_user", "--email", "lisa@example.test", "--role", "analyst", "--municipality", "kiruna"
        )
    assert [m.to for m in mail.outbox] == [["lisa@example.test"]]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--role", "boss"], "Unknown role"),
        (["--role", "lead", "--municipality", "9999"], "No municipality"),
        (["--role", "lead", "--municipality", "stockholm"], "No municipality"),
        (["--role", "lead"], "municipality"),
        (["--role", "analyst"], "municipality"),
    ],
)
def test_invite_user_refuses_with_one_line(arguments: list[str], message: str) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("invite_user", "--email", "x@example.test", *arguments)
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)
    assert not Invitation.objects.exists()


def test_invite_user_refuses_an_address_with_an_active_account() -> None:
    user_with_role("partner", username="taken", email="taken@example.test")
    with pytest.raises(CommandError) as refused:
        call_command("invite_user", "--email", "taken@example.test", "--role", "partner")
    assert "already has an active account" in str(refused.value)


def test_invite_user_exits_1(tmp_path: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "manage.py", "invite_user", "--email", "x@example.test", "--role", "boss"],
        capture_output=True,
        text=True,
        env={
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "PATH": "/usr/bin:/bin",
            "STIGAR_DATA_DIR": str(tmp_path),
        },
        check=False,
    )
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Unknown role" in result.stderr
