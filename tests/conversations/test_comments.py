"""Comments: posting, replies one level deep, mentions, edit by the author, removal kept as "removed"."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from conversations import selectors, services
from conversations.models import Comment, Notification, Verb, Watch
from conversations.templatetags.conversations_tags import comment_html
from knowledge.models import LessonPage
from sprints.models import Sprint
from tests.factories import user_with_role
from themes.models import Municipality

pytestmark = pytest.mark.django_db


def test_a_mention_notifies_the_person_mentioned_once(
    lead_kiruna: User, lead_lulea: User, lulea_lesson: LessonPage
) -> None:
    services.watch_start(
        actor=lead_lulea, target=lulea_lesson
    )  # watching and mentioned: still one notification
    services.comment_post(actor=lead_kiruna, target=lulea_lesson, body="Hur gjorde ni, @lead-lulea?")
    rows = list(Notification.objects.filter(recipient=lead_lulea))
    assert [(n.verb, n.title) for n in rows] == [(Verb.MENTIONED, lulea_lesson.title)]
    assert not Notification.objects.filter(recipient=lead_kiruna).exists()


def test_commenting_watches_and_the_next_comment_reaches_the_first_commenter(
    lead_kiruna: User, lead_lulea: User, lulea_lesson: LessonPage
) -> None:
    services.comment_post(actor=lead_kiruna, target=lulea_lesson, body="Intressant!")
    assert Watch.objects.filter(person=lead_kiruna, target_id=lulea_lesson.pk).exists()
    services.comment_post(actor=lead_lulea, target=lulea_lesson, body="Tack!")
    assert Notification.objects.get(recipient=lead_kiruna).verb == Verb.COMMENTED


def test_a_reply_notifies_the_author_and_replies_go_one_level_deep(
    lead_kiruna: User, lead_lulea: User, lulea_lesson: LessonPage
) -> None:
    first = services.comment_post(actor=lead_kiruna, target=lulea_lesson, body="Fråga")
    reply = services.comment_post(actor=lead_lulea, target=lulea_lesson, body="Svar", parent=first)
    assert Notification.objects.get(recipient=lead_kiruna).verb == Verb.REPLIED
    with pytest.raises(ValidationError):
        services.comment_post(actor=lead_kiruna, target=lulea_lesson, body="Djupare", parent=reply)
    threads = selectors.comments_on(lulea_lesson)
    assert [(t.comment.pk, [r.pk for r in t.replies]) for t in threads] == [(first.pk, [reply.pk])]


def test_a_partner_mentioned_on_an_internal_page_hears_nothing(
    lead_kiruna: User, partner: User, lulea_lesson: LessonPage
) -> None:
    services.comment_post(actor=lead_kiruna, target=lulea_lesson, body="@partner1 titta här")
    assert not Notification.objects.filter(recipient=partner).exists()


def test_a_partner_cannot_comment_on_an_internal_page(partner: User, lulea_lesson: LessonPage) -> None:
    with pytest.raises(PermissionDenied):
        services.comment_post(actor=partner, target=lulea_lesson, body="Hej")


def test_only_the_author_edits_and_the_author_or_a_coordinator_removes(
    lead_kiruna: User, lead_lulea: User, coordinator: User, lulea_lesson: LessonPage
) -> None:
    comment = services.comment_post(actor=lead_kiruna, target=lulea_lesson, body="Första versionen")
    with pytest.raises(PermissionDenied):
        services.comment_edit(actor=lead_lulea, comment=comment, body="Kapad")
    services.comment_edit(actor=lead_kiruna, comment=comment, body="Andra versionen, @lead-lulea")
    comment.refresh_from_db()
    assert comment.body.startswith("Andra")
    assert comment.edited_at is not None
    assert Notification.objects.get(recipient=lead_lulea).verb == Verb.MENTIONED
    with pytest.raises(PermissionDenied):
        services.comment_remove(actor=lead_lulea, comment=comment)
    services.comment_remove(actor=coordinator, comment=comment)
    comment.refresh_from_db()
    assert comment.is_removed
    assert comment.body == ""
    assert comment.removed_by == coordinator
    assert Comment.objects.filter(pk=comment.pk).exists()  # kept as "removed"


def test_an_empty_comment_is_refused_with_a_message(lead_kiruna: User, lulea_lesson: LessonPage) -> None:
    with pytest.raises(ValidationError) as error:
        services.comment_post(actor=lead_kiruna, target=lulea_lesson, body="   ")
    assert "body" in error.value.message_dict


def test_comment_text_is_escaped_links_are_links_and_mentions_are_marked() -> None:
    html = comment_html(
        "<script>alert(1)</script> se https://example.org/a?b=1 och @lead-lulea, mejla a@b.se"
    )
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert '<a href="https://example.org/a?b=1" rel="nofollow">' in html
    assert '<strong class="mention">@lead-lulea</strong>' in html
    assert '<strong class="mention">@b.se' not in html


def test_a_result_logged_on_a_watched_sprint_notifies_its_watchers(
    lead_kiruna: User, kiruna_sprint: Sprint, coordinator: User
) -> None:
    from tests.sprints.conftest import log_result

    services.watch_start(actor=coordinator, target=kiruna_sprint)
    log_result(lead_kiruna, kiruna_sprint)
    assert Notification.objects.get(recipient=coordinator).verb == Verb.RESULT_LOGGED
    assert not Notification.objects.filter(recipient=lead_kiruna).exists()  # the creator watches, but did it


def test_a_lesson_published_in_a_watched_municipality_notifies_once(
    lead_kiruna: User, lulea: Municipality
) -> None:
    from tests.knowledge.factories import make_lesson

    services.watch_start(actor=lead_kiruna, target=lulea)
    lesson = make_lesson(title="Ny lektion", visibility="internal", municipality=lulea)
    lesson.save_revision().publish()
    assert list(Notification.objects.filter(recipient=lead_kiruna).values_list("verb", flat=True)) == [
        Verb.LESSON_PUBLISHED
    ]


def test_due_dates_notify_card_owners_and_page_owners_once(lead_kiruna: User, kiruna_sprint: Sprint) -> None:
    import datetime

    from django.utils import timezone

    from conversations.signals import due_dates_notify
    from sprints import services as sprint_services
    from tests.knowledge.factories import make_lesson

    today = timezone.localdate()
    sprint_services.card_create(
        actor=lead_kiruna,
        sprint=kiruna_sprint,
        title="Boka lokal",
        owner=lead_kiruna,
        due_date=today - datetime.timedelta(days=1),
    )
    make_lesson(title="Granskas snart", owner=lead_kiruna, review_by=today + datetime.timedelta(days=3))
    assert due_dates_notify(today=today) == 2
    due_dates_notify(today=today)
    due = Notification.objects.filter(recipient=lead_kiruna, verb__in=[Verb.CARD_OVERDUE, Verb.REVIEW_DUE])
    assert sorted(due.values_list("verb", flat=True)) == [Verb.CARD_OVERDUE, Verb.REVIEW_DUE]


def test_an_outsider_without_a_role_takes_no_part(lulea_lesson: LessonPage) -> None:
    outsider = user_with_role("partner", username="x")
    outsider.membership.delete()
    outsider = type(outsider).objects.get(pk=outsider.pk)
    with pytest.raises(PermissionDenied):
        services.comment_post(actor=outsider, target=lulea_lesson, body="Hej")


@pytest.mark.parametrize(
    ("reader", "edits", "removes"),
    [("lead_kiruna", True, True), ("coordinator", False, True), ("lead_lulea", False, False)],
)
def test_the_panel_offers_each_reader_only_the_tools_their_role_allows(
    reader: str,
    edits: bool,
    removes: bool,
    lead_kiruna: User,
    lulea_lesson: LessonPage,
    rf: RequestFactory,
    request: pytest.FixtureRequest,
) -> None:
    comment = services.comment_post(actor=lead_kiruna, target=lulea_lesson, body="Vår erfarenhet")
    get = rf.get("/")
    get.user = request.getfixturevalue(reader)
    html = Template("{% load conversations_tags %}{% comments_panel target %}").render(
        Context({"request": get, "target": lulea_lesson})
    )
    assert (reverse("conversations:comment-edit", args=(comment.pk,)) in html) is edits
    assert (reverse("conversations:comment-remove", args=(comment.pk,)) in html) is removes
