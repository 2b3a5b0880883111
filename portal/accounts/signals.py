"""Whichever path saves an account as inactive (the admin's form, its bulk action, a service), its access ends at once;
at sign-in the session remembers whether the person has a second factor to pass."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django_otp import user_has_device

from .middleware import HAS_SECOND_FACTOR_SESSION_KEY
from .services import person_end_access


def _end_access_of_inactive(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if not created and not instance.is_active:
        person_end_access(instance)


def _remember_second_factor(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[HAS_SECOND_FACTOR_SESSION_KEY] = user_has_device(user, confirmed=True)


def connect() -> None:
    user_logged_in.connect(_remember_second_factor, dispatch_uid="stigar-remember-second-factor")
    post_save.connect(_end_access_of_inactive, sender=get_user_model(), dispatch_uid="stigar-end-access")
