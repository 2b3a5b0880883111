"""One scoring run through a real Celery worker on Redis and PostgreSQL, with progress reported by the task."""

from __future__ import annotations

import time

import pytest

from insights.models import ModelVersion, Prospect
from insights.services import prospects_import
from tests.services import redis_available, require


@pytest.mark.postgres
@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_scores_prospects_and_reports_progress(synthetic_csv, analyst_kiruna, kiruna):
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
    assert report["segments"] > 0 and report["model"]["roc_auc"] > 0.7
    assert not Prospect.objects.filter(municipality=kiruna, score__isnull=True).exists()
    assert ModelVersion.objects.get(municipality=kiruna).trained_by == analyst_kiruna
    assert "PROGRESS" in states
