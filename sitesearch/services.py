"""Writes of site search: glossary entries and the anonymous query log."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from themes.permissions import Action, require

from .models import GlossaryEntry, SearchQueryDay

QUERY_LOG_LENGTH = 200


def glossary_entry_create(
    *, user: Any, swedish: str, english: str = "", source: str = "", skip_permission_checks: bool = False
) -> GlossaryEntry:
    """A new glossary entry; its names take part in search within a minute (the backend's synonym cache)."""
    if not skip_permission_checks:
        require(user, Action.EDIT_GLOSSARY)
    with transaction.atomic():
        entry = GlossaryEntry(swedish=swedish.strip(), english=english.strip(), source=source.strip())
        entry.full_clean()
        entry.save()
    return entry


def search_query_log(*, query: str, hits: int) -> None:
    """Count one search of `query` today with its number of hits. Only the words typed are kept, never who typed them.

    A system write: every reader's search is counted, so there is no permission to check.
    """
    text = " ".join(query.split()).lower()[:QUERY_LOG_LENGTH]
    if not text:
        return
    today = timezone.localdate()
    with transaction.atomic():
        updated = SearchQueryDay.objects.filter(day=today, query=text).update(
            searches=F("searches") + 1, hits=hits
        )
        if not updated:
            _, created = SearchQueryDay.objects.get_or_create(
                day=today, query=text, defaults={"searches": 1, "hits": hits}
            )
            if not created:
                SearchQueryDay.objects.filter(day=today, query=text).update(
                    searches=F("searches") + 1, hits=hits
                )


def search_query_log_expire(*, today: datetime.date | None = None) -> int:
    """Delete the query log's days older than SEARCH_LOG_RETENTION_DAYS; returns the rows deleted. A system write."""
    cutoff = (today or timezone.localdate()) - datetime.timedelta(days=settings.SEARCH_LOG_RETENTION_DAYS)
    deleted, _ = SearchQueryDay.objects.filter(day__lt=cutoff).delete()
    return deleted
