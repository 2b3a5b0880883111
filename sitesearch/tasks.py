"""Beat tasks of site search: the query log's retention."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="sitesearch.tasks.query_log_expire_task")
def query_log_expire_task() -> int:
    """Beat: delete query-log days older than SEARCH_LOG_RETENTION_DAYS."""
    from .services import search_query_log_expire

    return search_query_log_expire()
