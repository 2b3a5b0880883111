"""Account pages in the portal's layout: sign-in, invitation, second factor, profile. Thin: services do the writes."""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from wagtail.models import APIToken

from themes.permissions import needs_second_factor

from . import services
from .forms import APITokenForm, ConfirmAppForm, InvitationAcceptForm, ProfileForm, SecondFactorForm
from .middleware import HAS_SECOND_FACTOR_SESSION_KEY
from .models import Invitation, token_digest


def _in_language(url: str, language: str | None) -> str:
    return translate_url(url, language) if language else url


def _safe_next(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


class LoginView(auth_views.LoginView):
    """Django's sign-in; the person lands in the language they chose on their profile."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["sso_enabled"] = settings.STIGAR_SSO_ENABLED
        context["sso_label"] = settings.STIGAR_SSO_LABEL
        return context

    def get_success_url(self) -> str:
        return _in_language(super().get_success_url(), services.preferred_language(self.request.user))


# --- Invitation -----------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The set-password page of an invitation link, in the invitation's language."""
    found = Invitation.objects.select_related("municipality").filter(token_hash=token_digest(token)).first()
    language = found.language if found else translation.get_language()
    with translation.override(language):
        if found is None or found.status != Invitation.Status.PENDING:
            status = found.status if found else "invalid"
            return render(
                request,
                "accounts/invitation_unusable.html",
                {"status": str(status), "invitation": found},
                status=404 if found is None else 410,
            )
        form = InvitationAcceptForm(request.POST or None, invitation=found)
        if request.method == "POST" and form.is_valid():
            try:
                person = services.invitation_accept(
                    token=token,
                    password=form.cleaned_data["new_password1"],
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                )
            except ValidationError as error:
                return render(
                    request,
                    "accounts/invitation_unusable.html",
                    {"status": error.code or "invalid", "invitation": found},
                    status=410,
                )
            login(request, person, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to Stigar! Your account is ready."))
            return redirect(_in_language(reverse(settings.LOGIN_REDIRECT_URL), found.language))
        return render(request, "accounts/invitation.html", {"form": form, "invitation": found})


# --- Second factor ------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponseBase:
    """Pass the second factor: a code from the authenticator app or a recovery code."""
    user: Any = request.user
    next_url = _safe_next(request, reverse(settings.LOGIN_REDIRECT_URL))
    if user.is_verified():
        return redirect(next_url)
    if not user_has_device(user, confirmed=True):
        return redirect(f"{reverse('accounts:two_factor_setup')}?next={next_url}")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.second_factor_match(person=user, code=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(next_url)
        form.add_error(
            "code", _("The code is not right, or it has been used. Try the code your app shows now.")
        )
    return render(request, "accounts/two_factor.html", {"form": form, "next": next_url})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponseBase:
    """Set up the authenticator app: scan the code, type one code from the app, keep the recovery codes."""
    user: Any = request.user
    next_url = _safe_next(request, reverse("accounts:profile"))
    if user_has_device(user, confirmed=True) and not user.is_verified():
        # Replacing a second factor needs the current one: else a stolen password would be enough to take it over.
        return redirect(f"{reverse('accounts:two_factor')}?next={request.get_full_path()}")
    device = services.totp_device_pending(person=user)
    form = ConfirmAppForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_device_confirm(person=user, device=device, token=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            otp_login(request, device)
            request.session[HAS_SECOND_FACTOR_SESSION_KEY] = True
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url})
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": qr.svg_inline(scale=5, dark="#1b2a2f", light="#ffffff", omitsize=False),
        "secret": _grouped(device.config_url.split("secret=")[1].split("&")[0]),
    }
    return render(request, "accounts/two_factor_setup.html", context)


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


# --- Profile ----------------------------------------------------------------------------------------------------


def _profile_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    user: Any = request.user
    devices = services.two_factor_confirmed_devices(user)
    context: dict[str, Any] = {
        "profile_form": ProfileForm(
            initial={
                "first_name": user.first_name,
                "last_name": user.last_name,
                "email": user.email,
                "language": services.preferred_language(user) or translation.get_language(),
            }
        ),
        "token_form": APITokenForm(),
        "tokens": APIToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created"),
        "has_app": any(d.persistent_id.startswith("otp_totp") for d in devices),
        "recovery_codes_left": sum(d.token_set.count() for d in devices if hasattr(d, "token_set")),
        "second_factor_required": settings.STIGAR_REQUIRE_2FA and needs_second_factor(user),
    }
    context.update(extra)
    return context


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "profile":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                services.profile_update(person=user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect(_in_language(reverse("accounts:profile"), form.cleaned_data["language"]))
        return render(
            request, "accounts/profile.html", _profile_context(request, profile_form=form), status=400
        )
    if action == "token_create":
        token_form = APITokenForm(request.POST)
        if token_form.is_valid():
            token, plaintext = services.api_token_create(person=user, name=token_form.cleaned_data["name"])
            return render(
                request,
                "accounts/profile.html",
                _profile_context(request, new_token=token, plaintext=plaintext),
            )
        return render(
            request, "accounts/profile.html", _profile_context(request, token_form=token_form), status=400
        )
    if action == "token_revoke":
        try:
            services.api_token_revoke(person=user, token_id=int(request.POST.get("token", "0")))
        except (PermissionDenied, ValueError):
            messages.error(request, _("No such token."))
        else:
            messages.success(request, _("The token is revoked: scripts that use it are refused from now on."))
        return redirect("accounts:profile")
    if action == "recovery_codes":
        codes = services.recovery_codes_regenerate(person=user)
        return render(
            request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse("accounts:profile")}
        )
    if action == "two_factor_remove":
        if settings.STIGAR_REQUIRE_2FA and needs_second_factor(user):
            messages.error(request, _("Your role requires a second factor: set up a new app instead."))
        else:
            services.two_factor_remove(person=user)
            request.session[HAS_SECOND_FACTOR_SESSION_KEY] = False
            messages.success(request, _("Two-factor authentication is turned off for your account."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", _profile_context(request))
