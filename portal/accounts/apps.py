"""Wagtail's users app, with Stigar's people screens in place of its user viewset."""

from wagtail.users.apps import WagtailUsersAppConfig


class PeopleAdminConfig(WagtailUsersAppConfig):
    user_viewset = "portal.accounts.admin.PeopleViewSet"
