"""Every write of the insights app: import, scoring, erasure, retention, pins and logged sharing of aggregates.

Every call on behalf of a person passes the user and is checked with `themes.permissions.require`. A trusted system
caller (a management command run by an operator, the beat schedule) says so with `skip_permission_checks=True`, as
Wagtail's actions do; `actor=None` without it is refused, never taken as "the system".
"""

from __future__ import annotations

import datetime as dt
import gzip
import itertools
import json
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import numpy as np
import pandas as pd
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from themes.models import Municipality
from themes.permissions import Action, require, role_of

from . import selectors, tasks
from .errors import localise, report_entry
from .models import (
    ImportBatch,
    ModelVersion,
    Prospect,
    ProspectStageSnapshot,
    ScoringLock,
    Segment,
    SegmentPin,
    ShareLog,
)
from .progress import IMPORT_DONE, ForwardProgress
from .pseudonyms import pseudonym, pseudonyms
from .scoring.aida import aida_stages
from .scoring.reader import Limits
from .scoring.segments import (
    REGION,
    life_stages,
    main_interests,
    segment_keys,
    shared_table,
    summarise_segments,
)
from .scoring.validation import ImportErrorItem, validate_file

if TYPE_CHECKING:
    from .scoring.model import PropensityModel

# scikit-learn (under .scoring.model) is imported where a model is trained, loaded or explained, not here: this module
# is imported with the URLconf, and scikit-learn's import takes seconds, which every web worker's first request paid.

Progress = Callable[[str, int, int], None]
CHUNK = 20_000
STORED_ERRORS = 1_000
FACTOR_SAMPLE = 50_000


def _noop(step: str, current: int, total: int) -> None:
    return None


@dataclass
class ImportReport:
    status: str
    imported: int = 0
    skipped_no_consent: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    batch_id: int | None = None
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The JSON report of INTERFACES.md (row, column, message per entry); `warnings` (same shape as `errors`)
        only when there are any."""
        report: dict[str, Any] = {
            "status": self.status,
            "imported": self.imported,
            "skipped_no_consent": self.skipped_no_consent,
            "errors": [_public(entry) for entry in self.errors],
        }
        if self.warnings:
            report["warnings"] = [_public(entry) for entry in self.warnings]
        return report


def _public(entry: dict[str, Any]) -> dict[str, Any]:
    return {"row": entry["row"], "column": entry["column"], "message": entry["message"]}


@dataclass
class ScoreReport:
    prospects: int
    segments: int
    model: dict[str, Any]
    model_version: int | None
    trained: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "prospects": self.prospects,
            "segments": self.segments,
            "model": {key: self.model.get(key) for key in ("roc_auc", "pr_auc", "brier")},
        }


# --- import ---------------------------------------------------------------------------------------

_UPSERT_FIELDS = (
    "municipality_id", "pseudonym", "batch_id", "country", "age_band", "household", "visits", "last_visit",
    "season", "interests", "newsletter_opens", "site_visits", "guide_download", "webinar", "job_clicks",
    "remote_work", "profession", "spend_sek", "relocated", "aida_stage", "segment_key", "score", "imported_at",
)  # fmt: skip


def _report_item(item: ImportErrorItem) -> dict[str, Any]:
    """One report entry (INTERFACES.md: row, column, message), its message in the active language, with the core's
    code and parameters kept so that a page can say it again in its own reader's language."""
    return report_entry(item)


def _error_report_path(batch: ImportBatch) -> Path:
    return Path(settings.DATA_DIR) / "reports" / f"import-{batch.pk}.json.gz"


def _error_report_write(batch: ImportBatch, errors: list[dict[str, Any]]) -> None:
    """Every error of a rejected file (the batch row keeps the first STORED_ERRORS), with codes and parameters, so
    that the whole report downloads in its reader's language. Written only when the row cannot hold them all."""
    if len(errors) <= STORED_ERRORS:
        return
    path = _error_report_path(batch)
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=3) as handle:
        json.dump(errors, handle, ensure_ascii=False)


def import_batch_error_report(batch: ImportBatch) -> list[dict[str, Any]]:
    """The whole error report of a batch, in the active language: from its file when the batch row holds only the
    first STORED_ERRORS."""
    entries: list[dict[str, Any]] = batch.errors
    path = _error_report_path(batch)
    if batch.error_count > len(batch.errors) and path.is_file():
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            entries = json.load(handle)
    return [localise(entry) for entry in entries]


def import_limits() -> Limits:
    """The bounds on one prospect file (settings PROSPECT_MAX_*; the defaults are in insights.scoring.reader)."""
    defaults = Limits()
    return Limits(
        max_bytes=getattr(settings, "PROSPECT_MAX_UPLOAD_BYTES", defaults.max_bytes),
        max_rows=getattr(settings, "PROSPECT_MAX_ROWS", defaults.max_rows),
        max_columns=getattr(settings, "PROSPECT_MAX_COLUMNS", defaults.max_columns),
        max_xlsx_uncompressed=getattr(
            settings, "PROSPECT_MAX_XLSX_UNCOMPRESSED", defaults.max_xlsx_uncompressed
        ),
    )


def _upsert_sql(rows: int = 1) -> str:
    table = connection.ops.quote_name(Prospect._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in _UPSERT_FIELDS)
    placeholders = ", ".join([f"({', '.join(['%s'] * len(_UPSERT_FIELDS))})"] * rows)
    # Every name comes from the model's own metadata, never from input.
    return f"INSERT INTO {table} ({columns}) VALUES {placeholders} {_upsert_conflict()}"  # noqa: S608


# Rows per INSERT statement on SQLite: within its 32,766 bound parameters, and one statement step for 500 rows
# instead of 500 (measured about a second less per million rows than one row per statement).
ROWS_PER_STATEMENT = 500


def _statement_upsert(cursor: Any, rows: list[tuple[Any, ...]], report_progress: Progress) -> None:
    """SQLite (and any other database): multi-row INSERT … ON CONFLICT statements by executemany, in chunks."""
    many = _upsert_sql(ROWS_PER_STATEMENT)
    full = len(rows) - len(rows) % ROWS_PER_STATEMENT
    for start in range(0, full, CHUNK):
        stop = min(start + CHUNK, full)
        flat = [
            list(itertools.chain.from_iterable(rows[i : i + ROWS_PER_STATEMENT]))
            for i in range(start, stop, ROWS_PER_STATEMENT)
        ]
        cursor.executemany(many, flat)
        report_progress("store", stop, len(rows))
    if full < len(rows):
        cursor.executemany(_upsert_sql(), rows[full:])
    report_progress("store", len(rows), len(rows))


def _upsert_conflict() -> str:
    """A row already stored under the same pseudonym is replaced by the imported one (its score reset)."""
    quote = connection.ops.quote_name
    updates = ", ".join(
        f"{quote(name)} = excluded.{quote(name)}"
        for name in _UPSERT_FIELDS
        if name not in ("municipality_id", "pseudonym")
    )
    return f'ON CONFLICT ("municipality_id", "pseudonym") DO UPDATE SET {updates}'


def _copy_upsert(cursor: Any, rows: list[tuple[Any, ...]], report_progress: Progress) -> None:
    """PostgreSQL: COPY the rows into a temporary table (psycopg's copy API: no SQL statement per row), then
    one INSERT … SELECT … ON CONFLICT into the prospects, inside the import's transaction (all or nothing)."""
    quote = connection.ops.quote_name
    table = quote(Prospect._meta.db_table)
    columns = ", ".join(quote(name) for name in _UPSERT_FIELDS)
    # Every name comes from the model's own metadata, never from input; the load table lives until the commit.
    cursor.execute(
        f"CREATE TEMPORARY TABLE prospect_load ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA"  # noqa: S608
    )
    # One COPY per chunk, progress reported between them: while a COPY runs, the connection takes no other statement,
    # and the progress sink may write to the database (the batch row), which would wait for the COPY for ever.
    for start in range(0, len(rows), CHUNK):
        with cursor.cursor.copy(f"COPY prospect_load ({columns}) FROM STDIN") as copy:
            for row in rows[start : start + CHUNK]:
                copy.write_row(row)
        report_progress("store", min(start + CHUNK, len(rows)), len(rows))
    cursor.execute(
        f"INSERT INTO {table} ({columns}) SELECT {columns} FROM prospect_load {_upsert_conflict()}"  # noqa: S608
    )
    cursor.execute("DROP TABLE prospect_load")


def _none_if_missing(values: pd.Series) -> list[Any]:
    return [
        None if value is pd.NA or value is pd.NaT or value != value else value for value in values.tolist()
    ]


def _rows_for_upsert(
    frame: pd.DataFrame, *, municipality: Municipality, batch: ImportBatch, now: dt.datetime
) -> list[tuple[Any, ...]]:
    n = len(frame)
    # Dates and the timestamp are formatted once, vectorised, instead of by the driver's adapter for every row.
    last_visit = pd.to_datetime(frame["last_visit"]).dt.strftime("%Y-%m-%d")
    imported_at = connection.ops.adapt_datetimefield_value(now)
    columns: list[list[Any]] = [
        [municipality.pk] * n,
        pseudonyms(frame["prospect_ref"]),
        [batch.pk] * n,
        frame["country"].tolist(),
        frame["age_band"].tolist(),
        frame["household"].tolist(),
        frame["visits"].astype(int).tolist(),
        _none_if_missing(last_visit.astype(object)),
        frame["season"].tolist(),
        frame["interests"].tolist(),
        frame["newsletter_opens"].astype(int).tolist(),
        frame["site_visits"].astype(int).tolist(),
        frame["guide_download"].astype(bool).tolist(),
        frame["webinar"].astype(bool).tolist(),
        frame["job_clicks"].astype(int).tolist(),
        frame["remote_work"].tolist(),
        frame["profession"].tolist(),
        _none_if_missing(frame["spend_sek"].astype(float)),
        _none_if_missing(frame["relocated"].astype(object)),
        aida_stages(frame).tolist(),
        segment_keys(frame).tolist(),
        [None] * n,  # a changed prospect has no valid score until the next scoring run
        [imported_at] * n,
    ]
    return list(zip(*columns, strict=True))


def prospects_import(
    *,
    actor: Any,
    skip_permission_checks: bool = False,
    municipality: Municipality,
    file: str | Path | BinaryIO,
    file_name: str,
    source: str = "",
    batch: ImportBatch | None = None,
    progress: Progress | None = None,
    observed_on: dt.date | None = None,
) -> ImportReport:
    """Validate the whole file, then store every consenting row in one transaction, or nothing (INTERFACES.md).

    `observed_on` is the day the file shows the visitor database as it was (default: today); each imported
    prospect's stage is recorded under it in the stage history.
    """
    if not skip_permission_checks:
        require(actor, Action.IMPORT_PROSPECTS, municipality=municipality)
    report_progress = progress or _noop
    if batch is None:
        batch = ImportBatch.objects.create(
            municipality=municipality,
            uploaded_by=actor,
            file_name=file_name[:255],
            source=source[:120],
            status=ImportBatch.Status.RUNNING,
        )
    report_progress("validate", 0, 100)
    result = validate_file(
        file, limits=import_limits(), progress=lambda done, of: report_progress("validate", done, of)
    )
    batch.rows_read = result.rows_read
    warnings = [_report_item(warning) for warning in result.warnings]
    batch.warnings = warnings[:STORED_ERRORS]
    if not result.ok:
        errors = [_report_item(error) for error in result.errors]
        batch.status = ImportBatch.Status.REJECTED
        batch.error_count = len(errors)
        batch.errors = errors[:STORED_ERRORS]
        _error_report_write(batch, errors)
        batch.finished_at = timezone.now()
        batch.save()
        return ImportReport("rejected", errors=errors, batch_id=batch.pk, warnings=warnings)

    now = timezone.now()
    rows = _rows_for_upsert(result.prospects, municipality=municipality, batch=batch, now=now)
    # In pseudonym order the unique index grows at its end instead of at random pages: far fewer page writes.
    rows.sort(key=lambda row: row[1])
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                _copy_upsert(cursor, rows, report_progress)
            else:
                if connection.vendor == "sqlite":
                    # A bigger page cache for this connection keeps the indexes in memory during a large import.
                    cursor.execute("PRAGMA cache_size = -262144")
                _statement_upsert(cursor, rows, report_progress)
            _stage_snapshots_write(
                cursor,
                municipality=municipality,
                batch=batch,
                observed_on=observed_on or timezone.localdate(),
            )
        report_progress("stages", 1, 1)
        batch.status = ImportBatch.Status.IMPORTED
        transaction.on_commit(selectors.pipeline_changed)
        batch.imported = len(rows)
        batch.skipped_no_consent = result.skipped_no_consent
        batch.finished_at = timezone.now()
        batch.save()
    return ImportReport(
        "imported",
        imported=len(rows),
        skipped_no_consent=result.skipped_no_consent,
        batch_id=batch.pk,
        warnings=warnings,
    )


def _stage_snapshots_write(
    cursor: Any, *, municipality: Municipality, batch: ImportBatch, observed_on: dt.date
) -> None:
    """The stage history of this import: one snapshot per prospect the batch stored, in the import's transaction.

    One INSERT … SELECT from the rows just upserted (every one carries this batch's id), on SQLite and PostgreSQL
    alike: the database copies the stages itself, so no row travels through Python again, not even by COPY.
    """
    quote = connection.ops.quote_name
    snapshots = quote(ProspectStageSnapshot._meta.db_table)
    prospects = quote(Prospect._meta.db_table)
    columns = ", ".join(
        quote(name)
        for name in ("batch_id", "municipality_id", "prospect_id", "stage", "observed_on", "month")
    )
    # Every name comes from the models' own metadata, never from input.
    cursor.execute(
        f"INSERT INTO {snapshots} ({columns}) "  # noqa: S608
        f"SELECT %s, %s, {quote('id')}, {quote('aida_stage')}, %s, %s FROM {prospects} "
        f"WHERE {quote('municipality_id')} = %s AND {quote('batch_id')} = %s",
        [
            batch.pk,
            municipality.pk,
            connection.ops.adapt_datefield_value(observed_on),
            connection.ops.adapt_datefield_value(observed_on.replace(day=1)),
            municipality.pk,
            batch.pk,
        ],
    )


def import_batch_create(
    *, actor: Any, municipality: Municipality, upload: Any, source: str = ""
) -> ImportBatch:
    """Store an uploaded file and queue its import (the task reports progress; the page polls it)."""
    require(actor, Action.IMPORT_PROSPECTS, municipality=municipality)

    folder = Path(settings.DATA_DIR) / "uploads" / municipality.slug
    folder.mkdir(parents=True, exist_ok=True)
    task_id = str(uuid.uuid4())
    stored = folder / f"{task_id}{Path(upload.name).suffix.lower()}"
    with stored.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            municipality=municipality,
            uploaded_by=actor,
            file_name=Path(upload.name).name[:255],
            stored_path=str(stored),
            source=source[:120],
            task_id=task_id,
        )
        transaction.on_commit(
            lambda: tasks.prospects_import_task.apply_async((batch.pk, actor.pk), task_id=task_id)
        )
    return batch


def scoring_queue(*, actor: Any, municipality: Municipality) -> str:
    """Queue a scoring run for the municipality; returns the task id whose progress the page shows."""
    require(actor, Action.IMPORT_PROSPECTS, municipality=municipality)
    if scoring_running(municipality):
        raise ScoringBusy(_("A scoring run for this municipality is already in progress."))

    task_id = str(uuid.uuid4())
    transaction.on_commit(
        lambda: tasks.prospects_score_task.apply_async((municipality.pk, actor.pk), task_id=task_id)
    )
    return task_id


def import_batch_scoring_progress(*, batch_id: int, state: str) -> ForwardProgress:
    """The scoring run after an upload continues the upload's one bar (from where the import left it): returns the
    progress callback for prospects_score, and records `state` (queued, running) on the batch."""
    ImportBatch.objects.filter(pk=batch_id).update(
        progress={
            "step": "stages",
            "percent": IMPORT_DONE,
            "scoring": state,
            "at": timezone.now().isoformat(),
        }
    )

    def publish(percent: int, step: str) -> None:
        ImportBatch.objects.filter(pk=batch_id).update(
            progress={
                "step": step,
                "percent": percent,
                "scoring": "running",
                "at": timezone.now().isoformat(),
            }
        )

    return ForwardProgress(publish, start=IMPORT_DONE, scoring=True)


def import_batch_scoring_finished(*, batch_id: int, ok: bool) -> None:
    """The upload's bar reaches its end: scored, or the scoring run failed (the import itself stands)."""
    ImportBatch.objects.filter(pk=batch_id).update(
        progress={"step": "done" if ok else "score", "percent": 100, "scoring": "done" if ok else "failed"}
    )


def import_batch_fail(*, batch: ImportBatch, message: str) -> None:
    """Record an unexpected failure so the upload page stops waiting (the file itself was not imported)."""
    batch.status = ImportBatch.Status.FAILED
    batch.errors = [{"row": None, "column": None, "message": message}]
    batch.error_count = 1
    batch.finished_at = timezone.now()
    batch.save(update_fields=["status", "errors", "error_count", "finished_at"])


# --- scoring --------------------------------------------------------------------------------------


def models_dir() -> Path:
    return Path(settings.DATA_DIR) / "models"


def model_load(version: ModelVersion) -> PropensityModel:
    from .scoring.model import load_model

    return load_model(models_dir() / version.file, metrics=version.metrics)


def _model_for(
    *, actor: Any, municipality: Municipality, frame: pd.DataFrame, retrain: bool, seed: int
) -> tuple[ModelVersion, PropensityModel, bool]:
    current = selectors.latest_model(municipality)
    latest_import = selectors.last_import(municipality)
    fresh = current is not None and (
        latest_import is None or (latest_import.finished_at or current.created_at) <= current.created_at
    )
    if current is not None and fresh and not retrain:
        return current, model_load(current), False
    from .scoring.model import save_model, train_model

    reference_date = timezone.localdate()
    model = train_model(frame, reference_date=reference_date, seed=seed)
    version_number = (current.version if current else 0) + 1
    relative = f"{municipality.slug}/v{version_number}.skops"
    save_model(model, models_dir() / relative)
    version = ModelVersion.objects.create(
        municipality=municipality,
        version=version_number,
        kind=model.kind,
        file=relative,
        metrics=model.metrics,
        trained_by=actor,
    )
    return version, model, True


def prospects_score(
    *,
    actor: Any,
    skip_permission_checks: bool = False,
    municipality: Municipality,
    retrain: bool = False,
    seed: int = 0,
    progress: Progress | None = None,
    task_id: str = "",
) -> ScoreReport:
    """Train (or reuse) the municipality's model, score every prospect, and rebuild its segments.

    One run per municipality at a time (ScoringLock): a second one is refused with ScoringBusy.
    """
    if not skip_permission_checks:
        require(actor, Action.IMPORT_PROSPECTS, municipality=municipality)
    lock_id = task_id or str(uuid.uuid4())
    if not scoring_lock_acquire(municipality=municipality, task_id=lock_id):
        raise ScoringBusy(_("A scoring run for this municipality is already in progress."))
    given = progress or _noop

    def report_progress(step: str, current: int, total: int) -> None:
        if step != "store":  # outside the scoring transaction, where the renewal is visible to others
            scoring_lock_renew(municipality=municipality, task_id=lock_id)
        given(step, current, total)

    try:
        return _score(
            actor=actor,
            municipality=municipality,
            retrain=retrain,
            seed=seed,
            report_progress=report_progress,
        )
    finally:
        scoring_lock_release(municipality=municipality, task_id=lock_id)


def _score(
    *, actor: Any, municipality: Municipality, retrain: bool, seed: int, report_progress: Progress
) -> ScoreReport:
    report_progress("load", 0, 4)
    frame = selectors.prospect_frame(municipality)
    if frame.empty:
        Segment.objects.filter(municipality=municipality).delete()
        return ScoreReport(0, 0, {}, None, False)
    report_progress("model", 1, 4)
    version, model, trained = _model_for(
        actor=actor, municipality=municipality, frame=frame, retrain=retrain, seed=seed
    )
    report_progress("score", 2, 4)
    frame["score"] = np.round(model.score(frame), 5)
    frame["aida_stage"] = aida_stages(frame)
    frame["segment_key"] = segment_keys(frame)
    segments = _segment_rows(municipality=municipality, frame=frame, model=model, version=version)
    # Stage and segment were stored by the import with the same rules; only the score is new.
    scores, ids = frame["score"].to_numpy(dtype=float), frame["id"].to_numpy(dtype="int64")
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                _copy_scores(cursor, ids, scores, report_progress)
            else:
                _statement_scores(cursor, ids, scores, report_progress)
        Segment.objects.filter(municipality=municipality).delete()
        Segment.objects.bulk_create(segments, batch_size=1000)
    report_progress("done", 4, 4)
    return ScoreReport(len(frame), len(segments), version.metrics, version.version, trained)


def _score_update_sql(rows: int) -> str:
    table, quote = Prospect._meta.db_table, connection.ops.quote_name
    if rows == 1:
        return f"UPDATE {quote(table)} SET {quote('score')} = %s WHERE {quote('id')} = %s"  # noqa: S608 (names from the model)
    values = ", ".join(["(%s, %s)"] * rows)
    return (
        f"WITH new (score, id) AS (VALUES {values}) "  # noqa: S608 (names from the model)
        f"UPDATE {quote(table)} SET {quote('score')} = new.score FROM new WHERE {quote(table)}.{quote('id')} = new.id"
    )


def _statement_scores(cursor: Any, ids: np.ndarray, scores: np.ndarray, report_progress: Progress) -> None:
    """SQLite (and any other database): the new scores by executemany; on SQLite 3.33+ ROWS_PER_STATEMENT rows per
    UPDATE … FROM (VALUES …), one statement step per 500 rows instead of one per row, with a page cache that holds
    the table's pages (measured 2.4 s → 1.9 s CPU for a million prospects); elsewhere one row per UPDATE."""
    total = len(ids)
    per_statement = 1
    if connection.vendor == "sqlite":
        cursor.execute("PRAGMA cache_size = -262144")  # as the import: the table's pages stay in memory
        if sqlite3.sqlite_version_info >= (3, 33):
            per_statement = ROWS_PER_STATEMENT
    full = total - total % per_statement
    many = _score_update_sql(per_statement)
    for start in range(0, full, CHUNK):
        stop = min(start + CHUNK, full)
        pairs = list(zip(scores[start:stop].tolist(), ids[start:stop].tolist(), strict=True))
        cursor.executemany(
            many,
            [
                list(itertools.chain.from_iterable(pairs[i : i + per_statement]))
                for i in range(0, len(pairs), per_statement)
            ],
        )
        report_progress("store", stop, total)
    if full < total:
        rest = zip(scores[full:].tolist(), ids[full:].tolist(), strict=True)
        cursor.executemany(_score_update_sql(1), list(rest))
    report_progress("store", total, total)


def _copy_scores(cursor: Any, ids: np.ndarray, scores: np.ndarray, report_progress: Progress) -> None:
    """PostgreSQL: COPY (id, score) into a temporary table, then one UPDATE … FROM; row-by-row UPDATEs of a
    million prospects took most of a scoring run there."""
    quote = connection.ops.quote_name
    cursor.execute(
        "CREATE TEMPORARY TABLE prospect_scores (id bigint NOT NULL, score double precision) ON COMMIT DROP"
    )
    for start in range(0, len(ids), CHUNK):  # one COPY per chunk, progress between them (see _copy_upsert)
        stop = min(start + CHUNK, len(ids))
        with cursor.cursor.copy("COPY prospect_scores (id, score) FROM STDIN") as copy:
            for pair in zip(ids[start:stop].tolist(), scores[start:stop].tolist(), strict=True):
                copy.write_row(pair)
        report_progress("store", stop, len(ids))
    cursor.execute(
        f"UPDATE {quote(Prospect._meta.db_table)} AS p SET {quote('score')} = s.score "  # noqa: S608 (names from the model)
        f"FROM prospect_scores AS s WHERE p.{quote('id')} = s.id"
    )
    cursor.execute("DROP TABLE prospect_scores")


def _segment_rows(
    *, municipality: Municipality, frame: pd.DataFrame, model: PropensityModel, version: ModelVersion
) -> list[Segment]:
    from .scoring.model import top_factors

    summary = summarise_segments(frame)
    sample = frame if len(frame) <= FACTOR_SAMPLE else frame.sample(FACTOR_SAMPLE, random_state=0)
    contributions = model.contributions(sample)
    mean_contributions = contributions.groupby(sample["segment_key"].to_numpy()).mean()
    factors = dict(zip(mean_contributions.index, top_factors(mean_contributions, count=3), strict=True))
    first = frame.drop_duplicates("segment_key").set_index("segment_key")
    stages = life_stages(first)
    interests = main_interests(first)
    segments = []
    for key, row in summary.iterrows():
        country, _, _ = str(key).partition(":")
        segments.append(
            Segment(
                municipality=municipality,
                key=str(key),
                country=country,
                life_stage=str(stages.get(str(key), "")),
                interest=str(interests.get(str(key), "")),
                size=int(row["size"]),
                mean_score=round(float(row["mean_score"]), 5),
                aida_mix={stage: int(row[stage]) for stage in ("attention", "interest", "desire", "action")},
                phases=list(row["phases"]),
                top_factors=[[name, value] for name, value in factors.get(key, [])],
                model_version=version,
            )
        )
    return segments


def prospect_factors(
    *, actor: Any, municipality: Municipality, prospects: list[Prospect], skip_permission_checks: bool = False
) -> dict[int, list[tuple[str, float]]]:
    """Top factors behind each listed prospect's score, from the latest model's own contributions."""
    if not skip_permission_checks:
        require(actor, Action.VIEW_PROSPECTS, municipality=municipality)
    from .scoring.model import top_factors

    version = selectors.latest_model(municipality)
    if version is None or not prospects:
        return {}
    model = model_load(version)
    frame = pd.DataFrame.from_records(
        [{name: getattr(p, name) for name in selectors.FRAME_FIELDS} for p in prospects]
    )
    frame["last_visit"] = pd.to_datetime(frame["last_visit"])
    frame["spend_sek"] = pd.to_numeric(frame["spend_sek"], errors="coerce")
    contributions = model.contributions(frame)
    return dict(zip(frame["id"].tolist(), top_factors(contributions), strict=True))


# --- data protection ------------------------------------------------------------------------------


def prospect_erase(
    *, actor: Any, municipality: Municipality, prospect_ref: str, skip_permission_checks: bool = False
) -> bool:
    """Erase one prospect by the source's id (looked up through its pseudonym); False if there was none."""
    if not skip_permission_checks:
        require(actor, Action.IMPORT_PROSPECTS, municipality=municipality)
    with transaction.atomic():
        erased = Prospect.objects.filter(municipality=municipality, pseudonym=pseudonym(prospect_ref))
        ProspectStageSnapshot.objects.filter(municipality=municipality, prospect__in=erased).delete()
        deleted, _ = erased.delete()
        transaction.on_commit(selectors.pipeline_changed)
    return deleted > 0


@dataclass
class EraseReport:
    prospects: int
    model_versions: int
    scoring_queued: bool


def import_batch_erase(
    *, actor: Any, skip_permission_checks: bool = False, batch: ImportBatch, rescore: bool = True
) -> EraseReport:
    """Withdraw an import batch everywhere (consent lineage): its prospects are deleted, with their segment
    memberships; the model versions trained while its rows were stored are deleted with their files (they learned
    from them); the municipality's other prospects lose their scores and its segments (so the shared aggregates no
    longer count the erased rows) until the scoring run queued here recomputes them; the batch record goes too.

    A prospect re-imported by a later batch belongs to that batch (its row was replaced) and stays.
    """
    municipality = batch.municipality
    if not skip_permission_checks:
        require(actor, Action.IMPORT_PROSPECTS, municipality=municipality)
    if batch.status in (ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING):
        raise ValidationError(_("This import is still running: cancel it or wait until it has finished."))
    with transaction.atomic():
        deleted = Prospect.objects.filter(municipality=municipality, batch=batch).delete()[0]
        files: list[Path] = []
        versions = 0
        if batch.status == ImportBatch.Status.IMPORTED and batch.finished_at is not None:
            trained_with_it = ModelVersion.objects.filter(
                municipality=municipality, created_at__gte=batch.finished_at
            )
            files = [models_dir() / version.file for version in trained_with_it]
            versions = trained_with_it.delete()[0]
        Prospect.objects.filter(municipality=municipality).update(score=None)
        Segment.objects.filter(municipality=municipality).delete()
        import_batch_discard_file(batch=batch)
        _error_report_path(batch).unlink(missing_ok=True)
        batch.delete()
        if versions:

            def remove_files() -> None:
                for path in files:
                    path.unlink(missing_ok=True)

            transaction.on_commit(remove_files)
        transaction.on_commit(selectors.pipeline_changed)
        queue = rescore and Prospect.objects.filter(municipality=municipality).exists()
        if queue:
            user_id = getattr(actor, "pk", None)
            transaction.on_commit(lambda: tasks.prospects_score_task.delay(municipality.pk, user_id))
    return EraseReport(prospects=deleted, model_versions=versions, scoring_queued=queue)


def prospects_expire(*, now: dt.datetime | None = None) -> int:
    """Delete prospects not re-imported within PROSPECT_RETENTION_DAYS (run by beat); returns how many."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.PROSPECT_RETENTION_DAYS)
    with transaction.atomic():
        expired = Prospect.objects.filter(imported_at__lt=cutoff)
        # Their history goes with them, and so does any history older than the retention period.
        ProspectStageSnapshot.objects.filter(
            models.Q(prospect__in=expired) | models.Q(observed_on__lt=cutoff.date())
        ).delete()
        deleted, _ = expired.delete()
        transaction.on_commit(selectors.pipeline_changed)
    return deleted


# --- segments and sharing -------------------------------------------------------------------------


def segment_pin(
    *, actor: Any, municipality: Municipality, segment_key: str, note: str = "", pinned: bool = True
) -> SegmentPin | None:
    """Pin a segment with a note on the marketing action for it, or unpin it (`pinned=False`)."""
    require(actor, Action.VIEW_PROSPECTS, municipality=municipality)
    with transaction.atomic():
        if not pinned:
            SegmentPin.objects.filter(municipality=municipality, segment_key=segment_key).delete()
            return None
        pin, _ = SegmentPin.objects.update_or_create(
            municipality=municipality,
            segment_key=segment_key,
            defaults={"note": note.strip(), "pinned_by": actor},
        )
    return pin


def shared_segments_table(*, threshold: int | None = None) -> pd.DataFrame:
    """Segment aggregates across municipalities by statistics area, with primary and secondary suppression."""
    cells = selectors.shared_segment_cells()
    if not cells:
        return pd.DataFrame(
            columns=["segment", "area", "n_published", "mean_score", "suppressed", "municipalities"]
        )
    frame = pd.DataFrame(cells)
    frame["area"] = frame["municipality__cluster"].where(
        frame["municipality__cluster"] != "", frame["municipality__slug"]
    )
    frame["score_sum"] = frame["size"] * frame["mean_score"]
    grouped = frame.groupby(["key", "area"], as_index=False).agg(
        n=("size", "sum"), score_sum=("score_sum", "sum")
    )
    table = shared_table(
        grouped.rename(columns={"key": "segment"}),
        threshold=threshold or settings.SUPPRESSION_THRESHOLD,
    )
    contributors = frame.groupby("area")["municipality_id"].apply(lambda ids: sorted(set(ids)))
    every = sorted(set(frame["municipality_id"]))
    table["municipalities"] = table["area"].map(lambda area: every if area == REGION else contributors[area])
    return table


def shared_segments_export(*, actor: Any, channel: str, recipient: str = "") -> list[dict[str, Any]]:
    """The shared aggregate rows (never a prospect), logging who took which segments, when, and for whom."""
    require(actor, Action.VIEW_SHARED_SEGMENTS)
    table = shared_segments_table()
    rows = [
        {
            "segment": row.segment,
            "area": row.area,
            "n": None if row.suppressed else int(row.n),  # type: ignore[arg-type]
            "mean_score": None if row.suppressed else round(float(row.mean_score), 4),  # type: ignore[arg-type]
            "suppressed": bool(row.suppressed),
        }
        for row in table.itertuples()
    ]
    _share_log(
        actor=actor,
        channel=channel,
        recipient=recipient,
        segments=sorted({str(row["segment"]) for row in rows if not row["suppressed"]}),
        municipality_ids=sorted({pk for ids in table.get("municipalities", []) for pk in ids}),
    )
    return rows


@transaction.atomic
def _share_log(
    *, actor: Any, channel: str, recipient: str, segments: list[str], municipality_ids: Iterable[int]
) -> None:
    """One entry of the share log: who took which published figures of which municipalities, when, for whom."""
    log = ShareLog.objects.create(
        shared_by=actor,
        channel=channel[:16],
        recipient=(recipient.strip() or f"{actor.get_username()} ({role_of(actor) or '-'})")[:200],
        segments=segments,
    )
    log.municipalities.set(Municipality.objects.filter(pk__in=municipality_ids))


def shared_stage_history_view(
    *, actor: Any, channel: str, recipient: str = ""
) -> selectors.SharedStageHistory:
    """The shared funnel over time (suppressed aggregates, never a prospect), logging who saw or downloaded it, when,
    and for whom, like the shared segments: viewing it on a page is an export to the viewer."""
    require(actor, Action.VIEW_SHARED_SEGMENTS)
    history = selectors.shared_stage_history()
    published = sorted(
        {f"stage-history:{month}:{stage}" for (month, stage), n in history.region.items() if n is not None}
    )
    _share_log(
        actor=actor,
        channel=channel,
        recipient=recipient,
        segments=published,
        municipality_ids=history.municipalities,
    )
    return history


# --- jobs that survive a dead worker ---------------------------------------------------------------
# A batch's worker renews the batch's lease (heartbeat_at) from a thread of its own while it works; a running batch
# whose lease ran out has lost its worker. Celery's acks_late does not cover this on every broker: the filesystem
# broker deletes a message when it is received, and Redis gives an unacknowledged one back only after its
# visibility timeout (an hour by default), so the lease is what notices, on any broker.


def _lease_seconds() -> int:
    return int(getattr(settings, "IMPORT_LEASE_SECONDS", 300))


def _batch_file(batch: ImportBatch) -> Path | None:
    return Path(batch.stored_path) if batch.stored_path else None


def import_batch_discard_file(*, batch: ImportBatch) -> None:
    """Delete the uploaded file (it holds the source's own ids); the batch keeps its name and outcome."""
    path = _batch_file(batch)
    if path is not None:
        path.unlink(missing_ok=True)


def import_batch_retryable(batch: ImportBatch) -> bool:
    """A batch stopped by a dead worker (or cancelled before it started) can run again while its file is kept."""
    path = _batch_file(batch)
    return batch.status == ImportBatch.Status.FAILED and path is not None and path.is_file()


class _Heartbeat:
    """Renews a batch's lease and publishes its progress in the database (seen by every web process), from a
    thread with its own connection: the import's own transaction would hide both until it commits."""

    def __init__(self, batch_id: int, interval: float) -> None:
        self.batch_id = batch_id
        self.interval = interval
        self.progress: dict[str, Any] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{batch_id}", daemon=True)

    def report(self, percent: int, step: str) -> None:
        """The one bar's position (insights.progress), published at the next beat."""
        self.progress = {"step": step, "percent": percent}

    def _beat(self) -> None:
        ImportBatch.objects.filter(pk=self.batch_id, status=ImportBatch.Status.RUNNING).update(
            heartbeat_at=timezone.now(), progress=dict(self.progress)
        )

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                try:
                    self._beat()
                except OperationalError:
                    # SQLite: the import's write transaction holds the lock; the lease outlasts one missed beat.
                    continue
        finally:
            connections.close_all()

    def __enter__(self) -> _Heartbeat:
        self._beat()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=self.interval + 30)


def import_batch_run(
    *, batch: ImportBatch, actor: Any, task_id: str, progress: Progress | None = None
) -> ImportReport | None:
    """The worker's side of an uploaded file: take the batch's lease, import, and delete the file on every
    outcome (imported, rejected or an unexpected error). None when this delivery is not the batch's current task
    (a retry replaced it) or the batch is already finished (a second delivery)."""
    claimed = ImportBatch.objects.filter(
        pk=batch.pk, task_id=task_id, status__in=(ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING)
    ).update(
        status=ImportBatch.Status.RUNNING,
        heartbeat_at=timezone.now(),
        attempts=models.F("attempts") + 1,
    )
    if not claimed:
        return None
    batch.refresh_from_db()
    heartbeat = _Heartbeat(batch.pk, float(getattr(settings, "IMPORT_HEARTBEAT_SECONDS", 10)))
    forward = ForwardProgress(heartbeat.report)

    def report(step: str, current: int, total: int) -> None:
        forward(step, current, total)
        if progress is not None:
            progress(step, current, total)

    try:
        with heartbeat, open(batch.stored_path, "rb") as handle:
            result = prospects_import(
                actor=actor,
                municipality=batch.municipality,
                file=handle,
                file_name=batch.file_name,
                source=batch.source,
                batch=batch,
                progress=report,
            )
    except Exception as exc:
        import_batch_fail(
            batch=batch,
            message=_("The import stopped unexpectedly: %(error)s") % {"error": type(exc).__name__},
        )
        raise
    finally:
        import_batch_discard_file(batch=batch)
    return result


def import_batches_reap(*, municipality: Municipality | None = None, now: dt.datetime | None = None) -> int:
    """Mark running batches whose lease ran out as failed, with the reason, keeping the file for a retry.

    Run by beat every minute, and on the insights pages for the municipality shown. Nothing of such a batch was
    stored: the import writes in one transaction, which the database rolls back when the worker's connection dies.
    Returns the number of batches marked.
    """
    now = now or timezone.now()
    expired = now - dt.timedelta(seconds=_lease_seconds())
    stale = ImportBatch.objects.filter(status=ImportBatch.Status.RUNNING).filter(
        models.Q(heartbeat_at__lt=expired) | models.Q(heartbeat_at__isnull=True, created_at__lt=expired)
    )
    if municipality is not None:
        stale = stale.filter(municipality=municipality)
    minutes = max(1, round(_lease_seconds() / 60))
    message = _(
        "The worker stopped while importing this file (no sign of life for %(minutes)s minutes); nothing was "
        "imported. Retry the import or cancel it."
    ) % {"minutes": minutes}
    marked = 0
    for batch in stale:
        # Conditional on the state read: a worker that renewed its lease meanwhile keeps its batch.
        marked += ImportBatch.objects.filter(
            pk=batch.pk, status=ImportBatch.Status.RUNNING, heartbeat_at=batch.heartbeat_at
        ).update(
            status=ImportBatch.Status.FAILED,
            errors=[{"row": None, "column": None, "message": message}],
            error_count=1,
            finished_at=now,
        )
    return marked


@transaction.atomic
def import_batch_retry(
    *, actor: Any, skip_permission_checks: bool = False, batch: ImportBatch
) -> ImportBatch:
    """Queue a failed batch again under a new task id (its file is still kept); the old delivery, should the broker
    ever give it back, finds itself replaced and does nothing."""
    if not skip_permission_checks:
        require(actor, Action.IMPORT_PROSPECTS, municipality=batch.municipality)
    if not import_batch_retryable(batch):
        raise ValidationError(_("This import cannot be retried: upload the file again."))
    task_id = str(uuid.uuid4())
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.QUEUED,
        task_id=task_id,
        errors=[],
        error_count=0,
        finished_at=None,
        heartbeat_at=None,
        progress={},
    )
    batch.refresh_from_db()
    uploader = batch.uploaded_by_id if actor is None else actor.pk
    transaction.on_commit(
        lambda: tasks.prospects_import_task.apply_async((batch.pk, uploader), task_id=task_id)
    )
    return batch


@transaction.atomic
def import_batch_cancel(
    *, actor: Any, skip_permission_checks: bool = False, batch: ImportBatch
) -> ImportBatch:
    """Give up a queued, stalled or failed batch: it ends as failed ("cancelled") and its file is deleted. A batch
    whose worker is alive (lease current) cannot be cancelled: its import is one transaction, done or not at all."""
    if not skip_permission_checks:
        require(actor, Action.IMPORT_PROSPECTS, municipality=batch.municipality)
    batch.refresh_from_db()
    alive = (
        batch.status == ImportBatch.Status.RUNNING
        and batch.heartbeat_at is not None
        and (timezone.now() - batch.heartbeat_at) < dt.timedelta(seconds=_lease_seconds())
    )
    if batch.status in (ImportBatch.Status.IMPORTED, ImportBatch.Status.REJECTED) or alive:
        raise ValidationError(_("This import is running or finished and cannot be cancelled."))
    by = getattr(actor, "username", None) or _("an operator")
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.FAILED,
        errors=[
            {
                "row": None,
                "column": None,
                "message": _("Cancelled by %(who)s; nothing was imported.") % {"who": by},
            }
        ],
        error_count=1,
        finished_at=timezone.now(),
    )
    import_batch_discard_file(batch=batch)
    batch.refresh_from_db()
    return batch


def import_files_expire(*, now: dt.datetime | None = None) -> int:
    """Beat: delete the files kept for a retry once IMPORT_RETRY_HOURS have passed since the batch failed."""
    now = now or timezone.now()
    hours = int(getattr(settings, "IMPORT_RETRY_HOURS", 24))
    old = ImportBatch.objects.filter(
        status=ImportBatch.Status.FAILED, finished_at__lt=now - dt.timedelta(hours=hours)
    ).exclude(stored_path="")
    removed = 0
    for batch in old:
        path = _batch_file(batch)
        if path is not None and path.is_file():
            path.unlink(missing_ok=True)
            removed += 1
    return removed


# --- one scoring run per municipality ---------------------------------------------------------------


class ScoringBusy(ValidationError):
    pass


def _scoring_lock_seconds() -> int:
    return int(getattr(settings, "SCORING_LOCK_SECONDS", 900))


def scoring_lock_acquire(*, municipality: Municipality, task_id: str) -> bool:
    """Take the municipality's scoring lock (a row with a unique municipality); a lock not renewed for
    SCORING_LOCK_SECONDS belongs to a dead run and is taken over. False when another run holds it."""
    now = timezone.now()
    with transaction.atomic():
        ScoringLock.objects.filter(
            municipality=municipality, heartbeat_at__lt=now - dt.timedelta(seconds=_scoring_lock_seconds())
        ).delete()
        try:
            with transaction.atomic():
                ScoringLock.objects.create(
                    municipality=municipality, task_id=task_id, acquired_at=now, heartbeat_at=now
                )
        except IntegrityError:
            return False
    return True


def scoring_lock_renew(*, municipality: Municipality, task_id: str) -> None:
    ScoringLock.objects.filter(municipality=municipality, task_id=task_id).update(heartbeat_at=timezone.now())


def scoring_lock_release(*, municipality: Municipality, task_id: str) -> None:
    ScoringLock.objects.filter(municipality=municipality, task_id=task_id).delete()


def scoring_running(municipality: Municipality) -> bool:
    cutoff = timezone.now() - dt.timedelta(seconds=_scoring_lock_seconds())
    return ScoringLock.objects.filter(municipality=municipality, heartbeat_at__gte=cutoff).exists()


def import_batch_scoring_state(batch: ImportBatch) -> str:
    """The state of the scoring run after an upload: queued, running, done or failed, where a run that has neither
    reported progress nor held a live scoring lock for SCORING_LOCK_SECONDS lost its worker and counts as failed (it
    can be run again from the insights page), so that the upload's bar does not wait for ever."""
    progress = batch.progress or {}
    state = str(progress.get("scoring", ""))
    if state != "running":
        return state
    cutoff = timezone.now() - dt.timedelta(seconds=_scoring_lock_seconds())
    if ScoringLock.objects.filter(municipality_id=batch.municipality_id, heartbeat_at__gte=cutoff).exists():
        return state
    try:
        reported = dt.datetime.fromisoformat(str(progress["at"]))
    except (KeyError, ValueError):
        return "failed"
    alive = timezone.now() - reported < dt.timedelta(seconds=_scoring_lock_seconds())
    return state if alive else "failed"
