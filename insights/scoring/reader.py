"""Reads a prospect file (CSV in Swedish or English spreadsheet dialects, or XLSX) into a frame of text cells, row-numbered as a spreadsheet shows them."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

XLSX_MAGIC = b"PK\x03\x04"


class FileProblem(Exception):
    """A problem with the file as a whole (reported with `row: null`); `code` and `params` let the portal say it in
    the reader's language (the exception's text is the English message)."""

    def __init__(
        self, message: str, *, code: str = "file_unreadable", params: dict[str, object] | None = None
    ):
        super().__init__(message)
        self.code = code
        self.params = params or {}


@dataclass(frozen=True)
class Limits:
    """What one prospect file may hold, checked before it is parsed: a file beyond these is refused outright, so
    that a small upload cannot make a worker expand gigabytes (an XLSX is a zip: its sheet can compress 1000:1)."""

    max_bytes: int = 200 * 1024 * 1024
    max_rows: int = 2_000_000  # bench/scoring.py imports 1,000,000
    max_columns: int = 60  # the schema has 18 columns; room for a source's extra ones
    max_xlsx_uncompressed: int = 400 * 1024 * 1024


DEFAULT_LIMITS = Limits()


class FileTooLarge(FileProblem):
    """A file beyond one of the Limits; `code` names which one (`bytes`, `rows`, `columns`, `uncompressed`)."""

    def __init__(self, code: str, limit: int, message: str) -> None:
        super().__init__(message, code=f"too_large_{code}", params={"limit": limit})
        self.limit = limit


def _too_many_rows(limits: Limits) -> FileTooLarge:
    return FileTooLarge("rows", limits.max_rows, f"The file has more than {limits.max_rows:,} rows.")


def _too_many_columns(limits: Limits) -> FileTooLarge:
    return FileTooLarge(
        "columns", limits.max_columns, f"The file has more than {limits.max_columns} columns."
    )


DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]+\d+:(?P<column>[A-Z]+)(?P<row>\d+)"')


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def check_xlsx_bounds(data: bytes, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a spreadsheet whose zip declares more uncompressed bytes than allowed, or whose first sheet declares
    more rows or columns than allowed, reading only the zip's directory and the sheet's first bytes."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise FileProblem(
            f"The spreadsheet could not be read: {exc}", code="xlsx_unreadable", params={"detail": str(exc)}
        ) from exc
    with archive:
        members = archive.infolist()
        if sum(member.file_size for member in members) > limits.max_xlsx_uncompressed:
            raise FileTooLarge(
                "uncompressed",
                limits.max_xlsx_uncompressed,
                f"The spreadsheet expands to more than {limits.max_xlsx_uncompressed // (1024 * 1024)} MB.",
            )
        sheets = sorted(m.filename for m in members if m.filename.startswith("xl/worksheets/sheet"))
        if not sheets:
            return
        with archive.open(sheets[0]) as sheet:
            head = sheet.read(65536)
    dimension = DIMENSION.search(head)
    if dimension is not None:
        if int(dimension["row"]) - 1 > limits.max_rows:
            raise _too_many_rows(limits)
        if _column_number(dimension["column"]) > limits.max_columns:
            raise _too_many_columns(limits)


def check_csv_bounds(data: bytes, limits: Limits = DEFAULT_LIMITS) -> None:
    """Rows and columns of a CSV counted on the bytes (line breaks, separators in the header) before parsing."""
    if data.count(b"\n") - 1 > limits.max_rows:
        raise _too_many_rows(limits)
    first = next((line for line in data[:65536].splitlines() if line.strip()), b"")
    text = first.decode("utf-8", errors="replace")
    if text.count(_delimiter(text)) + 1 > limits.max_columns:
        raise _too_many_columns(limits)


def _encoding(data: bytes) -> str:
    # Excel on Windows writes UTF-8 with a BOM or Windows-1252; a file that is not valid UTF-8 is taken as cp1252.
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise FileProblem("The file is neither UTF-8 nor Windows-1252 text.", code="encoding") from exc
        return "cp1252"
    return "utf-8"


def _delimiter(header_line: str) -> str:
    # Swedish Excel separates with semicolons (the comma is the decimal sign); count outside quotes.
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def read_csv_bytes(data: bytes) -> pd.DataFrame:
    """Parse from the bytes (no decoded copy of a large file in memory); the delimiter is read off the header."""
    encoding = _encoding(data)
    first = next((line for line in data[:65536].splitlines() if line.strip()), b"")
    if not first:
        raise FileProblem("The file is empty.", code="file_empty")
    try:
        frame = pd.read_csv(
            io.BytesIO(data),
            sep=_delimiter(first.decode(encoding, errors="replace")),
            encoding=encoding,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            quoting=csv.QUOTE_MINIMAL,
            engine="c",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise FileProblem(
            f"The file could not be read as CSV: {exc}", code="csv_unreadable", params={"detail": str(exc)}
        ) from exc
    return frame


def read_xlsx(data: bytes, limits: Limits = DEFAULT_LIMITS) -> pd.DataFrame:
    check_xlsx_bounds(data, limits)
    try:
        # nrows: a sheet whose declared dimension understated its rows still yields no more than the limit + 1.
        frame = pd.read_excel(
            io.BytesIO(data),
            sheet_name=0,
            dtype=object,
            engine="calamine",
            header=0,
            nrows=limits.max_rows + 1,
        )
    except (ValueError, zipfile.BadZipFile, OSError) as exc:
        raise FileProblem(
            f"The spreadsheet could not be read: {exc}", code="xlsx_unreadable", params={"detail": str(exc)}
        ) from exc
    if len(frame) > limits.max_rows:
        raise _too_many_rows(limits)
    if len(frame.columns) > limits.max_columns:
        raise _too_many_columns(limits)
    frame.columns = [str(column) for column in frame.columns]
    # Excel types cells itself: dates become timestamps, whole numbers floats; back to text like a CSV cell.
    for column in frame.columns:
        values = frame[column]
        as_text = values.map(_cell_text)
        frame[column] = as_text.astype(str)
    return frame


def _cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_bounded(source: str | Path | BinaryIO, limits: Limits) -> bytes:
    too_large = FileTooLarge(
        "bytes", limits.max_bytes, f"The file is larger than {limits.max_bytes // (1024 * 1024)} MB."
    )
    if isinstance(source, str | Path):
        if Path(source).stat().st_size > limits.max_bytes:
            raise too_large
        return Path(source).read_bytes()
    data = source.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise too_large
    return data


def _stripped(values: pd.Series) -> pd.Series:
    """The cells without surrounding whitespace, as a plain object column (pandas' "str" dtype without pyarrow
    runs every string method element by element in Python); a column of few distinct values is stripped once
    per value and spread back by code."""
    cells = values.to_numpy(dtype=object)
    codes, distinct = pd.factorize(cells)
    if len(distinct) * 2 <= len(cells):
        cells = pd.Series(distinct, dtype=object).str.strip().to_numpy(dtype=object)[codes]
    else:
        cells = pd.Series(cells, dtype=object).str.strip().to_numpy(dtype=object)
    return pd.Series(cells, index=values.index, dtype=object)


def read_prospect_file(
    source: str | Path | BinaryIO, *, name: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> pd.DataFrame:
    """All cells as text (empty string for blank); the index is the spreadsheet row number (header = row 1).

    Blank lines keep their number (a spreadsheet shows them too) and are dropped. A file beyond `limits` is
    refused (FileTooLarge) before it is parsed.
    """
    data = _read_bounded(source, limits)
    if not data.strip():
        raise FileProblem("The file is empty.", code="file_empty")
    if data.startswith(XLSX_MAGIC):
        frame = read_xlsx(data, limits)
    else:
        check_csv_bounds(data, limits)
        frame = read_csv_bytes(data)
        if len(frame.columns) > limits.max_columns:
            raise _too_many_columns(limits)
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    if len(frame.columns) and len(frame):
        stripped = {column: _stripped(frame[column]) for column in frame.columns}
        blank = np.logical_and.reduce([values.to_numpy() == "" for values in stripped.values()])
        frame = pd.DataFrame(stripped)[~blank]
    if len(frame) == 0:
        raise FileProblem("The file has a header but no rows.", code="header_only")
    return frame
