"""The insights demo: two imports of the same synthetic people, so the stage history shows movement."""

from __future__ import annotations

import io

import pytest

from insights import demo, selectors
from insights.models import ImportBatch, ProspectStageSnapshot
from insights.scoring.synthetic import follow_up, generate_prospects
from themes.models import Municipality

pytestmark = pytest.mark.django_db


def test_the_follow_up_only_accumulates_engagement() -> None:
    first = generate_prospects(400, seed=3)
    later = follow_up(first, seed=3)
    assert list(later["prospect_ref"]) == list(first["prospect_ref"])
    for column in ("newsletter_opens", "site_visits", "job_clicks"):
        assert (later[column] >= first[column]).all()
    assert (later["guide_download"] | ~first["guide_download"]).all()
    assert (later["site_visits"] > first["site_visits"]).any()


def test_seed_demo_makes_two_imports_with_movement(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.cache import cache

    cache.clear()
    monkeypatch.setattr(
        demo,
        "read_yaml",
        lambda name: {"municipalities": [{"municipality": "kiruna", "rows": 300, "seed": 5}]},
    )
    demo.seed(stdout=io.StringIO())
    kiruna = Municipality.objects.get(slug="kiruna")
    batches = ImportBatch.objects.filter(municipality=kiruna, status=ImportBatch.Status.IMPORTED)
    assert batches.count() == 2
    assert all("Synthetic" in b.source and b.file_name.startswith("synthetic-") for b in batches)
    assert len(selectors.stage_counts_by_month(kiruna)) >= 1
    flows = {pair: n for per in selectors.stage_flows(kiruna).values() for pair, n in per.items()}
    moved = sum(n for (before, after), n in flows.items() if before != after)
    assert moved > 0
    snapshots = ProspectStageSnapshot.objects.filter(municipality=kiruna).count()
    demo.seed(stdout=io.StringIO())  # idempotent: two imports already
    assert ProspectStageSnapshot.objects.filter(municipality=kiruna).count() == snapshots
