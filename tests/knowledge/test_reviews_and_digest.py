"""Review-by flags, the owner's review list, the weekly reminder, and the monthly digest page and e-mail."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.utils import timezone

from knowledge import services
from knowledge.tasks import send_monthly_digest, send_review_reminders
from tests.knowledge.factories import make_lesson, make_meeting

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)
NEXT_YEAR = timezone.localdate() + datetime.timedelta(days=365)


def test_a_lesson_past_its_review_date_is_flagged_on_the_page(client: Client, lead_kiruna: User) -> None:
    overdue = make_lesson(title="Gammal lärdom", review_by=YESTERDAY, owner=lead_kiruna)
    fresh = make_lesson(title="Färsk lärdom", review_by=NEXT_YEAR, owner=lead_kiruna)
    assert "review-flag" in client.get(overdue.url).content.decode()
    assert "review-flag" not in client.get(fresh.url).content.decode()


def test_my_reviews_lists_the_owners_pages_and_marks_the_overdue_ones(
    client: Client, lead_kiruna: User, lead_lulea: User
) -> None:
    make_lesson(title="Gammal lärdom", review_by=YESTERDAY, owner=lead_kiruna)
    make_lesson(title="Färsk lärdom", review_by=NEXT_YEAR, owner=lead_kiruna)
    make_lesson(title="Någon annans", review_by=YESTERDAY, owner=lead_lulea)
    client.force_login(lead_kiruna)
    html = client.get("/en/kunskap/mina-granskningar/").content.decode()
    assert "Gammal lärdom" in html
    assert "Färsk lärdom" in html
    assert "Någon annans" not in html
    assert "1 page you own is due for review." in html
    assert html.count("is-overdue") == 1


def test_my_reviews_needs_a_login(client: Client) -> None:
    assert client.get("/kunskap/mina-granskningar/").status_code == 302


def test_the_weekly_task_mails_each_owner_once_per_week(lead_kiruna: User) -> None:
    make_lesson(title="Gammal lärdom", review_by=YESTERDAY, owner=lead_kiruna)
    make_lesson(title="Färsk lärdom", review_by=NEXT_YEAR, owner=lead_kiruna)
    assert send_review_reminders() == 1
    assert send_review_reminders() == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [lead_kiruna.email]
    assert "Gammal lärdom" in message.body
    assert "Färsk lärdom" not in message.body
    assert "/kunskap/mina-granskningar/" in message.body


def test_the_review_reminder_is_in_the_owners_language_only(lead_kiruna: User) -> None:
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(lead_kiruna)
    profile.preferred_language = "en"
    profile.save()
    make_lesson(title="Gammal lärdom", review_by=YESTERDAY, owner=lead_kiruna)
    assert send_review_reminders() == 1
    (message,) = mail.outbox
    assert "past their review date" in message.body
    assert "granskningsdatum" not in message.body  # not both languages one after the other (#15)
    assert "to review" in message.subject


def test_the_digest_page_lists_the_months_new_lessons_and_upcoming_meetings(client: Client) -> None:
    lesson = make_lesson(title="Ny lärdom i november", visibility="public")
    make_lesson(title="Intern lärdom", visibility="internal")
    make_meeting(title="Utbyte nästa månad", date=timezone.localdate() + datetime.timedelta(days=40))
    published = lesson.first_published_at.astimezone(timezone.get_current_timezone())
    html = client.get(f"/en/kunskap/sammanfattning/{published.year}/{published.month}/").content.decode()
    assert "Ny lärdom i november" in html
    assert "Intern lärdom" not in html
    assert "Utbyte nästa månad" in html
    assert "New lessons" in html
    assert "Nya lärdomar" in client.get("/kunskap/sammanfattning/").content.decode()


def test_the_digest_email_is_in_the_recipients_language_and_sent_once(partner: User) -> None:
    make_lesson(title="Delad lärdom", visibility="partners")
    make_lesson(title="Intern lärdom", visibility="internal")
    today = timezone.localdate()
    assert send_monthly_digest(today.year, today.month) == 1
    assert services.digest_send(year=today.year, month=today.month) == 0
    message = mail.outbox[0]
    assert message.to == [partner.email]
    assert "Nya lärdomar" in message.body  # no language chosen: Swedish, and only Swedish (#15)
    assert "New lessons" not in message.body
    assert "Delad lärdom" in message.body
    assert "Intern lärdom" not in message.body
    assert isinstance(message, EmailMultiAlternatives)
    html, mimetype = message.alternatives[0]
    assert isinstance(html, str)
    assert mimetype == "text/html"
    assert 'lang="sv"' in html
    assert 'lang="en"' not in html
