"""The page cache: public knowledge pages served to anonymous readers from Django's cache, without rendering them.

Django's own cache middleware does the work (cache keys, Vary headers, expiry); this subclass narrows what it stores,
because most of Stigar's pages depend on who asks:
- only responses that their view marked `Cache-Control: public` are stored (opt-in: knowledge pages and the knowledge
  index do so for anonymous readers of public content, see knowledge.models);
- a request that carries a session cookie is never answered from the cache, so a signed-in user always gets a page
  rendered for their role.
It sits near the top of MIDDLEWARE, so that a cached page skips sessions, locale, CSRF and authentication.

The cache alias "pages" is a cache of its own (a directory, or a Redis database of its own): on any change to
knowledge, sprints, the taxonomy or tags it is cleared as a whole, once the transaction commits. Clearing everything
is simpler than finding every page that shows a changed title (lists, related lessons, evidence trails) and costs
little: the next reader of each page renders it once.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.cache import CacheMiddleware

ALIAS = "pages"
# Apps whose rows appear on cached pages. Everything in them counts, so a new model cannot be forgotten.
WATCHED_APPS = frozenset({"knowledge", "sprints", "themes", "taggit", "wagtailcore"})


class PageCacheMiddleware(CacheMiddleware):
    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        if settings.PAGE_CACHE_SECONDS <= 0 or settings.SESSION_COOKIE_NAME in request.COOKIES:
            request._cache_update_cache = False  # type: ignore[attr-defined]
            return None
        return super().process_request(request)

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase | str
    ) -> HttpResponseBase | str:
        if isinstance(response, str) or "public" not in response.get("Cache-Control", ""):
            return response
        return super().process_response(request, response)


def clear() -> None:
    caches[ALIAS].clear()


def _on_change(sender: Any, **kwargs: Any) -> None:
    meta = getattr(sender, "_meta", None)
    if meta is None or meta.app_label not in WATCHED_APPS:
        return
    # After the commit: a rolled-back change must not empty the cache, and a reader between the clear and the
    # commit must not store the old page again. A bulk change clears many times at commit; all but the first
    # find an empty cache.
    transaction.on_commit(clear)


def connect() -> None:
    for name, signal in (("save", post_save), ("delete", post_delete), ("m2m", m2m_changed)):
        signal.connect(_on_change, dispatch_uid=f"stigar-page-cache-clear-{name}")
