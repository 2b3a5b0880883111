"""Shared set-up for the search benchmarks: a throw-away data directory, migrated, with both search backends configured."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def setup_django(label: str, reuse: str | None = None) -> Path:
    """Point Django at a fresh STIGAR_DATA_DIR (SQLite file, Whoosh index), or at `reuse`, and migrate it."""
    data_dir = Path(reuse) if reuse else Path(tempfile.mkdtemp(prefix=f"stigar-bench-{label}-"))
    os.environ["STIGAR_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    os.environ.setdefault("SEARCH_BACKEND", "whoosh")
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    # The benchmark compares two backends side by side; only "default" is updated on save.
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "knowledge.search.backend",
            "PATH": str(data_dir / "search"),
            "SYNONYMS": "sitesearch.selectors.search_synonyms",
        },
        "database": {"BACKEND": "modelsearch.backends.database", "AUTO_UPDATE": False},
    }
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated {data_dir} in {time.perf_counter() - started:.1f} s", flush=True)
    return data_dir


def rebuild(backend_name: str) -> float:
    """Seconds for modelsearch's full rebuild of one backend's index."""
    from io import StringIO

    from django.core.management import call_command

    started = time.perf_counter()
    call_command("update_index", backend_name=backend_name, stdout=StringIO(), verbosity=0)
    return time.perf_counter() - started


def ranked(backend: Any, query: str, queryset: Any, limit: int = 10) -> list[Any]:
    """What a reader gets: the top hits, or those of the corrected query when nothing matched and the backend suggests one."""
    results = _all_then_some(backend, query, queryset, limit)
    if not results and hasattr(backend, "suggest"):
        suggestion = backend.suggest(query, queryset)
        if suggestion:
            results = _all_then_some(backend, suggestion, queryset, limit)
    return results


def _all_then_some(backend: Any, query: str, queryset: Any, limit: int) -> list[Any]:
    """As knowledge.search.selectors does: pages with every word, then (if few) pages with some of them."""
    results = list(backend.search(query, queryset, operator="and")[:limit])
    if len(results) < limit and len(query.split()) > 1:
        seen = {obj.pk for obj in results}
        results += [
            obj for obj in backend.search(query, queryset, operator="or")[:limit] if obj.pk not in seen
        ]
    return results[:limit]
