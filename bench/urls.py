"""The portal's URLs with a bare Django view in front: the floor the page benchmarks measure every page against
(ROOT_URLCONF of bench.harness.measure_growth). Imported by Django once it is set up."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

from bench.harness import BARE_URL
from portal import urls as portal_urls


def bare_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns: list[URLPattern | URLResolver] = [
    path(BARE_URL.strip("/") + "/", bare_view),
    *portal_urls.urlpatterns,
]
