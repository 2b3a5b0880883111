"""The receiving-capacity indicator import: all-or-nothing, every error with its spreadsheet row and column."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from openpyxl import Workbook

from plans.indicators import ImportReport
from plans.models import IndicatorValue
from plans.services import indicator_values_import

pytestmark = pytest.mark.django_db

HEADER = "municipality;period;indicator;value;source;date\n"
GOOD = HEADER + (
    "kiruna;2026;vacant_rental_flats;12;Kirunabostäder;2026-03-01\n"
    "2580;2026;open_job_ads;1 234;Arbetsförmedlingen;2026-03-01\n"
    "pajala;2026;broadband_coverage;97,5;PTS bredbandskartläggning;2025-10-01\n"
)


def _import(text: str, **kwargs: Any) -> ImportReport:
    return indicator_values_import(
        actor=None, skip_permission_checks=True, file=io.BytesIO(text.encode("utf-8")), **kwargs
    )


def test_a_valid_file_is_imported_with_source_and_date() -> None:
    report = _import(GOOD)
    assert (report.status, report.imported, report.errors) == ("imported", 3, [])
    jobs = IndicatorValue.objects.get(municipality__slug="lulea")
    assert (jobs.kind, jobs.value, jobs.source, jobs.date.isoformat()) == (
        "open_job_ads",
        Decimal("1234"),
        "Arbetsförmedlingen",
        "2026-03-01",
    )
    assert IndicatorValue.objects.get(municipality__slug="pajala").value == Decimal("97.5")


def test_swedish_headers_and_indicator_words() -> None:
    text = "Kommun;Period;Indikator;Värde;Källa;Datum;Syntetisk\nKiruna;2026;Lediga hyresrätter;8;Demo;2026-01-15;ja\n"
    report = _import(text)
    assert report.status == "imported"
    value = IndicatorValue.objects.get()
    assert (value.kind, value.synthetic) == ("vacant_rental_flats", True)


def test_one_bad_row_rejects_the_whole_file_and_names_row_and_column() -> None:
    text = GOOD + "kiruna;2026;free_preschool_places;-3;Kommunen;2026-03-01\n"
    report = _import(text)
    assert report.status == "rejected"
    assert report.imported == 0
    assert [(e.row, e.column) for e in report.errors] == [(5, "value")]
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("stockholm;2026;open_job_ads;5;AF;2026-03-01", "municipality"),
        ("kiruna;26;open_job_ads;5;AF;2026-03-01", "period"),
        ("kiruna;2026;hotel_beds;5;AF;2026-03-01", "indicator"),
        ("kiruna;2026;open_job_ads;många;AF;2026-03-01", "value"),
        ("kiruna;2026;open_job_ads;2,5;AF;2026-03-01", "value"),
        ("kiruna;2026;broadband_coverage;101;PTS;2026-03-01", "value"),
        ("kiruna;2026;open_job_ads;5;;2026-03-01", "source"),
        ("kiruna;2026;open_job_ads;5;AF;1 mars", "date"),
        ("kiruna;2026;open_job_ads;5;AF;2026-02-30", "date"),
    ],
)
def test_each_rejection_rule(row: str, column: str) -> None:
    report = _import(HEADER + row + "\n")
    assert report.status == "rejected"
    assert [(e.row, e.column) for e in report.errors] == [(2, column)]


def test_the_same_indicator_twice_in_a_file_is_an_error_on_the_later_row() -> None:
    text = HEADER + "kiruna;2026;open_job_ads;5;AF;2026-03-01\nkiruna;2026;open_job_ads;6;AF;2026-03-01\n"
    report = _import(text)
    assert [(e.row, e.column) for e in report.errors] == [(3, "date")]


def test_header_problems_are_on_row_one() -> None:
    report = _import(
        "municipality;period;indicator;value;date;colour\nkiruna;2026;open_job_ads;5;2026-03-01;red\n"
    )
    assert sorted((e.row, e.column) for e in report.errors) == [(1, "colour"), (1, "source")]


def test_an_empty_file_is_rejected_as_a_whole() -> None:
    report = _import("")
    assert [(e.row, e.column) for e in report.errors] == [(None, None)]
    assert [(e.row, e.column) for e in _import(HEADER).errors] == [(None, None)]


def test_a_reimport_updates_the_same_figure() -> None:
    _import(GOOD)
    _import(HEADER + "kiruna;2026;vacant_rental_flats;20;Kirunabostäder;2026-03-01\n")
    assert IndicatorValue.objects.get(municipality__slug="kiruna").value == Decimal("20")
    assert IndicatorValue.objects.count() == 3


def test_xlsx() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["municipality", "period", "indicator", "value", "source", "date"])
    sheet.append(["kiruna", 2026, "free_preschool_places", 4, "Kiruna kommun", "2026-08-01"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    report = indicator_values_import(actor=None, skip_permission_checks=True, file=buffer)
    assert report.status == "imported"
    assert IndicatorValue.objects.get().period == "2026"


def test_a_lead_may_report_only_for_their_own_municipality(lead_kiruna: User) -> None:
    report = indicator_values_import(actor=lead_kiruna, file=io.BytesIO(GOOD.encode()))
    assert report.status == "rejected"
    assert [(e.row, e.column) for e in report.errors] == [(3, "municipality"), (4, "municipality")]
    assert not IndicatorValue.objects.exists()
    own = HEADER + "kiruna;2026;vacant_rental_flats;12;Kirunabostäder;2026-03-01\n"
    assert indicator_values_import(actor=lead_kiruna, file=io.BytesIO(own.encode())).status == "imported"


def test_a_partner_may_not_import(partner: User) -> None:
    report = indicator_values_import(actor=partner, file=io.BytesIO(GOOD.encode()))
    assert report.status == "rejected"
    assert not IndicatorValue.objects.exists()


def test_the_command_prints_json_and_exits_1_on_rejection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    call_command("import_capacity_indicators", str(good), "--json", "--synthetic")
    assert json.loads(capsys.readouterr().out) == {"status": "imported", "imported": 3, "errors": []}
    assert IndicatorValue.objects.filter(synthetic=True).count() == 3
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "kiruna;2026;open_job_ads;x;AF;2026-03-01\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_capacity_indicators", str(bad), "--json")
    assert exit_info.value.code == 1
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "rejected"
    assert report["errors"][0]["row"] == 2
