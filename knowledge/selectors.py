"""Reads of the knowledge base, always through the reader's visibility, with the joins done once."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.html import strip_tags
from taggit.models import Tag
from wagtail.models import Page

from sprints.models import FINISHED_STATUSES, Sprint
from sprints.selectors import visible_sprints
from themes.models import Municipality, RelocationPhase
from themes.permissions import visible_levels
from themes.selectors import taxonomy

from .models import (
    Evidence,
    ExchangeMeetingPage,
    KnowledgeIndexPage,
    KnowledgePage,
    LessonPage,
    MethodCardPage,
)

PAGE_SIZE = 20
KINDS = ("lesson", "method", "exchange")
REGION_WIDE = "region"


def knowledge_index() -> KnowledgeIndexPage | None:
    """The one knowledge index (created by a data migration)."""
    return KnowledgeIndexPage.objects.order_by("path").first()


def visible_knowledge(*, user: Any) -> QuerySet[KnowledgePage]:
    """Published knowledge pages of every type that `user` may see, with what a listing shows joined in."""
    return (
        KnowledgePage.objects.live()
        .filter(visibility__in=visible_levels(user))
        .select_related("municipality", "work_package", "value_chain_step", "method")
        .prefetch_related(
            Prefetch("relocation_phases", queryset=RelocationPhase.objects.order_by("sort_order")),
            "tags",
        )
        .annotate(evidence=F("lessonpage__evidence"))
        .order_by(F("date").desc(nulls_last=True), "-first_published_at", "-pk")
    )


def visible_lessons(*, user: Any) -> QuerySet[LessonPage]:
    """Published lessons `user` may see, newest first."""
    return (
        LessonPage.objects.live()
        .filter(visibility__in=visible_levels(user))
        .select_related("municipality", "work_package", "method", "owner")
        .prefetch_related("relocation_phases", "tags")
        .order_by(F("date").desc(nulls_last=True), "-first_published_at", "-pk")
    )


@dataclass(frozen=True)
class ListingFilters:
    kind: str = ""
    municipality: str = ""
    work_package: str = ""
    phase: str = ""
    evidence: str = ""
    tag: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> ListingFilters:
        def value(name: str) -> str:
            return str(params.get(name, "") or "").strip()[:64]

        kind = value("type")
        evidence = value("evidence")
        return cls(
            kind=kind if kind in KINDS else "",
            municipality=value("municipality"),
            work_package=value("work_package").upper(),
            phase=value("phase"),
            evidence=evidence if evidence in Evidence.values else "",
            tag=value("tag"),
        )

    def apply(self, pages: QuerySet[KnowledgePage]) -> QuerySet[KnowledgePage]:
        if self.kind:
            pages = pages.filter(kind=self.kind)
        if self.municipality == REGION_WIDE:
            pages = pages.filter(municipality__isnull=True)
        elif self.municipality:
            pages = pages.filter(
                Q(municipality__slug=self.municipality) | Q(municipality__scb_code=self.municipality)
            )
        if self.work_package:
            pages = pages.filter(work_package__code=self.work_package)
        if self.phase:
            pages = pages.filter(relocation_phases__code=self.phase)
        if self.evidence:
            pages = pages.filter(lessonpage__evidence__in=Evidence.at_least(self.evidence))
        if self.tag:
            pages = pages.filter(tags__slug=self.tag)
        return pages.distinct() if (self.phase or self.tag) else pages

    def querystring(self) -> str:
        from urllib.parse import urlencode

        pairs = {
            "type": self.kind,
            "municipality": self.municipality,
            "work_package": self.work_package,
            "phase": self.phase,
            "evidence": self.evidence,
            "tag": self.tag,
        }
        return urlencode({k: v for k, v in pairs.items() if v})


def knowledge_listing(*, index: KnowledgeIndexPage, user: Any, params: Mapping[str, str]) -> dict[str, Any]:
    """The index page's context: one page of filtered, visible knowledge and the filter options."""
    filters = ListingFilters.from_params(params)
    pages = filters.apply(visible_knowledge(user=user).descendant_of(index))
    paginator = Paginator(pages, PAGE_SIZE)
    listing: PaginatorPage[KnowledgePage] = paginator.get_page(params.get("page"))
    used_tags = (
        Tag.objects.filter(
            knowledge_knowledgetag_items__content_object__live=True,
            knowledge_knowledgetag_items__content_object__visibility__in=visible_levels(user),
        )
        .distinct()
        .order_by("name")
    )
    return {
        "listing": listing,
        "filters": filters,
        "filter_query": filters.querystring(),
        "taxonomy": taxonomy(),
        "municipalities": list(Municipality.objects.order_by("name")),
        "tags": list(used_tags),
        "kinds": KINDS,
        "evidence_levels": Evidence.choices,
        "region_wide": REGION_WIDE,
    }


_WORD = re.compile(r"\w{4,}", re.UNICODE)


def _words(page: KnowledgePage) -> set[str]:
    return {w.lower() for w in _WORD.findall(f"{page.title} {strip_tags(page.summary or '')}")}


def related_knowledge(*, page: KnowledgePage, user: Any, limit: int = 5) -> list[KnowledgePage]:
    """Lessons and method cards that share taxonomy or tags with `page` and read alike, best first.

    Candidates come from the database by shared vocabulary (bounded), then they are ranked in Python by
    shared taxonomy, shared tags and word overlap (Jaccard) of title and summary.
    """
    phase_ids = {p.pk for p in page.relocation_phases.all()}
    tag_ids = {t.pk for t in page.tags.all()}
    shared = Q(pk__in=[])
    if page.method_id:
        shared |= Q(method_id=page.method_id)
    if page.work_package_id:
        shared |= Q(work_package_id=page.work_package_id)
    if phase_ids:
        shared |= Q(relocation_phases__in=phase_ids)
    if tag_ids:
        shared |= Q(tags__in=tag_ids)
    candidate_ids = list(
        KnowledgePage.objects.live()
        .filter(visibility__in=visible_levels(user), kind__in=("lesson", "method"))
        .filter(shared)
        .exclude(pk=page.pk)
        .order_by("-first_published_at")
        .values_list("pk", flat=True)
        .distinct()[:200]
    )
    if not candidate_ids:
        return []
    candidates = list(visible_knowledge(user=user).filter(pk__in=candidate_ids))
    own_words = _words(page)

    def score(other: KnowledgePage) -> float:
        value = 0.0
        value += 2 if page.method_id and other.method_id == page.method_id else 0
        value += 1 if page.work_package_id and other.work_package_id == page.work_package_id else 0
        value += 1 if page.municipality_id and other.municipality_id == page.municipality_id else 0
        value += len(phase_ids & {p.pk for p in other.relocation_phases.all()})
        value += 2 * len(tag_ids & {t.pk for t in other.tags.all()})
        other_words = _words(other)
        if own_words and other_words:
            value += 4 * len(own_words & other_words) / len(own_words | other_words)
        return value

    ranked = sorted(candidates, key=lambda other: (-score(other), other.title))
    return ranked[:limit]


def method_usage(*, method_card: MethodCardPage, user: Any) -> dict[str, Any]:
    """For a method card: the visible lessons that used its method and how many sprints used it."""
    if not method_card.method_id:
        return {"method_lessons": [], "sprint_count": None}
    lessons = list(visible_lessons(user=user).filter(method_id=method_card.method_id)[:10])
    sprint_count = visible_sprints(user).filter(method_id=method_card.method_id).count()
    return {"method_lessons": lessons, "sprint_count": sprint_count}


def reviews_due_for(*, owner: Any, today: datetime.date | None = None) -> QuerySet[KnowledgePage]:
    """Pages `owner` keeps, live or draft, whose review-by date has passed, oldest first."""
    return (
        KnowledgePage.objects.filter(owner=owner, review_by__lt=today or timezone.localdate())
        .select_related("municipality")
        .order_by("review_by", "title")
    )


def owned_knowledge(*, owner: Any) -> QuerySet[KnowledgePage]:
    """Everything `owner` keeps, for the "my reviews" page."""
    return (
        KnowledgePage.objects.filter(owner=owner)
        .select_related("municipality")
        .order_by(F("review_by").asc(nulls_last=True), "title")
    )


def owners_with_reviews_due(*, today: datetime.date | None = None) -> QuerySet[Any]:
    """Users who own at least one page past its review date (for the weekly reminder)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            owned_pages__knowledgepage__review_by__lt=today or timezone.localdate(), is_active=True
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def upcoming_meetings(*, user: Any, after: Any) -> QuerySet[ExchangeMeetingPage]:
    return (
        ExchangeMeetingPage.objects.live()
        .filter(visibility__in=visible_levels(user), date__gte=after)
        .prefetch_related("participating_municipalities")
        .order_by("date")
    )


def page_for_pdf(*, page_id: int, user: Any) -> KnowledgePage:
    """A published lesson or meeting `user` may see, specific, for print and PDF; raises DoesNotExist otherwise."""
    page = (
        Page.objects.live()
        .filter(pk=page_id, content_type__model__in=("lessonpage", "exchangemeetingpage", "methodcardpage"))
        .specific()
        .get()
    )
    assert isinstance(page, KnowledgePage)
    if page.visibility not in visible_levels(user):
        raise KnowledgePage.DoesNotExist
    return page


def _month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, month, 1)
    end = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return start, end


def finished_sprints(*, user: Any, since: datetime.date, until: datetime.date | None = None) -> list[Sprint]:
    """Sprints `user` may see that were carried out (learned or closed) and ended in [since, until)."""
    finished = visible_sprints(user).filter(status__in=FINISHED_STATUSES, end__gte=since)
    if until is not None:
        finished = finished.filter(end__lt=until)
    return list(
        finished.select_related("municipality").prefetch_related("relocation_phases").order_by("end", "pk")
    )


def digest_for(*, user: Any, year: int, month: int) -> dict[str, Any]:
    """The monthly digest as `user` may see it: lessons first published that month, sprints finished, meetings ahead."""
    start, end = _month_bounds(year, month)
    zone = timezone.get_current_timezone()
    lessons = list(
        visible_lessons(user=user)
        .filter(
            first_published_at__gte=datetime.datetime.combine(start, datetime.time.min, tzinfo=zone),
            first_published_at__lt=datetime.datetime.combine(end, datetime.time.min, tzinfo=zone),
        )
        .order_by("first_published_at")
    )
    return {
        "year": year,
        "month": month,
        "month_start": start,
        "lessons": lessons,
        "sprints": finished_sprints(user=user, since=start, until=end),
        "meetings": list(upcoming_meetings(user=user, after=end)[:5]),
    }


def last_meeting_date(*, before: datetime.date) -> datetime.date | None:
    return (
        ExchangeMeetingPage.objects.live()
        .filter(date__lte=before)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )


def agenda_proposal(*, user: Any, today: datetime.date | None = None) -> dict[str, Any]:
    """Material for the next exchange meeting: lessons published and sprints finished since the last meeting,
    grouped by relocation phase (a lesson in several phases appears under each; none goes under "other")."""
    today = today or timezone.localdate()
    since = last_meeting_date(before=today) or (today - datetime.timedelta(days=90))
    zone = timezone.get_current_timezone()
    lessons = list(
        visible_lessons(user=user).filter(
            first_published_at__gte=datetime.datetime.combine(since, datetime.time.min, tzinfo=zone)
        )
    )
    sprints = finished_sprints(user=user, since=since)
    phases = list(RelocationPhase.objects.order_by("sort_order"))
    groups: dict[str, dict[str, Any]] = {
        phase.code: {"phase": phase, "lessons": [], "sprints": []} for phase in phases
    }
    other: dict[str, Any] = {"phase": None, "lessons": [], "sprints": []}
    for lesson in lessons:
        codes = [p.code for p in lesson.relocation_phases.all()]
        for code in codes or [""]:
            groups.get(code, other)["lessons"].append(lesson)
    for sprint in sprints:
        for code in [p.code for p in sprint.relocation_phases.all()] or [""]:
            groups.get(code, other)["sprints"].append(sprint)
    ordered = [g for g in groups.values() if g["lessons"] or g["sprints"]]
    if other["lessons"] or other["sprints"]:
        ordered.append(other)
    return {"since": since, "groups": ordered, "lesson_count": len(lessons), "sprint_count": len(sprints)}


def municipality_or_none(user: Any) -> Municipality | None:
    from themes.permissions import municipality_of

    return municipality_of(user)


def lessons_from_sprint(*, sprint: Sprint, user: Any) -> list[LessonPage]:
    """Lessons that came from `sprint`: published ones the user may see, plus drafts the user may edit."""
    from themes.permissions import Action, can

    lessons = LessonPage.objects.filter(source_sprint=sprint).select_related("owner").order_by("-pk")
    editable = can(user, Action.PUBLISH_KNOWLEDGE) or can(
        user, Action.DRAFT_KNOWLEDGE, municipality=sprint.municipality
    )
    visible = Q(live=True, visibility__in=visible_levels(user))
    return list(lessons if editable else lessons.filter(visible))


def can_work_on(*, user: Any, page: KnowledgePage) -> bool:
    """Whether `user` may see and act on the page's unpublished state: the coordinating team, or a lead
    of the page's municipality."""
    from themes.permissions import Action, can

    return can(user, Action.PUBLISH_KNOWLEDGE) or can(
        user, Action.DRAFT_KNOWLEDGE, municipality=page.municipality
    )
