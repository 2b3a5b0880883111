"""The monthly digest runs from beat without arguments and mails the month that just ended."""

import datetime

import pytest
from celery.schedules import crontab
from django.conf import settings

from knowledge import tasks

pytestmark = pytest.mark.django_db


def test_beat_schedules_the_monthly_digest_on_the_first() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["knowledge-monthly-digest"]
    assert entry["task"] == "knowledge.tasks.send_last_months_digest"
    schedule = entry["schedule"]
    assert isinstance(schedule, crontab)
    assert schedule.day_of_month == {1}


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (datetime.date(2027, 1, 1), (2026, 12)),
        (datetime.date(2026, 3, 31), (2026, 2)),
        (datetime.date(2026, 11, 24), (2026, 10)),
    ],
)
def test_the_monthly_digest_covers_the_previous_calendar_month(
    today: datetime.date, expected: tuple[int, int]
) -> None:
    assert tasks.previous_month(today) == expected
