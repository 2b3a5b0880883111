"""An invitation: a coordinator asks a person by e-mail to join in a role; the link in it sets their password once."""

from __future__ import annotations

import hashlib
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from themes.models import Municipality, Role, municipality_matches_role

LANGUAGES: list[tuple[str, str]] = [("sv", "Svenska"), ("en", "English")]


def token_digest(token: str) -> str:
    """What is stored of an invitation token: only its SHA-256, so a copy of the database opens no account."""
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the person")
        ACCEPTED = "accepted", _("Accepted")
        EXPIRED = "expired", _("Expired")

    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("municipality")
    )
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES, default="sv")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("account"),
    )

    objects: ClassVar[models.Manager[Invitation]]

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            municipality_matches_role(name="invitation_municipality_matches_role"),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def status(self) -> Invitation.Status:
        if self.accepted_at is not None:
            return Invitation.Status.ACCEPTED
        if self.expires_at <= timezone.now():
            return Invitation.Status.EXPIRED
        return Invitation.Status.PENDING

    def get_status_display(self) -> str:
        return str(self.status.label)


class SingleSignOn(models.Model):
    """A person who signs in through their organisation's identity provider (OpenID Connect), and the municipality
    its claim names. The claim only proposes: a coordinator gives the role (and confirms the municipality)."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="single_sign_on",
        verbose_name=_("account"),
    )
    subject = models.CharField(_("subject at the identity provider"), max_length=255)
    claimed_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality named by the identity provider"),
    )
    first_seen = models.DateTimeField(_("first sign-in"), default=timezone.now)
    last_seen = models.DateTimeField(_("last sign-in"), default=timezone.now)

    objects: ClassVar[models.Manager[SingleSignOn]]

    class Meta:
        verbose_name = _("single sign-on")
        verbose_name_plural = _("single sign-ons")

    def __str__(self) -> str:
        return f"{self.person} ({self.subject})"
