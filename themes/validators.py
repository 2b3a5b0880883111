"""Bounds on what a person can type: dates within the years the programme can plausibly concern."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Wide enough for any sprint, result or review date, narrow enough that date arithmetic (timelines, month axes)
# never reaches the ends of Python's date range.
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


def validate_plausible_date(value: datetime.date) -> None:
    """A model field validator: refuses a date outside EARLIEST_DATE..LATEST_DATE with a message in the reader's language."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            _("Choose a date between %(earliest)s and %(latest)s."),
            code="date_out_of_range",
            params={"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
        )
