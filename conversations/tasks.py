"""Celery tasks of conversations: thin and idempotent; they import the services (mail, signals) inside their body,
which queue these tasks (HackSoft styleguide, "Celery")."""

from __future__ import annotations

from celery import shared_task

from .models import EmailPreference


@shared_task(name="conversations.tasks.send_immediate_notifications")
def send_immediate_notifications() -> int:
    """Queued after each fan-out, and every minute from beat as a safety net: mail whatever is pending."""
    from .mail import notifications_mail

    return notifications_mail(frequency=EmailPreference.Frequency.IMMEDIATE)


@shared_task(name="conversations.tasks.send_daily_summaries")
def send_daily_summaries() -> int:
    """Daily (beat, in the morning): one summary per person who chose it."""
    from .mail import notifications_mail

    return notifications_mail(frequency=EmailPreference.Frequency.DAILY)


@shared_task(name="conversations.tasks.notify_due_dates")
def notify_due_dates() -> int:
    """Daily (beat): reviews coming due, cards due tomorrow or overdue; each person hears of each once."""
    from .signals import due_dates_notify

    return due_dates_notify()
