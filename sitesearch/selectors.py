"""Search across knowledge pages and sprints for one reader: visibility first, then query, filters, facets and a page of hits."""

from __future__ import annotations

import datetime
import enum
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Case, Count, IntegerField, Max, Min, QuerySet, Sum, Value, When
from django.utils.html import escape, strip_tags
from django.utils.text import Truncator
from modelsearch.backends import get_search_backend
from modelsearch.query import Fuzzy
from wagtail.contrib.search_promotions.models import Query

from knowledge.models import Evidence, KnowledgePage, MethodCardPage
from knowledge.search.analysis import compound_parts, swedish_lemma, words
from knowledge.search.opensearch import index_settings
from sprints.models import Sprint
from sprints.selectors import visible_sprints
from themes.models import Municipality, RelocationPhase, SprintMethod, ValueChainStep, WorkPackage
from themes.permissions import visible_levels
from themes.querystring import filter_value
from themes.selectors import search_synonyms as municipality_synonyms

from .models import GlossaryEntry, SearchQueryDay

PAGE_SIZE = 20
CLOSEST_METHOD_CARDS = 3
TYPES = ("lesson", "method", "exchange", "sprint")
FACETS = ("municipality", "type", "work_package", "phase", "tag")


@dataclass(frozen=True)
class SearchFilters:
    """The filters of INTERFACES.md; `municipality` is a slug or an SCB code, the others are codes."""

    municipality: str = ""
    type: str = ""
    work_package: str = ""
    phase: str = ""

    @classmethod
    def from_query(cls, params: Any) -> SearchFilters:
        return cls(
            municipality=filter_value(params, "municipality").lower(),
            type=filter_value(params, "type").lower(),
            work_package=filter_value(params, "work_package").upper(),
            phase=filter_value(params, "phase").lower(),
        )

    def as_dict(self) -> dict[str, str]:
        return {name: value for name, value in self.__dict__.items() if value}


@dataclass(frozen=True)
class SearchHit:
    slug: str
    title: str
    url: str
    type: str
    municipality: str | None
    score: float | None
    highlight: str
    # Placed first by the coordinating team (a search promotion); not part of the API's hit.
    promoted: bool = False

    def as_json(self) -> dict[str, Any]:
        return {name: value for name, value in self.__dict__.items() if name != "promoted"}


class Relaxation(enum.StrEnum):
    """How a query that found nothing as typed was loosened, in the order they are tried."""

    SUGGESTION = "suggestion"  # the did-you-mean correction
    ANY_WORD = "any_word"  # pages with any of the words instead of all of them
    COMPOUND_PARTS = "compound_parts"  # the parts of compounds, each on its own
    FUZZY = "fuzzy"  # words spelled up to two letters differently


@dataclass
class SearchOutcome:
    query: str
    total: int
    suggestion: str | None
    facets: dict[str, dict[str, int]]
    results: list[SearchHit]
    page: int = 1
    pages: int = 0
    filters: SearchFilters = field(default_factory=SearchFilters)
    # The query the results are for: what was typed, or its loosened form when that found nothing.
    searched: str = ""
    # Hits of what was typed, before any loosening: what the query log counts.
    typed_total: int = 0
    relaxation: Relaxation | None = None
    # When what was typed found nothing: the method cards closest to it, so the page never ends empty.
    method_cards: list[MethodCardPage] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "suggestion": self.suggestion,
            "facets": self.facets,
            "results": [hit.as_json() for hit in self.results],
        }


@dataclass(frozen=True)
class _Match:
    kind: str  # "page" or "sprint"
    pk: int
    score: float


def _municipality(code: str) -> Municipality | None:
    if not code:
        return None
    lookup = {"scb_code": code} if code.isdigit() else {"slug": code}
    return Municipality.objects.filter(**lookup).first()


def _visible_pages(user: Any) -> QuerySet[KnowledgePage]:
    return cast(
        "QuerySet[KnowledgePage]", KnowledgePage.objects.live().filter(visibility__in=visible_levels(user))
    )


def _scored(
    backend: Any, query: Any, queryset: QuerySet[Any], kind: str, operator: str = "and"
) -> list[_Match]:
    """Every match in `queryset` with its score, best first (any modelsearch backend)."""
    results = backend.search(query, queryset, operator=operator)
    if hasattr(results, "hits"):
        return [_Match(kind, int(hit.pk), hit.score) for hit in results.hits()]
    scored = results.annotate_score("_score")
    return [_Match(kind, int(obj.pk), float(getattr(obj, "_score", 0) or 0)) for obj in scored]


def _narrow(
    pages: QuerySet[KnowledgePage], sprints: QuerySet[Sprint], filters: SearchFilters
) -> tuple[QuerySet[KnowledgePage] | None, QuerySet[Sprint] | None]:
    """Apply the filters; None for a content type the filters rule out entirely."""
    page_qs: QuerySet[KnowledgePage] | None = pages
    sprint_qs: QuerySet[Sprint] | None = sprints
    if filters.type:
        if filters.type == "sprint":
            page_qs = None
        elif filters.type in TYPES:
            sprint_qs = None
            page_qs = pages.filter(kind=filters.type)
        else:
            return None, None
    if filters.municipality:
        municipality = _municipality(filters.municipality)
        if municipality is None:
            return None, None
        page_qs = page_qs.filter(municipality=municipality) if page_qs is not None else None
        sprint_qs = sprint_qs.filter(municipality=municipality) if sprint_qs is not None else None
    return page_qs, sprint_qs


def _post_filter(matches: list[_Match], filters: SearchFilters) -> list[_Match]:
    """Work package and phase: applied to the matched ids, since they span relations the index does not filter on."""
    if not (filters.work_package or filters.phase):
        return matches
    page_ids = [m.pk for m in matches if m.kind == "page"]
    sprint_ids = [m.pk for m in matches if m.kind == "sprint"]
    pages = KnowledgePage.objects.filter(pk__in=page_ids)
    sprints = Sprint.objects.filter(pk__in=sprint_ids)
    if filters.work_package:
        pages = pages.filter(work_package__code=filters.work_package)
        sprints = sprints.filter(work_package__code=filters.work_package)
    if filters.phase:
        pages = pages.filter(relocation_phases__code=filters.phase)
        sprints = sprints.filter(relocation_phases__code=filters.phase)
    keep = {("page", pk) for pk in pages.values_list("pk", flat=True)}
    keep |= {("sprint", pk) for pk in sprints.values_list("pk", flat=True)}
    return [m for m in matches if (m.kind, m.pk) in keep]


def _facets(matches: Sequence[_Match]) -> dict[str, dict[str, int]]:
    """Counts per municipality (slug, "region" for region-wide pages), type, work package, phase and tag."""
    page_ids = [m.pk for m in matches if m.kind == "page"]
    sprint_ids = [m.pk for m in matches if m.kind == "sprint"]
    pages = KnowledgePage.objects.filter(pk__in=page_ids)
    sprints = Sprint.objects.filter(pk__in=sprint_ids)
    facets: dict[str, Counter[str]] = {name: Counter() for name in FACETS}

    def add(name: str, rows: Iterable[Any], key: str, empty: str | None = None) -> None:
        for row in rows:
            value = row[key] if row[key] is not None else empty
            if value is not None:
                facets[name][str(value)] += row["n"]

    for queryset in (pages, sprints):
        add(
            "municipality",
            queryset.values("municipality__slug").annotate(n=Count("pk", distinct=True)),
            "municipality__slug",
            "region",
        )
        add(
            "work_package",
            queryset.values("work_package__code").annotate(n=Count("pk", distinct=True)),
            "work_package__code",
        )
        add(
            "phase",
            queryset.values("relocation_phases__code").annotate(n=Count("pk", distinct=True)),
            "relocation_phases__code",
        )
    add("type", pages.values("kind").annotate(n=Count("pk")), "kind")
    if sprint_ids:
        facets["type"]["sprint"] += len(sprint_ids)
    add("tag", pages.values("tags__name").annotate(n=Count("pk", distinct=True)), "tags__name")
    return {name: dict(counts.most_common()) for name, counts in facets.items()}


def _fallback_highlight(text: str) -> str:
    return escape(Truncator(strip_tags(text or "")).chars(240))


def _hits(
    backend: Any, query: str, page_of: Sequence[_Match], *, promoted: frozenset[int] = frozenset()
) -> list[SearchHit]:
    page_ids = [m.pk for m in page_of if m.kind == "page"]
    sprint_ids = [m.pk for m in page_of if m.kind == "sprint"]
    pages = {p.pk: p for p in KnowledgePage.objects.filter(pk__in=page_ids).select_related("municipality")}
    sprints = {s.pk: s for s in Sprint.objects.filter(pk__in=sprint_ids).select_related("municipality")}
    highlights: dict[tuple[str, int], str] = {}
    for kind, objects in (("page", list(pages.values())), ("sprint", list(sprints.values()))):
        if hasattr(backend, "highlight_objects") and objects:
            for obj, marked in zip(objects, backend.highlight_objects(query, objects), strict=True):
                highlights[(kind, obj.pk)] = marked
    hits: list[SearchHit] = []
    for match in page_of:
        if match.kind == "page" and match.pk in pages:
            page = pages[match.pk]
            hits.append(
                SearchHit(
                    slug=page.slug,
                    title=page.title,
                    url=page.url or "",
                    type=page.kind,
                    municipality=page.municipality.slug if page.municipality_id else None,
                    score=round(match.score, 4),
                    highlight=highlights.get(("page", page.pk)) or _fallback_highlight(page.summary),
                    promoted=page.pk in promoted,
                )
            )
        elif match.kind == "sprint" and match.pk in sprints:
            sprint = sprints[match.pk]
            hits.append(
                SearchHit(
                    slug=sprint.slug,
                    title=sprint.title,
                    url=sprint.get_absolute_url(),
                    type="sprint",
                    municipality=sprint.municipality.slug,
                    score=round(match.score, 4),
                    highlight=highlights.get(("sprint", sprint.pk)) or _fallback_highlight(sprint.goal),
                )
            )
    return hits


def _matches_for(backend: Any, query: Any, user: Any, filters: SearchFilters, operator: str) -> list[_Match]:
    pages, sprints = _narrow(_visible_pages(user), visible_sprints(user), filters)
    matches: list[_Match] = []
    if pages is not None:
        matches += _scored(backend, query, pages, "page", operator)
    if sprints is not None:
        matches += _scored(backend, query, sprints, "sprint", operator)
    matches = _post_filter(matches, filters)
    matches.sort(key=lambda m: (-m.score, m.kind, m.pk))
    return matches


def _matches(
    backend: Any, query: str, user: Any, filters: SearchFilters, *, enough: int = PAGE_SIZE
) -> tuple[list[_Match], int]:
    """Pages with every word first; if they are few, pages with some of the words follow, ranked below them all.

    Also returns how many have every word: none means what was typed found nothing as such.
    """
    matches = _matches_for(backend, query, user, filters, "and")
    every_word = len(matches)
    if len(matches) >= enough or len(query.split()) < 2:
        return matches, every_word
    seen = {(m.kind, m.pk) for m in matches}
    looser = [m for m in _matches_for(backend, query, user, filters, "or") if (m.kind, m.pk) not in seen]
    if looser:
        floor = min((m.score for m in matches), default=1.0)
        top = max(m.score for m in looser) or 1.0
        # Scaled under the weakest full match, keeping their own order.
        matches += [_Match(m.kind, m.pk, m.score / top * floor * 0.5) for m in looser]
    return matches, every_word


def _suggest(backend: Any, query: str, user: Any) -> str | None:
    """A corrected query, offered only if it finds something this reader may see (never a hidden word)."""
    if not hasattr(backend, "suggest"):
        return None
    for queryset in (_visible_pages(user), visible_sprints(user)):
        suggestion: str | None = backend.suggest(query, queryset)
        if suggestion:
            return suggestion
    return None


def _compound_parts_query(query: str) -> str | None:
    """The query's words with every compound replaced by its parts (vägunderhåll -> väg underhåll), or None."""
    found = False
    terms: list[str] = []
    for word in words(query):
        parts = compound_parts(swedish_lemma(word))
        found = found or bool(parts)
        terms += list(parts) or [word]
    return " ".join(dict.fromkeys(terms)) if found else None


def _fuzzy_matches(backend: Any, query: str, user: Any, filters: SearchFilters) -> list[_Match]:
    """Matches of any word spelled up to two letters differently; empty where the backend has no fuzzy search."""
    try:
        return _matches_for(backend, Fuzzy(query, operator="or"), user, filters, "or")
    except (NotImplementedError, TypeError, ValueError):
        return []


def _relaxed(
    backend: Any,
    query: str,
    some_words: list[_Match],
    suggestion: str | None,
    user: Any,
    filters: SearchFilters,
) -> tuple[list[_Match], Relaxation | None, str]:
    """When no page has every word of `query`: the first loosening that finds something and what it searched.

    `some_words` are the pages with any of the words, already found by `_matches`.
    """
    if suggestion:
        matches, _every_word = _matches(backend, suggestion, user, filters)
        if matches:
            return matches, Relaxation.SUGGESTION, suggestion
    if some_words:
        return some_words, Relaxation.ANY_WORD, query
    parts = _compound_parts_query(query)
    if parts:
        matches = _matches_for(backend, parts, user, filters, "or")
        if matches:
            return matches, Relaxation.COMPOUND_PARTS, parts
    matches = _fuzzy_matches(backend, query, user, filters)
    if matches:
        return matches, Relaxation.FUZZY, query
    return [], None, query


def closest_method_cards(
    *, user: Any, query: str, limit: int = CLOSEST_METHOD_CARDS, backend: Any = None
) -> list[MethodCardPage]:
    """The visible method cards nearest to a query that found nothing: those a loose (fuzzy, compound-part) search
    ranks highest, else the best-proven ones, so the reader always has a way to go on."""
    backend = backend or get_search_backend()
    cards = MethodCardPage.objects.live().filter(visibility__in=visible_levels(user))
    ranked: list[int] = []
    loose = " ".join(filter(None, [query, _compound_parts_query(query)]))
    for attempt in (loose, Fuzzy(loose, operator="or")):
        try:
            ranked += [m.pk for m in _scored(backend, attempt, cards, "page", "or") if m.pk not in ranked]
        except (NotImplementedError, TypeError, ValueError):
            continue
    by_pk = cards.in_bulk(ranked[:limit])
    closest = [by_pk[pk] for pk in ranked[:limit] if pk in by_pk]
    if len(closest) < limit:
        strength = Case(
            *[When(evidence=level, then=Value(rank)) for rank, level in enumerate(Evidence.values)],
            output_field=IntegerField(),
        )
        closest += list(
            cards.exclude(pk__in=[card.pk for card in closest])
            .annotate(strength=strength)
            .order_by("-strength", "title")[: limit - len(closest)]
        )
    return closest


def _promoted_pages(query: str, user: Any, filters: SearchFilters) -> list[int]:
    """Ids of the knowledge pages the coordinating team promoted for `query` that this reader may see, in their order."""
    promoted = promoted_page_ids(query)
    if not promoted:
        return []
    pages, _sprints = _narrow(_visible_pages(user), visible_sprints(user), filters)
    if pages is None:
        return []
    visible = set(pages.filter(pk__in=promoted).values_list("pk", flat=True))
    return [pk for pk in promoted if pk in visible]


def promoted_page_ids(query: str) -> list[int]:
    """Pages promoted for `query` (Wagtail's search promotions, matched as Wagtail normalises queries)."""
    found = Query.objects.filter(query_string=Query.get(query).query_string).first() if query else None
    if found is None:
        return []
    return list(
        found.editors_picks.filter(page__isnull=False)
        .order_by("sort_order", "pk")
        .values_list("page_id", flat=True)
    )


def _promote(matches: list[_Match], promoted: list[int]) -> list[_Match]:
    """Promoted pages first (with their own score if they matched), then the rest in their order."""
    if not promoted:
        return matches
    own = {m.pk: m for m in matches if m.kind == "page"}
    first = [own.get(pk, _Match("page", pk, 0.0)) for pk in promoted]
    placed = set(promoted)
    return first + [m for m in matches if not (m.kind == "page" and m.pk in placed)]


def search_everything(
    *, user: Any, query: str, filters: SearchFilters | None = None, page: int = 1, page_size: int = PAGE_SIZE
) -> SearchOutcome:
    """One page of what `user` may see matching `query`, with facets over all of it and a did-you-mean.

    A query that finds nothing as typed is loosened (Relaxation, in order) and the closest method cards come with it:
    the reader never meets a bare empty page.
    """
    filters = filters or SearchFilters()
    query = " ".join(query.split())[:255]
    if not query:
        return SearchOutcome(
            query="",
            total=0,
            suggestion=None,
            facets={name: {} for name in FACETS},
            results=[],
            filters=filters,
        )
    backend = get_search_backend()
    matches, typed_total = _matches(backend, query, user, filters)
    suggestion = _suggest(backend, query, user)
    searched, relaxation, method_cards = query, None, []
    if not typed_total:
        matches, relaxation, searched = _relaxed(backend, query, matches, suggestion, user, filters)
        method_cards = closest_method_cards(user=user, query=query, backend=backend)
    promoted = _promoted_pages(query, user, filters)
    matches = _promote(matches, promoted)
    pages = max(1, math.ceil(len(matches) / page_size))
    page = min(max(1, page), pages)
    window = matches[(page - 1) * page_size : page * page_size]
    hits = _hits(backend, searched, window, promoted=frozenset(promoted))
    return SearchOutcome(
        query=query,
        total=len(matches),
        suggestion=suggestion,
        facets=_facets(matches),
        results=hits,
        page=page,
        pages=pages if matches else 0,
        filters=filters,
        searched=searched,
        typed_total=typed_total,
        relaxation=relaxation,
        method_cards=method_cards,
    )


def autocomplete_titles(*, user: Any, prefix: str, limit: int = 8) -> list[str]:
    """Titles of visible pages and sprints starting with the words typed so far, for the search box."""
    prefix = " ".join(prefix.split())[:100]
    if len(prefix) < 2:
        return []
    backend = get_search_backend()
    titles: list[str] = []
    for queryset in (_visible_pages(user), visible_sprints(user)):
        titles += [obj.title for obj in backend.autocomplete(prefix, queryset)[:limit]]
    return list(dict.fromkeys(titles))[:limit]


def phases_and_work_packages() -> dict[str, list[Any]]:
    """Filter choices for the search form."""
    return {
        "work_packages": list(WorkPackage.objects.all()),
        "phases": list(RelocationPhase.objects.all()),
        "municipalities": list(Municipality.objects.order_by("name")),
    }


def glossary_groups() -> list[list[str]]:
    """Each glossary entry's Swedish and English names, one group of equivalents per entry."""
    return [entry.names() for entry in GlossaryEntry.objects.order_by("pk") if len(entry.names()) > 1]


_LABEL_PARTS = re.compile(r"\s+[–&/]\s+|\s*\([^)]*\)")


def taxonomy_groups() -> list[list[str]]:
    """The taxonomy's bilingual labels as Swedish-English equivalents ("Tjänstesafari" = "Service safari").

    A label of several parts ("Marknadsföring & distribution") is paired part by part when both languages have as
    many parts; parenthesised remarks ("(5 dagar)") are left out.
    """
    groups: list[list[str]] = []
    for model in (WorkPackage, ValueChainStep, RelocationPhase, SprintMethod):
        for label_sv, label_en in model.objects.values_list("label_sv", "label_en"):
            parts_sv = [part.strip() for part in _LABEL_PARTS.split(label_sv) if part.strip()]
            parts_en = [part.strip() for part in _LABEL_PARTS.split(label_en) if part.strip()]
            if len(parts_sv) == len(parts_en):
                groups += [
                    [sv, en] for sv, en in zip(parts_sv, parts_en, strict=True) if sv.lower() != en.lower()
                ]
            elif label_sv.lower() != label_en.lower():
                groups.append([label_sv, label_en])
    return groups


def search_synonyms() -> list[list[str]]:
    """What the search backend expands queries with (its SYNONYMS setting): municipality aliases, the taxonomy's
    Swedish and English labels and the glossary."""
    return [*municipality_synonyms(), *taxonomy_groups(), *glossary_groups()]


def opensearch_settings() -> dict[str, Any]:
    """Index settings for the OpenSearch/Elasticsearch backends with the same glossary and Swedish lexicon as Whoosh."""
    return index_settings(search_synonyms())


def query_log_rows(*, since: datetime.date | None = None, zero_hits_only: bool = False) -> QuerySet[Any]:
    """The query log summed per query: searches, days searched, the last day and the fewest hits; for the admin report.

    `zero_hits_only` keeps the days a query found nothing as typed: what the glossary or new pages should answer.
    """
    rows = SearchQueryDay.objects.all()
    if since is not None:
        rows = rows.filter(day__gte=since)
    if zero_hits_only:
        rows = rows.filter(hits=0)
    return rows.values("query").annotate(
        total_searches=Sum("searches"),
        days=Count("day"),
        last_searched=Max("day"),
        fewest_hits=Min("hits"),
    )
