"""Validates a prospect file against the declared schema, vectorised, reporting every error with its spreadsheet row and column."""

from __future__ import annotations

import re
from collections.abc import Callable
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


# The English text of every error and warning code; the portal says the same in the reader's language from the
# code and its parameters (insights.errors), so this text is the core's own default, not what a Swedish analyst reads.
ENGLISH: dict[str, str] = {
    "personal_number": PERSONAL_NUMBER_MESSAGE,
    "control_character": CONTROL_CHARACTER_MESSAGE,
    "unknown_column": UNKNOWN_COLUMN_MESSAGE,
    "forbidden_column": (
        "The column {header!r} holds a direct identifier ({kind}); remove it: Stigar never stores names, e-mail "
        "addresses, phone numbers, addresses or personal identity numbers."
    ),
    "duplicate_column": "The column {field} appears more than once.",
    "missing_column": "The required column {field} (Swedish: {alias}) is missing.",
    "required": "{field} is required.",
    "too_long": "The value is longer than {limit} characters.",
    "unknown_country": "Unknown country code {value!r}: use ISO 3166-1 alpha-2, e.g. DE, NL, SE.",
    "unknown_value": "Unknown value {value!r} for {field}: use one of {hint}.",
    "not_boolean": "Not a yes/no value {value!r}: use ja/nej, yes/no, true/false or 1/0.",
    "not_integer": "Not a whole number {value!r}.",
    "not_number": "Not a number {value!r}.",
    "negative": "The number must not be negative.",
    "not_whole": "Must be a whole number.",
    "too_large_number": "Implausibly large (over {limit:,}).",
    "not_date": "Not a date {value!r}: write it as YYYY-MM-DD.",
    "bad_interests": "Interests must be words of letters, digits or _ separated by |, e.g. hiking|fishing.",
    "duplicate_id": "The id {value!r} already appears on row {first_row}.",
}


def english_message(code: str, params: dict[str, Any]) -> str:
    if code == "unknown_value":
        swedish = ", ".join(params.get("swedish", []))
        hint = ", ".join(params.get("allowed", [])) + (f" ({swedish})" if swedish else "")
        return ENGLISH[code].format(hint=hint, **params)
    return ENGLISH[code].format(**params)


@dataclass
class ImportErrorItem:
    """One problem: where (spreadsheet row, column as written), what (`code` and its `params`, JSON values only),
    and `message`, the English text of the same. The portal translates by code (insights.errors)."""

    row: int | None
    column: str | None
    message: str
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


# A block of errors: rows, column, code, and parameters, each either one value for every row of the block or an
# array with one value per row (the offending value itself, the row an id first appeared on).
Block = tuple[np.ndarray, str | None, str, dict[str, Any]]


class _Errors:
    """Collects errors as (row numbers, column, code, parameters) blocks so that a million rows do not mean a million
    calls."""

    def __init__(self, order: dict[str | None, int]) -> None:
        self.blocks: list[Block] = []
        self.order = order

    def add(self, rows: Any, column: str | None, code: str, **params: Any) -> None:
        rows_array = np.asarray(rows, dtype=np.int64)
        if len(rows_array):
            per_row = {
                name: np.asarray(value, dtype=object) if isinstance(value, (pd.Series, np.ndarray)) else value
                for name, value in params.items()
            }
            self.blocks.append((rows_array, column, code, per_row))

    def file(self, code: str, *, row: int | None = None, column: str | None = None, **params: Any) -> None:
        self.blocks.append((np.array([-1 if row is None else row]), column, code, params))

    def items(self) -> list[ImportErrorItem]:
        if not self.blocks:
            return []
        rows = np.concatenate([block[0] for block in self.blocks])
        columns = np.concatenate([np.full(len(block[0]), block[1], dtype=object) for block in self.blocks])
        codes = np.concatenate([np.full(len(block[0]), block[2], dtype=object) for block in self.blocks])
        # Where each error's parameters are: its block and its position in the block.
        block_of = np.concatenate([np.full(len(block[0]), i) for i, block in enumerate(self.blocks)])
        position = np.concatenate([np.arange(len(block[0])) for block in self.blocks])
        frame = pd.DataFrame(
            {"row": rows, "column": columns, "code": codes, "block": block_of, "at": position}
        )
        # A cell that looks like a personal number is reported once, and its value is never echoed back.
        personal = frame[frame["code"] == "personal_number"][["row", "column"]]
        if len(personal):
            cell = pd.MultiIndex.from_frame(frame[["row", "column"]])
            hidden = cell.isin(pd.MultiIndex.from_frame(personal)) & (frame["code"] != "personal_number")
            frame = frame[~hidden]
        frame["position"] = frame["column"].map(lambda name: self.order.get(name, len(self.order)))
        frame = frame.sort_values(["row", "position"], kind="stable")
        items = []
        for row, column, code, block, at in zip(
            frame["row"], frame["column"], frame["code"], frame["block"], frame["at"], strict=True
        ):
            params = {
                name: _plain(value[at] if isinstance(value, np.ndarray) else value)
                for name, value in self.blocks[block][3].items()
            }
            items.append(
                ImportErrorItem(
                    None if row < 0 else int(row), column, english_message(code, params), code, params
                )
            )
        return items


def _plain(value: Any) -> Any:
    """A parameter as a JSON value (the batch stores them)."""
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


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
    for positions, name, code, params in local.blocks:
        hit = _hits(codes, positions, len(distinct))
        spread_params: dict[str, Any] = {}
        for key, value in params.items():
            if isinstance(value, np.ndarray):
                by_distinct = np.empty(len(distinct), dtype=object)
                by_distinct[positions] = value
                spread_params[key] = by_distinct[codes[hit]]
            else:
                spread_params[key] = value
        errors.add(rows[hit], name, code, **spread_params)
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
        errors.add(values.index[empty], header, "required", field=column.name)
    present = ~empty
    if column.kind is Kind.TEXT:
        too_long = present & (values.str.len() > 200)
        errors.add(values.index[too_long], header, "too_long", limit=200)
        return values
    if column.kind is Kind.COUNTRY:
        codes = values.str.upper()
        bad = present & ~codes.isin(COUNTRY_CODES)
        errors.add(values.index[bad], header, "unknown_country", value=values[bad])
        return codes
    if column.kind is Kind.ENUM:
        lookup = dict(column.values)
        if column.name == "remote_work":
            lookup.update(REMOTE_WORK_EXTRA)
        codes = values.str.lower().map(lookup)
        bad = present & codes.isna()
        errors.add(
            values.index[bad],
            header,
            "unknown_value",
            value=values[bad],
            field=column.name,
            allowed=column.codes,
            swedish=[word for word, code in column.values.items() if word != code],
        )
        return codes
    if column.kind is Kind.BOOLEAN:
        lowered = values.str.lower()
        truth = pd.Series(pd.NA, index=values.index, dtype="boolean")
        truth[lowered.isin(TRUE_WORDS)] = True
        truth[lowered.isin(FALSE_WORDS)] = False
        bad = present & truth.isna()
        errors.add(values.index[bad], header, "not_boolean", value=values[bad])
        return truth
    if column.kind in (Kind.INTEGER, Kind.DECIMAL):
        numbers = parse_numbers(values)
        not_number = present & numbers.isna()
        code = "not_integer" if column.kind is Kind.INTEGER else "not_number"
        errors.add(values.index[not_number], header, code, value=values[not_number])
        negative = numbers < 0
        errors.add(values.index[negative], header, "negative")
        if column.kind is Kind.INTEGER:
            fractional = numbers.notna() & (numbers % 1 != 0)
            errors.add(values.index[fractional], header, "not_whole")
            too_large = numbers > INTEGER_LIMIT
            errors.add(values.index[too_large], header, "too_large_number", limit=INTEGER_LIMIT)
        return numbers
    if column.kind is Kind.DATE:
        dates = pd.to_datetime(values.where(present), format="ISO8601", errors="coerce")
        bad = present & dates.isna()
        errors.add(values.index[bad], header, "not_date", value=values[bad])
        return dates.dt.normalize()
    # Kind.TOKENS: an open list of lower-case words separated by |.
    lowered = values.str.lower().str.replace(r"\s+", "", regex=True).str.strip("|")
    # Every |-separated token a TOKEN, as one match per cell (no split into a row per token).
    listed = lowered[present]
    bad_rows = listed.index[~listed.str.fullmatch(TOKEN_LIST).astype(bool)]
    errors.add(bad_rows, header, "bad_interests")
    return lowered


# How far validation has come, as (done, of): reading the file is the first tenth, the scan of every column for
# identifiers and control characters the next four, typing the known columns the rest.
ValidationProgress = Callable[[int, int], None]
READ_SHARE, SCAN_SHARE = 10, 40


def _no_progress(done: int, of: int) -> None:
    return None


def validate_frame(raw: pd.DataFrame, *, progress: ValidationProgress | None = None) -> ValidationResult:
    """Check the header, then every cell of every row (consenting or not), and type the consenting rows."""
    report = progress or _no_progress
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
                "forbidden_column", row=1, column=written, header=written, kind=FORBIDDEN_HEADERS[key]
            )
            continue
        name = HEADER_NAMES.get(key)
        if name is None:
            # Not stored, but said so (a misspelt header would otherwise lose a column silently), and still checked
            # for personal numbers and control characters below.
            warnings.append(ImportErrorItem(1, written, UNKNOWN_COLUMN_MESSAGE, code="unknown_column"))
            continue
        if name in mapping.values():
            errors.file("duplicate_column", row=1, column=written, field=name)
            continue
        mapping[header] = name
    for column in COLUMNS:
        order.setdefault(column.name, len(order))
        if column.required and column.name not in mapping.values():
            errors.file("missing_column", row=1, column=column.name, field=column.name, alias=column.alias)

    for scanned, header in enumerate(headers):
        report(READ_SHARE + SCAN_SHARE * scanned // max(1, len(headers)), 100)
        written = re.sub(r"\.\d+$", "", header)
        values = raw[header]
        codes, distinct = pd.factorize(values.to_numpy(dtype=object))
        few = len(distinct) * 2 <= len(values)  # then scanned once per distinct value
        cells = pd.Series(distinct, dtype=object) if few else values
        for find, code in (
            (personal_number_rows, "personal_number"),
            (control_character_rows, "control_character"),
        ):
            found = find(cells)
            errors.add(_rows_of(values, codes, found) if few else found, written, code)

    typed: dict[str, pd.Series] = {}
    typing_share = 100 - READ_SHARE - SCAN_SHARE
    for checked, (header, name) in enumerate(mapping.items()):
        report(READ_SHARE + SCAN_SHARE + typing_share * checked // max(1, len(mapping)), 100)
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
                "duplicate_id",
                value=present[duplicated],
                first_row=first_row[duplicated].astype("int64"),
            )

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


def validate_file(
    source: str | Path | BinaryIO,
    *,
    limits: Limits = DEFAULT_LIMITS,
    progress: ValidationProgress | None = None,
) -> ValidationResult:
    """Read and validate a CSV or XLSX file; whole-file problems come back as an error with `row: None`."""
    try:
        raw = read_prospect_file(source, limits=limits)
    except FileTooLarge as problem:
        item = ImportErrorItem(None, None, str(problem), code=problem.code, params=dict(problem.params))
        return ValidationResult(_empty_prospects(), 0, 0, [item])
    except FileProblem as problem:
        item = ImportErrorItem(None, None, str(problem), code=problem.code, params=dict(problem.params))
        return ValidationResult(_empty_prospects(), 0, 0, [item])
    if progress is not None:
        progress(READ_SHARE, 100)
    result = validate_frame(raw, progress=progress)
    if progress is not None:
        progress(100, 100)
    return result
