"""Import jobs that survive a dead worker: the lease, detection (beat, page view, command), retry and cancel, the
uploaded file deleted on every outcome, one scoring run per municipality. The real-worker version is test_worker.py."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import NoReturn

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from pytest_django.fixtures import Settings

from insights import services
from insights.models import ImportBatch, Prospect, ScoringLock
from themes.models import Municipality

from .conftest import HEADER, SyntheticCsv

pytestmark = pytest.mark.django_db


def _upload(analyst: User, municipality: Municipality, text: str, name: str = "prospects.csv") -> ImportBatch:
    upload = SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")
    return services.import_batch_create(actor=analyst, municipality=municipality, upload=upload)


GOOD = f"{HEADER}\nK-1,SE,25-34,family,1,yes\nK-2,DE,35-44,couple,2,yes\n"


def _stall(batch: ImportBatch, *, seconds_ago: int) -> None:
    """What a worker killed mid-import leaves behind: the batch running, its lease no longer renewed."""
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.RUNNING,
        heartbeat_at=timezone.now() - dt.timedelta(seconds=seconds_ago),
        attempts=1,
    )


def _stalled_upload(
    analyst: User, municipality: Municipality, *, seconds_ago: int, name: str = "prospects.csv"
) -> ImportBatch:
    """An uploaded batch whose worker stopped renewing its lease `seconds_ago` seconds ago."""
    batch = _upload(analyst, municipality, GOOD, name=name)
    _stall(batch, seconds_ago=seconds_ago)
    return batch


@pytest.mark.parametrize(
    ("text", "outcome"),
    [(GOOD, "imported"), (f"{HEADER}\nK-1,XX,25-34,family,1,yes\n", "rejected")],
)
def test_the_uploaded_file_is_deleted_once_the_batch_has_its_outcome(
    analyst_kiruna: User, kiruna: Municipality, text: str, outcome: str
) -> None:
    batch = _upload(analyst_kiruna, kiruna, text)
    assert Path(batch.stored_path).is_file()
    report = services.import_batch_run(batch=batch, actor=analyst_kiruna, task_id=batch.task_id)
    assert report is not None
    assert report.status == outcome
    batch.refresh_from_db()
    assert batch.status == outcome
    assert batch.attempts == 1
    assert batch.heartbeat_at is not None
    assert not Path(batch.stored_path).exists()


def test_the_file_is_deleted_and_the_batch_failed_when_the_import_breaks(
    analyst_kiruna: User, kiruna: Municipality, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = _upload(analyst_kiruna, kiruna, GOOD)

    def broken(**kwargs: object) -> NoReturn:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "prospects_import", broken)
    with pytest.raises(RuntimeError):
        services.import_batch_run(batch=batch, actor=analyst_kiruna, task_id=batch.task_id)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert "RuntimeError" in batch.errors[0]["message"]
    assert not Path(batch.stored_path).exists()


def test_a_delivery_replaced_by_a_retry_or_after_the_outcome_does_nothing(
    analyst_kiruna: User, kiruna: Municipality
) -> None:
    batch = _upload(analyst_kiruna, kiruna, GOOD)
    assert services.import_batch_run(batch=batch, actor=analyst_kiruna, task_id="an-older-task") is None
    assert Path(batch.stored_path).is_file()
    assert not Prospect.objects.exists()
    services.import_batch_run(batch=batch, actor=analyst_kiruna, task_id=batch.task_id)
    assert services.import_batch_run(batch=batch, actor=analyst_kiruna, task_id=batch.task_id) is None
    assert Prospect.objects.count() == 2


def test_a_batch_whose_lease_ran_out_is_marked_failed_with_the_reason_and_can_be_retried(
    analyst_kiruna: User, kiruna: Municipality, settings: Settings
) -> None:
    settings.IMPORT_LEASE_SECONDS = 120
    batch = _stalled_upload(analyst_kiruna, kiruna, seconds_ago=121)
    alive = _stalled_upload(analyst_kiruna, kiruna, seconds_ago=30, name="other.csv")
    with translation.override("sv"):
        assert services.import_batches_reap() == 1
    batch.refresh_from_db()
    alive.refresh_from_db()
    assert alive.status == ImportBatch.Status.RUNNING
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.finished_at is not None
    assert batch.errors == [
        {
            "row": None,
            "column": None,
            "message": "Arbetsprocessen stannade medan filen importerades (inget livstecken på 2 minuter); "
            "ingenting importerades. Försök igen eller avbryt importen.",
        }
    ]
    assert services.import_batch_retryable(batch)
    old_task = batch.task_id
    services.import_batch_retry(actor=analyst_kiruna, batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.QUEUED
    assert batch.task_id != old_task
    assert batch.errors == []
    # The retry runs to completion and the file goes.
    report = services.import_batch_run(batch=batch, actor=analyst_kiruna, task_id=batch.task_id)
    assert report is not None
    assert report.imported == 2
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    assert batch.attempts == 2
    assert not Path(batch.stored_path).exists()


def test_the_batch_page_notices_a_dead_worker_and_offers_retry_and_cancel(
    client: Client, analyst_kiruna: User, kiruna: Municipality, settings: Settings
) -> None:
    settings.IMPORT_LEASE_SECONDS = 60
    batch = _stalled_upload(analyst_kiruna, kiruna, seconds_ago=3600)
    client.force_login(analyst_kiruna)
    page = client.get(reverse("insights:batch", args=[batch.pk]))
    html = page.content.decode()
    assert reverse("insights:batch-retry", args=[batch.pk]) in html
    assert reverse("insights:batch-cancel", args=[batch.pk]) in html
    status = client.get(reverse("insights:batch-status", args=[batch.pk])).json()
    assert status["status"] == "failed"
    assert status["finished"] is True
    response = client.post(reverse("insights:batch-cancel", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert "analyst-kiruna" in batch.errors[0]["message"]
    assert not Path(batch.stored_path).exists()
    assert not services.import_batch_retryable(batch)


def test_another_municipalitys_batch_cannot_be_retried_or_cancelled(
    client: Client, analyst_kiruna: User, kiruna: Municipality, analyst_lulea: User
) -> None:
    batch = _stalled_upload(analyst_kiruna, kiruna, seconds_ago=3600)
    client.force_login(analyst_lulea)
    assert client.post(reverse("insights:batch-retry", args=[batch.pk])).status_code == 404
    assert client.post(reverse("insights:batch-cancel", args=[batch.pk])).status_code == 404
    assert Path(batch.stored_path).is_file()


def test_a_live_import_cannot_be_cancelled(analyst_kiruna: User, kiruna: Municipality) -> None:
    batch = _stalled_upload(analyst_kiruna, kiruna, seconds_ago=1)
    with pytest.raises(ValidationError):
        services.import_batch_cancel(actor=analyst_kiruna, batch=batch)


def test_the_command_reaps_lists_retries_and_cancels(
    analyst_kiruna: User, kiruna: Municipality, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.IMPORT_LEASE_SECONDS = 60
    first = _stalled_upload(analyst_kiruna, kiruna, seconds_ago=3600)
    second = _stalled_upload(analyst_kiruna, kiruna, seconds_ago=3600, name="second.csv")
    call_command("import_batches", "--reap", "--json")
    rows = {row["id"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows[first.pk]["status"] == "failed"
    assert rows[first.pk]["retryable"] is True
    call_command("import_batches", "--retry", str(first.pk), "--cancel", str(second.pk))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ImportBatch.Status.QUEUED
    assert second.status == ImportBatch.Status.FAILED
    assert not Path(second.stored_path).exists()


def test_files_kept_for_a_retry_expire(
    analyst_kiruna: User, kiruna: Municipality, settings: Settings
) -> None:
    settings.IMPORT_RETRY_HOURS = 24
    batch = _stalled_upload(analyst_kiruna, kiruna, seconds_ago=3600)
    services.import_batches_reap()
    assert services.import_files_expire() == 0
    ImportBatch.objects.filter(pk=batch.pk).update(finished_at=timezone.now() - dt.timedelta(hours=25))
    assert services.import_files_expire() == 1
    assert not Path(batch.stored_path).exists()


def test_one_scoring_run_per_municipality(
    kiruna: Municipality, lulea: Municipality, analyst_kiruna: User, settings: Settings
) -> None:
    settings.SCORING_LOCK_SECONDS = 600
    assert services.scoring_lock_acquire(municipality=kiruna, task_id="first")
    assert not services.scoring_lock_acquire(municipality=kiruna, task_id="second")
    assert services.scoring_lock_acquire(municipality=lulea, task_id="elsewhere")
    with pytest.raises(services.ScoringBusy):
        services.scoring_queue(actor=analyst_kiruna, municipality=kiruna)
    with pytest.raises(services.ScoringBusy):
        services.prospects_score(actor=analyst_kiruna, municipality=kiruna)
    # A lock whose run died (not renewed) is taken over.
    ScoringLock.objects.filter(municipality=kiruna).update(
        heartbeat_at=timezone.now() - dt.timedelta(seconds=601)
    )
    assert services.scoring_lock_acquire(municipality=kiruna, task_id="second")
    services.scoring_lock_release(municipality=kiruna, task_id="second")
    assert not ScoringLock.objects.filter(municipality=kiruna).exists()


def test_a_scoring_run_releases_its_lock(
    synthetic_csv: SyntheticCsv, analyst_kiruna: User, kiruna: Municipality
) -> None:
    path = synthetic_csv(300, seed=5)
    services.prospects_import(actor=analyst_kiruna, municipality=kiruna, file=path, file_name=path.name)
    services.prospects_score(actor=analyst_kiruna, municipality=kiruna)
    assert not ScoringLock.objects.exists()
