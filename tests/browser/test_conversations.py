"""The conversation of issue #15 in a real browser: lead-kiruna asks under a Luleå lesson and mentions @lead-lulea;
lead-lulea (who reads English) finds it on the start page, gets one e-mail in English and replies; a partner never
sees the comments of an internal page; an anonymous visitor sees none. The start page and the notifications list
pass axe (sv, en) and fit a phone."""

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page
from pytest_django.live_server_helper import LiveServer

from conversations.mail import notifications_mail
from conversations.models import Comment, EmailPreference, Notification, Verb
from tests.browser.conftest import DESKTOP, assert_accessible_and_fits, login, screenshot
from tests.conversations.conftest import speaks
from tests.factories import user_with_role
from tests.knowledge.factories import make_lesson

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

QUESTION = "Hur fick ni hyresvärdarna med, @lead-lulea?"
ANSWER = "We asked the municipal housing company first."


def test_a_mention_reaches_lead_lulea_who_replies_and_outsiders_see_nothing(
    page: Page, chromium: Browser, live_server: LiveServer
) -> None:
    from themes.models import Municipality

    kiruna_lead = user_with_role(
        "lead", "kiruna", username="lead-kiruna", first_name="Kim", last_name="Kiruna"
    )
    lulea_lead = speaks(
        user_with_role(
            "lead",
            "lulea",
            username="lead-lulea",
            first_name="Lo",
            last_name="Luleå",
            email="lo@lulea.example",
        ),
        "en",
    )
    user_with_role("partner", username="partner")
    lesson = make_lesson(
        title="Hyresgaranti i Luleå (syntetisk)",
        visibility="internal",
        municipality=Municipality.objects.get(slug="lulea"),
    )
    mail.outbox.clear()

    # lead-kiruna asks under the lesson, by keyboard.
    login(page, "lead-kiruna")
    assert page.url.endswith("/min-sida/")
    page.goto(lesson.url)
    body = page.get_by_label("Din kommentar", exact=True)
    body.focus()
    page.keyboard.type(QUESTION)
    page.keyboard.press("Escape")  # close the @-suggestions, if open
    page.get_by_role("button", name="Skicka kommentaren").press("Enter")
    page.wait_for_load_state("networkidle")
    assert QUESTION in page.locator("#comments").inner_text()
    assert Notification.objects.get(recipient=lulea_lead).verb == Verb.MENTIONED

    # One e-mail to lead-lulea, in English (the worker's job, run here in-process; 0 if it already ran).
    notifications_mail(frequency=EmailPreference.Frequency.IMMEDIATE)
    assert [m.to for m in mail.outbox] == [["lo@lulea.example"]]
    message = mail.outbox[0]
    assert "mentioned you" in message.subject
    assert "/en/" in message.extra_headers["List-Unsubscribe"]

    # lead-kiruna's pages in Swedish pass axe.
    page.goto("/min-sida/")
    assert_accessible_and_fits(page, "conversations-my-page-sv")
    page.goto("/notiser/")
    assert_accessible_and_fits(page, "conversations-notifications-sv")

    # lead-lulea lands on the English start page, sees the mention, opens it and replies.
    lulea = chromium.new_context(viewport=DESKTOP, locale="en-GB", base_url=live_server.url)
    their = lulea.new_page()
    their.set_default_timeout(30_000)
    login(their, "lead-lulea")
    assert their.url.endswith("/en/min-sida/")
    start = their.locator("main").inner_text()
    assert "mentioned you" in start
    assert lesson.title in start
    assert_accessible_and_fits(their, "conversations-my-page-en")
    their.goto("/en/notiser/")
    assert_accessible_and_fits(their, "conversations-notifications-en")
    their.get_by_role("button", name="mentioned you").first.click()
    their.wait_for_load_state("networkidle")
    assert QUESTION in their.locator("#comments").inner_text()
    their.locator("details.thread__reply summary").first.click()
    their.get_by_label("Your reply").fill(ANSWER)
    their.get_by_role("button", name="Send the reply").click()
    their.wait_for_load_state("networkidle")
    reply = Comment.objects.get(body=ANSWER)
    assert reply.parent is not None
    assert reply.parent.author == kiruna_lead
    assert Notification.objects.filter(recipient=kiruna_lead, verb=Verb.REPLIED).count() == 1
    assert not Notification.objects.filter(recipient=lulea_lead, read_at__isnull=True).exists()
    screenshot(their, "conversations-lesson-thread-en")
    lulea.close()

    # A partner never sees the comments of an internal page; an anonymous visitor sees none.
    outsider = chromium.new_context(viewport=DESKTOP, locale="sv-SE", base_url=live_server.url)
    partner_page = outsider.new_page()
    partner_page.set_default_timeout(30_000)
    login(partner_page, "partner")
    response = partner_page.goto(lesson.url)
    assert response is not None
    assert response.status == 404
    assert QUESTION not in partner_page.content()
    assert ANSWER not in partner_page.content()
    outsider.close()
    anonymous = chromium.new_context(viewport=DESKTOP, locale="sv-SE", base_url=live_server.url)
    anon_page = anonymous.new_page()
    anon_page.goto(lesson.url)
    assert QUESTION not in anon_page.content()
    assert ANSWER not in anon_page.content()
    anon_page.goto("/min-sida/")
    assert "/accounts/login/" in anon_page.url
    anonymous.close()


def _focused(page: Page) -> str:
    """What has the keyboard focus, as its tag and accessible text (for a readable assertion message)."""
    return str(
        page.evaluate(
            "() => { const e = document.activeElement; return e.tagName + ':' + (e.innerText || e.id || '').trim(); }"
        )
    )


def _tab_to(page: Page, selector: str, *, text: str = "", most: int = 80) -> None:
    """Press Tab until an element matching `selector` (and holding `text`) has the focus, as a keyboard user
    would; fail if it is never reached."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate(
            "([s, t]) => { const e = document.activeElement;"
            " return !!e && e.matches(s) && (e.innerText || '').includes(t); }",
            [selector, text],
        ):
            return
    raise AssertionError(f"{selector} not reached by Tab; focus is on {_focused(page)}")


def test_a_conversation_runs_by_keyboard_alone(page: Page, live_server: LiveServer) -> None:
    """Tab order reaches each control; a mention is chosen from the suggestions with the arrow keys and Enter; a
    reply opens, is written and sent without a mouse; the notifications are marked read by keyboard (#15)."""
    from themes.models import Municipality

    user_with_role("lead", "kiruna", username="lead-kiruna", first_name="Kim", last_name="Kiruna")
    lulea_lead = user_with_role("lead", "lulea", username="lead-lulea", first_name="Lo", last_name="Luleå")
    lesson = make_lesson(
        title="Bostadsförmedling (syntetisk)",
        visibility="internal",
        municipality=Municipality.objects.get(slug="lulea"),
    )

    login(page, "lead-kiruna")
    page.goto(lesson.url)
    _tab_to(page, "#comment-body")
    page.keyboard.type("Fråga till @lead-l")
    page.locator("[role=option]").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # chooses the suggestion, does not send the form
    assert "@lead-lulea" in page.locator("#comment-body").input_value()
    page.keyboard.type("hur gick det?")
    _tab_to(page, "#comments form:has(#comment-body) button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    question = Comment.objects.get(author__username="lead-kiruna")
    assert "@lead-lulea" in question.body
    assert Notification.objects.get(recipient=lulea_lead).verb == Verb.MENTIONED

    page.context.clear_cookies()
    login(page, "lead-lulea")
    page.goto(lesson.url)
    _tab_to(page, "details.thread__reply summary")
    page.keyboard.press("Enter")  # opens the reply form
    _tab_to(page, f"#reply-{question.pk}")
    page.keyboard.type("Vi frågade bostadsbolaget först.")
    page.keyboard.press("Escape")
    _tab_to(page, f"form:has(#reply-{question.pk}) button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert Comment.objects.get(parent=question).author == lulea_lead

    Notification.objects.filter(recipient=lulea_lead).update(read_at=None)
    page.goto("/notiser/")
    _tab_to(page, "form button[type=submit]", text="Markera alla som lästa")
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert not Notification.objects.filter(recipient=lulea_lead, read_at__isnull=True).exists()


def test_the_comment_edit_and_unsubscribe_pages_pass_axe_and_fit_a_phone(
    page: Page, live_server: LiveServer
) -> None:
    from conversations import services
    from themes.models import Municipality

    author = user_with_role("lead", "lulea", username="lead-lulea", first_name="Lo", last_name="Luleå")
    lesson = make_lesson(
        title="Skolskjuts (syntetisk)",
        visibility="internal",
        municipality=Municipality.objects.get(slug="lulea"),
    )
    comment = services.comment_post(actor=author, target=lesson, body="Första utkastet")
    token = services.unsubscribe_token(author)
    login(page, "lead-lulea")
    for prefix, language in (("", "sv"), ("/en", "en")):
        page.goto(f"{prefix}/samtal/kommentar/{comment.pk}/andra/")
        assert page.locator("#id_body").input_value() == "Första utkastet"
        assert_accessible_and_fits(page, f"conversations-comment-edit-{language}")
        page.goto(f"{prefix}/e-post/avregistrera/{token}/")
        assert_accessible_and_fits(page, f"conversations-unsubscribe-{language}")
    page.get_by_role("button").filter(has_text="e-mail").first.press("Enter")
    page.wait_for_load_state("networkidle")
    assert EmailPreference.objects.get(person=author).frequency == EmailPreference.Frequency.OFF
    assert_accessible_and_fits(page, "conversations-unsubscribed-en")
