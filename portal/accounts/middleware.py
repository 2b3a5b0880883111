"""STIGAR_REQUIRE_2FA: coordinators and analysts pass a second factor before they reach anything but the second-factor
pages themselves: portal pages and the admin redirect there, the session-authenticated API answers 403."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from themes.permissions import needs_second_factor

# Views an unverified person may still use: the second factor itself, signing out, switching language.
OPEN_VIEWS = frozenset(
    {
        "accounts:two_factor",
        "accounts:two_factor_setup",
        "logout",
        "wagtailadmin_logout",
        "set_language",
        "healthz",
    }
)


# Set at sign-in (portal.accounts.signals): whether the person has a second factor, so that the check costs no query.
HAS_SECOND_FACTOR_SESSION_KEY = "stigar_has_second_factor"


def second_factor_missing(request: HttpRequest) -> bool:
    """Whether the signed-in person must still pass a second factor in this session: anyone who has set one up, and
    with STIGAR_REQUIRE_2FA the coordinators and analysts."""
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return False
    verified = getattr(user, "is_verified", None)
    if verified is not None and verified():
        return False
    if request.session.get(HAS_SECOND_FACTOR_SESSION_KEY):
        return True
    return bool(settings.STIGAR_REQUIRE_2FA) and needs_second_factor(user)


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not second_factor_missing(request):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_VIEWS:
            return None
        if request.path_info.startswith("/api/"):
            if request.META.get("HTTP_AUTHORIZATION"):
                # A script's token decides alone: the half-signed-in session must not count.
                request.user = AnonymousUser()
                return None
            return JsonResponse(
                {"detail": _("Two-factor authentication required: sign in with your second factor first.")},
                status=403,
            )
        return redirect(f"{reverse('accounts:two_factor')}?{urlencode({'next': request.get_full_path()})}")
