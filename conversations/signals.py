"""Events of other apps that people hear of: a result logged on a watched sprint, a lesson published in a watched
municipality or work package, an exchange meeting, a review coming due, a card due or overdue; and creating a sprint
or a knowledge page watches it. Connected in ConversationsConfig.ready, so sprints and knowledge stay unaware."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models.signals import post_save
from django.utils import timezone
from wagtail.signals import page_published

from knowledge.models import ExchangeMeetingPage, KnowledgePage, LessonPage, MethodCardPage
from sprints.models import Card, Result, Sprint

from . import services
from .models import Verb

REVIEW_NOTICE_DAYS = 14


def sprint_created(sender: Any, instance: Sprint, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw and instance.created_by_id:
        services.watch_start(actor=instance.created_by, target=instance, skip_permission_checks=True)


def page_created(
    sender: Any, instance: KnowledgePage, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if created and not raw and instance.owner_id:
        services.watch_start(actor=instance.owner, target=instance, skip_permission_checks=True)


def result_logged(sender: Any, instance: Result, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:
        services.notify_watchers(actor=instance.recorded_by, target=instance.sprint, verb=Verb.RESULT_LOGGED)


def knowledge_published(sender: Any, instance: KnowledgePage, revision: Any = None, **kwargs: Any) -> None:
    watched: list[Any]
    if isinstance(instance, LessonPage):
        verb = Verb.LESSON_PUBLISHED
        watched = [term for term in (instance.municipality, instance.work_package) if term is not None]
        # Each watcher hears of a lesson once, not again at every later republication.
        dedupe_key = f"lesson:{instance.pk}"
    elif isinstance(instance, ExchangeMeetingPage):
        verb = Verb.MEETING
        watched = list(instance.participating_municipalities.all())
        dedupe_key = f"meeting:{instance.pk}:{instance.date}"
    else:
        return
    services.notify_watchers(
        actor=getattr(revision, "user", None),
        target=instance,
        verb=verb,
        watched=watched,
        dedupe_key=dedupe_key,
    )


def due_dates_notify(*, today: datetime.date | None = None) -> int:
    """Reviews due within two weeks (to the page's owner), cards due tomorrow or overdue (to the card's owner):
    a fixed number of queries, each person told of each once (dedupe keys carry the date)."""
    today = today or timezone.localdate()
    rows = []
    pages = (
        KnowledgePage.objects.filter(
            review_by__isnull=False, review_by__lte=today + datetime.timedelta(days=REVIEW_NOTICE_DAYS)
        )
        .filter(owner__is_active=True)
        .select_related("owner")
    )
    for page in pages:
        rows += services.notification_rows(
            actor=None,
            recipients=[page.owner],
            verb=Verb.REVIEW_DUE,
            target=page,
            dedupe_key=f"review:{page.pk}:{page.review_by}",
        )
    cards = (
        Card.objects.filter(owner__is_active=True, due_date__lte=today + datetime.timedelta(days=1))
        .exclude(column=Card.Column.DONE)
        .filter(sprint__archived_at__isnull=True)
        .select_related("sprint__municipality", "owner")
    )
    for card in cards:
        assert card.due_date is not None
        overdue = card.due_date < today
        rows += services.notification_rows(
            actor=None,
            recipients=[card.owner],
            verb=Verb.CARD_OVERDUE if overdue else Verb.CARD_DUE,
            target=card.sprint,
            title=f"{card.title} ({card.sprint.title})",
            dedupe_key=f"card:{card.pk}:{'overdue' if overdue else 'due'}:{card.due_date}",
        )
    return services.notifications_store(rows)


def connect() -> None:
    post_save.connect(sprint_created, sender=Sprint, dispatch_uid="conversations-sprint-created")
    post_save.connect(result_logged, sender=Result, dispatch_uid="conversations-result-logged")
    for model in (LessonPage, MethodCardPage, ExchangeMeetingPage):
        post_save.connect(page_created, sender=model, dispatch_uid=f"conversations-created-{model.__name__}")
        page_published.connect(
            knowledge_published, sender=model, dispatch_uid=f"conversations-published-{model.__name__}"
        )
