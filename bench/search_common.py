"""Shared set-up for the search benchmarks: a throw-away data directory, migrated, with both search backends configured."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from knowledge.models import KnowledgePage


class Results(Protocol):
    """What a backend's search answers: sliced for the top hits, counted for the total."""

    def __getitem__(self, key: slice) -> Iterable[KnowledgePage]: ...

    def count(self) -> int: ...


class Backend(Protocol):
    """What the search benchmarks use of modelsearch's backend API (both backends, knowledge.search.backend and
    modelsearch.backends.database, have it; modelsearch ships no type information)."""

    def search(
        self, query: str, model_or_queryset: QuerySet[KnowledgePage], *, operator: str | None = None
    ) -> Results: ...

    def add(self, obj: KnowledgePage) -> None: ...


def setup_django(label: str, reuse: str | None = None) -> Path:
    """Point Django at a fresh STIGAR_DATA_DIR (SQLite file, Whoosh index), or at `reuse`, and migrate it."""
    data_dir = Path(reuse) if reuse else Path(tempfile.mkdtemp(prefix=f"stigar-bench-{label}-"))
    os.environ["STIGAR_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    os.environ.setdefault("SEARCH_BACKEND", "whoosh")
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


def ranked(
    backend: Backend, query: str, queryset: QuerySet[KnowledgePage], limit: int = 10
) -> list[KnowledgePage]:
    """What a reader gets: the top hits, or those of the corrected query when nothing matched and the backend suggests one."""
    results = _all_then_some(backend, query, queryset, limit)
    if not results and hasattr(backend, "suggest"):  # the Whoosh backend (knowledge.search.backend) has it
        suggestion = backend.suggest(query, queryset)
        if suggestion:
            results = _all_then_some(backend, suggestion, queryset, limit)
    return results


def _all_then_some(
    backend: Backend, query: str, queryset: QuerySet[KnowledgePage], limit: int
) -> list[KnowledgePage]:
    """As knowledge.search.selectors does: pages with every word, then (if few) pages with some of them."""
    results = list(backend.search(query, queryset, operator="and")[:limit])
    if len(results) < limit and len(query.split()) > 1:
        seen = {obj.pk for obj in results}
        results += [
            obj for obj in backend.search(query, queryset, operator="or")[:limit] if obj.pk not in seen
        ]
    return results[:limit]
