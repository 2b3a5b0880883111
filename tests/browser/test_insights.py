"""The insights model report in a real browser: both evaluation charts as SVG with their data tables, axe-core in sv and en."""

from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import (
    assert_accessible_and_fits,
    axe_violations,
    login,
    phone_overflow,
    screenshot,
)
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def analyst_page(page: Page, tmp_path: Path) -> Page:
    """Kiruna's analyst, logged in, with 500 synthetic prospects imported and scored (so a model report exists)."""
    from insights.scoring.synthetic import generate_prospects, write_prospects_csv
    from insights.services import prospects_import, prospects_score
    from themes.models import Municipality

    kiruna = Municipality.objects.get(slug="kiruna")
    user_with_role("analyst", kiruna, username="analyst-kiruna")
    path = tmp_path / "synthetic.csv"
    write_prospects_csv(generate_prospects(500, seed=8), path)
    prospects_import(
        actor=None, skip_permission_checks=True, municipality=kiruna, file=path, file_name=path.name
    )
    prospects_score(actor=None, skip_permission_checks=True, municipality=kiruna)
    login(page, "analyst-kiruna")
    return page


def test_the_model_report_draws_its_charts_as_svg_with_tables_and_passes_axe(analyst_page: Page) -> None:
    page = analyst_page
    page.goto("/insights/model/")
    charts = page.locator("figure.chart")
    assert charts.count() == 2
    assert page.locator("figure.chart svg[role='img']").count() == 2
    assert page.locator("figure.chart svg title").all_text_contents() == ["Kalibrering", "Lyft per decil"]
    # Every chart has its data table; the lift table has the ten deciles.
    assert page.locator("figure.chart table.data-table").count() == 2
    assert page.locator("#chart-lift table tbody tr").count() == 10
    assert page.locator("#chart-calibration circle").count() >= 5
    assert page.locator("style").count() == 0  # nothing of matplotlib's inline styles is left
    paths = screenshot(page, "insights-model")
    assert paths["desktop"].stat().st_size > 10_000
    assert phone_overflow(page) <= 0
    assert axe_violations(page) == []
    page.goto("/en/insights/model/")
    assert page.locator("figure.chart svg title").all_text_contents() == ["Calibration", "Lift by decile"]
    assert axe_violations(page) == []


def test_the_honest_score_notice_erase_page_batch_page_and_lineage_pass_axe(analyst_page: Page) -> None:
    from insights.models import ImportBatch

    page = analyst_page
    batch = ImportBatch.objects.get()
    for path, name in (
        ("/insights/", "insights-home-percent"),
        ("/insights/segments/", "insights-segments-lineage"),
        (f"/insights/imports/{batch.pk}/", "insights-batch"),
        (f"/insights/imports/{batch.pk}/erase/", "insights-batch-erase"),
        ("/insights/upload/", "insights-upload-templates"),
    ):
        page.goto(path)
        assert_accessible_and_fits(page, name)
    page.goto("/insights/")
    assert "uppskattad chans att flytta hit" in page.content()
    page.goto("/insights/segments/")
    assert page.locator(".segment__lineage").count() > 0
    page.goto(f"/en/insights/imports/{batch.pk}/erase/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Erase this import everywhere").click()
    page.wait_for_url("**/en/insights/")
    assert not ImportBatch.objects.filter(pk=batch.pk).exists()
