"""PDF of a lesson, method card or meeting, rendered from HTML by xhtml2pdf (pure Python, no browser); `html_to_pdf`
is the one PDF renderer, also used by the dashboard and the action plans."""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from .models import KnowledgePage


class PdfError(RuntimeError):
    pass


def render_page_pdf(
    *, page: KnowledgePage, request: HttpRequest, context: dict[str, Any] | None = None
) -> bytes:
    html = render_to_string(
        "knowledge/pdf/page.html",
        {"page": page, "page_url": page.get_full_url(request=request), **(context or {})},
        request=request,
    )
    try:
        return html_to_pdf(html)
    except PdfError as error:
        raise PdfError(f"{error} (page {page.pk})") from error


def html_to_pdf(html: str) -> bytes:
    """Render print HTML to PDF."""
    output = io.BytesIO()
    from xhtml2pdf import pisa  # imported when a PDF is asked for: it pulls in reportlab (seconds)

    status = pisa.CreatePDF(html, dest=output, encoding="utf-8")
    if status.err:
        raise PdfError(f"xhtml2pdf reported {status.err} error(s)")
    return output.getvalue()
