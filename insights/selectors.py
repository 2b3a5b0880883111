"""Reads of insights data: row-level prospects of one municipality, model versions, segments, pins, share logs, counts."""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.db.models import Count, Max, QuerySet

from themes.models import Municipality

from .models import ImportBatch, ModelVersion, Prospect, Segment, SegmentPin, ShareLog

FRAME_FIELDS = (
    "id",
    "country",
    "age_band",
    "household",
    "visits",
    "last_visit",
    "season",
    "interests",
    "newsletter_opens",
    "site_visits",
    "guide_download",
    "webinar",
    "job_clicks",
    "remote_work",
    "profession",
    "spend_sek",
    "relocated",
)


def prospects_of(municipality: Municipality) -> QuerySet[Prospect]:
    return Prospect.objects.filter(municipality=municipality).select_related("municipality")


def prospect_frame(municipality: Municipality, *, chunk_size: int = 100_000) -> pd.DataFrame:
    """All of a municipality's prospects as a typed frame for the model (no model instances).

    Fetched in chunks and typed chunk by chunk, so a million rows never exist as one list of Python tuples.
    """
    rows = Prospect.objects.filter(municipality=municipality).order_by("id").values_list(*FRAME_FIELDS)
    chunks: list[pd.DataFrame] = []
    batch: list[tuple[Any, ...]] = []
    for row in rows.iterator(chunk_size=chunk_size):
        batch.append(row)
        if len(batch) == chunk_size:
            chunks.append(_typed_chunk(batch))
            batch = []
    if batch or not chunks:
        chunks.append(_typed_chunk(batch))
    return pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]


def _typed_chunk(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(rows, columns=list(FRAME_FIELDS))
    frame["last_visit"] = pd.to_datetime(frame["last_visit"])
    frame["spend_sek"] = pd.to_numeric(frame["spend_sek"], errors="coerce")
    frame["relocated"] = frame["relocated"].astype("boolean")
    for column in ("guide_download", "webinar"):
        frame[column] = frame[column].astype(bool)
    for column in ("visits", "newsletter_opens", "site_visits", "job_clicks"):
        frame[column] = frame[column].astype("int64")
    return frame


def latest_model(municipality: Municipality) -> ModelVersion | None:
    return ModelVersion.objects.filter(municipality=municipality).order_by("-version").first()


def model_versions_of(municipality: Municipality) -> QuerySet[ModelVersion]:
    return ModelVersion.objects.filter(municipality=municipality).order_by("-version")


def last_import(municipality: Municipality) -> ImportBatch | None:
    return (
        ImportBatch.objects.filter(municipality=municipality, status=ImportBatch.Status.IMPORTED)
        .order_by("-finished_at")
        .first()
    )


def import_batches_of(municipality: Municipality) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(municipality=municipality).select_related("uploaded_by")


def segments_of(municipality: Municipality) -> QuerySet[Segment]:
    return Segment.objects.filter(municipality=municipality).order_by("-mean_score", "key")


def pins_of(municipality: Municipality) -> dict[str, SegmentPin]:
    return {
        pin.segment_key: pin
        for pin in SegmentPin.objects.filter(municipality=municipality).select_related("pinned_by")
    }


def share_logs_of(municipality: Municipality) -> QuerySet[ShareLog]:
    """Shares that included this municipality's aggregates, newest first (what its analysts see)."""
    return (
        ShareLog.objects.filter(municipalities=municipality)
        .select_related("shared_by")
        .prefetch_related("municipalities")
        .order_by("-shared_at")
    )


def shared_segment_cells() -> list[dict[str, Any]]:
    """Segment sizes and score sums per municipality (already aggregates), for the shared table."""
    return [
        dict(row)
        for row in Segment.objects.filter(size__gt=0, mean_score__isnull=False)
        .select_related("municipality")
        .values("key", "size", "mean_score", "municipality_id", "municipality__slug", "municipality__cluster")
    ]


def prospect_counts(municipality: Municipality) -> dict[str, Any]:
    """Counts only (INTERFACES.md prospect_stats): prospects, by AIDA stage, segments."""
    by_stage = dict(
        Prospect.objects.filter(municipality=municipality)
        .values_list("aida_stage")
        .annotate(n=Count("id"))
        .values_list("aida_stage", "n")
    )
    return {
        "prospects": sum(by_stage.values()),
        "aida": {stage: by_stage.get(stage, 0) for stage in ("attention", "interest", "desire", "action")},
        "segments": Segment.objects.filter(municipality=municipality).count(),
    }


def latest_import_time(municipality: Municipality) -> Any:
    return Prospect.objects.filter(municipality=municipality).aggregate(latest=Max("imported_at"))["latest"]


def stuck_batches(*, older_than_seconds: int) -> QuerySet[ImportBatch]:
    """Batches still queued or running whose last sign of life (or creation) is older than the threshold."""
    import datetime as dt

    from django.db.models import Q
    from django.utils import timezone

    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    return ImportBatch.objects.filter(
        status__in=(ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING)
    ).filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff))
