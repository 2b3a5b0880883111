"""One scoring run through a real Celery worker on Redis and PostgreSQL, with progress reported by the task."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.auth.models import User
from pytest_django.fixtures import Settings

from insights.models import ModelVersion, Prospect
from insights.services import prospects_import
from tests.services import redis_available, require
from themes.models import Municipality

from .conftest import SyntheticCsv


@pytest.mark.postgres
@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_scores_prospects_and_reports_progress(
    synthetic_csv: SyntheticCsv, analyst_kiruna: User, kiruna: Municipality
) -> None:
    from insights.tasks import prospects_score_task
    from tests.worker import running_worker

    require(redis_available(), "needs Redis at 127.0.0.1:6379")
    path = synthetic_csv(2000, seed=31)
    prospects_import(actor=analyst_kiruna, municipality=kiruna, file=path, file_name=path.name)
    with running_worker():
        result = prospects_score_task.delay(kiruna.pk, analyst_kiruna.pk)
        states = set()
        deadline = time.monotonic() + 180
        while not result.ready() and time.monotonic() < deadline:
            states.add(result.state)
            time.sleep(0.05)
        report = result.get(timeout=5)
    assert report["prospects"] == Prospect.objects.filter(municipality=kiruna).count()
    assert report["segments"] > 0
    assert report["model"]["roc_auc"] > 0.7
    assert not Prospect.objects.filter(municipality=kiruna, score__isnull=True).exists()
    assert ModelVersion.objects.get(municipality=kiruna).trained_by == analyst_kiruna
    assert "PROGRESS" in states


@pytest.mark.postgres
@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_during_an_import_leaves_nothing_half_imported_and_the_retry_completes(
    synthetic_csv: SyntheticCsv, analyst_kiruna: User, kiruna: Municipality, settings: Settings
) -> None:
    """Fault injection: SIGKILL the worker while it stores rows. Within the lease the batch is failed and
    retryable, nothing of it is stored; Redis holds the unacknowledged message (acks_late) without giving it
    back before its visibility timeout; the retry on a new worker imports everything and deletes the file."""
    import os
    import signal
    from pathlib import Path

    import psycopg
    import redis
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from insights import services
    from insights.models import ImportBatch
    from tests.worker import REDIS_URL, running_worker

    require(redis_available(), "needs Redis at 127.0.0.1:6379")
    settings.IMPORT_LEASE_SECONDS = 5
    worker_env = {"IMPORT_HEARTBEAT_SECONDS": "0.5", "IMPORT_LEASE_SECONDS": "5"}
    path = synthetic_csv(120_000, seed=7)
    upload = SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")

    # COPY stores 120,000 rows in well under a heartbeat, too fast to catch. A second connection holds a SHARE lock on
    # the prospects table, which lets the worker read and COPY into its load table but blocks its INSERT: the worker
    # is caught inside its store transaction, deterministically, until it is killed.
    blocker = psycopg.connect(_dsn(connection.settings_dict), autocommit=False)
    blocker.execute(f"LOCK TABLE {connection.ops.quote_name(Prospect._meta.db_table)} IN SHARE MODE")
    try:
        with running_worker(env=worker_env) as worker:
            batch = services.import_batch_create(actor=analyst_kiruna, municipality=kiruna, upload=upload)
            stored = Path(batch.stored_path)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                batch.refresh_from_db()
                if (batch.progress or {}).get("step") == "store":
                    break
                assert batch.status in ("queued", "running"), batch.errors
                time.sleep(0.1)
            else:
                pytest.fail(f"the import never reached its store step: {batch.status} {batch.progress}")
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
            killed_at = time.monotonic()
    finally:
        blocker.rollback()
        blocker.close()

    # The store transaction died with the worker's connection: nothing half-imported.
    assert Prospect.objects.filter(municipality=kiruna).count() == 0
    # acks_late on Redis: the message is unacknowledged, parked until its visibility timeout (not redelivered now).
    broker = redis.Redis.from_url(REDIS_URL)
    assert broker.hlen("unacked") == 1

    marked = 0
    while not marked and time.monotonic() - killed_at < 30:
        time.sleep(0.5)
        marked = services.import_batches_reap()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.errors[0]["row"] is None
    assert batch.errors[0]["message"]
    detected_after = time.monotonic() - killed_at
    assert detected_after < 30
    assert services.import_batch_retryable(batch)
    assert stored.is_file()

    with running_worker(env=worker_env, purge=False):
        services.import_batch_retry(actor=analyst_kiruna, batch=batch)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            batch.refresh_from_db()
            if batch.status not in ("queued", "running"):
                break
            time.sleep(0.2)
    assert batch.status == ImportBatch.Status.IMPORTED, batch.errors
    assert batch.imported == Prospect.objects.filter(municipality=kiruna).count() > 100_000
    assert batch.attempts == 2
    assert not stored.exists()
    broker.delete("unacked", "unacked_index")


def _dsn(settings_dict: dict[str, Any]) -> str:
    """A libpq connection string for the test database Django is using."""
    parts = {
        "dbname": settings_dict["NAME"],
        "user": settings_dict.get("USER") or "",
        "password": settings_dict.get("PASSWORD") or "",
        "host": settings_dict.get("HOST") or "",
        "port": str(settings_dict.get("PORT") or ""),
    }
    return " ".join(f"{key}={value}" for key, value in parts.items() if value)
