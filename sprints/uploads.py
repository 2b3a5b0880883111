"""Checks on result attachments: an allow-listed extension, a size limit, and content that really is of that type."""

from __future__ import annotations

import zipfile
from pathlib import PurePath
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ALLOWED_EXTENSIONS = ("pdf", "docx", "xlsx", "pptx", "odt", "csv", "txt", "png", "jpg")

# A member each Office Open XML / OpenDocument package must contain; a renamed zip of anything else lacks it.
_ZIP_MARKERS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError as error:
        # The sample may cut a multi-byte character at its end; that is still UTF-8.
        if error.reason == "unexpected end of data":
            return True
    # Swedish Excel writes CSV in Windows-1252; it has five undefined bytes, which binary data hits quickly.
    try:
        head.decode("cp1252")
        return True
    except UnicodeDecodeError:
        return False


def _zip_has(stream: IO[bytes], member: str) -> bool:
    try:
        with zipfile.ZipFile(stream) as archive:
            return member in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _odt(stream: IO[bytes]) -> bool:
    try:
        with zipfile.ZipFile(stream) as archive:
            return archive.read("mimetype").strip() == _ODT_MIMETYPE
    except (zipfile.BadZipFile, KeyError):
        return False


def content_matches(extension: str, stream: IO[bytes]) -> bool:
    """Whether the bytes in `stream` are a file of type `extension` (by its signature, not its name)."""
    stream.seek(0)
    head = stream.read(8192)
    stream.seek(0)
    if extension == "pdf":
        return head.startswith(b"%PDF-")
    if extension == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension == "jpg":
        return head.startswith(b"\xff\xd8\xff")
    if extension in ("csv", "txt"):
        return _is_text(head)
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        if extension == "odt":
            return _odt(stream)
        return _zip_has(stream, _ZIP_MARKERS[extension])
    finally:
        stream.seek(0)


def validate_attachment(*, name: str, size: int, stream: IO[bytes]) -> str:
    """Return the normalised extension, or raise ValidationError({"file": …}) saying what is wrong."""
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension == "jpeg":
        extension = "jpg"
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            {
                "file": _("Files of type “%(extension)s” are not allowed. Allowed types: %(allowed)s.")
                % {"extension": extension or "?", "allowed": ", ".join(ALLOWED_EXTENSIONS)}
            }
        )
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            {
                "file": _("The file is %(size)s MB; the limit is %(limit)s MB.")
                % {"size": f"{size / 1024 / 1024:.1f}", "limit": MAX_ATTACHMENT_BYTES // 1024 // 1024}
            }
        )
    if size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    if not content_matches(extension, stream):
        raise ValidationError(
            {"file": _("The file’s content is not a %(extension)s file.") % {"extension": extension}}
        )
    return extension
