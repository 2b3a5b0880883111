"""Import problems in the reader's language: codes from the Django-free core, Swedish first; the whole report as CSV;
the upload page's template files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from insights.errors import MESSAGES
from insights.factors import describe_prospect_factor
from insights.models import ImportBatch, Prospect
from insights.scoring.schema import COLUMNS
from insights.scoring.validation import ENGLISH
from insights.services import STORED_ERRORS
from themes.models import Municipality

from .conftest import HEADER, WriteCsv, import_file_in

pytestmark = pytest.mark.django_db


def test_every_core_code_has_a_swedish_message() -> None:
    codes = set(ENGLISH) | {"file_empty", "header_only", "encoding", "csv_unreadable", "xlsx_unreadable"}
    codes |= {"too_large_bytes", "too_large_rows", "too_large_columns", "too_large_uncompressed"}
    assert codes <= set(MESSAGES)
    for code in codes:
        with translation.override("sv"):
            swedish = str(MESSAGES[code])
        with translation.override("en"):
            english = str(MESSAGES[code])
        assert swedish != english, code


def test_cell_errors_are_in_swedish_with_row_column_and_the_swedish_words(
    write_csv: WriteCsv, kiruna: Municipality
) -> None:
    path = write_csv(
        "prospect_ref,land,åldersgrupp,hushåll,besök,samtycke_analys,yrkesområde,senaste_besök\n"
        "K-1,SE,25-34,familj,3,ja,läkare,2025-01-02\n"
        "K-2,XX,25-34,par,tre,kanske,vård,igår\n"
        "K-1,SE,25-34,par,1,ja,vård,\n"
    )
    report = import_file_in("sv", kiruna, path)
    assert report.status == "rejected"
    by_cell = {(e["row"], e["column"]): e["message"] for e in report.as_dict()["errors"]}
    assert by_cell[(2, "yrkesområde")] == (
        "Okänt värde ”läkare”: använd något av vård, utbildning, teknik, it, hantverk, besöksnäring, annat "
        "(care, education, engineering, trades, hospitality, other)."
    )
    assert by_cell[(3, "land")].startswith("Okänd landskod ”XX”")
    assert by_cell[(3, "besök")] == "”tre” är inte ett heltal."
    assert by_cell[(3, "samtycke_analys")].startswith("”kanske” är inte ett ja/nej-värde")
    assert by_cell[(3, "senaste_besök")] == "”igår” är inte ett datum: skriv det som ÅÅÅÅ-MM-DD."
    assert by_cell[(4, "prospect_ref")] == "Id ”K-1” finns redan på rad 2."
    # The code and its parameters are kept for the pages; the command's JSON keeps the contract's three keys.
    entry = next(e for e in report.errors if e["column"] == "yrkesområde")
    assert entry["code"] == "unknown_value"
    assert entry["params"]["value"] == "läkare"
    assert set(report.as_dict()["errors"][0]) == {"row", "column", "message"}


def test_header_errors_are_in_swedish(write_csv: WriteCsv, kiruna: Municipality) -> None:
    path = write_csv("id,land,åldersgrupp,hushåll,besök,e-post\nK-1,SE,25-34,par,1,a@b.se\n")
    report = import_file_in("sv", kiruna, path)
    by_cell = {(e["row"], e["column"]): e["message"] for e in report.errors}
    assert by_cell[(1, "consent_analytics")] == (
        "Den obligatoriska kolumnen samtycke_analys (engelska: consent_analytics) saknas."
    )
    assert by_cell[(1, "e-post")].startswith(
        "Kolumnen ”e-post” innehåller en direkt identifierare (en e-postadress)"
    )


def test_a_file_problem_is_in_swedish(write_csv: WriteCsv, kiruna: Municipality) -> None:
    report = import_file_in("sv", kiruna, write_csv(HEADER + "\n"))
    assert report.as_dict()["errors"] == [
        {"row": None, "column": None, "message": "Filen har en rubrikrad men inga rader."}
    ]


def test_the_batch_page_says_a_stored_error_in_its_readers_language(
    client: Client, write_csv: WriteCsv, kiruna: Municipality, analyst_kiruna: User
) -> None:
    report = import_file_in("sv", kiruna, write_csv(HEADER + "\nK-1,SE,25-34,par,tre,ja\n"))
    client.force_login(analyst_kiruna)
    with translation.override("en"):
        url = reverse("insights:batch", args=[report.batch_id])
        status_url = reverse("insights:batch-status", args=[report.batch_id])
    assert "“tre” is not a whole number." in client.get(url).content.decode()
    assert client.get(status_url).json()["errors"] == [
        {"row": 2, "column": "visits", "message": "“tre” is not a whole number."}
    ]


def test_enum_values_are_shown_in_swedish() -> None:
    with translation.override("sv"):
        assert describe_prospect_factor("profession", "care") == "arbetar inom vård och omsorg"
    with translation.override("en"):
        assert describe_prospect_factor("profession", "care") == "works in health and social care"


def test_the_whole_error_report_downloads_as_csv(
    client: Client, write_csv: WriteCsv, kiruna: Municipality, analyst_kiruna: User
) -> None:
    rows = STORED_ERRORS + 500
    lines = [HEADER] + [f"K-{i},SE,25-34,par,x{i},ja" for i in range(rows)]
    report = import_file_in("sv", kiruna, write_csv("\n".join(lines) + "\n"))
    assert report.batch_id is not None  # a rejected file keeps its batch, with the errors
    batch = ImportBatch.objects.get(pk=report.batch_id)
    assert batch.error_count == rows
    assert len(batch.errors) == STORED_ERRORS
    client.force_login(analyst_kiruna)
    with translation.override("sv"):
        url = reverse("insights:batch-errors-csv", args=[batch.pk])
        page = client.get(reverse("insights:batch", args=[batch.pk])).content.decode()
    assert url in page
    response = client.get(url)
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    table = [line.split(";") for line in text.strip().split("\r\n")]
    assert table[0] == ["Rad", "Kolumn", "Problem"]
    assert len(table) == 1 + rows
    assert table[1] == ["2", "visits", "”x0” är inte ett heltal."]
    assert table[-1] == [str(rows + 1), "visits", f"”x{rows - 1}” är inte ett heltal."]


def test_the_error_report_of_another_municipality_is_refused(
    client: Client, write_csv: WriteCsv, lulea: Municipality, analyst_kiruna: User
) -> None:
    report = import_file_in("sv", lulea, write_csv(HEADER + "\nK-1,SE,25-34,par,tre,ja\n"))
    client.force_login(analyst_kiruna)
    assert client.get(reverse("insights:batch-errors-csv", args=[report.batch_id])).status_code == 404


def test_csv_template_has_the_swedish_headers_and_imports(
    client: Client, tmp_path: Path, kiruna: Municipality, analyst_kiruna: User
) -> None:
    client.force_login(analyst_kiruna)
    with translation.override("sv"):
        assert (
            reverse("insights:upload-template", args=["csv"])
            in client.get(reverse("insights:upload")).content.decode()
        )
        response = client.get(reverse("insights:upload-template", args=["csv"]))
    text = response.content.decode("utf-8-sig")
    assert text.strip().split(";") == [column.alias for column in COLUMNS]
    filled = tmp_path / "mall.csv"
    filled.write_text(text.strip() + "\r\nK-1;SE;25-34;par;2;;;;;;;;;;vård;;ja;\r\n", encoding="utf-8-sig")
    report = import_file_in("sv", kiruna, filled)
    assert report.status == "imported", report.errors
    assert Prospect.objects.get().profession == "care"


def test_xlsx_template_has_the_swedish_headers_a_legend_and_imports(
    client: Client, tmp_path: Path, kiruna: Municipality, analyst_kiruna: User
) -> None:
    client.force_login(analyst_kiruna)
    with translation.override("sv"):
        response = client.get(reverse("insights:upload-template", args=["xlsx"]))
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert [cell.value for cell in sheet[1]] == [column.alias for column in COLUMNS]
    legend = workbook.worksheets[1]
    assert [cell.value for cell in legend[1]] == ["Kolumn", "Engelska", "Obligatorisk", "Värden"]
    assert legend.max_row == 1 + len(COLUMNS)
    filled = Workbook()
    target = filled.active
    target.append([cell.value for cell in sheet[1]])
    values = {
        "id": "K-1",
        "land": "SE",
        "åldersgrupp": "25-34",
        "hushåll": "familj",
        "besök": 4,
        "samtycke_analys": "ja",
    }
    target.append([values.get(column.alias) for column in COLUMNS])
    path = tmp_path / "mall.xlsx"
    filled.save(path)
    report = import_file_in("sv", kiruna, path)
    assert report.status == "imported", report.errors
    assert client.get(reverse("insights:upload-template", args=["pdf"])).status_code == 404
