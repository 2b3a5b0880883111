"""Reads of insights data: row-level prospects of one municipality, model versions, segments, pins, share logs, counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone

from themes.models import AidaStage, Municipality

from .models import ImportBatch, ModelVersion, Prospect, ProspectStageSnapshot, Segment, SegmentPin, ShareLog
from .scoring.segments import ALL, REGION, shared_table

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
    # Plain SQL through Django's chunked cursor (server-side on PostgreSQL): the ORM's per-value converters took
    # most of a million-row read; dates, booleans and numbers are typed per chunk, vectorised, instead.
    quote = connection.ops.quote_name
    # FRAME_FIELDS are plain fields (no foreign key), so each column has the field's name.
    columns = ", ".join(_frame_column(name) for name in FRAME_FIELDS)
    sql = (
        f"SELECT {columns} FROM {quote(Prospect._meta.db_table)} "  # noqa: S608 (names from the model)
        f"WHERE {quote('municipality_id')} = %s ORDER BY {quote('id')}"
    )
    chunks: list[pd.DataFrame] = []
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(sql, [municipality.pk])
        while rows := cursor.fetchmany(chunk_size):
            chunks.append(_typed_chunk(rows))
    if not chunks:
        chunks.append(_typed_chunk([]))
    return pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]


# SQLite: sqlite3 calls Django's converter (parse_date, bool) for every value of a column declared date or bool,
# about a second per million rows; read as stored (ISO text, 0/1) instead and typed per chunk below, vectorised.
_SQLITE_AS_STORED = {
    "last_visit": "TEXT",
    "guide_download": "INTEGER",
    "webinar": "INTEGER",
    "relocated": "INTEGER",
}
# Text columns with a few distinct values (the model's categories and the interests lists).
_SHARED_TEXT = ("country", "age_band", "household", "season", "interests", "remote_work", "profession")


def _frame_column(name: str) -> str:
    column = connection.ops.quote_name(name)
    if connection.vendor == "sqlite" and name in _SQLITE_AS_STORED:
        # An expression has no declared type, so no converter runs; the alias keeps the field's name.
        return f"CAST({column} AS {_SQLITE_AS_STORED[name]}) AS {column}"
    return column


def _shared_strings(values: pd.Series) -> pd.Series:
    """The same values with one string object per distinct value: the driver makes a new object for every cell
    (about 60 bytes each, some 400 MB for a million prospects' text columns); same dtype and contents."""
    codes, distinct = values.array.factorize()
    return pd.Series(distinct.take(codes, allow_fill=True), index=values.index, name=values.name)


def _typed_chunk(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(rows, columns=list(FRAME_FIELDS))
    for column in _SHARED_TEXT:
        frame[column] = _shared_strings(frame[column])
    # Seconds, as date objects give (ISO text would give microseconds).
    frame["last_visit"] = pd.to_datetime(frame["last_visit"]).astype("datetime64[s]")
    frame["spend_sek"] = pd.to_numeric(frame["spend_sek"], errors="coerce")
    # SQLite gives booleans as 0/1 and dates as text; PostgreSQL as bool and date.
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


def imported_batches_of(municipality: Municipality) -> QuerySet[ImportBatch]:
    """The municipality's imported files, oldest first, with how many prospects each recorded in the history."""
    return (
        ImportBatch.objects.filter(municipality=municipality, status=ImportBatch.Status.IMPORTED)
        .annotate(observed_on=Max("stage_snapshots__observed_on"))
        .order_by("finished_at", "pk")
    )


def segments_of(municipality: Municipality) -> QuerySet[Segment]:
    return Segment.objects.filter(municipality=municipality).order_by("-mean_score", "key")


def segment_lineage(municipality: Municipality) -> dict[str, list[dict[str, Any]]]:
    """Consent lineage: for each segment, the import batches (source, file, date) whose rows its prospects are
    now, with how many prospects each; one grouped query. A prospect's batch is the last import that held it (a
    re-import replaces the row); `batch_id` None marks rows whose batch record is gone."""
    rows = (
        Prospect.objects.filter(municipality=municipality)
        .values("segment_key", "batch_id", "batch__source", "batch__file_name", "batch__created_at")
        .annotate(n=Count("id"))
        .order_by("segment_key", "-batch__created_at", "batch_id")
    )
    lineage: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        lineage.setdefault(row["segment_key"], []).append(
            {
                "batch_id": row["batch_id"],
                "source": row["batch__source"] or "",
                "file_name": row["batch__file_name"] or "",
                "created_at": row["batch__created_at"],
                "n": row["n"],
            }
        )
    return lineage


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


# The end of the funnel, where attraction turns into people who need a home, a job and a preschool place.
PIPELINE_STAGES = (AidaStage.DESIRE, AidaStage.ACTION)
PIPELINE_CACHE_SECONDS = 60 * 60
PIPELINE_VERSION_KEY = "stigar:insights:pipeline:version"


def pipeline_changed() -> None:
    """Make the cached pipeline counts stale (called by every write that adds or removes prospects)."""
    try:
        cache.incr(PIPELINE_VERSION_KEY)
    except ValueError:  # evicted or never set: any new value differs from what the entries were built with
        cache.set(PIPELINE_VERSION_KEY, int(cache.get(PIPELINE_VERSION_KEY, 0)) + 1, timeout=None)


def pipeline_counts(*, first_year: int, last_year: int) -> dict[str, dict[str, int | None]]:
    """Prospects in Desire and in Action per municipality (slug), counted over the imports of those years: aggregates
    only, suppressed by the shared tables' own primary and secondary suppression (None where a figure could reveal a
    cell under SUPPRESSION_THRESHOLD). Municipalities without such prospects are left out.

    A prospect belongs to the period of its last import (the snapshot of the funnel the visitor database gave then).
    The grouping reads every prospect of those years, so the result is cached until an import, erasure or expiry
    (`pipeline_changed`); a cached answer costs no query.
    """
    version = cache.get(PIPELINE_VERSION_KEY, 0)
    key = f"stigar:insights:pipeline:{version}:{first_year}-{last_year}:{settings.SUPPRESSION_THRESHOLD}"
    cached: dict[str, dict[str, int | None]] | None = cache.get(key)
    if cached is not None:
        return cached
    rows = (
        Prospect.objects.filter(aida_stage__in=PIPELINE_STAGES)
        .annotate(year=ExtractYear("imported_at"))
        .filter(year__gte=first_year, year__lte=last_year)
        .order_by()
        .values_list("municipality__slug", "aida_stage")
        .annotate(n=Count("id"))
    )
    frame = pd.DataFrame(
        [{"segment": stage, "area": slug, "n": n, "score_sum": 0.0} for slug, stage, n in rows],
        columns=["segment", "area", "n", "score_sum"],
    )
    published: dict[str, dict[str, int | None]] = {}
    if not frame.empty:
        table = shared_table(frame, threshold=settings.SUPPRESSION_THRESHOLD)
        cells = table[~table["margin"]]
        for stage, slug, n in zip(cells["segment"], cells["area"], cells["n_published"], strict=True):
            published.setdefault(slug, {str(s): 0 for s in PIPELINE_STAGES})[stage] = (
                None if pd.isna(n) else int(n)
            )
    cache.set(key, published, timeout=PIPELINE_CACHE_SECONDS)
    return published


def stuck_batches(*, older_than_seconds: int) -> QuerySet[ImportBatch]:
    """Batches still queued or running whose last sign of life (or creation) is older than the threshold."""
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    return ImportBatch.objects.filter(
        status__in=(ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING)
    ).filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff))


# --- stage history ---------------------------------------------------------------------------------
# A prospect seen by several imports in one month counts once in that month, at the stage of the month's last import.

STAGE_ORDER = tuple(AidaStage.values)


def _month_key(value: Any) -> str:
    """`YYYY-MM` from the month column (SQLite gives text, PostgreSQL a date)."""
    return str(value)[:7]


def _latest_in_month_sql(where: str) -> str:
    quote = connection.ops.quote_name
    table = quote(ProspectStageSnapshot._meta.db_table)
    # Names from the model's own metadata; `where` is a fixed condition with placeholders, never input.
    return (
        f"SELECT {quote('municipality_id')} AS municipality_id, {quote('month')} AS month, {quote('stage')} AS stage, "  # noqa: S608
        f"ROW_NUMBER() OVER (PARTITION BY {quote('prospect_id')}, {quote('month')} "
        f"ORDER BY {quote('observed_on')} DESC, {quote('batch_id')} DESC) AS latest "
        f"FROM {table} WHERE {where}"
    )


def _history_cached(name: str, build: Any) -> Any:
    """History reads group every snapshot of a municipality (a window over millions of rows for a large one): cached
    until the next import, erasure or expiry, which all call `pipeline_changed`."""
    key = f"stigar:insights:history:{cache.get(PIPELINE_VERSION_KEY, 0)}:{name}"
    cached = cache.get(key)
    if cached is None:
        cached = build()
        cache.set(key, cached, timeout=PIPELINE_CACHE_SECONDS)
    return cached


def stage_counts_by_month(municipality: Municipality) -> dict[str, dict[str, int]]:
    """Prospects per month and AIDA stage (each prospect once per month), oldest month first; one query, cached."""
    result: dict[str, dict[str, int]] = _history_cached(
        f"counts:{municipality.pk}", lambda: _stage_counts_by_month(municipality)
    )
    return result


def _stage_counts_by_month(municipality: Municipality) -> dict[str, dict[str, int]]:
    quote = connection.ops.quote_name
    sql = (
        f"SELECT month, stage, COUNT(*) FROM ({_latest_in_month_sql(quote('municipality_id') + ' = %s')}) AS s "  # noqa: S608
        "WHERE latest = 1 GROUP BY month, stage ORDER BY month"
    )
    counts: dict[str, dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [municipality.pk])
        for month, stage, n in cursor.fetchall():
            counts.setdefault(_month_key(month), dict.fromkeys(STAGE_ORDER, 0))[stage] = int(n)
    return counts


def stage_flows(municipality: Municipality) -> dict[str, dict[tuple[str, str], int]]:
    """Movement between consecutive observations of the same prospect: per month of the later observation,
    (stage before, stage after) -> prospects. Staying at a stage is a flow too. One query, cached."""
    result: dict[str, dict[tuple[str, str], int]] = _history_cached(
        f"flows:{municipality.pk}", lambda: _stage_flows(municipality)
    )
    return result


def _stage_flows(municipality: Municipality) -> dict[str, dict[tuple[str, str], int]]:
    quote = connection.ops.quote_name
    table = quote(ProspectStageSnapshot._meta.db_table)
    order = f"{quote('observed_on')}, {quote('batch_id')}"
    pairs = (
        f"SELECT {quote('stage')} AS stage, "  # noqa: S608 (names from the model)
        f"LEAD({quote('stage')}) OVER (PARTITION BY {quote('prospect_id')} ORDER BY {order}) AS next_stage, "
        f"LEAD({quote('month')}) OVER (PARTITION BY {quote('prospect_id')} ORDER BY {order}) AS next_month "
        f"FROM {table} WHERE {quote('municipality_id')} = %s"
    )
    sql = (
        f"SELECT next_month, stage, next_stage, COUNT(*) FROM ({pairs}) AS p "  # noqa: S608
        "WHERE next_stage IS NOT NULL GROUP BY next_month, stage, next_stage ORDER BY next_month"
    )
    flows: dict[str, dict[tuple[str, str], int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [municipality.pk])
        for month, stage, next_stage, n in cursor.fetchall():
            flows.setdefault(_month_key(month), {})[(stage, next_stage)] = int(n)
    return flows


def stage_history_cells() -> list[dict[str, Any]]:
    """Prospects per month, AIDA stage and municipality (each prospect once per month), for the shared tables:
    counts only, never a row. Two queries, cached."""
    result: list[dict[str, Any]] = _history_cached("cells", _stage_history_cells)
    return result


def _stage_history_cells() -> list[dict[str, Any]]:
    sql = (
        f"SELECT municipality_id, month, stage, COUNT(*) FROM ({_latest_in_month_sql('1 = 1')}) AS s "  # noqa: S608
        "WHERE latest = 1 GROUP BY municipality_id, month, stage"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    areas = {m.pk: m.statistics_area for m in Municipality.objects.filter(pk__in={r[0] for r in rows})}
    return [
        {"municipality_id": pk, "area": areas[pk], "month": _month_key(month), "stage": stage, "n": int(n)}
        for pk, month, stage, n in rows
    ]


@dataclass(frozen=True)
class SharedStageHistory:
    """Stage counts per month and statistics area, region totals per month, and each area's total over the
    period, after primary and secondary suppression as one table: a value is None where it is suppressed.

    Month and stage together are one dimension of the table, so the areas' totals over the whole period are
    margins the secondary suppression protects: a hidden cell cannot be recovered from a total across months.
    """

    months: list[str]
    areas: list[str]
    # A figure absent from the table (no prospect at all) is 0; a suppressed one is None.
    cells: dict[tuple[str, str, str], int | None]  # (month, stage, area)
    region: dict[tuple[str, str], int | None]  # (month, stage), all areas
    area_totals: dict[str, int | None]  # observations over the whole period
    municipalities: list[int]
    suppressed: int
    threshold: int


def shared_stage_history(*, threshold: int | None = None) -> SharedStageHistory:
    limit = threshold or settings.SUPPRESSION_THRESHOLD
    raw = stage_history_cells()
    months = sorted({row["month"] for row in raw})
    areas = sorted({row["area"] for row in raw})
    if not raw:
        return SharedStageHistory(months, areas, {}, {}, {}, [], 0, limit)
    frame = pd.DataFrame(raw)
    frame["segment"] = frame["month"] + "|" + frame["stage"]
    grouped = frame.groupby(["segment", "area"], as_index=False)["n"].sum().assign(score_sum=0.0)
    table = shared_table(grouped, threshold=limit)
    published = {
        (segment, area): (None if pd.isna(n) else int(n))
        for segment, area, n in zip(table["segment"], table["area"], table["n_published"], strict=True)
    }
    cells: dict[tuple[str, str, str], int | None] = {}
    region: dict[tuple[str, str], int | None] = {}
    for month in months:
        for stage in STAGE_ORDER:
            key = f"{month}|{stage}"
            region[(month, stage)] = published.get((key, REGION), 0)
            for area in areas:
                cells[(month, stage, area)] = published.get((key, area), 0)
    return SharedStageHistory(
        months=months,
        areas=areas,
        cells=cells,
        region=region,
        area_totals={area: published.get((ALL, area)) for area in areas},
        municipalities=sorted(set(frame["municipality_id"])),
        suppressed=int(table["suppressed"].sum()),
        threshold=limit,
    )
