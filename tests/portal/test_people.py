"""People in the Wagtail admin: role and municipality through themes' service, audit log, deactivation, invitations."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from pytest_django import DjangoCaptureOnCommitCallbacks
from rest_framework.authtoken.models import Token
from wagtail.models import APIToken, ModelLogEntry

from portal.accounts.models import Invitation
from portal.accounts.services import api_token_create, person_deactivate
from tests.factories import user_with_role
from themes.models import Membership, Municipality, Role
from themes.permissions import role_of
from themes.services import MEMBERSHIP_LOG_ACTION, membership_assign

pytestmark = pytest.mark.django_db


def _fresh(user: User) -> User:
    return get_user_model().objects.get(pk=user.pk)


def _edit_data(person: User, **changes: str | None) -> dict[str, str]:
    data: dict[str, str | None] = {
        "username": person.username,
        "email": person.email,
        "first_name": person.first_name or "Kim",
        "last_name": person.last_name or "Nilsson",
        "is_active": "on",
        "stigar_role": "",
        "stigar_municipality": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_role_change_is_in_the_audit_log_with_who_and_old_and_new(
    coordinator: User, lead_kiruna: User, lulea: Municipality
) -> None:
    membership_assign(user=lead_kiruna, role=Role.ANALYST, municipality=lulea, by=coordinator)
    entry = ModelLogEntry.objects.filter(action=MEMBERSHIP_LOG_ACTION, object_id=str(lead_kiruna.pk)).latest(
        "timestamp"
    )
    assert entry.user_id == coordinator.pk
    assert entry.timestamp is not None
    assert entry.data["old"]["role"] == "lead"
    assert entry.data["old"]["municipality"] == "kiruna"
    assert entry.data["new"]["role"] == "analyst"
    assert entry.data["new"]["municipality"] == "lulea"
    assert entry.message == "Roll ändrad: Projektledare, Kiruna → Analytiker, Luleå"


def test_only_the_coordinating_team_changes_roles(lead_kiruna: User, lead_lulea: User) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        membership_assign(user=lead_lulea, role=Role.COORDINATOR, by=lead_kiruna)
    assert role_of(_fresh(lead_lulea)) == "lead"


def test_the_admin_edit_form_sets_role_and_municipality_and_the_history_shows_it(
    client: Client, coordinator: User, lead_kiruna: User, lulea: Municipality
) -> None:
    client.force_login(coordinator)
    url = f"/admin/users/edit/{lead_kiruna.pk}/"
    form = client.get(url)
    assert form.status_code == 200
    assert 'name="stigar_role"' in form.content.decode()
    response = client.post(
        url, _edit_data(lead_kiruna, stigar_role="analyst", stigar_municipality=str(lulea.pk))
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = Membership.objects.get(user=lead_kiruna)
    assert (membership.role, membership.municipality) == ("analyst", lulea)
    history = client.get(f"/admin/users/history/{lead_kiruna.pk}/")
    assert "Projektledare, Kiruna → Analytiker, Luleå" in history.content.decode()


def test_a_lead_without_a_municipality_is_refused_in_the_admin(
    client: Client, coordinator: User, lead_kiruna: User
) -> None:
    client.force_login(coordinator)
    response = client.post(
        f"/admin/users/edit/{lead_kiruna.pk}/", _edit_data(lead_kiruna, stigar_role="lead")
    )
    assert response.status_code == 200
    assert "hör till en kommun" in response.content.decode()
    municipality = Membership.objects.get(user=lead_kiruna).municipality
    assert municipality is not None
    assert municipality.slug == "kiruna"


def test_the_people_list_filters_by_role_and_municipality(
    client: Client, coordinator: User, lead_kiruna: User, lead_lulea: User, kiruna: Municipality
) -> None:
    analyst = user_with_role("analyst", "kiruna", username="analyst-kiruna")
    client.force_login(coordinator)
    leads = client.get("/admin/users/", {"role": "lead"}).content.decode()
    assert "lead-kiruna" in leads
    assert "lead-lulea" in leads
    assert "analyst-kiruna" not in leads
    in_kiruna = client.get("/admin/users/", {"municipality": kiruna.pk}).content.decode()
    assert "lead-kiruna" in in_kiruna
    assert analyst.username in in_kiruna
    assert "lead-lulea" not in in_kiruna
    assert "Projektledare" in leads  # the role column


def _signed_in_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_deactivating_ends_sessions_and_revokes_tokens_at_once(coordinator: User, partner: User) -> None:
    session_client = _signed_in_client(partner)
    assert session_client.get("/").context["user"] == partner
    _token, plaintext = api_token_create(person=partner, name="weekly report")
    Token.objects.create(user=partner)
    assert Client().get("/api/sprints/", HTTP_AUTHORIZATION=f"Bearer {plaintext}").status_code == 200

    person_deactivate(person=partner, by=coordinator)

    assert not any(
        str(s.get_decoded().get("_auth_user_id")) == str(partner.pk) for s in Session.objects.all()
    )
    assert not session_client.get("/").context["user"].is_authenticated
    assert not APIToken.objects.filter(user=partner, revoked_at__isnull=True).exists()
    assert not Token.objects.filter(user=partner).exists()
    assert Client().get("/api/sprints/", HTTP_AUTHORIZATION=f"Bearer {plaintext}").status_code in (401, 403)
    assert ModelLogEntry.objects.filter(action="stigar.person.deactivate", object_id=str(partner.pk)).exists()
    # The account and what it made stay.
    assert get_user_model().objects.filter(pk=partner.pk, is_active=False).exists()


def test_deactivating_in_the_admin_form_ends_access(
    client: Client, coordinator: User, lead_kiruna: User, kiruna: Municipality
) -> None:
    other = _signed_in_client(lead_kiruna)
    client.force_login(coordinator)
    data = _edit_data(lead_kiruna, is_active=None, stigar_role="lead", stigar_municipality=str(kiruna.pk))
    assert client.post(f"/admin/users/edit/{lead_kiruna.pk}/", data).status_code == 302
    assert not _fresh(lead_kiruna).is_active
    assert not other.get("/").context["user"].is_authenticated
    assert ModelLogEntry.objects.filter(
        action="stigar.person.deactivate", object_id=str(lead_kiruna.pk)
    ).exists()


def test_the_coordinator_invites_and_resends_from_the_admin(
    client: Client,
    coordinator: User,
    kiruna: Municipality,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    client.force_login(coordinator)
    assert client.get("/admin/invitations/add/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/invitations/add/",
            {"email": "ny@kiruna.example", "role": "lead", "municipality": kiruna.pk, "language": "sv"},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="ny@kiruna.example")
    assert invitation.invited_by == coordinator
    assert "http://testserver/accounts/invitation/" in mail.outbox[0].body
    listing = client.get("/admin/invitations/").content.decode()
    assert "ny@kiruna.example" in listing
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/admin/invitations/{invitation.pk}/resend/").status_code == 302
    assert len(mail.outbox) == 2


def test_people_screens_are_the_coordinating_teams(client: Client, lead_kiruna: User) -> None:
    client.force_login(lead_kiruna)
    # Wagtail's admin answers a refusal with a redirect to its dashboard and a message.
    for url in ("/admin/invitations/", "/admin/invitations/add/", "/admin/users/"):
        assert client.get(url).status_code in (302, 403), url
    assert client.post(
        "/admin/invitations/add/", {"email": "x@example.test", "role": "coordinator"}
    ).status_code in (
        302,
        403,
    )
    assert not Invitation.objects.exists()
