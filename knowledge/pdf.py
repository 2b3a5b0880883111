"""PDF of a lesson, method card or meeting, rendered from HTML by xhtml2pdf (pure Python, no browser); `html_to_pdf`
is the one PDF renderer, also used by the dashboard and the action plans."""

from __future__ import annotations

import functools
import io
from pathlib import Path
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


@functools.cache
def _font_css() -> str:
    """Every PDF is set in Source Sans Pro, a TrueType font embedded in the file: the PDF base fonts (Helvetica)
    have no č, đ, ŋ, ŧ, and Sámi place and person names came out as "?". The font's italics lack ŋ and ŧ, so
    italic text is set upright rather than lose letters."""
    import font_source_sans_pro

    files = Path(font_source_sans_pro.font_directory)
    regular, bold = (
        (files / "SourceSansPro-Regular.ttf").as_uri(),
        (files / "SourceSansPro-Bold.ttf").as_uri(),
    )
    faces = [
        (regular, "normal", "normal"),
        (bold, "bold", "normal"),
        (regular, "normal", "italic"),
        (bold, "bold", "italic"),
    ]
    return (
        "".join(
            f'@font-face {{ font-family: "StigarSans"; src: url("{url}"); font-weight: {weight}; font-style: {style}; }}'
            for url, weight, style in faces
        )
        + 'html, body, p, td, th, li, h1, h2, h3, h4 { font-family: "StigarSans"; }'
    )


def html_to_pdf(html: str) -> bytes:
    """Render print HTML to PDF, in the embedded Unicode font."""
    output = io.BytesIO()
    from xhtml2pdf import pisa  # imported when a PDF is asked for: it pulls in reportlab (seconds)
    from xhtml2pdf.default import DEFAULT_CSS

    status = pisa.CreatePDF(html, dest=output, encoding="utf-8", default_css=DEFAULT_CSS + _font_css())
    if status.err:
        raise PdfError(f"xhtml2pdf reported {status.err} error(s)")
    return output.getvalue()
