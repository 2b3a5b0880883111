"""Celery tasks of the knowledge app: thin, idempotent wrappers around services."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="knowledge.tasks.send_review_reminders")
def send_review_reminders() -> int:
    """Weekly (beat): remind owners of pages past their review date; at most once per owner and week."""
    return services.review_reminders_send()


@shared_task(name="knowledge.tasks.send_monthly_digest")
def send_monthly_digest(year: int, month: int) -> int:
    """The month's digest to everyone in the programme; at most once per person and month."""
    return services.digest_send(year=year, month=month)


@shared_task(name="knowledge.tasks.send_last_months_digest")
def send_last_months_digest() -> int:
    """Monthly (beat, on the 1st): the digest of the month that just ended."""
    year, month = previous_month(timezone.localdate())
    return services.digest_send(year=year, month=month)


def previous_month(today: datetime.date) -> tuple[int, int]:
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    return last_month.year, last_month.month
