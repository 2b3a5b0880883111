"""Thin views of search: the page (/search/), the JSON API (/api/search/) and autocomplete for the search box."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    filters = selectors.SearchFilters.from_query(request.GET)
    outcome = selectors.search_everything(
        user=request.user, query=request.GET.get("q", ""), filters=filters, page=_page_number(request)
    )
    base = {"q": outcome.query, **filters.as_dict()}
    return render(
        request,
        "knowledge/search.html",
        {
            "outcome": outcome,
            "filters": filters,
            "choices": selectors.phases_and_work_packages(),
            "types": selectors.TYPES,
            "suggestion_query": urlencode({**base, "q": outcome.suggestion or ""}),
            "page_query": urlencode(base),
        },
    )


@require_GET
def search_api(request: HttpRequest) -> JsonResponse:
    outcome = selectors.search_everything(
        user=request.user,
        query=request.GET.get("q", ""),
        filters=selectors.SearchFilters.from_query(request.GET),
        page=_page_number(request),
    )
    return JsonResponse(outcome.as_json(), json_dumps_params={"ensure_ascii": False})


@require_GET
def autocomplete_api(request: HttpRequest) -> JsonResponse:
    titles = selectors.autocomplete_titles(user=request.user, prefix=request.GET.get("q", ""))
    return JsonResponse({"results": titles}, json_dumps_params={"ensure_ascii": False})
