"""Thin view of the search page (/search/); the JSON API and autocomplete are DRF views in sitesearch.api."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from . import selectors, services


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


TYPE_LABELS = {
    "lesson": gettext_lazy("Lesson"),
    "method": gettext_lazy("Method card"),
    "exchange": gettext_lazy("Exchange meeting"),
    "sprint": gettext_lazy("Sprint"),
}


def _facet_rows(outcome: selectors.SearchOutcome, choices: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Facet values with readable labels, and for those that are filters a link that applies them."""
    labels: dict[str, dict[str, str]] = {
        "municipality": {m.slug: m.name for m in choices["municipalities"]} | {"region": _("Region-wide")},
        "type": {code: str(label) for code, label in TYPE_LABELS.items()},
        "work_package": {wp.code: f"{wp.code} – {wp.label}" for wp in choices["work_packages"]},
        "phase": {phase.code: phase.label for phase in choices["phases"]},
    }
    base = {"q": outcome.query, **outcome.filters.as_dict()}
    rows = []
    for name, counts in outcome.facets.items():
        values = []
        for value, count in counts.items():
            link = None
            if name in labels and value != "region":
                link = "?" + urlencode({**base, name: value})
            values.append({"label": labels.get(name, {}).get(value, value), "count": count, "link": link})
        if values:
            rows.append({"name": name, "values": values})
    return rows


# The correction's note is in the template: it links the corrected query.
RELAXATION_NOTES = {
    selectors.Relaxation.ANY_WORD: gettext_lazy(
        "Nothing matched every word of “%(query)s”. Showing pages with some of the words."
    ),
    selectors.Relaxation.COMPOUND_PARTS: gettext_lazy(
        "Nothing matched “%(query)s”. Showing pages with its parts: “%(searched)s”."
    ),
    selectors.Relaxation.FUZZY: gettext_lazy(
        "Nothing matched “%(query)s”. Showing pages with words spelled almost the same."
    ),
}


def _log_search(outcome: selectors.SearchOutcome, page: int) -> None:
    """Count the search in the anonymous query log once, on its first page, with the hits of what was typed."""
    if page == 1 and outcome.query:
        services.search_query_log(query=outcome.query, hits=outcome.typed_total)


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    filters = selectors.SearchFilters.from_query(request.GET)
    outcome = selectors.search_everything(
        user=request.user, query=request.GET.get("q", ""), filters=filters, page=_page_number(request)
    )
    _log_search(outcome, _page_number(request))
    relaxation_note = None
    if outcome.relaxation in RELAXATION_NOTES:
        relaxation_note = RELAXATION_NOTES[selectors.Relaxation(outcome.relaxation)] % {
            "query": outcome.query,
            "searched": outcome.searched,
        }
    base = {"q": outcome.query, **filters.as_dict()}
    choices = selectors.phases_and_work_packages()
    # Hits name their municipality by slug (as the JSON API does); the page shows its name.
    names = {m.slug: m.name for m in choices["municipalities"]}
    return render(
        request,
        "sitesearch/search.html",
        {
            "outcome": outcome,
            "hits": [(hit, names.get(hit.municipality or "")) for hit in outcome.results],
            "filters": filters,
            "choices": choices,
            "facet_rows": _facet_rows(outcome, choices),
            "types": selectors.TYPES,
            "suggestion_query": urlencode({**base, "q": outcome.suggestion or ""}),
            "relaxation_note": relaxation_note,
            "page_query": urlencode(base),
        },
    )
