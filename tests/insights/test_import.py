"""Prospect import: dialects, every rejection rule with its row and column, all-or-nothing, pseudonyms, consent."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import call_command
from django.db import connection

from insights.models import ImportBatch, Prospect
from insights.pseudonyms import pseudonym
from insights.scoring.validation import PERSONAL_NUMBER_MESSAGE, validate_file
from themes.models import Municipality

from .conftest import HEADER, SyntheticCsv, WriteCsv, import_file

pytestmark = pytest.mark.django_db


def test_swedish_excel_dialect_with_bom_semicolon_decimal_comma(
    write_csv: WriteCsv, kiruna: Municipality
) -> None:
    path = write_csv(
        "\ufeffId;Land;Åldersgrupp;Hushåll;Besök;Spenderat_sek;Samtycke_analys;Distansarbete;Yrkesområde;Säsong\n"
        "K-1;se;25-34;familj;3;12 345,50;ja;vet ej;vård;vinter\n"
        "K-2;DE;65+;par;1;1\u00a0200,5;Nej;ja;annat;båda\n"
    )
    report = import_file(kiruna, path)
    assert report.as_dict() == {"status": "imported", "imported": 1, "skipped_no_consent": 1, "errors": []}
    prospect = Prospect.objects.get()
    assert (prospect.country, prospect.household, prospect.spend_sek) == ("SE", "family", 12345.5)
    assert (prospect.remote_work, prospect.profession, prospect.season) == ("unknown", "care", "winter")


def test_windows_1252_file_with_swedish_headers(write_csv: WriteCsv, kiruna: Municipality) -> None:
    path = write_csv(
        "id;land;åldersgrupp;hushåll;besök;samtycke_analys;yrkesområde\nK-1;NL;35-44;ensam;2;1;besöksnäring\n",
        encoding="cp1252",
    )
    report = import_file(kiruna, path)
    assert report.status == "imported"
    assert Prospect.objects.get().profession == "hospitality"


def test_xlsx_file_with_typed_cells(tmp_path: Path, kiruna: Municipality) -> None:
    path = tmp_path / "prospects.xlsx"
    pd.DataFrame(
        {
            "Prospect_ref": ["X-1", "X-2"],
            "country": ["FI", "NO"],
            "age_band": ["18-24", "45-54"],
            "household": ["single", "couple"],
            "visits": [4, 0],
            "last_visit": [pd.Timestamp("2025-02-01"), None],
            "guide_download": [True, False],
            "spend_sek": [1500.25, None],
            "consent_analytics": ["yes", "yes"],
        }
    ).to_excel(path, index=False)
    report = import_file(kiruna, path)
    assert report.imported == 2
    first = Prospect.objects.get(pseudonym=pseudonym("X-1"))
    assert (first.visits, str(first.last_visit), first.guide_download, first.spend_sek) == (
        4,
        "2025-02-01",
        True,
        1500.25,
    )


def test_true_false_and_one_zero_booleans(write_csv: WriteCsv, kiruna: Municipality) -> None:
    path = write_csv(f"{HEADER},webinar\nA,SE,25-34,single,1,true,1\nB,SE,25-34,single,1,1,false\n")
    import_file(kiruna, path)
    assert sorted(Prospect.objects.values_list("webinar", flat=True)) == [False, True]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ("A,XX,25-34,single,1,yes", (2, "country")),
        ("A,SE,30-40,single,1,yes", (2, "age_band")),
        ("A,SE,25-34,alone,1,yes", (2, "household")),
        ("A,SE,25-34,single,-1,yes", (2, "visits")),
        ("A,SE,25-34,single,1.5,yes", (2, "visits")),
        ("A,SE,25-34,single,many,yes", (2, "visits")),
        ("A,SE,25-34,single,1,maybe", (2, "consent_analytics")),
        (",SE,25-34,single,1,yes", (2, "prospect_ref")),
        ("A,SE,25-34,single,1,yes\nA,DE,25-34,single,1,yes", (3, "prospect_ref")),
        ("A,SE,25-34,single,,yes", (2, "visits")),
    ],
)
def test_each_cell_rule_reports_its_row_and_column(
    write_csv: WriteCsv, rows: str, expected: tuple[int, str]
) -> None:
    result = validate_file(write_csv(f"{HEADER}\n{rows}\n"))
    assert [(e.row, e.column) for e in result.errors] == [expected]


def test_optional_column_rules(write_csv: WriteCsv) -> None:
    result = validate_file(
        write_csv(
            f"{HEADER},last_visit,season,interests,remote_work,profession,spend_sek\n"
            "A,SE,25-34,single,1,yes,2025-02-30,spring,ok,perhaps,pilot,-5\n"
            "B,SE,25-34,single,1,yes,,,bad/word,,,\n"
        )
    )
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "last_visit"),
        (2, "season"),
        (2, "remote_work"),
        (2, "profession"),
        (2, "spend_sek"),
        (3, "interests"),
    ]


def test_every_error_is_reported_across_rows(write_csv: WriteCsv) -> None:
    rows = "\n".join(f"R{i},SE,25-34,single,x,yes" for i in range(50))
    result = validate_file(write_csv(f"{HEADER}\n{rows}\n"))
    assert [e.row for e in result.errors] == list(range(2, 52))


def test_blank_lines_keep_spreadsheet_row_numbers(write_csv: WriteCsv) -> None:
    result = validate_file(write_csv(f"{HEADER}\nA,SE,25-34,single,1,yes\n\nB,SE,25-34,single,x,yes\n"))
    assert [(e.row, e.column) for e in result.errors] == [(4, "visits")]


def test_rows_without_consent_are_validated_too(write_csv: WriteCsv) -> None:
    result = validate_file(write_csv(f"{HEADER}\nA,SE,25-34,single,x,no\n"))
    assert [(e.row, e.column) for e in result.errors] == [(2, "visits")]


def test_missing_required_column_is_reported_on_the_header_row(write_csv: WriteCsv) -> None:
    result = validate_file(
        write_csv("prospect_ref,country,age_band,household,consent_analytics\nA,SE,25-34,single,yes\n")
    )
    assert [e.as_dict() for e in result.errors] == [
        {"row": 1, "column": "visits", "message": "The required column visits (Swedish: besök) is missing."}
    ]


@pytest.mark.parametrize(
    "header",
    [
        "email",
        "E-post",
        "Namn",
        "phone",
        "Telefon",
        "adress",
        "Personnummer",
        "Last name",
        "Samordningsnummer",
        "Coordination number",
        "samordningsnr",
    ],
)
def test_direct_identifier_columns_are_refused(write_csv: WriteCsv, header: str) -> None:
    result = validate_file(write_csv(f"{HEADER},{header}\nA,SE,25-34,single,1,yes,x\n"))
    assert [(e.row, e.column) for e in result.errors] == [(1, header)]
    assert "direct identifier" in result.errors[0].message


@pytest.mark.parametrize(
    ("value", "is_personal_number"),
    [
        ("19800101-1234", True),
        ("198001011234", True),
        ("800101-1234", True),
        ("8001011234", True),
        ("121212+1212", True),
        ("note 000229-1234 inside", True),  # 2000 was a leap year
        ("810229-1234", False),  # no 29 February in 1981 or 2081
        ("801301-1234", False),  # month 13
        ("800132-1234", False),  # day 32
        ("1234567890", False),
        ("SYNTH-2584-1-0000001", False),
        # Synthetic coordination numbers (day + 60), Luhn-valid check digit: 800161-1238 is 1980-01-01.
        ("800161-1238", True),
        ("19800161-1238", True),
        ("800161-1234", False),  # day + 60 without a valid check digit
        ("800192-1231", False),  # day 32 + 60
    ],
)
def test_personal_identity_numbers_in_any_column_reject_the_file(
    write_csv: WriteCsv, value: str, is_personal_number: bool
) -> None:
    result = validate_file(write_csv(f"{HEADER},comment\nA,SE,25-34,single,1,yes,{value}\n"))
    found = [(e.row, e.column) for e in result.errors if e.message == PERSONAL_NUMBER_MESSAGE]
    assert found == ([(2, "comment")] if is_personal_number else [])


def test_personal_number_value_is_never_echoed(write_csv: WriteCsv) -> None:
    result = validate_file(
        write_csv(f"{HEADER}\n19800101-1234,SE,25-34,single,1,yes\nB,SE,25-34,single,800101-1234,yes\n")
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "prospect_ref"), (3, "visits")]
    assert all("1234" not in e.message for e in result.errors)


@pytest.mark.parametrize(
    ("content", "message"), [("", "empty"), ("   \n\n", "empty"), (HEADER + "\n", "no rows")]
)
def test_whole_file_problems_have_no_row(write_csv: WriteCsv, content: str, message: str) -> None:
    result = validate_file(write_csv(content))
    assert [(e.row, e.column) for e in result.errors] == [(None, None)]
    assert message in result.errors[0].message


def test_one_bad_row_rejects_the_whole_file(
    synthetic_csv: SyntheticCsv, write_csv: WriteCsv, kiruna: Municipality
) -> None:
    good = synthetic_csv(200).read_text()
    path = write_csv(good.rstrip("\n") + "\nBAD-1,SE,25-34,single,oops,,,,,,,,,,,,yes,\n", name="mixed.csv")
    report = import_file(kiruna, path)
    assert (report.status, report.imported, report.skipped_no_consent) == ("rejected", 0, 0)
    assert [(e["row"], e["column"]) for e in report.errors] == [(202, "visits")]
    assert Prospect.objects.count() == 0
    assert ImportBatch.objects.get().status == ImportBatch.Status.REJECTED


def test_raw_reference_is_never_stored(write_csv: WriteCsv, kiruna: Municipality) -> None:
    import_file(kiruna, write_csv(f"{HEADER}\nSECRET-REF-4711,SE,25-34,single,1,yes\n"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM insights_prospect")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert "SECRET-REF-4711" not in stored
    assert Prospect.objects.get().pseudonym == pseudonym("SECRET-REF-4711")


def test_reimport_updates_instead_of_duplicating(write_csv: WriteCsv, kiruna: Municipality) -> None:
    import_file(kiruna, write_csv(f"{HEADER}\nA,SE,25-34,single,1,yes\n"))
    import_file(kiruna, write_csv(f"{HEADER}\nA,SE,25-34,single,7,yes\n", name="again.csv"))
    assert list(Prospect.objects.values_list("visits", flat=True)) == [7]


def test_same_reference_in_two_municipalities_is_two_prospects(
    write_csv: WriteCsv, kiruna: Municipality, lulea: Municipality
) -> None:
    path = write_csv(f"{HEADER}\nA,SE,25-34,single,1,yes\n")
    import_file(kiruna, path)
    import_file(lulea, path)
    assert Prospect.objects.count() == 2


def test_command_prints_the_json_report_and_exits_0(
    synthetic_csv: SyntheticCsv, capsys: pytest.CaptureFixture[str], kiruna: Municipality
) -> None:
    call_command("import_prospects", str(synthetic_csv(100)), "--municipality", "2584", "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "imported"
    assert report["imported"] + report["skipped_no_consent"] == 100
    assert report["errors"] == []


def test_command_exits_1_on_a_rejected_file(
    write_csv: WriteCsv, capsys: pytest.CaptureFixture[str], kiruna: Municipality
) -> None:
    path = write_csv(f"{HEADER},email\nA,SE,25-34,single,1,yes,a@example.test\n")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_prospects", str(path), "--municipality", "kiruna", "--json")
    assert exit_info.value.code == 1
    assert json.loads(capsys.readouterr().out) == {
        "status": "rejected",
        "imported": 0,
        "skipped_no_consent": 0,
        "errors": [
            {
                "row": 1,
                "column": "email",
                # Swedish first: the command speaks the portal's default language (LANGUAGE_CODE sv).
                "message": "Kolumnen ”email” innehåller en direkt identifierare (en e-postadress); ta bort den: "
                "Stigar sparar aldrig namn, e-postadresser, telefonnummer, adresser eller personnummer.",
            }
        ],
    }


def test_generate_prospects_command_writes_importable_synthetic_data(
    tmp_path: Path, kiruna: Municipality
) -> None:
    out = tmp_path / "gen.csv"
    call_command(
        "generate_prospects", "--municipality", "kiruna", "--rows", "50", "--seed", "3", "--output", str(out)
    )
    frame = pd.read_csv(out)
    assert len(frame) == 50
    assert frame["prospect_ref"].str.startswith("SYNTH-").all()
    assert validate_file(out).ok
