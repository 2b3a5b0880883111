"""Stage history: each import records every prospect's AIDA stage; counts per month, flows, conversions, the monotone
funnel, and the shared (suppressed) history, which holds across months too."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import NoReturn

import numpy as np
import pytest
from django.test import Client
from pytest_django import DjangoCaptureOnCommitCallbacks
from pytest_django.fixtures import Settings

from insights import selectors, services
from insights.models import ImportBatch, Prospect, ProspectStageSnapshot, ShareLog
from insights.scoring.funnel import conversions, reached_at_least
from insights.scoring.segments import solvable_entries
from tests.factories import user_with_role
from themes.models import Municipality

from .conftest import WriteCsv, import_file

pytestmark = pytest.mark.django_db

HEADER = "prospect_ref,country,age_band,household,visits,site_visits,webinar,consent_analytics"
# One engagement per stage, by the AIDA rules: visits >= 2 is Interest, 10 site visits Desire, a webinar Action.
ROW = {
    "attention": "1,0,false",
    "interest": "2,0,false",
    "desire": "1,10,false",
    "action": "1,0,true",
}


def people(stages: dict[str, str]) -> str:
    lines = [f"{ref},SE,25-34,single,{ROW[stage]},yes" for ref, stage in stages.items()]
    return HEADER + "\n" + "\n".join(lines) + "\n"


def group(prefix: str, stage: str, n: int) -> dict[str, str]:
    return {f"{prefix}{i}": stage for i in range(n)}


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """The history reads are cached until an import commits; the tests' transactions never commit."""
    from django.core.cache import cache

    cache.clear()


DoImport = Callable[[Municipality, dict[str, str], dt.date], int]


@pytest.fixture
def do_import(write_csv: WriteCsv) -> DoImport:
    """Import people at the given stages, as the visitor database showed them on a day; gives the batch's id."""

    def run(municipality: Municipality, stages: dict[str, str], on: dt.date) -> int:
        path = write_csv(people(stages), name=f"{municipality.slug}-{on}.csv")
        report = import_file(municipality, path, observed_on=on)
        assert report.status == "imported", report.errors
        assert report.batch_id is not None
        return report.batch_id

    return run


JANUARY = {"A": "attention", "B": "attention", "C": "interest", "D": "interest", "E": "desire", "F": "action"}
# A → Interest, B stays, C → Desire, D falls back to Attention, E → Action, F stays, G is new.
MARCH = {"A": "interest", "B": "attention", "C": "desire", "D": "attention", "E": "action", "F": "action"}


def test_each_import_records_every_prospects_stage(do_import: DoImport, kiruna: Municipality) -> None:
    first = do_import(kiruna, JANUARY, dt.date(2026, 1, 15))
    second = do_import(kiruna, {**MARCH, "G": "attention"}, dt.date(2026, 3, 10))
    assert ProspectStageSnapshot.objects.filter(batch_id=first).count() == 6
    assert ProspectStageSnapshot.objects.filter(batch_id=second).count() == 7
    # Stored against the prospect (no identifier of its own), with the day the file describes.
    snapshot = ProspectStageSnapshot.objects.filter(batch_id=second).get(
        prospect__pseudonym=Prospect.objects.get(aida_stage="interest").pseudonym
    )
    assert snapshot.observed_on == dt.date(2026, 3, 10)
    assert snapshot.month == dt.date(2026, 3, 1)
    by_prospect = {(s.prospect_id, s.batch_id): s.stage for s in ProspectStageSnapshot.objects.all()}
    for prospect in Prospect.objects.all():
        assert by_prospect[(prospect.pk, second)] == prospect.aida_stage


def test_counts_per_month_flows_and_conversions(do_import: DoImport, kiruna: Municipality) -> None:
    do_import(kiruna, JANUARY, dt.date(2026, 1, 15))
    do_import(kiruna, {**MARCH, "G": "attention"}, dt.date(2026, 3, 10))
    counts = selectors.stage_counts_by_month(kiruna)
    assert counts == {
        "2026-01": {"attention": 2, "interest": 2, "desire": 1, "action": 1},
        "2026-03": {"attention": 3, "interest": 1, "desire": 1, "action": 2},
    }
    flows = selectors.stage_flows(kiruna)
    assert flows == {
        "2026-03": {
            ("attention", "interest"): 1,
            ("attention", "attention"): 1,
            ("interest", "desire"): 1,
            ("interest", "attention"): 1,
            ("desire", "action"): 1,
            ("action", "action"): 1,
        }
    }
    by_stage = {c.stage: c for c in conversions(flows["2026-03"])}
    assert (by_stage["attention"].advanced, by_stage["attention"].observed_again) == (1, 2)
    assert by_stage["attention"].rate == 0.5
    assert (by_stage["interest"].advanced, by_stage["interest"].fell_back) == (1, 1)
    assert by_stage["desire"].rate == 1.0
    assert "action" not in by_stage


def test_two_imports_in_one_month_count_each_prospect_once_at_the_later_stage(
    do_import: DoImport, kiruna: Municipality
) -> None:
    do_import(kiruna, {"A": "attention", "B": "interest"}, dt.date(2026, 2, 1))
    do_import(kiruna, {"A": "desire"}, dt.date(2026, 2, 20))
    assert selectors.stage_counts_by_month(kiruna) == {
        "2026-02": {"attention": 0, "interest": 1, "desire": 1, "action": 0}
    }
    assert selectors.stage_flows(kiruna) == {"2026-02": {("attention", "desire"): 1}}


def test_a_committed_import_refreshes_the_cached_history(
    do_import: DoImport,
    kiruna: Municipality,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        do_import(kiruna, {"A": "attention"}, dt.date(2026, 1, 5))
    assert selectors.stage_counts_by_month(kiruna)["2026-01"]["attention"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        do_import(kiruna, {"A": "action"}, dt.date(2026, 2, 5))
    assert list(selectors.stage_counts_by_month(kiruna)) == ["2026-01", "2026-02"]
    assert selectors.stage_flows(kiruna) == {"2026-02": {("attention", "action"): 1}}


def test_history_is_per_municipality(do_import: DoImport, kiruna: Municipality) -> None:
    do_import(kiruna, {"A": "attention"}, dt.date(2026, 1, 5))
    lulea = Municipality.objects.get(slug="lulea")
    do_import(lulea, {"A": "action", "B": "action"}, dt.date(2026, 1, 5))
    assert selectors.stage_counts_by_month(kiruna)["2026-01"]["action"] == 0
    assert selectors.stage_counts_by_month(lulea)["2026-01"]["action"] == 2


def test_a_failed_history_write_stores_no_prospect(
    do_import: DoImport, kiruna: Municipality, write_csv: WriteCsv, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> NoReturn:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_stage_snapshots_write", broken)
    path = write_csv(people(JANUARY))
    with pytest.raises(RuntimeError):
        import_file(kiruna, path)
    assert not Prospect.objects.exists()
    assert not ProspectStageSnapshot.objects.exists()


def test_a_rejected_file_records_no_history(write_csv: WriteCsv, kiruna: Municipality) -> None:
    path = write_csv(HEADER + "\nA,SE,25-34,single,x,0,false,yes\n")
    report = import_file(kiruna, path)
    assert report.status == "rejected"
    assert not ProspectStageSnapshot.objects.exists()


def test_erasing_a_prospect_erases_its_history(do_import: DoImport, kiruna: Municipality) -> None:
    do_import(kiruna, JANUARY, dt.date(2026, 1, 15))
    do_import(kiruna, MARCH, dt.date(2026, 3, 10))
    assert services.prospect_erase(
        actor=None, skip_permission_checks=True, municipality=kiruna, prospect_ref="E"
    )
    assert ProspectStageSnapshot.objects.count() == 10
    assert selectors.stage_counts_by_month(kiruna)["2026-01"]["desire"] == 0


def test_retention_removes_the_history_with_the_prospects_and_any_older_snapshot(
    do_import: DoImport, kiruna: Municipality, settings: Settings
) -> None:
    from django.utils import timezone

    settings.PROSPECT_RETENTION_DAYS = 30
    do_import(kiruna, {"A": "attention"}, timezone.localdate() - dt.timedelta(days=90))  # an old export
    do_import(kiruna, {"B": "interest"}, timezone.localdate())
    assert services.prospects_expire() == 0  # both prospects were imported today
    assert list(ProspectStageSnapshot.objects.values_list("stage", flat=True)) == ["interest"]
    assert services.prospects_expire(now=timezone.now() + dt.timedelta(days=31)) == 2
    assert not ProspectStageSnapshot.objects.exists()


def test_erasing_a_batch_erases_its_snapshots(do_import: DoImport, kiruna: Municipality) -> None:
    first = do_import(kiruna, JANUARY, dt.date(2026, 1, 15))
    do_import(kiruna, MARCH, dt.date(2026, 3, 10))
    ImportBatch.objects.filter(pk=first).delete()
    assert list(selectors.stage_counts_by_month(kiruna)) == ["2026-03"]


# --- the funnel ------------------------------------------------------------------------------------


def test_reached_at_least_is_monotone_where_the_distribution_is_not() -> None:
    # The demo's distribution: more in Desire than in Interest, more in Interest than in Attention.
    distribution = {"attention": 983, "interest": 1337, "desire": 1509, "action": 400}
    funnel = reached_at_least(distribution)
    assert funnel == {"attention": 4229, "interest": 3246, "desire": 1909, "action": 400}
    values = [v for v in funnel.values() if v is not None]
    assert values == sorted(values, reverse=True)


@pytest.mark.parametrize("seed", range(20))
def test_reached_at_least_never_increases(seed: int) -> None:
    rng = np.random.default_rng(seed)
    distribution = {
        s: int(n)
        for s, n in zip(("attention", "interest", "desire", "action"), rng.integers(0, 500, 4), strict=True)
    }
    values = [v for v in reached_at_least(distribution).values() if v is not None]
    assert len(values) == 4
    assert all(a >= b for a, b in itertools.pairwise(values))


def test_reached_at_least_uses_only_published_figures() -> None:
    # Interest and Action suppressed (secondary suppression hides two in a line): Interest-or-later is the total
    # less Attention, both published; Desire-or-later would need the hidden Action, so it stays hidden.
    funnel = reached_at_least({"attention": 50, "interest": None, "desire": 30, "action": None}, total=125)
    assert funnel == {"attention": 125, "interest": 75, "desire": None, "action": None}
    assert reached_at_least({"attention": 50, "interest": None, "desire": 30, "action": None}) == {
        "attention": None,
        "interest": None,
        "desire": None,
        "action": None,
    }


# --- shared, suppressed ------------------------------------------------------------------------------


def _shared_fixture(do_import: DoImport) -> None:
    """Three standalone areas, two months; Kiruna has 4 in Interest in January (below 10)."""
    jan, mar = dt.date(2026, 1, 10), dt.date(2026, 3, 10)
    sizes = {
        "kiruna": (
            {"attention": 30, "interest": 4, "desire": 20, "action": 15},
            {"attention": 25, "interest": 18, "desire": 22, "action": 16},
        ),
        "lulea": (
            {"attention": 40, "interest": 30, "desire": 25, "action": 12},
            {"attention": 35, "interest": 33, "desire": 26, "action": 14},
        ),
        "boden": (
            {"attention": 20, "interest": 15, "desire": 12, "action": 11},
            {"attention": 21, "interest": 16, "desire": 13, "action": 12},
        ),
    }
    for slug, (first, second) in sizes.items():
        municipality = Municipality.objects.get(slug=slug)
        for on, spec in ((jan, first), (mar, second)):
            stages: dict[str, str] = {}
            for stage, n in spec.items():
                stages.update(group(f"{slug}-{on.month}-{stage}-", stage, n))
            do_import(municipality, stages, on)


def test_shared_history_suppresses_small_cells_and_holds_across_months(do_import: DoImport) -> None:
    _shared_fixture(do_import)
    history = selectors.shared_stage_history(threshold=10)
    assert history.months == ["2026-01", "2026-03"]
    assert history.cells[("2026-01", "interest", "kiruna")] is None
    published = [v for v in history.cells.values() if v is not None]
    assert published
    assert min(published) >= 10
    # The attacker's equations, from what is published: each area's total over both months is the sum of its
    # cells, and each month's region figure the sum over areas. No hidden figure may follow from them.
    entries: list[tuple[str, ...]] = []
    values: list[int | None] = []

    def entry(key: tuple[str, ...], value: int | None) -> int:
        entries.append(key)
        values.append(value)
        return len(entries) - 1

    index = {key: entry(key, value) for key, value in history.cells.items()}
    region = {key: entry(("region", *key), value) for key, value in history.region.items()}
    totals = {area: entry(("total", area), value) for area, value in history.area_totals.items()}
    lines = [
        [*(index[(m, s, a)] for m in history.months for s in selectors.STAGE_ORDER), totals[a]]
        for a in history.areas
    ] + [[*(index[(m, s, a)] for a in history.areas), region[(m, s)]] for (m, s) in history.region]
    suppressed = np.array([v is None for v in values])
    assert history.area_totals["kiruna"] is not None  # the total over both months is published …
    # … so another Kiruna cell is hidden with the small one, and no hidden one is solvable.
    kiruna_hidden = [k for k in history.cells if k[2] == "kiruna" and history.cells[k] is None]
    assert len(kiruna_hidden) >= 2
    assert solvable_entries(lines, suppressed) == []
    for line in lines:
        hidden = sum(1 for i in line if suppressed[i])
        assert hidden != 1


def test_viewing_the_shared_history_is_logged(do_import: DoImport) -> None:
    _shared_fixture(do_import)
    coordinator = user_with_role("coordinator", None, username="coord")
    history = services.shared_stage_history_view(
        actor=coordinator, channel="page", recipient="Region Norrbotten"
    )
    log = ShareLog.objects.get()
    assert (log.shared_by, log.channel, log.recipient) == (coordinator, "page", "Region Norrbotten")
    assert "stage-history:2026-03:desire" in log.segments
    assert sorted(log.municipalities.values_list("slug", flat=True)) == ["boden", "kiruna", "lulea"]
    assert history.months == ["2026-01", "2026-03"]


def test_a_lead_may_not_view_the_shared_history(db: None) -> None:
    from django.core.exceptions import PermissionDenied

    lead = user_with_role("lead", "kiruna", username="a")
    with pytest.raises(PermissionDenied):
        services.shared_stage_history_view(actor=lead, channel="page")
    assert not ShareLog.objects.exists()


# --- pages --------------------------------------------------------------------------------------------


def test_the_history_page_shows_the_analysts_own_funnel_over_time(
    client: Client, do_import: DoImport, kiruna: Municipality
) -> None:
    do_import(kiruna, JANUARY, dt.date(2026, 1, 15))
    do_import(kiruna, MARCH, dt.date(2026, 3, 10))
    client.force_login(user_with_role("analyst", kiruna, username="analyst-kiruna"))
    html = client.get("/en/insights/history/").content.decode()
    for chart in ("stages", "funnel", "funnel-over-time", "stages-over-time", "flows", "conversion"):
        assert f'id="chart-{chart}"' in html
    assert "March 2026" in html
    body = client.get("/en/insights/history/data/funnel-over-time.csv").content.decode("utf-8-sig")
    rows = [line.split(";") for line in body.splitlines()]
    assert rows[0][0] == "Month"
    assert rows[1][1:] == ["6", "4", "2", "1"]  # January: reached at least each stage
    assert rows[2][1:] == ["6", "4", "3", "2"]  # March
    xlsx = client.get("/en/insights/history/data/flows.xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get("/en/insights/history/data/nothing.csv").status_code == 404


def test_the_history_page_is_only_for_the_municipalitys_analysts(
    client: Client, do_import: DoImport, kiruna: Municipality
) -> None:
    do_import(kiruna, JANUARY, dt.date(2026, 1, 15))
    client.force_login(user_with_role("partner", None, username="partner"))
    assert client.get("/en/insights/history/").status_code == 403
    assert client.get("/en/insights/history/data/stages.csv").status_code == 403


def test_viewing_and_downloading_the_shared_funnel_are_logged(client: Client, do_import: DoImport) -> None:
    _shared_fixture(do_import)
    partner = user_with_role("partner", None, username="partner")
    client.force_login(partner)
    html = client.get("/en/insights/shared/history/?recipient=LTU").content.decode()
    assert 'id="chart-shared-funnel-over-time"' in html
    assert "recipient=LTU" in html  # the downloads are logged for the same recipient
    body = client.get("/en/insights/shared/history/data/shared-by-area.csv?recipient=LTU").content.decode(
        "utf-8-sig"
    )
    numbers = [int(cell) for line in body.splitlines()[1:] for cell in line.split(";")[1:] if cell.isdigit()]
    assert numbers
    assert min(numbers) >= 10
    logs = list(ShareLog.objects.order_by("shared_at", "pk").values_list("channel", "recipient"))
    assert logs == [("page", "LTU"), ("csv", "LTU")]
    assert client.get("/en/insights/shared/history/data/shared-by-area.pdf").status_code == 404
    assert ShareLog.objects.count() == 2
