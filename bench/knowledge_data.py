"""Bulk knowledge for the benchmarks (bench/pages.py, bench/knowledge_pages.py): published lessons spread over the
municipalities, taxonomy and visibility levels, plus one method card per sprint method. Needs Django set up."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from bench.harness import Data

WORDS = [
    "testvecka",
    "distansarbete",
    "välkomst",
    "förskola",
    "bostad",
    "coworking",
    "medföljande",
    "partner",
    "flyttguide",
    "kampanj",
    "föreningsliv",
    "sommarjobb",
    "värdar",
    "boende",
    "mottagande",
    "kompetens",
    "matchning",
    "energi",
    "tomter",
    "besökare",
]


def build_lessons(*, lessons: int, start_index: int = 0) -> Data:
    """Published lessons spread over municipalities, taxonomy and visibility, plus one method card per method."""
    from knowledge.models import LessonPage, MethodCardPage
    from knowledge.selectors import knowledge_index, vocabulary
    from themes.models import Municipality, RelocationPhase, SprintMethod, ValueChainStep, WorkPackage

    index = knowledge_index()
    assert index is not None
    municipalities = list(Municipality.objects.all())
    wps = list(WorkPackage.objects.all())
    chain = list(ValueChainStep.objects.all())
    phases = list(RelocationPhase.objects.all())
    methods = list(SprintMethod.objects.all())
    now = timezone.now()
    visibilities = ("public", "partners", "internal")
    with transaction.atomic():
        for number in range(start_index, lessons):
            words = [WORDS[(number * k) % len(WORDS)] for k in (1, 3, 7)]
            lesson = LessonPage(
                title=f"Lärdom {number}: {' '.join(words)}",
                slug=f"larddom-{number}",
                live=True,
                first_published_at=now - datetime.timedelta(hours=number),
                last_published_at=now - datetime.timedelta(hours=number),
                visibility=visibilities[number % 3],
                municipality=None if number % 10 == 0 else municipalities[number % len(municipalities)],
                work_package=wps[number % len(wps)],
                value_chain_step=chain[number % len(chain)],
                method=methods[number % len(methods)],
                evidence=("anecdote", "observed", "measured", "evaluated")[number % 4],
                date=(now - datetime.timedelta(days=number % 700)).date(),
                summary=f"<p>Syntetisk lärdom om {' och '.join(words)}.</p>",
                context="<p>Sammanhanget för lärdomen.</p>",
                what_we_did="<p>Vad vi gjorde.</p>",
                result="<p>Resultatet.</p>",
                advice="<p>Rådet.</p>",
            )
            lesson.relocation_phases.set([phases[number % len(phases)], phases[(number + 2) % len(phases)]])
            lesson.tags.set([words[0], words[1]])
            index.add_child(instance=lesson)
        if not MethodCardPage.objects.exists():
            for method in methods:
                card = MethodCardPage(
                    title=method.label_sv,
                    slug=f"metod-{method.code}",
                    live=True,
                    first_published_at=now,
                    visibility="public",
                    method=method,
                    summary="<p>Metodkort.</p>",
                )
                index.add_child(instance=card)
    vocabulary()  # pages read the taxonomy from this cache; measure them in steady state
    lesson = LessonPage.objects.filter(visibility="public").order_by("pk").first()
    card = MethodCardPage.objects.order_by("pk").first()
    assert lesson is not None
    assert card is not None
    return {"lesson_url": lesson.url, "method_url": card.url}
