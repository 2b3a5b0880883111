"""The funnel over time in a real browser: the analyst's own history and the shared (suppressed) one, charts as SVG with
their data tables, axe-core with no serious or critical violation in sv and en, at desktop and phone width."""

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    axe_violations,
    horizontal_overflow,
    login,
    screenshot,
)
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _two_imports(tmp_path: Path, slug: str, rows: int, seed: int) -> None:
    """The same synthetic people imported twice, two months apart, some of them further along the second time."""
    from insights.scoring.synthetic import follow_up, generate_prospects, write_prospects_csv
    from tests.insights.conftest import import_file
    from themes.models import Municipality

    municipality = Municipality.objects.get(slug=slug)
    first = generate_prospects(rows, seed=seed)
    for label, frame, on in (
        ("1", first, dt.date(2026, 9, 20)),
        ("2", follow_up(first, seed=seed), dt.date(2026, 11, 20)),
    ):
        path = tmp_path / f"synthetic-{slug}-{label}.csv"
        write_prospects_csv(frame, path)
        import_file(municipality, path, observed_on=on)


def _check_both_widths(page: Page) -> None:
    page.set_viewport_size(DESKTOP)
    assert axe_violations(page) == []
    page.set_viewport_size(PHONE)
    assert horizontal_overflow(page) <= 0
    assert axe_violations(page) == []
    page.set_viewport_size(DESKTOP)


def test_the_funnel_over_time_page_draws_its_charts_and_passes_axe(page: Page, tmp_path: Path) -> None:
    _two_imports(tmp_path, "kiruna", 400, 21)
    user_with_role("analyst", "kiruna", username="analyst-kiruna")
    login(page, "analyst-kiruna")
    page.goto("/insights/history/")
    assert page.locator("h1").inner_text() == "Tratten över tid i Kiruna"
    for key in ("stages", "funnel", "funnel-over-time", "stages-over-time", "conversion"):
        assert page.locator(f"#chart-{key} svg[role='img']").count() == 1, key
        assert page.locator(f"#chart-{key} table.data-table").count() == 1, key
    assert page.locator("#chart-flows table.heatmap tbody tr").count() == 4
    assert page.locator("#chart-funnel-over-time table tbody tr").count() == 2  # two months
    # The funnel narrows: its table's figures never grow from Attention to Action.
    cells = page.locator("#chart-funnel table tbody td").all_inner_texts()
    values = [int(c.replace("\u00a0", "").replace(" ", "")) for c in cells]
    assert values == sorted(values, reverse=True)
    assert page.locator("#chart-funnel a[download]").count() == 2
    screenshot(page, "insights-history-sv")
    _check_both_widths(page)
    page.goto("/en/insights/history/")
    assert page.locator("h1").inner_text() == "The funnel over time in Kiruna"
    screenshot(page, "insights-history-en")
    _check_both_widths(page)


def test_the_shared_funnel_over_time_passes_axe_and_is_logged(page: Page, tmp_path: Path) -> None:
    from insights.models import ShareLog

    _two_imports(tmp_path, "kiruna", 300, 22)
    _two_imports(tmp_path, "lulea", 300, 23)
    user_with_role("partner", None, username="partner")
    login(page, "partner")
    page.goto("/insights/shared/history/")
    assert page.locator("#chart-shared-funnel-over-time svg[role='img']").count() == 1
    assert page.locator("#chart-shared-by-area table.heatmap").count() == 1
    assert ShareLog.objects.filter(channel="page").count() == 1
    screenshot(page, "insights-shared-history-sv")
    _check_both_widths(page)
    page.goto("/en/insights/shared/history/")
    screenshot(page, "insights-shared-history-en")
    _check_both_widths(page)
