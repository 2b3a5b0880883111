"""Exchange meetings in calendars: /kunskap/moten.ics and one meeting's .ics parse with `icalendar`, carry the
Europe/Stockholm time zone, and hold exactly the meetings the caller may see."""

from __future__ import annotations

import datetime

import icalendar
import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from knowledge.models import ExchangeMeetingPage
from tests.knowledge.factories import make_meeting
from themes.models import Municipality

pytestmark = pytest.mark.django_db

FEED = "/kunskap/moten.ics"


def _calendar(response: HttpResponseBase) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert isinstance(response, HttpResponse)  # a whole file, not streamed
    return icalendar.Calendar.from_ical(response.content)


def _summaries(calendar: icalendar.Calendar) -> list[str]:
    return sorted(str(event["summary"]) for event in calendar.walk("VEVENT"))


@pytest.fixture
def meetings(kiruna: Municipality, lulea: Municipality) -> ExchangeMeetingPage:
    soon = timezone.localdate() + datetime.timedelta(days=30)
    public = make_meeting(title="Öppet utbyte i Jokkmokk", visibility="public", date=soon)
    public.participating_municipalities.set([kiruna, lulea])
    public.save_revision().publish()
    make_meeting(title="Partnermöte", visibility="partners", date=soon + datetime.timedelta(days=7))
    make_meeting(title="Internt möte", visibility="internal", date=soon + datetime.timedelta(days=14))
    make_meeting(title="Utkast till möte", visibility="public", live=False, date=soon)
    return public


def test_the_feed_parses_and_carries_europe_stockholm(client: Client, meetings: ExchangeMeetingPage) -> None:
    calendar = _calendar(client.get(FEED))
    assert calendar["x-wr-timezone"] == "Europe/Stockholm"
    [zone] = calendar.walk("VTIMEZONE")
    assert zone["tzid"] == "Europe/Stockholm"
    assert {sub.name for sub in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    [event] = calendar.walk("VEVENT")
    assert str(event["summary"]) == "Öppet utbyte i Jokkmokk"
    # Meetings are dated, not timed: an all-day event on the meeting's day.
    assert event.decoded("dtstart") == meetings.date
    assert event.decoded("dtend") == meetings.date + datetime.timedelta(days=1)
    assert event.decoded("dtstamp").tzinfo is not None
    assert "Kiruna" in str(event["description"])
    assert "Luleå" in str(event["description"])
    assert str(event["url"]).endswith(meetings.url)
    assert str(event["uid"]).startswith(f"exchange-meeting-{meetings.pk}@")


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (None, ["Öppet utbyte i Jokkmokk"]),
        ("partner", ["Partnermöte", "Öppet utbyte i Jokkmokk"]),
        ("lead_kiruna", ["Internt möte", "Partnermöte", "Öppet utbyte i Jokkmokk"]),
        ("coordinator", ["Internt möte", "Partnermöte", "Öppet utbyte i Jokkmokk"]),
    ],
)
def test_the_feed_holds_the_meetings_the_caller_may_see(
    who: str | None,
    expected: list[str],
    request: pytest.FixtureRequest,
    client: Client,
    meetings: ExchangeMeetingPage,
) -> None:
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.get(FEED)
    assert _summaries(_calendar(response)) == expected
    assert "Cookie" in response["Vary"]
    assert "private" in response["Cache-Control"]


def test_add_to_calendar_gives_one_meeting_and_hides_those_one_may_not_see(
    client: Client, meetings: ExchangeMeetingPage, partner: User
) -> None:
    html = client.get(meetings.url).content.decode()
    link = f"/kunskap/moten/{meetings.pk}.ics"
    assert link in html
    calendar = _calendar(client.get(link))
    assert _summaries(calendar) == ["Öppet utbyte i Jokkmokk"]
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "Europe/Stockholm"
    from knowledge.models import ExchangeMeetingPage

    internal = ExchangeMeetingPage.objects.get(title="Internt möte")
    assert client.get(f"/kunskap/moten/{internal.pk}.ics").status_code == 404
    client.force_login(partner)
    assert client.get(f"/kunskap/moten/{internal.pk}.ics").status_code == 404


def test_the_feed_is_a_fixed_number_of_queries(
    client: Client, django_assert_max_num_queries: DjangoAssertNumQueries, kiruna: Municipality
) -> None:
    soon = timezone.localdate() + datetime.timedelta(days=3)
    for n in range(12):
        meeting = make_meeting(title=f"Möte {n}", date=soon + datetime.timedelta(days=n))
        meeting.participating_municipalities.set([kiruna])
        meeting.save_revision().publish()
    with django_assert_max_num_queries(8):
        assert len(_calendar(client.get(FEED)).walk("VEVENT")) == 12
