"""Factories for knowledge pages: they create published (or draft) pages under the knowledge index."""

from __future__ import annotations

import datetime
from typing import Any, TypeVar

from knowledge.models import ExchangeMeetingPage, KnowledgePage, LessonPage, MethodCardPage
from knowledge.selectors import knowledge_index
from themes.models import RelocationPhase

PageT = TypeVar("PageT", bound=KnowledgePage)

_counter = {"n": 0}


def _add(page: PageT, *, live: bool, phases: tuple[str, ...], tags: tuple[str, ...]) -> PageT:
    index = knowledge_index()
    assert index is not None
    if phases:
        page.relocation_phases.set(list(RelocationPhase.objects.filter(code__in=phases)))
    if tags:
        page.tags.set(list(tags))
    page.live = False
    index.add_child(instance=page)
    revision = page.save_revision()
    if live:
        revision.publish()
        page.refresh_from_db()
    return page


def _slug(prefix: str) -> str:
    _counter["n"] += 1
    return f"{prefix}-{_counter['n']}"


def make_lesson(
    *,
    title: str = "Prova-på-boende lockade fler besökare",
    visibility: str = "public",
    live: bool = True,
    phases: tuple[str, ...] = ("visit",),
    tags: tuple[str, ...] = (),
    **fields: Any,
) -> LessonPage:
    fields.setdefault("slug", _slug("lektion"))
    fields.setdefault("summary", "<p>En testvecka gav tydligare bild av vad inflyttare behöver.</p>")
    fields.setdefault("date", datetime.date(2026, 3, 14))
    page = LessonPage(title=title, visibility=visibility, **fields)
    return _add(page, live=live, phases=phases, tags=tags)


def make_method_card(
    *, title: str = "Tjänstesafari", visibility: str = "public", live: bool = True, **fields: Any
) -> MethodCardPage:
    fields.setdefault("slug", _slug("metod"))
    page = MethodCardPage(title=title, visibility=visibility, **fields)
    return _add(page, live=live, phases=(), tags=())


def make_meeting(
    *,
    title: str = "Erfarenhetsutbyte våren 2026",
    visibility: str = "public",
    live: bool = True,
    **fields: Any,
) -> ExchangeMeetingPage:
    fields.setdefault("slug", _slug("mote"))
    fields.setdefault("date", datetime.date(2026, 4, 20))
    page = ExchangeMeetingPage(title=title, visibility=visibility, **fields)
    return _add(page, live=live, phases=(), tags=())
