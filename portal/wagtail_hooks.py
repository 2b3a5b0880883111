"""The portal's additions to the Wagtail admin: invitations, second-factor resets, and how their audit entries read."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets.button import Button

from themes.permissions import can_manage_people

from .accounts import admin as people_admin
from .accounts.services import (
    DEACTIVATE_LOG_ACTION,
    TWO_FACTOR_RESET_LOG_ACTION,
)


@hooks.register("register_admin_urls")
def register_people_urls() -> list[Any]:
    return [
        path("invitations/", people_admin.invitation_index, name="stigar_invitation_index"),
        path("invitations/add/", people_admin.invitation_add, name="stigar_invitation_add"),
        path("invitations/<int:pk>/resend/", people_admin.invitation_resend, name="stigar_invitation_resend"),
        path(
            "users/<int:pk>/two-factor-reset/", people_admin.two_factor_reset, name="stigar_two_factor_reset"
        ),
    ]


class PeopleMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return can_manage_people(request.user)


@hooks.register("register_settings_menu_item")
def register_invitations_menu_item() -> MenuItem:
    return PeopleMenuItem(_("Invitations"), reverse("stigar_invitation_index"), icon_name="mail", order=601)


@hooks.register("register_user_listing_buttons")
def two_factor_reset_button(user: Any, request_user: Any) -> list[Any]:
    if not can_manage_people(request_user):
        return []
    return [
        Button(
            _("Reset two-factor authentication"),
            url=reverse("stigar_two_factor_reset", args=[user.pk]),
            icon_name="key",
            priority=60,
        )
    ]


@hooks.register("register_log_actions")
def register_people_log_actions(actions: Any) -> None:
    actions.register_action(
        DEACTIVATE_LOG_ACTION, _("Deactivate"), _("Deactivated: sessions ended, API tokens revoked")
    )
    actions.register_action(
        TWO_FACTOR_RESET_LOG_ACTION, _("Reset two-factor"), _("Two-factor authentication reset")
    )
