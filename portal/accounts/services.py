"""Writes of people and access: invitations, deactivation, the second factor, the profile and personal API tokens.

Each is one transaction with its permission check inside (themes.permissions); e-mails go out when it commits.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from wagtail.log_actions import log
from wagtail.models import APIToken
from wagtail.users.models import UserProfile

from themes.models import Municipality, Role
from themes.permissions import require_manage_people
from themes.selectors import municipality_by_code
from themes.services import membership_assign

from .models import LANGUAGES, Invitation, SingleSignOn, token_digest

DEACTIVATE_LOG_ACTION = "stigar.person.deactivate"
TWO_FACTOR_RESET_LOG_ACTION = "stigar.two_factor.reset"
SSO_FIRST_SIGN_IN_LOG_ACTION = "stigar.sso.first_sign_in"
LANGUAGE_CODES = frozenset(code for code, _name in LANGUAGES)


def _base_url(base_url: str | None) -> str:
    return (base_url or settings.WAGTAILADMIN_BASE_URL).rstrip("/")


def invitation_link(*, token: str, language: str, base_url: str | None = None) -> str:
    """The absolute URL of the set-password page; the page itself speaks the invitation's language."""
    with translation.override(language):
        path = reverse("accounts:invitation", kwargs={"token": token})
    return f"{_base_url(base_url)}{path}"


def _new_token(invitation: Invitation) -> str:
    token = secrets.token_urlsafe(32)
    invitation.token_hash = token_digest(token)
    now = timezone.now()
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=settings.STIGAR_INVITATION_DAYS)
    return token


def _send_invitation_email(invitation: Invitation, link: str) -> None:
    with translation.override(invitation.language):
        context = {
            "invitation": invitation,
            "link": link,
            "role": Role(invitation.role).label,
            "municipality": invitation.municipality,
            "days": settings.STIGAR_INVITATION_DAYS,
        }
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/email/invitation_body.txt", context)
    send_mail(subject, body, None, [invitation.email])


def _active_account_exists(email: str) -> bool:
    return get_user_model().objects.filter(email__iexact=email, is_active=True).exists()


def invitation_create(
    *,
    email: str,
    role: str,
    municipality: Municipality | None = None,
    language: str = "sv",
    by: Any = None,
    base_url: str | None = None,
    skip_permission_checks: bool = False,
) -> tuple[Invitation, str]:
    """Invite `email` in `role` (leads and analysts: of `municipality`); e-mails the link in `language` once the
    transaction commits. Returns the invitation and the link (the token itself is stored only as a digest)."""
    if not skip_permission_checks:
        require_manage_people(by)
    email = get_user_model().objects.normalize_email(email.strip())
    if role not in Role.values:
        raise ValidationError(
            _("Unknown role %(role)s: use coordinator, lead, analyst or partner.") % {"role": role}
        )
    if role in (Role.LEAD, Role.ANALYST) and municipality is None:
        raise ValidationError(
            _("A %(role)s belongs to a municipality: choose one.") % {"role": Role(role).label.lower()}
        )
    if role in (Role.COORDINATOR, Role.PARTNER):
        municipality = None
    if language not in LANGUAGE_CODES:
        raise ValidationError(_("Unknown language %(language)s: use sv or en.") % {"language": language})
    if _active_account_exists(email):
        raise ValidationError(_("%(email)s already has an active account.") % {"email": email})
    with transaction.atomic():
        invitation = Invitation(
            email=email,
            role=role,
            municipality=municipality,
            language=language,
            invited_by=by if getattr(by, "is_authenticated", False) else None,
        )
        token = _new_token(invitation)
        invitation.full_clean(exclude=["token_hash", "invited_by", "person"])
        invitation.save()
        link = invitation_link(token=token, language=language, base_url=base_url)
        transaction.on_commit(lambda: _send_invitation_email(invitation, link))
    return invitation, link


def invitation_resend(
    *,
    invitation: Invitation,
    by: Any = None,
    base_url: str | None = None,
    skip_permission_checks: bool = False,
) -> str:
    """Send a pending or expired invitation again with a new link and a new expiry; the old link stops working."""
    if not skip_permission_checks:
        require_manage_people(by)
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been accepted."))
    if _active_account_exists(invitation.email):
        raise ValidationError(_("%(email)s already has an active account.") % {"email": invitation.email})
    with transaction.atomic():
        token = _new_token(invitation)
        invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
        link = invitation_link(token=token, language=invitation.language, base_url=base_url)
        transaction.on_commit(lambda: _send_invitation_email(invitation, link))
    return link


def _unique_username(email: str) -> str:
    """People sign in with their e-mail address; a clash with an older account gets a number."""
    User = get_user_model()
    candidate, n = email[:150], 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{email[: 150 - len(str(n)) - 1]}-{n}"
    return candidate


def invitation_accept(*, token: str, password: str, first_name: str = "", last_name: str = "") -> User:
    """Turn an invitation into an account with this password and the invited role; single use.

    A deactivated account with the same address is reactivated (its content and history are kept). The check on
    who may give the role was made when the coordinator sent the invitation; the audit log names them.
    """
    User = get_user_model()
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("municipality", "invited_by")
            .filter(token_hash=token_digest(token))
            .first()
        )
        if invitation is None:
            raise ValidationError(_("This invitation link is not valid."), code="invalid")
        if invitation.status == Invitation.Status.ACCEPTED:
            raise ValidationError(_("This invitation has already been used."), code="used")
        if invitation.status == Invitation.Status.EXPIRED:
            raise ValidationError(_("This invitation has expired."), code="expired")
        if _active_account_exists(invitation.email):
            raise ValidationError(_("This address already has an account."), code="used")
        person = User.objects.filter(email__iexact=invitation.email).order_by("-last_login").first()
        if person is None:
            person = User(username=_unique_username(invitation.email), email=invitation.email)
        person.is_active = True
        person.first_name = first_name.strip()[:150] or person.first_name
        person.last_name = last_name.strip()[:150] or person.last_name
        person.set_password(password)
        person.save()
        membership_assign(
            user=person,
            role=Role(invitation.role),
            municipality=invitation.municipality,
            by=invitation.invited_by,
            skip_permission_checks=True,
        )
        profile = UserProfile.get_for_user(person)
        profile.preferred_language = invitation.language
        profile.save(update_fields=["preferred_language"])
        invitation.accepted_at = timezone.now()
        invitation.person = person
        invitation.save(update_fields=["accepted_at", "person"])
    return person


# --- Leaving the programme ------------------------------------------------------------------------------------------


def person_end_access(person: User) -> None:
    """End every session and revoke every API token of `person` (called whenever an account is saved inactive).

    Django already refuses an inactive user's session on the next request; deleting the sessions and revoking the
    tokens makes that visible in the data and keeps it so if the account is reactivated later.
    """
    now = timezone.now()
    APIToken.objects.filter(user=person, revoked_at__isnull=True).update(revoked_at=now)
    Token.objects.filter(user=person).delete()
    if settings.SESSION_ENGINE in (
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    ):
        store = import_module(settings.SESSION_ENGINE).SessionStore
        for session in Session.objects.filter(expire_date__gt=now).iterator():
            if str(session.get_decoded().get("_auth_user_id")) == str(person.pk):
                store(session_key=session.session_key).delete()


@transaction.atomic
def person_deactivate(*, person: User, by: Any = None, skip_permission_checks: bool = False) -> None:
    """`person` leaves the programme: the account can no longer sign in; their content and history stay."""
    if not skip_permission_checks:
        require_manage_people(by)
    if getattr(by, "pk", None) == person.pk:
        raise PermissionDenied(_("You cannot deactivate your own account."))
    if person.is_active:
        person.is_active = False
        # Saving an inactive account ends its sessions and tokens (portal.accounts.signals), whichever path saves it.
        person.save(update_fields=["is_active"])
    log(
        instance=person,
        action=DEACTIVATE_LOG_ACTION,
        user=by if getattr(by, "is_authenticated", False) else None,
    )


# --- The second factor -------------------------------------------------------------------------------------------


def two_factor_confirmed_devices(person: User) -> list[Any]:
    return list(devices_for_user(person, confirmed=True))


def totp_device_pending(*, person: User) -> TOTPDevice:
    """The authenticator-app device being set up (unconfirmed until the person enters a code from it)."""
    device = TOTPDevice.objects.filter(user=person, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=person, name=_("Authenticator app"), confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, person: User, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the authenticator app with a code from it; returns a new set of recovery codes (shown once)."""
    if device.user_id != person.pk:
        raise PermissionDenied
    if not device.verify_token(token.strip().replace(" ", "")):
        raise ValidationError(_("The code is not right. Enter the six digits your app shows now."))
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # One authenticator per person: setting up a new phone replaces the old one.
    TOTPDevice.objects.filter(user=person, confirmed=True).exclude(pk=device.pk).delete()
    return recovery_codes_regenerate(person=person)


@transaction.atomic
def recovery_codes_regenerate(*, person: User) -> list[str]:
    """A new set of single-use recovery codes; the old set stops working."""
    device, _created = StaticDevice.objects.get_or_create(
        user=person, name="recovery", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(settings.STIGAR_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def two_factor_remove(*, person: User) -> None:
    """The person removes their own second factor (refused by the views while their role requires one)."""
    for device in devices_for_user(person, confirmed=None):
        device.delete()


@transaction.atomic
def two_factor_reset(*, person: User, by: Any = None, skip_permission_checks: bool = False) -> None:
    """A coordinator resets a person's second factor (lost phone): they set it up again at their next sign-in."""
    if not skip_permission_checks:
        require_manage_people(by)
    for device in devices_for_user(person, confirmed=None):
        device.delete()
    log(
        instance=person,
        action=TWO_FACTOR_RESET_LOG_ACTION,
        user=by if getattr(by, "is_authenticated", False) else None,
    )


# --- The profile and personal API tokens ---------------------------------------------------------------------


@transaction.atomic
def profile_update(*, person: User, first_name: str, last_name: str, email: str, language: str) -> None:
    """A person changes their own name, e-mail address and language (the portal's, the admin's and e-mails')."""
    if language not in LANGUAGE_CODES:
        raise ValidationError(_("Unknown language %(language)s: use sv or en.") % {"language": language})
    email = get_user_model().objects.normalize_email(email.strip()).lower()
    if get_user_model().objects.filter(email__iexact=email, is_active=True).exclude(pk=person.pk).exists():
        raise ValidationError({"email": _("Another account already uses this address.")})
    person.first_name, person.last_name, person.email = first_name.strip(), last_name.strip(), email
    person.full_clean(exclude=["password", "username"])
    person.save(update_fields=["first_name", "last_name", "email"])
    profile = UserProfile.get_for_user(person)
    profile.preferred_language = language
    profile.save(update_fields=["preferred_language"])


def preferred_language(person: Any) -> str | None:
    """The person's language for the portal and e-mails, if they chose one."""
    if not getattr(person, "is_authenticated", False):
        return None
    language = UserProfile.get_for_user(person).preferred_language
    return language if language in LANGUAGE_CODES else None


@transaction.atomic
def api_token_create(*, person: User, name: str) -> tuple[APIToken, str]:
    """A named personal API token for scripts; returns it and its plaintext (shown once, stored only as a digest)."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. the script that uses it.")})
    if not person.is_active:
        raise PermissionDenied
    token, plaintext = APIToken.create_token(user=person, name=name[:255])
    log(instance=token, action="wagtail.apitoken.create", user=person)
    return token, plaintext


@transaction.atomic
def api_token_revoke(*, person: User, token_id: int) -> None:
    """Revoke one of `person`'s own tokens at once."""
    token = APIToken.objects.filter(user=person, pk=token_id, revoked_at__isnull=True).first()
    if token is None:
        raise PermissionDenied(_("No such token."))
    token.revoke()
    log(instance=token, action="wagtail.apitoken.revoke", user=person)


# --- Single sign-on (OpenID Connect) ---------------------------------------------------------------------------


def _claimed_municipality(claims: dict[str, Any]) -> Municipality | None:
    value = claims.get(settings.STIGAR_OIDC_MUNICIPALITY_CLAIM)
    if isinstance(value, list):
        value = value[0] if value else None
    if value in (None, ""):
        return None
    try:
        return municipality_by_code(str(value))
    except Municipality.DoesNotExist:
        return None


@transaction.atomic
def sso_person_create(*, claims: dict[str, Any]) -> User:
    """The first sign-in of a person through the identity provider: an account without a role, waiting for a
    coordinator, with the municipality the provider's claim names (if it names one of the 14)."""
    email = get_user_model().objects.normalize_email(str(claims["email"]).strip())
    person = get_user_model()(
        username=_unique_username(email),
        email=email,
        first_name=str(claims.get("given_name", ""))[:150],
        last_name=str(claims.get("family_name", ""))[:150],
    )
    # The identity provider holds the password; a Stigar one would be a second way in nobody manages.
    person.set_unusable_password()
    person.save()
    sso_claims_record(person=person, claims=claims)
    return person


@transaction.atomic
def sso_claims_record(*, person: User, claims: dict[str, Any]) -> SingleSignOn:
    """Keep what the identity provider says at each sign-in; it never changes the role, only proposes a municipality."""
    record, _created = SingleSignOn.objects.update_or_create(
        person=person,
        defaults={
            "subject": str(claims.get("sub", ""))[:255],
            "claimed_municipality": _claimed_municipality(claims),
            "last_seen": timezone.now(),
        },
    )
    return record


def second_factor_match(*, person: User, code: str) -> Any:
    """The confirmed device that accepts `code`, or None.

    A six-digit code is asked of the authenticator devices only and anything else of the recovery codes only:
    django-otp counts a refused code against the device that refused it, so offering a recovery code to the TOTP
    device would throttle the app's next, correct code.
    """
    code = code.strip().replace(" ", "")
    kind = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    for device in kind.objects.devices_for_user(person, confirmed=True):
        if device.verify_token(code):
            return device
    return None
