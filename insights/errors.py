"""Import problems in the reader's language: the Django-free core (insights.scoring) reports a code with parameters,
this module says it with gettext (Swedish first, English), naming enumeration values in the reader's language too."""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .scoring.schema import BY_NAME

MESSAGES: dict[str, Promise] = {
    "personal_number": _(
        "This value looks like a Swedish personal identity number or coordination number; they must not be "
        "imported."
    ),
    "control_character": _(
        "The value contains a control character (such as NUL, a tab or a line break); remove it."
    ),
    "unknown_column": _("Unknown column: it is not imported."),
    "forbidden_column": _(
        "The column “%(header)s” holds a direct identifier (%(kind)s); remove it: Stigar never stores names, "
        "e-mail addresses, phone numbers, addresses or personal identity numbers."
    ),
    "duplicate_column": _("The column %(field)s appears more than once."),
    "missing_column": _("The required column %(alias)s (English: %(field)s) is missing."),
    "required": _("A value is required here."),
    "too_long": _("The value is longer than %(limit)s characters."),
    "unknown_country": _("Unknown country code “%(value)s”: use a two-letter ISO code, e.g. DE, NL, SE."),
    "unknown_value": _("Unknown value “%(value)s”: use one of %(allowed)s."),
    "not_boolean": _("“%(value)s” is not a yes/no value: use ja/nej, yes/no, true/false or 1/0."),
    "not_integer": _("“%(value)s” is not a whole number."),
    "not_number": _("“%(value)s” is not a number."),
    "negative": _("The number must not be negative."),
    "not_whole": _("The number must be a whole number."),
    "too_large_number": _("The number is implausibly large (over %(limit)s)."),
    "not_date": _("“%(value)s” is not a date: write it as YYYY-MM-DD."),
    "bad_interests": _(
        "Interests must be words of letters, digits or _ separated by |, e.g. hiking|fishing."
    ),
    "duplicate_id": _("The id “%(value)s” already appears on row %(first_row)s."),
    "file_empty": _("The file is empty."),
    "header_only": _("The file has a header but no rows."),
    "encoding": _("The file is neither UTF-8 nor Windows-1252 text: save it as CSV UTF-8."),
    "csv_unreadable": _("The file could not be read as CSV; save it again as CSV or XLSX."),
    "xlsx_unreadable": _("The spreadsheet could not be read; save it again as XLSX or CSV."),
    "file_unreadable": _("The file could not be read."),
    "too_large_bytes": _("The file is larger than %(megabytes)s MB; split it into smaller files."),
    "too_large_uncompressed": _(
        "The spreadsheet expands to more than %(megabytes)s MB when opened; save it as CSV or split it."
    ),
    "too_large_rows": _("The file has more than %(limit)s rows; split it into smaller files."),
    "too_large_columns": _("The file has more than %(limit)s columns; remove the columns not needed."),
}

KIND_LABELS: dict[str, Promise] = {
    "name": _("a name"),
    "e-mail": _("an e-mail address"),
    "phone": _("a phone number"),
    "address": _("an address"),
    "personal identity number": _("a personal identity number"),
}


def _number(value: Any) -> str:
    return number_format(int(value), 0, use_l10n=True, force_grouping=True)


def _allowed(params: dict[str, Any]) -> str:
    """The accepted spellings, the reader's language first: Swedish words for a Swedish reader."""
    codes = list(params.get("allowed", []))
    swedish = list(params.get("swedish", []))
    column = BY_NAME.get(str(params.get("field", "")))
    if column is not None:
        # Codes written the same in both languages (e.g. `it`, age bands) are listed once.
        word_of = {code: word for word, code in column.values.items() if word != code}
        swedish = [word_of.get(code, code) for code in codes]
    if (get_language() or "sv").startswith("sv") and swedish:
        first, second = swedish, codes
    else:
        first, second = codes, swedish
    extra = [word for word in second if word not in first]
    return ", ".join(first) + (f" ({', '.join(extra)})" if extra else "")


def translated_message(code: str | None, params: dict[str, Any], fallback: str) -> str:
    """The problem in the active language; the core's English text for a code this module does not know."""
    template = MESSAGES.get(code or "")
    if template is None:
        return fallback
    values = {key: value for key, value in params.items() if not isinstance(value, (list, dict))}
    if "limit" in params:
        limit = int(params["limit"])
        values["limit"] = _number(limit)
        values["megabytes"] = limit // (1024 * 1024)
    if code == "unknown_value":
        values["allowed"] = _allowed(params)
    if code == "forbidden_column":
        values["kind"] = str(KIND_LABELS.get(str(params.get("kind")), params.get("kind")))
    if code == "missing_column":
        values.setdefault("alias", params.get("field"))
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):
        return fallback


def _visible(value: Any) -> Any:
    """A value quoted from the file with its control characters written out (NUL as \\x00): the report shows
    what was wrong, and PostgreSQL's jsonb cannot hold a NUL at all."""
    if isinstance(value, str):
        return "".join(
            f"\\x{ord(char):02x}" if ord(char) < 0x20 or ord(char) == 0x7F else char for char in value
        )
    if isinstance(value, list | tuple):
        return [_visible(item) for item in value]
    if isinstance(value, dict):
        return {key: _visible(item) for key, item in value.items()}
    return value


def report_entry(item: Any) -> dict[str, Any]:
    """One stored report entry: row, column and message in the active language, with the code and parameters kept
    so that a page can say it again in its reader's language."""
    params = _visible(item.params)
    return {
        "row": item.row,
        "column": item.column,
        "message": translated_message(item.code, params, _visible(item.message)),
        "code": item.code,
        "params": params,
    }


def localise(entry: dict[str, Any]) -> dict[str, Any]:
    """A stored entry with its message in the active language (entries stored before codes keep their text)."""
    if not entry.get("code"):
        return entry
    return {
        **entry,
        "message": translated_message(entry["code"], entry.get("params") or {}, entry["message"]),
    }
