"""Exchange meetings as iCalendar (RFC 5545): the feed of the meetings a person may see, and one meeting's .ics.

A meeting in Stigar has a date, not a time (the import format's `date`), so each one is an all-day event: a
calendar then shows it on that day wherever the reader is, instead of inventing an hour. The calendar says that
the programme's time is Europe/Stockholm (a VTIMEZONE and X-WR-TIMEZONE), for clients that place all-day events
and for any timed entry a reader adds to it; stamps (DTSTAMP, LAST-MODIFIED) are UTC as the RFC requires.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import icalendar
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from .models import ExchangeMeetingPage

TIME_ZONE = "Europe/Stockholm"
PRODUCT = "-//North Sweden Green Deal//Stigar//SV"


def _event(meeting: ExchangeMeetingPage, *, request: HttpRequest, host: str) -> icalendar.Event:
    assert meeting.date is not None  # callers pass dated meetings only
    event = icalendar.Event()
    event.add("uid", f"exchange-meeting-{meeting.pk}@{host}")
    event.add("summary", meeting.title)
    event.add("dtstart", meeting.date)
    event.add("dtend", meeting.date + datetime.timedelta(days=1))
    stamp = meeting.last_published_at or meeting.first_published_at or timezone.now()
    event.add("dtstamp", stamp.astimezone(datetime.UTC))
    event.add("last-modified", stamp.astimezone(datetime.UTC))
    url = request.build_absolute_uri(meeting.get_url(request=request) or "/")
    event.add("url", url)
    places = [m.name for m in meeting.participating_municipalities.all()]
    lines = [Truncator(strip_tags(meeting.summary or "")).words(60)]
    if places:
        lines.append(_("Participating municipalities: %(names)s") % {"names": ", ".join(places)})
    lines.append(url)
    event.add("description", "\n\n".join(line for line in lines if line))
    event.add("transp", "TRANSPARENT")
    return event


def meetings_calendar(meetings: Iterable[ExchangeMeetingPage], *, request: HttpRequest, name: str) -> bytes:
    """The meetings as one calendar, with the Europe/Stockholm time zone defined in it."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", TIME_ZONE)
    host = request.get_host().split(":")[0] or "stigar"
    dated = [meeting for meeting in meetings if meeting.date is not None]
    years = [meeting.date.year for meeting in dated if meeting.date is not None] or [
        timezone.localdate().year
    ]
    # Only the years the meetings fall in: the full zone history would be most of the file.
    calendar.add_component(
        icalendar.Timezone.from_tzid(
            TIME_ZONE,
            first_date=datetime.date(min(years) - 1, 1, 1),
            last_date=datetime.date(max(years) + 1, 12, 31),
        )
    )
    for meeting in dated:
        calendar.add_component(_event(meeting, request=request, host=host))
    return bytes(calendar.to_ical())
