"""Insights services: scoring, erase, retention, pins, logged sharing, and who may do what."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from pytest_django.fixtures import Settings

from insights.models import ModelVersion, Prospect, Segment, SegmentPin, ShareLog
from insights.pseudonyms import pseudonym
from insights.services import (
    prospect_erase,
    prospects_expire,
    prospects_import,
    prospects_score,
    segment_pin,
    shared_segments_export,
)
from themes.models import Municipality

from .conftest import HEADER, SyntheticCsv, WriteCsv, import_and_score, import_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored_kiruna(synthetic_csv: SyntheticCsv, kiruna: Municipality) -> Municipality:
    path = synthetic_csv(1200, seed=5)
    import_and_score(kiruna, path)
    return kiruna


def test_import_by_analyst_of_another_municipality_is_refused(
    synthetic_csv: SyntheticCsv, analyst_lulea: User, kiruna: Municipality
) -> None:
    path = synthetic_csv(50)
    with pytest.raises(PermissionDenied):
        prospects_import(actor=analyst_lulea, municipality=kiruna, file=path, file_name=path.name)
    assert Prospect.objects.count() == 0


@pytest.mark.parametrize("role", ["coordinator", "partner", "lead_kiruna"])
def test_only_the_municipalitys_analyst_may_import(
    request: pytest.FixtureRequest, synthetic_csv: SyntheticCsv, kiruna: Municipality, role: str
) -> None:
    user = request.getfixturevalue(role)
    path = synthetic_csv(50)
    with pytest.raises(PermissionDenied):
        prospects_import(actor=user, municipality=kiruna, file=path, file_name=path.name)


def test_scoring_stores_scores_segments_and_a_versioned_skops_model(
    scored_kiruna: Municipality, settings: Settings
) -> None:
    assert not Prospect.objects.filter(score__isnull=True).exists()
    version = ModelVersion.objects.get()
    assert version.version == 1
    assert (settings.DATA_DIR / "models" / version.file).exists()
    assert version.file.endswith(".skops")
    segment = Segment.objects.order_by("-size").first()
    assert segment is not None
    assert segment.size == Prospect.objects.filter(segment_key=segment.key).count()
    assert sum(segment.aida_mix.values()) == segment.size
    assert len(segment.top_factors) == 3
    assert segment.phases


def test_scoring_reuses_the_model_until_new_data_arrives(
    scored_kiruna: Municipality, synthetic_csv: SyntheticCsv
) -> None:
    prospects_score(actor=None, skip_permission_checks=True, municipality=scored_kiruna)
    assert ModelVersion.objects.count() == 1
    path = synthetic_csv(300, seed=6, name="more.csv")
    import_file(scored_kiruna, path)
    report = prospects_score(actor=None, skip_permission_checks=True, municipality=scored_kiruna)
    assert report.trained
    assert report.model_version == 2


def test_score_and_stats_commands_print_the_contract_json(
    scored_kiruna: Municipality, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("score_prospects", "--municipality", "kiruna", "--json")
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"prospects", "segments", "model"}
    assert set(report["model"]) == {
        "roc_auc",
        "pr_auc",
        "brier",
    }
    call_command("prospect_stats", "--municipality", "2584", "--json")
    stats = json.loads(capsys.readouterr().out)
    assert stats["prospects"] == report["prospects"] == sum(stats["aida"].values())
    assert set(stats["aida"]) == {"attention", "interest", "desire", "action"}
    assert stats["segments"] == report["segments"]


def test_erase_by_source_id(write_csv: WriteCsv, kiruna: Municipality, analyst_kiruna: User) -> None:
    path = write_csv(f"{HEADER}\nERASE-ME,SE,25-34,single,1,yes\nKEEP,SE,25-34,single,1,yes\n")
    prospects_import(actor=analyst_kiruna, municipality=kiruna, file=path, file_name=path.name)
    assert prospect_erase(actor=analyst_kiruna, municipality=kiruna, prospect_ref="ERASE-ME")
    assert list(Prospect.objects.values_list("pseudonym", flat=True)) == [pseudonym("KEEP")]
    assert not prospect_erase(actor=analyst_kiruna, municipality=kiruna, prospect_ref="ERASE-ME")


def test_erase_by_another_municipalitys_analyst_is_refused(
    write_csv: WriteCsv, kiruna: Municipality, analyst_lulea: User
) -> None:
    path = write_csv(f"{HEADER}\nA,SE,25-34,single,1,yes\n")
    import_file(kiruna, path)
    with pytest.raises(PermissionDenied):
        prospect_erase(actor=analyst_lulea, municipality=kiruna, prospect_ref="A")
    assert Prospect.objects.count() == 1


@override_settings(PROSPECT_RETENTION_DAYS=30)
def test_retention_deletes_only_expired_prospects(synthetic_csv: SyntheticCsv, kiruna: Municipality) -> None:
    path = synthetic_csv(40)
    import_file(kiruna, path)
    old = list(Prospect.objects.values_list("pk", flat=True)[:10])
    Prospect.objects.filter(pk__in=old).update(imported_at=timezone.now() - dt.timedelta(days=31))
    assert prospects_expire() == 10
    assert not Prospect.objects.filter(pk__in=old).exists()
    assert Prospect.objects.count() > 0


def test_retention_beat_entry_runs_the_expire_task(settings: Settings) -> None:
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "insights.tasks.prospects_expire_task" in tasks


def test_pin_and_unpin_a_segment(analyst_kiruna: User, kiruna: Municipality) -> None:
    pin = segment_pin(
        actor=analyst_kiruna, municipality=kiruna, segment_key="DE:family:skiing", note="Ski-fair in Munich"
    )
    assert pin is not None
    assert pin.note == "Ski-fair in Munich"
    segment_pin(actor=analyst_kiruna, municipality=kiruna, segment_key="DE:family:skiing", pinned=False)
    assert not SegmentPin.objects.exists()


def test_coordinator_cannot_pin(coordinator: User, kiruna: Municipality) -> None:
    with pytest.raises(PermissionDenied):
        segment_pin(actor=coordinator, municipality=kiruna, segment_key="DE:family:skiing")


def test_shared_export_is_aggregate_only_and_logged(scored_kiruna: Municipality, partner: User) -> None:
    rows = shared_segments_export(actor=partner, channel="api", recipient="Region Norrbotten")
    assert rows
    assert all(set(row) == {"segment", "area", "n", "mean_score", "suppressed"} for row in rows)
    assert all(row["n"] is None or row["n"] >= 10 for row in rows)
    log = ShareLog.objects.get()
    assert (log.shared_by, log.recipient, log.channel) == (partner, "Region Norrbotten", "api")
    assert list(log.municipalities.all()) == [scored_kiruna]
    assert set(log.segments) == {row["segment"] for row in rows if not row["suppressed"]}


def test_small_municipalities_are_rolled_into_their_cluster(
    synthetic_csv: SyntheticCsv, coordinator: User
) -> None:
    for slug, seed in (("jokkmokk", 1), ("arjeplog", 2)):
        municipality = Municipality.objects.get(slug=slug)
        path = synthetic_csv(400, seed=seed, name=f"{slug}.csv")
        import_and_score(municipality, path)
    areas = {row["area"] for row in shared_segments_export(actor=coordinator, channel="page")}
    assert areas == {"inland", "norrbotten"}


def test_lead_may_not_see_shared_segments(lead_kiruna: User) -> None:
    with pytest.raises(PermissionDenied):
        shared_segments_export(actor=lead_kiruna, channel="api")


@pytest.mark.parametrize(
    "call",
    [
        lambda m, p: prospects_import(actor=None, municipality=m, file=p, file_name=p.name),
        lambda m, p: prospects_score(actor=None, municipality=m),
        lambda m, p: prospect_erase(actor=None, municipality=m, prospect_ref="A"),
    ],
    ids=["import", "score", "erase"],
)
def test_a_service_refuses_without_an_actor_unless_the_caller_skips_checks_by_name(
    call: Callable[[Municipality, Path], object], write_csv: WriteCsv, kiruna: Municipality
) -> None:
    path = write_csv(f"{HEADER}\nA,SE,25-34,single,1,yes\n")
    with pytest.raises(PermissionDenied):
        call(kiruna, path)
