"""Insights pages and API through the test client: the permission matrix, upload, status, pins, and no row-level leaks."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from insights.models import ImportBatch, Segment, SegmentPin, ShareLog
from themes.models import Municipality

from .conftest import SyntheticCsv, import_and_score

pytestmark = pytest.mark.django_db

ANALYST_PAGES = ["insights:upload", "insights:segments", "insights:model"]


@pytest.fixture
def segments(kiruna: Municipality, lulea: Municipality) -> None:
    """Stored segment aggregates, as a scoring run leaves them (enough for the shared table)."""
    for municipality, sizes in ((kiruna, (40, 3, 25)), (lulea, (30, 12, 6))):
        for key, size in zip(
            ("DE:family:skiing", "NL:senior:hiking", "SE:young_adult:fishing"), sizes, strict=True
        ):
            Segment.objects.create(
                municipality=municipality,
                key=key,
                country=key[:2],
                life_stage="family",
                interest="skiing",
                size=size,
                mean_score=0.2,
                aida_mix={"attention": size},
                phases=["discover"],
            )


@pytest.fixture
def scored(synthetic_csv: SyntheticCsv, kiruna: Municipality) -> Municipality:
    path = synthetic_csv(500, seed=8)
    import_and_score(kiruna, path)
    return kiruna


@pytest.mark.parametrize(
    ("user", "status"),
    [("analyst_kiruna", 200), ("coordinator", 403), ("partner", 403), ("lead_kiruna", 403), (None, 302)],
)
@pytest.mark.parametrize("page", ANALYST_PAGES)
def test_row_level_pages_are_for_the_municipalitys_analysts_only(
    request: pytest.FixtureRequest,
    client: Client,
    kiruna: Municipality,
    user: str | None,
    status: int,
    page: str,
) -> None:
    if user:
        client.force_login(request.getfixturevalue(user))
    assert client.get(reverse(page)).status_code == status


def test_analyst_home_shows_scores_factors_and_rules(
    client: Client, scored: Municipality, analyst_kiruna: User
) -> None:
    client.force_login(analyst_kiruna)
    response = client.get("/en" + reverse("insights:home"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "at least 3 clicks on job ads" in content
    assert len(response.context["prospects"]) == 20
    assert all(len(row["factors"]) == 3 for row in response.context["prospects"])


@pytest.mark.parametrize(
    ("user", "target"), [("coordinator", "insights:shared"), ("partner", "insights:shared")]
)
def test_coordinators_and_partners_are_sent_to_shared_aggregates(
    request: pytest.FixtureRequest, client: Client, user: str, target: str
) -> None:
    client.force_login(request.getfixturevalue(user))
    response = client.get(reverse("insights:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse(target)


def test_lead_has_no_insights(client: Client, lead_kiruna: User) -> None:
    client.force_login(lead_kiruna)
    assert client.get(reverse("insights:home")).status_code == 403


def test_analyst_cannot_read_another_municipalitys_import(
    client: Client, kiruna: Municipality, analyst_lulea: User
) -> None:
    batch = ImportBatch.objects.create(municipality=kiruna, file_name="k.csv")
    client.force_login(analyst_lulea)
    assert client.get(reverse("insights:batch", args=[batch.pk])).status_code == 404
    assert client.get(reverse("insights:batch-status", args=[batch.pk])).status_code == 404


def test_upload_queues_an_import_and_the_status_endpoint_reports_it(
    client: Client, synthetic_csv: SyntheticCsv, kiruna: Municipality, analyst_kiruna: User
) -> None:
    client.force_login(analyst_kiruna)
    with synthetic_csv(30).open("rb") as handle:
        response = client.post(reverse("insights:upload"), {"file": handle, "source": "test"})
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("insights:batch", args=[batch.pk])
    assert (batch.status, batch.uploaded_by, batch.task_id != "") == ("queued", analyst_kiruna, True)
    status = client.get(reverse("insights:batch-status", args=[batch.pk])).json()
    assert status["status"] == "queued"
    assert status["finished"] is False


def test_upload_of_a_non_spreadsheet_is_refused(
    client: Client, tmp_path: Path, kiruna: Municipality, analyst_kiruna: User
) -> None:
    path = tmp_path / "notes.pdf"
    path.write_bytes(b"%PDF-1.4")
    client.force_login(analyst_kiruna)
    with path.open("rb") as handle:
        response = client.post(reverse("insights:upload"), {"file": handle})
    assert response.status_code == 200
    assert not ImportBatch.objects.exists()
    assert response.context["form"].errors["file"][0] in (
        "Upload a CSV or XLSX file.",
        "Ladda upp en CSV- eller XLSX-fil.",
    )


def test_pin_through_the_page(client: Client, kiruna: Municipality, analyst_kiruna: User) -> None:
    client.force_login(analyst_kiruna)
    client.post(
        reverse("insights:segment-pin"), {"segment_key": "DE:family:skiing", "note": "Fair", "pinned": "true"}
    )
    assert SegmentPin.objects.get().note == "Fair"


def test_model_report_renders_svg_charts_with_tables(
    client: Client, scored: Municipality, analyst_kiruna: User
) -> None:
    client.force_login(analyst_kiruna)
    response = client.get("/en" + reverse("insights:model"))
    content = response.content.decode()
    metrics = scored.model_versions.latest("version").metrics
    # Both charts come from the shared SVG stack: an image with a title and a description, its marks hidden.
    assert content.count('<svg class="chart__svg"') == 2
    assert '<title id="chart-calibration-title">Calibration</title>' in content
    assert '<title id="chart-lift-title">Lift by decile</title>' in content
    assert content.count('<g aria-hidden="true">') == 2
    # Each has a data table with one row per point: the calibration curve's points and the ten deciles.
    assert content.count('<table class="data-table">') == 2
    tables = content.split('<table class="data-table">')[1:]
    assert tables[0].split("</table>")[0].count('<th scope="row">') == len(metrics["calibration_curve"])
    assert tables[1].split("</table>")[0].count('<th scope="row">') == 10
    first = metrics["lift_by_decile"][0]
    assert (
        f'<td class="num">{first["lift"]:.2f}</td><td class="num">{first["rate"] * 100:.1f}</td>' in content
    )
    # No matplotlib any more: no <style> element, and the page keeps the portal's strict style-src.
    assert "<style" not in content
    assert "unsafe-inline" not in response.headers.get("Content-Security-Policy", "")


@pytest.mark.parametrize(
    ("user", "status"),
    [("coordinator", 200), ("partner", 200), ("analyst_kiruna", 200), ("lead_kiruna", 403), (None, 403)],
)
def test_shared_segments_api_matrix(
    request: pytest.FixtureRequest, client: Client, segments: None, user: str | None, status: int
) -> None:
    if user:
        client.force_login(request.getfixturevalue(user))
    response = client.get("/api/insights/shared-segments/")
    assert response.status_code == status
    if status == 200:
        rows = response.json()
        assert rows
        assert all({"segment", "area", "n", "mean_score"} <= set(row) for row in rows)
        assert all(row["n"] is None or row["n"] >= 10 for row in rows)
        assert not any("pseudonym" in row or "prospect" in row for row in rows)


def test_every_api_share_is_logged_and_shown_to_the_owning_analyst(
    client: Client, segments: None, partner: User, analyst_kiruna: User
) -> None:
    client.force_login(partner)
    client.get("/api/insights/shared-segments/?for=Region+Västerbotten")
    assert ShareLog.objects.get().recipient == "Region Västerbotten"
    client.force_login(analyst_kiruna)
    assert "Region Västerbotten" in client.get(reverse("insights:home")).content.decode()


def test_shared_page_logs_the_view(client: Client, segments: None, coordinator: User) -> None:
    client.force_login(coordinator)
    assert client.get(reverse("insights:shared")).status_code == 200
    assert ShareLog.objects.filter(channel="page", shared_by=coordinator).count() == 1
