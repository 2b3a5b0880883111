from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "conversations"
    verbose_name = _("Conversations")

    def ready(self) -> None:
        # The events other apps raise (a result logged, a page published) reach watchers through these receivers,
        # so sprints and knowledge need not know that conversations exist.
        from . import signals

        signals.connect()
        # The monthly digest (knowledge) honours the same e-mail choice: "no e-mail" stops it too.
        # It also carries the same signed one-click unsubscribe link and headers.
        from knowledge.services import DIGEST_RECIPIENT_FILTERS, DIGEST_UNSUBSCRIBE_URLS

        from .mail import unsubscribe_url, without_email_off

        if without_email_off not in DIGEST_RECIPIENT_FILTERS:
            DIGEST_RECIPIENT_FILTERS.append(without_email_off)
        if unsubscribe_url not in DIGEST_UNSUBSCRIBE_URLS:
            DIGEST_UNSUBSCRIBE_URLS.append(unsubscribe_url)
