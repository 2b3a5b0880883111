"""The programme dashboard and municipality pages: figures against hand-computed expectations, EU-SPI, privacy, permissions."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone, translation
from openpyxl import load_workbook
from pytest_django import DjangoAssertNumQueries
from pytest_django.fixtures import Settings

from dashboard import cache as dashboard_cache
from dashboard import exports, panels, selectors, spi
from knowledge.models import LessonPage
from sprints.models import Sprint
from tests.dashboard.dashboard_data import add_shared_segments
from tests.dashboard.dashboard_data import make_result as _result
from tests.dashboard.dashboard_data import make_sprint as _sprint
from themes.charts import Chart, Series, describe, svg, table_body
from themes.models import Municipality, SprintMethod

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Figures built outside a request are labelled in English here, so that tests can name rows and columns."""
    with translation.override("en"):
        yield


def _page_as(client: Client, user: User, path: str) -> str:
    """The HTML of `path` as `user` sees it (the client stays signed in as `user`)."""
    client.force_login(user)
    return client.get(path).content.decode()


# --- EU-SPI 2020, SE33 Övre Norrland ---------------------------------------------------------------------


def test_eu_spi_dimension_scores_are_recomputed_from_components_by_the_power_mean() -> None:
    assert [round(d.region, 2) for d in spi.DIMENSIONS] == [90.20, 85.37, 79.90]


def test_eu_spi_recomputed_dimensions_round_to_the_published_ones() -> None:
    assert [round(d.region, 1) for d in spi.DIMENSIONS] == [d.published_region for d in spi.DIMENSIONS]


def test_eu_spi_overall_score_reproduces_the_published_85_1() -> None:
    assert round(spi.overall(), 2) == 85.10
    assert round(spi.overall(), 1) == spi.PUBLISHED_OVERALL == 85.1
    # From the rounded published dimension scores the mean is 85.11: the table's footnote in DOMAIN.md.
    assert round(spi.overall_from_published_dimensions(), 2) == 85.11


def test_power_mean_with_exponent_one_is_the_arithmetic_mean_and_refuses_negative_scores() -> None:
    assert spi.power_mean([2, 4, 9], exponent=1) == pytest.approx(5.0)
    assert spi.power_mean([4, 16]) == pytest.approx(9.0)  # ((2 + 4) / 2) ** 2
    with pytest.raises(ValueError, match="non-negative"):
        spi.power_mean([-1, 4])


def test_eu_spi_panel_is_on_the_dashboard_with_the_recomputed_scores(
    client: Client, coordinator: User
) -> None:
    html = _page_as(client, coordinator, "/en/dashboard/")
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


def test_chart_svg_is_an_image_with_an_escaped_title_and_a_description(chart: Chart) -> None:
    markup = str(svg(chart))
    assert 'role="img"' in markup
    assert '<title id="chart-demo-title">Sprints &lt;per&gt; place</title>' in markup
    assert 'aria-labelledby="chart-demo-title chart-demo-desc"' in markup
    assert "<per>" not in markup


def test_chart_description_names_the_highest_and_lowest_values_and_the_suppressed_ones(chart: Chart) -> None:
    text = describe(chart)
    assert "Sprints: highest Luleå (5.0), lowest Kiruna (3.0)." in text
    assert "Finished: highest Luleå (2.5), lowest Pajala (0.0)." in text
    assert "A dash marks a suppressed or missing value." in text


def test_chart_table_shows_a_dash_for_a_missing_value_and_escapes_labels(chart: Chart) -> None:
    body = str(table_body(chart))
    assert '<tr><th scope="row">Pajala</th><td class="num">–</td><td class="num">0.0</td></tr>' in body
    matrix = Chart(
        key="m",
        title="m",
        kind="matrix",
        category_header="c",
        categories=("<b>",),
        series=(Series("s", (4.0,)),),
        links=("/x/",),
    )
    assert (
        str(table_body(matrix))
        == '<tr><th scope="row"><a href="/x/">&lt;b&gt;</a></th><td class="num heat-5">4</td></tr>'
    )


def test_chart_csv_is_utf8_with_bom_semicolons_and_plain_numbers(chart: Chart) -> None:
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


def test_chart_xlsx_reads_back_with_the_same_cells(chart: Chart) -> None:
    workbook = load_workbook(io.BytesIO(exports.chart_xlsx(chart)))
    sheet = workbook.active
    assert [list(r) for r in sheet.iter_rows(min_row=1, max_row=4, values_only=True)] == [
        ["Municipality", "Sprints", "Finished"],
        ["Kiruna", 3, 1],
        ["Luleå", 5, 2.5],
        ["Pajala", None, 0],
    ]


def test_every_chart_on_the_dashboard_downloads_as_csv_and_xlsx(client: Client, coordinator: User) -> None:
    from dashboard import panels

    html = _page_as(client, coordinator, "/dashboard/")
    board = panels.programme(levels=ALL_LEVELS, today=timezone.localdate(), shared_segments=True)
    assert board.charts
    for key in board.charts:
        for fmt, content_type in (("csv", exports.CSV_CONTENT_TYPE), ("xlsx", exports.XLSX_CONTENT_TYPE)):
            url = f"/dashboard/data/{key}.{fmt}"
            assert f'href="{url}"' in html
            response = client.get(url)
            assert response.status_code == 200
            assert response["Content-Type"] == content_type
            assert response["Content-Disposition"].startswith("attachment;")


def test_an_unknown_chart_or_format_is_404(client: Client, coordinator: User) -> None:
    client.force_login(coordinator)
    assert client.get("/dashboard/data/no-such-chart.csv").status_code == 404
    assert client.get("/dashboard/data/eu-spi.json").status_code == 404


def test_the_dashboard_exports_as_a_pdf_with_its_figures(client: Client, coordinator: User) -> None:
    from pypdf import PdfReader

    client.force_login(coordinator)
    response = client.get("/en/dashboard/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Programme dashboard" in text
    assert "Access to advanced education" in text
    assert "96.6" in text


def test_the_municipality_pdf_lists_its_sprints_and_results(
    client: Client, coordinator: User, programme_data: dict[str, Sprint]
) -> None:
    from pypdf import PdfReader

    client.force_login(coordinator)
    response = client.get("/en/dashboard/kiruna/pdf/")
    assert response.status_code == 200
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Kiruna compared with the region" in text
    assert "Sprint A" in text
    assert "Sprint B" in text
    assert "Sprint C" not in text
    assert "Mätvärde" in text


def test_the_dashboard_has_print_styles_and_a_print_button(client: Client, coordinator: User) -> None:
    html = _page_as(client, coordinator, "/dashboard/")
    assert "dashboard/dashboard.css" in html
    assert "data-print" in html
    from pathlib import Path

    from django.contrib.staticfiles import finders

    found = finders.find("dashboard/dashboard.css")
    assert isinstance(found, str)
    css = Path(found).read_text(encoding="utf-8")
    assert "@media print" in css


# --- sprint figures on fixture data ---------------------------------------------------------------------------
#
# Four sprints, hand-counted:
#   Kiruna  A  internal  WP1  test-week   running  phases visit, decide   results: met (0→20, 26), not met (10→5, 7),
#                                                                          no target (3)
#   Kiruna  B  public    WP2  interviews  closed   phase discover          result: met (no baseline, 10→10)
#   Luleå   C  partners  WP1  test-week   idea     phase visit             no results
#   Pajala  D  internal  WP3  hackathon   learned  phases move, settle, stay  result: met (50→40, 35; lower is better)
ALL_LEVELS = ("public", "partners", "internal")
PARTNER_LEVELS = ("public", "partners")


# The programme's sprints: key -> (municipality, title, work package, method, status, visibility, relocation phases).
PROGRAMME = {
    "a": ("kiruna", "Sprint A", "WP1", "test-week", "running", "internal", ["visit", "decide"]),
    "b": ("kiruna", "Sprint B", "WP2", "interviews", "closed", "public", ["discover"]),
    "c": ("lulea", "Sprint C", "WP1", "test-week", "idea", "partners", ["visit"]),
    "d": ("pajala", "Sprint D", "WP3", "hackathon", "learned", "internal", ["move", "settle", "stay"]),
}


@pytest.fixture
def programme_data(coordinator: User) -> dict[str, Sprint]:
    made = {
        key: _sprint(
            coordinator,
            slug,
            title,
            wp=wp,
            method=method,
            status=status,
            visibility=visibility,
            phases=phases,
        )
        for key, (slug, title, wp, method, status, visibility, phases) in PROGRAMME.items()
    }
    a, b, d = made["a"], made["b"], made["d"]
    _result(coordinator, a, "26", baseline="0", target="20")
    _result(coordinator, a, "7", baseline="10", target="5")
    _result(coordinator, a, "3")
    _result(coordinator, b, "10", target="10")
    _result(coordinator, d, "35", baseline="50", target="40")
    return made


def test_sprints_are_counted_by_municipality_and_relocation_phase(programme_data: dict[str, Sprint]) -> None:
    counts = selectors.sprint_counts(levels=ALL_LEVELS)
    assert dict(counts.by_phase) == {
        ("kiruna", "visit"): 1,
        ("kiruna", "decide"): 1,
        ("kiruna", "discover"): 1,
        ("lulea", "visit"): 1,
        ("pajala", "move"): 1,
        ("pajala", "settle"): 1,
        ("pajala", "stay"): 1,
    }


def test_sprints_are_counted_by_work_package_status_and_method(programme_data: dict[str, Sprint]) -> None:
    counts = selectors.sprint_counts(levels=ALL_LEVELS)
    assert dict(counts.by_work_package) == {
        ("kiruna", "WP1"): 1,
        ("kiruna", "WP2"): 1,
        ("lulea", "WP1"): 1,
        ("pajala", "WP3"): 1,
    }
    assert dict(counts.by_status) == {
        ("kiruna", "running"): 1,
        ("kiruna", "closed"): 1,
        ("lulea", "idea"): 1,
        ("pajala", "learned"): 1,
    }
    assert counts.by_method[("lulea", "test-week")] == 1
    assert counts.by_method[("kiruna", "interviews")] == 1
    assert (
        counts.total(),
        counts.in_statuses(selectors.RUNNING),
        counts.in_statuses(selectors.FINISHED),
    ) == (4, 1, 2)


def test_a_partner_counts_only_the_sprints_a_partner_may_see(programme_data: dict[str, Sprint]) -> None:
    counts = selectors.sprint_counts(levels=PARTNER_LEVELS)
    assert counts.total() == 2
    assert dict(counts.by_phase) == {("kiruna", "discover"): 1, ("lulea", "visit"): 1}
    assert selectors.result_counts(levels=PARTNER_LEVELS) == {"kiruna": selectors.ResultCounts(1, 1, 1)}


def test_results_are_counted_against_their_targets_in_the_direction_from_the_baseline(
    programme_data: dict[str, Sprint],
) -> None:
    assert selectors.result_counts(levels=ALL_LEVELS) == {
        "kiruna": selectors.ResultCounts(results=4, with_target=3, met=2),
        "pajala": selectors.ResultCounts(results=1, with_target=1, met=1),
    }
    assert selectors.ResultCounts(4, 3, 2).met_share == 66.7


def _chart_row(chart: Chart, name: str) -> tuple[float | None, ...]:
    return dict(zip(chart.categories, zip(*(s.values for s in chart.series), strict=True), strict=True))[name]


def test_the_programme_board_shows_the_hand_counted_figures(programme_data: dict[str, Sprint]) -> None:
    board = panels.build_programme(levels=ALL_LEVELS, today=datetime.date(2026, 5, 1), shared_segments=True)
    # Phases in DOMAIN.md order: discover, consider, visit, decide, move, settle, stay.
    assert _chart_row(board.charts["sprints-by-phase"], "Kiruna") == (1, 0, 1, 1, 0, 0, 0)
    assert _chart_row(board.charts["sprints-by-phase"], "Pajala") == (0, 0, 0, 0, 1, 1, 1)
    assert _chart_row(board.charts["sprints-by-work-package"], "Luleå") == (1, 0, 0, 0)
    # Board columns: idea, planned, running, learned, closed.
    assert _chart_row(board.charts["sprints-by-status"], "Kiruna") == (0, 0, 1, 0, 1)
    # Target met, not met, no target.
    assert _chart_row(board.charts["results-against-targets"], "Kiruna") == (2, 1, 1)
    assert _chart_row(board.charts["results-against-targets"], "Pajala") == (1, 0, 0)
    headline = dict(board.headline)
    assert [headline[k] for k in ("Sprints", "Running", "Finished", "Results that met their target")] == [
        "4",
        "1",
        "2",
        "3 / 4",
    ]
    assert headline["Phases no one works on"] == "1"  # consider


def test_method_use_counts_sprints_and_municipalities_per_method(programme_data: dict[str, Sprint]) -> None:
    board = panels.build_programme(levels=ALL_LEVELS, today=datetime.date(2026, 5, 1), shared_segments=True)
    chart = board.charts["method-use"]
    labels = {m.code: m.label for m in SprintMethod.objects.all()}
    # Sprints, municipalities, lessons (no lessons in this fixture).
    assert _chart_row(chart, labels["test-week"]) == (2, 2, 0)
    assert _chart_row(chart, labels["hackathon"]) == (1, 1, 0)
    assert _chart_row(chart, labels["pilot"]) == (0, 0, 0)


def test_the_municipality_board_compares_it_with_the_region(
    programme_data: dict[str, Sprint], kiruna: Municipality
) -> None:
    board = panels.build_municipality(municipality=kiruna, levels=ALL_LEVELS)
    comparison = board.charts["comparison"]
    # Kiruna, the average of the 14 and the highest: sprints 2 (4 / 14 = 0.3), results 4 (5 / 14 = 0.4), met 2 (3 / 14).
    assert _chart_row(comparison, "Sprints") == (2, 0.3, 2)
    assert _chart_row(comparison, "Results logged") == (4, 0.4, 4)
    assert _chart_row(comparison, "Target met") == (2, 0.2, 2)
    labels = {m.code: m.label for m in SprintMethod.objects.all()}
    assert _chart_row(board.charts["method-mix"], labels["test-week"]) == (1, 0.1)
    figures = board.extra["figures"]
    assert [s.title for s in figures.sprints] == ["Sprint A", "Sprint B"]
    assert sorted((r.met for r in figures.results), key=str) == [False, None, True, True]


def test_the_municipality_page_lists_its_sprints_and_results_but_not_hidden_ones(
    client: Client, partner: User, programme_data: dict[str, Sprint]
) -> None:
    html = _page_as(client, partner, "/dashboard/kiruna/")
    assert "Sprint B" in html
    assert "Sprint A" not in html  # internal
    assert "Sprint C" not in html  # another municipality's


def test_the_dashboard_counts_a_new_result_at_once_despite_the_cache(
    client: Client, coordinator: User, programme_data: dict[str, Sprint]
) -> None:
    client.force_login(coordinator)
    assert ">3 / 4<" in client.get("/en/dashboard/").content.decode()
    _result(coordinator, programme_data["c"], "12", target="10")
    assert ">4 / 5<" in client.get("/en/dashboard/").content.decode()


def _extra_sprint(coordinator: User, slug: str, title: str) -> None:
    """One more public, planned sprint with a result: more data for a page whose query count must not grow."""
    sprint = _sprint(
        coordinator,
        slug,
        title,
        wp="WP4",
        method="pilot",
        status="planned",
        visibility="public",
        phases=["consider", "stay"],
    )
    _result(coordinator, sprint, "1", target="2")


def test_the_programme_dashboard_needs_a_constant_number_of_queries(
    client: Client,
    coordinator: User,
    programme_data: dict[str, Sprint],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    _lesson("Första lärdomen", Municipality.objects.get(slug="lulea"), review_by=datetime.date(2025, 1, 1))
    client.force_login(coordinator)
    client.get("/dashboard/")  # the session and the user are loaded once
    dashboard_cache.invalidate()
    with django_assert_max_num_queries(20) as few:
        client.get("/dashboard/")
    for slug in ("boden", "kalix", "gallivare", "haparanda"):
        for i in range(3):
            _extra_sprint(coordinator, slug, f"Extra {i}")
        _lesson(f"Lärdom i {slug}", Municipality.objects.get(slug=slug), review_by=datetime.date(2025, 1, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/dashboard/")


def test_a_municipality_page_needs_a_constant_number_of_queries(
    client: Client,
    coordinator: User,
    programme_data: dict[str, Sprint],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    kiruna = Municipality.objects.get(slug="kiruna")
    _lesson("Första lärdomen", kiruna, review_by=datetime.date(2025, 1, 1), owner=coordinator)
    client.force_login(coordinator)
    client.get("/dashboard/kiruna/")
    dashboard_cache.invalidate()
    # 15 for the board, and up to 5 for the action plan panel (plan, indicator values, goals, their sprints and
    # their results).
    with django_assert_max_num_queries(20) as few:
        client.get("/dashboard/kiruna/")
    for i in range(5):
        _extra_sprint(coordinator, "kiruna", f"Extra {i}")
        _lesson(f"Lärdom {i}", kiruna, review_by=datetime.date(2025, 1, 1), owner=coordinator)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/dashboard/kiruna/")


def test_a_cached_dashboard_needs_almost_no_queries(
    client: Client,
    coordinator: User,
    programme_data: dict[str, Sprint],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client.force_login(coordinator)
    client.get("/dashboard/")
    with django_assert_max_num_queries(4):  # session, user, membership, cache version lives in the cache
        client.get("/dashboard/")


# --- knowledge figures on fixture data ------------------------------------------------------------------------


def _lesson(title: str, municipality: Municipality | None, **fields: Any) -> LessonPage:
    from tests.knowledge.factories import make_lesson

    return make_lesson(title=title, municipality=municipality, **fields)


def test_lessons_published_and_reviewed_are_counted_per_month(
    coordinator: User, lead_kiruna: User, kiruna: Municipality, lulea: Municipality
) -> None:
    from knowledge import services
    from knowledge.models import LessonPage

    today = timezone.localdate()
    _lesson("Publik lärdom", kiruna, visibility="public")
    internal = _lesson("Intern lärdom", lulea, visibility="internal")
    older = _lesson("Äldre lärdom", kiruna, visibility="public")
    three_months_ago = timezone.now() - datetime.timedelta(days=92)
    LessonPage.objects.filter(pk=older.pk).update(first_published_at=three_months_ago)
    reviewed = services.lesson_create_draft(user=lead_kiruna, title="Granskad lärdom", municipality=kiruna)
    services.lesson_submit_for_review(user=lead_kiruna, lesson=reviewed)
    services.lesson_publish(
        user=coordinator, lesson=reviewed
    )  # approved in the workflow this month, internal

    activity = selectors.lesson_activity(levels=ALL_LEVELS, today=today)
    assert activity.months[-1] == today.replace(day=1)
    assert len(activity.months) == 12
    assert activity.published[-1] == 3  # public, internal and the reviewed one
    assert activity.reviewed[-1] == 1
    old_month = timezone.localdate(three_months_ago).replace(day=1)
    assert activity.published[activity.months.index(old_month)] == 1
    assert sum(activity.published) == 4
    partner_view = selectors.lesson_activity(levels=PARTNER_LEVELS, today=today)
    assert (partner_view.published[-1], partner_view.reviewed[-1]) == (1, 0)
    assert internal.visibility == "internal"


def test_overdue_reviews_list_live_visible_lessons_past_their_review_date(
    kiruna: Municipality, coordinator: User
) -> None:
    today = datetime.date(2026, 11, 24)
    _lesson("Förfallen", kiruna, review_by=datetime.date(2026, 1, 31), owner=coordinator)
    _lesson("Äldst förfallen", None, review_by=datetime.date(2025, 12, 1), visibility="internal")
    _lesson("Inte förfallen än", kiruna, review_by=datetime.date(2026, 11, 24))
    _lesson("Utkast", kiruna, review_by=datetime.date(2026, 1, 1), live=False)
    overdue = selectors.overdue_reviews(levels=ALL_LEVELS, today=today)
    assert overdue.total == 2
    assert [(o.title, o.municipality, o.owner) for o in overdue.oldest] == [
        ("Äldst förfallen", "", ""),
        ("Förfallen", "Kiruna", "coord"),
    ]
    assert [o.title for o in selectors.overdue_reviews(levels=PARTNER_LEVELS, today=today).oldest] == [
        "Förfallen"
    ]
    assert selectors.overdue_reviews(levels=ALL_LEVELS, today=today, limit=1).total == 2


def test_reuse_counts_lessons_from_sprints_and_lessons_discussed_with_other_municipalities(
    kiruna: Municipality, lulea: Municipality
) -> None:
    from tests.knowledge.factories import make_meeting

    shared = _lesson("Delad", kiruna)
    only_home = _lesson("Bara hemma", kiruna)
    _lesson("Aldrig diskuterad", lulea)
    _lesson("Regional", None)
    _lesson("Intern", lulea, visibility="internal")
    with_lulea = make_meeting(title="Möte med Luleå")
    with_lulea.participating_municipalities.set([kiruna, lulea])
    with_lulea.linked_lessons.set([shared])
    with_lulea.save_revision().publish()
    kiruna_alone = make_meeting(title="Kirunas eget möte")
    kiruna_alone.participating_municipalities.set([kiruna])
    kiruna_alone.linked_lessons.set([only_home])
    kiruna_alone.save_revision().publish()

    counts = selectors.lesson_counts(levels=ALL_LEVELS)
    assert counts.published == {"kiruna": 2, "lulea": 2}
    assert counts.shared == {"kiruna": 1, "lulea": 0}
    assert selectors.lesson_counts(levels=PARTNER_LEVELS).published == {"kiruna": 2, "lulea": 1}


def test_method_cards_in_use_are_cards_whose_method_sprints_use(
    programme_data: dict[str, Sprint], kiruna: Municipality
) -> None:
    from tests.knowledge.factories import make_method_card

    make_method_card(title="Testvecka", method=SprintMethod.objects.get(code="test-week"))
    make_method_card(title="Pilot", method=SprintMethod.objects.get(code="pilot"))
    make_method_card(
        title="Intern hackathon", method=SprintMethod.objects.get(code="hackathon"), visibility="internal"
    )
    _lesson("Lärdom om testveckan", kiruna, method=SprintMethod.objects.get(code="test-week"))
    board = panels.build_programme(levels=ALL_LEVELS, today=datetime.date(2026, 5, 1), shared_segments=True)
    assert (
        dict(board.headline)["Method cards used in sprints"] == "2 / 3"
    )  # test week and hackathon have sprints
    labels = {m.code: m.label for m in SprintMethod.objects.all()}
    assert _chart_row(board.charts["method-use"], labels["test-week"]) == (2, 2, 1)
    partner_board = panels.build_programme(
        levels=PARTNER_LEVELS, today=datetime.date(2026, 5, 1), shared_segments=True
    )
    # A partner sees neither the internal card nor the internal hackathon sprint.
    assert dict(partner_board.headline)["Method cards used in sprints"] == "1 / 2"


def test_the_municipality_page_lists_its_published_lessons(
    client: Client, coordinator: User, kiruna: Municipality, lulea: Municipality
) -> None:
    _lesson("Kirunas lärdom", kiruna)
    _lesson("Luleås lärdom", lulea)
    _lesson("Kirunas utkast", kiruna, live=False)
    html = _page_as(client, coordinator, "/dashboard/kiruna/")
    assert "Kirunas lärdom" in html
    assert "Luleås lärdom" not in html
    assert "Kirunas utkast" not in html


# --- the AIDA funnel of shared segments: aggregates only, nothing under the threshold -----------------------------
#
# Synthetic segments' AIDA mix (attention, interest, desire, action) per municipality, with the statistics area they count in:
#   Kiruna (itself)          40 15 12  3
#   Luleå (itself)           30 20 10  5
#   Pajala (Torne valley)     8  4  0  0
#   Arjeplog (Inland)        25 12 11 12
# Stage totals: 103, 51, 33, 20. Cells under 10 (3, 5, 8, 4) must not show, nor any cell that would give them away.
FUNNEL = {
    "kiruna": (40, 15, 12, 3),
    "lulea": (30, 20, 10, 5),
    "pajala": (8, 4, 0, 0),
    "arjeplog": (25, 12, 11, 12),
}


@pytest.fixture
def shared_segments(db: None) -> None:
    add_shared_segments(FUNNEL)


def _aida_values(board: panels.Dashboard) -> list[float | None]:
    return [
        v
        for key in ("aida-stages", "aida-funnel", "aida-by-area")
        for s in board.charts[key].series
        for v in s.values
    ]


def test_the_aida_funnel_is_reached_at_least_and_never_widens(shared_segments: None) -> None:
    """The distribution (103, 51, 33, 20) is drawn as bars; the funnel counts those at a stage or beyond."""
    board = panels.build_programme(levels=ALL_LEVELS, today=datetime.date(2026, 5, 1), shared_segments=True)
    assert board.charts["aida-stages"].kind == "bars"
    assert board.charts["aida-stages"].series[0].values == (103.0, 51.0, 33.0, 20.0)
    funnel = board.charts["aida-funnel"]
    assert funnel.kind == "funnel"
    assert funnel.series[0].values == (207.0, 104.0, 53.0, 20.0)
    values = [v for v in funnel.series[0].values if v is not None]
    assert values == sorted(values, reverse=True)


def test_the_aida_funnel_sums_the_shared_segments_by_stage(shared_segments: None) -> None:
    funnel = selectors.aida_funnel(threshold=10)
    assert funnel.totals == {"attention": 103, "interest": 51, "desire": 33, "action": 20}
    assert funnel.areas == ["inland", "kiruna", "lulea", "torne-valley"]
    assert funnel.by_area[("kiruna", "attention")] == 40
    assert funnel.area_totals["torne-valley"] == 12


def test_no_aida_figure_on_the_dashboard_is_under_the_suppression_threshold(
    shared_segments: None, settings: Settings
) -> None:
    board = panels.build_programme(levels=ALL_LEVELS, today=datetime.date(2026, 5, 1), shared_segments=True)
    values = _aida_values(board)
    assert None in values  # something was suppressed
    assert all(v is None or v >= settings.SUPPRESSION_THRESHOLD for v in values)


def test_no_suppressed_aida_cell_can_be_recovered_from_a_published_total(shared_segments: None) -> None:
    funnel = selectors.aida_funnel(threshold=10)
    lines = [
        [funnel.by_area[(area, stage)] for stage in funnel.stages] + [funnel.area_totals[area]]
        for area in funnel.areas
    ]
    lines += [
        [funnel.by_area[(area, stage)] for area in funnel.areas] + [funnel.totals[stage]]
        for stage in funnel.stages
    ]
    # Cells that are zero are not published either (None), so only lines with prospects in every cell are checked.
    for line in lines:
        assert sum(v is None for v in line) != 1, line
    for (area, stage), n in FUNNEL_CELLS.items():
        if 0 < n < 10:
            assert funnel.by_area[(area, stage)] is None


FUNNEL_CELLS = {
    ({"pajala": "torne-valley", "arjeplog": "inland"}.get(slug, slug), stage): n
    for slug, values in FUNNEL.items()
    for stage, n in zip(("attention", "interest", "desire", "action"), values, strict=True)
}


def test_the_dashboard_page_shows_the_funnel_to_partners_but_not_to_leads(
    client: Client, partner: User, lead_kiruna: User, shared_segments: None
) -> None:
    html = _page_as(client, partner, "/en/dashboard/")
    assert "AIDA funnel of the shared segments" in html
    assert client.get("/en/dashboard/data/aida-by-area.csv").status_code == 200
    client.force_login(lead_kiruna)  # leads may see the dashboard but not shared segment aggregates
    html = client.get("/en/dashboard/").content.decode()
    assert "AIDA funnel" not in html
    assert client.get("/en/dashboard/data/aida-by-area.csv").status_code == 404


def test_the_funnel_download_has_no_cell_under_the_threshold(
    client: Client, partner: User, shared_segments: None
) -> None:
    client.force_login(partner)
    body = client.get("/en/dashboard/data/aida-by-area.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    numbers = [int(cell) for row in rows[1:] for cell in row[1:] if cell.isdigit()]
    assert numbers
    assert all(n >= 10 for n in numbers)


def test_the_municipality_page_shows_no_prospect_or_segment_data(
    client: Client, coordinator: User, shared_segments: None
) -> None:
    html = _page_as(client, coordinator, "/en/dashboard/kiruna/")
    assert "northern_lights" not in html
    assert "AIDA" not in html


# --- caching -----------------------------------------------------------------------------------------------


def test_cached_figures_are_reused_until_a_watched_model_changes(kiruna: Municipality) -> None:
    calls = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert dashboard_cache.cached("probe", compute) == 1
    assert dashboard_cache.cached("probe", compute) == 1
    kiruna.population += 1
    kiruna.save()  # a themes model: the figures read the taxonomy
    assert dashboard_cache.cached("probe", compute) == 2


def test_a_change_outside_the_watched_models_keeps_the_cache(coordinator: User) -> None:
    from insights.models import ShareLog

    before = dashboard_cache.version()
    get_user_model().objects.create(username="someone")
    ShareLog.objects.create(
        shared_by=coordinator, channel="page", recipient="test"
    )  # written on every shared view
    assert dashboard_cache.version() == before


def test_a_new_shared_segment_invalidates_the_cache(shared_segments: None, kiruna: Municipality) -> None:
    from insights.models import Segment

    before = dashboard_cache.version()
    Segment.objects.filter(municipality=kiruna)[0].save()
    assert dashboard_cache.version() > before


def test_every_watched_model_exists() -> None:
    from django.apps import apps

    labels = {m._meta.label_lower for m in apps.get_models(include_auto_created=True)}
    assert labels >= dashboard_cache.WATCHED_MODELS


# --- pages and permissions -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/dashboard/", "/dashboard/kiruna/", "/dashboard/pdf/", "/dashboard/data/eu-spi.csv"]
)
def test_anonymous_visitors_are_sent_to_the_login_page(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_a_user_without_a_programme_role_is_refused(client: Client) -> None:
    client.force_login(get_user_model().objects.create(username="outsider"))
    assert client.get("/dashboard/").status_code == 403
    assert client.get("/dashboard/kiruna/").status_code == 403


@pytest.mark.parametrize("who", ["coordinator", "partner", "lead_kiruna", "analyst_kiruna"])
def test_every_programme_role_sees_the_dashboard_and_a_municipality_page(
    client: Client, request: pytest.FixtureRequest, who: str
) -> None:
    client.force_login(request.getfixturevalue(who))
    assert client.get("/dashboard/").status_code == 200
    assert client.get("/dashboard/lulea/").status_code == 200


def test_an_unknown_municipality_is_404(client: Client, coordinator: User) -> None:
    client.force_login(coordinator)
    assert client.get("/dashboard/stockholm/").status_code == 404


def test_the_dashboard_links_to_all_fourteen_municipality_pages(client: Client, coordinator: User) -> None:
    html = _page_as(client, coordinator, "/dashboard/")
    for slug in Municipality.objects.values_list("slug", flat=True):
        assert f'href="/dashboard/{slug}/"' in html


def test_home_page_cards_link_to_the_municipality_pages_for_programme_members_only(
    client: Client, partner: User
) -> None:
    assert 'href="/dashboard/kiruna/"' not in client.get("/").content.decode()
    client.force_login(partner)
    assert 'href="/dashboard/kiruna/"' in client.get("/").content.decode()


def test_the_navigation_has_the_dashboard_entry(client: Client, lead_kiruna: User) -> None:
    html = _page_as(client, lead_kiruna, "/en/")
    assert 'href="/en/dashboard/"' in html


def test_the_municipality_page_is_swedish_by_default(client: Client, coordinator: User) -> None:
    html = _page_as(client, coordinator, "/dashboard/kiruna/")
    assert '<html lang="sv">' in html
    assert "<h1>Kiruna</h1>" in html
    assert "Giron" in html  # its Sámi name
