"""Consent lineage: each segment names the import batches its prospects came from; erasing a batch removes its
contribution everywhere (prospects, segments, shared aggregates, the models that learned from it)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks

from insights import selectors
from insights.models import ImportBatch, ModelVersion, Prospect, Segment
from insights.scoring.segments import REGION
from insights.services import import_batch_erase, prospects_score, shared_segments_table
from themes.models import Municipality

from .conftest import SyntheticCsv, import_file

pytestmark = pytest.mark.django_db


def _import(
    synthetic_csv: SyntheticCsv, municipality: Municipality, *, seed: int, source: str, rows: int = 700
) -> ImportBatch:
    """A batch of consenting synthetic prospects, named by its source."""
    path = synthetic_csv(rows, seed=seed, name=f"{source}.csv", no_consent_share=0.0)
    report = import_file(municipality, path, source=source)
    assert report.status == "imported"
    assert report.batch_id is not None
    return ImportBatch.objects.get(pk=report.batch_id)


@pytest.fixture
def two_imports(kiruna: Municipality, synthetic_csv: SyntheticCsv) -> tuple[ImportBatch, ImportBatch]:
    january = _import(synthetic_csv, kiruna, seed=1, source="besoksdatabas-jan")
    february = _import(synthetic_csv, kiruna, seed=2, source="besoksdatabas-feb")
    prospects_score(actor=None, skip_permission_checks=True, municipality=kiruna)
    return january, february


def test_each_segment_names_the_batches_its_prospects_came_from(
    two_imports: tuple[ImportBatch, ImportBatch], kiruna: Municipality
) -> None:
    january, february = two_imports
    lineage = selectors.segment_lineage(kiruna)
    for segment in Segment.objects.filter(municipality=kiruna):
        sources = lineage[segment.key]
        assert sum(source["n"] for source in sources) == segment.size
    batches = {source["batch_id"] for sources in lineage.values() for source in sources}
    assert batches == {january.pk, february.pk}
    named = {source["source"] for sources in lineage.values() for source in sources}
    assert named == {"besoksdatabas-jan", "besoksdatabas-feb"}


def test_the_segments_page_shows_the_lineage(
    client: Client, two_imports: tuple[ImportBatch, ImportBatch], analyst_kiruna: User
) -> None:
    client.force_login(analyst_kiruna)
    content = client.get(reverse("insights:segments")).content.decode()
    assert "besoksdatabas-jan" in content
    assert "besoksdatabas-feb" in content


def test_erasing_a_batch_removes_its_contribution_everywhere(
    two_imports: tuple[ImportBatch, ImportBatch],
    kiruna: Municipality,
    analyst_kiruna: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    january, february = two_imports
    february_rows = Prospect.objects.filter(batch=february).count()
    assert ModelVersion.objects.filter(municipality=kiruna).count() == 1
    with django_capture_on_commit_callbacks() as callbacks:
        report = import_batch_erase(actor=analyst_kiruna, batch=january, rescore=True)
    assert report.prospects == 700
    assert report.model_versions == 1  # trained while January's rows were stored
    assert report.scoring_queued is True
    assert len(callbacks) >= 2  # the model file removal, the cache, the scoring run
    assert not ImportBatch.objects.filter(pk=january.pk).exists()
    assert Prospect.objects.filter(municipality=kiruna).count() == february_rows
    # Until the new scoring run, nothing of the old aggregates (which counted January) is shared.
    assert not Segment.objects.filter(municipality=kiruna).exists()
    assert shared_segments_table().empty
    assert not Prospect.objects.filter(municipality=kiruna, score__isnull=False).exists()

    prospects_score(actor=None, skip_permission_checks=True, municipality=kiruna)
    lineage = selectors.segment_lineage(kiruna)
    assert {source["batch_id"] for sources in lineage.values() for source in sources} == {february.pk}
    assert sum(segment.size for segment in Segment.objects.filter(municipality=kiruna)) == february_rows
    table = shared_segments_table()
    overall = table[(table["segment"] == "all") & (table["area"] == REGION)]
    assert int(overall["n"].iloc[0]) == february_rows


def test_a_re_imported_prospect_belongs_to_the_later_batch_and_survives(
    kiruna: Municipality, synthetic_csv: SyntheticCsv, analyst_kiruna: User
) -> None:
    first = _import(synthetic_csv, kiruna, seed=3, source="first", rows=50)
    second = _import(synthetic_csv, kiruna, seed=3, source="second", rows=50)  # the same people again
    import_batch_erase(actor=analyst_kiruna, batch=first, rescore=False)
    assert Prospect.objects.filter(municipality=kiruna, batch=second).count() == 50


def test_only_the_municipalitys_analyst_may_erase_its_batch(
    two_imports: tuple[ImportBatch, ImportBatch], analyst_lulea: User, lead_kiruna: User, coordinator: User
) -> None:
    january, _ = two_imports
    for user in (analyst_lulea, lead_kiruna, coordinator):
        with pytest.raises(PermissionDenied):
            import_batch_erase(actor=user, batch=january)
    assert ImportBatch.objects.filter(pk=january.pk).exists()


def test_erase_through_the_confirmation_page(
    client: Client, kiruna: Municipality, synthetic_csv: SyntheticCsv, analyst_kiruna: User
) -> None:
    batch = _import(synthetic_csv, kiruna, seed=4, source="confirm", rows=40)
    client.force_login(analyst_kiruna)
    url = reverse("insights:batch-erase", args=[batch.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["prospects"] == 40
    client.post(url, {})  # no confirmation: nothing happens
    assert ImportBatch.objects.filter(pk=batch.pk).exists()
    response = client.post(url, {"confirm": "yes"})
    assert response.status_code == 302
    assert not ImportBatch.objects.filter(pk=batch.pk).exists()
    assert not Prospect.objects.filter(municipality=kiruna).exists()
