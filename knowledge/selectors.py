"""Reads of the knowledge base, always through the reader's visibility, with the joins done once."""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.text import Truncator
from taggit.models import Tag
from wagtail.models import Page

from sprints.models import FINISHED_STATUSES, Sprint
from sprints.selectors import visible_sprints
from themes.models import Municipality, RelocationPhase, SprintMethod, ValueChainStep, WorkPackage
from themes.permissions import can_edit_knowledge, visible_levels
from themes.querystring import filter_value

from .models import (
    Evidence,
    ExchangeMeetingPage,
    KnowledgeIndexPage,
    KnowledgePage,
    KnowledgeTag,
    LessonPage,
    MethodCardPage,
    PageKind,
)

PAGE_SIZE = 20
KINDS = tuple(PageKind.values)
REGION_WIDE = "region"


def knowledge_index() -> KnowledgeIndexPage | None:
    """The one knowledge index (created by a data migration)."""
    return cast("KnowledgeIndexPage | None", KnowledgeIndexPage.objects.order_by("path").first())


def visible_knowledge(*, user: Any) -> QuerySet[KnowledgePage]:
    """Published knowledge pages of every type that `user` may see, newest first.

    Taxonomy is not joined here: `attach_taxonomy` fills it in from the cached vocabulary afterwards.
    """
    return cast(
        "QuerySet[KnowledgePage]",
        KnowledgePage.objects.live()
        .filter(visibility__in=visible_levels(user))
        .annotate(evidence=F("lessonpage__evidence"))
        .order_by(F("date").desc(nulls_last=True), "-first_published_at", "-pk"),
    )


VOCABULARY_CACHE_KEY = "knowledge:vocabulary:v1"
# A change to a term drops the cache in this process (knowledge.signals); other processes (more web workers,
# a local-memory cache each) catch up within the hour.
VOCABULARY_SECONDS = 3600


@dataclass(frozen=True)
class Vocabulary:
    """Every taxonomy term by primary key, so pages need no joins or lazy loads to show their terms."""

    municipalities: dict[int, Municipality]
    work_packages: dict[int, WorkPackage]
    value_chain: dict[int, ValueChainStep]
    phases: dict[int, RelocationPhase]
    methods: dict[int, SprintMethod]


def vocabulary() -> Vocabulary:
    cached: Vocabulary | None = cache.get(VOCABULARY_CACHE_KEY)
    if cached is None:
        cached = Vocabulary(
            municipalities={m.pk: m for m in Municipality.objects.order_by("name")},
            work_packages={t.pk: t for t in WorkPackage.objects.all()},
            value_chain={t.pk: t for t in ValueChainStep.objects.all()},
            phases={t.pk: t for t in RelocationPhase.objects.all()},
            methods={t.pk: t for t in SprintMethod.objects.all()},
        )
        cache.set(VOCABULARY_CACHE_KEY, cached, VOCABULARY_SECONDS)
    return cached


def attach_taxonomy(pages: Sequence[KnowledgePage]) -> None:
    """Fill in the pages' terms from the vocabulary and their phases and tags from one query."""
    if not pages:
        return
    terms = vocabulary()
    for page in pages:
        page.municipality = terms.municipalities.get(page.municipality_id) if page.municipality_id else None
        page.work_package = terms.work_packages.get(page.work_package_id) if page.work_package_id else None
        page.value_chain_step = (
            terms.value_chain.get(page.value_chain_step_id) if page.value_chain_step_id else None
        )
        page.method = terms.methods.get(page.method_id) if page.method_id else None
    phases: dict[int, set[int]] = {page.pk: set() for page in pages}
    tags: dict[int, dict[int, Tag]] = {page.pk: {} for page in pages}
    rows = KnowledgePage.objects.filter(pk__in=list(phases)).values_list(
        "pk",
        "relocation_phases",
        "tagged_items__tag_id",
        "tagged_items__tag__name",
        "tagged_items__tag__slug",
    )
    for pk, phase_id, tag_id, tag_name, tag_slug in rows:
        if phase_id is not None:
            phases[pk].add(phase_id)
        if tag_id is not None:
            tags[pk][tag_id] = Tag(pk=tag_id, name=tag_name, slug=tag_slug)
    for page in pages:
        # Pre-fill the pages' cached properties (see KnowledgePage.phase_list and tag_list).
        page.__dict__["phase_list"] = sorted(
            (terms.phases[pk] for pk in phases[page.pk] if pk in terms.phases), key=lambda p: p.sort_order
        )
        page.__dict__["tag_list"] = sorted(tags[page.pk].values(), key=lambda t: t.name)


def visible_lessons(*, user: Any) -> QuerySet[LessonPage]:
    """Published lessons `user` may see, newest first."""
    return cast(
        "QuerySet[LessonPage]",
        LessonPage.objects.live()
        .filter(visibility__in=visible_levels(user))
        .select_related("municipality", "work_package", "method", "owner")
        .prefetch_related("relocation_phases", "tags")
        .order_by(F("date").desc(nulls_last=True), "-first_published_at", "-pk"),
    )


def lessons_related_to(
    *, user: Any, phases: list[int], method: Any, work_package: Any, limit: int = 3
) -> list[LessonPage]:
    """Published lessons on the same relocation phases or method (and work package), for "has anyone tried this?"."""
    if not (phases or method or work_package):
        return []
    match = Q(relocation_phases__in=phases)
    if method is not None:
        match |= Q(method=method)
    lessons = visible_lessons(user=user).filter(match)
    if work_package is not None:
        lessons = lessons.filter(work_package=work_package)
    return list(lessons.distinct()[:limit])


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
            return filter_value(params, name)[:64]

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
    pages = filters.apply(
        visible_knowledge(user=user).filter(path__startswith=index.path, depth__gt=index.depth)
    )
    # Paginate the ids first, then load the page's rows: sorting narrow rows is much cheaper than sorting every
    # visible page with its text columns (SQLite sorts whole rows when the ORDER BY spans two tables).
    paginator = Paginator(pages.values_list("pk", flat=True), PAGE_SIZE)
    listing: PaginatorPage[Any] = paginator.get_page(params.get("page"))
    ids = list(listing.object_list)
    by_pk = {page.pk: page for page in pages.filter(pk__in=ids)}
    items = [by_pk[pk] for pk in ids if pk in by_pk]
    attach_taxonomy(items)
    labels = dict(Evidence.choices)
    index_url = index.get_url()
    for item in items:
        # `evidence` is annotated from the lesson row (only lessons have one); the list shows its label.
        item.evidence_label = labels.get(getattr(item, "evidence", ""), "")
        # A page's URL is the index's plus its path below the index: what {% pageurl %} would work out
        # per item from the site's root paths, twenty times a listing.
        item.listing_url = index_url + item.url_path[len(index.url_path) :] if index_url else item.get_url()
        item.teaser = teaser(item.summary)
    listing.object_list = items
    # The tags of pages the reader may see: an EXISTS probe per tag, not a DISTINCT over every tagged page.
    used_tags = Tag.objects.filter(
        Exists(
            KnowledgeTag.objects.filter(
                tag=OuterRef("pk"),
                content_object__live=True,
                content_object__visibility__in=visible_levels(user),
            )
        )
    ).order_by("name")
    terms = vocabulary()
    return {
        "listing": listing,
        "filters": filters,
        "filter_query": filters.querystring(),
        "work_packages": sorted(terms.work_packages.values(), key=lambda t: (t.sort_order, t.code)),
        "phases": sorted(terms.phases.values(), key=lambda t: (t.sort_order, t.code)),
        "municipalities": list(terms.municipalities.values()),
        "tags": list(used_tags),
        "kinds": KINDS,
        "evidence_levels": Evidence.choices,
        "region_wide": REGION_WIDE,
    }


_WORD = re.compile(r"\w{4,}", re.UNICODE)
_TAG = re.compile(r"<[^>]+>")


def teaser(rich_text: str, words: int = 40) -> str:
    """Plain text of an editor's rich text, cut after `words` words (escaped when shown).

    A regular expression instead of the `striptags` filter's HTML parser: the text is Wagtail rich text
    from the page's own editors, not arbitrary HTML, and the result is never marked safe."""
    text = " ".join(html.unescape(_TAG.sub(" ", rich_text or "")).split())
    return Truncator(text).words(words, truncate=" …")


def _words(title: str, summary: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(f"{title} {_TAG.sub(' ', summary or '')}")}


@dataclass
class _Candidate:
    title: str
    words: set[str]
    method_id: int | None
    work_package_id: int | None
    municipality_id: int | None
    phase_ids: set[int]
    tag_ids: set[int]


def related_knowledge(*, page: KnowledgePage, user: Any, limit: int = 5) -> list[KnowledgePage]:
    """Lessons and method cards that share taxonomy or tags with `page` and read alike, best first.

    Candidates come from the database by shared vocabulary (the newest 200), scored from plain rows (shared
    taxonomy, shared tags, and word overlap (Jaccard) of title and summary); only the best are loaded as pages.
    """
    phase_ids = {p.pk for p in page.phase_list}
    tag_ids = {t.pk for t in page.tag_list}
    shared = Q(pk__in=[])
    if page.method_id:
        shared |= Q(method_id=page.method_id)
    if page.work_package_id:
        shared |= Q(work_package_id=page.work_package_id)
    if phase_ids:
        shared |= Q(relocation_phases__in=phase_ids)
    if tag_ids:
        shared |= Q(tagged_items__tag_id__in=tag_ids)
    candidate_ids = (
        KnowledgePage.objects.live()
        .filter(visibility__in=visible_levels(user), kind__in=("lesson", "method"))
        .filter(shared)
        .exclude(pk=page.pk)
        .order_by("-pk")
        .values("pk")
        .distinct()[:200]
    )
    rows = KnowledgePage.objects.filter(pk__in=Subquery(candidate_ids)).values_list(
        "pk",
        "title",
        "summary",
        "method_id",
        "work_package_id",
        "municipality_id",
        "relocation_phases",
        "tagged_items__tag_id",
    )
    candidates: dict[int, _Candidate] = {}
    for pk, title, summary, method_id, work_package_id, municipality_id, phase_id, tag_id in rows:
        candidate = candidates.get(pk)
        if candidate is None:
            candidate = candidates[pk] = _Candidate(
                title, _words(title, summary), method_id, work_package_id, municipality_id, set(), set()
            )
        if phase_id is not None:
            candidate.phase_ids.add(phase_id)
        if tag_id is not None:
            candidate.tag_ids.add(tag_id)
    if not candidates:
        return []
    own_words = _words(page.title, page.summary)

    def score(other: _Candidate) -> float:
        value = 0.0
        value += 2 if page.method_id and other.method_id == page.method_id else 0
        value += 1 if page.work_package_id and other.work_package_id == page.work_package_id else 0
        value += 1 if page.municipality_id and other.municipality_id == page.municipality_id else 0
        value += len(phase_ids & other.phase_ids)
        value += 2 * len(tag_ids & other.tag_ids)
        if own_words and other.words:
            value += 4 * len(own_words & other.words) / len(own_words | other.words)
        return value

    best = sorted(candidates, key=lambda pk: (-score(candidates[pk]), candidates[pk].title))[:limit]
    pages = {p.pk: p for p in KnowledgePage.objects.filter(pk__in=best)}
    return [pages[pk] for pk in best if pk in pages]


def method_usage(*, method_card: MethodCardPage, user: Any) -> dict[str, Any]:
    """For a method card: the visible lessons that used its method and how many sprints used it."""
    if not method_card.method_id:
        return {"method_lessons": [], "sprint_count": None}
    lessons = list(visible_lessons(user=user).filter(method_id=method_card.method_id)[:10])
    sprint_count = visible_sprints(user).filter(method_id=method_card.method_id).count()
    return {"method_lessons": lessons, "sprint_count": sprint_count}


def reviews_due_for(*, owner: Any, today: datetime.date | None = None) -> QuerySet[KnowledgePage]:
    """Pages `owner` keeps, live or draft, whose review-by date has passed, oldest first."""
    return cast(
        "QuerySet[KnowledgePage]",
        KnowledgePage.objects.filter(owner=owner, review_by__lt=today or timezone.localdate())
        .select_related("municipality")
        .order_by("review_by", "title"),
    )


def owned_knowledge(*, owner: Any) -> QuerySet[KnowledgePage]:
    """Everything `owner` keeps, for the "my reviews" page."""
    return cast(
        "QuerySet[KnowledgePage]",
        KnowledgePage.objects.filter(owner=owner)
        .select_related("municipality")
        .order_by(F("review_by").asc(nulls_last=True), "title"),
    )


def owners_with_reviews_due(*, today: datetime.date | None = None) -> QuerySet[Any]:
    """Users who own at least one page past its review date (for the weekly reminder)."""
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
    return cast(
        "QuerySet[ExchangeMeetingPage]",
        ExchangeMeetingPage.objects.live()
        .filter(visibility__in=visible_levels(user), date__gte=after)
        .prefetch_related("participating_municipalities")
        .order_by("date"),
    )


def calendar_meetings(*, user: Any, since: datetime.date | None = None) -> QuerySet[ExchangeMeetingPage]:
    """Dated exchange meetings `user` may see, for the calendar feed (two queries: pages, their municipalities)."""
    queryset = ExchangeMeetingPage.objects.live().filter(
        visibility__in=visible_levels(user), date__isnull=False
    )
    if since is not None:
        queryset = queryset.filter(date__gte=since)
    return cast(
        "QuerySet[ExchangeMeetingPage]",
        queryset.prefetch_related("participating_municipalities").order_by("date", "pk"),
    )


def meeting_for_calendar(*, page_id: int, user: Any) -> ExchangeMeetingPage:
    """One dated meeting `user` may see; DoesNotExist otherwise (the view answers 404: its existence must not show)."""
    return calendar_meetings(user=user).get(pk=page_id)


def page_for_pdf(*, page_id: int, user: Any) -> KnowledgePage:
    """A published lesson or meeting `user` may see, specific, for print and PDF; raises DoesNotExist otherwise."""
    # Missing, not a knowledge page, an unpublished draft and hidden from `user` answer alike: no existence oracle.
    page = (
        Page.objects.live()
        .filter(pk=page_id, content_type__model__in=("lessonpage", "exchangemeetingpage", "methodcardpage"))
        .specific()
        .first()
    )
    if not isinstance(page, KnowledgePage) or page.visibility not in visible_levels(user):
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
    return cast(
        "datetime.date | None",
        ExchangeMeetingPage.objects.live()
        .filter(date__lte=before)
        .order_by("-date")
        .values_list("date", flat=True)
        .first(),
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


def lessons_from_sprint(*, sprint: Sprint, user: Any) -> list[LessonPage]:
    """Lessons that came from `sprint`: published ones the user may see, plus drafts the user may edit."""
    lessons = LessonPage.objects.filter(source_sprint=sprint).select_related("owner").order_by("-pk")
    editable = can_edit_knowledge(user, municipality=sprint.municipality)
    visible = Q(live=True, visibility__in=visible_levels(user))
    return list(lessons if editable else lessons.filter(visible))


def lessons_from_sprints(*, sprint_ids: Iterable[int], levels: Sequence[str]) -> dict[int, list[LessonPage]]:
    """Published lessons the viewer may see, by the sprint they came from, for many sprints at once (one query;
    only the fields a linked title needs)."""
    lessons: dict[int, list[LessonPage]] = {}
    rows = (
        LessonPage.objects.live()
        .filter(source_sprint_id__in=list(sprint_ids), visibility__in=levels)
        .only("title", "url_path", "depth", "path", "locale_id", "source_sprint_id")
        .order_by("title", "pk")
    )
    for lesson in rows:
        lessons.setdefault(lesson.source_sprint_id, []).append(lesson)
    return lessons


def can_work_on(*, user: Any, page: KnowledgePage) -> bool:
    """Whether `user` may see and act on the page's unpublished state: the coordinating team, or a lead
    of the page's municipality."""
    return can_edit_knowledge(user, municipality=page.municipality)
