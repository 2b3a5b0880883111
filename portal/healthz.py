"""/healthz: is the portal able to serve? Checks the database, the Celery broker, the search index, and that no
import job has been stuck (queued or running without a sign of life) for longer than IMPORT_STUCK_SECONDS."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from modelsearch.backends import get_search_backend
from wagtail.search.models import IndexEntry

from insights.selectors import stuck_batches

from .celery import app as celery_app

logger = logging.getLogger(__name__)

Check = Callable[[], dict[str, Any]]


def check_database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "ok", "vendor": connection.vendor}


def check_broker() -> dict[str, Any]:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        transport = conn.transport_cls if isinstance(conn.transport_cls, str) else conn.transport.driver_type
    return {"status": "ok", "transport": str(transport)}


def check_search() -> dict[str, Any]:
    backend = get_search_backend()
    # The Whoosh backend reports its document count and the age of its last commit;
    # the other backends answer a trivial query instead.
    if hasattr(backend, "index_status"):
        return {"status": "ok", **backend.index_status()}
    return {"status": "ok", "backend": type(backend).__module__, "documents": IndexEntry.objects.count()}


def check_jobs() -> dict[str, Any]:
    threshold = int(settings.IMPORT_STUCK_SECONDS)
    stuck = stuck_batches(older_than_seconds=threshold).count()
    return {
        "status": "ok" if stuck == 0 else "degraded",
        "stuck_imports": stuck,
        "threshold_seconds": threshold,
    }


CHECKS: dict[str, Check] = {
    "database": check_database,
    "broker": check_broker,
    "search": check_search,
    "jobs": check_jobs,
}


def run_checks() -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # any failure of a dependency is a degraded portal, never a 500
            logger.warning("healthz: %s check failed: %s", name, exc)
            results[name] = {"status": "error", "error": f"{type(exc).__name__}: {exc}"}
    return results


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = run_checks()
    ok = all(result["status"] == "ok" for result in checks.values())
    return JsonResponse({"status": "ok" if ok else "degraded", "checks": checks}, status=200 if ok else 503)
