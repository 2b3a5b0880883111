"""Search across knowledge pages and sprints for one reader: visibility first, then query, filters, facets and a page of hits."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Count, QuerySet
from django.utils.html import escape, strip_tags
from django.utils.text import Truncator
from modelsearch.backends import get_search_backend

from knowledge.models import KnowledgePage
from knowledge.search.opensearch import index_settings
from sprints.models import Sprint
from sprints.selectors import visible_sprints
from themes.models import Municipality, RelocationPhase, SprintMethod, ValueChainStep, WorkPackage
from themes.permissions import visible_levels
from themes.selectors import search_synonyms as municipality_synonyms

from .models import GlossaryEntry

PAGE_SIZE = 20
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
            municipality=str(params.get("municipality", "") or "").strip().lower(),
            type=str(params.get("type", "") or "").strip().lower(),
            work_package=str(params.get("work_package", "") or "").strip().upper(),
            phase=str(params.get("phase", "") or "").strip().lower(),
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

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


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
    # The query the results are for: the corrected one when what was typed found nothing.
    searched: str = ""

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
    backend: Any, query: str, queryset: QuerySet[Any], kind: str, operator: str = "and"
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


def _hits(backend: Any, query: str, page_of: Sequence[_Match]) -> list[SearchHit]:
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


def _matches_for(backend: Any, query: str, user: Any, filters: SearchFilters, operator: str) -> list[_Match]:
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
) -> list[_Match]:
    """Pages with every word first; if they are few, pages with some of the words follow, ranked below them all."""
    matches = _matches_for(backend, query, user, filters, "and")
    if len(matches) >= enough or len(query.split()) < 2:
        return matches
    seen = {(m.kind, m.pk) for m in matches}
    looser = [m for m in _matches_for(backend, query, user, filters, "or") if (m.kind, m.pk) not in seen]
    if looser:
        floor = min((m.score for m in matches), default=1.0)
        top = max(m.score for m in looser) or 1.0
        # Scaled under the weakest full match, keeping their own order.
        matches += [_Match(m.kind, m.pk, m.score / top * floor * 0.5) for m in looser]
    return matches


def _suggest(backend: Any, query: str, user: Any) -> str | None:
    """A corrected query, offered only if it finds something this reader may see (never a hidden word)."""
    if not hasattr(backend, "suggest"):
        return None
    for queryset in (_visible_pages(user), visible_sprints(user)):
        suggestion: str | None = backend.suggest(query, queryset)
        if suggestion:
            return suggestion
    return None


def search_everything(
    *, user: Any, query: str, filters: SearchFilters | None = None, page: int = 1, page_size: int = PAGE_SIZE
) -> SearchOutcome:
    """One page of what `user` may see matching `query`, with facets over all of it and a did-you-mean."""
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
    matches = _matches(backend, query, user, filters)
    suggestion = _suggest(backend, query, user)
    searched = query
    if not matches and suggestion:
        # Nothing for what was typed: show what the corrected query finds, and say so.
        searched = suggestion
        matches = _matches(backend, suggestion, user, filters)
    pages = max(1, math.ceil(len(matches) / page_size))
    page = min(max(1, page), pages)
    window = matches[(page - 1) * page_size : page * page_size]
    return SearchOutcome(
        query=query,
        total=len(matches),
        suggestion=suggestion,
        facets=_facets(matches),
        results=_hits(backend, searched, window),
        page=page,
        pages=pages if matches else 0,
        filters=filters,
        searched=searched,
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
