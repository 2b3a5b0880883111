"""One progress bar across validate → store → stages → score that only moves forward, with steps inside validation."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from insights.models import ImportBatch
from insights.progress import BANDS, ForwardProgress, band_percent
from insights.services import prospects_score
from insights.tasks import prospects_score_task
from themes.models import Municipality

from .conftest import SyntheticCsv, import_file

pytestmark = pytest.mark.django_db


def test_a_real_import_and_scoring_run_reports_a_non_decreasing_sequence(
    synthetic_csv: SyntheticCsv, kiruna: Municipality
) -> None:
    reported: list[tuple[str, str, int, int]] = []
    path = synthetic_csv(900, seed=4)
    report = import_file(
        kiruna, path, progress=lambda step, current, total: reported.append(("import", step, current, total))
    )
    assert report.status == "imported"
    prospects_score(
        actor=None,
        skip_permission_checks=True,
        municipality=kiruna,
        progress=lambda step, current, total: reported.append(("scoring", step, current, total)),
    )
    # The raw reports, on the bar's bands (no forward-only clamp): the services report in band order.
    percents = [
        band_percent("score_store" if run == "scoring" and step == "store" else step, current, total)
        for run, step, current, total in reported
    ]
    assert percents == sorted(percents), list(zip(reported, percents, strict=True))
    assert percents[0] == 0
    assert percents[-1] == 100
    steps = [step for _, step, _, _ in reported]
    assert steps.index("validate") < steps.index("store") < steps.index("stages") < steps.index("model")
    inside_validation = {p for p, s in zip(percents, steps, strict=True) if s == "validate"}
    start, end = BANDS["validate"]
    assert len({p for p in inside_validation if start < p < end}) >= 3


def test_the_forward_rule_drops_a_report_that_would_move_the_bar_back() -> None:
    seen: list[int] = []
    forward = ForwardProgress(lambda percent, step: seen.append(percent))
    forward("store", 1, 2)
    forward("validate", 1, 1)  # late or repeated: would go back
    forward("store", 2, 2)
    assert seen == [band_percent("store", 1, 2), band_percent("store", 2, 2)]


def test_the_batch_bar_goes_on_through_the_scoring_run_and_ends_at_100(
    client: Client, synthetic_csv: SyntheticCsv, kiruna: Municipality, analyst_kiruna: User
) -> None:
    path = synthetic_csv(600, seed=5)
    report = import_file(kiruna, path)
    assert report.batch_id is not None
    batch = ImportBatch.objects.get(pk=report.batch_id)
    from insights.services import import_batch_scoring_progress

    import_batch_scoring_progress(batch_id=batch.pk, state="queued")
    client.force_login(analyst_kiruna)
    url = reverse("insights:batch-status", args=[batch.pk])
    waiting = client.get(url).json()
    assert waiting["finished"] is False
    assert waiting["percent"] == BANDS["stages"][1]
    prospects_score_task.apply(args=(kiruna.pk, None), kwargs={"batch_id": batch.pk})
    batch.refresh_from_db()
    done = client.get(url).json()
    assert done["finished"] is True
    assert done["percent"] == 100
    assert batch.progress["scoring"] == "done"


def test_a_scoring_runs_own_bar_only_moves_forward_to_100(
    synthetic_csv: SyntheticCsv, kiruna: Municipality, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = synthetic_csv(600, seed=6)
    import_file(kiruna, path)
    states: list[dict[str, Any]] = []
    monkeypatch.setattr(prospects_score_task, "update_state", lambda state, meta: states.append(meta))
    prospects_score_task.apply(args=(kiruna.pk, None))
    percents = [meta["percent"] for meta in states]
    assert len(percents) >= 4
    assert percents == sorted(percents)
    assert percents[0] == 0
    assert percents[-1] == 100


def test_a_scoring_run_whose_worker_died_ends_the_upload_bar_as_failed(
    client: Client,
    synthetic_csv: SyntheticCsv,
    kiruna: Municipality,
    analyst_kiruna: User,
    settings: Settings,
) -> None:
    """ "running" with no live scoring lock and no progress for SCORING_LOCK_SECONDS: the worker is gone."""
    import datetime as dt

    from django.utils import timezone

    from insights.services import import_batch_scoring_progress

    path = synthetic_csv(200, seed=7)
    report = import_file(kiruna, path)
    assert report.batch_id is not None
    import_batch_scoring_progress(batch_id=report.batch_id, state="running")
    client.force_login(analyst_kiruna)
    url = reverse("insights:batch-status", args=[report.batch_id])
    assert client.get(url).json()["finished"] is False  # just started: it may not hold the lock yet
    batch = ImportBatch.objects.get(pk=report.batch_id)
    stale = timezone.now() - dt.timedelta(seconds=settings.SCORING_LOCK_SECONDS + 1)
    ImportBatch.objects.filter(pk=batch.pk).update(progress={**batch.progress, "at": stale.isoformat()})
    status = client.get(url).json()
    assert status["finished"] is True
    assert status["scoring"] == "failed"
