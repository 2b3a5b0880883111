"""What the issue pins: comments are exactly as visible as their object, fan-out in a bounded number of queries,
one mail per person over one SMTP connection, a signed unsubscribe link, mail in the recipient's language, and the
start page and notifications list in Swedish and English."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries
from pytest_django.fixtures import Settings

from conversations import services
from conversations.mail import notifications_mail
from conversations.models import EmailPreference, Notification, Verb
from knowledge.models import LessonPage
from sprints.models import Sprint
from tests.conversations.conftest import speaks
from tests.factories import user_with_role
from tests.knowledge.factories import make_lesson
from themes.models import Municipality

pytestmark = pytest.mark.django_db


class CountingBackend(EmailBackend):
    """Django's locmem backend, counting the connections opened (a real SMTP backend opens one per `open()`)."""

    opened = 0

    def open(self) -> bool:
        CountingBackend.opened += 1
        return True


# --- Visibility ------------------------------------------------------------------------------------------------


def test_a_partner_never_sees_comments_on_an_internal_page(
    client: Client, lead_kiruna: User, partner: User, lulea_lesson: LessonPage
) -> None:
    services.comment_post(actor=lead_kiruna, target=lulea_lesson, body="Intern fråga om hyresgarantin")
    client.force_login(partner)
    response = client.get(lulea_lesson.url)
    assert response.status_code == 404
    assert "Intern fråga" not in response.content.decode()


def test_a_partner_sees_comments_on_a_page_for_partners(
    client: Client, lead_kiruna: User, partner: User, lulea: Municipality
) -> None:
    lesson = make_lesson(title="Delad lärdom", visibility="partners", municipality=lulea)
    services.comment_post(actor=lead_kiruna, target=lesson, body="Fråga som partner får läsa")
    client.force_login(partner)
    response = client.get(lesson.url)
    assert response.status_code == 200
    assert "Fråga som partner får läsa" in response.content.decode()


def test_an_anonymous_visitor_sees_no_comments_even_on_a_public_page(
    client: Client, lead_kiruna: User, lulea: Municipality
) -> None:
    lesson = make_lesson(title="Öppen lärdom", visibility="public", municipality=lulea)
    services.comment_post(actor=lead_kiruna, target=lesson, body="Kommentar bara för inloggade")
    response = client.get(lesson.url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kommentar bara för inloggade" not in page
    assert 'id="comments"' not in page


def test_the_comments_api_refuses_anonymous_and_hides_an_internal_sprint_from_a_partner(
    client: Client, lead_kiruna: User, partner: User, kiruna_sprint: Sprint
) -> None:
    services.comment_post(actor=lead_kiruna, target=kiruna_sprint, body="Hemligt")
    url = f"/api/sprints/{kiruna_sprint.pk}/comments/"
    assert client.get(url).status_code in (401, 403)
    client.force_login(lead_kiruna)
    assert [c["body"] for c in client.get(url).json()] == ["Hemligt"]
    if kiruna_sprint.visibility == "internal":
        client.force_login(partner)
        assert client.get(url).status_code == 404


def test_a_mention_over_the_api_creates_a_notification(
    client: Client, lead_kiruna: User, lead_lulea: User, kiruna_sprint: Sprint
) -> None:
    client.force_login(lead_kiruna)
    response = client.post(
        f"/api/sprints/{kiruna_sprint.pk}/comments/",
        {"body": "Hur bokade ni lokal, @lead-lulea?"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert Notification.objects.get(recipient=lead_lulea).verb == Verb.MENTIONED


# --- Fan-out ---------------------------------------------------------------------------------------------------


def _comment_queries(lead_kiruna: User, lulea_lesson: LessonPage, watchers: int) -> int:
    for n in range(watchers):
        person = user_with_role("lead", "lulea", username=f"watcher-{watchers}-{n}")
        services.watch_start(actor=person, target=lulea_lesson)
    with CaptureQueriesContext(connection) as queries:
        services.comment_post(actor=lead_kiruna, target=lulea_lesson, body=f"Till {watchers} bevakare")
    assert Notification.objects.filter(verb=Verb.COMMENTED, title=lulea_lesson.title).count() >= watchers
    return len(queries)


def test_fan_out_makes_the_same_number_of_queries_for_5_and_50_watchers(
    lead_kiruna: User, lulea_lesson: LessonPage, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    services.comment_post(
        actor=lead_kiruna, target=lulea_lesson, body="Uppvärmning"
    )  # caches (content types, site)
    few = _comment_queries(lead_kiruna, lulea_lesson, 5)
    Notification.objects.all().delete()
    many = _comment_queries(lead_kiruna, lulea_lesson, 50)
    assert Notification.objects.filter(verb=Verb.COMMENTED).count() == 55  # the first five still watch
    assert few == many
    with django_assert_max_num_queries(few):
        services.comment_post(actor=lead_kiruna, target=lulea_lesson, body="Och en till")


# --- E-mail ----------------------------------------------------------------------------------------------------


def _daily(person: Any) -> Any:
    EmailPreference.objects.update_or_create(
        person=person, defaults={"frequency": EmailPreference.Frequency.DAILY}
    )
    return person


def test_daily_summaries_batch_into_one_mail_per_person_over_one_connection(
    settings: Settings, lead_kiruna: User, lulea_lesson: LessonPage, kiruna_sprint: Sprint
) -> None:
    settings.EMAIL_BACKEND = "tests.conversations.test_delivery.CountingBackend"
    CountingBackend.opened = 0
    readers = [
        _daily(user_with_role("lead", "lulea", username=f"reader-{n}", email=f"r{n}@example.org"))
        for n in range(3)
    ]
    for person in readers:
        services.watch_start(actor=person, target=lulea_lesson)
    for n in range(4):
        services.comment_post(actor=lead_kiruna, target=lulea_lesson, body=f"Kommentar {n}")
    mail.outbox.clear()
    assert notifications_mail(frequency=EmailPreference.Frequency.IMMEDIATE) == 0  # they chose the summary
    CountingBackend.opened = 0
    assert notifications_mail(frequency=EmailPreference.Frequency.DAILY) == 3
    assert sorted(m.to[0] for m in mail.outbox) == ["r0@example.org", "r1@example.org", "r2@example.org"]
    assert CountingBackend.opened == 1
    assert all("4" in m.subject for m in mail.outbox)
    assert notifications_mail(frequency=EmailPreference.Frequency.DAILY) == 0  # nothing is sent twice


def test_mail_is_in_the_recipients_language_and_carries_list_unsubscribe(
    lead_kiruna: User, lulea_lesson: LessonPage
) -> None:
    swede = user_with_role("lead", "lulea", username="svensk", email="sv@example.org")
    english = speaks(user_with_role("lead", "lulea", username="english", email="en@example.org"), "en")
    for person in (swede, english):
        services.watch_start(actor=person, target=lulea_lesson)
    services.comment_post(actor=lead_kiruna, target=lulea_lesson, body="Hej alla")
    mail.outbox.clear()
    assert notifications_mail(frequency=EmailPreference.Frequency.IMMEDIATE) == 2
    by_address = {m.to[0]: m for m in mail.outbox}
    sv, en = by_address["sv@example.org"], by_address["en@example.org"]
    assert "/en/" not in sv.extra_headers["List-Unsubscribe"]
    assert "/en/" in en.extra_headers["List-Unsubscribe"]
    assert en.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert sv.subject != en.subject
    assert "commented" in en.subject.lower() or "comment" in en.body.lower()


# --- Unsubscribe -----------------------------------------------------------------------------------------------


def test_the_unsubscribe_link_works_without_login(client: Client, lead_lulea: User) -> None:
    token = services.unsubscribe_token(lead_lulea)
    url = f"/e-post/avregistrera/{token}/"
    assert client.get(url).status_code == 200
    assert not EmailPreference.objects.filter(person=lead_lulea, frequency="off").exists()  # GET only asks
    assert client.post(url).status_code == 200
    assert EmailPreference.objects.get(person=lead_lulea).frequency == EmailPreference.Frequency.OFF


@pytest.mark.parametrize("damage", ["forged", "tampered", "other-salt"])
def test_a_forged_or_tampered_unsubscribe_link_is_refused(
    client: Client, lead_lulea: User, lead_kiruna: User, damage: str
) -> None:
    from django.core import signing

    token = services.unsubscribe_token(lead_lulea)
    if damage == "forged":
        token = signing.dumps(
            {"p": lead_kiruna.pk}, key="not-the-secret-key", salt="conversations.unsubscribe"
        )
    elif damage == "tampered":
        token = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    else:
        token = signing.dumps({"p": lead_kiruna.pk}, salt="some.other.purpose", compress=True)
    response = client.post(f"/e-post/avregistrera/{token}/")
    assert response.status_code == 400
    assert not EmailPreference.objects.filter(frequency=EmailPreference.Frequency.OFF).exists()


# --- Pages -----------------------------------------------------------------------------------------------------


def test_the_start_page_needs_a_login(client: Client) -> None:
    response = client.get("/min-sida/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(("prefix", "heading"), [("", "Notiser"), ("/en", "Notifications")])
def test_the_start_page_and_the_list_show_the_notification_in_either_language(
    client: Client, lead_kiruna: User, lead_lulea: User, lulea_lesson: LessonPage, prefix: str, heading: str
) -> None:
    services.comment_post(actor=lead_kiruna, target=lulea_lesson, body="Hur gjorde ni, @lead-lulea?")
    client.force_login(lead_lulea)
    start = client.get(f"{prefix}/min-sida/")
    assert start.status_code == 200
    assert lulea_lesson.title in start.content.decode()
    listing = client.get(f"{prefix}/notiser/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert heading in page
    assert lulea_lesson.title in page
    assert f'lang="{"en" if prefix else "sv"}"' in page


def test_the_watch_button_follows_watching_and_stopping(
    client: Client, lead_lulea: User, lulea_lesson: LessonPage
) -> None:
    client.force_login(lead_lulea)
    assert 'aria-pressed="false"' in client.get(lulea_lesson.url).content.decode()
    services.watch_start(actor=lead_lulea, target=lulea_lesson)
    assert 'aria-pressed="true"' in client.get(lulea_lesson.url).content.decode()
    services.watch_stop(actor=lead_lulea, target=lulea_lesson)
    assert 'aria-pressed="false"' in client.get(lulea_lesson.url).content.decode()


# --- The monthly digest ----------------------------------------------------------------------------------------


def test_the_monthly_digest_honours_the_language_and_the_e_mail_choice(lulea: Municipality) -> None:
    from django.utils import timezone

    from knowledge import services as knowledge_services

    speaks(user_with_role("lead", "lulea", username="reader-en", email="en@example.org"), "en")
    quiet = user_with_role("lead", "lulea", username="quiet", email="quiet@example.org")
    services.email_preference_set(actor=quiet, frequency=EmailPreference.Frequency.OFF)
    make_lesson(title="Månadens lärdom", visibility="internal", municipality=lulea)
    today = timezone.localdate()
    mail.outbox.clear()
    assert knowledge_services.digest_send(year=today.year, month=today.month) == 1
    (message,) = mail.outbox
    assert message.to == ["en@example.org"]
    assert "New lessons" in message.body
    assert "Nya lärdomar" not in message.body
    assert "Månadens lärdom" in message.body


def test_the_monthly_digest_carries_the_one_click_unsubscribe_and_uses_one_connection(
    client: Client, lulea: Municipality, settings: Settings
) -> None:
    from django.utils import timezone

    from knowledge import services as knowledge_services

    settings.EMAIL_BACKEND = "tests.conversations.test_delivery.CountingBackend"
    readers = [
        user_with_role("lead", "lulea", username=f"reader{i}", email=f"reader{i}@example.org")
        for i in range(3)
    ]
    make_lesson(title="Månadens lärdom", visibility="internal", municipality=lulea)
    today = timezone.localdate()
    mail.outbox.clear()
    CountingBackend.opened = 0
    assert knowledge_services.digest_send(year=today.year, month=today.month) == 3
    assert CountingBackend.opened == 1
    message = next(m for m in mail.outbox if m.to == ["reader0@example.org"])
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert link in message.body
    assert client.post(urlsplit(link).path).status_code == 200  # no login
    assert EmailPreference.objects.get(person=readers[0]).frequency == EmailPreference.Frequency.OFF
    next_month = today.replace(day=1) + datetime.timedelta(days=32)
    mail.outbox.clear()
    assert knowledge_services.digest_send(year=next_month.year, month=next_month.month) == 2
    assert "reader0@example.org" not in [m.to[0] for m in mail.outbox]
