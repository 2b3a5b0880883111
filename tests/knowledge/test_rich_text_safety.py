"""Imported Markdown is stored as the editor could have written it: script payloads come out inert everywhere the
page is shown (page, admin editor, feeds, PDF, page API, search highlights) and the page opens in the admin editor."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from pytest_django.fixtures import Settings

from knowledge.models import LessonPage
from knowledge.richtext import editor_rich_text
from knowledge.search.backend import SearchBackend

pytestmark = pytest.mark.django_db

PAYLOADS = """Kattunge <script>alert('s1')</script> <img src=x onerror="alert('s2')">
<svg onload="alert('s3')"><circle r="1"/></svg> <iframe src="javascript:alert('s4')"></iframe>
[klicka](javascript:alert('s5')) [trygg](https://example.org/trygg)"""

HARD_BREAK = "  "  # two trailing spaces: a Markdown hard line break

LESSON = f"""---
slug: xss-lesson
title: Kattunge i Kiruna
type: lesson
language: sv
municipality: kiruna
owner: lead-kiruna
visibility: public
---
{PAYLOADS}

## Sammanhang

Första raden{HARD_BREAK}
andra raden efter en hård radbrytning.

![Kartan över Kiruna](https://example.org/karta.png)

{PAYLOADS}

## Övrigt

{PAYLOADS}
"""

# Anything that would run: a script element, an event handler attribute, a javascript: address, an embedded frame.
ACTIVE = re.compile(r"<script|<svg|<iframe|\son\w+\s*=|javascript:", re.IGNORECASE)


def _active(text: str) -> list[str]:
    return ACTIVE.findall(text)


@pytest.fixture
def imported(tmp_path: Path, lead_kiruna: User, settings: Settings, backend: SearchBackend) -> LessonPage:
    path = tmp_path / "xss.md"
    path.write_text(LESSON, encoding="utf-8")
    call_command("import_knowledge", str(path), "--publish")
    lesson: LessonPage = LessonPage.objects.get(slug="xss-lesson")
    return lesson


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)></svg>",
        '<iframe src="javascript:alert(1)"></iframe>',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JaVa\tScRiPt:alert(1)">x</a>',
        '<p onclick="alert(1)">text</p>',
    ],
)
def test_each_payload_is_inert_after_conversion(html: str) -> None:
    stored = editor_rich_text(f"<p>före</p>{html}<p>efter</p>")
    assert _active(stored) == []
    assert "alert" not in stored.replace("x</a>", "")
    assert "före" in stored
    assert "efter" in stored


def test_stored_fields_hold_no_active_content(imported: LessonPage) -> None:
    for name in ("summary", "context"):
        assert _active(getattr(imported, name)) == [], name
    assert _active(str(imported.body.raw_data)) == []
    assert 'href="https://example.org/trygg"' in imported.summary
    # The image became a link with its alternative text, the hard line break stayed a line break.
    assert 'href="https://example.org/karta.png">Kartan över Kiruna</a>' in imported.context
    assert "<br/>" in imported.context


def test_the_public_page_renders_inert(client: Client, imported: LessonPage) -> None:
    response = client.get(imported.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kattunge" in html
    assert _active(html) == []


def test_the_imported_page_opens_in_the_admin_editor(
    client: Client, imported: LessonPage, coordinator: User
) -> None:
    client.force_login(coordinator)
    response = client.get(f"/admin/pages/{imported.pk}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    # Draftail's JSON escapes non-ASCII letters.
    assert "Kartan \\u00f6ver Kiruna" in html
    assert "andra raden" in html
    # The editor gets the content as Draftail JSON; no payload survives in it either.
    assert "onerror" not in html
    assert "alert('s" not in html


@pytest.mark.parametrize("path", ["/kunskap/flode/rss/", "/kunskap/flode/atom/"])
def test_feeds_are_inert(client: Client, imported: LessonPage, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Kattunge" in text
    assert _active(text) == []
    assert "&lt;script" not in text


def test_page_api_is_inert(client: Client, imported: LessonPage) -> None:
    listing = client.get("/api/v2/pages/", {"type": "knowledge.LessonPage", "fields": "*"})
    assert listing.status_code == 200
    detail = client.get(f"/api/v2/pages/{imported.pk}/")
    assert detail.status_code == 200
    for response in (listing, detail):
        text = response.content.decode()
        assert _active(text) == [], text[:500]
    assert "Kattunge" in detail.content.decode()


def test_search_highlights_are_inert(client: Client, imported: LessonPage, backend: SearchBackend) -> None:
    response = client.get("/api/search/", {"q": "kattunge"})
    assert response.status_code == 200
    data = response.json()
    assert [hit["slug"] for hit in data["results"]] == ["xss-lesson"]
    assert _active(response.content.decode()) == []
    assert "<script" not in data["results"][0]["highlight"]


def test_pdf_is_inert(client: Client, imported: LessonPage) -> None:
    from knowledge.pdf import render_page_pdf  # noqa: F401 — the view renders through it

    response = client.get(f"/kunskap/pdf/{imported.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    # The PDF is drawn from the same stored HTML; check the template's HTML directly as well.
    from django.template.loader import render_to_string

    html = render_to_string("knowledge/pdf/page.html", {"page": imported, "page_url": imported.url})
    assert "Kattunge" in html
    assert _active(html) == []
