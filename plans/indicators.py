"""Validates a receiving-capacity indicator file (CSV or XLSX, read by the prospect import's reader) row by row,
reporting every error with its spreadsheet row and column, as INTERFACES.md's import reports do."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd
from django.utils.translation import gettext as _

from insights.scoring.reader import FileProblem, read_prospect_file
from insights.scoring.schema import FALSE_WORDS, TRUE_WORDS, normalise_header
from insights.scoring.validation import parse_numbers
from themes.models import Municipality

from .models import PERIOD_PATTERN, IndicatorKind

# column -> Swedish alias (headers are case-insensitive, spaces count as underscores)
COLUMNS: dict[str, str] = {
    "municipality": "kommun",
    "period": "period",
    "indicator": "indikator",
    "value": "värde",
    "source": "källa",
    "date": "datum",
    "synthetic": "syntetisk",
}
REQUIRED = ("municipality", "period", "indicator", "value", "source", "date")
# Indicator codes, and the Swedish words a municipality's own spreadsheet may use for them.
KIND_ALIASES: dict[str, str] = {
    **{kind.value: kind.value for kind in IndicatorKind},
    "lediga_hyresrätter": IndicatorKind.VACANT_RENTAL_FLATS,
    "lediga_hyresratter": IndicatorKind.VACANT_RENTAL_FLATS,
    "lediga_jobb": IndicatorKind.OPEN_JOB_ADS,
    "platsannonser": IndicatorKind.OPEN_JOB_ADS,
    "lediga_förskoleplatser": IndicatorKind.FREE_PRESCHOOL_PLACES,
    "lediga_forskoleplatser": IndicatorKind.FREE_PRESCHOOL_PLACES,
    "bredbandstäckning": IndicatorKind.BROADBAND_COVERAGE,
    "bredbandstackning": IndicatorKind.BROADBAND_COVERAGE,
}
# Counts are whole numbers; coverage is a percentage.
PERCENT_KINDS = frozenset({IndicatorKind.BROADBAND_COVERAGE})
SOURCE_MAX = 200


@dataclass
class ImportError:
    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class IndicatorRow:
    row: int
    municipality: Municipality
    municipality_column: str
    period: str
    kind: str
    value: Decimal
    source: str
    date: datetime.date
    synthetic: bool


@dataclass
class Validated:
    rows: list[IndicatorRow] = field(default_factory=list)
    errors: list[ImportError] = field(default_factory=list)


@dataclass
class ImportReport:
    status: str
    imported: int = 0
    errors: list[ImportError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "imported": self.imported,
            "errors": [error.as_dict() for error in self.errors],
        }


def _headers(columns: list[str], errors: list[ImportError]) -> dict[str, str]:
    """The file's header for each known column; unknown, repeated and missing columns are errors on row 1."""
    names = {normalise_header(name): name for name in COLUMNS} | {
        normalise_header(alias): name for name, alias in COLUMNS.items()
    }
    found: dict[str, str] = {}
    for header in columns:
        name = names.get(normalise_header(header))
        if name is None:
            errors.append(
                ImportError(
                    1,
                    header,
                    _("Unknown column. The columns are: %(columns)s.") % {"columns": ", ".join(COLUMNS)},
                )
            )
        elif name in found:
            errors.append(ImportError(1, header, _("The column appears twice.")))
        else:
            found[name] = header
    for name in REQUIRED:
        if name not in found:
            errors.append(ImportError(1, name, _("The column is missing.")))
    return found


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text[:10]) if re.match(r"^\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        return None


def validate(source: str | Path | BinaryIO) -> Validated:
    """Every row checked; `rows` is only meaningful when `errors` is empty (the import is all-or-nothing)."""
    result = Validated()
    try:
        frame = read_prospect_file(source)
    except FileProblem as problem:
        result.errors.append(
            ImportError(None, None, _("The file could not be read: %(problem)s") % {"problem": problem})
        )
        return result
    headers = _headers([str(column) for column in frame.columns], result.errors)
    if result.errors:
        return result
    municipalities = {m.slug: m for m in Municipality.objects.all()}
    by_code = {m.scb_code: m for m in municipalities.values()}
    numbers = parse_numbers(frame[headers["value"]])
    seen: dict[tuple[int, str, str, datetime.date], int] = {}
    for row_number, cells in frame.iterrows():
        row = int(row_number)  # type: ignore[call-overload]

        def cell(name: str, cells: pd.Series = cells) -> str:
            return str(cells[headers[name]]).strip() if name in headers else ""

        def error(name: str, message: str, row: int = row) -> None:
            result.errors.append(ImportError(row, headers.get(name, name), message))

        code = cell("municipality").lower()
        municipality = by_code.get(code) or municipalities.get(code)
        if municipality is None:
            error("municipality", _("Unknown municipality: give its slug (kiruna) or SCB code (2584)."))
        period = cell("period")
        if not re.match(PERIOD_PATTERN, period):
            error("period", _("Write the period as a year (2026) or a span of years (2026-2027)."))
        kind = KIND_ALIASES.get(normalise_header(cell("indicator")))
        if kind is None:
            error(
                "indicator",
                _("Unknown indicator. The indicators are: %(kinds)s.")
                % {"kinds": ", ".join(IndicatorKind.values)},
            )
        number = numbers.loc[row]
        value: Decimal | None = None
        if cell("value") == "" or pd.isna(number):
            error("value", _("Give the value as a number, e.g. 12 or 97,5."))
        elif number < 0:
            error("value", _("The value cannot be negative."))
        elif kind in PERCENT_KINDS and number > 100:
            error("value", _("A coverage is a percentage between 0 and 100."))
        elif kind is not None and kind not in PERCENT_KINDS and not float(number).is_integer():
            error("value", _("This indicator is a count: give a whole number."))
        else:
            try:
                value = Decimal(str(round(float(number), 2)))
            except InvalidOperation:
                error("value", _("Give the value as a number, e.g. 12 or 97,5."))
        source_text = cell("source")
        if not source_text:
            error(
                "source", _("Name the source of the figure, e.g. the housing company or Arbetsförmedlingen.")
            )
        elif len(source_text) > SOURCE_MAX:
            error("source", _("The source is longer than %(n)s characters.") % {"n": SOURCE_MAX})
        date = _date(cell("date"))
        if date is None:
            error("date", _("Give the date the figure describes as YYYY-MM-DD."))
        flag = cell("synthetic").lower()
        if flag and flag not in TRUE_WORDS and flag not in FALSE_WORDS:
            error("synthetic", _("Write yes or no (ja/nej)."))
        if (
            municipality is None
            or kind is None
            or date is None
            or value is None
            or not re.match(PERIOD_PATTERN, period)
        ):
            continue
        key = (municipality.pk, period, kind, date)
        if key in seen:
            error(
                "date",
                _("The same indicator, period and date are already on row %(row)s.") % {"row": seen[key]},
            )
            continue
        seen[key] = row
        result.rows.append(
            IndicatorRow(
                row=row,
                municipality=municipality,
                municipality_column=headers["municipality"],
                period=period,
                kind=kind,
                value=value,
                source=source_text,
                date=date,
                synthetic=flag in TRUE_WORDS,
            )
        )
    return result
