"""Every write of the insights app: import, scoring, erasure, retention, pins and logged sharing of aggregates.

Every call on behalf of a person passes the user and is checked with `themes.permissions.require`. A trusted system
caller (a management command run by an operator, the beat schedule) says so with `skip_permission_checks=True`, as
Wagtail's actions do; `actor=None` without it is refused, never taken as "the system".
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from themes.models import Municipality
from themes.permissions import Action, require, role_of

from . import selectors, tasks
from .models import ImportBatch, ModelVersion, Prospect, Segment, SegmentPin, ShareLog
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
from .scoring.validation import (
    CONTROL_CHARACTER_MESSAGE,
    UNKNOWN_COLUMN_MESSAGE,
    ImportErrorItem,
    validate_file,
)

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
        """The JSON report of INTERFACES.md; `warnings` (same shape as `errors`) only when there are any."""
        report: dict[str, Any] = {
            "status": self.status,
            "imported": self.imported,
            "skipped_no_consent": self.skipped_no_consent,
            "errors": self.errors,
        }
        if self.warnings:
            report["warnings"] = self.warnings
        return report


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


# Messages of the pure validation code (insights/scoring, no Django) in the reader's language, by code or text.
_MESSAGES_BY_CODE = {
    "too_large_bytes": gettext_lazy("The file is larger than %(megabytes)s MB; split it into smaller files."),
    "too_large_uncompressed": gettext_lazy(
        "The spreadsheet expands to more than %(megabytes)s MB when opened; save it as CSV or split it."
    ),
    "too_large_rows": gettext_lazy("The file has more than %(limit)s rows; split it into smaller files."),
    "too_large_columns": gettext_lazy(
        "The file has more than %(limit)s columns; remove the columns not needed."
    ),
    "unknown_column": gettext_lazy("Unknown column: it is not imported."),
}
_MESSAGES_BY_TEXT = {
    CONTROL_CHARACTER_MESSAGE: gettext_lazy(
        "The value contains a control character (such as NUL, a tab or a line break); remove it."
    ),
    UNKNOWN_COLUMN_MESSAGE: _MESSAGES_BY_CODE["unknown_column"],
}


def _report_item(item: ImportErrorItem) -> dict[str, Any]:
    """One report entry (INTERFACES.md: row, column, message), its message in the active language where known."""
    entry = item.as_dict()
    if item.code in _MESSAGES_BY_CODE:
        limit = int(item.params.get("limit", 0))
        entry["message"] = str(_MESSAGES_BY_CODE[item.code]) % {
            "limit": f"{limit:,}".replace(",", "\u00a0"),
            "megabytes": limit // (1024 * 1024),
        }
    elif item.message in _MESSAGES_BY_TEXT:
        entry["message"] = str(_MESSAGES_BY_TEXT[item.message])
    return entry


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


def _upsert_sql() -> str:
    table = connection.ops.quote_name(Prospect._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in _UPSERT_FIELDS)
    placeholders = ", ".join(["%s"] * len(_UPSERT_FIELDS))
    updates = ", ".join(
        f"{connection.ops.quote_name(name)} = excluded.{connection.ops.quote_name(name)}"
        for name in _UPSERT_FIELDS
        if name not in ("municipality_id", "pseudonym")
    )
    # Every name comes from the model's own metadata, never from input.
    return (
        f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) "  # noqa: S608
        f'ON CONFLICT ("municipality_id", "pseudonym") DO UPDATE SET {updates}'
    )


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
) -> ImportReport:
    """Validate the whole file, then store every consenting row in one transaction, or nothing (INTERFACES.md)."""
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
    report_progress("validate", 0, 1)
    result = validate_file(file, limits=import_limits())
    report_progress("validate", 1, 1)
    batch.rows_read = result.rows_read
    warnings = [_report_item(warning) for warning in result.warnings]
    batch.warnings = warnings[:STORED_ERRORS]
    if not result.ok:
        errors = [_report_item(error) for error in result.errors]
        batch.status = ImportBatch.Status.REJECTED
        batch.error_count = len(errors)
        batch.errors = errors[:STORED_ERRORS]
        batch.finished_at = timezone.now()
        batch.save()
        return ImportReport("rejected", errors=errors, batch_id=batch.pk, warnings=warnings)

    now = timezone.now()
    rows = _rows_for_upsert(result.prospects, municipality=municipality, batch=batch, now=now)
    # In pseudonym order the unique index grows at its end instead of at random pages: far fewer page writes.
    rows.sort(key=lambda row: row[1])
    sql = _upsert_sql()
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                # A bigger page cache for this connection keeps the indexes in memory during a large import.
                cursor.execute("PRAGMA cache_size = -262144")
            for start in range(0, len(rows), CHUNK):
                # Raw executemany upsert: model instances for a million rows would not fit the time budget.
                cursor.executemany(sql, rows[start : start + CHUNK])
                report_progress("store", min(start + CHUNK, len(rows)), len(rows))
        batch.status = ImportBatch.Status.IMPORTED
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

    task_id = str(uuid.uuid4())
    transaction.on_commit(
        lambda: tasks.prospects_score_task.apply_async((municipality.pk, actor.pk), task_id=task_id)
    )
    return task_id


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
) -> ScoreReport:
    """Train (or reuse) the municipality's model, score every prospect, and rebuild its segments."""
    if not skip_permission_checks:
        require(actor, Action.IMPORT_PROSPECTS, municipality=municipality)
    report_progress = progress or _noop
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
    table = Prospect._meta.db_table
    quote = connection.ops.quote_name
    # Stage and segment were stored by the import with the same rules; only the score is new.
    sql = f"UPDATE {quote(table)} SET {quote('score')} = %s WHERE {quote('id')} = %s"  # noqa: S608 (names from the model)
    scores, ids = frame["score"].to_numpy(dtype=float), frame["id"].to_numpy(dtype="int64")
    with transaction.atomic():
        with connection.cursor() as cursor:
            for start in range(0, len(frame), CHUNK):
                stop = start + CHUNK
                chunk = list(zip(scores[start:stop].tolist(), ids[start:stop].tolist(), strict=True))
                cursor.executemany(sql, chunk)
                report_progress("store", min(stop, len(frame)), len(frame))
        Segment.objects.filter(municipality=municipality).delete()
        Segment.objects.bulk_create(segments, batch_size=1000)
    report_progress("done", 4, 4)
    return ScoreReport(len(frame), len(segments), version.metrics, version.version, trained)


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
        deleted, _ = Prospect.objects.filter(
            municipality=municipality, pseudonym=pseudonym(prospect_ref)
        ).delete()
    return deleted > 0


def prospects_expire(*, now: dt.datetime | None = None) -> int:
    """Delete prospects not re-imported within PROSPECT_RETENTION_DAYS (run by beat); returns how many."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.PROSPECT_RETENTION_DAYS)
    with transaction.atomic():
        deleted, _ = Prospect.objects.filter(imported_at__lt=cutoff).delete()
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
    municipality_ids = sorted({pk for ids in table.get("municipalities", []) for pk in ids})
    with transaction.atomic():
        log = ShareLog.objects.create(
            shared_by=actor,
            channel=channel[:16],
            recipient=(recipient.strip() or f"{actor.get_username()} ({role_of(actor) or '-'})")[:200],
            segments=sorted({row["segment"] for row in rows if not row["suppressed"]}),
        )
        log.municipalities.set(Municipality.objects.filter(pk__in=municipality_ids))
    return rows
