"""Single sign-on with OpenID Connect (mozilla-django-oidc), on by settings (OIDC_RP_CLIENT_ID): the provider says who
the person is and which municipality they work for; the role stays the coordinating team's decision."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from themes.permissions import role_of

from . import services


class StigarOIDCBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("email")) and claims.get("email_verified", True) is not False

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[Any]:
        # Matched by e-mail address, deactivated accounts included: the callback refuses those, and a person who
        # left the programme must not come back as a new account.
        return get_user_model().objects.filter(email__iexact=claims.get("email", ""))

    def create_user(self, claims: dict[str, Any]) -> Any:
        return services.sso_person_create(claims=claims)

    def update_user(self, user: Any, claims: dict[str, Any]) -> Any:
        services.sso_claims_record(person=user, claims=claims)
        return user


def _enabled() -> None:
    # The library's views read their settings when they are made; without SSO configured the paths do not exist.
    if not settings.STIGAR_SSO_ENABLED:
        raise Http404


def sign_in(request: HttpRequest) -> HttpResponse:
    _enabled()
    response: HttpResponse = OIDCAuthenticationRequestView.as_view()(request)
    return response


def callback(request: HttpRequest) -> HttpResponse:
    _enabled()
    response: HttpResponse = OIDCAuthenticationCallbackView.as_view()(request)
    if request.user.is_authenticated and role_of(request.user) is None:
        messages.info(
            request,
            _(
                "You are signed in. The coordinating team gives you your role in Stigar; until then you see what "
                "everyone sees."
            ),
        )
    return response
