"""One rule for how many web processes may share per-process caches, used by production settings (WEB_CONCURRENCY)
and by gunicorn.conf.py (the worker count gunicorn actually starts, `-w N` included).

Scoring progress, the dashboard's invalidation and the page cache must be one store for every web process: with a
per-process memory cache each process shows its own, stale, state."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LOCAL_MEMORY_CACHE = "LocMemCache"


def local_cache_problem(
    caches: Mapping[str, Mapping[str, Any]], processes: int, *, source: str
) -> str | None:
    """The sentence that refuses `processes` web processes over these CACHES, or None when they may run."""
    local = [
        name for name, cache in caches.items() if str(cache.get("BACKEND", "")).endswith(LOCAL_MEMORY_CACHE)
    ]
    if not local or processes <= 1:
        return None
    return (
        f"CACHES {', '.join(local)} is a per-process memory cache, but {source}={processes}: use files or Redis "
        "(CACHE_URL, PAGE_CACHE_URL) when more than one web process runs."
    )
