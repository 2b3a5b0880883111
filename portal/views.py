"""The portal's own pages: the home page, and the error pages Django answers when no view does."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework.exceptions import NotFound, ParseError

from . import selectors


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", selectors.home_page(user=request.user))


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A path under /api/ that matches no endpoint (`/api/sprints/abc/`) answers as the API's own 404s do, with the
    documented JSON error body, not the portal's HTML page."""
    if _is_api(request):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)


@csrf_exempt  # it changes nothing; a POST to a wrong path is a 404, not a CSRF failure
def api_not_found(request: HttpRequest) -> HttpResponse:
    """Every path under /api/ that no endpoint matches, whatever the method (mounted before Wagtail's catch-all, which
    would otherwise serve `/api/sprints/abc/comments/` as a page: an HTML 404, or a CSRF 403 for a POST)."""
    return not_found(request)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": str(ParseError.default_detail)}, status=400)
    return defaults.bad_request(request, exception)  # type: ignore[arg-type]
