"""Demo glossary: a few entries as the coordinating team would write them, each labelled with where it comes from.

The taxonomy's own Swedish and English labels take part in search without entries here (selectors.taxonomy_groups).
"""

from __future__ import annotations

from typing import Any

from .models import GlossaryEntry
from .services import glossary_entry_create

DEMO_SOURCE = "Demo: example entries of the coordinating team"

# (Swedish synonyms, English equivalents): the programme's own words (DOMAIN.md) and the examples of issue 16.
ENTRIES: list[tuple[str, str]] = [
    ("inflyttarlots, välkomstlots, flyttlots", "relocation guide, welcome guide"),
    ("förskoleplats, barnomsorgsplats", "preschool place, childcare place"),
    ("inflyttare, nyinflyttad", "newcomer, new resident"),
    ("kompetensförsörjning", "skills supply"),
    ("distansarbete, distansjobb", "remote work, telework"),
    ("medföljande partner", "accompanying partner, trailing spouse"),
    ("bostadsbrist", "housing shortage"),
    ("prova-på-boende, testboende", "trial living"),
    ("sommarjobb", "summer job"),
]


def seed(*, stdout: Any) -> None:
    created = 0
    for swedish, english in ENTRIES:
        if GlossaryEntry.objects.filter(swedish=swedish).exists():
            continue
        glossary_entry_create(
            user=None, swedish=swedish, english=english, source=DEMO_SOURCE, skip_permission_checks=True
        )
        created += 1
    stdout.write(f"Search glossary: {created} demo entries ({GlossaryEntry.objects.count()} in all)")
