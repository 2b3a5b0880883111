"""Validates a prospect file against the declared schema, vectorised, reporting every error with its spreadsheet row and column."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from .reader import DEFAULT_LIMITS, FileProblem, FileTooLarge, Limits, read_prospect_file
from .schema import (
    BY_NAME,
    COLUMNS,
    COUNTRY_CODES,
    FALSE_WORDS,
    FORBIDDEN_HEADERS,
    HEADER_NAMES,
    REMOTE_WORK_EXTRA,
    TRUE_WORDS,
    Column,
    Kind,
    normalise_header,
)

# A Swedish personal identity number: YYMMDD or YYYYMMDD, then -, + or nothing, then four digits.
PERSONAL_NUMBER = re.compile(
    r"(?<!\d)(?P<century>1[89]|20)?(?P<yy>\d{2})(?P<mm>\d{2})(?P<dd>\d{2})[-+]?(?P<serial>\d{4})(?!\d)"
)
PERSONAL_NUMBER_ANYWHERE = re.compile(r"(?<!\d)(?:1[89]|20)?\d{6}[-+]?\d{4}(?!\d)")
# Part of every match above, without the look-arounds that make a scan of a whole column three times slower.
PERSONAL_NUMBER_SHAPE = re.compile(r"\d{6}[-+]?\d{4}")
PERSONAL_NUMBER_MESSAGE = "This value looks like a Swedish personal identity number or coordination number; they must not be imported."
TOKEN = re.compile(r"^[a-z0-9_åäöéü]+$")
TOKEN_LIST = re.compile(r"[a-z0-9_åäöéü]+(?:\|[a-z0-9_åäöéü]+)*")
INTEGER_LIMIT = 1_000_000
# C0 and C1 control characters, NUL, tab and line breaks included: no prospect value has one, and a NUL in an id
# would otherwise be hashed into a pseudonym that no later lookup by the same id can find.
CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_CHARACTER_MESSAGE = (
    "The value contains a control character (such as NUL, a tab or a line break); remove it."
)
UNKNOWN_COLUMN_MESSAGE = "Unknown column: it is not imported."


@dataclass
class ImportErrorItem:
    row: int | None
    column: str | None
    message: str
    # For the Django side to put the message in the reader's language (the report itself has row/column/message).
    code: str | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ValidationResult:
    """`prospects` holds the consenting rows, typed; `errors` is empty when the file may be imported."""

    prospects: pd.DataFrame
    rows_read: int
    skipped_no_consent: int
    errors: list[ImportErrorItem] = field(default_factory=list)
    warnings: list[ImportErrorItem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _Errors:
    """Collects errors as (row numbers, column, message) blocks so that a million rows do not mean a million calls."""

    def __init__(self, order: dict[str | None, int]) -> None:
        self.blocks: list[tuple[np.ndarray, str | None, np.ndarray | str]] = []
        self.order = order

    def add(self, rows: Any, column: str | None, message: Any) -> None:
        rows_array = np.asarray(rows, dtype=np.int64)
        if len(rows_array):
            self.blocks.append((rows_array, column, message))

    def file(self, message: str, *, row: int | None = None, column: str | None = None) -> None:
        self.blocks.append((np.array([-1 if row is None else row]), column, message))

    def items(self) -> list[ImportErrorItem]:
        if not self.blocks:
            return []
        rows = np.concatenate([block[0] for block in self.blocks])
        columns = np.concatenate([np.full(len(block[0]), block[1], dtype=object) for block in self.blocks])
        messages = np.concatenate(
            [
                np.full(len(block[0]), block[2], dtype=object)
                if isinstance(block[2], str)
                else np.asarray(block[2], dtype=object)
                for block in self.blocks
            ]
        )
        frame = pd.DataFrame({"row": rows, "column": columns, "message": messages})
        # A cell that looks like a personal number is reported once, and its value is never echoed back.
        personal = frame[frame["message"] == PERSONAL_NUMBER_MESSAGE][["row", "column"]]
        if len(personal):
            cell = pd.MultiIndex.from_frame(frame[["row", "column"]])
            hidden = cell.isin(pd.MultiIndex.from_frame(personal)) & (
                frame["message"] != PERSONAL_NUMBER_MESSAGE
            )
            frame = frame[~hidden]
        frame["position"] = frame["column"].map(lambda name: self.order.get(name, len(self.order)))
        frame = frame.sort_values(["row", "position"], kind="stable")
        return [
            ImportErrorItem(None if row < 0 else int(row), column, message)
            for row, column, message in zip(frame["row"], frame["column"], frame["message"], strict=True)
        ]


def parse_numbers(values: pd.Series) -> pd.Series:
    """Numbers as Swedish or English spreadsheets write them: `12 345,50`, `12345.5`, `12,345.50`; NaN where not a number."""
    parsed = pd.to_numeric(values.where(values != ""), errors="coerce")
    slow = parsed.isna() & (values != "")
    if slow.any():
        text = values[slow].str.replace(r"[\s\u00a0\u202f]", "", regex=True)
        both = text.str.contains(",", regex=False) & text.str.contains(".", regex=False)
        if both.any():
            # 1.234,5 (European) or 1,234.5 (English): the last separator is the decimal sign. Only the few cells
            # with both are rewritten here (a million `12 345,50` cells have a comma alone).
            mixed = text[both]
            comma_last = mixed.str.rfind(",") > mixed.str.rfind(".")
            text.loc[both] = mixed.where(~comma_last, mixed.str.replace(".", "", regex=False)).where(
                comma_last, mixed.str.replace(",", "", regex=False)
            )
        text = text.str.replace(",", ".", regex=False)
        parsed.loc[slow] = pd.to_numeric(text, errors="coerce")
    return parsed.astype("float64")


def _real_dates(matches: pd.DataFrame) -> pd.Series:
    year_short = matches["yy"].astype(int)
    month = matches["mm"].astype(int)
    written_day = matches["dd"].astype(int)
    # A coordination number (samordningsnummer) is the date with day + 60; only one with a valid Luhn check digit.
    coordination = (written_day > 60) & _luhn_valid(matches)
    day = np.where(coordination, written_day - 60, written_day)
    century = pd.to_numeric(matches["century"], errors="coerce")
    full_year = np.where(century.notna(), century.fillna(0) * 100 + year_short, 2000 + year_short)
    leap = (full_year % 4 == 0) & ((full_year % 100 != 0) | (full_year % 400 == 0))
    # Without a century, 29 February is a real date if either 19YY or 20YY is a leap year (YY divisible by 4).
    leap = np.where(century.notna(), leap, year_short % 4 == 0)
    month_days = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    limit = np.where(month.between(1, 12), month_days[month.clip(0, 12)], 0)
    limit = np.where((month == 2) & ~leap, 28, limit)
    return pd.Series((day >= 1) & (day <= limit), index=matches.index)


def _luhn_valid(matches: pd.DataFrame) -> pd.Series:
    """The Luhn check over the ten digits YYMMDDNNNC."""
    digits = (matches["yy"] + matches["mm"] + matches["dd"] + matches["serial"]).tolist()
    valid = []
    for text in digits:
        total = 0
        for position, char in enumerate(text):
            value = int(char) * (2 if position % 2 == 0 else 1)
            total += value - 9 if value > 9 else value
        valid.append(total % 10 == 0)
    return pd.Series(valid, index=matches.index, dtype=bool)


def personal_number_rows(values: pd.Series) -> np.ndarray:
    """Row numbers whose cell contains something shaped like a personal identity number with a real date."""
    # One scan of the column joined by line breaks first (a match cannot span one): almost every file has none.
    if PERSONAL_NUMBER_SHAPE.search("\n".join(values.to_numpy(dtype=object))) is None:
        return np.array([], dtype=np.int64)
    candidates = values[values.str.len() >= 10]
    if candidates.empty:
        return np.array([], dtype=np.int64)
    candidates = candidates[candidates.str.contains(PERSONAL_NUMBER_ANYWHERE, regex=True)]
    if candidates.empty:
        return np.array([], dtype=np.int64)
    matches = candidates.str.extractall(PERSONAL_NUMBER)
    real = _real_dates(matches.fillna({"century": ""}))
    rows = real[real].index.get_level_values(0).unique()
    return np.asarray(rows, dtype=np.int64)


def control_character_rows(values: pd.Series) -> np.ndarray:
    """Row numbers whose cell holds a control character; one scan of the joined column first (C speed), since
    almost every file has none."""
    if CONTROL_CHARACTER.search("".join(values.to_numpy(dtype=object))) is None:
        return np.array([], dtype=np.int64)
    return np.asarray(values.index[values.str.contains(CONTROL_CHARACTER, regex=True)], dtype=np.int64)


def _check_column(column: Column, header: str, values: pd.Series, errors: _Errors) -> pd.Series:
    """Type one column; every bad cell is reported; returns the typed values (missing as NA).

    A column of few distinct values (codes, yes/no, counts, dates: a million cells, a few thousand values) is
    checked once per distinct value, and the verdicts are spread back to every row by the value's code.
    """
    codes, distinct = pd.factorize(values.to_numpy(dtype=object))
    if len(distinct) * 2 > len(values):
        return _check_cells(column, header, values, errors)
    local = _Errors({})
    typed = _check_cells(column, header, pd.Series(distinct, dtype=object), local)
    rows = values.index.to_numpy()
    for positions, name, message in local.blocks:
        hit = _hits(codes, positions, len(distinct))
        if isinstance(message, str):
            errors.add(rows[hit], name, message)
        else:
            by_position = dict(
                zip(positions.tolist(), np.asarray(message, dtype=object).tolist(), strict=True)
            )
            errors.add(rows[hit], name, np.array([by_position[code] for code in codes[hit]], dtype=object))
    spread = typed.take(codes)
    spread.index = values.index
    return spread


def _hits(codes: np.ndarray, positions: np.ndarray, distinct: int) -> np.ndarray:
    """Which rows hold one of the distinct values at `positions` (a row's value is `distinct[codes[row]]`)."""
    chosen = np.zeros(distinct, dtype=bool)
    chosen[positions] = True
    hits: np.ndarray = chosen[codes]
    return hits


def _rows_of(values: pd.Series, codes: np.ndarray, positions: np.ndarray) -> np.ndarray:
    if not len(positions):
        return np.array([], dtype=np.int64)
    rows: np.ndarray = values.index.to_numpy()[_hits(codes, positions, int(codes.max()) + 1)]
    return rows


def _check_cells(column: Column, header: str, values: pd.Series, errors: _Errors) -> pd.Series:
    empty = values == ""
    if column.required:
        errors.add(values.index[empty], header, f"{column.name} is required.")
    present = ~empty
    if column.kind is Kind.TEXT:
        too_long = present & (values.str.len() > 200)
        errors.add(values.index[too_long], header, "The value is longer than 200 characters.")
        return values
    if column.kind is Kind.COUNTRY:
        codes = values.str.upper()
        bad = present & ~codes.isin(COUNTRY_CODES)
        errors.add(
            values.index[bad],
            header,
            "Unknown country code " + values[bad].map(repr) + ": use ISO 3166-1 alpha-2, e.g. DE, NL, SE.",
        )
        return codes
    if column.kind is Kind.ENUM:
        lookup = dict(column.values)
        if column.name == "remote_work":
            lookup.update(REMOTE_WORK_EXTRA)
        codes = values.str.lower().map(lookup)
        bad = present & codes.isna()
        allowed = ", ".join(column.codes)
        swedish = ", ".join(word for word, code in column.values.items() if word != code)
        hint = f"{allowed}" + (f" ({swedish})" if swedish else "")
        errors.add(
            values.index[bad],
            header,
            "Unknown value " + values[bad].map(repr) + f" for {column.name}: use one of {hint}.",
        )
        return codes
    if column.kind is Kind.BOOLEAN:
        lowered = values.str.lower()
        truth = pd.Series(pd.NA, index=values.index, dtype="boolean")
        truth[lowered.isin(TRUE_WORDS)] = True
        truth[lowered.isin(FALSE_WORDS)] = False
        bad = present & truth.isna()
        errors.add(
            values.index[bad],
            header,
            "Not a yes/no value " + values[bad].map(repr) + ": use ja/nej, yes/no, true/false or 1/0.",
        )
        return truth
    if column.kind in (Kind.INTEGER, Kind.DECIMAL):
        numbers = parse_numbers(values)
        not_number = present & numbers.isna()
        kind = "a whole number" if column.kind is Kind.INTEGER else "a number"
        errors.add(values.index[not_number], header, "Not " + kind + " " + values[not_number].map(repr) + ".")
        negative = numbers < 0
        errors.add(values.index[negative], header, "The number must not be negative.")
        if column.kind is Kind.INTEGER:
            fractional = numbers.notna() & (numbers % 1 != 0)
            errors.add(values.index[fractional], header, "Must be a whole number.")
            too_large = numbers > INTEGER_LIMIT
            errors.add(values.index[too_large], header, f"Implausibly large (over {INTEGER_LIMIT:,}).")
        return numbers
    if column.kind is Kind.DATE:
        dates = pd.to_datetime(values.where(present), format="ISO8601", errors="coerce")
        bad = present & dates.isna()
        errors.add(
            values.index[bad], header, "Not a date " + values[bad].map(repr) + ": write it as YYYY-MM-DD."
        )
        return dates.dt.normalize()
    # Kind.TOKENS: an open list of lower-case words separated by |.
    lowered = values.str.lower().str.replace(r"\s+", "", regex=True).str.strip("|")
    # Every |-separated token a TOKEN, as one match per cell (no split into a row per token).
    listed = lowered[present]
    bad_rows = listed.index[~listed.str.fullmatch(TOKEN_LIST).astype(bool)]
    errors.add(
        bad_rows,
        header,
        "Interests must be words of letters, digits or _ separated by |, e.g. hiking|fishing.",
    )
    return lowered


def validate_frame(raw: pd.DataFrame) -> ValidationResult:
    """Check the header, then every cell of every row (consenting or not), and type the consenting rows."""
    headers = [str(header) for header in raw.columns]
    order: dict[str | None, int] = {None: -1}
    errors = _Errors(order)
    warnings: list[ImportErrorItem] = []
    mapping: dict[str, str] = {}
    for position, header in enumerate(headers):
        written = re.sub(r"\.\d+$", "", header) if header not in HEADER_NAMES else header
        order.setdefault(header, position)
        key = normalise_header(written)
        if key in FORBIDDEN_HEADERS:
            errors.file(
                f"The column {written!r} holds a direct identifier ({FORBIDDEN_HEADERS[key]}); "
                "remove it: Stigar never stores names, e-mail addresses, phone numbers, addresses or "
                "personal identity numbers.",
                row=1,
                column=written,
            )
            continue
        name = HEADER_NAMES.get(key)
        if name is None:
            # Not stored, but said so (a misspelt header would otherwise lose a column silently), and still checked
            # for personal numbers and control characters below.
            warnings.append(ImportErrorItem(1, written, UNKNOWN_COLUMN_MESSAGE, code="unknown_column"))
            continue
        if name in mapping.values():
            errors.file(f"The column {name} appears more than once.", row=1, column=written)
            continue
        mapping[header] = name
    for column in COLUMNS:
        order.setdefault(column.name, len(order))
        if column.required and column.name not in mapping.values():
            errors.file(
                f"The required column {column.name} (Swedish: {column.alias}) is missing.",
                row=1,
                column=column.name,
            )

    for header in headers:
        written = re.sub(r"\.\d+$", "", header)
        values = raw[header]
        codes, distinct = pd.factorize(values.to_numpy(dtype=object))
        few = len(distinct) * 2 <= len(values)  # then scanned once per distinct value
        cells = pd.Series(distinct, dtype=object) if few else values
        for find, message in (
            (personal_number_rows, PERSONAL_NUMBER_MESSAGE),
            (control_character_rows, CONTROL_CHARACTER_MESSAGE),
        ):
            found = find(cells)
            errors.add(_rows_of(values, codes, found) if few else found, written, message)

    typed: dict[str, pd.Series] = {}
    for header, name in mapping.items():
        typed[name] = _check_column(BY_NAME[name], header, raw[header], errors)

    if "prospect_ref" in typed:
        refs = typed["prospect_ref"]
        present = refs[refs != ""]
        duplicated = present.duplicated(keep="first")
        if duplicated.any():
            first_row = (
                pd.Series(present.index, index=present.index).groupby(present.to_numpy()).transform("min")
            )
            header = next(h for h, n in mapping.items() if n == "prospect_ref")
            errors.add(
                present.index[duplicated],
                header,
                "The id " + present[duplicated].map(repr) + " already appears on row "
                + first_row[duplicated].astype(str) + ".",
            )  # fmt: skip

    items = errors.items()
    if items:
        return ValidationResult(_empty_prospects(), len(raw), 0, items, warnings)

    prospects = _prospects(typed, raw.index)
    consent = prospects.pop("consent_analytics").astype(bool)
    return ValidationResult(prospects[consent.to_numpy()], len(raw), int((~consent).sum()), [], warnings)


def _empty_prospects() -> pd.DataFrame:
    return _prospects({}, pd.RangeIndex(0)).drop(columns=["consent_analytics"])


def _prospects(typed: dict[str, pd.Series], index: pd.Index) -> pd.DataFrame:
    """The typed frame with every schema column; optional columns get their documented defaults."""

    def get(name: str) -> pd.Series | None:
        return typed.get(name)

    def count(name: str) -> pd.Series:
        values = get(name)
        return (values.fillna(0) if values is not None else pd.Series(0, index=index)).astype("int64")

    def flag(name: str) -> pd.Series:
        values = get(name)
        return (values.fillna(False) if values is not None else pd.Series(False, index=index)).astype(bool)

    def text(name: str, default: str) -> pd.Series:
        values = get(name)
        if values is None:
            return pd.Series(default, index=index, dtype=object)
        return values.where(values.notna() & (values != ""), default).astype(object)

    relocated = get("relocated")
    last_visit = get("last_visit")
    spend = get("spend_sek")
    return pd.DataFrame(
        {
            "prospect_ref": text("prospect_ref", ""),
            "country": text("country", ""),
            "age_band": text("age_band", ""),
            "household": text("household", ""),
            "visits": count("visits"),
            "last_visit": last_visit if last_visit is not None else pd.Series(pd.NaT, index=index),
            "season": text("season", ""),
            "interests": text("interests", ""),
            "newsletter_opens": count("newsletter_opens"),
            "site_visits": count("site_visits"),
            "guide_download": flag("guide_download"),
            "webinar": flag("webinar"),
            "job_clicks": count("job_clicks"),
            "remote_work": text("remote_work", "unknown"),
            "profession": text("profession", ""),
            "spend_sek": spend.round(2) if spend is not None else pd.Series(np.nan, index=index),
            "consent_analytics": flag("consent_analytics"),
            "relocated": relocated
            if relocated is not None
            else pd.Series(pd.NA, index=index, dtype="boolean"),
        },
        index=index,
    )


def validate_file(source: str | Path | BinaryIO, *, limits: Limits = DEFAULT_LIMITS) -> ValidationResult:
    """Read and validate a CSV or XLSX file; whole-file problems come back as an error with `row: None`."""
    try:
        raw = read_prospect_file(source, limits=limits)
    except FileTooLarge as problem:
        item = ImportErrorItem(
            None, None, str(problem), code=f"too_large_{problem.code}", params={"limit": problem.limit}
        )
        return ValidationResult(_empty_prospects(), 0, 0, [item])
    except FileProblem as problem:
        return ValidationResult(_empty_prospects(), 0, 0, [ImportErrorItem(None, None, str(problem))])
    return validate_frame(raw)
