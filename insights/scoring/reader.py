"""Reads a prospect file (CSV in Swedish or English spreadsheet dialects, or XLSX) into a frame of text cells, row-numbered as a spreadsheet shows them."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import BinaryIO

import pandas as pd

XLSX_MAGIC = b"PK\x03\x04"


class FileProblem(Exception):
    """A problem with the file as a whole (reported with `row: null`)."""


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
            raise FileProblem("The file is neither UTF-8 nor Windows-1252 text.") from exc
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
        raise FileProblem("The file is empty.")
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
        raise FileProblem(f"The file could not be read as CSV: {exc}") from exc
    return frame


def read_xlsx(data: bytes) -> pd.DataFrame:
    try:
        frame = pd.read_excel(io.BytesIO(data), sheet_name=0, dtype=object, engine="calamine", header=0)
    except (ValueError, zipfile.BadZipFile, OSError) as exc:
        raise FileProblem(f"The spreadsheet could not be read: {exc}") from exc
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


def read_prospect_file(source: str | Path | BinaryIO, *, name: str | None = None) -> pd.DataFrame:
    """All cells as text (empty string for blank); the index is the spreadsheet row number (header = row 1).

    Blank lines keep their number (a spreadsheet shows them too) and are dropped.
    """
    data = Path(source).read_bytes() if isinstance(source, str | Path) else source.read()
    if not data.strip():
        raise FileProblem("The file is empty.")
    frame = read_xlsx(data) if data.startswith(XLSX_MAGIC) else read_csv_bytes(data)
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    if len(frame.columns) and len(frame):
        stripped = {column: frame[column].str.strip() for column in frame.columns}
        blank = pd.concat([(values == "") for values in stripped.values()], axis=1).all(axis=1)
        frame = pd.DataFrame(stripped)[~blank.to_numpy()]
    if len(frame) == 0:
        raise FileProblem("The file has a header but no rows.")
    return frame
