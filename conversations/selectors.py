"""Reads of conversations: a commentable object as the reader may see it, its comments, watches, the inbox and the
start page. Visibility of the commented object is always its own app's selector (sprints, knowledge), never a copy."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet
from django.utils import timezone, translation

from knowledge.models import KnowledgePage, LessonPage
from knowledge.selectors import lessons_related_to, reviews_due_for, visible_knowledge
from sprints.models import ActivityEvent, Card, Sprint, Status
from sprints.selectors import visible_sprints, with_overdue_cards
from themes.models import Municipality, WorkPackage
from themes.permissions import can_take_part_in_conversations, municipality_of, visible_levels

from .models import CalendarFeed, Comment, EmailPreference, Notification, Watch

SPRINT, PAGE, MUNICIPALITY, WORK_PACKAGE = "sprint", "page", "municipality", "work_package"
COMMENTABLE = (SPRINT, PAGE)
_MODELS: dict[str, type[Any]] = {
    SPRINT: Sprint,
    PAGE: KnowledgePage,
    MUNICIPALITY: Municipality,
    WORK_PACKAGE: WorkPackage,
}


def content_type(kind: str) -> ContentType:
    """The content type rows point at. Every knowledge page, whatever its type, is stored as a KnowledgePage."""
    return ContentType.objects.get_for_model(_MODELS[kind])


def kind_of(obj: Any) -> str:
    if isinstance(obj, Sprint):
        return SPRINT
    if isinstance(obj, KnowledgePage):
        return PAGE
    if isinstance(obj, Municipality):
        return MUNICIPALITY
    if isinstance(obj, WorkPackage):
        return WORK_PACKAGE
    raise TypeError(f"{type(obj).__name__} cannot be watched or commented")


def unprefixed_url(obj: Any) -> str:
    """The object's path without a language prefix (Swedish is the unprefixed default); the reader's is added when
    it is shown."""
    with translation.override("sv"):
        if isinstance(obj, KnowledgePage):
            return str(obj.url or "/")
        return str(obj.get_absolute_url())


def localized(path: str, language: str | None = None) -> str:
    """`path` (unprefixed) in `language` (default: the active one)."""
    language = language or translation.get_language() or "sv"
    return f"/en{path}" if language.startswith("en") else path


# --- The commented object ----------------------------------------------------------------------------------------


def visible_commentables(*, user: Any, kind: str) -> QuerySet[Any]:
    """Sprints or knowledge pages `user` may see, by their own app's rule; nothing for someone outside the
    programme, since conversations are the programme's."""
    queryset: QuerySet[Any]
    if kind == SPRINT:
        queryset = visible_sprints(user).select_related("municipality")
    elif kind == PAGE:
        queryset = visible_knowledge(user=user)
    else:
        raise ValueError(kind)
    return queryset if can_take_part_in_conversations(user) else queryset.none()


def commentable_for(*, user: Any, kind: str, pk: int) -> Any:
    """One sprint or knowledge page `user` may see and talk about; DoesNotExist otherwise (callers answer 404,
    so that a hidden object's existence does not show)."""
    if kind not in COMMENTABLE:
        raise Sprint.DoesNotExist
    return visible_commentables(user=user, kind=kind).get(pk=pk)


def is_visible_to(obj: Any, user: Any) -> bool:
    return visible_commentables(user=user, kind=kind_of(obj)).filter(pk=obj.pk).exists()


# --- Comments ------------------------------------------------------------------------------------------------------


@dataclass
class Thread:
    comment: Comment
    replies: list[Comment] = field(default_factory=list)


def comments_on(obj: Any) -> list[Thread]:
    """The object's comments as threads (a comment and its replies), oldest first, authors joined (one query).

    The caller has established that the reader may see `obj` (commentable_for or a page that is being served to them).
    """
    rows = list(
        Comment.objects.filter(target_type=content_type(kind_of(obj)), target_id=obj.pk).select_related(
            "author"
        )
    )
    threads: dict[int, Thread] = {}
    for comment in rows:
        if comment.parent_id is None:
            threads[comment.pk] = Thread(comment)
    for comment in rows:
        if comment.parent_id is not None and comment.parent_id in threads:
            threads[comment.parent_id].replies.append(comment)
    return list(threads.values())


def comment_for(*, user: Any, pk: int) -> tuple[Comment, Any]:
    """A comment and its object, if `user` may see the object; DoesNotExist otherwise."""
    comment = Comment.objects.select_related("author", "target_type").get(pk=pk)
    kind = PAGE if comment.target_type.model_class() is KnowledgePage else SPRINT
    return comment, commentable_for(user=user, kind=kind, pk=comment.target_id)


# --- Watches -------------------------------------------------------------------------------------------------------


def watched_cache_key(person_id: int) -> str:
    return f"conversations:watched:v1:{person_id}"


WATCHED_SECONDS = 3600


def is_watching(*, person: Any, obj: Any) -> bool:
    """Whether `person` watches `obj`. The (content type, id) pairs a person watches are few and read on every page
    with comments, so they are cached per person and dropped on commit whenever that person's watches change."""
    if not getattr(person, "is_authenticated", False):
        return False
    key = watched_cache_key(person.pk)
    watched: set[tuple[int, int]] | None = cache.get(key)
    if watched is None:
        watched = set(Watch.objects.filter(person=person).values_list("target_type_id", "target_id"))
        cache.set(key, watched, WATCHED_SECONDS)
    return (content_type(kind_of(obj)).pk, obj.pk) in watched


@dataclass(frozen=True)
class WatchedItem:
    target_id: int
    kind: str
    label: str
    url: str


def watched_items(*, person: Any) -> list[WatchedItem]:
    """What `person` watches, with names (one query per kind watched, at most four), hiding what they may no longer
    see."""
    watches = list(Watch.objects.filter(person=person).order_by("-created_at"))
    by_kind: dict[int, list[Watch]] = {}
    for watch in watches:
        by_kind.setdefault(watch.target_type_id, []).append(watch)
    items: list[WatchedItem] = []
    for kind in (MUNICIPALITY, WORK_PACKAGE, SPRINT, PAGE):
        rows = by_kind.get(content_type(kind).pk, [])
        if not rows:
            continue
        ids = [w.target_id for w in rows]
        objects: dict[int, Any]
        if kind in COMMENTABLE:
            objects = {o.pk: o for o in visible_commentables(user=person, kind=kind).filter(pk__in=ids)}
        else:
            objects = {o.pk: o for o in _MODELS[kind].objects.filter(pk__in=ids)}
        for watch in rows:
            obj = objects.get(watch.target_id)
            if obj is None:
                continue
            url = localized(unprefixed_url(obj)) if kind in COMMENTABLE else ""
            items.append(
                WatchedItem(
                    target_id=watch.target_id, kind=kind, label=str(getattr(obj, "title", obj)), url=url
                )
            )
    return items


def watchers_of(targets: Iterable[Any]) -> QuerySet[Any]:
    """Active people who watch any of `targets`, each once, with what decides what they may see (role,
    municipality) and their language joined: one query whatever their number."""
    match = Q()
    for obj in targets:
        match |= Q(watches__target_type=content_type(kind_of(obj)), watches__target_id=obj.pk)
    if not match:
        return get_user_model().objects.none()
    return people_for_notification().filter(match).distinct()


def people_for_notification() -> QuerySet[Any]:
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .select_related("membership__municipality", "wagtail_userprofile", "email_preference")
    )


# --- Notifications -------------------------------------------------------------------------------------------------


def unread_cache_key(person_id: int) -> str:
    return f"conversations:unread:v1:{person_id}"


UNREAD_SECONDS = 3600


def unread_count(*, person: Any) -> int:
    """The bell's figure, cached per person and dropped whenever their notifications change."""
    if not getattr(person, "is_authenticated", False):
        return 0
    key = unread_cache_key(person.pk)
    count: int | None = cache.get(key)
    if count is None:
        count = Notification.objects.filter(recipient=person, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_SECONDS)
    return count


def notifications_for(*, person: Any, unread_only: bool = False, limit: int = 50) -> list[Notification]:
    queryset = Notification.objects.filter(recipient=person).select_related("actor")
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return list(queryset[:limit])


def email_frequency(person: Any) -> str:
    """The person's e-mail choice; the default (no row) is at once."""
    try:
        return str(person.email_preference.frequency)
    except EmailPreference.DoesNotExist:
        return EmailPreference.Frequency.IMMEDIATE


def language_of(person: Any) -> str:
    """The person's own language (their profile's), Swedish when they chose none."""
    profile = getattr(person, "wagtail_userprofile", None)
    language = getattr(profile, "preferred_language", "") or ""
    return "en" if language.startswith("en") else "sv"


def calendar_feed_of(*, person: Any) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(person=person).first()


def person_for_calendar(*, token: str) -> Any:
    """The active person whose secret calendar address ends in `token`; DoesNotExist otherwise."""
    return get_user_model().objects.get(calendar_feed__token=token, is_active=True)


def people_to_mention(*, user: Any, query: str, limit: int = 8) -> list[dict[str, str]]:
    """People of the programme whose username or name starts with `query`, for @mention autocomplete."""
    query = query.strip().lstrip("@")
    if not can_take_part_in_conversations(user) or not query:
        return []
    rows = (
        get_user_model()
        .objects.filter(is_active=True, membership__isnull=False)
        .filter(
            Q(username__istartswith=query)
            | Q(first_name__istartswith=query)
            | Q(last_name__istartswith=query)
        )
        .order_by("username")
        .values("username", "first_name", "last_name")[:limit]
    )
    return [
        {
            "username": row["username"],
            "name": f"{row['first_name']} {row['last_name']}".strip() or row["username"],
        }
        for row in rows
    ]


# --- The start page ------------------------------------------------------------------------------------------------

START_PAGE_ITEMS = 8
RUNNING_SPRINTS_FOR_LESSONS = 5


@dataclass
class StartPage:
    cards: list[Card]
    sprints: list[Sprint]
    reviews: list[KnowledgePage]
    notifications: list[Notification]
    unread: int
    activity: list[ActivityEvent]
    lessons: list[LessonPage]
    municipality: Municipality | None
    today: datetime.date


def start_page(*, person: Any, today: datetime.date | None = None) -> StartPage:
    """Everything /min-sida/ shows, each part one query (a few with a prefetch): the count does not grow with the
    number of sprints, lessons or notifications."""
    today = today or timezone.localdate()
    sprints_seen = visible_sprints(person)
    cards = list(
        Card.objects.filter(owner=person, sprint__in=sprints_seen.filter(archived_at__isnull=True))
        .exclude(column=Card.Column.DONE)
        .select_related("sprint__municipality")
        .order_by("due_date", "pk")[:START_PAGE_ITEMS]
    )
    mine = list(
        with_overdue_cards(sprints_seen, today=today)
        .filter(Q(team_members=person) | Q(created_by=person), archived_at__isnull=True)
        .exclude(status__in=(Status.LEARNED, Status.CLOSED))
        .select_related("municipality")
        .prefetch_related("relocation_phases")
        .distinct()
        .order_by("end", "pk")[: START_PAGE_ITEMS * 2]
    )
    running = [s for s in mine if s.status == Status.RUNNING][:RUNNING_SPRINTS_FOR_LESSONS]
    phases = sorted({p.pk for s in running for p in s.relocation_phases.all()})
    lessons = lessons_related_to(user=person, phases=phases, method=None, work_package=None, limit=5)
    municipality = municipality_of(person)
    activity: list[ActivityEvent] = []
    if municipality is not None:
        activity = list(
            ActivityEvent.objects.filter(sprint__in=sprints_seen.filter(municipality=municipality))
            .select_related("actor", "sprint__municipality")
            .order_by("-created_at", "-pk")[:START_PAGE_ITEMS]
        )
    return StartPage(
        cards=cards,
        sprints=mine[:START_PAGE_ITEMS],
        reviews=list(
            reviews_due_for(owner=person, today=today + datetime.timedelta(days=14))[:START_PAGE_ITEMS]
        ),
        notifications=notifications_for(person=person, unread_only=True, limit=START_PAGE_ITEMS),
        unread=unread_count(person=person),
        activity=activity,
        lessons=lessons,
        municipality=municipality,
        today=today,
    )


def visible_to_each(people: Sequence[Any], obj: Any) -> list[Any]:
    """Those of `people` who may see `obj` (its visibility level against their role), without a query each:
    their membership was joined when they were loaded."""
    visible = []
    for person in people:
        try:
            person._stigar_membership = person.membership  # what themes.permissions reads; joined already
        except ObjectDoesNotExist:  # someone outside the programme
            person._stigar_membership = None
        if can_take_part_in_conversations(person) and str(obj.visibility) in visible_levels(person):
            visible.append(person)
    return visible
