from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "conversations"
    verbose_name = _("Conversations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The events other apps raise (a result logged, a page published) reach watchers through these receivers,
        # so sprints and knowledge need not know that conversations exist.
        from . import signals

        signals.connect()
