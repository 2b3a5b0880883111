"""Notifications by e-mail: at once or as a daily summary, per person, in their own language, one SMTP connection
per batch, with a signed one-click unsubscribe (RFC 8058)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import selectors
from .models import EmailPreference, Notification
from .services import unsubscribe_token

# Older notifications are not mailed: someone who turns e-mail on again is not sent a backlog.
WINDOW = datetime.timedelta(days=2)
BATCH = 500


def absolute(path: str) -> str:
    base: str = settings.WAGTAILADMIN_BASE_URL
    return base.rstrip("/") + path


def unsubscribe_url(person: Any, language: str) -> str:
    with translation.override(language):
        return absolute(reverse("conversations:unsubscribe", args=(unsubscribe_token(person),)))


def _pending(frequency: str, now: datetime.datetime) -> Any:
    chosen = Q(recipient__email_preference__frequency=frequency)
    if frequency == EmailPreference.Frequency.IMMEDIATE:
        chosen |= Q(recipient__email_preference__isnull=True)
    return (
        Notification.objects.filter(chosen, emailed_at__isnull=True, created_at__gte=now - WINDOW)
        .filter(recipient__is_active=True)
        .exclude(recipient__email="")
    )


def _message(person: Any, notifications: Sequence[Notification], *, summary: bool) -> EmailMultiAlternatives:
    language = selectors.language_of(person)
    with translation.override(language):
        items = [
            {"text": n.text, "url": absolute(selectors.localized(n.url, language)), "created": n.created_at}
            for n in notifications
        ]
        unsubscribe = unsubscribe_url(person, language)
        context = {
            "person": person,
            "items": items,
            "summary": summary,
            "unsubscribe_url": unsubscribe,
            "inbox_url": absolute(
                selectors.localized(reverse_unprefixed("conversations:notifications"), language)
            ),
            "settings_url": absolute(
                selectors.localized(reverse_unprefixed("conversations:my-page"), language)
            )
            + "#email",
        }
        if summary:
            subject = ngettext(
                "Stigar: your daily summary, %(count)s notification",
                "Stigar: your daily summary, %(count)s notifications",
                len(items),
            ) % {"count": len(items)}
        elif len(items) == 1:
            subject = _("Stigar: %(text)s") % {"text": items[0]["text"]}
        else:
            subject = _("Stigar: %(count)s new notifications") % {"count": len(items)}
        text = render_to_string("conversations/email/notifications.txt", context)
        html = render_to_string("conversations/email/notifications.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        None,
        [person.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def without_email_off(people: Any) -> Any:
    """People who have not turned e-mail off (the monthly digest's recipients are narrowed by this)."""
    return people.exclude(email_preference__frequency=EmailPreference.Frequency.OFF)


def reverse_unprefixed(name: str) -> str:
    with translation.override("sv"):
        return reverse(name)


def notifications_mail(*, frequency: str, now: datetime.datetime | None = None) -> int:
    """Mail every pending notification of the people who chose `frequency`: one message per person, all messages
    over one SMTP connection. Returns the number of messages sent.

    The rows are claimed (stamped) before sending, so two workers never send the same one; if the connection fails
    they are released for the next run.
    """
    now = now or timezone.now()
    ids = list(
        _pending(frequency, now).order_by("recipient_id", "created_at").values_list("pk", flat=True)[:BATCH]
    )
    if not ids:
        return 0
    Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(emailed_at=now)
    claimed = list(
        Notification.objects.filter(pk__in=ids, emailed_at=now)
        .select_related("actor", "recipient__wagtail_userprofile")
        .order_by("recipient_id", "created_at", "pk")
    )
    by_person: dict[int, list[Notification]] = {}
    for notification in claimed:
        by_person.setdefault(notification.recipient_id, []).append(notification)
    messages = [
        _message(rows[0].recipient, rows, summary=frequency == EmailPreference.Frequency.DAILY)
        for rows in by_person.values()
    ]
    try:
        with get_connection() as connection:
            sent = connection.send_messages(messages) or 0
    except Exception:
        Notification.objects.filter(pk__in=[n.pk for n in claimed]).update(emailed_at=None)
        raise
    return int(sent)
