"""The programme dashboard and municipality pages: figures against hand-computed expectations, EU-SPI, privacy, permissions."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from openpyxl import load_workbook

from portal.dashboard import cache as dashboard_cache
from portal.dashboard import exports, spi
from portal.dashboard.charts import Chart, Series, describe, svg
from themes.models import Municipality

pytestmark = pytest.mark.django_db


# --- EU-SPI 2020, SE33 Övre Norrland ---------------------------------------------------------------------


def test_eu_spi_dimension_scores_are_recomputed_from_components_by_the_power_mean():
    assert [round(d.region, 2) for d in spi.DIMENSIONS] == [90.20, 85.37, 79.90]


def test_eu_spi_recomputed_dimensions_round_to_the_published_ones():
    assert [round(d.region, 1) for d in spi.DIMENSIONS] == [d.published_region for d in spi.DIMENSIONS]


def test_eu_spi_overall_score_reproduces_the_published_85_1():
    assert round(spi.overall(), 2) == 85.10
    assert round(spi.overall(), 1) == spi.PUBLISHED_OVERALL == 85.1
    # From the rounded published dimension scores the mean is 85.11: the table's footnote in DOMAIN.md.
    assert round(spi.overall_from_published_dimensions(), 2) == 85.11


def test_power_mean_with_exponent_one_is_the_arithmetic_mean_and_refuses_negative_scores():
    assert spi.power_mean([2, 4, 9], exponent=1) == pytest.approx(5.0)
    assert spi.power_mean([4, 16]) == pytest.approx(9.0)  # ((2 + 4) / 2) ** 2
    with pytest.raises(ValueError):
        spi.power_mean([-1, 4])


def test_eu_spi_panel_is_on_the_dashboard_with_the_recomputed_scores(client, coordinator):
    client.force_login(coordinator)
    html = client.get("/en/dashboard/").content.decode()
    assert "Social progress in Övre Norrland (EU-SPI 2020)" in html
    assert ">85.1<" in html  # the overall score in the key figures
    assert ">85.37<" in html  # the recomputed wellbeing dimension in the data table


# --- charts and downloads ---------------------------------------------------------------------------------


@pytest.fixture
def chart() -> Chart:
    return Chart(
        key="demo",
        title="Sprints <per> place",
        kind="bars",
        category_header="Municipality",
        categories=("Kiruna", "Luleå", "Pajala"),
        series=(Series("Sprints", (3.0, 5.0, None)), Series("Finished", (1.0, 2.5, 0.0))),
        decimals=1,
        note="Synthetic",
    )


def test_chart_svg_is_an_image_with_an_escaped_title_and_a_description(chart):
    markup = str(svg(chart))
    assert 'role="img"' in markup
    assert '<title id="chart-demo-title">Sprints &lt;per&gt; place</title>' in markup
    assert 'aria-labelledby="chart-demo-title chart-demo-desc"' in markup
    assert "<per>" not in markup


def test_chart_description_names_the_highest_and_lowest_values_and_the_suppressed_ones(chart):
    text = describe(chart)
    assert "Sprints: highest Luleå (5.0), lowest Kiruna (3.0)." in text
    assert "Finished: highest Luleå (2.5), lowest Pajala (0.0)." in text
    assert "A dash marks a suppressed or missing value." in text


def test_chart_table_shows_a_dash_for_a_missing_value(chart):
    rows = chart.table_rows()
    assert [cell["text"] for cell in rows[2]["cells"]] == ["–", "0.0"]


def test_a_series_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError):
        Chart(
            key="x",
            title="x",
            kind="bars",
            category_header="c",
            categories=("a", "b"),
            series=(Series("s", (1.0,)),),
        )


def test_chart_csv_is_utf8_with_bom_semicolons_and_plain_numbers(chart):
    body = exports.chart_csv(chart)
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[:4] == [
        ["Municipality", "Sprints", "Finished"],
        ["Kiruna", "3", "1"],
        ["Luleå", "5", "2.5"],
        ["Pajala", "", "0"],
    ]
    assert rows[-1] == ["Synthetic"]


def test_chart_xlsx_reads_back_with_the_same_cells(chart):
    workbook = load_workbook(io.BytesIO(exports.chart_xlsx(chart)))
    sheet = workbook.active
    assert [list(r) for r in sheet.iter_rows(min_row=1, max_row=4, values_only=True)] == [
        ["Municipality", "Sprints", "Finished"],
        ["Kiruna", 3, 1],
        ["Luleå", 5, 2.5],
        ["Pajala", None, 0],
    ]


def test_every_chart_on_the_dashboard_downloads_as_csv_and_xlsx(client, coordinator):
    from portal.dashboard import panels

    client.force_login(coordinator)
    html = client.get("/dashboard/").content.decode()
    board = panels.programme(levels=("public", "partners", "internal"), today=timezone.localdate())
    assert board.charts
    for key in board.charts:
        for fmt, content_type in (("csv", exports.CSV_CONTENT_TYPE), ("xlsx", exports.XLSX_CONTENT_TYPE)):
            url = f"/dashboard/data/{key}.{fmt}"
            assert f'href="{url}"' in html
            response = client.get(url)
            assert response.status_code == 200
            assert response["Content-Type"] == content_type
            assert response["Content-Disposition"].startswith("attachment;")


def test_an_unknown_chart_or_format_is_404(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/dashboard/data/no-such-chart.csv").status_code == 404
    assert client.get("/dashboard/data/eu-spi.json").status_code == 404


def test_the_dashboard_exports_as_a_pdf_with_its_figures(client, coordinator):
    from pypdf import PdfReader

    client.force_login(coordinator)
    response = client.get("/en/dashboard/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Programme dashboard" in text
    assert "Access to advanced education" in text and "96.6" in text


def test_the_dashboard_has_print_styles_and_a_print_button(client, coordinator):
    client.force_login(coordinator)
    html = client.get("/dashboard/").content.decode()
    assert "dashboard/dashboard.css" in html and "data-print" in html
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("dashboard/dashboard.css")).read_text(encoding="utf-8")
    assert "@media print" in css


# --- caching -----------------------------------------------------------------------------------------------


def test_cached_figures_are_reused_until_a_watched_model_changes(kiruna):
    calls = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert dashboard_cache.cached("probe", compute) == 1
    assert dashboard_cache.cached("probe", compute) == 1
    kiruna.population += 1
    kiruna.save()  # a themes model: the figures read the taxonomy
    assert dashboard_cache.cached("probe", compute) == 2


def test_a_change_outside_the_watched_apps_keeps_the_cache(db):
    before = dashboard_cache.version()
    get_user_model().objects.create(username="someone")
    assert dashboard_cache.version() == before


# --- pages and permissions -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/dashboard/", "/dashboard/kiruna/", "/dashboard/pdf/", "/dashboard/data/eu-spi.csv"]
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_a_user_without_a_programme_role_is_refused(client):
    client.force_login(get_user_model().objects.create(username="outsider"))
    assert client.get("/dashboard/").status_code == 403
    assert client.get("/dashboard/kiruna/").status_code == 403


@pytest.mark.parametrize("who", ["coordinator", "partner", "lead_kiruna", "analyst_kiruna"])
def test_every_programme_role_sees_the_dashboard_and_a_municipality_page(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/dashboard/").status_code == 200
    assert client.get("/dashboard/lulea/").status_code == 200


def test_an_unknown_municipality_is_404(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/dashboard/stockholm/").status_code == 404


def test_the_dashboard_links_to_all_fourteen_municipality_pages(client, coordinator):
    client.force_login(coordinator)
    html = client.get("/dashboard/").content.decode()
    for slug in Municipality.objects.values_list("slug", flat=True):
        assert f'href="/dashboard/{slug}/"' in html


def test_home_page_cards_link_to_the_municipality_pages_for_programme_members_only(client, partner):
    assert 'href="/dashboard/kiruna/"' not in client.get("/").content.decode()
    client.force_login(partner)
    assert 'href="/dashboard/kiruna/"' in client.get("/").content.decode()


def test_the_navigation_has_the_dashboard_entry(client, lead_kiruna):
    client.force_login(lead_kiruna)
    html = client.get("/en/").content.decode()
    assert 'href="/en/dashboard/"' in html


def test_the_municipality_page_is_swedish_by_default(client, coordinator):
    client.force_login(coordinator)
    html = client.get("/dashboard/kiruna/").content.decode()
    assert '<html lang="sv">' in html
    assert "<h1>Kiruna</h1>" in html
    assert "Giron" in html  # its Sámi name
