from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self) -> None:
        # The figures are cached; the signals that invalidate them are wired here, where the dashboard is loaded.
        from . import cache

        cache.connect()
