"""Prospect files are bounded before they are parsed (size, rows, columns, an XLSX's expanded size), unknown columns
are reported as warnings, and control characters are refused in every column."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from insights.models import ImportBatch, Prospect
from themes.models import Municipality

from .conftest import HEADER, WriteCsv, import_file, import_file_in

ROOT = Path(__file__).resolve().parents[2]
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<dimension ref="A1:F{rows}"/><sheetData>'
)
ROW = '<row><c t="inlineStr"><is><t>X-1</t></is></c><c t="inlineStr"><is><t>SE</t></is></c></row>'


def xlsx_bomb(path: Path, *, rows: int, dimension_rows: int | None = None) -> Path:
    """A minimal workbook whose one sheet has `rows` rows: it compresses about 1000:1 (a few MB expand to
    hundreds), written in chunks so that the test itself never holds the expanded sheet in memory."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+'
            'xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
    }
    chunk_rows = 10_000
    chunk = (ROW * chunk_rows).encode()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(SHEET_HEAD.format(rows=(dimension_rows or rows) + 1).encode())
            sheet.write(b'<row><c t="inlineStr"><is><t>prospect_ref</t></is></c></row>')
            for _ in range(rows // chunk_rows):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return path


# The peak is the process's own VmHWM: ru_maxrss would carry over the high-water mark of the forked pytest process
# (Linux keeps it across exec), so a suite that had grown before this test would be measured instead of the probe.
PROBE = """
import json, re, sys
from insights.scoring.validation import validate_file
result = validate_file(sys.argv[1])
with open("/proc/self/status") as status:
    peak = int(re.search(r"VmHWM:\\s+(\\d+) kB", status.read()).group(1))
print(json.dumps({
    "errors": [error.as_dict() | {"code": error.code} for error in result.errors],
    "peak_kib": peak,
}))
"""


def _probe(path: Path) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    probe: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return probe


def test_an_xlsx_bomb_is_refused_before_parsing_within_300_mb(tmp_path: Path) -> None:
    # 7 million rows: about 700 MB once expanded, a few MB as a file (the bomb: 5 MB expanding to 1.2 GB).
    bomb = xlsx_bomb(tmp_path / "bomb.xlsx", rows=7_000_000)
    assert bomb.stat().st_size < 10 * 1024 * 1024
    with zipfile.ZipFile(bomb) as archive:
        assert sum(member.file_size for member in archive.infolist()) > 600 * 1024 * 1024
    outcome = _probe(bomb)
    assert [(e["row"], e["column"], e["code"]) for e in outcome["errors"]] == [
        (None, None, "too_large_uncompressed")
    ]
    # Peak resident memory of the whole process, Python and pandas included.
    assert outcome["peak_kib"] < 300 * 1024, outcome


def test_a_sheet_that_declares_too_many_rows_is_refused_before_parsing(tmp_path: Path) -> None:
    # Under the expanded-size bound, but 2.1 million rows: the sheet's declared dimension refuses it.
    sheet = xlsx_bomb(tmp_path / "rows.xlsx", rows=2_100_000)
    outcome = _probe(sheet)
    assert [(e["row"], e["code"]) for e in outcome["errors"]] == [(None, "too_large_rows")]
    assert outcome["peak_kib"] < 300 * 1024, outcome


@pytest.mark.django_db
def test_the_service_rejects_the_bomb_with_a_swedish_message_and_imports_nothing(
    tmp_path: Path, kiruna: Municipality
) -> None:
    bomb = xlsx_bomb(tmp_path / "bomb.xlsx", rows=5_000_000)
    report = import_file_in("sv", kiruna, bomb)
    assert report.as_dict() == {
        "status": "rejected",
        "imported": 0,
        "skipped_no_consent": 0,
        "errors": [
            {
                "row": None,
                "column": None,
                "message": "Kalkylbladet blir större än 400 MB när det öppnas; spara det som CSV eller dela upp det.",
            }
        ],
    }
    assert not Prospect.objects.exists()
    assert ImportBatch.objects.get().status == ImportBatch.Status.REJECTED


@pytest.mark.django_db
def test_a_csv_with_ten_thousand_columns_is_refused(write_csv: WriteCsv, kiruna: Municipality) -> None:
    extra = ",".join(f"x{i}" for i in range(9_982))
    path = write_csv(f"{HEADER},{extra}\nK-1,SE,25-34,family,1,yes{',' * 9_982}\n")
    report = import_file_in("sv", kiruna, path)
    assert report.status == "rejected"
    assert report.as_dict()["errors"] == [
        {
            "row": None,
            "column": None,
            "message": "Filen har fler än 60 kolumner; ta bort kolumnerna som inte behövs.",
        }
    ]
    assert report.errors[0]["code"] == "too_large_columns"


@pytest.mark.django_db
def test_a_file_over_the_size_bound_is_refused_unread(
    write_csv: WriteCsv, kiruna: Municipality, settings: Settings
) -> None:
    settings.PROSPECT_MAX_UPLOAD_BYTES = 1024
    path = write_csv(HEADER + "\n" + "K-1,SE,25-34,family,1,yes\n" * 100)
    report = import_file(kiruna, path)
    assert report.status == "rejected"
    assert report.errors[0]["row"] is None
    assert "MB" in report.errors[0]["message"]


@pytest.mark.django_db
def test_unknown_columns_are_reported_as_warnings_and_the_file_is_imported(
    write_csv: WriteCsv, kiruna: Municipality
) -> None:
    path = write_csv(f"{HEADER},favoritfärg,Notes\nK-1,SE,25-34,family,1,yes,blå,\n")
    report = import_file_in("sv", kiruna, path)
    assert report.status == "imported"
    assert report.imported == 1
    assert report.as_dict()["warnings"] == [
        {"row": 1, "column": "favoritfärg", "message": "Okänd kolumn: den importeras inte."},
        {"row": 1, "column": "Notes", "message": "Okänd kolumn: den importeras inte."},
    ]
    assert ImportBatch.objects.get().warnings == report.warnings


@pytest.mark.django_db
@pytest.mark.parametrize("column", ["prospect_ref", "country", "age_band", "visits", "favoritfärg"])
@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x7f", "\x85"])
def test_a_control_character_is_refused_in_every_column(
    write_csv: WriteCsv, kiruna: Municipality, column: str, character: str
) -> None:
    values = {
        "prospect_ref": "K-1",
        "country": "SE",
        "age_band": "25-34",
        "visits": "12",
        "favoritfärg": "blå",
    }
    values[column] = values[column][:1] + character + values[column][1:]
    line = ",".join(values[name] for name in ("prospect_ref", "country", "age_band")) + ",family,"
    line += values["visits"] + ",yes," + values["favoritfärg"]
    path = write_csv(f"{HEADER},favoritfärg\nK-0,SE,25-34,family,1,yes,röd\n{line}\n")
    report = import_file_in("sv", kiruna, path)
    assert report.status == "rejected"
    assert report.imported == 0
    control = [e for e in report.errors if "kontrolltecken" in e["message"]]
    assert [(e["row"], e["column"]) for e in control] == [(3, column)]
    assert not Prospect.objects.exists()
